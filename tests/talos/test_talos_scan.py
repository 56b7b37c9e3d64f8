"""talos.Scan on scanlab's engine: Talos's arguments, layout, attributes and methods."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from _fakes import FakeHistory, fake_model

from scanlab.data import prepare_data
from scanlab.errors import ScanArgumentError
from scanlab.talos import Analyze, Scan


def _loss_param_model(x_train, y_train, x_val, y_val, params):
    """A fake model that reads Talos's usual 'loss' parameter by its own name."""
    assert list(params)[:2] == ["loss", "lr"], "params arrive in the params dict's order"
    bump = {"mse": 0.0, "mae": 0.1}[params["loss"]]
    history = {
        "acc": [0.5, 0.6 + params["lr"] - bump],
        "loss": [1.0, 0.5 + bump],
        "val_acc": [0.4, 0.55 + params["lr"] - bump],
        "val_loss": [1.1, 0.6 + bump],
    }
    return FakeHistory(history), None


@pytest.fixture
def talos_scan(xy, tmp_path):
    x, y = xy
    params = {"loss": ["mse", "mae"], "lr": (0.1, 0.4, 3), "epochs": [2]}
    return Scan(
        x,
        y,
        params,
        _loss_param_model,
        "talos_layout",
        seed=3,
        save_weights=False,
        disable_progress_bar=True,
        results_dir=tmp_path,
    )


def test_data_has_talos_columns_and_the_renamed_loss_parameter(talos_scan):
    data = talos_scan.data
    assert list(data.columns) == [
        "start",
        "end",
        "duration",
        "round_epochs",
        "acc",
        "loss",
        "val_acc",
        "val_loss",
        "param__loss",
        "lr",
        "epochs",
    ]
    assert len(data) == 6 and list(data.index) == list(range(6))
    assert sorted(data["lr"].unique()) == pytest.approx([0.1, 0.2, 0.3])
    assert set(data["param__loss"]) == {"mse", "mae"}
    assert (data["round_epochs"] == 2).all()


def test_attributes_follow_talos(talos_scan, xy):
    s = talos_scan
    assert len(s.round_history) == len(s.data) and s.round_history[0]["val_acc"][0] == 0.4
    assert list(s.round_times.columns) == ["start", "end", "duration"]
    assert list(s.learning_entropy.columns) == ["acc", "loss"]
    assert s.learning_entropy.notna().all().all()
    split = prepare_data(*xy, val_split=0.3, seed=s.seed)
    assert np.array_equal(s.x_val, split.x_val) and len(s.x_train) == 28
    for key in ("experiment_name", "random_method", "reduction_metric", "x_shape", "rounds"):
        assert key in s.details.index
    assert s.details["rounds"] == 6 and s.details["x_shape"] == (40, 3)
    assert len(s.saved_models) == 6 and s.saved_models[0] is None


def test_without_kept_models_best_model_says_how_to_keep_them(talos_scan):
    assert talos_scan.best_index("val_acc") == talos_scan.data["val_acc"].idxmax()
    with pytest.raises(ScanArgumentError, match=r"ran with save_weights=False"):
        talos_scan.best_model("val_acc")


def test_talos_val_acc_finds_keras_val_accuracy(xy, tmp_path):
    scan = Scan(
        *xy,
        {"lr": [0.1, 0.2]},
        fake_model,
        "alias",
        disable_progress_bar=True,
        save_weights=False,
        results_dir=tmp_path,
    )
    assert scan.best_index("val_acc") == scan.data["val_accuracy"].idxmax()
    assert scan.scan.tracked_metric == "val_accuracy"
    assert Analyze(scan).high("val_acc") == scan.data["val_accuracy"].max()


def test_the_same_call_again_resumes_instead_of_retraining(xy, tmp_path):
    args = (*xy, {"lr": [0.1, 0.2, 0.3]}, fake_model, "again")
    first = Scan(*args, disable_progress_bar=True, save_weights=False, results_dir=tmp_path)
    second = Scan(*args, disable_progress_bar=True, save_weights=False, results_dir=tmp_path)
    assert second.round_path == first.round_path
    pd.testing.assert_frame_equal(first.data, second.data)


def test_talos_options_without_equivalent_are_refused_before_training(xy, tmp_path):
    with pytest.raises(ScanArgumentError, match=r"search_strategy=...\) is a Talos 2.0.10 option"):
        Scan(*xy, {"lr": [0.1]}, fake_model, "x", search_strategy="grid", results_dir=tmp_path)
    with pytest.raises(ScanArgumentError, match=r"reduction_method='gamify' is not supported"):
        Scan(*xy, {"lr": [0.1]}, fake_model, "x", reduction_method="gamify", results_dir=tmp_path)
    assert not (tmp_path / "x").exists()


def test_a_real_keras_scan_keeps_models_on_disk_and_loads_the_best(tmp_path):
    import keras

    rng = np.random.default_rng(0)
    x = rng.normal(size=(30, 4)).astype("float32")
    y = (x[:, 0] > 0).astype("float32")

    def model(x_train, y_train, x_val, y_val, params):
        m = keras.Sequential(
            [
                keras.Input((4,)),
                keras.layers.Dense(params["units"]),
                keras.layers.Dense(1, activation="sigmoid"),
            ]
        )
        m.compile(
            optimizer=params["optimizer"](learning_rate=0.01), loss=params["loss"], metrics=["acc"]
        )
        h = m.fit(x_train, y_train, validation_data=(x_val, y_val), epochs=1, verbose=0)
        return h, m

    params = {
        "units": [2, 3],
        "optimizer": [keras.optimizers.Adam],
        "loss": ["binary_crossentropy"],
    }
    scan = Scan(
        x, y, params, model, "real", seed=1, disable_progress_bar=True, results_dir=tmp_path
    )
    assert scan.data["optimizer"].tolist() == [keras.optimizers.Adam] * 2
    best = scan.best_model("val_acc")
    assert best.count_params() == scan.load_model(scan.best_index("val_acc")).count_params()
    assert '"class_name": "Sequential"' in scan.saved_models[0]
    assert scan.saved_weights[1][0].shape in ((4, 2), (4, 3))


def _order_model(x_train, y_train, x_val, y_val, params):
    assert list(params) == ["z", "a", "m"], list(params)
    return fake_model(x_train, y_train, x_val, y_val, params)


def test_the_model_gets_its_params_in_the_dicts_order_without_renames(xy, tmp_path):
    scan = Scan(
        *xy,
        {"z": [1], "a": [2, 3], "m": [4]},
        _order_model,
        "order",
        disable_progress_bar=True,
        save_weights=False,
        results_dir=tmp_path,
    )
    assert len(scan.data) == 2 and list(scan.data.columns[-3:]) == ["z", "a", "m"]


def test_objective_direction_max_is_kept(xy, tmp_path):
    scan = Scan(
        *xy,
        {"lr": [0.1, 0.2]},
        fake_model,
        "objective",
        disable_progress_bar=True,
        save_weights=False,
        results_dir=tmp_path,
        objective={"metric": "val_loss", "direction": "max"},
    )
    assert scan.scan.tracked_metric == "val_loss" and scan.scan.minimize is False
