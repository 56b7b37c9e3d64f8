"""scanlab: hyperparameter scans for Keras models, the Talos way, with lazy grids,
crash-safe resumable logs and analysis that says what to change next.

The data flow, and the modules that carry it::

    params ─► ParamSpace ─► sampler ─► scheduler ─► executor ─► run
              space.py      sampling   schedulers   executors/  trial.py
                                           ▲                      │
                                           └── rows (driver) ◄────┘──► ResultLog  log.py
                            (Scan: scan.py checks → _settings.py; _engine.py loops)

    results ─► Results ─► analysis (pure) ─► plots ─► report
               results.py  analysis/          plots/   report.py
                      └──► suggest / reduce ─► the next round's params

Public names only live here; everything else is imported from its module.
"""

from __future__ import annotations

from scanlab import budget, callbacks, reduce
from scanlab._histories import read_histories
from scanlab._version import __version__
from scanlab.analyze import Analyze
from scanlab.budget import ASHA, Hyperband, SuccessiveHalving
from scanlab.errors import (
    AnalysisError,
    ContractError,
    ExperimentLockedError,
    FailedRunError,
    FatalScanError,
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
from scanlab.evaluate import evaluate  # the function; the module loads here once
from scanlab.executors import shutdown_workers
from scanlab.experiment import Experiment
from scanlab.results import Results, load_results, read_results
from scanlab.scan import Scan
from scanlab.space import ParamSpace, talos_range

# Imported last and as a function: the module scanlab.suggest is loaded here once, so the
# package attribute `suggest` stays this function whatever is imported later.
from scanlab.suggest import suggest

__all__ = [
    "ASHA",
    "AnalysisError",
    "Analyze",
    "ContractError",
    "Experiment",
    "ExperimentLockedError",
    "FailedRunError",
    "FatalScanError",
    "Hyperband",
    "MetricNotFoundError",
    "NoRunsError",
    "ParamSpace",
    "ParamsError",
    "ParamsTypeError",
    "Results",
    "ResultsFormatError",
    "Scan",
    "ScanArgumentError",
    "ScanArgumentTypeError",
    "ScanlabError",
    "SuccessiveHalving",
    "TooManyFailuresError",
    "WorkerStartError",
    "__version__",
    "budget",
    "callbacks",
    "evaluate",
    "load_results",
    "read_histories",
    "read_results",
    "reduce",
    "shutdown_workers",
    "suggest",
    "talos_range",
]
