"""scanlab.plots.folds: mean ± std per configuration, a mark per fold, the winner's band."""

from __future__ import annotations

import pytest
from _drawing import render, texts
from _validation import cv_runs

from scanlab import analysis as an
from scanlab import plots


def test_draws_one_row_per_configuration_with_its_folds():
    summary = an.fold_summary(cv_runs(), "val_accuracy", n=5)
    ax = plots.plot_folds(summary)
    render(ax)
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == [f"#{r} {i}" for r, i in zip(summary.index, summary["run_id"], strict=True)]
    assert "mean_val_accuracy over 5 folds: mean ± std" in texts(ax)
    # the winner's band is its mean ± std
    (band,) = ax.patches
    winner = summary.iloc[0]
    assert band.get_x() == pytest.approx(winner["mean"] - winner["std"])
    assert band.get_x() + band.get_width() == pytest.approx(winner["mean"] + winner["std"])
    # fold marks: one scatter per fold, each with one point per configuration
    ticks = [c for c in ax.collections if c.get_offsets().shape[0] == len(summary)]
    assert len(ticks) >= 5


def test_an_empty_summary_says_so():
    summary = an.fold_summary(cv_runs(), "val_accuracy").iloc[:0]
    assert "no cross-validated configuration" in texts(plots.plot_folds(summary))
