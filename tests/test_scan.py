"""Scan engine logic with a fake model (no training)."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import time

import numpy as np
import pandas as pd
import pytest
from _fakes import FakeHistory, fake_model

from scanlab import (
    ExperimentLockedError,
    MetricNotFoundError,
    ParamsError,
    Scan,
    ScanArgumentError,
    ScanArgumentTypeError,
    TooManyFailuresError,
    load_results,
)
from scanlab._manifest import decode_params, read_manifest
from scanlab.experiment import ExperimentFolder


def test_one_row_per_run_with_schema(scan_kwargs):
    scan = Scan(**scan_kwargs, round_limit=5)
    df = scan.data
    assert len(df) == 5 and df["run_id"].is_unique
    assert list(df.columns[:3]) == ["run_id", "round", "status"]
    assert {
        "lr",
        "units",
        "epochs",
        "loss",
        "val_loss",
        "epochs_run",
        "best_epoch",
        "best_value",
        "duration_s",
        "error",
    } <= set(df.columns)
    assert (df["status"] == "ok").all() and (df["round"] == 1).all()
    assert (df["epochs_run"] == df["epochs"]).all()
    # one rulebook: the tracked metric defaults to val_accuracy (Talos's val_acc), maximized;
    # the fake model's accuracy rises every epoch, so the best epoch is the last
    assert scan.tracked_metric == "val_accuracy" and scan.minimize is False
    assert (df["best_epoch"] == df["epochs_run"]).all()
    assert np.allclose(df["best_value"], df["val_accuracy"])
    assert scan.results_path.exists() and set(scan.round_history) == set(df["run_id"])


def test_same_seed_same_runs_and_fraction_limit(scan_kwargs, tmp_path):
    a = Scan(**scan_kwargs, fraction_limit=0.5)
    b = Scan(**scan_kwargs | {"results_dir": tmp_path / "other"}, fraction_limit=0.5)
    assert len(a.data) == 6
    assert a.data["run_id"].tolist() == b.data["run_id"].tolist()


def test_round_limit_and_fraction_limit_smaller_wins(scan_kwargs):
    assert len(Scan(**scan_kwargs, fraction_limit=0.5, round_limit=2).data) == 2


def test_no_limit_runs_the_whole_grid_and_grid_method_in_order(scan_kwargs):
    scan = Scan(**scan_kwargs, random_method="grid")
    assert len(scan.data) == 12
    assert scan.data["run_id"].tolist() == [scan.space.run_id(i) for i in range(12)]


def test_same_call_resumes_and_adds_nothing(scan_kwargs):
    first = Scan(**scan_kwargs, round_limit=4)
    again = Scan(**scan_kwargs, round_limit=4)
    assert again.round == first.round == 1
    assert again.data["run_id"].tolist() == first.data["run_id"].tolist()


def test_resume_continues_the_sequence_to_the_same_final_set(scan_kwargs, tmp_path):
    full = Scan(**scan_kwargs | {"results_dir": tmp_path / "full"}, round_limit=8)
    calls = []

    def stop_after_three(x_train, y_train, x_val, y_val, params):
        calls.append(1)
        if len(calls) > 3:
            os.kill(os.getpid(), signal.SIGINT)  # the user presses Ctrl-C
        return fake_model(x_train, y_train, x_val, y_val, params)

    with pytest.raises(KeyboardInterrupt):
        Scan(**scan_kwargs | {"model": stop_after_three}, round_limit=8)
    assert len(load_results(tmp_path / "exp")) == 3
    resumed = Scan(**scan_kwargs, round_limit=8)
    assert sorted(resumed.data["run_id"]) == sorted(full.data["run_id"])
    assert resumed.data["run_id"].is_unique
    manifest = read_manifest(resumed.round_path)
    assert len(manifest["sessions"]) == 2 and manifest["status"] == "completed"


def test_seed_none_is_drawn_recorded_and_reused_on_resume(scan_kwargs):
    kwargs = scan_kwargs | {"seed": None}
    first = Scan(**kwargs, round_limit=3)
    assert isinstance(first.seed, int)
    again = Scan(**kwargs, round_limit=6)  # other limit: a new round
    assert again.round == 2
    same = Scan(**kwargs, round_limit=6)
    assert same.round == 2 and same.seed == again.seed and len(same.data) == 6


def test_other_params_start_the_next_round(scan_kwargs):
    Scan(**scan_kwargs, round_limit=3)
    second = Scan(**scan_kwargs | {"params": {"lr": [0.5, 0.05], "units": [4]}})
    assert second.round == 2 and len(second.data) == 2
    assert load_results(second.experiment_path)["round"].tolist() == [1, 1, 1, 2, 2]
    assert decode_params(read_manifest(second.round_path)["params"]) == {
        "lr": [0.5, 0.05],
        "units": [4],
    }


def test_resume_false_starts_a_new_round(scan_kwargs):
    Scan(**scan_kwargs, round_limit=2)
    assert Scan(**scan_kwargs, round_limit=2, resume=False).round == 2


def test_boolean_limit_filters_sampled_permutations(scan_kwargs):
    scan = Scan(**scan_kwargs, boolean_limit=lambda p: p["units"] == 4)
    assert len(scan.data) == 6 and set(scan.data["units"]) == {4}


def test_boolean_limit_that_raises_is_reported_before_training(scan_kwargs):
    with pytest.raises(ScanArgumentError, match=r"boolean_limit raised KeyError: 'unit'"):
        Scan(**scan_kwargs, boolean_limit=lambda p: p["unit"] > 1)


def test_performance_target_stops_the_scan(scan_kwargs):
    scan = Scan(**scan_kwargs, performance_target=["val_loss", 10.0])
    assert len(scan.data) == 1 and scan.stop_reason == "performance_target"
    scan = Scan(
        **scan_kwargs | {"experiment_name": "acc"}, performance_target=["val_acc", 0.0, False]
    )  # Talos name, Keras 3 key
    assert len(scan.data) == 1


def test_time_limit_stops_new_runs(scan_kwargs):
    def slow_model(x_train, y_train, x_val, y_val, params):
        time.sleep(0.3)
        return fake_model(x_train, y_train, x_val, y_val, params)

    scan = Scan(**scan_kwargs | {"model": slow_model}, time_limit=1.0)
    # 0.3 s per run: about 4 runs fit in the second, never all 12
    assert scan.stop_reason == "time_limit" and 1 <= len(scan.data) <= 6
    # no run starts after the deadline: the last one started before it
    last_start = pd.to_datetime(scan.data["start"]).max().timestamp()
    assert last_start < scan.settings.deadline


def test_failed_runs_are_rows_and_the_scan_goes_on(scan_kwargs):
    def fails_for_big_units(x_train, y_train, x_val, y_val, params):
        if params["units"] == 8:
            raise ValueError("units=8 does not fit")
        return fake_model(x_train, y_train, x_val, y_val, params)

    scan = Scan(**scan_kwargs | {"model": fails_for_big_units})
    failed = scan.data[scan.data["status"] == "failed"]
    assert len(scan.data) == 12 and len(failed) == 6
    assert failed["error"].str.startswith("ValueError: units=8 does not fit").all()
    tracebacks = [
        json.loads(line)["traceback"]
        for line in (scan.round_path / "history.jsonl").read_text().splitlines()
    ]
    assert sum(1 for t in tracebacks if t and "units=8 does not fit" in t) == 6


def test_nan_loss_is_a_failed_run_that_does_not_stop_the_scan(scan_kwargs):
    def nan_model(x_train, y_train, x_val, y_val, params):
        return FakeHistory({"loss": [0.5, float("nan")], "val_loss": [0.6, float("nan")]}), None

    # a NaN does not count toward max_consecutive_failures: all 8 runs are recorded, and
    # then the round, which has no ok run, ends with an error
    with pytest.raises(TooManyFailuresError, match=r"(?s)every run of round 1 failed.*NonFinite"):
        Scan(**scan_kwargs | {"model": nan_model}, round_limit=8)
    data = load_results(scan_kwargs["results_dir"] / "exp")
    assert len(data) == 8 and (data["status"] == "failed").all()
    assert data["error"].str.contains("NonFiniteLoss: loss became nan at epoch 2").all()


@pytest.mark.parametrize(
    ("returns", "match"),
    [
        (lambda: None, r"must return \(history, model\), a 2-tuple; got a value of type NoneType"),
        (lambda: (1, 2, 3), r"a 2-tuple; got a tuple of length 3"),
        (lambda: ("history", None), r"history is a Keras History .* got history of type str"),
    ],
)
def test_contract_errors_stop_after_consecutive_failures(scan_kwargs, returns, match):
    def broken(x_train, y_train, x_val, y_val, params):
        return returns()

    with pytest.raises(TooManyFailuresError, match=r"stopped after 5 runs in a row raised") as info:
        Scan(**scan_kwargs | {"model": broken})
    assert "ContractError" in str(info.value)
    rows = load_results(scan_kwargs["results_dir"] / "exp")
    assert len(rows) == 5 and rows["error"].str.contains(match).all()


def test_metric_missing_from_history_fails_after_the_first_run(scan_kwargs):
    with pytest.raises(
        MetricNotFoundError,
        match=r"metric='val_auc' is not one of the runs' metrics "
        r"\['accuracy', 'loss', 'val_accuracy', 'val_loss'\]. Fix: use one of those",
    ):
        Scan(**scan_kwargs, metric="val_auc")
    assert len(load_results(scan_kwargs["results_dir"] / "exp")) == 1


def test_performance_target_metric_missing_fails_after_the_first_run(scan_kwargs):
    with pytest.raises(
        MetricNotFoundError, match=r"performance_target metric='f1' is not one of the runs' metrics"
    ):
        Scan(**scan_kwargs, performance_target=["f1", 0.9])


def test_param_named_like_a_history_key_fails_after_the_first_run(scan_kwargs):
    def model_with_mae(x_train, y_train, x_val, y_val, params):
        return FakeHistory({"loss": [0.5], "mae": [0.2]}), None

    with pytest.raises(ParamsError, match=r"params keys \['mae'\] are also history keys"):
        Scan(**scan_kwargs | {"model": model_with_mae, "params": {"mae": [1, 2]}})


def test_a_second_writer_is_refused(scan_kwargs):
    folder = ExperimentFolder(scan_kwargs["results_dir"] / "exp")
    folder.acquire()
    try:
        with pytest.raises(ExperimentLockedError, match=r"is being scanned by another process"):
            Scan(**scan_kwargs, round_limit=1)
    finally:
        folder.release()
    assert len(Scan(**scan_kwargs, round_limit=1).data) == 1


@pytest.mark.parametrize(
    ("override", "error", "match"),
    [
        (
            {"y": np.zeros(39)},
            ScanArgumentError,
            r"x and y must have the same number of samples, got len\(x\)=40 and len\(y\)=39",
        ),
        ({"x_val": np.zeros((5, 3))}, ScanArgumentError, r"x_val was given without y_val"),
        ({"y_val": np.zeros(5)}, ScanArgumentError, r"y_val was given without x_val"),
        (
            {"x_val": np.zeros((5, 3)), "y_val": np.zeros(4)},
            ScanArgumentError,
            r"x_val and y_val must have the same number of samples",
        ),
        ({"val_split": 0}, ScanArgumentError, r"val_split must be a fraction strictly between 0"),
        ({"val_split": 1.5}, ScanArgumentError, r"val_split .* got 1.5"),
        (
            {"fraction_limit": 0.01},
            ScanArgumentError,
            r"fraction_limit=0.01 of a grid of 12 permutations selects no run",
        ),
        ({"fraction_limit": 2}, ScanArgumentError, r"fraction_limit must be a fraction .* got 2"),
        (
            {"round_limit": 0},
            ScanArgumentError,
            r"round_limit=0 selects no run; it must be >= 1 \(the grid has 12 permutations\)",
        ),
        ({"round_limit": 2.5}, ScanArgumentTypeError, r"round_limit must be an int"),
        (
            {"time_limit": "2001-01-01 10:00"},
            ScanArgumentError,
            r"time_limit='2001-01-01 10:00' is in the past",
        ),
        (
            {"time_limit": "next tuesday"},
            ScanArgumentError,
            r"time_limit='next tuesday' cannot be read as a date.*'YYYY-MM-DD HH:MM'",
        ),
        ({"time_limit": -5}, ScanArgumentError, r"time_limit=-5 seconds is not in the future"),
        ({"time_limit": [1]}, ScanArgumentTypeError, r"time_limit must be a 'YYYY-MM-DD HH:MM'"),
        ({"random_method": "quantum"}, ScanArgumentError, r"random_method='quantum' is not"),
        ({"random_method": "magic"}, ScanArgumentError, r"random_method='magic' is unknown"),
        ({"performance_target": 0.9}, ScanArgumentError, r"performance_target=0.9 is malformed"),
        (
            {"performance_target": ["val_acc", "high"]},
            ScanArgumentError,
            r"needs a metric name and a number",
        ),
        ({"model": "my_model"}, ScanArgumentTypeError, r"model must be your model function"),
        (
            {"model": lambda x, y, params: None},
            ScanArgumentTypeError,
            r"cannot be called as model\(x_train, y_train, x_val, y_val, params\)",
        ),
        ({"experiment_name": "a/b"}, ScanArgumentError, r"experiment_name must be a non-empty"),
        ({"boolean_limit": True}, ScanArgumentTypeError, r"boolean_limit must be a function"),
        ({"seed": -1}, ScanArgumentTypeError, r"seed must be a non-negative int"),
        ({"max_consecutive_failures": 0}, ScanArgumentError, r"max_consecutive_failures must be"),
        ({"metric": 3}, ScanArgumentTypeError, r"metric must be a history key"),
        ({"params": {"lr": 0.1}}, TypeError, r"Wrap a single value in a list"),
    ],
)
def test_bad_arguments_fail_before_any_training(scan_kwargs, override, error, match):
    trained = []

    def spy(*args):
        trained.append(1)
        return fake_model(*args)

    kwargs = scan_kwargs | {"model": spy} | override
    with pytest.raises(error, match=match):
        Scan(**kwargs)
    assert trained == []


def test_time_limit_accepts_talos_string_datetime_and_seconds(scan_kwargs):
    later = dt.datetime.now() + dt.timedelta(hours=1)
    for limit in (later.strftime("%Y-%m-%d %H:%M"), later, 3600, dt.timedelta(hours=1)):
        scan = Scan(**scan_kwargs | {"experiment_name": "t"}, round_limit=1, time_limit=limit)
        assert len(scan.data) == 1


def test_multi_input_lists_and_pandas_are_split(scan_kwargs, xy):
    import pandas as pd

    x, y = xy
    seen = {}

    def spy(x_train, y_train, x_val, y_val, params):
        seen["types"] = (type(x_train), len(x_train[0]) if isinstance(x_train, list) else None)
        return fake_model(x_train, y_train, x_val, y_val, params)

    Scan(**scan_kwargs | {"model": spy, "x": [x, x[:, :1]]}, round_limit=1)
    assert seen["types"] == (list, 28)
    Scan(
        **scan_kwargs
        | {"model": spy, "x": pd.DataFrame(x), "y": pd.Series(y), "experiment_name": "pd"},
        round_limit=1,
    )
    assert seen["types"][0] is pd.DataFrame


def planted_bad_units(x_train, y_train, x_val, y_val, params):
    penalty = 5.0 if params["units"] == 8 else 0.0
    loss = [1.0 + penalty + params["noise"] / 100, 0.9 + penalty + params["noise"] / 100]
    return FakeHistory({"loss": loss, "val_loss": loss}), None


REDUCTION_PARAMS = {"lr": [0.1, 0.01, 0.001, 0.0001], "units": [4, 8], "noise": list(range(5))}


@pytest.mark.parametrize("method", ["correlation", "kendall", "pearson", "importance"])
def test_automatic_reduction_removes_the_planted_bad_value(scan_kwargs, method):
    scan = Scan(
        **scan_kwargs | {"model": planted_bad_units, "params": REDUCTION_PARAMS},
        round_limit=30,
        reduction_method=method,
        reduction_interval=10,
        reduction_window=10,
        reduction_threshold=0.2,
    )
    assert scan.reductions[["after_runs", "param", "value"]].iloc[0].tolist() == [10, "units", "8"]
    later = scan.data.sort_values("end").iloc[10:]
    assert (later["units"] == 4).all() and len(later) > 0
    assert read_manifest(scan.round_path)["reductions"][0]["param"] == "units"


def test_reduction_survives_a_resume(scan_kwargs, tmp_path):
    kwargs = scan_kwargs | {"model": planted_bad_units, "params": REDUCTION_PARAMS}
    options = dict(
        round_limit=30, reduction_method="correlation", reduction_interval=10, reduction_window=10
    )
    calls = []

    def stop_after_fifteen(*args):
        calls.append(1)
        if len(calls) > 15:
            os.kill(os.getpid(), signal.SIGINT)  # the user presses Ctrl-C
        return planted_bad_units(*args)

    with pytest.raises(KeyboardInterrupt):
        Scan(**kwargs | {"model": stop_after_fifteen}, **options)
    resumed = Scan(**kwargs, **options)
    full = Scan(**kwargs | {"results_dir": tmp_path / "full"}, **options)
    assert sorted(resumed.data["run_id"]) == sorted(full.data["run_id"])
    assert len(resumed.reductions) == len(full.reductions) >= 1


@pytest.mark.parametrize(
    ("override", "match"),
    [
        ({"reduction_method": "entropy"}, r"reduction_method='entropy' is unknown"),
        (
            {"reduction_method": "correlation", "reduction_interval": 0},
            r"reduction_interval must be an int >= 1",
        ),
        (
            {"reduction_method": "correlation", "reduction_window": 1},
            r"reduction_window=1 is too small to judge a value: a correlation needs at least 2",
        ),
        (
            {"reduction_method": "correlation", "reduction_threshold": 1.5},
            r"reduction_threshold must be in \[0, 1\)",
        ),
    ],
)
def test_bad_reduction_arguments(scan_kwargs, override, match):
    with pytest.raises(ScanArgumentError, match=match):
        Scan(**scan_kwargs | override)


def test_failed_run_error_records_the_run_and_does_not_count_as_a_crash(scan_kwargs):
    from scanlab.errors import FailedRunError

    def refuses_small_units(x_train, y_train, x_val, y_val, params):
        if params["units"] == 4:
            raise FailedRunError("units=4 is too small for this data")
        return fake_model(x_train, y_train, x_val, y_val, params)

    # six refusals in a row would stop the scan if they counted as crashes
    scan = Scan(**scan_kwargs | {"model": refuses_small_units}, max_consecutive_failures=2)
    failed = scan.data[scan.data["status"] == "failed"]
    assert len(scan.data) == 12 and len(failed) == 6 and scan.stop_reason == "completed"
    assert failed["error"].str.startswith("FailedRunError: units=4 is too small").all()


def test_fatal_scan_error_stops_the_scan_and_its_run_runs_again_on_resume(scan_kwargs):
    from scanlab.errors import FatalScanError

    calls = []

    def stops_on_third(x_train, y_train, x_val, y_val, params):
        calls.append(params)
        if len(calls) == 3:
            raise FatalScanError("GPU memory is gone")
        return fake_model(x_train, y_train, x_val, y_val, params)

    with pytest.raises(
        FatalScanError,
        match=r"stopped the scan at run [0-9a-f]{16} \{.*\}: FatalScanError: GPU memory is gone\. "
        r"That run is not recorded and runs again",
    ):
        Scan(**scan_kwargs | {"model": stops_on_third})
    rows = load_results(scan_kwargs["results_dir"] / "exp")
    assert rows["status"].tolist() == ["ok", "ok"]  # the stopped run did not finish
    manifest = read_manifest(scan_kwargs["results_dir"] / "exp" / "round-001")
    assert manifest["status"].startswith("FatalScanError")
    resumed = Scan(**scan_kwargs)  # the same call resumes: the stopped run runs, nothing twice
    assert len(resumed.data) == 12 and resumed.data["run_id"].is_unique
    assert (resumed.data["status"] == "ok").all() and len(calls) == 3


def _interrupted_scan(scan_kwargs, runs, **options):
    """A scan stopped by Ctrl-C after ``runs`` runs; returns its round folder."""
    calls = []

    def stops(*args):
        calls.append(1)
        if len(calls) > runs:
            os.kill(os.getpid(), signal.SIGINT)  # the user presses Ctrl-C
        return fake_model(*args)

    with pytest.raises(KeyboardInterrupt):
        Scan(**scan_kwargs | {"model": stops}, **options)
    return scan_kwargs["results_dir"] / "exp" / "round-001"


def test_a_resumed_round_keeps_the_metric_its_rows_were_built_on(scan_kwargs):
    round_dir = _interrupted_scan(scan_kwargs, 3, metric="val_loss")
    assert read_manifest(round_dir)["metric"] == "val_loss"
    resumed = Scan(**scan_kwargs)  # no metric named: the round's own is kept
    assert resumed.round == 1 and resumed.tracked_metric == "val_loss" and resumed.minimize
    assert len(resumed.data) == 12
    assert np.allclose(resumed.data["best_value"], resumed.data["val_loss"])


def test_a_round_from_before_the_manifest_recorded_its_metric_keeps_val_loss(scan_kwargs):
    round_dir = _interrupted_scan(scan_kwargs, 3, metric="val_loss")
    manifest = read_manifest(round_dir)
    del manifest["metric"], manifest["minimize"]  # as written by scanlab 0.1
    (round_dir / "manifest.json").write_text(json.dumps(manifest))
    resumed = Scan(**scan_kwargs)
    assert resumed.round == 1 and resumed.tracked_metric == "val_loss"
    assert read_manifest(round_dir)["metric"] == "val_loss"
    assert np.allclose(resumed.data["best_value"], resumed.data["val_loss"])


def test_the_arguments_stay_readable_on_the_scan(scan_kwargs):
    scan = Scan(**scan_kwargs, round_limit=4, reduction_method="correlation")
    assert (scan.planned, scan.method, scan.workers, scan.resume) == (4, "uniform", None, True)
    assert scan.reduction == {
        "method": "correlation",
        "interval": 50,
        "window": 20,
        "threshold": 0.2,
    }
    assert scan.max_consecutive_failures == 5 and scan.boolean_limit is None
    with pytest.raises(AttributeError, match="'Scan' object has no attribute 'nope'"):
        scan.nope  # noqa: B018
