"""scanlab.evaluate: the held-out check retrains the top configurations and scores them on
test data the model function never sees."""

from __future__ import annotations

import math
import subprocess
import sys
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from _fakes import REPO_ROOT, runs

import scanlab
from scanlab import MetricNotFoundError, NoRunsError, Scan, ScanArgumentError
from scanlab.data import prepare_data
from scanlab.errors import ScanArgumentTypeError
from scanlab.evaluate import evaluate


class Trained:
    """A stand-in for a fitted keras.Model: remembers the data it evaluated or predicted."""

    def __init__(self, accuracy: float = 0.6) -> None:
        self.accuracy = accuracy
        self.seen: list = []

    def evaluate(self, x, y, verbose=0, return_dict=True):
        self.seen.append(x)
        return {"accuracy": self.accuracy, "loss": 1 - self.accuracy}

    def predict(self, x, verbose=0):
        self.seen.append(x)
        return np.where(np.asarray(x)[:, :1] > 0, 0.9, 0.1)


def recording_model(calls: list, trained: list, fail_units: int | None = None):
    """A Talos model function whose validation accuracy rises with units and lr; it records
    every call and the model it returns; ``units == fail_units`` raises."""

    def model(x_train, y_train, x_val, y_val, params):
        calls.append(
            SimpleNamespace(
                x_train=x_train, y_train=y_train, x_val=x_val, y_val=y_val, params=params
            )
        )
        if params.get("units") == fail_units:
            raise RuntimeError(f"units={fail_units} broke")
        value = 0.5 + float(params.get("units", 1)) / 100 + float(params.get("lr", 0))
        epochs = int(params.get("epochs", 2))
        history = {
            "loss": [1 - value] * epochs,
            "val_loss": [1.1 - value] * epochs,
            "accuracy": [value] * epochs,
            "val_accuracy": [value - 0.05] * epochs,
        }
        model_out = Trained()
        trained.append(model_out)
        return history, model_out

    return model


PARAMS = {"lr": [0.1, 0.01], "units": [4, 8, 16]}
UNITS = {"units": [4, 8, 16]}


@pytest.fixture
def test_data():
    rng = np.random.default_rng(5)
    x_test = rng.normal(size=(9, 3)).astype("float32")
    return x_test, (x_test[:, 0] > 0).astype("float32")


@pytest.fixture
def scan(tmp_path, xy):
    calls: list = []
    trained: list = []
    x, y = xy
    done = Scan(
        x,
        y,
        params=PARAMS,
        model=recording_model(calls, trained),
        experiment_name="exp",
        results_dir=tmp_path,
        disable_progress_bar=True,
        seed=3,
        clear_session=False,
    )
    calls.clear()
    return done, calls, trained


def test_refits_exactly_top_on_the_scans_split_and_never_hands_the_model_the_test_data(
    scan, test_data, xy
):
    done, calls, trained = scan
    x_test, y_test = test_data
    table = evaluate(done, x_test, y_test, top=3, save=False)
    assert len(calls) == 3 and len(table) == 3
    split = prepare_data(*xy, val_split=0.3, seed=done.seed)
    for call in calls:
        passed = (call.x_train, call.y_train, call.x_val, call.y_val)
        assert not any(a is x_test or a is y_test for a in passed)
        np.testing.assert_array_equal(call.x_train, split.x_train)
        np.testing.assert_array_equal(call.x_val, split.x_val)
    # the test data reached only the trained models, after training
    assert all(model.seen and all(s is x_test for s in model.seen) for model in trained[-3:])
    assert table["status"].tolist() == ["ok"] * 3
    assert table["test_accuracy"].tolist() == [0.6] * 3
    np.testing.assert_allclose(table["gap_accuracy"], table["val_accuracy"] - 0.6)


def test_rows_come_in_rank_order_with_the_metrics_direction(test_data, xy):
    x_test, y_test = test_data
    rows = runs(
        lr=[0.1, 0.1, 0.01, 0.01],
        units=[4, 8, 4, 16],
        val_loss=[0.3, 0.1, 0.4, 0.2],
        val_accuracy=[0.7, 0.8, 0.9, 0.6],
    )
    kwargs = dict(model=recording_model([], []), params=PARAMS, x=xy[0], y=xy[1], seed=0)
    by_loss = evaluate(rows, x_test, y_test, top=3, metric="val_loss", **kwargs)
    assert by_loss["run_id"].tolist() == ["b", "d", "a"]  # lower is better
    assert by_loss["val_loss"].tolist() == [0.1, 0.2, 0.3]
    assert by_loss["rank"].tolist() == [1, 2, 3]
    assert by_loss.attrs["metric"] == "loss"
    by_accuracy = evaluate(rows, x_test, y_test, top=2, metric="val_acc", **kwargs)
    assert by_accuracy["run_id"].tolist() == ["c", "b"]  # higher is better; Talos alias
    assert by_accuracy.attrs["metric"] == "accuracy"
    assert list(by_accuracy.columns) == [
        "rank", "run_id", "round", "lr", "units",
        "val_accuracy", "test_accuracy", "gap_accuracy",
        "val_loss", "test_loss", "gap_loss",
        "refit", "status", "error", "duration_s",
    ]  # fmt: skip


def test_a_cross_validated_round_ranks_on_the_fold_mean(test_data, xy):
    x_test, y_test = test_data
    rows = runs(
        lr=[0.1, 0.01],
        units=[4, 8],
        split0_val_accuracy=[0.6, 0.9],
        split1_val_accuracy=[0.8, 0.7],
        mean_val_accuracy=[0.7, 0.8],
        std_val_accuracy=[0.1, 0.1],
        mean_val_loss=[0.5, 0.4],
    )
    table = evaluate(
        rows,
        x_test,
        y_test,
        top=2,
        model=recording_model([], []),
        params=PARAMS,
        x=xy[0],
        y=xy[1],
        seed=0,
    )
    assert table.attrs["metric"] == "accuracy"
    assert table["run_id"].tolist() == ["b", "a"]
    assert table["val_accuracy"].tolist() == [0.8, 0.7]
    assert table["val_loss"].tolist() == [0.4, 0.5]
    assert "val_split0_val_accuracy" not in table.columns


def test_labels_are_turned_back_into_the_values_the_model_function_needs(test_data, xy):
    import keras

    x_test, y_test = test_data
    params = {"optimizer": [keras.optimizers.Adam, keras.optimizers.SGD], "lr": [0.1, 0.01]}
    rows = runs(optimizer=["SGD", "Adam"], lr=[0.01, 0.1], val_accuracy=[0.9, 0.5])
    calls: list = []
    table = evaluate(
        rows,
        x_test,
        y_test,
        top=2,
        model=recording_model(calls, []),
        params=params,
        x=xy[0],
        y=xy[1],
        seed=0,
    )
    assert calls[0].params == {"lr": 0.01, "optimizer": keras.optimizers.SGD}
    assert calls[1].params == {"lr": 0.1, "optimizer": keras.optimizers.Adam}
    assert table["optimizer"].tolist() == ["SGD", "Adam"]


@pytest.mark.parametrize(("refit", "n_train"), [("train", 40), ("train+val", 50)])
def test_refit_train_or_train_and_validation(tmp_path, xy, test_data, refit, n_train):
    x, y = xy
    x_val, y_val = x[:10] + 1, y[:10]
    calls: list = []
    done = Scan(
        x,
        y,
        x_val=x_val,
        y_val=y_val,
        params={"units": [4, 8]},
        model=recording_model(calls, []),
        experiment_name="fixed",
        results_dir=tmp_path,
        disable_progress_bar=True,
        seed=1,
    )
    calls.clear()
    table = evaluate(done, *test_data, top=1, refit=refit, save=False)
    (call,) = calls
    assert len(call.x_train) == len(call.y_train) == n_train
    assert call.x_val is x_val and call.y_val is y_val  # monitoring sees validation data
    if refit == "train":
        assert call.x_train is x
    else:
        np.testing.assert_array_equal(call.x_train, np.concatenate([x, x_val]))
    assert table["refit"].tolist() == [refit]


def test_a_failed_refit_is_a_failed_row_and_the_others_go_on(test_data, xy):
    rows = runs(lr=[0.1, 0.1, 0.01], units=[16, 8, 4], val_accuracy=[0.9, 0.8, 0.7])
    calls: list = []
    table = evaluate(
        rows,
        *test_data,
        top=3,
        model=recording_model(calls, [], fail_units=8),
        params=PARAMS,
        x=xy[0],
        y=xy[1],
        seed=0,
    )
    assert len(calls) == 3
    assert table["status"].tolist() == ["ok", "failed", "ok"]
    assert table["error"].iloc[1] == "RuntimeError: units=8 broke"
    assert math.isnan(table["test_accuracy"].iloc[1])
    assert table["test_accuracy"].iloc[[0, 2]].tolist() == [0.6, 0.6]


def test_a_model_function_that_returns_no_model_fails_its_row(test_data, xy):
    def no_model(x_train, y_train, x_val, y_val, params):
        return {"loss": [0.1], "val_loss": [0.2]}, None

    rows = runs(units=[4], val_loss=[0.2])
    table = evaluate(
        rows, *test_data, top=1, model=no_model, params=UNITS, x=xy[0], y=xy[1], seed=0
    )
    assert table["status"].tolist() == ["failed"]
    assert "has no evaluate()" in table["error"].iloc[0]


def test_heldout_csv_is_appended_and_keeps_every_check(scan, test_data):
    done, _, _ = scan
    first = evaluate(done, *test_data, top=2)
    evaluate(done, *test_data, top=1, refit="train+val")
    path = done.experiment_path / "heldout.csv"
    saved = pd.read_csv(path)
    assert list(saved.columns) == [*first.columns, "evaluated_at"]
    assert saved["refit"].tolist() == ["train", "train", "train+val"]
    assert saved["run_id"].tolist()[:2] == first["run_id"].tolist()
    assert path.read_text().count("rank,run_id") == 1
    assert not list(done.experiment_path.glob("*.pkl"))


def test_an_experiment_folder_gives_the_same_refits_as_its_scan(scan, test_data, xy):
    done, calls, _ = scan
    from_scan = evaluate(done, *test_data, top=2, save=False)
    scan_calls = list(calls)
    from_folder = evaluate(
        str(done.experiment_path),
        *test_data,
        top=2,
        model=done.model,
        params=PARAMS,
        x=xy[0],
        y=xy[1],
        seed=done.seed,
    )
    assert from_folder["run_id"].tolist() == from_scan["run_id"].tolist()
    assert [c.params for c in calls[2:]] == [c.params for c in scan_calls]
    np.testing.assert_array_equal(calls[2].x_train, scan_calls[0].x_train)
    saved = pd.read_csv(done.experiment_path / "heldout.csv")
    assert saved["run_id"].tolist() == from_scan["run_id"].tolist()


def test_a_talos_scan_is_checked_through_the_scan_it_wraps(tmp_path, xy, test_data):
    from scanlab.talos import Scan as TalosScan

    calls: list = []
    done = TalosScan(
        *xy,
        params=PARAMS,
        model=recording_model(calls, []),
        experiment_name="t",
        results_dir=tmp_path,
        disable_progress_bar=True,
        seed=1,
        save_weights=False,
        save_models=False,
    )
    calls.clear()
    table = evaluate(done, *test_data, top=2, save=False)
    assert len(calls) == 2
    assert table["run_id"].tolist() == evaluate(done.scan, *test_data, top=2)["run_id"].tolist()


def test_heldout_csv_loses_only_a_torn_last_line(scan, test_data):
    done, _, _ = scan
    evaluate(done, *test_data, top=1)
    path = done.experiment_path / "heldout.csv"
    with open(path, "a") as f:
        f.write("1,torn")  # a write killed midway
    evaluate(done, *test_data, top=1)
    saved = pd.read_csv(path)
    assert len(saved) == 2 and "torn" not in saved["run_id"].tolist()


def test_heldout_csv_with_other_columns_is_refused_before_training(scan, test_data):
    done, calls, _ = scan
    (done.experiment_path / "heldout.csv").write_text("rank,run_id,other\n1,a,2\n")
    with pytest.raises(scanlab.ResultsFormatError, match="header lacks columns"):
        evaluate(done, *test_data, top=1)
    assert calls == []


def test_scorers_are_computed_from_the_test_predictions(test_data, xy):
    x_test, y_test = test_data
    rows = runs(units=[4, 8], val_accuracy=[0.7, 0.8], val_recall_macro=[0.6, 0.9])
    trained: list = []
    table = evaluate(
        rows,
        x_test,
        y_test,
        top=1,
        scoring=["recall_macro"],
        model=recording_model([], trained),
        params=UNITS,
        x=xy[0],
        y=xy[1],
        seed=0,
    )
    assert table["test_recall_macro"].tolist() == [1.0]  # predict() is right on this data
    assert table["gap_recall_macro"].tolist() == pytest.approx([-0.1])


def test_a_budgeted_row_is_refitted_at_its_budget(test_data, xy):
    rows = runs(
        run_id=["a", "a", "c"],
        units=[4, 4, 8],
        rung=[0, 1, 0],
        budget=[3, 9, 3],
        val_loss=[0.5, 0.2, 0.4],
    )
    calls: list = []
    table = evaluate(
        rows,
        *test_data,
        top=5,
        metric="val_loss",
        model=recording_model(calls, []),
        params={"units": [4, 8]},
        x=xy[0],
        y=xy[1],
        seed=0,
    )
    assert [c.params["epochs"] for c in calls] == [9, 3]  # one refit per run, its best rung
    assert table["run_id"].tolist() == ["a", "c"]


def center(x_fit, y_fit, x_val, y_val, params):
    """A preprocessing fitted on the training arrays: subtract their mean."""
    mean = x_fit.mean(axis=0)
    return x_fit - mean, y_fit, x_val - mean, y_val


@pytest.mark.parametrize("cv", [None, 3])
def test_preprocessing_is_fitted_on_the_refits_training_data_and_applied_to_the_test_data(
    tmp_path, xy, test_data, cv
):
    x, y = xy
    x_test, y_test = test_data
    calls: list = []
    trained: list = []
    done = Scan(
        x,
        y,
        params=PARAMS,
        model=recording_model(calls, trained),
        cv=cv,
        preprocess=center,
        experiment_name="pre",
        results_dir=tmp_path,
        disable_progress_bar=True,
        seed=1,
        clear_session=False,
    )
    calls.clear()
    table = evaluate(done, x_test, y_test, top=1)
    # cross-validated: the refit fits all of x; else the scan's training part
    fitted_on = x if cv else prepare_data(x, y, val_split=0.3, seed=1).x_train
    mean = fitted_on.mean(axis=0)
    (call,) = calls
    np.testing.assert_allclose(call.x_train, fitted_on - mean, rtol=1e-6)
    np.testing.assert_allclose(trained[-1].seen[0], x_test - mean, rtol=1e-6)
    searched = "mean_val_accuracy" if cv else "val_accuracy"
    assert table.attrs["metric"] == "accuracy"
    assert table["val_accuracy"].tolist() == [done.data[searched].max()]
    assert table["status"].tolist() == ["ok"]


BAD_ARGUMENTS = [
    (dict(top=0), ScanArgumentError, r"top must be a positive int, got 0"),
    (dict(top="3"), ScanArgumentTypeError, r"top must be a positive int, got '3'"),
    (dict(top=True), ScanArgumentTypeError, r"top must be a positive int, got True"),
    (dict(refit="all"), ScanArgumentError, r"refit must be one of \['train', 'train\+val'\]"),
    (dict(metric="val_f1"), MetricNotFoundError, r"metric='val_f1' is not one of the runs'"),
    (dict(metric=3), ScanArgumentTypeError, r"metric must be a metric name \(str\)"),
    (dict(y_test=np.zeros(4)), ScanArgumentError, r"y_test must have one label per sample"),
    (dict(x_test=np.zeros((9, 2))), ScanArgumentError, r"x_test must have the training data's"),
    (dict(x_test=np.zeros((0, 3)), y_test=np.zeros(0)), ScanArgumentError, r"at least one"),
]


@pytest.mark.parametrize(("change", "error", "message"), BAD_ARGUMENTS)
def test_bad_arguments_are_refused_before_any_training(scan, test_data, change, error, message):
    done, calls, _ = scan
    arguments = dict(zip(("x_test", "y_test"), test_data, strict=True)) | change
    with pytest.raises(error, match=message):
        evaluate(done, **arguments)
    assert calls == []


def test_results_without_model_params_or_data_name_what_is_missing(test_data, xy):
    rows = runs(units=[4], val_loss=[0.2])
    with pytest.raises(ScanArgumentError, match=r"missing model, params, x.*pass the Scan"):
        evaluate(rows, *test_data, y=xy[1])
    with pytest.raises(ScanArgumentError, match=r"seed is needed to split x, y"):
        evaluate(rows, *test_data, model=recording_model([], []), params=PARAMS, x=xy[0], y=xy[1])


def test_labels_the_params_do_not_have_are_refused(test_data, xy):
    rows = runs(units=[32], val_loss=[0.2])
    calls: list = []
    with pytest.raises(ScanArgumentError, match=r"units=32 of run 'a'"):
        evaluate(
            rows,
            *test_data,
            model=recording_model(calls, []),
            params=UNITS,
            x=xy[0],
            y=xy[1],
            seed=0,
        )
    assert calls == []


def test_a_source_without_successful_runs_is_refused(test_data, xy):
    rows = runs(units=[4, 8], val_loss=[float("nan")] * 2, status=["failed"] * 2)
    with pytest.raises(NoRunsError, match=r"source must hold successful runs to refit"):
        evaluate(
            rows, *test_data, model=recording_model([], []), params=PARAMS, x=xy[0], y=xy[1], seed=0
        )


def test_the_package_attribute_stays_the_function():
    script = (
        "import importlib, inspect, scanlab; a = inspect.isfunction(scanlab.evaluate); "
        "importlib.import_module('scanlab.evaluate'); print(a, inspect.isfunction(scanlab.evaluate))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=REPO_ROOT, timeout=120
    )
    assert done.stdout.split() == ["True", "True"], done.stderr


def test_a_real_keras_scan_is_checked_on_test_data(tmp_path):
    import keras

    from scanlab.datasets import breast_cancer

    def tiny(x_train, y_train, x_val, y_val, params):
        model = keras.Sequential(
            [
                keras.Input((x_train.shape[1],)),
                keras.layers.Dense(params["units"], activation="relu"),
                keras.layers.Dense(1, activation="sigmoid"),
            ]
        )
        model.compile(
            optimizer=params["optimizer"](learning_rate=0.01),
            loss="binary_crossentropy",
            metrics=["accuracy"],
        )
        history = model.fit(
            x_train, y_train, validation_data=(x_val, y_val), epochs=1, batch_size=128, verbose=0
        )
        return history, model

    x, y = breast_cancer()
    params = {"units": [4, 8], "optimizer": [keras.optimizers.Adam]}
    done = Scan(
        x[:150],
        y[:150],
        params=params,
        model=tiny,
        experiment_name="bc",
        results_dir=tmp_path,
        disable_progress_bar=True,
        seed=2,
    )
    table = evaluate(done, x[450:], y[450:], top=2)  # never seen by the scan
    assert table["status"].tolist() == ["ok", "ok"], table["error"].tolist()
    assert np.isfinite(table["test_accuracy"]).all() and np.isfinite(table["test_loss"]).all()
    assert table["test_accuracy"].between(0, 1).all()
    assert table["optimizer"].tolist() == ["Adam", "Adam"]
    assert len(pd.read_csv(tmp_path / "bc" / "heldout.csv")) == 2


def test_a_train_and_validation_refit_of_an_early_stopped_builder_trains_its_chosen_epochs(
    tmp_path,
):
    fits: list = []

    def build(params):
        import keras

        keras.utils.set_random_seed(0)
        model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2, activation="softmax")])
        model.compile(optimizer=keras.optimizers.Adam(0.3), loss="sparse_categorical_crossentropy")
        fit = model.fit
        model.fit = lambda *a, **k: fits.append(k) or fit(*a, **k)
        return model

    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(60, 4)).astype("float32"), rng.integers(0, 2, 60)  # noise: stops
    scan = Scan(
        x,
        y,
        params={"epochs": [30], "batch_size": [8]},
        model=build,
        experiment_name="stopped",
        results_dir=tmp_path,
        early_stopping={"monitor": "val_loss", "patience": 1, "restore_best_weights": True},
        disable_progress_bar=True,
        seed=0,
    )
    row = scan.data.iloc[0]
    assert row["metrics_from"] == "best_epoch" and row["epochs_run"] < 30
    x_test, y_test = rng.normal(size=(10, 4)).astype("float32"), rng.integers(0, 2, 10)
    evaluate(scan, x_test, y_test, top=1, refit="train")
    assert fits[-1]["epochs"] == 30 and fits[-1]["callbacks"]  # stops on validation data
    evaluate(scan, x_test, y_test, top=1, refit="train+val")
    assert fits[-1]["epochs"] == int(row["best_epoch"]) and fits[-1]["callbacks"] == []
