"""What the driver and its workers exchange: tasks, the scan's trial options, length-prefixed
pickle frames, and the result recorded for a run that its worker could not report itself (it
died or timed out).

Shared by the executors (driver side) and :mod:`scanlab.executors.worker` (worker side), so
neither imports the other.
"""

from __future__ import annotations

import pickle
import struct
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import IO, Any, NamedTuple

from scanlab._builder import checkpoint_path
from scanlab.trial import Task, TrialResult

__all__ = [
    "Task",
    "TrialOptions",
    "WithOptions",
    "failed_result",
    "read_frame",
    "split_options",
    "trial_arguments",
    "write_frame",
]


class TrialOptions(NamedTuple):
    """A scan's settings for every run, beyond the model function and the data.

    Parameters
    ----------
    early_stopping : dict, optional
        Keyword arguments of :func:`scanlab.callbacks.early_stopper` except ``epochs``
        (builders only); None: off.
    checkpoint_dir : str, optional
        Budgeted search: the folder of the runs' full saved states
        (:func:`scanlab._builder.checkpoint_path`); None: no checkpoints, every task
        trains from scratch to its budget.
    final_budget : int, optional
        Budgeted search: the top rung's epochs; a task that reaches them saves no checkpoint
        (nothing continues it).
    scoring : tuple of str
        scikit-learn scorer names computed from the validation predictions of every run.
    """

    early_stopping: dict[str, Any] | None = None
    checkpoint_dir: str | None = None
    final_budget: int | None = None
    scoring: tuple[str, ...] = ()


def trial_arguments(task: Task, options: TrialOptions | None) -> dict[str, Any]:
    """The keyword arguments of :func:`scanlab.trial.run_trial` for ``task``.

    A budgeted task (``task.budget`` set) with a ``checkpoint_dir`` resumes from the state
    saved after ``task.initial_epoch`` epochs (when that is > 0) and saves its state after
    ``task.budget`` epochs (unless that is ``final_budget``), both named by
    :func:`scanlab._builder.checkpoint_path`. Without a ``checkpoint_dir`` it trains from
    scratch (``initial_epoch`` 0) to its budget.

    Parameters
    ----------
    task : Task
        What runs.
    options : TrialOptions or None
        The scan's options (None: none).

    Returns
    -------
    dict
        ``early_stopping``, ``scoring``, ``budget``, ``initial_epoch``, ``resume_from``,
        ``checkpoint_to``, ``fold``.

    Examples
    --------
    >>> task = Task(0, 'r1', {}, {}, rung=1, budget=9, initial_epoch=3)
    >>> args = trial_arguments(task, TrialOptions(checkpoint_dir='ckpt'))
    >>> args['resume_from'].as_posix(), args['checkpoint_to'].as_posix()
    ('ckpt/r1-e3.keras', 'ckpt/r1-e9.keras')
    """
    options = options or TrialOptions()
    arguments: dict[str, Any] = {
        "early_stopping": options.early_stopping,
        "scoring": options.scoring,
        "budget": task.budget,
        "initial_epoch": 0,
        "resume_from": None,
        "checkpoint_to": None,
        "fold": task.fold,
    }
    if task.budget is not None and options.checkpoint_dir is not None:
        if task.initial_epoch > 0:
            arguments["initial_epoch"] = task.initial_epoch
            arguments["resume_from"] = checkpoint_path(
                options.checkpoint_dir, task.run_id, task.initial_epoch
            )
        if options.final_budget is None or task.budget < options.final_budget:
            arguments["checkpoint_to"] = checkpoint_path(
                options.checkpoint_dir, task.run_id, task.budget
            )
    return arguments


@dataclass(frozen=True)
class WithOptions:
    """A model function travelling with the scan's :class:`TrialOptions` in one payload
    (the worker processes' setup frame carries a model function and the data only).

    Calling it calls the model function.

    Parameters
    ----------
    model_fn : callable
        The user's model function or builder.
    options : TrialOptions
        The scan's options.
    """

    model_fn: Callable
    options: TrialOptions

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.model_fn(*args, **kwargs)


def split_options(model_fn: Callable) -> tuple[Callable, TrialOptions | None]:
    """``(model function, options)`` of a payload's model function (options None if bare).

    Parameters
    ----------
    model_fn : callable
        A model function, or a :class:`WithOptions`.

    Returns
    -------
    tuple
    """
    if isinstance(model_fn, WithOptions):
        return model_fn.model_fn, model_fn.options
    return model_fn, None


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
