"""What a budgeted search is, as a user writes it: ``Hyperband(max_epochs=81)``,
``SuccessiveHalving(min_epochs=1, max_epochs=27)``, ``ASHA(min_epochs=1, max_epochs=27)``.

Each is a small frozen value (checked when made, comparable, recorded in a round's manifest)
that previews its plan over a params dict before anything trains, and makes the stateful
scheduler of :mod:`scanlab.halving` when a scan binds it to its grid, sampler and seed.

Examples
--------
>>> hb = Hyperband(max_epochs=81, factor=3)
>>> plan = hb.plan({'units': list(range(200)), 'lr': [0.1, 0.01]})
>>> t = plan.attrs['totals']
>>> t['configurations'], t['epochs_continue'], t['epochs_restart'], t['full_trainings']
(143, 1581, 1902, 19)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass
from typing import Any, ClassVar

import pandas as pd

from scanlab._halving_base import BudgetedScheduler
from scanlab.halving import ASHAScheduler, HyperbandScheduler, SuccessiveHalvingScheduler
from scanlab.space import ParamSpace

__all__ = ["ASHA", "Budget", "Hyperband", "SuccessiveHalving"]

# A grid of one point: building a scheduler on it checks a spec's numbers, nothing else.
_PROBE = {"probe": [0]}


class Budget:
    """The shared part of the specs: plan, describe, bind to a scan. A spec's fields are its
    scheduler's keyword arguments, under the same names."""

    #: The :mod:`scanlab.halving` scheduler a spec makes.
    scheduler_class: ClassVar[type[BudgetedScheduler]]
    max_epochs: int

    def scheduler(
        self,
        space: ParamSpace,
        method: str,
        seed: int,
        *,
        fraction_limit: float | None = None,
        round_limit: int | None = None,
        filters: Iterable[Any] = (),
        on_skip: Callable[[], None] | None = None,
    ) -> BudgetedScheduler:
        """The stateful scheduler of this search over ``space`` (what a Scan runs).

        Parameters
        ----------
        space : ParamSpace
            The scan's grid.
        method : str
            The scan's sampler (``random_method``).
        seed : int
            The sampler's seed.
        fraction_limit, round_limit : optional
            Cap the number of configurations (not rows).
        filters, on_skip : optional
            ``boolean_limit`` and reduction filters, as :class:`scanlab.schedulers.RunAll`.

        Returns
        -------
        BudgetedScheduler
        """
        return self.scheduler_class(
            space,
            method,
            seed,
            **asdict(self),  # type: ignore[call-overload]
            fraction_limit=fraction_limit,
            round_limit=round_limit,
            filters=filters,
            on_skip=on_skip,
        )

    def plan(self, params: Mapping[str, Any] | ParamSpace) -> pd.DataFrame:
        """The budget preview over a params dict (or grid), before anything trains.

        Parameters
        ----------
        params : dict or ParamSpace
            The params dict the scan will use.

        Returns
        -------
        pandas.DataFrame
            One row per (bracket, rung): configurations, epochs per run, epochs trained with
            continuation and with restarts; totals (and what random search buys with the
            same epochs) in ``attrs['totals']``.
        """
        space = params if isinstance(params, ParamSpace) else ParamSpace(params)
        return self.scheduler(space, "uniform", 0).plan(space)

    def describe(self, params: Mapping[str, Any] | ParamSpace) -> str:
        """:meth:`plan` as a text table with its totals.

        Parameters
        ----------
        params : dict or ParamSpace
            The params dict the scan will use.

        Returns
        -------
        str
        """
        space = params if isinstance(params, ParamSpace) else ParamSpace(params)
        return self.scheduler(space, "uniform", 0).describe(space)

    def as_dict(self) -> dict[str, Any]:
        """What the round's manifest and fingerprint record: the kind and its numbers.

        Returns
        -------
        dict
        """
        return {"search": type(self).__name__, **asdict(self)}  # type: ignore[call-overload]

    def _check(self) -> None:
        self.scheduler(ParamSpace(_PROBE), "uniform", 0)


@dataclass(frozen=True)
class SuccessiveHalving(Budget):
    """Successive halving: rung ``i`` trains ``min_epochs * factor**i`` epochs; the best
    ``1/factor`` of a complete rung continue (see :class:`scanlab.halving.SuccessiveHalvingScheduler`).

    Parameters
    ----------
    min_epochs, max_epochs : int
        Epochs of the first and of the last rung.
    factor : int, default 3
        One in ``factor`` runs is promoted.
    n_configs : int, optional
        Configurations in the first rung (default ``factor**(rungs - 1)``).
    """

    scheduler_class: ClassVar[type[BudgetedScheduler]] = SuccessiveHalvingScheduler
    min_epochs: int
    max_epochs: int
    factor: int = 3
    n_configs: int | None = None

    def __post_init__(self) -> None:
        self._check()


@dataclass(frozen=True)
class Hyperband(Budget):
    """Hyperband (Li et al., JMLR 2018): brackets of successive halving from aggressive to
    none (see :class:`scanlab.halving.HyperbandScheduler`).

    Parameters
    ----------
    max_epochs : int
        Epochs of a run that reaches the top rung (``R``).
    factor : int, default 3
        ``eta``: one in ``factor`` runs is promoted.
    iterations : int, default 1
        How many times the set of brackets runs (new configurations each time).
    min_epochs : int, default 1
        The smallest rung's epochs.
    """

    scheduler_class: ClassVar[type[BudgetedScheduler]] = HyperbandScheduler
    max_epochs: int
    factor: int = 3
    iterations: int = 1
    min_epochs: int = 1

    def __post_init__(self) -> None:
        self._check()


@dataclass(frozen=True)
class ASHA(Budget):
    """Asynchronous successive halving (Li et al., MLSys 2020): workers never wait for a rung
    to fill (see :class:`scanlab.halving.ASHAScheduler`).

    Parameters
    ----------
    min_epochs, max_epochs : int
        Epochs of the first and of the last rung.
    factor : int, default 3
        A run in the top ``1/factor`` of its rung is promoted.
    max_configs : int, optional
        The most configurations started (default: the grid, or the scan's limits).
    """

    scheduler_class: ClassVar[type[BudgetedScheduler]] = ASHAScheduler
    min_epochs: int
    max_epochs: int
    factor: int = 3
    max_configs: int | None = None

    def __post_init__(self) -> None:
        self._check()
