"""Benchmark of the analysis layer on large synthetic results.

1. ``correlate`` + ``best_params`` on a 1,000,000-run results CSV with 8 parameters of mixed
   types (ints, floats, strings, a bool); target <= 2 s. Loading the CSV is timed separately.
2. A full HTML report (every table and plot, learning entropy and curves from a
   ``history.jsonl`` sidecar) of a 100,000-run round; target <= 30 s.

The files are generated into a temporary folder (not timed) following docs/results-format.md.

Usage::

    python bench/analysis.py                    # both benchmarks
    python bench/analysis.py --rows 200000 --report-rows 20000 --keep /tmp/bench
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("MPLBACKEND", "Agg")

import numpy as np
import pandas as pd

PARAMS = {
    "activation": ["relu", "elu", "tanh", "selu"],
    "batch_size": [16, 32, 64, 128],
    "dropout": [0.0, 0.1, 0.2, 0.3, 0.4],
    "epochs": [10, 20, 30],
    "first_neuron": [8, 16, 32, 64, 128],
    "lr": [1e-1, 1e-2, 1e-3, 1e-4],
    "optimizer": ["Adam", "Nadam", "SGD", "RMSprop"],
    "shuffle": [True, False],
}
T0 = "2026-01-01T00:00:00+00:00"


def synthetic_results(n: int, seed: int = 0, round_: int = 1, failed: float = 0.01) -> pd.DataFrame:
    """``n`` runs in the results schema; the metric depends on dropout, lr, optimizer."""
    rng = np.random.default_rng(seed)
    cols = {name: rng.choice(np.array(values, dtype=object), n) for name, values in PARAMS.items()}
    df = pd.DataFrame(
        {
            "run_id": [f"{i:012x}" for i in range(n)],
            "round": round_,
            "status": "ok",
            **{k: cols[k] for k in sorted(cols)},
        }
    )
    for k in ("batch_size", "epochs", "first_neuron"):
        df[k] = df[k].astype(int)
    for k in ("dropout", "lr"):
        df[k] = df[k].astype(float)
    df["shuffle"] = df["shuffle"].astype(bool)
    acc = (
        0.85
        - 0.25 * df["dropout"]
        - 0.02 * np.abs(np.log10(df["lr"]) + 3)
        + 0.03 * (df["optimizer"] == "Adam")
        + 0.01 * np.log2(df["first_neuron"] / 8)
        + rng.normal(0, 0.02, n)
    )
    df["accuracy"] = acc + 0.04 + rng.normal(0, 0.01, n)
    df["loss"] = 1.0 - df["accuracy"] + rng.normal(0, 0.01, n)
    df["val_accuracy"] = acc
    df["val_loss"] = 1.0 - acc + rng.normal(0, 0.02, n)
    df["epochs_run"] = df["epochs"]
    df["best_epoch"] = df["epochs"]
    df["best_value"] = df["val_accuracy"]
    df["start"] = df["end"] = T0
    df["duration_s"] = rng.uniform(1, 60, n).round(3)
    df["error"] = ""
    bad = rng.random(n) < failed
    df.loc[bad, "status"] = "failed"
    df.loc[bad, ["accuracy", "loss", "val_accuracy", "val_loss", "best_value"]] = np.nan
    df.loc[bad, "error"] = "ResourceExhaustedError: OOM when allocating tensor"
    return df


def write_histories(df: pd.DataFrame, path: Path, epochs: int = 10, seed: int = 0) -> None:
    """A history.jsonl with ``epochs`` values per key for every ok run."""
    rng = np.random.default_rng(seed)
    ok = df[df["status"] == "ok"]
    t = np.linspace(0, 1, epochs)
    n = len(ok)
    loss = 1.0 + (ok["loss"].to_numpy()[:, None] - 1.0) * t
    val_loss = (
        1.0 + (ok["val_loss"].to_numpy()[:, None] - 1.0) * t + rng.normal(0, 0.01, (n, epochs)) * t
    )
    acc = 0.5 + (ok["accuracy"].to_numpy()[:, None] - 0.5) * t
    val_acc = 0.5 + (ok["val_accuracy"].to_numpy()[:, None] - 0.5) * t
    with open(path, "w", encoding="utf-8") as f:
        for i, run_id in enumerate(ok["run_id"]):
            h = {
                "accuracy": acc[i].round(5).tolist(),
                "loss": loss[i].round(5).tolist(),
                "val_accuracy": val_acc[i].round(5).tolist(),
                "val_loss": val_loss[i].round(5).tolist(),
            }
            f.write(
                json.dumps({"run_id": run_id, "round": 1, "history": h, "traceback": None}) + "\n"
            )


def timed(fn, *args, **kwargs):
    start = time.perf_counter()
    out = fn(*args, **kwargs)
    return out, time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--rows",
        type=int,
        default=1_000_000,
        help="runs for correlate + best_params (default 1,000,000)",
    )
    parser.add_argument(
        "--report-rows",
        type=int,
        default=100_000,
        help="runs for the HTML report (default 100,000)",
    )
    parser.add_argument("--epochs", type=int, default=10, help="epochs per history")
    parser.add_argument("--keep", help="write the files here and keep them")
    args = parser.parse_args(argv)

    from scanlab.analyze import Analyze
    from scanlab.results import load_results

    folder = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="scanlab-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    rows: list[tuple[str, str, float, str]] = []

    # ---- 1. correlate + best_params on 1M runs -------------------------------------------
    big = folder / "big" / "results.csv"
    big.parent.mkdir(exist_ok=True)
    print(f"generating {args.rows:,} runs into {big} ...", file=sys.stderr)
    synthetic_results(args.rows).to_csv(big, index=False)
    size_mb = big.stat().st_size / 2**20
    data, t_load = timed(load_results, big)
    rows.append(
        (
            "load_results (CSV -> DataFrame)",
            f"{args.rows:,}",
            t_load,
            f"not in target ({size_mb:.0f} MiB CSV)",
        )
    )
    a, t_init = timed(Analyze, data)
    corr, t_corr = timed(a.correlate, "val_accuracy")
    best, t_best = timed(a.best_params, "val_accuracy", n=10)
    total = t_init + t_corr + t_best
    rows.append(("Analyze(DataFrame)", f"{args.rows:,}", t_init, ""))
    rows.append(("correlate('val_accuracy') spearman", f"{args.rows:,}", t_corr, ""))
    rows.append(("best_params('val_accuracy', n=10)", f"{args.rows:,}", t_best, ""))
    rows.append(
        (
            "= Analyze + correlate + best_params",
            f"{args.rows:,}",
            total,
            f"target <= 2 s: {'PASS' if total <= 2 else 'FAIL'}",
        )
    )
    _, t_kendall = timed(a.correlate, "val_accuracy", method="kendall")
    rows.append(("correlate(method='kendall') (extra)", f"{args.rows:,}", t_kendall, ""))
    _, t_values = timed(a.value_summary, "val_accuracy")
    rows.append(("value_summary (extra)", f"{args.rows:,}", t_values, ""))
    assert corr["param"].iloc[0] in ("dropout", "lr", "optimizer"), corr
    assert best.shape == (10, len(PARAMS))
    del data, a

    # ---- 2. full HTML report on 100k runs ------------------------------------------------
    exp = folder / "report" / "round-001"
    exp.mkdir(parents=True, exist_ok=True)
    print(f"generating {args.report_rows:,} runs + histories into {exp} ...", file=sys.stderr)
    df = synthetic_results(args.report_rows, seed=1)
    df.to_csv(exp / "results.csv", index=False)
    write_histories(df, exp / "history.jsonl", args.epochs)
    a, t_load = timed(Analyze, exp)
    rows.append(("Analyze(round folder)", f"{args.report_rows:,}", t_load, "load"))
    out = folder / "report.html"
    _, t_report = timed(a.report, out)
    rows.append(
        (
            "report('report.html') incl. histories",
            f"{args.report_rows:,}",
            t_report,
            f"target <= 30 s: {'PASS' if t_report <= 30 else 'FAIL'}",
        )
    )
    rows.append(
        (
            "= load + report",
            f"{args.report_rows:,}",
            t_load + t_report,
            f"{out.stat().st_size / 2**20:.1f} MiB HTML",
        )
    )

    width = max(len(r[0]) for r in rows)
    print(f"\n{'step':<{width}}  {'runs':>9}  {'seconds':>8}  note")
    print(f"{'-' * width}  {'-' * 9}  {'-' * 8}  {'-' * 30}")
    for name, n, seconds, note in rows:
        print(f"{name:<{width}}  {n:>9}  {seconds:8.2f}  {note}")
    print(
        f"\n{os.cpu_count()} CPUs, Python {sys.version.split()[0]}, pandas {pd.__version__}, "
        f"numpy {np.__version__}; files in {folder}" + ("" if args.keep else " (temporary)")
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
