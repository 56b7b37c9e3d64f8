"""Draws the runs of :mod:`scanlab.analysis.runs`: the metric of every run in recorded order,
with the running best, failures and round boundaries.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from scanlab import analysis as an
from scanlab._metric_names import direction_words
from scanlab.plots._common import MAX_POINTS, check_column, ensure_axes, note_sample, quiet

__all__ = ["plot_line"]


@quiet
def plot_line(
    data: pd.DataFrame,
    metric: str,
    minimize: bool | None = None,
    *,
    ax: Axes | None = None,
    max_points: int = MAX_POINTS,
    seed: int = 0,
) -> Axes:
    """``metric`` of every run in the order runs were recorded, with the running best.

    Failed runs are marked with a red ``x`` under the axis; round boundaries with dotted
    lines.

    Parameters
    ----------
    data : DataFrame
        The runs, in recorded order.
    metric : str
        Metric column.
    minimize : bool, optional
        Whether lower is better (for the running best); default: inferred from the name.
    ax : Axes, optional
        Axes to draw on; default: a new figure.
    max_points : int, default MAX_POINTS
        Most runs drawn as points; more are subsampled (the running best uses them all).
    seed : int, default 0
        Seed of the subsample.

    Returns
    -------
    Axes

    Examples
    --------
    >>> df = pd.DataFrame({'status': ['ok'] * 4, 'acc': [0.2, 0.5, 0.4, 0.7]})
    >>> ax = plot_line(df, 'acc')
    """
    check_column(data, metric, "metric")
    minimize = an.resolve_minimize(metric, minimize)
    ax = ensure_axes(ax)
    ok = an.ok_mask(data)
    values = np.where(ok, an.metric_values(data, metric), np.nan)
    runs = np.arange(len(values))
    filled = pd.Series(values).fillna(np.inf if minimize else -np.inf)
    best = (filled.cummin() if minimize else filled.cummax()).to_numpy()
    change = np.flatnonzero(np.r_[True, best[1:] != best[:-1]])
    steps = np.r_[change, len(best) - 1] if len(best) else change
    shown = np.isfinite(best[steps])
    ax.plot(
        runs[steps][shown],
        best[steps][shown],
        drawstyle="steps-post",
        color="C1",
        lw=1.8,
        label="best so far",
    )
    pick = np.flatnonzero(np.isfinite(values))
    total = len(pick)
    if total > max_points:
        pick = np.sort(np.random.default_rng(seed).choice(pick, max_points, replace=False))
    ax.scatter(
        runs[pick],
        values[pick],
        s=8 if len(pick) < 2000 else 3,
        alpha=0.6,
        color="C0",
        label=metric,
        linewidths=0,
    )
    note_sample(ax, len(pick), total, seed)
    failed = np.flatnonzero(~ok)
    if len(failed):
        ax.plot(
            failed,
            np.zeros(len(failed)),
            "x",
            color="C3",
            ms=5,
            clip_on=False,
            transform=ax.get_xaxis_transform(),
            label=f"failed ({len(failed):,})",
        )
    if "round" in data.columns and data["round"].nunique() > 1:
        rounds = data["round"].to_numpy()
        for b in (np.flatnonzero(rounds[1:] != rounds[:-1]) + 1).tolist():
            ax.axvline(b - 0.5, color="0.6", ls=":", lw=1)
            ax.text(
                b,
                1.0,
                f" round {rounds[b]}",
                transform=ax.get_xaxis_transform(),
                va="top",
                fontsize=8,
                color="0.4",
            )
    ax.set_xlabel("run (in recorded order)")
    ax.set_ylabel(metric)
    ax.set_title(f"{metric} over runs ({direction_words(minimize)})", loc="left")
    ax.legend(loc="best", fontsize=8)
    return ax
