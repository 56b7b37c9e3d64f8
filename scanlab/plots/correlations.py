"""Draws :mod:`scanlab.analysis.correlations`: one bar per parameter, and the correlation
matrix as a heatmap.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.axes import Axes

from scanlab.plots._common import empty_axes, ensure_axes, quiet

__all__ = ["plot_corr_matrix", "plot_correlations"]


@quiet
def plot_correlations(
    corr: pd.DataFrame, *, ax: Axes | None = None, title: str | None = None
) -> Axes:
    """Bar chart of :func:`scanlab.analysis.correlations`: one bar per parameter.

    Numeric parameters show their signed rank correlation; categorical ones (hatched) show
    ``sqrt(epsilon-squared)`` of the Kruskal-Wallis test (unsigned: an effect, not a
    direction); constant ones are listed with no bar.

    Parameters
    ----------
    corr : DataFrame
        The output of :func:`scanlab.analysis.correlations` (at least ``param``, ``kind``,
        ``correlation``, ``strength``), drawn top to bottom in its order.
    ax : Axes, optional
        Axes to draw on; default: a new figure sized to the number of parameters.
    title : str, optional
        Default: ``'parameters vs metric'``.

    Returns
    -------
    Axes

    Examples
    --------
    >>> c = pd.DataFrame({'param': ['lr', 'opt'], 'kind': ['numeric', 'categorical'],
    ...                   'correlation': [-0.5, np.nan], 'strength': [0.5, 0.3],
    ...                   'p_value': [0.01, 0.2], 'test': ['spearman', 'kruskal']})
    >>> ax = plot_correlations(c)
    """
    ax = ensure_axes(ax, figsize=(7.0, 0.45 * max(len(corr), 3) + 1.2))
    if len(corr) == 0:
        return empty_axes(ax, "no parameters")
    rows = corr.iloc[::-1]
    values, colors, hatches, labels = [], [], [], []
    for _, r in rows.iterrows():
        if r["kind"] == "numeric":
            v = r["correlation"]
            colors.append("C0" if (v if np.isfinite(v) else 0) >= 0 else "C3")
            hatches.append("")
            labels.append(str(r["param"]))
        elif r["kind"] == "categorical":
            v = r["strength"]
            colors.append("C4")
            hatches.append("//")
            labels.append(f"{r['param']} (categorical)")
        else:
            v = 0.0
            colors.append("0.7")
            hatches.append("")
            labels.append(f"{r['param']} (constant)")
        values.append(0.0 if not np.isfinite(v) else float(v))
    y = np.arange(len(values))
    bars = ax.barh(y, values, color=colors, edgecolor="white")
    for bar, h in zip(bars, hatches, strict=True):
        bar.set_hatch(h)
    for yi, v, (_, r) in zip(y.tolist(), values, rows.iterrows(), strict=True):
        p = r.get("p_value", np.nan)
        text = (
            f" {v:+.2f}"
            if r["kind"] == "numeric"
            else (f" {v:.2f}" if r["kind"] == "categorical" else " —")
        )
        if np.isfinite(p):
            text += f"  (p={p:.2g})"
        ax.text(v if v >= 0 else 0, yi, text, va="center", fontsize=8)
    ax.set_yticks(y, labels)
    ax.axvline(0, color="0.3", lw=0.8)
    ax.set_xlim(min(-0.05, min(values) - 0.1), 1.25)
    ax.set_xlabel("rank correlation (numeric) / sqrt(epsilon²) (categorical)")
    ax.set_title(title or "parameters vs metric", loc="left")
    return ax


@quiet
def plot_corr_matrix(
    matrix: pd.DataFrame, *, ax: Axes | None = None, title: str | None = None
) -> Axes:
    """Heatmap of :func:`scanlab.analysis.corr_matrix` (one-hot columns for categoricals).

    Parameters
    ----------
    matrix : DataFrame
        A square correlation matrix; values are annotated up to 14 columns.
    ax : Axes, optional
        Axes to draw on; default: a new figure sized to the matrix.
    title : str, optional
        Default: ``'rank correlations'``.

    Returns
    -------
    Axes

    Examples
    --------
    >>> m = pd.DataFrame([[1, 0.5], [0.5, 1]], index=['a', 'b'], columns=['a', 'b'])
    >>> ax = plot_corr_matrix(m)
    """
    n = len(matrix)
    ax = ensure_axes(ax, figsize=(min(3 + 0.5 * n, 11), min(2.5 + 0.45 * n, 9)))
    if n == 0:
        return empty_axes(ax, "no varying columns to correlate")
    sns.heatmap(
        matrix,
        vmin=-1,
        vmax=1,
        center=0,
        cmap="vlag",
        annot=n <= 14,
        fmt=".2f",
        annot_kws={"fontsize": 7},
        square=n <= 20,
        linewidths=0.5,
        ax=ax,
        cbar_kws={"shrink": 0.7},
    )
    ax.set_title(title or "rank correlations", loc="left")
    return ax
