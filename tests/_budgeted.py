"""Budgeted results written by hand (one row per run and rung), for the analysis, plot, report
and suggest tests (importable by name, like ``_fakes``)."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

NAN = float("nan")


def halving_rows() -> pd.DataFrame:
    """Successive halving at factor 3 over 1, 3, 9 epochs, by hand.

    Budget 1: a, b, c, e ok, d failed (4 ok: the highest budget with 3 ok rows, so the
    default); a and c promoted to 3 epochs, a to 9. Best at budget 1: c (0.45); at 3: a (0.30);
    at 9: a (0.20). ``lr`` decides the ranking at budget 1 (higher lr, worse), not at 9.
    """
    return pd.DataFrame(
        {
            "run_id": ["a", "b", "c", "d", "e", "a", "c", "a"],
            "round": 1,
            "status": ["ok", "ok", "ok", "failed", "ok", "ok", "ok", "ok"],
            "rung": [0, 0, 0, 0, 0, 1, 1, 2],
            "budget": [1, 1, 1, 1, 1, 3, 3, 9],
            "initial_epoch": [0, 0, 0, 0, 0, 1, 1, 3],
            "lr": [0.2, 0.3, 0.1, 0.4, 0.5, 0.2, 0.1, 0.2],
            "loss": [0.45, 0.55, 0.40, NAN, 0.65, 0.25, 0.30, 0.15],
            "val_loss": [0.50, 0.60, 0.45, NAN, 0.70, 0.30, 0.35, 0.20],
        }
    )


def hyperband_rows() -> pd.DataFrame:
    """:func:`halving_rows` plus a second bracket starting at 3 epochs: f and g trained from
    scratch to 3 (rung 0), f continued to 9 (rung 1, 0.25)."""
    second = pd.DataFrame(
        {
            "run_id": ["f", "g", "f"],
            "round": 1,
            "status": "ok",
            "rung": [0, 0, 1],
            "budget": [3, 3, 9],
            "initial_epoch": [0, 0, 3],
            "lr": [0.3, 0.5, 0.3],
            "loss": [0.35, 0.5, 0.2],
            "val_loss": [0.40, 0.55, 0.25],
        }
    )
    return pd.concat([halving_rows(), second], ignore_index=True)


def curve(first: float, last: float, epochs: int) -> list[float]:
    """A falling curve of ``epochs`` values from ``first`` to ``last``."""
    return np.linspace(first, last, epochs).tolist() if epochs > 1 else [last]


def rung_records(rows: pd.DataFrame) -> list[dict]:
    """The history sidecar records of ``rows`` as the engine writes them: one per ok (run,
    rung), holding that rung's epochs (``budget - initial_epoch`` values, ending at the row's
    metrics) and its ``initial_epoch``."""
    records = []
    for r in rows[rows["status"] == "ok"].itertuples():
        n = int(r.budget - r.initial_epoch)
        history = {
            "loss": curve(r.loss + 0.3, r.loss, n),
            "val_loss": curve(r.val_loss + 0.3, r.val_loss, n),
        }
        records.append(
            {
                "run_id": r.run_id,
                "round": r.round,
                "rung": r.rung,
                "initial_epoch": r.initial_epoch,
                "history": history,
            }
        )
    return records


def write_budgeted_round(folder, rows: pd.DataFrame | None = None):
    """A budgeted round folder as the engine writes it: results.csv (one row per run and
    rung, the schema's columns) and history.jsonl (one record per run and rung)."""
    rows = hyperband_rows() if rows is None else rows
    folder.mkdir(parents=True, exist_ok=True)
    table = rows.assign(
        epochs_run=rows["budget"] - rows["initial_epoch"],
        best_epoch=rows["budget"],
        best_value=rows["val_loss"],
        stopped_epoch=None,
        metrics_from="last_epoch",
        start="2026-01-01T00:00:00+00:00",
        end="2026-01-01T00:00:01+00:00",
        duration_s=1.0,
        error=np.where(rows["status"] == "ok", "", "ResourceExhaustedError: OOM"),
    )
    head = ["run_id", "round", "status", "rung", "budget", "initial_epoch", "lr"]
    table = table[head + [c for c in table.columns if c not in head]]
    table.to_csv(folder / "results.csv", index=False)
    with open(folder / "history.jsonl", "w") as f:
        for record in rung_records(rows):
            f.write(json.dumps(record) + "\n")
    return table
