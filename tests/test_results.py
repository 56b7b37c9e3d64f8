"""scanlab.results: one loader (load_results, read_results) and the Results value; the
column split of scanlab._schema it relies on."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from _fakes import fake_model, runs

import scanlab
from scanlab import Analyze, Scan
from scanlab._schema import ResultColumns, split_columns
from scanlab.errors import AnalysisError, MetricNotFoundError, NoRunsError, ResultsFormatError
from scanlab.results import Results, load_results, read_results


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
    cols = split_columns(df)
    assert cols.params == ("activation", "losses", "lr", "val_split")
    assert cols.metrics == ("accuracy", "loss", "val_accuracy", "val_loss")


def test_split_columns_explicit_and_attrs_win():
    df = runs(lr=[0.1], f1=[0.5], lr_history=[0.01])
    assert split_columns(df).metrics == ("f1",)
    assert split_columns(df, params=["lr"]).metrics == ("f1", "lr_history")
    df.attrs["metrics"] = ["f1", "lr_history"]
    assert split_columns(df) == ResultColumns(("lr",), ("f1", "lr_history"))
    with pytest.raises(ResultsFormatError, match=r"parameter column\(s\) 'nope' not in"):
        split_columns(df, params=["nope"])


def test_read_results_accepts_talos_aliases_and_knows_directions():
    df = runs(lr=[0.1, 0.01], accuracy=[0.8, 0.9], val_accuracy=[0.7, 0.85], loss=[1.0, 0.5])
    r = read_results(df, metric="val_acc")
    assert (r.params, r.metric, r.minimize(), r.minimize("loss")) == (
        ("lr",),
        "val_accuracy",
        False,
        True,
    )
    assert read_results(df, minimize={"val_acc": True}).minimize("val_accuracy") is True
    assert read_results(r) is r
    with pytest.raises(MetricNotFoundError, match=r"metric='f1' is not one of the runs' metrics"):
        r.resolve("f1")


def test_read_results_refuses_what_it_cannot_read():
    with pytest.raises(AnalysisError, match=r"must be a Scan, a DataFrame, .* got int"):
        read_results(3)
    with pytest.raises(NoRunsError, match="has no runs"):
        read_results(runs(lr=[], loss=[]))
    with pytest.raises(FileNotFoundError, match="no such results file"):
        read_results("/nonexistent/results")


def test_bug_analyze_accepts_val_acc_on_a_history_with_val_accuracy():
    # Scan(metric='val_acc') always worked; Analyze(df, metric='val_acc') used to raise
    df = runs(lr=[0.1, 0.01], val_accuracy=[0.7, 0.85], val_loss=[0.9, 0.4])
    a = Analyze(df, metric="val_acc")
    assert a.metric == "val_accuracy" and a.high() == 0.85 and a.high("val_acc") == 0.85


@pytest.mark.parametrize("metric", [None, "val_loss", "accuracy"])
def test_bug_a_scan_and_its_folder_are_analysed_with_the_same_metric(scan_kwargs, metric):
    scan = Scan(**scan_kwargs, round_limit=4, metric=metric)
    from_scan, from_round = Analyze(scan), Analyze(scan.round_path)
    from_experiment = Analyze(scan.experiment_path)
    assert from_scan.metric == from_round.metric == from_experiment.metric == scan.tracked_metric
    assert from_scan.minimize() == from_round.minimize() == scan.minimize
    assert read_results(scan.results_path).metric == scan.tracked_metric
    params = scan_kwargs["params"]
    assert (
        scanlab.suggest(scan, params).metric
        == scanlab.suggest(scan.round_path, params).metric
        == scan.tracked_metric
    )


def test_manifest_names_the_parameters_even_when_they_look_like_metrics(scan_kwargs):
    params = {"aux_loss": [0.1, 0.5], "lr": [0.1, 0.01], "epochs": [2]}
    scan = Scan(**scan_kwargs | {"params": params})
    data = load_results(scan.experiment_path)
    assert data.attrs["params"] == ["aux_loss", "epochs", "lr"]
    assert data.attrs["metrics"] == ["accuracy", "loss", "val_accuracy", "val_loss"]
    assert Analyze(scan.round_path).params == ("aux_loss", "epochs", "lr")
    # without a manifest the name rule has to guess, and takes aux_loss for a metric
    (scan.round_path / "manifest.json").unlink()
    assert "aux_loss" in Analyze(scan.round_path).metrics


def test_a_manifest_that_is_not_an_object_is_ignored(scan_kwargs):
    scan = Scan(**scan_kwargs, round_limit=2)
    (scan.round_path / "manifest.json").write_text(json.dumps([1, 2]))
    assert "params" not in load_results(scan.round_path).attrs
    assert isinstance(read_results(scan.round_path), Results)


def test_histories_are_read_once_and_only_for_these_runs(scan_kwargs):
    scan = Scan(**scan_kwargs, round_limit=3)
    r = read_results(scan.round_path)
    assert set(r.histories()) == set(scan.data["run_id"])
    subset = read_results(pd.DataFrame(scan.data.iloc[:1]))
    assert subset.histories() == {}  # a bare DataFrame has no folder
    assert fake_model is not None


def test_re_reading_results_keeps_every_direction_and_the_histories():
    df = runs(lr=[0.1, 0.01, 0.001], score=[0.3, 0.2, 0.1], val_loss=[0.5, 0.4, 0.3])
    a = Analyze(df, minimize={"score": True}, params=["lr"], histories={"a": {"loss": [1.0]}})
    again = read_results(a, metric="score")  # e.g. scanlab.suggest(a, params, metric='score')
    assert again.minimize("score") is True and again.metric == "score"
    assert again.histories() == {"a": {"loss": [1.0]}}
    s = scanlab.suggest(a, {"lr": [0.1, 0.01, 0.001]}, metric="score")
    assert s.minimize is True
    assert read_results(a) is a.results and a.results != read_results(df)  # identity, no error


def talos_named_model(x_train, y_train, x_val, y_val, params):
    """A history with Talos 1.x's metric names (acc / val_acc), as old Keras wrote them."""
    history, model = fake_model(x_train, y_train, x_val, y_val, params)
    names = {"accuracy": "acc", "val_accuracy": "val_acc"}
    return {names.get(k, k): v for k, v in history.history.items()}, model


@pytest.mark.parametrize("metric", [None, "val_loss"])
def test_a_scan_and_its_folder_agree_on_talos_metric_names_across_rounds(scan_kwargs, metric):
    kwargs = scan_kwargs | {"model": talos_named_model}
    first = Scan(**kwargs, round_limit=3, metric=metric)
    second = Scan(**kwargs | {"seed": 2}, round_limit=3, metric=metric)  # round 2
    expected = metric or "val_acc"  # the val_acc family first when present
    for scan in (first, second):
        assert scan.tracked_metric == expected
        assert Analyze(scan).metric == Analyze(scan.round_path).metric == expected
        assert Analyze(scan).minimize() == Analyze(scan.round_path).minimize() == scan.minimize
    assert Analyze(second.experiment_path).metric == expected
    assert read_results(second.results_path).metric == expected
