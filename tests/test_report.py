"""The HTML report: one self-contained file with every section and every plot."""

from __future__ import annotations

import base64
import json
import os
import re
import warnings

os.environ.setdefault("MPLBACKEND", "Agg")

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from scanlab import analysis as an
from scanlab.analyze import Analyze
from scanlab.report import SECTIONS, write_report

IMG = re.compile(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"')


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def write_round(folder, n=40, seed=0, round_=1, failed=2, histories=True):
    """A round folder as the engine writes it: results.csv and history.jsonl."""
    rng = np.random.default_rng(seed + round_)
    folder.mkdir(parents=True, exist_ok=True)
    df = pd.DataFrame(
        {
            "run_id": [f"r{round_}-{i:09x}" for i in range(n)],
            "round": round_,
            "status": "ok",
            "activation": rng.choice(["relu", "elu"], n),
            "dropout": rng.choice([0.0, 0.2, 0.4], n),
            "lr": rng.choice([0.01, 0.001, 0.0001], n),
            "optimizer": rng.choice(["Adam", "Nadam", "SGD"], n),
        }
    )
    acc = 0.9 - 0.3 * df["dropout"] + 0.03 * (df["optimizer"] == "Adam") + rng.normal(0, 0.02, n)
    df["accuracy"], df["loss"] = acc + 0.03, 1 - acc - 0.03
    df["val_accuracy"], df["val_loss"] = acc, 1 - acc + rng.normal(0, 0.02, n)
    df.loc[n - 1, "val_loss"] += 0.3  # one run over-fits
    df["epochs_run"], df["best_epoch"], df["best_value"] = 4, 4, df["val_accuracy"]
    df["start"] = df["end"] = "2026-01-01T00:00:00+00:00"
    df["duration_s"], df["error"] = 2.5, ""
    df.loc[: failed - 1, ["accuracy", "loss", "val_accuracy", "val_loss", "best_value"]] = None
    df.loc[: failed - 1, "status"] = "failed"
    df.loc[: failed - 1, "error"] = "ResourceExhaustedError: OOM when allocating tensor"
    df.to_csv(folder / "results.csv", index=False)
    if histories:
        with open(folder / "history.jsonl", "w") as f:
            for r in df[df["status"] == "ok"].itertuples():
                h = {
                    "loss": np.linspace(1, r.loss, 4).tolist(),
                    "val_loss": np.linspace(1, r.val_loss, 4).tolist(),
                    "accuracy": np.linspace(0.5, r.accuracy, 4).tolist(),
                    "val_accuracy": np.linspace(0.5, r.val_accuracy, 4).tolist(),
                }
                f.write(
                    json.dumps(
                        {"run_id": r.run_id, "round": round_, "history": h, "traceback": None}
                    )
                    + "\n"
                )
    return df


@pytest.fixture(scope="module")
def experiment(tmp_path_factory):
    exp = tmp_path_factory.mktemp("results") / "breast_cancer"
    write_round(exp / "round-001", round_=1)
    write_round(exp / "round-002", round_=2, n=30)
    return exp


@pytest.fixture(scope="module")
def report_html(experiment, tmp_path_factory):
    out = tmp_path_factory.mktemp("report") / "report.html"
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a plot that fails to draw warns
        path = Analyze(experiment).report(out)
    assert path == out
    return out.read_text(encoding="utf-8")


def test_report_has_every_section(report_html):
    for anchor, _ in SECTIONS:
        assert f'id="{anchor}"' in report_html
    for heading in (
        "Failed runs by error type",
        "Rounds",
        "Correlations",
        "Importance for reaching the top 10 %",
        "Per-value summary",
        "Learning entropy",
        "Runs off the",
    ):
        assert heading in report_html, heading
    assert "could not draw" not in report_html
    assert "70 runs (66 ok, 4 failed)" in report_html
    assert "ResourceExhaustedError" in report_html
    assert "higher is better" in report_html


def test_report_embeds_every_plot_as_png(report_html):
    alts = re.findall(r'<img alt="([^"]+)"', report_html)
    for name in (
        "correlation bars",
        "correlation heatmap",
        "importance",
        "line",
        "histogram",
        "kde",
        "kde by parameter",
        "rounds",
        "bars",
        "boxes",
        "parallel coordinates",
        "regression val_loss",
        "regression val_accuracy",
        "entropy loss",
        "entropy accuracy",
        "learning curves",
    ):
        assert name in alts, name
    images = IMG.findall(report_html)
    assert len(images) == len(alts)
    for data in images:
        assert base64.b64decode(data).startswith(b"\x89PNG")


def test_report_is_self_contained(report_html):
    text = IMG.sub('src=""', report_html)  # base64 may spell anything
    assert "http" not in text
    assert "<script" not in text and "<link" not in text and "@import" not in text
    assert "url(" not in text
    assert not re.search(r'(src|href)="(?!#|")', text)


def test_report_on_a_dataframe_without_params_or_pairs(tmp_path):
    df = pd.DataFrame({"status": "ok", "mse": [0.3, 0.1, 0.2, 0.5]})
    html = write_report(Analyze(df), tmp_path / "r.html", title="tiny", k=3).read_text()
    assert "<h1>tiny</h1>" in html
    assert "Best runs (top 3 by mse)" in html
    assert "No per-epoch histories" in html
    assert "could not draw" not in html
    assert "No parameter columns were found" in html
    assert "No training/validation metric pairs" in html
    assert "lower is better" in html


def test_report_leaves_the_users_figures_open(tmp_path):
    mine = plt.figure()
    df = pd.DataFrame({"status": "ok", "lr": [1, 2, 3, 4], "mse": [0.3, 0.1, 0.2, 0.5]})
    write_report(Analyze(df), tmp_path / "r.html")
    assert plt.get_fignums() == [mine.number]


def test_report_of_all_failed_runs_raises(tmp_path):
    df = pd.DataFrame(
        {
            "status": ["failed", "failed"],
            "loss": [np.nan, np.nan],
            "error": ["ValueError: x", "ValueError: x"],
        }
    )
    with pytest.raises(an.NoRunsError, match="all 2 runs failed"):
        Analyze(df).report(tmp_path / "r.html")
    assert not (tmp_path / "r.html").exists()


def test_report_compares_rounds_only_when_there_are_several(report_html, experiment, tmp_path):
    assert "Rounds compared" in report_html
    assert 'alt="round comparison"' in report_html
    assert "top_compute_share" in report_html
    one = write_report(Analyze(experiment / "round-001"), tmp_path / "one.html").read_text()
    assert "Rounds compared" not in one and 'alt="round comparison"' not in one


# ---- budgeted results ----------------------------------------------------------------------


def test_report_of_budgeted_results_has_the_budgets_section(tmp_path):
    from _budgeted import write_budgeted_round

    write_budgeted_round(tmp_path / "exp" / "round-001")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a plot that fails to draw warns
        text = Analyze(tmp_path / "exp").report(tmp_path / "r.html").read_text(encoding="utf-8")
    assert 'id="budgets"' in text and '<a href="#budgets">Budgets and rungs</a>' in text
    for anchor, _ in SECTIONS:
        assert f'id="{anchor}"' in text
    assert 'alt="budgets"' in text and "promoted" in text and "best_run_id" in text
    # which budget the statistics use, said in the header, a card and a note
    assert "11 rows (10 ok, 1 failed) · statistics at 3 epochs" in text
    assert "budget 3 epochs: 4 of 11 rows (4 ok), the highest budget with &gt;= 3 ok runs" in text
    assert "Best runs (top 10 by val_loss)" in text
    best = text.split('id="best-runs"')[1].split("</table>")[0]
    assert ">a<" in best and ">b<" not in best  # rows at 3 epochs: a, c, f, g; b stopped at 1
    # a chosen budget
    at_9 = write_report(tmp_path / "exp", tmp_path / "r9.html", budget=9).read_text()
    assert "statistics at 9 epochs" in at_9
    with pytest.raises(an.AnalysisError, match=r"budget must be one of .*\(1, 3, 9 epochs\)"):
        write_report(tmp_path / "exp", tmp_path / "bad.html", budget=4)


def test_report_of_plain_results_has_no_budgets_section(report_html):
    assert 'id="budgets"' not in report_html and "Budgeted search" not in report_html
    assert 'alt="budgets"' not in report_html


# ---- validation ----------------------------------------------------------------------------


def test_report_of_validated_results_has_the_validation_section(tmp_path):
    from _validation import write_experiment

    exp = write_experiment(tmp_path)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a plot that fails to draw warns
        text = Analyze(exp).report(tmp_path / "r.html").read_text(encoding="utf-8")
    assert 'id="validation"' in text and '<a href="#validation">Validation</a>' in text
    nav = re.findall(r'<a href="#([\w-]+)">', text)
    assert nav.index("validation") == nav.index("best-runs") + 1
    section = text.split('id="validation"')[1].split("<h2")[0]
    assert "Folds: the top 7 configurations" in section and "mean ± std" in section
    assert "Run r01 leads run r00 by" in section and ">winner<" in section
    assert "Classes of run r01" in section and "Predictions of the 5 folds pooled" not in section
    assert "The predictions of its 5 folds are pooled." in section and ">recall<" in section
    assert "Held-out check: validation vs test" in section and ">gap_accuracy<" in section
    assert "The search winner r01 (rank 1) is not the best on test" in section
    for alt in ("folds", "confusion", "held-out"):
        assert f'<img alt="{alt}"' in section, alt


def test_report_without_folds_scores_or_heldout_has_no_validation_section(report_html):
    assert 'id="validation"' not in report_html and 'href="#validation"' not in report_html
