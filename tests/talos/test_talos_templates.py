"""scanlab.talos.templates against values recorded from real Talos 2.0.10.

The reference (``compat/talos/reference/templates.json``) is written by
``compat/talos/record_templates.py`` run under Talos's own virtualenv; the same script's
``encode``, ``tiny_data`` and ``model_summary`` turn scanlab's objects into the same JSON
shapes here, so each comparison is one ``==``.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import numpy as np
import pytest

from scanlab.errors import ScanArgumentError
from scanlab.talos.templates import datasets, models, params, pipelines

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = json.loads((ROOT / "compat/talos/reference/templates.json").read_text())
_spec = importlib.util.spec_from_file_location(
    "record_templates", ROOT / "compat/talos/record_templates.py"
)
assert _spec is not None and _spec.loader is not None
RECORD = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(RECORD)


# ---- params --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "make"),
    [
        ("titanic", params.titanic),
        ("titanic_debug", lambda: params.titanic(debug=True)),
        ("iris", params.iris),
        ("breast_cancer", params.breast_cancer),
        ("cervical_cancer", params.cervical_cancer),
    ],
)
def test_params_are_talos_params(name, make):
    ours = RECORD.encode(make())
    assert ours == REFERENCE["params"][name]
    # the same key order and the same int/float types (1 is not 1.0 in JSON text)
    assert json.dumps(ours) == json.dumps(REFERENCE["params"][name])


def test_params_hold_keras_3_objects():
    import keras

    p = params.iris()
    assert p["optimizer"] == [keras.optimizers.Adam, keras.optimizers.Adagrad]
    assert p["activation"] == [keras.activations.relu, keras.activations.elu]
    assert params.breast_cancer()["optimizer"][2] is keras.optimizers.RMSprop


# ---- models --------------------------------------------------------------------------------


def _summary(name, function):
    import keras

    _source, raw, kind = REFERENCE["model_cases"][name]
    p = dict(raw, optimizer=getattr(keras.optimizers, raw["optimizer"]))
    x, y = RECORD.tiny_data(kind)
    keras.utils.set_random_seed(0)
    history, model = function(x, y, x, y, p)
    keras.backend.clear_session()
    return RECORD.model_summary(history, model)


@pytest.mark.parametrize("name", ["iris", "titanic"])
def test_models_build_talos_networks(name):
    """Layers, widths, activations, initializers, loss, optimizer, lr, history keys."""
    assert _summary(name, getattr(models, name)) == REFERENCE["models"][name]


def test_breast_cancer_model_trains_on_keras_3_where_talos_fails():
    recorded = REFERENCE["models"]
    assert (
        "EarlyStopping callback received monitor=val_f1score"
        in (recorded["breast_cancer"]["error"])
    )
    # Talos's network once its early stopper is told mode='max'
    assert (
        _summary("breast_cancer", models.breast_cancer)
        == (recorded["breast_cancer_stopper_mode_max"])
    )
    assert (
        _summary("breast_cancer", models.cervical_cancer)
        == (recorded["breast_cancer_stopper_mode_max"])
    )


def test_iris_model_stops_early_as_talos():
    """early_stopper(epochs, mode=[1, 1]): val_loss must fall by 1 per epoch, so 2 epochs."""
    import keras

    _source, raw, kind = REFERENCE["model_cases"]["iris"]
    p = dict(raw, optimizer=keras.optimizers.Adam, epochs=5)
    x, y = RECORD.tiny_data(kind)
    history, _ = models.iris(x, y, x, y, p)
    keras.backend.clear_session()
    assert len(history.history["loss"]) == 2


# ---- datasets ------------------------------------------------------------------------------


def test_iris_has_talos_shapes_and_encoding():
    recorded = REFERENCE["datasets"]["iris"]
    x, y = datasets.iris(seed=0)
    assert [list(x.shape), str(x.dtype), list(y.shape), str(y.dtype)] == [
        recorded["x_shape"],
        recorded["x_dtype"],
        recorded["y_shape"],
        recorded["y_dtype"],
    ]
    assert y.sum(axis=0).tolist() == recorded["y_sum"]
    assert set(np.unique(y)) == {0.0, 1.0} and (y.sum(axis=1) == 1).all()
    # the same rows as Talos's UCI file but for scikit-learn's two corrected samples
    ours = {tuple(r) for r in np.column_stack([x, y]).round(6)}
    talos = {tuple(r) for r in np.round(recorded["sorted_rows"], 6)}
    assert len(talos - ours) == 0
    assert ours - talos == {
        (4.9, 3.1, 1.5, 0.2, 1.0, 0.0, 0.0),
        (4.9, 3.6, 1.4, 0.1, 1.0, 0.0, 0.0),
    }


def test_iris_rows_are_shuffled_by_seed():
    first, _ = datasets.iris(seed=1)
    again, _ = datasets.iris(seed=1)
    other, _ = datasets.iris(seed=2)
    np.testing.assert_array_equal(first, again)
    assert not np.array_equal(first, other)


def test_breast_cancer_is_talos_data():
    recorded = REFERENCE["datasets"]["breast_cancer"]
    x, y = datasets.breast_cancer()
    assert [list(x.shape), str(x.dtype), list(y.shape), str(y.dtype)] == [
        recorded["x_shape"],
        recorded["x_dtype"],
        recorded["y_shape"],
        recorded["y_dtype"],
    ]
    np.testing.assert_allclose(x.sum(axis=0), recorded["x_column_sums"], rtol=0, atol=1e-6)
    np.testing.assert_array_equal(x[0], recorded["first_row"])
    assert int(y.sum()) == recorded["y_sum"] and y[0] == recorded["first_y"]  # 1 = malignant


@pytest.mark.parametrize(
    ("name", "what"),
    [
        ("titanic", "titanic.csv"),
        ("cervical_cancer", "cervical_cancer.csv"),
        ("icu_mortality", "icu_mortality.csv"),
        ("telco_churn", "telco_churn_for_sensitivity.csv"),
        ("mnist", "keras.datasets.mnist.load_data"),
    ],
)
def test_download_only_datasets_raise_a_clear_error(name, what):
    with pytest.raises(ScanArgumentError) as caught:
        getattr(datasets, name)()
    message = str(caught.value)
    assert message.startswith(f"talos.templates.datasets.{name}() must load data that ships")
    assert what in message
    assert "scanlab never downloads" in message
    assert "Fix: download the data yourself" in message
    assert "pass them to Scan(x, y, ...)" in message


# ---- pipelines -----------------------------------------------------------------------------


def test_iris_pipeline_runs_a_real_scan(tmp_path, monkeypatch):
    import keras

    small = {
        "lr": [1, 2],
        "first_neuron": [4],
        "hidden_layers": [0, 1],
        "batch_size": [32],
        "epochs": [1],
        "dropout": [0.0],
        "shapes": ["brick"],
        "optimizer": [keras.optimizers.Adam],
        "losses": ["categorical_crossentropy"],
        "activation": [keras.activations.relu],
        "last_activation": [keras.activations.softmax],
    }
    monkeypatch.setattr(params, "iris", lambda: small)
    scan = pipelines.iris(results_dir=tmp_path, seed=1, disable_progress_bar=True)
    assert len(scan.data) == 2
    assert scan.experiment_name == "test"
    assert {"acc", "val_acc", "loss", "val_loss"} <= set(scan.data.columns)
    assert (tmp_path / "test").is_dir()


@pytest.mark.parametrize("name", ["titanic", "cervical_cancer"])
def test_download_only_pipelines_fail_before_training(name, tmp_path):
    with pytest.raises(ScanArgumentError, match=rf"datasets\.{name}\(\) must load data"):
        getattr(pipelines, name)(results_dir=tmp_path)
    assert list(tmp_path.iterdir()) == []
