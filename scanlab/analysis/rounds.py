"""Rounds (the scans of an experiment) side by side: per-round statistics, and whether
narrowing concentrated the runs and the compute near the top.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd

from scanlab.analysis._helpers import resolve_minimize
from scanlab.analysis.best import top_mask
from scanlab.analysis.runs import metric_values, ok_mask

__all__ = ["round_comparison", "round_summary"]


def round_summary(data: pd.DataFrame, metric: str, minimize: bool | None = None) -> pd.DataFrame:
    """Per round (scan): runs, ok, failed, and best / median / mean / std of ``metric``.

    Parameters
    ----------
    data : DataFrame
        The runs; without a ``round`` column they are all round 1.
    metric : str
        Metric column; its statistics are over the ok runs.
    minimize : bool, optional
        Whether lower is better (for ``best``); default: inferred from the metric's name.

    Returns
    -------
    DataFrame
        One row per round, in order: ``round``, ``runs``, ``ok``, ``failed``, ``best``,
        ``median``, ``mean``, ``std`` (NaN for a round without an ok run).

    Examples
    --------
    >>> df = pd.DataFrame({'round': [1, 1, 2], 'status': ['ok', 'ok', 'failed'],
    ...                    'loss': [0.3, 0.1, None]})
    >>> round_summary(df, 'loss')[['round', 'runs', 'ok', 'failed', 'best']].to_dict('records')
    [{'round': 1, 'runs': 2, 'ok': 2, 'failed': 0, 'best': 0.1}, {'round': 2, 'runs': 1, 'ok': 0, 'failed': 1, 'best': nan}]
    """
    minimize = resolve_minimize(metric, minimize)
    rounds = data["round"] if "round" in data.columns else pd.Series(1, index=data.index)
    ok = ok_mask(data)
    values = np.where(ok, metric_values(data, metric), np.nan)
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

    Parameters
    ----------
    data : DataFrame
        The runs; without a ``round`` column they are all round 1.
    metric : str
        Metric column.
    minimize : bool, optional
        Whether lower is better; default: inferred from the metric's name.
    quantile : float, default 0.2
        Share of the best ok runs (all rounds together) that counts as the top.

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
    minimize = resolve_minimize(metric, minimize)
    out = round_summary(data, metric, minimize)
    rounds = (
        data["round"] if "round" in data.columns else pd.Series(1, index=data.index)
    ).to_numpy()
    values = np.where(ok_mask(data), metric_values(data, metric), np.nan)
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
