"""Every exception scanlab raises, in one tree.

Two families matter to a running scan (keras-tuner's split):

- a **failed run** is data: :class:`FailedRunError` (raise it from a model function to say
  "this permutation is hopeless, record it and go on"), a broken return value
  (:class:`ContractError`), a NaN loss or any other exception inside one run becomes a row
  with ``status='failed'`` and the scan goes on;
- a **fatal error** stops the scan at once: :class:`FatalScanError` (raise it from a model
  function to stop the whole scan; that run is not recorded and runs again on resume),
  :class:`TooManyFailuresError`, :class:`ExperimentLockedError`, :class:`WorkerStartError`.

Every error raised before training names the argument (or params key), the rule it broke,
the value received and how to fix it (:func:`rule_message` writes that sentence). The
classes subclass ``ValueError``/``TypeError``/``RuntimeError`` so code that catches the
built-ins keeps working.

Examples
--------
>>> print(rule_message('reduction_window', 'must be an int >= 3', 1, 'use e.g. 20 (Talos default)'))
reduction_window must be an int >= 3, got 1. Fix: use e.g. 20 (Talos default).
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

__all__ = [
    "AnalysisError",
    "CommandLineError",
    "ContractError",
    "ExperimentLockedError",
    "FailedRunError",
    "FatalScanError",
    "MetricNotFoundError",
    "NoRunsError",
    "ParamsError",
    "ParamsTypeError",
    "ResultsFormatError",
    "ResultsWriteError",
    "ScanArgumentError",
    "ScanArgumentTypeError",
    "ScanlabError",
    "TalosAlreadyInstalledError",
    "TooManyFailuresError",
    "WorkerStartError",
    "rule_message",
]


def rule_message(name: str, rule: str, value: Any, fix: str) -> str:
    """One sentence naming the argument, the rule, the value received and the fix.

    Parameters
    ----------
    name : str
        The argument, params key or column the message is about.
    rule : str
        The rule it broke, worded to follow the name (``'must be ...'``).
    value : object
        The value received; written with ``repr``.
    fix : str
        What to do instead.

    Returns
    -------
    str
        ``"<name> <rule>, got <value!r>. Fix: <fix>."``
    """
    fix = fix.rstrip(".")
    return f"{name} {rule}, got {value!r}. Fix: {fix}."


class ScanlabError(Exception):
    """Base class of every error scanlab raises on purpose."""


# ---- bad input: refused before any training ------------------------------------------------


class ParamsError(ScanlabError, ValueError):
    """The params dict breaks a rule (empty, malformed range, duplicate values, ...)."""


class ParamsTypeError(ScanlabError, TypeError):
    """The params dict, or one of its entries, has the wrong type."""


class ScanArgumentError(ScanlabError, ValueError):
    """A Scan argument has a value outside its rule (limits, split, data lengths, ...)."""


class ScanArgumentTypeError(ScanlabError, TypeError):
    """A Scan argument has the wrong type."""


class CommandLineError(ScanlabError, ValueError):
    """A command-line argument of ``python -m scanlab`` has a value outside its rule."""


class MetricNotFoundError(ScanlabError, ValueError):
    """A metric named by the user is not in the runs' histories or results."""


# ---- one run: recorded as a failed row, the scan goes on -----------------------------------


class FailedRunError(ScanlabError, RuntimeError):
    """Raise from a model function to fail this run and go on with the scan.

    The run is recorded with ``status='failed'`` and the message in its ``error`` column. It
    does not count toward ``max_consecutive_failures``: the model function decided, it did
    not break.

    Examples
    --------
    >>> def model(x_train, y_train, x_val, y_val, params):
    ...     if params['units'] < params['heads']:
    ...         raise FailedRunError('units must be >= heads')
    ...     ...
    """


class ContractError(ScanlabError, TypeError):
    """The model function broke the ``(history, model)`` contract."""


# ---- fatal: the scan stops now ---------------------------------------------------------------


class FatalScanError(ScanlabError, RuntimeError):
    """Raise from a model function to stop the whole scan now.

    :class:`Scan` raises this error (with the run's id, params and traceback). The run did
    not finish, so it is not recorded: calling the same Scan again resumes the round and runs
    it again, after the user fixed what was wrong (a full disk, a lost GPU).
    """


class ExperimentLockedError(ScanlabError, RuntimeError):
    """Another process is scanning the same experiment right now."""


class TooManyFailuresError(ScanlabError, RuntimeError):
    """The scan stopped after too many consecutive failed runs (likely a contract error)."""


class ResultsWriteError(ScanlabError, OSError):
    """The results could not be written (disk full, read-only, permission).

    Every run finished before it is on disk; the same call resumes once there is room.
    """

    @classmethod
    def from_os_error(
        cls, exc: OSError, round_dir: Path, run_id: str | None = None
    ) -> ResultsWriteError:
        """One clear error for a failed write: which file, why, how much room is left.

        Parameters
        ----------
        exc : OSError
            What the write raised.
        round_dir : Path
            The round folder being written.
        run_id : str, optional
            The run whose row failed to be written.

        Returns
        -------
        ResultsWriteError
        """
        where = exc.filename or round_dir
        folder = round_dir if round_dir.exists() else round_dir.parent
        try:
            free = f"{shutil.disk_usage(folder).free:,} bytes free"
        except OSError:
            free = "free space unknown"
        what = f"run {run_id}'s row" if run_id else "the round's files"
        return cls(
            exc.errno,
            f"could not write {what} to {str(where)!r}: {exc.strerror or exc} ({free}). Every "
            f"run finished before it is on disk in {str(round_dir)!r}. Fix: free some space (a "
            f"row and its history take a few KiB) or make the folder writable, then run the "
            f"same call again to resume.",
        )


class WorkerStartError(ScanlabError, RuntimeError):
    """A worker process could not load the model function or the data."""


# ---- reading and analysing results -----------------------------------------------------------


class ResultsFormatError(ScanlabError, ValueError):
    """A file is not a results file, or is corrupt beyond its last line."""


class AnalysisError(ScanlabError, ValueError):
    """A question about the results cannot be answered from them (bad argument, no data)."""


class NoRunsError(AnalysisError):
    """There are no runs, or no successful runs, to compute a statistic from."""


class TalosAlreadyInstalledError(ScanlabError, ImportError):
    """``scanlab.talos.install_as_talos()`` was called where the real Talos is importable."""
