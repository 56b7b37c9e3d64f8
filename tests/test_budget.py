"""The budgeted-search specs a user writes: checked when made, previewed over a params dict."""

from __future__ import annotations

import dataclasses

import pytest

from scanlab.budget import ASHA, Hyperband, SuccessiveHalving
from scanlab.errors import ParamsError, ScanArgumentError
from scanlab.halving import ASHAScheduler, HyperbandScheduler, SuccessiveHalvingScheduler
from scanlab.space import ParamSpace

BIG = {"units": list(range(200)), "lr": [0.1, 0.01]}


def test_hyperband_previews_algorithm_1_over_a_params_dict():
    plan = Hyperband(max_epochs=81, factor=3).plan(BIG)
    assert plan.attrs["totals"]["configurations"] == 143
    assert plan.attrs["totals"]["epochs_continue"] == 1581
    assert plan.attrs["totals"]["epochs_restart"] == 1902
    assert "Random search with the same 1,581 epochs buys 19 full trainings" in (
        Hyperband(81).describe(BIG)
    )


def test_a_small_grid_plans_fewer_configurations_and_no_empty_rung():
    plan = SuccessiveHalving(min_epochs=1, max_epochs=9).plan({"lr": [0.1, 0.01]})
    assert plan["configurations"].tolist() == [2, 1, 1]
    assert plan["budget"].tolist() == [1, 3, 9]


@pytest.mark.parametrize(
    ("spec", "cls"),
    [
        (SuccessiveHalving(1, 27), SuccessiveHalvingScheduler),
        (Hyperband(27), HyperbandScheduler),
        (ASHA(1, 27), ASHAScheduler),
    ],
)
def test_a_spec_binds_to_a_scans_grid_sampler_and_seed(spec, cls):
    scheduler = spec.scheduler(ParamSpace(BIG), "sobol", 7, round_limit=5)
    assert isinstance(scheduler, cls) and scheduler.seed == 7 and scheduler.config_limit() == 5


def test_specs_are_values_recorded_by_kind_and_numbers():
    assert Hyperband(81) == Hyperband(max_epochs=81, factor=3)
    assert Hyperband(27).as_dict() == {
        "search": "Hyperband",
        "max_epochs": 27,
        "factor": 3,
        "iterations": 1,
        "min_epochs": 1,
    }
    with pytest.raises(dataclasses.FrozenInstanceError):
        Hyperband(27).max_epochs = 9  # type: ignore[misc]


@pytest.mark.parametrize(
    ("make", "match"),
    [
        (lambda: Hyperband(max_epochs=2), r"^max_epochs must be >= factor \* min_epochs = 3"),
        (
            lambda: SuccessiveHalving(min_epochs=3, max_epochs=3),
            r"^max_epochs must be > min_epochs=3",
        ),
        (lambda: ASHA(min_epochs=0, max_epochs=9), r"^min_epochs must be"),
        (lambda: Hyperband(max_epochs=27, factor=1), r"^factor must be"),
    ],
)
def test_bad_numbers_are_refused_when_the_spec_is_made(make, match):
    with pytest.raises(ScanArgumentError, match=match):
        make()


def test_a_grid_with_several_epochs_values_is_refused_by_the_plan():
    with pytest.raises(ParamsError, match=r"params\['epochs'\] must hold at most one value"):
        Hyperband(27).plan({"lr": [0.1], "epochs": [5, 10]})
