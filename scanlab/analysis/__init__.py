"""Pure computations on scan results: a DataFrame in, a DataFrame (or a small NamedTuple) out.

This package never imports matplotlib (directly or through another module): the plots in
:mod:`scanlab.plots` draw what is computed here, and :class:`scanlab.Analyze` is a thin layer
over both. One family of statistics per module, all re-exported here:

- :mod:`~scanlab.analysis.runs`: the successful runs, their metric values, failures;
- :mod:`~scanlab.analysis.best`: best values and runs, the table, the top quantile, the
  summary (which columns are parameters and metrics comes from
  :mod:`scanlab.results`, metric names and directions from the rulebook
  :mod:`scanlab._metric_names`);
- :mod:`~scanlab.analysis.rounds`: the rounds of an experiment compared;
- :mod:`~scanlab.analysis.budgets`: budgeted results (halving, Hyperband, ASHA): the one
  budget whose rows are compared, and the rungs summarized;
- :mod:`~scanlab.analysis.budget_curves`: budgeted runs' metric against the epochs trained;
- :mod:`~scanlab.analysis.correlations`: parameters vs the metric;
- :mod:`~scanlab.analysis.distributions`: levels of a column and seeded samples of the runs;
- :mod:`~scanlab.analysis.regression`: validation vs training metric across runs;
- :mod:`~scanlab.analysis.histories`: per-epoch histories (learning entropy, curves);
- :mod:`~scanlab.analysis.importance`: parameter importance;
- :mod:`~scanlab.analysis.parallel`: parallel coordinates;
- :mod:`~scanlab.analysis.folds`: cross-validated runs: mean ± std over the folds, and
  whether the winner's lead is larger than that spread;
- :mod:`~scanlab.analysis.classes`: one run's per-class scores and confusion matrix;
- :mod:`~scanlab.analysis.heldout`: the validation-versus-test gaps of the held-out check;
- :mod:`~scanlab.analysis.power`: the smallest effect the runs at hand could have detected.

Every function takes the runs as a DataFrame that follows the results schema
(``docs/results-format.md``): one row per run with ``run_id``, ``round``, ``status``, one
column per parameter and one per metric. Failed runs (``status != 'ok'``) are excluded from
every statistic; :func:`summarize` and :func:`failures` count and show them. Missing metric
values (NaN, or +/-inf from a diverged run) are left out of statistics too; missing parameter
values are left out pairwise (the ``n`` columns say how many runs were used).

Vocabulary: a *run* is one permutation trained once (Talos calls it a "round"); a *round* is
one scan of an experiment (the ``round`` column).
"""

from __future__ import annotations

from scanlab.analysis._helpers import is_numeric, resolve_minimize
from scanlab.analysis.best import (
    Summary,
    best_runs,
    best_value,
    rounds2high,
    summarize,
    table,
    top_mask,
    worst_value,
)
from scanlab.analysis.budget_curves import (
    BudgetCurves,
    budget_curves,
    histories_at_budget,
    run_curve,
)
from scanlab.analysis.budgets import (
    MIN_OK_AT_BUDGET,
    BudgetChoice,
    at_budget,
    budget_values,
    choose_budget,
    is_budgeted,
    rung_summary,
)
from scanlab.analysis.classes import ClassReport, best_scored_run, class_report
from scanlab.analysis.correlations import (
    corr_matrix,
    correlations,
    value_correlations,
    value_summary,
)
from scanlab.analysis.distributions import as_levels, subsample
from scanlab.analysis.folds import fold_summary, paired_fold_t
from scanlab.analysis.heldout import heldout_gaps, heldout_metrics
from scanlab.analysis.histories import entropy_summary, learning_curves, learning_entropy
from scanlab.analysis.importance import param_importance
from scanlab.analysis.parallel import ParallelInfo, parallel_coordinates
from scanlab.analysis.power import (
    detectable_correlation,
    detectable_difference,
    pooled_spread,
    runs_to_reach_top,
    trend_difference,
)
from scanlab.analysis.regression import (
    Regression,
    regression,
    train_val_pairs,
    train_val_regressions,
)
from scanlab.analysis.rounds import round_comparison, round_summary
from scanlab.analysis.runs import (
    failures,
    metric_array,
    metric_ok,
    metric_values,
    ok_mask,
    ok_runs,
    require_ok,
)
from scanlab.errors import AnalysisError, NoRunsError

__all__ = [
    "AnalysisError",
    "BudgetChoice",
    "BudgetCurves",
    "ClassReport",
    "MIN_OK_AT_BUDGET",
    "NoRunsError",
    "ParallelInfo",
    "Regression",
    "Summary",
    "as_levels",
    "at_budget",
    "best_runs",
    "best_scored_run",
    "best_value",
    "budget_curves",
    "budget_values",
    "choose_budget",
    "class_report",
    "corr_matrix",
    "correlations",
    "detectable_correlation",
    "detectable_difference",
    "entropy_summary",
    "failures",
    "fold_summary",
    "heldout_gaps",
    "heldout_metrics",
    "histories_at_budget",
    "is_budgeted",
    "is_numeric",
    "learning_curves",
    "learning_entropy",
    "metric_array",
    "metric_ok",
    "metric_values",
    "ok_mask",
    "ok_runs",
    "paired_fold_t",
    "parallel_coordinates",
    "param_importance",
    "pooled_spread",
    "regression",
    "require_ok",
    "resolve_minimize",
    "round_comparison",
    "round_summary",
    "rounds2high",
    "run_curve",
    "rung_summary",
    "runs_to_reach_top",
    "subsample",
    "summarize",
    "table",
    "top_mask",
    "train_val_pairs",
    "train_val_regressions",
    "trend_difference",
    "value_correlations",
    "value_summary",
    "worst_value",
]
