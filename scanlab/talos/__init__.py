"""Talos 2.0.10's public surface on scanlab's engine.

A Talos script runs after changing ``import talos`` to ``import scanlab.talos as talos``, or
unchanged after one call at its top::

    import scanlab.talos
    scanlab.talos.install_as_talos()     # `import talos`, `from talos.utils import ...` now work

::

    Scan ──► data, details, round_history, best_model()   (scanlab.Scan underneath: crash-safe
      │                                                     log, resume, rounds, workers)
      ├──► Analyze / Reporting ──► high, correlate, best_params, plot_* (+ scanlab's analysis)
      ├──► Predict, Evaluate (scores trained models; no retraining)
      └──► Deploy ──► <name>.zip (.keras model, params/results as JSON and CSV) ──► Restore

``utils`` (lr_normalizer, hidden_layers, early_stopper, metrics, ...), ``callbacks``,
``templates`` and ``autom8`` are Talos's too. What differs on purpose is listed in the
README's "Coming from Talos" section.
"""

from __future__ import annotations

import importlib
from typing import Any

from scanlab._version import __version__
from scanlab.talos._analyze import Analyze, Reporting
from scanlab.talos._install import install_as_talos
from scanlab.talos._scan import Scan

__all__ = [
    "Analyze",
    "Deploy",
    "Evaluate",
    "Predict",
    "Reporting",
    "Restore",
    "Scan",
    "TALOS_VERSION",
    "__version__",
    "autom8",
    "callbacks",
    "install_as_talos",
    "templates",
    "utils",
]

#: The Talos release whose public surface this package follows.
TALOS_VERSION = "2.0.10"

# Imported on first use: they pull in Keras or scikit-learn pieces a plain Scan does not need.
_LAZY = {
    "Predict": ("scanlab.talos._predict", "Predict"),
    "Evaluate": ("scanlab.talos._evaluate", "Evaluate"),
    "Deploy": ("scanlab.talos._deploy", "Deploy"),
    "Restore": ("scanlab.talos._restore", "Restore"),
}
_SUBMODULES = ("autom8", "callbacks", "templates", "utils")


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        module, attribute = _LAZY[name]
        value = getattr(importlib.import_module(module), attribute)
    elif name in _SUBMODULES:
        value = importlib.import_module(f"scanlab.talos.{name}")
    else:
        raise AttributeError(f"module 'scanlab.talos' has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
