"""Cross-validated runs (``Scan(cv=k)``): the best configurations with their mean, their
spread over the folds and whether the winner's lead is larger than that spread.

A cross-validated row holds, for every metric ``m``, one column per fold
(``split0_m ... split{k-1}_m``), their mean ``mean_m`` and population standard deviation
``std_m`` (scikit-learn's ``cv_results_`` grammar, :func:`scanlab._metric_names.fold_columns`).
A winner whose lead over the runner-up is smaller than the folds' spread may owe its rank to
the split of the data, not to its parameters.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from scanlab._metric_names import fold_columns
from scanlab.analysis._helpers import best_first, resolve_minimize
from scanlab.analysis.runs import ok_mask
from scanlab.errors import AnalysisError, NoRunsError, rule_message

__all__ = ["fold_summary", "paired_fold_t"]


def paired_fold_t(winner: np.ndarray, other: np.ndarray, minimize: bool) -> tuple[float, float]:
    """Paired t statistic and two-sided p-value of the winner's lead over the folds.

    The differences are taken fold by fold (same data split for both runs) and signed so that
    a positive ``t`` means the winner is better.

    Parameters
    ----------
    winner, other : ndarray of float
        The two runs' metric on each fold, in fold order (at least 2 folds, no NaN).
    minimize : bool
        Whether lower is better.

    Returns
    -------
    (t, p)
        ``t = mean(d) / (std(d, ddof=1) / sqrt(k))``; ``p`` from Student's t with ``k - 1``
        degrees of freedom. Equal differences on every fold give ``t = ±inf`` and ``p = 0``
        (``t = nan``, ``p = 1`` when they are all 0).

    Examples
    --------
    >>> t, p = paired_fold_t(np.array([0.9, 0.8, 0.85]), np.array([0.85, 0.8, 0.8]), False)
    >>> round(t, 3), round(p, 3)
    (2.0, 0.184)
    """
    from scipy import stats  # only when folds are compared: `import scanlab` stays light

    diff = (other - winner) if minimize else (winner - other)
    k = len(diff)
    mean = float(diff.mean())
    spread = float(diff.std(ddof=1)) if k > 1 else math.nan
    if not spread > 1e-9 * abs(mean):  # the same difference on every fold (to rounding)
        if mean == 0:
            return math.nan, 1.0
        return math.copysign(math.inf, mean), 0.0
    t = mean / (spread / math.sqrt(k))
    return t, float(2 * stats.t.sf(abs(t), k - 1))


def _fold_values(data: pd.DataFrame, metric: str) -> tuple[str, list[str], str | None]:
    splits, std = fold_columns(metric, data.columns)
    if not splits:
        raise AnalysisError(
            rule_message(
                "metric",
                "must be a cross-validated metric (split0_<m>, split1_<m>, ... columns)",
                metric,
                "cross-validate the scan (Scan(..., cv=5)); a scan without folds has no fold "
                "spread to compare",
            )
        )
    base = metric[len("mean_") :] if metric.startswith("mean_") else metric
    mean = f"mean_{base}" if f"mean_{base}" in data.columns else metric
    return mean, splits, std


def fold_summary(
    data: pd.DataFrame,
    metric: str,
    minimize: bool | None = None,
    n: int = 10,
    params: Sequence[str] = (),
) -> pd.DataFrame:
    """The ``n`` best cross-validated configurations: mean, std, every fold, and whether the
    winner's lead over each is within the folds' spread.

    Parameters
    ----------
    data : DataFrame
        The runs (failed ones are left out), with ``split<i>_<m>`` columns.
    metric : str
        The metric: ``mean_<m>`` or ``<m>``.
    minimize : bool, optional
        Whether lower is better; default: inferred from the metric's name.
    n : int, default 10
        Number of configurations (fewer when fewer ok runs have a mean).
    params : sequence of str, default ()
        Parameter columns to show.

    Returns
    -------
    DataFrame
        Indexed by rank (1 = best by the mean), columns: ``run_id`` and ``round`` (when
        present), the parameters, ``mean``, ``std`` (population, over the folds), ``lead``
        (the winner's mean minus this one's, signed so that positive = the winner is better),
        ``pooled_std`` (``sqrt((std_winner² + std²) / 2)``), ``within_spread`` (``|lead| <
        pooled_std``: the two cannot be told apart by the folds; NA for the winner), with at
        least 3 folds ``t_paired`` and ``p_paired`` (:func:`paired_fold_t` against the
        winner), then the fold values ``split0``, ``split1``, .... ``attrs``: ``metric``,
        ``n_splits``, ``minimize``, ``within_spread`` (how many of the others are) and
        ``note``, which says it in words.

    Raises
    ------
    AnalysisError
        When the metric has no fold columns, or ``n`` is not a positive integer.
    NoRunsError
        When no ok run has a value.

    Examples
    --------
    >>> df = pd.DataFrame({'run_id': ['a', 'b', 'c'], 'status': 'ok', 'lr': [0.1, 0.01, 1.0],
    ...     'split0_acc': [0.90, 0.88, 0.70], 'split1_acc': [0.80, 0.86, 0.72],
    ...     'split2_acc': [0.85, 0.84, 0.74]})
    >>> df['mean_acc'] = df[['split0_acc', 'split1_acc', 'split2_acc']].mean(axis=1)
    >>> out = fold_summary(df, 'mean_acc', params=['lr'])
    >>> out[['run_id', 'mean', 'within_spread']].round(3).to_dict('list')
    {'run_id': ['b', 'a', 'c'], 'mean': [0.86, 0.85, 0.72], 'within_spread': [None, True, False]}
    >>> out.attrs['note'][:57]
    'Run b leads run a by 0.01, less than the fold spread (poo'
    """
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise AnalysisError(rule_message("n", "must be a positive integer", n, "e.g. n=10"))
    mean_col, splits, std_col = _fold_values(data, metric)
    minimize = resolve_minimize(mean_col, minimize)
    ok = data[ok_mask(data)]
    folds = ok[splits].apply(pd.to_numeric, errors="coerce").to_numpy(dtype=float, copy=True)
    folds[~np.isfinite(folds)] = np.nan
    if mean_col in ok.columns:
        means = pd.to_numeric(ok[mean_col], errors="coerce").to_numpy(dtype=float, copy=True)
    else:
        means = np.nanmean(folds, axis=1) if folds.size else np.zeros(0)
    means[~np.isfinite(means)] = np.nan
    order = best_first(means, minimize, int(n))
    if len(order) == 0:
        raise NoRunsError(f"no ok run has a value of {mean_col!r}: no configuration to rank.")
    if std_col is not None:
        stds = pd.to_numeric(ok[std_col], errors="coerce").to_numpy(dtype=float)
    else:
        stds = np.nanstd(folds, axis=1)
    top = ok.iloc[order]
    out = top[[c for c in ("run_id", "round", *params) if c in top.columns]].copy()
    out["mean"] = means[order]
    out["std"] = stds[order]
    best_mean, best_std = out["mean"].iloc[0], out["std"].iloc[0]
    out["lead"] = (out["mean"] - best_mean) if minimize else (best_mean - out["mean"])
    out["pooled_std"] = np.sqrt((best_std**2 + out["std"] ** 2) / 2)
    within = (out["lead"].abs() < out["pooled_std"]).astype("boolean")
    within.iloc[0] = pd.NA
    out["within_spread"] = within
    top_folds = folds[order]
    k = len(splits)
    if k >= 3:
        tests = [
            paired_fold_t(top_folds[0], row, minimize)
            if i and not np.isnan(row).any() and not np.isnan(top_folds[0]).any()
            else (math.nan, math.nan)
            for i, row in enumerate(top_folds)
        ]
        out["t_paired"] = [t for t, _ in tests]
        out["p_paired"] = [p for _, p in tests]
    for i in range(k):
        out[f"split{i}"] = top_folds[:, i]
    out.index = pd.RangeIndex(1, len(out) + 1, name="rank")
    out.attrs.update(
        metric=mean_col,
        n_splits=k,
        minimize=minimize,
        within_spread=int(within.fillna(False).sum()),
        note=_note(out, k),
    )
    return out


def _name(out: pd.DataFrame, rank: int) -> str:
    if "run_id" in out.columns:
        return f"run {out['run_id'].iloc[rank]}"
    return f"the configuration ranked {rank + 1}"


def _note(out: pd.DataFrame, k: int) -> str:
    if len(out) < 2:
        return f"Only one configuration has a mean over the {k} folds: nothing to compare."
    lead, pooled = out["lead"].iloc[1], out["pooled_std"].iloc[1]
    within = bool(out["within_spread"].iloc[1])
    words = (
        f"{_name(out, 0)} leads {_name(out, 1)} by {lead:.3g}, "
        + ("less" if within else "more")
        + f" than the fold spread (pooled std {pooled:.3g} over {k} folds)"
    )
    count = int(out["within_spread"].fillna(False).sum())
    words += (
        f"; {count} of the other {len(out) - 1} configurations shown "
        f"{'is' if count == 1 else 'are'} within the spread, so their order may come from "
        "the split of the data rather than from their parameters."
        if count
        else "; every other configuration shown is further behind than the spread."
    )
    if "t_paired" in out.columns and not np.isnan(out["t_paired"].iloc[1]):
        words += (
            f" Paired t across the folds against the runner-up: t = "
            f"{out['t_paired'].iloc[1]:.3g}, p = {out['p_paired'].iloc[1]:.3g} (the folds "
            "share training data, so this p-value is optimistic)."
        )
    return words[0].upper() + words[1:]
