"""The decisions behind :func:`scanlab.suggest`: keep, drop values, narrow, keep a small set
or fix one parameter, each only on evidence the runs had the power to give.

Absence of evidence is not evidence of absence: a parameter is fixed only when its tests
could have detected an effect larger than the tolerance (:func:`param_power`); otherwise its
best few values are kept. A value is dropped only when its runs were enough to show it would
reach the top had it been as good as the rest, or its shortfall is significant, and (with
folds) larger than the noise of the folds. Pure functions over the evidence of
:mod:`scanlab._suggest_rules`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from statistics import NormalDist
from typing import Any, NamedTuple

import numpy as np

from scanlab._suggest_rules import as_number, cost_direction
from scanlab.analysis.power import (
    detectable_correlation,
    detectable_difference,
    pooled_spread,
    runs_to_reach_top,
    trend_difference,
)

__all__ = ["DROP_ALPHA", "Judging", "POWER", "decide", "param_power"]

#: Probability with which a test must detect an effect (or a value reach the top) before its
#: absence counts as evidence.
POWER = 0.8
#: Level of the two-sided test that a value's mean falls short of the others'.
DROP_ALPHA = 0.05


class Judging(NamedTuple):
    """The settings and scales every parameter is judged with (built by :func:`suggest`)."""

    minimize: bool
    quantile: float
    min_runs: int
    p_threshold: float
    max_effect: float
    cost: Mapping[str, str | None] | None
    tolerance: float  # smallest effect that matters, metric units (NaN: none known)
    noise_floor: float  # typical fold std of the top runs (NaN: no folds)
    spread: float  # standard deviation of the metric over the judged runs (ddof=0)
    points: bool  # effects worded in percentage points (a 0-1 score)


def _amount(value: float, judging: Judging) -> str:
    if value is None or math.isnan(value):
        return "unknown"
    if judging.points:
        return f"{100 * value:.2g} points"
    return f"{value:.3g}"


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


def _is_number(value: Any) -> bool:
    return as_number(value) is not None and not isinstance(value, str)


def _pooled_mean(indices: list[int], stats: dict[str, np.ndarray]) -> float:
    with_runs = [i for i in indices if stats["ok"][i] > 0]
    weight = sum(int(stats["ok"][i]) for i in with_runs)
    if not weight:
        return math.nan
    return sum(float(stats["mean"][i]) * int(stats["ok"][i]) for i in with_runs) / weight


def param_power(
    values: list,
    stats: dict[str, np.ndarray],
    tests: dict[str, Any],
    candidates: list[int],
    judging: Judging,
) -> tuple[float, float]:
    """The smallest effect the parameter's tests could have detected, at level ``p_threshold``.

    Categorical parameters: the smallest difference in mean metric between two values
    (:func:`~scanlab.analysis.power.detectable_difference`), for the two candidates with the
    fewest runs and the within-value spread pooled over the candidates. Numeric ones: the
    smallest Spearman ``|rho|`` (:func:`~scanlab.analysis.power.detectable_correlation`) in
    metric units, the difference it means between the lowest and highest value
    (:func:`~scanlab.analysis.power.trend_difference`); with three or more values, the larger
    of that and the two-value difference (Kruskal-Wallis also sees effects that are not
    monotone).

    Parameters
    ----------
    values : list
        The parameter's values in the params dict.
    stats : dict of ndarray
        Per value ``ok`` counts, ``sd`` (:func:`scanlab._suggest_rules.value_stats`).
    tests : dict
        :func:`scanlab._suggest_rules.param_tests` of the parameter (``kind``, ``n``).
    candidates : list of int
        Indices of the values tried often enough to judge.
    judging : Judging
        ``p_threshold`` (the level at which suggest counts an effect) and ``spread``.

    Returns
    -------
    (detectable_rho, detectable_effect)
        NaN where not computable (a categorical parameter has no ``detectable_rho``).

    Examples
    --------
    >>> stats = {'ok': np.array([25, 25]), 'sd': np.array([0.01, 0.01])}
    >>> judging = Judging(False, 0.2, 2, 0.2, 0.1, None, 0.005, math.nan, 0.01, True)
    >>> tests = {'kind': 'categorical', 'n': 50}
    >>> [round(x, 4) for x in param_power(['a', 'b'], stats, tests, [0, 1], judging)]
    [nan, 0.006]
    """
    counts = stats["ok"]
    within = pooled_spread(
        [float(stats["sd"][i]) for i in candidates], [counts[i] for i in candidates]
    )
    smallest = sorted(int(counts[i]) for i in candidates)[:2]
    pairwise = math.nan
    if len(smallest) == 2:
        pairwise = detectable_difference(
            smallest[0], smallest[1], within, judging.p_threshold, POWER
        )
    if tests["kind"] != "numeric":
        return math.nan, pairwise
    rho = detectable_correlation(int(tests["n"]), judging.p_threshold, POWER)
    tried = [i for i in range(len(values)) if counts[i] > 0 and _is_number(values[i])]
    tried.sort(key=lambda i: as_number(values[i]) or 0.0)
    trend = trend_difference(rho, judging.spread, [int(counts[i]) for i in tried])
    effect = trend if len(tried) < 3 else max(trend, pairwise)
    return rho, (math.nan if math.isnan(pairwise) and len(tried) >= 3 else effect)


def _best_index(candidates: list[int], stats: dict[str, np.ndarray], minimize: bool) -> int:
    """The candidate with the best median, then the best top rate, then the first."""

    def key(i: int) -> tuple[float, float, int]:
        median = stats["median"][i]
        rate = stats["top"][i] / stats["ok"][i] if stats["ok"][i] else 0.0
        if math.isnan(median):
            return (math.inf, -rate, i)
        return (median if minimize else -median, -rate, i)

    return min(candidates, key=key)


def _small_set(
    candidates: list[int],
    values: list,
    stats: dict[str, np.ndarray],
    minimize: bool,
    direction: str | None,
) -> list[int]:
    """The best 2-3 candidates by mean: adjacent values for a numeric parameter (on a tie,
    the cheapest window of a cost-like one, ``direction`` ``'min'`` or ``'max'``)."""
    size = min(3, max(2, (len(candidates) + 1) // 2))
    if len(candidates) <= size:
        return sorted(candidates)
    sign = 1.0 if minimize else -1.0
    if all(_is_number(values[i]) for i in candidates):
        ordered = sorted(candidates, key=lambda i: as_number(values[i]) or 0.0)
        if direction == "max":
            ordered.reverse()
        windows = [ordered[j : j + size] for j in range(len(ordered) - size + 1)]
        scores = [sign * _pooled_mean(window, stats) for window in windows]
        return sorted(windows[scores.index(min(scores))])
    ranked = sorted(candidates, key=lambda i: (sign * float(stats["mean"][i]), i))
    return sorted(ranked[:size])


def _shortfall(i: int, winners: list[int], stats: dict[str, np.ndarray], minimize: bool) -> float:
    """How much worse value ``i``'s mean is than the winners' (positive: worse).

    The winners are the values with runs in the top; their runs pooled.
    """
    gap = float(stats["mean"][i]) - _pooled_mean(winners, stats)
    return gap if minimize else -gap


def decide(
    name: str,
    values: list,
    labels: list[str],
    stats: dict[str, np.ndarray],
    tests: dict[str, Any],
    judging: Judging,
) -> dict[str, Any]:
    """Decide one parameter: keep, drop values, narrow, keep a small set, or fix.

    Parameters
    ----------
    name : str
        The parameter.
    values, labels : list
        Its values in the params dict, and their labels.
    stats : dict of ndarray
        :func:`scanlab._suggest_rules.value_stats` of its values.
    tests : dict
        :func:`scanlab._suggest_rules.param_tests` of the parameter.
    judging : Judging
        The settings and scales (see :func:`scanlab.suggest`).

    Returns
    -------
    dict
        ``kind`` (``keep``, ``drop values``, ``narrow``, ``small set``, ``fix``), ``kept``
        (indices of the kept values), ``status`` (one per value), ``reason``,
        ``detectable_rho``, ``detectable_effect`` and ``expected_effect`` (kept values' mean
        minus the dropped ones', metric units; 0 for keep and fix; NaN when the dropped
        values have no successful run).
    """
    k = len(values)
    runs, tops, ok = stats["runs"], stats["top"], stats["ok"]
    enough = runs >= judging.min_runs
    status = np.where(runs == 0, "untried", np.where(enough, "kept", "too few runs"))
    status = status.astype(object)
    top_words = f"top {judging.quantile:.0%}"
    words = _test_words(tests)
    everything = list(range(k))
    candidates = [i for i in everything if enough[i] and ok[i] > 0]
    failed = [i for i in everything if enough[i] and ok[i] == 0]
    no_evidence = [i for i in everything if not enough[i]]
    rho_d, effect_d = (
        param_power(values, stats, tests, candidates, judging) if k > 1 else (math.nan, math.nan)
    )

    def result(kind: str, kept: list[int], reason: str, expected: float = 0.0) -> dict[str, Any]:
        final = status.copy()
        for i in range(k):
            if i not in kept:
                final[i] = "dropped"
        return {
            "kind": kind,
            "kept": sorted(kept),
            "status": final,
            "reason": reason,
            "detectable_rho": rho_d,
            "detectable_effect": effect_d,
            "expected_effect": expected,
        }

    def listed(indices: list[int]) -> str:
        names = [labels[i] for i in sorted(indices)]
        return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"

    def gain(kept: list[int]) -> float:
        dropped = [i for i in candidates if i not in kept]
        return _pooled_mean(kept, stats) - _pooled_mean(dropped, stats)

    if k == 1:
        return result("keep", everything, "a single value: nothing to decide")
    if runs.sum() == 0:
        return result("keep", everything, "no run used any of these values: no evidence, all kept")
    spare = f"; kept untried / thin: {listed(no_evidence)}" if no_evidence else ""
    spare += f"; dropped {listed(failed)} (every run failed)" if failed else ""
    detectable = _amount(effect_d, judging)
    n = f"{int(tests['n']):,} runs"
    if len(candidates) >= 2 and _no_effect(tests, judging.p_threshold, judging.max_effect):
        if effect_d <= judging.tolerance:  # False when either is unknown
            direction = cost_direction(name, judging.cost)
            if direction is not None and all(_is_number(values[i]) for i in candidates):
                pick = (min if direction == "min" else max)(
                    candidates, key=lambda i: as_number(values[i]) or 0.0
                )
                why = (
                    f"its cheapest value {labels[pick]} (cost-like: "
                    f"{'smaller' if direction == 'min' else 'larger'} is cheaper)"
                )
            else:
                pick = _best_index(candidates, stats, judging.minimize)
                why = f"its best value {labels[pick]} (median {_fmt(stats['median'][pick])})"
            kept = [pick, *no_evidence]
            return result(
                "fix" if len(kept) == 1 else "drop values",
                kept,
                f"no effect larger than {detectable} detectable with {n} and none seen ({words}; "
                f"tolerance {_amount(judging.tolerance, judging)}): fixed to {why}, expected "
                f"effect 0 ± {detectable}{spare}",
            )
        chosen = _small_set(
            candidates, values, stats, judging.minimize, cost_direction(name, judging.cost)
        )
        limit = (
            f"no effect seen ({words}), but only effects above {detectable} were detectable "
            f"with {n} (tolerance {_amount(judging.tolerance, judging)})"
        )
        if len(chosen) == len(candidates):
            kind = "keep" if not failed else "drop values"
            return result(
                kind, [*chosen, *no_evidence], f"{limit}: all kept rather than fixing{spare}"
            )
        expected = gain(chosen)
        dropped = listed([i for i in candidates if i not in chosen])
        return result(
            "small set",
            [*chosen, *no_evidence],
            f"{limit}: kept {listed(chosen)} instead of fixing (their mean is "
            f"{_versus(expected, judging)} than {dropped}'s){spare}",
            expected,
        )

    need = runs_to_reach_top(judging.quantile, POWER)
    z = NormalDist().inv_cdf(1 - DROP_ALPHA / 2)
    within = pooled_spread([float(stats["sd"][i]) for i in candidates], [ok[i] for i in candidates])
    losers: list[int] = []
    held: list[str] = []
    winners = [j for j in candidates if tops[j] > 0]
    for i in candidates:
        if tops[i] > 0:
            continue
        short = _shortfall(i, winners, stats, judging.minimize)
        rest = sum(int(ok[j]) for j in winners)
        se = within * math.sqrt(1 / ok[i] + 1 / rest) if rest else math.nan
        significant = short > z * se  # False when unknown
        if not math.isnan(judging.noise_floor) and short <= judging.noise_floor:
            held.append(
                f"{labels[i]} ({_amount(short, judging)} behind the top values, within the fold "
                f"noise {_amount(judging.noise_floor, judging)}: not an effect)"
            )
        elif runs[i] >= need or significant:
            losers.append(i)
        else:
            held.append(
                f"{labels[i]} (0 of {runs[i]} runs in the {top_words}, {need} needed to tell)"
            )
    kind = "drop values"
    inside = ""
    in_top = [i for i in everything if tops[i] > 0]
    if all(_is_number(v) for v in values) and in_top:
        lo = min(in_top, key=lambda i: as_number(values[i]) or 0.0)
        hi = max(in_top, key=lambda i: as_number(values[i]) or 0.0)
        low, high = as_number(values[lo]) or 0.0, as_number(values[hi]) or 0.0
        inner = [i for i in losers if low <= (as_number(values[i]) or 0.0) <= high]
        losers = [i for i in losers if i not in inner]
        kind = "narrow"
        inside = f"{top_words} runs lie in [{labels[lo]}, {labels[hi]}]; "
        inside += f"kept {listed(inner)} inside that range; " if inner else ""
    if candidates and not in_top and not no_evidence:
        pick = _best_index(candidates, stats, judging.minimize)
        return result(
            "fix",
            [pick],
            f"no value reached the {top_words} (the top runs used values no longer "
            f"in params): kept the best median, {labels[pick]} ({words})",
            gain([pick]),
        )
    kept = [i for i in everything if i not in losers and i not in failed]
    spare += f"; kept without evidence against them: {', '.join(held)}" if held else ""
    if not losers:
        if len(no_evidence) == k:
            reason = f"every value tried fewer than {judging.min_runs} times: too few runs to judge"
        else:
            reason = (
                f"{inside}every value tried {judging.min_runs}+ times has runs in the "
                f"{top_words} or too little evidence against it ({words}){spare}"
            )
        return result(
            "drop values" if failed else "keep", kept, reason, math.nan if failed else 0.0
        )
    dropped = ", ".join(f"{labels[i]} (0 of {runs[i]} runs)" for i in losers)
    expected = gain([i for i in kept if i in candidates])
    return result(
        kind,
        kept,
        f"{inside}dropped {dropped} in the {top_words} ({words}); the kept values' mean is "
        f"{_versus(expected, judging)}{spare}",
        expected,
    )


def _versus(expected: float, judging: Judging) -> str:
    """``expected`` (kept mean minus dropped mean) in words: '0.3 points better'."""
    if math.isnan(expected):
        return "unknown (the dropped values have no successful run)"
    better = expected <= 0 if judging.minimize else expected >= 0
    return f"{_amount(abs(expected), judging)} {'better' if better else 'worse'}"
