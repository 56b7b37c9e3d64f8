"""Pure computations on scan results: a DataFrame in, a DataFrame (or a small NamedTuple) out.

This module never imports matplotlib (directly or through another module): the plots in
:mod:`scanlab.plots` draw what is computed here, and :class:`scanlab.Analyze` is a thin layer
over both.

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

import math
import warnings
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, NamedTuple

import numpy as np
import pandas as pd
from scipy import stats

from scanlab.errors import (
    AnalysisError,
    MetricNotFoundError,
    NoRunsError,
    ResultsFormatError,
)
from scanlab.metrics import is_loss_like as infer_minimize

__all__ = [
    "AnalysisError",
    "NoRunsError",
    "MetricNotFoundError",
    "ResultsFormatError",
    "RESERVED_COLUMNS",
    "REQUIRED_COLUMNS",
    "ResultColumns",
    "Summary",
    "Regression",
    "ParallelInfo",
    "split_columns",
    "check_results",
    "infer_minimize",
    "default_metric",
    "resolve_metric",
    "ok_runs",
    "summarize",
    "failures",
    "round_summary",
    "round_comparison",
    "best_value",
    "worst_value",
    "rounds2high",
    "best_runs",
    "table",
    "top_mask",
    "correlations",
    "value_correlations",
    "value_summary",
    "corr_matrix",
    "train_val_pairs",
    "regression",
    "train_val_regressions",
    "learning_entropy",
    "entropy_summary",
    "learning_curves",
    "param_importance",
    "parallel_coordinates",
    "as_levels",
    "subsample",
]


#: Columns of the results schema that are neither parameters nor metrics.
RESERVED_COLUMNS = (
    "run_id",
    "round",
    "status",
    "epochs_run",
    "best_epoch",
    "best_value",
    "start",
    "end",
    "duration_s",
    "error",
)
#: Columns a results CSV must have to be analysed (Talos CSVs are mapped on load).
REQUIRED_COLUMNS = ("run_id", "round", "status")
# Bookkeeping columns of a raw Talos ``scan.data`` frame, and pandas' unnamed index column.
_TALOS_COLUMNS = (
    "round_epochs",
    "duration",
    "index_num",
    "talos_trial_id",
    "_trial_id",
    "execution_time",
    "_param_hash",
)
# Reserved numeric columns that may still be asked for as a metric.
_EXTRA_METRICS = ("duration_s", "epochs_run", "best_value", "best_epoch")

_METRIC_NAMES = frozenset(
    {
        "loss",
        "acc",
        "accuracy",
        "mse",
        "mae",
        "mape",
        "msle",
        "rmse",
        "auc",
        "prc",
        "precision",
        "recall",
        "f1",
        "f1_score",
        "fbeta_score",
        "iou",
        "mean_iou",
        "r2",
        "r2_score",
        "hinge",
        "squared_hinge",
        "logcosh",
        "log_cosh",
        "kld",
        "poisson",
        "cosine_similarity",
        "mean_squared_error",
        "mean_absolute_error",
        "mean_absolute_percentage_error",
        "mean_squared_logarithmic_error",
        "root_mean_squared_error",
        "true_positives",
        "true_negatives",
        "false_positives",
        "false_negatives",
    }
)
_METRIC_SUFFIXES = ("loss", "accuracy", "_acc", "error", "crossentropy", "_auc")


# --------------------------------------------------------------------------------------------
# Columns, metrics and directions
# --------------------------------------------------------------------------------------------


class ResultColumns(NamedTuple):
    """The parameter and metric columns of a results table."""

    params: tuple[str, ...]
    metrics: tuple[str, ...]


def _is_numeric(series: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(series.dtype) and not pd.api.types.is_bool_dtype(
        series.dtype
    )


def _looks_like_metric(name: str, columns: set[str]) -> bool:
    low = name.lower()
    if f"val_{name}" in columns or low in _METRIC_NAMES or low.endswith(_METRIC_SUFFIXES):
        return True
    if low.startswith("val_"):
        base = name[4:]
        return base in columns or _looks_like_metric(base, set())
    return False


def split_columns(
    data: pd.DataFrame,
    params: Sequence[str] | None = None,
    metrics: Sequence[str] | None = None,
) -> ResultColumns:
    """Tell the parameter columns from the metric columns of a results table.

    The names come, in this order of preference, from the ``params``/``metrics`` arguments,
    from ``data.attrs['params']``/``data.attrs['metrics']`` (set by the results loader when it
    knows them), or from the column names: a numeric column is a metric when it is named like
    a Keras history key (``loss``, ``val_*`` with a known base, ``accuracy``, ``mse``,
    ``*_loss``, ``*error``, ...) or has a ``val_`` twin; every other non-reserved column is a
    parameter. Non-numeric columns are always parameters.

    Parameters
    ----------
    data : DataFrame
        The runs.
    params, metrics : sequence of str, optional
        Explicit names; when only one is given the other is every remaining column.

    Returns
    -------
    ResultColumns
        ``params`` sorted by name, ``metrics`` sorted by name.

    Examples
    --------
    >>> df = pd.DataFrame({'run_id': ['a'], 'round': [1], 'status': ['ok'], 'lr': [0.1],
    ...                    'optimizer': ['Adam'], 'loss': [0.3], 'val_loss': [0.4]})
    >>> split_columns(df)
    ResultColumns(params=('lr', 'optimizer'), metrics=('loss', 'val_loss'))
    """
    params = params if params is not None else data.attrs.get("params")
    metrics = metrics if metrics is not None else data.attrs.get("metrics")
    skip = set(RESERVED_COLUMNS) | set(_TALOS_COLUMNS)
    candidates = [
        c
        for c in data.columns
        if isinstance(c, str) and c not in skip and not c.startswith("Unnamed:")
    ]
    for given, what in ((params, "parameter"), (metrics, "metric")):
        if given is not None:
            missing = [c for c in given if c not in data.columns]
            if missing:
                raise ResultsFormatError(
                    f"{what} column(s) {', '.join(map(repr, missing))} not in the results; "
                    f"the columns are: {', '.join(map(str, data.columns))}"
                )
    if params is not None and metrics is not None:
        return ResultColumns(tuple(sorted(params)), tuple(sorted(metrics)))
    if params is not None:
        rest = [c for c in candidates if c not in set(params) and _is_numeric(data[c])]
        return ResultColumns(tuple(sorted(params)), tuple(sorted(rest)))
    if metrics is not None:
        rest = [c for c in candidates if c not in set(metrics)]
        return ResultColumns(tuple(sorted(rest)), tuple(sorted(metrics)))
    names = set(candidates)
    found_metrics = [c for c in candidates if _is_numeric(data[c]) and _looks_like_metric(c, names)]
    found_params = [c for c in candidates if c not in set(found_metrics)]
    return ResultColumns(tuple(sorted(found_params)), tuple(sorted(found_metrics)))


def check_results(data: pd.DataFrame, source: str = "the results") -> None:
    """Raise :class:`ResultsFormatError` unless ``data`` looks like a scanlab results table.

    A results table has the columns ``run_id``, ``round`` and ``status`` and at least one
    metric column.

    Examples
    --------
    >>> check_results(pd.DataFrame({'x': [1], 'y': [2]}), 'data.csv')
    Traceback (most recent call last):
    ...
    scanlab.errors.ResultsFormatError: data.csv is not a scanlab results file: missing columns 'run_id', 'round', 'status' ...
    """
    missing = [c for c in REQUIRED_COLUMNS if c not in data.columns]
    if missing:
        raise ResultsFormatError(
            f"{source} is not a scanlab results file: missing columns "
            f"{', '.join(map(repr, missing))} (found: {', '.join(map(str, data.columns))}). "
            "A results file has run_id, round, status, one column per parameter and one per "
            "metric (see docs/results-format.md); Talos CSVs need a round_epochs column."
        )


def default_metric(metrics: Sequence[str]) -> str:
    """The metric to analyse when none is named.

    The first present of ``val_accuracy``, ``val_acc``, ``val_loss``, any other ``val_*``,
    ``accuracy``, ``acc``, ``loss``, else the first metric.

    Examples
    --------
    >>> default_metric(['accuracy', 'loss', 'val_accuracy', 'val_loss'])
    'val_accuracy'
    """
    if not metrics:
        raise ResultsFormatError(
            "the results have no metric columns (loss, val_loss, accuracy, ...); "
            "name the metrics with Analyze(..., metrics=[...])"
        )
    for name in ("val_accuracy", "val_acc", "val_loss"):
        if name in metrics:
            return name
    for name in metrics:
        if name.startswith("val_"):
            return name
    for name in ("accuracy", "acc", "loss"):
        if name in metrics:
            return name
    return metrics[0]


def resolve_metric(data: pd.DataFrame, metric: str | None, metrics: Sequence[str]) -> str:
    """Check that ``metric`` can be analysed; ``None`` picks :func:`default_metric`.

    Raises :class:`MetricNotFoundError` listing the metrics that exist.

    Examples
    --------
    >>> df = pd.DataFrame({'loss': [0.1], 'val_loss': [0.2]})
    >>> resolve_metric(df, 'val_acc', ['loss', 'val_loss'])
    Traceback (most recent call last):
    ...
    scanlab.errors.MetricNotFoundError: metric 'val_acc' is not in the results; the metrics are: loss, val_loss
    """
    if metric is None:
        return default_metric(list(metrics))
    if not isinstance(metric, str):
        raise AnalysisError(f"metric must be a column name (str), got {metric!r}")
    allowed = list(metrics) + [c for c in _EXTRA_METRICS if c in data.columns]
    if metric in allowed:
        return metric
    raise MetricNotFoundError(
        f"metric {metric!r} is not in the results; the metrics are: "
        f"{', '.join(metrics) if metrics else '(none)'}"
    )


def _direction(metric: str, minimize: bool | None) -> bool:
    return infer_minimize(metric) if minimize is None else bool(minimize)


def direction_words(minimize: bool) -> str:
    """``'lower is better'`` or ``'higher is better'``."""
    return "lower is better" if minimize else "higher is better"


# --------------------------------------------------------------------------------------------
# Runs, failures, best values
# --------------------------------------------------------------------------------------------


def _ok_mask(data: pd.DataFrame) -> np.ndarray:
    if "status" not in data.columns:
        return np.ones(len(data), dtype=bool)
    return data["status"].eq("ok").to_numpy(dtype=bool, na_value=False)


def ok_runs(data: pd.DataFrame) -> pd.DataFrame:
    """The successful runs (``status == 'ok'``; every run when there is no status column).

    Examples
    --------
    >>> df = pd.DataFrame({'status': ['ok', 'failed', 'ok'], 'loss': [1.0, None, 2.0]})
    >>> len(ok_runs(df))
    2
    """
    mask = _ok_mask(data)
    return data if mask.all() else data[mask]


def _metric_values(data: pd.DataFrame, metric: str) -> np.ndarray:
    values = pd.to_numeric(data[metric], errors="coerce").to_numpy(
        dtype=float, na_value=np.nan, copy=True
    )
    values[~np.isfinite(values)] = np.nan
    return values


def _check_ok(data: pd.DataFrame, mask: np.ndarray) -> None:
    if len(data) == 0:
        raise NoRunsError("the results are empty: no run has been recorded yet")
    if not mask.any():
        top = failures(data)
        hint = f" (most common error: {top['example'].iloc[0]})" if len(top) else ""
        raise NoRunsError(f"no successful runs to analyse: all {len(data)} runs failed{hint}")


def _require_ok(data: pd.DataFrame) -> pd.DataFrame:
    mask = _ok_mask(data)
    _check_ok(data, mask)
    return data if mask.all() else data[mask]


def _metric_array(data: pd.DataFrame, metric: str) -> np.ndarray:
    """The metric of every run, NaN for failed runs and missing values (raises if none)."""
    mask = _ok_mask(data)
    _check_ok(data, mask)
    values = _metric_values(data, metric)
    if not mask.all():
        values[~mask] = np.nan
    if np.isnan(values).all():
        raise NoRunsError(f"no successful run has a value for metric {metric!r}")
    return values


def _metric_ok(
    data: pd.DataFrame, metric: str, columns: Sequence[str] | None = None
) -> tuple[pd.DataFrame, np.ndarray]:
    """OK runs with a finite metric value (only ``columns`` when given), and those values."""
    values = _metric_array(data, metric)
    keep = ~np.isnan(values)
    frame = data if columns is None else data[list(dict.fromkeys(columns))]
    if not keep.all():
        frame = frame[keep]
        values = values[keep]
    return frame, values


class Summary(NamedTuple):
    """Headline numbers of a results table (see :func:`summarize`)."""

    n_runs: int
    n_ok: int
    n_failed: int
    n_rounds: int
    metric: str
    minimize: bool
    best_value: float
    best_run_id: str | None
    best_round: int | None
    params: tuple[str, ...]
    metrics: tuple[str, ...]


def summarize(
    data: pd.DataFrame,
    metric: str,
    minimize: bool | None = None,
    columns: ResultColumns | None = None,
) -> Summary:
    """Count runs (ok / failed / rounds) and find the best value of ``metric``.

    Works on any table, even one with no successful run (``best_value`` is then NaN).

    Examples
    --------
    >>> df = pd.DataFrame({'run_id': ['a', 'b', 'c'], 'round': [1, 1, 2],
    ...                    'status': ['ok', 'failed', 'ok'], 'lr': [0.1, 0.2, 0.3],
    ...                    'val_loss': [0.5, None, 0.4]})
    >>> s = summarize(df, 'val_loss')
    >>> s.n_ok, s.n_failed, s.n_rounds, s.best_value, s.best_run_id
    (2, 1, 2, 0.4, 'c')
    """
    columns = columns or split_columns(data)
    minimize = _direction(metric, minimize)
    ok_mask = _ok_mask(data)
    n_rounds = int(data["round"].nunique()) if "round" in data.columns else int(len(data) > 0)
    value, run_id, round_ = math.nan, None, None
    try:
        best = best_runs(data, metric, k=1, minimize=minimize, columns=columns)
    except NoRunsError:
        pass
    else:
        row = best.iloc[0]
        value = float(row[metric])
        run_id = str(row["run_id"]) if "run_id" in best.columns else None
        round_ = int(row["round"]) if "round" in best.columns else None
    return Summary(
        n_runs=len(data),
        n_ok=int(ok_mask.sum()),
        n_failed=int((~ok_mask).sum()),
        n_rounds=n_rounds,
        metric=metric,
        minimize=minimize,
        best_value=value,
        best_run_id=run_id,
        best_round=round_,
        params=columns.params,
        metrics=columns.metrics,
    )


def failures(data: pd.DataFrame) -> pd.DataFrame:
    """Failed runs grouped by error type: ``error_type``, ``count``, ``example``.

    The error type is the part of the ``error`` column before the first ``':'``.

    Examples
    --------
    >>> df = pd.DataFrame({'status': ['ok', 'failed', 'failed'],
    ...                    'error': ['', 'ValueError: bad', 'ValueError: worse']})
    >>> failures(df)[['error_type', 'count']].to_dict('records')
    [{'error_type': 'ValueError', 'count': 2}]
    """
    failed = data[~_ok_mask(data)]
    if len(failed) == 0:
        return pd.DataFrame({"error_type": [], "count": [], "example": []}).astype({"count": int})
    if "error" in failed.columns:
        errors = failed["error"].astype(object).where(failed["error"].notna(), "")
        errors = errors.astype(str).str.strip()
    else:
        errors = pd.Series([""] * len(failed), index=failed.index)
    errors = errors.where(errors != "", "(no error recorded)")
    kinds = errors.str.split(":", n=1).str[0].str.strip()
    out = (
        pd.DataFrame({"error_type": kinds.to_numpy(), "example": errors.to_numpy()})
        .groupby("error_type", sort=False)
        .agg(count=("example", "size"), example=("example", "first"))
        .reset_index()
        .sort_values(["count", "error_type"], ascending=[False, True], kind="stable")
        .reset_index(drop=True)
    )
    return out[["error_type", "count", "example"]]


def round_summary(data: pd.DataFrame, metric: str, minimize: bool | None = None) -> pd.DataFrame:
    """Per round (scan): runs, ok, failed, and best / median / mean / std of ``metric``.

    Examples
    --------
    >>> df = pd.DataFrame({'round': [1, 1, 2], 'status': ['ok', 'ok', 'failed'],
    ...                    'loss': [0.3, 0.1, None]})
    >>> round_summary(df, 'loss')[['round', 'runs', 'ok', 'failed', 'best']].to_dict('records')
    [{'round': 1, 'runs': 2, 'ok': 2, 'failed': 0, 'best': 0.1}, {'round': 2, 'runs': 1, 'ok': 0, 'failed': 1, 'best': nan}]
    """
    minimize = _direction(metric, minimize)
    rounds = data["round"] if "round" in data.columns else pd.Series(1, index=data.index)
    ok = _ok_mask(data)
    values = np.where(ok, _metric_values(data, metric), np.nan)
    frame = pd.DataFrame({"round": rounds.to_numpy(), "ok": ok, "v": values})
    grouped = frame.groupby("round", sort=True)
    out = pd.DataFrame(
        {
            "runs": grouped.size(),
            "ok": grouped["ok"].sum().astype(int),
        }
    )
    out["failed"] = out["runs"] - out["ok"]
    out["best"] = grouped["v"].min() if minimize else grouped["v"].max()
    out["median"] = grouped["v"].median()
    out["mean"] = grouped["v"].mean()
    out["std"] = grouped["v"].std()
    return out.reset_index()


def round_comparison(
    data: pd.DataFrame,
    metric: str,
    minimize: bool | None = None,
    quantile: float = 0.2,
) -> pd.DataFrame:
    """Compare the rounds of an experiment: did narrowing concentrate the runs near the top?

    Extends :func:`round_summary` (runs, ok, failed, best, median, mean, std per round) with
    the metric's distribution and the return on compute of each round. The top ``quantile``
    is computed over the ok runs of **all rounds together** (:func:`top_mask`), so the rounds
    are judged against one bar: a good narrowing puts more of its runs, and more of its
    compute, in the top.

    Returns
    -------
    DataFrame
        One row per round, in order: the :func:`round_summary` columns, then ``q25`` and
        ``q75`` (quartiles of the metric over the round's ok runs), ``best_so_far`` (best
        value up to and including this round), ``top_runs`` (the round's ok runs in the
        overall top quantile), ``top_rate`` (``top_runs / ok``), ``compute_s`` (sum of
        ``duration_s`` over every run of the round, failed ones included: they cost time
        too), ``top_compute_s`` (sum of ``duration_s`` over its top runs) and
        ``top_compute_share`` (``top_compute_s / compute_s``). The compute columns are NaN
        without a ``duration_s`` column. ``attrs`` holds ``quantile`` and ``threshold`` (the
        metric value a run needs to be in the top).

    Examples
    --------
    >>> df = pd.DataFrame({'round': [1, 1, 1, 2, 2], 'status': 'ok',
    ...                    'acc': [0.5, 0.6, 0.9, 0.8, 0.95],
    ...                    'duration_s': [1.0, 1.0, 2.0, 3.0, 1.0]})
    >>> out = round_comparison(df, 'acc', quantile=0.4)
    >>> out[['round', 'best', 'top_runs', 'top_rate', 'top_compute_share']].to_dict('records')
    [{'round': 1, 'best': 0.9, 'top_runs': 1, 'top_rate': 0.3333333333333333, 'top_compute_share': 0.5}, {'round': 2, 'best': 0.95, 'top_runs': 1, 'top_rate': 0.5, 'top_compute_share': 0.25}]
    """
    minimize = _direction(metric, minimize)
    out = round_summary(data, metric, minimize)
    rounds = (
        data["round"] if "round" in data.columns else pd.Series(1, index=data.index)
    ).to_numpy()
    values = np.where(_ok_mask(data), _metric_values(data, metric), np.nan)
    top = top_mask(values, quantile, minimize)
    finite = values[~np.isnan(values)]
    if len(finite) == 0:
        threshold = math.nan
    else:
        threshold = float(np.quantile(finite, quantile if minimize else 1 - quantile))
    if "duration_s" in data.columns:
        duration = pd.to_numeric(data["duration_s"], errors="coerce").to_numpy(
            dtype=float, na_value=np.nan
        )
    else:
        duration = np.full(len(data), np.nan)
    frame = pd.DataFrame(
        {
            "round": rounds,
            "v": values,
            "top": top,
            "d": duration,
            "top_d": np.where(top, duration, 0.0),
        }
    )
    grouped = frame.groupby("round", sort=True)
    extra = pd.DataFrame(
        {
            "q25": grouped["v"].quantile(0.25),
            "q75": grouped["v"].quantile(0.75),
            "top_runs": grouped["top"].sum().astype(int),
            "compute_s": grouped["d"].sum(min_count=1),
            "top_compute_s": grouped["top_d"].sum(min_count=1),
        }
    )
    out = out.merge(extra.reset_index(), on="round", how="left")
    best = out["best"].to_numpy(dtype=float)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN leading rounds
        running = (np.fmin if minimize else np.fmax).accumulate(best)
    out.insert(out.columns.get_loc("q75") + 1, "best_so_far", running)
    with np.errstate(divide="ignore", invalid="ignore"):
        out["top_rate"] = np.where(out["ok"] > 0, out["top_runs"] / out["ok"].clip(lower=1), np.nan)
        compute = out["compute_s"].to_numpy(dtype=float)
        out["top_compute_share"] = np.where(
            compute > 0,
            out["top_compute_s"].to_numpy(dtype=float) / np.where(compute > 0, compute, 1.0),
            np.nan,
        )
    out = out[
        [
            "round",
            "runs",
            "ok",
            "failed",
            "best",
            "median",
            "mean",
            "std",
            "q25",
            "q75",
            "best_so_far",
            "top_runs",
            "top_rate",
            "compute_s",
            "top_compute_s",
            "top_compute_share",
        ]
    ]
    out.attrs.update(
        quantile=float(quantile), threshold=threshold, metric=metric, minimize=minimize
    )
    return out


def best_value(data: pd.DataFrame, metric: str, minimize: bool | None = None) -> float:
    """Best value of ``metric`` over the ok runs (min when minimized, else max).

    Examples
    --------
    >>> best_value(pd.DataFrame({'val_loss': [0.3, 0.2]}), 'val_loss')
    0.2
    """
    values = _metric_array(data, metric)
    return float(np.nanmin(values) if _direction(metric, minimize) else np.nanmax(values))


def worst_value(data: pd.DataFrame, metric: str, minimize: bool | None = None) -> float:
    """Worst value of ``metric`` over the ok runs (max when minimized, else min).

    Examples
    --------
    >>> worst_value(pd.DataFrame({'val_loss': [0.3, 0.2]}), 'val_loss')
    0.3
    """
    values = _metric_array(data, metric)
    return float(np.nanmax(values) if _direction(metric, minimize) else np.nanmin(values))


def rounds2high(data: pd.DataFrame, metric: str, minimize: bool | None = None) -> int:
    """0-based position (in the order runs were recorded) of the run with the best value.

    Talos calls a run a "round"; the name is kept for compatibility. Failed runs keep their
    positions (they count as runs), ties go to the earliest run.

    Examples
    --------
    >>> df = pd.DataFrame({'status': ['ok', 'failed', 'ok', 'ok'],
    ...                    'acc': [0.5, None, 0.9, 0.9]})
    >>> rounds2high(df, 'acc')
    2
    """
    values = _metric_array(data, metric)
    return int(np.nanargmin(values) if _direction(metric, minimize) else np.nanargmax(values))


def _order(values: np.ndarray, minimize: bool, k: int | None = None) -> np.ndarray:
    """Positions of the best values first (stable: ties keep run order); NaN excluded."""
    finite = np.flatnonzero(~np.isnan(values))
    key = values[finite] if minimize else -values[finite]
    if k is not None and k < len(finite):
        # partial selection first: O(n) instead of a full sort for big tables
        kth = np.partition(key, k - 1)[k - 1]
        keep = key <= kth
        finite, key = finite[keep], key[keep]
    order = finite[np.argsort(key, kind="stable")]
    return order if k is None else order[:k]


def best_runs(
    data: pd.DataFrame,
    metric: str,
    k: int = 10,
    minimize: bool | None = None,
    columns: ResultColumns | None = None,
) -> pd.DataFrame:
    """The ``k`` best ok runs, best first, with the metric, every parameter and every metric.

    Columns: ``run_id``, ``round`` (when present), ``metric``, the parameters (sorted by
    name), the other metrics, ``epochs_run`` and ``duration_s`` (when present). The index
    is the rank (1 = best). Ties keep the order in which runs were recorded.

    Examples
    --------
    >>> df = pd.DataFrame({'run_id': list('abc'), 'status': ['ok'] * 3,
    ...                    'units': [8, 16, 32], 'val_loss': [0.3, 0.1, 0.2]})
    >>> best_runs(df, 'val_loss', k=2)[['run_id', 'val_loss']].to_dict('list')
    {'run_id': ['b', 'c'], 'val_loss': [0.1, 0.2]}
    """
    if k < 1:
        raise AnalysisError(f"k must be a positive number of runs, got {k!r}")
    columns = columns or split_columns(data)
    values = _metric_array(data, metric)
    pos = _order(values, _direction(metric, minimize), k)
    cols = [c for c in ("run_id", "round") if c in data.columns] + [metric]
    cols += [c for c in columns.params if c not in cols]
    cols += [c for c in columns.metrics if c not in cols]
    cols += [c for c in ("epochs_run", "duration_s") if c in data.columns and c not in cols]
    out = data.iloc[pos][cols].reset_index(drop=True)
    out[metric] = values[pos]
    out.index = pd.RangeIndex(1, len(out) + 1, name="rank")
    return out


def table(
    data: pd.DataFrame,
    metric: str | Sequence[str],
    columns: ResultColumns | None = None,
    exclude: Iterable[str] = (),
    sort_by: str | None = None,
    ascending: bool | None = None,
) -> pd.DataFrame:
    """The ok runs as a table: metric column(s) first, then parameters, then other columns.

    ``sort_by`` defaults to the (first) metric, ``ascending`` to its direction (best first).
    Columns named in ``exclude`` are left out.

    Examples
    --------
    >>> df = pd.DataFrame({'status': ['ok'] * 3, 'lr': [1, 2, 3], 'acc': [0.2, 0.9, 0.5]})
    >>> table(df, 'acc')['acc'].tolist()
    [0.9, 0.5, 0.2]
    """
    columns = columns or split_columns(data)
    metrics = [metric] if isinstance(metric, str) else list(metric)
    exclude = set(exclude)
    ok = _require_ok(data)
    order = list(
        dict.fromkeys(metrics + list(columns.params) + list(columns.metrics) + list(ok.columns))
    )
    order = [c for c in order if c not in exclude or c in metrics]
    sort_by = sort_by or metrics[0]
    if sort_by not in ok.columns:
        raise AnalysisError(f"sort_by={sort_by!r} is not a column of the results")
    if ascending is None:
        ascending = _direction(sort_by, None) if sort_by in columns.metrics else False
    return ok[order].sort_values(sort_by, ascending=ascending, kind="stable", na_position="last")


def top_mask(values: np.ndarray, quantile: float = 0.1, minimize: bool = False) -> np.ndarray:
    """Boolean mask of the values in the best ``quantile`` (NaN is never in it).

    Maximizing, a value is in the top quantile when it is ``>=`` the ``1 - quantile``
    quantile of the finite values (linear interpolation); minimizing, when it is ``<=`` the
    ``quantile`` quantile. Ties at the threshold are all in.

    Examples
    --------
    >>> top_mask(np.arange(1.0, 11.0), 0.2).nonzero()[0].tolist()
    [8, 9]
    """
    if not 0 < quantile < 1:
        raise AnalysisError(f"top quantile must be between 0 and 1 (exclusive), got {quantile!r}")
    values = np.asarray(values, dtype=float)
    finite = ~np.isnan(values)
    if not finite.any():
        return np.zeros(len(values), dtype=bool)
    if minimize:
        return finite & (values <= np.quantile(values[finite], quantile))
    return finite & (values >= np.quantile(values[finite], 1 - quantile))


# --------------------------------------------------------------------------------------------
# Correlations
# --------------------------------------------------------------------------------------------


def _average_ranks(values: np.ndarray) -> tuple[np.ndarray, float]:
    """1-based average ranks of finite numeric values and the tie term sum(t**3 - t)."""
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


def _code_rank_corr(codes: np.ndarray, k: int, y_ranks: np.ndarray) -> float:
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


def _factorize(col: pd.Series) -> tuple[np.ndarray, Any]:
    """Codes into the sorted distinct values (-1 for missing); mixed types sort as text."""
    try:
        return pd.factorize(col, sort=True)
    except TypeError:
        return pd.factorize(_sortable(col), sort=True)


def _corr_pvalue(r: float, n: int) -> float:
    """Two-sided p-value of a (rank) correlation by the t approximation (as scipy.spearmanr)."""
    if n < 3 or math.isnan(r):
        return math.nan
    if abs(r) >= 1:
        return 0.0
    t = r * math.sqrt((n - 2) / ((1 - r) * (1 + r)))
    return float(2 * stats.t.sf(abs(t), n - 2))


def _kendall(x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    if len(x) < 2:
        return math.nan, math.nan
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = stats.kendalltau(x, y)
    return float(res.statistic), float(res.pvalue)


def _kruskal(codes: np.ndarray, ranks: np.ndarray, ties: float) -> tuple[float, float, int]:
    """Kruskal-Wallis H (tie-corrected), its p-value and the number of groups."""
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


def _check_method(method: str) -> str:
    if method not in ("spearman", "kendall"):
        raise AnalysisError(
            f"The value for `method` must be one of ['spearman', 'kendall'], "
            f"but {method!r} was passed."
        )
    return method


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
    _check_method(method)
    ok, y = _metric_ok(data, metric, list(params))
    y_ranks, y_ties = _average_ranks(y)
    rows = []
    for name in params:
        col = ok[name]
        codes, uniques = _factorize(col)
        valid = codes >= 0
        all_valid = bool(valid.all())
        if not all_valid:
            codes = codes[valid]
        n = len(codes)
        row: dict[str, Any] = dict.fromkeys(_CORR_COLUMNS, math.nan)
        row.update(param=name, n=n, n_values=len(uniques), test=None)
        if len(uniques) <= 1:
            row["kind"] = "constant"
        elif _is_numeric(col) or pd.api.types.is_bool_dtype(col.dtype):
            row["kind"] = "numeric"
            row["test"] = method
            if method == "spearman":
                yr = y_ranks if all_valid else _average_ranks(y[valid])[0]
                r = _code_rank_corr(codes, len(uniques), yr)
                p = _corr_pvalue(r, n)
            else:
                xv = col.to_numpy(dtype=float, na_value=np.nan)
                r, p = _kendall(xv[valid], y[valid])
            row.update(correlation=r, statistic=r, p_value=p, strength=abs(r))
        else:
            row["kind"] = "categorical"
            row["test"] = "kruskal"
            yr, ties = (y_ranks, y_ties) if all_valid else _average_ranks(y[valid])
            h, p, _ = _kruskal(codes, yr, ties)
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
    the metric over the ok runs (Spearman, the default, or Kendall), as Talos's reducer does.
    A positive correlation means runs with that value tend to have *higher* metric values
    (better when maximizing, worse when minimizing). Parameters with one value, or more than
    ``max_values`` values, are skipped.

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
    _check_method(method)
    ok, y = _metric_ok(data, metric, list(params))
    y_ranks, _ = _average_ranks(y)
    rows = []
    for name in sorted(params):
        codes, uniques = _factorize(ok[name])
        valid = codes >= 0
        codes = codes[valid]
        k = len(uniques)
        if k <= 1 or k > max_values:
            continue
        n = len(codes)
        if method == "spearman":
            yr = y_ranks if valid.all() else _average_ranks(y[valid])[0]
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
                rows.append((name, uniques[j], int(sizes[j]), rj, _corr_pvalue(rj, n)))
        else:
            yv = y if valid.all() else y[valid]
            for j in range(k):
                ind = (codes == j).astype(float)
                r, p = _kendall(ind, yv)
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
    minimize_ = _direction(metric, minimize)
    ok, y = _metric_ok(data, metric, list(params))
    top = top_mask(y, top_quantile, minimize_)
    n_top = max(int(top.sum()), 1)
    frames = []
    for name in sorted(params):
        frame = pd.DataFrame({"value": _sortable(ok[name]).to_numpy(), "y": y, "top": top})
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


def as_levels(series: pd.Series, max_levels: int = 12) -> tuple[pd.Series, list[str]]:
    """Labels and their order for using a column as a categorical axis, hue or panel.

    Values keep their natural order (numbers numerically, strings alphabetically) and are
    written as short strings; missing values become ``'None'``. A numeric column with more
    than ``max_levels`` distinct values is cut into ``max_levels`` quantile bins; a
    categorical one keeps its ``max_levels - 1`` most frequent values and pools the rest as
    ``'other'``.

    Examples
    --------
    >>> labels, order = as_levels(pd.Series([0.001, 0.01, 0.001, None]))
    >>> labels.tolist(), order
    (['0.001', '0.01', '0.001', 'None'], ['0.001', '0.01', 'None'])
    """
    s = series
    if s.nunique(dropna=True) > max_levels:
        if _is_numeric(s):
            bins = pd.qcut(s, max_levels, duplicates="drop")
            cats = bins.cat.categories
            names = [f"{_short(iv.left)}–{_short(iv.right)}" for iv in cats]
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
    names = {v: _short(v) for v in uniques}
    labels = s.map(names).astype(object)
    labels = labels.where(s.notna(), "None")
    order = list(dict.fromkeys(names.values()))
    if s.isna().any():
        order.append("None")
    return labels.astype(str), order


def _sortable(col: pd.Series) -> pd.Series:
    """The column, or its values as strings when they mix types that cannot be sorted."""
    if col.dtype != object:
        return col
    kinds = {type(v) for v in col.dropna()}
    if len(kinds) <= 1 or all(issubclass(k, (int, float, np.number)) for k in kinds):
        return col
    return col.astype(str).where(col.notna())


def _short(value: Any) -> str:
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value))
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        return f"{float(value):.4g}"
    return str(value)


def _encode_params(
    frame: pd.DataFrame, params: Sequence[str], max_levels: int | None = None
) -> pd.DataFrame:
    """Numeric params as they are; categorical ones as one-hot ``name=value`` columns."""
    cols: dict[str, np.ndarray] = {}
    for name in params:
        col = frame[name]
        if _is_numeric(col) or pd.api.types.is_bool_dtype(col.dtype):
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

    Examples
    --------
    >>> df = pd.DataFrame({'lr': [1, 2, 3], 'opt': ['a', 'b', 'b'], 'acc': [1.0, 2.0, 3.0]})
    >>> corr_matrix(df, ['lr', 'opt'], ['acc']).columns.tolist()
    ['lr', 'opt=a', 'opt=b', 'acc']
    """
    _check_method(method)
    ok = _require_ok(data)
    frame = _encode_params(ok, columns, max_levels)
    for m in metrics:
        frame[m] = _metric_values(ok, m)
    frame = frame.loc[:, frame.nunique() > 1]
    return frame.corr(method=method)


# --------------------------------------------------------------------------------------------
# Train vs validation
# --------------------------------------------------------------------------------------------


def train_val_pairs(metrics: Iterable[str]) -> list[tuple[str, str]]:
    """``(train, val)`` metric pairs present in ``metrics``: loss first, then the others.

    Examples
    --------
    >>> train_val_pairs(['accuracy', 'loss', 'val_accuracy', 'val_loss', 'lr'])
    [('loss', 'val_loss'), ('accuracy', 'val_accuracy')]
    """
    names = set(metrics)
    pairs = [(m, f"val_{m}") for m in sorted(names) if f"val_{m}" in names]
    return sorted(pairs, key=lambda p: (p[0] != "loss", "acc" not in p[0], p[0]))


class Regression(NamedTuple):
    """Least-squares fit of ``y`` on ``x`` across runs (see :func:`regression`)."""

    x: str
    y: str
    n: int
    slope: float
    intercept: float
    r2: float
    p_value: float
    residual_std: float
    minimize: bool
    outliers: pd.DataFrame


def regression(
    data: pd.DataFrame,
    x: str = "loss",
    y: str = "val_loss",
    threshold: float = 3.0,
    minimize: bool | None = None,
) -> Regression:
    """Fit ``y`` (validation) on ``x`` (training) across ok runs and flag the runs off the line.

    A run whose residual is more than ``threshold`` residual standard deviations away from
    the line is an outlier; ``overfit`` marks the outliers on the bad side (validation
    worse than the line predicts from training: above it for a loss, below it for an
    accuracy), the usual signature of over-fitting.

    Returns
    -------
    Regression
        ``slope``, ``intercept``, ``r2``, ``p_value`` (slope = 0), ``residual_std`` (ddof 2),
        ``n`` and ``outliers``: a DataFrame with ``run_id`` (and ``round``), ``x``, ``y``,
        ``predicted``, ``residual``, ``z`` and ``overfit``, sorted by ``|z|``. With fewer
        than three runs or a constant ``x``, the numbers are NaN and no outlier is flagged.

    Examples
    --------
    >>> df = pd.DataFrame({'loss': [1.0, 2.0, 3.0], 'val_loss': [2.0, 4.0, 6.0]})
    >>> r = regression(df)
    >>> r.slope, r.intercept, r.r2
    (2.0, 0.0, 1.0)
    """
    minimize = _direction(y, minimize)
    ok = _require_ok(data)
    xs = _metric_values(ok, x)
    ys = _metric_values(ok, y)
    both = ~(np.isnan(xs) | np.isnan(ys))
    ok, xs, ys = ok[both], xs[both], ys[both]
    n = len(xs)
    empty = pd.DataFrame(columns=["run_id", "x", "y", "predicted", "residual", "z", "overfit"])
    if n < 3 or np.ptp(xs) == 0:
        return Regression(
            x, y, n, math.nan, math.nan, math.nan, math.nan, math.nan, minimize, empty
        )
    fit = stats.linregress(xs, ys)
    predicted = fit.intercept + fit.slope * xs
    residual = ys - predicted
    dof = n - 2
    resid_std = float(math.sqrt(np.dot(residual, residual) / dof)) if dof > 0 else math.nan
    if resid_std > 0 and not math.isnan(resid_std):
        z = residual / resid_std
    else:
        z = np.zeros(n)
    far = np.abs(z) > threshold
    out = pd.DataFrame(
        {
            "x": xs[far],
            "y": ys[far],
            "predicted": predicted[far],
            "residual": residual[far],
            "z": z[far],
            "overfit": (z[far] > 0) if minimize else (z[far] < 0),
        }
    )
    for c in ("round", "run_id"):
        if c in ok.columns:
            out.insert(0, c, ok[c].to_numpy()[far])
    out = out.iloc[np.argsort(-np.abs(out["z"].to_numpy()), kind="stable")].reset_index(drop=True)
    r2 = float(fit.rvalue**2)
    return Regression(
        x,
        y,
        n,
        float(fit.slope),
        float(fit.intercept),
        r2,
        float(fit.pvalue),
        resid_std,
        minimize,
        out,
    )


def train_val_regressions(
    data: pd.DataFrame, metrics: Iterable[str], threshold: float = 3.0
) -> list[Regression]:
    """:func:`regression` of ``val_<m>`` on ``<m>`` for loss and the accuracy-like metrics.

    Examples
    --------
    >>> df = pd.DataFrame({'loss': [1.0, 2.0, 3.0], 'val_loss': [2.0, 4.0, 6.0]})
    >>> [(r.x, r.y) for r in train_val_regressions(df, ['loss', 'val_loss'])]
    [('loss', 'val_loss')]
    """
    pairs = [p for p in train_val_pairs(metrics) if p[0] == "loss" or "acc" in p[0]]
    return [regression(data, tx, vy, threshold) for tx, vy in pairs]


# --------------------------------------------------------------------------------------------
# Per-epoch histories: KL entropy and learning curves
# --------------------------------------------------------------------------------------------


def _history_pairs(history: Mapping[str, Sequence[float]]) -> list[str]:
    return [k for k in history if not k.startswith("val_") and f"val_{k}" in history]


def learning_entropy(
    histories: Mapping[str, Mapping[str, Sequence[float]]],
    results: pd.DataFrame | None = None,
    keys: Sequence[str] | None = None,
) -> pd.DataFrame:
    """KL divergence of each run's validation curve from its training curve, per metric.

    For a run and a metric ``m`` with both ``m`` and ``val_m`` histories of the same length,
    ``kl = scipy.stats.entropy(val_m, m)``: both per-epoch curves are scaled to sum to 1 and
    the Kullback-Leibler divergence D(val || train) of the validation curve from the training
    curve is taken (natural log). This is Talos's "learning entropy" (``epoch_entropy``). It
    is 0 when the validation curve has the training curve's *shape* (whatever the offset of
    scale) and grows as the two curves move differently over the epochs (e.g. training loss
    keeps falling while validation loss turns up). It is NaN when undefined: different
    lengths, a single epoch, negative or missing values, a curve summing to 0, or a training
    value of 0 where the validation one is positive.

    Parameters
    ----------
    histories : mapping
        ``{run_id: {key: [value per epoch, ...]}}`` as returned by
        ``scanlab.log.read_histories``.
    results : DataFrame, optional
        The runs; when given, a ``round`` column is added from it (by ``run_id``).
    keys : sequence of str, optional
        Training metric names to use (default: every ``m`` with a ``val_m`` twin).

    Returns
    -------
    DataFrame
        Long format: ``run_id``, ``round`` (when ``results`` is given), ``key``, ``kl``,
        ``epochs``.

    Examples
    --------
    >>> h = {'a': {'loss': [2.0, 1.0], 'val_loss': [2.0, 1.0]},
    ...      'b': {'loss': [1.0, 1.0], 'val_loss': [3.0, 1.0]}}
    >>> learning_entropy(h)['kl'].round(4).tolist()
    [0.0, 0.1308]
    """
    # group curves by (key, length) so each group is one vectorized scipy call
    groups: dict[tuple[str, int], list[tuple[str, Sequence[float], Sequence[float]]]] = {}
    undefined: list[tuple[str, str, int]] = []
    for run_id, history in histories.items():
        names = keys if keys is not None else _history_pairs(history)
        for key in names:
            train, val = history.get(key), history.get(f"val_{key}")
            if train is None or val is None:
                continue
            if len(train) != len(val) or len(train) < 2:
                undefined.append((run_id, key, len(train)))
                continue
            groups.setdefault((key, len(train)), []).append((run_id, train, val))
    rows_id: list[str] = []
    rows_key: list[str] = []
    rows_kl: list[np.ndarray] = []
    rows_ep: list[int] = []
    for (key, length), items in groups.items():
        train = np.array([t for _, t, _ in items], dtype=float)
        val = np.array([v for _, _, v in items], dtype=float)
        bad = (
            ~np.isfinite(train).all(1)
            | ~np.isfinite(val).all(1)
            | (train < 0).any(1)
            | (val < 0).any(1)
            | (train.sum(1) <= 0)
            | (val.sum(1) <= 0)
        )
        train[bad] = 1.0
        val[bad] = 1.0
        with np.errstate(divide="ignore", invalid="ignore"):
            kl = stats.entropy(val, train, axis=1)
        kl = np.where(bad | ~np.isfinite(kl), np.nan, kl)
        rows_id += [r for r, _, _ in items]
        rows_key += [key] * len(items)
        rows_kl.append(kl)
        rows_ep += [length] * len(items)
    for run_id, key, length in undefined:
        rows_id.append(run_id)
        rows_key.append(key)
        rows_kl.append(np.array([np.nan]))
        rows_ep.append(length)
    out = pd.DataFrame(
        {
            "run_id": pd.Series(rows_id, dtype=object),
            "key": pd.Series(rows_key, dtype=object),
            "kl": np.concatenate(rows_kl) if rows_kl else np.array([], dtype=float),
            "epochs": np.array(rows_ep, dtype=int),
        }
    )
    order = {r: i for i, r in enumerate(histories)}
    out = out.iloc[
        np.lexsort((out["key"].to_numpy(dtype=str), out["run_id"].map(order).to_numpy()))
    ].reset_index(drop=True)
    if results is not None and "run_id" in results.columns:
        rounds = (
            results.drop_duplicates("run_id", keep="last").set_index("run_id")["round"]
            if "round" in results.columns
            else None
        )
        out.insert(1, "round", out["run_id"].map(rounds) if rounds is not None else 1)
    return out


def entropy_summary(entropy: pd.DataFrame) -> pd.DataFrame:
    """:func:`learning_entropy` summarized per round and metric: count, mean, median, std, max.

    ``count`` counts the runs with a defined KL value.

    Examples
    --------
    >>> e = pd.DataFrame({'run_id': ['a', 'b'], 'round': [1, 1], 'key': ['loss', 'loss'],
    ...                   'kl': [0.0, 0.2], 'epochs': [2, 2]})
    >>> entropy_summary(e)[['round', 'key', 'count', 'mean']].to_dict('records')
    [{'round': 1, 'key': 'loss', 'count': 2, 'mean': 0.1}]
    """
    by = ["round", "key"] if "round" in entropy.columns else ["key"]
    if len(entropy) == 0:
        return pd.DataFrame(columns=by + ["count", "mean", "median", "std", "max"])
    out = entropy.groupby(by, sort=True)["kl"].agg(["count", "mean", "median", "std", "max"])
    return out.reset_index().astype({"count": int})


def learning_curves(
    histories: Mapping[str, Mapping[str, Sequence[float]]],
    run_ids: Sequence[str],
    keys: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Per-epoch curves of the given runs in long format, for plotting.

    ``keys`` are training metric names (default: ``loss`` and the accuracy-like keys that
    have a ``val_`` twin, or every key when there is no validation); both ``m`` and
    ``val_m`` are returned.

    Returns
    -------
    DataFrame
        ``run_id``, ``key`` (training name), ``split`` (``'train'`` / ``'val'``), ``epoch``
        (1-based), ``value``. Runs missing from ``histories`` are skipped.

    Examples
    --------
    >>> h = {'a': {'loss': [2.0, 1.0], 'val_loss': [2.5, 1.5]}}
    >>> learning_curves(h, ['a'])[['split', 'epoch', 'value']].to_dict('list')
    {'split': ['train', 'train', 'val', 'val'], 'epoch': [1, 2, 1, 2], 'value': [2.0, 1.0, 2.5, 1.5]}
    """
    rows = []
    for run_id in run_ids:
        history = histories.get(run_id)
        if not history:
            continue
        names = (
            list(keys)
            if keys is not None
            else [k for k in _history_pairs(history) if k == "loss" or "acc" in k]
            or [k for k in history if not k.startswith("val_")]
        )
        for key in names:
            for split, name in (("train", key), ("val", f"val_{key}")):
                values = history.get(name)
                if values is None:
                    continue
                for epoch, value in enumerate(values, start=1):
                    rows.append(
                        (run_id, key, split, epoch, math.nan if value is None else float(value))
                    )
    return pd.DataFrame(rows, columns=["run_id", "key", "split", "epoch", "value"])


# --------------------------------------------------------------------------------------------
# Importance, parallel coordinates, subsampling
# --------------------------------------------------------------------------------------------


def param_importance(
    data: pd.DataFrame,
    metric: str,
    params: Sequence[str],
    minimize: bool | None = None,
    top_quantile: float = 0.1,
    seed: int = 0,
    n_repeats: int = 5,
    max_rows: int = 5_000,
) -> pd.DataFrame:
    """How much each parameter matters for reaching the top quantile of ``metric``.

    A random forest (scikit-learn, ``random_state=seed``) learns whether a run is in the
    top quantile (:func:`top_mask`) from its parameters (numeric ones as they are,
    categorical ones as ordinal codes, missing values as a value below all others);
    the importance of a parameter is the mean drop of the forest's ROC AUC when that
    parameter's column is shuffled (``sklearn.inspection.permutation_importance``,
    ``n_repeats`` shuffles), measured on a held-out 30 % of the runs when there are at
    least 40, else on the training runs. More than ``max_rows`` runs are subsampled
    (seeded). Results are reproducible for a given seed.

    Returns
    -------
    DataFrame
        ``param``, ``importance``, ``importance_std``, sorted by importance. All NaN when
        the top quantile cannot be told apart (fewer than 2 runs in either class).

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> df = pd.DataFrame({'good': rng.integers(0, 2, 200), 'noise': rng.normal(size=200)})
    >>> df['acc'] = df['good'] + rng.normal(scale=0.1, size=200)
    >>> param_importance(df, 'acc', ['good', 'noise'], top_quantile=0.4)['param'].tolist()
    ['good', 'noise']
    """
    minimize_ = _direction(metric, minimize)
    ok, y = _metric_ok(data, metric)
    target = top_mask(y, top_quantile, minimize_)
    if len(ok) > max_rows:
        pick = np.sort(np.random.default_rng(seed).choice(len(ok), max_rows, replace=False))
        ok, target = ok.iloc[pick], target[pick]
    features = {}
    for name in params:
        col = ok[name]
        if _is_numeric(col) or pd.api.types.is_bool_dtype(col.dtype):
            v = col.to_numpy(dtype=float, na_value=np.nan)
            fill = (np.nanmin(v) - 1) if np.isfinite(v).any() else -1.0
            features[name] = np.where(np.isnan(v), fill, v)
        else:
            features[name] = pd.factorize(col.astype(str).where(col.notna()), sort=True)[0]
    x = pd.DataFrame(features, index=ok.index).astype(float)
    empty = pd.DataFrame(
        {"param": list(params), "importance": math.nan, "importance_std": math.nan}
    )
    n_pos = int(target.sum())
    if n_pos < 2 or len(target) - n_pos < 2 or x.shape[1] == 0:
        return empty
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.inspection import permutation_importance
    from sklearn.model_selection import train_test_split

    if len(target) >= 40 and min(n_pos, len(target) - n_pos) >= 4:
        x_fit, x_eval, y_fit, y_eval = train_test_split(
            x, target, test_size=0.3, stratify=target, random_state=seed
        )
    else:
        x_fit = x_eval = x
        y_fit = y_eval = target
    forest = RandomForestClassifier(
        n_estimators=60, min_samples_leaf=3, max_depth=12, random_state=seed, n_jobs=-1
    ).fit(x_fit, y_fit)
    scoring = "roc_auc" if len(np.unique(y_eval)) == 2 else "accuracy"
    result = permutation_importance(
        forest, x_eval, y_eval, scoring=scoring, n_repeats=n_repeats, random_state=seed
    )
    out = pd.DataFrame(
        {
            "param": list(x.columns),
            "importance": result.importances_mean,
            "importance_std": result.importances_std,
        }
    )
    return out.sort_values(
        ["importance", "param"], ascending=[False, True], kind="stable"
    ).reset_index(drop=True)


class ParallelInfo(NamedTuple):
    """Data of a parallel-coordinates plot (see :func:`parallel_coordinates`)."""

    scaled: pd.DataFrame
    metric_values: np.ndarray
    ticks: dict[str, tuple[list[float], list[str]]]
    axes: list[str]
    metric: str
    minimize: bool
    n_total: int


def parallel_coordinates(
    data: pd.DataFrame,
    metric: str,
    params: Sequence[str],
    minimize: bool | None = None,
    max_rows: int = 2_000,
    seed: int = 0,
) -> ParallelInfo:
    """Scale every parameter (and the metric) of the ok runs to [0, 1] for parallel axes.

    Numeric parameters are scaled linearly, or on a log scale when all values are positive
    and span at least two decades (learning rates); categorical ones are placed at evenly
    spaced positions in sorted order. Missing values sit at -0.05 with the label ``None``.
    At most ``max_rows`` runs are kept: the best 5 % always, the rest a seeded random
    sample. Rows are ordered worst to best, so the best draw on top.

    Examples
    --------
    >>> df = pd.DataFrame({'lr': [0.001, 0.01, 0.1], 'opt': ['a', 'b', 'a'],
    ...                    'acc': [0.5, 0.7, 0.9]})
    >>> info = parallel_coordinates(df, 'acc', ['lr', 'opt'])
    >>> info.scaled['lr'].round(2).tolist(), info.ticks['opt']
    ([0.0, 0.5, 1.0], ([0.0, 1.0], ['a', 'b']))
    """
    minimize_ = _direction(metric, minimize)
    ok, y = _metric_ok(data, metric)
    n_total = len(ok)
    if n_total > max_rows:
        order = _order(y, minimize_)
        n_best = min(max(max_rows // 20, 1), max_rows)
        best = order[:n_best]
        rest = np.random.default_rng(seed).choice(order[n_best:], max_rows - n_best, replace=False)
        pick = np.sort(np.concatenate([best, rest]))
        ok, y = ok.iloc[pick], y[pick]
    scaled: dict[str, np.ndarray] = {}
    ticks: dict[str, tuple[list[float], list[str]]] = {}
    for name in list(params):
        col = ok[name]
        if _is_numeric(col):
            v = col.to_numpy(dtype=float, na_value=np.nan)
            finite = v[np.isfinite(v)]
            uniq = np.unique(finite)
            log = bool(len(finite)) and finite.min() > 0 and finite.max() / finite.min() >= 100
            t = np.log10(v) if log else v
            lo, hi = (np.nanmin(t), np.nanmax(t)) if len(finite) else (0.0, 1.0)
            span = hi - lo if hi > lo else 1.0
            s = (t - lo) / span if hi > lo else np.full(len(t), 0.5)
            tick_vals = (
                uniq
                if len(uniq) <= 8
                else (10 ** np.linspace(lo, hi, 5) if log else np.linspace(lo, hi, 5))
            )
            tv = np.log10(tick_vals) if log else tick_vals
            pos = ((tv - lo) / span if hi > lo else np.full(len(tv), 0.5)).tolist()
            labels = [_short(val) for val in tick_vals]
        else:
            labels_s, order = as_levels(col, max_levels=20)
            order = [o for o in order if o != "None"]
            k = max(len(order) - 1, 1)
            where = {lev: i / k if len(order) > 1 else 0.5 for i, lev in enumerate(order)}
            s = labels_s.map(where).to_numpy(dtype=float, na_value=np.nan)
            pos, labels = [where[o] for o in order], order
        if np.isnan(s).any():
            s = np.where(np.isnan(s), -0.05, s)
            pos, labels = [-0.05, *pos], ["None", *labels]
        scaled[name] = s
        ticks[name] = (list(map(float, pos)), labels)
    lo, hi = float(np.min(y)), float(np.max(y))
    scaled[metric] = (y - lo) / (hi - lo) if hi > lo else np.full(len(y), 0.5)
    mticks = np.linspace(lo, hi, 5) if hi > lo else np.array([lo])
    ticks[metric] = (
        ((mticks - lo) / (hi - lo)).tolist() if hi > lo else [0.5],
        [_short(v) for v in mticks],
    )
    frame = pd.DataFrame(scaled)
    frame.insert(0, "run_id", ok["run_id"].to_numpy() if "run_id" in ok.columns else ok.index)
    rank = np.argsort(y if not minimize_ else -y, kind="stable")
    frame = frame.iloc[rank].reset_index(drop=True)
    return ParallelInfo(frame, y[rank], ticks, [*params, metric], metric, minimize_, n_total)


def subsample(data: pd.DataFrame, max_rows: int, seed: int = 0) -> tuple[pd.DataFrame, int]:
    """At most ``max_rows`` rows, drawn at random (seeded) in their original order.

    Returns the rows and the original number of rows (so a caller can say "showing m of n").

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
