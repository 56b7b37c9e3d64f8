"""Validation vs training metric across runs: the least-squares line and the runs far off it."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from typing import NamedTuple

import numpy as np
import pandas as pd

from scanlab.analysis._helpers import resolve_minimize
from scanlab.analysis.runs import metric_values, require_ok

__all__ = ["Regression", "regression", "train_val_pairs", "train_val_regressions"]


def train_val_pairs(metrics: Iterable[str]) -> list[tuple[str, str]]:
    """``(train, val)`` metric pairs present in ``metrics``: loss first, then the others.

    Parameters
    ----------
    metrics : iterable of str
        Metric names.

    Returns
    -------
    list of tuple of str
        ``(m, 'val_m')`` for every ``m`` whose ``val_m`` is also present: ``loss``, then the
        accuracy-like names, then the rest, each group sorted by name.

    Examples
    --------
    >>> train_val_pairs(['accuracy', 'loss', 'val_accuracy', 'val_loss', 'lr'])
    [('loss', 'val_loss'), ('accuracy', 'val_accuracy')]
    """
    names = set(metrics)
    pairs = [(m, f"val_{m}") for m in sorted(names) if f"val_{m}" in names]
    return sorted(pairs, key=lambda p: (p[0] != "loss", "acc" not in p[0], p[0]))


class Regression(NamedTuple):
    """Least-squares fit of ``y`` on ``x`` across runs (see :func:`regression`).

    Parameters
    ----------
    x, y : str
        The training and the validation metric.
    n : int
        Runs fitted.
    slope, intercept, r2, p_value : float
        The line, its coefficient of determination and the p-value of slope = 0.
    residual_std : float
        Standard deviation of the residuals (ddof 2).
    minimize : bool
        Whether lower values of ``y`` are better.
    outliers : DataFrame
        The runs off the line (see :func:`regression`).
    """

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

    Parameters
    ----------
    data : DataFrame
        The runs (failed ones and runs missing either metric are ignored).
    x : str, default 'loss'
        The training metric.
    y : str, default 'val_loss'
        The validation metric.
    threshold : float, default 3.0
        Residual standard deviations beyond which a run is an outlier.
    minimize : bool, optional
        Whether lower values of ``y`` are better; default: inferred from its name.

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
    from scipy import stats  # scipy.stats costs 0.4 s to import: only when used

    minimize = resolve_minimize(y, minimize)
    ok = require_ok(data)
    xs = metric_values(ok, x)
    ys = metric_values(ok, y)
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
    data: pd.DataFrame,
    metrics: Iterable[str],
    threshold: float = 3.0,
    minimize: Callable[[str], bool | None] | None = None,
) -> list[Regression]:
    """:func:`regression` of ``val_<m>`` on ``<m>`` for loss and the accuracy-like metrics.

    ``minimize(name)`` gives a validation metric's direction (default: from its name).

    Parameters
    ----------
    data : DataFrame
        The runs.
    metrics : iterable of str
        Metric names; pairs from :func:`train_val_pairs`, kept for ``loss`` and names
        containing ``acc``.
    threshold : float, default 3.0
        Residual standard deviations beyond which a run is an outlier.
    minimize : callable, optional
        ``minimize(val_name) -> bool or None``; None (or no callable): from the name.

    Returns
    -------
    list of Regression
        One per pair, in :func:`train_val_pairs` order.

    Examples
    --------
    >>> df = pd.DataFrame({'loss': [1.0, 2.0, 3.0], 'val_loss': [2.0, 4.0, 6.0]})
    >>> [(r.x, r.y) for r in train_val_regressions(df, ['loss', 'val_loss'])]
    [('loss', 'val_loss')]
    """
    pairs = [p for p in train_val_pairs(metrics) if p[0] == "loss" or "acc" in p[0]]
    return [
        regression(data, tx, vy, threshold, minimize(vy) if minimize else None) for tx, vy in pairs
    ]
