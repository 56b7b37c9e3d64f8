"""scanlab.plots.importance: importance bars, and the message when there is none."""

from __future__ import annotations

import numpy as np
from _drawing import render, texts

from scanlab import analysis as an
from scanlab import plots


def test_importance_plot(data):
    imp = an.param_importance(
        data, "val_accuracy", ["activation", "dropout", "lr"], top_quantile=0.3
    )
    render(plots.plot_importance(imp))
    nan = imp.assign(importance=np.nan)
    assert "not available" in texts(plots.plot_importance(nan))
