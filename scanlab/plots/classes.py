"""Draws :mod:`scanlab.analysis.classes`: one run's confusion matrix as a heatmap."""

from __future__ import annotations

import numpy as np
from matplotlib.axes import Axes

from scanlab.analysis.classes import ClassReport
from scanlab.plots._common import ensure_axes, quiet

__all__ = ["plot_confusion"]


@quiet
def plot_confusion(
    report: ClassReport,
    *,
    normalize: bool = True,
    ax: Axes | None = None,
    title: str | None = None,
) -> Axes:
    """Heatmap of the confusion matrix of :func:`scanlab.analysis.class_report`.

    Rows are the true classes, columns the predicted ones; each cell is written as its count
    (and its share of the row when ``normalize``).

    Parameters
    ----------
    report : ClassReport
        The output of :func:`scanlab.analysis.class_report`.
    normalize : bool, default True
        Colour by each true class's shares (``report.rates``: a rare class's errors show as
        clearly as a common one's); False colours by counts.
    ax : Axes, optional
        Axes to draw on; default: a new figure sized to the number of classes.
    title : str, optional
        Default: ``'confusion matrix (rows: true class)'``.

    Returns
    -------
    Axes

    Examples
    --------
    >>> from scanlab.analysis import class_report
    >>> ax = plot_confusion(class_report({'confusion_matrix': [[5, 1], [2, 4]]}))
    """
    import seaborn as sns

    n = len(report.confusion)
    side = min(3.2 + 0.55 * n, 14.0)
    ax = ensure_axes(ax, figsize=(side + 1.2, side))
    counts = report.confusion.to_numpy()
    shades = report.rates if normalize else report.confusion.astype(float)
    annotate = n <= 25
    text = (
        np.array(
            [
                [
                    f"{c:g}\n{r:.0%}" if normalize else f"{c:g}"
                    for c, r in zip(row, rates, strict=True)
                ]
                for row, rates in zip(counts, report.rates.to_numpy(), strict=True)
            ]
        )
        if annotate
        else False
    )
    sns.heatmap(
        shades,
        ax=ax,
        cmap="Blues",
        vmin=0,
        vmax=1 if normalize else None,
        annot=text,
        fmt="",
        annot_kws={"fontsize": 8 if n <= 8 else 6},
        linewidths=0.5,
        linecolor="white",
        cbar_kws={"label": "share of the true class" if normalize else "count"},
        square=True,
    )
    ax.set_xlabel("predicted class")
    ax.set_ylabel("true class")
    ax.set_title(title or "confusion matrix (rows: true class)", loc="left")
    return ax
