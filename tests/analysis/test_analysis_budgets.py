"""scanlab.analysis.budgets and budget_curves on budgeted rows written by hand (one row per
run and rung), against hand-computed values."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from _budgeted import halving_rows, hyperband_rows, rung_records

from scanlab import analysis as an
from scanlab._histories import read_histories
from scanlab.errors import AnalysisError

BUDGETS = r"\(1, 3, 9 epochs\)"


# ---- which budget ------------------------------------------------------------------------


def test_default_budget_is_the_highest_with_enough_ok_runs():
    choice = an.choose_budget(halving_rows())  # budget 1: 4 ok; 3: 2 ok; 9: 1 ok
    assert choice == an.BudgetChoice(1, "enough ok runs", 5, 4, 8, (1, 3, 9))
    assert choice.note() == (
        "budget 1 epochs: 5 of 8 rows (4 ok), the highest budget with >= 3 ok runs; "
        "budgets: 1, 3, 9"
    )
    assert an.choose_budget(hyperband_rows()).budget == 3  # 2 ok at 3 in each bracket
    assert an.choose_budget(halving_rows(), min_ok=2).budget == 3


def test_without_enough_ok_runs_the_budget_with_the_most_wins():
    rows = halving_rows()
    rows.loc[[1, 2], "status"] = "failed"  # budget 1: 2 ok, budget 3: 2 ok (the higher wins)
    choice = an.choose_budget(rows)
    assert (choice.budget, choice.rule, choice.n_ok) == (3, "most ok runs", 2)
    assert "no budget has 3 ok runs" in choice.note()


@pytest.mark.parametrize(
    ("budget", "expected", "rule"),
    [(3, 3, "given"), (3.0, 3, "given"), (np.int64(9), 9, "given"), ("max", 9, "max")],
)
def test_a_budget_can_be_chosen(budget, expected, rule):
    choice = an.choose_budget(halving_rows(), budget)
    assert (choice.budget, choice.rule) == (expected, rule)


def test_max_skips_a_top_budget_without_an_ok_row():
    rows = halving_rows()
    rows.loc[7, "status"] = "failed"
    assert an.choose_budget(rows, "max").budget == 3


def test_all_compares_every_row_and_says_so():
    choice = an.choose_budget(halving_rows(), "all")
    assert (choice.budget, choice.n_rows, choice.n_ok) == (None, 8, 7)
    assert "compared as if equal" in choice.note()
    assert len(an.at_budget(halving_rows(), choice)) == 8


@pytest.mark.parametrize("budget", [5, 2.5, "min", "3", True, [3]])
def test_a_wrong_budget_names_the_budgets_there_are(budget):
    with pytest.raises(AnalysisError, match=rf"budget must be one of .*{BUDGETS}.* got "):
        an.choose_budget(halving_rows(), budget)


def test_plain_results_have_no_budget():
    plain = halving_rows().drop(columns=["rung", "budget", "initial_epoch"])
    assert not an.is_budgeted(plain) and an.budget_values(plain) == ()
    assert an.choose_budget(plain) is None
    assert an.at_budget(plain, None) is plain
    with pytest.raises(AnalysisError, match=r"budget applies only to budgeted results.*got 3"):
        an.choose_budget(plain, 3)


def test_rows_at_a_budget_keep_the_failed_ones_and_the_index():
    rows = an.at_budget(halving_rows(), 1)
    assert rows.index.tolist() == [0, 1, 2, 3, 4]
    assert rows["status"].tolist().count("failed") == 1
    assert an.at_budget(halving_rows(), 9)["run_id"].tolist() == ["a"]


# ---- the rungs -----------------------------------------------------------------------------


def test_rung_summary_by_hand():
    out = an.rung_summary(halving_rows(), "val_loss")
    assert out.to_dict("list") == {
        "rung": [0, 1, 2],
        "budget": [1, 3, 9],
        "runs": [5, 2, 1],
        "ok": [4, 2, 1],
        "failed": [1, 0, 0],
        "epochs": [5, 4, 6],  # 5 x 1, 2 x (3 - 1), 1 x (9 - 3)
        "promoted": [2, 1, 0],
        "best": [0.45, 0.30, 0.20],
        "best_run_id": ["c", "a", "a"],
    }


def test_rung_summary_per_bracket_and_round():
    out = an.rung_summary(hyperband_rows(), "val_loss")
    assert out[["bracket", "rung", "budget", "runs", "epochs", "promoted"]].to_dict("list") == {
        "bracket": [0, 0, 0, 1, 1],
        "rung": [0, 1, 2, 0, 1],
        "budget": [1, 3, 9, 3, 9],
        "runs": [5, 2, 1, 2, 1],
        "epochs": [5, 4, 6, 6, 6],  # bracket 1 starts from scratch: 2 x 3 epochs
        "promoted": [2, 1, 0, 1, 0],
    }
    # two rounds reusing run ids: a run promoted in round 1 is not promoted in round 2
    two = pd.concat([halving_rows(), halving_rows().iloc[:5].assign(round=2)])
    out = an.rung_summary(two, "val_loss", minimize=True)
    assert out[["round", "rung", "runs", "promoted"]].to_dict("list") == {
        "round": [1, 1, 1, 2],
        "rung": [0, 1, 2, 0],
        "runs": [5, 2, 1, 5],
        "promoted": [2, 1, 0, 0],
    }


def test_rung_summary_direction_and_missing_columns():
    higher = an.rung_summary(halving_rows(), "val_loss", minimize=False)
    assert higher["best_run_id"].tolist() == ["e", "c", "a"]
    with pytest.raises(AnalysisError, match="these rows lack rung, budget, initial_epoch"):
        an.rung_summary(halving_rows().drop(columns=["rung", "budget", "initial_epoch"]), "loss")


# ---- curves --------------------------------------------------------------------------------


def test_run_curve_continued_restarted_and_cut():
    epochs, values = an.run_curve([5, 4, 3, 2, 1], [1, 3, 5], [0, 1, 3])
    assert epochs.tolist() == [1, 2, 3, 4, 5] and values.tolist() == [5, 4, 3, 2, 1]
    # a Talos-contract run trains from scratch each rung: 1, then 3, then 5 epochs
    epochs, values = an.run_curve(list(range(9)), [1, 3, 5], [0, 0, 0])
    assert epochs.tolist() == [1, 2, 3, 4, 5] and values.tolist() == [4, 5, 6, 7, 8]
    assert an.run_curve(list(range(9)), [1, 3, 5], [0, 0, 0], upto=3)[1].tolist() == [1, 2, 3]
    assert an.run_curve([5, 4, 3, 2, 1], [1, 3, 5], [0, 1, 3], upto=3)[1].tolist() == [5, 4, 3]
    # early stopping: fewer epochs than the rungs' budgets, still one continued curve
    epochs, values = an.run_curve([5, 4, 3], [1, 3, 5], [0, 1, 3], upto=5)
    assert epochs.tolist() == [1, 2, 3]
    assert an.run_curve([5, 4, 3], [1, 3, 5], [0, 0, 0]) is None  # restarts, lengths unknown
    # the sidecar reader keeps a restarted run's last training only: 5 epochs from scratch
    assert an.run_curve(list(range(5)), [1, 3, 5], [0, 0, 0])[1].tolist() == [0, 1, 2, 3, 4]
    assert an.run_curve(list(range(5)), [1, 3, 5], [0, 0, 0], upto=3)[1].tolist() == [0, 1, 2]
    assert an.run_curve([5, 4, 3], [1, 3], [0, 1], upto=9) is None


def test_histories_are_cut_at_the_budget():
    rows = hyperband_rows()
    joined = {}
    for record in rung_records(rows):
        for key, values in record["history"].items():
            joined.setdefault(record["run_id"], {}).setdefault(key, []).extend(values)
    cut = an.histories_at_budget(joined, rows, 3)
    assert sorted(cut) == ["a", "c", "f", "g"]  # the ok runs with a row at 3 epochs
    assert all(len(h["val_loss"]) == 3 for h in cut.values())
    assert cut["a"]["val_loss"][-1] == pytest.approx(0.30)
    assert an.histories_at_budget(joined, rows, 9)["a"]["val_loss"] == joined["a"]["val_loss"]


def test_budget_curves_from_the_sidecar(tmp_path):
    rows = hyperband_rows()
    (tmp_path / "history.jsonl").write_text(
        "".join(json.dumps(r) + "\n" for r in rung_records(rows))
    )
    info = an.budget_curves(rows, read_histories(tmp_path), "val_loss")
    assert (info.n_runs, info.n_top, info.best_run_id, info.budgets) == (6, 2, "a", (1, 3, 9))
    curves = info.curves
    assert set(curves["source"]) == {"history"}
    a = curves[curves["run_id"] == "a"]
    assert a["epoch"].tolist() == list(range(1, 10)) and a["value"].iloc[-1] == pytest.approx(0.2)
    assert curves.groupby("run_id")["top"].first().to_dict() == {
        "a": True, "b": False, "c": False, "e": False, "f": True, "g": False,
    }  # fmt: skip
    assert "d" not in set(curves["run_id"])  # failed: nothing to draw


def test_budget_curves_without_histories_use_the_rows():
    info = an.budget_curves(halving_rows(), None, "val_loss", minimize=True)
    a = info.curves[info.curves["run_id"] == "a"]
    assert a[["epoch", "value"]].to_numpy().tolist() == [[1, 0.5], [3, 0.3], [9, 0.2]]
    assert set(info.curves["source"]) == {"rows"}
    empty = an.budget_curves(halving_rows().iloc[:0], None, "val_loss")
    assert (empty.n_runs, empty.best_run_id, len(empty.curves)) == (0, None, 0)


def test_runs_that_restart_every_rung(tmp_path):
    # Talos's contract: every rung trains from scratch (initial_epoch 0), and pays for it
    rows = halving_rows().assign(initial_epoch=0)
    assert an.rung_summary(rows, "val_loss")["epochs"].tolist() == [5, 6, 9]
    (tmp_path / "history.jsonl").write_text(
        "".join(json.dumps(r) + "\n" for r in rung_records(rows))
    )
    histories = read_histories(tmp_path)
    assert len(histories["a"]["val_loss"]) == 9  # the reader keeps the last training
    joined = {"a": {"val_loss": [0.5] + [0.6, 0.45, 0.3] + histories["a"]["val_loss"]}}
    for found in (histories, joined):  # the last training only, or all three one after another
        curves = an.budget_curves(rows, found, "val_loss").curves
        a = curves[curves["run_id"] == "a"]
        assert a["epoch"].tolist() == list(range(1, 10))  # the last training, 9 epochs
        assert a["value"].iloc[0] == pytest.approx(0.5)
        assert a["value"].iloc[-1] == pytest.approx(0.2)
    # cut at 3 epochs: the 3-epoch training when the sidecar has it, else the first 3 of 9
    assert an.histories_at_budget(joined, rows, 3)["a"]["val_loss"] == [0.6, 0.45, 0.3]
    assert an.histories_at_budget(histories, rows, 3)["a"]["val_loss"] == pytest.approx(
        [0.5, 0.4625, 0.425]
    )
