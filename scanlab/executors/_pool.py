"""The worker processes of :mod:`scanlab.executors.processes`: a handle on one
(:class:`Worker`: start it, send it frames, stop it), the warm ones kept between scans of a
session (claim, park, reap, :func:`shutdown_workers`), and the words for how one ended
(:func:`describe_exit`, :func:`log_tail`, :func:`lost_run_report`).

Which task runs on which worker is :mod:`scanlab.executors.processes`'s job, not this one's;
how long a parked worker is kept comes from there (``WORKER_IDLE_TIMEOUT``).
"""

from __future__ import annotations

import atexit
import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from typing import IO

from scanlab.executors._protocol import Task, write_frame

__all__ = [
    "Worker",
    "claim_idle_worker",
    "describe_exit",
    "log_tail",
    "lost_run_report",
    "park_worker",
    "reap_idle_workers",
    "shutdown_workers",
]

_WORKER_MODULE = "scanlab.executors.worker"  # each worker runs ``python -m _WORKER_MODULE``


def describe_exit(returncode: int | None) -> str:
    """Why a worker process ended, in words.

    Examples
    --------
    >>> describe_exit(-9)
    'was killed by SIGKILL (out of memory, or killed by hand)'
    """
    if returncode is None:
        return "stopped answering"
    if returncode < 0:
        try:
            name = signal.Signals(-returncode).name
        except ValueError:
            name = f"signal {-returncode}"
        cause = {
            "SIGKILL": " (out of memory, or killed by hand)",
            "SIGSEGV": " (a segmentation fault in native code)",
            "SIGABRT": " (an abort in native code)",
        }.get(name, "")
        return f"was killed by {name}{cause}"
    return f"exited with code {returncode}"


def log_tail(path: str | os.PathLike[str], lines: int = 15, max_bytes: int = 4096) -> str:
    """The last ``lines`` lines of a (shared) worker log, read cheaply; '' if unreadable."""
    try:
        with open(path, "rb") as log:
            log.seek(0, os.SEEK_END)
            size = log.tell()
            log.seek(max(0, size - max_bytes))
            text = log.read().decode("utf-8", errors="replace")
    except OSError:
        return ""
    return "\n".join(text.splitlines()[-lines:])


_IDLE_WORKERS: list[Worker] = []  # warm workers of the last process scan, for the next one


def shutdown_workers() -> int:
    """Stop the warm worker processes kept for the next scan now; returns how many.

    A scan with ``workers=N`` keeps its (CPU) workers for :data:`WORKER_IDLE_TIMEOUT`
    seconds so that the next scan in the same session skips the framework import; they
    also exit by themselves after that time, or when this process ends.
    """
    stopped = len(_IDLE_WORKERS)
    _drop_idle_workers(lambda worker: True)
    return stopped


def _drop_idle_workers(condition: Callable[[Worker], bool]) -> None:
    """Stop (and reap) the parked workers for which ``condition`` holds."""
    for worker in [w for w in _IDLE_WORKERS if condition(w)]:
        _IDLE_WORKERS.remove(worker)
        worker.stop()


atexit.register(shutdown_workers)


class Worker:
    """One worker process and the task it is running."""

    def __init__(self, env: dict[str, str], log: IO[bytes]) -> None:
        self.env = env
        self.proc = subprocess.Popen(
            [sys.executable, "-m", _WORKER_MODULE],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=log,
            env=env,
            close_fds=True,
        )
        assert self.proc.stdout is not None
        # Unbuffered: a read never takes more than its frame, so select() sees what is left
        # (the "started" frame and the result can arrive together).
        self._out = open(self.proc.stdout.fileno(), "rb", buffering=0, closefd=False)  # noqa: SIM115
        self.slot = -1
        self.task: Task | None = None
        self.running = False  # the worker said the task's run started
        self.started = 0.0
        self.runs = 0
        self.scans = 0
        self.keep_until = 0.0  # while parked: claim it only before this (monotonic) time
        self.acknowledged = False  # set once the worker has loaded this scan's payload

    def begin(self, slot: int, setup: bytes) -> None:
        """Start a scan on this worker: send the setup frame without blocking (it can be
        large: it carries the data)."""
        self.slot, self.acknowledged, self.task = slot, False, None
        self.scans += 1
        threading.Thread(target=self._write, args=(setup,), daemon=True).start()

    def _write(self, frame: bytes) -> None:
        try:
            assert self.proc.stdin is not None
            self.proc.stdin.write(frame)
            self.proc.stdin.flush()
        except (BrokenPipeError, OSError, ValueError):
            pass  # the worker died (or was stopped); the driver sees it on the stdout pipe

    @property
    def stdout(self) -> IO[bytes]:
        """The pipe the worker answers on."""
        return self._out

    @property
    def ready(self) -> bool:
        return self.acknowledged and self.task is None and self.proc.poll() is None

    def send(self, task: Task | None) -> bool:
        """Hand the worker a task (None ends the scan); False if it has gone."""
        if task is not None:  # before writing: an interrupted write leaves it busy, not ready
            self.task, self.started, self.running = task, time.monotonic(), False
        try:
            assert self.proc.stdin is not None
            write_frame(self.proc.stdin, task)
        except (OSError, ValueError):  # BrokenPipeError: it died after the liveness check
            return False  # the frame did not reach it whole: the task never ran there
        return True

    def stop(self) -> None:
        """End the process now."""
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        self._out.close()  # not the pipe itself: closefd=False
        for stream in (self.proc.stdin, self.proc.stdout):
            if stream is not None:
                with contextlib.suppress(OSError):  # stdin flushes bytes the dead worker missed
                    stream.close()


def claim_idle_worker(env: dict[str, str]) -> Worker | None:
    """A warm worker started with exactly ``env``, or None."""
    for worker in _IDLE_WORKERS:
        if worker.env == env:
            _IDLE_WORKERS.remove(worker)
            return worker
    return None


def park_worker(worker: Worker, idle_timeout: float) -> None:
    """Keep ``worker`` (idle, told its scan ended) warm for the next scan: claimable until
    shortly before its own ``idle_timeout`` ends it."""
    margin = min(10.0, idle_timeout / 10)
    worker.keep_until = time.monotonic() + idle_timeout - margin
    _IDLE_WORKERS.append(worker)


def reap_idle_workers(environments: list[dict[str, str]]) -> None:
    """Stop the parked workers a scan with these worker ``environments`` cannot claim: those
    started with another environment, and those that exited or are about to time out."""
    now = time.monotonic()
    _drop_idle_workers(
        lambda w: w.env not in environments or w.proc.poll() is not None or now >= w.keep_until
    )


def lost_run_report(worker: Worker, task: Task, error: str, log_name: str) -> str:
    """The traceback text of a run its worker could not report: what happened, to which
    run, and the last lines of the (shared) worker log ``log_name``."""
    report = f"{error}\nrun {task.run_id} {task.labels}, worker pid {worker.proc.pid}"
    tail = log_tail(log_name)
    if tail:
        report += f"\nlast lines of {log_name} (all workers write there):\n{tail}"
    return report
