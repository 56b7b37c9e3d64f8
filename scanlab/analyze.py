"""``Analyze``: Talos's analysis API over scanlab results.

The class is a facade: it reads the runs once with :func:`scanlab.read_results` (which knows
the parameter and metric columns and each metric's direction) and delegates every
computation to :mod:`scanlab.analysis`; its plot methods (:mod:`scanlab._analyze_plots`)
delegate every drawing to :mod:`scanlab.plots`, imported only when a plot is asked for, so
computing never imports matplotlib. Nothing it calls imports it back.

Budgeted results (successive halving, Hyperband, ASHA: one row per run and rung) are never
ranked across budgets: every statistic reads the rows of one budget (``budget=``, by default
the highest with 3 ok runs; :attr:`Analyze.budget` says which), :meth:`Analyze.rungs`
summarizes the rungs and :meth:`Analyze.plot_budgets` draws every run's metric against epochs.

Words: a *run* is one permutation trained once, which Talos calls a "round"; Talos's method
names ``rounds()`` and ``rounds2high()`` keep Talos's meaning and count runs. A *round* is
one scan of an experiment: the ``round`` column of the results.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from scanlab import analysis as an
from scanlab._analyze_plots import AnalyzePlots
from scanlab._analyze_validation import AnalyzeValidation

__all__ = ["Analyze"]

Histories = Mapping[str, Mapping[str, Sequence[float]]]


class Analyze(AnalyzePlots, AnalyzeValidation):
    """Analyse the runs of a scan: best values, correlations, importance, plots, report.

    Parameters
    ----------
    source : Scan, Results, DataFrame, str or path
        A finished :class:`scanlab.Scan` (its ``data``, the metric it tracked and that
        metric's direction; per-epoch histories from its round folder), a
        :class:`scanlab.Results`, a DataFrame of runs, a results CSV (scanlab's or Talos's),
        a round folder or an experiment folder (every round, with a ``round`` column).
        Everything is read by :func:`scanlab.read_results`.
    metric : str, optional
        The metric analysed when a method is not given one (Talos's ``acc`` accepted for
        ``accuracy``). Default: the metric the scan tracked (from the Scan or the rounds'
        manifests), else ``val_accuracy``, ``val_acc``, ``val_loss``, another ``val_*``,
        ``accuracy``, ``acc``, ``loss``, in that order of preference.
    minimize : bool or dict, optional
        Whether lower is better. Default: the scan's recorded direction for its tracked
        metric, else inferred from the metric name (``loss``,
        ``val_loss``, ``mse``, ``mae``, names containing ``loss`` or ``error``: lower is
        better; anything else: higher). A bool sets the direction of ``metric`` (the
        default metric); a dict maps metric names to a bool. Every method also takes
        ``minimize=`` for one call.
    params, metrics : sequence of str, optional
        The parameter / metric columns, when they cannot be known from a manifest and the
        split by name guesses wrong (see :func:`scanlab.results.split_columns`).
    histories : mapping, optional
        Per-epoch histories ``{run_id: {key: [values]}}``; default: read from the results
        folder when there is one (``history.jsonl``).
    budget : int, 'max' or 'all', optional
        Budgeted results only (a ``budget`` column: one row per run and rung): the epoch
        budget whose rows every statistic and plot compares, ``'max'`` for the highest one,
        ``'all'`` for every row as if equal (not advised). Default: the highest budget with
        at least 3 ok rows, else the one with the most ok rows. A budget the results do not
        have raises :class:`~scanlab.errors.AnalysisError` listing those they have.

    Attributes
    ----------
    results : Results
        The runs and what is known about them; every method reads this value.
    data : DataFrame
        Every run, failed ones included (Talos's ``data``); budgeted: every (run, rung) row.
    rows : DataFrame
        The rows the statistics read: :attr:`data`, or for budgeted results those at
        :attr:`budget` (failed ones included).
    budget : int or None
        The epoch budget of :attr:`rows`; None when the results are not budgeted.
    budget_choice : BudgetChoice or None
        That budget, why it was chosen and how many rows it has (``.note()`` says it).
    params, metrics : tuple of str
        Parameter and metric columns.
    metric : str
        The default metric.

    Notes
    -----
    Failed runs (``status != 'ok'``) are left out of every statistic and plot but counted
    (:meth:`summary`) and listed (:meth:`failures`). For budgeted results the best run is
    the best row at :attr:`budget`; DataFrames returned carry it in ``attrs['budget']``.

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

    # ---- Talos's methods --------------------------------------------------------------------

    def rounds(self) -> int:
        """Number of runs recorded, failed ones included (Talos calls a run a "round").

        Returns
        -------
        int

        Examples
        --------
        >>> Analyze(pd.DataFrame({'status': ['ok', 'failed'], 'loss': [1.0, None]})).rounds()
        2
        """
        return len(self.data)

    def high(self, metric: str | None = None, minimize: bool | None = None) -> float:
        """Best value of ``metric`` over the ok runs (the lowest for a loss-like metric).

        Unlike Talos (always the maximum), the direction of the metric is honoured.

        Parameters
        ----------
        metric : str, optional
            Default: the default metric (:attr:`metric`).
        minimize : bool, optional
            Whether lower is better; default: :meth:`minimize`.

        Returns
        -------
        float

        Examples
        --------
        >>> Analyze(pd.DataFrame({'status': 'ok', 'val_loss': [0.3, 0.2]})).high()
        0.2
        """
        metric = self._metric(metric)
        return an.best_value(self.rows, metric, self.minimize(metric, minimize))

    def low(self, metric: str | None = None, minimize: bool | None = None) -> float:
        """Worst value of ``metric`` over the ok runs (the highest for a loss-like metric).

        Parameters
        ----------
        metric : str, optional
            Default: the default metric (:attr:`metric`).
        minimize : bool, optional
            Whether lower is better; default: :meth:`minimize`.

        Returns
        -------
        float

        Examples
        --------
        >>> Analyze(pd.DataFrame({'status': 'ok', 'val_loss': [0.3, 0.2]})).low()
        0.3
        """
        metric = self._metric(metric)
        return an.worst_value(self.rows, metric, self.minimize(metric, minimize))

    def rounds2high(self, metric: str | None = None, minimize: bool | None = None) -> int:
        """0-based number of the run (in recorded order) that reached the best value.

        Talos's name: "round" there means run. Failed runs count as runs. For budgeted
        results, the best row at :attr:`budget`, counted among every row (all rungs).

        Parameters
        ----------
        metric : str, optional
            Default: the default metric (:attr:`metric`).
        minimize : bool, optional
            Whether lower is better; default: :meth:`minimize`.

        Returns
        -------
        int

        Examples
        --------
        >>> Analyze(pd.DataFrame({'status': 'ok', 'acc': [0.5, 0.9, 0.7]})).rounds2high()
        1
        """
        metric = self._metric(metric)
        position = an.rounds2high(self.rows, metric, self.minimize(metric, minimize))
        if self.rows is self.data:
            return position
        budgets = pd.to_numeric(self.data["budget"], errors="coerce").to_numpy(dtype=float)
        return int(np.flatnonzero(budgets == self.budget)[position])

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

        Parameters
        ----------
        metric : str, optional
            Metric to rank by; default: the default metric (:attr:`metric`).
        exclude : iterable of str, default ()
            Parameters to leave out (a single name is accepted).
        n : int, default 10
            Number of runs.
        ascending : bool, optional
            True ranks the smallest values first; default: the metric's direction.
        as_frame : bool, default False
            Return a DataFrame instead of an array.

        Returns
        -------
        ndarray or DataFrame
            One row per run, best first; one column per parameter, sorted by name.

        Examples
        --------
        >>> df = pd.DataFrame({'status': 'ok', 'lr': [0.1, 0.01], 'acc': [0.5, 0.9]})
        >>> Analyze(df).best_params(n=1)
        array([[0.01]])
        """
        metric = self._metric(metric)
        minimize = self.minimize(metric) if ascending is None else bool(ascending)
        best = an.best_runs(self.rows, metric, k=n, minimize=minimize, columns=self.columns)
        out = self._tag(best[self._params(exclude)])
        return out if as_frame else out.to_numpy()

    def table(
        self,
        metric: str | Sequence[str] | None = None,
        exclude: Iterable[str] = (),
        sort_by: str | None = None,
        ascending: bool | None = None,
    ) -> pd.DataFrame:
        """The ok runs, metric column(s) first, sorted best first by default.

        Parameters
        ----------
        metric : str or sequence of str, optional
            The metric column(s) shown first; default: the default metric (:attr:`metric`).
        exclude : iterable of str, default ()
            Columns to leave out.
        sort_by : str, optional
            Column to sort by; default: the (first) metric.
        ascending : bool, optional
            Sort order; default: best first for a metric column, else descending.

        Returns
        -------
        DataFrame
            See :func:`scanlab.analysis.table`.

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
        return self._tag(an.table(self.rows, metrics, self.columns, exclude, sort_by, ascending))

    # ---- report -----------------------------------------------------------------------------

    def report(
        self,
        path: str | os.PathLike[str] = "report.html",
        metric: str | None = None,
        k: int = 10,
        title: str | None = None,
    ) -> Path:
        """Write a self-contained HTML report (tables and every plot) and return its path.

        See :func:`scanlab.report.write_report`. For budgeted results its statistics are at
        :attr:`budget`, and a section summarizes the rungs and draws every run against epochs.

        Parameters
        ----------
        path : str or path-like, default 'report.html'
            Output file (its folder must exist).
        metric : str, optional
            The report's metric; default: the default metric (:attr:`metric`).
        k : int, default 10
            Number of best runs listed and drawn.
        title : str, optional
            Heading of the report; default: the results' source.

        Returns
        -------
        Path
            The path written.
        """
        from scanlab.report import write_report

        return write_report(
            self.results, path, metric=metric, k=k, title=title, budget=self.budget_choice
        )
