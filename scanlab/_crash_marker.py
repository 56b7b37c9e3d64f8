"""A run that kills the scan process is not retried forever.

When runs train in the scan's own process, a model function that calls ``os._exit``, or a
framework that crashes the interpreter, ends the scan before the run's row is written: the
next resume would hand out the same permutation first and die again, forever. Before each
in-process run the engine writes the run's id to ``round-NNN/.running`` (no fsync: only the
process dies, not the machine); a clean end of the scan removes the file. On resume, a marker
for a run that has no row means the process died during it. The first time, the run is
retried (it may have been an outside kill: a SIGKILL, the OOM killer); when it dies a second
time in a row, the engine records it as failed, saying what happened, and moves on.
"""

from __future__ import annotations

import json
import os
import stat
import warnings
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from scanlab.trial import Task, TrialResult

__all__ = ["DEATHS_BEFORE_FAILING", "MARKER_FILE", "RunMarker", "process_death"]

MARKER_FILE = ".running"
#: Deaths of the scan process during the same run before that run is recorded as failed.
DEATHS_BEFORE_FAILING = 2


class RunMarker:
    """The ``.running`` file of one round folder.

    Parameters
    ----------
    round_dir : Path
        The round folder.

    Examples
    --------
    >>> import tempfile
    >>> marker = RunMarker(Path(tempfile.mkdtemp()))
    >>> marker.mark(7, 'abc'); marker.died_during(done=set())
    {'index': 7, 'run_id': 'abc', 'deaths': 1, 'key': 'abc', 'task': (None, None, 0)}
    >>> marker.mark(7, 'abc', rung=1, budget=9, initial_epoch=3)
    >>> marker.died_during(done={'abc'})['key']  # a budgeted run: one (run, rung) at a time
    'abc@1'
    >>> marker.died_during(done={'abc@1'}) is None
    True
    >>> marker.clear(); marker.died_during(done=set()) is None
    True
    """

    def __init__(self, round_dir: Path) -> None:
        self.path = Path(round_dir) / MARKER_FILE
        self._deaths: dict[str, int] = {}
        self._fd: int | None = None

    def died_during(self, done: set[str]) -> dict[str, Any] | None:
        """The run the previous scan process died in, with its death count, or None.

        Parameters
        ----------
        done : set of str
            Run ids with a row (``<run_id>@<rung>`` in a budgeted round): a marker for one
            of those is stale (the row was written).

        Returns
        -------
        dict or None
            ``{'index', 'run_id', 'deaths', 'key', 'task'}``: ``deaths`` counting this death,
            ``key`` as ``done`` holds it, ``task`` the ``(rung, budget, initial_epoch)`` of a
            budgeted task (``(None, None, 0)`` otherwise).
        """
        try:
            record = json.loads(_read_regular(self.path))
            index, run_id = int(record["index"]), str(record["run_id"])
            deaths = int(record.get("deaths", 0)) + 1
            rung, budget = record.get("rung"), record.get("budget")
            task = (
                None if rung is None else int(rung),
                None if budget is None else int(budget),
                int(record.get("initial_epoch", 0)),
            )
        except (OSError, ValueError, KeyError, TypeError):
            return None
        key = run_id if task[0] is None else f"{run_id}@{task[0]}"
        if key in done:
            return None
        self._deaths = {key: deaths}
        self.mark(index, run_id, *task)  # keep the count until the run is retried or recorded
        return {"index": index, "run_id": run_id, "deaths": deaths, "key": key, "task": task}

    def mark(
        self,
        index: int,
        run_id: str,
        rung: int | None = None,
        budget: int | None = None,
        initial_epoch: int = 0,
    ) -> None:
        """Say that run ``run_id`` (grid index ``index``) is about to train in this process.

        The file stays open and is overwritten in place (tens of microseconds per run); a
        record torn by a crash mid-write only loses its death count.

        Parameters
        ----------
        index : int
            The run's grid index.
        run_id : str
            The run's id.
        rung, budget, initial_epoch : int, optional
            A budgeted task's rung, budget and start.
        """
        key = run_id if rung is None else f"{run_id}@{rung}"
        record: dict[str, Any] = {
            "index": index,
            "run_id": run_id,
            "deaths": self._deaths.get(key, 0),
        }
        if rung is not None:
            record.update(rung=rung, budget=budget, initial_epoch=initial_epoch)
        data = json.dumps(record).encode()
        if self._fd is None:
            self._fd = _open_regular(self.path)
        os.pwrite(self._fd, data, 0)
        os.ftruncate(self._fd, len(data))

    def clear(self) -> None:
        """The scan ended without dying: no run is in progress."""
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
        self.path.unlink(missing_ok=True)
        self._deaths = {}


_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


def _read_regular(path: Path) -> str:
    """The text of ``path`` if it is a regular file; OSError for a link, FIFO, folder, ..."""
    fd = os.open(path, os.O_RDONLY | _NOFOLLOW | getattr(os, "O_NONBLOCK", 0))
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(f"{str(path)!r} is not a regular file")
        with os.fdopen(os.dup(fd), "rb") as file:
            return file.read().decode("utf-8")
    finally:
        os.close(fd)


def _open_regular(path: Path) -> int:
    """``path`` opened for writing as a regular file; a link or other thing there is removed.

    ``.running`` is scanlab's own name, so whatever else holds it (a planted symlink) is
    unlinked, never written through: removing a link leaves its target alone.
    """
    try:
        found = os.lstat(path)
    except FileNotFoundError:
        pass
    else:
        if stat.S_ISDIR(found.st_mode):
            os.rmdir(path)
        elif not stat.S_ISREG(found.st_mode):
            os.unlink(path)
    fd = os.open(path, os.O_RDWR | os.O_CREAT | _NOFOLLOW, 0o666)
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise OSError(f"{str(path)!r} is not a regular file")
    return fd


def process_death(deaths: int, task: Task) -> TrialResult:
    """The failed result recorded for a run the scan process died in ``deaths`` times.

    Parameters
    ----------
    deaths : int
        How many times in a row the process ended during the run.
    task : Task
        The run (named in a warning: an outside kill would call for running it again).

    Returns
    -------
    TrialResult
        ``status='failed'``, an error saying what happened, counted as a raised run.
    """
    now = datetime.now(UTC).isoformat(timespec="milliseconds")
    error = (
        f"ProcessDied: the scan process ended {deaths} times in a row while this run was "
        f"training (os._exit, a crash in the framework, or a kill); recorded as failed so "
        f"that the scan moves on"
    )
    warnings.warn(
        f"run {task.run_id} {task.labels} is recorded as failed: the scan process ended "
        f"{deaths} times in a row while it trained. If something outside killed it (a "
        f"pre-empted job), run it again in a new round (resume=False) with a params dict "
        f"holding only those values.",
        RuntimeWarning,
        stacklevel=5,
    )
    return TrialResult("failed", now, now, 0.0, error=error, traceback=error, raised=True)
