"""Budgeted results seen at one budget: the :class:`~scanlab.Results` that :class:`scanlab.Analyze`,
:func:`scanlab.suggest` and the report compute their statistics from, so that no statistic
compares a run trained for 3 epochs with one trained for 27.

The choice of the budget is :func:`scanlab.analysis.choose_budget`; the view holds the rows at
that budget and, read lazily, the histories cut at it
(:func:`scanlab.analysis.histories_at_budget`). Results that are not budgeted are their own
view.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from scanlab import analysis as an
from scanlab.results import Results

__all__ = ["BudgetResults", "budget_view"]


@dataclass(frozen=True, eq=False)
class BudgetResults(Results):
    """The rows of budgeted results at one budget; its histories are cut at that budget.

    Parameters
    ----------
    full : Results
        Every row (every budget).
    choice : BudgetChoice
        The budget, and why.
    """

    full: Results | None = field(default=None, repr=False)
    choice: an.BudgetChoice | None = None

    def histories(self) -> dict[str, Any]:
        """Per-epoch histories of the runs at :attr:`choice`'s budget, cut at that budget.

        Returns
        -------
        dict
            ``{run_id: {key: [value per epoch]}}``; empty when there are none.
        """
        if "runs" not in self._histories:
            found: dict[str, Any] = {}
            if self.full is not None and self.choice is not None and self.choice.budget:
                found = an.histories_at_budget(
                    self.full.histories(), self.full.data, self.choice.budget
                )
            self._histories["runs"] = found
        return self._histories["runs"]


def budget_view(results: Results, budget: Any = None) -> tuple[Results, an.BudgetChoice | None]:
    """The results at one budget, and the choice; plain results are returned as they are.

    Parameters
    ----------
    results : Results
        Every row.
    budget : int, 'max', 'all', BudgetChoice or None
        See :func:`scanlab.analysis.choose_budget`; a :class:`~scanlab.analysis.BudgetChoice`
        already made (an ``Analyze``'s) is kept as it is.

    Returns
    -------
    (Results, BudgetChoice or None)
        The rows the statistics read, and the budget chosen (None for plain results).

    Raises
    ------
    AnalysisError
        ``budget`` is not one of the results' budgets (the message lists them).

    Examples
    --------
    >>> import pandas as pd
    >>> from scanlab.results import read_results
    >>> df = pd.DataFrame({'run_id': list('abcdab'), 'round': 1, 'status': 'ok',
    ...                    'lr': [1, 2, 3, 4, 1, 2], 'rung': [0, 0, 0, 0, 1, 1],
    ...                    'budget': [1, 1, 1, 1, 3, 3], 'initial_epoch': [0, 0, 0, 0, 1, 1],
    ...                    'val_loss': [0.5, 0.4, 0.6, 0.7, 0.3, 0.2]})
    >>> view, choice = budget_view(read_results(df))
    >>> choice.budget, view.data['run_id'].tolist()
    (1, ['a', 'b', 'c', 'd'])
    """
    choice = (
        budget if isinstance(budget, an.BudgetChoice) else an.choose_budget(results.data, budget)
    )
    if choice is None or choice.budget is None:
        return results, choice
    view = BudgetResults(
        data=an.at_budget(results.data, choice),
        params=results.params,
        metrics=results.metrics,
        metric=results.metric,
        directions=results.directions,
        source=results.source,
        folder=results.folder,
        full=results,
        choice=choice,
    )
    return view, choice
