"""Cross-validation inside Scan (``cv=``, ``groups=``, ``preprocess=``): folds, columns,
fold-level resume after SIGKILL, the preprocessing cache, and bad input."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import textwrap
import time

import numpy as np
import pandas as pd
import pytest
from _fakes import FOLD_CALLS, fold_model, subprocess_env, tiny_builder

import scanlab
from scanlab._cv import make_folds
from scanlab._folded import FOLDS_FILE
from scanlab.errors import ScanArgumentError, ScanArgumentTypeError

X = np.arange(40, dtype=float).reshape(-1, 1)
Y = (np.arange(40) % 4 == 0).astype(int)  # 25 % class 1
PARAMS = {"lr": [0.0, 0.1, 0.2], "epochs": [2]}


def _scan(tmp_path, **kwargs):
    arguments = dict(
        params=PARAMS,
        model=fold_model,
        experiment_name="cv",
        results_dir=tmp_path,
        cv=5,
        seed=3,
        disable_progress_bar=True,
    )
    arguments.update(kwargs)
    return scanlab.Scan(X, Y, **arguments)


@pytest.fixture(autouse=True)
def _fresh_calls():
    FOLD_CALLS.clear()


def test_every_run_sees_the_same_stratified_folds(tmp_path):
    _scan(tmp_path)
    assert len(FOLD_CALLS) == 3 * 5
    by_run: dict = {}
    for n_train, n_val, first, lr in FOLD_CALLS:
        by_run.setdefault(lr, []).append((n_train, n_val, first))
    assert len({tuple(sorted(v)) for v in by_run.values()}) == 1  # identical folds
    folds = make_folds(5, X, Y, None, seed=3)
    assert [np.bincount(Y[val], minlength=2).tolist() for _, val in folds] == [[6, 2]] * 5


def test_split_mean_and_std_columns_follow_scikit_learn(tmp_path):
    scan = _scan(tmp_path, metric="val_accuracy")
    rows = scan.data
    assert scan.tracked_metric == "mean_val_accuracy"
    for metric in ("val_accuracy", "loss"):
        splits = rows[[f"split{i}_{metric}" for i in range(5)]].to_numpy()
        assert np.allclose(rows[f"mean_{metric}"], splits.mean(axis=1))
        assert np.allclose(rows[f"std_{metric}"], splits.std(axis=1))  # ddof=0
    assert "val_accuracy" not in rows.columns  # the metric is the fold mean
    manifest = json.loads((scan.round_path / "manifest.json").read_text())
    assert manifest["cv"] == {"n_splits": 5, "splitter": "5"}
    record = json.loads((scan.round_path / "history.jsonl").read_text().splitlines()[0])
    assert len(record["folds"]) == 5 and set(record["history"]) == {
        "mean_loss",
        "mean_val_accuracy",
    }
    analysis = scanlab.Analyze(tmp_path / "cv")
    assert analysis.best_params("val_accuracy", n=1, as_frame=True)["lr"].iloc[0] == 0.2


def test_a_splitter_and_groups_are_used_as_given(tmp_path):
    from sklearn.model_selection import GroupKFold, TimeSeriesSplit

    groups = np.arange(40) // 10  # 4 groups of 10 rows
    _scan(tmp_path, cv=GroupKFold(4), groups=groups, params={"lr": [0.0], "epochs": [2]})
    assert sorted(call[1] for call in FOLD_CALLS) == [10, 10, 10, 10]
    FOLD_CALLS.clear()
    _scan(tmp_path, cv=TimeSeriesSplit(3), params={"lr": [0.0], "epochs": [2]})
    assert [call[0] for call in FOLD_CALLS] == [10, 20, 30]  # growing training windows


def test_a_failed_fold_fails_its_run_and_a_resume_trains_only_that_fold(tmp_path, monkeypatch):
    first_rows = {int(X[val[0], 0]) for _, val in make_folds(5, X, Y, None, seed=3)}
    broken = min(first_rows)
    monkeypatch.setenv("SCANLAB_FAKE_FAIL_FOLD", str(broken))
    with pytest.raises(scanlab.errors.TooManyFailuresError):
        _scan(tmp_path, params={"lr": [0.0], "epochs": [2]})
    rows = scanlab.load_results(tmp_path / "cv")
    assert rows["error"].iloc[0].startswith("fold ") and "broke" in rows["error"].iloc[0]
    monkeypatch.delenv("SCANLAB_FAKE_FAIL_FOLD")
    FOLD_CALLS.clear()
    scan = _scan(tmp_path, params={"lr": [0.0], "epochs": [2]})
    assert [call[2] for call in FOLD_CALLS] == [broken]  # the four ok folds were kept
    assert (scan.data["status"] == "ok").all()


def test_folds_spread_over_worker_processes_and_give_the_same_rows(tmp_path):
    alone = _scan(tmp_path / "alone").data
    parallel = _scan(tmp_path / "parallel", workers=2).data
    columns = [c for c in alone.columns if c.startswith(("split", "mean_", "std_"))]
    merged = alone.merge(parallel, on="run_id", suffixes=("", "_p"))
    for column in columns:
        assert np.allclose(merged[column], merged[f"{column}_p"]), column


def test_preprocess_runs_once_per_fold_and_setting_it_reads(tmp_path):
    calls = []

    def shift(x_train, y_train, x_val, y_val, params):
        calls.append(params["offset"])
        return x_train + params["offset"], y_train, x_val + params["offset"], y_val

    params = {"lr": [0.0, 0.1, 0.2], "offset": [0, 100], "epochs": [2]}
    scan = _scan(tmp_path, params=params, preprocess=shift)
    assert len(scan.data) == 6
    assert sorted(calls) == [0] * 5 + [100] * 5  # 2 settings x 5 folds, not 6 x 5
    seen = {(lr, first >= 100) for _, _, first, lr in FOLD_CALLS}
    assert len(seen) == 6  # every run saw its own offset
    record = json.loads((scan.round_path / "history.jsonl").read_text().splitlines()[-1])
    assert record["preprocess"]["cached"] in range(6)


def test_preprocess_without_folds_and_a_broken_one(tmp_path):
    def bad(x_train, y_train, x_val, y_val, params):
        return x_train, y_train

    with pytest.raises(scanlab.errors.TooManyFailuresError):
        _scan(tmp_path, cv=None, preprocess=bad)
    rows = scanlab.load_results(tmp_path / "cv")
    assert rows["error"].str.contains("preprocess must return").all()


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"cv": 1}, ScanArgumentError, "cv must be at least 2 folds, got 1"),
        ({"cv": "5"}, ScanArgumentTypeError, "cv must be a number of folds or a scikit-learn"),
        ({"cv": None, "groups": [0] * 40}, ScanArgumentError, "groups is only used to make"),
        ({"groups": [0] * 40}, ScanArgumentError, "groups needs a group splitter.*GroupKFold"),
        ({"save_models": True}, ScanArgumentError, "save_models keeps one model per run"),
        (
            {"search": scanlab.Hyperband(max_epochs=3), "params": {"lr": [0.1], "epochs": [1]}},
            ScanArgumentError,
            "cv cannot be combined with search=",
        ),
        ({"cv": 50}, ScanArgumentError, "cv could not split these 40 samples"),
        ({"preprocess": len}, ScanArgumentTypeError, "preprocess must accept"),
        ({"preprocess": 3}, ScanArgumentTypeError, "preprocess must be a function"),
    ],
)
def test_bad_cv_arguments_are_refused_before_training(tmp_path, kwargs, error, match):
    with pytest.raises(error, match=match):
        _scan(tmp_path, **kwargs)
    assert FOLD_CALLS == []


def test_x_val_with_cv_is_refused(tmp_path):
    with pytest.raises(ScanArgumentError, match="x_val cannot be given with cv="):
        scanlab.Scan(X, Y, PARAMS, fold_model, "cv", x_val=X, y_val=Y, results_dir=tmp_path, cv=3)


KILLED = textwrap.dedent(
    """
    import sys
    import numpy as np
    from _fakes import fold_model
    from scanlab import Scan

    x = np.arange(40, dtype=float).reshape(-1, 1)
    y = (np.arange(40) % 4 == 0).astype(int)
    scan = Scan(x, y, params={"lr": [0.0, 0.1, 0.2, 0.3], "epochs": [2]}, model=fold_model,
                experiment_name="killed", results_dir=sys.argv[1], seed=5, cv=5,
                workers=int(sys.argv[2]) or None, disable_progress_bar=True)
    print(len(scan.data))
    """
)


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="SIGKILL is POSIX-only")
@pytest.mark.parametrize("workers", [0, 2])
def test_sigkill_mid_run_then_resume_trains_only_the_missing_folds(tmp_path, workers):
    script = tmp_path / "killed.py"
    script.write_text(KILLED)
    folds = tmp_path / "killed" / "round-001" / FOLDS_FILE

    def start(delay: str) -> subprocess.Popen:
        return subprocess.Popen(
            [sys.executable, str(script), str(tmp_path), str(workers)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=subprocess_env(SCANLAB_FAKE_DELAY=delay),
        )

    victim = start("0.3")
    deadline = time.time() + 120
    while time.time() < deadline:  # kill inside a run: some of its folds are on disk
        if folds.exists() and folds.read_text().count("\n") >= 7:
            break
        time.sleep(0.01)
    victim.send_signal(signal.SIGKILL)
    victim.wait(timeout=30)
    before = [json.loads(line) for line in folds.read_text().splitlines()]
    assert 7 <= len(before) < 20
    resumed = start("0")
    assert resumed.wait(timeout=180) == 0, resumed.stderr.read().decode()
    after = [json.loads(line) for line in folds.read_text().splitlines()]
    trained = [(r["run_id"], r["fold"]) for r in after]
    assert len(trained) == len(set(trained)) == 20  # every fold once: none trained twice
    rows = scanlab.load_results(tmp_path / "killed")
    assert len(rows) == 4 and (rows["status"] == "ok").all()


def test_a_real_keras_builder_cross_validated_with_scores(tmp_path):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(60, 3)).astype("float32")
    y = (x[:, 0] > 0).astype("float32")
    scan = scanlab.Scan(
        x,
        y,
        params={"units": [2], "lr": [0.05], "epochs": [1], "batch_size": [16]},
        model=tiny_builder,
        experiment_name="keras_cv",
        results_dir=tmp_path,
        cv=3,
        scoring=["recall_macro"],
        metric="val_recall_macro",
        disable_progress_bar=True,
    )
    row = scan.data.iloc[0]
    assert scan.tracked_metric == "mean_val_recall_macro"
    splits = [row[f"split{i}_val_recall_macro"] for i in range(3)]
    assert row["mean_val_recall_macro"] == pytest.approx(np.mean(splits))
    record = json.loads((scan.round_path / "history.jsonl").read_text().splitlines()[0])
    pooled = np.asarray(record["scores"]["confusion_matrix"])
    assert pooled.sum() == 60  # every sample predicted once, out of fold
    assert [f["scores"]["support"] for f in record["folds"]] != []
    assert isinstance(pd.Series(splits).std(), float)


def test_labels_of_another_length_are_refused_with_cv(tmp_path):
    with pytest.raises(ScanArgumentError, match=r"x and y must have the same number of samples"):
        scanlab.Scan(X, Y[:-1], PARAMS, fold_model, "cv", results_dir=tmp_path, cv=3)
    assert FOLD_CALLS == []
