"""scanlab.talos.utils against real Talos 2.0.10's outputs (compat/talos/reference/utils.json,
written by compat/talos/record_utils.py), plus tiny real-Keras checks."""

from __future__ import annotations

import inspect
import json
import subprocess
import sys
import types
from pathlib import Path

import numpy as np
import pytest

from scanlab.errors import ParamsError, ParamsTypeError, ScanArgumentError, ScanArgumentTypeError
from scanlab.talos import utils
from scanlab.talos.utils import _normalizers
from scanlab.talos.utils._layers import network_shape

REFERENCE = json.loads(
    (Path(__file__).parents[2] / "compat" / "talos" / "reference" / "utils.json").read_text()
)


def _cases(key):
    return pytest.mark.parametrize("case", REFERENCE[key], ids=lambda c: json.dumps(c)[:80])


# ---- lr_normalizer ---------------------------------------------------------------------------


@_cases("lr_normalizer")
def test_lr_normalizer_matches_talos_or_follows_the_documented_rule(case):
    import keras

    cls = getattr(keras.optimizers, case["optimizer"])
    optimizer = cls() if case.get("instance") else cls
    if "value" in case:  # Talos supports it: the same number
        assert utils.lr_normalizer(case["lr"], optimizer) == case["value"]
    elif case["optimizer"] in _normalizers.DIVISORS:  # Talos rejects it: 1 / Keras default
        default = inspect.signature(cls.__init__).parameters["learning_rate"].default
        assert utils.lr_normalizer(case["lr"], optimizer) == pytest.approx(case["lr"] * default)
    else:  # base class, wrappers: no step of their own
        with pytest.raises(ParamsError, match="optimizer must be"):
            utils.lr_normalizer(case["lr"], optimizer)


def test_every_keras_optimizer_has_a_factor():
    import keras

    names = {
        n
        for n, c in vars(keras.optimizers).items()
        if inspect.isclass(c) and issubclass(c, keras.optimizers.Optimizer)
    }
    assert names - set(_normalizers.DIVISORS) <= {
        "Optimizer",
        "LossScaleOptimizer",
        "MultiOptimizer",
    }
    for name, divisor in _normalizers.DIVISORS.items():
        if name not in _normalizers.TALOS_DIVISORS:
            cls = getattr(keras.optimizers, name)
            default = inspect.signature(cls.__init__).parameters["learning_rate"].default
            assert divisor == pytest.approx(1 / default), name


def test_lr_normalizer_names_instances_wrappers_and_subclasses():
    import keras

    assert utils.lr_normalizer(1, "adam") == utils.lr_normalizer(1, "Adam") == 0.001
    assert utils.lr_normalizer(3, "SGD") == 0.03
    assert utils.lr_normalizer(1, "schedule_free_adamw") == 1 / 400
    wrapped = keras.optimizers.LossScaleOptimizer(keras.optimizers.SGD())
    assert utils.lr_normalizer(1, wrapped) == 0.01

    class MyAdamax(keras.optimizers.Adamax):
        pass

    assert utils.lr_normalizer(1, MyAdamax) == 0.002
    assert utils.lr_normalizer(np.float32(2), keras.optimizers.AdamW) == pytest.approx(0.002)


def test_lr_normalizer_bad_input_is_a_clear_error():
    with pytest.raises(ParamsError, match=r"optimizer must name an optimizer .* got 'adamm'"):
        utils.lr_normalizer(1, "adamm")
    with pytest.raises(ParamsError, match="optimizer must be an optimizer lr_normalizer knows"):
        utils.lr_normalizer(1, dict)
    with pytest.raises(ParamsTypeError, match=r"lr must be a real number, got '1'"):
        utils.lr_normalizer("1", "adam")


# ---- early_stopper ---------------------------------------------------------------------------


@_cases("early_stopper")
def test_early_stopper_matches_talos(case):
    import keras

    if "attributes" in case:
        stop = utils.early_stopper(**case["kwargs"])
        assert isinstance(stop, keras.callbacks.EarlyStopping)
        assert {a: getattr(stop, a) for a in case["attributes"]} == case["attributes"]
    else:
        assert case["error"] == "ValueError"
        match = "needed by the" if "epochs" in case["message"] else "mode must be"
        with pytest.raises(ScanArgumentError, match=match):
            utils.early_stopper(**case["kwargs"])


def test_early_stopper_bad_input():
    with pytest.raises(ScanArgumentTypeError, match="patience must be a number >= 0, got -1"):
        utils.early_stopper(mode="strict", patience=-1)
    with pytest.raises(ScanArgumentError, match="backend must be one of"):
        utils.early_stopper(mode="strict", backend="torch")


# ---- network_shape and hidden_layers ---------------------------------------------------------


@_cases("network_shape")
def test_network_shape_matches_talos(case):
    params, last = case["params"], case["last_neuron"]
    if "widths" in case:
        assert network_shape(params, last) == case["widths"]
    else:  # Talos rejects scanlab's own shapes and int slopes; here they are shapes
        widths = network_shape(params, last)
        assert len(widths) == params["hidden_layers"]
        assert all(w >= max(last, 1) for w in widths)


def test_scanlab_shapes():
    def shape(name, layers=6, first=64, last=1):
        return network_shape({"shapes": name, "hidden_layers": layers, "first_neuron": first}, last)

    assert shape("long_funnel") == [64, 64, 64, 48, 32, 16]
    assert shape("diamond", 5) == [42, 53, 64, 53, 42]
    assert shape("hexagon", 5) == [48, 64, 64, 64, 48]
    assert shape("stairs") == [64, 64, 43, 43, 22, 22]
    assert shape("diamond", 1) == [64]
    assert shape(1, 3, 64, 4) == [4, 4, 4]


def test_network_shape_bad_input():
    with pytest.raises(ParamsError, match=r"params\['shapes'\] must be a number or one of"):
        network_shape({"shapes": "cube", "hidden_layers": 2, "first_neuron": 8}, 1)
    with pytest.raises(ParamsError, match=r"params\['hidden_layers'\] must be an int >= 0"):
        network_shape({"shapes": "brick", "hidden_layers": 1.5, "first_neuron": 8}, 1)


def _summary(layer):
    config = layer.get_config()
    if type(layer).__name__ == "Dropout":
        return {"class": "Dropout", "rate": config["rate"]}
    return {
        "class": "Dense",
        "units": config["units"],
        "activation": config["activation"],
        "use_bias": config["use_bias"],
        "kernel_initializer": config["kernel_initializer"]["class_name"],
        "bias_initializer": config["bias_initializer"]["class_name"],
    }


@_cases("hidden_layers")
def test_hidden_layers_adds_talos_layers(case):
    import keras

    model = keras.Sequential([keras.Input(shape=(5,))])
    if "layers" not in case:
        with pytest.raises(ParamsError, match=r"params must hold 'dropout', 'activation'"):
            utils.hidden_layers(model, case["params"], case["last_neuron"])
        return
    assert utils.hidden_layers(model, case["params"], case["last_neuron"]) is model
    assert [_summary(layer) for layer in model.layers] == case["layers"]
    # functional: the same layers, applied to a tensor
    inputs = keras.Input(shape=(5,))
    out = utils.hidden_layers(inputs, case["params"], case["last_neuron"])
    functional = keras.Model(inputs, out)
    assert [_summary(layer) for layer in functional.layers[1:]] == case["layers"]


def test_hidden_layers_refuses_a_built_functional_model():
    import keras

    inputs = keras.Input((3,))
    model = keras.Model(inputs, keras.layers.Dense(1)(inputs))
    params = {
        "shapes": "brick",
        "first_neuron": 4,
        "dropout": 0,
        "hidden_layers": 1,
        "activation": "relu",
    }
    with pytest.raises(ParamsTypeError, match=r"model must be a keras\.Sequential"):
        utils.hidden_layers(model, params, 1)
    with pytest.raises(ParamsError, match=r"params\['dropout'\] must be a number in \[0, 1\)"):
        utils.hidden_layers(keras.Sequential(), {**params, "dropout": 1.5}, 1)


# ---- metrics ---------------------------------------------------------------------------------

METRICS = REFERENCE["metrics"]
INPUTS = METRICS["inputs"]


@pytest.mark.parametrize("name", sorted(METRICS["functions"]))
def test_metric_functions_match_talos(name):
    expected = METRICS["functions"][name]
    function = getattr(utils.metrics, name)
    if name == "fbeta":
        got = {
            "binary": function(np.array(INPUTS["binary_true"]), np.array(INPUTS["binary_pred"])),
            "binary_beta2": function(
                np.array(INPUTS["binary_true"]), np.array(INPUTS["binary_pred"]), 2
            ),
            "multi": function(np.array(INPUTS["multi_labels"]), np.array(INPUTS["multi_pred"])),
        }
        assert {k: float(v) for k, v in got.items()} == pytest.approx(expected, rel=1e-6)
        return
    y_true, y_pred = np.array(INPUTS["reg_true"]), np.array(INPUTS["reg_pred"], dtype="float32")
    assert np.asarray(function(y_true, y_pred)).tolist() == pytest.approx(expected["2d"], rel=1e-6)
    column = function(y_true[:, 0], y_pred[:, :1])
    assert np.asarray(column).tolist() == pytest.approx(expected["column"], rel=1e-6)


@pytest.mark.parametrize("name", ["f1score", "matthews", "precision", "recall"])
def test_classification_metrics_match_talos(name):
    expected = METRICS["stateful"][name]
    onehot = np.eye(3)[INPUTS["multi_labels"]]
    got = {}
    for case, y_true, y_pred in (
        ("binary", INPUTS["binary_true"], INPUTS["binary_pred"]),
        ("multi_int", INPUTS["multi_labels"], INPUTS["multi_pred"]),
        ("multi_onehot", onehot, INPUTS["multi_pred"]),
    ):
        metric = getattr(utils.metrics, name)
        for half in (slice(0, 6), slice(6, 10)):
            metric.update_state(np.array(y_true)[half], np.array(y_pred)[half])
        got[case] = float(metric.result())
        weighted = getattr(utils.metrics, name)
        weighted.update_state(
            np.array(y_true), np.array(y_pred), sample_weight=np.array(INPUTS["weights"])
        )
        got[case + "_weighted"] = float(weighted.result())
        assert metric.name == expected["name"]
        metric.reset_state()
        assert float(metric.result()) == 0
    assert got == pytest.approx({k: v for k, v in expected.items() if k != "name"}, rel=1e-6)


def test_classification_metric_with_beta_and_its_errors():
    metric = utils.metrics.classification_metric("f1score", beta=2, name="f2")
    metric.update_state(np.array(INPUTS["binary_true"]), np.array(INPUTS["binary_pred"]))
    expected = METRICS["stateful"]["classification_metric_beta2"]
    assert (metric.name, float(metric.result())) == (
        expected["name"],
        pytest.approx(expected["binary"]),
    )
    assert utils.metrics.f1score is not utils.metrics.f1score  # a fresh metric on every read
    with pytest.raises(ScanArgumentError, match="kind must be one of"):
        utils.metrics.classification_metric("auc")
    with pytest.raises(AttributeError, match="no attribute 'f2score'"):
        utils.metrics.f2score  # noqa: B018


# ---- data helpers ----------------------------------------------------------------------------

DATA = REFERENCE["data"]


def test_rescale_meanzero_matches_talos():
    case = DATA["rescale_meanzero"]
    np.testing.assert_allclose(utils.rescale_meanzero(case["input"]), case["output"], rtol=1e-12)


@pytest.mark.parametrize("name", sorted(DATA["val_split"]["cases"]))
def test_val_split_matches_talos(name):
    case = DATA["val_split"]["cases"][name]
    x, y = np.array(DATA["val_split"]["x"]), np.array(DATA["val_split"]["y"])
    parts = utils.val_split(x, y, **case["kwargs"])
    assert [p.tolist() for p in parts] == case["parts"]


def test_val_split_bad_input():
    with pytest.raises(
        ScanArgumentError, match=r"split must lie strictly between 0 and 1, got 1\.5"
    ):
        utils.val_split(np.arange(4), np.arange(4), 1.5)
    with pytest.raises(ScanArgumentTypeError, match="multi_input is False"):
        utils.val_split([np.arange(4), np.arange(4)], np.arange(4), 0.5)
    xs = [np.arange(4), np.arange(4) * 10]
    x_train, _, x_val, _ = utils.val_split(xs, np.arange(4), 0.5, multi_input=True, seed=1)
    assert (x_train[1] == x_train[0] * 10).all() and len(x_val[0]) == 2


def test_generators_match_talos():
    x, y = np.array(DATA["val_split"]["x"]), np.array(DATA["val_split"]["y"])
    batches = utils.generator(x, y, DATA["generator"]["batch_size"])
    got = [[b.tolist() for b in next(batches)] for _ in range(5)]
    assert got == DATA["generator"]["batches"]
    sequence = utils.SequenceGenerator(x, y, DATA["sequence_generator"]["batch_size"])
    assert len(sequence) == DATA["sequence_generator"]["len"]
    items = [[np.asarray(b).tolist() for b in sequence[i]] for i in range(len(sequence))]
    assert items == DATA["sequence_generator"]["items"]
    with pytest.raises(ScanArgumentError, match="batch_size must be an int >= 1, got 0"):
        utils.generator(x, y, 0)
    with pytest.raises(ScanArgumentError, match="x_set, y_set must both be given"):
        utils.SequenceGenerator(x)


def test_history_helpers_match_talos():
    history = utils.TorchHistory()
    log = types.SimpleNamespace(log=DATA["power_draw_append"]["log"])
    assert utils.power_draw_append(history, log).history == DATA["power_draw_append"]["history"]
    torch_history = utils.TorchHistory()
    torch_history.append_loss(0.9)
    torch_history.append_loss(0.5)
    torch_history.append_metric(0.6)
    torch_history.append_val_loss(1.0)
    torch_history.append_val_metric(0.4)
    assert torch_history.history == DATA["torch_history"]
    with pytest.raises(ScanArgumentTypeError, match="power_draw must be a PowerDraw callback"):
        utils.power_draw_append(history, object())


# ---- gpu_utils, recover_best_model, laziness --------------------------------------------------

GPU_SCRIPT = """
import json, os
import keras
from scanlab.talos.utils import gpu_utils
model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
out = {
    "growth": gpu_utils.parallel_gpu_jobs(),
    "fraction": gpu_utils.parallel_gpu_jobs(0.5),
    "env": [os.environ.get("TF_FORCE_GPU_ALLOW_GROWTH"), os.environ.get("XLA_PYTHON_CLIENT_MEM_FRACTION")],
    "same_model": gpu_utils.multi_gpu(model) is model,
    "cpu": gpu_utils.force_cpu(),
    "hidden": os.environ.get("CUDA_VISIBLE_DEVICES"),
}
try:
    gpu_utils.parallel_gpu_jobs(fraction=2)
except ValueError as exc:
    out["error"] = str(exc)
print(json.dumps(out))
"""


def test_gpu_utils_on_a_machine_without_gpus():
    done = subprocess.run(
        [sys.executable, "-c", GPU_SCRIPT],
        capture_output=True,
        text=True,
        timeout=120,
        env={"CUDA_VISIBLE_DEVICES": "-1", "TF_CPP_MIN_LOG_LEVEL": "3", "PATH": "/usr/bin:/bin"},
    )
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout.strip().splitlines()[-1])
    assert out["growth"] == out["fraction"] == []
    assert out["env"] == ["true", "0.50"]
    assert out["same_model"] and out["cpu"] == "cpu" and out["hidden"] == "-1"
    assert out["error"].startswith("fraction must lie in (0, 1], got 2")


def test_recover_best_model_is_imported_when_called(monkeypatch):
    fake = types.ModuleType("scanlab.talos._restore")
    fake.recover_best_model = lambda *a, **k: ("recovered", a, k)
    monkeypatch.setitem(sys.modules, "scanlab.talos._restore", fake)
    assert utils.recover_best_model(1, metric="val_acc") == (
        "recovered",
        (1,),
        {"metric": "val_acc"},
    )


def test_importing_utils_imports_no_framework():
    code = (
        "import sys, scanlab.talos.utils, scanlab.talos.callbacks\n"
        "print(sorted(m for m in ('keras', 'tensorflow', 'torch', 'jax') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


# ---- real Keras: the helpers together --------------------------------------------------------


def test_a_talos_style_model_compiles_and_fits(tmp_path):
    import keras

    rng = np.random.default_rng(0)
    x = rng.normal(size=(24, 4)).astype("float32")
    y = (x[:, :1] > 0).astype("float32")
    params = {
        "shapes": "funnel",
        "first_neuron": 8,
        "dropout": 0.1,
        "hidden_layers": 2,
        "activation": "relu",
        "lr": 2,
        "optimizer": keras.optimizers.Nadam,
        "epochs": 1,
    }
    model = keras.Sequential([keras.Input((4,))])
    utils.hidden_layers(model, params, 1)
    model.add(keras.layers.Dense(1, activation="sigmoid"))
    optimizer = params["optimizer"](
        learning_rate=utils.lr_normalizer(params["lr"], params["optimizer"])
    )
    model.compile(
        optimizer,
        "binary_crossentropy",
        metrics=["accuracy", utils.metrics.f1score, utils.metrics.matthews, utils.metrics.rmse],
    )
    history = model.fit(
        x,
        y,
        validation_data=(x, y),
        epochs=params["epochs"],
        batch_size=8,
        verbose=0,
        callbacks=[utils.early_stopper(params["epochs"], mode="moderate")],
    )
    talos_keys = set(METRICS["history_keys"]) - {
        "mae",
        "val_mae",
        "precision",
        "recall",
        "val_precision",
        "val_recall",
    }
    assert talos_keys <= set(history.history)
    assert {"rmse", "val_rmse"} <= set(history.history)
    assert float(model.optimizer.learning_rate) == pytest.approx(0.002)
    assert 0 <= history.history["val_f1score"][0] <= 1
    # the metric is saved and loaded with the model (safe_mode, no custom_objects)
    path = tmp_path / "model.keras"
    model.save(path)
    loaded = keras.models.load_model(
        path, safe_mode=True, custom_objects=utils.metrics.custom_objects()
    )
    scores = loaded.evaluate(x, y, verbose=0, return_dict=True)
    assert {"f1score", "matthews", "rmse"} <= set(scores)


def test_history_keys_match_talos():
    import keras

    x = np.random.default_rng(0).normal(size=(16, 3)).astype("float32")
    y = (x[:, :1] > 0).astype("float32")
    inputs = keras.Input((3,))
    model = keras.Model(inputs, keras.layers.Dense(1, activation="sigmoid")(inputs))
    m = utils.metrics
    model.compile(
        "adam", "binary_crossentropy", metrics=[m.f1score, m.matthews, m.precision, m.recall, m.mae]
    )
    history = model.fit(x, y, validation_data=(x, y), epochs=1, batch_size=8, verbose=0)
    assert sorted(history.history) == sorted(METRICS["history_keys"])


@pytest.mark.parametrize("classes", [1, 3])
def test_metrics_in_a_compiled_evaluate_equal_scikit_learn(classes):
    """Counted over the whole epoch across batches, inside Keras's compiled step."""
    import keras
    from sklearn.metrics import f1_score, matthews_corrcoef, precision_score, recall_score

    rng = np.random.default_rng(classes)
    x = rng.normal(size=(40, 3)).astype("float32")
    if classes == 1:
        y = (x[:, :1] + 0.5 * rng.normal(size=(40, 1)) > 0).astype("float32")
        head, loss = keras.layers.Dense(1, activation="sigmoid"), "binary_crossentropy"
    else:
        y = rng.integers(0, 3, size=40)
        head, loss = keras.layers.Dense(3, activation="softmax"), "sparse_categorical_crossentropy"
    model = keras.Sequential([keras.Input((3,)), head])
    m = utils.metrics
    model.compile("adam", loss, metrics=[m.f1score, m.matthews, m.precision, m.recall])
    scores = model.evaluate(x, y, batch_size=8, verbose=0, return_dict=True)
    probabilities = model.predict(x, verbose=0)
    predicted = (
        (probabilities[:, 0] >= 0.5).astype(int) if classes == 1 else probabilities.argmax(1)
    )
    truth = np.ravel(y).astype(int)
    average = "binary" if classes == 1 else "macro"
    expected = {
        "f1score": f1_score(truth, predicted, average=average, zero_division=0),
        "matthews": matthews_corrcoef(truth, predicted),
        "precision": precision_score(truth, predicted, average=average, zero_division=0),
        "recall": recall_score(truth, predicted, average=average, zero_division=0),
    }
    assert {k: scores[k] for k in expected} == pytest.approx(expected, abs=1e-5)
