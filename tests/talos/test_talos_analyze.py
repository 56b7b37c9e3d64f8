"""talos.Analyze gives Talos 2.0.10's answers for the same results file, plus scanlab's."""

from __future__ import annotations

import json
from pathlib import Path

import matplotlib
import pandas as pd
import pytest

from scanlab.errors import MetricNotFoundError, ScanArgumentError
from scanlab.talos import Analyze, Reporting

matplotlib.use("Agg")

DATA = Path(__file__).parent / "data" / "talos_2_0_10_iris"
# Recorded from Talos 2.0.10 by compat/talos/record_analyze.py on the same results.csv.
TALOS = json.loads((DATA / "analyze.json").read_text())
EXCLUDE = ["acc", "loss", "val_loss"]


@pytest.fixture(scope="module")
def analyze():
    return Analyze(str(DATA / "results.csv"))


def _plain(rows):
    return [[v if isinstance(v, (int, float)) else str(v) for v in row] for row in rows]


def test_talos_numbers_for_the_same_results_file(analyze):
    a = analyze
    assert a.rounds() == TALOS["rounds"]
    # pandas 3 parses the CSV's floats to the nearest double; pandas 2 (Talos) can be 1 ulp off
    assert a.high("val_acc") == pytest.approx(TALOS["high"], rel=1e-12)
    assert a.low("val_acc") == pytest.approx(TALOS["low"], rel=1e-12)
    assert a.rounds2high("val_acc") == TALOS["rounds2high"]
    assert _plain(a.best_params("val_acc", EXCLUDE, n=5)) == TALOS["best_params"]
    assert _plain(a.best_params("val_loss", [], n=3, ascending=True)) == TALOS["best_params_asc"]
    table = a.table("val_acc", ["_warnings"])
    assert list(table.index) == TALOS["table_index"]
    assert list(table.columns) == TALOS["table_columns"]


@pytest.mark.parametrize(
    ("method", "key"), [("pearson", "correlate"), ("spearman", "correlate_spearman")]
)
def test_correlate_matches_talos(analyze, method, key):
    got = analyze.correlate("val_acc", EXCLUDE, method=method)
    want = pd.Series(TALOS[key], dtype=float)
    pd.testing.assert_series_equal(
        got.sort_index(), want.sort_index(), check_names=False, rtol=1e-9
    )


def test_keras_metric_names_answer_talos_names():
    df = pd.DataFrame({"lr": [0.1, 0.01], "val_accuracy": [0.5, 0.9], "accuracy": [0.6, 0.8]})
    a = Reporting(df)
    assert a.high("val_acc") == 0.9 and a.rounds2high("val_acc") == 1
    with pytest.raises(MetricNotFoundError, match=r"f1"):
        a.high("val_f1")


def test_scanlab_analysis_is_there_too(analyze):
    assert analyze.scanlab.metric == "val_acc"
    assert set(analyze.importance("val_acc").columns) >= {"importance"}


@pytest.mark.parametrize(
    ("method", "args"),
    [
        ("plot_line", ("val_acc",)),
        ("plot_hist", ("val_acc",)),
        ("plot_corr", ("val_acc", ["_warnings"])),
        ("plot_regs", ("acc", "val_acc")),
        ("plot_box", ("first_neuron", "val_acc")),
        ("plot_bars", ("first_neuron", "val_acc", "dropout", "lr")),
        ("plot_kde", ("val_acc",)),
        ("plot_kde", ("acc", "val_acc")),
    ],
)
def test_plots_draw(analyze, method, args):
    drawn = getattr(analyze, method)(*args)
    assert drawn is not None
    matplotlib.pyplot.close("all")


def test_a_scan_folder_reads_in_talos_layout(tmp_path, xy):
    from _fakes import fake_model

    import scanlab

    scan = scanlab.Scan(
        *xy, {"lr": [0.1, 0.2]}, fake_model, "fold", results_dir=tmp_path, disable_progress_bar=True
    )
    a = Analyze(scan.round_path)
    assert list(a.data.columns[:4]) == ["start", "end", "duration", "round_epochs"]
    assert a.rounds() == 2 and a.best_params("val_acc", [], n=1).shape == (1, 2)


def test_other_sources_are_refused():
    with pytest.raises(ScanArgumentError, match=r"Analyze needs a Scan, a DataFrame"):
        Analyze(42)
