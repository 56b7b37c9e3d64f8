"""Analyze.folds / classes / heldout and their plots, on hand-made results folders as
Scan(cv=k, scoring=[...]) and scanlab.evaluate write them."""

from __future__ import annotations

import json
import os

os.environ.setdefault("MPLBACKEND", "Agg")

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pandas as pd
import pytest
from _validation import cv_runs, heldout_rows, write_cv_round, write_experiment

from scanlab import Analyze
from scanlab.errors import AnalysisError


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def experiment(tmp_path_factory):
    return write_experiment(tmp_path_factory.mktemp("results"))


def test_folds_ranks_the_fold_means_of_the_tracked_metric(experiment):
    a = Analyze(experiment)
    out = a.folds(n=4)
    assert out.attrs["metric"] == "mean_val_accuracy" and out.attrs["n_splits"] == 5
    assert out.columns[:4].tolist() == ["run_id", "round", "lr", "units"]
    assert out["run_id"].tolist() == ["r01", "r00", "r02", "r03"]
    assert out["within_spread"].tolist() == [pd.NA, True, False, False]
    assert out.attrs["note"].startswith("Run r01 leads run r00 by ")
    # another metric by its bare name; its direction read from the name
    loss = a.folds("val_loss", n=2)
    assert loss.attrs["metric"] == "mean_val_loss" and loss.attrs["minimize"] is True
    assert loss["run_id"].tolist() == ["r01", "r00"]


def test_folds_of_runs_that_were_not_cross_validated_say_how_to_get_them():
    df = pd.DataFrame({"run_id": ["a", "b"], "status": "ok", "lr": [1, 2], "val_loss": [0.2, 0.1]})
    with pytest.raises(AnalysisError, match=r"cross-validated metric .*got 'val_loss'.*cv=5"):
        Analyze(df).folds()


def test_classes_of_the_best_run_pool_its_folds(experiment):
    report = Analyze(experiment).classes(names=["low", "mid", "high"])
    assert report.table.attrs["run_id"] == "r01"
    assert report.table["class"].tolist() == ["low", "mid", "high"]
    assert report.table["support"].sum() == report.confusion.to_numpy().sum() > 0
    assert report.note.startswith("Run r01: Accuracy ")
    assert report.note.endswith("Predictions of the 5 folds pooled.")
    assert report.confused.iloc[0][["true", "predicted"]].tolist() == ["mid", "high"]


def test_classes_of_a_chosen_run_and_of_a_run_without_scores(experiment):
    assert Analyze(experiment).classes("r03").table.attrs["run_id"] == "r03"
    with pytest.raises(AnalysisError, match=r"run_id='r07' has no per-class scores .*scored runs"):
        Analyze(experiment).classes("r07")  # failed: no scores


def test_classes_say_when_the_best_run_has_no_scores(tmp_path):
    folder = tmp_path / "exp" / "round-001"
    write_cv_round(folder)
    lines = (folder / "history.jsonl").read_text().splitlines()
    kept = [line for line in lines if json.loads(line)["run_id"] != "r01"]
    (folder / "history.jsonl").write_text("\n".join(kept) + "\n")
    report = Analyze(tmp_path / "exp").classes()
    assert report.table.attrs["run_id"] == "r00"
    assert report.note.endswith("Run r01, the best by mean_val_accuracy, has no scores.")


def test_classes_without_scores_say_to_pass_scoring(tmp_path):
    write_cv_round(tmp_path / "round-001", scores=False)
    with pytest.raises(AnalysisError, match=r"has no per-class scores .*Scan\(\.\.\., scoring="):
        Analyze(tmp_path / "round-001").classes()
    with pytest.raises(AnalysisError, match=r"DataFrame has no per-class scores"):
        Analyze(cv_runs()).classes()


def test_heldout_reads_the_experiments_file_from_the_experiment_or_a_round(experiment):
    for source in (experiment, experiment / "round-001"):
        out = Analyze(source).heldout()
        assert out["run_id"].tolist() == ["r01", "r00", "r02"]
        assert out.attrs["metric"] == "accuracy" and out.attrs["test_winner"] == "r00"
        assert "The search winner r01 (rank 1) is not the best on test" in out.attrs["note"]


def test_heldout_without_a_file_says_to_run_evaluate(tmp_path):
    exp = write_experiment(tmp_path, heldout=False)
    with pytest.raises(AnalysisError, match=r"heldout.csv does not exist.*run scanlab.evaluate"):
        Analyze(exp).heldout()
    with pytest.raises(AnalysisError, match=r"from a DataFrame, not a results folder.*evaluate"):
        Analyze(cv_runs()).heldout()
    # the DataFrame evaluate returned is enough
    assert len(Analyze(cv_runs()).heldout(heldout_rows())) == 3


def test_plot_methods_draw_what_the_methods_compute(experiment):
    a = Analyze(experiment)
    ax = a.plot_folds(n=3)
    assert len(ax.get_yticklabels()) == 3
    ax = a.plot_confusion()
    assert ax.get_title(loc="left") == "confusion matrix of run r01 (rows: true class)"
    ax = a.plot_confusion("r02", normalize=False)
    assert ax.collections[0].get_array().max() > 1  # counts
    ax = a.plot_heldout()
    assert ax.get_ylabel() == "accuracy"


def test_a_real_cross_validated_scored_and_evaluated_scan_end_to_end(tmp_path):
    """Tiny real Keras training: Scan(cv=2, scoring) -> evaluate -> every validation view."""
    import numpy as np
    from _fakes import tiny_builder

    import scanlab

    rng = np.random.default_rng(0)
    x = rng.normal(size=(48, 3)).astype("float32")
    y = (x[:, 0] > 0).astype(int)
    scan = scanlab.Scan(
        x[:32], y[:32], params={"units": [2, 3], "lr": [0.05], "epochs": [1], "batch_size": [16]},
        model=tiny_builder, experiment_name="e2e", results_dir=tmp_path, cv=2,
        scoring=["recall_macro"], seed=1, disable_progress_bar=True,
    )  # fmt: skip
    scanlab.evaluate(scan, x[32:], y[32:], top=1)
    a = Analyze(tmp_path / "e2e")
    folds = a.folds("val_recall_macro")
    assert folds.attrs["metric"] == "mean_val_recall_macro" and folds.attrs["n_splits"] == 2
    assert len(folds) == 2 and folds[["split0", "split1"]].notna().all().all()
    report = a.classes()
    assert report.table["support"].sum() == 32  # every sample once, out of fold
    assert report.note.endswith("Predictions of the 2 folds pooled.")
    gaps = a.heldout()
    assert gaps["rank"].tolist() == [1] and gaps["run_id"].iloc[0] in set(folds["run_id"])
    assert {"gap_accuracy", "gap_recall_macro"} <= set(gaps.columns)
