"""Record what real Talos 2.0.10's templates and autom8 produce, for scanlab's tests.

Run it with the Python of the virtualenv that holds Talos::

    /work/talosenv/bin/python compat/talos/record_templates.py \
        [--datasets-dir PATH_TO_A_CHECKOUT_OF_autonomio/datasets]

It writes ``compat/talos/reference/templates.json`` with

- ``params``: every ``talos.templates.params`` dict;
- ``autoparams``: ``talos.autom8.AutoParams(...).params`` for a table of settings and setter
  calls (the same table lives in the JSON, so the test replays it on scanlab);
- ``models``: the layers, loss, optimizer and history keys of the models that Talos's
  ``templates.models`` functions and ``AutoModel`` build for fixed params on tiny data;
- ``datasets`` (only with ``--datasets-dir``, because Talos downloads its CSVs): the shapes,
  dtypes and value summaries of ``talos.templates.datasets.iris()`` and ``breast_cancer()``
  read from that local checkout.

Values are encoded for JSON: a ``(start, stop, steps)`` range as ``{"range": [...]}``, a
class or function as ``{"callable": name}``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np

__all__ = ["AUTOPARAMS_CASES", "MODEL_CASES", "encode", "main"]

REFERENCE = Path(__file__).parent / "reference" / "templates.json"

# name -> (AutoParams keyword arguments, [(method, args), ...] called afterwards)
AUTOPARAMS_CASES: dict[str, tuple[dict[str, Any], list[tuple[str, list[Any]]]]] = {
    "default": ({}, []),
    "full": ({"resample_params": False}, []),
    "multi_class": ({"task": "multi_class"}, []),
    "multi_label_full": ({"task": "multi_label", "resample_params": False}, []),
    "continuous": ({"task": "continuous"}, []),
    "no_network": ({"network": False, "resample_params": 6}, []),
    "resample_1": ({"resample_params": 1}, []),
    "keep_given": (
        {"params": {"lr": [0.5], "extra": [1, 2]}, "replace": False, "resample_params": False},
        [],
    ),
    "replace_given": ({"params": {"lr": [0.5], "extra": [1, 2]}}, []),
    "setters": (
        {"auto": False, "resample_params": False, "task": "multi_class"},
        [
            ("shapes_slope", []),
            ("layers", [1, 4]),
            ("dropout", [0, 0.5, 0.1]),
            ("neurons", [8, 64, 8]),
            ("batch_size", [8, 32, 8]),
            ("epochs", [10, 30, 5]),
            ("lr", [[0.1, 0.01]]),
            ("optimizers", [["Nadam", "RMSprop"]]),
            ("activations", [["tanh"]]),
            ("losses", ["auto"]),
            ("kernel_initializers", [["zeros"]]),
            ("networks", [["dense"]]),
            ("last_activations", ["auto"]),
        ],
    ),
    "setters_custom": (
        {"auto": False, "resample_params": False},
        [
            ("shapes", [["brick"]]),
            ("shapes_slope", [0.1, 0.5, 0.2]),
            ("losses", [["mse"]]),
            ("last_activations", [["linear"]]),
            ("networks", ["auto"]),
            ("kernel_initializers", ["auto"]),
            ("resample_params", [3]),
        ],
    ),
    "resample_after": ({"resample_params": False}, [("resample_params", [2])]),
}

_BASE = {
    "first_neuron": 8,
    "dropout": 0.1,
    "hidden_layers": 2,
    "shapes": "triangle",
    "activation": "relu",
    "batch_size": 4,
    "epochs": 1,
    "lr": 2,
    "optimizer": "Adam",
    "kernel_initializer": "he_normal",
}

# name -> (template or autom8 task, params (optimizer by name), y kind)
MODEL_CASES: dict[str, tuple[str, dict[str, Any], str]] = {
    "iris": (
        "templates.iris",
        {**_BASE, "losses": "categorical_crossentropy", "last_activation": "softmax"},
        "onehot3",
    ),
    "breast_cancer": (
        "templates.breast_cancer",
        {
            **_BASE,
            "shapes": "funnel",
            "losses": "binary_crossentropy",
            "last_activation": "sigmoid",
        },
        "binary",
    ),
    "titanic": (
        "templates.titanic",
        {**_BASE, "losses": "LogCosh", "last_activation": "sigmoid"},
        "binary",
    ),
    "auto_binary_dense": (
        "autom8.binary",
        {
            **_BASE,
            "network": "dense",
            "losses": "binary_crossentropy",
            "last_activation": "sigmoid",
        },
        "binary",
    ),
    "auto_multi_class_lstm": (
        "autom8.multi_class",
        {
            **_BASE,
            "network": "lstm",
            "losses": "sparse_categorical_crossentropy",
            "last_activation": "softmax",
        },
        "sparse3",
    ),
    "auto_multi_label_conv1d": (
        "autom8.multi_label",
        {
            **_BASE,
            "network": "conv1d",
            "losses": "categorical_crossentropy",
            "last_activation": "softmax",
        },
        "onehot3",
    ),
    "auto_continuous_simplernn": (
        "autom8.continuous",
        {**_BASE, "network": "simplernn", "losses": "mae", "last_activation": None},
        "float",
    ),
    "auto_binary_bidirectional": (
        "autom8.binary",
        {
            **_BASE,
            "network": "bidirectional_lstm",
            "shapes": 0.2,
            "losses": "LogCosh",
            "optimizer": "SGD",
            "last_activation": "sigmoid",
        },
        "binary",
    ),
}


def tiny_data(kind: str) -> tuple[np.ndarray, np.ndarray]:
    """Twelve rows of five features and a target of the given kind (seeded, the same for both)."""
    rng = np.random.default_rng(0)
    x = rng.normal(size=(12, 5)).astype("float32")
    labels = np.arange(12) % 3
    if kind == "binary":
        return x, (labels == 0).astype("float32")
    if kind == "sparse3":
        return x, labels.astype("int32")
    if kind == "onehot3":
        return x, np.eye(3, dtype="float32")[labels]
    return x, rng.normal(size=12).astype("float32")


def encode(value: Any) -> Any:
    """A params value as JSON: ranges and callables tagged, containers walked."""
    if isinstance(value, tuple):
        return {"range": [encode(v) for v in value]}
    if isinstance(value, dict):
        return {k: encode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [encode(v) for v in value]
    if callable(value):
        return {"callable": value.__name__}
    if isinstance(value, np.generic):
        return value.item()
    return value


def layer_summary(model: Any) -> list[dict[str, Any]]:
    """Each layer's class, its shape-defining settings and its number of weights."""
    out = []
    for layer in model.layers:
        config = layer.get_config()
        item: dict[str, Any] = {"class": type(layer).__name__, "n_params": layer.count_params()}
        for key in ("units", "activation", "rate", "filters", "kernel_size"):
            if key in config:
                item[key] = encode(config[key])
        if isinstance(config.get("kernel_initializer"), dict):
            item["kernel_initializer"] = config["kernel_initializer"]["class_name"]
        if "layer" in config:
            item["inner"] = config["layer"]["class_name"]
        out.append(item)
    return out


def model_summary(history: Any, model: Any) -> dict[str, Any]:
    """What a model function built: layers, loss, optimizer, learning rate, history keys."""
    optimizer = model.optimizer
    loss = model.loss
    return {
        "layers": layer_summary(model),
        "loss": loss if isinstance(loss, str) else type(loss).__name__,
        "optimizer": type(optimizer).__name__,
        "learning_rate": round(float(np.asarray(optimizer.learning_rate)), 10),
        "history_keys": sorted(history.history),
        "epochs_run": len(history.history["loss"]),
    }


@contextlib.contextmanager
def _stopper_mode_max() -> Iterator[None]:
    """Talos's early_stopper, building its EarlyStopping with mode='max' instead of 'auto'."""
    import keras
    import talos.model

    original = talos.model.early_stopper

    def stopper(*args: Any, **kwargs: Any) -> Any:
        made = original(*args, **kwargs)
        return keras.callbacks.EarlyStopping(
            monitor=made.monitor,
            min_delta=abs(made.min_delta),
            patience=made.patience,
            verbose=0,
            mode="max",
        )

    talos.model.early_stopper = stopper
    try:
        yield
    finally:
        talos.model.early_stopper = original


def record_models() -> dict[str, Any]:
    """Run every MODEL_CASES entry through real Talos and summarize the models."""
    import keras
    import talos

    out = {}
    for name, (source, raw, kind) in MODEL_CASES.items():
        params = dict(raw)
        params["optimizer"] = getattr(keras.optimizers, params["optimizer"])
        x, y = tiny_data(kind)
        family, what = source.split(".")
        if family == "templates":
            function = getattr(talos.templates.models, what)
        else:
            function = talos.autom8.AutoModel(what, "recorded").model
        keras.utils.set_random_seed(0)
        try:
            history, model = function(x, y, x, y, params)
        except Exception as exc:  # recorded: some Talos templates fail on Keras 3
            out[name] = {"error": f"{type(exc).__name__}: {str(exc).splitlines()[0]}"}
            # and what the template builds once its early stopper says mode='max'
            keras.backend.clear_session()
            keras.utils.set_random_seed(0)
            with _stopper_mode_max():
                history, model = function(x, y, x, y, params)
            out[name + "_stopper_mode_max"] = model_summary(history, model)
        else:
            out[name] = model_summary(history, model)
        keras.backend.clear_session()
    return out


def record_autoparams() -> dict[str, Any]:
    """AutoParams(...).params for every AUTOPARAMS_CASES entry."""
    import copy

    from talos.autom8 import AutoParams

    out = {}
    for name, (kwargs, calls) in AUTOPARAMS_CASES.items():
        auto = AutoParams(**copy.deepcopy(kwargs))
        for method, args in calls:
            getattr(auto, method)(*copy.deepcopy(args))
        out[name] = encode(auto.params)
    return out


def record_datasets(folder: Path) -> dict[str, Any]:
    """Shapes, dtypes and summaries of Talos's iris and breast_cancer read from a local copy."""
    import pandas as pd
    import talos

    read_csv = pd.read_csv

    def local_read_csv(url: str, *args: Any, **kwargs: Any) -> Any:
        return read_csv(folder / "autonomio-datasets" / url.rsplit("/", 1)[1], *args, **kwargs)

    pd.read_csv = local_read_csv
    try:
        out = {}
        for name in ("iris", "breast_cancer"):
            x, y = getattr(talos.templates.datasets, name)()
            rows = np.column_stack([x, y])
            out[name] = {
                "x_shape": list(x.shape),
                "x_dtype": str(x.dtype),
                "y_shape": list(y.shape),
                "y_dtype": str(y.dtype),
                "x_column_sums": [round(float(v), 6) for v in x.sum(axis=0)],
                "y_sum": encode(y.sum(axis=0).tolist()),
                "sorted_rows": np.unique(rows, axis=0).tolist() if name == "iris" else None,
                "first_row": [float(v) for v in x[0]] if name == "breast_cancer" else None,
                "first_y": float(np.asarray(y[0]).ravel()[0]),
            }
        return out
    finally:
        pd.read_csv = read_csv


def main(argv: list[str] | None = None) -> int:
    """Record everything and write the reference JSON; returns 0."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--datasets-dir", type=Path, default=None)
    args = parser.parse_args(argv)

    import talos

    templates = talos.templates.params
    reference: dict[str, Any] = {
        "talos_version": talos.__version__,
        "params": {
            "titanic": encode(templates.titanic()),
            "titanic_debug": encode(templates.titanic(debug=True)),
            "iris": encode(templates.iris()),
            "breast_cancer": encode(templates.breast_cancer()),
            "cervical_cancer": encode(templates.cervical_cancer()),
        },
        "autoparams_cases": AUTOPARAMS_CASES,
        "autoparams": record_autoparams(),
        "model_cases": MODEL_CASES,
        "tiny_data_seed": 0,
    }
    old = json.loads(REFERENCE.read_text()) if REFERENCE.exists() else {}
    with tempfile.TemporaryDirectory() as tmp:
        here = os.getcwd()
        os.chdir(tmp)  # AutoModel's ExperimentLog writes epoch logs into the working folder
        try:
            reference["models"] = record_models()
        finally:
            os.chdir(here)
    if args.datasets_dir is not None:
        reference["datasets"] = record_datasets(args.datasets_dir)
    elif "datasets" in old:
        reference["datasets"] = old["datasets"]
    REFERENCE.parent.mkdir(parents=True, exist_ok=True)
    REFERENCE.write_text(json.dumps(reference, indent=1, sort_keys=False) + "\n")
    print(f"wrote {REFERENCE}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
