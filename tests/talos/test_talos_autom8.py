"""scanlab.talos.autom8 against values recorded from real Talos 2.0.10, and a real AutoScan.

The reference (``compat/talos/reference/templates.json``) is written by
``compat/talos/record_templates.py`` run under Talos's own virtualenv; its table of
``AutoParams`` settings is replayed here on scanlab.
"""

from __future__ import annotations

import copy
import importlib.util
import json
from pathlib import Path

import numpy as np
import pytest

from scanlab.errors import ScanArgumentError, ScanArgumentTypeError
from scanlab.talos.autom8 import AutoModel, AutoParams, AutoPredict, AutoScan
from scanlab.talos.autom8.automodel import output_layer
from scanlab.talos.templates import datasets

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = json.loads((ROOT / "compat/talos/reference/templates.json").read_text())
_spec = importlib.util.spec_from_file_location(
    "record_templates", ROOT / "compat/talos/record_templates.py"
)
assert _spec is not None and _spec.loader is not None
RECORD = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(RECORD)


# ---- AutoParams ----------------------------------------------------------------------------


@pytest.mark.parametrize("case", sorted(REFERENCE["autoparams_cases"]))
def test_autoparams_give_talos_dicts(case):
    kwargs, calls = copy.deepcopy(REFERENCE["autoparams_cases"][case])
    auto = AutoParams(**kwargs)
    for method, args in calls:
        getattr(auto, method)(*args)
    ours = RECORD.encode(auto.params)
    assert ours == REFERENCE["autoparams"][case]
    assert json.dumps(ours) == json.dumps(REFERENCE["autoparams"][case])  # order and types


def test_autoparams_default_values():
    import keras

    p = AutoParams().params
    assert p["optimizer"] == [keras.optimizers.Adam, keras.optimizers.Adagrad, keras.optimizers.SGD]
    assert p["network"] == ["dense", "simplernn", "lstm", "conv1d"]
    assert p["batch_size"] == [2, 8, 32, 128]


def test_autoparams_copy_the_given_dict():
    given = {"lr": [0.5]}
    AutoParams(params=given)
    assert given == {"lr": [0.5]}


def test_autoparams_accept_task_aliases_and_keep_ranges():
    p = AutoParams(params={"dropout": (0, 0.5, 5)}, task="regression", replace=False).params
    assert p["losses"] == ["mae"] and p["dropout"] == (0, 0.5, 5)


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: AutoParams(task="ranking"), ScanArgumentError, r"task must be one of \["),
        (lambda: AutoParams(backend="torch"), ScanArgumentError, r"backend must name Keras"),
        (
            lambda: AutoParams(resample_params=0),
            ScanArgumentError,
            r"resample_params must be a positive int, got 0",
        ),
        (lambda: AutoParams(params=[1]), ScanArgumentTypeError, r"params must be a dict or None"),
        (
            lambda: AutoParams().resample_params(True),
            ScanArgumentError,
            r"n must be a positive int",
        ),
        (
            lambda: AutoParams().neurons(8, 64),
            ScanArgumentError,
            r"neurons\(\) needs its maximum and steps both",
        ),
        (
            lambda: AutoParams().layers(4, 1),
            ScanArgumentError,
            r"layers\(\) must give at least one value .*got \(4, 1, 1\)",
        ),
        (
            lambda: AutoParams().epochs(1, 2.5, 1),
            ScanArgumentTypeError,
            r"epochs\(\) takes int bounds",
        ),
    ],
)
def test_autoparams_refuse_bad_arguments(call, error, match):
    with pytest.raises(error, match=match):
        call()


# ---- AutoModel -----------------------------------------------------------------------------


@pytest.mark.parametrize("case", [c for c in REFERENCE["model_cases"] if c.startswith("auto_")])
def test_automodel_builds_talos_networks(case):
    """Per task and network: layers, widths, initializers, loss, lr, history keys."""
    import keras

    source, raw, kind = REFERENCE["model_cases"][case]
    p = dict(raw, optimizer=getattr(keras.optimizers, raw["optimizer"]))
    x, y = RECORD.tiny_data(kind)
    keras.utils.set_random_seed(0)
    history, model = AutoModel(source.split(".")[1], "exp").model(x, y, x, y, p)
    keras.backend.clear_session()
    assert RECORD.model_summary(history, model) == REFERENCE["models"][case]


def test_output_layer_per_task():
    labels = np.array([0, 2, 1, 2])
    assert output_layer("binary", "sigmoid", labels, labels) == ("sigmoid", 1)
    assert output_layer("multiclass", "softmax", labels, np.array([3])) == ("softmax", 4)
    assert output_layer("multi_label", "softmax", np.eye(5), None) == ("softmax", 5)
    assert output_layer("regression", "relu", labels, labels) == (None, 1)


def test_automodel_refuses_what_cannot_build():
    with pytest.raises(ScanArgumentError, match=r"task must be one of .*, got None"):
        AutoModel(None, "exp", metric=["mae"])
    with pytest.raises(ScanArgumentTypeError, match=r"metric must be a list of metrics or None"):
        AutoModel("binary", "exp", metric="mae")
    with pytest.raises(ScanArgumentError, match=r"backend must name Keras.*got 'pytorch'"):
        AutoModel("binary", "exp", backend="pytorch")


# ---- AutoScan and AutoPredict --------------------------------------------------------------


def test_autoscan_uses_autoparams_resampled(tmp_path, xy):
    seen = []

    def model(x_train, y_train, x_val, y_val, params):
        seen.append(dict(params))
        return {"loss": [1.0], "val_loss": [1.0]}, None

    x, y = xy
    AutoScan("binary", "auto", max_param_values=1).start(
        x,
        y,
        model=model,
        round_limit=1,
        results_dir=tmp_path,
        save_weights=False,
        disable_progress_bar=True,
        seed=0,
    )
    expected = AutoParams(resample_params=1).params
    assert len(seen) == 1
    assert {k: seen[0][k] for k in expected} == {k: v[0] for k, v in expected.items()}


def test_autoscan_refuses_a_bad_limit():
    with pytest.raises(ScanArgumentError, match=r"max_param_values must be a positive int"):
        AutoScan("binary", "auto", max_param_values=0)


def test_real_autoscan_and_autopredict_on_iris(tmp_path):
    x, onehot = datasets.iris(seed=0)
    labels = onehot.argmax(axis=1)
    auto = AutoParams(task="multi_class", resample_params=2)
    auto.epochs(1, 2, 1)
    auto.batch_size(32, 33, 1)
    auto.networks(["dense", "conv1d"])
    scan = AutoScan("multiclass", "iris_auto").start(
        x[:120],
        labels[:120],
        params=auto.params,
        round_limit=2,
        seed=3,
        results_dir=tmp_path,
        disable_progress_bar=True,
    )
    assert len(scan.data) == 2
    assert {"acc", "f1score", "loss", "val_acc", "val_f1score", "val_loss"} <= set(scan.data)
    assert (tmp_path / "iris_auto").is_dir()

    AutoPredict(scan, x[120:], labels[120:], x[120:], task="multi_class", n_models=2, folds=2)
    assert scan.preds_probabilities.shape == (30, 3)
    assert scan.preds_classes.shape == (30,)
    assert set(scan.preds_classes) <= {0, 1, 2}
    assert scan.data["eval_f1score_mean"].notna().sum() == 2
    assert scan.preds_parameters["eval_f1score_mean"] == scan.data["eval_f1score_mean"].max()
