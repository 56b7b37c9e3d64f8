"""TextData: sorted classes, labels that index them, counts, subsets."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from scanlab.datasets import TextData
from scanlab.datasets._text_data import text_data_from_names


def test_classes_are_sorted_and_labels_index_them():
    data = text_data_from_names(["a", "b", "c", "d"], ["pos", "neg", "pos", "mid"])
    assert data.classes == ("mid", "neg", "pos")
    assert data.labels.dtype == np.int64
    assert data.labels.tolist() == [2, 1, 2, 0]
    assert [data.classes[i] for i in data.labels] == ["pos", "neg", "pos", "mid"]
    assert data.texts.dtype == object
    assert data.texts.shape == (4,)


def test_a_shared_class_list_keeps_indices_and_counts_absent_classes():
    data = text_data_from_names(["x"], ["joy"], classes=["sadness", "joy", "fear"])
    assert data.classes == ("fear", "joy", "sadness")
    assert data.labels.tolist() == [1]
    pd.testing.assert_series_equal(
        data.counts(),
        pd.Series([0, 1, 0], index=pd.Index(data.classes, name="class"), name="count"),
    )


def test_a_name_outside_the_class_list_is_refused():
    with pytest.raises(ValueError, match=r"class names \['joy'\] are not in classes \['fear'\]"):
        text_data_from_names(["x"], ["joy"], classes=["fear"])


def test_texts_and_names_must_be_as_long():
    with pytest.raises(ValueError, match="2 texts but 1 class names"):
        text_data_from_names(["a", "b"], ["x"])


def test_subset_by_positions_mask_and_empty_list():
    data = text_data_from_names(["a", "b", "c"], ["x", "y", "x"])
    by_position = data.subset([2, 0])
    assert by_position.texts.tolist() == ["c", "a"]
    assert by_position.labels.tolist() == [0, 0]
    assert by_position.classes == ("x", "y")
    assert data.subset(data.labels == 1).texts.tolist() == ["b"]
    empty = data.subset([])
    assert len(empty.texts) == 0
    assert empty.counts().tolist() == [0, 0]


def test_subset_returns_new_arrays():
    data = text_data_from_names(["a", "b"], ["x", "y"])
    part = data.subset([0, 1])
    part.labels[0] = 1
    assert data.labels.tolist() == [0, 1]


def test_it_is_a_named_tuple_that_unpacks():
    texts, labels, classes = text_data_from_names(["a"], ["x"])
    assert isinstance(text_data_from_names(["a"], ["x"]), TextData)
    assert (texts.tolist(), labels.tolist(), classes) == (["a"], [0], ("x",))
