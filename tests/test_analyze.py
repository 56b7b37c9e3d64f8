"""scanlab.analyze: Analyze's sources (CSV, experiment folder, Scan, DataFrame) and Talos's
methods, against hand-computed values on small literal tables.
"""

from __future__ import annotations

import doctest
import math
import textwrap
from types import SimpleNamespace

import pandas as pd
import pytest
from scipy import stats

from scanlab import analysis as an
from scanlab import analyze as analyze_module
from scanlab.analyze import Analyze
from scanlab.errors import MetricNotFoundError, ResultsFormatError

TAIL = "epochs_run,best_epoch,best_value,start,end,duration_s,error"
T0, T1 = "2026-01-01T00:00:00+00:00", "2026-01-01T00:00:09+00:00"


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
    # strongest first. Over the 4 ok runs, dropout ranks (1, 2.5, 4, 2.5) vs val_loss ranks
    # (3, 1, 4, 2): rho = 1.5 / sqrt(4.5 * 5); activation: relu and elu have equal rank sums
    # (3 + 2, 1 + 4), so H = 0 and the strength sqrt(H / (n - 1)) is 0
    assert corr.index.tolist() == ["dropout", "activation"]
    assert corr["strength"].tolist() == pytest.approx([1.5 / math.sqrt(22.5), 0.0])
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
    with pytest.raises(
        MetricNotFoundError,
        match=r"metric='val_accuracy' is not one of the runs' metrics \['loss', 'val_loss'\]",
    ):
        Analyze(results_csv, metric="val_accuracy")
    with pytest.raises(MetricNotFoundError, match=r"metric='acc' is not one of the runs' metrics"):
        Analyze(results_csv).high("acc")
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    with pytest.raises(ResultsFormatError, match=r"empty.csv' holds no complete line.*Fix: "):
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
    with pytest.raises(an.AnalysisError, match=r"the runs must be a Scan, a DataFrame, .* got int"):
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


def test_docstring_examples_run():
    result = doctest.testmod(
        analyze_module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
    )
    assert result.attempted > 10 and result.failed == 0


# ---- budgeted results: one row per run and rung ------------------------------------------


def test_budgeted_statistics_compare_the_rows_of_one_budget():
    from _budgeted import halving_rows

    a = Analyze(halving_rows())  # budget 1 is the highest with 3 ok rows (a, b, c, e)
    assert (a.budget, a.budget_choice.rule) == (1, "enough ok runs")
    assert a.rows["budget"].eq(1).all() and len(a.rows) == 5 and len(a.data) == 8
    assert a.rounds() == 8  # every row recorded
    assert a.high() == 0.45 and a.low() == 0.70  # c and e at 1 epoch, not a at 9 (0.20)
    assert a.rounds2high() == 2  # c's row among every row
    assert a.best_params(n=2).tolist() == [[0.1], [0.2]]
    assert a.table()["run_id"].tolist() == ["c", "a", "b", "e"]
    assert a.best_runs(1)["run_id"].tolist() == ["c"]
    summary = a.summary()
    assert (summary.budget, summary.n_runs, summary.n_ok, summary.best_run_id) == (1, 5, 4, "c")
    corr = a.correlate()
    assert corr.attrs["budget"] == 1 and corr.loc[0, "n"] == 4
    assert corr.loc[0, "correlation"] == pytest.approx(1.0)  # higher lr, worse at 1 epoch
    for frame in (a.table(), a.value_summary(), a.correlate_values(), a.round_summary()):
        assert frame.attrs["budget"] == 1
    assert "budget 1 epochs: 5 of 8 rows (4 ok)" in a.table().attrs["budget_note"]
    assert "8 rows, 7 ok, 1 failed" in repr(a) and "statistics at budget 1 epochs" in repr(a)
    assert a.failures()["count"].tolist() == [1]


def test_budgeted_analysis_at_a_chosen_budget():
    from _budgeted import halving_rows

    top = Analyze(halving_rows(), budget="max")
    assert (top.budget, top.high(), top.rounds2high(), len(top.rows)) == (9, 0.20, 7, 1)
    assert Analyze(halving_rows(), budget=3).best_params(n=1).tolist() == [[0.2]]
    every = Analyze(halving_rows(), budget="all")
    assert every.budget is None and every.high() == 0.20 and len(every.rows) == 8
    with pytest.raises(an.AnalysisError, match=r"budget must be one of .*\(1, 3, 9 epochs\)"):
        Analyze(halving_rows(), budget=27)


def test_budgeted_rungs_and_histories_from_a_round_folder(tmp_path):
    from _budgeted import write_budgeted_round

    write_budgeted_round(tmp_path / "round-001")
    a = Analyze(tmp_path)
    assert a.budget == 3 and a.params == ("lr",)
    rungs = a.rungs()
    assert rungs[["bracket", "rung", "budget", "promoted", "best_run_id"]].to_dict("list") == {
        "bracket": [0, 0, 0, 1, 1],
        "rung": [0, 1, 2, 0, 1],
        "budget": [1, 3, 9, 3, 9],
        "promoted": [2, 1, 0, 1, 0],
        "best_run_id": ["c", "a", "a", "f", "f"],
    }
    # histories of the runs at 3 epochs, cut at 3 epochs; the whole ones from results
    assert sorted(a.histories()) == ["a", "c", "f", "g"]
    assert {len(h["loss"]) for h in a.histories().values()} == {3}
    assert len(a.results.histories()["a"]["loss"]) == 9
    entropy = a.learning_entropy()
    assert set(entropy["epochs"]) == {3} and entropy.attrs["budget"] == 3


def test_plain_results_are_not_touched_by_budgets(results_csv):
    a = Analyze(results_csv)
    assert a.budget is None and a.budget_choice is None and a.rows is a.data
    assert "budget" not in a.table().attrs and a.summary().budget is None
    assert "budget" not in repr(a)
    with pytest.raises(an.AnalysisError, match=r"is not budgeted .* round_summary"):
        a.rungs()
    with pytest.raises(an.AnalysisError, match="budget applies only to budgeted results"):
        Analyze(results_csv, budget=3)
