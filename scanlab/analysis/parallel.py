"""Parallel coordinates: every parameter and the metric of the ok runs scaled to [0, 1]."""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
import pandas as pd

from scanlab.analysis._helpers import best_first, is_numeric, resolve_minimize, short_label
from scanlab.analysis.distributions import as_levels
from scanlab.analysis.runs import metric_ok

__all__ = ["ParallelInfo", "parallel_coordinates"]


class ParallelInfo(NamedTuple):
    """Data of a parallel-coordinates plot (see :func:`parallel_coordinates`).

    Parameters
    ----------
    scaled : DataFrame
        ``run_id`` and one column per axis, scaled to [0, 1] (missing values at -0.05);
        one row per drawn run, worst to best.
    metric_values : ndarray
        The metric value of each row of ``scaled``.
    ticks : dict
        Per axis: tick positions (on the [0, 1] scale) and their labels.
    axes : list of str
        The axes in drawing order: the parameters, then the metric.
    metric : str
        The metric.
    minimize : bool
        Whether lower is better.
    n_total : int
        Ok runs with a metric value before subsampling.
    """

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

    Parameters
    ----------
    data : DataFrame
        The runs (failed ones and runs without a metric value are ignored).
    metric : str
        Metric column, the last axis.
    params : sequence of str
        Parameter columns, the other axes in this order.
    minimize : bool, optional
        Whether lower is better; default: inferred from the metric's name.
    max_rows : int, default 2000
        Most runs kept.
    seed : int, default 0
        Seed of the sample.

    Returns
    -------
    ParallelInfo
        The scaled runs, ticks and axes.

    Examples
    --------
    >>> df = pd.DataFrame({'lr': [0.001, 0.01, 0.1], 'opt': ['a', 'b', 'a'],
    ...                    'acc': [0.5, 0.7, 0.9]})
    >>> info = parallel_coordinates(df, 'acc', ['lr', 'opt'])
    >>> info.scaled['lr'].round(2).tolist(), info.ticks['opt']
    ([0.0, 0.5, 1.0], ([0.0, 1.0], ['a', 'b']))
    """
    minimize_ = resolve_minimize(metric, minimize)
    ok, y = metric_ok(data, metric)
    n_total = len(ok)
    if n_total > max_rows:
        ranked = best_first(y, minimize_)
        n_best = min(max(max_rows // 20, 1), max_rows)
        best = ranked[:n_best]
        rest = np.random.default_rng(seed).choice(ranked[n_best:], max_rows - n_best, replace=False)
        pick = np.sort(np.concatenate([best, rest]))
        ok, y = ok.iloc[pick], y[pick]
    scaled: dict[str, np.ndarray] = {}
    ticks: dict[str, tuple[list[float], list[str]]] = {}
    for name in list(params):
        col = ok[name]
        if is_numeric(col):
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
            labels = [short_label(val) for val in tick_vals]
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
        [short_label(v) for v in mticks],
    )
    frame = pd.DataFrame(scaled)
    frame.insert(0, "run_id", ok["run_id"].to_numpy() if "run_id" in ok.columns else ok.index)
    rank = np.argsort(y if not minimize_ else -y, kind="stable")
    frame = frame.iloc[rank].reset_index(drop=True)
    return ParallelInfo(frame, y[rank], ticks, [*params, metric], metric, minimize_, n_total)
