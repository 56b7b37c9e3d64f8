"""scanlab.analysis.classes: per-class scores, the confusion matrix and the most confused
pairs, checked against scikit-learn on the same predictions."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn import metrics

from scanlab.analysis import best_scored_run, class_report
from scanlab.errors import AnalysisError

Y_TRUE = np.array([0] * 10 + [1] * 10 + [2] * 10)
Y_PRED = np.array([0] * 8 + [1] * 2 + [0] + [1] * 5 + [2] * 4 + [2] * 10)
MATRIX = metrics.confusion_matrix(Y_TRUE, Y_PRED).tolist()  # [[8, 2, 0], [1, 5, 4], [0, 0, 10]]


def test_per_class_scores_from_the_matrix_match_scikit_learn():
    report = class_report({"labels": [0, 1, 2], "confusion_matrix": MATRIX})
    p, r, f, s = metrics.precision_recall_fscore_support(Y_TRUE, Y_PRED, zero_division=0)
    np.testing.assert_allclose(report.table["precision"], p)
    np.testing.assert_allclose(report.table["recall"], r)
    np.testing.assert_allclose(report.table["f1"], f)
    assert report.table["support"].tolist() == s.tolist()
    assert report.table["predicted"].tolist() == [9, 7, 14]
    assert report.table["errors"].tolist() == [2, 5, 0]


def test_recorded_scores_are_used_as_they_are():
    details = {"labels": [0, 1, 2], "confusion_matrix": MATRIX, "recall": [0.1, 0.2, 0.3]}
    assert class_report(details).table["recall"].tolist() == [0.1, 0.2, 0.3]


def test_the_confusion_matrix_and_its_rates_are_labelled_frames():
    report = class_report({"labels": [3, 5, 7], "confusion_matrix": MATRIX})
    assert report.confusion.index.tolist() == ["3", "5", "7"]
    assert report.confusion.index.name == "true" and report.confusion.columns.name == "predicted"
    assert report.confusion.loc["5", "7"] == 4
    np.testing.assert_allclose(report.rates.sum(axis=1), 1.0)
    assert report.rates.loc["5", "7"] == pytest.approx(0.4)


def test_the_most_confused_pairs_come_first():
    report = class_report({"confusion_matrix": MATRIX}, names=["cat", "dog", "fox"], top=2)
    assert report.confused.to_dict("records") == [
        {"true": "dog", "predicted": "fox", "count": 4, "rate": 0.4},
        {"true": "cat", "predicted": "dog", "count": 2, "rate": 0.2},
    ]
    assert report.note == (
        "Accuracy 0.767 over 30 samples. Lowest recall: dog (0.5). "
        "Most confused: dog predicted as fox (4 of 10)."
    )


def test_names_by_label_and_a_perfect_classifier():
    report = class_report({"labels": [0, 1], "confusion_matrix": [[3, 0], [0, 2]]}, {1: "yes"})
    assert report.table["class"].tolist() == ["0", "yes"]
    assert len(report.confused) == 0 and report.note.endswith("No sample was misclassified.")


def test_a_class_never_seen_or_never_predicted_scores_zero_not_nan():
    report = class_report({"confusion_matrix": [[4, 0], [0, 0]]})
    assert report.table["recall"].tolist() == [1.0, 0.0]
    assert report.table["precision"].tolist() == [1.0, 0.0]
    assert report.rates.loc["1"].tolist() == [0.0, 0.0]


@pytest.mark.parametrize(
    ("details", "names", "match"),
    [
        ([[1, 0], [0, 1]], None, r"details must hold a confusion_matrix, got 'list'"),
        ({"confusion_matrix": [[1, 0]]}, None, r"details must hold a square confusion_matrix"),
        (
            {"labels": [0, 1, 2], "confusion_matrix": [[1, 0], [0, 1]]},
            None,
            r"one row per label \(3\)",
        ),
        ({"confusion_matrix": [["a", "b"], ["c", "d"]]}, None, r"square confusion_matrix"),
        ({"confusion_matrix": [[1, 0], [0, 1]]}, ["cat"], r"names must be a list of 2 class names"),
        ({"confusion_matrix": [[1, 0], [0, 1]]}, "cd", r"names must be a list of 2 class names"),
    ],
)
def test_bad_details_or_names_are_refused_with_the_fix(details, names, match):
    with pytest.raises(AnalysisError, match=match):
        class_report(details, names)


def test_top_must_be_a_count():
    with pytest.raises(AnalysisError, match=r"top must be an integer >= 0, got -1"):
        class_report({"confusion_matrix": MATRIX}, top=-1)


def test_best_scored_run_skips_runs_without_scores():
    df = pd.DataFrame(
        {
            "run_id": list("abcd"),
            "status": ["ok", "ok", "ok", "failed"],
            "val_loss": [0.3, 0.1, 0.2, 0.0],
        }
    )
    assert best_scored_run(df, "val_loss", None, {"a", "c", "d"}) == ("c", "b")
    assert best_scored_run(df, "val_loss", None, {"b"}) == ("b", "b")
    assert best_scored_run(df, "val_loss", None, set()) == (None, "b")
    assert best_scored_run(df.drop(columns="run_id"), "val_loss", None, {"a"}) == (None, None)
