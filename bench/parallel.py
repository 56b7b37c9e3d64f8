"""Parallel throughput: runs per minute with 1 worker, 2 worker processes and a Dask
LocalCluster of 2, for a tiny breast-cancer MLP and a small Embedding+LSTM text model.

All three scan the same permutations (same seed) in one run of this script. "1 worker" is
scanlab's default in-process scan; "2 workers" is ``Scan(workers=2)`` (each worker limited to
cores // 2 framework threads); "Dask 2" is ``Scan(executor=Client(LocalCluster(2)))``. The
rate counts every run from the scan's start to its end, worker start-up included; "steady"
counts from the first finished run to the last.

Targets: 2 workers >= 1.8x the 1-worker throughput; Dask within 10% of the local pool.

    python bench/parallel.py               # about 10 minutes on 2 cores
    python bench/parallel.py --runs 12     # shorter
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from scanlab import Scan  # noqa: E402
from scanlab.datasets import breast_cancer  # noqa: E402

MLP_PARAMS = {"first_neuron": [8, 16, 24, 32], "dropout": [0.0, 0.1, 0.2],
              "lr": [0.01, 0.003, 0.001], "batch_size": [32], "epochs": [10]}
LSTM_PARAMS = {"embedding": [8, 16, 32], "units": [8, 16, 32], "lr": [0.01, 0.003, 0.001],
               "batch_size": [64], "epochs": [3]}


def compile_and_fit(model, x_train, y_train, x_val, y_val, params):
    """Adam + binary cross-entropy, trained as the params say (Talos contract return)."""
    import keras

    model.compile(optimizer=keras.optimizers.Adam(params["lr"]), loss="binary_crossentropy",
                  metrics=["accuracy"])
    history = model.fit(x_train, y_train, validation_data=(x_val, y_val),
                        epochs=params["epochs"], batch_size=params["batch_size"], verbose=0)
    return history, model


def mlp(x_train, y_train, x_val, y_val, params):
    import keras

    model = keras.Sequential([
        keras.Input(shape=(x_train.shape[1],)),
        keras.layers.Dense(params["first_neuron"], activation="relu"),
        keras.layers.Dropout(params["dropout"]),
        keras.layers.Dense(1, activation="sigmoid"),
    ])
    return compile_and_fit(model, x_train, y_train, x_val, y_val, params)


def lstm(x_train, y_train, x_val, y_val, params):
    import keras

    model = keras.Sequential([
        keras.Input(shape=(x_train.shape[1],), dtype="int32"),
        keras.layers.Embedding(500, params["embedding"]),
        keras.layers.LSTM(params["units"]),
        keras.layers.Dense(1, activation="sigmoid"),
    ])
    return compile_and_fit(model, x_train, y_train, x_val, y_val, params)


def text_data(n: int = 2000, length: int = 40, vocab: int = 500):
    """Synthetic token sequences; the label says whether 'positive' tokens outnumber
    'negative' ones (no download needed)."""
    rng = np.random.default_rng(0)
    x = rng.integers(1, vocab, size=(n, length)).astype("int32")
    score = np.isin(x, np.arange(1, 30)).sum(1) - np.isin(x, np.arange(30, 59)).sum(1)
    return x, (score > 0).astype("float32")


def timed_scan(name, x, y, params, model, runs, results_dir, **options):
    start = time.perf_counter()
    scan = Scan(x, y, params=params, model=model, experiment_name=name, round_limit=runs,
                seed=3, results_dir=results_dir, disable_progress_bar=True, **options)
    wall = time.perf_counter() - start
    ends = pd.to_datetime(scan.data["end"]).sort_values()
    steady = (ends.iloc[-1] - ends.iloc[0]).total_seconds()
    ok = int((scan.data["status"] == "ok").sum())
    return {"runs_ok": ok, "wall_s": round(wall, 1), "runs_per_min": 60 * len(scan.data) / wall,
            "steady_runs_per_min": 60 * (len(scan.data) - 1) / steady,
            "run_ids": sorted(scan.data["run_id"])}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=32)
    args = parser.parse_args()
    from dask.distributed import Client, LocalCluster

    results_dir = tempfile.mkdtemp(prefix="scanlab-parallel-")
    x_bc, y_bc = breast_cancer()
    x_tx, y_tx = text_data()
    rows = []
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=None) as cluster, Client(cluster) as client:
        for model_name, (x, y, params, model) in {
            "MLP (breast cancer)": (x_bc, y_bc, MLP_PARAMS, mlp),
            "Embedding+LSTM (text)": (x_tx, y_tx, LSTM_PARAMS, lstm),
        }.items():
            key = model_name.split()[0].lower().replace("+", "_")
            results = {
                "1 worker": timed_scan(f"{key}_1", x, y, params, model, args.runs, results_dir),
                "2 workers": timed_scan(f"{key}_2", x, y, params, model, args.runs,
                                        results_dir, workers=2),
                "Dask 2": timed_scan(f"{key}_dask", x, y, params, model, args.runs,
                                     results_dir, executor=client),
            }
            same = len({tuple(r["run_ids"]) for r in results.values()}) == 1
            base = results["1 worker"]
            for setup, r in results.items():
                rows.append({"model": model_name, "setup": setup, "runs_ok": r["runs_ok"],
                             "wall_s": r["wall_s"],
                             "runs/min": round(r["runs_per_min"], 1),
                             "steady runs/min": round(r["steady_runs_per_min"], 1),
                             "vs 1 worker": round(r["runs_per_min"] / base["runs_per_min"], 2),
                             "same runs": same})
    table = pd.DataFrame(rows)
    print(f"\nparallel scans, {args.runs} runs per setup, {os.cpu_count()} cores")
    print(table.to_string(index=False))
    for model_name in table["model"].unique():
        part = table[table["model"] == model_name].set_index("setup")
        pool = part.loc["2 workers", "vs 1 worker"]
        dask_ratio = part.loc["Dask 2", "runs/min"] / part.loc["2 workers", "runs/min"]
        print(f"{model_name}: 2 workers {pool:.2f}x (target >= 1.8: "
              f"{'PASS' if pool >= 1.8 else 'FAIL'}); Dask at {dask_ratio:.0%} of the pool "
              f"(target >= 90%: {'PASS' if dask_ratio >= 0.9 else 'FAIL'})")


if __name__ == "__main__":
    main()
