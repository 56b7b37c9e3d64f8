"""scanlab: hyperparameter scans for Keras models, Talos-style, with lazy grids,
crash-safe resumable logs and real analysis."""

from __future__ import annotations

__version__ = "0.1.0"

from scanlab.errors import (
    ExperimentLockedError,
    MetricNotFoundError,
    ParamsError,
    ParamsTypeError,
    ResultsFormatError,
    ScanArgumentError,
    ScanArgumentTypeError,
    ScanlabError,
    TooManyFailuresError,
    WorkerStartError,
)
from scanlab.log import load_results, read_histories
from scanlab.scan import Scan
from scanlab.space import ParamSpace, talos_range

__all__ = [
    "ExperimentLockedError",
    "MetricNotFoundError",
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
    "read_histories",
    "talos_range",
]
