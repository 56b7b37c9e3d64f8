"""Per-run bookkeeping cost of a Scan: everything a Scan does per run except training.

What it measures
    One ``scanlab.Scan`` of 10,000 runs (``round_limit=10000``, uniform sampling over a grid
    of 25,600 permutations, ``clear_session=False``, ``disable_progress_bar=True``) with a
    fake model function that trains nothing: it records ``time.perf_counter()`` and returns
    a ``FakeHistory`` whose ``.history`` holds 5-epoch lists of loss/accuracy metrics. The
    time between two consecutive calls of the model function is the whole per-run cost of
    the scan's bookkeeping (sampling, decoding the permutation, reading the history, building
    the row, appending + flushing + fsyncing the CSV row and the history sidecar, memory
    hygiene, progress accounting).
    ``os.fsync`` and ``gc.collect`` are wrapped by timers that call the real functions (the
    scan is unchanged), so each run's cost is split into: fsync wait (disk), the periodic
    full garbage collection of the engine's memory hygiene, and the rest (CPU bookkeeping).
    Reported: median / mean per-run time over runs 1-20, 990-1010 and 9990-10000, the
    median and mean of each 1,000-run block, the start-up (Scan() to run 1) and finishing
    (last run to return, which reads the 10,000 rows back) costs.
    Then, for information only: a scan of 1,000 runs with ``os.fsync`` monkeypatched to a
    no-op shows the share of fsync (scanlab always fsyncs), and a scan of 1,000 runs with
    ``clear_session=True`` (the default) adds the memory hygiene done after every run.

Target
    <= 2 ms per run at run 10,000 (median, and mean over the last 1,000 runs, which includes
    the periodic gc.collect()), and flat: the per-run cost excluding the fsync wait (disk
    latency is not a function of n) at run 10,000 is at most 1.5x that at runs 10 and 1,000.

Command
    python bench/bookkeeping.py              (from the repository root; ~0.5-1.5 min, most of
                                              it waiting for fsync)
    python bench/bookkeeping.py --runs 2000  (quicker)
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import numpy as np

TARGET_MS = 2.0
FLAT_RATIO = 1.5

PARAMS = {
    "first_neuron": [8, 16, 32, 64, 128],
    "hidden_layers": [0, 1, 2, 3],
    "dropout": (0, 0.5, 5),
    "lr": [1e-2, 1e-3, 1e-4, 1e-5],
    "batch_size": [16, 32, 64, 128],
    "epochs": [5],
    "optimizer": ["adam", "nadam", "sgd", "rmsprop"],
    "activation": ["relu", "elu", "tanh", "selu"],
}  # 25,600 permutations


class FakeHistory:
    """Stands in for a Keras History: a ``.history`` dict of per-epoch lists."""

    def __init__(self, history: dict[str, list[float]]) -> None:
        self.history = history


def make_model(calls: list[float]):
    rng = np.random.default_rng(0)

    def fake_model(x_train, y_train, x_val, y_val, params):
        calls.append(time.perf_counter())
        noise = float(rng.random())
        epochs = range(1, params["epochs"] + 1)
        history = {
            "loss": [1.0 / e + 0.1 * noise for e in epochs],
            "val_loss": [1.1 / e + 0.1 * noise for e in epochs],
            "accuracy": [0.5 + 0.08 * e - 0.05 * noise for e in epochs],
            "val_accuracy": [0.5 + 0.07 * e - 0.05 * noise for e in epochs],
        }
        return FakeHistory(history), None

    return fake_model


class Timed:
    """Replaces ``module.name`` by a wrapper that times each call of ``target``."""

    def __init__(self, module, name: str, target=None) -> None:
        self.module, self.name = module, name
        self.original = getattr(module, name)
        self.target = target or self.original
        self.starts: list[float] = []
        self.durations: list[float] = []

    def __enter__(self) -> Timed:
        target = self.target

        def timed(*args, **kwargs):
            t0 = time.perf_counter()
            try:
                return target(*args, **kwargs)
            finally:
                self.starts.append(t0)
                self.durations.append(time.perf_counter() - t0)

        setattr(self.module, self.name, timed)
        return self

    def __exit__(self, *exc: object) -> None:
        setattr(self.module, self.name, self.original)

    def per_run(self, calls: np.ndarray) -> np.ndarray:
        """Time spent in the call, in ms, within each interval between two model calls."""
        out = np.zeros(len(calls) - 1)
        if self.starts:
            slot = np.searchsorted(calls, np.asarray(self.starts)) - 1
            keep = (slot >= 0) & (slot < len(out))
            np.add.at(out, slot[keep], np.asarray(self.durations)[keep] * 1000.0)
        return out


def scan_once(n_runs: int, fsync: bool, clear_session: bool = False) -> dict:
    import scanlab

    calls: list[float] = []
    x = np.random.default_rng(1).random((200, 5)).astype("float32")
    y = (x.sum(axis=1) > 2.5).astype("int64")
    fsync_target = None if fsync else (lambda fd: None)
    with (
        tempfile.TemporaryDirectory(prefix="scanlab-bench-") as tmp,
        Timed(gc, "collect") as gct,
        Timed(os, "fsync", fsync_target) as fst,
    ):
        t0 = time.perf_counter()
        scan = scanlab.Scan(
            x,
            y,
            params=PARAMS,
            model=make_model(calls),
            experiment_name="bookkeeping",
            round_limit=n_runs,
            seed=3,
            clear_session=clear_session,
            disable_progress_bar=True,
            results_dir=tmp,
        )
        t_end = time.perf_counter()
        rows = len(scan.data)
    assert rows == n_runs == len(calls), (rows, n_runs, len(calls))
    stamps = np.asarray(calls)
    # per-run arrays, index k-1 = run k: from its model call to the next run's model call
    total = np.diff(stamps) * 1000.0
    fsync_ms = fst.per_run(stamps) if fsync else np.zeros_like(total)
    gc_ms = gct.per_run(stamps)
    return {
        "total": total,
        "fsync": fsync_ms,
        "gc": gc_ms,
        "rest": total - fsync_ms - gc_ms,
        "gc_calls": np.asarray(
            [d for t, d in zip(gct.starts, gct.durations, strict=True) if calls[0] < t < calls[-1]]
        )
        * 1000.0,
        "startup_s": calls[0] - t0,
        "finish_s": t_end - calls[-1],
        "total_s": t_end - t0,
    }


def fsync_latency_ms(n: int = 50, gap_s: float = 0.005) -> float:
    """Median cost of what the log does per run on this disk: append a line to two files
    and fsync both, with a short idle gap between samples as between real runs."""
    with tempfile.TemporaryDirectory(prefix="scanlab-bench-") as tmp:
        with open(os.path.join(tmp, "a"), "a") as a, open(os.path.join(tmp, "b"), "a") as b:
            times = []
            for _ in range(n):
                t0 = time.perf_counter()
                for f in (a, b):
                    f.write("x" * 200 + "\n")
                    f.flush()
                os.fsync(a.fileno())
                os.fsync(b.fileno())
                times.append(time.perf_counter() - t0)
                time.sleep(gap_s)
    return statistics.median(times) * 1000.0


def windows(n_runs: int) -> list[tuple[str, int, int]]:
    """(label, first run, last run), 1-based: the per-run cost of runs first..last."""
    out = [("10", 1, 20)]
    if n_runs >= 2000:
        out.append(("1,000", 990, 1010))
    out.append((f"{n_runs:,}", n_runs - 10, n_runs - 1))
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=10_000, help="runs in the main scan")
    parser.add_argument(
        "--fsync-off-runs",
        type=int,
        default=1_000,
        help="runs in the information-only scan with os.fsync disabled (0 skips it)",
    )
    parser.add_argument(
        "--hygiene-runs",
        type=int,
        default=1_000,
        help="runs in the information-only scan with clear_session=True, the "
        "default, whose memory hygiene runs after every run (0 skips it)",
    )
    args = parser.parse_args()
    n = args.runs
    if n < 100:
        parser.error("--runs must be >= 100")

    t0 = time.perf_counter()
    import scanlab  # noqa: F401

    print(f"import scanlab: {time.perf_counter() - t0:.2f} s")
    print(
        "fake model (no training), grid of 25,600 permutations, uniform sampling, "
        "clear_session=False, progress bar off"
    )
    print(
        f"disk right now: appending a line to 2 files + 2 fsyncs (what the log does per run) "
        f"takes {fsync_latency_ms():.2f} ms (median; varies with other disk users)"
    )
    results = {"fsync on": (n, scan_once(n, fsync=True))}
    if args.fsync_off_runs:
        m = max(100, args.fsync_off_runs)
        results["fsync off"] = (m, scan_once(m, fsync=False))
    if args.hygiene_runs:
        m = max(100, args.hygiene_runs)
        results["clear on"] = (m, scan_once(m, fsync=True, clear_session=True))

    print()
    header = (
        f"{'pass':<10} {'at run':>7} {'runs':>11} {'median ms':>10} {'mean ms':>8} "
        f"{'fsync ms':>9} {'gc ms':>6} {'rest ms':>8}"
    )
    print(header)
    print("-" * len(header))
    for name, (runs, res) in results.items():
        for label, first, last in windows(runs):
            sl = slice(first - 1, last)
            print(
                f"{name:<10} {label:>7} {f'{first}-{last + 1}':>11} "
                f"{np.median(res['total'][sl]):>10.3f} {np.mean(res['total'][sl]):>8.3f} "
                f"{np.median(res['fsync'][sl]):>9.3f} {np.mean(res['gc'][sl]):>6.2f} "
                f"{np.median(res['rest'][sl]):>8.3f}"
            )
    print(
        "median/mean: whole per-run cost; fsync: median fsync wait; gc: mean gc.collect() "
        "time per run; rest: median of the cost without fsync and gc"
    )
    print(
        "fsync on/off: clear_session=False; clear on: clear_session=True (the default: memory "
        "hygiene after every run), fsync on"
    )
    print()
    for name, (runs, res) in results.items():
        size = 1000 if runs >= 2000 else 100
        chunks = range(0, len(res["total"]), size)
        for key, fn, what in (
            ("total", np.median, "median ms"),
            ("total", np.mean, "mean ms"),
            ("rest", np.median, "median ms w/o fsync+gc"),
        ):
            print(
                f"{name}: per {size:,}-run block, {what}: "
                + " ".join(f"{float(fn(res[key][i : i + size])):.2f}" for i in chunks)
            )
        mean_all = float(np.mean(res["total"]))
        gcs = res["gc_calls"]
        print(
            f"{name}: mean {mean_all:.3f} ms/run, of which fsync "
            f"{float(np.mean(res['fsync'])):.3f} ms and gc.collect() "
            f"{float(np.mean(res['gc'])):.3f} ms ({len(gcs)} calls, median "
            f"{float(np.median(gcs)) if len(gcs) else 0:.0f} ms each); start-up (Scan() to "
            f"run 1) {res['startup_s']:.2f} s; finish (last run to return, reads {runs:,} rows "
            f"back) {res['finish_s']:.2f} s; total {res['total_s']:.1f} s"
        )
    runs_on, on = results["fsync on"]
    if "fsync off" in results:
        runs_off, off = results["fsync off"]
        k = min(runs_on, runs_off) - 1
        a, b = float(np.median(on["total"][:k])), float(np.median(off["total"][:k]))
        print(
            f"fsync share (information only), runs 1-{k + 1}: median per-run {a:.3f} ms with "
            f"fsync vs {b:.3f} ms without = {(a - b) / a * 100:.0f}%; the timed fsync calls "
            f"are {float(np.sum(on['fsync'])) / float(np.sum(on['total'])) * 100:.0f}% of the "
            f"whole {runs_on:,}-run scan"
        )
    print()
    wins = windows(n)
    sl = {label: slice(first - 1, last) for label, first, last in wins}
    last_label = wins[-1][0]
    median_last = float(np.median(on["total"][sl[last_label]]))
    tail = min(1000, len(on["total"]))
    amortized = float(np.mean(on["total"][-tail:]))
    cpu = {label: float(np.median(on["total"][s] - on["fsync"][s])) for label, s in sl.items()}
    growth = [cpu[last_label] / cpu[label] for label, *_ in wins[:-1]]
    flat = all(g <= FLAT_RATIO for g in growth)
    ok = median_last <= TARGET_MS and amortized <= TARGET_MS and flat
    print(
        f"{'PASS' if ok else 'FAIL'}: at run {last_label}: median {median_last:.3f} ms/run, "
        f"mean of the last {tail:,} runs (incl. gc) {amortized:.3f} ms/run (target <= "
        f"{TARGET_MS} ms); without fsync wait {cpu[last_label]:.3f} ms, growth vs "
        + " / ".join(f"run {label}" for label, *_ in wins[:-1])
        + ": "
        + " / ".join(f"{g:.2f}x" for g in growth)
        + f" ({'flat' if flat else 'NOT flat'}, limit {FLAT_RATIO}x)"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
