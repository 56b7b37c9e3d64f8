"""scanlab._reduction: Talos's automatic reduction, on small literal windows."""

from __future__ import annotations

import pandas as pd
import pytest

from scanlab._reduction import AutoReduction, value_to_drop
from scanlab._settings import ReductionSettings
from scanlab.errors import ScanArgumentError
from scanlab.space import ParamSpace

WINDOW = pd.DataFrame(
    {
        "opt": ["adam", "sgd", "adam", "sgd", "adam", "sgd", "adam", "sgd"],
        "units": ["4", "4", "8", "8", "4", "4", "8", "8"],
        "val_loss": [0.20, 0.90, 0.25, 0.95, 0.22, 0.85, 0.21, 0.99],
    }
)


@pytest.mark.parametrize("method", ["correlation", "spearman", "kendall", "pearson"])
def test_the_value_with_the_worse_metric_is_dropped(method):
    found = value_to_drop(WINDOW, ["opt", "units"], "val_loss", minimize=True, method=method)
    assert (found["param"], found["value"], found["method"]) == ("opt", "sgd", method)
    assert 0.2 < found["score"] <= 1


def test_direction_decides_which_value_is_worse():
    found = value_to_drop(WINDOW, ["opt", "units"], "val_loss", minimize=False)
    assert (found["param"], found["value"]) == ("opt", "adam")


def test_importance_uses_analyze_importance_and_drops_the_worst_mean():
    window = pd.concat([WINDOW] * 3, ignore_index=True)
    found = value_to_drop(window, ["opt", "units"], "val_loss", True, "importance")
    assert (found["param"], found["value"], found["method"]) == ("opt", "sgd", "importance")


def test_nothing_is_dropped_without_evidence_or_values_to_spare():
    flat = WINDOW.assign(val_loss=0.5)
    assert value_to_drop(flat, ["opt", "units"], "val_loss", True) is None
    assert value_to_drop(WINDOW.head(1), ["opt"], "val_loss", True) is None
    # Two runs are Talos's smallest window (reduction_window=2): the worse value goes.
    assert value_to_drop(WINDOW.head(2), ["opt"], "val_loss", True)["value"] == "sgd"
    assert value_to_drop(WINDOW, ["opt"], "val_loss", True, threshold=0.999) is None
    assert (
        value_to_drop(WINDOW, ["opt", "units"], "val_loss", True, protected={"opt": 1})["param"]
        != "opt"
    )


def test_an_unknown_method_is_refused():
    with pytest.raises(ScanArgumentError, match=r"reduction_method must be one of \["):
        value_to_drop(WINDOW, ["opt"], "val_loss", True, method="trees")


def test_auto_reduction_acts_every_interval_and_records_in_the_manifest_list():
    space = ParamSpace({"opt": ["adam", "sgd"], "units": [4, 8]})
    records: list[dict] = []
    reduction = AutoReduction(ReductionSettings("correlation", 8, 8, 0.2), space, records, 0)
    for labels, value in zip(
        WINDOW[["opt", "units"]].to_dict("records"), WINDOW["val_loss"], strict=True
    ):
        assert reduction.keep({}, labels)
        record = reduction.observe(labels, value, "val_loss", minimize=True)
    assert record is not None and records == [record] and record["after_runs"] == 8
    assert not reduction.keep({}, {"opt": "sgd", "units": "4"})
    assert reduction.keep({}, {"opt": "adam", "units": "4"})
    restored = AutoReduction(ReductionSettings("correlation", 8, 8, 0.2), space, records, 8)
    assert not restored.keep({}, {"opt": "sgd", "units": "8"})
