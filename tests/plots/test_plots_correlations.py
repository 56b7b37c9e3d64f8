"""scanlab.plots.correlations: parameter bars and the correlation heatmap."""

from __future__ import annotations

from _drawing import render, texts

from scanlab import analysis as an
from scanlab import plots


def test_correlation_plots(data):
    params = ["activation", "dropout", "epochs", "lr", "shuffle", "units"]
    corr = an.correlations(data, "val_accuracy", [*params, "status"])
    ax = plots.plot_correlations(corr)
    render(ax)
    assert "activation (categorical)" in texts(ax) and "status (constant)" in texts(ax)
    render(plots.plot_corr_matrix(an.corr_matrix(data, params, ["val_accuracy", "loss"])))
