"""Draws :mod:`scanlab.analysis.budget_curves`: every budgeted run's metric against the epochs
it trained, the runs that reached the top budget strong and the others faint."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection

from scanlab import analysis as an
from scanlab.plots._common import empty_axes, ensure_axes, note_sample, quiet

__all__ = ["MAX_CURVES", "plot_budgets"]

#: Most faint curves drawn: more are a seeded random sample (the top runs are all drawn).
MAX_CURVES = 2_000


def _segments(curves: pd.DataFrame) -> list[np.ndarray]:
    """One (epoch, value) polyline per run (the curves come run by run, in epoch order)."""
    if len(curves) == 0:
        return []
    ids = curves["run_id"].to_numpy()
    points = curves[["epoch", "value"]].to_numpy(dtype=float)
    cuts = np.flatnonzero(ids[1:] != ids[:-1]) + 1
    return np.split(points, cuts)


@quiet
def plot_budgets(
    info: an.BudgetCurves,
    *,
    ax: Axes | None = None,
    max_curves: int = MAX_CURVES,
    seed: int = 0,
) -> Axes:
    """Hyperband's picture: the metric of every run against epochs, dotted lines at the rung
    budgets, the runs that reached the top budget strong, the best one marked.

    Parameters
    ----------
    info : BudgetCurves
        The output of :func:`scanlab.analysis.budget_curves`.
    ax : Axes, optional
        Axes to draw on; default: a new figure.
    max_curves : int, default MAX_CURVES
        Most faint (not promoted to the top) runs drawn; more are subsampled.
    seed : int, default 0
        Seed of the subsample.

    Returns
    -------
    Axes

    Examples
    --------
    >>> rows = pd.DataFrame({'run_id': ['a', 'b', 'a'], 'status': 'ok', 'rung': [0, 0, 1],
    ...                      'budget': [1, 1, 3], 'initial_epoch': [0, 0, 1],
    ...                      'val_loss': [0.5, 0.9, 0.3]})
    >>> ax = plot_budgets(an.budget_curves(rows, None, 'val_loss'))
    """
    ax = ensure_axes(ax)
    curves = info.curves
    if len(curves) == 0:
        return empty_axes(ax, f"no ok run with a value of {info.metric} to draw")
    for budget in info.budgets:
        ax.axvline(budget, color="0.75", lw=0.8, ls=":", zorder=0)
    top = curves[curves["top"].astype(bool)]
    faint = curves[~curves["top"].astype(bool)]
    ids = pd.DataFrame({"run_id": faint["run_id"].unique()})
    shown, total = an.subsample(ids, max_curves, seed)
    faint = faint[faint["run_id"].isin(shown["run_id"])]
    if len(faint):
        lines = _segments(faint)
        ax.add_collection(LineCollection(lines, colors="0.55", linewidths=0.8, alpha=0.35))
        single = [line for line in lines if len(line) == 1]  # a run of one point: a dot
        if single:
            points = np.vstack(single)
            ax.scatter(points[:, 0], points[:, 1], s=6, color="0.55", alpha=0.5, lw=0)
    for line in _segments(top):
        ax.plot(line[:, 0], line[:, 1], color="C0", lw=1.6, marker="." if len(line) < 2 else "")
    if info.best_run_id is not None and len(top):
        best = top[top["run_id"] == info.best_run_id].sort_values("epoch")
        if len(best):
            ax.plot(
                best["epoch"], best["value"], color="C3", lw=2.2, label=f"best {info.best_run_id}"
            )
            ax.legend(loc="best", fontsize=8, frameon=False)
    ax.autoscale_view()
    note_sample(ax, len(shown), total, seed)
    ax.set_xlabel("epochs trained")
    ax.set_ylabel(info.metric)
    ax.set_title(
        f"{info.metric} per epoch: {info.n_runs:,} runs, {info.n_top:,} reached "
        f"{info.budgets[-1] if info.budgets else '?'} epochs (strong)",
        loc="left",
        fontsize=10,
    )
    return ax
