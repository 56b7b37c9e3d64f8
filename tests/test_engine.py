"""scanlab._engine: the loop's fault handling (a fake model, no training)."""

from __future__ import annotations

import errno
import math
import subprocess
import sys
import textwrap

import pytest
from _fakes import FakeHistory, fake_model, subprocess_env

from scanlab import Scan, load_results
from scanlab._crash_marker import MARKER_FILE
from scanlab._manifest import read_manifest
from scanlab.errors import ResultsWriteError, ScanArgumentError, TooManyFailuresError
from scanlab.log import ResultLog

SCRIPT = textwrap.dedent(
    """
    import os, sys
    import numpy as np
    from _fakes import fake_model
    from scanlab import Scan

    def model(x_train, y_train, x_val, y_val, params):
        if params["units"] == 8 and params["lr"] == 0.1:
            os._exit(3)  # kills the whole scan process, as a crashing framework would
        return fake_model(x_train, y_train, x_val, y_val, params)

    x = np.random.default_rng(0).normal(size=(40, 3)).astype("float32")
    y = (x[:, 0] > 0).astype("float32")
    scan = Scan(x, y, params={"lr": [0.1, 0.01], "units": [4, 8]}, model=model,
                experiment_name="exp", results_dir=sys.argv[1], seed=1,
                disable_progress_bar=True, clear_session=False, random_method="grid")
    print(len(scan.data))
    """
)


def test_a_run_that_kills_the_process_twice_is_recorded_as_failed(tmp_path):
    script = tmp_path / "scan.py"
    script.write_text(SCRIPT)

    def attempt():
        return subprocess.run(
            [sys.executable, str(script), str(tmp_path / "results")],
            env=subprocess_env(),
            capture_output=True,
            text=True,
            timeout=120,
        )

    first, second = attempt(), attempt()
    assert first.returncode == second.returncode == 3  # retried once: it may have been a kill
    rows = load_results(tmp_path / "results" / "exp")
    assert rows["status"].tolist() == ["ok"]  # grid order: (0.1, 4) ran, (0.1, 8) killed
    third = attempt()
    assert third.returncode == 0, third.stderr
    rows = load_results(tmp_path / "results" / "exp")
    assert len(rows) == 4 and rows["run_id"].is_unique
    died = rows[rows["status"] == "failed"]
    assert died["error"].str.startswith("ProcessDied: the scan process ended 2 times").all()
    assert (
        len(died) == 1 and not (tmp_path / "results" / "exp" / "round-001" / MARKER_FILE).exists()
    )


def test_sys_exit_in_the_model_function_is_a_failed_row_and_the_scan_goes_on(scan_kwargs):
    def exits(x_train, y_train, x_val, y_val, params):
        if params["units"] == 4:
            sys.exit(1)
        return fake_model(x_train, y_train, x_val, y_val, params)

    scan = Scan(**scan_kwargs | {"model": exits}, max_consecutive_failures=None)
    failed = scan.data[scan.data["status"] == "failed"]
    assert len(scan.data) == 12 and len(failed) == 6
    assert failed["error"].str.contains(r"the model function called sys.exit\(1\)").all()


def test_a_nan_tracked_metric_on_the_first_run_does_not_crash_the_bar_or_resume(scan_kwargs):
    def nan_accuracy(x_train, y_train, x_val, y_val, params):
        return FakeHistory({"loss": [0.5, 0.4], "val_accuracy": [math.nan, math.nan]}), None

    kwargs = scan_kwargs | {"model": nan_accuracy, "disable_progress_bar": False}
    scan = Scan(**kwargs, metric="val_accuracy", round_limit=3)
    assert (scan.data["status"] == "ok").all() and scan.data["best_value"].isna().all()
    again = Scan(**kwargs, metric="val_accuracy", round_limit=3)
    assert len(again.data) == 3


def test_a_full_disk_is_one_clear_error_and_the_round_resumes(scan_kwargs, monkeypatch):
    original = ResultLog.append
    writes = []

    def fills_up(self, row, history=None, traceback=None, **sidecar):
        writes.append(row["run_id"])
        if len(writes) > 2:
            raise OSError(errno.ENOSPC, "No space left on device")
        return original(self, row, history, traceback, **sidecar)

    monkeypatch.setattr(ResultLog, "append", fills_up)
    with pytest.raises(ResultsWriteError) as info:
        Scan(**scan_kwargs)
    message = str(info.value)
    assert "could not write run" in message and "No space left on device" in message
    assert "bytes free" in message and "run the same call again to resume" in message
    assert info.value.__cause__ is None and info.value.__context__ is not None
    monkeypatch.setattr(ResultLog, "append", original)
    round_dir = scan_kwargs["results_dir"] / "exp" / "round-001"
    assert len(load_results(round_dir)) == 2
    assert read_manifest(round_dir)["status"].startswith("ResultsWriteError")
    resumed = Scan(**scan_kwargs)
    assert resumed.round == 1 and len(resumed.data) == 12 and resumed.data["run_id"].is_unique


def test_a_boolean_limit_that_keeps_nothing_is_refused_before_training(scan_kwargs):
    calls = []

    def counting(*args):
        calls.append(1)
        return fake_model(*args)

    with pytest.raises(ScanArgumentError, match=r"^boolean_limit kept none of the 12 sampled"):
        Scan(**scan_kwargs | {"model": counting}, boolean_limit=lambda p: p["lr"] > 1)
    assert calls == []


def test_too_many_failures_quotes_the_cause_when_there_is_no_traceback(scan_kwargs, monkeypatch):
    import scanlab.trial as trial

    def no_traceback(*args, **kwargs):
        return trial.TrialResult(
            "failed", "t0", "t1", 0.0, error="WorkerDied: signal 9", raised=True
        )

    monkeypatch.setattr("scanlab.executors.inprocess.run_trial", no_traceback)
    with pytest.raises(TooManyFailuresError, match=r"The last run raised:\nWorkerDied: signal 9$"):
        Scan(**scan_kwargs)


@pytest.mark.parametrize(
    ("key", "error", "match"),
    [
        ("lr", "ParamsError", r"params keys \['lr'\] are also history keys"),
        ("status", "ContractError", r"history has keys \['status'\], which are scanlab's own"),
        ("run_id", "ContractError", r"history has keys \['run_id'\]"),
    ],
)
def test_a_history_key_named_like_a_column_never_overwrites_it(scan_kwargs, key, error, match):
    def logs_a_column(x_train, y_train, x_val, y_val, params):
        history, model = fake_model(x_train, y_train, x_val, y_val, params)
        history.history[key] = [1.0] * len(history.history["loss"])
        return history, model

    kwargs = scan_kwargs | {"model": logs_a_column}
    for _ in range(2):  # the first call and its resume both stop at once, saying why
        with pytest.raises(Exception, match=match) as info:
            Scan(**kwargs)
        assert type(info.value).__name__ == error
    rows = load_results(scan_kwargs["results_dir"] / "exp")
    assert len(rows) == 2 and rows["run_id"].is_unique and (rows["status"] == "ok").all()
    assert set(rows["lr"]) <= {0.1, 0.01, 0.001}  # the labels, never the metric's 1.0


def test_a_damaged_seed_in_the_manifest_is_refused_not_guessed(scan_kwargs):
    import json

    kwargs = scan_kwargs | {"seed": None}
    first = Scan(**kwargs, round_limit=3)
    manifest = read_manifest(first.round_path)
    manifest["seed"] = "x"
    (first.round_path / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(Exception, match=r"manifest.json' records seed='x'.*Fix: restore"):
        Scan(**kwargs, round_limit=3)
    assert len(load_results(first.round_path)) == 3
