"""scanlab.plots.classes: the confusion matrix heatmap, by shares or by counts."""

from __future__ import annotations

import pytest
from _drawing import render, texts

from scanlab import analysis as an
from scanlab import plots

MATRIX = [[8, 2, 0], [1, 5, 4], [0, 0, 10]]


def test_rows_are_true_classes_and_cells_show_count_and_share():
    report = an.class_report({"confusion_matrix": MATRIX}, names=["cat", "dog", "fox"])
    ax = plots.plot_confusion(report)
    render(ax)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["cat", "dog", "fox"]
    assert ax.get_ylabel() == "true class" and ax.get_xlabel() == "predicted class"
    assert "4\n40%" in texts(ax) and "share of the true class" in texts(ax)
    mesh = ax.collections[0]
    assert mesh.get_array().max() == pytest.approx(1.0)  # coloured by row shares


def test_counts_when_not_normalized():
    ax = plots.plot_confusion(an.class_report({"confusion_matrix": MATRIX}), normalize=False)
    assert ax.collections[0].get_array().max() == 10
    assert "40%" not in texts(ax) and "count" in texts(ax)


def test_many_classes_are_drawn_without_cell_text():
    big = [[10 if i == j else 1 for j in range(30)] for i in range(30)]
    ax = plots.plot_confusion(an.class_report({"confusion_matrix": big}))
    render(ax)
    assert "10\n" not in texts(ax)
