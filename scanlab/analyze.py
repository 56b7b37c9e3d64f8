"""``Analyze``: Talos's analysis API over scanlab results.

The class is a thin layer: it loads the runs, remembers which columns are parameters and
which are metrics and the metric's direction, and delegates every computation to
:mod:`scanlab.analysis` and every drawing to :mod:`scanlab.plots` (imported only when a plot
is asked for, so computing never imports matplotlib).

Words: a *run* is one permutation trained once, which Talos calls a "round"; Talos's method
names ``rounds()`` and ``rounds2high()`` keep Talos's meaning and count runs. A *round* is
one scan of an experiment: the ``round`` column of the results.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from scanlab import analysis as an

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["Analyze"]

Histories = Mapping[str, Mapping[str, Sequence[float]]]


# --------------------------------------------------------------------------------------------
# Loading
# --------------------------------------------------------------------------------------------


def _load_path(path: Path) -> pd.DataFrame:
    from scanlab.log import load_results

    if not path.exists():
        raise FileNotFoundError(f"no such results file or experiment folder: {str(path)!r}")
    data = load_results(path)
    if len(data.columns) and len(data):
        an.check_results(data, str(path))
    return data


def _folder_of(path: Any) -> Path | None:
    if path is None:
        return None
    p = Path(path)
    return p.parent if p.suffix.lower() == ".csv" or p.is_file() else p


def _manifest_params(folder: Path | None) -> list[str] | None:
    """Parameter names from round manifests, when they record a params dict or list."""
    if folder is None or not folder.is_dir():
        return None
    names: list[str] = []
    files = sorted(folder.glob("manifest.json")) or sorted(folder.glob("round-*/manifest.json"))
    for file in files:
        try:
            params = json.loads(file.read_text(encoding="utf-8")).get("params")
        except (OSError, ValueError, AttributeError):
            return None
        if isinstance(params, dict):
            names += list(params)
        elif isinstance(params, list) and all(isinstance(p, str) for p in params):
            names += params
        else:
            return None
    return sorted(set(names)) or None


# --------------------------------------------------------------------------------------------
# Analyze
# --------------------------------------------------------------------------------------------


class Analyze:
    """Analyse the runs of a scan: best values, correlations, importance, plots, report.

    Parameters
    ----------
    source : Scan, DataFrame, str or path
        A finished :class:`scanlab.Scan` (its ``data``, the metric it tracked and that
        metric's direction; per-epoch histories from its round folder), a DataFrame of runs, a results CSV (scanlab's or Talos's), a round
        folder or an experiment folder (every round, with a ``round`` column).
    metric : str, optional
        The metric analysed when a method is not given one. Default: ``val_accuracy``,
        ``val_acc``, ``val_loss``, another ``val_*``, ``accuracy``, ``acc``, ``loss``, in
        that order of preference.
    minimize : bool or dict, optional
        Whether lower is better. Default: inferred from the metric name (``loss``,
        ``val_loss``, ``mse``, ``mae``, names containing ``loss`` or ``error``: lower is
        better; anything else: higher). A bool sets the direction of ``metric`` (the
        default metric); a dict maps metric names to a bool. Every method also takes
        ``minimize=`` for one call.
    params, metrics : sequence of str, optional
        The parameter / metric columns, when the automatic split guesses wrong (see
        :func:`scanlab.analysis.split_columns`).
    histories : mapping, optional
        Per-epoch histories ``{run_id: {key: [values]}}``; default: read from the results
        folder when there is one (``history.jsonl``).

    Attributes
    ----------
    data : DataFrame
        Every run, failed ones included (Talos's ``data``).
    params, metrics : tuple of str
        Parameter and metric columns.
    metric : str
        The default metric.

    Notes
    -----
    Failed runs (``status != 'ok'``) are left out of every statistic and plot but counted
    (:meth:`summary`) and listed (:meth:`failures`).

    Examples
    --------
    >>> df = pd.DataFrame({'run_id': list('abcd'), 'round': 1, 'status': 'ok',
    ...                    'lr': [0.1, 0.01, 0.1, 0.01], 'optimizer': ['Adam', 'Adam', 'SGD', 'SGD'],
    ...                    'loss': [0.3, 0.2, 0.5, 0.4], 'val_loss': [0.35, 0.25, 0.6, 0.45]})
    >>> a = Analyze(df)
    >>> a.metric, a.high(), a.rounds(), a.rounds2high()
    ('val_loss', 0.25, 4, 1)
    >>> a.best_params(n=2)
    array([[0.01, 'Adam'],
           [0.1, 'Adam']], dtype=object)
    """

    def __init__(
        self,
        source: Any,
        metric: str | None = None,
        minimize: bool | Mapping[str, bool] | None = None,
        *,
        params: Sequence[str] | None = None,
        metrics: Sequence[str] | None = None,
        histories: Histories | None = None,
    ) -> None:
        folder: Path | None = None
        if isinstance(source, pd.DataFrame):
            data, self.source = source, "DataFrame"
        elif isinstance(source, (str, os.PathLike)):
            path = Path(source).expanduser()
            data, self.source = _load_path(path), str(path)
            folder = _folder_of(path)
        elif isinstance(getattr(source, "data", None), pd.DataFrame):
            data, self.source = source.data, type(source).__name__
            folder = _folder_of(getattr(source, "results_path", None)) or _folder_of(
                getattr(source, "experiment_path", None)
            )
            names = getattr(source, "params", None)  # the params dict (scanlab or Talos)
            if (
                params is None
                and metrics is None
                and isinstance(names, Mapping)
                and set(names) <= set(data.columns)
            ):
                params = list(names)
            tracked = getattr(source, "tracked_metric", None)  # a scanlab Scan's target
            if metric is None and isinstance(tracked, str) and tracked in data.columns:
                metric = tracked
                scan_minimize = getattr(source, "minimize", None)
                if minimize is None and isinstance(scan_minimize, bool):
                    minimize = {tracked: scan_minimize}
        else:
            raise an.AnalysisError(
                "Analyze needs a Scan, a DataFrame, a results CSV path or an experiment "
                f"folder, but got {type(source).__name__}"
            )
        if len(data) == 0:
            raise an.NoRunsError(f"{self.source} has no runs: nothing to analyse")
        self.data: pd.DataFrame = data
        self._folder = folder
        if params is None and metrics is None and "params" not in data.attrs:
            params = _manifest_params(folder)
            if params is not None and not set(params) <= set(data.columns):
                params = None
        self.columns = an.split_columns(data, params, metrics)
        if not self.columns.metrics and metric is None and not an._ok_mask(data).any():
            an._require_ok(data)  # all runs failed: say so rather than "no metric columns"
        self.metric: str = an.resolve_metric(data, metric, self.columns.metrics)
        if isinstance(minimize, Mapping):
            self._minimize = {str(k): bool(v) for k, v in minimize.items()}
        else:
            self._minimize = {} if minimize is None else {self.metric: bool(minimize)}
        self._histories: dict[str, Any] | None = dict(histories) if histories else None

    # ---- bookkeeping ------------------------------------------------------------------------

    @property
    def params(self) -> tuple[str, ...]:
        """Parameter columns, sorted by name."""
        return self.columns.params

    @property
    def metrics(self) -> tuple[str, ...]:
        """Metric columns, sorted by name."""
        return self.columns.metrics

    def _metric(self, metric: str | None) -> str:
        return an.resolve_metric(self.data, metric or self.metric, self.columns.metrics)

    def minimize(self, metric: str | None = None, minimize: bool | None = None) -> bool:
        """Whether lower values of ``metric`` are better (per-call > constructor > name).

        Examples
        --------
        >>> Analyze(pd.DataFrame({'status': ['ok'], 'mae': [1.0]})).minimize('mae')
        True
        """
        metric = self._metric(metric)
        if minimize is not None:
            return bool(minimize)
        if metric in self._minimize:
            return self._minimize[metric]
        return an.infer_minimize(metric)

    def _params(self, exclude: Iterable[str] = ()) -> list[str]:
        exclude = {exclude} if isinstance(exclude, str) else set(exclude)
        return [p for p in self.columns.params if p not in exclude]

    @property
    def ok(self) -> pd.DataFrame:
        """The successful runs."""
        return an.ok_runs(self.data)

    def __repr__(self) -> str:
        n_ok = int(an._ok_mask(self.data).sum())
        return (
            f"Analyze({self.source}: {len(self.data):,} runs, {n_ok:,} ok, "
            f"{len(self.data) - n_ok:,} failed; metric {self.metric!r}, "
            f"{an.direction_words(self.minimize())})"
        )

    # ---- Talos's methods --------------------------------------------------------------------

    def rounds(self) -> int:
        """Number of runs recorded, failed ones included (Talos calls a run a "round").

        Examples
        --------
        >>> Analyze(pd.DataFrame({'status': ['ok', 'failed'], 'loss': [1.0, None]})).rounds()
        2
        """
        return len(self.data)

    def high(self, metric: str | None = None, minimize: bool | None = None) -> float:
        """Best value of ``metric`` over the ok runs (the lowest for a loss-like metric).

        Unlike Talos (always the maximum), the direction of the metric is honoured.

        Examples
        --------
        >>> Analyze(pd.DataFrame({'status': 'ok', 'val_loss': [0.3, 0.2]})).high()
        0.2
        """
        metric = self._metric(metric)
        return an.best_value(self.data, metric, self.minimize(metric, minimize))

    def low(self, metric: str | None = None, minimize: bool | None = None) -> float:
        """Worst value of ``metric`` over the ok runs (the highest for a loss-like metric).

        Examples
        --------
        >>> Analyze(pd.DataFrame({'status': 'ok', 'val_loss': [0.3, 0.2]})).low()
        0.3
        """
        metric = self._metric(metric)
        return an.worst_value(self.data, metric, self.minimize(metric, minimize))

    def rounds2high(self, metric: str | None = None, minimize: bool | None = None) -> int:
        """0-based number of the run (in recorded order) that reached the best value.

        Talos's name: "round" there means run. Failed runs count as runs.

        Examples
        --------
        >>> Analyze(pd.DataFrame({'status': 'ok', 'acc': [0.5, 0.9, 0.7]})).rounds2high()
        1
        """
        metric = self._metric(metric)
        return an.rounds2high(self.data, metric, self.minimize(metric, minimize))

    def best_params(
        self,
        metric: str | None = None,
        exclude: Iterable[str] = (),
        n: int = 10,
        ascending: bool | None = None,
        *,
        as_frame: bool = False,
    ) -> np.ndarray | pd.DataFrame:
        """The parameter values of the ``n`` best runs, best first.

        As in Talos, an array with one row per run; its columns are the parameters in
        sorted name order (not in an arbitrary order), without those in ``exclude``.
        ``ascending=True`` ranks the smallest metric values first (default: the metric's
        direction). ``as_frame=True`` returns a DataFrame with the parameter names,
        indexed by rank.

        Examples
        --------
        >>> df = pd.DataFrame({'status': 'ok', 'lr': [0.1, 0.01], 'acc': [0.5, 0.9]})
        >>> Analyze(df).best_params(n=1)
        array([[0.01]])
        """
        metric = self._metric(metric)
        minimize = self.minimize(metric) if ascending is None else bool(ascending)
        best = an.best_runs(self.data, metric, k=n, minimize=minimize, columns=self.columns)
        out = best[self._params(exclude)]
        return out if as_frame else out.to_numpy()

    def table(
        self,
        metric: str | Sequence[str] | None = None,
        exclude: Iterable[str] = (),
        sort_by: str | None = None,
        ascending: bool | None = None,
    ) -> pd.DataFrame:
        """The ok runs, metric column(s) first, sorted best first by default.

        Examples
        --------
        >>> df = pd.DataFrame({'status': 'ok', 'lr': [0.1, 0.01], 'acc': [0.5, 0.9]})
        >>> Analyze(df).table()['lr'].tolist()
        [0.01, 0.1]
        """
        metrics = (
            self._metric(metric)
            if metric is None or isinstance(metric, str)
            else [self._metric(m) for m in metric]
        )
        first = metrics if isinstance(metrics, str) else metrics[0]
        if ascending is None and (sort_by is None or sort_by == first):
            ascending = self.minimize(first)
        return an.table(self.data, metrics, self.columns, exclude, sort_by, ascending)

    def correlate(
        self,
        metric: str | None = None,
        exclude: Iterable[str] = (),
        method: str = "spearman",
    ) -> pd.DataFrame:
        """Rank correlation (numeric) or Kruskal-Wallis effect (categorical) of every
        parameter with ``metric``: see :func:`scanlab.analysis.correlations`.

        Talos returns Pearson correlations of the numeric columns only (a Series); here
        every parameter gets a row with its test, p-value and number of runs.

        Examples
        --------
        >>> df = pd.DataFrame({'status': 'ok', 'lr': [1, 2, 3], 'acc': [0.1, 0.5, 0.9]})
        >>> Analyze(df).correlate()[['param', 'correlation']].to_dict('list')
        {'param': ['lr'], 'correlation': [1.0]}
        """
        return an.correlations(self.data, self._metric(metric), self._params(exclude), method)

    # ---- more statistics --------------------------------------------------------------------

    def summary(self, metric: str | None = None, minimize: bool | None = None) -> an.Summary:
        """Runs ok / failed, rounds, metric, direction and best value."""
        metric = self._metric(metric)
        return an.summarize(self.data, metric, self.minimize(metric, minimize), self.columns)

    def failures(self) -> pd.DataFrame:
        """Failed runs by error type: ``error_type``, ``count``, ``example``."""
        return an.failures(self.data)

    def round_summary(self, metric: str | None = None) -> pd.DataFrame:
        """Per round: runs, ok, failed, best / median / mean / std of the metric."""
        metric = self._metric(metric)
        return an.round_summary(self.data, metric, self.minimize(metric))

    def compare_rounds(
        self, metric: str | None = None, quantile: float = 0.2, minimize: bool | None = None
    ) -> pd.DataFrame:
        """Rounds compared: best, median and quartiles of the metric, and the share of each
        round's runs and compute (``duration_s``) in the top quantile of all rounds.

        See :func:`scanlab.analysis.round_comparison`.

        Examples
        --------
        >>> df = pd.DataFrame({'round': [1, 1, 2, 2], 'status': 'ok',
        ...                    'val_accuracy': [0.90, 0.94, 0.95, 0.97], 'duration_s': 1.0})
        >>> Analyze(df).compare_rounds(quantile=0.5)[['round', 'best', 'top_rate']].to_dict('list')
        {'round': [1, 2], 'best': [0.94, 0.97], 'top_rate': [0.0, 1.0]}
        """
        metric = self._metric(metric)
        return an.round_comparison(self.data, metric, self.minimize(metric, minimize), quantile)

    def suggest(
        self,
        params: Mapping[str, Any],
        metric: str | None = None,
        quantile: float = 0.2,
        minimize: bool | None = None,
        **options: Any,
    ) -> Any:
        """Propose the next round's params dict from these runs, with the evidence.

        See :func:`scanlab.suggest.suggest` (``options``: ``min_runs``, ``p_threshold``,
        ``max_effect``, ``cost``). Returns a :class:`scanlab.suggest.Suggestion`: its
        ``params`` is the new dict, its ``evidence`` says why, one row per parameter.

        Examples
        --------
        >>> df = pd.DataFrame({'status': 'ok', 'opt': ['a', 'b'] * 3,
        ...                    'val_accuracy': [0.9, 0.5, 0.91, 0.52, 0.92, 0.51]})
        >>> Analyze(df).suggest({'opt': ['a', 'b', 'c']}).params
        {'opt': ['a', 'c']}
        """
        from scanlab.suggest import suggest

        metric = self._metric(metric)
        return suggest(
            self.data, params, metric, quantile, self.minimize(metric, minimize), **options
        )

    def best_runs(
        self, k: int = 10, metric: str | None = None, minimize: bool | None = None
    ) -> pd.DataFrame:
        """The ``k`` best runs with every parameter and metric, indexed by rank."""
        metric = self._metric(metric)
        return an.best_runs(self.data, metric, k, self.minimize(metric, minimize), self.columns)

    def correlate_values(
        self, metric: str | None = None, exclude: Iterable[str] = (), method: str = "spearman"
    ) -> pd.DataFrame:
        """Correlation of every parameter value (one-hot) with the metric, as Talos's reducer.

        See :func:`scanlab.analysis.value_correlations`.
        """
        return an.value_correlations(self.data, self._metric(metric), self._params(exclude), method)

    def value_summary(
        self,
        metric: str | None = None,
        exclude: Iterable[str] = (),
        top_quantile: float = 0.1,
        minimize: bool | None = None,
    ) -> pd.DataFrame:
        """Per parameter value: count, mean, median, std, share of the top quantile.

        See :func:`scanlab.analysis.value_summary`.
        """
        metric = self._metric(metric)
        return an.value_summary(
            self.data, metric, self._params(exclude), self.minimize(metric, minimize), top_quantile
        )

    def importance(
        self,
        metric: str | None = None,
        exclude: Iterable[str] = (),
        top_quantile: float = 0.1,
        seed: int = 0,
        minimize: bool | None = None,
    ) -> pd.DataFrame:
        """Permutation importance of each parameter for reaching the top quantile.

        See :func:`scanlab.analysis.param_importance`.
        """
        metric = self._metric(metric)
        return an.param_importance(
            self.data,
            metric,
            self._params(exclude),
            self.minimize(metric, minimize),
            top_quantile,
            seed,
        )

    def regression(
        self, x: str = "loss", y: str = "val_loss", threshold: float = 3.0
    ) -> an.Regression:
        """Fit of ``y`` on ``x`` across runs and the runs far off the line.

        See :func:`scanlab.analysis.regression`.
        """
        x, y = self._metric(x), self._metric(y)
        return an.regression(self.data, x, y, threshold, self.minimize(y))

    def regressions(self, threshold: float = 3.0) -> list[an.Regression]:
        """:meth:`regression` for every training/validation pair (loss, accuracy)."""
        pairs = [p for p in an.train_val_pairs(self.metrics) if p[0] == "loss" or "acc" in p[0]]
        return [self.regression(x, y, threshold) for x, y in pairs]

    def histories(self) -> dict[str, Any]:
        """Per-epoch histories ``{run_id: {key: [values]}}`` of these runs ({} if none)."""
        if self._histories is None:
            self._histories = {}
            if self._folder is not None and self._folder.is_dir():
                from scanlab.log import read_histories

                found = read_histories(self._folder)
                if "run_id" in self.data.columns:
                    ids = set(self.data["run_id"].astype(str))
                    found = {k: v for k, v in found.items() if str(k) in ids}
                self._histories = dict(found)
        return self._histories

    def learning_entropy(self) -> pd.DataFrame:
        """KL divergence of validation from training curves per run and metric.

        See :func:`scanlab.analysis.learning_entropy` (Talos's learning entropy).
        """
        return an.learning_entropy(self.histories(), self.data)

    def entropy_summary(self) -> pd.DataFrame:
        """:meth:`learning_entropy` summarized per round."""
        return an.entropy_summary(self.learning_entropy())

    # ---- plots (Talos's names first) --------------------------------------------------------

    def plot_line(self, metric: str | None = None) -> Axes:
        """The metric of every run in recorded order, with the running best."""
        from scanlab import plots

        metric = self._metric(metric)
        return plots.plot_line(self.data, metric, self.minimize(metric))

    def plot_hist(
        self, metric: str | None = None, bins: int | str | None = None, by: str | None = None
    ) -> Axes:
        """Histogram of the metric, optionally by parameter value (hue)."""
        from scanlab import plots

        return plots.plot_hist(self.data, self._metric(metric), by=by, bins=bins)

    def plot_kde(self, x: str | None = None, y: str | None = None, by: str | None = None) -> Axes:
        """Density of a metric, by parameter value (``by``), or joint with metric ``y``."""
        from scanlab import plots

        return plots.plot_kde(self.data, self._metric(x), y=self._metric(y) if y else None, by=by)

    def plot_corr(
        self,
        metric: str | None = None,
        exclude: Iterable[str] = (),
        kind: str = "heatmap",
        method: str = "spearman",
    ) -> Axes:
        """Correlations: ``kind='heatmap'`` (parameters and metrics, as Talos) or ``'bars'``
        (each parameter against ``metric``)."""
        from scanlab import plots

        metric = self._metric(metric)
        if kind == "bars":
            return plots.plot_correlations(
                self.correlate(metric, exclude, method), title=f"parameters vs {metric} ({method})"
            )
        if kind != "heatmap":
            raise an.AnalysisError(
                f"The value for `kind` must be one of ['heatmap', 'bars'], but {kind!r} was passed."
            )
        others = [m for m in self.metrics if m != metric]
        matrix = an.corr_matrix(self.data, self._params(exclude), [metric, *others], method)
        return plots.plot_corr_matrix(matrix, title=f"{method} correlations")

    def plot_regs(self, x: str = "loss", y: str = "val_loss") -> Axes:
        """Validation vs training metric across runs, with the fitted line and outliers."""
        from scanlab import plots

        return plots.plot_regression(self.data, self.regression(x, y))

    def plot_box(
        self, x: str, y: str | None = None, hue: str | None = None, col: str | None = None
    ) -> Axes | Figure:
        """Box plot of metric ``y`` per value of ``x``, by ``hue`` and panels by ``col``."""
        from scanlab import plots

        return plots.plot_box(self.data, x, self._metric(y), hue=hue, col=col)

    def plot_bars(
        self, x: str, y: str | None = None, hue: str | None = None, col: str | None = None
    ) -> Axes | Figure:
        """Mean of metric ``y`` per value of ``x`` (95 % CI), by ``hue``, panels by ``col``.

        E.g. ``plot_bars('epochs', 'val_accuracy', hue='dropout', col='lr')``.
        """
        from scanlab import plots

        return plots.plot_bars(self.data, x, self._metric(y), hue=hue, col=col)

    def plot_rounds(self, metric: str | None = None) -> Axes:
        """Distribution of the metric per round."""
        from scanlab import plots

        return plots.plot_rounds(self.data, self._metric(metric))

    def plot_round_comparison(self, metric: str | None = None, quantile: float = 0.2) -> Figure:
        """The metric per round (best, distribution) and the share of each round's runs and
        compute in the top quantile of all rounds (see :meth:`compare_rounds`)."""
        from scanlab import plots

        metric = self._metric(metric)
        return plots.plot_round_comparison(self.data, self.compare_rounds(metric, quantile), metric)

    def plot_importance(self, metric: str | None = None, exclude: Iterable[str] = ()) -> Axes:
        """Parameter importance for reaching the top 10 %."""
        from scanlab import plots

        return plots.plot_importance(self.importance(metric, exclude))

    def plot_parallel(self, metric: str | None = None, exclude: Iterable[str] = ()) -> Axes:
        """Parallel coordinates of the parameters and the metric."""
        from scanlab import plots

        metric = self._metric(metric)
        info = an.parallel_coordinates(
            self.data, metric, self._params(exclude), self.minimize(metric)
        )
        return plots.plot_parallel(info)

    def plot_entropy(self, key: str | None = None) -> Axes:
        """Learning entropy (KL of validation from training curves) of ``key`` per round.

        ``key`` is a training metric with a ``val_`` twin (default ``loss``).
        """
        from scanlab import plots

        return plots.plot_entropy(self.learning_entropy(), key)

    def plot_learning_curves(self, k: int = 5, metric: str | None = None) -> Figure:
        """Per-epoch training and validation curves of the ``k`` best runs."""
        from scanlab import plots

        metric = self._metric(metric)
        best = self.best_runs(k, metric)
        ids = best["run_id"].astype(str).tolist() if "run_id" in best.columns else []
        curves = an.learning_curves(self.histories(), ids)
        return plots.plot_learning_curves(curves, title=f"best {k} runs by {metric}")

    # ---- report -----------------------------------------------------------------------------

    def report(
        self,
        path: str | os.PathLike[str] = "report.html",
        metric: str | None = None,
        k: int = 10,
        title: str | None = None,
    ) -> Path:
        """Write a self-contained HTML report (tables and every plot) and return its path.

        See :func:`scanlab.report.write_report`.
        """
        from scanlab.report import write_report

        return write_report(self, path, metric=metric, k=k, title=title)
