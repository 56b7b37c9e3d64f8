"""Engine overhead and memory growth: scanlab vs a bare Keras loop, same permutations.

Measures, in one process, the per-run wall time of a bare loop (build, compile, fit, nothing
else) and of scanlab's default Scan on the same permutations of a tiny breast-cancer MLP
(5 epochs), alternating blocks of runs so both see the same machine load; then RSS growth per
run over a long scan (slope of RSS against run number after warm-up) for the bare loop and
for scanlab's default.

Targets: median overhead <= 3% including memory hygiene; RSS growth <= 0.5 MiB per run over
300 runs.

    python bench/overhead.py                 # 3 x 12 runs each for timing, 300 for memory
                                             # (about 15 minutes on 2 quiet cores)
    python bench/overhead.py --quick         # smaller, for a smoke check
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np
import psutil

from scanlab import Scan
from scanlab.data import prepare_data
from scanlab.datasets import breast_cancer
from scanlab.sampling import sample_indices
from scanlab.space import ParamSpace

PARAMS = {
    "first_neuron": [8, 16, 24, 32],
    "dropout": [0.0, 0.1, 0.2],
    "lr": [0.01, 0.003],
    "activation": ["relu", "elu"],
    "batch_size": [32],
    "epochs": [5],
}


def mlp(x_train, y_train, x_val, y_val, params):
    import keras

    model = keras.Sequential(
        [
            keras.Input(shape=(x_train.shape[1],)),
            keras.layers.Dense(params["first_neuron"], activation=params["activation"]),
            keras.layers.Dropout(params["dropout"]),
            keras.layers.Dense(1, activation="sigmoid"),
        ]
    )
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


class Clock:
    """Wraps the model function: records the wall time between consecutive run starts
    (so a run's figure includes everything the engine did around it) and RSS."""

    def __init__(self) -> None:
        self.starts: list[float] = []
        self.rss: list[float] = []
        self.process = psutil.Process()

    def __call__(self, *args):
        self.starts.append(time.perf_counter())
        self.rss.append(self.process.memory_info().rss / 2**20)
        return mlp(*args)

    def per_run(self) -> list[float]:
        return list(np.diff(self.starts))


def bare_loop(data, permutations, clock: Clock) -> None:
    for params in permutations:
        clock(*data, params)
    clock.starts.append(time.perf_counter())  # closes the last run's interval


def scanlab_scan(x, y, n, seed, results_dir, clock: Clock, **options) -> None:
    Scan(
        x,
        y,
        params=PARAMS,
        model=clock,
        experiment_name="overhead",
        round_limit=n,
        seed=seed,
        results_dir=results_dir,
        disable_progress_bar=True,
        resume=False,
        **options,
    )
    clock.starts.append(time.perf_counter())


def slope(values: list[float], skip: int) -> float:
    tail = values[skip:]
    return float(np.polyfit(np.arange(len(tail)), tail, 1)[0]) if len(tail) > 2 else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--blocks", type=int, default=3)
    parser.add_argument("--block-runs", type=int, default=12)
    parser.add_argument("--memory-runs", type=int, default=300)
    parser.add_argument(
        "--bare-memory-runs",
        type=int,
        default=60,
        help="runs of the bare loop's RSS reference (it grows ~6 MiB/run)",
    )
    parser.add_argument("--quick", action="store_true", help="2 blocks of 6, 40 memory runs")
    args = parser.parse_args()
    if args.quick:
        args.blocks, args.block_runs, args.memory_runs, args.bare_memory_runs = 2, 6, 40, 30
    x, y = breast_cancer()
    space = ParamSpace(PARAMS)
    results_dir = tempfile.mkdtemp(prefix="scanlab-overhead-")

    # warm up TF/Keras once so neither side pays the import and first-graph costs
    warm = Clock()
    scanlab_scan(x, y, 2, 99, results_dir, warm)

    bare_times, scan_times = [], []
    for block in range(args.blocks):
        seed = block + 1
        indices = list(sample_indices(space.shape, "uniform", seed, args.block_runs))
        permutations = [space[i] for i in indices[: args.block_runs]]
        data = prepare_data(x, y, val_split=0.3, seed=seed)
        clock = Clock()
        bare_loop(data, permutations, clock)
        bare_times += clock.per_run()[1:]  # the first run of a block builds new graphs
        clock = Clock()
        scanlab_scan(x, y, args.block_runs, seed, results_dir, clock)
        scan_times += clock.per_run()[1:]
    bare_median, scan_median = statistics.median(bare_times), statistics.median(scan_times)
    overhead = scan_median / bare_median - 1

    skip = 10
    memory = {}
    for name in ("bare loop", "scanlab default"):
        clock = Clock()
        if name == "bare loop":
            data = prepare_data(x, y, val_split=0.3, seed=5)
            order = list(sample_indices(space.shape, "uniform", 5))
            perms = [space[order[i % len(order)]] for i in range(args.bare_memory_runs)]
            bare_loop(data, perms, clock)
        else:
            # the grid has 96 permutations: scan it repeatedly, each time a new round
            remaining, seed = args.memory_runs, 100
            while remaining > 0:
                n = min(remaining, space.size)
                scanlab_scan(x, y, n, seed, results_dir, clock)
                clock.starts.pop()
                remaining, seed = remaining - n, seed + 1
        memory[name] = (slope(clock.rss, skip), clock.rss[skip], clock.rss[-1])

    print(
        f"\nscanlab overhead vs bare Keras loop (tiny breast-cancer MLP, 5 epochs, "
        f"{len(bare_times)} runs each, {os.cpu_count()} cores, python {sys.version.split()[0]})"
    )
    print(f"{'':24}{'median s/run':>14}")
    print(f"{'bare loop':24}{bare_median:>14.3f}")
    print(f"{'scanlab default':24}{scan_median:>14.3f}")
    print(
        f"{'overhead':24}{overhead:>+14.1%}   target <= +3%: "
        f"{'PASS' if overhead <= 0.03 else 'FAIL'}"
    )
    print(
        f"\nRSS slope after run {skip}: bare loop over {args.bare_memory_runs} runs, scanlab "
        f"over {args.memory_runs}"
    )
    print(f"{'':24}{'MiB/run':>10}{'RSS@skip':>10}{'RSS@end':>10}")
    for name, (growth, first, last) in memory.items():
        print(f"{name:24}{growth:>10.2f}{first:>10.0f}{last:>10.0f}")
    growth = memory["scanlab default"][0]
    print(
        f"scanlab growth {growth:.2f} MiB/run, target <= 0.5: {'PASS' if growth <= 0.5 else 'FAIL'}"
    )


if __name__ == "__main__":
    main()
