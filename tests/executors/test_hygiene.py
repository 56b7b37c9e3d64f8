"""Memory hygiene between runs and model saving (``scanlab/executors/_hygiene.py``), with
stand-ins for TensorFlow's gradient registry and for Keras (the real ones are exercised by
``tests/test_keras.py``)."""

from __future__ import annotations

import sys
import types

import pytest

from scanlab.executors import _hygiene
from scanlab.executors._hygiene import MemoryHygiene, model_saver

OPS = "tensorflow.python.framework.ops"


def fake_ops(registry: dict) -> types.ModuleType:
    """A module shaped like ``tensorflow.python.framework.ops``: just its gradient registry."""
    ops = types.ModuleType(OPS)
    ops._gradient_registry = types.SimpleNamespace(_registry=registry)
    return ops


class FakeKeras(types.ModuleType):
    """Keras's config and ``clear_session``, which resets the settings as Keras's does."""

    def __init__(self) -> None:
        super().__init__("keras")
        self.settings = {"policy": "mixed_float16", "floatx": "float64", "format": "channels_first"}
        self.cleared: list[dict] = []
        self.config = types.SimpleNamespace(
            dtype_policy=lambda: self.settings["policy"],
            floatx=lambda: self.settings["floatx"],
            image_data_format=lambda: self.settings["format"],
            set_dtype_policy=lambda v: self.settings.__setitem__("policy", v),
            set_floatx=lambda v: self.settings.__setitem__("floatx", v),
            set_image_data_format=lambda v: self.settings.__setitem__("format", v),
        )
        self.backend = types.SimpleNamespace(clear_session=self._clear_session)

    def _clear_session(self, free_memory: bool = True) -> None:
        self.cleared.append({"free_memory": free_memory})
        self.settings = {"policy": "float32", "floatx": "float32", "format": "channels_last"}


@pytest.fixture
def no_framework(monkeypatch):
    """Neither TensorFlow nor Keras loaded, and the one-time ``gc.freeze`` already done."""
    monkeypatch.delitem(sys.modules, OPS, raising=False)
    monkeypatch.delitem(sys.modules, "keras", raising=False)
    monkeypatch.setattr(_hygiene, "_FROZEN", True)
    return monkeypatch


def test_new_traced_gradients_are_dropped_and_the_rest_is_kept(no_framework):
    registry = {"CustomGradient-1": "scan start", "Relu": "op gradient"}
    no_framework.setitem(sys.modules, OPS, fake_ops(registry))
    hygiene = MemoryHygiene()
    registry |= {"CustomGradient-2": "run 1", "CustomGradient-3": "run 1"}
    hygiene.after_run()
    assert registry == {"CustomGradient-1": "scan start", "Relu": "op gradient"}


def test_without_tensorflow_loaded_there_is_no_registry(no_framework):
    assert _hygiene._custom_gradients() == {}
    MemoryHygiene().after_run()  # nothing to do, nothing imported
    assert OPS not in sys.modules


def test_a_registry_tensorflow_moved_is_skipped_silently(no_framework):
    no_framework.setitem(sys.modules, OPS, types.ModuleType(OPS))  # no _gradient_registry
    assert _hygiene._custom_gradients() == {}
    MemoryHygiene().after_run()


def test_the_keras_session_is_cleared_without_a_full_collection_keeping_user_settings(
    no_framework,
):
    keras = FakeKeras()
    no_framework.setitem(sys.modules, "keras", keras)
    before = dict(keras.settings)
    MemoryHygiene().after_run()
    assert keras.cleared == [{"free_memory": False}]
    assert keras.settings == before


def test_clear_session_false_touches_nothing(no_framework):
    keras = FakeKeras()
    registry = {"CustomGradient-1": "x"}
    no_framework.setitem(sys.modules, "keras", keras)
    no_framework.setitem(sys.modules, OPS, fake_ops(registry))
    hygiene = MemoryHygiene(clear_session=False)
    registry["CustomGradient-2"] = "run 1"
    hygiene.after_run()
    assert keras.cleared == [] and len(registry) == 2


def test_the_first_run_collects_and_freezes_once(no_framework):
    calls = []
    no_framework.setattr(_hygiene, "_FROZEN", False)
    no_framework.setattr(_hygiene.gc, "collect", lambda: calls.append("collect"))
    no_framework.setattr(_hygiene.gc, "freeze", lambda: calls.append("freeze"))
    hygiene = MemoryHygiene()
    for _ in range(3):
        hygiene.after_run()
    assert calls == ["collect", "freeze"]


def test_model_saver_writes_run_id_dot_keras_in_a_folder_it_creates(tmp_path):
    class Model:
        def save(self, path):
            path.write_text("weights")

    assert model_saver(None, "run-1") is None
    model_saver(tmp_path / "models", "run-1")(Model())
    assert (tmp_path / "models" / "run-1.keras").read_text() == "weights"
