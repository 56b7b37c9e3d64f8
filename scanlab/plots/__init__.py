"""Plots of scan results: drawing only.

Every function draws what :mod:`scanlab.analysis` computed (or a tidy runs DataFrame plus
column names, as seaborn does), on the Axes passed as ``ax`` or on a new figure, and returns
the Axes (single-panel plots) or the Figure (multi-panel plots). Parameters of any type work
as an axis, a hue or a panel: values are shown as categories in their natural order, and a
numeric parameter with many values is binned (:func:`scanlab.analysis.as_levels`).

Each module draws the results of the :mod:`scanlab.analysis` module of the same name
(``plots.correlations`` draws ``analysis.correlations``); all plots are re-exported here.

Large results draw quickly: plots of individual runs draw a seeded random sample of at most
``max_points`` runs (20,000 by default) and say so under the plot.

In Jupyter, a returned Figure is detached from pyplot so that it shows once, as the cell's
result; single-panel plots are shown by the inline backend as usual.
"""

from __future__ import annotations

from scanlab.plots._common import MAX_POINTS, figure_of, sample_size_note
from scanlab.plots.budgets import MAX_CURVES, plot_budgets
from scanlab.plots.classes import plot_confusion
from scanlab.plots.correlations import plot_corr_matrix, plot_correlations
from scanlab.plots.distributions import plot_bars, plot_box, plot_hist, plot_kde
from scanlab.plots.folds import plot_folds
from scanlab.plots.heldout import plot_heldout
from scanlab.plots.histories import plot_entropy, plot_learning_curves
from scanlab.plots.importance import plot_importance
from scanlab.plots.parallel import plot_parallel
from scanlab.plots.regression import plot_regression
from scanlab.plots.rounds import plot_round_comparison, plot_rounds
from scanlab.plots.runs import plot_line

__all__ = [
    "MAX_CURVES",
    "MAX_POINTS",
    "figure_of",
    "plot_bars",
    "plot_box",
    "plot_budgets",
    "plot_confusion",
    "plot_corr_matrix",
    "plot_correlations",
    "plot_entropy",
    "plot_folds",
    "plot_heldout",
    "plot_hist",
    "plot_importance",
    "plot_kde",
    "plot_learning_curves",
    "plot_line",
    "plot_parallel",
    "plot_regression",
    "plot_round_comparison",
    "plot_rounds",
    "sample_size_note",
]
