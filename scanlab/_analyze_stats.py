"""The statistics methods of :class:`scanlab.Analyze` beyond Talos's: summaries, round
comparison, suggestions, per-value tables, importance, regressions, learning entropy.

Each one resolves the metric and its direction through :class:`scanlab.Results` and calls one
function of :mod:`scanlab.analysis` on :attr:`~scanlab.Analyze.rows`: every row, or for
budgeted results the rows of one budget (the DataFrames returned then say which in
``attrs['budget']``). :meth:`AnalyzeStatistics.rungs` summarizes the rungs of budgeted results.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from scanlab import analysis as an
from scanlab._analyze_base import AnalyzeBase

__all__ = ["AnalyzeStatistics"]


class AnalyzeStatistics(AnalyzeBase):
    """The statistics methods of :class:`scanlab.Analyze` beyond Talos's."""

    def summary(self, metric: str | None = None, minimize: bool | None = None) -> an.Summary:
        """Runs ok / failed, rounds, metric, direction and best value (budgeted results: of
        the rows at :attr:`budget`, said in its ``budget`` field).

        Parameters
        ----------
        metric : str, optional
            Default: the default metric (:attr:`metric`).
        minimize : bool, optional
            Whether lower is better; default: :meth:`minimize`.

        Returns
        -------
        Summary
            See :func:`scanlab.analysis.summarize`.
        """
        metric = self._metric(metric)
        out = an.summarize(self.rows, metric, self.minimize(metric, minimize), self.columns)
        return out._replace(budget=self.budget)

    def failures(self) -> pd.DataFrame:
        """Failed runs by error type: ``error_type``, ``count``, ``example``.

        Returns
        -------
        DataFrame
            See :func:`scanlab.analysis.failures`.
        """
        return an.failures(self.data)

    def round_summary(self, metric: str | None = None) -> pd.DataFrame:
        """Per round: runs, ok, failed, best / median / mean / std of the metric.

        Parameters
        ----------
        metric : str, optional
            Default: the default metric (:attr:`metric`).

        Returns
        -------
        DataFrame
            See :func:`scanlab.analysis.round_summary`.
        """
        metric = self._metric(metric)
        return self._tag(an.round_summary(self.rows, metric, self.minimize(metric)))

    def compare_rounds(
        self, metric: str | None = None, quantile: float = 0.2, minimize: bool | None = None
    ) -> pd.DataFrame:
        """Rounds compared: best, median and quartiles of the metric, and the share of each
        round's runs and compute (``duration_s``) in the top quantile of all rounds.

        See :func:`scanlab.analysis.round_comparison`.

        Parameters
        ----------
        metric : str, optional
            Default: the default metric (:attr:`metric`).
        quantile : float, default 0.2
            Share of the best ok runs (all rounds together) that counts as the top.
        minimize : bool, optional
            Whether lower is better; default: :meth:`minimize`.

        Returns
        -------
        DataFrame
            One row per round.

        Examples
        --------
        >>> from scanlab import Analyze
        >>> df = pd.DataFrame({'round': [1, 1, 2, 2], 'status': 'ok',
        ...                    'val_accuracy': [0.90, 0.94, 0.95, 0.97], 'duration_s': 1.0})
        >>> Analyze(df).compare_rounds(quantile=0.5)[['round', 'best', 'top_rate']].to_dict('list')
        {'round': [1, 2], 'best': [0.94, 0.97], 'top_rate': [0.0, 1.0]}
        """
        metric = self._metric(metric)
        return self._tag(
            an.round_comparison(self.rows, metric, self.minimize(metric, minimize), quantile)
        )

    def _require_budgeted(self) -> None:
        if not an.is_budgeted(self.data):
            raise an.AnalysisError(
                f"{self.source} is not budgeted (no 'budget' column): it has no rungs. Fix: "
                "analyse a round scanned with a budget (successive halving, Hyperband, ASHA); "
                "round_summary() summarizes plain rounds."
            )

    def rungs(self, metric: str | None = None, minimize: bool | None = None) -> pd.DataFrame:
        """Budgeted results: per rung (and bracket, and round when several) the runs trained,
        ok, failed, epochs spent, runs promoted to the next rung, and the best run.

        Every row of every budget counts here (not only those at :attr:`budget`).

        Parameters
        ----------
        metric : str, optional
            Default: the default metric (:attr:`metric`).
        minimize : bool, optional
            Whether lower is better; default: :meth:`minimize`.

        Returns
        -------
        DataFrame
            See :func:`scanlab.analysis.rung_summary`.

        Raises
        ------
        AnalysisError
            When the results are not budgeted.

        Examples
        --------
        >>> from scanlab import Analyze
        >>> df = pd.DataFrame({'run_id': list('abcdac'), 'status': 'ok', 'lr': [1, 2, 3, 4, 1, 3],
        ...                    'rung': [0, 0, 0, 0, 1, 1], 'budget': [1, 1, 1, 1, 3, 3],
        ...                    'initial_epoch': [0, 0, 0, 0, 1, 1],
        ...                    'val_loss': [0.5, 0.9, 0.4, 0.8, 0.3, 0.35]})
        >>> Analyze(df).rungs()[['rung', 'budget', 'runs', 'promoted', 'best']].to_dict('list')
        {'rung': [0, 1], 'budget': [1, 3], 'runs': [4, 2], 'promoted': [2, 0], 'best': [0.4, 0.3]}
        """
        self._require_budgeted()
        metric = self._metric(metric)
        return an.rung_summary(self.data, metric, self.minimize(metric, minimize))

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
        ``max_effect``, ``tolerance``, ``cost``, ``budget``: default this Analyze's).
        Returns a :class:`scanlab.suggest.Suggestion`: its
        ``params`` is the new dict, its ``evidence`` says why, one row per parameter.

        Parameters
        ----------
        params : mapping
            The params dict to narrow (usually the one the runs scanned).
        metric : str, optional
            Metric to judge by; default: the default metric (:attr:`metric`).
        quantile : float, default 0.2
            Share of the best runs that counts as the top.
        minimize : bool, optional
            Whether lower is better; default: :meth:`minimize`.
        **options
            ``min_runs``, ``p_threshold``, ``max_effect``, ``tolerance``, ``cost``: passed
            on to :func:`scanlab.suggest.suggest`.

        Returns
        -------
        Suggestion

        Examples
        --------
        >>> from scanlab import Analyze
        >>> df = pd.DataFrame({'status': 'ok', 'opt': ['a', 'b'] * 3,
        ...                    'val_accuracy': [0.9, 0.5, 0.91, 0.52, 0.92, 0.51]})
        >>> Analyze(df).suggest({'opt': ['a', 'b', 'c']}).params
        {'opt': ['a', 'c']}
        """
        from scanlab.suggest import suggest

        metric = self._metric(metric)
        options.setdefault("budget", self.budget_choice)
        return suggest(
            self.results, params, metric, quantile, self.minimize(metric, minimize), **options
        )

    def best_runs(
        self, k: int = 10, metric: str | None = None, minimize: bool | None = None
    ) -> pd.DataFrame:
        """The ``k`` best runs with every parameter and metric, indexed by rank.

        Parameters
        ----------
        k : int, default 10
            Number of runs.
        metric : str, optional
            Metric to rank by; default: the default metric (:attr:`metric`).
        minimize : bool, optional
            Whether lower is better; default: :meth:`minimize`.

        Returns
        -------
        DataFrame
            See :func:`scanlab.analysis.best_runs`.
        """
        metric = self._metric(metric)
        return self._tag(
            an.best_runs(self.rows, metric, k, self.minimize(metric, minimize), self.columns)
        )

    def correlate_values(
        self, metric: str | None = None, exclude: Iterable[str] = (), method: str = "spearman"
    ) -> pd.DataFrame:
        """Correlation of every parameter value (one-hot) with the metric, as Talos's reducer.

        See :func:`scanlab.analysis.value_correlations`.

        Parameters
        ----------
        metric : str, optional
            Default: the default metric (:attr:`metric`).
        exclude : iterable of str, default ()
            Parameters to leave out (a single name is accepted).
        method : {'spearman', 'kendall'}
            The rank correlation.

        Returns
        -------
        DataFrame
            ``param``, ``value``, ``n``, ``correlation``, ``p_value``.
        """
        return self._tag(
            an.value_correlations(self.rows, self._metric(metric), self._params(exclude), method)
        )

    def value_summary(
        self,
        metric: str | None = None,
        exclude: Iterable[str] = (),
        top_quantile: float = 0.1,
        minimize: bool | None = None,
    ) -> pd.DataFrame:
        """Per parameter value: count, mean, median, std, share of the top quantile.

        See :func:`scanlab.analysis.value_summary`.

        Parameters
        ----------
        metric : str, optional
            Default: the default metric (:attr:`metric`).
        exclude : iterable of str, default ()
            Parameters to leave out (a single name is accepted).
        top_quantile : float, default 0.1
            Share of the best runs that counts as the top.
        minimize : bool, optional
            Whether lower is better; default: :meth:`minimize`.

        Returns
        -------
        DataFrame
            One row per parameter value.
        """
        metric = self._metric(metric)
        return self._tag(
            an.value_summary(
                self.rows,
                metric,
                self._params(exclude),
                self.minimize(metric, minimize),
                top_quantile,
            )
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

        Parameters
        ----------
        metric : str, optional
            Default: the default metric (:attr:`metric`).
        exclude : iterable of str, default ()
            Parameters to leave out (a single name is accepted).
        top_quantile : float, default 0.1
            Share of the best runs that counts as the top.
        seed : int, default 0
            Seed of the forest, the split and the shuffles.
        minimize : bool, optional
            Whether lower is better; default: :meth:`minimize`.

        Returns
        -------
        DataFrame
            ``param``, ``importance``, ``importance_std``, most important first.
        """
        metric = self._metric(metric)
        return self._tag(
            an.param_importance(
                self.rows,
                metric,
                self._params(exclude),
                self.minimize(metric, minimize),
                top_quantile,
                seed,
            )
        )

    def regression(
        self, x: str = "loss", y: str = "val_loss", threshold: float = 3.0
    ) -> an.Regression:
        """Fit of ``y`` on ``x`` across runs and the runs far off the line.

        See :func:`scanlab.analysis.regression`.

        Parameters
        ----------
        x : str, default 'loss'
            The training metric (Talos aliases accepted).
        y : str, default 'val_loss'
            The validation metric; its direction is :meth:`minimize`'s.
        threshold : float, default 3.0
            Residual standard deviations beyond which a run is off the line.

        Returns
        -------
        Regression
        """
        x, y = self._metric(x), self._metric(y)
        return an.regression(self.rows, x, y, threshold, self.minimize(y))

    def regressions(self, threshold: float = 3.0) -> list[an.Regression]:
        """:meth:`regression` for every training/validation pair (loss, accuracy).

        Parameters
        ----------
        threshold : float, default 3.0
            Residual standard deviations beyond which a run is off the line.

        Returns
        -------
        list of Regression
            One per pair (see :func:`scanlab.analysis.train_val_regressions`).
        """
        return an.train_val_regressions(self.rows, self.metrics, threshold, self.results.minimize)

    def histories(self) -> dict[str, Any]:
        """Per-epoch histories ``{run_id: {key: [values]}}`` of these runs ({} if none).

        For budgeted results, those of the runs at :attr:`budget`, cut at that budget (every
        run's whole history: ``a.results.histories()``).

        Returns
        -------
        dict
        """
        return self.view.histories()

    def learning_entropy(self) -> pd.DataFrame:
        """KL divergence of validation from training curves per run and metric.

        See :func:`scanlab.analysis.learning_entropy` (Talos's learning entropy).

        Returns
        -------
        DataFrame
            ``run_id``, ``round`` (when the runs have a ``run_id`` column), ``key``, ``kl``,
            ``epochs``.
        """
        return self._tag(an.learning_entropy(self.histories(), self.rows))

    def entropy_summary(self) -> pd.DataFrame:
        """:meth:`learning_entropy` summarized per round.

        Returns
        -------
        DataFrame
            See :func:`scanlab.analysis.entropy_summary`.
        """
        return an.entropy_summary(self.learning_entropy())
