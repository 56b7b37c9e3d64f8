"""What every part of :class:`scanlab.Analyze` stands on: the runs read once with
:func:`scanlab.read_results`, the parameter and metric columns, each metric's direction, the
rows the statistics read (for budgeted results: those of one budget), and Talos's
``correlate``. Its statistics (:mod:`scanlab._analyze_stats`) and plots
(:mod:`scanlab._analyze_plots`) build on this class; ``Analyze`` adds Talos's other methods.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import pandas as pd

from scanlab import analysis as an
from scanlab._budget_view import budget_view
from scanlab._metric_names import direction_words
from scanlab._schema import ResultColumns
from scanlab.results import Results, read_results

__all__ = ["AnalyzeBase"]

Histories = Mapping[str, Mapping[str, Sequence[float]]]


class AnalyzeBase:
    """The runs and their columns; see :class:`scanlab.Analyze` for the arguments."""

    def __init__(
        self,
        source: Any,
        metric: str | None = None,
        minimize: bool | Mapping[str, bool] | None = None,
        *,
        params: Sequence[str] | None = None,
        metrics: Sequence[str] | None = None,
        histories: Histories | None = None,
        budget: int | str | None = None,
    ) -> None:
        self.results: Results = read_results(
            source, metric, minimize, params=params, metrics=metrics, histories=histories
        )
        self.data: pd.DataFrame = self.results.data
        self.source: str = self.results.source
        self.columns = ResultColumns(self.results.params, self.results.metrics)
        self.metric: str = self.results.metric
        view, choice = budget_view(self.results, budget)
        #: The results the statistics read: :attr:`results`, or its rows at :attr:`budget`.
        self.view: Results = view
        #: The rows every statistic and plot reads (failed ones included): :attr:`data`, or
        #: for budgeted results the rows trained to :attr:`budget` epochs.
        self.rows: pd.DataFrame = view.data
        #: For budgeted results, the budget the statistics use and why; None otherwise.
        self.budget_choice: an.BudgetChoice | None = choice
        #: Epochs trained by the rows the statistics read (None: not budgeted, or 'all').
        self.budget: int | None = choice.budget if choice is not None else None

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
        return self.results.resolve(metric)

    def minimize(self, metric: str | None = None, minimize: bool | None = None) -> bool:
        """Whether lower values of ``metric`` are better (per-call > constructor > name).

        Parameters
        ----------
        metric : str, optional
            The metric (Talos aliases accepted); default: :attr:`metric`.
        minimize : bool, optional
            The answer for this call, overriding the constructor's and the name's.

        Returns
        -------
        bool

        Examples
        --------
        >>> from scanlab import Analyze
        >>> Analyze(pd.DataFrame({'status': ['ok'], 'mae': [1.0]})).minimize('mae')
        True
        """
        return self.results.minimize(metric, minimize)

    def _params(self, exclude: Iterable[str] = ()) -> list[str]:
        exclude = {exclude} if isinstance(exclude, str) else set(exclude)
        return [p for p in self.columns.params if p not in exclude]

    @property
    def ok(self) -> pd.DataFrame:
        """The successful runs (of :attr:`rows`: at :attr:`budget` for budgeted results)."""
        return an.ok_runs(self.rows)

    def _tag(self, frame: pd.DataFrame) -> pd.DataFrame:
        """``frame`` with ``attrs['budget']`` (and the note) when the results are budgeted."""
        if self.budget_choice is not None:
            frame.attrs["budget"] = self.budget
            frame.attrs["budget_note"] = self.budget_choice.note()
        return frame

    def __repr__(self) -> str:
        n_ok = int(an.ok_mask(self.data).sum())
        budget = f"; statistics at {self.budget_choice.note()}" if self.budget_choice else ""
        unit = "rows" if self.budget_choice else "runs"  # budgeted: one row per run and rung
        return (
            f"Analyze({self.source}: {len(self.data):,} {unit}, {n_ok:,} ok, "
            f"{len(self.data) - n_ok:,} failed; metric {self.metric!r}, "
            f"{direction_words(self.minimize())}{budget})"
        )

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

        Parameters
        ----------
        metric : str, optional
            Default: the default metric (:attr:`metric`).
        exclude : iterable of str, default ()
            Parameters to leave out (a single name is accepted).
        method : {'spearman', 'kendall'}
            Rank correlation for numeric parameters.

        Returns
        -------
        DataFrame
            One row per parameter, strongest first.

        Examples
        --------
        >>> from scanlab import Analyze
        >>> df = pd.DataFrame({'status': 'ok', 'lr': [1, 2, 3], 'acc': [0.1, 0.5, 0.9]})
        >>> Analyze(df).correlate()[['param', 'correlation']].to_dict('list')
        {'param': ['lr'], 'correlation': [1.0]}
        """
        return self._tag(
            an.correlations(self.rows, self._metric(metric), self._params(exclude), method)
        )
