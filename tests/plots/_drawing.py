"""Runs, histories and rendering helpers for the plot tests (importable by name, like
``_fakes``).
"""

from __future__ import annotations

import io

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure


def make_runs(n: int = 60, seed: int = 0, failed: int = 3) -> pd.DataFrame:
    """Runs with numeric, string, bool and missing parameter values, two rounds."""
    rng = np.random.default_rng(seed)
    df = pd.DataFrame(
        {
            "run_id": [f"{i:012x}" for i in range(n)],
            "round": np.where(np.arange(n) < n // 2, 1, 2),
            "status": "ok",
            "activation": rng.choice(["relu", "elu", "tanh"], n),
            "dropout": rng.choice([0.0, 0.25, 0.5], n),
            "lr": rng.choice([1e-1, 1e-2, 1e-3, 1e-4], n),
            "shuffle": rng.choice([True, False], n),
            "units": rng.choice([8.0, 16.0, np.nan], n),
            "epochs": rng.choice([5, 10], n),
        }
    )
    acc = 0.8 - 0.2 * df["dropout"] + 0.05 * (df["activation"] == "relu") + rng.normal(0, 0.03, n)
    df["accuracy"] = acc + 0.05
    df["loss"] = 1 - df["accuracy"] + rng.normal(0, 0.01, n)
    df["val_accuracy"] = acc
    df["val_loss"] = 1 - acc + rng.normal(0, 0.02, n)
    df["epochs_run"] = df["epochs"]
    df["duration_s"] = 1.0
    df["error"] = ""
    bad = np.arange(failed) * 7
    df.loc[bad, "status"] = "failed"
    df.loc[bad, ["accuracy", "loss", "val_accuracy", "val_loss"]] = np.nan
    df.loc[bad, "error"] = "ValueError: bad"
    return df


def make_histories(df: pd.DataFrame) -> dict:
    out = {}
    for r in df[df["status"] == "ok"].itertuples():
        e = int(r.epochs)
        out[r.run_id] = {
            "loss": np.linspace(1.0, r.loss, e).tolist(),
            "val_loss": (np.linspace(1.0, r.val_loss, e) ** 1.1).tolist(),
            "accuracy": np.linspace(0.5, r.accuracy, e).tolist(),
            "val_accuracy": np.linspace(0.5, r.val_accuracy, e).tolist(),
        }
    return out


def render(obj: Axes | Figure) -> bytes:
    fig = obj if isinstance(obj, Figure) else obj.figure
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=50)
    data = buf.getvalue()
    assert data.startswith(b"\x89PNG") and len(data) > 1000
    return data


def texts(obj: Axes | Figure) -> str:
    fig = obj if isinstance(obj, Figure) else obj.figure
    return " ".join(t.get_text() for t in fig.findobj(matplotlib.text.Text))
