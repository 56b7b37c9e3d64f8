"""Draws :mod:`scanlab.analysis.folds`: the best cross-validated configurations, mean ± std
over the folds with every fold's value, and the winner's spread as a band."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from scanlab.plots._common import empty_axes, ensure_axes, quiet

__all__ = ["plot_folds"]


def _labels(summary: pd.DataFrame) -> list[str]:
    if "run_id" not in summary.columns:
        return [f"#{rank}" for rank in summary.index]
    return [
        f"#{rank} {str(run)[:8]}"
        for rank, run in zip(summary.index, summary["run_id"], strict=True)
    ]


@quiet
def plot_folds(summary: pd.DataFrame, *, ax: Axes | None = None, title: str | None = None) -> Axes:
    """Mean ± std over the folds of each configuration of :func:`scanlab.analysis.fold_summary`.

    One row per configuration, best at the top: a dot at the mean, a bar of ± one standard
    deviation, a small mark per fold; the band is the winner's mean ± its std, so a
    configuration whose mean falls inside it cannot be told apart from the winner by the
    folds (hollow dot: ``within_spread``).

    Parameters
    ----------
    summary : DataFrame
        The output of :func:`scanlab.analysis.fold_summary`.
    ax : Axes, optional
        Axes to draw on; default: a new figure sized to the number of configurations.
    title : str, optional
        Default: ``'<metric> over <k> folds: mean ± std'``.

    Returns
    -------
    Axes

    Examples
    --------
    >>> summary = pd.DataFrame({'run_id': ['a', 'b'], 'mean': [0.9, 0.85], 'std': [0.02, 0.03],
    ...     'within_spread': pd.array([pd.NA, False], dtype='boolean'),
    ...     'split0': [0.88, 0.82], 'split1': [0.92, 0.88]}, index=pd.Index([1, 2], name='rank'))
    >>> ax = plot_folds(summary)
    """
    ax = ensure_axes(ax, figsize=(7.0, 0.42 * max(len(summary), 3) + 1.3))
    if len(summary) == 0:
        return empty_axes(ax, "no cross-validated configuration to draw")
    y = -np.arange(len(summary), dtype=float)
    means, stds = summary["mean"].to_numpy(float), summary["std"].to_numpy(float)
    ax.axvspan(means[0] - stds[0], means[0] + stds[0], color="C0", alpha=0.12, lw=0)
    splits = [c for c in summary.columns if c.startswith("split") and c[5:].isdigit()]
    if splits:
        values = summary[splits].to_numpy(float)
        offsets = np.linspace(-0.18, 0.18, len(splits))
        for i in range(len(splits)):
            ax.scatter(values[:, i], y + offsets[i], s=40, color="0.45", marker="|", lw=1, zorder=2)
    ax.errorbar(means, y, xerr=stds, fmt="none", ecolor="C0", capsize=3, lw=1.2, zorder=3)
    within = (
        summary["within_spread"].fillna(False).to_numpy(bool)
        if "within_spread" in summary.columns
        else np.zeros(len(summary), bool)
    )
    ax.scatter(means[~within], y[~within], color="C0", s=28, zorder=4)
    ax.scatter(
        means[within],
        y[within],
        facecolor="white",
        edgecolor="C0",
        s=28,
        zorder=4,
        label="within the fold spread" if within.any() else None,
    )
    ax.scatter(means[:1], y[:1], color="C3", s=40, zorder=5, label="winner")
    ax.set_yticks(y, _labels(summary))
    metric = summary.attrs.get("metric", "metric")
    ax.set_xlabel(f"{metric} (dot: mean; bar: ± std; ticks: folds)")
    k = summary.attrs.get("n_splits", len(splits))
    ax.set_title(title or f"{metric} over {k} folds: mean ± std", loc="left")
    ax.legend(loc="best", fontsize=8, frameon=False)
    return ax
