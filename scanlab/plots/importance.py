"""Draws :mod:`scanlab.analysis.importance`: parameter importance with its spread."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from scanlab.plots._common import empty_axes, ensure_axes, quiet

__all__ = ["plot_importance"]


@quiet
def plot_importance(
    importance: pd.DataFrame, *, ax: Axes | None = None, title: str | None = None
) -> Axes:
    """Bar chart of :func:`scanlab.analysis.param_importance` with its std as error bars.

    Parameters
    ----------
    importance : DataFrame
        The output of :func:`scanlab.analysis.param_importance` (``param``, ``importance``,
        ``importance_std``), drawn top to bottom in its order.
    ax : Axes, optional
        Axes to draw on; default: a new figure sized to the number of parameters.
    title : str, optional
        Default: ``'parameter importance for reaching the top quantile'``.

    Returns
    -------
    Axes

    Examples
    --------
    >>> imp = pd.DataFrame({'param': ['lr', 'opt'], 'importance': [0.2, 0.01],
    ...                     'importance_std': [0.02, 0.01]})
    >>> ax = plot_importance(imp)
    """
    ax = ensure_axes(ax, figsize=(7.0, 0.45 * max(len(importance), 3) + 1.2))
    if len(importance) == 0 or importance["importance"].isna().all():
        return empty_axes(ax, "importance not available (too few runs in the top quantile)")
    rows = importance.iloc[::-1]
    y = np.arange(len(rows))
    ax.barh(
        y,
        rows["importance"].fillna(0),
        xerr=rows["importance_std"].fillna(0),
        color="C2",
        ecolor="0.3",
        capsize=2,
    )
    ax.set_yticks(y, rows["param"].astype(str))
    ax.axvline(0, color="0.3", lw=0.8)
    ax.set_xlabel("drop in ROC AUC when the parameter is shuffled")
    ax.set_title(title or "parameter importance for reaching the top quantile", loc="left")
    return ax
