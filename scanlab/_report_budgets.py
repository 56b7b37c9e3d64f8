"""The report's section on budgeted results (successive halving, Hyperband, ASHA): which budget
the statistics use, the rungs summarized, and every run's metric against epochs.

Written only for budgeted results; :func:`scanlab.report.write_report` calls it.
"""

from __future__ import annotations

from scanlab import analysis as an
from scanlab._html import HtmlBuilder
from scanlab.results import Results

__all__ = ["BUDGET_SECTION", "budget_note", "write_budget_section"]

#: ``(anchor, heading)`` of the section, listed in the report's navigation when it is written.
BUDGET_SECTION = ("budgets", "Budgets and rungs")


def budget_note(choice: an.BudgetChoice) -> str:
    """The sentence under the summary saying which rows every statistic of the report reads.

    Parameters
    ----------
    choice : BudgetChoice
        The budget (:func:`scanlab.analysis.choose_budget`).

    Returns
    -------
    str

    Examples
    --------
    >>> budget_note(an.BudgetChoice(9, 'max', 4, 4, 20, (1, 3, 9)))[:60]
    'Budgeted search: the statistics and plots below (best runs, '
    """
    return (
        "Budgeted search: the statistics and plots below (best runs, correlations, importance, "
        "distributions, training vs validation) compare the rows of one budget only, "
        f"{choice.note()}. Choose another with Analyze(..., budget=...). The section "
        f'"{BUDGET_SECTION[1]}" counts every rung.'
    )


def write_budget_section(
    b: HtmlBuilder, runs: Results, metric: str, minimize: bool, seed: int = 0
) -> None:
    """Append the section: the rung summary table and the metric-against-epochs plot.

    Parameters
    ----------
    b : HtmlBuilder
        The report being built.
    runs : Results
        Every row (every budget).
    metric : str
        The report's metric.
    minimize : bool
        Whether lower is better.
    seed : int, default 0
        Seed of the plot's subsample.
    """
    from scanlab import plots

    anchor, heading = BUDGET_SECTION
    b.h(2, heading, anchor)
    b.note(
        "One row per rung (per bracket for Hyperband, per round when several): runs trained "
        "in it, ok and failed, epochs spent (sum of budget − initial_epoch: a continued run "
        "pays only its new epochs, a restarted one all of them), promoted = runs that went on "
        f"to the next rung, and the best {metric} among the rung's ok runs."
    )
    b.table(an.rung_summary(runs.data, metric, minimize))
    info = an.budget_curves(runs.data, runs.histories(), metric, minimize)
    b.figure(
        "budgets",
        lambda: plots.plot_budgets(info, seed=seed),
        f"{metric} against epochs trained, every run: strong = reached the top budget, faint "
        "= stopped at a lower rung, red = the best at the top budget; dotted lines = rung "
        "budgets. Runs without a per-epoch history are drawn from their rows (one point per "
        "rung).",
        wide=True,
    )
