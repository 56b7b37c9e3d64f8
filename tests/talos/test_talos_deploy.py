"""scanlab.talos.Deploy and Restore: round trips without pickle, and real Talos archives.

The Talos archives in tests/talos/data were written by Talos 2.0.10 itself
(compat/talos/make_talos_archive.py, run under Talos's own virtualenv), with the numbers
Talos's Restore and Predict gave for them in talos2_reference.json. The end-to-end test runs
the real scanlab.talos.Scan.
"""

from __future__ import annotations

import hashlib
import importlib.util
import io
import json
import warnings
import zipfile
from pathlib import Path

import keras
import numpy as np
import pandas as pd
import pytest

from scanlab.errors import AnalysisError, ResultsFormatError
from scanlab.talos._deploy import ARCHIVE_FORMAT, Deploy
from scanlab.talos._predict import Predict
from scanlab.talos._restore import Restore, recover_best_model

DATA = Path(__file__).with_name("data")
REFERENCE = json.loads((DATA / "talos2_reference.json").read_text())
_spec = importlib.util.spec_from_file_location(
    "talos_tiny_scan", Path(__file__).with_name("test_talos_predict.py")
)
assert _spec is not None and _spec.loader is not None
_tiny = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_tiny)
TinyScan, tiny_data = _tiny.TinyScan, _tiny.tiny_data


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    return TinyScan(tmp_path_factory.mktemp("tiny"))


def restore_quietly(path, **options):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return Restore(path, **options)


def rewrite(source: Path, target: Path, change) -> Path:
    """Copy a zip, passing each member's (name, bytes) through ``change`` (None drops it)."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for name in old.namelist():
            out = change(name, old.read(name))
            if out is not None:
                new.writestr(out[0], out[1])
    return target


# ---- scanlab archives ------------------------------------------------------------------------


def test_deploy_writes_a_pickle_free_archive(tiny, tmp_path):
    deploy = Deploy(tiny, tmp_path / "best", metric="val_acc", asc=False)
    assert deploy.path == str(tmp_path / "best.zip")
    assert deploy.best_model == tiny.data["val_accuracy"].idxmax()
    with zipfile.ZipFile(deploy.path) as archive:
        names = set(archive.namelist())
        manifest = json.loads(archive.read("manifest.json"))
        for name in ("x.npy", "y.npy"):
            np.load(io.BytesIO(archive.read(name)), allow_pickle=False)
        for name, digest in manifest["sha256"].items():
            assert hashlib.sha256(archive.read(name)).hexdigest() == digest
    assert names == {"model.keras", "params.json", "results.csv", "details.json",
                     "history.json", "x.npy", "y.npy", "README.txt", "manifest.json"}  # fmt: skip
    assert manifest["format"] == ARCHIVE_FORMAT and manifest["format_version"] == 1
    assert (manifest["metric"], manifest["ascending"]) == ("val_accuracy", False)
    assert deploy.save_model_as() == deploy.package() == deploy.path


def test_round_trip_restores_everything(tiny, tmp_path):
    deploy = Deploy(tiny, str(tmp_path / "rt.zip"), metric="val_loss", asc=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # nothing is left out, so no warning
        restored = Restore(deploy.path)
    assert restored.format == "scanlab" and restored.unreadable == {}
    best = tiny.load_model(int(tiny.data["val_loss"].idxmin()))
    np.testing.assert_allclose(
        restored.model.predict(tiny.x, verbose=0), best.predict(tiny.x, verbose=0), rtol=1e-6
    )
    assert restored.params == tiny.params  # keras.optimizers.Adam comes back as the class
    pd.testing.assert_frame_equal(restored.results, tiny.data, check_dtype=False)
    assert restored.data is restored.results
    assert restored.details["experiment_name"] == "tiny"
    assert restored.details["x_shape"] == [40, 4]
    np.testing.assert_array_equal(restored.x, tiny.x)
    np.testing.assert_array_equal(restored.y, tiny.y)
    assert restored.round_history[0]["val_loss"] == tiny.round_history[0]["val_loss"]
    np.testing.assert_allclose(
        Predict(restored).predict(tiny.x[:3]), best.predict(tiny.x[:3], verbose=0), rtol=1e-6
    )


def test_samples_of_frames_and_multi_input_data(tiny, tmp_path):
    frame = pd.DataFrame(tiny.x, columns=list("abcd")).assign(kind="k")
    restored = Restore(Deploy(tiny, tmp_path / "f", x=frame, y=tiny.y, sample_rows=7).path)
    pd.testing.assert_frame_equal(restored.x, frame.iloc[:7], check_dtype=False)
    assert restored.y.shape == (7,)
    restored = Restore(Deploy(tiny, tmp_path / "m", x=[tiny.x, tiny.x[:, :2]]).path)
    assert [part.shape for part in restored.x] == [(40, 4), (40, 2)]


def test_deploy_refuses_bad_arguments(tiny, tmp_path):
    with pytest.raises(AnalysisError, match=r"model_name must be a non-empty file name"):
        Deploy(tiny, "")
    with pytest.raises(AnalysisError, match=r"sample_rows must be an int >= 0, got -1"):
        Deploy(tiny, tmp_path / "x", sample_rows=-1)
    with pytest.raises(AnalysisError, match=r"model_factory is not supported"):
        Deploy(tiny, tmp_path / "x", model_factory=lambda: None)
    assert not (tmp_path / "x.zip").exists()


def test_a_changed_member_is_refused(tiny, tmp_path):
    good = Path(Deploy(tiny, tmp_path / "good").path)

    def tamper(name, data):
        return name, (data + b"\n0,0\n" if name == "results.csv" else data)

    bad = rewrite(good, tmp_path / "bad.zip", tamper)
    with pytest.raises(
        ResultsFormatError, match=r"member 'results.csv' does not match the SHA-256"
    ):
        Restore(bad)


def test_members_outside_the_archive_and_junk_files_are_refused(tmp_path):
    evil = tmp_path / "evil.zip"
    with zipfile.ZipFile(evil, "w") as archive:
        archive.writestr("../outside.txt", "x")
    with pytest.raises(ResultsFormatError, match=r"member '../outside.txt' is an absolute path"):
        Restore(evil)
    junk = tmp_path / "junk.zip"
    junk.write_bytes(b"not a zip")
    with pytest.raises(ResultsFormatError, match=r"is not a readable zip archive"):
        Restore(junk)
    with pytest.raises(AnalysisError, match=r"path_to_zip must be a path to a .zip archive"):
        Restore(3)
    empty = tmp_path / "empty.zip"
    with zipfile.ZipFile(empty, "w") as archive:
        archive.writestr("notes.txt", "x")
    with pytest.raises(ResultsFormatError, match=r"neither a scanlab, a Talos 2.x nor a Talos 1"):
        Restore(empty)


def test_an_oversized_member_is_refused_before_reading(monkeypatch):
    from scanlab.talos import _archive_members

    monkeypatch.setattr(_archive_members, "_MAX_MEMBER", 100)
    with pytest.raises(ResultsFormatError, match=r"member 'results.csv' unpacks to 747 bytes"):
        Restore(DATA / "talos2_archive.zip")


def test_a_lambda_layer_is_never_run_from_an_archive(tmp_path):
    class OneModel:
        def __init__(self):
            self.x, self.y = tiny_data()
            self.params = {"units": [1]}
            self.details = pd.Series({"experiment_name": "lam"})
            self.data = pd.DataFrame({"val_accuracy": [0.5]})

        def load_model(self, i):
            return keras.Sequential([keras.Input((4,)), keras.layers.Lambda(lambda t: t * 2)])

    path = Deploy(OneModel(), tmp_path / "lam").path
    with pytest.raises(ResultsFormatError, match=r"member 'model.keras' could not be loaded by Keras in safe mode"):  # fmt: skip
        Restore(path)


# ---- Talos archives --------------------------------------------------------------------------


def test_restores_a_real_talos_2_archive_without_unpickling():
    with pytest.warns(UserWarning, match=r"not restored: .params \(member 'params.npy' is a numpy object array"):  # fmt: skip
        restored = Restore(DATA / "talos2_archive.zip")
    x, _ = tiny_data()
    assert restored.format == "talos2"
    np.testing.assert_allclose(
        restored.model.predict(x[:5], verbose=0), REFERENCE["predict_first_rows"], rtol=1e-6
    )
    assert list(restored.results.columns) == REFERENCE["results_columns"]
    assert restored.details["experiment_name"] == "tiny"
    assert len(restored.round_history) == len(restored.results) == 2
    assert set(restored.unreadable) == {"params", "x", "y"}
    for attribute, member in [("params", "params.npy"), ("x", "x.npy"), ("y", "y.npy")]:
        with pytest.raises(ResultsFormatError, match=rf"\.{attribute} was not restored: member '{member}' is a numpy object array, which only unpickling can read"):  # fmt: skip
            getattr(restored, attribute)
    labels = Predict(restored, task="binary").predict_classes(x[:5])
    assert labels.tolist() == REFERENCE["predict_classes_first_rows"]


def test_talos_2_archive_naming_modules_or_torch_is_refused(tmp_path):
    def custom(name, data):
        if name == "manifest.json":
            manifest = json.loads(data)
            manifest["artifact"]["custom_objects"] = {"MyLayer": "payload:MyLayer"}
            return name, json.dumps(manifest).encode()
        return name, data

    path = rewrite(DATA / "talos2_archive.zip", tmp_path / "custom.zip", custom)
    with pytest.raises(ResultsFormatError, match=r"asks to import \['payload:MyLayer'\] .* custom_objects=\{'MyLayer': MyLayer\}"):  # fmt: skip
        Restore(path)
    restored = restore_quietly(path, custom_objects={"MyLayer": keras.layers.Dense})
    assert restored.model is not None

    def torch(name, data):
        if name == "manifest.json":
            manifest = json.loads(data)
            manifest["artifact"].update(backend="torch", format="torch_state_dict", path="m.pt")
            return name, json.dumps(manifest).encode()
        return name, data

    path = rewrite(DATA / "talos2_archive.zip", tmp_path / "torch.zip", torch)
    with pytest.raises(ResultsFormatError, match=r"member 'm.pt' is a 'torch' model .* Keras models only"):  # fmt: skip
        Restore(path)


def test_a_changed_talos_2_model_is_refused(tmp_path):
    def tamper(name, data):
        return name, (data + b"junk" if name == "model.keras" else data)

    path = rewrite(DATA / "talos2_archive.zip", tmp_path / "t.zip", tamper)
    with pytest.raises(
        ResultsFormatError, match=r"member 'model.keras' does not match the SHA-256"
    ):
        Restore(path)


def test_restores_a_talos_1_archive():
    with pytest.warns(UserWarning, match=r"talos1_archive_params.npy' is a pickled dict"):
        restored = Restore(DATA / "talos1_archive.zip")
    x, _ = tiny_data()
    assert restored.format == "talos1"
    np.testing.assert_allclose(
        restored.model.predict(x[:5], verbose=0), REFERENCE["talos1_predict_first_rows"], rtol=1e-6
    )
    np.testing.assert_allclose(restored.x.to_numpy()[:5], REFERENCE["x_first_rows"], rtol=1e-6)
    assert restored.y.shape == (40, 1)
    assert "Unnamed: 0" not in restored.results.columns and len(restored.results) == 2
    assert restored.details.shape[1] == 2  # read as Talos reads it: header=None
    with pytest.raises(ResultsFormatError, match=r"\.params was not restored"):
        _ = restored.params


def test_restores_a_keras_2_2_style_talos_1_model(tmp_path):
    """Keras 2.2's Sequential config: a plain list of layers, batch_input_shape on the first."""

    def old_style(name, data):
        if name.endswith("_model.json"):
            config = json.loads(data)
            layers = config["config"]["layers"]
            shape = layers.pop(0)["config"]["batch_input_shape"]
            layers[0]["config"]["batch_input_shape"] = shape
            config["config"] = layers
            return name, json.dumps(config).encode()
        return name, data

    path = rewrite(DATA / "talos1_archive.zip", tmp_path / "old.zip", old_style)
    restored = restore_quietly(path)
    x, _ = tiny_data()
    np.testing.assert_allclose(
        restored.model.predict(x[:5], verbose=0), REFERENCE["talos1_predict_first_rows"], rtol=1e-6
    )


# ---- the real scanlab.talos.Scan, end to end -------------------------------------------------


def _model(x_train, y_train, x_val, y_val, params):
    model = keras.Sequential(
        [
            keras.Input(shape=(x_train.shape[1],)),
            keras.layers.Dense(params["units"], activation="relu"),
            keras.layers.Dense(1, activation="sigmoid"),
        ]
    )
    model.compile(params["optimizer"](), "binary_crossentropy", metrics=["acc"])
    history = model.fit(x_train, y_train, validation_data=(x_val, y_val), epochs=1,
                        batch_size=8, verbose=0)  # fmt: skip
    return history, model


def test_end_to_end_with_the_real_scan(tmp_path, monkeypatch):
    """A Talos script on scanlab.talos: Scan, Predict, Evaluate, evaluate_models, Deploy,
    Restore and utils' recover_best_model, through the package's public names."""
    import scanlab.talos as talos

    monkeypatch.chdir(tmp_path)
    x, y = tiny_data()
    params = {"units": [2, 4], "optimizer": [keras.optimizers.Adam]}
    scan = talos.Scan(
        x, y, params, _model, "e2e", seed=1, results_dir=tmp_path, disable_progress_bar=True
    )
    assert len(scan.data) == 2
    best = scan.best_model("val_acc", False)
    np.testing.assert_allclose(
        talos.Predict(scan).predict(x, "val_acc", False), best.predict(x, verbose=0), rtol=1e-6
    )
    folds = talos.Evaluate(scan).evaluate(x, y, task="binary", metric="val_acc", folds=3, seed=0)
    assert len(folds) == 3 and all(0 <= f <= 1 for f in folds)
    scan.evaluate_models(x, y, task="binary", n_models=2, folds=3, seed=0)
    assert scan.data["eval_f1score_mean"].notna().all()
    deploy = talos.Deploy(scan, "e2e_model", metric="val_acc")
    assert Path("e2e_model.zip").stat().st_size < 200_000
    restored = talos.Restore(deploy.path)
    np.testing.assert_allclose(
        restored.model.predict(x, verbose=0), best.predict(x, verbose=0), rtol=1e-6
    )
    assert restored.params == params
    np.testing.assert_array_equal(restored.x, x)
    assert restored.details["experiment_name"] == "e2e"

    candidates, models = talos.utils.recover_best_model(
        x, y, x[:12], y[:12], scan.round_path, _model, "val_acc", n_models=1, task="binary",
        folds=2,
    )  # fmt: skip
    assert len(candidates) == len(models) == 1
    assert 0 <= candidates["crossval_mean_f1score"].iloc[0] <= 1
    assert isinstance(models[0], keras.Model)


def test_recover_best_model_reads_a_talos_csv(tmp_path):
    with zipfile.ZipFile(DATA / "talos2_archive.zip") as archive:
        (tmp_path / "log.csv").write_bytes(archive.read("results.csv"))
    x, y = tiny_data()
    seen = []

    def model(x_train, y_train, x_val, y_val, params):
        seen.append(params)
        chosen = {"units": params["first_neuron"], "optimizer": keras.optimizers.Adam}
        return _model(x_train, y_train, x_val, y_val, chosen)

    candidates, _ = recover_best_model(
        x, y, x, y, tmp_path / "log.csv", model, "val_acc", n_models=2, task="binary",
        x_cross=x[:10], y_cross=y[:10], folds=2,
    )  # fmt: skip
    log = pd.read_csv(tmp_path / "log.csv")
    assert candidates.index.tolist() == log["val_acc"].sort_values(ascending=False).index.tolist()
    assert seen[0]["first_neuron"] == log.loc[candidates.index[0], "first_neuron"]
    assert "val_acc" not in seen[0]  # Talos passes every column but the metric
    with pytest.raises(AnalysisError, match=r"x_cross, y_cross must be given together"):
        recover_best_model(x, y, x, y, tmp_path / "log.csv", model, "val_acc", x_cross=x)


def test_the_data_folder_stays_small():
    assert sum(f.stat().st_size for f in DATA.iterdir()) < 200_000
