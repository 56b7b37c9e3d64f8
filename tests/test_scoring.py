"""scanlab.scoring: metrics from predictions, against scikit-learn on hand-built outputs."""

from __future__ import annotations

import math

import numpy as np
import pytest
from sklearn import metrics

from scanlab.errors import ContractError, ScanArgumentError, ScanArgumentTypeError
from scanlab.scoring import (
    SCORERS,
    check_scoring,
    read_predictions,
    score_predictions,
    warn_if_weighted_recall,
)

RNG = np.random.default_rng(0)
Y3 = np.array([0, 1, 2, 2, 1, 0, 2, 2, 1, 0, 2, 2])
SOFTMAX = RNG.dirichlet(np.ones(3), size=len(Y3))


def test_binary_sigmoid_outputs_score_as_scikit_learn_does():
    y = np.array([0, 1, 1, 0, 1, 0, 1, 1])
    p = np.array([0.2, 0.7, 0.4, 0.6, 0.9, 0.1, 0.55, 0.3])
    names = ("accuracy", "f1", "recall_macro", "roc_auc", "average_precision", "log_loss")
    scores, details = score_predictions(y, p.reshape(-1, 1), names)
    predicted = (p >= 0.5).astype(int)
    assert scores["accuracy"] == pytest.approx(metrics.accuracy_score(y, predicted))
    assert scores["f1"] == pytest.approx(metrics.f1_score(y, predicted))
    assert scores["recall_macro"] == pytest.approx(
        metrics.recall_score(y, predicted, average="macro")
    )
    assert scores["roc_auc"] == pytest.approx(metrics.roc_auc_score(y, p))
    assert scores["average_precision"] == pytest.approx(metrics.average_precision_score(y, p))
    assert scores["log_loss"] == pytest.approx(metrics.log_loss(y, p))
    assert details["confusion_matrix"] == metrics.confusion_matrix(y, predicted).tolist()
    assert details["support"] == [3, 5]


@pytest.mark.parametrize("labels", [Y3, np.eye(3)[Y3], Y3.astype(float).reshape(-1, 1)])
def test_softmax_outputs_with_integer_one_hot_or_float_labels(labels):
    names = ("f1_macro", "balanced_accuracy", "roc_auc_ovr", "precision_weighted")
    scores, details = score_predictions(labels, SOFTMAX, names)
    predicted = SOFTMAX.argmax(axis=1)
    assert scores["f1_macro"] == pytest.approx(metrics.f1_score(Y3, predicted, average="macro"))
    assert scores["balanced_accuracy"] == pytest.approx(
        metrics.balanced_accuracy_score(Y3, predicted)
    )
    assert scores["roc_auc_ovr"] == pytest.approx(
        metrics.roc_auc_score(Y3, SOFTMAX, multi_class="ovr")
    )
    assert scores["precision_weighted"] == pytest.approx(
        metrics.precision_score(Y3, predicted, average="weighted", zero_division=0)
    )
    assert len(details["recall"]) == 3


def test_a_class_never_predicted_scores_zero_for_it_not_an_error():
    always_zero = np.tile([0.9, 0.05, 0.05], (len(Y3), 1))
    scores, details = score_predictions(Y3, always_zero, ("recall_macro", "precision_macro"))
    assert scores["recall_macro"] == pytest.approx(1 / 3)
    assert details["recall"] == [1.0, 0.0, 0.0]
    assert details["precision"][1:] == [0.0, 0.0]


def test_roc_auc_with_one_class_present_is_nan():
    scores, _ = score_predictions(np.ones(4), np.full(4, 0.7), ("roc_auc", "accuracy"))
    assert math.isnan(scores["roc_auc"]) and scores["accuracy"] == 1.0


@pytest.mark.parametrize(
    ("y", "raw", "match"),
    [
        (np.zeros(4), np.zeros(5), "labels of shape \\(4,\\) and model output of shape \\(5,\\)"),
        (np.zeros(4), np.zeros((4, 2, 2)), "cannot read the predictions"),
        (np.array([0.5, 1.2, 3.3, 0.1]), np.zeros(4), "not whole numbers"),
        (np.array([0, 1, 2, 1]), np.full(4, 0.5), "more than two classes need a softmax"),
        (np.array([0, 1, 3, 1]), SOFTMAX[:4], "the labels reach 3"),
    ],
)
def test_shapes_that_are_not_a_classifier_are_a_clear_error(y, raw, match):
    with pytest.raises(ContractError, match=match):
        read_predictions(y, raw)


def test_binary_only_names_refuse_a_multiclass_output():
    with pytest.raises(ContractError, match=r"'f1' is binary-only .* use f1_macro"):
        score_predictions(Y3, SOFTMAX, ("f1",))


def test_check_scoring_names_the_known_scorers():
    assert check_scoring(None) == ()
    assert check_scoring(["f1_macro", "f1_macro", "roc_auc"]) == ("f1_macro", "roc_auc")
    with pytest.raises(ScanArgumentError, match=r"scoring must name .* got 'recal_macro'.*did"):
        check_scoring(["recal_macro"])
    with pytest.raises(ScanArgumentTypeError, match="scoring must be a scikit-learn scorer"):
        check_scoring(3)
    assert set(SCORERS) >= {"recall_macro", "balanced_accuracy", "roc_auc", "f1_weighted"}


def test_weighted_recall_as_the_objective_warns():
    with pytest.warns(UserWarning, match="weighted recall is accuracy"):
        warn_if_weighted_recall("val_recall_weighted")


def test_a_scan_scores_every_run_from_its_predictions(tmp_path):
    import json

    from _fakes import tiny_builder

    from scanlab import Scan

    x = np.random.default_rng(0).normal(size=(60, 3)).astype("float32")
    y = (x[:, 0] > 0.3).astype("float32")
    scan = Scan(
        x, y, {"lr": [0.05, 0.01], "units": [3], "epochs": [2], "batch_size": [16]},
        tiny_builder, "scored", results_dir=tmp_path, scoring=["recall_macro", "f1_macro"],
        metric="val_recall_macro", performance_target=["val_recall_macro", 1.01, False],
        seed=1, disable_progress_bar=True,
    )  # fmt: skip
    assert scan.tracked_metric == "val_recall_macro" and scan.minimize is False
    assert scan.data["val_recall_macro"].between(0, 1).all()
    record = json.loads((scan.round_path / "history.jsonl").read_text().splitlines()[0])
    assert sum(map(sum, record["scores"]["confusion_matrix"])) == 18  # the validation split
    assert set(record["scores"]) == {"labels", "confusion_matrix", "precision", "recall", "f1",
                                     "support"}  # fmt: skip


def test_scoring_without_a_model_to_predict_with_fails_the_run_clearly(tmp_path):
    from _fakes import fake_model

    from scanlab import Scan
    from scanlab.errors import TooManyFailuresError

    x, y = np.zeros((20, 2)), np.zeros(20)
    with pytest.raises(TooManyFailuresError, match="scoring needs the trained model"):
        Scan(x, y, {"lr": [0.1]}, fake_model, "nomodel", results_dir=tmp_path,
             scoring="f1_macro", disable_progress_bar=True)  # fmt: skip
