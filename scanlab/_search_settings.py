"""``Scan(search=...)``: the budgeted-search argument checked before anything trains.

A budgeted search (:mod:`scanlab.budget`) sets each run's epochs rung by rung, so it refuses
what would fight it: several ``epochs`` values, ``early_stopping`` (a rung's runs are
compared at the same epochs; halving already stops hopeless runs) and Talos's automatic
reduction (it would compare rows trained for different budgets).
"""

from __future__ import annotations

from typing import Any

from scanlab._builder import BUILDER
from scanlab.budget import Budget
from scanlab.errors import ScanArgumentError, ScanArgumentTypeError, rule_message
from scanlab.space import ParamSpace

__all__ = ["check_search"]

_SPECS = (
    "scanlab.Hyperband(max_epochs=27), scanlab.SuccessiveHalving(min_epochs=1, "
    "max_epochs=27) or scanlab.ASHA(min_epochs=1, max_epochs=27)"
)


def check_search(
    search: Any,
    space: ParamSpace,
    *,
    contract: str,
    early_stopping: Any,
    reduction_method: Any,
    random_method: str,
    fraction_limit: Any,
    round_limit: Any,
) -> Budget | None:
    """``search`` checked against the rest of the scan; None: every run trains its epochs.

    Parameters
    ----------
    search : object
        The ``search`` argument.
    space : ParamSpace
        The grid (``epochs`` may hold one value at most).
    contract : str
        The model function's contract (a builder continues runs, a Talos function restarts).
    early_stopping, reduction_method : object
        Refused together with a search.
    random_method, fraction_limit, round_limit
        The sampler and the limits (checked by building the scheduler once).

    Returns
    -------
    Budget or None

    Raises
    ------
    ScanArgumentTypeError, ScanArgumentError, ParamsError
        What breaks a rule, with the value and the fix.

    Examples
    --------
    >>> from scanlab.budget import Hyperband
    >>> space = ParamSpace({'lr': [0.1, 0.01]})
    >>> check_search(Hyperband(max_epochs=9), space, contract='builder', early_stopping=None,
    ...              reduction_method=None, random_method='uniform', fraction_limit=None,
    ...              round_limit=None)
    Hyperband(max_epochs=9, factor=3, iterations=1, min_epochs=1)
    """
    if search is None:
        return None
    if isinstance(search, type) and issubclass(search, Budget):
        raise ScanArgumentTypeError(
            rule_message(
                "search",
                "must be a search made by calling its class",
                search.__name__,
                f"call it with its numbers, e.g. {search.__name__}(max_epochs=27)",
            )
        )
    if not isinstance(search, Budget):
        raise ScanArgumentTypeError(
            rule_message("search", "must be a scanlab.budget search", search, f"pass {_SPECS}")
        )
    if early_stopping not in (None, False):
        raise ScanArgumentError(
            rule_message(
                "early_stopping",
                "cannot be combined with search (a rung compares its runs at the same "
                "epochs; the search already stops the hopeless runs early)",
                early_stopping,
                "drop early_stopping, or drop search to stop each run on its own",
            )
        )
    if reduction_method is not None:
        raise ScanArgumentError(
            rule_message(
                "reduction_method",
                "cannot be combined with search (it would compare runs trained for "
                "different budgets)",
                reduction_method,
                "drop reduction_method; narrow the next round's grid with scanlab.suggest",
            )
        )
    if contract != BUILDER and "epochs" not in space.names:
        raise ScanArgumentError(
            rule_message(
                "params",
                "must have an 'epochs' key when a Talos model function runs under search "
                "(the function reads params['epochs'], which the search sets to each rung's "
                "budget)",
                sorted(space.names),
                "add 'epochs': [1] (any one value: the search replaces it) and fit with "
                "epochs=params['epochs']",
            )
        )
    search.scheduler(
        space, random_method, 0, fraction_limit=fraction_limit, round_limit=round_limit
    )
    return search
