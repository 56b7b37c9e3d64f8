"""Shared fixtures: fake model functions (no training) and tiny data."""

from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("MPLBACKEND", "Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402


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
