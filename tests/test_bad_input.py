"""Every malformed input is refused before any training, with a message that names the
argument, the rule, the value received and a fix.

One parametrized table of Scan arguments (each case also checks that the model function was
never called and no results file was written), and one of direct calls (``scanlab.reduce``,
``ParamSpace``, ``load_results``, ``Analyze``, ``suggest``, the samplers).
"""

from __future__ import annotations

import math
import os
import threading
from datetime import datetime, timedelta

import numpy as np
import pytest
from _fakes import fake_model, runs

import scanlab
from scanlab import (
    AnalysisError,
    MetricNotFoundError,
    ParamsError,
    ParamsTypeError,
    ScanArgumentError,
    ScanArgumentTypeError,
    cli,
    reduce,
)
from scanlab.errors import CommandLineError
from scanlab.sampling import resolve_method, sample_indices
from scanlab.space import ParamSpace

#: A phrase that tells the user what to do instead.
FIX = r"(Fix: |[Uu]se |[Gg]ive |[Pp]ass |Wrap |Rename |Write |[Cc]heck |[Rr]emove )"

NAN, INF = float("nan"), float("inf")

TRAINED: list[dict] = []


def recording_model(x_train, y_train, x_val, y_val, params):
    """fake_model that records each call: no case may reach it."""
    TRAINED.append(dict(params))
    return fake_model(x_train, y_train, x_val, y_val, params)


def _unpicklable_model():
    lock = threading.Lock()

    def model(x_train, y_train, x_val, y_val, params):
        with lock:
            return recording_model(x_train, y_train, x_val, y_val, params)

    return model


def _three_args(x_train, y_train, x_val):
    return None


def _file_as_results_dir(kwargs, tmp_path, monkeypatch):
    path = tmp_path / "a_file"
    path.write_text("not a folder")
    return kwargs | {"results_dir": path}


def _file_as_experiment(kwargs, tmp_path, monkeypatch):
    (tmp_path / "exp").write_text("not a folder")
    return kwargs


def _results_dir_under_a_file(kwargs, tmp_path, monkeypatch):
    path = tmp_path / "a_file"
    path.write_text("not a folder")
    return kwargs | {"results_dir": path / "sub" / "results"}


def _read_only_results_dir(kwargs, tmp_path, monkeypatch):
    monkeypatch.setattr("scanlab._argument_checks.os.access", lambda *args, **kw: False)
    return kwargs | {"results_dir": tmp_path / "new"}


def _unpicklable(**extra):
    def build(kwargs, tmp_path, monkeypatch):
        return kwargs | {"model": _unpicklable_model()} | extra

    build.__name__ = "unpicklable_model_with_" + "_".join(extra)
    return build


A40 = np.zeros((40, 3))

# (override or builder, exception class, regex naming the argument)
SCAN_CASES = [
    # ---- params ----
    ({"params": [1, 2]}, ParamsTypeError, r"^params must be a dict"),
    ({"params": None}, ParamsTypeError, r"^params must be a dict"),
    ({"params": "lr"}, ParamsTypeError, r"^params must be a dict"),
    ({"params": {}}, ParamsError, r"^params is empty"),
    ({"params": {"lr": []}}, ParamsError, r"^params\['lr'\] is an empty list"),
    ({"params": {"lr": range(0)}}, ParamsError, r"^params\['lr'\] is an empty list"),
    ({"params": {"lr": 0.1}}, ParamsTypeError, r"^params\['lr'\] must be a list"),
    ({"params": {"lr": None}}, ParamsTypeError, r"^params\['lr'\] must be a list"),
    ({"params": {"lr": "relu"}}, ParamsTypeError, r"^params\['lr'\] must be a list"),
    ({"params": {"lr": {0.1, 0.2}}}, ParamsTypeError, r"^params\['lr'\] is a set"),
    ({"params": {"lr": (0, 1)}}, ParamsError, r"^params\['lr'\] is a tuple of length 2"),
    ({"params": {"lr": (0, 1, 0)}}, ParamsError, r"^params\['lr'\] range steps"),
    ({"params": {"lr": (0, 1, 2.5)}}, ParamsError, r"^params\['lr'\] range steps"),
    ({"params": {"lr": (1, 1, 3)}}, ParamsError, r"^params\['lr'\] range needs stop > start"),
    ({"params": {"lr": ("a", 1, 3)}}, ParamsTypeError, r"^params\['lr'\] range start"),
    ({"params": {"lr": (0, NAN, 3)}}, ParamsTypeError, r"^params\['lr'\] range stop"),
    ({"params": {"lr": (0, INF, 3)}}, ParamsTypeError, r"^params\['lr'\] range stop"),
    ({"params": {"lr": [0.1, 0.1]}}, ParamsError, r"^params\['lr'\] has duplicate values"),
    ({"params": {"lr": [1, 1.0]}}, ParamsError, r"^params\['lr'\] has duplicate values"),
    ({"params": {"lr": [0.1, NAN]}}, ParamsError, r"^params\['lr'\] has NaN at position 1"),
    ({"params": {"lr": [np.float32("nan")]}}, ParamsError, r"^params\['lr'\] has NaN"),
    ({"params": {"lr": np.array([0.1, np.nan])}}, ParamsError, r"^params\['lr'\] has NaN"),
    ({"params": {"lr": np.zeros((2, 2))}}, ParamsTypeError, r"^params\['lr'\] must be a 1-D"),
    ({"params": {"lr": np.array(5)}}, ParamsTypeError, r"^params\['lr'\] must be a 1-D"),
    (
        {"params": {"lr": [np.zeros((2, 2)), 1]}},
        ParamsTypeError,
        r"^params\['lr'\] has a 2-D array at position 0",
    ),
    ({"params": {"loss": [1]}}, ParamsError, r"^params key 'loss' collides"),
    ({"params": {"run_id": [1]}}, ParamsError, r"^params key 'run_id' collides"),
    ({"params": {3: [1]}}, ParamsTypeError, r"^params keys must be non-empty strings"),
    ({"params": {"": [1]}}, ParamsTypeError, r"^params keys must be non-empty strings"),
    # ---- model ----
    ({"model": "my_model"}, ScanArgumentTypeError, r"^model must be your model function"),
    ({"model": None}, ScanArgumentTypeError, r"^model must be your model function"),
    ({"model": 3}, ScanArgumentTypeError, r"^model must be your model function"),
    ({"model": _three_args}, ScanArgumentTypeError, r"^model\(.*\) cannot be called"),
    ({"model": lambda x, y, params: None}, ScanArgumentTypeError, r"^model\(.*\) cannot be"),
    (_unpicklable(workers=2), ScanArgumentTypeError, r"^model must be picklable"),
    (_unpicklable(trial_timeout=60), ScanArgumentTypeError, r"^model must be picklable"),
    (_unpicklable(max_runs_per_worker=3), ScanArgumentTypeError, r"^model must be picklable"),
    (_unpicklable(workers_per_gpu=2), ScanArgumentTypeError, r"^model must be picklable"),
    # ---- experiment_name ----
    *(
        ({"experiment_name": bad}, ScanArgumentError, r"^experiment_name must be a non-empty")
        for bad in (
            "..",
            ".",
            "../escape",
            "a/b",
            "a\\b",
            "a:b",
            "",
            " ",
            "a\nb",
            "a\rb",
            "\t",
            "a\x00b",
            "a\x7fb",
            "a\u2028b",
            "x" * 256,
            "\u00e9" * 128,  # 256 bytes of UTF-8
            None,
            5,
            b"exp",
        )
    ),
    # ---- results_dir ----
    *(
        ({"results_dir": bad}, ScanArgumentTypeError, r"^results_dir must be a folder path")
        for bad in (5, None, True, 3.5, ["results"])
    ),
    ({"results_dir": b"results"}, ScanArgumentTypeError, r"^results_dir must be a folder path"),
    ({"results_dir": "res\x00ults"}, ScanArgumentError, r"^results_dir must not contain a NUL"),
    (_file_as_results_dir, ScanArgumentError, r"^results_dir must be a folder .* existing file"),
    (_file_as_experiment, ScanArgumentError, r"^results_dir/experiment_name must be a folder"),
    (_results_dir_under_a_file, ScanArgumentError, r"^results_dir must be inside a folder"),
    (_read_only_results_dir, ScanArgumentError, r"^results_dir must be writable"),
    # ---- random_method ----
    *(
        ({"random_method": bad}, ScanArgumentError, r"^random_method")
        for bad in ("magic", "quantum", "ambience", 3, None, ["uniform"])
    ),
    # ---- seed ----
    *(
        ({"seed": bad}, ScanArgumentTypeError, r"^seed must be a non-negative int or None")
        for bad in (-1, True, 1.5, "1", "abc", [1])
    ),
    # ---- performance_target ----
    *(
        ({"performance_target": bad}, ScanArgumentError, r"^performance_target=")
        for bad in (
            0.9,
            "val_loss",
            ["val_loss"],
            ["val_loss", NAN],
            ["val_loss", INF],
            ["val_loss", -INF],
            ["val_loss", "high"],
            [0.9, "val_accuracy"],
            ["val_loss", 0.1, "no"],
            ["val_loss", 0.1, 2],
            {"val_loss": 0.1},
            ["val_loss", None],
            ["", 0.1],
            ["val_loss", True],
            ["val_loss", 0.1, True, 4],
        )
    ),
    # ---- fraction_limit, round_limit ----
    *(
        ({"fraction_limit": bad}, ScanArgumentError, r"^fraction_limit")
        for bad in (0, -0.5, 1.5, True, "0.1", NAN, INF, 0.01, [0.1])
    ),
    *(
        ({"round_limit": bad}, ScanArgumentTypeError, r"^round_limit must be an int")
        for bad in (2.5, True, "5", NAN, [5])
    ),
    *(
        ({"round_limit": bad}, ScanArgumentError, r"^round_limit=-?\d+ selects no run")
        for bad in (0, -3)
    ),
    # ---- time_limit ----
    *(
        ({"time_limit": bad}, ScanArgumentError, r"^time_limit")
        for bad in (
            NAN,
            INF,
            -INF,
            np.float64("nan"),
            0,
            -5,
            "2000-01-01 00:00",
            "tomorrow 18:00",
            "",
            timedelta(hours=-1),
            datetime(2020, 1, 1),
        )
    ),
    *(
        ({"time_limit": bad}, ScanArgumentTypeError, r"^time_limit must be")
        for bad in (True, [18, 0], object())
    ),
    # ---- boolean_limit ----
    *(
        ({"boolean_limit": bad}, ScanArgumentTypeError, r"^boolean_limit must be a function")
        for bad in (3, True, "p['lr'] < 0.1", [len])
    ),
    # ---- automatic reduction ----
    *(
        ({"reduction_method": bad}, ScanArgumentError, r"^reduction_method=.* is unknown")
        for bad in ("entropy", 3, ["correlation"], True)
    ),
    *(
        (
            {"reduction_method": "correlation", "reduction_interval": bad},
            ScanArgumentError,
            r"^reduction_interval must be an int >= 1",
        )
        for bad in (0, -1, 1.5, True, "50")
    ),
    *(
        (
            {"reduction_method": "correlation", "reduction_window": bad},
            ScanArgumentError,
            r"^reduction_window",
        )
        for bad in (1, 0, "x", None)
    ),
    *(
        (
            {"reduction_method": "correlation", "reduction_threshold": bad},
            ScanArgumentError,
            r"^reduction_threshold must be in \[0, 1\)",
        )
        for bad in (1.5, -0.1, NAN, "high", True, 1)
    ),
    # ---- metric, reduction_metric, minimize_loss ----
    *(
        ({name: bad}, ScanArgumentTypeError, rf"^{name} must be a history key")
        for name in ("metric", "reduction_metric")
        for bad in (3, "", " ", ["val_loss"])
    ),
    *(
        ({"minimize_loss": bad}, ScanArgumentTypeError, r"^minimize_loss must be True, False")
        for bad in ("yes", "False", 1, 0, [True])
    ),
    # ---- flags ----
    *(
        ({name: bad}, ScanArgumentTypeError, rf"^{name} must be True or False")
        for name in (
            "disable_progress_bar",
            "print_params",
            "clear_session",
            "save_models",
            "resume",
        )
        for bad in ("no", 1, None)
    ),
    # ---- failures and parallelism ----
    *(
        (
            {"max_consecutive_failures": bad},
            ScanArgumentError,
            r"^max_consecutive_failures must be an int >= 1",
        )
        for bad in (0, -1, True, 1.5, "5")
    ),
    *(
        ({"workers": bad}, ScanArgumentError, r"^workers must be an int >= 1")
        for bad in (0, -1, True, 1.5, "2")
    ),
    *(
        ({"workers_per_gpu": bad}, ScanArgumentError, r"^workers_per_gpu must be an int >= 1")
        for bad in (0, 1.5, None, True)
    ),
    *(
        (
            {"max_runs_per_worker": bad},
            ScanArgumentError,
            r"^max_runs_per_worker must be an int >= 1",
        )
        for bad in (0, 2.5, "3")
    ),
    *(
        ({"trial_timeout": bad}, ScanArgumentError, r"^trial_timeout must be a positive number")
        for bad in (0, -1, NAN, INF, True, "10")
    ),
    *(
        ({"executor": bad}, ScanArgumentTypeError, r"^executor must be a dask")
        for bad in (object(), "dask", 4)
    ),
    # ---- data (checked when the round starts, before its first run) ----
    ({"x": 5}, ScanArgumentError, r"^x must be an array-like"),
    ({"y": None}, ScanArgumentError, r"^y must be an array-like"),
    ({"y": np.zeros(39)}, ScanArgumentError, r"^x and y must have the same number of samples"),
    ({"x_val": A40}, ScanArgumentError, r"^x_val was given without y_val"),
    ({"y_val": np.zeros(40)}, ScanArgumentError, r"^y_val was given without x_val"),
    (
        {"x_val": A40, "y_val": np.zeros(39)},
        ScanArgumentError,
        r"^x_val and y_val must have the same number of samples",
    ),
    (
        {"x": [np.zeros((40, 2)), np.zeros((39, 1))]},
        ScanArgumentError,
        r"^x is a list of inputs with different lengths",
    ),
    *(
        ({"val_split": bad}, ScanArgumentError, r"^val_split must be a fraction")
        for bad in (0, 1, 1.5, -0.1, "0.3", True, None, NAN)
    ),
    ({"val_split": 0.001}, ScanArgumentError, r"^val_split=0\.001 of 40 samples leaves"),
]


def _case_id(case) -> str:
    override = case[0]
    if callable(override):
        return getattr(override, "__name__", "builder")
    text = ",".join(f"{k}={v!r}" for k, v in override.items())
    return text[:60].encode("ascii", "backslashreplace").decode()


@pytest.mark.parametrize(
    ("override", "error", "argument"), SCAN_CASES, ids=[_case_id(c) for c in SCAN_CASES]
)
def test_scan_refuses_bad_input_before_training(
    scan_kwargs, tmp_path, monkeypatch, override, error, argument
):
    TRAINED.clear()
    kwargs = scan_kwargs | {"model": recording_model}
    kwargs = override(kwargs, tmp_path, monkeypatch) if callable(override) else kwargs | override
    with pytest.raises(error, match=rf"(?s){argument}.*{FIX}"):
        scanlab.Scan(**kwargs)
    assert TRAINED == []
    assert not list(tmp_path.rglob("results.csv"))


def test_the_table_is_large_enough():
    assert len(SCAN_CASES) + len(DIRECT_CASES) >= 150


PARAMS = {"lr": [0.1, 0.01, 0.001], "units": (8, 40, 4)}
LR = {"lr": [0.1, 0.01, 0.001]}
RUNS = runs(lr=[0.1, 0.01, 0.001, 0.1], val_loss=[0.5, 0.4, 0.3, 0.6])

# (call, exception class, regex naming the argument)
DIRECT_CASES = [
    # ---- scanlab.reduce ----
    (lambda: reduce.diff(PARAMS, 5), ParamsTypeError, r"^after must be a params dict"),
    (lambda: reduce.diff(None, PARAMS), ParamsTypeError, r"^before must be a params dict"),
    (lambda: reduce.diff([1], PARAMS), ParamsTypeError, r"^before must be a params dict"),
    (lambda: reduce.diff(PARAMS, {"lr": [NAN]}), ParamsError, r"^params\['lr'\] has NaN"),
    (lambda: reduce.drop(PARAMS, "lrate", [0.1]), ParamsError, r"params has no parameter"),
    (lambda: reduce.drop(PARAMS, "lr", [0.5]), ParamsError, r"^'lr' has no value\(s\)"),
    (lambda: reduce.drop(PARAMS, "lr", 5), ParamsTypeError, r"^drop\(\) values must be"),
    (lambda: reduce.drop(PARAMS, "lr", lambda v: True), ParamsError, r"every value of 'lr'"),
    (lambda: reduce.drop(5, "lr", [0.1]), ParamsTypeError, r"^params must be a params dict"),
    (lambda: reduce.keep(PARAMS, "lr", lambda v: False), ParamsError, r"keeps no value of 'lr'"),
    (lambda: reduce.keep(PARAMS, "lr", 0.1), ParamsTypeError, r"^keep\(\) values must be"),
    (lambda: reduce.keep(PARAMS, "lr", [0.5]), ParamsError, r"^'lr' has no value\(s\)"),
    (lambda: reduce.fix(PARAMS, "nope", 1), ParamsError, r"params has no parameter 'nope'"),
    (lambda: reduce.fix([1], "lr", 1), ParamsTypeError, r"^params must be a params dict"),
    (lambda: reduce.fix(PARAMS, 3, 1), ParamsTypeError, r"^name must be a parameter name"),
    (lambda: reduce.add(PARAMS, "lr", [0.1]), ParamsError, r"^params\['lr'\] has duplicate"),
    (lambda: reduce.add(PARAMS, "lr", 5), ParamsTypeError, r"^add\(\) values must be"),
    (lambda: reduce.add(PARAMS, "lr", [NAN]), ParamsError, r"^params\['lr'\] has NaN"),
    (lambda: reduce.add(5, "lr", [1]), ParamsTypeError, r"^params must be a params dict"),
    (lambda: reduce.set_range(PARAMS, "lr", 0.5, 0.1, 3), ParamsError, r"^params\['lr'\] range"),
    (lambda: reduce.set_range(PARAMS, "lr", 0, 1, 0), ParamsError, r"^params\['lr'\] range"),
    (lambda: reduce.set_range(PARAMS, "lr", 0, NAN, 3), ParamsTypeError, r"^params\['lr'\]"),
    (lambda: reduce.values_of(PARAMS, "nope"), ParamsError, r"params has no parameter 'nope'"),
    (lambda: reduce.values_of(PARAMS, None), ParamsTypeError, r"^name must be a parameter"),
    # ---- ParamSpace and the samplers ----
    (lambda: ParamSpace({"a": [1, NAN]}), ParamsError, r"^params\['a'\] has NaN"),
    (lambda: ParamSpace({"a": np.ones((3, 1))}), ParamsTypeError, r"^params\['a'\] must be"),
    (lambda: ParamSpace(5), ParamsTypeError, r"^params must be a dict"),
    (lambda: ParamSpace({"a": [1, 2]})[5], IndexError, r"^grid index 5 out of range"),
    (lambda: resolve_method(3), ScanArgumentError, r"^random_method must be a string"),
    (lambda: resolve_method("uniformm"), ScanArgumentError, r"^random_method='uniformm'"),
    (lambda: sample_indices([2, 3], "bogus"), ScanArgumentError, r"^sampler method 'bogus'"),
    # ---- reading and analysing results ----
    (lambda: scanlab.load_results("/no/such/x.csv"), FileNotFoundError, r"no such results"),
    (lambda: scanlab.Analyze(5), AnalysisError, r"the runs must be a Scan"),
    (lambda: scanlab.Analyze(RUNS, metric=3), AnalysisError, r"^metric must be a column"),
    (lambda: scanlab.Analyze(RUNS, metric="nope"), MetricNotFoundError, r"^metric='nope'"),
    (lambda: scanlab.Analyze(RUNS).best_runs(0), AnalysisError, r"^k must be a positive"),
    (lambda: scanlab.Analyze(RUNS).summary(3), AnalysisError, r"^metric must be a column"),
    (lambda: scanlab.suggest(5, PARAMS), AnalysisError, r"the runs must be a Scan"),
    (
        lambda: scanlab.suggest(RUNS, LR, quantile=2),
        AnalysisError,
        r"^quantile must be between 0 and 1",
    ),
    (
        lambda: scanlab.suggest(RUNS, LR, quantile=NAN),
        AnalysisError,
        r"^quantile must be between 0 and 1",
    ),
    (
        lambda: scanlab.suggest(RUNS, LR, min_runs=0),
        AnalysisError,
        r"^min_runs must be an int >= 1",
    ),
    (
        lambda: scanlab.suggest(RUNS, LR, metric="nope"),
        MetricNotFoundError,
        r"^metric='nope'",
    ),
    (lambda: scanlab.Analyze(RUNS, minimize="yes"), AnalysisError, r"^minimize must be True"),
    (lambda: scanlab.Analyze(RUNS, minimize={"val_loss": 1}), AnalysisError, r"^minimize must"),
    (lambda: scanlab.Analyze(RUNS, params=5), AnalysisError, r"^params must be a list"),
    (lambda: scanlab.Analyze(RUNS, metrics="val_loss"), AnalysisError, r"^metrics must be a"),
    (lambda: scanlab.Analyze(RUNS).best_runs("abc"), AnalysisError, r"^k must be a positive"),
    (lambda: scanlab.suggest(RUNS, LR, p_threshold=-1), AnalysisError, r"^p_threshold must be"),
    (lambda: scanlab.suggest(RUNS, LR, max_effect=2), AnalysisError, r"^max_effect must be"),
    (lambda: scanlab.suggest(RUNS, LR, cost=5), AnalysisError, r"^cost must be a dict"),
    (lambda: scanlab.suggest(RUNS, 5), ParamsError, r"^params must be a non-empty dict"),
    (
        lambda: cli._cmd_show(_namespace(top=0)),
        CommandLineError,
        r"^-n must be a positive number",
    ),
]


def _namespace(**kw):
    import argparse

    return argparse.Namespace(**kw)


@pytest.mark.parametrize(
    ("call", "error", "argument"), DIRECT_CASES, ids=[str(i) for i in range(len(DIRECT_CASES))]
)
def test_direct_calls_refuse_bad_input(call, error, argument):
    with pytest.raises(error, match=rf"(?s){argument}.*{FIX}"):
        call()


# ---- behaviour the table cannot show ----------------------------------------------------------


def test_experiment_name_cannot_leave_results_dir(scan_kwargs, tmp_path):
    results = tmp_path / "results"
    with pytest.raises(ScanArgumentError, match=r"'\.\.' names the results folder"):
        scanlab.Scan(**scan_kwargs | {"results_dir": results, "experiment_name": ".."})
    assert not list(tmp_path.rglob("*.csv"))
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_read_only_results_dir_is_refused(scan_kwargs, tmp_path):
    """A really read-only folder: without write permission, or, for root (who writes through
    permissions), a read-only tmpfs mounted for the test."""
    import subprocess

    locked = tmp_path / "locked"
    locked.mkdir()
    as_root = hasattr(os, "geteuid") and os.geteuid() == 0
    if as_root:
        mount = ["mount", "-t", "tmpfs", "-o", "ro,size=64k", "tmpfs", str(locked)]
        assert subprocess.run(mount, capture_output=True).returncode == 0, "cannot mount tmpfs"
    else:
        locked.chmod(0o500)
    try:
        TRAINED.clear()
        with pytest.raises(ScanArgumentError, match=r"^results_dir must be writable"):
            scanlab.Scan(**scan_kwargs | {"model": recording_model, "results_dir": locked / "r"})
        assert TRAINED == []
    finally:
        if as_root:
            subprocess.run(["umount", str(locked)], check=True)
        else:
            locked.chmod(0o700)


def test_good_edge_values_are_still_accepted(scan_kwargs, tmp_path):
    """Names and flags near the rules' edges still scan."""
    TRAINED.clear()
    scan = scanlab.Scan(
        **scan_kwargs
        | {
            "model": recording_model,
            "experiment_name": "\u00e9" * 120 + "-v2.0 (final)",
            "results_dir": str(tmp_path / "new" / "deeper"),
            "params": {"lr": np.array([0.1, 0.01]), "units": [4], "epochs": [2]},
            "performance_target": ["val_loss", 0.1, 1],
            "resume": np.bool_(True),
            "minimize_loss": None,
            "time_limit": 3600,
        }
    )
    assert len(TRAINED) == 2 and len(scan.data) == 2
    assert math.isfinite(scan.data["val_loss"].iloc[0])


@pytest.mark.parametrize("path", [5, None, b"results"])
def test_load_results_refuses_what_is_not_a_path(path):
    with pytest.raises(AnalysisError, match=rf"^path must be a results CSV.*{FIX}"):
        scanlab.load_results(path)


@pytest.mark.parametrize("text", ["", "run_id,round,status"])
def test_load_results_refuses_a_file_without_a_complete_line(tmp_path, text):
    path = tmp_path / "x.csv"
    path.write_text(text)
    with pytest.raises(scanlab.ResultsFormatError, match=r"x.csv' holds no complete line.*Fix: "):
        scanlab.load_results(path)


@pytest.mark.parametrize("key", ["a\rb", "nul\x00", "bell\x07"])
def test_params_keys_with_control_characters_are_refused_before_training(scan_kwargs, key):
    with pytest.raises(ParamsError, match=r"holds the control character .* Fix: rename"):
        scanlab.Scan(**scan_kwargs | {"params": {key: [1, 2], "lr": [0.1]}})


@pytest.mark.parametrize("name", [" lead", "trail ", "ok\u202e", "tab\tname"])
def test_experiment_names_that_would_confuse_a_user_are_refused(scan_kwargs, name):
    with pytest.raises(ScanArgumentError, match=r"^experiment_name must be a non-empty folder"):
        scanlab.Scan(**scan_kwargs | {"experiment_name": name})


def test_an_empty_results_dir_is_refused(scan_kwargs):
    with pytest.raises(ScanArgumentError, match=r"^results_dir must name a folder, got ''"):
        scanlab.Scan(**scan_kwargs | {"results_dir": ""})
