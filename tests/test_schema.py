"""scanlab._schema: the results columns, their order, and which are parameters or metrics."""

from __future__ import annotations

import pandas as pd
import pytest

from scanlab._schema import (
    BUDGET_COLUMNS,
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
    split_columns,
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
    assert set(HEAD_COLUMNS) | set(TAIL_COLUMNS) | set(BUDGET_COLUMNS) == RESERVED_COLUMNS
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


def test_rows_say_where_their_numbers_come_from_and_old_files_without_it_still_load(tmp_path):
    from scanlab import load_results
    from scanlab._schema import PREVIOUS_TAIL_COLUMNS

    assert TAIL_COLUMNS[3:5] == ("stopped_epoch", "metrics_from")
    assert PREVIOUS_TAIL_COLUMNS == (
        "epochs_run", "best_epoch", "best_value", "start", "end", "duration_s", "error"
    )  # fmt: skip
    assert is_reserved("stopped_epoch") and is_reserved("metrics_from")
    assert "stopped_epoch" in NUMERIC_RESERVED_COLUMNS
    old = tmp_path / "old" / "round-001"
    old.mkdir(parents=True)
    header = ",".join(["run_id", "round", "status", "lr", "loss", *PREVIOUS_TAIL_COLUMNS])
    (old / "results.csv").write_text(f"{header}\na,1,ok,0.1,0.5,2,2,0.5,t,t,1.0,\n")
    new = tmp_path / "new" / "round-001"
    new.mkdir(parents=True)
    header = ",".join(order_columns(["lr"], ["loss"]))
    (new / "results.csv").write_text(f"{header}\nb,1,ok,0.1,0.4,20,3,0.4,5,best_epoch,t,t,1.0,\n")
    rows = load_results(old.parent)
    assert rows["run_id"].tolist() == ["a"] and "stopped_epoch" not in rows
    rows = load_results(new.parent)
    assert rows["stopped_epoch"].tolist() == [5] and rows["metrics_from"].tolist() == ["best_epoch"]
    rows.attrs = {}  # read from the names: the new columns are neither params nor metrics
    assert split_columns(rows) == (("lr",), ("loss",))
