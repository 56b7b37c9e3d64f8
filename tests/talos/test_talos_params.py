"""Talos's params dict as scanlab's engine takes it: ranges, renamed names, the wrappers."""

from __future__ import annotations

import numpy as np
import pytest

from scanlab.errors import ParamsError, ParamsTypeError
from scanlab.talos._params import (
    TalosBooleanLimit,
    TalosModelFunction,
    talos_values,
    translate_params,
)


def _talos_2_0_10(start, stop, steps):
    """What Talos 2.0.10's ParamSpace computes (numpy.arange, ints deduplicated)."""
    out = np.arange(start, stop, (stop - start) / steps, dtype=float)
    if isinstance(start, int) and isinstance(stop, int):
        out = np.unique(out.astype(int))
    return out.tolist()


@pytest.mark.parametrize(
    "spec",
    [
        (0, 0.5, 5),
        (0.5, 5, 3),
        (1, 4, 6),
        (0.05, 0.35, 3),
        (10, 100, 9),
        (1e-4, 1e-2, 4),
        (2, 64, 5),
    ],
)
def test_ranges_expand_to_talos_values(spec):
    assert talos_values("p", spec) == pytest.approx(_talos_2_0_10(*spec))


def test_a_fractional_step_count_keeps_talos_meaning_and_warns():
    with pytest.warns(UserWarning, match=r"spaced 3 apart. For values spaced 0.1 apart, write"):
        values = talos_values("dropout", (0.05, 0.35, 0.1))
    assert values == pytest.approx(_talos_2_0_10(0.05, 0.35, 0.1)) == [0.05]


@pytest.mark.parametrize("spec", [(0, 1), (0, 1, 0), (1, 1, 3), ("a", 1, 2), (0, 1, -2)])
def test_bad_ranges_are_refused(spec):
    with pytest.raises(ParamsError, match=r"a Talos range must be \(start, stop, steps\)"):
        talos_values("lr", spec)


def test_names_taken_by_results_columns_are_stored_as_talos_does():
    core, renames = translate_params({"loss": ["mse"], "status": [1], "lr": [0.1]})
    assert list(core) == ["param__loss", "param__status", "lr"]
    assert renames == {"param__loss": "loss", "param__status": "status"}


def test_params_must_be_a_dict():
    with pytest.raises(ParamsTypeError, match=r"^params must be a dict"):
        translate_params([("lr", [0.1])])


def test_the_model_gets_the_users_names_in_the_users_order():
    seen = {}

    def model(x_train, y_train, x_val, y_val, params):
        seen.update(params)
        return list(params)

    wrapped = TalosModelFunction(model, {"param__loss": "loss"}, ["lr", "loss"])
    assert wrapped(1, 2, 3, 4, {"param__loss": "mae", "lr": 0.1}) == ["lr", "loss"]
    assert seen == {"lr": 0.1, "loss": "mae"}
    assert wrapped.__name__ == "model"


def test_the_boolean_limit_gets_the_users_names():
    limit = TalosBooleanLimit(lambda p: p["loss"] == "mse", {"param__loss": "loss"})
    assert limit({"param__loss": "mse"}) is True
    assert limit({"param__loss": "mae"}) is False
