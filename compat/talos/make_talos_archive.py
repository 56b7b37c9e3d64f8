"""Write real Talos archives for scanlab's Restore tests (run under Talos's own virtualenv).

Run with the interpreter that has Talos 2.0.10 installed::

    /work/talosenv/bin/python compat/talos/make_talos_archive.py [out_dir]

It writes into ``out_dir`` (default ``tests/talos/data``):

- ``talos2_archive.zip``: a tiny real Talos scan (2 runs, 1 epoch, seeded) packaged by
  ``talos.Deploy``, exactly as Talos 2.0.10 writes it (``model.keras``, ``manifest.json``,
  ``results.csv``, ``details.json``, ``history.json``, and the pickled ``params.npy``,
  ``x.npy``, ``y.npy`` that scanlab refuses to unpickle);
- ``talos2_reference.json``: what Talos's own ``Restore`` and ``Predict`` give for that
  archive (predictions on the first rows of x, the selected row, the params), for the tests
  to compare against without unpickling anything;
- ``talos1_archive.zip``: a Talos 1.x-style package (``<name>_model.json`` +
  ``<name>_model.h5`` weights + ``_results.csv`` + ``_params.npy`` + ``_x.csv``/``_y.csv`` +
  ``_details.txt`` + ``_README.txt``) built by hand after Talos 1.x's documented Deploy
  layout, from the same best model (the architecture JSON is written in the Keras 2 form
  Talos 1.x produced, the weights as an HDF5 file with one group per layer).

Everything is small (a few KiB per file).
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
import zipfile
from pathlib import Path

__all__ = ["main"]


def _data():
    import numpy as np

    rng = np.random.default_rng(0)
    x = rng.normal(size=(40, 4)).astype("float32")
    y = (x[:, 0] + 0.5 * x[:, 1] > 0).astype("float32")
    return x, y


def _model_fn(x_train, y_train, x_val, y_val, params):
    import keras

    model = keras.Sequential(
        [
            keras.Input(shape=(x_train.shape[1],)),
            keras.layers.Dense(params["first_neuron"], activation="relu"),
            keras.layers.Dense(1, activation="sigmoid"),
        ]
    )
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["acc"])
    history = model.fit(
        x_train,
        y_train,
        validation_data=(x_val, y_val),
        epochs=params["epochs"],
        batch_size=params["batch_size"],
        verbose=0,
    )
    return history, model


def _talos1_archive(model, scan, out: Path, name: str = "talos1_archive") -> None:
    """Write a Talos 1.x-style deploy package by hand (Talos 1.x's documented layout)."""
    import h5py
    import numpy as np
    import pandas as pd

    layers = []
    for layer in model.layers:
        cfg = {
            "name": layer.name,
            "units": int(layer.units),
            "activation": layer.activation.__name__,
            "use_bias": True,
            "trainable": True,
            "dtype": "float32",
            "kernel_initializer": {"class_name": "GlorotUniform", "config": {"seed": None}},
            "bias_initializer": {"class_name": "Zeros", "config": {}},
            "kernel_regularizer": None,
            "bias_regularizer": None,
            "activity_regularizer": None,
            "kernel_constraint": None,
            "bias_constraint": None,
        }
        layers.append({"class_name": "Dense", "config": cfg})
    # tf.keras 2.x (Talos 1.x's backend) starts a Sequential's config with its InputLayer.
    layers.insert(
        0,
        {
            "class_name": "InputLayer",
            "config": {
                "batch_input_shape": [None, int(model.input_shape[-1])],
                "dtype": "float32",
                "sparse": False,
                "ragged": False,
                "name": "dense_input",
            },
        },
    )
    config = {
        "class_name": "Sequential",
        "config": {"name": "sequential", "layers": layers},
        "keras_version": "2.4.0",
        "backend": "tensorflow",
    }
    with tempfile.TemporaryDirectory() as tmp:
        stage = Path(tmp)
        (stage / f"{name}_model.json").write_text(json.dumps(config))
        with h5py.File(stage / f"{name}_model.h5", "w") as h5:
            h5.attrs["layer_names"] = [layer.name.encode() for layer in model.layers]
            h5.attrs["backend"] = b"tensorflow"
            h5.attrs["keras_version"] = b"2.4.0"
            for layer in model.layers:
                group = h5.create_group(layer.name)
                names = [f"{layer.name}/kernel:0".encode(), f"{layer.name}/bias:0".encode()]
                group.attrs["weight_names"] = names
                sub = group.create_group(layer.name)
                kernel, bias = layer.get_weights()
                sub.create_dataset("kernel:0", data=kernel)
                sub.create_dataset("bias:0", data=bias)
        scan.data.to_csv(stage / f"{name}_results.csv")
        np.save(stage / f"{name}_params.npy", scan.params, allow_pickle=True)
        # Talos 1.x: x[:100] and y[:100] as header-less CSV, details as Series.to_csv.
        pd.DataFrame(np.asarray(scan.x)[:100]).to_csv(
            stage / f"{name}_x.csv", header=False, index=False
        )
        pd.DataFrame(np.asarray(scan.y)[:100]).to_csv(
            stage / f"{name}_y.csv", header=False, index=False
        )
        pd.Series(scan.details).to_csv(stage / f"{name}_details.txt")
        (stage / f"{name}_README.txt").write_text("Talos 1.x deploy package (hand-built).\n")
        with zipfile.ZipFile(out / f"{name}.zip", "w", zipfile.ZIP_DEFLATED) as archive:
            for file in sorted(stage.iterdir()):
                archive.write(file, file.name)


def main(out_dir: str = "tests/talos/data") -> None:
    """Run the tiny Talos scan and write the archives and the reference numbers."""
    import numpy as np
    import talos

    out = Path(out_dir).resolve()
    out.mkdir(parents=True, exist_ok=True)
    x, y = _data()
    params = {"first_neuron": [4, 8], "batch_size": [8], "epochs": [1]}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        import os

        here = os.getcwd()
        os.chdir(work)
        try:
            scan = talos.Scan(
                x,
                y,
                params=params,
                model=_model_fn,
                experiment_name="tiny",
                seed=1,
                disable_progress_bar=True,
            )
            deploy = talos.Deploy(scan, str(work / "talos2_archive"), metric="val_acc")
            shutil.copy(deploy.path, out / "talos2_archive.zip")
            restored = talos.Restore(out / "talos2_archive.zip")
            preds = talos.Predict(scan).predict(x[:5], metric="val_acc", asc=False)
            classes = talos.Predict(scan).predict_classes(x[:5], "val_acc", False, "binary")
            evaluate = talos.Evaluate(scan).evaluate(
                x, y, task="binary", metric="val_acc", folds=4, shuffle=False
            )
            best = scan.best_model("val_acc", asc=False)
            reference = {
                "talos_version": talos.__version__,
                "selected_model_id": int(deploy.best_model),
                "params": {k: list(v) for k, v in restored.params.items()},
                "x_first_rows": np.asarray(restored.x)[:5].tolist(),
                "y_first_rows": np.asarray(restored.y)[:5].tolist(),
                "predict_first_rows": np.asarray(restored.model.predict(x[:5], verbose=0)).tolist(),
                "scan_predict_first_rows": np.asarray(preds).tolist(),
                "predict_classes_first_rows": np.asarray(classes).tolist(),
                "evaluate_binary_folds4_noshuffle": evaluate,
                "results_columns": list(restored.results.columns),
            }
            (out / "talos2_reference.json").write_text(json.dumps(reference, indent=1))
            _talos1_archive(best, scan, out)
            legacy = talos.Restore(out / "talos1_archive.zip")
            reference["talos1_predict_first_rows"] = np.asarray(
                legacy.model.predict(x[:5], verbose=0)
            ).tolist()
            (out / "talos2_reference.json").write_text(json.dumps(reference, indent=1))
        finally:
            os.chdir(here)
    for file in sorted(out.iterdir()):
        print(f"{file.name}: {file.stat().st_size} bytes")


if __name__ == "__main__":
    main(*sys.argv[1:])
