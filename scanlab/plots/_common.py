"""What every plot shares: the Axes or Figure to draw on, notes about subsampling, empty
plots, finite rows, levels of a column, argument checks, and quiet seaborn warnings.
"""

from __future__ import annotations

import functools
import warnings
from collections.abc import Callable
from typing import Any, TypeVar

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from scanlab import analysis as an
from scanlab.errors import rule_message

__all__ = [
    "MAX_POINTS",
    "NOTE_STYLE",
    "check_column",
    "detach_figure",
    "empty_axes",
    "ensure_axes",
    "figure_of",
    "finite_rows",
    "note_sample",
    "quiet",
    "sample_size_note",
    "with_levels",
]


_F = TypeVar("_F", bound=Callable[..., Any])


def quiet(func: _F) -> _F:
    """Hide seaborn's deprecation noise about newer matplotlib (not the user's concern).

    Parameters
    ----------
    func : callable
        A plot function.

    Returns
    -------
    callable
        ``func`` wrapped so that matplotlib deprecation, pending-deprecation and future
        warnings raised from seaborn are ignored while it runs.
    """

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with warnings.catch_warnings():
            for category in (
                matplotlib.MatplotlibDeprecationWarning,
                PendingDeprecationWarning,
                FutureWarning,
            ):
                warnings.filterwarnings("ignore", category=category, module="seaborn")
            return func(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


#: Most runs drawn individually by one plot; more are subsampled (seeded).
MAX_POINTS = 20_000
#: Text style of the notes printed under a plot (e.g. about subsampling).
NOTE_STYLE: dict[str, Any] = {"fontsize": 7, "color": "0.35"}


def ensure_axes(ax: Axes | None, figsize: tuple[float, float] = (7.0, 4.2)) -> Axes:
    """``ax``, or the Axes of a new figure of ``figsize`` when it is None.

    Parameters
    ----------
    ax : Axes or None
        The Axes the caller gave.
    figsize : tuple of float, default (7.0, 4.2)
        Size in inches of the new figure (constrained layout).

    Returns
    -------
    Axes
    """
    if ax is not None:
        return ax
    _, ax = plt.subplots(figsize=figsize, layout="constrained")
    return ax


def detach_figure(fig: Figure) -> Figure:
    """Detach a returned Figure from pyplot under the inline backend (no double display).

    Parameters
    ----------
    fig : Figure
        A figure made with pyplot.

    Returns
    -------
    Figure
        ``fig``, closed in pyplot when the backend is inline (it still draws and saves).
    """
    if "inline" in matplotlib.get_backend().lower():
        plt.close(fig)
    return fig


def figure_of(obj: Axes | Figure) -> Figure:
    """The Figure of an Axes or a Figure (handy for saving what a plot returned).

    Parameters
    ----------
    obj : Axes or Figure
        What a plot function returned.

    Returns
    -------
    Figure
        ``obj`` itself, or the (root) Figure that holds the Axes.
    """
    if isinstance(obj, Figure):
        return obj
    fig = obj.figure
    # an Axes in a SubFigure: its root Figure, the one that can be saved and closed
    return fig if isinstance(fig, Figure) else fig.figure


def _sample_note(shown: int, total: int, seed: int) -> str:
    return f"random sample of {shown:,} of {total:,} runs drawn (seed {seed})"


def sample_size_note(shown: int, total: int, seed: int = 0) -> str:
    """The note the plots print when they subsample (also used by the report).

    Parameters
    ----------
    shown : int
        Runs drawn.
    total : int
        Runs there were.
    seed : int, default 0
        Seed of the sample.

    Returns
    -------
    str

    Examples
    --------
    >>> sample_size_note(100, 2500)
    'random sample of 100 of 2,500 runs drawn (seed 0)'
    """
    return _sample_note(shown, total, seed)


def note_sample(target: Axes | Figure, shown: int, total: int, seed: int) -> None:
    """Say under the plot (or atop the figure) when only a sample of the runs was drawn.

    Parameters
    ----------
    target : Axes or Figure
        Where to write the note: under an Axes, or in a Figure's top right corner.
    shown : int
        Runs drawn.
    total : int
        Runs there were; nothing is written when ``shown >= total``.
    seed : int
        Seed of the sample.
    """
    if shown >= total:
        return
    text = _sample_note(shown, total, seed)
    if isinstance(target, Figure):
        target.text(0.995, 0.995, text, ha="right", va="top", **NOTE_STYLE)
    else:  # under the x axis label, right-aligned: never on top of the title or the data
        target.annotate(
            text,
            xy=(1.0, 0.0),
            xycoords="axes fraction",
            xytext=(0, -34),
            textcoords="offset points",
            ha="right",
            va="top",
            annotation_clip=False,
            **NOTE_STYLE,
        )


def empty_axes(ax: Axes, message: str) -> Axes:
    """An Axes that shows ``message`` instead of data (nothing to draw).

    Parameters
    ----------
    ax : Axes
        The Axes; its ticks are removed.
    message : str
        The text shown in its centre.

    Returns
    -------
    Axes
        ``ax``.
    """
    ax.text(
        0.5, 0.5, message, ha="center", va="center", transform=ax.transAxes, color="0.4", wrap=True
    )
    ax.set_xticks([])
    ax.set_yticks([])
    return ax


def finite_rows(data: pd.DataFrame, *columns: str) -> pd.DataFrame:
    """Rows of ``data`` with finite values in the numeric ``columns``, as floats.

    Parameters
    ----------
    data : DataFrame
        The rows.
    *columns : str
        Columns converted to floats (anything not a number becomes NaN).

    Returns
    -------
    DataFrame
        The rows whose ``columns`` are all finite, those columns as floats.
    """
    out = data.copy() if columns else data
    keep = np.ones(len(out), dtype=bool)
    for c in columns:
        v = pd.to_numeric(out[c], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        out[c] = v
        keep &= np.isfinite(v)
    return out[keep]


def with_levels(
    data: pd.DataFrame, column: str | None, max_levels: int = 12
) -> tuple[pd.DataFrame, list[str] | None]:
    """``data`` with ``column`` as level labels (:func:`scanlab.analysis.as_levels`) and their
    order; ``data`` and None when ``column`` is None.

    Parameters
    ----------
    data : DataFrame
        The rows.
    column : str or None
        The column to turn into levels.
    max_levels : int, default 12
        Most levels (see :func:`scanlab.analysis.as_levels`).

    Returns
    -------
    data : DataFrame
        A copy with ``column`` replaced by its labels (``data`` itself when ``column`` is
        None).
    order : list of str or None
        The labels in axis order.
    """
    if column is None:
        return data, None
    labels, order = an.as_levels(data[column], max_levels)
    data = data.copy()
    data[column] = labels.to_numpy()
    return data, order


def check_column(data: pd.DataFrame, column: str | None, role: str) -> None:
    """Raise :class:`AnalysisError` naming the argument ``role`` unless ``column`` exists.

    Parameters
    ----------
    data : DataFrame
        The runs.
    column : str or None
        The column asked for; None is always accepted.
    role : str
        The argument that named it (``'x'``, ``'hue'``, ...), for the message.

    Raises
    ------
    AnalysisError
        When ``column`` is not a column of ``data``.
    """
    if column is not None and column not in data.columns:
        raise an.AnalysisError(
            rule_message(
                f"`{role}`",
                "must be a column of the results",
                column,
                f"use one of: {', '.join(map(str, data.columns))}",
            )
        )
