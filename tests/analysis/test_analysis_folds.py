"""scanlab.analysis.folds: the best cross-validated configurations against the fold spread,
checked on small literal tables and against scipy's paired t-test."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from scanlab.analysis import fold_summary, paired_fold_t
from scanlab.errors import AnalysisError, NoRunsError

FOLDS = {
    "a": [0.90, 0.80, 0.85],
    "b": [0.88, 0.86, 0.84],
    "c": [0.70, 0.72, 0.74],
    "d": [0.99, 0.99, 0.99],  # failed: left out
}


def runs(metric: str = "val_acc", folds: dict = FOLDS, mean: bool = True, std: bool = True):
    df = pd.DataFrame(
        {"run_id": list(folds), "status": "ok", "lr": [0.1, 0.01, 1.0, 5.0][: len(folds)]}
    )
    values = np.array(list(folds.values()))
    for i in range(values.shape[1]):
        df[f"split{i}_{metric}"] = values[:, i]
    if mean:
        df[f"mean_{metric}"] = values.mean(axis=1)
    if std:
        df[f"std_{metric}"] = values.std(axis=1)
    if "d" in folds:
        df.loc[df["run_id"] == "d", "status"] = "failed"
    return df


def test_ranks_by_mean_with_lead_pooled_std_and_the_spread_flag():
    out = fold_summary(runs(), "mean_val_acc", params=["lr"])
    assert out.index.tolist() == [1, 2, 3] and out.index.name == "rank"
    assert out["run_id"].tolist() == ["b", "a", "c"]  # d failed
    assert out["lr"].tolist() == [0.01, 0.1, 1.0]
    np.testing.assert_allclose(out["mean"], [0.86, 0.85, 0.72])
    np.testing.assert_allclose(out["std"], [np.std(FOLDS[r]) for r in "bac"])
    np.testing.assert_allclose(out["lead"], [0.0, 0.01, 0.14], atol=1e-12)
    pooled = np.sqrt((np.var(FOLDS["b"]) + np.var(FOLDS["a"])) / 2)
    assert out["pooled_std"].iloc[1] == pytest.approx(pooled)
    assert out["within_spread"].tolist() == [pd.NA, True, False]
    assert [c for c in out.columns if c.startswith("split")] == ["split0", "split1", "split2"]
    assert out.loc[2, ["split0", "split1", "split2"]].tolist() == FOLDS["a"]
    assert out.attrs["metric"] == "mean_val_acc" and out.attrs["n_splits"] == 3
    assert out.attrs["within_spread"] == 1 and out.attrs["minimize"] is False
    assert out.attrs["note"].startswith("Run b leads run a by 0.01, less than the fold spread")
    assert "1 of the other 2 configurations shown is within the spread" in out.attrs["note"]


def test_the_bare_metric_name_finds_its_fold_columns():
    assert fold_summary(runs(), "val_acc")["run_id"].tolist() == ["b", "a", "c"]


def test_paired_t_matches_scipys_ttest_rel():
    out = fold_summary(runs(), "mean_val_acc")
    for rank, run in ((2, "a"), (3, "c")):
        ref = stats.ttest_rel(FOLDS["b"], FOLDS[run])
        assert out.loc[rank, "t_paired"] == pytest.approx(ref.statistic)
        assert out.loc[rank, "p_paired"] == pytest.approx(ref.pvalue)
    assert np.isnan(out.loc[1, "t_paired"])  # the winner against itself
    assert "Paired t across the folds against the runner-up: t = 0.397" in out.attrs["note"]


def test_paired_t_is_signed_so_that_positive_means_the_winner_is_better():
    winner, other = np.array([0.1, 0.2, 0.3]), np.array([0.2, 0.25, 0.5])
    t_loss, _ = paired_fold_t(winner, other, minimize=True)
    t_acc, _ = paired_fold_t(winner, other, minimize=False)
    assert t_loss > 0 and t_acc == pytest.approx(-t_loss)
    assert paired_fold_t(winner, winner + 0.1, True) == (np.inf, 0.0)  # same gap on every fold
    t, p = paired_fold_t(winner, winner, True)
    assert np.isnan(t) and p == 1.0


def test_a_loss_ranks_lowest_first_and_the_lead_stays_positive():
    folds = {"x": [0.5, 0.6, 0.7], "y": [0.2, 0.3, 0.1], "z": [0.3, 0.3, 0.3]}
    out = fold_summary(runs("val_loss", folds), "mean_val_loss")
    assert out["run_id"].tolist() == ["y", "z", "x"]
    assert out.attrs["minimize"] is True
    assert (out["lead"].iloc[1:] > 0).all()
    assert out.loc[3, "t_paired"] > 0


def test_two_folds_have_no_paired_test():
    folds = {"a": [0.9, 0.8], "b": [0.7, 0.6]}
    out = fold_summary(runs(folds=folds), "mean_val_acc")
    assert "t_paired" not in out.columns and "Paired t" not in out.attrs["note"]
    assert out["within_spread"].tolist() == [pd.NA, False]


def test_mean_and_std_are_computed_when_their_columns_are_missing():
    out = fold_summary(runs(mean=False, std=False), "val_acc")
    np.testing.assert_allclose(out["mean"], [0.86, 0.85, 0.72])
    np.testing.assert_allclose(out["std"], [np.std(FOLDS[r]) for r in "bac"])


def test_n_limits_the_table_and_one_configuration_says_so():
    assert len(fold_summary(runs(), "val_acc", n=2)) == 2
    one = fold_summary(runs(), "val_acc", n=1)
    assert (
        one.attrs["note"]
        == "Only one configuration has a mean over the 3 folds: nothing to compare."
    )


def test_runs_without_a_value_are_left_out():
    df = runs()
    df.loc[0, [c for c in df.columns if "val_acc" in c]] = np.nan
    assert fold_summary(df, "val_acc")["run_id"].tolist() == ["b", "c"]
    df["status"] = "failed"
    with pytest.raises(NoRunsError, match="no ok run has a value of 'mean_val_acc'"):
        fold_summary(df, "val_acc")


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        (
            {"metric": "val_loss"},
            r"metric must be a cross-validated metric .*got 'val_loss'.*Scan\(\.\.\., cv=5\)",
        ),
        ({"metric": "val_acc", "n": 0}, r"n must be a positive integer, got 0"),
        ({"metric": "val_acc", "n": True}, r"n must be a positive integer, got True"),
        ({"metric": "val_acc", "n": 2.5}, r"n must be a positive integer, got 2.5"),
    ],
)
def test_bad_input_is_refused_with_the_fix(kwargs, match):
    df = runs()
    df["val_loss"] = 0.1
    with pytest.raises(AnalysisError, match=match):
        fold_summary(df, **kwargs)
