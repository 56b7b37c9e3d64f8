"""The plot methods of :class:`scanlab.Analyze` (Talos's names first), kept apart from its
statistics. Each one computes with :mod:`scanlab.analysis` through the ``Analyze`` methods
and draws with :mod:`scanlab.plots`, imported only when a plot is asked for. They draw
:attr:`~scanlab.Analyze.rows` (for budgeted results: the rows of one budget), except
:meth:`AnalyzePlots.plot_budgets`, which draws every rung.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from scanlab import analysis as an
from scanlab._analyze_stats import AnalyzeStatistics
from scanlab.errors import rule_message

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["AnalyzePlots"]


class AnalyzePlots(AnalyzeStatistics):
    """The plot methods of :class:`scanlab.Analyze`; they draw what its statistics compute."""

    def plot_line(self, metric: str | None = None) -> Axes:
        """The metric of every run in recorded order, with the running best.

        Parameters
        ----------
        metric : str, optional
            Default: the default metric (:attr:`metric`).

        Returns
        -------
        Axes
            See :func:`scanlab.plots.plot_line`.
        """
        from scanlab import plots

        metric = self._metric(metric)
        return plots.plot_line(self.rows, metric, self.minimize(metric))

    def plot_hist(
        self, metric: str | None = None, bins: int | str | None = None, by: str | None = None
    ) -> Axes:
        """Histogram of the metric, optionally by parameter value (hue).

        Parameters
        ----------
        metric : str, optional
            Default: the default metric (:attr:`metric`).
        bins : int or str, optional
            Bins, as :func:`seaborn.histplot` takes them; default ``'auto'``.
        by : str, optional
            Column whose values get one colour each.

        Returns
        -------
        Axes
            See :func:`scanlab.plots.plot_hist`.
        """
        from scanlab import plots

        return plots.plot_hist(self.rows, self._metric(metric), by=by, bins=bins)

    def plot_kde(self, x: str | None = None, y: str | None = None, by: str | None = None) -> Axes:
        """Density of a metric, by parameter value (``by``), or joint with metric ``y``.

        Parameters
        ----------
        x : str, optional
            The metric; default: the default metric (:attr:`metric`).
        y : str, optional
            A second metric, for a joint density.
        by : str, optional
            Column whose values get one density each.

        Returns
        -------
        Axes
            See :func:`scanlab.plots.plot_kde`.
        """
        from scanlab import plots

        return plots.plot_kde(self.rows, self._metric(x), y=self._metric(y) if y else None, by=by)

    def plot_corr(
        self,
        metric: str | None = None,
        exclude: Iterable[str] = (),
        kind: str = "heatmap",
        method: str = "spearman",
    ) -> Axes:
        """Correlations: ``kind='heatmap'`` (parameters and metrics, as Talos) or ``'bars'``
        (each parameter against ``metric``).

        Parameters
        ----------
        metric : str, optional
            Default: the default metric (:attr:`metric`); the heatmap puts it first among
            the metrics.
        exclude : iterable of str, default ()
            Parameters to leave out (a single name is accepted).
        kind : {'heatmap', 'bars'}
            :func:`scanlab.plots.plot_corr_matrix` of :func:`scanlab.analysis.corr_matrix`,
            or :func:`scanlab.plots.plot_correlations` of :meth:`correlate`.
        method : {'spearman', 'kendall'}
            The rank correlation.

        Returns
        -------
        Axes

        Raises
        ------
        AnalysisError
            When ``kind`` is neither.
        """
        from scanlab import plots

        metric = self._metric(metric)
        if kind == "bars":
            return plots.plot_correlations(
                self.correlate(metric, exclude, method), title=f"parameters vs {metric} ({method})"
            )
        if kind != "heatmap":
            raise an.AnalysisError(
                rule_message(
                    "kind",
                    "must be one of ['heatmap', 'bars']",
                    kind,
                    "use 'heatmap' (parameters and metrics) or 'bars' (parameters vs metric)",
                )
            )
        others = [m for m in self.metrics if m != metric]
        matrix = an.corr_matrix(self.rows, self._params(exclude), [metric, *others], method)
        return plots.plot_corr_matrix(matrix, title=f"{method} correlations")

    def plot_regs(self, x: str = "loss", y: str = "val_loss") -> Axes:
        """Validation vs training metric across runs, with the fitted line and outliers.

        Parameters
        ----------
        x : str, default 'loss'
            The training metric.
        y : str, default 'val_loss'
            The validation metric.

        Returns
        -------
        Axes
            See :func:`scanlab.plots.plot_regression` and :meth:`regression`.
        """
        from scanlab import plots

        return plots.plot_regression(self.rows, self.regression(x, y))

    def plot_box(
        self, x: str, y: str | None = None, hue: str | None = None, col: str | None = None
    ) -> Axes | Figure:
        """Box plot of metric ``y`` per value of ``x``, by ``hue`` and panels by ``col``.

        Parameters
        ----------
        x : str
            Column on the x axis (usually a parameter).
        y : str, optional
            The metric; default: the default metric (:attr:`metric`).
        hue : str, optional
            Column whose values get one colour each.
        col : str, optional
            Column whose values get one panel each.

        Returns
        -------
        Axes or Figure
            The Figure when ``col`` is given; see :func:`scanlab.plots.plot_box`.
        """
        from scanlab import plots

        return plots.plot_box(self.rows, x, self._metric(y), hue=hue, col=col)

    def plot_bars(
        self, x: str, y: str | None = None, hue: str | None = None, col: str | None = None
    ) -> Axes | Figure:
        """Mean of metric ``y`` per value of ``x`` (95 % CI), by ``hue``, panels by ``col``.

        E.g. ``plot_bars('epochs', 'val_accuracy', hue='dropout', col='lr')``.

        Parameters
        ----------
        x : str
            Column on the x axis (usually a parameter).
        y : str, optional
            The metric; default: the default metric (:attr:`metric`).
        hue : str, optional
            Column whose values get one colour each.
        col : str, optional
            Column whose values get one panel each.

        Returns
        -------
        Axes or Figure
            The Figure when ``col`` is given; see :func:`scanlab.plots.plot_bars`.
        """
        from scanlab import plots

        return plots.plot_bars(self.rows, x, self._metric(y), hue=hue, col=col)

    def plot_rounds(self, metric: str | None = None) -> Axes:
        """Distribution of the metric per round.

        Parameters
        ----------
        metric : str, optional
            Default: the default metric (:attr:`metric`).

        Returns
        -------
        Axes
            See :func:`scanlab.plots.plot_rounds`.
        """
        from scanlab import plots

        return plots.plot_rounds(self.rows, self._metric(metric))

    def plot_round_comparison(self, metric: str | None = None, quantile: float = 0.2) -> Figure:
        """The metric per round (best, distribution) and the share of each round's runs and
        compute in the top quantile of all rounds (see :meth:`compare_rounds`).

        Parameters
        ----------
        metric : str, optional
            Default: the default metric (:attr:`metric`).
        quantile : float, default 0.2
            Share of the best ok runs (all rounds together) that counts as the top.

        Returns
        -------
        Figure
            See :func:`scanlab.plots.plot_round_comparison`.
        """
        from scanlab import plots

        metric = self._metric(metric)
        return plots.plot_round_comparison(self.rows, self.compare_rounds(metric, quantile), metric)

    def plot_importance(self, metric: str | None = None, exclude: Iterable[str] = ()) -> Axes:
        """Parameter importance for reaching the top 10 %.

        Parameters
        ----------
        metric : str, optional
            Default: the default metric (:attr:`metric`).
        exclude : iterable of str, default ()
            Parameters to leave out (a single name is accepted).

        Returns
        -------
        Axes
            See :func:`scanlab.plots.plot_importance` and :meth:`importance`.
        """
        from scanlab import plots

        return plots.plot_importance(self.importance(metric, exclude))

    def plot_parallel(self, metric: str | None = None, exclude: Iterable[str] = ()) -> Axes:
        """Parallel coordinates of the parameters and the metric.

        Parameters
        ----------
        metric : str, optional
            Default: the default metric (:attr:`metric`).
        exclude : iterable of str, default ()
            Parameters to leave out (a single name is accepted).

        Returns
        -------
        Axes
            See :func:`scanlab.plots.plot_parallel`.
        """
        from scanlab import plots

        metric = self._metric(metric)
        info = an.parallel_coordinates(
            self.rows, metric, self._params(exclude), self.minimize(metric)
        )
        return plots.plot_parallel(info)

    def plot_entropy(self, key: str | None = None) -> Axes:
        """Learning entropy (KL of validation from training curves) of ``key`` per round.

        ``key`` is a training metric with a ``val_`` twin (default ``loss``).

        Parameters
        ----------
        key : str, optional
            The training metric; default ``loss``, else the first one with a ``val_`` twin.

        Returns
        -------
        Axes
            See :func:`scanlab.plots.plot_entropy`.
        """
        from scanlab import plots

        return plots.plot_entropy(self.learning_entropy(), key)

    def plot_learning_curves(self, k: int = 5, metric: str | None = None) -> Figure:
        """Per-epoch training and validation curves of the ``k`` best runs.

        Parameters
        ----------
        k : int, default 5
            Number of runs.
        metric : str, optional
            Metric to rank by; default: the default metric (:attr:`metric`).

        Returns
        -------
        Figure
            See :func:`scanlab.plots.plot_learning_curves`.
        """
        from scanlab import plots

        metric = self._metric(metric)
        best = self.best_runs(k, metric)
        ids = best["run_id"].astype(str).tolist() if "run_id" in best.columns else []
        curves = an.learning_curves(self.histories(), ids)
        return plots.plot_learning_curves(curves, title=f"best {k} runs by {metric}")

    def plot_budgets(self, metric: str | None = None, minimize: bool | None = None) -> Axes:
        """Budgeted results: every run's metric against the epochs it trained, the runs that
        reached the top budget drawn strong and the others faint (Hyperband's picture).

        Curves come from the per-epoch histories (rungs joined); a run without one is drawn
        from its rows, one point per rung.

        Parameters
        ----------
        metric : str, optional
            Default: the default metric (:attr:`metric`).
        minimize : bool, optional
            Whether lower is better (for the best run marked); default: :meth:`minimize`.

        Returns
        -------
        Axes
            See :func:`scanlab.plots.plot_budgets` and :func:`scanlab.analysis.budget_curves`.

        Raises
        ------
        AnalysisError
            When the results are not budgeted.
        """
        from scanlab import plots

        self._require_budgeted()
        metric = self._metric(metric)
        info = an.budget_curves(
            self.data, self.results.histories(), metric, self.minimize(metric, minimize)
        )
        return plots.plot_budgets(info)
