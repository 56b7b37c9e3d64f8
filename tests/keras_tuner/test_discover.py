"""discover: the space of a build(hp), compared with what KerasTuner registers."""

from __future__ import annotations

import keras
import keras_tuner
import pytest

from scanlab.errors import ScanArgumentError, ScanArgumentTypeError
from scanlab.keras_tuner import discover
from scanlab.space import ParamSpace


def _compiled(units):
    """Discovery only needs the hp calls: the builds below return no model (fast)."""
    return


def build_plain(hp):
    units = hp.Int("units", 32, 128, step=32)
    hp.Float("lr", 1e-4, 1e-1, step=10, sampling="log")
    hp.Float("dropout", 0.6, 0.9, step=0.1)
    hp.Int("filters", 2, 16, step=2, sampling="log")
    return _compiled(units)


def build_scoped(hp):
    kind = hp.Choice("kind", ["mlp", "cnn"])
    with hp.conditional_scope("kind", ["cnn"]):
        hp.Int("kernel", 3, 5, step=2)
        with hp.conditional_scope("kernel", [5]):
            hp.Boolean("dilate")
    return _compiled(4 if kind == "mlp" else 8)


def build_implicit(hp):
    if hp.Boolean("extra"):
        hp.Choice("extra_units", [8, 16], default=16)
    for i in range(hp.Int("layers", 1, 3)):
        hp.Int(f"units_{i}", 4, 8, step=4)
    return _compiled(2)


_CACHE: dict = {}


def _discovered(build):
    if build not in _CACHE:
        _CACHE[build] = discover(build)
    return _CACHE[build]


def keras_tuner_space(build, values):
    """What KerasTuner registers (names -> (default, values)) and its active values."""
    hp = keras_tuner.HyperParameters()
    for name, value in values.items():  # KerasTuner reads hp.values set before the build
        hp.values[name] = value
    build(hp)
    registered = {
        h.name: (
            h.default,
            [False, True]
            if isinstance(h, keras_tuner.engine.hyperparameters.Boolean)
            else list(h.values),
        )
        for h in hp.space
    }
    return registered, {n: v for n, v in hp.values.items() if hp.is_active(n)}


def test_plain_space_matches_keras_tuner():
    params, conditions = discover(build_plain)
    registered, _ = keras_tuner_space(build_plain, {})
    assert sorted(params) == sorted(registered)
    for name, (default, values) in registered.items():
        assert params[name][0] == pytest.approx(default)
        assert sorted(params[name]) == pytest.approx(sorted(values))
    assert conditions.conditional == []


@pytest.mark.parametrize(
    "values",
    [
        {},
        {"kind": "cnn"},
        {"kind": "cnn", "kernel": 5},
        {"kind": "cnn", "kernel": 5, "dilate": True},
    ],
)
def test_scoped_parameters_are_active_where_keras_tuner_activates_them(values):
    params, conditions = _discovered(build_scoped)
    registered, active = keras_tuner_space(build_scoped, values)
    assert sorted(params) == sorted(registered) == ["dilate", "kernel", "kind"]
    full = {name: values.get(name, choices[0]) for name, choices in params.items()}
    assert conditions.active_values(full) == active


@pytest.mark.parametrize(
    "values", [{}, {"extra": True}, {"layers": 3}, {"extra": True, "layers": 2}]
)
def test_implicit_conditions_match_what_keras_tuner_registers(values):
    params, conditions = _discovered(build_implicit)
    assert params["extra_units"] == [16, 8] and params["layers"] == [1, 2, 3]
    registered, active = keras_tuner_space(build_implicit, values)
    full = {name: values.get(name, choices[0]) for name, choices in params.items()}
    assert conditions.active_values(full) == active
    assert set(registered) <= set(params)


def test_inactive_values_do_not_multiply_the_grid():
    params, conditions = _discovered(build_implicit)
    space = ParamSpace(params)
    kept = [space[i] for i in range(space.size) if conditions(space[i])]
    # extra: 1 + 2 ways; layers 1/2/3 with 2, 4, 8 unit combinations
    assert space.size == 2 * 2 * 3 * 2 * 2 * 2 and len(kept) == 3 * (2 + 4 + 8)
    assert conditions.with_limit(lambda p: p["layers"] == 1)(kept[0]) is (kept[0]["layers"] == 1)


def test_emotion_classifier_build_is_discovered():
    def build(hp):
        model = keras.Sequential(
            [
                keras.layers.Embedding(50, hp.Int("vector_size", 100, 500, step=100)),
                keras.layers.LSTM(hp.Choice("lstm_units", [32, 64])),
                keras.layers.Dropout(hp.Float("dropout", 0.6, 0.9, step=0.1)),
                keras.layers.Dense(6, activation="softmax"),
            ]
        )
        model.compile(
            keras.optimizers.Adam(hp.Choice("learning_rate", [1e-2, 1e-3, 1e-4])),
            "sparse_categorical_crossentropy",
            ["accuracy"],
        )
        return model

    params, conditions = discover(build, require_model=True)
    assert params == {
        "dropout": [0.6, 0.7, 0.8, 0.9],
        "learning_rate": [1e-2, 1e-3, 1e-4],
        "lstm_units": [32, 64],
        "vector_size": [100, 200, 300, 400, 500],
    }
    assert conditions.conditional == []


def test_bad_builds_are_refused():
    with pytest.raises(ScanArgumentTypeError, match="hypermodel must be a function build"):
        discover(42)
    with pytest.raises(ScanArgumentError, match="build must register hyperparameters"):
        discover(lambda hp: keras.Sequential())
    with pytest.raises(ScanArgumentError, match=r"needed more than max_builds=5 builds"):
        discover(lambda hp: hp.Int("n", 1, 100), max_builds=5)
    with pytest.raises(ScanArgumentError, match=r"build\(hp\) must return a compiled keras.Model"):
        discover(lambda hp: hp.Int("n", 1, 2), require_model=True)
