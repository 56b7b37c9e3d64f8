"""Grids: Int/Float value sets without step, activity of nested conditions."""

from __future__ import annotations

import pytest

from scanlab.keras_tuner import HyperParameters
from scanlab.keras_tuner._grids import Spec, grid_values, is_active


def test_ranges_without_step_become_documented_grids():
    hp = HyperParameters(float_points=4)
    hp.Float("lin", 0.0, 1.0)
    hp.Float("geo", 1e-3, 1.0, sampling="log")
    hp.Int("whole", 3, 6, sampling="log")
    grids = {s.name: s.grid for s in hp.space}
    assert grids["lin"] == pytest.approx((0.0, 1 / 3, 2 / 3, 1.0))
    assert grids["geo"] == pytest.approx((1e-3, 1e-2, 1e-1, 1.0))
    assert grids["whole"] == (3, 4, 5, 6)


def test_steps_reach_max_value_despite_float_rounding():
    # KerasTuner's own Float(0, 0.5, step=0.1) stops at 0.4 (0.5 / 0.1 < 5 in floats)
    assert grid_values("F", 0.0, 0.5, 0.1, "linear", False, 10) == [0.0, 0.1, 0.2, 0.3, 0.4, 0.5]
    assert grid_values("F", 0.6, 0.9, 0.1, "linear", False, 10) == [0.6, 0.7, 0.8, 0.9]


def test_a_child_of_an_inactive_parent_is_inactive():
    specs = {
        "a": Spec("a", "Boolean", (False, True), False, ()),
        "b": Spec("b", "Int", (1, 2), 1, (("a", (True,)),)),
        "c": Spec("c", "Int", (1, 2), 1, (("b", (1,)),)),
    }
    assert is_active("c", {"a": True, "b": 1, "c": 2}, specs)
    assert not is_active("c", {"a": False, "b": 1, "c": 2}, specs)
