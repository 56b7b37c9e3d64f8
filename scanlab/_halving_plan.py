"""Budget preview of a halving scheduler: configurations and epochs per (bracket, rung), before
anything trains, and what the same epochs would buy as a random search."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

__all__ = ["PLAN_COLUMNS", "plan_table", "plan_text"]

PLAN_COLUMNS = [
    "bracket",
    "rung",
    "configurations",
    "initial_epoch",
    "budget",
    "epochs_continue",
    "epochs_restart",
]


def plan_table(
    brackets: Sequence[tuple[Sequence[int], Sequence[int]]], max_epochs: int
) -> pd.DataFrame:
    """One row per (bracket, rung), with totals in ``attrs['totals']``.

    Parameters
    ----------
    brackets : sequence of (sizes, budgets)
        Per bracket, in running order: configurations per rung and epochs reached per rung
        (brackets with no configuration are left out by the caller).
    max_epochs : int
        One full training, for the comparison with random search.

    Returns
    -------
    pandas.DataFrame
        Columns ``bracket``, ``rung``, ``configurations`` (runs trained in the rung),
        ``initial_epoch`` (epochs each had trained before it), ``budget`` (epochs each has
        trained at its end), ``epochs_continue`` (epochs this rung trains when a promoted run
        continues from its checkpoint) and ``epochs_restart`` (when every rung trains from
        scratch, as the Talos model-function contract does). ``attrs['totals']`` holds
        ``configurations``, ``epochs_continue``, ``epochs_restart``, ``max_epochs`` and
        ``full_trainings``: how many runs at ``max_epochs`` a random search buys with
        ``epochs_continue`` epochs.

    Examples
    --------
    >>> table = plan_table([([9, 3, 1], [1, 3, 9])], max_epochs=9)
    >>> table['epochs_continue'].tolist(), table.attrs['totals']['full_trainings']
    ([9, 6, 6], 2)
    """
    rows = []
    for bracket, (sizes, budgets) in enumerate(brackets):
        before = 0
        for rung, (n, budget) in enumerate(zip(sizes, budgets, strict=False)):
            rows.append([bracket, rung, n, before, budget, n * (budget - before), n * budget])
            before = budget
    table = pd.DataFrame(rows, columns=PLAN_COLUMNS, dtype="int64")
    first = table[table["rung"] == 0]
    epochs = int(table["epochs_continue"].sum())
    table.attrs["totals"] = {
        "configurations": int(first["configurations"].sum()),
        "epochs_continue": epochs,
        "epochs_restart": int(table["epochs_restart"].sum()),
        "max_epochs": max_epochs,
        "full_trainings": epochs // max_epochs,
    }
    return table


def plan_text(table: pd.DataFrame, title: str, note: str = "") -> str:
    """The plan as a text table with its totals and the comparison with random search.

    Parameters
    ----------
    table : pandas.DataFrame
        What :func:`plan_table` returned.
    title : str
        First line (the scheduler and its settings).
    note : str, optional
        A last line (e.g. that ASHA's counts are expected, not fixed).

    Returns
    -------
    str

    Examples
    --------
    >>> print(plan_text(plan_table([([3, 1], [1, 3])], 3), 'SuccessiveHalvingScheduler'))
    ... # doctest: +NORMALIZE_WHITESPACE
    SuccessiveHalvingScheduler
     bracket  rung  configurations  initial_epoch  budget  epochs_continue  epochs_restart
           0     0               3              0       1                3               3
           0     1               1              1       3                2               3
    total: 3 configurations, 5 epochs with continuation (6 if every rung restarts).
    Random search with the same 5 epochs buys 1 full training at 3 epochs.
    """
    totals = table.attrs["totals"]
    full = totals["full_trainings"]
    lines = [
        title,
        table.to_string(index=False),
        f"total: {totals['configurations']:,} configurations, {totals['epochs_continue']:,} "
        f"epochs with continuation ({totals['epochs_restart']:,} if every rung restarts).",
        f"Random search with the same {totals['epochs_continue']:,} epochs buys {full:,} full "
        f"training{'' if full == 1 else 's'} at {totals['max_epochs']:,} epochs.",
    ]
    if note:
        lines.append(note)
    return "\n".join(lines)
