"""scanlab.plots.runs: the metric over runs, smoke-rendered to PNG."""

from __future__ import annotations

from _drawing import render, texts

from scanlab import plots


def test_plot_line_marks_failures_and_rounds(data):
    ax = plots.plot_line(data, "val_accuracy")
    render(ax)
    assert "failed (3)" in texts(ax) and "round 2" in texts(ax)
