"""Suggest the next round's params dict from the evidence of the runs so far.

:func:`suggest` reads the runs (a DataFrame, a Scan, an Analyze, a results CSV or an
experiment folder), looks at how each parameter's values did against the metric, and
proposes a narrower params dict for the next round, with one row of evidence per parameter
that says what was decided and why. It never trains anything and never imports matplotlib
or Keras.

The rules, applied to each parameter of ``params`` on its own (see :func:`suggest`), ask
for evidence before they narrow: absence of evidence is not evidence of absence.

1. **Drop losers, on evidence.** A value tried in at least ``min_runs`` runs (failed runs
   count: they are not in the top either) none of which is in the top quantile of the
   metric is dropped when its runs were enough to show it would reach the top had it been
   as good as the rest (:func:`scanlab.analysis.runs_to_reach_top`: 8 runs for the top
   20 %), or its mean falls significantly short of the values that reach the top. With
   folds, a shortfall within the fold noise (the typical ``std_<m>`` of the top runs) is
   not an effect.
2. **Narrow numeric ranges.** For a numeric parameter, the dropping above only removes
   values *outside* ``[min, max]`` of the values the top runs used (numeric effects are
   assumed smooth, so the range stays contiguous).
3. **Fix only what could have shown an effect.** When no test detects an effect, the
   parameter is fixed (to its best value, or its cheapest for a *cost-like* parameter, see
   :data:`COST_LIKE`) only if the tests could have detected an effect larger than
   ``tolerance`` (:mod:`scanlab.analysis.power`); otherwise its best 2-3 values are kept
   (a **small set**; adjacent values for a numeric parameter).
4. **No evidence, no change.** Values never tried (or tried fewer than ``min_runs`` times)
   are always kept.
5. **Never empty.** When the rules would remove every value (the top runs used values that
   are no longer in ``params``), the value with the best median metric is kept.

The evidence table says, per parameter, the smallest effect its tests could have detected
(``detectable_effect``, metric units) and the expected effect of the decision
(``expected_effect``: the kept values' mean minus the dropped ones').

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

import math
import numbers
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from scanlab import analysis as an
from scanlab import reduce
from scanlab._budget_view import budget_view
from scanlab._suggest_decide import Judging, decide
from scanlab._suggest_rules import COST_LIKE, param_tests, scales, value_codes, value_stats
from scanlab._suggestion import Suggestion
from scanlab.errors import AnalysisError, ParamsError, rule_message
from scanlab.results import Results, read_results
from scanlab.space import ParamSpace

__all__ = ["COST_LIKE", "Suggestion", "suggest"]

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
    "detectable_rho",
    "detectable_effect",
    "expected_effect",
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
    tolerance: float | None = None,
    cost: Mapping[str, str | None] | None = None,
    budget: int | str | an.BudgetChoice | None = None,
) -> Suggestion:
    """Propose the next round's params dict from the runs so far, with the evidence.

    Every parameter of ``params`` is judged on its own against ``metric`` over the ok runs
    (failed runs and runs without a metric value are left out of the statistics, but count
    as tried and not in the top):

    * **drop**: a value tried in ``min_runs`` runs or more with none of them in the top
      ``quantile`` (see :func:`scanlab.analysis.top_mask`) is dropped when that is evidence:
      its runs were enough that one would have reached the top with probability 0.8 had it
      been as good as the rest (:func:`scanlab.analysis.runs_to_reach_top`), or its mean is
      significantly worse than that of the values with top runs (two-sample z test at
      5 %); with folds, never
      when it is behind by less than the fold noise (median ``std_<m>`` of the top runs);
      a value whose every run failed is dropped;
    * **narrow** (numeric parameters): only values outside ``[min, max]`` of the values the
      top runs used are dropped that way, so the range stays contiguous;
    * **fix** or **small set**: when no test finds an effect (the Spearman p-value of a
      numeric parameter and the Kruskal-Wallis p-value of a categorical one, or of a numeric
      one with 3 or more values, all above ``p_threshold``, ``|rho| < max_effect`` and
      bias-corrected epsilon-squared ``(H - k + 1) / (n - k) < max_effect**2``) with at
      least two values tried ``min_runs`` times, the parameter is fixed only if the tests
      could have detected an effect larger than ``tolerance`` (``detectable_effect <=
      tolerance``; :func:`scanlab._suggest_decide.param_power`): to its value with the
      best median, or its cheapest when cost-like (:data:`COST_LIKE`: fewest epochs,
      largest batch size, fewest neurons / units / layers / filters). Otherwise its best
      2-3 values by mean are kept (adjacent ones for a numeric parameter), not one;
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
        tracked metric is the default), an :class:`scanlab.Analyze` (its metric and the
        directions it was given are the defaults), a results CSV, a round folder or an experiment folder
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
    tolerance : float, optional
        The smallest effect that matters, in metric units: a parameter is fixed only when
        its tests could have detected an effect this large. Default: the standard deviation
        of the metric over the top-quantile runs (with folds, at least the fold noise). An
        effect smaller than the spread among the runs one would pick from barely changes
        which runs make the top; a larger one does. When the top runs all tie it is 0, and
        nothing is fixed.
    cost : dict, optional
        ``{param: 'min' | 'max' | None}``: which end of a numeric parameter is cheapest
        (None: not cost-like), overriding :data:`COST_LIKE`'s name rule.
    budget : int, 'max' or 'all', optional
        Budgeted results (one row per run and rung) are judged on the rows of one budget
        only (:func:`scanlab.analysis.choose_budget`; default: the highest with 3 ok runs);
        the suggestion's ``budget`` says which.

    Returns
    -------
    Suggestion
        ``params`` (the new dict), ``evidence`` (one row per parameter, with
        ``detectable_effect`` and ``expected_effect``), ``values`` (one row per value) and
        the settings used (``tolerance``, ``noise_floor``); its repr shows the evidence.

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
            f"the runs scanned), got {type(params).__name__}. Fix: pass the params dict of the "
            f"scan, e.g. suggest(scan, params)."
        )
    for name, value in (("p_threshold", p_threshold), ("max_effect", max_effect)):
        if isinstance(value, bool) or not isinstance(value, numbers.Real) or not 0 < value < 1:
            raise AnalysisError(
                rule_message(name, "must be a number in (0, 1)", value, "use the default")
            )
    if cost is not None and not isinstance(cost, Mapping):
        raise AnalysisError(
            rule_message(
                "cost",
                "must be a dict {param: 'min' | 'max' | None}",
                cost,
                "e.g. cost={'epochs': 'min'}",
            )
        )
    if isinstance(min_runs, bool) or not isinstance(min_runs, numbers.Integral) or min_runs < 1:
        raise AnalysisError(rule_message("min_runs", "must be an int >= 1", min_runs, "use e.g. 3"))
    if tolerance is not None and (
        isinstance(tolerance, bool)
        or not isinstance(tolerance, numbers.Real)
        or not 0 <= tolerance < math.inf
    ):
        raise AnalysisError(
            rule_message(
                "tolerance",
                "must be a number >= 0 in the metric's units, or None",
                tolerance,
                "e.g. tolerance=0.005 for half a point of accuracy, or leave it out",
            )
        )
    for name, direction in (cost or {}).items():
        if direction not in ("min", "max", None):
            raise AnalysisError(
                rule_message(
                    f"cost[{name!r}]",
                    "must be 'min', 'max' or None",
                    direction,
                    "say which end of the parameter is cheapest, or None if neither",
                )
            )
    names = list(params)
    runs, metric, minimize = _source(results, metric, minimize, names)
    if budget is None:  # an Analyze's budget, when results is one
        budget = getattr(results, "budget_choice", None)
    runs, choice = budget_view(runs, budget)
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
    tolerance, noise, spread, unit_interval = scales(data, metric, y, judged, top, tolerance)
    judging = Judging(
        minimize=minimize,
        quantile=float(quantile),
        min_runs=int(min_runs),
        p_threshold=float(p_threshold),
        max_effect=float(max_effect),
        cost=cost,
        tolerance=tolerance,
        noise_floor=noise,
        spread=spread,
        points=unit_interval and not minimize,
    )

    proposal: dict[str, Any] = dict(params)
    evidence_rows: list[dict[str, Any]] = []
    value_frames: list[pd.DataFrame] = []
    for name in names:
        values = space.values[name]
        labels = space.value_labels[name]
        codes = value_codes(data[name], values)
        stats = value_stats(codes, judged, y, top, len(values))
        tests = param_tests(data, metric, name, corr.loc[name])
        decision = decide(name, values, labels, stats, tests, judging)
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
                "detectable_rho": decision["detectable_rho"],
                "detectable_effect": decision["detectable_effect"],
                "expected_effect": decision["expected_effect"],
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
        choice.budget if choice is not None else None,
        judging.tolerance,
        judging.noise_floor,
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
