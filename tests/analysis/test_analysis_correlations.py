"""scanlab.analysis.correlations against hand-computed values and scipy."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from _fakes import runs
from scipy import stats

from scanlab import analysis as an


def test_spearman_hand_computed_and_matches_scipy():
    # ranks are the values; d = 1, -1, 1, -1, 0 -> rho = 1 - 6 * 4 / (5 * 24) = 0.8
    df = runs(x=[1, 2, 3, 4, 5], y=[2.0, 1.0, 4.0, 3.0, 5.0])
    row = an.correlations(df, "y", ["x"]).iloc[0]
    assert row["kind"] == "numeric" and row["test"] == "spearman"
    assert row["correlation"] == pytest.approx(0.8)
    assert row["p_value"] == pytest.approx(stats.spearmanr(df["x"], df["y"]).pvalue)
    assert (row["n"], row["n_values"]) == (5, 5)


def test_spearman_with_ties():
    # x ranks 1.5, 1.5, 3.5, 3.5 against 1..4: r = 2 / sqrt(5)
    df = runs(x=[1, 1, 2, 2], y=[1.0, 2.0, 3.0, 4.0])
    r = an.correlations(df, "y", ["x"])["correlation"].iloc[0]
    assert r == pytest.approx(2 / math.sqrt(5))
    assert r == pytest.approx(stats.spearmanr(df["x"], df["y"]).statistic)


def test_kendall_matches_scipy():
    df = runs(x=[1, 1, 2, 3, 3, 4], y=[0.1, 0.3, 0.2, 0.5, 0.5, 0.4])
    row = an.correlations(df, "y", ["x"], method="kendall").iloc[0]
    ref = stats.kendalltau(df["x"], df["y"])
    assert row["test"] == "kendall"
    assert row["correlation"] == pytest.approx(ref.statistic)
    assert row["p_value"] == pytest.approx(ref.pvalue)


def test_categorical_parameter_gets_kruskal_and_epsilon_squared():
    # ranks: a -> 1, 2 (sum 3); b -> 3, 4 (sum 7); H = 12/20 * (9/2 + 49/2) - 15 = 2.4
    df = runs(opt=["Adam", "Adam", "SGD", "SGD"], acc=[0.1, 0.2, 0.3, 0.4])
    row = an.correlations(df, "acc", ["opt"]).iloc[0]
    assert (row["kind"], row["test"]) == ("categorical", "kruskal")
    assert row["statistic"] == pytest.approx(2.4)
    assert row["effect_size"] == pytest.approx(0.8)  # H / (n - 1)
    assert row["strength"] == pytest.approx(math.sqrt(0.8))
    assert row["p_value"] == pytest.approx(stats.chi2.sf(2.4, 1))
    assert math.isnan(row["correlation"])


def test_kruskal_with_ties_matches_scipy():
    df = runs(
        act=["relu", "relu", "elu", "elu", "tanh", "tanh"], acc=[1.0, 1.0, 2.0, 3.0, 3.0, 3.0]
    )
    row = an.correlations(df, "acc", ["act"]).iloc[0]
    ref = stats.kruskal([1, 1], [2, 3], [3, 3])
    assert row["statistic"] == pytest.approx(ref.statistic)
    assert row["p_value"] == pytest.approx(ref.pvalue)


def test_constant_nan_mixed_and_failed_rows():
    df = runs(
        status=["ok", "ok", "ok", "ok", "failed"],
        epochs=[10, 10, 10, 10, 99],  # one value among ok runs
        units=[8, np.nan, 32, 64, 8],  # missing value: pairwise drop
        first=[True, "auto", "auto", True, None],  # mixed types: categorical
        acc=[0.1, 0.2, 0.3, 0.4, 0.99],
    )
    out = an.correlations(df, "acc", ["epochs", "units", "first"]).set_index("param")
    assert out.loc["epochs", "kind"] == "constant"
    assert pd.isna(out.loc["epochs", "test"]) and math.isnan(out.loc["epochs", "p_value"])
    assert (out.loc["units", "n"], out.loc["units", "correlation"]) == (3, pytest.approx(1.0))
    assert out.loc["first", "kind"] == "categorical"
    assert out.loc["first", "n"] == 4
    assert out.index.tolist()[-1] == "epochs"  # constant sorts last


def test_correlations_metric_with_nan_and_unknown_method():
    df = runs(x=[1, 2, 3, 4], y=[1.0, np.nan, 3.0, np.inf])
    row = an.correlations(df, "y", ["x"]).iloc[0]
    assert row["n"] == 2  # NaN and inf left out
    with pytest.raises(
        an.AnalysisError,
        match=r"^method must be one of \['spearman', 'kendall'\], got 'pearson'\. "
        r"Fix: use 'spearman'",
    ):
        an.correlations(df, "y", ["x"], method="pearson")


def test_value_correlations_one_hot():
    df = runs(opt=["a", "a", "b", "b"], units=[1, 1, 1, 1], acc=[0.1, 0.2, 0.3, 0.4])
    out = an.value_correlations(df, "acc", ["opt", "units"])
    assert out[["param", "value", "n"]].values.tolist() == [["opt", "a", 2], ["opt", "b", 2]]
    # indicator of b vs ranks 1..4: pearson([0, 0, 1, 1], [1, 2, 3, 4]) = 2 / sqrt(5)
    assert out["correlation"].tolist() == pytest.approx([-2 / math.sqrt(5), 2 / math.sqrt(5)])
    ref = stats.spearmanr([0, 0, 1, 1], df["acc"])
    assert out["p_value"].iloc[1] == pytest.approx(ref.pvalue)
    kendall = an.value_correlations(df, "acc", ["opt"], method="kendall")
    assert kendall["correlation"].iloc[1] == pytest.approx(
        stats.kendalltau([0, 0, 1, 1], df["acc"]).statistic
    )


def test_value_summary_hand_computed():
    df = runs(
        opt=["a", "a", "b", "b", "b"],
        lr=[0.1, np.nan, 0.1, 0.01, 0.01],
        acc=[0.1, 0.5, 0.3, 0.9, 0.7],
    )
    out = an.value_summary(df, "acc", ["opt", "lr"], top_quantile=0.4)
    # top 40 %: acc >= quantile(0.6) = 0.58 -> runs with 0.9 and 0.7 (both opt b, lr 0.01)
    opt = out[out["param"] == "opt"].set_index("value")
    assert opt["count"].tolist() == [2, 3]
    assert opt["mean"].tolist() == pytest.approx([0.3, 0.6333333])
    assert opt["median"].tolist() == pytest.approx([0.3, 0.7])
    assert opt["std"].tolist() == pytest.approx(
        [np.std([0.1, 0.5], ddof=1), np.std([0.3, 0.9, 0.7], ddof=1)]
    )
    assert opt["top_share"].tolist() == [0.0, 1.0]
    assert opt["top_rate"].tolist() == pytest.approx([0.0, 2 / 3])
    lr = out[out["param"] == "lr"]
    assert lr["value"].tolist()[:2] == [0.01, 0.1] and math.isnan(lr["value"].tolist()[2])
    assert lr["count"].tolist() == [2, 2, 1]


def test_corr_matrix_one_hot_and_constant_dropped():
    df = runs(lr=[1, 2, 3], opt=["a", "b", "b"], k=[5, 5, 5], acc=[1.0, 2.0, 3.0])
    m = an.corr_matrix(df, ["lr", "opt", "k"], ["acc"])
    assert m.columns.tolist() == ["lr", "opt=a", "opt=b", "acc"]
    assert m.loc["lr", "acc"] == pytest.approx(1.0)
