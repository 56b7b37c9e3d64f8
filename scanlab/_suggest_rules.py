"""The rules behind :func:`scanlab.suggest`: match result values to the params dict, count
each value's runs and top runs, test each parameter, and decide drop / fix / narrow / keep.

Pure functions over NumPy arrays and the results DataFrame; the public function, its inputs
and its output live in :mod:`scanlab.suggest`.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from scanlab import analysis as an
from scanlab.space import value_label

__all__ = ["COST_LIKE", "decide", "param_tests", "value_codes", "value_stats"]

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


def _result_label(value: Any) -> str:
    """The label of a value read back from a results table."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return "None"
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value))
    if isinstance(value, str):
        return value
    return value_label(value)


def _as_number(value: Any) -> float | None:
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
        if not isinstance(v, str) and (num := _as_number(v)) is not None
    ]
    raw_codes, uniques = pd.factorize(column.astype(object), use_na_sentinel=False)
    mapping = np.full(len(uniques), -1, dtype=np.int64)
    for j, raw in enumerate(uniques):
        index = by_label.get(_result_label(raw))
        if index is None:
            number = _as_number(raw)
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
        Arrays of length ``k``: ``runs``, ``ok``, ``top`` (counts), ``mean`` and ``median``
        of the metric (NaN for a value without an ok run).
    """
    in_grid = codes >= 0
    runs = np.bincount(codes[in_grid], minlength=k)
    ok_codes = codes[judged]
    valid = ok_codes >= 0
    ok = np.bincount(ok_codes[valid], minlength=k)
    tops = np.bincount(ok_codes[valid & top], minlength=k)
    mean = np.full(k, np.nan)
    median = np.full(k, np.nan)
    for i in np.flatnonzero(ok):
        part = y[ok_codes == i]
        mean[i], median[i] = float(np.mean(part)), float(np.median(part))
    return {"runs": runs, "ok": ok, "top": tops, "mean": mean, "median": median}


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


def _cost_direction(name: str, cost: Mapping[str, str | None] | None) -> str | None:
    if cost is not None and name in cost:
        return cost[name]
    low = name.lower()
    return next((direction for fragment, direction in COST_LIKE if fragment in low), None)


def _fmt(value: float) -> str:
    return "nan" if value is None or math.isnan(value) else f"{value:.3g}"


def _test_words(tests: dict[str, Any]) -> str:
    parts = []
    if not math.isnan(tests["rho_p"]):
        parts.append(f"spearman rho={_fmt(tests['rho'])} p={_fmt(tests['rho_p'])}")
    if not math.isnan(tests["kw_p"]):
        parts.append(f"kruskal eps2={_fmt(tests['eps2'])} p={_fmt(tests['kw_p'])}")
    return "; ".join(parts) or "no test (one value tried, or too few runs)"


def _no_effect(tests: dict[str, Any], p_threshold: float, max_effect: float) -> bool:
    ps = [p for p in (tests["rho_p"], tests["kw_p"]) if not math.isnan(p)]
    if not ps:
        return False
    small_rho = math.isnan(tests["rho"]) or abs(tests["rho"]) < max_effect
    small_eps = math.isnan(tests["eps2"]) or tests["eps2"] < max_effect**2
    return all(p > p_threshold for p in ps) and small_rho and small_eps


def _best_index(candidates: list[int], stats: dict[str, np.ndarray], minimize: bool) -> int:
    """The candidate with the best median, then the best top rate, then the first."""

    def key(i: int) -> tuple[float, float, int]:
        median = stats["median"][i]
        rate = stats["top"][i] / stats["ok"][i] if stats["ok"][i] else 0.0
        if math.isnan(median):
            return (math.inf, -rate, i)
        return (median if minimize else -median, -rate, i)

    return min(candidates, key=key)


def decide(
    name: str,
    values: list,
    labels: list[str],
    stats: dict[str, np.ndarray],
    tests: dict[str, Any],
    minimize: bool,
    quantile: float,
    n_top: int,
    min_runs: int,
    p_threshold: float,
    max_effect: float,
    cost: Mapping[str, str | None] | None,
) -> dict[str, Any]:
    """Decide one parameter: keep, drop values, narrow or fix (see :func:`scanlab.suggest`).

    Parameters
    ----------
    name : str
        The parameter.
    values, labels : list
        Its values in the params dict, and their labels.
    stats : dict of ndarray
        :func:`value_stats` of its values.
    tests : dict
        :func:`param_tests` of the parameter.
    minimize : bool
        Whether lower values of the metric are better.
    quantile : float
        The top quantile (for the reason's wording).
    n_top : int
        Runs in the top quantile (unused).
    min_runs : int
        Runs a value needs before it can be dropped or count toward fixing.
    p_threshold, max_effect : float
        The "no detectable effect" rule of :func:`scanlab.suggest`.
    cost : mapping or None
        ``{param: 'min' | 'max' | None}`` overriding :data:`COST_LIKE`.

    Returns
    -------
    dict
        ``kind`` (``keep``, ``drop values``, ``narrow``, ``fix``), ``kept`` (indices of the
        kept values), ``status`` (an object array, one status per value) and ``reason``.
    """
    k = len(values)
    runs, tops = stats["runs"], stats["top"]
    enough = runs >= min_runs
    status = np.where(runs == 0, "untried", np.where(enough, "kept", "too few runs"))
    status = status.astype(object)
    top_words = f"top {quantile:.0%}"
    words = _test_words(tests)

    def result(kind: str, kept: list[int], reason: str) -> dict[str, Any]:
        final = status.copy()
        for i in range(k):
            if i not in kept:
                final[i] = "dropped"
        return {"kind": kind, "kept": kept, "status": final, "reason": reason}

    def number(i: int) -> float:
        """``values[i]`` as a float; asked only of values known to be numbers."""
        x = _as_number(values[i])
        assert x is not None
        return x

    everything = list(range(k))
    if k == 1:
        return result("keep", everything, "a single value: nothing to decide")
    if runs.sum() == 0:
        return result("keep", everything, "no run used any of these values: no evidence, all kept")
    no_evidence = [i for i in range(k) if not enough[i]]
    spare = (
        f"; kept untried / thin: {', '.join(labels[i] for i in no_evidence)}" if no_evidence else ""
    )
    candidates = [i for i in range(k) if enough[i] and stats["ok"][i] > 0]
    if len(candidates) >= 2 and _no_effect(tests, p_threshold, max_effect):
        direction = _cost_direction(name, cost)
        numeric = [
            i
            for i in candidates
            if _as_number(values[i]) is not None and not isinstance(values[i], str)
        ]
        if direction is not None and len(numeric) == len(candidates):
            pick = (min if direction == "min" else max)(candidates, key=number)
            why = (
                f"its cheapest value {labels[pick]} (cost-like: "
                f"{'smaller' if direction == 'min' else 'larger'} is cheaper)"
            )
        else:
            pick = _best_index(candidates, stats, minimize)
            why = f"its best value {labels[pick]} (median {_fmt(stats['median'][pick])})"
        kept = sorted([pick, *no_evidence])
        kind = "fix" if len(kept) == 1 else "drop values"
        return result(kind, kept, f"no detectable effect ({words}): fixed to {why}{spare}")

    losers = [i for i in range(k) if enough[i] and tops[i] == 0]
    numeric_param = all(_as_number(v) is not None and not isinstance(v, str) for v in values)
    kind = "drop values"
    inside = ""
    if numeric_param and k >= 2:
        in_top = [i for i in range(k) if tops[i] > 0]
        if in_top:
            lo = min(in_top, key=number)
            hi = max(in_top, key=number)
            low, high = number(lo), number(hi)
            losers = [i for i in losers if not low <= number(i) <= high]
            kind = "narrow"
            inside = f"{top_words} runs lie in [{labels[lo]}, {labels[hi]}]; "
    kept = [i for i in range(k) if i not in losers]
    if not kept:
        pick = _best_index(candidates or everything, stats, minimize)
        return result(
            "fix",
            [pick],
            f"no value reached the {top_words} (the top runs used values no longer "
            f"in params): kept the best median, {labels[pick]} ({words})",
        )
    if not losers:
        if no_evidence and len(no_evidence) == k:
            reason = f"every value tried fewer than {min_runs} times: too few runs to judge"
        else:
            reason = (
                f"{inside}every value tried {min_runs}+ times has runs in the "
                f"{top_words} ({words}){spare}"
            )
        return result("keep", everything, reason)
    dropped = ", ".join(f"{labels[i]} (0 of {runs[i]} runs)" for i in losers)
    return result(kind, kept, f"{inside}dropped {dropped} in the {top_words} ({words}){spare}")
