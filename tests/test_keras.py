"""A few end-to-end scans that train real (tiny) Keras models."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from scanlab import Scan, ScanArgumentError
from scanlab.datasets import breast_cancer


def tiny_mlp(x_train, y_train, x_val, y_val, params):
    model = keras.Sequential(
        [
            keras.Input(shape=(x_train.shape[1],)),
            keras.layers.Dense(params["first_neuron"], activation=params["activation"]),
            keras.layers.Dropout(params["dropout"]),
            keras.layers.Dense(1, activation="sigmoid"),
        ]
    )
    model.compile(
        optimizer=params["optimizer"](learning_rate=params["lr"]),
        loss="binary_crossentropy",
        metrics=["accuracy"],
    )
    history = model.fit(
        x_train,
        y_train,
        validation_data=(x_val, y_val),
        epochs=params["epochs"],
        batch_size=64,
        verbose=0,
    )
    return history, model


PARAMS = {
    "first_neuron": [4, 8],
    "activation": ["relu", keras.activations.elu],
    "dropout": (0, 0.4, 2),
    "lr": [0.01],
    "epochs": [3],
    "optimizer": [keras.optimizers.Adam, keras.optimizers.Nadam],
}


@pytest.fixture(scope="module")
def data():
    x, y = breast_cancer()
    return x[:200], y[:200]


def test_real_keras_scan_records_history_metrics_and_readable_names(tmp_path, data):
    x, y = data
    scan = Scan(
        x,
        y,
        params=PARAMS,
        model=tiny_mlp,
        experiment_name="bc",
        round_limit=3,
        seed=3,
        results_dir=tmp_path,
        disable_progress_bar=True,
        metric="val_acc",
    )
    df = scan.data
    assert len(df) == 3 and (df["status"] == "ok").all()
    assert {"loss", "val_loss", "accuracy", "val_accuracy"} <= set(df.columns)
    assert set(df["optimizer"]) <= {"Adam", "Nadam"} and set(df["activation"]) <= {"relu", "elu"}
    assert (df["epochs_run"] == 3).all()
    assert scan.tracked_metric == "val_accuracy" and scan.minimize is False
    histories = scan.round_history
    for _, row in df.iterrows():
        curve = histories[row["run_id"]]["val_accuracy"]
        assert len(curve) == 3 and row["best_value"] == max(curve)
        assert curve[int(row["best_epoch"]) - 1] == row["best_value"]


def test_saved_models_reload_as_the_best_model(tmp_path, data):
    x, y = data
    scan = Scan(
        x,
        y,
        params=PARAMS,
        model=tiny_mlp,
        experiment_name="bc",
        round_limit=2,
        seed=1,
        results_dir=tmp_path,
        disable_progress_bar=True,
        save_models=True,
    )
    assert len(list((scan.round_path / "models").glob("*.keras"))) == 2
    best = scan.best_model("val_loss")
    assert best.predict(x[:4], verbose=0).shape == (4, 1)


def test_best_model_without_saved_models_says_how_to_get_them(tmp_path, data):
    x, y = data
    scan = Scan(
        x,
        y,
        params=PARAMS,
        model=tiny_mlp,
        experiment_name="bc",
        round_limit=1,
        seed=1,
        results_dir=tmp_path,
        disable_progress_bar=True,
    )
    with pytest.raises(ScanArgumentError, match=r"run the Scan with save_models=True"):
        scan.best_model()


def test_a_keras_error_in_one_permutation_is_recorded_and_the_scan_goes_on(tmp_path, data):
    x, y = data

    def bad_activation(x_train, y_train, x_val, y_val, params):
        params = dict(
            params,
            activation=params["activation"]
            if params["first_neuron"] == 4
            else "no_such_activation",
        )
        return tiny_mlp(x_train, y_train, x_val, y_val, params)

    scan = Scan(
        x,
        y,
        params=PARAMS,
        model=bad_activation,
        experiment_name="bc",
        round_limit=4,
        seed=2,
        results_dir=tmp_path,
        disable_progress_bar=True,
    )
    failed = scan.data[scan.data["status"] == "failed"]
    assert len(scan.data) == 4 and len(failed) == (scan.data["first_neuron"] == 8).sum() > 0
    assert failed["error"].str.contains("no_such_activation").all()
    assert np.isfinite(scan.data.loc[scan.data["status"] == "ok", "val_loss"]).all()


def test_memory_hygiene_drops_traced_gradients_and_keeps_user_settings(data):
    from tensorflow.python.framework import ops

    from scanlab.executors import MemoryHygiene

    def custom_gradients():
        return {k for k in ops._gradient_registry._registry if k.startswith("CustomGradient-")}

    x, y = data
    hygiene = MemoryHygiene()
    before = custom_gradients()
    keras.config.set_floatx("float64")
    try:
        params = {
            "first_neuron": 4,
            "activation": "relu",
            "dropout": 0.0,
            "lr": 0.01,
            "epochs": 1,
            "optimizer": keras.optimizers.Adam,
        }
        tiny_mlp(x, y, x, y, params)
        assert custom_gradients() - before  # each fit registers traced gradients...
        hygiene.after_run()
        assert custom_gradients() <= before  # ...which the hygiene drops
        assert keras.config.floatx() == "float64"  # the user's setting survives clear_session
    finally:
        keras.config.set_floatx("float32")
