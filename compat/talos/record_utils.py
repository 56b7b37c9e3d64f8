"""Record what real Talos 2.0.10's ``talos.utils`` and ``talos.callbacks`` produce, for
scanlab's tests (tests/talos/test_utils.py, tests/talos/test_callbacks.py).

Run it with the Python of the virtualenv that holds Talos::

    /work/talosenv/bin/python compat/talos/record_utils.py

It writes ``compat/talos/reference/utils.json``; every entry holds its inputs next to Talos's
output, so a test replays the inputs on scanlab without this script:

- ``lr_normalizer``: ``lr_normalizer(lr, keras.optimizers.<Name>)`` for every Keras 3
  optimizer class and a few learning rates (a value, or the error Talos raised);
- ``early_stopper``: the ``EarlyStopping`` attributes for each preset (or the error);
- ``network_shape``: the layer widths for each shape, depth, first and last width;
- ``hidden_layers``: the Dense/Dropout layers Talos adds to a Sequential model;
- ``metrics``: Talos's regression metric functions and stateful classification metrics on
  fixed arrays (two batches, with and without sample weights), and the history keys of a
  one-epoch fit that uses them;
- ``rescale_meanzero``, ``val_split``, ``generator``, ``SequenceGenerator``,
  ``power_draw_append``, ``TorchHistory``: outputs on fixed inputs;
- ``experiment_log``: the rows ``callbacks.ExperimentLog`` writes for two epochs.
"""

from __future__ import annotations

import inspect
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any, ClassVar

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np

__all__ = ["main"]

REFERENCE = Path(__file__).parent / "reference" / "utils.json"

BINARY_TRUE = [[1.0], [0.0], [1.0], [1.0], [0.0], [0.0], [1.0], [0.0], [1.0], [0.0]]
BINARY_PRED = [[0.9], [0.2], [0.4], [0.7], [0.6], [0.1], [0.8], [0.3], [0.55], [0.45]]
MULTI_LABELS = [0, 1, 2, 2, 1, 0, 2, 1, 0, 1]
# argmax: 0, 1, 1, 2, 1, 2, 2, 0, 0, 1 (seven of ten right)
MULTI_PRED = [
    [0.7, 0.2, 0.1],
    [0.1, 0.8, 0.1],
    [0.2, 0.5, 0.3],
    [0.1, 0.3, 0.6],
    [0.3, 0.4, 0.3],
    [0.25, 0.25, 0.5],
    [0.05, 0.15, 0.8],
    [0.6, 0.3, 0.1],
    [0.5, 0.2, 0.3],
    [0.2, 0.45, 0.35],
]
REG_TRUE = [[1.0, 2.0], [0.5, -1.0], [3.0, 0.0], [2.5, 4.0]]
REG_PRED = [[1.5, 1.0], [0.0, -0.5], [2.0, 0.2], [3.0, 3.5]]
WEIGHTS = [1.0, 2.0, 0.5, 1.0, 1.0, 0.0, 3.0, 1.0, 1.0, 2.0]


def _error(exc: BaseException) -> dict[str, str]:
    return {"error": type(exc).__name__, "message": str(exc)}


def record_lr_normalizer(keras: Any) -> list[dict[str, Any]]:
    from talos.utils import lr_normalizer

    out = []
    names = sorted(
        n
        for n, c in vars(keras.optimizers).items()
        if inspect.isclass(c) and issubclass(c, keras.optimizers.Optimizer)
    )
    for name in names:
        for lr in (1, 0.5, 5, 10):
            entry: dict[str, Any] = {"optimizer": name, "lr": lr}
            try:
                entry["value"] = lr_normalizer(lr, getattr(keras.optimizers, name))
            except Exception as exc:
                entry.update(_error(exc))
            out.append(entry)
        # an instance where one is cheap to build
        if name in ("SGD", "Adam", "Adamax", "RMSprop", "Adagrad", "Nadam"):
            entry = {"optimizer": name, "lr": 1, "instance": True}
            try:
                entry["value"] = lr_normalizer(1, getattr(keras.optimizers, name)())
            except Exception as exc:
                entry.update(_error(exc))
            out.append(entry)
    return out


EARLY_STOPPER_CASES: list[dict[str, Any]] = [
    {"epochs": 100},
    {"epochs": 100, "mode": "moderate"},
    {"epochs": 7, "mode": "moderate"},
    {"epochs": 30, "mode": "lazy"},
    {"epochs": 31, "mode": "lazy", "monitor": "val_acc"},
    {"mode": "strict"},
    {"epochs": 20, "mode": "strict", "monitor": "loss"},
    {"mode": [0.01, 4]},
    {"mode": [0, 10], "min_delta": 0.5, "patience": 1},
    {"mode": None},
    {"mode": None, "min_delta": 0.2, "patience": 3},
    {"epochs": 100, "mode": "moderate", "patience": 7, "min_delta": 0.1},
    {"epochs": 50, "mode": "strict", "patience": 9},
    {"mode": "moderate"},
    {"mode": "lazy"},
    {"epochs": 10, "mode": "bogus"},
    {"mode": [1, 2, 3]},
]
ES_ATTRIBUTES = (
    "monitor",
    "min_delta",
    "patience",
    "verbose",
    "mode",
    "baseline",
    "restore_best_weights",
    "start_from_epoch",
)


def record_early_stopper() -> list[dict[str, Any]]:
    from talos.utils import early_stopper

    out = []
    for case in EARLY_STOPPER_CASES:
        entry: dict[str, Any] = {"kwargs": case}
        try:
            stop = early_stopper(**case)
            entry["type"] = type(stop).__module__ + "." + type(stop).__qualname__
            entry["attributes"] = {a: getattr(stop, a) for a in ES_ATTRIBUTES}
        except Exception as exc:
            entry.update(_error(exc))
        out.append(entry)
    return out


SHAPES = ["brick", "funnel", "triangle", 0.0, 0.1, 0.2, 0.5, -0.1, "long_funnel", "diamond", 1]


def record_network_shape() -> list[dict[str, Any]]:
    from talos.model.network_shape import network_shape

    out = []
    for shape in SHAPES:
        for layers in (0, 1, 2, 3, 4, 5, 8):
            for first in (8, 32, 64, 100):
                for last in (1, 3, 10):
                    params = {"shapes": shape, "hidden_layers": layers, "first_neuron": first}
                    entry: dict[str, Any] = {"params": params, "last_neuron": last}
                    try:
                        entry["widths"] = [int(w) for w in network_shape(params, last)]
                    except Exception as exc:
                        entry.update(_error(exc))
                    out.append(entry)
    return out


HIDDEN_LAYER_CASES: list[dict[str, Any]] = [
    {
        "params": {
            "shapes": "funnel",
            "first_neuron": 32,
            "dropout": 0.25,
            "hidden_layers": 3,
            "activation": "relu",
        },
        "last_neuron": 2,
    },
    {
        "params": {
            "shapes": "brick",
            "first_neuron": 16,
            "dropout": 0.0,
            "hidden_layers": 2,
            "activation": "elu",
            "kernel_initializer": "he_normal",
            "use_bias": False,
        },
        "last_neuron": 1,
    },
    {
        "params": {
            "shapes": 0.3,
            "first_neuron": 40,
            "dropout": 0.1,
            "hidden_layers": 4,
            "activation": "tanh",
        },
        "last_neuron": 3,
    },
    {
        "params": {
            "shapes": "triangle",
            "first_neuron": 64,
            "dropout": 0.5,
            "hidden_layers": 0,
            "activation": "relu",
        },
        "last_neuron": 1,
    },
    {"params": {"shapes": "brick", "first_neuron": 8, "hidden_layers": 1}, "last_neuron": 1},
]


def _layer_summary(layer: Any) -> dict[str, Any]:
    config = layer.get_config()
    summary: dict[str, Any] = {"class": type(layer).__name__}
    if summary["class"] == "Dense":
        summary.update(
            units=config["units"],
            activation=config["activation"],
            use_bias=config["use_bias"],
            kernel_initializer=config["kernel_initializer"]["class_name"],
            bias_initializer=config["bias_initializer"]["class_name"],
        )
    else:
        summary["rate"] = config["rate"]
    return summary


def record_hidden_layers(keras: Any) -> list[dict[str, Any]]:
    from talos.utils import hidden_layers

    out = []
    for case in HIDDEN_LAYER_CASES:
        entry: dict[str, Any] = dict(case)
        model = keras.Sequential([keras.Input(shape=(5,))])
        try:
            returned = hidden_layers(model, case["params"], case["last_neuron"])
            entry["returned_none"] = returned is None
            entry["layers"] = [_layer_summary(layer) for layer in model.layers]
        except Exception as exc:
            entry.update(_error(exc))
        out.append(entry)
    return out


def _floats(value: Any) -> Any:
    return np.asarray(value, dtype="float64").tolist()


def record_metrics(keras: Any) -> dict[str, Any]:
    from talos.utils import metrics

    functions = {}
    for name in ("mae", "mse", "rmae", "rmse", "mape", "msle", "rmsle"):
        function = getattr(metrics, name)
        functions[name] = {
            "2d": _floats(function(np.array(REG_TRUE), np.array(REG_PRED, dtype="float32"))),
            "column": _floats(
                function(np.array(REG_TRUE)[:, 0], np.array(REG_PRED, dtype="float32")[:, :1])
            ),
        }
    functions["fbeta"] = {
        "binary": float(metrics.fbeta(np.array(BINARY_TRUE), np.array(BINARY_PRED))),
        "binary_beta2": float(metrics.fbeta(np.array(BINARY_TRUE), np.array(BINARY_PRED), 2)),
        "multi": float(metrics.fbeta(np.array(MULTI_LABELS), np.array(MULTI_PRED))),
    }
    stateful: dict[str, Any] = {}
    onehot = np.eye(3)[MULTI_LABELS].tolist()
    for name in ("f1score", "precision", "recall", "matthews"):
        results = {}
        for case, y_true, y_pred in (
            ("binary", BINARY_TRUE, BINARY_PRED),
            ("multi_int", MULTI_LABELS, MULTI_PRED),
            ("multi_onehot", onehot, MULTI_PRED),
        ):
            metric = getattr(metrics, name)
            for half in (slice(0, 6), slice(6, 10)):
                metric.update_state(np.array(y_true)[half], np.array(y_pred)[half])
            results[case] = float(metric.result())
            weighted = getattr(metrics, name)
            weighted.update_state(
                np.array(y_true), np.array(y_pred), sample_weight=np.array(WEIGHTS)
            )
            results[case + "_weighted"] = float(weighted.result())
        results["name"] = metric.name
        stateful[name] = results
    fbeta2 = metrics.classification_metric("f1score", beta=2, name="f2")
    fbeta2.update_state(np.array(BINARY_TRUE), np.array(BINARY_PRED))
    stateful["classification_metric_beta2"] = {
        "name": fbeta2.name,
        "binary": float(fbeta2.result()),
    }
    return {
        "inputs": {
            "binary_true": BINARY_TRUE,
            "binary_pred": BINARY_PRED,
            "multi_labels": MULTI_LABELS,
            "multi_pred": MULTI_PRED,
            "reg_true": REG_TRUE,
            "reg_pred": REG_PRED,
            "weights": WEIGHTS,
        },
        "functions": functions,
        "stateful": stateful,
        "history_keys": _history_keys(keras, metrics),
    }


def _history_keys(keras: Any, metrics: Any) -> list[str]:
    x = np.random.default_rng(0).normal(size=(16, 3)).astype("float32")
    y = (x[:, :1] > 0).astype("float32")
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1, activation="sigmoid")])
    model.compile(
        "adam",
        "binary_crossentropy",
        metrics=[metrics.f1score, metrics.matthews, metrics.precision, metrics.recall, metrics.mae],
    )
    history = model.fit(x, y, validation_data=(x, y), epochs=1, batch_size=8, verbose=0)
    return list(history.history)


def record_data() -> dict[str, Any]:
    from talos.utils import (
        SequenceGenerator,
        TorchHistory,
        generator,
        power_draw_append,
        rescale_meanzero,
        val_split,
    )

    table = [[1.0, 5.0, 2.0], [3.0, 5.0, -1.0], [4.0, 5.0, 0.5], [10.0, 5.0, 7.0]]
    xs, ys = np.arange(20).reshape(10, 2), np.arange(10)
    splits = {}
    for name, kwargs in {
        "seed3": {"split": 0.3, "seed": 3},
        "seed7_half": {"split": 0.5, "seed": 7},
        "ordered": {"split": 0.25, "shuffled": False},
    }.items():
        parts = val_split(xs, ys, **kwargs)
        splits[name] = {"kwargs": kwargs, "parts": [np.asarray(p).tolist() for p in parts]}
    batches = generator(xs, ys, 4)
    sequence = SequenceGenerator(xs, ys, 3)

    class Log:
        log: ClassVar[dict[str, list[float]]] = {
            "epoch_begin": [100.0, 120.5, 90.0],
            "epoch_end": [140.0, 160.25, 95.0],
            "seconds": [2.0, 3.5, 1.25],
        }

    history = TorchHistory()
    power_draw_append(history, Log())
    torch_history = TorchHistory()
    torch_history.append_loss(0.9)
    torch_history.append_loss(0.5)
    torch_history.append_metric(0.6)
    torch_history.append_val_loss(1.0)
    torch_history.append_val_metric(0.4)
    return {
        "rescale_meanzero": {"input": table, "output": rescale_meanzero(table).tolist()},
        "val_split": {"x": xs.tolist(), "y": ys.tolist(), "cases": splits},
        "generator": {
            "batch_size": 4,
            "batches": [[b.tolist() for b in next(batches)] for _ in range(5)],
        },
        "sequence_generator": {
            "batch_size": 3,
            "len": len(sequence),
            "items": [[np.asarray(b).tolist() for b in sequence[i]] for i in range(len(sequence))],
        },
        "power_draw_append": {"log": Log.log, "history": history.history},
        "torch_history": torch_history.history,
    }


def record_experiment_log() -> dict[str, Any]:
    from talos.callbacks import ExperimentLog

    params = {"lr": 0.1, "units": 8, "optimizer": "Adam"}
    with tempfile.TemporaryDirectory() as folder:
        cwd = os.getcwd()
        os.chdir(folder)
        try:
            log = ExperimentLog("exp", params, backend="generic")
            log.on_train_begin()
            log.on_epoch_end(0, {"loss": 0.5, "acc": 0.75})
            log.on_epoch_end(1, {"loss": 0.25, "acc": 0.875})
            name = Path(log.name)
            text = name.read_text().replace(log.hash, "<id>")
            relative = str(name).replace(log.hash, "<id>")
            final_out = json.loads(json.dumps(log.final_out).replace(log.hash, "<id>"))
        finally:
            os.chdir(cwd)
    return {"params": params, "path": relative, "text": text, "final_out": final_out}


def main() -> None:
    import keras
    import talos

    reference = {
        "talos_version": talos.__version__,
        "keras_version": keras.__version__,
        "lr_normalizer": record_lr_normalizer(keras),
        "early_stopper": record_early_stopper(),
        "network_shape": record_network_shape(),
        "hidden_layers": record_hidden_layers(keras),
        "metrics": record_metrics(keras),
        "data": record_data(),
        "experiment_log": record_experiment_log(),
    }
    REFERENCE.parent.mkdir(parents=True, exist_ok=True)
    REFERENCE.write_text(json.dumps(reference, indent=1, sort_keys=True) + "\n")
    print(
        f"wrote {REFERENCE} (Talos {talos.__version__}, Keras {keras.__version__})", file=sys.stderr
    )


if __name__ == "__main__":
    main()
