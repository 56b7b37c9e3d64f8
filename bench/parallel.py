"""Parallel throughput: runs per minute with 1 worker, 2 worker processes and a Dask
LocalCluster of 2, for a tiny breast-cancer MLP and a small Embedding+LSTM text model.

"1 worker" is scanlab's default in-process scan; "2 workers" is ``Scan(workers=2)`` (each
worker limited to cores // 2 framework threads); "Dask 2" is
``Scan(executor=Client(LocalCluster(2)))``. Like a notebook session, each model is scanned in
``--rounds`` rounds of ``--runs`` runs; in each round the three setups scan the same
permutations (same seed), one after another, in an order that rotates from round to round so
that slow and fast spells of a shared machine fall on all three alike. Throughput is all runs
over all wall time, start-up included: the first round pays the framework import (in the
driver, in the workers, in the Dask workers); later rounds find the workers warm. "round 1"
gives the first (cold) round's throughput alone.

Two reference setups without scanlab run in the same rotation, on the same permutations and
split, through ``multiprocessing`` spawn pools started once for the whole script (so warm after
their first round, like scanlab's workers): "bare 1" maps the model function over a pool of one
process (framework thread defaults, as in a plain loop); "bare 2" over a pool of 2 processes
with cores // 2 framework threads each. Their ratio is what two framework processes give on
this machine: the ceiling for any process-based parallel scan.

Targets: 2 workers >= 1.8x the 1-worker throughput; Dask within 10% of the local pool.

    python bench/parallel.py                         # about 22 minutes on 2 cores
    python bench/parallel.py --runs 6 --rounds 2     # shorter
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import tempfile
import time
from itertools import islice

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np
import pandas as pd

from scanlab import Scan
from scanlab.data import prepare_data
from scanlab.datasets import breast_cancer
from scanlab.executors import THREAD_VARIABLES
from scanlab.sampling import sample_indices
from scanlab.space import ParamSpace

MLP_PARAMS = {
    "first_neuron": [8, 16, 24, 32],
    "dropout": [0.0, 0.1, 0.2],
    "lr": [0.01, 0.003, 0.001],
    "batch_size": [32],
    "epochs": [10],
}
LSTM_PARAMS = {
    "embedding": [8, 16, 32],
    "units": [8, 16, 32],
    "lr": [0.01, 0.003, 0.001],
    "batch_size": [64],
    "epochs": [3],
}


def compile_and_fit(model, x_train, y_train, x_val, y_val, params):
    """Adam + binary cross-entropy, trained as the params say (Talos contract return)."""
    import keras

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


def mlp(x_train, y_train, x_val, y_val, params):
    import keras

    model = keras.Sequential(
        [
            keras.Input(shape=(x_train.shape[1],)),
            keras.layers.Dense(params["first_neuron"], activation="relu"),
            keras.layers.Dropout(params["dropout"]),
            keras.layers.Dense(1, activation="sigmoid"),
        ]
    )
    return compile_and_fit(model, x_train, y_train, x_val, y_val, params)


def lstm(x_train, y_train, x_val, y_val, params):
    import keras

    model = keras.Sequential(
        [
            keras.Input(shape=(x_train.shape[1],), dtype="int32"),
            keras.layers.Embedding(500, params["embedding"]),
            keras.layers.LSTM(params["units"]),
            keras.layers.Dense(1, activation="sigmoid"),
        ]
    )
    return compile_and_fit(model, x_train, y_train, x_val, y_val, params)


def text_data(n: int = 2000, length: int = 40, vocab: int = 500):
    """Synthetic token sequences; the label says whether 'positive' tokens outnumber
    'negative' ones (no download needed)."""
    rng = np.random.default_rng(0)
    x = rng.integers(1, vocab, size=(n, length)).astype("int32")
    score = np.isin(x, np.arange(1, 30)).sum(1) - np.isin(x, np.arange(30, 59)).sum(1)
    return x, (score > 0).astype("float32")


def timed_scan(name, x, y, params, model, runs, seed, results_dir, **options):
    start = time.perf_counter()
    scan = Scan(
        x,
        y,
        params=params,
        model=model,
        experiment_name=name,
        round_limit=runs,
        seed=seed,
        results_dir=results_dir,
        disable_progress_bar=True,
        **options,
    )
    return {
        "wall_s": time.perf_counter() - start,
        "runs": len(scan.data),
        "ok": int((scan.data["status"] == "ok").sum()),
        "run_ids": sorted(scan.data["run_id"]),
    }


def _bare_init(processes: int) -> None:
    if processes > 1:
        for name in (*THREAD_VARIABLES, "TF_NUM_INTEROP_THREADS"):
            os.environ[name] = str(max(1, (os.cpu_count() or 1) // processes))


def _bare_run(model, x, y, seed, values) -> None:
    model(*prepare_data(x, y, seed=seed), values)


def timed_bare(x, y, params, model, runs, seed, pool):
    """The same permutations and split as the scans, without scanlab: a map over a
    multiprocessing pool."""
    space = ParamSpace(params)
    indices = islice(sample_indices(space.shape, "uniform", seed, runs), runs)
    chosen = [space.decode(i) for i in indices]
    start = time.perf_counter()
    pool.starmap(_bare_run, [(model, x, y, seed, values) for values, _, _ in chosen], chunksize=1)
    return {
        "wall_s": time.perf_counter() - start,
        "runs": len(chosen),
        "ok": len(chosen),
        "run_ids": sorted(run_id for _, _, run_id in chosen),
    }


def scan_rounds(key, x, y, params, model, setups, runs, rounds, results_dir):
    """Each setup's scans, round by round, the order rotating; per setup the totals."""
    names = list(setups)
    totals = {name: {"runs": 0, "ok": 0, "wall_s": 0.0, "first_round": None} for name in names}
    same = True
    for round_ in range(rounds):
        run_sets = set()
        for name in names[round_ % len(names) :] + names[: round_ % len(names)]:
            setup = setups[name]
            if not isinstance(setup, dict):  # a bare pool
                result = timed_bare(x, y, params, model, runs, round_ + 1, setup)
            else:
                result = timed_scan(
                    f"{key}_{name.replace(' ', '')}_{round_}",
                    x,
                    y,
                    params,
                    model,
                    runs,
                    round_ + 1,
                    results_dir,
                    **setup,
                )
            total = totals[name]
            total["runs"] += result["runs"]
            total["ok"] += result["ok"]
            total["wall_s"] += result["wall_s"]
            if round_ == 0:
                total["first_round"] = 60 * result["runs"] / result["wall_s"]
            run_sets.add(tuple(result["run_ids"]))
            print(
                f"  {key} round {round_ + 1} {name}: {result['runs']} runs in "
                f"{result['wall_s']:.1f} s",
                flush=True,
            )
        same = same and len(run_sets) == 1
    return totals, same


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=16, help="runs per scan")
    parser.add_argument("--rounds", type=int, default=3, help="scans per setup and model")
    args = parser.parse_args()
    from dask.distributed import Client, LocalCluster

    results_dir = tempfile.mkdtemp(prefix="scanlab-parallel-")
    x_bc, y_bc = breast_cancer()
    x_tx, y_tx = text_data()
    rows = []
    spawn = multiprocessing.get_context("spawn")
    with (
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        Client(cluster) as client,
        spawn.Pool(1, _bare_init, (1,)) as bare_1,
        spawn.Pool(2, _bare_init, (2,)) as bare_2,
    ):
        setups = {
            "1 worker": {},
            "2 workers": {"workers": 2},
            "Dask 2": {"executor": client},
            "bare 1": bare_1,
            "bare 2": bare_2,
        }
        for model_name, (x, y, params, model) in {
            "MLP (breast cancer)": (x_bc, y_bc, MLP_PARAMS, mlp),
            "Embedding+LSTM (text)": (x_tx, y_tx, LSTM_PARAMS, lstm),
        }.items():
            key = model_name.split()[0].lower().replace("+", "_")
            totals, same = scan_rounds(
                key, x, y, params, model, setups, args.runs, args.rounds, results_dir
            )
            for setup, total in totals.items():
                reference = "bare 1" if setup.startswith("bare") else "1 worker"
                base = totals[reference]["runs"] / totals[reference]["wall_s"]
                rate = total["runs"] / total["wall_s"]
                rows.append(
                    {
                        "model": model_name,
                        "setup": setup,
                        "runs": total["runs"],
                        "runs_ok": total["ok"],
                        "wall_s": round(total["wall_s"], 1),
                        "runs/min": round(60 * rate, 1),
                        "round 1 runs/min": round(total["first_round"], 1),
                        "vs 1 process": round(rate / base, 2),
                        "same runs": same,
                    }
                )
    table = pd.DataFrame(rows)
    print(
        f"\nparallel scans, {args.rounds} rounds of {args.runs} runs per setup, "
        f"{os.cpu_count()} cores"
    )
    print(table.to_string(index=False))
    for model_name in table["model"].unique():
        part = table[table["model"] == model_name].set_index("setup")
        pool = part.loc["2 workers", "vs 1 process"]
        ceiling = part.loc["bare 2", "vs 1 process"]
        dask_ratio = part.loc["Dask 2", "runs/min"] / part.loc["2 workers", "runs/min"]
        print(
            f"{model_name}: 2 workers {pool:.2f}x (target >= 1.8: "
            f"{'PASS' if pool >= 1.8 else 'FAIL'}; bare pool on this machine: "
            f"{ceiling:.2f}x); Dask at {dask_ratio:.0%} of the pool "
            f"(target >= 90%: {'PASS' if dask_ratio >= 0.9 else 'FAIL'})"
        )


if __name__ == "__main__":
    main()
