"""Sampling a huge grid: 10,000 runs out of 10^30 permutations, per random_method.

What it measures
    For each random_method (uniform, sobol, halton, latin, grid): the cost of drawing 10,000
    distinct grid indices from a grid of 30 parameters x 10 values (10^30 permutations)
    through ``scanlab.sampling.sample_indices``, and of decoding each index into its values,
    labels and run id with ``ParamSpace.decode``, which is what a Scan does once per run.
    Reported per method: seconds (median of 3 passes, plus the first pass), peak Python
    memory (tracemalloc, in a separate pass since tracing slows Python down) and the peak RSS
    growth over the pass (psutil, sampled every 2 ms by a background thread).
    Import times (scanlab; scipy.stats.qmc, which costs ~0.8 s once per process) are
    measured first and reported on their own lines, not in the per-method figures.

Target
    <= 0.2 s and <= 50 MB (tracemalloc peak and RSS growth) per method.

Command
    python bench/huge_grid.py            (from the repository root; ~45 s, mostly the
                                          tracemalloc passes)
"""

from __future__ import annotations

import gc
import math
import os
import statistics
import sys
import threading
import time
import tracemalloc
from itertools import islice

N_PARAMS = 30
N_VALUES = 10
N_RUNS = 10_000
SEED = 7
TARGET_S = 0.2
TARGET_MB = 50.0
METHODS = ("uniform", "sobol", "halton", "latin", "grid")


def _timed_import(statement: str) -> float:
    t0 = time.perf_counter()
    exec(statement, {})
    return time.perf_counter() - t0


sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
IMPORT_SCANLAB_S = _timed_import("import scanlab.sampling, scanlab.space")
IMPORT_QMC_S = _timed_import("from scipy.stats import qmc")

import psutil  # noqa: E402

from scanlab.sampling import sample_indices  # noqa: E402
from scanlab.space import ParamSpace  # noqa: E402


def make_params() -> dict:
    """30 parameters x 10 values, mixing the value types a real params dict has."""
    params = {}
    for j in range(N_PARAMS):
        kind = j % 3
        if kind == 0:
            values = [2**k for k in range(N_VALUES)]  # ints
        elif kind == 1:
            values = [round(0.05 * k, 2) for k in range(N_VALUES)]  # floats
        else:
            values = [f"choice_{k}" for k in range(N_VALUES)]  # strings
        params[f"p{j:02d}"] = values
    return params


class RSSPeak:
    """Samples this process's RSS in a background thread; peak growth over the start."""

    def __init__(self, interval: float = 0.002) -> None:
        self.proc = psutil.Process()
        self.interval = interval
        self.base = self.peak = self.proc.memory_info().rss
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._poll, daemon=True)

    def _poll(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self.proc.memory_info().rss)
            self._stop.wait(self.interval)

    def __enter__(self) -> RSSPeak:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self.proc.memory_info().rss)

    @property
    def growth_mb(self) -> float:
        return (self.peak - self.base) / 2**20


def one_pass(space: ParamSpace, method: str) -> tuple[float, float, list[int]]:
    """Draw N_RUNS indices and decode each; returns (total s, sampling-only s, indices)."""
    t0 = time.perf_counter()
    indices = list(islice(sample_indices(space.shape, method, SEED, expected=N_RUNS), N_RUNS))
    t1 = time.perf_counter()
    for index in indices:
        space.decode(index)
    t2 = time.perf_counter()
    return t2 - t0, t1 - t0, indices


def main() -> int:
    space = ParamSpace(make_params())
    assert space.size == N_VALUES**N_PARAMS
    print(
        f"grid: {N_PARAMS} params x {N_VALUES} values = {space.size:.3e} permutations; "
        f"{N_RUNS:,} runs per method, seed {SEED}"
    )
    print(f"import scanlab.sampling/space: {IMPORT_SCANLAB_S:.3f} s (once per process)")
    print(
        f"import scipy.stats.qmc:        {IMPORT_QMC_S:.3f} s (once per process, not counted below)"
    )
    print()
    header = (
        f"{'method':<8} {'total s':>8} {'1st pass':>9} {'sample s':>9} {'decode s':>9} "
        f"{'tracemalloc MB':>15} {'RSS +MB':>8} {'distinct':>9}  result"
    )
    print(header)
    print("-" * len(header))
    all_ok = True
    rows = []
    for method in METHODS:
        gc.collect()
        totals, samples = [], []
        rss_growth = 0.0
        indices: list[int] = []
        for _ in range(3):
            gc.collect()
            with RSSPeak() as rss:
                total, sample_s, indices = one_pass(space, method)
            rss_growth = max(rss_growth, rss.growth_mb)
            totals.append(total)
            samples.append(sample_s)
            del indices
        gc.collect()
        tracemalloc.start()
        _, _, indices = one_pass(space, method)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        peak_mb = peak / 2**20
        distinct = len(set(indices))
        in_range = all(0 <= i < space.size for i in indices)
        spread = method == "grid" or max(indices) > space.size // 10
        total_s = statistics.median(totals)
        sample_s = statistics.median(samples)
        ok = (
            total_s <= TARGET_S
            and peak_mb <= TARGET_MB
            and rss_growth <= TARGET_MB
            and distinct == N_RUNS
            and in_range
            and spread
        )
        all_ok &= ok
        rows.append((method, total_s, peak_mb, rss_growth))
        print(
            f"{method:<8} {total_s:>8.3f} {totals[0]:>9.3f} {sample_s:>9.3f} "
            f"{total_s - sample_s:>9.3f} {peak_mb:>15.1f} {rss_growth:>8.1f} "
            f"{distinct:>9,}  {'ok' if ok else 'FAIL'}"
        )
        del indices
    print()
    worst_s = max(r[1] for r in rows)
    worst_mb = max(max(r[2], r[3]) for r in rows)
    verdict = "PASS" if all_ok else "FAIL"
    print(
        f"{verdict}: target <= {TARGET_S} s and <= {TARGET_MB:.0f} MB per method "
        f"(worst: {worst_s:.3f} s, {worst_mb:.1f} MB; log10(grid) = "
        f"{math.log10(space.size):.0f})"
    )
    return 0 if all_ok else 1


if __name__ == "__main__":
    sys.exit(main())
