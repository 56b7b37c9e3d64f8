"""scanlab.plots._common: what every plot shares (sample notes, figures under Jupyter)."""

from __future__ import annotations

import matplotlib
import matplotlib.pyplot as plt
from _drawing import make_runs, texts

from scanlab import analysis as an
from scanlab import plots


def test_large_results_are_subsampled_and_say_so():
    big = make_runs(n=3000, failed=0)
    ax = plots.plot_line(big, "val_loss", max_points=500, seed=1)
    assert "random sample of 500 of 3,000 runs drawn (seed 1)" in texts(ax)
    ax = plots.plot_kde(big, "val_loss", by="activation", max_points=500)
    assert "500 of 3,000" in texts(ax)
    fig = plots.plot_bars(big, "epochs", "val_loss", hue="dropout", col="lr", max_points=500)
    assert "500 of 3,000" in texts(fig)
    info = an.parallel_coordinates(big, "val_loss", ["lr", "activation"], max_rows=300)
    assert "300 of 3,000 runs drawn" in texts(plots.plot_parallel(info))
    small = plots.plot_line(make_runs(n=30), "val_loss")
    assert "random sample" not in texts(small)


def test_figure_is_detached_from_pyplot_under_inline_backend(monkeypatch, data):
    monkeypatch.setattr(
        matplotlib, "get_backend", lambda: "module://matplotlib_inline.backend_inline"
    )
    fig = plots.plot_bars(data, "epochs", "val_accuracy", col="lr")
    assert fig.number not in plt.get_fignums()
