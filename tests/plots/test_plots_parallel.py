"""scanlab.plots.parallel: parallel coordinates."""

from __future__ import annotations

from _drawing import render, texts

from scanlab import analysis as an
from scanlab import plots


def test_parallel_coordinates_plot(data):
    params = ["activation", "dropout", "lr", "shuffle", "units"]
    info = an.parallel_coordinates(data, "val_loss", params)
    ax = plots.plot_parallel(info)
    render(ax)
    assert "relu" in texts(ax)
