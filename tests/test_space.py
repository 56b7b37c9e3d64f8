from __future__ import annotations

import functools
import math

import keras
import pytest

from scanlab import ParamsError, ParamSpace, ParamsTypeError, talos_range
from scanlab.space import run_id_for, value_label


def test_talos_range_floats_exclude_stop():
    assert talos_range(0, 0.5, 5) == [0.0, 0.1, 0.2, 0.3, 0.4]


def test_talos_range_ints_when_both_ends_are_ints_and_drops_duplicates():
    assert talos_range(8, 40, 4) == [8, 16, 24, 32]
    assert talos_range(1, 3, 5) == [1, 2]
    assert all(type(v) is int for v in talos_range(1, 100, 7))


def test_iteration_equals_indexing_and_covers_grid():
    space = ParamSpace({"b": [1, 2, 3], "a": ["x", "y"], "c": (0, 1.0, 2)})
    assert len(space) == 12
    assert list(space) == [space[i] for i in range(len(space))]
    keys = {tuple(sorted(p.items())) for p in space}
    assert len(keys) == 12
    assert space[-1] == space[11]


def test_names_sorted_whatever_the_dict_order():
    a = ParamSpace({"z": [1, 2], "a": [3, 4]})
    b = ParamSpace({"a": [3, 4], "z": [1, 2]})
    assert a.names == b.names == ["a", "z"]
    assert [a[i] for i in range(4)] == [b[i] for i in range(4)]


def test_huge_grid_is_exact_and_lazy():
    space = ParamSpace({f"p{i:02d}": list(range(10)) for i in range(30)})
    assert space.size == 10**30
    with pytest.raises(
        OverflowError, match=r"more than Python's len\(\) can return; use space\.size"
    ):
        len(space)
    last = space[10**30 - 1]
    assert all(v == 9 for v in last.values())
    index = 123456789012345678901234567890
    assert space.index_of(space.value_indices(index)) == index
    with pytest.raises(IndexError, match="out of range for a grid of"):
        space[10**30]


def test_labels_and_run_ids_are_readable_and_stable():
    space = ParamSpace(
        {
            "optimizer": [keras.optimizers.Adam, keras.optimizers.Nadam],
            "activation": [keras.activations.relu, "elu"],
            "dropout": [None, 0.1],
        }
    )
    labels = [space.labels(i) for i in range(len(space))]
    assert {lab["optimizer"] for lab in labels} == {"Adam", "Nadam"}
    assert {lab["activation"] for lab in labels} == {"relu", "elu"}
    assert {lab["dropout"] for lab in labels} == {"None", "0.1"}
    ids = [space.run_id(i) for i in range(len(space))]
    assert len(set(ids)) == len(ids) and all(len(i) == 16 for i in ids)
    assert run_id_for({"lr": "0.01", "units": "8"}) == "1286d26e3acab7b8"


def test_value_label_partial_and_instances():
    assert value_label(functools.partial(math.pow, 2)) == "pow(2)"
    assert value_label(keras.regularizers.L2(0.01)) == "L2(l2=0.01)"
    assert " at 0x" not in value_label(object())


@pytest.mark.parametrize(
    ("params", "error", "match"),
    [
        ([1, 2], ParamsTypeError, r"params must be a dict .* got list"),
        ({}, ParamsError, r"params is empty"),
        ({"lr": []}, ParamsError, r"params\['lr'\] is an empty list"),
        (
            {"lr": 0.01},
            ParamsTypeError,
            r"params\['lr'\] must be a list .* got 0.01 .*"
            r"Wrap a single value in a list: params\['lr'\] = \[0.01\]",
        ),
        ({"act": "relu"}, ParamsTypeError, r"params\['act'\] must be a list .* got 'relu'"),
        ({"lr": {0.1, 0.2}}, ParamsTypeError, r"params\['lr'\] is a set"),
        ({"lr": (0, 1)}, ParamsError, r"tuple of length 2 .* exactly 3 items"),
        ({"lr": (0, 1, 0)}, ParamsError, r"steps must be an int >= 1, got 0"),
        ({"lr": (0, 1, 2.5)}, ParamsError, r"steps must be an int >= 1, got 2.5"),
        ({"lr": (1, 1, 3)}, ParamsError, r"needs stop > start, got start=1, stop=1"),
        ({"lr": ("a", 1, 3)}, ParamsTypeError, r"range start must be a finite number, got 'a'"),
        ({"lr": [0.1, 0.2, 0.1]}, ParamsError, r"duplicate values: 0.1 \(position 0\) and 0.1"),
        ({"units": [1, 1.0]}, ParamsError, r"duplicate values: 1 \(position 0\) and 1.0"),
        ({"loss": ["mse"]}, ParamsError, r"params key 'loss' collides with the results column"),
        ({"run_id": [1]}, ParamsError, r"params key 'run_id' collides"),
        ({3: [1]}, ParamsTypeError, r"keys must be non-empty strings"),
    ],
)
def test_bad_params_are_refused_with_name_rule_value_and_fix(params, error, match):
    with pytest.raises(error, match=match):
        ParamSpace(params)


def test_param_errors_are_value_and_type_errors():
    with pytest.raises(ValueError):
        ParamSpace({})
    with pytest.raises(TypeError):
        ParamSpace([])
