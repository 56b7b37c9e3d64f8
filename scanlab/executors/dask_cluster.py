"""The Dask executor: trials run on a ``dask.distributed`` cluster (a LocalCluster or a real
one) through the user's ``Client``; only the driver writes the log.

Dask is an optional extra: it is imported when a Dask executor is made, never at import time.
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from scanlab.errors import ScanArgumentError
from scanlab.executors._hygiene import MemoryHygiene, model_saver
from scanlab.executors._placement import THREAD_VARIABLES
from scanlab.executors._protocol import Task, TrialOptions, failed_result, trial_arguments
from scanlab.trial import TrialData, TrialResult, run_trial

__all__ = ["DaskExecutor", "dask_client_type"]

_DASK_PAYLOADS: dict[str, tuple[Callable, TrialData, MemoryHygiene]] = {}


def _dask_trial(
    token: str,
    payload: bytes,
    params: dict,
    run_id: str,
    models_dir: str | None,
    hygiene: dict,
    threads: int,
    arguments: dict | None = None,
) -> TrialResult:
    """Run one trial inside a Dask worker (the payload is unpickled once per process);
    ``arguments`` are :func:`run_trial`'s keyword arguments for it (trial_arguments)."""
    if token not in _DASK_PAYLOADS:
        import cloudpickle

        if "tensorflow" not in sys.modules:  # thread limits only work before TF starts
            for name in THREAD_VARIABLES:
                os.environ.setdefault(name, str(threads))
            os.environ.setdefault("TF_NUM_INTEROP_THREADS", "1")
        _DASK_PAYLOADS.clear()
        _DASK_PAYLOADS[token] = (*cloudpickle.loads(payload), MemoryHygiene(**hygiene))
    model_fn, data, process_hygiene = _DASK_PAYLOADS[token]
    result = run_trial(
        model_fn, data, params, save_model=model_saver(models_dir, run_id), **(arguments or {})
    )
    process_hygiene.after_run()
    return result


class DaskExecutor:
    """Runs trials on a Dask cluster through a ``dask.distributed.Client``.

    The model function and data are scattered to every worker once; the driver keeps two
    runs per worker in flight and writes every result itself. A worker that dies is
    replaced by Dask's nanny; a run whose worker died too often (``KilledWorker``) or that
    raised inside Dask is recorded as failed.

    Parameters
    ----------
    client : dask.distributed.Client
        A connected client.
    model_fn, data, hygiene, models_dir
        As for :class:`ProcessExecutor`.
    options : TrialOptions, optional
        The scan's trial options (early stopping, checkpoints).
    """

    def __init__(
        self,
        client: Any,
        model_fn: Callable,
        data: TrialData,
        hygiene: dict,
        models_dir: Path | None = None,
        options: TrialOptions | None = None,
    ) -> None:
        import uuid

        import cloudpickle

        self.client = client
        info = client.scheduler_info()["workers"]
        if not info:
            raise ScanArgumentError(
                "executor: the Dask client has no workers. Start some (`dask worker "
                "<scheduler-address>`) or use LocalCluster(n_workers=2) before scanning."
            )
        self.workers = len(info)
        per_host: dict[str, int] = {}
        for worker in info.values():
            per_host[worker.get("host", "")] = per_host.get(worker.get("host", ""), 0) + 1
        self._threads = max(1, (os.cpu_count() or 1) // max(per_host.values()))
        self._token = uuid.uuid4().hex
        # A key of its own (hash=False): with a content-hashed key, two executors with the
        # same model and data (a next Scan round) share it, and close() of one cancels it
        # under the other, whose runs then fail or wait forever.
        self._payload = client.scatter(
            cloudpickle.dumps((model_fn, data)), broadcast=True, hash=False
        )
        self._hygiene = hygiene
        self._models_dir = str(models_dir) if models_dir else None
        self._options = options

    def run(self, tasks: Iterable[Task]) -> Iterator[tuple[Task, TrialResult]]:
        """Submit ``tasks`` (two per worker in flight), yielding results as they finish."""
        from distributed import as_completed

        pending = iter(tasks)
        in_flight: dict[Any, tuple[Task, float]] = {}
        finished = as_completed()
        try:
            for _ in range(2 * self.workers):
                if not self._submit(pending, in_flight, finished):
                    break
            for future in finished:
                task, started = in_flight.pop(future)
                try:
                    result = future.result()
                except Exception as exc:  # a lost worker is a failed run
                    result = failed_result(
                        f"{type(exc).__name__}: {exc}",
                        started,
                        traceback="".join(traceback.format_exception(exc)),
                    )
                yield task, result
                self._submit(pending, in_flight, finished)
        finally:
            for future in in_flight:
                future.cancel()

    def _submit(self, pending: Iterator[Task], in_flight: dict, finished: Any) -> bool:
        task = next(pending, None)
        if task is None:
            return False
        future = self.client.submit(
            _dask_trial,
            self._token,
            self._payload,
            task.params,
            task.run_id,
            self._models_dir,
            self._hygiene,
            self._threads,
            trial_arguments(task, self._options),
            pure=False,
            # one key per (run, rung, fold): Dask hands back a finished key's result
            key=f"scanlab-trial-{task.run_id}{_rung(task)}-{self._token[:8]}",
        )
        in_flight[future] = (task, time.monotonic())
        finished.add(future)
        return True

    def close(self) -> None:
        """Forget the scattered payload (the client stays open: it is the user's)."""
        with contextlib.suppress(Exception):  # the client may already be closed
            self.client.cancel(self._payload)


def _rung(task: Task) -> str:
    rung = "" if task.rung is None else f"-r{task.rung}"
    return rung if task.fold is None else f"{rung}-f{task.fold}"


def dask_client_type() -> type:
    """``distributed.Client``, or a clear error naming the extra to install."""
    try:
        from distributed import Client
    except ImportError:
        raise ImportError(
            "executor=<dask client> needs Dask: pip install 'scanlab[dask]' "
            "(or pip install 'dask[distributed]')."
        ) from None
    return Client
