"""scanlab._schema: the results columns, their order, and which are parameters or metrics."""

from __future__ import annotations

import pandas as pd
import pytest

from scanlab._schema import (
    HEAD_COLUMNS,
    NUMERIC_RESERVED_COLUMNS,
    RESERVED_COLUMNS,
    TAIL_COLUMNS,
    TALOS_DROPPED_COLUMNS,
    TALOS_IGNORED_COLUMNS,
    TALOS_RENAMED_COLUMNS,
    check_results,
    is_numeric,
    is_reserved,
    order_columns,
)
from scanlab.errors import ResultsFormatError


def test_the_header_order_never_depends_on_dict_order():
    assert order_columns(["units", "lr"], ["val_loss", "loss"]) == [
        *HEAD_COLUMNS,
        "lr",
        "units",
        "loss",
        "val_loss",
        *TAIL_COLUMNS,
    ]


def test_reserved_names_cover_scanlab_and_talos_bookkeeping():
    assert set(HEAD_COLUMNS) | set(TAIL_COLUMNS) == RESERVED_COLUMNS
    assert set(NUMERIC_RESERVED_COLUMNS) <= RESERVED_COLUMNS
    assert set(TALOS_RENAMED_COLUMNS) | set(TALOS_DROPPED_COLUMNS) <= set(TALOS_IGNORED_COLUMNS)
    assert all(is_reserved(c) for c in [*RESERVED_COLUMNS, *TALOS_IGNORED_COLUMNS, "Unnamed: 0"])
    assert not is_reserved("lr") and not is_reserved("val_loss")


@pytest.mark.parametrize(
    ("values", "numeric"),
    [([1.0, 2.0], True), ([1, 2], True), ([True, False], False), (["a", "b"], False)],
)
def test_booleans_are_not_numeric_columns(values, numeric):
    assert is_numeric(pd.Series(values)) is numeric


def test_a_table_without_the_head_columns_is_refused_with_the_columns_it_has():
    with pytest.raises(
        ResultsFormatError,
        match=r"^x.csv is not a scanlab results file: missing columns 'run_id', 'round', "
        r"'status' \(found: lr, loss\)",
    ):
        check_results(pd.DataFrame({"lr": [0.1], "loss": [0.2]}), "x.csv")
