"""Draws distributions of the runs (:mod:`scanlab.analysis.distributions`): histograms,
densities, and bars or boxes per parameter value, by hue and panel.
"""

from __future__ import annotations

from typing import Any

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

__all__ = ["plot_bars", "plot_box", "plot_hist", "plot_kde"]


@quiet
def plot_hist(
    data: pd.DataFrame,
    metric: str,
    by: str | None = None,
    bins: int | str | None = None,
    *,
    ax: Axes | None = None,
    max_points: int = MAX_POINTS,
    seed: int = 0,
) -> Axes:
    """Histogram of ``metric`` over the ok runs, optionally one colour per value of ``by``.

    Parameters
    ----------
    data : DataFrame
        The runs (failed ones and non-finite values are left out).
    metric : str
        Metric column.
    by : str, optional
        Column whose values (at most 12 levels, see :func:`scanlab.analysis.as_levels`)
        get one colour each.
    bins : int or str, optional
        Bins, as :func:`seaborn.histplot` takes them; default ``'auto'``.
    ax : Axes, optional
        Axes to draw on; default: a new figure.
    max_points : int, default MAX_POINTS
        Most runs drawn; more are subsampled.
    seed : int, default 0
        Seed of the subsample.

    Returns
    -------
    Axes

    Examples
    --------
    >>> import numpy as np
    >>> df = pd.DataFrame({'opt': ['a', 'b'] * 5, 'acc': np.linspace(0, 1, 10)})
    >>> ax = plot_hist(df, 'acc', by='opt')
    """
    check_column(data, metric, "metric")
    check_column(data, by, "by")
    ax = ensure_axes(ax)
    frame = finite_rows(an.ok_runs(data), metric)
    if len(frame) == 0:
        return empty_axes(ax, f"no finite values of {metric}")
    frame, total = an.subsample(frame, max_points, seed)
    frame, order = with_levels(frame, by)
    sns.histplot(
        frame,
        x=metric,
        hue=by,
        hue_order=order,
        bins=bins or "auto",
        element="step" if by else "bars",
        ax=ax,
    )
    note_sample(ax, len(frame), total, seed)
    ax.set_title(f"{metric}" + (f" by {by}" if by else ""), loc="left")
    return ax


@quiet
def plot_kde(
    data: pd.DataFrame,
    x: str,
    y: str | None = None,
    by: str | None = None,
    *,
    ax: Axes | None = None,
    max_points: int = MAX_POINTS,
    seed: int = 0,
) -> Axes:
    """Kernel density of ``x`` over the ok runs: overall, per value of ``by`` (hue), or the
    joint density of ``x`` and ``y``.

    Each ``by`` group is normalized on its own (``common_norm=False``) so rare values stay
    visible; groups with fewer than two distinct values are drawn as a rug.

    Parameters
    ----------
    data : DataFrame
        The runs (failed ones and rows with non-finite values are left out).
    x : str
        Metric column.
    y : str, optional
        Second metric column, for a joint density (``by`` is then ignored).
    by : str, optional
        Column whose values (at most 12 levels) get one density each.
    ax : Axes, optional
        Axes to draw on; default: a new figure.
    max_points : int, default MAX_POINTS
        Most runs drawn; more are subsampled.
    seed : int, default 0
        Seed of the subsample.

    Returns
    -------
    Axes

    Examples
    --------
    >>> import numpy as np
    >>> df = pd.DataFrame({'opt': ['a', 'b'] * 5, 'acc': np.linspace(0, 1, 10)})
    >>> ax = plot_kde(df, 'acc', by='opt')
    """
    for c, role in ((x, "x"), (y, "y"), (by, "by")):
        check_column(data, c, role)
    ax = ensure_axes(ax)
    cols = [x] + ([y] if y else [])
    frame = finite_rows(an.ok_runs(data), *cols)
    frame, total = an.subsample(frame, max_points, seed)
    if len(frame) < 2 or frame[x].nunique() < 2 or (y and frame[y].nunique() < 2):
        sns.rugplot(frame, x=x, ax=ax)
        ax.text(
            0.5,
            0.5,
            "not enough distinct values for a density",
            ha="center",
            transform=ax.transAxes,
            color="0.4",
        )
    elif y:
        sns.kdeplot(frame, x=x, y=y, fill=True, ax=ax, warn_singular=False)
    else:
        frame, order = with_levels(frame, by)
        sns.kdeplot(
            frame, x=x, hue=by, hue_order=order, common_norm=False, ax=ax, warn_singular=False
        )
        if by:
            assert order is not None  # with_levels gives the order of a column
            lonely = [lev for lev in order if frame.loc[frame[by] == lev, x].nunique() < 2]
            if lonely:
                sns.rugplot(
                    frame[frame[by].isin(lonely)],
                    x=x,
                    hue=by,
                    hue_order=order,
                    ax=ax,
                    legend=False,
                    height=0.05,
                )
    note_sample(ax, len(frame), total, seed)
    title = f"density of {x}" + (f" and {y}" if y else "") + (f" by {by}" if by else "")
    ax.set_title(title, loc="left")
    return ax


def _cat_plot(
    kind: str,
    data: pd.DataFrame,
    x: str,
    y: str,
    hue: str | None,
    col: str | None,
    ax: Axes | None,
    max_points: int,
    seed: int,
    options: dict[str, Any],
) -> Axes | Figure:
    for c, role in ((x, "x"), (y, "y"), (hue, "hue"), (col, "col")):
        check_column(data, c, role)
    frame = finite_rows(an.ok_runs(data), y)
    frame, total = an.subsample(frame, max_points, seed)
    frame, x_order = with_levels(frame, x)
    frame, hue_order = with_levels(frame, hue, max_levels=8)
    frame, col_order = with_levels(frame, col, max_levels=8)
    if col is None:
        ax = ensure_axes(ax)
        if len(frame) == 0:
            return empty_axes(ax, f"no finite values of {y}")
        draw = sns.barplot if kind == "bar" else sns.boxplot
        draw(frame, x=x, y=y, hue=hue, order=x_order, hue_order=hue_order, ax=ax, **options)
        note_sample(ax, len(frame), total, seed)
        ax.set_title(f"{y} by {x}" + (f" and {hue}" if hue else ""), loc="left")
        if hue and ax.get_legend() is not None:
            sns.move_legend(ax, "best", title=hue, fontsize=8)
        return ax
    if ax is not None:
        raise an.AnalysisError(
            "`ax` cannot be used with `col` (one panel per value): "
            "leave ax out and use the returned Figure"
        )
    ncol = len(col_order or [])
    grid = sns.catplot(
        frame,
        kind=kind,
        x=x,
        y=y,
        hue=hue,
        col=col,
        order=x_order,
        hue_order=hue_order,
        col_order=col_order,
        col_wrap=min(ncol, 4) or None,
        height=3.2,
        aspect=1.1,
        **options,
    )
    grid.set_titles(col_template=f"{col} = {{col_name}}")
    grid.figure.suptitle(
        f"{y} by {x}" + (f" and {hue}" if hue else "") + f", per {col}", x=0.01, ha="left", y=1.02
    )
    note_sample(grid.figure, len(frame), total, seed)
    return detach_figure(grid.figure)


@quiet
def plot_bars(
    data: pd.DataFrame,
    x: str,
    y: str,
    hue: str | None = None,
    col: str | None = None,
    *,
    ax: Axes | None = None,
    max_points: int = MAX_POINTS,
    seed: int = 0,
) -> Axes | Figure:
    """Mean of ``y`` per value of ``x`` (bars with a 95 % confidence interval: mean +/- 1.96
    standard errors), by ``hue`` and ``col``.

    E.g. ``plot_bars(runs, 'epochs', 'val_accuracy', hue='dropout', col='lr')``: epochs on
    x, one colour per dropout, one panel per learning rate.

    Parameters
    ----------
    data : DataFrame
        The runs (failed ones and non-finite values of ``y`` are left out).
    x : str
        Column on the x axis (at most 12 levels, see :func:`scanlab.analysis.as_levels`).
    y : str
        Metric column.
    hue : str, optional
        Column whose values (at most 8 levels) get one colour each.
    col : str, optional
        Column whose values (at most 8 levels) get one panel each.
    ax : Axes, optional
        Axes to draw on (not with ``col``); default: a new figure.
    max_points : int, default MAX_POINTS
        Most runs used; more are subsampled.
    seed : int, default 0
        Seed of the subsample.

    Returns
    -------
    Axes, or the Figure when ``col`` is given (one panel per value of ``col``).

    Raises
    ------
    AnalysisError
        When a column is missing, or ``ax`` is given with ``col``.

    Examples
    --------
    >>> import numpy as np
    >>> df = pd.DataFrame({'epochs': [10, 20] * 4, 'lr': [0.1] * 4 + [0.01] * 4,
    ...                    'opt': ['a', 'a', 'b', 'b'] * 2, 'acc': np.linspace(0, 1, 8)})
    >>> fig = plot_bars(df, 'epochs', 'acc', hue='opt', col='lr')
    """
    return _cat_plot("bar", data, x, y, hue, col, ax, max_points, seed, {"errorbar": ("se", 1.96)})


@quiet
def plot_box(
    data: pd.DataFrame,
    x: str,
    y: str,
    hue: str | None = None,
    col: str | None = None,
    *,
    ax: Axes | None = None,
    max_points: int = MAX_POINTS,
    seed: int = 0,
) -> Axes | Figure:
    """Box plot of ``y`` per value of ``x``, by ``hue`` and ``col`` (see :func:`plot_bars`).

    Parameters
    ----------
    data : DataFrame
        The runs (failed ones and non-finite values of ``y`` are left out).
    x : str
        Column on the x axis (at most 12 levels).
    y : str
        Metric column.
    hue : str, optional
        Column whose values (at most 8 levels) get one colour each.
    col : str, optional
        Column whose values (at most 8 levels) get one panel each.
    ax : Axes, optional
        Axes to draw on (not with ``col``); default: a new figure.
    max_points : int, default MAX_POINTS
        Most runs used; more are subsampled.
    seed : int, default 0
        Seed of the subsample.

    Returns
    -------
    Axes, or the Figure when ``col`` is given.

    Examples
    --------
    >>> import numpy as np
    >>> df = pd.DataFrame({'opt': ['a', 'b'] * 4, 'acc': np.linspace(0, 1, 8)})
    >>> ax = plot_box(df, 'opt', 'acc')
    """
    return _cat_plot(
        "box", data, x, y, hue, col, ax, max_points, seed, {"flierprops": {"markersize": 2}}
    )
