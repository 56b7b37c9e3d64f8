"""The evidence behind :func:`scanlab.suggest`: match result values to the params dict, count
each value's runs and top runs, and test each parameter against the metric.

Pure functions over NumPy arrays and the results DataFrame; the decisions taken from this
evidence live in :mod:`scanlab._suggest_decide`, the public function, its inputs and its
output in :mod:`scanlab.suggest`.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from scanlab import analysis as an
from scanlab._metric_names import fold_columns
from scanlab.space import value_label

__all__ = [
    "COST_LIKE",
    "as_number",
    "cost_direction",
    "param_tests",
    "result_label",
    "scales",
    "value_codes",
    "value_stats",
]

#: Name fragments of *cost-like* parameters and which end of their range is cheapest:
#: fewer epochs, narrower or shallower networks (neurons, units, layers, width, depth,
#: filters) cost less; a larger batch size costs less per epoch (fewer steps). A parameter
#: with no detectable effect whose (lower-cased) name contains one of these fragments is
#: fixed to its cheapest value; any other one to its best value. ``suggest(cost=...)``
#: overrides the rule per parameter.
COST_LIKE: tuple[tuple[str, str], ...] = (
    ("epoch", "min"),
    ("batch", "max"),
    ("neuron", "min"),
    ("unit", "min"),
    ("layer", "min"),
    ("width", "min"),
    ("depth", "min"),
    ("filter", "min"),
)


def result_label(value: Any) -> str:
    """The label of a value read back from a results table.

    Examples
    --------
    >>> result_label(None), result_label(True), result_label('Adam'), result_label(16)
    ('None', 'True', 'Adam', '16')
    """
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return "None"
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value))
    if isinstance(value, str):
        return value
    return value_label(value)


def as_number(value: Any) -> float | None:
    """``value`` as a finite float, or None (booleans, text that is no number, NaN, inf)."""
    if isinstance(value, (bool, np.bool_)) or value is None:
        return None
    if isinstance(value, numbers.Real):
        number = float(value)
    elif isinstance(value, str):
        try:
            number = float(value)
        except ValueError:
            return None
    else:
        return None
    return number if math.isfinite(number) else None


def value_codes(column: pd.Series, values: list) -> np.ndarray:
    """Index into ``values`` of each row's value (-1: not one of ``values``).

    A row matches a value when their labels are equal (``'Adam'``, ``'None'``, ``'True'``)
    or, failing that, when both are numbers and equal (``16`` and ``16.0``).

    Parameters
    ----------
    column : Series
        A parameter column of the results.
    values : list
        The parameter's values in the params dict.

    Returns
    -------
    ndarray of int64
        One code per row of ``column``.

    Examples
    --------
    >>> value_codes(pd.Series([16.0, 'x', None, 8]), [8, 16, None]).tolist()
    [1, -1, 2, 0]
    """
    labels = [value_label(v) for v in values]
    by_label = {label: i for i, label in enumerate(labels)}
    numbers_ = [
        (i, num)
        for i, v in enumerate(values)
        if not isinstance(v, str) and (num := as_number(v)) is not None
    ]
    raw_codes, uniques = pd.factorize(column.astype(object), use_na_sentinel=False)
    mapping = np.full(len(uniques), -1, dtype=np.int64)
    for j, raw in enumerate(uniques):
        index = by_label.get(result_label(raw))
        if index is None:
            number = as_number(raw)
            if number is not None:
                index = next(
                    (
                        i
                        for i, v in numbers_
                        if math.isclose(v, number, rel_tol=1e-9, abs_tol=1e-12)
                    ),
                    None,
                )
        if index is not None:
            mapping[j] = index
    return mapping[raw_codes] if len(raw_codes) else np.array([], dtype=np.int64)


# --------------------------------------------------------------------------------------------
# Evidence and decisions
# --------------------------------------------------------------------------------------------


def value_stats(
    codes: np.ndarray, judged: np.ndarray, y: np.ndarray, top: np.ndarray, k: int
) -> dict[str, np.ndarray]:
    """Per value: runs recorded, ok runs with a metric, runs in the top, mean and median.

    Parameters
    ----------
    codes : ndarray of int
        Every row's value index (:func:`value_codes`; -1: none of the values).
    judged : ndarray of bool
        Per row: an ok run with a metric value.
    y : ndarray of float
        The metric values of the judged rows.
    top : ndarray of bool
        Per judged row: in the top quantile.
    k : int
        Number of values.

    Returns
    -------
    dict of ndarray
        Arrays of length ``k``: ``runs``, ``ok``, ``top`` (counts), ``mean``, ``median`` and
        ``sd`` (sample standard deviation, ``ddof=1``) of the metric (NaN for a value
        without an ok run; ``sd`` NaN with fewer than two).
    """
    in_grid = codes >= 0
    runs = np.bincount(codes[in_grid], minlength=k)
    ok_codes = codes[judged]
    valid = ok_codes >= 0
    ok = np.bincount(ok_codes[valid], minlength=k)
    tops = np.bincount(ok_codes[valid & top], minlength=k)
    mean = np.full(k, np.nan)
    median = np.full(k, np.nan)
    sd = np.full(k, np.nan)
    for i in np.flatnonzero(ok):
        part = y[ok_codes == i]
        mean[i], median[i] = float(np.mean(part)), float(np.median(part))
        if len(part) >= 2:
            sd[i] = float(np.std(part, ddof=1))
    return {"runs": runs, "ok": ok, "top": tops, "mean": mean, "median": median, "sd": sd}


def _adjusted_eps2(h: float, n: int, k: int) -> float:
    """Epsilon-squared corrected for its bias: E[H] = k - 1 when there is no effect."""
    if math.isnan(h) or n <= k:
        return math.nan
    return max(0.0, (h - (k - 1)) / (n - k))


def param_tests(data: pd.DataFrame, metric: str, name: str, row: pd.Series) -> dict[str, Any]:
    """Spearman (numeric) and Kruskal-Wallis (categorical, or numeric with >= 3 values).

    Parameters
    ----------
    data : DataFrame
        The runs (a ``status`` column, the parameter and ``metric``).
    metric : str
        The metric column.
    name : str
        The parameter column.
    row : Series
        The parameter's row of :func:`scanlab.analysis.correlations` (``kind``, ``n``,
        ``n_values``, ``correlation``, ``statistic``, ``p_value``).

    Returns
    -------
    dict
        ``kind``, ``n``, Spearman ``rho`` and ``rho_p``, bias-corrected epsilon-squared
        ``eps2`` and Kruskal-Wallis ``kw_p``; NaN for a test not run.
    """
    out = {
        "kind": row["kind"],
        "n": int(row["n"]),
        "rho": math.nan,
        "rho_p": math.nan,
        "eps2": math.nan,
        "kw_p": math.nan,
    }
    if row["kind"] == "numeric":
        out["rho"], out["rho_p"] = float(row["correlation"]), float(row["p_value"])
        if int(row["n_values"]) >= 3:
            frame = data[[c for c in ("status", metric) if c in data.columns]].assign(
                **{name: data[name].astype(str).where(data[name].notna())}
            )
            kw = an.correlations(frame, metric, [name]).iloc[0]
            out["eps2"] = _adjusted_eps2(float(kw["statistic"]), int(kw["n"]), int(kw["n_values"]))
            out["kw_p"] = float(kw["p_value"])
    elif row["kind"] == "categorical":
        out["eps2"] = _adjusted_eps2(float(row["statistic"]), int(row["n"]), int(row["n_values"]))
        out["kw_p"] = float(row["p_value"])
    return out


def cost_direction(name: str, cost: Mapping[str, str | None] | None) -> str | None:
    """Which end of parameter ``name`` is cheapest: ``cost``'s say, else :data:`COST_LIKE`'s.

    Examples
    --------
    >>> cost_direction('batch_size', None), cost_direction('lr', None)
    ('max', None)
    >>> cost_direction('first_neuron', {'first_neuron': None}) is None
    True
    """
    if cost is not None and name in cost:
        return cost[name]
    low = name.lower()
    return next((direction for fragment, direction in COST_LIKE if fragment in low), None)


def scales(
    data: pd.DataFrame,
    metric: str,
    y: np.ndarray,
    judged: np.ndarray,
    top: np.ndarray,
    tolerance: float | None,
) -> tuple[float, float, float, bool]:
    """The scales decisions are judged with: tolerance, fold noise, spread, and whether the
    metric lies in [0, 1] (effects then read as percentage points).

    Parameters
    ----------
    data : DataFrame
        The runs.
    metric : str
        The metric column (a fold mean ``mean_<m>`` when cross-validated).
    y : ndarray of float
        The metric values of the judged rows (ok, with a value).
    judged : ndarray of bool
        Per row of ``data``: judged.
    top : ndarray of bool
        Per judged row: in the top quantile.
    tolerance : float or None
        The user's tolerance; None for the default.

    Returns
    -------
    (tolerance, noise_floor, spread, unit_interval)
        ``spread`` is the standard deviation (``ddof=0``) of ``y``; NaN where unknown.

    The fold noise is the median ``std_<m>`` of the top runs when the metric is a fold mean
    (:func:`scanlab._metric_names.fold_columns`); the default tolerance is the standard
    deviation of the metric over the top runs, and at least that noise.

    Examples
    --------
    >>> df = pd.DataFrame({'mean_acc': [0.9, 0.8, 0.7, 0.6], 'std_acc': [0.02, 0.04, 0.0, 0.0],
    ...                    'split0_acc': [0.88, 0.76, 0.7, 0.6]})
    >>> y = df['mean_acc'].to_numpy()
    >>> top = np.array([True, True, False, False])
    >>> [round(x, 4) for x in scales(df, 'mean_acc', y, np.ones(4, bool), top, None)[:3]]
    [0.0707, 0.03, 0.1118]
    """
    _, std_column = fold_columns(metric, data.columns)
    noise = math.nan
    if std_column is not None and metric.startswith("mean_"):
        spreads = pd.to_numeric(data[std_column], errors="coerce").to_numpy(float)[judged][top]
        spreads = spreads[np.isfinite(spreads)]
        noise = float(np.median(spreads)) if len(spreads) else math.nan
    if tolerance is None:
        tops = y[top]
        tolerance = float(np.std(tops, ddof=1)) if len(tops) >= 2 else math.nan
        if not math.isnan(noise):
            tolerance = max(tolerance, noise) if not math.isnan(tolerance) else noise
    unit_interval = bool(len(y)) and float(np.min(y)) >= 0 and float(np.max(y)) <= 1
    spread = float(np.std(y)) if len(y) else math.nan
    return float(tolerance), noise, spread, unit_interval
