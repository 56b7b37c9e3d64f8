"""scanlab.plots.budgets: every budgeted run's metric against epochs, the top runs strong."""

from __future__ import annotations

import pytest
from _budgeted import halving_rows, hyperband_rows, write_budgeted_round
from _drawing import render, texts
from matplotlib.collections import LineCollection

from scanlab import analysis as an
from scanlab import plots
from scanlab.analyze import Analyze
from scanlab.errors import AnalysisError


def _strong_lines(ax):
    return [line for line in ax.get_lines() if line.get_linewidth() >= 1.5]


def test_top_runs_strong_the_others_faint(tmp_path):
    write_budgeted_round(tmp_path / "round-001")
    a = Analyze(tmp_path)
    ax = a.plot_budgets()
    render(ax)
    # a and f reached 9 epochs: two strong curves plus the best one (a) drawn over in red
    assert len(_strong_lines(ax)) == 3
    assert [line.get_label() for line in ax.get_lines() if line.get_color() == "C3"] == ["best a"]
    (faint,) = [c for c in ax.collections if isinstance(c, LineCollection)]
    assert len(faint.get_segments()) == 4  # b, c, e, g (d failed)
    assert "6 runs, 2 reached 9 epochs" in texts(ax)
    assert ax.get_xlabel() == "epochs trained"


def test_rows_without_histories_and_a_sample_of_faint_runs():
    info = an.budget_curves(hyperband_rows(), None, "val_loss")
    ax = plots.plot_budgets(info, max_curves=2, seed=1)
    render(ax)
    (faint,) = [c for c in ax.collections if isinstance(c, LineCollection)]
    assert len(faint.get_segments()) == 2
    assert "random sample of 2 of 4 runs drawn (seed 1)" in texts(ax)


def test_nothing_to_draw_and_plain_results():
    info = an.budget_curves(halving_rows().iloc[:0], None, "val_loss")
    assert "no ok run with a value of val_loss" in texts(plots.plot_budgets(info))
    plain = halving_rows().drop(columns=["rung", "budget", "initial_epoch"])
    with pytest.raises(AnalysisError, match=r"DataFrame is not budgeted .* it has no rungs"):
        Analyze(plain).plot_budgets()
