"""The runs as distribution plots show them: a column as ordered levels (categories or
bins) and a seeded sample of rows.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from scanlab.analysis._helpers import is_numeric, short_label

__all__ = ["as_levels", "subsample"]


def as_levels(series: pd.Series, max_levels: int = 12) -> tuple[pd.Series, list[str]]:
    """Labels and their order for using a column as a categorical axis, hue or panel.

    Values keep their natural order (numbers numerically, strings alphabetically) and are
    written as short strings; missing values become ``'None'``. A numeric column with more
    than ``max_levels`` distinct values is cut into ``max_levels`` quantile bins; a
    categorical one keeps its ``max_levels - 1`` most frequent values and pools the rest as
    ``'other'``.

    Parameters
    ----------
    series : Series
        The column.
    max_levels : int, default 12
        Most levels before binning (numeric) or pooling (categorical).

    Returns
    -------
    labels : Series of str
        One label per row, with ``series``'s index.
    order : list of str
        The distinct labels in axis order, ``'None'`` last when a value is missing.

    Examples
    --------
    >>> labels, order = as_levels(pd.Series([0.001, 0.01, 0.001, None]))
    >>> labels.tolist(), order
    (['0.001', '0.01', '0.001', 'None'], ['0.001', '0.01', 'None'])
    """
    s = series
    if s.nunique(dropna=True) > max_levels:
        if is_numeric(s):
            bins = pd.qcut(s, max_levels, duplicates="drop")
            cats = bins.cat.categories
            names = [f"{short_label(iv.left)}–{short_label(iv.right)}" for iv in cats]
            mapping = dict(zip(cats, names, strict=True))
            labels = bins.map(mapping).astype(object)
            labels = labels.where(labels.notna(), "None")
            order = names + (["None"] if s.isna().any() else [])
            return labels.astype(str), order
        top = s.value_counts().index[: max_levels - 1]
        s = s.where(s.isin(top) | s.isna(), "other")
    uniques = pd.unique(s.dropna())
    try:
        uniques = sorted(uniques, key=lambda v: (v == "other", v))
    except TypeError:
        uniques = sorted(uniques, key=lambda v: (v == "other", str(v)))
    label_of = {v: short_label(v) for v in uniques}
    labels = s.map(label_of).astype(object)
    labels = labels.where(s.notna(), "None")
    order = list(dict.fromkeys(label_of.values()))
    if s.isna().any():
        order.append("None")
    return labels.astype(str), order


def subsample(data: pd.DataFrame, max_rows: int, seed: int = 0) -> tuple[pd.DataFrame, int]:
    """At most ``max_rows`` rows, drawn at random (seeded) in their original order.

    Parameters
    ----------
    data : DataFrame
        The rows.
    max_rows : int
        Most rows to keep.
    seed : int, default 0
        Seed of the draw.

    Returns
    -------
    rows : DataFrame
        ``data`` itself when it has at most ``max_rows`` rows, else the drawn rows.
    total : int
        The original number of rows (so a caller can say "showing m of n").

    Examples
    --------
    >>> part, total = subsample(pd.DataFrame({'a': range(10)}), 3, seed=1)
    >>> len(part), total
    (3, 10)
    """
    n = len(data)
    if n <= max_rows:
        return data, n
    pick = np.sort(np.random.default_rng(seed).choice(n, max_rows, replace=False))
    return data.iloc[pick], n
