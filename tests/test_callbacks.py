"""Early stopping: Talos's presets and formulas, with Talos's faults fixed on purpose."""

from __future__ import annotations

import numpy as np
import pytest

from scanlab.callbacks import (
    EARLY_STOPPING_PRESETS,
    early_stopper,
    early_stopping_arguments,
    talos_patience,
)
from scanlab.errors import ScanArgumentError, ScanArgumentTypeError
from scanlab.talos.utils._early_stopping import early_stopping_settings


def talos_formula(mode: str, epochs: int) -> int:
    """Talos 2.0.10's talos/model/early_stopper.py, written out."""
    return {"lazy": int(epochs / 3), "moderate": int(epochs / 10), "strict": 2}[mode]


@pytest.mark.parametrize("mode", EARLY_STOPPING_PRESETS)
@pytest.mark.parametrize("epochs", [1, 2, 3, 5, 9, 10, 11, 29, 30, 31, 100, 101])
def test_presets_follow_talos_formulas_and_never_give_a_patience_below_one(mode, epochs):
    expected = talos_formula(mode, epochs)
    assert talos_patience(mode, epochs) == expected
    assert early_stopping_settings(epochs, mode) == (0, expected)  # the Talos-exact layer
    arguments = early_stopping_arguments(epochs, mode=mode)
    assert arguments["patience"] == max(1, expected)
    assert arguments["min_delta"] == 0


@pytest.mark.parametrize(
    ("epochs", "mode", "talos", "scanlab"),
    [
        (5, "moderate", 0, 1),  # Talos states 0, which Keras 3 treats like 1: say 1
        (9, "moderate", 0, 1),
        (2, "lazy", 0, 1),
        (1, "lazy", 0, 1),
    ],
)
def test_the_fixed_cases_differ_from_talos_on_purpose(epochs, mode, talos, scanlab):
    assert early_stopping_settings(epochs, mode)[1] == talos
    assert early_stopping_arguments(epochs, mode=mode)["patience"] == scanlab


def test_overrides_and_the_list_form_keep_talos_meaning():
    assert early_stopping_arguments(100, mode="lazy", patience=4)["patience"] == 4
    assert early_stopping_arguments(100, min_delta=0.01)["min_delta"] == 0.01
    assert early_stopping_arguments(mode=[0.5, 3])["patience"] == 3  # no epochs needed
    assert early_stopping_arguments(mode=(0.5, 3))["min_delta"] == 0.5
    assert early_stopping_arguments(mode="strict")["patience"] == 2


@pytest.mark.parametrize(
    ("monitor", "direction"),
    [
        ("val_loss", "min"),
        ("loss", "min"),
        ("val_mean_squared_error", "min"),
        ("val_accuracy", "max"),
        ("val_f1score", "max"),  # Keras 3 with mode='auto' cannot tell this one
        ("val_auc", "max"),
    ],
)
def test_the_direction_is_set_from_the_monitor_name(monitor, direction):
    assert early_stopping_arguments(10, monitor=monitor)["mode"] == direction


def test_early_stopper_builds_a_keras_callback():
    import keras

    stop = early_stopper(30, monitor="val_f1score", mode="lazy", restore_best_weights=True)
    assert isinstance(stop, keras.callbacks.EarlyStopping)
    assert (stop.monitor, stop.patience, stop.min_delta, stop.restore_best_weights) == (
        "val_f1score",
        10,
        0,
        True,
    )
    assert stop.mode == "max"


def test_a_custom_metric_monitor_trains_where_keras_auto_mode_refuses():
    import keras

    def f1score(y_true, y_pred):
        return keras.ops.mean(y_pred)

    x = np.zeros((8, 2), dtype="float32")
    y = np.zeros(8, dtype="float32")

    def fit(stop):
        keras.utils.set_random_seed(0)
        model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
        model.compile("sgd", "mse", metrics=[f1score])
        return model.fit(x, y, validation_data=(x, y), epochs=2, verbose=0, callbacks=[stop])

    with pytest.raises(ValueError, match="isn't able to automatically determine"):
        fit(keras.callbacks.EarlyStopping(monitor="val_f1score", patience=1, mode="auto"))
    history = fit(early_stopper(20, monitor="val_f1score"))
    assert len(history.history["val_f1score"]) == 2


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"epochs": 10, "mode": "fast"}, ScanArgumentError, r"^mode must be one of \['lazy'"),
        ({"mode": "moderate"}, ScanArgumentError, r"^epochs is needed by the 'moderate'"),
        ({"epochs": 10, "patience": 0}, ScanArgumentTypeError, r"^patience must be an int >= 1"),
        ({"epochs": 10, "patience": 2.5}, ScanArgumentTypeError, r"^patience must be an int"),
        ({"epochs": 0}, ScanArgumentTypeError, r"^epochs must be an int >= 1, got 0"),
        ({"mode": [0, 0]}, ScanArgumentTypeError, r"^mode\[1\] \(patience\) must be an int >= 1"),
        ({"mode": [-1, 2]}, ScanArgumentTypeError, r"^mode\[0\] \(min_delta\) must be a number"),
        (
            {"mode": [0, 2], "patience": 3},
            ScanArgumentError,
            r"^min_delta and patience must be None when mode is already",
        ),
        ({"epochs": 10, "monitor": 3}, ScanArgumentTypeError, r"^monitor must be a history key"),
        (
            {"epochs": 10, "restore_best_weights": "yes"},
            ScanArgumentTypeError,
            r"^restore_best_weights must be True or False",
        ),
    ],
)
def test_bad_arguments_are_refused_with_the_fix(kwargs, error, match):
    with pytest.raises(error, match=match) as info:
        early_stopping_arguments(**kwargs)
    assert "Fix:" in str(info.value)


def test_a_stated_patience_of_one_stops_where_talos_zero_stops_in_keras():
    """Keras treats patience 0 like 1: the fix changes what is stated, not when runs stop."""
    import keras

    def stopped_at(stop) -> int | None:
        model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)])
        model.stop_training = False
        stop.set_model(model)
        stop.on_train_begin()
        for epoch, value in enumerate([1.0, 0.9, 0.8, 0.85, 0.7, 0.9, 0.95]):  # scripted val_loss
            stop.on_epoch_end(epoch, {"val_loss": value})
            if model.stop_training:
                return epoch
        return None

    talos_like = keras.callbacks.EarlyStopping(patience=0, mode="min")  # Talos at epochs=5
    assert stopped_at(talos_like) == stopped_at(early_stopper(5)) == 3
    assert stopped_at(early_stopper(5, mode="strict")) == 6
