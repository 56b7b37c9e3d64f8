"""Draws :mod:`scanlab.analysis.rounds`: the metric per round, and the rounds compared."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from scanlab import analysis as an
from scanlab.plots._common import (
    MAX_POINTS,
    check_column,
    detach_figure,
    empty_axes,
    ensure_axes,
    finite_rows,
    note_sample,
    quiet,
    with_levels,
)

__all__ = ["plot_round_comparison", "plot_rounds"]


@quiet
def plot_rounds(
    data: pd.DataFrame,
    metric: str,
    *,
    ax: Axes | None = None,
    max_points: int = MAX_POINTS,
    seed: int = 0,
) -> Axes:
    """Distribution of ``metric`` per round (box plus the runs as dots), ok runs only.

    Parameters
    ----------
    data : DataFrame
        The runs; without a ``round`` column they are all round 1.
    metric : str
        Metric column (non-finite values are left out).
    ax : Axes, optional
        Axes to draw on; default: a new figure.
    max_points : int, default MAX_POINTS
        Most runs used; more are subsampled (at most 3000 are drawn as dots).
    seed : int, default 0
        Seed of the subsample.

    Returns
    -------
    Axes

    Examples
    --------
    >>> df = pd.DataFrame({'round': [1, 1, 2, 2], 'acc': [0.2, 0.4, 0.5, 0.7]})
    >>> ax = plot_rounds(df, 'acc')
    """
    check_column(data, metric, "metric")
    ax = ensure_axes(ax)
    frame = finite_rows(an.ok_runs(data), metric)
    if len(frame) == 0:
        return empty_axes(ax, f"no finite values of {metric}")
    frame = frame.assign(round=frame["round"] if "round" in frame.columns else 1)
    frame, total = an.subsample(frame, max_points, seed)
    frame, order = with_levels(frame, "round", max_levels=50)
    sns.boxplot(
        frame, x="round", y=metric, order=order, ax=ax, color="0.85", showfliers=False, width=0.5
    )
    dots = an.subsample(frame, 3000, seed)[0]
    sns.stripplot(dots, x="round", y=metric, order=order, ax=ax, size=2.5, alpha=0.5, jitter=0.2)
    note_sample(ax, len(frame), total, seed)
    ax.set_title(f"{metric} per round", loc="left")
    return ax


@quiet
def plot_round_comparison(
    data: pd.DataFrame,
    comparison: pd.DataFrame,
    metric: str,
    *,
    max_points: int = MAX_POINTS,
    seed: int = 0,
) -> Figure:
    """Rounds side by side: the metric's distribution and how much of each round paid off.

    Left: :func:`plot_rounds` (box and dots per round) with each round's best value and the
    top-quantile threshold (dashed). Right: per round, the share of its runs in the top
    quantile and the share of its compute (``duration_s``) spent on those runs, from
    :func:`scanlab.analysis.round_comparison`.

    Parameters
    ----------
    data : DataFrame
        The runs.
    comparison : DataFrame
        :func:`scanlab.analysis.round_comparison` of ``data`` and ``metric`` (its ``attrs``
        give the threshold and the quantile).
    metric : str
        Metric column.
    max_points : int, default MAX_POINTS
        Most runs used on the left; more are subsampled.
    seed : int, default 0
        Seed of the subsample.

    Returns
    -------
    Figure
        Two Axes: the distributions, and the shares.

    Examples
    --------
    >>> df = pd.DataFrame({'round': [1, 1, 2, 2], 'status': 'ok', 'acc': [0.2, 0.4, 0.5, 0.7],
    ...                    'duration_s': [1.0, 2.0, 1.0, 1.0]})
    >>> fig = plot_round_comparison(df, an.round_comparison(df, 'acc', quantile=0.5), 'acc')
    >>> len(fig.axes)
    2
    """
    from matplotlib.ticker import PercentFormatter

    fig, (left, right) = plt.subplots(
        1, 2, figsize=(11.0, 4.2), layout="constrained", gridspec_kw={"width_ratios": [3, 2]}
    )
    plot_rounds(data, metric, ax=left, max_points=max_points, seed=seed)
    rows = comparison.reset_index(drop=True)
    positions = np.arange(len(rows))
    best = rows["best"].to_numpy(dtype=float)
    shown = np.isfinite(best)
    if shown.any():
        left.plot(
            positions[shown], best[shown], "o-", color="C1", lw=1.5, ms=5, label="best", zorder=5
        )
    threshold = comparison.attrs.get("threshold", np.nan)
    quantile = comparison.attrs.get("quantile")
    if threshold is not None and np.isfinite(threshold):
        left.axhline(
            threshold,
            color="C3",
            ls="--",
            lw=1,
            label=f"top {quantile:.0%} threshold" if quantile else "top threshold",
        )
    if left.get_legend_handles_labels()[0]:
        left.legend(loc="best", fontsize=8)
    width = 0.38
    labels = [str(r) for r in rows["round"]]
    rate = rows["top_rate"].to_numpy(dtype=float)
    share = rows["top_compute_share"].to_numpy(dtype=float)
    right.bar(
        positions - width / 2, np.nan_to_num(rate), width, color="C0", label="runs in the top"
    )
    if np.isfinite(share).any():
        right.bar(
            positions + width / 2,
            np.nan_to_num(share),
            width,
            color="C2",
            label="compute on top runs",
        )
    for x, value in zip(positions - width / 2, rate, strict=True):
        if np.isfinite(value):
            right.text(x, value, f"{value:.0%}", ha="center", va="bottom", fontsize=7)
    for x, value in zip(positions + width / 2, share, strict=True):
        if np.isfinite(value):
            right.text(x, value, f"{value:.0%}", ha="center", va="bottom", fontsize=7)
    right.set_xticks(positions, labels)
    right.set_xlabel("round")
    right.set_ylim(0, 1.08)
    right.yaxis.set_major_formatter(PercentFormatter(1.0))
    right.set_ylabel(f"share in the overall top {quantile:.0%}" if quantile else "share")
    right.legend(loc="upper left", fontsize=8)
    right.set_title("where the runs and the compute went", loc="left")
    return detach_figure(fig)
