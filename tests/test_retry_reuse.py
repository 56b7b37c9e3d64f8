"""Rounds that end, resume and reuse: a round without an ok run is an error, failed runs are
retried on resume (newest row wins), an earlier round's call resumes that round, a later
round reuses ok rows of the same data and model, and nothing left to run starts nothing."""

from __future__ import annotations

import time

import pytest
from _fakes import fake_model

import scanlab
from scanlab import Analyze, Scan, load_results, read_results
from scanlab._manifest import read_manifest
from scanlab.errors import TooManyFailuresError

BROKEN: set[str] = set()  # module-level: a model's global state is not part of its identity
CALLS: list[dict] = []


def flaky_model(x_train, y_train, x_val, y_val, params):
    CALLS.append(dict(params))
    if "all" in BROKEN or (params["units"] == 8 and "units8" in BROKEN):
        raise ValueError(f"broken for units={params['units']}")
    return fake_model(x_train, y_train, x_val, y_val, params)


@pytest.fixture(autouse=True)
def _reset():
    BROKEN.clear()
    CALLS.clear()
    yield
    BROKEN.clear()
    CALLS.clear()


@pytest.fixture
def kwargs(scan_kwargs):
    return scan_kwargs | {"model": flaky_model, "random_method": "grid"}


# -- item 1: a round without an ok run ends with an error --------------------------------------


@pytest.mark.parametrize("planned", [1, 2, 4])
def test_a_round_in_which_every_run_failed_is_an_error_with_the_first_traceback(kwargs, planned):
    BROKEN.add("all")
    with pytest.raises(
        TooManyFailuresError,
        match=r"(?s)every run of round 1 failed \(\d+ of \d+\).*failed rows are on disk in .*"
        r"fix the model and run the same call again: failed runs are retried \(.*"
        r"Traceback.*ValueError: broken for units",
    ):
        Scan(**kwargs, round_limit=planned)
    rows = load_results(kwargs["results_dir"] / "exp")
    assert len(rows) == planned and set(rows["status"]) == {"failed"}
    manifest = read_manifest(kwargs["results_dir"] / "exp" / "round-001")
    assert manifest["status"].startswith("TooManyFailuresError: every run of round 1 failed")


def test_a_resumed_round_that_still_has_no_ok_run_is_an_error_again(kwargs):
    BROKEN.add("all")
    with pytest.raises(TooManyFailuresError):
        Scan(**kwargs, round_limit=2)
    with pytest.raises(TooManyFailuresError, match="every run of round 1 failed"):
        Scan(**kwargs, round_limit=2, retry_failed=False)  # nothing trained, still no ok run


# -- item 2: failed runs are retried on resume; the newest row wins ------------------------------


def test_fixing_the_model_and_running_the_same_call_again_retries_the_failed_runs(kwargs):
    BROKEN.add("units8")
    first = Scan(**kwargs, round_limit=6)
    failed = set(first.data.loc[first.data["status"] == "failed", "run_id"])
    assert len(failed) == 3 and first.details["runs_failed"] == 3
    csv = first.round_path / "results.csv"
    before = csv.read_bytes()
    BROKEN.clear()  # "fix the model"
    CALLS.clear()
    second = Scan(**kwargs, round_limit=6)
    assert len(CALLS) == 3 and second.details["runs_retried"] == 3
    assert second.round == 1 and len(second.data) == 6
    assert set(second.data["status"]) == {"ok"}
    assert csv.read_bytes().startswith(before)  # the failed rows stay, never rewritten
    # every reader sees the newest row of each run ...
    for source in (second.round_path, second.experiment_path, csv):
        rows = load_results(source)
        assert len(rows) == 6 and set(rows["status"]) == {"ok"}, source
    assert Analyze(second.experiment_path).summary().n_failed == 0
    assert Analyze(second).summary().n_ok == 6
    assert len(scanlab.suggest(second.round_path, kwargs["params"]).params) > 0
    # ... and every attempt stays readable
    attempts = second.attempts
    assert len(attempts) == 9 and (attempts["status"] == "failed").sum() == 3
    assert len(load_results(second.experiment_path, attempts=True)) == 9
    assert len(read_results(second.round_path).attempts()) == 9


def test_retry_failed_false_keeps_the_failed_rows(kwargs):
    BROKEN.add("units8")
    Scan(**kwargs, round_limit=6)
    BROKEN.clear()
    CALLS.clear()
    again = Scan(**kwargs, round_limit=6, retry_failed=False)
    assert CALLS == [] and (again.data["status"] == "failed").sum() == 3


def nan_model(x_train, y_train, x_val, y_val, params):
    """A model whose loss turns NaN for units=8 and that raises FailedRunError for units=4
    with epochs=3."""
    CALLS.append(dict(params))
    if params["units"] == 4 and params["epochs"] == 3:
        raise scanlab.errors.FailedRunError("diverged: the model function gave up")
    history, model = fake_model(x_train, y_train, x_val, y_val, params)
    if params["units"] == 8:
        history.history["loss"][-1] = float("nan")
    return history, model


def test_runs_that_ended_with_nan_or_failed_run_error_are_results_not_retried(kwargs):
    kwargs = kwargs | {"model": nan_model}
    first = Scan(**kwargs)
    errors = first.data.loc[first.data["status"] == "failed", "error"].str.split(":").str[0]
    assert sorted(errors) == ["FailedRunError"] * 3 + ["NonFiniteLoss"] * 6
    CALLS.clear()
    again = Scan(**kwargs)
    assert CALLS == [] and again.details["runs_trained"] == 0


def test_the_fix_for_failed_runs_follows_retry_failed(kwargs):
    BROKEN.add("all")
    with pytest.raises(TooManyFailuresError, match=r"run it with resume=False \(a new round\)"):
        Scan(**kwargs, round_limit=2, retry_failed=False)


def test_retry_failed_must_be_a_bool(kwargs):
    with pytest.raises(scanlab.errors.ScanArgumentTypeError, match="retry_failed must be"):
        Scan(**kwargs, retry_failed="yes")


# -- item 3: an earlier round's call resumes it; later rounds reuse ok rows ---------------------


def test_the_call_of_an_earlier_round_resumes_that_round(kwargs, capsys):
    kwargs["disable_progress_bar"] = False
    first = Scan(**kwargs, round_limit=4)
    Scan(**kwargs | {"seed": 2}, round_limit=3)  # round 2: other sampling settings
    CALLS.clear()
    capsys.readouterr()
    again = Scan(**kwargs, round_limit=4)
    assert again.round == 1 and CALLS == [] and again.details["runs_trained"] == 0
    assert sorted(p.name for p in first.experiment_path.glob("round-*")) == [
        "round-001",
        "round-002",
    ]
    err = capsys.readouterr().err
    assert "round 1 is complete: 4 runs (4 ok, 0 failed)" in err
    assert "this call matches round 1; the latest round is 2" in err


def test_an_unfinished_earlier_round_is_resumed_where_it_stopped(kwargs):
    BROKEN.add("units8")
    Scan(**kwargs, round_limit=4)  # round 1: 2 of 4 failed
    BROKEN.clear()
    Scan(**kwargs | {"seed": 5}, round_limit=3)  # round 2
    CALLS.clear()
    again = Scan(**kwargs, round_limit=4)
    assert again.round == 1 and len(CALLS) == 2 and set(again.data["status"]) == {"ok"}


def test_a_later_round_reuses_the_ok_rows_it_overlaps(kwargs, capsys):
    first = Scan(**kwargs)  # the whole grid, 12 runs
    first_ids = set(first.data["run_id"])
    params2 = {"lr": [0.1, 0.01, 1.0], "units": [4, 8], "epochs": [2, 3]}
    CALLS.clear()
    kwargs["disable_progress_bar"] = False
    capsys.readouterr()
    second = Scan(**kwargs | {"params": params2})
    assert second.round == 2
    assert len(CALLS) == 4 and {c["lr"] for c in CALLS} == {1.0}  # only the new value trained
    assert second.details["runs_reused"] == 8 and second.details["runs_trained"] == 4
    manifest = read_manifest(second.round_path)
    assert set(manifest["reused"]) == {"1"} and len(manifest["reused"]["1"]) == 8
    assert set(manifest["reused"]["1"]) <= first_ids and manifest["runs_reused"] == 8
    assert "round 2 reused 8 run(s) already trained with the same data and model" in (
        capsys.readouterr().err
    )
    # the round shows its 12 runs; the experiment counts each row once
    assert len(second.data) == 12 and sorted(second.data["round"].unique()) == [1, 2]
    assert len(load_results(second.round_path)) == 12
    assert len(Analyze(second).data) == 12 and len(Analyze(second.round_path).data) == 12
    experiment = load_results(second.experiment_path)
    assert len(experiment) == 16 and not experiment["run_id"].duplicated().any()
    assert len(second.round_history) == 12
    assert scanlab.Experiment(second.experiment_path).rounds()["runs_reused"].tolist() == [0, 8]
    on_disk = (second.round_path / "results.csv").read_text().splitlines()
    assert len(on_disk) == 1 + 4  # no row copied
    # resuming round 2 trains nothing and keeps its reused rows
    CALLS.clear()
    assert len(Scan(**kwargs | {"params": params2}).data) == 12 and CALLS == []
    # resume=False starts a new round that trains everything again
    fresh = Scan(**kwargs | {"params": params2}, resume=False)
    assert fresh.round == 3 and len(CALLS) == 12 and fresh.details["runs_reused"] == 0


def test_other_data_or_another_model_function_is_not_reused(kwargs):
    Scan(**kwargs)
    params2 = {"lr": [0.1, 0.01, 1.0], "units": [4, 8], "epochs": [2, 3]}
    CALLS.clear()
    Scan(**kwargs | {"params": params2, "x": kwargs["x"] * 2})  # other data
    assert len(CALLS) == 12

    def other_model(x_train, y_train, x_val, y_val, params):
        CALLS.append(dict(params))
        return fake_model(x_train, y_train, x_val, y_val, params)

    CALLS.clear()
    Scan(**kwargs | {"params": params2 | {"units": [4, 8, 16]}, "model": other_model})
    assert len(CALLS) == 18


# -- item 5: nothing left to run starts no executor ---------------------------------------------


def test_nothing_left_to_run_starts_no_executor(kwargs, monkeypatch):
    Scan(**kwargs, round_limit=3)

    def refuse(*args, **kw):
        raise AssertionError("an executor was started with nothing to run")

    monkeypatch.setattr("scanlab._round_executor.make_executor", refuse)
    started = time.perf_counter()
    again = Scan(**kwargs, round_limit=3, workers=2)
    assert again.details["runs_trained"] == 0 and len(again.data) == 3
    assert time.perf_counter() - started < 5


def test_a_run_that_killed_the_process_is_not_retried(kwargs):
    BROKEN.add("units8")
    first = Scan(**kwargs, round_limit=4)
    rows = first.round_path / "results.csv"
    text = rows.read_text().replace("ValueError: broken", "ProcessDied: the scan process ended")
    rows.write_text(text)  # as the crash marker records a run that killed the scan twice
    BROKEN.clear()
    CALLS.clear()
    again = Scan(**kwargs, round_limit=4)
    assert CALLS == [] and (again.data["status"] == "failed").sum() == 2


def test_a_call_asking_for_models_does_not_resume_a_round_without_them(xy, tmp_path):
    import scanlab

    common = dict(
        params={"lr": [0.1, 0.2]},
        experiment_name="models",
        results_dir=tmp_path,
        disable_progress_bar=True,
    )

    def model(x_train, y_train, x_val, y_val, params):
        import keras

        m = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
        m.compile(optimizer="sgd", loss="mse")
        return m.fit(x_train, y_train, validation_data=(x_val, y_val), epochs=1, verbose=0), m

    first = scanlab.Scan(*xy, model=model, **common)
    second = scanlab.Scan(*xy, model=model, save_models=True, **common)
    assert (first.round, second.round) == (1, 2)
    assert len(list((second.round_path / "models").glob("*.keras"))) == 2
    assert second.best_model() is not None
    third = scanlab.Scan(*xy, model=model, save_models=True, **common)
    assert third.round == 2 and len(third.data) == 2


# -- reuse and resume stop at a performance target reached by a row already on disk --------------


def test_a_performance_target_reached_by_a_row_on_disk_trains_nothing(kwargs):
    first = Scan(**kwargs, round_limit=2)
    target = ["val_loss", float(first.data["val_loss"].max()) + 1, True]
    CALLS.clear()
    again = Scan(**kwargs, round_limit=6, performance_target=target)  # a new round
    assert CALLS == [] and again.stop_reason == "performance_target"
    assert again.round == 2 and again.details["runs_trained"] == 0


def test_reuse_needs_the_same_tracked_metric_when_one_is_named(kwargs):
    Scan(**kwargs, round_limit=3)
    CALLS.clear()
    other = Scan(**kwargs, round_limit=4, metric="loss")  # best_value would mean another metric
    assert len(CALLS) == 4 and other.round == 2


def test_a_module_constant_the_model_reads_is_part_of_its_identity():
    import types

    from scanlab._reuse import model_identity

    module = types.ModuleType("user_models")
    exec("EPOCHS = 10\ndef model(a, b, c, d, p):\n    return EPOCHS", module.__dict__)
    before = model_identity(module.model)
    module.EPOCHS = 20
    assert model_identity(module.model) != before
