"""What the driver and its workers exchange: tasks, length-prefixed pickle frames, and the
result recorded for a run that its worker could not report itself (it died or timed out).

Shared by the executors (driver side) and :mod:`scanlab.executors.worker` (worker side), so
neither imports the other.
"""

from __future__ import annotations

import pickle
import struct
import time
from datetime import UTC, datetime, timedelta
from typing import IO, Any

from scanlab.trial import Task, TrialResult

__all__ = ["Task", "failed_result", "read_frame", "write_frame"]


_HEADER = struct.Struct("!Q")


def write_frame(stream: IO[bytes], obj: Any) -> None:
    """Send one object as a length-prefixed pickle frame."""
    payload = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(_HEADER.pack(len(payload)) + payload)
    stream.flush()


def read_frame(stream: IO[bytes]) -> Any:
    """Read one frame; raises EOFError when the other side has gone."""
    header = _read_exactly(stream, _HEADER.size)
    return pickle.loads(_read_exactly(stream, _HEADER.unpack(header)[0]))


def _read_exactly(stream: IO[bytes], n: int) -> bytes:
    chunks, remaining = [], n
    while remaining:
        chunk = stream.read(remaining)
        if not chunk:
            raise EOFError("the other process closed the pipe")
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def failed_result(
    error: str, started: float, raised: bool = True, traceback: str | None = None
) -> TrialResult:
    """A failed run's result, written by the driver; ``started`` is a ``time.monotonic()``.

    ``traceback`` says what happened (how the worker ended, the last lines of its log); it
    is never empty, so that a message quoting it (the consecutive-failure stop) names the
    cause: without one, it is ``error``.
    """
    end = datetime.now(UTC)
    duration = time.monotonic() - started
    return TrialResult(
        status="failed",
        start=(end - timedelta(seconds=duration)).isoformat(timespec="milliseconds"),
        end=end.isoformat(timespec="milliseconds"),
        duration_s=round(duration, 4),
        error=error,
        traceback=traceback or error,
        raised=raised,
    )
