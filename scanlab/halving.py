"""Budgeted search over the lazy grid, epochs as the resource: successive halving, Hyperband
and ASHA (pure: no Keras, no files).

Every scheduler draws configurations from the scan's sampler (:func:`~scanlab.sampling.
sample_indices`, in order, without repeats, filters applied just before a configuration is
first handed out), hands out :class:`~scanlab.trial.Task` objects with ``rung``, ``budget``
(epochs trained at the end of the task) and ``initial_epoch`` (epochs already trained, where a
continued run starts), and promotes the best runs of a rung by the tracked metric. The
contract (``set_metric``, ``restore``, ``ask``, ``tell``, ``waiting``, ``finished``) is
written in :mod:`scanlab._halving_base`. ``fraction_limit`` and ``round_limit`` count
*configurations*, not rows; ``time_limit`` and ``performance_target`` stay the engine's (it
stops asking).

Examples
--------
>>> from scanlab.space import ParamSpace
>>> space = ParamSpace({'lr': [0.1, 0.01, 0.001], 'units': [8, 16, 32]})
>>> sh = SuccessiveHalvingScheduler(space, 'grid', seed=0, min_epochs=1, max_epochs=9)
>>> sh.set_metric('val_loss', minimize=True)
>>> rung0 = list(sh.ask())
>>> len(rung0), sh.waiting
(9, True)
>>> for task in rung0:
...     sh.tell(task, {'status': 'ok', 'val_loss': abs(task.index - 4) / 10})
>>> [(t.index, t.initial_epoch, t.budget) for t in sh.ask()]
[(4, 1, 3), (3, 1, 3), (5, 1, 3)]
"""

from __future__ import annotations

from bisect import insort
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from scanlab._halving_base import BudgetedScheduler
from scanlab._halving_core import (
    ConfigStream,
    Filter,
    check_epochs,
    check_int,
    halving_sizes,
    hyperband_brackets,
    rung_budgets,
)
from scanlab.errors import ScanArgumentError, rule_message
from scanlab.space import ParamSpace
from scanlab.trial import Task

__all__ = ["ASHAScheduler", "HyperbandScheduler", "SuccessiveHalvingScheduler"]


@dataclass
class _Bracket:
    """One run of synchronous successive halving: rung ``i`` waits for rung ``i - 1``."""

    start: int  # position of its first configuration in the stream
    planned: int  # configurations in rung 0 (lowered when the grid runs out)
    budgets: list[int]
    members: list[list[str]] = field(default_factory=lambda: [[]])
    rung: int = 0
    cursor: int = 0
    done: bool = False


class _Synchronous(BudgetedScheduler):
    """Brackets of synchronous successive halving, worked on together so that workers idle
    only when every bracket waits for a rung to complete; the rows are those of running the
    brackets one after another (promotions depend only on each rung's rows)."""

    factor: int
    _bracket_list: list[_Bracket]

    def _setup(self, brackets: list[tuple[int, list[int]]]) -> None:
        self._bracket_list, start, left = [], 0, self.config_limit()
        for n, budgets in brackets:
            planned = min(n, left)
            self._bracket_list.append(_Bracket(start, planned, budgets, done=planned == 0))
            start, left = start + planned, left - planned
        self._draw_limit = start
        self.stream = ConfigStream(
            self.space, self.method, self.seed, start, self.filters, self.on_skip
        )

    def _peek(self) -> Task | None:
        for bracket in self._bracket_list:
            task = self._bracket_peek(bracket)
            if task is not None:
                return task
        return None

    def _bracket_peek(self, b: _Bracket) -> Task | None:
        while not b.done:
            members = b.members[b.rung]
            while True:
                if b.rung == 0 and b.cursor == len(members) < b.planned:
                    config = self.stream.get(b.start + len(members))  # drawn just in time
                    if config is None:
                        b.planned = len(members)  # the grid ran out: a smaller bracket
                    else:
                        members.append(config.run_id)
                if b.cursor >= len(members):
                    break
                key = (members[b.cursor], b.rung)
                if key not in self.results and key not in self._in_flight:
                    return self._task(key[0], b.rung, b.budgets)
                b.cursor += 1
            if any((run_id, b.rung) not in self.results for run_id in members):
                return None  # rows still in flight: the rung is not complete
            promoted = self._promote(members, b.rung) if b.rung + 1 < len(b.budgets) else []
            self._released.extend(run_id for run_id in members if run_id not in promoted)
            if not promoted:
                b.done = True
                return None
            b.members.append(promoted)
            b.rung, b.cursor = b.rung + 1, 0
        return None

    def _promote(self, members: list[str], rung: int) -> list[str]:
        """The best ``max(1, len(members) // factor)`` ranked runs, best first; runs that
        already have a row at the next rung (restored) keep their place."""
        k = max(1, len(members) // self.factor)
        chosen = [run_id for run_id in members if (run_id, rung + 1) in self.results]
        for run_id in sorted(members, key=lambda r: self._key(r, rung)):
            if len(chosen) >= k or self._key(run_id, rung)[0]:
                break
            if run_id not in chosen:
                chosen.append(run_id)
        return sorted(chosen, key=lambda r: self._key(r, rung))

    def _budget_of(self, run_id: str, rung: int) -> int | None:
        position = self.stream.position[run_id]
        for b in self._bracket_list:
            if b.start <= position < b.start + b.planned:
                return b.budgets[rung] if rung < len(b.budgets) else None
        return None


class SuccessiveHalvingScheduler(_Synchronous):
    """Successive halving: one bracket; rung ``i`` trains for ``min_epochs * factor**i``
    epochs (the last capped at ``max_epochs``); when a rung is complete, its best
    ``max(1, floor(n_i / factor))`` runs continue to the next.

    Parameters
    ----------
    space : ParamSpace
        The lazy grid (``params['epochs']`` may hold one value at most: rungs set epochs).
    method : str
        The sampler: ``uniform``, ``sobol``, ... or a Talos ``random_method`` name.
    seed : int
        The sampler's seed.
    min_epochs, max_epochs : int
        Epochs of the first and of the last rung (``max_epochs > min_epochs >= 1``).
    factor : int, default 3
        One in ``factor`` runs is promoted; budgets grow ``factor`` times per rung.
    n_configs : int, optional
        Configurations in rung 0; default ``factor**(rungs - 1)`` (one reaches the top).
        A smaller grid gives fewer; the top rung always gets one run.
    fraction_limit, round_limit : optional
        Cap the number of *configurations* (not rows), as in Talos.
    filters, on_skip : optional
        As :class:`scanlab.schedulers.RunAll`.
    """

    def __init__(
        self,
        space: ParamSpace,
        method: str,
        seed: int,
        min_epochs: int,
        max_epochs: int,
        factor: int = 3,
        n_configs: int | None = None,
        *,
        fraction_limit: float | None = None,
        round_limit: int | None = None,
        filters: Iterable[Filter] = (),
        on_skip: Callable[[], None] | None = None,
    ) -> None:
        super().__init__(space, method, seed, fraction_limit, round_limit, filters, on_skip)
        self.min_epochs, self.max_epochs, self.factor = check_epochs(min_epochs, max_epochs, factor)
        self.budgets = rung_budgets(self.min_epochs, self.max_epochs, self.factor)
        default = self.factor ** (len(self.budgets) - 1)
        fix = f"use e.g. n_configs={default} (one run reaches max_epochs)"
        self.n_configs = default if n_configs is None else check_int("n_configs", n_configs, 1, fix)
        self._setup([(self.n_configs, self.budgets)])

    def __repr__(self) -> str:
        return (
            f"SuccessiveHalving(min_epochs={self.min_epochs}, max_epochs={self.max_epochs}, "
            f"factor={self.factor}, n_configs={self.n_configs})"
        )

    def _brackets(self, space: ParamSpace) -> list[tuple[list[int], list[int]]]:
        n = min(self.n_configs, self.config_limit(space))
        return [(halving_sizes(n, len(self.budgets), self.factor), self.budgets)]


class HyperbandScheduler(_Synchronous):
    """Hyperband (Li et al., JMLR 2018, Algorithm 1): brackets ``s = s_max .. 0`` of
    successive halving, from many configurations at few epochs to few at ``max_epochs``.

    ``max_epochs=81, factor=3`` gives 5 brackets and 143 distinct configurations, 1,581
    epochs with continuation (1,902 if every rung restarts). Brackets take configurations in
    the sampler's order, most aggressive first; ``iterations`` repeats them with new ones.
    When the grid or a limit runs out, later brackets get fewer or none (no empty rung).

    Parameters
    ----------
    space, method, seed
        As :class:`SuccessiveHalvingScheduler`.
    max_epochs : int
        ``R``: the epochs of a full training (``>= factor * min_epochs``).
    factor : int, default 3
        ``eta``.
    iterations : int, default 1
        How many times the whole set of brackets runs (new configurations each time).
    min_epochs : int, default 1
        The unit of resource: the smallest rung's epochs.
    fraction_limit, round_limit, filters, on_skip : optional
        As :class:`SuccessiveHalvingScheduler` (limits count configurations).
    """

    def __init__(
        self,
        space: ParamSpace,
        method: str,
        seed: int,
        max_epochs: int,
        factor: int = 3,
        iterations: int = 1,
        *,
        min_epochs: int = 1,
        fraction_limit: float | None = None,
        round_limit: int | None = None,
        filters: Iterable[Filter] = (),
        on_skip: Callable[[], None] | None = None,
    ) -> None:
        super().__init__(space, method, seed, fraction_limit, round_limit, filters, on_skip)
        self.min_epochs, self.max_epochs, self.factor = check_epochs(min_epochs, max_epochs, factor)
        if self.max_epochs < self.factor * self.min_epochs:
            raise ScanArgumentError(
                rule_message(
                    "max_epochs",
                    f"must be >= factor * min_epochs = {factor * min_epochs} "
                    "(else Hyperband has one rung)",
                    max_epochs,
                    "raise max_epochs or lower factor",
                )
            )
        self.iterations = check_int("iterations", iterations, 1, "use e.g. iterations=1")
        self.brackets = hyperband_brackets(self.max_epochs, self.factor, self.min_epochs)
        self._setup(self.brackets * self.iterations)

    def __repr__(self) -> str:
        return (
            f"Hyperband(max_epochs={self.max_epochs}, factor={self.factor}, iterations="
            f"{self.iterations}, min_epochs={self.min_epochs})"
        )

    def _brackets(self, space: ParamSpace) -> list[tuple[list[int], list[int]]]:
        out, left = [], self.config_limit(space)
        for n, budgets in self.brackets * self.iterations:
            out.append((halving_sizes(min(n, left), len(budgets), self.factor), budgets))
            left -= min(n, left)
        return out


class ASHAScheduler(BudgetedScheduler):
    """Asynchronous successive halving (Li et al., MLSys 2020): asked for work, it promotes a
    run from the highest rung where a run is in the top ``1/factor`` of the rung's finished
    rows and not yet promoted, else starts a new configuration at rung 0, so workers never
    wait for a rung to fill. When no configuration is left to start and nothing is in flight,
    each rung promotes at least its best run (a small grid still reaches ``max_epochs``).

    Parameters
    ----------
    space, method, seed, min_epochs, max_epochs, factor
        As :class:`SuccessiveHalvingScheduler` (the same rung budgets).
    max_configs : int, optional
        The most configurations started; default the grid (or the limits). The engine's
        ``time_limit`` stops a scan over a grid too large to finish.
    fraction_limit, round_limit, filters, on_skip : optional
        As :class:`SuccessiveHalvingScheduler` (limits count configurations).
    """

    _plan_note = "ASHA: expected counts; its promotions depend on the order rows arrive."

    def __init__(
        self,
        space: ParamSpace,
        method: str,
        seed: int,
        min_epochs: int,
        max_epochs: int,
        factor: int = 3,
        max_configs: int | None = None,
        *,
        fraction_limit: float | None = None,
        round_limit: int | None = None,
        filters: Iterable[Filter] = (),
        on_skip: Callable[[], None] | None = None,
    ) -> None:
        super().__init__(space, method, seed, fraction_limit, round_limit, filters, on_skip)
        self.min_epochs, self.max_epochs, self.factor = check_epochs(min_epochs, max_epochs, factor)
        self.budgets = rung_budgets(self.min_epochs, self.max_epochs, self.factor)
        if max_configs is not None:
            max_configs = check_int("max_configs", max_configs, 1, "use e.g. max_configs=100")
        self.max_configs = max_configs
        self._draw_limit = min(self.config_limit(), max_configs or self.space.size)
        self.stream = ConfigStream(
            space, self.method, seed, self._draw_limit, self.filters, self.on_skip
        )
        self._ranked: list[list[tuple[int, float, int, str]]] = [[] for _ in self.budgets]
        self._promoted: list[set[str]] = [set() for _ in self.budgets]
        self._started: set[str] = set()
        self._next_new = 0  # stream position of the next configuration to consider
        self._stale = False  # the ranked lists need rebuilding (metric set, row replaced)

    def __repr__(self) -> str:
        return (
            f"ASHA(min_epochs={self.min_epochs}, max_epochs={self.max_epochs}, factor="
            f"{self.factor}, max_configs={self.max_configs})"
        )

    def _peek(self) -> Task | None:
        self._rerank()
        top = len(self.budgets) - 1
        for rung in range(top - 1, -1, -1):
            run_id = self._candidate(rung, len(self._ranked[rung]) // self.factor)
            if run_id is not None:
                return self._task(run_id, rung + 1, self.budgets)
        if len(self._started) < self._draw_limit:
            config = self.stream.get(self._next_new)
            while config is not None and config.run_id in self._started:
                self._next_new += 1
                config = self.stream.get(self._next_new)
            if config is not None:
                return self._task(config.run_id, 0, self.budgets)
        if self._in_flight:
            return None
        for rung in range(top - 1, -1, -1):  # the end: every rung promotes at least one
            run_id = self._candidate(rung, max(1, len(self._ranked[rung]) // self.factor))
            if run_id is not None:
                return self._task(run_id, rung + 1, self.budgets)
        return None

    def _candidate(self, rung: int, top: int) -> str | None:
        """The best run among the rung's ``top`` best rows that is not yet promoted."""
        ranked, promoted = self._ranked[rung], self._promoted[rung]
        for i in range(min(top, len(ranked))):
            bad, _, _, run_id = ranked[i]
            if bad:
                return None
            if run_id not in promoted:
                return run_id
        return None

    def _handed_out(self, task: Task) -> None:
        assert task.rung is not None
        self._mark(task.run_id, task.rung)

    def _mark(self, run_id: str, rung: int) -> None:
        """``run_id`` has a task at ``rung``: started (rung 0) or promoted out of rung - 1."""
        if rung == 0:
            self._started.add(run_id)
        else:
            self._promoted[rung - 1].add(run_id)

    def _recorded(self, run_id: str, rung: int, replaced: bool) -> None:
        self._mark(run_id, rung)
        if replaced or self._stale or self.metric is None:
            self._stale = True  # ranked again, in full, when next asked
        else:
            insort(self._ranked[rung], (*self._key(run_id, rung), run_id))

    def _metric_changed(self) -> None:
        self._stale = True

    def _rerank(self) -> None:
        if not self._stale:
            return
        self._ranked = [[] for _ in self.budgets]
        for run_id, rung in self.results:
            self._ranked[rung].append((*self._key(run_id, rung), run_id))
        for ranked in self._ranked:
            ranked.sort()
        self._stale = False

    def _budget_of(self, run_id: str, rung: int) -> int | None:
        return self.budgets[rung] if rung < len(self.budgets) else None

    def _brackets(self, space: ParamSpace) -> list[tuple[list[int], list[int]]]:
        n = min(self.config_limit(space), self.max_configs or space.size)
        return [(halving_sizes(n, len(self.budgets), self.factor), self.budgets)]
