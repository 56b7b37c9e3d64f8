"""scanlab.analysis and scanlab.analyze against hand-computed values on small literal tables."""

from __future__ import annotations

import doctest
import math
import subprocess
import sys
import textwrap
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from scanlab import analysis as an
from scanlab import analyze as analyze_module
from scanlab.analyze import Analyze
from scanlab.errors import MetricNotFoundError, ResultsFormatError, ScanlabError

TAIL = "epochs_run,best_epoch,best_value,start,end,duration_s,error"
T0, T1 = "2026-01-01T00:00:00+00:00", "2026-01-01T00:00:09+00:00"


def runs(**columns) -> pd.DataFrame:
    """A results table: run_id a, b, c, ..., round 1, status ok unless given."""
    n = len(next(iter(columns.values())))
    base = {
        "run_id": [chr(97 + i) if i < 26 else f"z{i}" for i in range(n)],
        "round": [1] * n,
        "status": ["ok"] * n,
    }
    base.update(columns)
    return pd.DataFrame(base)


# A literal results CSV (docs/results-format.md): sorted params, then sorted metrics.
RESULTS_CSV = textwrap.dedent(f"""\
    run_id,round,status,activation,dropout,lr,loss,val_loss,{TAIL}
    a1,1,ok,relu,0.0,0.01,0.30,0.40,5,5,0.40,{T0},{T1},9.0,
    a2,1,ok,elu,0.2,0.001,0.20,0.25,5,5,0.25,{T0},{T1},9.0,
    a3,1,failed,relu,0.4,0.01,,,0,,,{T0},{T1},0.5,"ValueError: shapes (3,) and (4,) not aligned"
    a4,1,ok,elu,0.4,0.0001,0.50,0.70,5,4,0.65,{T0},{T1},9.0,
    a5,1,ok,relu,0.2,0.001,0.25,0.35,5,5,0.35,{T0},{T1},9.0,
    """)


@pytest.fixture
def results_csv(tmp_path):
    path = tmp_path / "results.csv"
    path.write_text(RESULTS_CSV)
    return path


# --------------------------------------------------------------------------------------------
# columns, metrics, directions
# --------------------------------------------------------------------------------------------


def test_split_columns_by_name_and_type():
    df = runs(
        activation=["relu"],
        losses=["binary_crossentropy"],
        val_split=[0.2],
        lr=[0.1],
        accuracy=[0.9],
        loss=[0.3],
        val_accuracy=[0.8],
        val_loss=[0.4],
        epochs_run=[3],
        duration_s=[1.0],
    )
    cols = an.split_columns(df)
    assert cols.params == ("activation", "losses", "lr", "val_split")
    assert cols.metrics == ("accuracy", "loss", "val_accuracy", "val_loss")


def test_split_columns_explicit_and_attrs_win():
    df = runs(lr=[0.1], f1=[0.5], lr_history=[0.01])
    assert an.split_columns(df).metrics == ("f1",)
    assert an.split_columns(df, params=["lr"]).metrics == ("f1", "lr_history")
    df.attrs["metrics"] = ["f1", "lr_history"]
    assert an.split_columns(df) == an.ResultColumns(("lr",), ("f1", "lr_history"))
    with pytest.raises(ResultsFormatError, match=r"parameter column\(s\) 'nope' not in"):
        an.split_columns(df, params=["nope"])


@pytest.mark.parametrize(
    "name, minimize",
    [
        ("loss", True),
        ("val_loss", True),
        ("mse", True),
        ("val_mae", True),
        ("mean_absolute_percentage_error", True),
        ("binary_crossentropy", True),
        ("root_mean_squared_error", True),
        ("kl_divergence", True),
        ("duration_s", True),
        ("accuracy", False),
        ("val_acc", False),
        ("auc", False),
        ("val_precision", False),
        ("f1_score", False),
        ("r2", False),
    ],
)
def test_infer_minimize(name, minimize):
    assert an.infer_minimize(name) is minimize


def test_default_and_unknown_metric():
    assert an.default_metric(["accuracy", "loss", "val_accuracy", "val_loss"]) == "val_accuracy"
    assert an.default_metric(["loss", "val_loss"]) == "val_loss"
    assert an.default_metric(["loss", "mse"]) == "loss"
    df = runs(loss=[0.1], val_loss=[0.2])
    with pytest.raises(
        MetricNotFoundError,
        match=r"metric 'val_acc' is not in the results; the metrics are: "
        r"loss, val_loss$",
    ):
        an.resolve_metric(df, "val_acc", ["loss", "val_loss"])
    with pytest.raises(ResultsFormatError, match="no metric columns"):
        an.default_metric([])


def test_errors_are_scanlab_and_value_errors():
    assert issubclass(an.NoRunsError, ScanlabError)
    assert issubclass(an.NoRunsError, ValueError)


# --------------------------------------------------------------------------------------------
# runs, failures, best values
# --------------------------------------------------------------------------------------------


@pytest.fixture
def mixed():
    # run c failed; run d has a NaN metric (ok run, e.g. a diverged loss); b and e tie
    return runs(
        status=["ok", "ok", "failed", "ok", "ok", "ok"],
        units=[8, 16, 32, 8, 16, 32],
        val_acc=[0.5, 0.9, 0.99, np.nan, 0.9, 0.7],
        error=["", "", "RuntimeError: OOM", "", "", ""],
    )


def test_summary_counts_failed_runs(mixed):
    s = an.summarize(mixed, "val_acc")
    assert (s.n_runs, s.n_ok, s.n_failed, s.n_rounds) == (6, 5, 1, 1)
    assert (s.best_value, s.best_run_id, s.minimize) == (0.9, "b", False)


def test_failures_group_by_error_type():
    df = runs(
        status=["failed", "ok", "failed", "failed"],
        loss=[np.nan, 1, np.nan, np.nan],
        error=["ValueError: a", None, "MemoryError: b", "ValueError: c"],
    )
    out = an.failures(df)
    assert out.to_dict("list") == {
        "error_type": ["ValueError", "MemoryError"],
        "count": [2, 1],
        "example": ["ValueError: a", "MemoryError: b"],
    }
    assert len(an.failures(runs(loss=[1.0]))) == 0


def test_best_worst_and_rounds2high_skip_failed_and_nan(mixed):
    # the failed run's 0.99 is not a result; ties go to the earliest run
    assert an.best_value(mixed, "val_acc") == 0.9
    assert an.worst_value(mixed, "val_acc") == 0.5
    assert an.rounds2high(mixed, "val_acc") == 1
    assert an.rounds2high(mixed, "val_acc", minimize=True) == 0


def test_best_runs_ties_keep_run_order(mixed):
    best = an.best_runs(mixed, "val_acc", k=3)
    assert best["run_id"].tolist() == ["b", "e", "f"]
    assert best.index.tolist() == [1, 2, 3]
    assert best.columns.tolist()[:4] == ["run_id", "round", "val_acc", "units"]
    assert an.best_runs(mixed, "val_acc", k=100)["run_id"].tolist() == ["b", "e", "f", "a"]
    with pytest.raises(an.AnalysisError, match="k must be a positive number"):
        an.best_runs(mixed, "val_acc", k=0)


def test_best_runs_partial_selection_matches_full_sort():
    rng = np.random.default_rng(3)
    df = runs(x=rng.integers(0, 5, 500), loss=rng.integers(0, 20, 500).astype(float))
    full = df.sort_values("loss", kind="stable").head(7)["run_id"].tolist()
    assert an.best_runs(df, "loss", k=7)["run_id"].tolist() == full


def test_no_runs_and_all_failed_messages():
    with pytest.raises(an.NoRunsError, match="the results are empty"):
        an.best_value(runs(loss=[]), "loss")
    failed = runs(
        status=["failed", "failed"],
        loss=[np.nan, np.nan],
        error=["ValueError: bad", "ValueError: bad"],
    )
    with pytest.raises(
        an.NoRunsError,
        match=r"all 2 runs failed \(most common error: "
        r"ValueError: bad\)",
    ):
        an.correlations(failed, "loss", [])
    s = an.summarize(failed, "loss")
    assert (s.n_ok, s.n_failed) == (0, 2) and math.isnan(s.best_value)


def test_table_orders_metric_first_and_sorts_best_first():
    df = runs(lr=[1, 2, 3], acc=[0.2, 0.9, 0.5], loss=[3.0, 1.0, 2.0])
    t = an.table(df, "loss", exclude=["run_id"])
    assert t.columns.tolist()[:3] == ["loss", "lr", "acc"]
    assert "run_id" not in t.columns
    assert t["loss"].tolist() == [1.0, 2.0, 3.0]
    assert an.table(df, "acc", sort_by="lr", ascending=False)["lr"].tolist() == [3, 2, 1]


def test_round_summary():
    df = pd.DataFrame(
        {
            "round": [1, 1, 1, 2, 2],
            "status": ["ok", "ok", "failed", "ok", "ok"],
            "loss": [0.4, 0.2, np.nan, 0.1, 0.3],
        }
    )
    out = an.round_summary(df, "loss")
    assert out[["round", "runs", "ok", "failed"]].to_dict("list") == {
        "round": [1, 2],
        "runs": [3, 2],
        "ok": [2, 2],
        "failed": [1, 0],
    }
    assert out["best"].tolist() == [0.2, 0.1]
    assert out["median"].tolist() == pytest.approx([0.3, 0.2])


def test_top_mask_quantiles_and_ties():
    v = np.arange(1.0, 11.0)
    assert np.flatnonzero(an.top_mask(v, 0.2)).tolist() == [8, 9]  # >= 8.2
    assert np.flatnonzero(an.top_mask(v, 0.2, minimize=True)).tolist() == [0, 1]  # <= 2.8
    tied = np.array([1.0, 2.0, 2.0, 2.0, np.nan])
    assert an.top_mask(tied, 0.1).tolist() == [False, True, True, True, False]
    with pytest.raises(an.AnalysisError, match="between 0 and 1"):
        an.top_mask(v, 1.5)


# --------------------------------------------------------------------------------------------
# correlations
# --------------------------------------------------------------------------------------------


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
        match=r"`method` must be one of \['spearman', "
        r"'kendall'\], but 'pearson' was passed",
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


def test_as_levels_orders_bins_and_pools():
    labels, order = an.as_levels(pd.Series([10, 2, 10, np.nan]))
    assert order == ["2", "10", "None"] and labels.tolist() == ["10", "2", "10", "None"]
    labels, order = an.as_levels(pd.Series(np.arange(100.0)), max_levels=4)
    assert len(order) == 4 and labels.nunique() == 4
    labels, order = an.as_levels(pd.Series(list("aaabbc") + ["d"]), max_levels=3)
    assert order == ["a", "b", "other"]


# --------------------------------------------------------------------------------------------
# train vs validation
# --------------------------------------------------------------------------------------------


def test_regression_exact_line():
    df = runs(loss=[1.0, 2.0, 3.0, 4.0], val_loss=[3.0, 5.0, 7.0, 9.0])
    r = an.regression(df)
    assert (r.slope, r.intercept, r.r2, r.n) == (
        pytest.approx(2.0),
        pytest.approx(1.0),
        pytest.approx(1.0),
        4,
    )
    assert len(r.outliers) == 0


def test_regression_flags_overfitting_runs():
    x = np.linspace(0.1, 1.0, 40)
    y = 1.1 * x + 0.05 + np.tile([0.01, -0.01], 20)
    y[7] += 0.5  # validation far worse than training: over-fitting
    y[12] -= 0.5  # far better: off the line but not over-fitting
    df = runs(loss=x, val_loss=y)
    r = an.regression(df, "loss", "val_loss")
    fit = stats.linregress(x, y)
    assert r.slope == pytest.approx(fit.slope) and r.r2 == pytest.approx(fit.rvalue**2)
    assert sorted(r.outliers["run_id"]) == ["h", "m"]
    assert r.outliers.set_index("run_id")["overfit"].to_dict() == {"h": True, "m": False}
    acc = an.regression(runs(accuracy=x, val_accuracy=-y), "accuracy", "val_accuracy")
    assert acc.outliers.set_index("run_id")["overfit"].to_dict() == {"h": True, "m": False}


def test_regression_degenerate_inputs():
    r = an.regression(runs(loss=[1.0, 1.0, 1.0], val_loss=[1.0, 2.0, 3.0]))
    assert math.isnan(r.slope) and len(r.outliers) == 0
    assert an.regression(runs(loss=[1.0, 2.0], val_loss=[1.0, 2.0])).n == 2


def test_train_val_pairs_and_regressions():
    metrics = ["accuracy", "auc", "loss", "val_accuracy", "val_auc", "val_loss"]
    assert an.train_val_pairs(metrics) == [
        ("loss", "val_loss"),
        ("accuracy", "val_accuracy"),
        ("auc", "val_auc"),
    ]
    df = runs(**{m: [1.0, 2.0, 3.0] for m in metrics})
    assert [r.y for r in an.train_val_regressions(df, metrics)] == ["val_loss", "val_accuracy"]


def test_learning_entropy_hand_computed():
    histories = {
        "a": {"loss": [2.0, 1.0], "val_loss": [4.0, 2.0]},  # same shape: KL 0
        "b": {
            "loss": [1.0, 1.0],
            "val_loss": [3.0, 1.0],  # p=(.75,.25) q=(.5,.5)
            "accuracy": [0.5, 0.5],
            "val_accuracy": [0.5, 0.5],
        },
        "c": {"loss": [1.0, 1.0, 1.0], "val_loss": [1.0, 1.0]},  # lengths differ
        "d": {"loss": [0.0, 1.0], "val_loss": [1.0, 1.0]},  # train 0, val > 0: inf
        "e": {"loss": [1.0, -1.0], "val_loss": [1.0, 1.0]},  # negative
    }
    results = runs(loss=[1.0] * 5)
    results["round"] = [1, 1, 2, 2, 2]
    out = an.learning_entropy(histories, results)
    assert out.columns.tolist() == ["run_id", "round", "key", "kl", "epochs"]
    kl = out.set_index(["run_id", "key"])["kl"]
    expected_b = 0.75 * math.log(1.5) + 0.25 * math.log(0.5)
    assert kl["a", "loss"] == pytest.approx(0.0)
    assert kl["b", "loss"] == pytest.approx(expected_b)
    assert kl["b", "loss"] == pytest.approx(stats.entropy([3, 1], [1, 1]))
    assert kl["b", "accuracy"] == pytest.approx(0.0)
    assert math.isnan(kl["c", "loss"]) and math.isnan(kl["d", "loss"])
    assert math.isnan(kl["e", "loss"])
    summary = an.entropy_summary(out)
    loss1 = summary[(summary["round"] == 1) & (summary["key"] == "loss")].iloc[0]
    assert loss1["count"] == 2 and loss1["mean"] == pytest.approx(expected_b / 2)
    assert summary[(summary["round"] == 2)]["count"].tolist() == [0]


def test_learning_curves_long_format():
    h = {
        "a": {
            "loss": [2.0, 1.0],
            "val_loss": [2.5, 1.5],
            "accuracy": [0.5, 0.6],
            "val_accuracy": [0.4, 0.5],
            "lr": [0.1, 0.1],
        }
    }
    out = an.learning_curves(h, ["a", "missing"])
    assert out["key"].unique().tolist() == ["accuracy", "loss"] or out["key"].unique().tolist() == [
        "loss",
        "accuracy",
    ]
    assert len(out) == 8
    assert out[(out["key"] == "loss") & (out["split"] == "val")]["value"].tolist() == [2.5, 1.5]


# --------------------------------------------------------------------------------------------
# importance, parallel coordinates, subsampling
# --------------------------------------------------------------------------------------------


def _importance_table(n=200, seed=0):
    rng = np.random.default_rng(seed)
    df = runs(good=rng.choice(["Adam", "SGD"], n), noise=rng.normal(size=n), const=np.full(n, 3))
    df["val_acc"] = (df["good"] == "Adam") * 1.0 + rng.normal(scale=0.1, size=n)
    return df


def test_param_importance_finds_the_decisive_parameter():
    df = _importance_table()
    out = an.param_importance(df, "val_acc", ["const", "good", "noise"], top_quantile=0.3)
    assert out["param"].iloc[0] == "good"
    assert out.set_index("param").loc["const", "importance"] == 0.0
    again = an.param_importance(df, "val_acc", ["const", "good", "noise"], top_quantile=0.3)
    pd.testing.assert_frame_equal(out, again)  # seeded


def test_param_importance_too_few_runs_is_nan():
    df = runs(x=[1, 2, 3], acc=[0.5, 0.5, 0.5])
    assert an.param_importance(df, "acc", ["x"])["importance"].isna().all()


def test_parallel_coordinates_scaling():
    df = runs(lr=[0.001, 0.01, 0.1, np.nan], opt=["b", "a", "b", "a"], acc=[0.5, 0.7, 0.9, 0.6])
    info = an.parallel_coordinates(df, "acc", ["lr", "opt"])
    by_run = info.scaled.set_index("run_id")
    assert by_run["lr"].to_dict() == pytest.approx({"a": 0.0, "b": 0.5, "c": 1.0, "d": -0.05})
    assert by_run["opt"].to_dict() == {"a": 1.0, "b": 0.0, "c": 1.0, "d": 0.0}
    assert info.ticks["opt"] == ([0.0, 1.0], ["a", "b"])
    assert info.ticks["lr"][1][0] == "None"
    assert info.scaled["run_id"].iloc[-1] == "c"  # best drawn last
    assert info.axes == ["lr", "opt", "acc"]


def test_parallel_coordinates_subsample_keeps_the_best():
    rng = np.random.default_rng(0)
    df = runs(x=rng.normal(size=1000), loss=rng.normal(size=1000))
    info = an.parallel_coordinates(df, "loss", ["x"], max_rows=100)
    assert len(info.scaled) == 100 and info.n_total == 1000
    assert info.metric_values[-1] == df["loss"].min()


def test_subsample_is_seeded_and_ordered():
    df = pd.DataFrame({"a": range(100)})
    part, total = an.subsample(df, 10, seed=4)
    assert total == 100 and part["a"].is_monotonic_increasing
    assert part.equals(an.subsample(df, 10, seed=4)[0])
    assert an.subsample(df, 1000)[0] is df


def test_analysis_never_imports_matplotlib():
    code = textwrap.dedent("""
        import sys
        import numpy as np, pandas as pd
        import scanlab.analysis as an
        df = pd.DataFrame({'status': 'ok', 'x': np.arange(60) % 3, 'o': ['a', 'b'] * 30,
                           'loss': np.arange(60.0), 'val_loss': np.arange(60.0) ** 1.1})
        an.correlations(df, 'val_loss', ['x', 'o'])
        an.param_importance(df, 'val_loss', ['x', 'o'])
        an.parallel_coordinates(df, 'val_loss', ['x', 'o'])
        an.regression(df)
        print(sorted(m for m in sys.modules if m.split('.')[0] in ('matplotlib', 'seaborn')))
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# --------------------------------------------------------------------------------------------
# Analyze: sources and Talos's methods
# --------------------------------------------------------------------------------------------


def test_analyze_csv_talos_methods(results_csv):
    a = Analyze(results_csv)
    assert a.params == ("activation", "dropout", "lr")
    assert a.metrics == ("loss", "val_loss")
    assert (a.metric, a.minimize()) == ("val_loss", True)
    assert a.rounds() == 5  # runs, failed one included
    assert a.high() == 0.25 and a.low() == 0.70
    assert a.rounds2high() == 1
    assert a.best_params(n=2).tolist() == [["elu", 0.2, 0.001], ["relu", 0.2, 0.001]]
    assert a.best_params(exclude=["activation"], n=1).tolist() == [[0.2, 0.001]]
    frame = a.best_params(n=1, as_frame=True)
    assert frame.columns.tolist() == ["activation", "dropout", "lr"]
    assert a.table()["val_loss"].tolist() == [0.25, 0.35, 0.40, 0.70]
    corr = a.correlate(exclude=["lr"]).set_index("param")
    assert corr.index.tolist() == ["dropout", "activation"] or set(corr.index) == {
        "dropout",
        "activation",
    }
    assert corr.loc["activation", "test"] == "kruskal"
    s = a.summary()
    assert (s.n_ok, s.n_failed, s.best_run_id) == (4, 1, "a2")
    assert a.failures()["error_type"].tolist() == ["ValueError"]
    assert "5 runs, 4 ok, 1 failed" in repr(a)


def test_analyze_minimize_override(results_csv):
    a = Analyze(results_csv, minimize=False)
    assert a.high() == 0.70 and a.rounds2high() == 3
    assert a.high("loss") == 0.20  # other metrics keep their direction
    assert Analyze(results_csv, minimize={"loss": False}).high("val_loss") == 0.25
    assert Analyze(results_csv).high("loss", minimize=False) == 0.50
    assert Analyze(results_csv).best_params(n=1, ascending=False).tolist() == [["elu", 0.4, 0.0001]]


def test_analyze_experiment_folder_with_rounds(tmp_path):
    exp = tmp_path / "exp"
    for r in (1, 2):
        d = exp / f"round-{r:03d}"
        d.mkdir(parents=True)
        text = RESULTS_CSV.replace(",1,ok,", f",{r},ok,").replace(",1,failed,", f",{r},failed,")
        d.joinpath("results.csv").write_text(text.replace("a", "r" if r == 2 else "a", 0))
    a = Analyze(exp)
    assert a.rounds() == 10 and sorted(a.data["round"].unique()) == [1, 2]
    assert a.round_summary()["runs"].tolist() == [5, 5]


def test_analyze_scan_like_object_uses_its_metric_and_params(results_csv):
    data = pd.read_csv(results_csv, dtype={"error": str})
    scan = SimpleNamespace(
        data=data,
        results_path=results_csv,
        experiment_path=results_csv.parent,
        tracked_metric="loss",
        minimize=False,
        params={"dropout": [0, 0.2, 0.4], "lr": [0.01, 0.001], "activation": ["relu", "elu"]},
    )
    a = Analyze(scan)
    assert (a.metric, a.minimize(), a.high()) == ("loss", False, 0.50)
    assert a.params == ("activation", "dropout", "lr")


def test_analyze_dataframe_without_status_is_all_ok():
    a = Analyze(pd.DataFrame({"lr": [0.1, 0.2], "val_acc": [0.5, 0.6]}))
    assert (a.metric, a.high(), a.summary().n_ok) == ("val_acc", 0.6, 2)


def test_analyze_bad_inputs(tmp_path, results_csv):
    with pytest.raises(MetricNotFoundError, match="metrics are: loss, val_loss"):
        Analyze(results_csv, metric="val_accuracy")
    with pytest.raises(MetricNotFoundError, match="'acc' is not in the results"):
        Analyze(results_csv).high("acc")
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    with pytest.raises(an.NoRunsError, match="has no runs"):
        Analyze(empty)
    header_only = tmp_path / "header.csv"
    header_only.write_text(RESULTS_CSV.splitlines()[0] + "\n")
    with pytest.raises(an.NoRunsError, match="has no runs"):
        Analyze(header_only)
    other = tmp_path / "iris.csv"
    other.write_text("sepal_length,species\n5.1,setosa\n")
    with pytest.raises(ResultsFormatError, match=r"not a scanlab results file.*missing"):
        Analyze(other)
    with pytest.raises(FileNotFoundError):
        Analyze(tmp_path / "nope.csv")
    with pytest.raises(an.AnalysisError, match="needs a Scan, a DataFrame"):
        Analyze(42)


def test_analyze_all_failed_results(tmp_path):
    path = tmp_path / "results.csv"
    path.write_text(
        textwrap.dedent(f"""\
        run_id,round,status,lr,{TAIL}
        a1,1,failed,0.1,0,,,{T0},{T1},0.1,TypeError: model() missing 1 argument
        a2,1,failed,0.2,0,,,{T0},{T1},0.1,TypeError: model() missing 1 argument
        """)
    )
    with pytest.raises(
        an.NoRunsError,
        match=r"no successful runs to analyse: all 2 runs "
        r"failed \(most common error: TypeError",
    ):
        Analyze(path)


def test_analyze_reads_histories_next_to_the_csv(tmp_path, results_csv):
    (tmp_path / "history.jsonl").write_text(
        '{"run_id": "a1", "round": 1, "history": {"loss": [1.0, 1.0], '
        '"val_loss": [3.0, 1.0]}, "traceback": null}\n'
        '{"run_id": "zz", "round": 1, "history": {"loss": [1.0]}, "traceback": null}\n'
    )
    a = Analyze(results_csv)
    assert list(a.histories()) == ["a1"]  # only runs of these results
    e = a.learning_entropy()
    assert e["kl"].tolist() == pytest.approx([stats.entropy([3, 1], [1, 1])])
    assert a.entropy_summary()["count"].tolist() == [1]


def test_analyze_with_the_engine_log(tmp_path):
    from scanlab.log import ResultLog

    with ResultLog(tmp_path, ["units", "opt"]) as log:
        for i, (units, opt, loss) in enumerate(
            [(8, "Adam", 0.5), (16, "SGD", 0.4), (32, "Adam", 0.2)]
        ):
            log.append(
                {
                    "run_id": f"r{i}",
                    "round": 1,
                    "status": "ok",
                    "units": units,
                    "opt": opt,
                    "loss": loss,
                    "val_loss": loss + 0.1,
                    "epochs_run": 2,
                    "best_epoch": 2,
                    "best_value": loss + 0.1,
                    "start": T0,
                    "end": T1,
                    "duration_s": 1.0,
                    "error": None,
                },
                {"loss": [1.0, loss], "val_loss": [1.1, loss + 0.1]},
            )
    a = Analyze(tmp_path)
    assert a.params == ("opt", "units")
    assert a.best_runs(1)["run_id"].tolist() == ["r2"]
    assert len(a.learning_entropy()) == 3


@pytest.mark.parametrize("module", [an, analyze_module], ids=lambda m: m.__name__)
def test_docstring_examples_run(module):
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 10 and result.failed == 0


# --------------------------------------------------------------------------------------------
# round comparison
# --------------------------------------------------------------------------------------------


def test_round_comparison_against_hand_computed_values():
    # 10 ok runs + 1 failed; top 20 % of all ok runs: >= quantile 0.8 of the ten values
    df = pd.DataFrame(
        {
            "round": [1, 1, 1, 1, 1, 1, 2, 2, 2, 3, 3],
            "status": ["ok"] * 5 + ["failed"] + ["ok"] * 5,
            "acc": [0.50, 0.60, 0.70, 0.80, 0.90, np.nan, 0.85, 0.95, 0.65, 0.97, 0.93],
            "duration_s": [1.0, 1.0, 1.0, 1.0, 2.0, 4.0, 3.0, 1.0, 2.0, 5.0, 5.0],
        }
    )
    out = an.round_comparison(df, "acc", quantile=0.2)
    # sorted ok values: .5 .6 .65 .7 .8 .85 .9 .93 .95 .97 -> q(0.8) = .93 + 0.2 * .02 = .934
    assert out.attrs["threshold"] == pytest.approx(0.934)
    assert out.attrs["quantile"] == 0.2
    assert out["round"].tolist() == [1, 2, 3]
    assert out[["runs", "ok", "failed"]].to_dict("list") == {
        "runs": [6, 3, 2],
        "ok": [5, 3, 2],
        "failed": [1, 0, 0],
    }
    assert out["best"].tolist() == [0.90, 0.95, 0.97]
    assert out["median"].tolist() == pytest.approx([0.70, 0.85, 0.95])
    assert out["q25"].tolist() == pytest.approx([0.60, 0.75, 0.94])
    assert out["q75"].tolist() == pytest.approx([0.80, 0.90, 0.96])
    assert out["best_so_far"].tolist() == [0.90, 0.95, 0.97]
    assert out["top_runs"].tolist() == [0, 1, 1]  # 0.95 (round 2), 0.97 (round 3)
    assert out["top_rate"].tolist() == pytest.approx([0.0, 1 / 3, 0.5])
    assert out["compute_s"].tolist() == [10.0, 6.0, 10.0]  # the failed run's 4 s counts
    assert out["top_compute_s"].tolist() == [0.0, 1.0, 5.0]
    assert out["top_compute_share"].tolist() == pytest.approx([0.0, 1 / 6, 0.5])
    # the round_summary columns are round_summary's
    pd.testing.assert_frame_equal(
        out[an.round_summary(df, "acc").columns], an.round_summary(df, "acc")
    )


def test_round_comparison_minimized_and_without_durations():
    df = pd.DataFrame({"round": [2, 2, 1, 1], "status": "ok", "loss": [0.1, 0.2, 0.3, 0.4]})
    out = an.round_comparison(df, "loss", quantile=0.25)
    assert out["round"].tolist() == [1, 2]
    assert out["best"].tolist() == [0.3, 0.1]
    assert out["best_so_far"].tolist() == [0.3, 0.1]
    assert out["top_runs"].tolist() == [0, 1]  # <= q(0.25) = 0.175
    assert out["compute_s"].isna().all() and out["top_compute_share"].isna().all()
    a = Analyze(df.assign(run_id=list("abcd")))
    pd.testing.assert_frame_equal(a.compare_rounds(quantile=0.25), out)
    with pytest.raises(an.AnalysisError, match="between 0 and 1"):
        an.round_comparison(df, "loss", quantile=0)
