"""Validation costs: scoring from predictions, 5-fold cross-validation on 2 workers, and the
preprocessing cache on a text workload.

1. **Scoring overhead** (target <= 2 % of a tiny MLP run): the breast-cancer MLP (16 units,
   10 epochs, batch 32) trained ``--repeats`` times through ``run_trial``; after each run,
   ``scanlab.scoring.score_model`` scores the fresh model with five scorers, timed on its
   own. Overhead = scoring seconds / the run's seconds (median and worst; the one-off
   import of scikit-learn's metrics, paid once per process, is timed apart). Runs scored
   with ``model.predict`` instead (what scoring cost before) are printed beside it.
2. **5-fold CV on 2 workers** (target >= 0.9x): ``Scan(cv=5, workers=2)`` against a bare
   ``multiprocessing`` spawn pool of 2 processes (the same thread limits, started cold like
   the scan's workers) mapping the same model function over the same fold fits (the scan's
   folds, every configuration). Throughput = fold fits per second, start-up included;
   the two alternate over ``--rounds`` rounds so that a noisy machine hits both alike.
3. **Preprocessing cache** on a text workload (synthetic sentences: no download): a
   ``keras.layers.TextVectorization`` adapted on each fold's training texts, with its
   ``max_tokens`` and ``sequence_length`` taken from params, in a 3-fold scan of an
   Embedding + LSTM model. The preprocessing reads 2 of the 6 params, so most runs find
   their fold's vectorized data in the cache. Against the same scan with a preprocessing
   that reads every param (never cached): preprocessing calls, cache hits, seconds spent
   preprocessing and the whole scan's wall time, in both orders (framework warmed up first).
   The preprocessing cleans the texts first (lower case, scikit-learn's English stop words),
   as the text notebooks do.

    python bench/validation.py             # about 12 minutes on 2 cores
    python bench/validation.py --quick     # about 3 minutes: fewer runs
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np
import pandas as pd
from parallel import _bare_init, compile_and_fit, mlp

from scanlab import Scan
from scanlab._cv import make_folds
from scanlab.data import take
from scanlab.datasets import breast_cancer
from scanlab.space import ParamSpace
from scanlab.trial import TrialData

SCORERS = ("recall_macro", "f1_macro", "balanced_accuracy", "roc_auc", "average_precision")
CV_PARAMS = {
    "first_neuron": [8, 16, 24, 32],
    "dropout": [0.0, 0.2],
    "lr": [0.01, 0.003],
    "batch_size": [32],
    "epochs": [8],
}


# -- 1. scoring overhead ------------------------------------------------------------------


def scoring_overhead(repeats: int) -> dict:
    from scanlab.scoring import score_model, score_predictions
    from scanlab.trial import run_trial

    x, y = breast_cancer()
    data = TrialData(x[:400], y[:400], x[400:], y[400:])
    params = {"first_neuron": 16, "dropout": 0.0, "lr": 0.003, "batch_size": 32, "epochs": 10}
    start = time.perf_counter()  # once per process: scikit-learn's metrics and Keras ops
    import sklearn.metrics  # noqa: F401

    one_off = time.perf_counter() - start
    shares, predict_shares = [], []
    for _ in range(repeats):
        kept = []
        result = run_trial(mlp, data, params, save_model=kept.append)
        start = time.perf_counter()
        score_model(kept[0], data, SCORERS)
        scoring_s = time.perf_counter() - start
        kept_2 = []  # what it cost with model.predict (a second fresh model)
        result_2 = run_trial(mlp, data, params, save_model=kept_2.append)
        start = time.perf_counter()
        score_predictions(data.y_val, kept_2[0].predict(data.x_val, verbose=0), SCORERS)
        predict_s = time.perf_counter() - start
        shares.append(scoring_s / result.duration_s)
        predict_shares.append(predict_s / result_2.duration_s)
        print(
            f"  run {result.duration_s:.2f} s, scoring {1000 * scoring_s:.1f} ms "
            f"({100 * shares[-1]:.2f} %); with model.predict {1000 * predict_s:.0f} ms "
            f"({100 * predict_shares[-1]:.2f} %)",
            flush=True,
        )
    return {
        "one-off import s": round(one_off, 2),
        "median %": round(100 * statistics.median(shares), 2),
        "worst %": round(100 * max(shares), 2),
        "with predict: median %": round(100 * statistics.median(predict_shares), 2),
        "target": "<= 2 %",
        "pass": statistics.median(shares) <= 0.02,
    }


# -- 2. 5-fold CV on 2 workers against a bare pool -----------------------------------------


def _fit_fold(x, y, train, val, values) -> None:
    import keras

    mlp(take(x, train), take(y, train), take(x, val), take(y, val), values)
    keras.backend.clear_session()


def cv_throughput(rounds: int, seed: int = 7) -> dict:
    x, y = breast_cancer()
    folds = make_folds(5, x, y, None, seed)
    space = ParamSpace(CV_PARAMS)
    configurations = [space.decode(i)[0] for i in range(space.size)]
    fits = len(configurations) * len(folds)
    spawn = multiprocessing.get_context("spawn")
    scan_rates, bare_rates = [], []
    results_dir = tempfile.mkdtemp(prefix="scanlab-cv-bench-")
    for round_ in range(rounds):
        order = ["scan", "bare"] if round_ % 2 == 0 else ["bare", "scan"]
        for setup in order:
            start = time.perf_counter()
            if setup == "scan":
                scan = Scan(
                    x,
                    y,
                    params=CV_PARAMS,
                    model=mlp,
                    experiment_name=f"cv_{round_}",
                    results_dir=results_dir,
                    cv=5,
                    seed=seed,
                    workers=2,
                    disable_progress_bar=True,
                )
                assert (scan.data["status"] == "ok").all() and len(scan.data) == len(configurations)
            else:
                with spawn.Pool(2, _bare_init, (2,)) as pool:
                    pool.starmap(
                        _fit_fold,
                        [(x, y, t, v, c) for c in configurations for t, v in folds],
                        chunksize=1,
                    )
            wall = time.perf_counter() - start
            (scan_rates if setup == "scan" else bare_rates).append(fits / wall)
            print(f"  round {round_ + 1} {setup}: {fits} fold fits in {wall:.1f} s", flush=True)
    ratios = [s / b for s, b in zip(scan_rates, bare_rates, strict=True)]
    return {
        "fold fits": fits,
        "scan fits/s": round(statistics.median(scan_rates), 3),
        "bare pool fits/s": round(statistics.median(bare_rates), 3),
        "ratio (median)": round(statistics.median(ratios), 3),
        "ratio range": f"{min(ratios):.3f}-{max(ratios):.3f}",
        "target": ">= 0.9x",
        "pass": statistics.median(ratios) >= 0.9,
    }


# -- 3. the preprocessing cache on text ----------------------------------------------------

WORDS = [f"w{i}" for i in range(3000)]


def sentences(n: int = 2400, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Synthetic sentences of 10-40 words; class 1 uses words 0-199 a little more often."""
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 2, n)
    texts = []
    for label in labels:
        length = rng.integers(10, 40)
        common = rng.integers(0, len(WORDS), length)
        marked = rng.random(length) < (0.25 if label else 0.1)
        common[marked] = rng.integers(0, 200, marked.sum())
        texts.append(" ".join(WORDS[i] for i in common))
    return np.array(texts), labels.astype("float32")


def clean(texts: np.ndarray) -> np.ndarray:
    """Lower-case and drop scikit-learn's English stop words (the cleaning of issue 14)."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return np.array(
        [" ".join(w for w in t.lower().split() if w not in ENGLISH_STOP_WORDS) for t in texts]
    )


def vectorize(x_train, y_train, x_val, y_val, params):
    """Cleaning, then a TextVectorization adapted on the training texts only."""
    import keras

    x_train, x_val = clean(x_train), clean(x_val)
    layer = keras.layers.TextVectorization(
        max_tokens=params["max_tokens"], output_sequence_length=params["sequence_length"]
    )
    layer.adapt(x_train)
    return (
        np.asarray(layer(x_train)),
        y_train,
        np.asarray(layer(x_val)),
        y_val,
    )


def vectorize_reading_everything(x_train, y_train, x_val, y_val, params):
    """The same, after reading every param (so no two runs share its output)."""
    return vectorize(x_train, y_train, x_val, y_val, dict(params))


def lstm_model(x_train, y_train, x_val, y_val, params):
    import keras

    model = keras.Sequential(
        [
            keras.Input(shape=(params["sequence_length"],), dtype="int32"),
            keras.layers.Embedding(params["max_tokens"], params["embedding"]),
            keras.layers.LSTM(params["units"]),
            keras.layers.Dense(1, activation="sigmoid"),
        ]
    )
    params = {**params, "batch_size": 64}
    return compile_and_fit(model, x_train, y_train, x_val, y_val, params)


def preprocessing_cache(runs: int, order: int = 0) -> pd.DataFrame:
    x, y = sentences(12000)
    vectorize(x[:50], y[:50], x[50:60], y[50:60], {"max_tokens": 10, "sequence_length": 5})
    params = {
        "max_tokens": [1000, 3000],
        "sequence_length": [30],
        "embedding": [8, 16],
        "units": [8, 16],
        "lr": [0.01, 0.003],
        "epochs": [1],
    }
    results_dir = tempfile.mkdtemp(prefix="scanlab-text-bench-")
    rows = []
    setups = [
        ("reads max_tokens, sequence_length", vectorize),
        ("reads every param (no cache hits)", vectorize_reading_everything),
    ]
    for name, function in setups if order == 0 else setups[::-1]:
        start = time.perf_counter()
        scan = Scan(
            x,
            y,
            params=params,
            model=lstm_model,
            experiment_name=f"{name.split()[1]}{order}",
            results_dir=results_dir,
            round_limit=runs,
            seed=3,
            cv=3,
            preprocess=function,
            disable_progress_bar=True,
        )
        wall = time.perf_counter() - start
        records = [
            json.loads(line)
            for line in (scan.round_path / "history.jsonl").read_text().splitlines()
        ]
        folds = [f["preprocess"] for r in records for f in r.get("folds", [])]
        calls = sum(not f["cached"] for f in folds)
        rows.append(
            {
                "preprocessing": name,
                "runs": len(scan.data),
                "fold fits": len(folds),
                "preprocess calls": calls,
                "cache hits": len(folds) - calls,
                "preprocess s": round(sum(f["seconds"] for f in folds), 1),
                "scan wall s": round(wall, 1),
            }
        )
        print(f"  {name}: {rows[-1]}", flush=True)
    return pd.DataFrame(rows)


def main() -> None:
    from scanlab._quiet import quiet_frameworks

    quiet_frameworks()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats and runs")
    parser.add_argument("--part", choices=("all", "scoring", "cv", "preprocess"), default="all")
    args = parser.parse_args()
    if args.part in ("all", "scoring"):
        print("1. scoring overhead (tiny MLP, 5 scorers)", flush=True)
        print(pd.Series(scoring_overhead(5 if args.quick else 12)).to_string())
    if args.part in ("all", "cv"):
        print("2. 5-fold CV, Scan(workers=2) vs a bare pool of 2 processes", flush=True)
        print(pd.Series(cv_throughput(1 if args.quick else 3)).to_string())
    if args.part in ("all", "preprocess"):
        print("3. preprocessing cache, 3-fold text scan", flush=True)
        tables = [preprocessing_cache(8 if args.quick else 16, order) for order in (0, 1)]
        print(pd.concat(tables).to_string(index=False))


if __name__ == "__main__":
    main()
