"""Errors raised by scanlab.

Every error raised before training names the argument (or params key), the rule it broke,
the value received and how to fix it. The classes subclass ``ValueError``/``TypeError`` so
code that catches the built-ins keeps working.
"""

from __future__ import annotations


class ScanlabError(Exception):
    """Base class of every error scanlab raises on purpose."""


class ParamsError(ScanlabError, ValueError):
    """The params dict breaks a rule (empty, malformed range, duplicate values, ...)."""


class ParamsTypeError(ScanlabError, TypeError):
    """The params dict, or one of its entries, has the wrong type."""


class ScanArgumentError(ScanlabError, ValueError):
    """A Scan argument has a value outside its rule (limits, split, data lengths, ...)."""


class ScanArgumentTypeError(ScanlabError, TypeError):
    """A Scan argument has the wrong type."""


class MetricNotFoundError(ScanlabError, ValueError):
    """A metric named by the user is not in the runs' histories."""


class ExperimentLockedError(ScanlabError, RuntimeError):
    """Another process is scanning the same experiment right now."""


class TooManyFailuresError(ScanlabError, RuntimeError):
    """The scan stopped after too many consecutive failed runs (likely a contract error)."""


class ResultsFormatError(ScanlabError, ValueError):
    """A file is not a results file, or is corrupt beyond its last line."""


class WorkerStartError(ScanlabError, RuntimeError):
    """A worker process could not load the model function or the data."""


class AnalysisError(ScanlabError, ValueError):
    """A question about the results cannot be answered from them (bad argument, no data)."""


class NoRunsError(AnalysisError):
    """There are no runs, or no successful runs, to compute a statistic from."""
