"""scanlab.talos.Predict: Talos's predictions of the best model, on real tiny Keras models.

``TinyScan`` is a stand-in with the documented attributes of ``scanlab.talos.Scan`` (``data``,
``best_model``, ``load_model``, ``x``, ``y``, ``params``, ``details``, ``round_path``,
``experiment_name``), built from two real Keras models trained for one epoch and saved as
``.keras`` files; the end-to-end tests in test_deploy.py use the real Scan.
"""

from __future__ import annotations

import keras
import numpy as np
import pandas as pd
import pytest

from scanlab.errors import AnalysisError, MetricNotFoundError
from scanlab.talos._predict import TASKS, Predict, best_row, classes, select_model


def tiny_data(n: int = 40) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(n, 4)).astype("float32")
    y = (x[:, 0] + 0.5 * x[:, 1] > 0).astype("float32")
    return x, y


class TinyScan:
    """Two real one-epoch Keras runs, with scanlab.talos.Scan's documented attributes."""

    def __init__(self, folder, units=(2, 4)) -> None:
        self.x, self.y = tiny_data()
        self.params = {"units": list(units), "optimizer": [keras.optimizers.Adam]}
        self.experiment_name = "tiny"
        self.round_path = folder / "round-001"
        (self.round_path / "models").mkdir(parents=True)
        rows, self.round_history = [], []
        for i, n in enumerate(units):
            keras.utils.set_random_seed(i)
            model = keras.Sequential(
                [
                    keras.Input(shape=(4,)),
                    keras.layers.Dense(n, activation="relu"),
                    keras.layers.Dense(1, activation="sigmoid"),
                ]
            )
            model.compile("adam", "binary_crossentropy", metrics=["accuracy"])
            history = model.fit(
                self.x[:28],
                self.y[:28],
                validation_data=(self.x[28:], self.y[28:]),
                epochs=1,
                batch_size=8,
                verbose=0,
            )
            model.save(self.round_path / "models" / f"{i}.keras")
            final = {k: float(v[-1]) for k, v in history.history.items()}
            rows.append({"round_epochs": 1, **final, "units": n, "optimizer": "Adam"})
            self.round_history.append(history.history)
        self.data = pd.DataFrame(rows)
        self.details = pd.Series({"experiment_name": "tiny", "x_shape": self.x.shape})

    def load_model(self, i, custom_objects=None):
        path = self.round_path / "models" / f"{i}.keras"
        return keras.saving.load_model(path, custom_objects=custom_objects, safe_mode=True)

    def best_model(self, metric="val_acc", asc=False, saved=False, custom_objects=None):
        return self.load_model(best_row(self.data, metric, asc)[0], custom_objects)


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    return TinyScan(tmp_path_factory.mktemp("tiny"))


def test_predict_uses_the_best_run_by_metric_and_direction(tiny):
    x = tiny.x[:6]
    by_acc = best_row(tiny.data, "val_acc", False)[0]
    by_loss = int(tiny.data["val_loss"].idxmin())
    got = Predict(tiny).predict(x, metric="val_acc", asc=False)
    np.testing.assert_allclose(got, tiny.load_model(by_acc).predict(x, verbose=0), rtol=1e-6)
    got = Predict(tiny).predict(x, "val_loss", True)
    np.testing.assert_allclose(got, tiny.load_model(by_loss).predict(x, verbose=0), rtol=1e-6)


def test_predict_with_model_id_and_kwargs(tiny):
    got = Predict(tiny).predict(tiny.x[:5], "val_acc", False, model_id=1, batch_size=2)
    np.testing.assert_allclose(got, tiny.load_model(1).predict(tiny.x[:5], verbose=0), rtol=1e-6)
    assert got.shape == (5, 1)


def test_predict_classes_binary_like_talos(tiny):
    probabilities = Predict(tiny).predict(tiny.x, "val_acc", False)
    labels = Predict(tiny, task="binary").predict_classes(tiny.x, "val_acc", False)
    assert labels.shape == (40, 1)
    assert set(np.unique(labels)) <= {0, 1}
    np.testing.assert_array_equal(labels, (probabilities >= 0.5).astype(int))


def test_classes_for_every_task():
    two = np.array([[0.2, 0.8], [0.9, 0.1]])
    assert classes(two, "binary").tolist() == [1, 0]
    assert classes(two, "multi_class").tolist() == [1, 0]
    assert classes(two, "multi_label").tolist() == [1, 0]
    assert classes(two, "multilabel").tolist() == [[0, 1], [1, 0]]
    assert classes(two, "multi_label_independent").tolist() == [[0, 1], [1, 0]]
    assert classes(two, "continuous") is not None
    np.testing.assert_array_equal(classes(two, "regression"), two)
    assert set(TASKS) >= {"binary", "multi_class", "continuous"}


def test_predict_classes_needs_a_task(tiny):
    with pytest.raises(AnalysisError, match=r"task is needed .* got None\. Fix: pass task="):
        Predict(tiny).predict_classes(tiny.x, "val_acc", False)


def test_unknown_task_is_refused_naming_the_tasks(tiny):
    with pytest.raises(AnalysisError, match=r"task must be one of Talos's tasks .*got 'binari'"):
        Predict(tiny, task="binari")
    with pytest.raises(AnalysisError, match=r"task must be one of .*got 'x'"):
        classes([0.1], "x")


def test_talos_metric_alias_and_missing_metric(tiny):
    assert best_row(tiny.data, "acc", False)[1] == "accuracy"
    with pytest.raises(MetricNotFoundError, match=r"metric='val_f1' is not one of the runs'"):
        Predict(tiny).predict(tiny.x, "val_f1", False)


def test_asc_none_follows_the_metric_name(tiny):
    row, metric, asc = best_row(tiny.data, "val_loss", None)
    assert (metric, asc) == ("val_loss", True)
    assert row == tiny.data["val_loss"].idxmin()


def test_best_row_ties_go_to_the_first_row_and_nan_is_skipped():
    frame = pd.DataFrame({"val_accuracy": [np.nan, 0.7, 0.7]})
    assert best_row(frame, "val_acc", False)[0] == 1
    with pytest.raises(AnalysisError, match="has no value in any run"):
        best_row(pd.DataFrame({"val_accuracy": [np.nan]}), "val_acc", False)


def test_model_factory_is_refused(tiny):
    with pytest.raises(AnalysisError, match=r"model_factory is not supported .*PyTorch"):
        Predict(tiny).predict(tiny.x, "val_acc", False, model_factory=object)


def test_a_plain_object_is_refused():
    with pytest.raises(AnalysisError, match=r"scan_object must be a scanlab.talos.Scan"):
        select_model(object(), "val_acc", False)


def test_an_object_with_a_model_is_used_as_is(tiny):
    class Restored:
        model = tiny.load_model(0)

    got = Predict(Restored()).predict(tiny.x[:3])
    np.testing.assert_allclose(got, Restored.model.predict(tiny.x[:3], verbose=0), rtol=1e-6)
