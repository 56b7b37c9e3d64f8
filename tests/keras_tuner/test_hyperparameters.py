"""HyperParameters: KerasTuner's value sets and defaults, its errors in scanlab's format."""

from __future__ import annotations

import keras_tuner
import pytest

from scanlab.errors import ScanArgumentError, ScanArgumentTypeError
from scanlab.keras_tuner import HyperParameters

DECLARATIONS = [
    ("Int", ("i", 2, 32), {"step": 2, "sampling": "log"}),
    ("Int", ("j", 100, 500), {"step": 100}),
    ("Int", ("k", 1, 5), {}),
    ("Int", ("n", 1, 10), {"step": 3}),
    ("Float", ("f", 1e-4, 1e-1), {"step": 10, "sampling": "log"}),
    ("Float", ("g", 0.6, 0.9), {"step": 0.1}),
    ("Float", ("o", 0.1, 1.0), {"step": 0.25}),
    ("Choice", ("c", ["a", "b", "c"]), {"default": "b"}),
    ("Boolean", ("b",), {}),
    ("Fixed", ("x", 3), {}),
]


@pytest.mark.parametrize(("method", "args", "kwargs"), DECLARATIONS)
def test_values_and_defaults_match_keras_tuner(method, args, kwargs):
    ours, theirs = HyperParameters(), keras_tuner.HyperParameters()
    assert getattr(ours, method)(*args, **kwargs) == getattr(theirs, method)(*args, **kwargs)
    (spec,), (reference,) = ours.space, theirs.space
    assert spec.default == reference.default
    expected = (
        [False, True]
        if method == "Boolean"
        else [reference.value]
        if method == "Fixed"
        else list(reference.values)
    )
    assert list(spec.grid) == pytest.approx(expected)


def test_conditional_scope_nests_and_inactive_returns_none():
    hp = HyperParameters._assigning({"model": "mlp", "depth": 2})
    hp.Choice("model", ["cnn", "mlp"])
    with hp.conditional_scope("model", "mlp"):
        assert hp.Int("depth", 1, 3) == 2
        with hp.conditional_scope("depth", [3]):
            assert hp.Boolean("skip") is None
    assert hp.Int("filters", 8, 16, step=8, parent_name="model", parent_values=["cnn"]) is None
    assert hp.values == {"model": "mlp", "depth": 2}
    assert [s.conditions for s in hp.space][2] == (("model", ("mlp",)), ("depth", (3,)))
    with pytest.raises(ScanArgumentError, match=r"hp.get\(name\) is inactive"):
        hp["skip"]
    assert hp["depth"] == 2


@pytest.mark.parametrize(
    ("declare", "error", "match"),
    [
        (
            lambda h: h.Int("q", 5, 1),
            ScanArgumentError,
            r"min_value must not exceed max_value \(1\), got 5",
        ),
        (
            lambda h: h.Int("q", 1.5, 3),
            ScanArgumentTypeError,
            r"Int\(name='q'\) min_value must be an int, got 1.5",
        ),
        (
            lambda h: h.Choice("q", []),
            ScanArgumentError,
            r"values must be a non-empty list, got \[\]",
        ),
        (lambda h: h.Choice("q", [1, "a"]), ScanArgumentTypeError, "must hold values of one type"),
        (
            lambda h: h.Choice("q", [1, 2], default=3),
            ScanArgumentError,
            r"default must be one of its values \[1, 2\], got 3",
        ),
        (
            lambda h: h.Float("q", 0, 1, sampling="log"),
            ScanArgumentError,
            "must be > 0 with sampling='log'",
        ),
        (
            lambda h: h.Float("q", 0, 1, sampling="foo"),
            ScanArgumentError,
            r"sampling must be one of \['linear', 'log'\]",
        ),
        (lambda h: h.Int("q", 1, 10, step=0), ScanArgumentError, "step must be > 0, got 0"),
        (
            lambda h: h.Float("q", 1, 10, step=1, sampling="log"),
            ScanArgumentError,
            r"step must be > 1 with sampling='log' \(it multiplies\)",
        ),
        (
            lambda h: h.conditional_scope("zz", [1]).__enter__(),
            ScanArgumentError,
            "parent_name must name a hyperparameter registered before it",
        ),
        (lambda h: h.Int("", 1, 2), ScanArgumentError, "Int name must be a non-empty str"),
        (lambda h: h.get("nope"), ScanArgumentError, "is not a registered hyperparameter"),
    ],
)
def test_bad_arguments_are_refused_like_keras_tuner(declare, error, match):
    with pytest.raises(error, match=match):
        declare(HyperParameters())
    if "step must be > 0" in match or "name must be" in match:
        return  # KerasTuner accepts these (and fails later); scanlab refuses them at once
    with pytest.raises((ValueError, TypeError, KeyError)):  # KerasTuner refuses them too
        declare(keras_tuner.HyperParameters())
