"""Draws :mod:`scanlab.analysis.regression`: validation vs training metric with the fitted
line and the runs off it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from scanlab import analysis as an
from scanlab.plots._common import (
    MAX_POINTS,
    empty_axes,
    ensure_axes,
    finite_rows,
    note_sample,
    quiet,
)

__all__ = ["plot_regression"]


@quiet
def plot_regression(
    data: pd.DataFrame,
    reg: an.Regression,
    *,
    ax: Axes | None = None,
    max_points: int = MAX_POINTS,
    seed: int = 0,
    label_outliers: int = 5,
) -> Axes:
    """Validation vs training metric across runs with the fitted line
    (:func:`scanlab.analysis.regression`); runs far off the line are red, over-fitting ones
    labelled with their run id. The dashed grey line is ``val = train``.

    Parameters
    ----------
    data : DataFrame
        The runs (failed ones and rows missing either metric are left out).
    reg : Regression
        The fit, from :func:`scanlab.analysis.regression` on ``data``.
    ax : Axes, optional
        Axes to draw on; default: a new figure.
    max_points : int, default MAX_POINTS
        Most runs drawn; more are subsampled (the outliers are always drawn).
    seed : int, default 0
        Seed of the subsample.
    label_outliers : int, default 5
        Most over-fitting runs labelled with their run id.

    Returns
    -------
    Axes

    Examples
    --------
    >>> df = pd.DataFrame({'loss': [1.0, 2.0, 3.0, 4.0], 'val_loss': [2.0, 4.1, 6.0, 8.2]})
    >>> ax = plot_regression(df, an.regression(df))
    """
    ax = ensure_axes(ax)
    frame = finite_rows(an.ok_runs(data), reg.x, reg.y)
    if len(frame) == 0:
        return empty_axes(ax, f"no runs with both {reg.x} and {reg.y}")
    frame, total = an.subsample(frame, max_points, seed)
    ax.scatter(
        frame[reg.x],
        frame[reg.y],
        s=10 if len(frame) < 2000 else 3,
        alpha=0.6,
        color="C0",
        linewidths=0,
        label="runs",
    )
    lo, hi = float(frame[reg.x].min()), float(frame[reg.x].max())
    both = np.array([min(lo, frame[reg.y].min()), max(hi, frame[reg.y].max())])
    ax.plot(both, both, ls="--", color="0.6", lw=1, label="val = train")
    if np.isfinite(reg.slope):
        xs = np.array([lo, hi])
        ax.plot(
            xs,
            reg.intercept + reg.slope * xs,
            color="C1",
            lw=2,
            label=f"fit: slope {reg.slope:.3g}, r² {reg.r2:.3f}",
        )
    out = reg.outliers
    if len(out):
        ax.scatter(
            out["x"], out["y"], s=22, color="C3", zorder=3, label=f"off the line ({len(out):,})"
        )
        if "run_id" in out.columns:
            for _, r in out[out["overfit"]].head(label_outliers).iterrows():
                ax.annotate(
                    str(r["run_id"]),
                    (r["x"], r["y"]),
                    fontsize=7,
                    xytext=(3, 3),
                    textcoords="offset points",
                )
    note_sample(ax, len(frame), total, seed)
    ax.set_xlabel(reg.x)
    ax.set_ylabel(reg.y)
    ax.set_title(f"{reg.y} vs {reg.x} (n={reg.n:,})", loc="left")
    ax.legend(fontsize=8, loc="best")
    return ax
