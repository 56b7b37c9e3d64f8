"""Small helpers shared by the analysis modules: best-first positions, short value labels,
numeric columns and a metric's direction."""

from __future__ import annotations

from typing import Any

import numpy as np

from scanlab._metric_names import is_loss_like
from scanlab._schema import is_numeric

__all__ = ["best_first", "is_numeric", "resolve_minimize", "short_label"]


def best_first(values: np.ndarray, minimize: bool, k: int | None = None) -> np.ndarray:
    """Positions of the best values first (stable: ties keep run order); NaN excluded.

    Parameters
    ----------
    values : ndarray of float
        The metric values.
    minimize : bool
        Whether lower is better.
    k : int, optional
        Return only the ``k`` best positions; default: all non-NaN positions.

    Returns
    -------
    ndarray of int
        Positions into ``values``, best first.

    Examples
    --------
    >>> best_first(np.array([0.3, np.nan, 0.1, 0.2]), minimize=True).tolist()
    [2, 3, 0]
    """
    finite = np.flatnonzero(~np.isnan(values))
    key = values[finite] if minimize else -values[finite]
    if k is not None and k < len(finite):
        # partial selection first: O(n) instead of a full sort for big tables
        kth = np.partition(key, k - 1)[k - 1]
        keep = key <= kth
        finite, key = finite[keep], key[keep]
    order = finite[np.argsort(key, kind="stable")]
    return order if k is None else order[:k]


def short_label(value: Any) -> str:
    """A parameter value as a short label: 4 significant digits for floats.

    Parameters
    ----------
    value : object
        The value.

    Returns
    -------
    str
        ``'True'`` / ``'False'`` for booleans, the integer for ints, ``f"{value:.4g}"`` for
        floats, else ``str(value)``.

    Examples
    --------
    >>> short_label(0.000123456), short_label(np.int64(8)), short_label(True), short_label('relu')
    ('0.0001235', '8', 'True', 'relu')
    """
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value))
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        return f"{float(value):.4g}"
    return str(value)


def resolve_minimize(metric: str, minimize: bool | None) -> bool:
    """``minimize`` when given, else the direction the rulebook reads from the metric's name.

    Parameters
    ----------
    metric : str
        The metric's name.
    minimize : bool or None
        The direction, when known.

    Returns
    -------
    bool
        Whether lower values of ``metric`` are better.

    Examples
    --------
    >>> resolve_minimize('val_loss', None), resolve_minimize('val_loss', False)
    (True, False)
    """
    return is_loss_like(metric) if minimize is None else bool(minimize)
