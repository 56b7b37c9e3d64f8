from __future__ import annotations

import copy

import keras
import pytest

from scanlab import ParamsError
from scanlab.reduce import add, diff, drop, fix, keep, set_range, values_of

PARAMS = {
    "lr": [0.1, 0.01, 0.001],
    "dropout": (0, 0.5, 5),
    "optimizer": [keras.optimizers.Adam, keras.optimizers.Nadam],
    "units": [8, 16, 32],
}


def test_helpers_never_mutate_their_input():
    before = copy.copy(PARAMS)
    drop(PARAMS, "lr", [0.1])
    keep(PARAMS, "units", [8])
    fix(PARAMS, "dropout", 0.1)
    add(PARAMS, "units", [64])
    set_range(PARAMS, "dropout", 0, 0.3, 3)
    assert before == PARAMS


def test_drop_by_values_labels_and_predicate():
    assert drop(PARAMS, "lr", [0.1])["lr"] == [0.01, 0.001]
    assert drop(PARAMS, "optimizer", ["Adam"])["optimizer"] == [keras.optimizers.Nadam]
    assert drop(PARAMS, "dropout", lambda v: v > 0.2)["dropout"] == [0.0, 0.1, 0.2]


def test_keep_fix_add_set_range():
    assert keep(PARAMS, "units", lambda v: v >= 16)["units"] == [16, 32]
    assert keep(PARAMS, "optimizer", [keras.optimizers.Nadam])["optimizer"] == [
        keras.optimizers.Nadam
    ]
    assert fix(PARAMS, "lr", 0.003)["lr"] == [0.003]
    assert add(PARAMS, "units", [64])["units"] == [8, 16, 32, 64]
    assert add(PARAMS, "batch_size", [32])["batch_size"] == [32]
    assert set_range(PARAMS, "dropout", 0, 0.3, 3)["dropout"] == (0, 0.3, 3)
    assert values_of(PARAMS, "dropout") == [0.0, 0.1, 0.2, 0.3, 0.4]


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: drop(PARAMS, "lrate", [0.1]), r"params has no parameter 'lrate'; it has \["),
        (lambda: drop(PARAMS, "lr", [0.5]), r"'lr' has no value\(s\) \[0.5\]; its values are"),
        (lambda: drop(PARAMS, "lr", lambda v: True), r"would remove every value of 'lr'"),
        (lambda: keep(PARAMS, "units", lambda v: v > 100), r"keeps no value of 'units'"),
        (lambda: add(PARAMS, "units", [8]), r"duplicate values: 8"),
        (lambda: set_range(PARAMS, "dropout", 0.5, 0.1, 3), r"needs stop > start"),
    ],
)
def test_helper_errors(call, match):
    with pytest.raises(ParamsError, match=match):
        call()


def test_diff_lists_what_changed():
    after = fix(drop(PARAMS, "lr", [0.1]), "units", 16)
    after = add(after, "batch_size", [32])
    table = diff(PARAMS, after).set_index("parameter")
    assert list(table.index) == ["batch_size", "lr", "units"]
    assert table.loc["lr", "change"] == "narrowed" and table.loc["lr", "removed"] == ["0.1"]
    assert table.loc["batch_size", "change"] == "added"
    assert table.loc["units", "n_after"] == 1
