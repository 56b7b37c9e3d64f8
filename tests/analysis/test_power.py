"""scanlab.analysis.power against SciPy, hand computations and simulated tests."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from scanlab.analysis.power import (
    detectable_correlation,
    detectable_difference,
    pooled_spread,
    runs_to_reach_top,
    trend_difference,
)
from scanlab.errors import AnalysisError


@pytest.mark.parametrize(
    ("n", "alpha", "power"), [(10, 0.05, 0.8), (50, 0.05, 0.8), (50, 0.2, 0.8), (2000, 0.05, 0.9)]
)
def test_detectable_correlation_is_fishers_z_with_spearmans_variance(n, alpha, power):
    z = stats.norm.ppf(1 - alpha / 2) + stats.norm.ppf(power)
    expected = math.tanh(z * math.sqrt(1.06 / (n - 3)))
    assert detectable_correlation(n, alpha, power) == pytest.approx(expected, rel=1e-9)


def test_detectable_correlation_shrinks_with_runs_and_needs_four():
    sizes = [4, 10, 50, 200, 2000]
    found = [detectable_correlation(n) for n in sizes]
    assert found == sorted(found, reverse=True) and 0 < found[-1] < found[0] < 1
    assert math.isnan(detectable_correlation(3)) and math.isnan(detectable_correlation(0))


def test_a_spearman_test_finds_the_detectable_correlation_about_80_percent_of_the_time():
    # bivariate normal data with Spearman's rho at the detectable size: rho_s = 6/pi asin(r/2)
    rng = np.random.default_rng(0)
    n, reps = 60, 600
    rho_s = detectable_correlation(n)
    r = 2 * math.sin(math.pi * rho_s / 6)
    cov = [[1.0, r], [r, 1.0]]
    found = 0
    for _ in range(reps):
        x, y = rng.multivariate_normal([0, 0], cov, size=n).T
        found += stats.spearmanr(x, y).pvalue < 0.05
    assert 0.74 < found / reps < 0.86


def test_detectable_difference_is_a_two_sample_z_test_with_80_percent_power():
    z = stats.norm.ppf(0.975) + stats.norm.ppf(0.8)
    assert detectable_difference(12, 20, 0.03) == pytest.approx(
        z * 0.03 * math.sqrt(1 / 12 + 1 / 20)
    )
    # simulated: means that differ by exactly that amount are told apart 80 % of the time
    rng = np.random.default_rng(1)
    n_a, n_b, sd = 15, 25, 0.02
    gap = detectable_difference(n_a, n_b, sd)
    a = rng.normal(0, sd, (4000, n_a)).mean(axis=1)
    b = rng.normal(gap, sd, (4000, n_b)).mean(axis=1)
    z_scores = (b - a) / (sd * math.sqrt(1 / n_a + 1 / n_b))
    assert np.mean(np.abs(z_scores) > stats.norm.ppf(0.975)) == pytest.approx(0.8, abs=0.02)
    assert math.isnan(detectable_difference(0, 5, 0.1))
    assert math.isnan(detectable_difference(5, 5, math.nan))


def test_trend_difference_by_hand():
    # two equal groups: the point-biserial correlation, difference = 2 rho sd
    assert trend_difference(0.25, 0.04, [30, 30]) == pytest.approx(0.02)
    # counts 1, 2, 1: mid-ranks 1, 2.5, 4; rank sd sqrt(4.5 / 4); ends 3 apart
    assert trend_difference(-0.5, 1.0, [1, 2, 1]) == pytest.approx(0.5 * 3 / math.sqrt(1.125))
    assert trend_difference(0.5, 1.0, [0, 7, 0, 7]) == trend_difference(0.5, 1.0, [7, 7])
    assert math.isnan(trend_difference(0.5, 1.0, [10]))


def test_trend_difference_matches_a_planted_linear_trend():
    # y = slope * rank + noise over 4 equally used values: the correlation of the data,
    # turned into metric units, gives back the planted end-to-end difference
    rng = np.random.default_rng(2)
    counts = [500, 500, 500, 500]
    x = np.repeat(np.arange(4), 500)
    y = 0.01 * x + rng.normal(0, 0.002, len(x))
    rho = stats.spearmanr(x, y).statistic
    planted = 0.03
    assert trend_difference(rho, float(np.std(y)), counts) == pytest.approx(planted, rel=0.05)


def test_pooled_spread_by_hand_and_with_singletons():
    groups = [[1.0, 2.0, 3.0], [5.0, 7.0], [4.0]]
    spreads = [np.std(g, ddof=1) if len(g) > 1 else math.nan for g in groups]
    expected = math.sqrt((2 * 1.0 + 1 * 2.0) / 3)
    assert pooled_spread(spreads, [len(g) for g in groups]) == pytest.approx(expected)
    assert math.isnan(pooled_spread([math.nan, math.nan], [1, 1]))
    with pytest.raises(ValueError):
        pooled_spread([1.0], [2, 3])


@pytest.mark.parametrize("quantile", [0.05, 0.1, 0.2, 0.25, 0.5, 0.9])
@pytest.mark.parametrize("power", [0.5, 0.8, 0.95])
def test_runs_to_reach_top_is_the_smallest_enough(quantile, power):
    n = runs_to_reach_top(quantile, power)
    assert 1 - (1 - quantile) ** n >= power - 1e-12
    assert n == 1 or 1 - (1 - quantile) ** (n - 1) < power


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: detectable_correlation(50, alpha=0), r"alpha must be a number in \(0, 1\), got 0"),
        (lambda: detectable_difference(5, 5, 1.0, power=1.5), r"power must be .* got 1\.5"),
        (lambda: runs_to_reach_top(1.0), r"quantile must be a number in \(0, 1\), got 1\.0"),
        (lambda: detectable_correlation(50, power=True), r"power must be .* got True"),
    ],
)
def test_levels_outside_zero_one_are_refused(call, message):
    with pytest.raises(AnalysisError, match=message):
        call()
