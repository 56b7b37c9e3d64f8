"""scanlab._settings: Scan's arguments checked once, before training, into frozen settings."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from _fakes import fake_model

from scanlab._settings import ReductionSettings, ScanSettings, check_scan_arguments
from scanlab.errors import ParamsError, ScanArgumentError, ScanArgumentTypeError

ARGS = dict(
    params={"lr": [0.1, 0.01], "units": (4, 12, 2)},
    model=fake_model,
    experiment_name="exp",
    results_dir="results",
    random_method="uniform_mersenne",
    seed=3,
    performance_target=None,
    fraction_limit=None,
    round_limit=3,
    time_limit=None,
    boolean_limit=None,
    reduction_method=None,
    reduction_interval=50,
    reduction_window=20,
    reduction_threshold=0.2,
    reduction_metric=None,
    minimize_loss=None,
    disable_progress_bar=True,
    print_params=False,
    clear_session=False,
    save_models=False,
    metric=None,
    resume=True,
    max_consecutive_failures=5,
    workers=None,
    executor=None,
    workers_per_gpu=1,
    max_runs_per_worker=None,
    trial_timeout=None,
)


def test_good_arguments_become_frozen_settings():
    settings = check_scan_arguments(**ARGS)
    assert isinstance(settings, ScanSettings)
    assert settings.space.size == 4 and settings.planned == 3  # (4, 12, 2): 4 and 8
    assert settings.random_method == "uniform"  # Talos's name mapped onto scanlab's
    assert settings.experiment_path == Path("results") / "exp"
    assert settings.reduction is None and settings.metric is None
    with pytest.raises(dataclasses.FrozenInstanceError):
        settings.seed = 4  # type: ignore[misc]


def test_reduction_metric_is_talos_name_for_metric_and_reduction_is_recorded():
    settings = check_scan_arguments(
        **ARGS | {"reduction_method": "kendall", "reduction_metric": "val_acc"}
    )
    assert settings.metric == "val_acc"
    assert settings.reduction == ReductionSettings("kendall", 50, 20, 0.2)
    assert settings.fingerprint_settings() == {
        "random_method": "uniform",
        "seed": 3,
        "fraction_limit": None,
        "round_limit": 3,
        "reduction": {"method": "kendall", "interval": 50, "window": 20, "threshold": 0.2},
    }


def _three_args(x_train, y_train, x_val):
    return None


@pytest.mark.parametrize(
    ("override", "error", "match"),
    [
        ({"params": {}}, ParamsError, r"params"),
        (
            {"model": "model"},
            ScanArgumentTypeError,
            r"^model must be your model function .* got str",
        ),
        (
            {"model": _three_args},
            ScanArgumentTypeError,
            r"^model\(x_train, y_train, x_val\) cannot be called as model\(x_train, y_train, "
            r"x_val, y_val, params\)",
        ),
        ({"experiment_name": "a/b"}, ScanArgumentError, r"^experiment_name must be a non-empty"),
        ({"experiment_name": " "}, ScanArgumentError, r"^experiment_name must be a non-empty"),
        ({"boolean_limit": 3}, ScanArgumentTypeError, r"^boolean_limit must be a function"),
        ({"seed": -1}, ScanArgumentTypeError, r"^seed must be a non-negative int or None, got -1"),
        ({"seed": True}, ScanArgumentTypeError, r"^seed must be a non-negative int"),
        (
            {"max_consecutive_failures": 0},
            ScanArgumentError,
            r"^max_consecutive_failures must be an int >= 1 or None \(never stop\), got 0",
        ),
        ({"metric": 3}, ScanArgumentTypeError, r"^metric must be a history key .* got 3"),
        ({"reduction_metric": ["a"]}, ScanArgumentTypeError, r"^reduction_metric must be"),
        ({"workers": 0}, ScanArgumentError, r"^workers must be an int >= 1, got 0"),
        ({"workers_per_gpu": 1.5}, ScanArgumentError, r"^workers_per_gpu must be an int >= 1"),
        ({"trial_timeout": 0}, ScanArgumentError, r"^trial_timeout must be a positive number"),
        (
            {"executor": object()},
            ScanArgumentTypeError,
            r"^executor must be a dask.distributed.Client, got object",
        ),
        ({"reduction_method": "trees"}, ScanArgumentError, r"^reduction_method='trees' is unknown"),
    ],
)
def test_each_rule_names_the_argument_the_value_and_the_fix(override, error, match):
    with pytest.raises(error, match=match):
        check_scan_arguments(**ARGS | override)
