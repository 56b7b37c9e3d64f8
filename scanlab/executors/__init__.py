"""Executors run trials and hand results back to the driver, which alone writes the log.

Every executor follows one protocol, :class:`Executor`, checked against all of them by one
conformance suite (``tests/executors/test_conformance.py``)::

    inprocess.InProcessExecutor   one run at a time in this process (MemoryHygiene between)
    processes.ProcessExecutor     a pool of ``python -m scanlab.executors.worker`` processes
    dask_cluster.DaskExecutor     a dask.distributed cluster, through the user's Client
    choose.make_executor          which of them runs a scan, from Scan's arguments

They share private modules and never import each other (only ``choose`` imports them),
nor this package::

    _protocol    Task, the pipe frames, the result of a run whose worker was lost
    _hygiene     MemoryHygiene and model_saver (in this process and in every worker)
    _placement   GPUs and CPU threads per worker
    _pool        the worker processes of processes.py, and the warm ones kept between scans
    worker       the worker process's main loop (imports _protocol and _hygiene only)

This module holds only the protocol and the public names.
"""

from __future__ import annotations

import sys
import types
from collections.abc import Iterable, Iterator
from typing import Protocol, runtime_checkable

from scanlab.executors import processes as _processes
from scanlab.executors._hygiene import MemoryHygiene, model_saver
from scanlab.executors._placement import THREAD_VARIABLES, detect_gpus, worker_environments
from scanlab.executors._protocol import Task
from scanlab.executors.dask_cluster import DaskExecutor, dask_client_type
from scanlab.executors.inprocess import InProcessExecutor
from scanlab.executors.processes import (
    WORKER_IDLE_TIMEOUT,
    ProcessExecutor,
    describe_exit,
    shutdown_workers,
)
from scanlab.trial import TrialResult

__all__ = [
    "DaskExecutor",
    "Executor",
    "InProcessExecutor",
    "MemoryHygiene",
    "ProcessExecutor",
    "THREAD_VARIABLES",
    "Task",
    "WORKER_IDLE_TIMEOUT",
    "dask_client_type",
    "describe_exit",
    "detect_gpus",
    "model_saver",
    "shutdown_workers",
    "worker_environments",
]


@runtime_checkable
class Executor(Protocol):
    """What the engine asks of an executor.

    ``run`` takes the tasks lazily (an executor pulls the next one when it has room) and
    yields every task exactly once with its :class:`~scanlab.trial.TrialResult`, in the
    order runs finish. A run that fails (its model function raised, its loss is not finite,
    its worker died) is a failed result, never an exception: ``run`` raises only for errors
    that stop the scan. ``close`` releases what the executor holds and may be called again.
    """

    def run(self, tasks: Iterable[Task]) -> Iterator[tuple[Task, TrialResult]]:
        """Run ``tasks``, yielding each with its result as it finishes."""
        ...

    def close(self) -> None:
        """Release workers, files and payloads; idempotent."""
        ...


class _ExecutorsModule(types.ModuleType):
    """This package's module type: ``scanlab.executors.WORKER_IDLE_TIMEOUT`` (a setting the
    README documents) reads and writes the value in :mod:`.processes`, where it is used, so
    that setting it here takes effect."""

    @property
    def WORKER_IDLE_TIMEOUT(self) -> float:
        return _processes.WORKER_IDLE_TIMEOUT

    @WORKER_IDLE_TIMEOUT.setter
    def WORKER_IDLE_TIMEOUT(self, value: float) -> None:
        _processes.WORKER_IDLE_TIMEOUT = value


sys.modules[__name__].__class__ = _ExecutorsModule
