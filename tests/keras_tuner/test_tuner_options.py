"""Tuner options: objective directions, EarlyStopping mapping, max_trials as trained runs."""

from __future__ import annotations

import keras
import pytest

from scanlab.errors import ScanArgumentError
from scanlab.keras_tuner import Conditions, Objective
from scanlab.keras_tuner._grids import Spec
from scanlab.keras_tuner._tuner_options import (
    as_objective,
    check_scan_kwargs,
    early_stopping_from,
    round_limit_for,
)
from scanlab.sampling import sample_indices
from scanlab.space import ParamSpace


def test_objectives_follow_keras_tuner_directions():
    assert as_objective(None) == Objective("val_loss", "min")
    assert as_objective("val_accuracy").direction == "max"
    assert as_objective("val_mean_squared_error").direction == "min"
    # KerasTuner 1.4.8 infers these from Keras's metrics: all minimized
    for name in ("val_mae", "val_mse", "val_hinge", "val_sparse_categorical_crossentropy"):
        assert as_objective(name).direction == "min", name
    assert as_objective("val_recall").direction == "max"
    with pytest.raises(
        ScanArgumentError, match="Objective direction must be 'min' or 'max', got 'up'"
    ):
        Objective("val_auc", "up")
    with pytest.raises(ScanArgumentError, match="objective must be a metric name"):
        as_objective(["val_loss", "val_auc"])


def test_early_stopping_is_mapped_and_other_callbacks_warned():
    stop = keras.callbacks.EarlyStopping(
        monitor="val_auc", min_delta=0.01, patience=4, restore_best_weights=True
    )
    with pytest.warns(
        UserWarning, match="callback CSVLogger is not used: scanlab calls fit itself"
    ):
        mapped = early_stopping_from([stop, keras.callbacks.CSVLogger("log.csv")], budgeted=False)
    assert mapped == {"monitor": "val_auc", "mode": [0.01, 4], "restore_best_weights": True}
    with pytest.warns(UserWarning, match="EarlyStopping is not used under Hyperband"):
        assert early_stopping_from([stop], budgeted=True) is None


def test_round_limit_counts_trained_runs_not_draws():
    specs = {
        "deep": Spec("deep", "Boolean", (False, True), False, ()),
        "units": Spec("units", "Int", (1, 2, 3), 1, (("deep", (True,)),)),
    }
    params = {"deep": [False, True], "units": [1, 2, 3]}
    limit = Conditions(specs)
    space = ParamSpace(params)
    draws = round_limit_for(params, limit, "uniform", 5, 3)
    drawn = [space.decode(i)[0] for i in list(sample_indices(space.shape, "uniform", 5))[:draws]]
    assert sum(map(limit, drawn)) == 3 and limit(drawn[-1])
    assert round_limit_for(params, limit, "grid", None, None) is None
    assert round_limit_for(params, limit, "grid", None, 10) == 6  # every valid one (4 of 6)
    assert round_limit_for(params, limit, "uniform", None, 3) == 3  # Scan draws the seed


def test_extra_arguments_must_be_scan_arguments_the_tuner_does_not_set():
    check_scan_kwargs({"workers": 1, "cv": 3, "preprocess": None, "boolean_limit": None})
    with pytest.raises(
        ScanArgumentError,
        match=r"tuner argument must be a KerasTuner argument .*got 'executions_per_trial'",
    ):
        check_scan_kwargs({"executions_per_trial": 2})
    with pytest.raises(ScanArgumentError, match="got 'round_limit'"):
        check_scan_kwargs({"round_limit": 2})
