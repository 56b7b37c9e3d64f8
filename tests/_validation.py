"""Hand-made validation records for the analysis, Analyze and report tests (importable by
name, like ``_fakes``): a cross-validated round folder as ``Scan(cv=k, scoring=[...])``
writes it (results.csv with fold columns, history.jsonl with per-class scores, manifest.json)
and the held-out check's ``heldout.csv``.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

LABELS = [0, 1, 2]


def cv_runs(n: int = 8, k: int = 5, seed: int = 0, failed: int = 1) -> pd.DataFrame:
    """Cross-validated rows: ``split<i>_<m>``, ``mean_<m>``, ``std_<m>`` for val_accuracy and
    val_loss; run ``r00`` is the clear winner on every fold, ``r01`` close behind it."""
    rng = np.random.default_rng(seed)
    df = pd.DataFrame(
        {
            "run_id": [f"r{i:02d}" for i in range(n)],
            "round": 1,
            "status": "ok",
            "lr": rng.choice([0.1, 0.01, 0.001], n),
            "units": rng.choice([8, 16, 32], n),
        }
    )
    level = 0.9 - 0.04 * np.arange(n)
    level[1] = level[0] - 0.005  # within the fold spread of the winner
    acc = level[:, None] + rng.normal(0, 0.02, (n, k))
    for name, values in (("val_accuracy", acc), ("val_loss", 1.2 - acc)):
        for i in range(k):
            df[f"split{i}_{name}"] = values[:, i]
        df[f"mean_{name}"] = values.mean(axis=1)
        df[f"std_{name}"] = values.std(axis=1)  # population std, as scikit-learn
    df["duration_s"], df["error"] = 1.5, ""
    bad = df.index[n - failed :]
    df.loc[bad, [c for c in df.columns if "val_" in c]] = np.nan
    df.loc[bad, "status"], df.loc[bad, "error"] = "failed", "ValueError: bad"
    return df


def confusion(seed: int, total: int = 30) -> list[list[int]]:
    """A 3-class confusion matrix (rows: true class) with most samples on the diagonal."""
    rng = np.random.default_rng(seed)
    matrix = np.diag([total // 3] * 3) + rng.integers(0, 3, (3, 3))
    matrix[1, 2] += 4  # class 1 is often taken for class 2
    return matrix.tolist()


def write_cv_round(folder, n: int = 8, k: int = 5, scores: bool = True) -> pd.DataFrame:
    """A cross-validated round folder; with ``scores`` every ok run has per-class scores."""
    folder.mkdir(parents=True, exist_ok=True)
    df = cv_runs(n, k)
    df.to_csv(folder / "results.csv", index=False)
    manifest = {
        "round": 1,
        "params": {"lr": [0.1, 0.01, 0.001], "units": [8, 16, 32]},
        "metric": "mean_val_accuracy",
        "minimize": False,
        "cv": {"n_splits": k, "splitter": "StratifiedKFold"},
    }
    (folder / "manifest.json").write_text(json.dumps(manifest))
    with open(folder / "history.jsonl", "w") as f:
        for number, row in enumerate(df[df["status"] == "ok"].itertuples()):
            record = {"run_id": row.run_id, "round": 1, "history": {}, "traceback": None}
            if scores:
                folds = [{"confusion_matrix": confusion(100 * number + i, 15)} for i in range(k)]
                pooled = np.sum([f["confusion_matrix"] for f in folds], axis=0).tolist()
                record["scores"] = {"labels": LABELS, "confusion_matrix": pooled}
                record["folds"] = [{"history": {}, "scores": s} for s in folds]
            f.write(json.dumps(record) + "\n")
    return df


def heldout_rows(ids=("r01", "r00", "r02")) -> pd.DataFrame:
    """Rows as scanlab.evaluate appends them: the search's winner is not the test winner."""
    val = [0.91, 0.905, 0.86][: len(ids)]
    test = [0.84, 0.87, 0.85][: len(ids)]
    return pd.DataFrame(
        {
            "rank": range(1, len(ids) + 1),
            "run_id": list(ids),
            "round": 1,
            "lr": [0.1, 0.01, 0.001][: len(ids)],
            "units": [8, 16, 32][: len(ids)],
            "val_accuracy": val,
            "test_accuracy": test,
            "gap_accuracy": np.subtract(val, test),
            "refit": True,
            "status": "ok",
            "error": "",
            "duration_s": 2.0,
            "evaluated_at": "2026-01-02T00:00:00+00:00",
        }
    )


def write_experiment(root, heldout: bool = True):
    """``root/exp`` with one cross-validated, scored round and (optionally) heldout.csv."""
    exp = root / "exp"
    write_cv_round(exp / "round-001")
    if heldout:
        heldout_rows().to_csv(exp / "heldout.csv", index=False)
    return exp
