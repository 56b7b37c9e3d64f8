"""Tuners end to end on a tiny Dense builder (40 samples, 1-2 epochs), and their bad input."""

from __future__ import annotations

import pickle

import cloudpickle
import keras
import keras_tuner
import numpy as np
import pytest

import scanlab
from scanlab.errors import MetricNotFoundError, ScanArgumentError, ScanArgumentTypeError
from scanlab.keras_tuner import GridSearch, Hyperband, HyperBuilder, RandomSearch


def build(hp):
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(hp.Int("units", 4, 8, step=4))])
    if hp.Boolean("extra"):
        model.add(keras.layers.Dense(hp.Choice("extra_units", [2, 3])))
    model.add(keras.layers.Dense(1, activation="sigmoid"))
    lr = hp.Float("lr", 1e-3, 1e-2, step=10, sampling="log")
    model.compile(keras.optimizers.Adam(lr), loss="binary_crossentropy", metrics=["accuracy"])
    return model


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(40, 4)).astype("float32")
    return x, (x[:, 0] > 0).astype("float32")


def test_random_search_end_to_end_and_resume(tmp_path, data):
    tuner = RandomSearch(
        build, objective="val_accuracy", max_trials=3, seed=1, directory=tmp_path, project_name="rs"
    )
    stop = keras.callbacks.EarlyStopping(monitor="val_loss", patience=1, restore_best_weights=True)
    scan = tuner.search(*data, epochs=2, validation_split=0.25, verbose=0, callbacks=[stop])
    assert scan.early_stopping == {
        "monitor": "val_loss",
        "mode": [0, 1],
        "restore_best_weights": True,
    }
    rows = tuner.results
    assert (rows["status"] == "ok").all() and len(rows) == 3  # max_trials though draws skip
    assert (tmp_path / "rs" / "round-001" / "results.csv").is_file()
    best = rows.sort_values("val_accuracy", ascending=False, kind="stable").iloc[0]
    values = tuner.get_best_hyperparameters()[0].values
    assert values["units"] == best["units"] and values["lr"] == pytest.approx(best["lr"])
    assert ("extra_units" in values) == bool(best["extra"])
    model = tuner.get_best_models()[0]
    assert model.predict(data[0][:2], verbose=0).shape == (2, 1)
    rebuilt = tuner.hypermodel.build(tuner.get_best_hyperparameters()[0])  # KerasTuner's idiom
    assert rebuilt.layers[0].units == best["units"]
    assert len(rebuilt.layers) == (3 if best["extra"] else 2)
    again = tuner.search(*data, epochs=2, validation_split=0.25, verbose=0, callbacks=[stop])
    assert again.details["runs_trained"] == 0 and again.round == 1


def test_grid_search_runs_in_order_and_summarizes(tmp_path, data, capsys):
    tuner = GridSearch(build, max_trials=2, directory=tmp_path, project_name="grid")
    with pytest.warns(UserWarning, match="callback TerminateOnNaN is not used"):
        tuner.search(
            *data,
            epochs=1,
            validation_data=(data[0][:8], data[1][:8]),
            verbose=0,
            callbacks=[keras.callbacks.TerminateOnNaN()],
        )
    assert tuner.scan.method == "grid" and len(tuner.results) == 2
    tuner.results_summary(1)
    out = capsys.readouterr().out
    assert 'Objective(name="val_loss", direction="min")' in out and "Score: " in out
    tuner.overwrite = True  # a new round, nothing deleted
    again = tuner.search(*data, epochs=1, batch_size=8, class_weight={0: 1.0, 1: 2.0}, verbose=0)
    assert again.round == 2 and (tmp_path / "grid" / "round-001" / "results.csv").is_file()
    assert again.details["runs_trained"] == 2 and set(again.data["batch_size"]) == {8}


class BuildsWithHyperModel(keras_tuner.HyperModel):
    def build(self, hp):
        return build(hp)


def test_hypermodel_objects_and_fixed_mode_builds(tmp_path):
    tuner = RandomSearch(BuildsWithHyperModel(), max_trials=1, directory=tmp_path)
    assert sorted(tuner.params) == ["extra", "extra_units", "lr", "units"]
    builder = HyperBuilder(tuner.hypermodel)
    builder = pickle.loads(cloudpickle.dumps(builder))  # worker processes receive it
    model = builder({"units": 8, "extra": True, "extra_units": 3, "lr": 0.01, "epochs": 1})
    assert [layer.units for layer in model.layers] == [8, 3, 1]
    assert builder({"units": 4, "extra": False, "extra_units": 3, "lr": 0.01}).layers[0].units == 4


def test_hyperband_end_to_end(tmp_path, data):
    tuner = Hyperband(build, max_epochs=3, factor=3, seed=1, directory=tmp_path, project_name="hb")
    with pytest.warns(UserWarning, match="EarlyStopping is not used under Hyperband"):
        scan = tuner.search(
            *data, validation_split=0.25, verbose=0, callbacks=[keras.callbacks.EarlyStopping()]
        )
    assert scan.search == scanlab.Hyperband(max_epochs=3, factor=3)
    assert sorted(scan.data["budget"].unique()) == [1, 3]
    assert tuner.get_best_models()[0].predict(data[0][:1], verbose=0).shape == (1, 1)


@pytest.mark.parametrize(
    ("max_epochs", "brackets", "first_rungs", "configurations"),
    [(9, 3, [9, 5, 3], 17), (27, 4, [27, 12, 6, 4], 49)],
)
def test_hyperband_schedule_matches_keras_tuner(max_epochs, brackets, first_rungs, configurations):
    # Hand-checked from KerasTuner's HyperbandOracle: brackets = how often max_epochs divides
    # by factor staying >= 1; a bracket b's first rung has ceil(ceil(1 + log_3 M) / (b + 1)
    # * 3**b) configurations trained ceil(M / 3**b) epochs. (Later rungs differ: KerasTuner
    # promotes ceil(...), scanlab floor(n / factor): 69 vs 75 epochs for M=9.)
    plan = Hyperband(build, max_epochs=max_epochs).budget.plan({"u": list(range(1000))})
    firsts = plan[plan["rung"] == 0]
    assert len(firsts) == brackets and list(firsts["configurations"]) == first_rungs
    assert list(firsts["budget"]) == [max_epochs // 3**b for b in reversed(range(brackets))]
    assert plan.attrs["totals"]["configurations"] == configurations


def test_unknown_objective_stops_after_the_first_run(tmp_path, data):
    tuner = RandomSearch(build, objective="val_nope", max_trials=2, directory=tmp_path)
    with pytest.raises(
        MetricNotFoundError, match="metric='val_nope' is not one of the runs' metrics"
    ):
        tuner.search(*data, epochs=1, verbose=0)


def test_bad_tuner_input_is_refused_before_training(tmp_path, data):
    with pytest.raises(ScanArgumentError, match="max_epochs must be an int >= 1, got 0"):
        Hyperband(build, max_epochs=0)
    with pytest.raises(ScanArgumentTypeError, match="hypermodel must be a function build"):
        RandomSearch("build")
    with pytest.raises(ScanArgumentError, match="build must register hyperparameters"):
        RandomSearch(lambda hp: keras.Sequential())
    tuner = RandomSearch(build, max_trials=1, directory=tmp_path)
    with pytest.raises(ScanArgumentError, match="tuner has no results before search"):
        tuner.get_best_hyperparameters()
