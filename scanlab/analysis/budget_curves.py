"""Per-epoch curves of budgeted runs: each run's metric against the epochs it trained, rung
after rung, and its histories cut at one budget.

The history sidecar holds one record per (run, rung), joined in rung order by the reader: a
continued run (a builder's) gives one curve of ``budget`` epochs; a run that restarts every
rung (Talos's contract: ``initial_epoch`` 0 again) has its last (longest) training as its
curve (:func:`scanlab._histories.read_histories` keeps only that one; histories that join
every training one after the other are split too). :func:`run_curve` tells them apart from
the rows' ``budget`` and ``initial_epoch``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import NamedTuple

import numpy as np
import pandas as pd

from scanlab.analysis._helpers import best_first, resolve_minimize
from scanlab.analysis.budgets import budget_values
from scanlab.analysis.runs import metric_values, ok_mask

__all__ = ["BudgetCurves", "budget_curves", "histories_at_budget", "run_curve"]

Histories = Mapping[str, Mapping[str, Sequence[float]]]

_CURVE_COLUMNS = ["run_id", "round", "epoch", "value", "budget_reached", "top", "source"]


class BudgetCurves(NamedTuple):
    """What :func:`scanlab.plots.plot_budgets` draws (see :func:`budget_curves`).

    Parameters
    ----------
    curves : DataFrame
        One row per (run, epoch): ``run_id``, ``round``, ``epoch``, ``value``,
        ``budget_reached`` (the run's highest budget), ``top`` (it reached the top budget),
        ``source`` (``'history'``, or ``'rows'`` when only the rows' end-of-rung values are
        known).
    metric : str
        The metric drawn.
    budgets : tuple of int
        Every budget of the rows, ascending.
    n_runs, n_top : int
        Runs drawn, and of those the ones that reached the top budget.
    best_run_id : str or None
        The best run at the top budget.
    """

    curves: pd.DataFrame
    metric: str
    budgets: tuple[int, ...]
    n_runs: int
    n_top: int
    best_run_id: str | None


def run_curve(
    values: Sequence[float],
    budgets: Sequence[int],
    initial_epochs: Sequence[int],
    upto: int | None = None,
) -> tuple[np.ndarray, np.ndarray] | None:
    """One run's joined history of a key as (epochs, values), up to a budget.

    Parameters
    ----------
    values : sequence of float
        The joined history: every rung's epochs in rung order, or (a run trained from
        scratch at its last restart) the epochs since that restart.
    budgets, initial_epochs : sequence of int
        The run's ok rows in rung order: epochs trained at the end of each, and before it.
    upto : int, optional
        Stop at this budget (one of ``budgets``); default: the last.

    Returns
    -------
    (ndarray, ndarray) or None
        Epochs (1-based, as trained) and values. A restarted rung starts the curve again;
        cut at an earlier budget than its last restart, a restarted run's curve is the
        first epochs of its last training. None when the history cannot be split into the
        rows' rungs (a rung's record missing, a restarted run that stopped early).

    Examples
    --------
    >>> run_curve([0.9, 0.7, 0.6, 0.5], [1, 4], [0, 1])[0].tolist()
    [1, 2, 3, 4]
    >>> run_curve([0.9, 0.8, 0.6, 0.5], [1, 3], [0, 0])[1].tolist()  # restarted: 1, then 3
    [0.8, 0.6, 0.5]
    >>> run_curve([0.8, 0.6, 0.5], [1, 3], [0, 0])[1].tolist()  # only the last training kept
    [0.8, 0.6, 0.5]
    >>> run_curve([0.9, 0.7, 0.6, 0.5], [1, 4], [0, 1], upto=1)[1].tolist()
    [0.9]
    """
    array = np.asarray(values, dtype=float)
    budgets = [int(b) for b in budgets]
    initial = [int(i) for i in initial_epochs]
    stop = budgets.index(int(upto)) + 1 if upto is not None and int(upto) in budgets else None
    if upto is not None and stop is None:
        return None
    lengths = [b - i for b, i in zip(budgets, initial, strict=True)]
    if sum(lengths) == len(array) and all(n > 0 for n in lengths):
        ends = np.cumsum(lengths)
        epochs: list[int] = []
        kept: list[float] = []
        for k in range(len(budgets) if stop is None else stop):
            if initial[k] == 0:  # the first rung, or a restart: the curve starts again
                epochs, kept = [], []
            epochs += range(initial[k] + 1, budgets[k] + 1)
            kept += array[ends[k] - lengths[k] : ends[k]].tolist()
        return np.asarray(epochs), np.asarray(kept, dtype=float)
    restart = max(k for k, i in enumerate(initial) if i == 0) if 0 in initial else 0
    since_restart = sum(lengths[restart:]) == len(array) and all(n > 0 for n in lengths)
    continued = bool(initial) and initial[0] == 0 and initial[1:] == budgets[:-1]
    if not (since_restart or continued) or len(array) == 0:
        return None
    last = budgets[-1 if stop is None else stop - 1]
    kept_values = array[:last]
    return np.arange(1, len(kept_values) + 1), kept_values


class _Run(NamedTuple):
    """One run's ok rows in rung order."""

    round: object
    budgets: list[int]
    initial: list[int]
    values: np.ndarray  # the metric at the end of each row (NaN without one)


def _runs(data: pd.DataFrame, metric: str | None = None) -> dict[str, _Run]:
    """The ok rows of each run id in rung order (of its last round when ids repeat)."""
    rows = data[ok_mask(data)]
    if "round" in rows.columns and len(rows):
        last = rows.groupby(rows["run_id"].astype(str))["round"].transform("max")
        rows = rows[(rows["round"] == last).to_numpy()]
    ids = rows["run_id"].astype(str).to_numpy()
    rung = pd.to_numeric(rows["rung"], errors="coerce").to_numpy(dtype=float)
    order = np.lexsort((rung, ids))
    budgets = pd.to_numeric(rows["budget"], errors="coerce").fillna(0).to_numpy(dtype=int)
    initial = pd.to_numeric(rows["initial_epoch"], errors="coerce").fillna(0).to_numpy(dtype=int)
    rounds = rows["round"].to_numpy() if "round" in rows.columns else np.ones(len(rows), int)
    values = metric_values(rows, metric) if metric else np.full(len(rows), np.nan)
    ids, budgets, initial, rounds, values = (
        a[order] for a in (ids, budgets, initial, rounds, values)
    )
    if len(ids) == 0:
        return {}
    firsts = np.flatnonzero(np.r_[True, ids[1:] != ids[:-1]])
    ends = np.r_[firsts[1:], len(ids)]
    return {
        str(ids[i]): _Run(rounds[i], budgets[i:j].tolist(), initial[i:j].tolist(), values[i:j])
        for i, j in zip(firsts, ends, strict=True)
    }


def histories_at_budget(histories: Histories, data: pd.DataFrame, budget: int) -> dict:
    """The histories of the runs with an ok row at ``budget``, cut at that budget.

    So that learning curves and learning entropy compare runs at the same epochs.

    Parameters
    ----------
    histories : mapping
        ``{run_id: {key: [value per epoch]}}``, rungs joined.
    data : DataFrame
        Budgeted rows (``run_id``, ``status``, ``rung``, ``budget``, ``initial_epoch``).
    budget : int
        The budget.

    Returns
    -------
    dict
        ``{run_id: {key: [value per epoch up to budget]}}``; a key that cannot be split
        into rungs (:func:`run_curve`) is left out.

    Examples
    --------
    >>> rows = pd.DataFrame({'run_id': ['a', 'a'], 'status': 'ok', 'rung': [0, 1],
    ...                      'budget': [1, 3], 'initial_epoch': [0, 1]})
    >>> histories_at_budget({'a': {'loss': [0.9, 0.7, 0.6]}}, rows, 1)
    {'a': {'loss': [0.9]}}
    """
    out: dict[str, dict[str, list[float]]] = {}
    for run_id, run in _runs(data).items():
        if run_id not in histories or int(budget) not in run.budgets:
            continue
        cut = {}
        for key, values in histories[run_id].items():
            curve = run_curve(values, run.budgets, run.initial, upto=budget)
            if curve is not None:
                cut[key] = curve[1].tolist()
        if cut:
            out[run_id] = cut
    return out


def budget_curves(
    data: pd.DataFrame,
    histories: Histories | None,
    metric: str,
    minimize: bool | None = None,
) -> BudgetCurves:
    """Every run's ``metric`` against the epochs it trained: Hyperband's picture.

    Parameters
    ----------
    data : DataFrame
        Budgeted rows (``run_id``, ``status``, ``rung``, ``budget``, ``initial_epoch``).
    histories : mapping or None
        ``{run_id: {key: [value per epoch]}}`` (rungs joined); a run without the metric's
        history is drawn from its rows: one point per rung, at its budget.
    metric : str
        Metric column and history key.
    minimize : bool, optional
        Whether lower is better (for the best run); default: inferred from the name.

    Returns
    -------
    BudgetCurves

    Examples
    --------
    >>> rows = pd.DataFrame({'run_id': ['a', 'b', 'a'], 'status': 'ok', 'rung': [0, 0, 1],
    ...                      'budget': [1, 1, 3], 'initial_epoch': [0, 0, 1],
    ...                      'val_loss': [0.5, 0.9, 0.3]})
    >>> info = budget_curves(rows, {'a': {'val_loss': [0.5, 0.4, 0.3]}}, 'val_loss')
    >>> info.n_runs, info.n_top, info.best_run_id, info.curves['source'].unique().tolist()
    (2, 1, 'a', ['history', 'rows'])
    """
    minimize = resolve_minimize(metric, minimize)
    histories = histories or {}
    budgets = budget_values(data)
    top = budgets[-1] if budgets else None
    columns: dict[str, list] = {c: [] for c in _CURVE_COLUMNS}
    for run_id, run in _runs(data, metric).items():
        curve: tuple[np.ndarray, np.ndarray] | None = None
        if metric in histories.get(run_id, {}):
            curve = run_curve(histories[run_id][metric], run.budgets, run.initial)
        source = "history"
        if curve is None:
            keep = ~np.isnan(run.values)
            curve, source = (np.asarray(run.budgets)[keep], run.values[keep]), "rows"
        n = len(curve[0])
        reached = max(run.budgets)
        same = {"run_id": run_id, "round": run.round, "budget_reached": reached}
        for column, value in {**same, "top": reached == top, "source": source}.items():
            columns[column] += [value] * n
        columns["epoch"] += np.asarray(curve[0], dtype=int).tolist()
        columns["value"] += np.asarray(curve[1], dtype=float).tolist()
    curves = pd.DataFrame(columns, columns=_CURVE_COLUMNS)
    if len(curves):
        curves = curves.astype({"epoch": int, "value": float, "top": bool})
    best_id = None
    if top is not None:
        at_top = data[ok_mask(data) & (pd.to_numeric(data["budget"], errors="coerce") == top)]
        best = best_first(metric_values(at_top, metric), minimize, k=1)
        best_id = str(at_top["run_id"].iloc[best[0]]) if len(best) else None
    runs = curves.drop_duplicates("run_id") if len(curves) else curves
    return BudgetCurves(
        curves,
        metric,
        tuple(budgets),
        len(runs),
        int(runs["top"].sum()) if len(runs) else 0,
        best_id,
    )
