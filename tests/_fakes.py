"""Fake models and literal results shared by the tests: importable by name.

Plain functions and classes live here rather than in ``conftest.py`` because worker processes
must import them: cloudpickle sends a module-level function by reference (``_fakes.fake_model``)
and the worker imports this module from the ``tests`` folder on its ``sys.path``. A script run
in a subprocess imports them with ``TESTS_DIR`` on its ``PYTHONPATH``.
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

TESTS_DIR = Path(__file__).resolve().parent
REPO_ROOT = TESTS_DIR.parent

# The columns after the metrics of every results.csv (docs/results-format.md), and a start/end
# time, for results tables written by hand.
RESULTS_TAIL = "epochs_run,best_epoch,best_value,start,end,duration_s,error"
T0 = "2026-01-01T00:00:00+00:00"


class FakeHistory:
    """Looks like a Keras History: a ``.history`` dict of per-epoch lists."""

    def __init__(self, history: dict[str, list[float]]) -> None:
        self.history = history


def fake_model(x_train, y_train, x_val, y_val, params):
    """A model function that trains nothing: its loss is a known function of params."""
    epochs = int(params.get("epochs", 3))
    base = float(params.get("lr", 0.1)) * 10 + float(params.get("units", 1)) / 100
    loss = [base + 1.0 / (e + 1) for e in range(epochs)]
    history = {
        "loss": loss,
        "val_loss": [v + 0.05 for v in loss],
        "accuracy": [1 - v / 10 for v in loss],
        "val_accuracy": [1 - v / 9 for v in loss],
    }
    return FakeHistory(history), None


def subprocess_env(**extra: str) -> dict[str, str]:
    """The environment for a script run in a subprocess: it imports scanlab from this
    checkout and the fakes from this folder."""
    paths = [str(REPO_ROOT), str(TESTS_DIR), os.environ.get("PYTHONPATH", "")]
    return dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in paths if p), **extra)


def runs(**columns) -> pd.DataFrame:
    """A literal results table: run_id a, b, c, ..., round 1, status ok unless given."""
    n = len(next(iter(columns.values())))
    base = {
        "run_id": [chr(97 + i) if i < 26 else f"z{i}" for i in range(n)],
        "round": [1] * n,
        "status": ["ok"] * n,
    }
    base.update(columns)
    return pd.DataFrame(base)


def budget_model(x_train, y_train, x_val, y_val, params):
    """A Talos-contract model for budgeted search: its loss falls with the epochs it gets
    (``params['epochs']``, the rung's budget) and depends on ``lr`` and ``units``; an
    ``units`` of 0 fails at budgets above 1 (a run that breaks once promoted)."""
    import time

    time.sleep(float(os.environ.get("SCANLAB_FAKE_DELAY", "0")))
    epochs = int(params["epochs"])
    if params.get("units") == 0 and epochs > 1 and os.environ.get("SCANLAB_FAKE_FAIL") == "1":
        raise RuntimeError("units=0 broke at a higher budget")
    base = float(params.get("lr", 0.1)) + abs(float(params.get("units", 1)) - 16) / 100
    loss = [base + 1.0 / (e + 1) for e in range(epochs)]
    return FakeHistory({"loss": loss, "val_loss": [v + 0.05 for v in loss]}), None


def tiny_builder(params):
    """A builder (``build(params) -> compiled keras.Model``) small enough for the tests."""
    import keras

    model = keras.Sequential(
        [
            keras.Input((3,)),
            keras.layers.Dense(int(params["units"]), activation="relu"),
            keras.layers.Dense(1, activation="sigmoid"),
        ]
    )
    model.compile(
        optimizer=keras.optimizers.Adam(float(params["lr"])),
        loss="binary_crossentropy",
        metrics=["accuracy"],
    )
    return model


BUILDS: dict[tuple, int] = {}


def flaky_builder(params):
    """:func:`tiny_builder` that raises on its second build of a configuration (its first
    continuation) while ``SCANLAB_FAKE_FAIL=1``."""
    key = tuple(sorted(params.items()))
    BUILDS[key] = BUILDS.get(key, 0) + 1
    if BUILDS[key] == 2 and os.environ.get("SCANLAB_FAKE_FAIL") == "1":
        raise RuntimeError("the first continuation broke")
    return tiny_builder(params)


FOLD_CALLS: list[tuple] = []


def fold_model(x_train, y_train, x_val, y_val, params):
    """A Talos-contract model that trains nothing; its validation accuracy is the share of
    class 1 in the validation rows plus ``lr`` (so folds differ), and it records each call
    (``FOLD_CALLS``: sizes and the first validation row). Sleeps ``SCANLAB_FAKE_DELAY``;
    ``SCANLAB_FAKE_FAIL_FOLD=<row>`` fails the fold whose first validation value is that."""
    import time

    import numpy as np

    time.sleep(float(os.environ.get("SCANLAB_FAKE_DELAY", "0")))
    first = float(np.asarray(x_val).ravel()[0])
    FOLD_CALLS.append((len(x_train), len(x_val), first, params.get("lr")))
    if os.environ.get("SCANLAB_FAKE_FAIL_FOLD") == str(int(first)):
        raise RuntimeError(f"the fold starting at {int(first)} broke")
    accuracy = float(np.mean(y_val)) + float(params.get("lr", 0))
    epochs = int(params.get("epochs", 2))
    history = {
        "loss": [1.0 - accuracy + 1 / (e + 2) for e in range(epochs)],
        "val_accuracy": [accuracy - 0.1 / (e + 1) for e in range(epochs - 1)] + [accuracy],
    }
    return FakeHistory(history), None
