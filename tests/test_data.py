"""Training data: length checks, the seeded validation split, and the data fingerprint."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from scanlab.data import fingerprint_data, n_samples, prepare_data
from scanlab.errors import ScanArgumentError
from scanlab.trial import TrialData


def xy(n: int = 20):
    """x rows are their own index; y is 10 times x, so every pair can be checked."""
    x = np.arange(n)
    return x, x * 10


# --------------------------------------------------------------------------------------------
# the split
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("n", "val_split", "n_val"),
    [
        (10, 0.3, 3),
        (100, 0.25, 25),
        (7, 0.5, 4),  # round(3.5) = 4
        (10, 0.25, 2),  # round(2.5) = 2: Python rounds halves to even
        (3, 0.2, 1),
        (2, 0.5, 1),
        (1000, 0.001, 1),
    ],
)
def test_split_holds_out_the_rounded_share(n, val_split, n_val):
    d = prepare_data(*xy(n), val_split=val_split, seed=0)
    assert (len(d.x_train), len(d.y_train), len(d.x_val), len(d.y_val)) == (
        n - n_val,
        n - n_val,
        n_val,
        n_val,
    )


def test_split_is_a_partition_that_keeps_pairs_and_order():
    x, y = xy(50)
    d = prepare_data(x, y, val_split=0.3, seed=4)
    assert sorted([*d.x_train, *d.x_val]) == list(range(50))
    assert not set(d.x_train) & set(d.x_val)
    assert (d.y_train == d.x_train * 10).all() and (d.y_val == d.x_val * 10).all()
    assert (np.diff(d.x_train) > 0).all() and (np.diff(d.x_val) > 0).all()  # original order


def test_seeded_split_repeats_and_seeds_differ():
    x, y = xy(100)
    a = prepare_data(x, y, seed=7)
    b = prepare_data(x, y, seed=7)
    c = prepare_data(x, y, seed=8)
    assert all((p == q).all() for p, q in zip(a, b, strict=True))
    assert not (a.x_val == c.x_val).all()


def test_validation_rows_are_a_shuffle_not_the_tail():
    d = prepare_data(*xy(100), val_split=0.2, seed=0)
    assert d.x_val.max() - d.x_val.min() > 50


def test_given_validation_set_is_used_as_is():
    x, y = xy(10)
    x_val, y_val = np.arange(3), np.arange(3)
    d = prepare_data(x, y, x_val=x_val, y_val=y_val, val_split=0.9, seed=1)
    assert d.x_train is x and d.y_train is y and d.x_val is x_val and d.y_val is y_val


def test_multi_input_lists_are_split_row_by_row():
    a = np.arange(30).reshape(10, 3)
    b = np.arange(10).reshape(10, 1) * 100
    d = prepare_data([a, b], np.arange(10), val_split=0.3, seed=2)
    assert isinstance(d.x_train, list) and len(d.x_train) == len(d.x_val) == 2
    assert [v.shape for v in d.x_train] == [(7, 3), (7, 1)]
    assert [v.shape for v in d.x_val] == [(3, 3), (3, 1)]
    for part, labels in ((d.x_train, d.y_train), (d.x_val, d.y_val)):
        assert (part[0][:, 0] // 3 == labels).all()
        assert (part[1][:, 0] // 100 == labels).all()


def test_tuple_of_inputs_counts_as_multi_input():
    a, b = np.zeros((10, 3)), np.zeros((10, 1))
    assert n_samples((a, b), "x") == 10
    d = prepare_data((a, b), np.zeros(10), seed=0)
    assert [v.shape for v in d.x_train] == [(7, 3), (7, 1)]


def test_pandas_inputs_stay_pandas_with_their_index():
    x = pd.DataFrame({"a": range(10), "s": list("abcdefghij")}, index=range(100, 110))
    y = pd.Series(range(10), index=x.index)
    d = prepare_data(x, y, val_split=0.3, seed=0)
    assert isinstance(d.x_train, pd.DataFrame) and isinstance(d.y_val, pd.Series)
    assert d.x_train.index.equals(d.y_train.index)
    assert sorted([*d.x_train.index, *d.x_val.index]) == list(range(100, 110))
    assert (d.x_train["a"] + 100 == d.x_train.index).all()


def test_plain_lists_become_arrays():
    d = prepare_data(list(range(10)), list(range(10)), val_split=0.3, seed=0)
    assert isinstance(d.x_train, np.ndarray) and (d.x_train == d.y_train).all()


# --------------------------------------------------------------------------------------------
# errors: name, rule, value, fix
# --------------------------------------------------------------------------------------------

A10, A9 = np.zeros(10), np.zeros(9)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        (
            dict(x=A10, y=A9),
            r"^x and y must have the same number of samples, got len\(x\)=10 and len\(y\)=9\. "
            r"Check that the labels belong to these inputs\.$",
        ),
        (
            dict(x=A10, y=A10, x_val=A9),
            r"^x_val was given without y_val: pass both for a fixed validation set, or neither "
            r"to split x, y with val_split\.$",
        ),
        (dict(x=A10, y=A10, y_val=A9), r"^y_val was given without x_val: pass both"),
        (
            dict(x=A10, y=A10, x_val=A9, y_val=np.zeros(8)),
            r"^x_val and y_val must have the same number of samples, got len\(x_val\)=9 and "
            r"len\(y_val\)=8\. Fix: check that the validation labels belong to these inputs\.$",
        ),
        (
            dict(x=5, y=A10),
            r"^x must be an array-like with one row per sample \(NumPy array, pandas object, "
            r"or a list of arrays\), got int\. Fix: pass e\.g\. x=np\.asarray\(\.\.\.\) with one "
            r"row per sample\.$",
        ),
        (dict(x=A10, y=None), r"^y must be an array-like .* got NoneType\. Fix: pass e\.g\. y="),
        (dict(x=A10, y=A10, x_val=A9, y_val=3.0), r"^y_val must be an array-like .* got float"),
        (
            dict(x=[np.zeros((10, 2)), np.zeros((9, 1))], y=A10),
            r"^x is a list of inputs with different lengths \[9, 10\]; every input of a "
            r"multi-input model needs one row per sample\. Fix: check that every input array of x "
            r"covers the same samples \(same len\)\.$",
        ),
        (
            dict(x=A10, y=A10, val_split=0.1 + 0.9),
            r"^val_split must be a fraction strictly between 0 and 1 \(the share of x held out "
            r"for validation\), got 1\.0\. Use e\.g\. val_split=0\.3, or pass x_val, y_val\.$",
        ),
        (
            dict(x=np.zeros(3), y=np.zeros(3), val_split=0.1),
            r"^val_split=0\.1 of 3 samples leaves 3 for training and 0 for validation; both "
            r"need at least one sample\. Use more data or another val_split\.$",
        ),
        (
            dict(x=np.zeros(3), y=np.zeros(3), val_split=0.9),
            r"^val_split=0\.9 of 3 samples leaves 0 for training and 3 for validation",
        ),
        (dict(x=[], y=[]), r"^val_split=0\.3 of 0 samples leaves 0 for training and 0"),
    ],
)
def test_bad_data_is_refused_with_name_rule_value_and_fix(kwargs, match):
    with pytest.raises(ScanArgumentError, match=match):
        prepare_data(**kwargs)


@pytest.mark.parametrize("val_split", [0, 1, -0.1, 1.5, True, False, "0.3", None, [0.3]])
def test_val_split_must_be_a_fraction(val_split):
    with pytest.raises(
        ScanArgumentError,
        match=rf"^val_split must be a fraction strictly between 0 and 1 .* got "
        rf"{re.escape(repr(val_split))}\.",
    ):
        prepare_data(A10, A10, val_split=val_split)


def test_val_split_is_not_checked_when_a_validation_set_is_given():
    assert prepare_data(A10, A10, x_val=A9, y_val=A9, val_split=None).x_val is A9


def test_data_errors_are_value_errors():
    with pytest.raises(ValueError):
        prepare_data(A10, A9)


# --------------------------------------------------------------------------------------------
# fingerprint
# --------------------------------------------------------------------------------------------


def data(x, y=None):
    y = np.zeros(len(x)) if y is None else y
    return TrialData(x, y, x[:2], y[:2])


def test_fingerprint_is_short_hex_and_stable():
    x = np.arange(12.0).reshape(6, 2)
    first = fingerprint_data(data(x))
    assert re.fullmatch(r"[0-9a-f]{16}", first)
    assert fingerprint_data(data(x.copy())) == first
    assert fingerprint_data(data(np.asfortranarray(x))) == first  # layout does not matter
    split = prepare_data(x, np.zeros(6), seed=3)
    assert fingerprint_data(split) == fingerprint_data(prepare_data(x, np.zeros(6), seed=3))


def test_fingerprint_changes_with_values_shape_dtype_order_and_split():
    x = np.arange(12.0).reshape(6, 2)
    base = fingerprint_data(data(x))
    changed = x.copy()
    changed[3, 1] = -1
    variants = [
        data(changed),
        data(x.reshape(4, 3)),  # the same bytes, another shape
        data(x.astype("float32")),
        data(x[::-1]),
        TrialData(x, np.zeros(6), x[:3], np.zeros(3)),
        data(x, np.ones(6)),
    ]
    fingerprints = [fingerprint_data(v) for v in variants]
    assert base not in fingerprints and len(set(fingerprints)) == len(fingerprints)
    a = prepare_data(x, np.zeros(6), seed=3)
    b = prepare_data(x, np.zeros(6), seed=4)
    assert fingerprint_data(a) != fingerprint_data(b)


def test_fingerprint_of_lists_and_pandas():
    a, b = np.arange(20.0).reshape(10, 2), np.arange(10.0).reshape(10, 1)
    multi = prepare_data([a, b], np.zeros(10), seed=0)
    b2 = b.copy()
    b2[9] = -1
    assert fingerprint_data(multi) != fingerprint_data(prepare_data([a, b2], np.zeros(10), seed=0))
    frame = pd.DataFrame({"a": np.arange(10.0), "s": list("abcdefghij")})
    other = frame.assign(s=list("abcdefghiz"))
    y = pd.Series(np.zeros(10))
    assert fingerprint_data(prepare_data(frame, y, seed=0)) == fingerprint_data(
        prepare_data(frame.copy(), y, seed=0)
    )
    assert fingerprint_data(prepare_data(frame, y, seed=0)) != fingerprint_data(
        prepare_data(other, y, seed=0)
    )


def test_fingerprint_sees_a_change_in_the_middle_of_a_long_string_column():
    frame = pd.DataFrame({"a": np.arange(3000.0), "s": [f"v{i}" for i in range(3000)]})
    other = frame.copy()
    other.loc[1500, "a"] = -1.0
    y = np.zeros(3000)
    assert fingerprint_data(TrialData(frame, y, frame, y)) != fingerprint_data(
        TrialData(other, y, frame, y)
    )


def test_fingerprint_of_a_tuple_of_inputs_with_a_given_validation_set():
    a, b = np.zeros((10, 3)), np.zeros((10, 1))
    d = prepare_data((a, b), np.zeros(10), x_val=(a[:4], b[:4]), y_val=np.zeros(4))
    assert re.fullmatch(r"[0-9a-f]{16}", fingerprint_data(d))


def test_balanced_class_weight_reads_one_hot_rows_as_their_class():
    from scanlab._fit_settings import balanced_class_weight

    labels = np.array([0, 0, 0, 1, 2, 2])
    assert balanced_class_weight(np.eye(3)[labels]) == balanced_class_weight(labels)
    assert balanced_class_weight(labels) == pytest.approx({0: 2 / 3, 1: 2.0, 2: 1.0})
