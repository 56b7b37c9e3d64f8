"""Budgeted results (successive halving, Hyperband, ASHA): which rows may be compared, and the
rungs summarized.

A budgeted round has one row per (run, rung): ``rung`` (0, 1, 2, ...), ``budget`` (the epochs
the run has trained at the end of the row) and ``initial_epoch`` (the epochs it had trained
before it). A run stopped after 3 epochs and a run trained for 27 are not equals: every
statistic that ranks or correlates runs reads the rows of **one** budget
(:func:`choose_budget`, :func:`at_budget`). :func:`rung_summary` counts what each rung cost
and kept. Results without a ``budget`` column (every plain scan) are left as they are.
"""

from __future__ import annotations

import numbers
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from scanlab.analysis._helpers import best_first, resolve_minimize
from scanlab.analysis.runs import metric_values, ok_mask
from scanlab.errors import AnalysisError, rule_message

__all__ = [
    "BudgetChoice",
    "MIN_OK_AT_BUDGET",
    "at_budget",
    "budget_values",
    "choose_budget",
    "is_budgeted",
    "rung_summary",
]

#: Ok rows a budget needs to be chosen by default: fewer than 3 values have no ranking worth
#: the name (one correlation needs 3 points).
MIN_OK_AT_BUDGET = 3


class BudgetChoice(NamedTuple):
    """The budget the statistics of budgeted results read (see :func:`choose_budget`).

    Parameters
    ----------
    budget : int or None
        Epochs trained by the rows analysed; None for ``budget='all'`` (every row).
    rule : str
        Why this budget: ``'given'``, ``'max'``, ``'all'``, ``'enough ok runs'`` (the highest
        budget with :data:`MIN_OK_AT_BUDGET` ok rows) or ``'most ok runs'`` (none had enough).
    n_rows, n_ok : int
        Rows at that budget, and of those the ok ones.
    n_total : int
        Rows in the results, every budget together.
    budgets : tuple of int
        Every budget in the results, ascending.
    """

    budget: int | None
    rule: str
    n_rows: int
    n_ok: int
    n_total: int
    budgets: tuple[int, ...]

    def note(self) -> str:
        """One sentence saying which rows the statistics used, and why.

        Returns
        -------
        str

        Examples
        --------
        >>> BudgetChoice(9, 'enough ok runs', 4, 3, 20, (1, 3, 9)).note()
        'budget 9 epochs: 4 of 20 rows (3 ok), the highest budget with >= 3 ok runs; budgets: 1, 3, 9'
        """
        why = {
            "given": "as asked",
            "max": "the highest budget",
            "enough ok runs": f"the highest budget with >= {MIN_OK_AT_BUDGET} ok runs",
            "most ok runs": f"no budget has {MIN_OK_AT_BUDGET} ok runs; the one with the most",
            "all": "every budget together, as asked: runs trained for different budgets are "
            "compared as if equal",
        }[self.rule]
        what = "every budget" if self.budget is None else f"budget {self.budget} epochs"
        return (
            f"{what}: {self.n_rows:,} of {self.n_total:,} rows ({self.n_ok:,} ok), {why}; "
            f"budgets: {', '.join(map(str, self.budgets))}"
        )


def is_budgeted(data: pd.DataFrame) -> bool:
    """Whether the rows come from a budgeted search (a ``budget`` column with a value).

    Parameters
    ----------
    data : DataFrame
        The rows.

    Returns
    -------
    bool

    Examples
    --------
    >>> is_budgeted(pd.DataFrame({'budget': [1, 3]})), is_budgeted(pd.DataFrame({'lr': [1]}))
    (True, False)
    """
    return "budget" in data.columns and bool(pd.to_numeric(data["budget"], "coerce").notna().any())


def _budgets(data: pd.DataFrame) -> np.ndarray:
    """The budget of every row as floats (NaN where none)."""
    if "budget" not in data.columns:
        return np.full(len(data), np.nan)
    return pd.to_numeric(data["budget"], errors="coerce").to_numpy(dtype=float)


def budget_values(data: pd.DataFrame) -> tuple[int, ...]:
    """Every budget the rows were trained to, ascending (empty when not budgeted).

    Parameters
    ----------
    data : DataFrame
        The rows.

    Returns
    -------
    tuple of int

    Examples
    --------
    >>> budget_values(pd.DataFrame({'budget': [9, 1, 3, 1, None]}))
    (1, 3, 9)
    """
    values = _budgets(data)
    return tuple(int(b) for b in np.unique(values[~np.isnan(values)]))


def choose_budget(
    data: pd.DataFrame, budget: Any = None, min_ok: int = MIN_OK_AT_BUDGET
) -> BudgetChoice | None:
    """The budget whose rows the statistics compare.

    Default: the highest budget with at least ``min_ok`` ok rows (the most trained runs
    that still make a sample), else the budget with the most ok rows (the higher on a tie).

    Parameters
    ----------
    data : DataFrame
        The rows.
    budget : int, 'max', 'all' or None
        An epoch budget present in the rows, ``'max'`` (the highest budget with an ok row),
        ``'all'`` (every row, as if equal: not advised) or None (the default above).
    min_ok : int, default MIN_OK_AT_BUDGET
        Ok rows a budget needs to be chosen by default.

    Returns
    -------
    BudgetChoice or None
        None when the rows are not budgeted and ``budget`` is None.

    Raises
    ------
    AnalysisError
        ``budget`` is not a budget of the rows (the message lists them), or is given for
        rows that are not budgeted.

    Examples
    --------
    >>> df = pd.DataFrame({'status': 'ok', 'budget': [1] * 9 + [3] * 3 + [9]})
    >>> choose_budget(df).budget, choose_budget(df, 'max').budget, choose_budget(df, 1).n_rows
    (3, 9, 9)
    """
    present = budget_values(data)
    if not present:
        if budget is None:
            return None
        raise AnalysisError(
            rule_message(
                "budget",
                "applies only to budgeted results (rows with a 'budget' column: successive "
                "halving, Hyperband, ASHA), and these rows have none",
                budget,
                "leave budget=None",
            )
        )
    values = _budgets(data)
    ok = ok_mask(data)
    ok_counts = {b: int((ok & (values == b)).sum()) for b in present}
    listed = ", ".join(map(str, present))
    if budget is None:
        enough = [b for b in present if ok_counts[b] >= min_ok]
        if enough:
            chosen, rule = enough[-1], "enough ok runs"
        else:
            chosen = max(present, key=lambda b: (ok_counts[b], b))
            rule = "most ok runs"
    elif isinstance(budget, str) and budget in ("max", "all"):
        if budget == "all":
            return BudgetChoice(None, "all", len(data), int(ok.sum()), len(data), present)
        with_ok = [b for b in present if ok_counts[b]]
        chosen, rule = (with_ok or present)[-1], "max"
    elif (
        isinstance(budget, numbers.Real)
        and not isinstance(budget, (bool, np.bool_))
        and float(budget) in {float(b) for b in present}
    ):
        chosen, rule = int(float(budget)), "given"
    else:
        raise AnalysisError(
            rule_message(
                "budget",
                f"must be one of the budgets these rows were trained to ({listed} epochs), "
                "'max' or 'all'",
                budget,
                f"e.g. budget={present[-1]}, or leave it None for the highest budget with "
                f"{min_ok} ok runs",
            )
        )
    n_rows = int((values == chosen).sum())
    return BudgetChoice(chosen, rule, n_rows, ok_counts[chosen], len(data), present)


def at_budget(data: pd.DataFrame, choice: BudgetChoice | int | None) -> pd.DataFrame:
    """The rows trained to one budget (failed ones included); every row for None / 'all'.

    Parameters
    ----------
    data : DataFrame
        The rows.
    choice : BudgetChoice, int or None
        The budget (a :class:`BudgetChoice` from :func:`choose_budget`, or epochs).

    Returns
    -------
    DataFrame
        The rows at that budget, their index kept.

    Examples
    --------
    >>> df = pd.DataFrame({'run_id': list('abca'), 'budget': [1, 1, 1, 3]})
    >>> at_budget(df, 1)['run_id'].tolist(), len(at_budget(df, None))
    (['a', 'b', 'c'], 4)
    """
    budget = choice.budget if isinstance(choice, BudgetChoice) else choice
    if budget is None:
        return data
    return data[_budgets(data) == float(budget)]


def _run_keys(data: pd.DataFrame) -> pd.Series:
    """``round:run_id`` of every row (run ids repeat across rounds)."""
    rounds = data["round"].astype(str) if "round" in data.columns else pd.Series("", data.index)
    return rounds + ":" + data["run_id"].astype(str)


def _brackets(data: pd.DataFrame, keys: pd.Series) -> pd.Series | None:
    """Each row's bracket: Hyperband's brackets start at different budgets, numbered 0 for the
    smallest first budget (as :meth:`scanlab.budget.Hyperband.describe` numbers them); None
    when every run starts at the same budget (one bracket)."""
    rung = pd.to_numeric(data["rung"], errors="coerce")
    first = pd.Series(_budgets(data), index=data.index)[rung == 0].groupby(keys[rung == 0]).min()
    starts = np.unique(first.dropna().to_numpy())
    if len(starts) < 2:
        return None
    number = {float(s): i for i, s in enumerate(starts)}
    return keys.map(first).map(number)


def rung_summary(data: pd.DataFrame, metric: str, minimize: bool | None = None) -> pd.DataFrame:
    """Per rung (per round, and per bracket for Hyperband): what it trained, cost and kept.

    Parameters
    ----------
    data : DataFrame
        Budgeted rows (``run_id``, ``status``, ``rung``, ``budget``, ``initial_epoch``).
    metric : str
        Metric column; ``best`` and ``best_run_id`` are over the ok rows of the rung.
    minimize : bool, optional
        Whether lower is better; default: inferred from the metric's name.

    Returns
    -------
    DataFrame
        One row per (``round`` when several, ``bracket`` when several, ``rung``):
        ``budget`` (epochs trained at the end of the rung), ``runs``, ``ok``, ``failed``,
        ``epochs`` (epochs spent: the sum of ``budget - initial_epoch``, failed rows
        included), ``promoted`` (runs with a row at the next rung), ``best``,
        ``best_run_id``.

    Raises
    ------
    AnalysisError
        When a column it needs is missing.

    Examples
    --------
    >>> df = pd.DataFrame({'run_id': list('abcdac'), 'status': 'ok',
    ...                    'rung': [0, 0, 0, 0, 1, 1], 'budget': [1, 1, 1, 1, 3, 3],
    ...                    'initial_epoch': [0, 0, 0, 0, 1, 1],
    ...                    'val_loss': [0.5, 0.9, 0.4, 0.8, 0.3, 0.35]})
    >>> rung_summary(df, 'val_loss')[['rung', 'runs', 'epochs', 'promoted', 'best_run_id']]
       rung  runs  epochs  promoted best_run_id
    0     0     4       4         2           c
    1     1     2       4         0           a
    """
    missing = [c for c in ("run_id", "rung", "budget", "initial_epoch") if c not in data.columns]
    if missing:
        raise AnalysisError(
            f"a rung summary needs budgeted rows, with the columns run_id, rung, budget and "
            f"initial_epoch; these rows lack {', '.join(missing)}. Fix: pass the rows of a "
            f"successive-halving, Hyperband or ASHA round."
        )
    minimize = resolve_minimize(metric, minimize)
    keys = _run_keys(data)
    rung = pd.to_numeric(data["rung"], errors="coerce")
    budget = pd.Series(_budgets(data), index=data.index)
    spent = budget - pd.to_numeric(data["initial_epoch"], errors="coerce").fillna(0)
    ok = pd.Series(ok_mask(data), index=data.index)
    value = pd.Series(np.where(ok, metric_values(data, metric), np.nan), index=data.index)
    reached = set(zip(keys, rung, strict=True))
    promoted = pd.Series(
        [(k, r + 1) in reached for k, r in zip(keys, rung, strict=True)], data.index
    )
    frame = pd.DataFrame(
        {"rung": rung, "budget": budget, "ok": ok, "epochs": spent, "promoted": promoted}
    )
    group = ["rung"]
    brackets = _brackets(data, keys)
    if brackets is not None:
        frame.insert(0, "bracket", brackets)
        group.insert(0, "bracket")
    if "round" in data.columns and data["round"].nunique() > 1:
        frame.insert(0, "round", data["round"])
        group.insert(0, "round")
    rows = []
    for names, part in frame.groupby(group, sort=True, dropna=False):
        values = value[part.index].to_numpy(dtype=float)
        best = best_first(values, minimize, k=1)
        row = dict(zip(group, names if isinstance(names, tuple) else (names,), strict=True))
        row.update(
            budget=int(part["budget"].max()) if part["budget"].notna().any() else None,
            runs=len(part),
            ok=int(part["ok"].sum()),
            failed=int((~part["ok"]).sum()),
            epochs=int(part["epochs"].sum()),
            promoted=int(part["promoted"].sum()),
            best=float(values[best[0]]) if len(best) else np.nan,
            best_run_id=str(data.loc[part.index[best[0]], "run_id"]) if len(best) else None,
        )
        rows.append(row)
    columns = [*group, "budget", "runs", "ok", "failed", "epochs", "promoted", "best"]
    out = pd.DataFrame(rows, columns=[*columns, "best_run_id"])
    for column in group:
        if out[column].notna().all():
            out[column] = out[column].astype(int)
    return out
