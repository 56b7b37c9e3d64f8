"""Schedulers decide what the engine runs next; they never see a model (pure, no Keras).

The engine loop (:mod:`scanlab._engine`) pulls tasks from :meth:`Scheduler.ask` one at a time,
lazily, as executors have room, and reports every finished row back through
:meth:`Scheduler.tell`. A scheduler's state is rebuilt from the rows already on disk (the
``done`` run ids) and, for filters such as Talos's automatic reduction, from the round's
manifest, so a resumed scan needs nothing else. Filters (``boolean_limit``, Talos's
automatic reduction) are asked about each drawn permutation just before it is handed out, so
a reduction made after run 50 applies from run 51 on.

:class:`RunAll` is scanlab's first scheduler: every sampled permutation once.

Examples
--------
>>> from scanlab.space import ParamSpace
>>> space = ParamSpace({'lr': [0.1, 0.01], 'units': [8, 16]})
>>> scheduler = RunAll(space, method='grid', seed=0, planned=4, done=set())
>>> [task.labels for task in scheduler.ask()][:2]
[{'lr': '0.1', 'units': '8'}, {'lr': '0.1', 'units': '16'}]
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from itertools import islice
from typing import Any, Protocol, runtime_checkable

from scanlab.sampling import sample_indices
from scanlab.space import ParamSpace
from scanlab.trial import Task

__all__ = ["RunAll", "Scheduler", "TaskFilter"]

#: ``keep(params, labels) -> bool``: False skips a drawn permutation (it is not run).
TaskFilter = Callable[[dict[str, Any], Mapping[str, str]], bool]


@runtime_checkable
class Scheduler(Protocol):
    """What the engine asks: which task next, and here is a finished row."""

    def ask(self) -> Iterator[Task]:
        """Yield the tasks to run, lazily; the engine may stop iterating at any time.

        Yields
        ------
        Task
            The next permutation to run.
        """
        ...

    def tell(self, task: Task, row: Mapping[str, Any]) -> None:
        """A task finished (ok or failed) and its row is on disk.

        Parameters
        ----------
        task : Task
            The task, as :meth:`ask` yielded it.
        row : mapping
            Its results row, as written.
        """
        ...


class RunAll:
    """Every sampled permutation once, in the sampler's order; done runs are skipped.

    Parameters
    ----------
    space : ParamSpace
        The lazy grid.
    method, seed, planned
        The sampler (:func:`scanlab.sampling.sample_indices`), its seed, and how many
        permutations to draw.
    done : set of str
        Run ids already on disk (resume): drawn again in order, never run again.
    filters : iterable of callable, optional
        :data:`TaskFilter` functions; a permutation any of them rejects is skipped.
    on_skip : callable, optional
        Called once per filtered-out permutation (the engine shortens its progress bar).

    Attributes
    ----------
    skipped : int
        Permutations filtered out so far.
    """

    def __init__(
        self,
        space: ParamSpace,
        method: str,
        seed: int,
        planned: int,
        done: set[str],
        filters: Iterable[TaskFilter] = (),
        on_skip: Callable[[], None] | None = None,
    ) -> None:
        self.space = space
        self.method = method
        self.seed = seed
        self.planned = planned
        self.done = done
        self.filters = list(filters)
        self.on_skip = on_skip
        self.skipped = 0

    def ask(self) -> Iterator[Task]:
        """Yield each sampled permutation not yet done and kept by every filter.

        Yields
        ------
        Task
            Grid index, run id, values and labels of the permutation.
        """
        sequence = sample_indices(self.space.shape, self.method, self.seed, self.planned)
        for index in islice(sequence, min(self.planned, sys.maxsize)):
            params, labels, run_id = self.space.decode(index)
            if run_id in self.done:
                continue
            if not all(keep(params, labels) for keep in self.filters):
                self.skipped += 1
                if self.on_skip is not None:
                    self.on_skip()
                continue
            yield Task(index, run_id, params, labels)

    def tell(self, task: Task, row: Mapping[str, Any]) -> None:
        """Record the run as done.

        Parameters
        ----------
        task : Task
            The finished task; its run id is added to ``done``.
        row : mapping
            Its results row (unused).
        """
        self.done.add(task.run_id)
