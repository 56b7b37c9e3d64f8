"""Draws :mod:`scanlab.analysis.heldout`: validation and test score of each evaluated
configuration, side by side."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from scanlab.errors import AnalysisError, rule_message
from scanlab.plots._common import empty_axes, ensure_axes, quiet

__all__ = ["plot_heldout"]


@quiet
def plot_heldout(
    gaps: pd.DataFrame,
    metric: str | None = None,
    *,
    ax: Axes | None = None,
    title: str | None = None,
) -> Axes:
    """Validation vs test score per configuration, in search-rank order, joined by a line.

    Parameters
    ----------
    gaps : DataFrame
        The output of :func:`scanlab.analysis.heldout_gaps`.
    metric : str, optional
        The metric base name (``'accuracy'``, ``'recall_macro'``); default: the first of
        ``gaps.attrs['metrics']``.
    ax : Axes, optional
        Axes to draw on; default: a new figure sized to the number of configurations.
    title : str, optional
        Default: ``'<metric>: validation vs test'``.

    Returns
    -------
    Axes

    Examples
    --------
    >>> from scanlab.analysis import heldout_gaps
    >>> gaps = heldout_gaps(pd.DataFrame({'rank': [1, 2], 'run_id': ['a', 'b'],
    ...     'val_accuracy': [0.92, 0.9], 'test_accuracy': [0.86, 0.88]}))
    >>> ax = plot_heldout(gaps)
    """
    metrics = list(gaps.attrs.get("metrics") or [])
    if metric is None and metrics:
        metric = metrics[0]
    if metric is None or f"val_{metric}" not in gaps or f"test_{metric}" not in gaps:
        raise AnalysisError(
            rule_message(
                "metric",
                "must be a metric with val_ and test_ columns in the held-out rows",
                metric,
                f"one of {metrics}" if metrics else "pass the output of heldout_gaps(...)",
            )
        )
    ax = ensure_axes(ax, figsize=(max(5.0, 0.5 * len(gaps) + 2.5), 4.2))
    if len(gaps) == 0:
        return empty_axes(ax, "no evaluated configuration to draw")
    x = np.arange(len(gaps))
    val = pd.to_numeric(gaps[f"val_{metric}"], errors="coerce").to_numpy(float)
    test = pd.to_numeric(gaps[f"test_{metric}"], errors="coerce").to_numpy(float)
    ax.vlines(x, np.fmin(val, test), np.fmax(val, test), color="0.6", lw=1.5, zorder=1)
    ax.scatter(x, val, color="C0", s=30, zorder=2, label="validation (selected on)")
    ax.scatter(x, test, color="C3", s=30, zorder=3, marker="D", label="test (never seen)")
    ranks = gaps["rank"].tolist() if "rank" in gaps else list(range(1, len(gaps) + 1))
    ids = gaps["run_id"].astype(str).tolist() if "run_id" in gaps else [""] * len(gaps)
    ax.set_xticks(x, [f"#{r}\n{i[:8]}" for r, i in zip(ranks, ids, strict=True)], fontsize=8)
    ax.set_xlabel("configuration (search rank, run id)")
    ax.set_ylabel(metric)
    ax.set_title(title or f"{metric}: validation vs test", loc="left")
    ax.legend(loc="best", fontsize=8, frameon=False)
    return ax
