"""scanlab.analysis.histories: learning entropy and learning curves on literal histories."""

from __future__ import annotations

import math

import pytest
from _fakes import runs
from scipy import stats

from scanlab import analysis as an


def test_learning_entropy_hand_computed():
    histories = {
        "a": {"loss": [2.0, 1.0], "val_loss": [4.0, 2.0]},  # same shape: KL 0
        "b": {
            "loss": [1.0, 1.0],
            "val_loss": [3.0, 1.0],  # p=(.75,.25) q=(.5,.5)
            "accuracy": [0.5, 0.5],
            "val_accuracy": [0.5, 0.5],
        },
        "c": {"loss": [1.0, 1.0, 1.0], "val_loss": [1.0, 1.0]},  # lengths differ
        "d": {"loss": [0.0, 1.0], "val_loss": [1.0, 1.0]},  # train 0, val > 0: inf
        "e": {"loss": [1.0, -1.0], "val_loss": [1.0, 1.0]},  # negative
    }
    results = runs(loss=[1.0] * 5)
    results["round"] = [1, 1, 2, 2, 2]
    out = an.learning_entropy(histories, results)
    assert out.columns.tolist() == ["run_id", "round", "key", "kl", "epochs"]
    kl = out.set_index(["run_id", "key"])["kl"]
    expected_b = 0.75 * math.log(1.5) + 0.25 * math.log(0.5)
    assert kl["a", "loss"] == pytest.approx(0.0)
    assert kl["b", "loss"] == pytest.approx(expected_b)
    assert kl["b", "loss"] == pytest.approx(stats.entropy([3, 1], [1, 1]))
    assert kl["b", "accuracy"] == pytest.approx(0.0)
    assert math.isnan(kl["c", "loss"]) and math.isnan(kl["d", "loss"])
    assert math.isnan(kl["e", "loss"])
    summary = an.entropy_summary(out)
    loss1 = summary[(summary["round"] == 1) & (summary["key"] == "loss")].iloc[0]
    assert loss1["count"] == 2 and loss1["mean"] == pytest.approx(expected_b / 2)
    assert summary[(summary["round"] == 2)]["count"].tolist() == [0]


def test_learning_curves_long_format():
    h = {
        "a": {
            "loss": [2.0, 1.0],
            "val_loss": [2.5, 1.5],
            "accuracy": [0.5, 0.6],
            "val_accuracy": [0.4, 0.5],
            "lr": [0.1, 0.1],
        }
    }
    out = an.learning_curves(h, ["a", "missing"])
    # loss and the accuracy-like keys with a val_ twin, in history order; lr has no val_lr
    assert out["key"].unique().tolist() == ["loss", "accuracy"]
    assert len(out) == 8
    assert out[(out["key"] == "loss") & (out["split"] == "val")]["value"].tolist() == [2.5, 1.5]
