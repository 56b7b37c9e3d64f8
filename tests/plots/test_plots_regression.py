"""scanlab.plots.regression: validation vs training with the fitted line."""

from __future__ import annotations

from _drawing import render

from scanlab import analysis as an
from scanlab import plots


def test_regression_plot(data):
    reg = an.regression(data, "loss", "val_loss", threshold=1.5)
    assert len(reg.outliers)
    render(plots.plot_regression(data, reg))
    render(plots.plot_regression(data, an.regression(data, "accuracy", "val_accuracy")))
