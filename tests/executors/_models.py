"""Model functions for the executor tests (no training).

Worker processes and Dask workers import them by name (cloudpickle sends a function of an
importable module by reference), so they live in this light module, not in a test module.
"""

from __future__ import annotations

import math
import os
import time
from pathlib import Path

from _fakes import FakeHistory, fake_model


def echo_model(x_train, y_train, x_val, y_val, params):
    """The history says which task ran (``loss`` is ``params['x']``) and on how much data."""
    return FakeHistory({"loss": [float(params["x"])], "n_train": [float(len(x_train))]}), None


def raising_model(x_train, y_train, x_val, y_val, params):
    """Raises for x = 1, 4, 7, ...; echoes otherwise."""
    if params["x"] % 3 == 1:
        raise ValueError(f"planted failure for x={params['x']}")
    return echo_model(x_train, y_train, x_val, y_val, params)


def nan_model(x_train, y_train, x_val, y_val, params):
    """Odd x: the loss becomes NaN at epoch 2; the function itself never raises."""
    loss = [1.0, math.nan] if params["x"] % 2 else [1.0, 0.5]
    return FakeHistory({"loss": loss}), None


def printing_model(x_train, y_train, x_val, y_val, params):
    """Prints (which must not reach the worker protocol), then echoes."""
    print(f"hello from x={params['x']}")
    return echo_model(x_train, y_train, x_val, y_val, params)


class FileModel:
    """Stands in for a Keras model: ``save(path)`` writes a small text file."""

    def __init__(self, x: int) -> None:
        self.x = x

    def save(self, path: Path) -> None:
        Path(path).write_text(f"x={self.x}\n")


def saving_model(x_train, y_train, x_val, y_val, params):
    """Returns a :class:`FileModel`; raises for x = 1 (no model to save)."""
    if params["x"] == 1:
        raise ValueError("no model for x=1")
    return FakeHistory({"loss": [float(params["x"])]}), FileModel(params["x"])


def crash_or_hang(x_train, y_train, x_val, y_val, params):
    """Its worker exits for one permutation and hangs for another."""
    if params["units"] == 8 and params["lr"] == 0.1 and params["epochs"] == 2:
        os._exit(3)
    if params["units"] == 4 and params["lr"] == 0.01 and params["epochs"] == 2:
        time.sleep(60)
    return fake_model(x_train, y_train, x_val, y_val, params)


def crash_or_hang_dask(x_train, y_train, x_val, y_val, params):
    """Raises for the permutations with units=8, lr=0.1."""
    if params["units"] == 8 and params["lr"] == 0.1:
        raise ValueError("planted failure")
    return fake_model(x_train, y_train, x_val, y_val, params)


def pid_model(x_train, y_train, x_val, y_val, params):
    """Records the pid of the process that ran it in the history."""
    print(f"worker {os.getpid()} ran units={params['units']}")
    time.sleep(0.5)  # long enough for both workers to get runs
    history, model = fake_model(x_train, y_train, x_val, y_val, params)
    history.history["pid"] = [float(os.getpid())] * len(history.history["loss"])
    return history, model
