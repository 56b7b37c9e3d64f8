"""How parameters relate to a metric: a rank test per parameter, per-value correlations and
summaries, and the correlation matrix of parameters and metrics.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from scanlab.analysis._helpers import is_numeric, resolve_minimize
from scanlab.analysis._ranks import (
    average_ranks,
    check_method,
    code_rank_corr,
    corr_pvalue,
    factorize,
    kendall,
    kruskal,
    sortable,
)
from scanlab.analysis.best import top_mask
from scanlab.analysis.distributions import as_levels
from scanlab.analysis.runs import metric_ok, metric_values, require_ok

__all__ = ["corr_matrix", "correlations", "value_correlations", "value_summary"]


_CORR_COLUMNS = [
    "param",
    "kind",
    "test",
    "correlation",
    "statistic",
    "p_value",
    "effect_size",
    "strength",
    "n",
    "n_values",
]


def correlations(
    data: pd.DataFrame,
    metric: str,
    params: Sequence[str],
    method: str = "spearman",
) -> pd.DataFrame:
    """How each parameter relates to ``metric`` over the ok runs.

    * numeric parameters: rank correlation, Spearman's rho (default) or Kendall's tau-b, with
      its two-sided p-value;
    * categorical parameters (strings such as optimizer or activation names, booleans mixed
      with strings, ...): a rank has no meaning, so the Kruskal-Wallis H test of "the metric's
      distribution is the same for every value" with its p-value and the effect size
      epsilon-squared = H / (n - 1) (0 = no effect, 1 = the value decides the rank);
    * parameters with a single value: ``kind='constant'``, no test.

    Runs with a missing metric or parameter value are left out (pairwise); ``n`` is the
    number of runs used and ``n_values`` the number of distinct parameter values.

    Parameters
    ----------
    data : DataFrame
        The runs (failed ones are ignored).
    metric : str
        Metric column.
    params : sequence of str
        Parameter columns.
    method : {'spearman', 'kendall'}
        Rank correlation for numeric parameters.

    Returns
    -------
    DataFrame
        One row per parameter with the columns ``param``, ``kind`` (numeric, categorical,
        constant), ``test`` (spearman, kendall, kruskal or None), ``correlation`` (rho or
        tau; NaN for categorical), ``statistic`` (rho, tau or H), ``p_value``,
        ``effect_size`` (epsilon-squared; NaN for numeric), ``strength`` (``|correlation|``
        or ``sqrt(epsilon-squared)``, both in [0, 1] and equal for a two-valued parameter),
        ``n`` and ``n_values``; sorted by ``strength``, strongest first.

    Examples
    --------
    >>> df = pd.DataFrame({'lr': [1, 2, 3, 4], 'opt': ['a', 'a', 'b', 'b'],
    ...                    'acc': [0.1, 0.2, 0.3, 0.4]})
    >>> c = correlations(df, 'acc', ['lr', 'opt'])
    >>> c[['param', 'test', 'strength']].round(3).to_dict('list')
    {'param': ['lr', 'opt'], 'test': ['spearman', 'kruskal'], 'strength': [1.0, 0.894]}
    """
    check_method(method)
    ok, y = metric_ok(data, metric, list(params))
    y_ranks, y_ties = average_ranks(y)
    rows = []
    for name in params:
        col = ok[name]
        codes, uniques = factorize(col)
        valid = codes >= 0
        all_valid = bool(valid.all())
        if not all_valid:
            codes = codes[valid]
        n = len(codes)
        row: dict[str, Any] = dict.fromkeys(_CORR_COLUMNS, math.nan)
        row.update(param=name, n=n, n_values=len(uniques), test=None)
        if len(uniques) <= 1:
            row["kind"] = "constant"
        elif is_numeric(col) or pd.api.types.is_bool_dtype(col.dtype):
            row["kind"] = "numeric"
            row["test"] = method
            if method == "spearman":
                yr = y_ranks if all_valid else average_ranks(y[valid])[0]
                r = code_rank_corr(codes, len(uniques), yr)
                p = corr_pvalue(r, n)
            else:
                xv = col.to_numpy(dtype=float, na_value=np.nan)
                r, p = kendall(xv[valid], y[valid])
            row.update(correlation=r, statistic=r, p_value=p, strength=abs(r))
        else:
            row["kind"] = "categorical"
            row["test"] = "kruskal"
            yr, ties = (y_ranks, y_ties) if all_valid else average_ranks(y[valid])
            h, p, _ = kruskal(codes, yr, ties)
            eps2 = min(h / (n - 1), 1.0) if n > 1 and not math.isnan(h) else math.nan
            row.update(
                statistic=h,
                p_value=p,
                effect_size=eps2,
                strength=math.sqrt(eps2) if not math.isnan(eps2) else math.nan,
            )
        rows.append(row)
    out = pd.DataFrame(rows, columns=_CORR_COLUMNS)
    out = out.sort_values(
        ["strength", "param"], ascending=[False, True], na_position="last", kind="stable"
    ).reset_index(drop=True)
    return out.astype({"n": int, "n_values": int})


def value_correlations(
    data: pd.DataFrame,
    metric: str,
    params: Sequence[str],
    method: str = "spearman",
    max_values: int = 50,
) -> pd.DataFrame:
    """Correlation of each parameter *value* (one-hot indicator) with ``metric``.

    For every value ``v`` of every parameter, the indicator ``param == v`` is correlated with
    the metric over the ok runs (Spearman, the default, Kendall, or Pearson on the raw metric),
    as Talos's reducer does.
    A positive correlation means runs with that value tend to have *higher* metric values
    (better when maximizing, worse when minimizing). Parameters with one value, or more than
    ``max_values`` values, are skipped.

    Parameters
    ----------
    data : DataFrame
        The runs (failed ones are ignored).
    metric : str
        Metric column.
    params : sequence of str
        Parameter columns.
    method : {'spearman', 'kendall', 'pearson'}
        The correlation.
    max_values : int, default 50
        Parameters with more distinct values are skipped.

    Returns
    -------
    DataFrame
        ``param``, ``value``, ``n`` (runs with that value), ``correlation``, ``p_value``;
        ordered by parameter name, then value.

    Examples
    --------
    >>> df = pd.DataFrame({'opt': ['a', 'a', 'b', 'b'], 'acc': [0.1, 0.2, 0.3, 0.4]})
    >>> value_correlations(df, 'acc', ['opt'])[['value', 'correlation']].round(3).to_dict('list')
    {'value': ['a', 'b'], 'correlation': [-0.894, 0.894]}
    """
    check_method(method, ("spearman", "kendall", "pearson"))
    ok, y = metric_ok(data, metric, list(params))
    y_ranks = average_ranks(y)[0] if method == "spearman" else y
    rows = []
    for name in sorted(params):
        codes, uniques = factorize(ok[name])
        valid = codes >= 0
        codes = codes[valid]
        k = len(uniques)
        if k <= 1 or k > max_values:
            continue
        n = len(codes)
        if method in ("spearman", "pearson"):  # of the indicator with the ranks / the values
            if valid.all():
                yr = y_ranks
            else:
                yr = average_ranks(y[valid])[0] if method == "spearman" else y[valid]
            sizes = np.bincount(codes, minlength=k).astype(float)
            sums = np.bincount(codes, weights=yr, minlength=k)
            share = sizes / n
            var_y = float(np.var(yr))
            with np.errstate(divide="ignore", invalid="ignore"):
                cov = sums / n - yr.mean() * share
                r = cov / np.sqrt(var_y * share * (1 - share))
            r = np.clip(r, -1.0, 1.0)
            for j in range(k):
                rj = float(r[j]) if var_y > 0 else math.nan
                rows.append((name, uniques[j], int(sizes[j]), rj, corr_pvalue(rj, n)))
        else:
            yv = y if valid.all() else y[valid]
            for j in range(k):
                ind = (codes == j).astype(float)
                r, p = kendall(ind, yv)
                rows.append((name, uniques[j], int(ind.sum()), r, p))
    out = pd.DataFrame(rows, columns=["param", "value", "n", "correlation", "p_value"])
    out["value"] = out["value"].astype(object)
    return out


def value_summary(
    data: pd.DataFrame,
    metric: str,
    params: Sequence[str],
    minimize: bool | None = None,
    top_quantile: float = 0.1,
) -> pd.DataFrame:
    """Per parameter value: count, mean, median, std of ``metric`` and the top-quantile shares.

    ``top_share`` is the fraction of the top-quantile runs (see :func:`top_mask`) that have
    this value (it sums to 1 over a parameter's values); ``top_rate`` is the fraction of this
    value's runs that are in the top quantile. Missing parameter values form their own group
    (value NaN).

    Parameters
    ----------
    data : DataFrame
        The runs (failed ones are ignored).
    metric : str
        Metric column.
    params : sequence of str
        Parameter columns.
    minimize : bool, optional
        Whether lower is better; default: inferred from the metric's name.
    top_quantile : float, default 0.1
        Share of the best runs that counts as the top.

    Returns
    -------
    DataFrame
        ``param``, ``value``, ``count``, ``mean``, ``median``, ``std``, ``top_share``,
        ``top_rate``; ordered by parameter name, then value.

    Examples
    --------
    >>> df = pd.DataFrame({'opt': ['a', 'a', 'b', 'b'], 'acc': [0.1, 0.2, 0.3, 0.4]})
    >>> value_summary(df, 'acc', ['opt'], top_quantile=0.5)[['value', 'mean', 'top_share']].to_dict('list')
    {'value': ['a', 'b'], 'mean': [0.15000000000000002, 0.35], 'top_share': [0.0, 1.0]}
    """
    minimize_ = resolve_minimize(metric, minimize)
    ok, y = metric_ok(data, metric, list(params))
    top = top_mask(y, top_quantile, minimize_)
    n_top = max(int(top.sum()), 1)
    frames = []
    for name in sorted(params):
        frame = pd.DataFrame({"value": sortable(ok[name]).to_numpy(), "y": y, "top": top})
        g = frame.groupby("value", sort=True, dropna=False)
        part = g["y"].agg(["count", "mean", "median", "std"])
        tops = g["top"].sum()
        part["top_share"] = tops / n_top
        part["top_rate"] = tops / part["count"]
        part = part.reset_index()
        part.insert(0, "param", name)
        part["value"] = part["value"].astype(object)
        frames.append(part)
    if not frames:
        return pd.DataFrame(
            columns=["param", "value", "count", "mean", "median", "std", "top_share", "top_rate"]
        )
    out = pd.concat(frames, ignore_index=True)
    return out.astype({"count": int})


def _encode_params(
    frame: pd.DataFrame, params: Sequence[str], max_levels: int | None = None
) -> pd.DataFrame:
    """Numeric params as they are; categorical ones as one-hot ``name=value`` columns."""
    cols: dict[str, np.ndarray] = {}
    for name in params:
        col = frame[name]
        if is_numeric(col) or pd.api.types.is_bool_dtype(col.dtype):
            cols[name] = col.to_numpy(dtype=float, na_value=np.nan)
            continue
        labels, order = as_levels(col, max_levels or 10**9)
        for level in order:
            cols[f"{name}={level}"] = (labels == level).to_numpy(dtype=float)
    return pd.DataFrame(cols, index=frame.index)


def corr_matrix(
    data: pd.DataFrame,
    columns: Sequence[str],
    metrics: Sequence[str] = (),
    method: str = "spearman",
    max_levels: int = 8,
) -> pd.DataFrame:
    """Rank-correlation matrix of parameters and metrics over the ok runs.

    Numeric parameters enter as they are; categorical ones as one-hot ``name=value`` columns
    (at most ``max_levels`` per parameter, see :func:`as_levels`); constant columns are
    dropped.

    Parameters
    ----------
    data : DataFrame
        The runs (failed ones are ignored).
    columns : sequence of str
        Parameter columns.
    metrics : sequence of str, default ()
        Metric columns, added after the parameters.
    method : {'spearman', 'kendall'}
        The rank correlation.
    max_levels : int, default 8
        Most one-hot columns per categorical parameter; rarer values are pooled as
        ``other``.

    Returns
    -------
    DataFrame
        The square correlation matrix, indexed and labelled by the non-constant columns.

    Examples
    --------
    >>> df = pd.DataFrame({'lr': [1, 2, 3], 'opt': ['a', 'b', 'b'], 'acc': [1.0, 2.0, 3.0]})
    >>> corr_matrix(df, ['lr', 'opt'], ['acc']).columns.tolist()
    ['lr', 'opt=a', 'opt=b', 'acc']
    """
    check_method(method)
    ok = require_ok(data)
    frame = _encode_params(ok, columns, max_levels)
    for m in metrics:
        frame[m] = metric_values(ok, m)
    frame = frame.loc[:, frame.nunique() > 1]
    return frame.corr(method=method)
