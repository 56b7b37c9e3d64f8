"""scanlab: hyperparameter scans for Keras models, Talos-style, with lazy grids,
crash-safe resumable logs and real analysis."""

from __future__ import annotations

from scanlab import reduce
from scanlab._version import __version__
from scanlab.errors import (
    AnalysisError,
    ExperimentLockedError,
    MetricNotFoundError,
    NoRunsError,
    ParamsError,
    ParamsTypeError,
    ResultsFormatError,
    ScanArgumentError,
    ScanArgumentTypeError,
    ScanlabError,
    TooManyFailuresError,
    WorkerStartError,
)
from scanlab.executors import shutdown_workers
from scanlab.experiment import Experiment
from scanlab.log import read_histories
from scanlab.results import load_results
from scanlab.scan import Scan
from scanlab.space import ParamSpace, talos_range

__all__ = [
    "Analyze",
    "AnalysisError",
    "Experiment",
    "ExperimentLockedError",
    "MetricNotFoundError",
    "NoRunsError",
    "ParamSpace",
    "ParamsError",
    "ParamsTypeError",
    "ResultsFormatError",
    "Scan",
    "ScanArgumentError",
    "ScanArgumentTypeError",
    "ScanlabError",
    "TooManyFailuresError",
    "WorkerStartError",
    "__version__",
    "load_results",
    "reduce",
    "shutdown_workers",
    "suggest",
    "read_histories",
    "talos_range",
]


def __getattr__(name: str):
    # Analyze and suggest pull in scipy.stats (about a second): import them only when asked.
    if name == "Analyze":
        from scanlab.analyze import Analyze

        return Analyze
    if name == "suggest":
        from scanlab.suggest import suggest

        return suggest
    raise AttributeError(f"module 'scanlab' has no attribute {name!r}")
