"""scanlab.suggest on hand-built results where the right answer is known."""

from __future__ import annotations

import copy
import doctest
import importlib
import itertools
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from scanlab import analysis as an
from scanlab.analyze import Analyze
from scanlab.errors import MetricNotFoundError, NoRunsError, ParamsError
from scanlab.suggest import COST_LIKE, Suggestion, suggest


class Adam:  # a class parameter value: the results record it by name, 'Adam'
    pass


class Nadam:
    pass


class SGD:
    pass


def grid_runs(score, **levels) -> pd.DataFrame:
    """Every combination of ``levels`` once, with ``val_accuracy = score(row)``."""
    names = list(levels)
    rows = [dict(zip(names, combo, strict=True)) for combo in itertools.product(*levels.values())]
    df = pd.DataFrame(rows)
    df.insert(0, "status", "ok")
    df.insert(0, "round", 1)
    df.insert(0, "run_id", [f"r{i:03d}" for i in range(len(df))])
    df["val_accuracy"] = [score(r) for r in rows]
    df["val_loss"] = 1 - df["val_accuracy"]
    df["duration_s"] = 1.0
    return df


def row_of(s: Suggestion, name: str) -> pd.Series:
    return s.evidence.set_index("param").loc[name]


# The planted truth: SGD is always bad, units must be 16 or 32 (8, 64 and 128 are bad), and
# activation does nothing at all (every score is the same for relu and elu).
def planted(row) -> float:
    score = 0.90 if row["optimizer"] != "SGD" else 0.60
    score -= {8: 0.20, 16: 0.0, 32: 0.01, 64: 0.15, 128: 0.25}[row["units"]]
    return round(score + 0.001 * row["seed"], 6)


RUNS = grid_runs(
    planted,
    optimizer=["Adam", "Nadam", "SGD"],
    units=[8, 16, 32, 64, 128],
    activation=["relu", "elu"],
    seed=[0, 1],
)
PARAMS = {
    "optimizer": ["Adam", "Nadam", "SGD", "RMSprop"],
    "units": [8, 16, 32, 64, 128],
    "activation": ["relu", "elu"],
}


def test_planted_bad_value_dropped_untried_value_kept():
    s = suggest(RUNS, PARAMS)
    opt = row_of(s, "optimizer")
    assert s.params["optimizer"] == ["Adam", "Nadam", "RMSprop"]
    assert opt["decision"] == "drop values"
    assert opt["dropped"] == ["SGD"] and opt["untried"] == ["RMSprop"]
    assert "dropped SGD (0 of 20 runs) in the top 20%" in opt["reason"]
    assert "kept untried / thin: RMSprop" in opt["reason"]
    assert opt["kruskal_p"] < 0.05
    status = s.values.set_index(["param", "value"])["status"]
    assert status["optimizer"].to_dict() == {
        "Adam": "kept",
        "Nadam": "kept",
        "SGD": "dropped",
        "RMSprop": "untried",
    }


def test_numeric_parameter_narrowed_to_where_the_top_runs_lie():
    s = suggest(RUNS, PARAMS)
    units = row_of(s, "units")
    assert s.params["units"] == [16, 32]
    assert units["decision"] == "narrow"
    assert units["dropped"] == ["8", "64", "128"]
    assert units["reason"].startswith("top 20% runs lie in [16, 32]; dropped 8 (0 of 12 runs)")


def test_narrowing_keeps_interior_values_that_never_reached_the_top():
    # top runs at 16 and 64; 32 was tried 4 times and never in the top: kept (contiguous)
    df = grid_runs(
        lambda r: {8: 0.5, 16: 0.9, 32: 0.7, 64: 0.9, 128: 0.5}[r["units"]] + 0.001 * r["seed"],
        units=[8, 16, 32, 64, 128],
        seed=[0, 1, 2, 3],
    )
    s = suggest(df, {"units": [8, 16, 32, 64, 128]}, quantile=0.3)
    assert s.params["units"] == [16, 32, 64]
    assert row_of(s, "units")["dropped"] == ["8", "128"]
    assert row_of(s, "units")["reason"].startswith(
        "top 30% runs lie in [16, 64]; kept 32 inside that range; dropped 8 (0 of 4 runs)"
    )


def test_no_effect_is_not_fixed_when_the_runs_could_not_have_shown_one():
    # was: fixed to relu on p > 0.2 alone. With 60 runs, whose other parameters spread the
    # metric by 13 points, only an activation effect of ~10 points was detectable: too little
    # power to call it "no effect", so both values stay.
    s = suggest(RUNS, PARAMS)
    act = row_of(s, "activation")
    assert act["decision"] == "keep" and s.params["activation"] == ["relu", "elu"]
    assert act["kruskal_p"] == pytest.approx(1.0) and act["kruskal_eps2"] == 0.0
    assert act["detectable_effect"] > 10 * s.tolerance
    assert act["reason"].startswith(
        "no effect seen (kruskal eps2=0 p=1), but only effects above 9.7 points were "
        "detectable with 60 runs (tolerance 0.47 points): all kept rather than fixing"
    )


def test_no_effect_with_power_is_fixed_to_its_best_or_cheapest_value():
    # cost-like names: fewest epochs, largest batch size; overridable with cost=. With a
    # tolerance of 1 point (the top runs tie, so the default would be 0), 36 runs can show
    # an effect of that size; none is seen, so the parameters are fixed.
    df = grid_runs(
        lambda r: 0.9 + 0.01 * (r["lr"] == 0.01) + 0.001 * r["seed"],
        lr=[0.1, 0.01],
        epochs=[40, 10, 20],
        batch_size=[16, 64, 32],
        seed=[0, 1],
    )
    params = {"lr": [0.1, 0.01], "epochs": [40, 10, 20], "batch_size": [16, 64, 32]}
    untold = suggest(df, params)  # the top runs tie: tolerance 0, nothing is fixed
    assert untold.tolerance == 0.0
    assert untold.params["epochs"] == [10, 20] and untold.params["batch_size"] == [64, 32]
    assert row_of(untold, "epochs")["decision"] == "small set"  # the cheapest on a tie
    s = suggest(df, params, tolerance=0.01)
    assert s.params["epochs"] == [10] and s.params["batch_size"] == [64]
    epochs = row_of(s, "epochs")
    assert epochs["decision"] == "fix" and epochs["expected_effect"] == 0.0
    assert epochs["detectable_effect"] < 0.01
    assert "cheapest value 10 (cost-like: smaller is cheaper)" in epochs["reason"]
    assert "expected effect 0 ± 0.45 points" in epochs["reason"]
    assert "cheapest value 64 (cost-like: larger is cheaper)" in row_of(s, "batch_size")["reason"]
    s = suggest(df, params, tolerance=0.01, cost={"epochs": "max", "batch_size": None})
    assert s.params["epochs"] == [40]
    assert s.params["batch_size"] in ([16], [64], [32])
    assert "best value" in row_of(s, "batch_size")["reason"]
    assert ("epoch", "min") in COST_LIKE and ("batch", "max") in COST_LIKE


def test_parameter_with_an_effect_is_not_fixed():
    df = grid_runs(
        lambda r: 0.5 + 0.1 * r["depth"] + 0.001 * r["seed"], depth=[1, 2, 3], seed=list(range(4))
    )
    s = suggest(df, {"depth": [1, 2, 3]}, quantile=0.3)
    assert s.params["depth"] == [3]
    assert row_of(s, "depth")["decision"] == "narrow"
    assert row_of(s, "depth")["spearman_p"] < 0.01


def test_never_an_empty_grid():
    # every top run used lr=0.1, which is no longer in params: keep the best median
    df = grid_runs(
        lambda r: {0.1: 0.95, 0.01: 0.7, 0.001: 0.8}[r["lr"]] + 0.001 * r["seed"],
        lr=[0.1, 0.01, 0.001],
        seed=[0, 1, 2],
    )
    s = suggest(df, {"lr": [0.01, 0.001]}, quantile=0.3)
    assert s.params["lr"] == [0.001]
    assert row_of(s, "lr")["decision"] == "fix"
    assert "no value reached the top 30%" in row_of(s, "lr")["reason"]
    assert s.grid_after == 1 and all(len(v) >= 1 for v in s.params.values())


def test_input_not_mutated_and_talos_range_and_callables_handled():
    params = {"optimizer": [Adam, Nadam, SGD], "dropout": (0, 0.5, 5), "units": (8, 40, 4)}
    before = copy.deepcopy(params)

    def score(r):
        return (
            0.9 - 0.3 * (r["optimizer"] == "SGD") - 0.2 * (r["dropout"] >= 0.3) + 0.001 * r["seed"]
        )

    # results record labels: 'Adam' for the class, and 0.0 ... 0.4 for the range
    df = grid_runs(
        score, optimizer=["Adam", "Nadam", "SGD"], dropout=[0.0, 0.1, 0.2, 0.3, 0.4], seed=[0, 1]
    )
    df["units"] = 100  # never one of the range's values
    s = suggest(df, params, quantile=0.3)
    assert params == before
    assert s.params["optimizer"] == [Adam, Nadam]  # the classes, not their names
    assert s.params["dropout"] == [0.0, 0.1, 0.2]  # the range expanded and narrowed
    assert s.params["units"] == (8, 40, 4)  # untouched spec kept as given
    assert row_of(s, "units")["decision"] == "keep"
    assert "no run used any of these values" in row_of(s, "units")["reason"]
    assert s.params is not params


def test_keras_optimizers_matched_by_label():
    keras = pytest.importorskip("keras")
    df = grid_runs(
        lambda r: 0.9 - 0.3 * (r["optimizer"] == "SGD") + 0.001 * r["seed"],
        optimizer=["Adam", "SGD"],
        seed=[0, 1, 2],
    )
    params = {"optimizer": [keras.optimizers.Adam, keras.optimizers.SGD]}
    assert suggest(df, params).params["optimizer"] == [keras.optimizers.Adam]


def test_values_matched_across_types_bool_none_and_int_float(tmp_path):
    # as read back from a CSV: ints written as 16.0, None as NaN, booleans as bool
    df = grid_runs(
        lambda r: (
            0.9
            - 0.3 * (r["reg"] is None)
            - 0.2 * (r["units"] == 8)
            + 0.01 * r["bias"]
            + 0.001 * r["seed"]
        ),
        reg=[None, 0.01],
        bias=[True, False],
        units=[8, 16],
        seed=[0, 1],
    )
    path = tmp_path / "results.csv"
    df.to_csv(path, index=False)
    read = pd.read_csv(path)
    read["units"] = read["units"].astype(float)
    assert read["reg"].isna().any() and read["bias"].dtype == bool
    s = suggest(read, {"reg": [None, 0.01], "bias": [True, False], "units": [8, 16]})
    counts = s.values.set_index(["param", "value"])["runs"]
    assert counts.to_dict() == {
        ("reg", "None"): 8,
        ("reg", "0.01"): 8,
        ("bias", "True"): 8,
        ("bias", "False"): 8,
        ("units", "8"): 8,
        ("units", "16"): 8,
    }
    assert s.params["reg"] == [0.01] and s.params["units"] == [16]


def test_failed_runs_are_excluded_but_count_as_tried():
    df = grid_runs(lambda r: 0.9 + 0.001 * r["seed"], opt=["Adam", "Broken"], seed=[0, 1, 2])
    broken = df["opt"] == "Broken"
    df.loc[broken, "status"] = "failed"
    df.loc[broken, ["val_accuracy", "val_loss"]] = np.nan
    s = suggest(df, {"opt": ["Adam", "Broken"]})
    assert s.params["opt"] == ["Adam"]
    assert s.n_runs == 3
    values = s.values.set_index("value")
    assert values.loc["Broken", ["runs", "ok", "failed"]].tolist() == [3, 0, 3]
    assert values.loc["Adam", "median"] == pytest.approx(0.901)


def test_thin_values_are_kept_for_lack_of_evidence():
    # 'SGD' ran once and was bad: one run is too few to judge (min_runs=2)
    df = grid_runs(lambda r: 0.9 + 0.001 * r["seed"], opt=["Adam", "Nadam"], seed=[0, 1, 2])
    extra = df.iloc[[0]].assign(run_id="x", opt="SGD", val_accuracy=0.1)
    df = pd.concat([df, extra], ignore_index=True)
    s = suggest(df, {"opt": ["Adam", "Nadam", "SGD"]})
    assert "SGD" in s.params["opt"]
    assert s.values.set_index("value").loc["SGD", "status"] == "too few runs"
    assert suggest(df, {"opt": ["Adam", "Nadam", "SGD"]}, min_runs=1).params["opt"] != [
        "Adam",
        "Nadam",
        "SGD",
    ]


def test_minimized_metric_uses_the_bottom():
    df = grid_runs(
        lambda r: 0.9 - 0.3 * (r["opt"] == "SGD") + 0.001 * r["seed"],
        opt=["Adam", "SGD"],
        seed=[0, 1, 2],
    )
    s = suggest(df, {"opt": ["Adam", "SGD"]}, metric="val_loss")
    assert s.minimize is True and s.params["opt"] == ["Adam"]
    # forcing the wrong direction keeps the bad optimizer instead
    assert suggest(df, {"opt": ["Adam", "SGD"]}, metric="val_loss", minimize=False).params[
        "opt"
    ] == ["SGD"]


def test_per_value_table_agrees_with_value_summary():
    s = suggest(RUNS, PARAMS, quantile=0.2)
    ref = an.value_summary(RUNS, "val_accuracy", ["optimizer"], top_quantile=0.2)
    mine = s.values[(s.values["param"] == "optimizer") & (s.values["runs"] > 0)]
    assert mine["value"].tolist() == ref["value"].tolist()
    assert mine["top_share"].tolist() == pytest.approx(ref["top_share"].tolist())
    assert mine["median"].tolist() == pytest.approx(ref["median"].tolist())
    assert mine["ok"].tolist() == ref["count"].tolist()


def test_sources_csv_experiment_folder_scan_and_analyze(tmp_path):
    folder = tmp_path / "exp" / "round-001"
    folder.mkdir(parents=True)
    RUNS.to_csv(folder / "results.csv", index=False)
    expected = suggest(RUNS, PARAMS).params
    assert suggest(folder / "results.csv", PARAMS).params == expected
    assert suggest(str(tmp_path / "exp"), PARAMS).params == expected
    scan = SimpleNamespace(data=RUNS, tracked_metric="val_loss", minimize=True)
    by_scan = suggest(scan, PARAMS)
    assert by_scan.metric == "val_loss" and by_scan.params == expected
    a = Analyze(RUNS)
    by_analyze = a.suggest(PARAMS, quantile=0.2)
    assert by_analyze.params == expected and by_analyze.metric == "val_accuracy"
    assert suggest(a, PARAMS).params == expected


def test_errors_name_the_problem():
    with pytest.raises(
        MetricNotFoundError,
        match=r"metric='val_f1' is not one of the runs' metrics \[.*'val_accuracy', 'val_loss'\]",
    ):
        suggest(RUNS, PARAMS, metric="val_f1")
    with pytest.raises(
        ParamsError,
        match=r"params has parameter\(s\) 'shapes', 'lr' that the "
        r"results do not have; the results' parameter "
        r"columns are: activation, optimizer, seed, units",
    ):
        suggest(RUNS, {**PARAMS, "shapes": ["brick"], "lr": [0.1]})
    with pytest.raises(ParamsError, match="params must be a non-empty dict"):
        suggest(RUNS, {})
    with pytest.raises(an.AnalysisError, match="between 0 and 1"):
        suggest(RUNS, PARAMS, quantile=1.5)
    for bad in (-0.1, float("inf"), True, "1%"):
        with pytest.raises(
            an.AnalysisError,
            match=r"tolerance must be a number >= 0 in the metric's units, or None, got .*Fix: ",
        ):
            suggest(RUNS, PARAMS, tolerance=bad)
    with pytest.raises(an.AnalysisError, match=r"cost\['units'\] must be 'min', 'max' or None"):
        suggest(
            RUNS,
            {"units": [8, 16, 32, 64, 128], "activation": ["relu", "elu"]},
            cost={"activation": "min", "units": "cheap"},
        )
    with pytest.raises(
        an.AnalysisError, match=r"the runs must be a Scan, a DataFrame, .* got list"
    ):
        suggest([1, 2], PARAMS)
    with pytest.raises(FileNotFoundError, match="no such results file"):
        suggest("/nonexistent/results.csv", PARAMS)
    failed = RUNS.assign(status="failed", error="ValueError: boom")
    with pytest.raises(NoRunsError, match="all 60 runs failed"):
        suggest(failed, PARAMS)


def test_repr_shows_the_evidence():
    s = suggest(RUNS, PARAMS)
    text = repr(s)
    assert text.startswith(
        "Suggestion from 60 ok runs: val_accuracy (higher is better), "
        "top 20%; grid 40 -> 12 permutations; tolerance 0.0047"
    )
    assert "drop values" in text and "narrow" in text and "all kept rather than fixing" in text
    page = s._repr_html_()
    assert "<table" in page and "grid 40 -&gt; 12 permutations" in page
    params, evidence, *_ = s  # a NamedTuple
    assert params == s.params and evidence is s.evidence


def test_docstring_examples_run():
    # the module, not the function scanlab.suggest
    suggest_module = importlib.import_module("scanlab.suggest")
    result = doctest.testmod(
        suggest_module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
    )
    assert result.attempted >= 4 and result.failed == 0


# ---- budgeted results: judged at one budget -------------------------------------------------


def test_budgeted_results_are_judged_at_one_budget():
    from _budgeted import halving_rows

    rows, params = halving_rows(), {"lr": [0.1, 0.2, 0.3, 0.4, 0.5]}
    # default: 1 epoch (4 ok rows), where c (lr 0.1) is best; not a at 9 epochs (lr 0.2).
    # One run per value is no evidence against the others (was: narrowed to [0.1]); the
    # value that only failed (0.4) is dropped
    s = suggest(rows, params, quantile=0.25, min_runs=1)
    assert (s.budget, s.n_runs, s.params) == (1, 4, {"lr": [0.1, 0.2, 0.3, 0.5]})
    tops = s.values.set_index("value")["top"]
    assert tops[tops > 0].index.tolist() == ["0.1"]
    assert "0 of 1 runs in the top 25%, 6 needed to tell" in s.evidence.loc[0, "reason"]
    assert repr(s).startswith("Suggestion from 4 ok runs at 1 epochs: val_loss")
    at_3 = suggest(rows, params, quantile=0.25, min_runs=1, budget=3)
    assert (at_3.budget, at_3.n_runs) == (3, 2)
    tops = at_3.values.set_index("value")["top"]
    assert tops[tops > 0].index.tolist() == ["0.2"]
    every = suggest(rows, params, quantile=0.25, min_runs=1, budget="all")
    assert (every.budget, every.n_runs) == (None, 7)
    # an Analyze's budget is the default, through its method or passed as the results
    a = Analyze(rows, budget=3)
    assert a.suggest(params, quantile=0.25, min_runs=1).values.equals(at_3.values)
    assert suggest(a, params, quantile=0.25, min_runs=1).budget == 3
    with pytest.raises(an.AnalysisError, match=r"budget must be one of .*\(1, 3, 9 epochs\)"):
        suggest(rows, params, budget=2)


def test_plain_results_suggest_without_a_budget():
    runs = pd.DataFrame({"status": "ok", "lr": [0.1, 0.01, 0.1, 0.01], "acc": [0.5, 0.9, 0.6, 0.8]})
    s = suggest(runs, {"lr": [0.1, 0.01]})
    assert s.budget is None and " at " not in repr(s).splitlines()[0]
