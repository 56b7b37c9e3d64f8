"""scanlab.plots.distributions: histograms, densities, bars and boxes with every parameter
type, smoke-rendered to PNG.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import pytest
from _drawing import render, texts
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from scanlab import analysis as an
from scanlab import plots


@pytest.mark.parametrize("by", [None, "activation", "units", "shuffle", "lr"])
def test_plot_hist_and_kde_with_every_parameter_type(data, by):
    render(plots.plot_hist(data, "val_accuracy", by=by))
    render(plots.plot_kde(data, "val_accuracy", by=by))


def test_plot_kde_bivariate_and_degenerate(data):
    render(plots.plot_kde(data, "loss", y="val_loss"))
    one = data.assign(val_loss=1.0)
    ax = plots.plot_kde(one, "val_loss")
    assert "not enough distinct values" in texts(ax)


@pytest.mark.parametrize("kind", ["bars", "box"])
def test_bars_and_box_with_x_hue_col(data, kind):
    draw = plots.plot_bars if kind == "bars" else plots.plot_box
    ax = draw(data, "epochs", "val_accuracy", hue="dropout")
    assert isinstance(ax, Axes)
    render(ax)
    fig = draw(data, "epochs", "val_accuracy", hue="dropout", col="lr")
    assert isinstance(fig, Figure)
    render(fig)
    assert "lr = 0.0001" in texts(fig)
    render(draw(data, "activation", "val_loss", hue="units", col="shuffle"))
    own = plt.subplots()[1]
    assert draw(data, "lr", "val_loss", ax=own) is own


def test_plot_errors_name_the_argument(data):
    with pytest.raises(
        an.AnalysisError,
        match=r"`hue` must be a column of the results, got 'nope'\. Fix: use one of: ",
    ):
        plots.plot_bars(data, "lr", "val_loss", hue="nope")
    with pytest.raises(an.AnalysisError, match="`ax` cannot be used with `col`"):
        plots.plot_box(data, "lr", "val_loss", col="dropout", ax=plt.subplots()[1])
