"""scanlab.plots.heldout: validation and test score per configuration, in rank order."""

from __future__ import annotations

import pytest
from _drawing import render, texts
from _validation import heldout_rows

from scanlab import analysis as an
from scanlab import plots
from scanlab.errors import AnalysisError


def test_validation_and_test_per_configuration_in_rank_order():
    gaps = an.heldout_gaps(heldout_rows())
    ax = plots.plot_heldout(gaps)
    render(ax)
    assert [t.get_text() for t in ax.get_xticklabels()] == ["#1\nr01", "#2\nr00", "#3\nr02"]
    val, test = (c.get_offsets()[:, 1].tolist() for c in ax.collections[1:3])
    assert val == pytest.approx([0.91, 0.905, 0.86]) and test == pytest.approx([0.84, 0.87, 0.85])
    assert "accuracy: validation vs test" in texts(ax)


def test_another_metric_and_a_metric_it_does_not_have():
    rows = heldout_rows().assign(val_f1=[0.8, 0.7, 0.6], test_f1=[0.7, 0.7, 0.7])
    gaps = an.heldout_gaps(rows)
    assert plots.plot_heldout(gaps, "f1").get_ylabel() == "f1"
    with pytest.raises(
        AnalysisError,
        match=r"metric must be a metric with val_ and test_ .*got 'auc'.*one of \['accuracy', 'f1'\]",
    ):
        plots.plot_heldout(gaps, "auc")
