"""scanlab.plots.histories: learning entropy and learning curves."""

from __future__ import annotations

from _drawing import make_histories, render, texts
from matplotlib.figure import Figure

from scanlab import analysis as an
from scanlab import plots


def test_entropy_and_learning_curves(data):
    histories = make_histories(data)
    entropy = an.learning_entropy(histories, data)
    render(plots.plot_entropy(entropy))
    render(plots.plot_entropy(entropy, "accuracy"))
    assert "no per-epoch histories" in texts(plots.plot_entropy(entropy.iloc[:0]))
    ids = an.best_runs(data, "val_accuracy", k=4)["run_id"].tolist()
    fig = plots.plot_learning_curves(an.learning_curves(histories, ids), title="best 4")
    assert isinstance(fig, Figure) and len(fig.axes) == 2
    render(fig)
    render(plots.plot_learning_curves(an.learning_curves({}, ids)))
