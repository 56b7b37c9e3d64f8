"""What a scan's budgeted search will train, before it trains: the plan, the lines
``scan.details`` adds, and what ``Scan(dry_run=True)`` prints."""

from __future__ import annotations

import pandas as pd

from scanlab._builder import BUILDER
from scanlab._settings import ScanSettings

__all__ = ["dry_run_text", "search_details", "search_plan"]


def search_plan(settings: ScanSettings) -> pd.DataFrame | None:
    """The plan of the scan's budgeted search over its grid and limits (None without one).

    Parameters
    ----------
    settings : ScanSettings
        The checked arguments.

    Returns
    -------
    pandas.DataFrame or None
        :meth:`scanlab.budget.Budget.plan` with the scan's ``fraction_limit``/``round_limit``.
    """
    s = settings
    if s.search is None:
        return None
    return s.search.scheduler(
        s.space, s.random_method, 0, fraction_limit=s.fraction_limit, round_limit=s.round_limit
    ).plan()


def search_details(settings: ScanSettings, plan: pd.DataFrame, rows: pd.DataFrame) -> dict:
    """What ``scan.details`` adds for a budgeted search.

    Parameters
    ----------
    settings : ScanSettings
        The checked arguments.
    plan : pandas.DataFrame
        :func:`search_plan`.
    rows : pandas.DataFrame
        The round's rows.

    Returns
    -------
    dict
        ``search``, ``planned_runs`` (configurations), ``planned_epochs`` (with restarts for
        a Talos model function) and ``epochs_trained`` (the rows' ``epochs_run``).
    """
    totals = plan.attrs["totals"]
    restarts = settings.model_contract != BUILDER
    epochs_run = rows["epochs_run"] if "epochs_run" in rows else pd.Series([], dtype=float)
    return {
        "search": repr(settings.search),
        "planned_runs": totals["configurations"],
        "planned_epochs": totals["epochs_restart" if restarts else "epochs_continue"],
        "epochs_trained": int(pd.to_numeric(epochs_run, errors="coerce").sum()),
    }


def dry_run_text(settings: ScanSettings) -> str:
    """What a scan would train, as a dry run prints it (nothing trains).

    Parameters
    ----------
    settings : ScanSettings
        The checked arguments: the search (or none: every sampled permutation trains its
        ``epochs``), the grid, the sampler and the limits; a Talos model function restarts
        each promoted run.

    Returns
    -------
    str
    """
    s = settings
    if s.search is None:
        epochs = s.space.values.get("epochs", [])
        each = (
            f"each trained for {epochs[0]} epochs: {s.planned * int(epochs[0]):,} epochs in all"
            if len(epochs) == 1 and isinstance(epochs[0], int)
            else "each trained for its params['epochs']"
        )
        return (
            f"dry run: {s.planned:,} of {s.space.size:,} permutations, {each}. Nothing was trained."
        )
    scheduler = s.search.scheduler(
        s.space, s.random_method, 0, fraction_limit=s.fraction_limit, round_limit=s.round_limit
    )
    text = scheduler.describe(s.space)
    if s.model_contract != BUILDER:
        totals = scheduler.plan(s.space).attrs["totals"]
        text += (
            f"\nThe model function follows the Talos contract: each promoted run trains "
            f"again from scratch, {totals['epochs_restart']:,} epochs in all (a builder "
            f"build(params) continues from its checkpoint)."
        )
    return "dry run: " + text + "\nNothing was trained."
