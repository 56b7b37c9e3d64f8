"""Draws :mod:`scanlab.analysis.histories`: learning entropy per round, and learning curves."""

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
    detach_figure,
    empty_axes,
    ensure_axes,
    note_sample,
    quiet,
    with_levels,
)

__all__ = ["plot_entropy", "plot_learning_curves"]


@quiet
def plot_entropy(
    entropy: pd.DataFrame,
    key: str | None = None,
    *,
    ax: Axes | None = None,
    max_points: int = MAX_POINTS,
    seed: int = 0,
) -> Axes:
    """KL divergence of validation from training curves
    (:func:`scanlab.analysis.learning_entropy`) of one metric, per round.

    ``key`` is the training metric name (default ``loss``, else the first one present).

    Parameters
    ----------
    entropy : DataFrame
        The output of :func:`scanlab.analysis.learning_entropy`; runs without a ``round``
        column are round 1, undefined (NaN) values are left out.
    key : str, optional
        The training metric; see above for the default.
    ax : Axes, optional
        Axes to draw on; default: a new figure.
    max_points : int, default MAX_POINTS
        Most runs used; more are subsampled.
    seed : int, default 0
        Seed of the subsample.

    Returns
    -------
    Axes

    Examples
    --------
    >>> e = pd.DataFrame({'run_id': list('abcd'), 'round': [1, 1, 2, 2], 'key': ['loss'] * 4,
    ...                   'kl': [0.01, 0.03, 0.02, 0.05], 'epochs': [5] * 4})
    >>> ax = plot_entropy(e)
    """
    ax = ensure_axes(ax)
    keys = list(dict.fromkeys(entropy["key"])) if len(entropy) else []
    if key is None and keys:
        key = "loss" if "loss" in keys else keys[0]
    frame = entropy[(entropy["key"] == key).to_numpy()] if keys else entropy
    frame = frame[np.isfinite(frame["kl"].to_numpy(dtype=float))] if len(frame) else frame
    if len(frame) == 0:
        return empty_axes(
            ax,
            "no per-epoch histories with training and validation curves"
            + (f" of {key}" if key else ""),
        )
    frame = frame.assign(round=frame["round"] if "round" in frame.columns else 1)
    frame, total = an.subsample(frame, max_points, seed)
    frame, order = with_levels(frame, "round", max_levels=50)
    sns.boxplot(
        frame, x="round", y="kl", order=order, ax=ax, showfliers=False, width=0.5, color="0.85"
    )
    dots = an.subsample(frame, 3000, seed)[0]
    sns.stripplot(dots, x="round", y="kl", order=order, ax=ax, size=2.5, alpha=0.5, jitter=0.2)
    note_sample(ax, len(frame), total, seed)
    ax.set_ylabel(f"KL(val_{key} ‖ {key})")
    ax.set_title(f"learning entropy of {key} per round", loc="left")
    return ax


@quiet
def plot_learning_curves(curves: pd.DataFrame, title: str | None = None) -> Figure:
    """Per-epoch curves from :func:`scanlab.analysis.learning_curves`: one panel per metric,
    one colour per run, training dashed and validation solid.

    Parameters
    ----------
    curves : DataFrame
        The output of :func:`scanlab.analysis.learning_curves` (``run_id``, ``key``,
        ``split``, ``epoch``, ``value``).
    title : str, optional
        Title of the figure; none when omitted.

    Returns
    -------
    Figure

    Examples
    --------
    >>> c = pd.DataFrame({'run_id': ['a'] * 4, 'key': ['loss'] * 4,
    ...                   'split': ['train', 'train', 'val', 'val'], 'epoch': [1, 2, 1, 2],
    ...                   'value': [1.0, 0.5, 1.1, 0.7]})
    >>> fig = plot_learning_curves(c)
    """
    keys = list(dict.fromkeys(curves["key"])) if len(curves) else []
    fig, axes = plt.subplots(
        1,
        max(len(keys), 1),
        figsize=(5.2 * max(len(keys), 1), 3.8),
        squeeze=False,
        layout="constrained",
    )
    if not keys:
        empty_axes(axes[0, 0], "no per-epoch histories for these runs")
        return detach_figure(fig)
    runs = list(dict.fromkeys(curves["run_id"]))
    palette = dict(zip(runs, sns.color_palette("tab10", len(runs)), strict=True))
    for ax, key in zip(axes[0], keys, strict=True):
        part = curves[curves["key"] == key]
        for run_id in runs:
            for split, ls in (("train", "--"), ("val", "-")):
                s = part[(part["run_id"] == run_id) & (part["split"] == split)]
                if len(s):
                    ax.plot(
                        s["epoch"],
                        s["value"],
                        ls=ls,
                        color=palette[run_id],
                        lw=1.4,
                        label=f"{run_id}" if split == "val" else None,
                    )
        ax.set_title(f"{key} (dashed: training, solid: validation)", loc="left", fontsize=9)
        ax.set_xlabel("epoch")
        ax.set_ylabel(key)
    axes[0, -1].legend(
        fontsize=7,
        title="run",
        title_fontsize=8,
        loc="upper left",
        bbox_to_anchor=(1.01, 1.0),
        frameon=False,
    )
    if title:
        fig.suptitle(title, x=0.01, ha="left")
    return detach_figure(fig)
