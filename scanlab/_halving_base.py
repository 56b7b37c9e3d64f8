"""What every halving scheduler shares: the ask/tell/restore/set_metric contract, the rows it
was told, the tasks in flight, the configuration limits and the budget preview.

The contract (the engine follows it):

- :meth:`BudgetedScheduler.set_metric` before the first ok row is told or restored.
- :meth:`BudgetedScheduler.restore` once, on a fresh scheduler, with the round's rows in the
  order they were written.
- :meth:`BudgetedScheduler.ask` returns a generator. Each ``next()`` looks at the state as it
  is then (rows told since are seen), marks the task it yields *in flight* and yields it. When
  nothing can be handed out now, the generator returns. Then :attr:`finished` says whether
  all work is done; if not, :attr:`waiting` is True: tasks are in flight whose rows may
  unlock more (a rung to complete, a promotion), so call :meth:`ask` again after the next
  :meth:`tell`. ``ask()`` never blocks.
- :meth:`BudgetedScheduler.tell` once per yielded task, with its row (ok or failed). A task
  yielded and never told (the engine stopped at its deadline) stays in flight: its rung does
  not complete in this process; a resume rebuilds everything from the rows.

The engine's loop, with any executor that pulls tasks lazily::

    scheduler.set_metric(metric, minimize)      # as soon as it is known
    scheduler.restore(rows_on_disk)             # resume (an empty frame is fine)
    while not scheduler.finished:               # False while anything is in flight
        for task, result in executor.run(scheduler.ask()):
            row = write_row(task, result)
            scheduler.tell(task, row)           # later pulls from ask() see this row
        # ask() returned because it had to wait; the executor drained what was in flight

With one worker every pull follows the previous tell, so ``ask()`` returns only at the end.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, NamedTuple

import pandas as pd

from scanlab._halving_core import ConfigStream, Filter, check_epochs_param, rank_key
from scanlab._halving_plan import plan_table, plan_text
from scanlab.errors import (
    ResultsFormatError,
    ScanArgumentError,
    ScanArgumentTypeError,
    rule_message,
)
from scanlab.limits import planned_runs
from scanlab.sampling import resolve_method
from scanlab.space import ParamSpace
from scanlab.trial import Task

__all__ = ["BudgetedScheduler", "Result"]

_NEEDED_COLUMNS = ("run_id", "status", "rung", "budget")


class Result(NamedTuple):
    """A finished (run, rung): its row and when it was written (ties go to the earlier)."""

    row: dict[str, Any]
    order: int


class BudgetedScheduler(ABC):
    """Base of :class:`~scanlab.halving.SuccessiveHalvingScheduler`, ``HyperbandScheduler`` and ``ASHAScheduler``.

    Subclasses set ``self.stream``, ``self.max_epochs`` and ``self._draw_limit`` and write
    :meth:`_peek` (the next task, or None; no side effect but lazy draws and decisions that
    the rows already fix), :meth:`_brackets` (the plan) and :meth:`_budget_of`.

    Parameters
    ----------
    space, method, seed
        The lazy grid, the sampler (a scanlab or Talos ``random_method`` name) and its seed.
    fraction_limit, round_limit
        Bound the number of configurations (not rows: a configuration promoted through
        four rungs writes four rows), as :func:`scanlab.limits.planned_runs` computes it.
    filters, on_skip
        As :class:`scanlab.schedulers.RunAll`: ``boolean_limit`` or Talos's reduction; a
        rejected permutation is skipped and the next one drawn in its place.
    """

    stream: ConfigStream
    max_epochs: int
    _draw_limit: int

    def __init__(
        self,
        space: ParamSpace,
        method: str,
        seed: int,
        fraction_limit: float | None,
        round_limit: int | None,
        filters: Iterable[Filter],
        on_skip: Callable[[], None] | None,
    ) -> None:
        if not isinstance(space, ParamSpace):
            raise ScanArgumentTypeError(
                rule_message(
                    "space", "must be a scanlab.ParamSpace", space, "pass ParamSpace(params)"
                )
            )
        if isinstance(seed, bool) or not isinstance(seed, int):
            raise ScanArgumentTypeError(
                rule_message("seed", "must be an int", seed, "use e.g. seed=7")
            )
        check_epochs_param(space)
        self.space = space
        self.method = resolve_method(method)
        self.seed = seed
        self.fraction_limit = fraction_limit
        self.round_limit = round_limit
        self.filters = list(filters)
        self.on_skip = on_skip
        self.metric: str | None = None
        self.minimize = False
        self.results: dict[tuple[str, int], Result] = {}
        self._in_flight: dict[tuple[str, int], Task] = {}
        self._written = 0
        self._asked = False
        self._released: list[str] = []
        self.config_limit(space)  # refuses bad limits now, before any training

    # -- the contract ---------------------------------------------------------------------

    def set_metric(self, metric: str, minimize: bool) -> None:
        """Rank rows by ``row[metric]``, lowest first when ``minimize`` (call it once the
        engine knows the metric: before the first ok row is told or restored).

        Parameters
        ----------
        metric : str
            The tracked metric's column.
        minimize : bool
            Whether lower is better.
        """
        if not isinstance(metric, str) or not metric:
            raise ScanArgumentTypeError(
                rule_message("metric", "must be a non-empty str", metric, "e.g. 'val_loss'")
            )
        if not isinstance(minimize, bool):
            raise ScanArgumentTypeError(
                rule_message("minimize", "must be a bool", minimize, "True for a loss")
            )
        self.metric, self.minimize = metric, minimize
        self._metric_changed()

    def ask(self) -> Iterator[Task]:
        """Yield what can run now; return when nothing can (see :attr:`waiting`).

        Yields
        ------
        Task
            With ``rung``, ``budget`` (epochs at its end) and ``initial_epoch`` (epochs
            already trained: 0 for a new configuration). It is in flight until :meth:`tell`.
        """
        self._asked = True
        while True:
            task = self._peek()
            if task is None:
                return
            assert task.rung is not None
            self._in_flight[(task.run_id, task.rung)] = task
            self._handed_out(task)
            yield task

    def tell(self, task: Task, row: Mapping[str, Any]) -> None:
        """A task finished (ok or failed) and its row is written.

        Parameters
        ----------
        task : Task
            As :meth:`ask` yielded it.
        row : mapping
            Its row: ``status`` and the metric's column (a failed or NaN row ranks last and
            is never promoted).
        """
        if task.rung is None:
            raise RuntimeError(f"task {task.run_id} has no rung: it did not come from ask().")
        self._in_flight.pop((task.run_id, task.rung), None)
        self._record(task.run_id, task.rung, dict(row))

    def restore(self, rows: pd.DataFrame) -> None:
        """Rebuild the state from the round's rows, in the order they were written.

        Every (run, rung) with a row is done (a failed one too: to retry it, leave its row
        out; when a (run, rung) has several rows, the last counts). Promotions are decided
        again from the same rows, the same way, so the same call resumes to the same rows.

        Parameters
        ----------
        rows : pandas.DataFrame
            Columns ``run_id``, ``status``, ``rung``, ``budget`` and the metric's column (an
            empty frame, with or without columns, restores nothing).

        Raises
        ------
        ResultsFormatError
            A column is missing or a rung is not a whole number.
        ScanArgumentError
            The rows do not belong to this scheduler (other grid, seed, budgets or limits).
        """
        if self._asked or self.results:
            raise RuntimeError("restore() must be called once, before ask() and tell().")
        missing = [c for c in _NEEDED_COLUMNS if c not in rows.columns]
        if missing and len(rows):
            raise ResultsFormatError(
                rule_message(
                    "rows",
                    "must have the columns " + ", ".join(_NEEDED_COLUMNS),
                    f"no {', '.join(missing)}",
                    "pass the round's results.csv rows",
                )
            )
        records = rows.to_dict("records") if len(rows) else []
        parsed = [
            (str(r["run_id"]), _whole(r["rung"], "rung", i), r) for i, r in enumerate(records)
        ]
        absent = self.stream.place({run_id for run_id, _, _ in parsed}, self._draw_limit)
        if absent:
            raise ScanArgumentError(
                rule_message(
                    "rows",
                    "must come from this scheduler's configurations",
                    sorted(absent)[:3],
                    "resume with the same params, random_method, seed, limits and scheduler "
                    "settings, or start a new round",
                )
            )
        for i, (run_id, rung, row) in enumerate(parsed):
            budget = _whole(row["budget"], "budget", i)
            expected = self._budget_of(run_id, rung)
            if expected is None:
                raise ScanArgumentError(
                    rule_message(
                        f"rows[{i}] rung (run {run_id})",
                        "must be a rung this scheduler has",
                        rung,
                        "resume with the same min_epochs, max_epochs and factor, or "
                        "start a new round",
                    )
                )
            if budget != expected:
                raise ScanArgumentError(
                    rule_message(
                        f"rows[{i}] budget (run {run_id}, rung {rung})",
                        f"must be {expected} under this scheduler",
                        budget,
                        "resume with the same min_epochs, max_epochs and factor, or start "
                        "a new round",
                    )
                )
        for run_id, rung, row in parsed:
            self._record(run_id, rung, row)

    def released(self) -> list[str]:
        """Runs no rung can promote any more since the last call (their checkpoints can go):
        a complete rung's runs not promoted; ASHA releases none (any may be promoted later).

        Returns
        -------
        list of str
            Run ids, each returned once.
        """
        released, self._released = self._released, []
        return released

    @property
    def in_flight(self) -> int:
        """Tasks yielded by :meth:`ask` and not yet told."""
        return len(self._in_flight)

    @property
    def waiting(self) -> bool:
        """True when nothing can be handed out now but tasks in flight may unlock more."""
        return bool(self._in_flight) and self._peek() is None

    @property
    def finished(self) -> bool:
        """True when nothing is in flight and nothing is left to hand out."""
        return not self._in_flight and self._peek() is None

    @property
    def skipped(self) -> int:
        """Permutations the filters rejected so far."""
        return self.stream.skipped

    # -- limits and the preview --------------------------------------------------------------

    def config_limit(self, space: ParamSpace | None = None) -> int:
        """The most configurations ``fraction_limit``/``round_limit`` allow on ``space``.

        Parameters
        ----------
        space : ParamSpace, optional
            Default: the scheduler's grid.

        Returns
        -------
        int
        """
        return planned_runs((space or self.space).size, self.fraction_limit, self.round_limit)

    def plan(self, space: ParamSpace | None = None) -> pd.DataFrame:
        """The budget preview: one row per (bracket, rung); see
        :func:`scanlab._halving_plan.plan_table` for the columns and ``attrs['totals']``.

        Parameters
        ----------
        space : ParamSpace, optional
            The grid to plan for (its size caps the configurations); default the scheduler's.
            Filters (``boolean_limit``) are not foreseen.

        Returns
        -------
        pandas.DataFrame
        """
        brackets = [(sizes, b) for sizes, b in self._brackets(space or self.space) if sizes]
        return plan_table(brackets, self.max_epochs)

    def describe(self, space: ParamSpace | None = None) -> str:
        """:meth:`plan` as a text table with its totals.

        Parameters
        ----------
        space : ParamSpace, optional
            Default: the scheduler's grid.

        Returns
        -------
        str
        """
        return plan_text(self.plan(space), repr(self), self._plan_note)

    _plan_note = ""

    # -- for subclasses -------------------------------------------------------------------

    @abstractmethod
    def _peek(self) -> Task | None:
        """The next task to hand out now, or None (waiting, or finished)."""

    @abstractmethod
    def _brackets(self, space: ParamSpace) -> list[tuple[list[int], list[int]]]:
        """The planned ``(rung sizes, rung budgets)`` of each bracket over ``space``."""

    @abstractmethod
    def _budget_of(self, run_id: str, rung: int) -> int | None:
        """The budget of ``run_id`` at ``rung`` in this scheduler's schedule (None: none)."""

    def _handed_out(self, task: Task) -> None:  # noqa: B027 - an optional hook
        """Hook: ``task`` was just yielded."""

    def _recorded(self, run_id: str, rung: int, replaced: bool) -> None:  # noqa: B027
        """Hook: a row for (run_id, rung) was just recorded."""

    def _metric_changed(self) -> None:  # noqa: B027 - an optional hook
        """Hook: :meth:`set_metric` was called."""

    def _record(self, run_id: str, rung: int, row: dict[str, Any]) -> None:
        replaced = (run_id, rung) in self.results
        self.results[(run_id, rung)] = Result(row, self._written)
        self._written += 1
        self._recorded(run_id, rung, replaced)

    def _key(self, run_id: str, rung: int) -> tuple[int, float, int]:
        result = self.results[(run_id, rung)]
        return rank_key(result.row, self.metric, self.minimize, result.order)

    def _task(self, run_id: str, rung: int, budgets: list[int]) -> Task:
        config = self.stream.configs[self.stream.position[run_id]]
        before = budgets[rung - 1] if rung else 0
        return Task(
            config.index,
            run_id,
            dict(config.params),
            dict(config.labels),
            rung,
            budgets[rung],
            before,
        )


def _whole(value: Any, column: str, position: int) -> int:
    """A rung or budget cell as an int (CSV readers may give floats)."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = float("nan")
    if not number.is_integer() or number < 0:
        raise ResultsFormatError(
            rule_message(
                f"rows[{position}] {column}",
                "must be a whole number >= 0",
                value,
                "pass the rows a budgeted scan wrote (one per run and rung)",
            )
        )
    return int(number)
