"""Small-model throughput on one GPU: runs per minute with 1 vs k workers per GPU.

Small Keras models leave a big GPU mostly idle (each training step is a few tiny kernels and
a lot of Python), so several workers sharing the card run more trials per minute. This script
scans the same permutations of a small MLP (synthetic 20,000 x 64 data, 5 epochs) with
``workers_per_gpu`` = 1, 2, 4, 8 and prints runs per minute, total and in steady state (from
the first finished run to the last, i.e. without worker start-up). Every run checks that it
trained on a GPU and fails otherwise.

Target: >= 2.5x the 1-worker throughput with the best k.

    KERAS_BACKEND=torch python bench/gpu.py          # needs a CUDA GPU; any Keras 3 backend
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time

import numpy as np
import pandas as pd

from scanlab import Scan

PARAMS = {
    "units": [128, 256, 512],
    "layers": [1, 2, 3],
    "lr": [1e-3, 3e-3, 1e-2],
    "dropout": [0.0, 0.1, 0.2],
    "batch_size": [128, 256],
    "epochs": [5],
}


def gpu_mlp(x_train, y_train, x_val, y_val, params):
    import keras

    backend = keras.backend.backend()
    if backend == "torch":
        import torch

        if not torch.cuda.is_available():
            raise RuntimeError("no GPU visible to this worker")
    elif backend == "jax":
        import jax

        if jax.default_backend() != "gpu":
            raise RuntimeError("no GPU visible to this worker")
    elif backend == "tensorflow":
        import tensorflow as tf

        if not tf.config.list_physical_devices("GPU"):
            raise RuntimeError("no GPU visible to this worker")
    model = keras.Sequential([keras.Input(shape=(x_train.shape[1],))])
    for _ in range(params["layers"]):
        model.add(keras.layers.Dense(params["units"], activation="relu"))
        model.add(keras.layers.Dropout(params["dropout"]))
    model.add(keras.layers.Dense(1, activation="sigmoid"))
    model.compile(
        optimizer=keras.optimizers.Adam(params["lr"]),
        loss="binary_crossentropy",
        metrics=["accuracy"],
    )
    history = model.fit(
        x_train,
        y_train,
        validation_data=(x_val, y_val),
        epochs=params["epochs"],
        batch_size=params["batch_size"],
        verbose=0,
    )
    return history, model


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=48)
    parser.add_argument("--k", type=int, nargs="+", default=[1, 2, 4, 8])
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    x = rng.normal(size=(20_000, 64)).astype("float32")
    y = (x[:, :8].sum(axis=1) + rng.normal(size=20_000) > 0).astype("float32")
    results_dir = tempfile.mkdtemp(prefix="scanlab-gpu-")
    rows = []
    for k in args.k:
        start = time.perf_counter()
        scan = Scan(
            x,
            y,
            params=PARAMS,
            model=gpu_mlp,
            experiment_name=f"gpu_k{k}",
            round_limit=args.runs,
            seed=1,
            results_dir=results_dir,
            disable_progress_bar=True,
            workers_per_gpu=k,
        )
        wall = time.perf_counter() - start
        data = scan.data
        ends = pd.to_datetime(data["end"]).sort_values()
        steady = (ends.iloc[-1] - ends.iloc[0]).total_seconds()
        ok = int((data["status"] == "ok").sum())
        rows.append(
            {
                "workers_per_gpu": k,
                "runs_ok": ok,
                "runs_failed": len(data) - ok,
                "wall_s": round(wall, 1),
                "runs_per_min": round(60 * len(data) / wall, 1),
                "steady_runs_per_min": round(60 * (len(data) - 1) / steady, 1),
                "median_run_s": round(float(data["duration_s"].median()), 2),
            }
        )
        if ok < len(data):
            print(data.loc[data["status"] != "ok", "error"].head(3).to_string())
    table = pd.DataFrame(rows)
    base, base_steady = table["runs_per_min"].iloc[0], table["steady_runs_per_min"].iloc[0]
    table["speedup"] = (table["runs_per_min"] / base).round(2)
    table["steady_speedup"] = (table["steady_runs_per_min"] / base_steady).round(2)
    import keras

    print(
        f"\nsmall-model scans on one GPU ({keras.backend.backend()} backend, {args.runs} runs "
        f"each, {os.cpu_count()} CPU cores)"
    )
    print(table.to_string(index=False))
    best = table["speedup"].max()
    print(f"best speedup {best:.2f}x, target >= 2.5x: {'PASS' if best >= 2.5 else 'FAIL'}")


if __name__ == "__main__":
    main()
