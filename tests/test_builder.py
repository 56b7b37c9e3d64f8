"""The builder contract build(params) -> compiled model: detection, refusals, fit, early
stopping rows, continuation across rungs and crash-safe checkpoints (tiny real Keras)."""

from __future__ import annotations

import math
import os
from pathlib import Path

import numpy as np
import pytest

from scanlab import Scan
from scanlab._builder import checkpoint_path, model_contract, save_checkpoint
from scanlab._round_state import ScanOutcome, run_row
from scanlab.errors import ScanArgumentError, ScanArgumentTypeError
from scanlab.executors._protocol import TrialOptions, trial_arguments
from scanlab.executors.choose import make_executor
from scanlab.trial import Task, TrialData, run_trial


def make_builder(lr: float = 0.05):
    """A tiny builder, made in a function so that cloudpickle sends it by value to workers."""

    def build(params):
        import keras

        keras.utils.set_random_seed(1)
        model = keras.Sequential(
            [
                keras.Input((3,)),
                keras.layers.Dense(params.get("units", 4), activation="relu"),
                keras.layers.Dense(1, activation="sigmoid"),
            ]
        )
        model.compile(keras.optimizers.Adam(lr), "binary_crossentropy", metrics=["accuracy"])
        return model

    return build


def spying_builder(calls: list):
    """make_builder()'s builder whose models record the keyword arguments of each fit."""
    build = make_builder()

    def spying(params):
        model = build(params)
        fit = model.fit
        model.fit = lambda *a, **k: calls.append(k) or fit(*a, **k)
        return model

    return spying


def talos_model(x_train, y_train, x_val, y_val, params):
    return {"loss": [float(params["epochs"])]}, None


@pytest.fixture
def data():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(32, 3)).astype("float32")
    y = (x[:, 0] > 0).astype("float32")
    return TrialData(x[:24], y[:24], x[24:], y[24:])


# ---- which contract -----------------------------------------------------------------------


def _builder_with_default(params, verbose=False):
    return None


class _CallableTalos:
    def __call__(self, x_train, y_train, x_val, y_val, params):
        return None


@pytest.mark.parametrize(
    ("model", "contract"),
    [
        (lambda params: None, "builder"),
        (_builder_with_default, "builder"),
        (talos_model, "talos"),
        (_CallableTalos(), "talos"),
        (lambda *args: None, "talos"),  # as today: anything callable with five arguments
        (lambda a, b, c, d, params, extra=1: None, "talos"),
        (print, "talos"),  # a builtin: as today, the first run tells
    ],
)
def test_the_contract_is_read_from_the_signature(model, contract):
    assert model_contract(model) == contract


@pytest.mark.parametrize(
    ("model", "match"),
    [
        (lambda x, y, params: None, r"^model\(x, y, params\) cannot be called as model\(x_train"),
        (lambda: None, r"nor as build\(params\) \(the builder contract"),
        ("build", r"^model must be your model function .* or a builder build\(params\)"),
    ],
)
def test_a_model_of_neither_contract_is_refused_naming_both(model, match):
    with pytest.raises(ScanArgumentTypeError, match=match):
        model_contract(model)


# ---- refused by Scan before any training --------------------------------------------------


@pytest.fixture
def builder_kwargs(tmp_path, data):
    return dict(
        x=np.concatenate([data.x_train, data.x_val]),
        y=np.concatenate([data.y_train, data.y_val]),
        params={"units": [2, 4], "epochs": [2], "batch_size": [8]},
        model=make_builder(),
        experiment_name="exp",
        results_dir=tmp_path,
        disable_progress_bar=True,
        seed=1,
        clear_session=False,
    )


@pytest.mark.parametrize(
    ("override", "error", "match"),
    [
        (
            {"model": talos_model, "early_stopping": "moderate"},
            ScanArgumentError,
            r"^early_stopping needs the builder contract build\(params\) .* got 'moderate'. "
            r"Fix: add callbacks=\[scanlab.callbacks.early_stopper\(params\['epochs'\]\)\]",
        ),
        ({"early_stopping": "fast"}, ScanArgumentError, r"^early_stopping must name a preset"),
        ({"early_stopping": True}, ScanArgumentTypeError, r"^early_stopping must be a preset"),
        (
            {"early_stopping": {"epochs": 5}},
            ScanArgumentError,
            r"^early_stopping takes the keys .* not \['epochs'\] \(the epochs come from each",
        ),
        ({"early_stopping": {"patience": 0}}, ScanArgumentTypeError, r"^patience must be an int"),
        (
            {"params": {"units": [2, 4]}},
            ScanArgumentError,
            r"^params must have an 'epochs' key with the builder contract",
        ),
        (
            {"params": {"units": [2], "epochs": [1], "class_weight": [None, "balance"]}},
            ScanArgumentError,
            r"^params\['class_weight'\] each value must be a dict \{class: weight\}, None or "
            r"'balanced', got 'balance'. Fix: use e.g. 'class_weight': \[None, 'balanced'\]",
        ),
        (
            {"model": lambda x, params: None},
            ScanArgumentTypeError,
            r"cannot be called as model\(x_train, .* nor as build\(params\)",
        ),
    ],
)
def test_scan_refuses_before_training(builder_kwargs, tmp_path, override, error, match):
    with pytest.raises(error, match=match):
        Scan(**{**builder_kwargs, **override})
    assert not (tmp_path / "exp").exists()


def test_class_weight_is_checked_before_training_under_a_budget_too(builder_kwargs, tmp_path):
    import scanlab

    params = {"units": [2], "class_weight": ["balance"]}
    with pytest.raises(ScanArgumentError, match=r"^params\['class_weight'\] each value must be"):
        Scan(**{**builder_kwargs, "params": params, "search": scanlab.Hyperband(max_epochs=3)})
    assert not (tmp_path / "exp").exists()


def test_balanced_class_weight_reads_one_column_labels_as_labels():
    from scanlab._fit_settings import balanced_class_weight

    column = np.array([[0.0], [0.0], [0.0], [1.0]])  # binary labels for a sigmoid output
    assert balanced_class_weight(column) == pytest.approx({0: 4 / 6, 1: 2.0})
    assert balanced_class_weight(np.eye(2)[[0, 0, 0, 1]]) == pytest.approx({0: 4 / 6, 1: 2.0})


def test_early_stopping_off_values_are_accepted_with_the_talos_contract(builder_kwargs):
    for off in (None, False):
        scan = Scan(**{**builder_kwargs, "model": talos_model, "early_stopping": off})
        assert scan.settings.model_contract == "talos" and scan.settings.early_stopping is None


# ---- one run --------------------------------------------------------------------------------


def test_a_builder_must_return_a_compiled_model(data):
    import keras

    def uncompiled(params):
        return keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])

    result = run_trial(uncompiled, data, {"epochs": 1})
    assert result.status == "failed" and result.raised
    assert "must return a compiled keras.Model" in result.error
    assert "got an uncompiled keras.Model" in result.error
    result = run_trial(lambda params: "model", data, {"epochs": 1})
    assert "got a str" in result.error


def test_a_builder_without_epochs_fails_its_run_naming_the_key(data):
    result = run_trial(make_builder(), data, {"units": 2})
    assert result.status == "failed"
    assert result.error.startswith("ContractError: params['epochs'] must be an int >= 1")


def test_fit_settings_come_from_params(data):
    calls: list = []
    spying = spying_builder(calls)
    params = {"epochs": 1, "batch_size": 8, "shuffle": False, "class_weight": {0: 1.0, 1: 2.0}}
    assert run_trial(spying, data, {**params, "units": 2}).status == "ok"
    (kwargs,) = calls
    assert kwargs["epochs"] == 1 and kwargs["batch_size"] == 8 and kwargs["shuffle"] is False
    assert kwargs["class_weight"] == {0: 1.0, 1: 2.0} and kwargs["verbose"] == 0
    assert len(kwargs["validation_data"]) == 2 and "units" not in kwargs


def test_balanced_class_weight_comes_from_the_training_labels_and_none_is_left_out(data):
    calls: list = []
    spying = spying_builder(calls)
    for weight in ("balanced", None):
        assert run_trial(spying, data, {"epochs": 1, "class_weight": weight}).status == "ok"
    balanced, plain = calls
    counts = np.bincount(data.y_train.astype(int))
    expected = {c: len(data.y_train) / (2 * n) for c, n in enumerate(counts)}
    assert balanced["class_weight"] == pytest.approx(expected)
    assert "class_weight" not in plain


def test_talos_contract_with_a_budget_trains_the_budget_from_scratch(data, tmp_path):
    result = run_trial(
        talos_model,
        data,
        {"epochs": 99},
        budget=9,
        initial_epoch=3,
        resume_from=tmp_path / "never-read.keras",
        checkpoint_to=tmp_path / "never-written.keras",
    )
    assert result.history == {"loss": [9.0]}
    assert not list(tmp_path.iterdir())
    with pytest.raises(ScanArgumentError, match="early_stopping needs the builder contract"):
        run_trial(talos_model, data, {"epochs": 2}, early_stopping={"mode": "strict"})


def test_early_stopping_with_restored_weights_fills_stopped_epoch_and_metrics_from(data):
    # min_delta 10: no epoch after the first improves, so patience 1 stops after epoch 2
    # and the weights of epoch 1 are restored.
    stopping = {"mode": [10.0, 1], "restore_best_weights": True}
    result = run_trial(make_builder(), data, {"epochs": 20}, early_stopping=stopping)
    assert result.status == "ok"
    assert result.stopped_epoch == 2 and result.epochs_run == 2
    assert result.metrics_from == "best_epoch" and result.metrics_epoch == 1
    assert result.metrics == {key: values[0] for key, values in result.history.items()}
    row = run_row(Task(0, "r", {}, {}), result, ScanOutcome(1, tracked_metric="val_loss"))
    assert row["stopped_epoch"] == 2 and row["metrics_from"] == "best_epoch"
    assert row["val_loss"] == result.history["val_loss"][0] != result.history["val_loss"][1]
    assert row["epochs_run"] == 2

    plain = run_trial(make_builder(), data, {"epochs": 3}, early_stopping={"mode": "strict"})
    assert plain.stopped_epoch is None and plain.metrics_from == "last_epoch"
    row = run_row(Task(0, "r", {}, {}), plain, ScanOutcome(1, tracked_metric="val_loss"))
    assert row["stopped_epoch"] is None and row["metrics_from"] == "last_epoch"
    assert row["val_loss"] == plain.history["val_loss"][-1]


def test_a_monitor_the_model_does_not_log_stops_the_scan_after_one_epoch(data):
    result = run_trial(
        make_builder(), data, {"epochs": 5}, early_stopping={"mode": "strict", "monitor": "val_f1"}
    )
    assert result.fatal and result.status == "failed"
    assert "early_stopping monitor must be a key the model logs (accuracy, loss" in result.error


# ---- continuation across rungs ---------------------------------------------------------------


def test_rung_two_continues_rung_one_with_the_optimizer_state(data, tmp_path):
    import keras

    build, params = make_builder(), {"epochs": 99, "batch_size": 8}  # 3 batches per epoch
    task1 = Task(0, "run1", params, {}, rung=0, budget=2, initial_epoch=0)
    task2 = Task(0, "run1", params, {}, rung=1, budget=4, initial_epoch=2)
    options = TrialOptions(checkpoint_dir=str(tmp_path))
    first = run_trial(build, data, params, **trial_arguments(task1, options))
    second = run_trial(build, data, params, **trial_arguments(task2, options))
    straight = run_trial(build, data, {**params, "epochs": 4})
    assert first.epochs_run == 2 and second.epochs_run == 2  # each task's own epochs
    # rung 2 starts where rung 1 ended: the same losses as 4 epochs trained in one go
    np.testing.assert_allclose(
        first.history["loss"] + second.history["loss"], straight.history["loss"], rtol=1e-5
    )
    assert second.history["loss"][0] < first.history["loss"][0]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run1-e2.keras", "run1-e4.keras"]
    rung1 = keras.saving.load_model(tmp_path / "run1-e2.keras")
    rung2 = keras.saving.load_model(tmp_path / "run1-e4.keras")
    assert int(rung1.optimizer.iterations) == 2 * 3
    assert int(rung2.optimizer.iterations) == 4 * 3  # carried over, not restarted


def test_trial_arguments_name_the_checkpoints_by_epochs():
    task = Task(0, "r1", {}, {}, rung=2, budget=27, initial_epoch=9)
    args = trial_arguments(task, TrialOptions({"mode": "strict"}, "ck"))
    assert args["resume_from"] == checkpoint_path("ck", "r1", 9)
    assert args["checkpoint_to"] == Path("ck/r1-e27.keras")
    assert args["early_stopping"] == {"mode": "strict"} and args["initial_epoch"] == 9
    first = trial_arguments(Task(0, "r1", {}, {}, rung=0, budget=3), TrialOptions(None, "ck"))
    assert first["resume_from"] is None and first["checkpoint_to"] == Path("ck/r1-e3.keras")
    plain = trial_arguments(Task(0, "r1", {}, {}), None)
    assert plain == dict.fromkeys(
        ("early_stopping", "budget", "resume_from", "checkpoint_to"), None
    ) | {"initial_epoch": 0, "scoring": (), "fold": None}


class _DiesMidWrite:
    """A model whose save writes half a file and is killed (raises) before finishing."""

    def save(self, path):
        Path(path).write_bytes(b"PK\x03\x04 half a zip")
        raise KeyboardInterrupt("killed mid-write")


def test_a_checkpoint_write_killed_midway_never_leaves_a_corrupt_checkpoint(data, tmp_path):
    import keras

    final = tmp_path / "run1-e2.keras"
    build = make_builder()
    run_trial(build, data, {"epochs": 2}, checkpoint_to=final)
    before = final.read_bytes()
    with pytest.raises(KeyboardInterrupt):
        save_checkpoint(_DiesMidWrite(), final)
    assert final.read_bytes() == before  # the previous state is intact
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run1-e2.keras"]
    # a SIGKILL leaves its temporary file behind: it never has a checkpoint's name, so the
    # next rung resumes from the complete checkpoint and ignores it
    partial = tmp_path / ".run1-e4.keras.0badc0de.tmp.keras"
    partial.write_bytes(b"PK\x03\x04 torn")
    task = Task(0, "run1", {"epochs": 4}, {}, rung=1, budget=4, initial_epoch=2)
    arguments = trial_arguments(task, TrialOptions(checkpoint_dir=str(tmp_path)))
    assert arguments["resume_from"] == final
    result = run_trial(build, data, {"epochs": 4}, **arguments)
    assert result.status == "ok", result.error
    assert int(keras.saving.load_model(tmp_path / "run1-e4.keras").optimizer.iterations) > 0
    # no checkpoint at all: the run fails, nothing half-written is loaded
    missing = run_trial(build, data, {"epochs": 4}, budget=4, initial_epoch=2,
                        resume_from=tmp_path / "run9-e2.keras")  # fmt: skip
    assert missing.status == "failed" and "run9-e2.keras" in missing.error


# ---- whole scans ----------------------------------------------------------------------------


@pytest.mark.parametrize("workers", [None, 2])
def test_a_builder_scan_end_to_end(builder_kwargs, workers):
    scan = Scan(**builder_kwargs, round_limit=2, workers=workers)
    rows = scan.data
    assert len(rows) == 2 and (rows["status"] == "ok").all(), rows.get("error")
    assert (rows["epochs_run"] == 2).all()
    assert (rows["metrics_from"] == "last_epoch").all()
    assert rows["stopped_epoch"].isna().all()
    assert {"loss", "val_loss", "accuracy", "val_accuracy"} <= set(rows.columns)
    assert all(math.isfinite(v) for v in rows["val_loss"])
    assert scan.settings.model_contract == "builder"


@pytest.mark.parametrize("workers", [1, 2])
def test_every_executor_hands_early_stopping_to_the_runs(data, tmp_path, workers):
    from scanlab.executors import shutdown_workers

    options = TrialOptions({"mode": [10.0, 1], "restore_best_weights": True})
    executor = make_executor(
        make_builder(),
        data,
        tmp_path,
        clear_session=False,
        save_models=False,
        workers=workers,
        client=None,
        workers_per_gpu=1,
        max_runs_per_worker=None,
        trial_timeout=None,
        options=options,
    )
    tasks = [Task(i, f"r{i}", {"epochs": 20, "units": 2 + i}, {}) for i in range(2)]
    try:
        results = [result for _, result in executor.run(tasks)]
    finally:
        executor.close()
        shutdown_workers()
    assert [(r.status, r.stopped_epoch, r.metrics_from) for r in results] == [
        ("ok", 2, "best_epoch")
    ] * 2


def test_a_builder_scan_with_early_stopping_records_where_runs_stopped(builder_kwargs):
    params = {**builder_kwargs["params"], "epochs": [20]}
    stopping = {"mode": [10.0, 1], "restore_best_weights": True}
    scan = Scan(**{**builder_kwargs, "params": params}, round_limit=2, early_stopping=stopping)
    assert (scan.data["stopped_epoch"] == 2).all()
    assert (scan.data["metrics_from"] == "best_epoch").all()


def test_checkpoint_names_never_match_a_temporary_file(tmp_path):
    path = checkpoint_path(tmp_path, "abc", 3)
    assert path.name == "abc-e3.keras" and not path.name.startswith(".")
    assert os.fspath(path).endswith(".keras")


def test_rows_trained_without_early_stopping_are_not_reused_by_a_round_with_it(builder_kwargs):
    first = Scan(**builder_kwargs)
    second = Scan(**builder_kwargs, early_stopping="strict")
    assert (first.round, second.round) == (1, 2)
    assert second.details["runs_reused"] == 0 and second.details["runs_trained"] == 2
    third = Scan(**builder_kwargs | {"params": {**builder_kwargs["params"], "units": [2]}})
    assert third.round == 3 and third.details["runs_reused"] == 1  # round 1's row, same setting


def test_numpy_integers_from_np_arange_are_epochs_and_batch_sizes(builder_kwargs):
    params = {"units": [2], "epochs": list(np.arange(2, 3)), "batch_size": [np.int64(8)]}
    scan = Scan(**builder_kwargs | {"params": params})
    assert scan.data["status"].tolist() == ["ok"] and scan.data["epochs_run"].tolist() == [2]


def test_early_stopping_on_talos_val_acc_finds_keras_val_accuracy(builder_kwargs):
    scan = Scan(**builder_kwargs, early_stopping={"monitor": "val_acc", "mode": "strict"})
    assert set(scan.data["status"]) == {"ok"}


def test_early_stopping_settings_compare_as_the_manifest_records_them(builder_kwargs):
    first = Scan(**builder_kwargs, early_stopping={"mode": (0.0, 3)})
    again = Scan(**builder_kwargs, early_stopping={"mode": [0.0, 3]})
    assert again.round == first.round and again.details["runs_trained"] == 0


def test_budgeted_searchs_column_names_are_reserved(builder_kwargs):
    from scanlab.errors import ParamsError

    with pytest.raises(ParamsError, match=r"params key 'budget' collides with the results column"):
        Scan(**builder_kwargs | {"params": {"budget": [1], "epochs": [2]}})
