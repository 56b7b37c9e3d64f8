"""The worker-process executor: trials run in a pool of ``python -m scanlab.executors.worker``
processes on this machine, driven over pipes; only the driver writes the log.

This module schedules tasks onto the workers (hand out, wait, replace, time out). The worker
processes themselves, and the warm ones kept for the next scan of the session
(:data:`WORKER_IDLE_TIMEOUT`, :func:`shutdown_workers`), are :mod:`scanlab.executors._pool`'s;
where each worker runs (GPU, threads) comes from :mod:`scanlab.executors._placement`; what
goes over the pipes, from :mod:`scanlab.executors._protocol`.
"""

from __future__ import annotations

import collections
import contextlib
import io
import os
import selectors
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path

from scanlab.errors import WorkerStartError
from scanlab.executors._placement import worker_environments
from scanlab.executors._pool import _IDLE_WORKERS as _IDLE_WORKERS  # tests read it here
from scanlab.executors._pool import Worker as _Worker
from scanlab.executors._pool import (
    claim_idle_worker,
    describe_exit,
    log_tail,
    lost_run_report,
    park_worker,
    reap_idle_workers,
    shutdown_workers,
)
from scanlab.executors._protocol import Task, failed_result, read_frame, write_frame
from scanlab.trial import TrialData, TrialResult

__all__ = [
    "ProcessExecutor",
    "WORKER_IDLE_TIMEOUT",
    "describe_exit",
    "shutdown_workers",
]

MAX_START_FAILURES = 3
"""Workers in a row (on one slot) that may die while starting before the scan gives up."""


WORKER_IDLE_TIMEOUT = 300.0
"""Seconds a warm CPU worker waits for the next scan before it exits (0: never keep one)."""


class ProcessExecutor:
    """Runs trials in worker processes on this machine; only the driver writes the log.

    Workers are fresh Python processes (``python -m scanlab.executors.worker``) that
    receive the model function and data once per scan, serialized with cloudpickle (so
    functions defined in a notebook cell work). A worker that dies mid-run (crash,
    ``os._exit``, killed for memory) turns that run into a failed row and is replaced; one
    that dies before its run starts (while starting up, or cleaning up after the previous
    run) is replaced and the task runs on another worker, once (after
    :data:`MAX_START_FAILURES` workers in a row die while starting, the scan stops);
    ``trial_timeout`` kills a run that hangs; ``max_runs_per_worker`` recycles workers to
    bound framework memory growth. CPU workers stay warm after the scan for the next one in
    this session (see :func:`shutdown_workers`); GPU workers exit, releasing their device
    memory.

    Parameters
    ----------
    model_fn : callable
        The user's model function.
    data : TrialData
        Training and validation arrays.
    workers : int
        Number of worker processes.
    hygiene : dict
        Keyword arguments of :class:`MemoryHygiene` used inside each worker.
    log_path : Path
        File that receives the workers' stderr (and anything the model function prints).
    models_dir : Path, optional
        Save each successful run's model there.
    gpus : sequence of str
        GPU ids to pin workers to (see :func:`worker_environments`).
    workers_per_gpu : int
        Workers sharing each GPU.
    max_runs_per_worker : int, optional
        Replace a worker after this many runs.
    trial_timeout : float, optional
        Seconds after which a run is stopped and recorded as failed.
    """

    def __init__(
        self,
        model_fn: Callable,
        data: TrialData,
        workers: int,
        hygiene: dict,
        log_path: Path,
        models_dir: Path | None = None,
        gpus: Sequence[str] = (),
        workers_per_gpu: int = 1,
        max_runs_per_worker: int | None = None,
        trial_timeout: float | None = None,
    ) -> None:
        import cloudpickle

        self.workers = workers
        self.trial_timeout = trial_timeout
        self.max_runs_per_worker = max_runs_per_worker
        # GPU workers would hold device memory while idle: only CPU workers are kept warm.
        self._idle_timeout = 0.0 if gpus else WORKER_IDLE_TIMEOUT
        buffer = io.BytesIO()
        write_frame(
            buffer,
            {
                "payload": cloudpickle.dumps((model_fn, data)),
                "hygiene": hygiene,
                "max_runs": max_runs_per_worker,
                "models_dir": str(models_dir) if models_dir else None,
                "log_path": str(Path(log_path).resolve()),
                "idle_timeout": self._idle_timeout,
            },
        )
        self._setup = buffer.getvalue()
        base = dict(os.environ)
        base["PYTHONPATH"] = os.pathsep.join(
            [p for p in sys.path if p and os.path.isdir(p)] + [base.get("PYTHONPATH", "")]
        )
        self._environments = [
            base | env for env in worker_environments(workers, list(gpus), workers_per_gpu)
        ]
        # Free parked workers of a different setup first; reap those that exited or are about
        # to time out.
        reap_idle_workers(self._environments)
        Path(log_path).parent.mkdir(parents=True, exist_ok=True)
        self._log = open(log_path, "ab")  # noqa: SIM115 - closed in close()
        self._slots: list[_Worker | None] = [None] * workers
        self._start_failures = [0] * workers  # fresh workers in a row that died starting
        self._undelivered: collections.deque[Task] = collections.deque()  # hand out first

    def run(self, tasks: Iterable[Task]) -> Iterator[tuple[Task, TrialResult]]:
        """Run ``tasks`` on the workers, yielding each with its result as it finishes.

        The workers and the log stay open for the next call (a budgeted search runs each
        batch of tasks the scheduler can hand out); :meth:`close` ends them."""
        pending = iter(tasks)
        exhausted = False
        selector = selectors.DefaultSelector()
        for worker in self._slots:  # the workers an earlier call started, idle now
            if worker is not None:
                selector.register(worker.stdout, selectors.EVENT_READ, worker)
        try:
            while True:
                if not exhausted or self._undelivered:
                    exhausted = self._hand_out(pending, selector, exhausted)
                busy = [w for w in self._slots if w is not None and w.task is not None]
                if exhausted and not busy and not self._undelivered:
                    return
                for worker, outcome in self._wait(selector, busy):
                    yield outcome
                    if worker is not None:
                        self._after_result(worker, selector)
        finally:  # the workers stay: a budgeted search calls run() again; close() ends
            selector.close()

    def _hand_out(
        self, pending: Iterator[Task], selector: selectors.BaseSelector, exhausted: bool
    ) -> bool:
        """Give a task to every idle worker (starting workers as needed), first the tasks
        that never reached a worker; True once ``pending`` is done."""
        for slot in range(self.workers):
            if exhausted and not self._undelivered:
                return True
            worker = self._slots[slot]
            if worker is None:
                env = self._environments[slot]
                worker = claim_idle_worker(env) or _Worker(env, self._log)
                worker.begin(slot, self._setup)
                self._slots[slot] = worker
                selector.register(worker.stdout, selectors.EVENT_READ, worker)
            if not worker.ready:
                continue
            if self._undelivered:
                task = self._undelivered.popleft()
            else:
                next_task = next(pending, None)
                if next_task is None:
                    return True
                task = next_task
            if not worker.send(task):  # it died after the liveness check: the task never
                self._undelivered.appendleft(task)  # reached it, another worker runs it
                self._retire(worker, selector)
        return exhausted

    def _wait(
        self, selector: selectors.BaseSelector, busy: list[_Worker]
    ) -> Iterator[tuple[_Worker | None, tuple[Task, TrialResult]]]:
        timeout = 1.0
        if self.trial_timeout is not None and busy:
            oldest = min(w.started for w in busy)
            timeout = min(timeout, max(0.0, oldest + self.trial_timeout - time.monotonic()))
        for key, _ in selector.select(timeout):
            worker: _Worker = key.data
            if not worker.acknowledged:
                self._acknowledge(worker, selector)
                continue
            if worker.task is None:  # only EOF can arrive from an idle worker
                self._retire(worker, selector)
                continue
            task = worker.task
            try:
                result = read_frame(worker.stdout)
            except (EOFError, OSError):
                worker.proc.wait()
                if not worker.running:  # it died before the run started: hand the task on
                    self._undelivered.appendleft(task)
                    self._retire(worker, selector)
                    continue
                error = (
                    f"WorkerDied: the worker process "
                    f"{describe_exit(worker.proc.returncode)} during this run; "
                    f"its output is in {self._log.name}"
                )
                result = failed_result(
                    error,
                    worker.started,
                    traceback=lost_run_report(worker, task, error, self._log.name),
                )
                self._retire(worker, selector)
                yield None, (task, result)
                continue
            if isinstance(result, dict) and "started" in result:
                worker.running = True
                continue
            worker.task = None
            worker.runs += 1
            yield worker, (task, result)
        if self.trial_timeout is not None:
            now = time.monotonic()
            for worker in busy:
                if worker.task is not None and now - worker.started > self.trial_timeout:
                    task = worker.task
                    self._retire(worker, selector)
                    error = (
                        f"TrialTimeout: the run took longer than trial_timeout="
                        f"{self.trial_timeout:g} s and was stopped"
                    )
                    report = lost_run_report(worker, task, error, self._log.name)
                    yield None, (task, failed_result(error, worker.started, False, report))

    def _acknowledge(self, worker: _Worker, selector: selectors.BaseSelector) -> None:
        """Read a worker's answer to the setup frame: ready, restart (replace it with a fresh
        worker) or why it could not load the payload.

        Only a fresh worker that reports a setup error stops the scan (the model function
        cannot be loaded: the user's to fix). A worker that dies while starting (killed, out
        of memory, exited without a word) is replaced, up to :data:`MAX_START_FAILURES`
        fresh workers in a row on one slot; a warm worker's failure just gets a fresh one.
        """
        slot, fresh = worker.slot, worker.scans == 1
        try:
            hello = read_frame(worker.stdout)
        except (EOFError, OSError):
            worker.proc.wait()
            self._retire(worker, selector)
            if not fresh:  # a warm worker that went away (its idle timeout): a fresh one
                return
            self._start_failures[slot] += 1
            if self._start_failures[slot] < MAX_START_FAILURES:
                return  # replaced by the next hand-out
            tail = log_tail(self._log.name)
            raise WorkerStartError(
                f"{self._start_failures[slot]} worker processes in a row died while starting, "
                f"before they reported loading the model function and data; the last one "
                f"{describe_exit(worker.proc.returncode)}. Their output is in {self._log.name}"
                + (f"; its last lines:\n{tail}\n" if tail else ". ")
                + "Check that this machine has the memory for this many workers (each one "
                "imports the framework), or use fewer workers, then run the same call again "
                "to resume."
            ) from None
        if not isinstance(hello, dict):  # out of step with the protocol: replace it
            hello = {"restart": f"unexpected first frame {type(hello).__name__}"}
        if "setup_error" in hello and not fresh:  # perhaps its state: try a fresh worker
            hello = {"restart": hello["setup_error"]}
        if "restart" in hello:  # e.g. the user's code changed since the worker imported it
            self._retire(worker, selector)
            return
        if "setup_error" in hello:
            self._retire(worker, selector)
            raise WorkerStartError(
                f"a worker process could not load the model function and data:\n"
                f"{hello['setup_error']}\nEverything the model function uses must be "
                f"importable in a fresh Python process or defined in the notebook/script itself."
            )
        self._start_failures[slot] = 0
        worker.acknowledged = True

    def _after_result(self, worker: _Worker, selector: selectors.BaseSelector) -> None:
        if self.max_runs_per_worker and worker.runs >= self.max_runs_per_worker:
            self._retire(worker, selector)  # it exits by itself: recycled

    def _retire(self, worker: _Worker, selector: selectors.BaseSelector) -> None:
        with contextlib.suppress(KeyError, ValueError):
            selector.unregister(worker.stdout)
        worker.task = None
        worker.stop()
        self._slots[worker.slot] = None

    def close(self) -> None:
        """Keep idle CPU workers warm for the next scan, stop the others (unfinished runs
        are not recorded) and close the log."""
        for worker in self._slots:
            if worker is None:
                continue
            if self._idle_timeout > 0 and worker.ready and worker.send(None):
                park_worker(worker, self._idle_timeout)  # claimable for the next scan
            else:
                worker.stop()
        self._slots = [None] * self.workers
        if not self._log.closed:
            self._log.close()
