"""The best runs: best and worst values, the best runs, the runs as a table, the top
quantile, and the headline summary.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import NamedTuple

import numpy as np
import pandas as pd

from scanlab._schema import ResultColumns, split_columns
from scanlab.analysis._helpers import best_first, resolve_minimize
from scanlab.analysis.runs import metric_array, ok_mask, require_ok
from scanlab.errors import AnalysisError, NoRunsError, rule_message

__all__ = [
    "Summary",
    "best_runs",
    "best_value",
    "rounds2high",
    "summarize",
    "table",
    "top_mask",
    "worst_value",
]


class Summary(NamedTuple):
    """Headline numbers of a results table (see :func:`summarize`).

    Parameters
    ----------
    n_runs, n_ok, n_failed, n_rounds : int
        Runs recorded, successful, failed, and distinct rounds.
    metric : str
        The metric.
    minimize : bool
        Whether lower is better.
    best_value : float
        Best value of ``metric`` over the ok runs (NaN when there is none).
    best_run_id : str or None
        ``run_id`` of the best run (None without a ``run_id`` column or an ok run).
    best_round : int or None
        Its round (None without a ``round`` column or an ok run).
    params, metrics : tuple of str
        Parameter and metric columns.
    budget : int or None
        Budgeted results: the epochs of the rows summarized (``Analyze.summary``).
    """

    n_runs: int
    n_ok: int
    n_failed: int
    n_rounds: int
    metric: str
    minimize: bool
    best_value: float
    best_run_id: str | None
    best_round: int | None
    params: tuple[str, ...]
    metrics: tuple[str, ...]
    budget: int | None = None


def summarize(
    data: pd.DataFrame,
    metric: str,
    minimize: bool | None = None,
    columns: ResultColumns | None = None,
) -> Summary:
    """Count runs (ok / failed / rounds) and find the best value of ``metric``.

    Works on any table, even one with no successful run (``best_value`` is then NaN).

    Parameters
    ----------
    data : DataFrame
        The runs.
    metric : str
        Metric column.
    minimize : bool, optional
        Whether lower is better; default: inferred from the metric's name.
    columns : ResultColumns, optional
        Parameter and metric columns; default: :func:`scanlab.results.split_columns`.

    Returns
    -------
    Summary

    Examples
    --------
    >>> df = pd.DataFrame({'run_id': ['a', 'b', 'c'], 'round': [1, 1, 2],
    ...                    'status': ['ok', 'failed', 'ok'], 'lr': [0.1, 0.2, 0.3],
    ...                    'val_loss': [0.5, None, 0.4]})
    >>> s = summarize(df, 'val_loss')
    >>> s.n_ok, s.n_failed, s.n_rounds, s.best_value, s.best_run_id
    (2, 1, 2, 0.4, 'c')
    """
    columns = columns or split_columns(data)
    minimize = resolve_minimize(metric, minimize)
    mask = ok_mask(data)
    n_rounds = int(data["round"].nunique()) if "round" in data.columns else int(len(data) > 0)
    value, run_id, round_ = math.nan, None, None
    try:
        best = best_runs(data, metric, k=1, minimize=minimize, columns=columns)
    except NoRunsError:
        pass
    else:
        row = best.iloc[0]
        value = float(row[metric])
        run_id = str(row["run_id"]) if "run_id" in best.columns else None
        round_ = int(row["round"]) if "round" in best.columns else None
    return Summary(
        n_runs=len(data),
        n_ok=int(mask.sum()),
        n_failed=int((~mask).sum()),
        n_rounds=n_rounds,
        metric=metric,
        minimize=minimize,
        best_value=value,
        best_run_id=run_id,
        best_round=round_,
        params=columns.params,
        metrics=columns.metrics,
    )


def best_value(data: pd.DataFrame, metric: str, minimize: bool | None = None) -> float:
    """Best value of ``metric`` over the ok runs (min when minimized, else max).

    Parameters
    ----------
    data : DataFrame
        The runs.
    metric : str
        Metric column.
    minimize : bool, optional
        Whether lower is better; default: inferred from the metric's name.

    Returns
    -------
    float

    Raises
    ------
    NoRunsError
        As :func:`metric_array`.

    Examples
    --------
    >>> best_value(pd.DataFrame({'val_loss': [0.3, 0.2]}), 'val_loss')
    0.2
    """
    values = metric_array(data, metric)
    return float(np.nanmin(values) if resolve_minimize(metric, minimize) else np.nanmax(values))


def worst_value(data: pd.DataFrame, metric: str, minimize: bool | None = None) -> float:
    """Worst value of ``metric`` over the ok runs (max when minimized, else min).

    Parameters
    ----------
    data : DataFrame
        The runs.
    metric : str
        Metric column.
    minimize : bool, optional
        Whether lower is better; default: inferred from the metric's name.

    Returns
    -------
    float

    Raises
    ------
    NoRunsError
        As :func:`metric_array`.

    Examples
    --------
    >>> worst_value(pd.DataFrame({'val_loss': [0.3, 0.2]}), 'val_loss')
    0.3
    """
    values = metric_array(data, metric)
    return float(np.nanmax(values) if resolve_minimize(metric, minimize) else np.nanmin(values))


def rounds2high(data: pd.DataFrame, metric: str, minimize: bool | None = None) -> int:
    """0-based position (in the order runs were recorded) of the run with the best value.

    Talos calls a run a "round"; the name is kept for compatibility. Failed runs keep their
    positions (they count as runs), ties go to the earliest run.

    Parameters
    ----------
    data : DataFrame
        The runs, in recorded order.
    metric : str
        Metric column.
    minimize : bool, optional
        Whether lower is better; default: inferred from the metric's name.

    Returns
    -------
    int

    Raises
    ------
    NoRunsError
        As :func:`metric_array`.

    Examples
    --------
    >>> df = pd.DataFrame({'status': ['ok', 'failed', 'ok', 'ok'],
    ...                    'acc': [0.5, None, 0.9, 0.9]})
    >>> rounds2high(df, 'acc')
    2
    """
    values = metric_array(data, metric)
    return int(np.nanargmin(values) if resolve_minimize(metric, minimize) else np.nanargmax(values))


def best_runs(
    data: pd.DataFrame,
    metric: str,
    k: int = 10,
    minimize: bool | None = None,
    columns: ResultColumns | None = None,
) -> pd.DataFrame:
    """The ``k`` best ok runs, best first, with the metric, every parameter and every metric.

    Columns: ``run_id``, ``round`` (when present), ``metric``, the parameters (sorted by
    name), the other metrics, ``epochs_run`` and ``duration_s`` (when present). The index
    is the rank (1 = best). Ties keep the order in which runs were recorded.

    Parameters
    ----------
    data : DataFrame
        The runs.
    metric : str
        Metric to rank by.
    k : int, default 10
        Number of runs (fewer when fewer ok runs have a value).
    minimize : bool, optional
        Whether lower is better; default: inferred from the metric's name.
    columns : ResultColumns, optional
        Parameter and metric columns; default: :func:`scanlab.results.split_columns`.

    Returns
    -------
    DataFrame

    Raises
    ------
    AnalysisError
        When ``k < 1``.
    NoRunsError
        As :func:`metric_array`.

    Examples
    --------
    >>> df = pd.DataFrame({'run_id': list('abc'), 'status': ['ok'] * 3,
    ...                    'units': [8, 16, 32], 'val_loss': [0.3, 0.1, 0.2]})
    >>> best_runs(df, 'val_loss', k=2)[['run_id', 'val_loss']].to_dict('list')
    {'run_id': ['b', 'c'], 'val_loss': [0.1, 0.2]}
    """
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 1:
        raise AnalysisError(
            rule_message("k", "must be a positive number of runs", k, "use e.g. k=10")
        )
    columns = columns or split_columns(data)
    values = metric_array(data, metric)
    pos = best_first(values, resolve_minimize(metric, minimize), k)
    cols = [c for c in ("run_id", "round") if c in data.columns] + [metric]
    cols += [c for c in columns.params if c not in cols]
    cols += [c for c in columns.metrics if c not in cols]
    cols += [c for c in ("epochs_run", "duration_s") if c in data.columns and c not in cols]
    out = data.iloc[pos][cols].reset_index(drop=True)
    out[metric] = values[pos]
    out.index = pd.RangeIndex(1, len(out) + 1, name="rank")
    return out


def table(
    data: pd.DataFrame,
    metric: str | Sequence[str],
    columns: ResultColumns | None = None,
    exclude: Iterable[str] = (),
    sort_by: str | None = None,
    ascending: bool | None = None,
) -> pd.DataFrame:
    """The ok runs as a table: metric column(s) first, then parameters, then other columns.

    ``sort_by`` defaults to the (first) metric, ``ascending`` to its direction (best first).
    Columns named in ``exclude`` are left out.

    Parameters
    ----------
    data : DataFrame
        The runs.
    metric : str or sequence of str
        The metric column(s) shown first (never excluded).
    columns : ResultColumns, optional
        Parameter and metric columns; default: :func:`scanlab.results.split_columns`.
    exclude : iterable of str, default ()
        Columns to leave out.
    sort_by : str, optional
        Column to sort by.
    ascending : bool, optional
        Sort order; default: best first for a metric column, else descending.

    Returns
    -------
    DataFrame
        The ok runs, sorted (stable, missing values last).

    Raises
    ------
    AnalysisError
        When ``sort_by`` is not a column.
    NoRunsError
        When there is no ok run.

    Examples
    --------
    >>> df = pd.DataFrame({'status': ['ok'] * 3, 'lr': [1, 2, 3], 'acc': [0.2, 0.9, 0.5]})
    >>> table(df, 'acc')['acc'].tolist()
    [0.9, 0.5, 0.2]
    """
    columns = columns or split_columns(data)
    metrics = [metric] if isinstance(metric, str) else list(metric)
    exclude = set(exclude)
    ok = require_ok(data)
    order = list(
        dict.fromkeys(metrics + list(columns.params) + list(columns.metrics) + list(ok.columns))
    )
    order = [c for c in order if c not in exclude or c in metrics]
    sort_by = sort_by or metrics[0]
    if sort_by not in ok.columns:
        raise AnalysisError(
            rule_message(
                "sort_by",
                "must be a column of the results",
                sort_by,
                f"use one of {list(map(str, data.columns))}",
            )
        )
    if ascending is None:
        ascending = resolve_minimize(sort_by, None) if sort_by in columns.metrics else False
    return ok[order].sort_values(sort_by, ascending=ascending, kind="stable", na_position="last")


def top_mask(values: np.ndarray, quantile: float = 0.1, minimize: bool = False) -> np.ndarray:
    """Boolean mask of the values in the best ``quantile`` (NaN is never in it).

    Maximizing, a value is in the top quantile when it is ``>=`` the ``1 - quantile``
    quantile of the finite values (linear interpolation); minimizing, when it is ``<=`` the
    ``quantile`` quantile. Ties at the threshold are all in.

    Parameters
    ----------
    values : array-like of float
        The metric values (NaN: no value).
    quantile : float, default 0.1
        Share of the best values, strictly between 0 and 1.
    minimize : bool, default False
        Whether lower is better.

    Returns
    -------
    ndarray of bool
        One value per element of ``values``.

    Raises
    ------
    AnalysisError
        When ``quantile`` is not in (0, 1).

    Examples
    --------
    >>> top_mask(np.arange(1.0, 11.0), 0.2).nonzero()[0].tolist()
    [8, 9]
    """
    if not 0 < quantile < 1:
        raise AnalysisError(
            rule_message(
                "quantile",
                "must be between 0 and 1 (exclusive)",
                quantile,
                "use e.g. 0.1 for the top 10 % of the runs",
            )
        )
    values = np.asarray(values, dtype=float)
    finite = ~np.isnan(values)
    if not finite.any():
        return np.zeros(len(values), dtype=bool)
    if minimize:
        return finite & (values <= np.quantile(values[finite], quantile))
    return finite & (values >= np.quantile(values[finite], 1 - quantile))
