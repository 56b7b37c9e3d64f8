"""Draws :mod:`scanlab.analysis.parallel`: parallel coordinates, one line per run."""

from __future__ import annotations

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection

from scanlab import analysis as an
from scanlab.plots._common import NOTE_STYLE, empty_axes, ensure_axes, quiet

__all__ = ["plot_parallel"]


@quiet
def plot_parallel(info: an.ParallelInfo, *, ax: Axes | None = None) -> Axes:
    """Parallel coordinates from :func:`scanlab.analysis.parallel_coordinates`.

    One line per run across the parameter axes and the metric, coloured by the metric
    (brighter = better); the best run is drawn thick.

    Parameters
    ----------
    info : ParallelInfo
        The output of :func:`scanlab.analysis.parallel_coordinates`.
    ax : Axes, optional
        Axes to draw on; default: a new figure sized to the number of axes.

    Returns
    -------
    Axes

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({'lr': [0.001, 0.01, 0.1], 'opt': ['a', 'b', 'a'],
    ...                    'acc': [0.5, 0.7, 0.9]})
    >>> ax = plot_parallel(an.parallel_coordinates(df, 'acc', ['lr', 'opt']))
    """
    n_axes = len(info.axes)
    ax = ensure_axes(ax, figsize=(max(7.0, 1.3 * n_axes + 1), 4.5))
    frame = info.scaled
    if len(frame) == 0:
        return empty_axes(ax, "no runs")
    xs = np.arange(n_axes)
    ys = frame[info.axes].to_numpy(dtype=float, copy=True)
    rng = np.random.default_rng(0)
    for j, name in enumerate(info.axes[:-1]):  # spread runs sharing a value a little
        if len(info.ticks[name][0]) <= 20 and len(ys) > 1:
            ys[:, j] += rng.uniform(-0.015, 0.015, len(ys))
    segments = np.stack([np.broadcast_to(xs, ys.shape), ys], axis=-1)
    values = info.metric_values
    cmap = plt.get_cmap("viridis_r" if info.minimize else "viridis")
    norm = plt.Normalize(np.min(values), np.max(values)) if len(values) else None
    n = len(frame)
    lines = LineCollection(
        segments,  # type: ignore[arg-type]  # an (n, m, 2) array is valid; stubs want a Sequence
        cmap=cmap,
        norm=norm,
        linewidths=0.8,
        alpha=0.8 if n <= 100 else 0.4 if n <= 500 else 0.15,
    )
    lines.set_array(values)
    ax.add_collection(lines)
    ax.plot(xs, frame[info.axes].to_numpy(dtype=float)[-1], color="C3", lw=2.5)
    for i, name in enumerate(info.axes):
        ax.axvline(i, color="0.3", lw=0.8)
        pos, labels = info.ticks[name]
        for p, lab in zip(pos, labels, strict=True):
            ax.text(
                i + 0.03,
                p,
                lab,
                fontsize=7,
                va="center",
                color="0.2",
                bbox={"boxstyle": "round,pad=0.1", "fc": "white", "ec": "none", "alpha": 0.7},
            )
    ax.set_xticks(xs, info.axes, rotation=20, ha="right")
    ax.set_xlim(-0.2, n_axes - 0.6)
    ax.set_ylim(-0.1, 1.05)
    ax.set_yticks([])
    for side in ("left", "right", "top"):
        ax.spines[side].set_visible(False)
    solid = matplotlib.cm.ScalarMappable(norm=norm, cmap=cmap)  # opaque, unlike the lines
    ax.figure.colorbar(solid, ax=ax, label=info.metric, pad=0.01)
    ax.set_title("parallel coordinates (red: best run)", loc="left")
    if len(frame) < info.n_total:
        ax.text(
            1.0,
            1.01,
            f"{len(frame):,} of {info.n_total:,} runs drawn: the best 5 % and "
            "a seeded random sample",
            transform=ax.transAxes,
            ha="right",
            va="bottom",
            **NOTE_STYLE,
        )
    return ax
