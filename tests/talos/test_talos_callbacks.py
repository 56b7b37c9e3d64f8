"""scanlab.talos.callbacks: ExperimentLog against real Talos 2.0.10's rows
(compat/talos/reference/utils.json), TrainingPlot headless and under a fake Jupyter display,
PowerDraw with a provider and without nvidia-smi."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest

from scanlab.errors import MetricNotFoundError, ScanArgumentError
from scanlab.talos import callbacks, utils

REFERENCE = json.loads(
    (Path(__file__).parents[2] / "compat" / "talos" / "reference" / "utils.json").read_text()
)["experiment_log"]


@pytest.fixture
def tiny():
    import keras

    rng = np.random.default_rng(0)
    x = rng.normal(size=(16, 3)).astype("float32")
    y = (x[:, :1] > 0).astype("float32")
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1, activation="sigmoid")])
    model.compile("adam", "binary_crossentropy", metrics=["accuracy"])
    return model, x, y


def test_experiment_log_writes_talos_rows(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    log = callbacks.ExperimentLog("exp", REFERENCE["params"], backend="generic")
    log.on_train_begin()
    log.on_epoch_end(0, {"loss": 0.5, "acc": 0.75})
    log.on_epoch_end(1, {"loss": 0.25, "acc": 0.875})
    assert log.name.replace(log.hash, "<id>") == REFERENCE["path"]
    text = Path(log.name).read_text(encoding="utf-8").replace(log.hash, "<id>")
    assert text == REFERENCE["text"]
    assert json.loads(json.dumps(log.final_out).replace(log.hash, "<id>")) == REFERENCE["final_out"]
    assert log.on_train_end() == log.name


def test_experiment_log_in_a_real_fit(tiny, tmp_path):
    model, x, y = tiny
    log = callbacks.ExperimentLog("exp", {"lr": 0.1}, log_dir=tmp_path / "round-001")
    model.fit(x, y, validation_data=(x, y), epochs=2, batch_size=8, verbose=0, callbacks=[log])
    assert Path(log.name).parent == tmp_path / "round-001"
    with open(log.name, newline="", encoding="utf-8") as stream:
        rows = list(csv.reader(stream))
    assert rows[0][:2] == ["id", "epoch"] and rows[0][-1] == "params"
    assert {"loss", "accuracy", "val_loss", "val_accuracy"} <= set(rows[0])
    assert [r[1] for r in rows[1:]] == ["1", "2"] and rows[1][-1] == '{"lr": 0.1}'


def test_experiment_log_bad_input(tmp_path):
    with pytest.raises(ScanArgumentError, match="experiment_name must be a non-empty str"):
        callbacks.ExperimentLog("", {}, log_dir=tmp_path)
    with pytest.raises(ScanArgumentError, match="backend must be one of"):
        callbacks.ExperimentLog("exp", {}, backend="mxnet", log_dir=tmp_path)


def test_training_plot_headless_in_a_real_fit(tiny):
    model, x, y = tiny
    plot = callbacks.TrainingPlot(metrics=["loss", "val_loss"])
    model.fit(x, y, validation_data=(x, y), epochs=2, batch_size=8, verbose=0, callbacks=[plot])
    assert list(plot.history) == ["loss", "val_loss"]
    assert [len(v) for v in plot.history.values()] == [2, 2]
    assert [line.get_label() for line in plot.axes.get_lines()] == ["loss", "val_loss"]


def test_training_plot_unknown_metric_stops_after_the_first_epoch(tiny):
    model, x, y = tiny
    plot = callbacks.TrainingPlot(metrics=["val_acc"])
    with pytest.raises(
        MetricNotFoundError, match=r"must name keys of the epoch's logs, got \['val_acc'\]"
    ):
        model.fit(x, y, validation_data=(x, y), epochs=3, verbose=0, callbacks=[plot])
    with pytest.raises(ScanArgumentError, match="metrics must be None or a non-empty list"):
        callbacks.TrainingPlot(metrics=[])


def test_training_plot_updates_one_display_under_jupyter(monkeypatch):
    import IPython.display

    shown = []

    class Handle:
        def update(self, figure):
            shown.append(("update", figure))

    def display(figure, display_id=False):
        shown.append(("display", figure))
        return Handle()

    monkeypatch.setattr("scanlab.talos.callbacks._jupyter_shell", lambda: object())
    monkeypatch.setattr(IPython.display, "display", display)
    plot = callbacks.TrainingPlot(backend="generic")
    plot.on_train_begin()
    plot.on_epoch_end(0, {"loss": 1.0})
    plot.on_epoch_end(1, {"loss": 0.5})
    assert [kind for kind, _ in shown] == ["display", "update"]
    assert all(figure is plot.figure for _, figure in shown)


def test_power_draw_with_a_provider_feeds_power_draw_append(tiny):
    model, x, y = tiny
    readings = iter([100.0, 140.0, 120.0, 160.0])
    power = callbacks.PowerDraw(provider=lambda: next(readings))
    history = model.fit(x, y, epochs=2, batch_size=8, verbose=0, callbacks=[power])
    assert power.log["epoch_begin"] == [100.0, 120.0] and power.log["epoch_end"] == [140.0, 160.0]
    utils.power_draw_append(history, power)
    assert history.history["watts_min"] == [100.0] and history.history["watts_max"] == [160.0]
    assert history.history["seconds"] == [pytest.approx(sum(power.log["seconds"]))]


def test_power_draw_without_nvidia_smi_is_a_clear_error(monkeypatch):
    monkeypatch.setattr("shutil.which", lambda name: None)
    with pytest.raises(ScanArgumentError, match="reads the GPU's power draw with nvidia-smi"):
        callbacks.PowerDraw()
