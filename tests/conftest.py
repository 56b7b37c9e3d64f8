"""Shared fixtures: tiny data, a small grid, Scan arguments, results files written by hand.

Fake models and other plain helpers live in ``_fakes.py`` (importable by worker processes);
``FakeHistory`` and ``fake_model`` are imported here too, for the test files that still import
them from ``conftest``.
"""

from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("MPLBACKEND", "Agg")

import sys

import numpy as np
import pytest
from _fakes import FakeHistory, fake_model

__all__ = ["FakeHistory", "fake_model"]


@pytest.fixture
def xy():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(40, 3)).astype("float32")
    y = (x[:, 0] > 0).astype("float32")
    return x, y


@pytest.fixture
def small_params():
    return {"lr": [0.1, 0.01, 0.001], "units": [4, 8], "epochs": [2, 3]}


@pytest.fixture
def scan_kwargs(tmp_path, xy, small_params):
    x, y = xy
    return dict(
        x=x,
        y=y,
        params=small_params,
        model=fake_model,
        experiment_name="exp",
        results_dir=tmp_path,
        disable_progress_bar=True,
        seed=1,
        clear_session=False,
    )


@pytest.fixture
def write_results(tmp_path):
    """``write_results(text, name='results.csv')`` writes a results file into ``tmp_path``
    and returns its path."""

    def write(text: str, name: str = "results.csv"):
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        return path

    return write


@pytest.fixture
def close_figures():
    """Close every matplotlib figure after the test (use it where a test draws)."""
    yield
    if "matplotlib.pyplot" in sys.modules:
        sys.modules["matplotlib.pyplot"].close("all")
