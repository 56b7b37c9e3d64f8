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


def fold_echo_model(x_train, y_train, x_val, y_val, params):
    """``val_first``: the first validation row's first value (which fold ran), ``loss``:
    ``params['x']``."""
    history = {"loss": [float(params["x"])], "val_first": [float(x_val[0][0])]}
    return FakeHistory(history), None


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


def exiting_model(x_train, y_train, x_val, y_val, params):
    """Says goodbye in the worker log, then its worker exits with code 3."""
    print(f"about to exit for x={params.get('x', params.get('units'))}", flush=True)
    os._exit(3)


_LOADS = 0  # how many times this process unpickled a ``LoadsOnceModel``


def _load_once_model() -> LoadsOnceModel:
    global _LOADS
    _LOADS += 1
    if _LOADS > 1:
        raise RuntimeError("planted: a warm worker cannot load this model function again")
    return LoadsOnceModel()


class LoadsOnceModel:
    """A model function that a process can unpickle only once: a warm worker's setup fails
    where a fresh worker's succeeds."""

    def __reduce__(self):
        return _load_once_model, ()

    def __call__(self, x_train, y_train, x_val, y_val, params):
        return pid_model(x_train, y_train, x_val, y_val, params)


class _DiesWhenCollected:
    """Part of a reference cycle: only a garbage collection frees it, and then its process
    exits (after a pause, so that the driver has sent the next task meanwhile)."""

    def __init__(self) -> None:
        self.cycle = self

    def __del__(self) -> None:
        time.sleep(0.3)
        os._exit(5)


def dies_in_cleanup_model(x_train, y_train, x_val, y_val, params):
    """Echoes, and its worker dies in the clean-up after its first run (MemoryHygiene's
    ``gc.collect``), after reporting the result: the next task it was sent never starts."""
    import gc

    gc.disable()  # the collection happens in the clean-up, not before the result is sent
    _DiesWhenCollected()
    return echo_model(x_train, y_train, x_val, y_val, params)


def epochs_model(x_train, y_train, x_val, y_val, params):
    """One epoch per ``params['epochs']`` (a budgeted task's budget), loss ``x`` each."""
    return FakeHistory({"loss": [float(params["x"])] * int(params["epochs"])}), None
