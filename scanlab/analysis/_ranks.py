"""Rank statistics shared by the correlation functions: average ranks, rank correlation of
codes, Kendall's tau, Kruskal-Wallis H, their p-values, and the method check.

``scipy.stats`` is imported where it is used (it costs 0.4 s to import).
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np
import pandas as pd

from scanlab.errors import AnalysisError, rule_message

__all__ = [
    "average_ranks",
    "check_method",
    "code_rank_corr",
    "corr_pvalue",
    "factorize",
    "kendall",
    "kruskal",
    "sortable",
]


def average_ranks(values: np.ndarray) -> tuple[np.ndarray, float]:
    """1-based average ranks of finite numeric values and the tie term sum(t**3 - t).

    Examples
    --------
    >>> ranks, ties = average_ranks(np.array([0.3, 0.1, 0.3]))
    >>> ranks.tolist(), ties
    ([2.5, 1.0, 2.5], 6.0)
    """
    values = np.asarray(values, dtype=float)
    order = np.argsort(values, kind="stable")
    ordered = values[order]
    first = np.r_[True, ordered[1:] != ordered[:-1]] if len(values) else np.array([], bool)
    group = np.cumsum(first) - 1
    counts = np.bincount(group).astype(float) if len(values) else np.array([])
    avg = np.cumsum(counts) - (counts - 1) / 2
    ranks = np.empty(len(values))
    ranks[order] = avg[group]
    return ranks, float(np.sum(counts**3 - counts))


def code_rank_corr(codes: np.ndarray, k: int, y_ranks: np.ndarray) -> float:
    """Pearson correlation of the average ranks of coded values with ``y_ranks``.

    The x ranks take one value per code, so the sums run over the k groups (one pass
    over the runs instead of four full-length array operations).
    """
    counts = np.bincount(codes, minlength=k).astype(float)
    x_rank = np.cumsum(counts) - (counts - 1) / 2
    sums = np.bincount(codes, weights=y_ranks, minlength=k)
    n = len(codes)
    x_mean = float(np.dot(counts, x_rank)) / n
    y_mean = float(y_ranks.mean())
    dx = x_rank - x_mean
    cov = float(np.dot(dx, sums - counts * y_mean))
    var_x = float(np.dot(counts, dx * dx))
    yc = y_ranks - y_mean
    var_y = float(np.dot(yc, yc))
    if var_x <= 0 or var_y <= 0:
        return math.nan
    return max(-1.0, min(1.0, cov / math.sqrt(var_x * var_y)))


def factorize(col: pd.Series) -> tuple[np.ndarray, Any]:
    """Codes into the sorted distinct values (-1 for missing); mixed types sort as text."""
    try:
        return pd.factorize(col, sort=True)
    except TypeError:
        return pd.factorize(sortable(col), sort=True)


def sortable(col: pd.Series) -> pd.Series:
    """The column, or its values as strings when they mix types that cannot be sorted."""
    if col.dtype != object:
        return col
    kinds = {type(v) for v in col.dropna()}
    if len(kinds) <= 1 or all(issubclass(k, (int, float, np.number)) for k in kinds):
        return col
    return col.astype(str).where(col.notna())


def corr_pvalue(r: float, n: int) -> float:
    """Two-sided p-value of a (rank) correlation by the t approximation (as scipy.spearmanr)."""
    from scipy import stats  # scipy.stats costs 0.4 s to import: only when used

    if n < 3 or math.isnan(r):
        return math.nan
    if abs(r) >= 1:
        return 0.0
    t = r * math.sqrt((n - 2) / ((1 - r) * (1 + r)))
    return float(2 * stats.t.sf(abs(t), n - 2))


def kendall(x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    from scipy import stats  # scipy.stats costs 0.4 s to import: only when used

    if len(x) < 2:
        return math.nan, math.nan
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = stats.kendalltau(x, y)
    return float(res.statistic), float(res.pvalue)


def kruskal(codes: np.ndarray, ranks: np.ndarray, ties: float) -> tuple[float, float, int]:
    """Kruskal-Wallis H (tie-corrected), its p-value and the number of groups."""
    from scipy import stats  # scipy.stats costs 0.4 s to import: only when used

    n = len(ranks)
    sizes = np.bincount(codes)
    sums = np.bincount(codes, weights=ranks)
    present = sizes > 0
    k = int(present.sum())
    correction = 1 - ties / (n**3 - n) if n > 1 else 0.0
    if k < 2 or correction <= 0:
        return math.nan, math.nan, k
    h = 12.0 / (n * (n + 1)) * float(np.sum(sums[present] ** 2 / sizes[present])) - 3 * (n + 1)
    h = max(h / correction, 0.0)
    return h, float(stats.chi2.sf(h, k - 1)), k


def check_method(method: str, allowed: tuple[str, ...] = ("spearman", "kendall")) -> str:
    if method not in allowed:
        raise AnalysisError(
            rule_message(
                "method",
                f"must be one of {list(allowed)}",
                method,
                "use 'spearman' (rank correlation, the default) or 'kendall'",
            )
        )
    return method
