"""scanlab.analysis.heldout: the validation-versus-test gap table of heldout.csv rows."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from _validation import heldout_rows

from scanlab.analysis import heldout_gaps, heldout_metrics
from scanlab.errors import AnalysisError


def test_one_row_per_run_by_rank_with_the_columns_in_order():
    out = heldout_gaps(heldout_rows())
    assert out["run_id"].tolist() == ["r01", "r00", "r02"]
    assert out.columns.tolist() == [
        "rank", "run_id", "round", "lr", "units",
        "val_accuracy", "test_accuracy", "gap_accuracy", "refit", "status",
    ]  # fmt: skip
    assert out.attrs["metrics"] == ["accuracy"]
    assert out.attrs["mean_gap"]["accuracy"] == pytest.approx(np.mean([0.07, 0.035, 0.01]))


def test_the_latest_evaluation_of_a_run_wins():
    rows = heldout_rows()
    again = rows.iloc[[1]].assign(
        test_accuracy=0.9, gap_accuracy=0.005, evaluated_at="2026-01-03T00:00:00+00:00"
    )
    older = rows.iloc[[2]].assign(test_accuracy=0.1, evaluated_at="2025-01-01T00:00:00+00:00")
    out = heldout_gaps(pd.concat([rows, again, older], ignore_index=True))
    assert out["run_id"].tolist() == ["r01", "r00", "r02"]
    assert out["test_accuracy"].tolist() == [0.84, 0.9, 0.85]
    # without stamps the last row in file order wins
    out = heldout_gaps(pd.concat([rows, again], ignore_index=True).drop(columns="evaluated_at"))
    assert out["test_accuracy"].tolist() == [0.84, 0.9, 0.85]


def test_the_note_says_when_the_search_winner_is_not_the_test_winner():
    out = heldout_gaps(heldout_rows())
    assert out.attrs["search_winner"] == "r01" and out.attrs["test_winner"] == "r00"
    assert out.attrs["note"] == (
        "Mean gap of accuracy (validation − test) over 3 configurations: 0.0383 (validation "
        "was optimistic). The search winner r01 (rank 1) is not the best on test: r00 (rank 2) "
        "has test_accuracy 0.87 against 0.84."
    )
    same = heldout_gaps(
        heldout_rows(ids=("r00", "r01", "r02")).assign(test_accuracy=[0.9, 0.8, 0.7])
    )
    assert same.attrs["note"].endswith("The search winner r00 is also the best on test.")


def test_a_loss_is_optimistic_when_its_gap_is_negative_and_its_winner_is_the_lowest():
    rows = pd.DataFrame(
        {"rank": [1, 2], "run_id": ["a", "b"], "val_loss": [0.2, 0.25], "test_loss": [0.4, 0.3]}
    )
    out = heldout_gaps(rows)
    assert out["gap_loss"].tolist() == pytest.approx([-0.2, -0.05])  # computed when missing
    assert out.attrs["test_winner"] == "b"
    assert "(validation was optimistic)" in out.attrs["note"]


def test_every_metric_gets_its_triple_and_failed_rows_are_shown_but_not_averaged():
    rows = heldout_rows().assign(
        val_recall_macro=[0.8, 0.7, 0.6], test_recall_macro=[0.7, 0.7, 0.7]
    )
    rows.loc[2, ["test_accuracy", "gap_accuracy", "test_recall_macro"]] = np.nan
    rows.loc[2, "status"] = "failed"
    out = heldout_gaps(rows.drop(columns="gap_accuracy"))
    assert heldout_metrics(out) == ["accuracy", "recall_macro"]
    assert "gap_recall_macro" in out.columns and len(out) == 3
    assert out.attrs["mean_gap"]["accuracy"] == pytest.approx(np.mean([0.07, 0.035]))
    assert out.attrs["mean_gap"]["recall_macro"] == pytest.approx(0.05)


def test_no_test_value_says_so():
    rows = heldout_rows().assign(test_accuracy=np.nan, gap_accuracy=np.nan)
    out = heldout_gaps(rows)
    assert out.attrs["note"] == "No configuration has both a validation and a test accuracy."
    assert out.attrs["test_winner"] is None


@pytest.mark.parametrize(
    ("frame", "match"),
    [
        ([1, 2], r"frame must be the DataFrame of heldout.csv, got 'list'.*scanlab.evaluate"),
        (pd.DataFrame({"val_accuracy": [0.9]}), r"frame must have val_<metric> and test_<metric>"),
    ],
)
def test_bad_frames_are_refused_with_the_fix(frame, match):
    with pytest.raises(AnalysisError, match=match):
        heldout_gaps(frame)


def test_the_note_compares_winners_by_the_metric_asked_for():
    rows = heldout_rows().assign(val_loss=[0.2, 0.3, 0.4], test_loss=[0.25, 0.35, 0.45])
    assert heldout_gaps(rows).attrs["metric"] == "accuracy"
    by_loss = heldout_gaps(rows, "mean_val_loss")
    assert by_loss.attrs["metric"] == "loss" and by_loss.attrs["test_winner"] == "r01"
    assert by_loss.attrs["note"].startswith("Mean gap of loss (validation − test) over 3")
    assert heldout_gaps(rows, "val_auc").attrs["metric"] == "accuracy"  # not evaluated
