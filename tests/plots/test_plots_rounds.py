"""scanlab.plots.rounds: the metric per round and the rounds compared."""

from __future__ import annotations

import io

from _drawing import make_runs, render
from matplotlib.figure import Figure

from scanlab import analysis as an
from scanlab import plots
from scanlab.analyze import Analyze


def test_plot_rounds(data):
    ax = plots.plot_rounds(data, "val_loss")
    render(ax)
    assert [t.get_text() for t in ax.get_xticklabels()] == ["1", "2"]


def test_plot_round_comparison():
    data = make_runs()
    comparison = an.round_comparison(data, "val_accuracy")
    fig = plots.plot_round_comparison(data, comparison, "val_accuracy")
    assert isinstance(fig, Figure) and len(fig.axes) == 2
    left, right = fig.axes
    assert [t.get_text() for t in right.get_xticklabels()] == ["1", "2"]
    assert len(right.patches) == 4  # two bars per round
    assert any("threshold" in t.get_text() for t in left.get_legend().get_texts())
    fig.savefig(io.BytesIO(), format="png")
    fig = Analyze(data).plot_round_comparison()
    assert isinstance(fig, Figure)
