"""Suggest the next round's params dict from the evidence of the runs so far.

:func:`suggest` reads the runs (a DataFrame, a Scan, an Analyze, a results CSV or an
experiment folder), looks at how each parameter's values did against the metric, and
proposes a narrower params dict for the next round, with one row of evidence per parameter
that says what was decided and why. It never trains anything and never imports matplotlib
or Keras.

The rules, applied to each parameter of ``params`` on its own (see :func:`suggest`):

1. **Drop losers.** A value tried in at least ``min_runs`` runs (failed runs count: they
   are not in the top either) none of which is in the top quantile of the metric is
   dropped.
2. **Narrow numeric ranges.** For a numeric parameter, the dropping above only removes
   values *outside* ``[min, max]`` of the values the top runs used: values inside the range
   are kept even when no top run used them (numeric effects are assumed smooth, so the
   range stays contiguous).
3. **Fix what does not matter.** When no test detects an effect (every p-value
   > ``p_threshold`` and every effect < ``max_effect``) and at least two values were tried
   ``min_runs`` times, the parameter is fixed to its best value (best median metric) or,
   for a *cost-like* parameter, to its cheapest value (see :data:`COST_LIKE`).
4. **No evidence, no change.** Values never tried (or tried fewer than ``min_runs`` times)
   are always kept.
5. **Never empty.** When the rules would remove every value (the top runs used values that
   are no longer in ``params``), the value with the best median metric is kept.

Examples
--------
>>> import pandas as pd
>>> runs = pd.DataFrame({
...     'run_id': list('abcdefgh'), 'round': 1, 'status': 'ok',
...     'optimizer': ['Adam', 'SGD'] * 4,
...     'val_accuracy': [0.95, 0.70, 0.96, 0.72, 0.94, 0.71, 0.97, 0.69]})
>>> s = suggest(runs, {'optimizer': ['Adam', 'SGD', 'Nadam']})
>>> s.params
{'optimizer': ['Adam', 'Nadam']}
>>> s.evidence.loc[0, 'decision'], s.evidence.loc[0, 'dropped']
('drop values', ['SGD'])
"""

from __future__ import annotations

import html
import math
import numbers
from collections.abc import Mapping
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from scanlab import analysis as an
from scanlab import reduce
from scanlab._metric_names import direction_words
from scanlab.errors import AnalysisError, ParamsError
from scanlab.results import Results, read_results
from scanlab.space import ParamSpace, value_label

__all__ = ["COST_LIKE", "Suggestion", "suggest"]

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

_EVIDENCE_COLUMNS = [
    "param",
    "decision",
    "kept",
    "dropped",
    "untried",
    "n",
    "spearman_rho",
    "spearman_p",
    "kruskal_eps2",
    "kruskal_p",
    "top_share",
    "reason",
]
_VALUE_COLUMNS = [
    "param",
    "value",
    "runs",
    "ok",
    "failed",
    "top",
    "top_share",
    "top_rate",
    "mean",
    "median",
    "status",
]


class Suggestion(NamedTuple):
    """What :func:`suggest` proposes, and why.

    Attributes
    ----------
    params : dict
        The proposed params dict for the next round (a new dict; unchanged parameters keep
        their original spec, Talos ranges included).
    evidence : DataFrame
        One row per parameter: ``param``, ``decision`` (``keep``, ``drop values``,
        ``narrow``, ``fix``), ``kept`` / ``dropped`` / ``untried`` value labels, ``n`` (ok
        runs used), ``spearman_rho`` and ``spearman_p`` (numeric parameters),
        ``kruskal_eps2`` (bias-corrected epsilon-squared) and ``kruskal_p``, ``top_share``
        (share of the top-quantile runs per value, as text) and a one-line ``reason``.
    values : DataFrame
        One row per parameter value: ``runs`` (recorded, failed included), ``ok`` (with a
        metric value), ``failed``, ``top`` (runs in the top quantile), ``top_share``,
        ``top_rate``, ``mean``, ``median`` and ``status`` (``kept``, ``dropped``,
        ``untried``, ``too few runs``).
    metric : str
        The metric judged.
    minimize : bool
        Whether lower values of the metric are better.
    quantile : float
        The top quantile.
    n_runs : int
        Ok runs with a metric value that the evidence comes from.
    grid_before, grid_after : int
        Number of permutations of ``params`` and of the proposal.
    """

    params: dict[str, Any]
    evidence: pd.DataFrame
    values: pd.DataFrame
    metric: str
    minimize: bool
    quantile: float
    n_runs: int
    grid_before: int
    grid_after: int

    def _headline(self) -> str:
        return (
            f"Suggestion from {self.n_runs:,} ok runs: {self.metric} "
            f"({direction_words(self.minimize)}), top {self.quantile:.0%}; grid "
            f"{self.grid_before:,} -> {self.grid_after:,} permutations"
        )

    def _shown(self) -> pd.DataFrame:
        shown = self.evidence[["param", "decision", "kept", "dropped", "reason"]].copy()
        for column in ("kept", "dropped"):
            shown[column] = shown[column].map(lambda labels: ", ".join(labels) or "-")
        return shown

    def __repr__(self) -> str:
        with pd.option_context("display.max_colwidth", 90, "display.width", 250):
            table = self._shown().to_string(index=False)
        return f"{self._headline()}\n{table}"

    def _repr_html_(self) -> str:
        table = self._shown().to_html(index=False, border=0, escape=True)
        return f"<p><b>{html.escape(self._headline())}</b></p>{table}"


def suggest(
    results: Any,
    params: Mapping[str, Any],
    metric: str | None = None,
    quantile: float = 0.2,
    minimize: bool | None = None,
    *,
    min_runs: int = 2,
    p_threshold: float = 0.2,
    max_effect: float = 0.1,
    cost: Mapping[str, str | None] | None = None,
) -> Suggestion:
    """Propose the next round's params dict from the runs so far, with the evidence.

    Every parameter of ``params`` is judged on its own against ``metric`` over the ok runs
    (failed runs and runs without a metric value are left out of the statistics, but count
    as tried and not in the top):

    * **drop**: a value tried in ``min_runs`` runs or more with none of them in the top
      ``quantile`` (see :func:`scanlab.analysis.top_mask`) is dropped;
    * **narrow** (numeric parameters): only values outside ``[min, max]`` of the values the
      top runs used are dropped that way, so the range stays contiguous;
    * **fix**: when no test finds an effect, i.e. the Spearman p-value (numeric
      parameters) and the Kruskal-Wallis p-value (categorical ones, and numeric ones with 3
      or more values tried) are all above ``p_threshold`` and the effects are small
      (``|rho| < max_effect`` and bias-corrected epsilon-squared
      ``(H - k + 1) / (n - k) < max_effect**2``), and at least two values were tried
      ``min_runs`` times, the parameter is fixed to its value with the best median metric,
      or to its cheapest value when it is cost-like (:data:`COST_LIKE`: fewest epochs,
      largest batch size, fewest neurons / units / layers / filters);
    * **keep**: values never tried, or tried fewer than ``min_runs`` times, are kept (no
      evidence); so is every value of a parameter with a single value.

    A parameter never ends with no value: if the rules would remove them all, the value with
    the best median is kept. Values are matched to the results by their label
    (:func:`scanlab.space.value_label`: ``keras.optimizers.Adam`` is ``'Adam'``, ``None``
    is ``'None'``) or, for numbers, by value (``16`` matches ``16.0``).

    Parameters
    ----------
    results : Results, DataFrame, Scan, Analyze, str or path
        The runs, read by :func:`scanlab.read_results`: a :class:`scanlab.Results`, a
        DataFrame in the results schema, a finished :class:`scanlab.Scan` (its round; its
        tracked metric is the default), an :class:`scanlab.Analyze` (its metric and
        direction are the defaults), a results CSV, a round folder or an experiment folder
        (every round; the tracked metric from the manifests is the default).
    params : dict
        The params dict to narrow (usually the one the runs scanned). It is not changed.
    metric : str, optional
        Metric to judge by. Default: the Scan's, Analyze's or manifest's metric, else
        ``val_accuracy``, ``val_acc``, ``val_loss``, ... (the rulebook's default metric).
    quantile : float
        Share of the best runs that counts as "the top" (0 < quantile < 1).
    minimize : bool, optional
        Whether lower is better; default from the metric's name (``loss``: lower).
    min_runs : int
        Runs a value needs before it can be dropped, or before it counts toward fixing.
    p_threshold, max_effect : float
        The "no detectable effect" rule above. ``max_effect=0.1`` is a "small" correlation
        by Cohen's convention; it is the condition that binds when there are few runs (with
        50 runs, ``p > 0.2`` alone still allows ``|rho|`` up to 0.18), so a parameter is not
        fixed merely because a small round could not show its effect.
    cost : dict, optional
        ``{param: 'min' | 'max' | None}``: which end of a numeric parameter is cheapest
        (None: not cost-like), overriding :data:`COST_LIKE`'s name rule.

    Returns
    -------
    Suggestion
        ``params`` (the new dict), ``evidence`` (one row per parameter), ``values`` (one
        row per value) and the settings used; its repr shows the evidence.

    Raises
    ------
    ParamsError
        ``params`` has keys that are not columns of the results.
    MetricNotFoundError
        ``metric`` is not in the results (the message lists the metrics).
    NoRunsError
        No run succeeded.

    Examples
    --------
    >>> import pandas as pd
    >>> runs = pd.DataFrame({'status': 'ok', 'lr': [0.1, 0.1, 0.01, 0.01, 0.001, 0.001],
    ...                      'val_loss': [0.9, 0.8, 0.2, 0.3, 0.25, 0.35]})
    >>> s = suggest(runs, {'lr': [0.1, 0.01, 0.001, 0.0001]}, quantile=0.5)
    >>> s.params['lr'], s.evidence.loc[0, 'decision']
    ([0.01, 0.001, 0.0001], 'narrow')
    """
    if not isinstance(params, Mapping) or not params:
        raise ParamsError(
            f"params must be a non-empty dict of parameter name -> values (the params dict "
            f"the runs scanned), got {type(params).__name__}."
        )
    if not isinstance(min_runs, numbers.Integral) or min_runs < 1:
        raise AnalysisError(f"min_runs must be an int >= 1, got {min_runs!r}")
    for name, direction in (cost or {}).items():
        if direction not in ("min", "max", None):
            raise AnalysisError(
                f"cost[{name!r}] must be 'min', 'max' or None, but {direction!r} was passed."
            )
    names = list(params)
    runs, metric, minimize = _source(results, metric, minimize, names)
    data = runs.data
    missing = [name for name in names if name not in data.columns]
    if missing:
        found = runs.params
        raise ParamsError(
            f"params has parameter(s) {', '.join(map(repr, missing))} that the results do "
            f"not have; the results' parameter columns are: {', '.join(found) or '(none)'}. "
            "Pass the params dict of the scan that produced these results, and add new "
            "parameters to the suggestion afterwards (scanlab.reduce.add)."
        )
    space = ParamSpace(params)  # validates the dict (ranges, duplicates) before any work
    values_y = an.metric_array(data, metric)  # NaN: failed or no value; raises if none ok
    judged = ~np.isnan(values_y)
    y = values_y[judged]
    top = an.top_mask(y, quantile, minimize)
    n_top = int(top.sum())
    corr = an.correlations(data, metric, names).set_index("param")

    proposal: dict[str, Any] = dict(params)
    evidence_rows: list[dict[str, Any]] = []
    value_frames: list[pd.DataFrame] = []
    for name in names:
        values = space.values[name]
        labels = space.value_labels[name]
        codes = _codes(data[name], values)
        stats = _value_stats(codes, judged, y, top, len(values))
        tests = _tests(data, metric, name, corr.loc[name])
        decision = _decide(
            name,
            values,
            labels,
            stats,
            tests,
            minimize,
            quantile,
            n_top,
            min_runs,
            p_threshold,
            max_effect,
            cost,
        )
        kept, status = decision["kept"], decision["status"]
        if decision["kind"] == "fix":
            proposal = reduce.fix(proposal, name, values[kept[0]])
        elif len(kept) < len(values):
            proposal = reduce.keep(proposal, name, [labels[i] for i in kept])
        evidence_rows.append(
            {
                "param": name,
                "decision": decision["kind"],
                "kept": [labels[i] for i in kept],
                "dropped": [labels[i] for i in range(len(values)) if i not in kept],
                "untried": [labels[i] for i in range(len(values)) if stats["runs"][i] == 0],
                "n": int(tests["n"]),
                "spearman_rho": tests["rho"],
                "spearman_p": tests["rho_p"],
                "kruskal_eps2": tests["eps2"],
                "kruskal_p": tests["kw_p"],
                "top_share": ", ".join(
                    f"{labels[i]} {stats['top'][i] / max(n_top, 1):.2f}"
                    for i in range(len(values))
                    if stats["runs"][i] > 0
                ),
                "reason": decision["reason"],
            }
        )
        value_frames.append(
            pd.DataFrame(
                {
                    "param": name,
                    "value": labels,
                    "runs": stats["runs"],
                    "ok": stats["ok"],
                    "failed": stats["runs"] - stats["ok"],
                    "top": stats["top"],
                    "top_share": stats["top"] / max(n_top, 1),
                    "top_rate": np.divide(
                        stats["top"],
                        stats["ok"],
                        out=np.full(len(values), np.nan),
                        where=stats["ok"] > 0,
                    ),
                    "mean": stats["mean"],
                    "median": stats["median"],
                    "status": status,
                },
                columns=_VALUE_COLUMNS,
            )
        )
    evidence = pd.DataFrame(evidence_rows, columns=_EVIDENCE_COLUMNS)
    per_value = pd.concat(value_frames, ignore_index=True)
    return Suggestion(
        proposal,
        evidence,
        per_value,
        metric,
        minimize,
        float(quantile),
        len(y),
        space.size,
        ParamSpace(proposal).size,
    )


# --------------------------------------------------------------------------------------------
# Inputs
# --------------------------------------------------------------------------------------------


def _source(
    results: Any, metric: str | None, minimize: bool | None, names: list[str]
) -> tuple[Results, str, bool]:
    """The runs, the metric and its direction from any accepted ``results``.

    The params dict names the parameter columns, so every other numeric column is a metric.
    """
    frame = results if isinstance(results, pd.DataFrame) else getattr(results, "data", None)
    known = isinstance(frame, pd.DataFrame) and set(names) <= set(frame.columns)
    runs = read_results(results, params=names if known else None)
    if not known and set(names) <= set(runs.data.columns):
        runs = read_results(runs, params=names)
    metric = runs.resolve(metric)
    return runs, metric, runs.minimize(metric, minimize)


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


def _codes(column: pd.Series, values: list) -> np.ndarray:
    """Index into ``values`` of each row's value (-1: not one of ``values``).

    A row matches a value when their labels are equal (``'Adam'``, ``'None'``, ``'True'``)
    or, failing that, when both are numbers and equal (``16`` and ``16.0``).
    """
    labels = [value_label(v) for v in values]
    by_label = {label: i for i, label in enumerate(labels)}
    numbers_ = [
        (i, _as_number(v))
        for i, v in enumerate(values)
        if not isinstance(v, str) and _as_number(v) is not None
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


def _value_stats(
    codes: np.ndarray, judged: np.ndarray, y: np.ndarray, top: np.ndarray, k: int
) -> dict[str, np.ndarray]:
    """Per value: runs recorded, ok runs with a metric, runs in the top, mean and median."""
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


def _tests(data: pd.DataFrame, metric: str, name: str, row: pd.Series) -> dict[str, Any]:
    """Spearman (numeric) and Kruskal-Wallis (categorical, or numeric with >= 3 values)."""
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


def _decide(
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
            pick = (min if direction == "min" else max)(
                candidates, key=lambda i: _as_number(values[i])
            )
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
            lo = min(in_top, key=lambda i: _as_number(values[i]))
            hi = max(in_top, key=lambda i: _as_number(values[i]))
            low, high = _as_number(values[lo]), _as_number(values[hi])
            losers = [i for i in losers if not low <= _as_number(values[i]) <= high]
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
