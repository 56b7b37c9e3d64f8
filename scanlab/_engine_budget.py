"""The loop of a budgeted round (``Scan(search=...)``): a halving scheduler over the lazy grid,
one row per (run, rung), continued runs, checkpoints kept bounded, crash-safe resume.

The scheduler (:mod:`scanlab.halving`) is rebuilt on every call from the round's rows: the
newest row of each (run, rung) counts, failed ones are left out so that they train again
(``retry_failed``), and promotions are decided again from the same rows, so the same call
resumes to the same rows. Then the engine asks it for tasks until it is finished; each
``ask()`` ends when the scheduler must wait for rows in flight (a rung to complete), the
executor drains them, and the engine asks again.

A builder's run continues from its checkpoint (``<round>/checkpoints/<run_id>-e<epochs>.keras``:
model, optimizer state and iterations, written to a temporary name and renamed). A checkpoint
is deleted as soon as nothing can continue from it: when the run's next rung is written, when
its rung completes without promoting it (successive halving, Hyperband), and at the end of
the round (every checkpoint, ASHA's too), except the one a failed continuation started from
while a resume would train it again (``retry_failed``). So at most one checkpoint per run is on disk, and
only for runs a rung may still promote: under successive halving and Hyperband at most the
configurations of the brackets' rungs in progress, under ASHA at most one per configuration
started. A Talos model function cannot continue: it trains from scratch to each rung's budget
and no checkpoint is written.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import stat
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from scanlab._builder import BUILDER
from scanlab._engine_plain import boolean_filter, row_keys
from scanlab._engine_protocol import RoundEngine
from scanlab._halving_base import BudgetedScheduler
from scanlab._round_notes import KEPT_FAILURES
from scanlab._tracking import progress_bar
from scanlab.trial import Task

if TYPE_CHECKING:
    pass

__all__ = ["CHECKPOINT_DIR", "Checkpoints", "budgeted_loop"]

#: The folder of a budgeted round's checkpoints, inside the round folder.
CHECKPOINT_DIR = "checkpoints"


class Checkpoints:
    """The checkpoint folder of a budgeted round: what is deleted, and when.

    Only scanlab's own files are touched: regular files named ``<run_id>-e<n>.keras`` (or
    their ``.tmp.keras`` leftovers); a link is removed, never followed.

    Parameters
    ----------
    round_dir : Path
        The round folder.
    """

    def __init__(self, round_dir: Path) -> None:
        self.path = Path(round_dir) / CHECKPOINT_DIR

    def discard_temporary(self) -> None:
        """Delete the half-written checkpoints a killed run left (never loaded: renamed only
        once whole)."""
        for file in self._files("*.tmp.keras"):
            _unlink(file)

    def discard(self, run_id: str, epochs: int | None = None) -> None:
        """Delete one run's checkpoint after ``epochs`` epochs, or all of the run's.

        Parameters
        ----------
        run_id : str
            The run.
        epochs : int, optional
            The epochs the checkpoint holds; default every checkpoint of the run.
        """
        pattern = f"{run_id}-e{epochs}.keras" if epochs is not None else f"{run_id}-e*.keras"
        for file in self._files(pattern):
            _unlink(file)

    def discard_all(self, keep: Iterable[str] = ()) -> None:
        """The round is finished: nothing continues, every checkpoint goes (and the folder),
        but those of the runs in ``keep`` (a failed continuation a resume trains again).

        Parameters
        ----------
        keep : iterable of str
            Run ids whose checkpoints stay.
        """
        kept = tuple(f"{run_id}-e" for run_id in keep)
        for file in self._files("*.keras"):
            if not file.name.startswith(kept):
                _unlink(file)
        with contextlib.suppress(OSError):  # not empty (a user's file), or already gone
            self.path.rmdir()

    def _files(self, pattern: str) -> list[Path]:
        try:
            if not stat.S_ISDIR(os.lstat(self.path).st_mode):
                return []
        except FileNotFoundError:
            return []
        return sorted(self.path.glob(pattern))


def _unlink(file: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        file.unlink()


def budgeted_loop(engine: RoundEngine, make: Callable[[], Any], existing: pd.DataFrame) -> None:
    """Run (or resume) a budgeted round until its scheduler is finished or a stop applies.

    Parameters
    ----------
    engine : RoundEngine
        The round's engine: settings, outcome, log, tracking and the run loop.
    make : callable
        Starts the executor (only when something is left to train).
    existing : DataFrame
        The round's rows on disk (newest per run and rung).
    """
    s, out = engine.settings, engine.outcome
    assert s.search is not None and out.seed is not None
    done, failed, kept, ok_existing = engine.keep_rows(existing, row_keys(existing, True))
    checkpoints = Checkpoints(out.round_path)
    checkpoints.discard_temporary()
    scheduler = s.search.scheduler(
        s.space,
        s.random_method,
        out.seed,
        fraction_limit=s.fraction_limit,
        round_limit=s.round_limit,
        filters=[boolean_filter(s.boolean_limit)] if s.boolean_limit is not None else [],
    )
    plan = scheduler.plan()  # a filtered-out permutation is replaced: the plan holds
    planned_rows = int(plan["configurations"].sum())
    continues = s.model_contract == BUILDER
    engine.continued = continues
    engine.ranked = scheduler
    if out.tracked_metric is not None:
        scheduler.set_metric(out.tracked_metric, bool(out.minimize))
    scheduler.restore(kept)
    retried = {key.rpartition("@")[0] for key in failed}  # their checkpoints are needed
    engine.after_row = _after_row(scheduler, checkpoints, continues, retried, s.retry_failed)
    out.manifest["plan"] = plan.attrs["totals"]
    with progress_bar(s, out.round, initial=len(done), total=planned_rows) as bar:
        if engine.target and any(map(engine.target.reached, ok_existing.to_dict("records"))):
            out.stop_reason = "performance_target"  # reached before this call: train none
        executor = None
        try:
            while out.stop_reason == "completed" and not scheduler.finished:
                tasks: Iterator[Task] = engine.hand_out(scheduler.ask(), bar)
                first = next(tasks, None)
                if first is None:
                    break  # the deadline passed (or, never, a scheduler waiting on nothing)
                if executor is None:
                    executor = make()
                engine.run_tasks(executor, itertools.chain([first], tasks), scheduler, bar)
        finally:
            if executor is not None:
                executor.close()
    if scheduler.finished:
        checkpoints.discard_all(keep=retried)
    engine.check_round(scheduler, done, failed, executor is None)


def _after_row(
    scheduler: BudgetedScheduler,
    checkpoints: Checkpoints,
    continues: bool,
    retried: set[str],
    retry_failed: bool,
) -> Callable[[Task, dict[str, Any]], None]:
    """What follows each (run, rung) row: the checkpoints nothing can continue from go; a
    run whose continuation failed in a way a resume retries (``retried``, updated here) keeps
    the checkpoint it continued from."""

    def after(task: Task, row: dict[str, Any]) -> None:
        if not continues:
            return
        if row.get("status") == "ok":
            retried.discard(task.run_id)
            if task.initial_epoch:
                checkpoints.discard(task.run_id, task.initial_epoch)  # superseded
        elif retry_failed and not str(row.get("error") or "").startswith(KEPT_FAILURES):
            retried.add(task.run_id)
        for run_id in scheduler.released():
            if run_id not in retried:
                checkpoints.discard(run_id)

    return after
