"""scanlab.plots as a package: one namespace over its modules, runnable examples, and every
plot drawn through Analyze's methods (Talos names and the new ones).
"""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest
from _drawing import make_histories, render

from scanlab import analysis as an
from scanlab import plots
from scanlab.analyze import Analyze

MODULES = sorted(m.name for m in pkgutil.iter_modules(plots.__path__))


def test_the_package_reexports_every_plot_and_the_shared_public_names():
    names = ["MAX_POINTS", "figure_of", "sample_size_note"]
    for name in MODULES:
        module = importlib.import_module(f"scanlab.plots.{name}")
        assert list(module.__all__) == sorted(module.__all__), name
        if not name.startswith("_"):
            names += module.__all__
            assert all(getattr(plots, n) is getattr(module, n) for n in module.__all__), name
    assert plots.__all__ == sorted(names)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name):
    module = importlib.import_module(f"scanlab.plots.{name}")
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0


def test_analyze_plot_methods(data):
    a = Analyze(data, histories=make_histories(data))
    drawn = [
        a.plot_line(),
        a.plot_hist(bins=10),
        a.plot_hist("val_loss", by="activation"),
        a.plot_kde(),
        a.plot_kde("val_accuracy", by="activation"),
        a.plot_kde("accuracy", "val_accuracy"),
        a.plot_corr(),
        a.plot_corr(kind="bars"),
        a.plot_regs(),
        a.plot_regs("accuracy", "val_accuracy"),
        a.plot_box("dropout"),
        a.plot_box("activation", "val_loss", hue="shuffle"),
        a.plot_bars("epochs", "val_accuracy", hue="dropout", col="lr"),
        a.plot_rounds(),
        a.plot_importance(),
        a.plot_parallel(),
        a.plot_entropy(),
        a.plot_learning_curves(k=3),
    ]
    for obj in drawn:
        render(obj)
    with pytest.raises(
        an.AnalysisError, match=r"^kind must be one of \['heatmap', 'bars'\], got 'pie'\. Fix: "
    ):
        a.plot_corr(kind="pie")
