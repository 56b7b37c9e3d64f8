"""How small an effect the runs at hand could have detected (the power of a test).

"No detectable effect" means something only when the test could have detected an effect that
matters: with 50 runs a Spearman test misses a correlation of 0.3 more often than not. These
functions turn a number of runs into the *minimum detectable effect* (the smallest effect a
two-sided test at level ``alpha`` finds with probability ``power``), in the units that
:func:`scanlab.suggest` compares with its tolerance. They are normal approximations with
closed forms (no SciPy): the standard normal quantiles come from :class:`statistics.NormalDist`.

- :func:`detectable_correlation`: the smallest ``|rho|`` of a Spearman test with ``n`` runs
  (Fisher's z with the variance ``1.06 / (n - 3)`` of Fieller, Hartley and Pearson, 1957);
- :func:`trend_difference`: a correlation in metric units, the difference between the
  lowest and the highest value of a parameter that a rank-linear trend of that strength means;
- :func:`detectable_difference`: the smallest difference in mean metric between two values
  with ``n_a`` and ``n_b`` runs and a within-value spread (two-sample z test);
- :func:`pooled_spread`: that within-value spread, pooled over the values;
- :func:`runs_to_reach_top`: how many runs of a value as good as the rest show at least one run
  in the top ``quantile`` with probability ``power``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from statistics import NormalDist

import numpy as np

from scanlab.errors import AnalysisError, rule_message

__all__ = [
    "detectable_correlation",
    "detectable_difference",
    "pooled_spread",
    "runs_to_reach_top",
    "trend_difference",
]

_NORMAL = NormalDist()

#: Variance factor of Fisher's z for Spearman's rho (Fieller, Hartley & Pearson 1957):
#: ``var(atanh(rho_s)) ~ 1.06 / (n - 3)``; Pearson's is 1.
SPEARMAN_VARIANCE = 1.06


def _check_level(name: str, value: float) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value < 1:
        raise AnalysisError(rule_message(name, "must be a number in (0, 1)", value, "e.g. 0.05"))


def _z_sum(alpha: float, power: float) -> float:
    """``z(1 - alpha / 2) + z(power)``: how many standard errors an effect must span."""
    _check_level("alpha", alpha)
    _check_level("power", power)
    return _NORMAL.inv_cdf(1 - alpha / 2) + _NORMAL.inv_cdf(power)


def detectable_correlation(n: int, alpha: float = 0.05, power: float = 0.8) -> float:
    """The smallest ``|rho|`` a two-sided Spearman test at ``alpha`` detects with ``power``.

    With Fisher's transformation ``z = atanh(rho)``, approximately normal with variance
    ``1.06 / (n - 3)`` for Spearman's rho, the smallest detectable correlation is
    ``tanh((z(1 - alpha/2) + z(power)) * sqrt(1.06 / (n - 3)))``.

    Parameters
    ----------
    n : int
        Runs (pairs of parameter value and metric) the test uses.
    alpha : float, default 0.05
        Level of the two-sided test.
    power : float, default 0.8
        Probability of detecting an effect of that size.

    Returns
    -------
    float
        In (0, 1); NaN for ``n <= 3`` (the approximation needs 4 runs or more).

    Examples
    --------
    >>> round(detectable_correlation(50), 3)
    0.398
    >>> round(detectable_correlation(2000), 3), round(detectable_correlation(50, alpha=0.2), 3)
    (0.064, 0.308)
    >>> detectable_correlation(3)
    nan
    """
    z = _z_sum(alpha, power)
    if n <= 3:
        return math.nan
    return math.tanh(z * math.sqrt(SPEARMAN_VARIANCE / (n - 3)))


def detectable_difference(
    n_a: int, n_b: int, spread: float, alpha: float = 0.05, power: float = 0.8
) -> float:
    """The smallest difference in mean metric between two values that a test detects.

    Two-sample normal approximation: ``(z(1 - alpha/2) + z(power)) * spread *
    sqrt(1/n_a + 1/n_b)``, in the units of the metric.

    Parameters
    ----------
    n_a, n_b : int
        Runs of each value.
    spread : float
        Standard deviation of the metric within a value (:func:`pooled_spread`).
    alpha : float, default 0.05
        Level of the two-sided test.
    power : float, default 0.8
        Probability of detecting a difference of that size.

    Returns
    -------
    float
        NaN when a value has no run or the spread is unknown.

    Examples
    --------
    >>> round(detectable_difference(25, 25, 0.01), 5)  # 2.8 standard errors
    0.00792
    >>> detectable_difference(0, 25, 0.01)
    nan
    """
    z = _z_sum(alpha, power)
    if n_a < 1 or n_b < 1 or not math.isfinite(spread):
        return math.nan
    return z * spread * math.sqrt(1 / n_a + 1 / n_b)


def trend_difference(rho: float, spread: float, counts: Sequence[int]) -> float:
    """A Spearman correlation in metric units: the change from the lowest value to the highest.

    Under a trend linear in the ranks, ``metric = a + b * rank + noise``, the correlation is
    ``b * sd(rank) / sd(metric)``, so the metric differs between the runs of the highest
    and of the lowest parameter value by ``rho * spread * (r_high - r_low) / sd(rank)``,
    where ``r`` are the mid-ranks of the values' runs (ties shared, as Spearman ranks them).

    Parameters
    ----------
    rho : float
        The correlation (its absolute value is used).
    spread : float
        Standard deviation of the metric over the runs (population, ``ddof=0``).
    counts : sequence of int
        Runs of each parameter value, in increasing order of the values.

    Returns
    -------
    float
        NaN with fewer than two values with runs.

    Examples
    --------
    Two values with equally many runs: a correlation ``rho`` is a difference of about
    ``2 * rho`` standard deviations (the point-biserial correlation):

    >>> round(trend_difference(0.3, 0.01, [25, 25]), 4)
    0.006
    >>> round(trend_difference(0.3, 0.01, [12, 13, 12, 13]), 4)
    0.0081
    """
    sizes = np.asarray([c for c in counts if c > 0], dtype=float)
    if len(sizes) < 2 or not math.isfinite(spread) or not math.isfinite(rho):
        return math.nan
    ends = np.cumsum(sizes)
    midranks = ends - (sizes - 1) / 2
    n = ends[-1]
    mean_rank = (n + 1) / 2
    rank_sd = math.sqrt(float(np.sum(sizes * (midranks - mean_rank) ** 2)) / n)
    return abs(rho) * spread * float(midranks[-1] - midranks[0]) / rank_sd


def pooled_spread(spreads: Sequence[float], counts: Sequence[int]) -> float:
    """Pooled within-group standard deviation: ``sqrt(sum((n_i - 1) s_i**2) / sum(n_i - 1))``.

    Parameters
    ----------
    spreads : sequence of float
        Sample standard deviation (``ddof=1``) of each group; groups of one run (NaN) add no
        degree of freedom.
    counts : sequence of int
        Runs of each group.

    Returns
    -------
    float
        NaN when no group has two runs.

    Examples
    --------
    >>> import numpy as np
    >>> a, b = [0.90, 0.92, 0.94], [0.80, 0.85]
    >>> got = pooled_spread([np.std(a, ddof=1), np.std(b, ddof=1)], [3, 2])
    >>> round(got, 5), round(float(np.sqrt((0.0008 + 0.00125) / 3)), 5)
    (0.02614, 0.02614)
    """
    freedom = 0.0
    squares = 0.0
    for spread, count in zip(spreads, counts, strict=True):
        if count >= 2 and math.isfinite(spread):
            freedom += count - 1
            squares += (count - 1) * spread**2
    return math.sqrt(squares / freedom) if freedom else math.nan


def runs_to_reach_top(quantile: float, power: float = 0.8) -> int:
    """Runs a value needs so that, were it as good as the rest, one would reach the top.

    A run of a value no better and no worse than the others lands in the top ``quantile``
    with probability ``quantile``; ``n`` runs all miss it with probability
    ``(1 - quantile) ** n``. The answer is the smallest ``n`` with ``1 - (1 - quantile) ** n
    >= power``: a value with that many runs and none in the top is worse, at that power.

    Parameters
    ----------
    quantile : float
        Share of the runs in the top, in (0, 1).
    power : float, default 0.8
        Required probability.

    Returns
    -------
    int

    Examples
    --------
    >>> runs_to_reach_top(0.2), runs_to_reach_top(0.5), runs_to_reach_top(0.1, power=0.9)
    (8, 3, 22)
    """
    _check_level("quantile", quantile)
    _check_level("power", power)
    return max(1, math.ceil(math.log(1 - power) / math.log(1 - quantile) - 1e-12))
