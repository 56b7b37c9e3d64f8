"""scanlab.analysis.regression: the fitted line, its outliers, train/validation pairs."""

from __future__ import annotations

import math

import numpy as np
import pytest
from _fakes import runs
from scipy import stats

from scanlab import analysis as an


def test_regression_exact_line():
    df = runs(loss=[1.0, 2.0, 3.0, 4.0], val_loss=[3.0, 5.0, 7.0, 9.0])
    r = an.regression(df)
    assert (r.slope, r.intercept, r.r2, r.n) == (
        pytest.approx(2.0),
        pytest.approx(1.0),
        pytest.approx(1.0),
        4,
    )
    assert len(r.outliers) == 0


def test_regression_flags_overfitting_runs():
    x = np.linspace(0.1, 1.0, 40)
    y = 1.1 * x + 0.05 + np.tile([0.01, -0.01], 20)
    y[7] += 0.5  # validation far worse than training: over-fitting
    y[12] -= 0.5  # far better: off the line but not over-fitting
    df = runs(loss=x, val_loss=y)
    r = an.regression(df, "loss", "val_loss")
    fit = stats.linregress(x, y)
    assert r.slope == pytest.approx(fit.slope) and r.r2 == pytest.approx(fit.rvalue**2)
    assert sorted(r.outliers["run_id"]) == ["h", "m"]
    assert r.outliers.set_index("run_id")["overfit"].to_dict() == {"h": True, "m": False}
    acc = an.regression(runs(accuracy=x, val_accuracy=-y), "accuracy", "val_accuracy")
    assert acc.outliers.set_index("run_id")["overfit"].to_dict() == {"h": True, "m": False}


def test_regression_degenerate_inputs():
    r = an.regression(runs(loss=[1.0, 1.0, 1.0], val_loss=[1.0, 2.0, 3.0]))
    assert math.isnan(r.slope) and len(r.outliers) == 0
    assert an.regression(runs(loss=[1.0, 2.0], val_loss=[1.0, 2.0])).n == 2


def test_train_val_pairs_and_regressions():
    metrics = ["accuracy", "auc", "loss", "val_accuracy", "val_auc", "val_loss"]
    assert an.train_val_pairs(metrics) == [
        ("loss", "val_loss"),
        ("accuracy", "val_accuracy"),
        ("auc", "val_auc"),
    ]
    df = runs(**{m: [1.0, 2.0, 3.0] for m in metrics})
    assert [r.y for r in an.train_val_regressions(df, metrics)] == ["val_loss", "val_accuracy"]
