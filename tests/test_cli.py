"""The scanlab command line: exit codes and messages, in-process and as `python -m scanlab`."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap

import pandas as pd
import pytest
from _fakes import RESULTS_TAIL, T0

from scanlab import cli

RESULTS = textwrap.dedent(f"""\
    run_id,round,status,activation,dropout,lr,accuracy,loss,val_accuracy,val_loss,{RESULTS_TAIL}
    a1,1,ok,relu,0.0,0.01,0.91,0.30,0.88,0.40,5,5,0.88,{T0},{T0},9.0,
    a2,1,ok,elu,0.2,0.001,0.95,0.20,0.93,0.25,5,5,0.93,{T0},{T0},9.0,
    a3,1,failed,relu,0.4,0.01,,,,,0,,,{T0},{T0},0.5,"ValueError: shapes (3,) and (4,)"
    a4,1,ok,elu,0.4,0.0001,0.80,0.50,0.70,0.70,5,4,0.70,{T0},{T0},9.0,
    a5,1,ok,relu,0.2,0.001,0.93,0.25,0.90,0.35,5,5,0.90,{T0},{T0},9.0,
    a6,1,ok,elu,0.0,0.01,0.92,0.28,0.89,0.38,5,5,0.89,{T0},{T0},9.0,
    """)


@pytest.fixture
def csv(write_results):
    return str(write_results(RESULTS))


def run(capsys, *argv):
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_show_prints_the_best_runs(capsys, csv):
    code, out, err = run(capsys, "show", csv, "-n", "2")
    assert code == 0 and err == ""
    assert "6 runs (5 ok, 1 failed); failures: ValueError x1" in out
    assert "metric val_accuracy (higher is better): best 0.93 (run a2, round 1)" in out
    lines = out.splitlines()
    table = lines[lines.index("") + 1 :]
    assert "a2" in table[2] and "a5" in table[3] and len(table) == 4


def test_show_metric_and_direction_flags(capsys, csv):
    code, out, _ = run(capsys, "show", csv, "--metric", "val_loss", "-n", "1")
    assert code == 0 and "best 0.25 (run a2" in out and "lower is better" in out
    code, out, _ = run(capsys, "show", csv, "-m", "val_loss", "--maximize", "-n", "1")
    assert code == 0 and "best 0.7 (run a4" in out


def test_correlate(capsys, csv):
    code, out, err = run(capsys, "correlate", csv)
    assert code == 0 and err == ""
    assert "spearman correlation for numeric parameters" in out
    for word in ("activation", "categorical", "kruskal", "dropout", "lr"):
        assert word in out
    code, out, _ = run(capsys, "correlate", csv, "--method", "kendall", "-m", "val_loss")
    assert code == 0 and "kendall" in out


def test_report(capsys, tmp_path, write_results, close_figures):
    # no parameters: a quick report, same code path
    csv = write_results("run_id,round,status,mse,error\na,1,ok,0.3,\nb,1,ok,0.1,\nc,2,ok,0.2,\n")
    out_file = tmp_path / "out.html"
    code, out, err = run(capsys, "report", str(csv), "-o", str(out_file), "--title", "round 1")
    assert code == 0 and err == ""
    assert out.startswith(f"wrote {out_file} (")
    assert "<h1>round 1</h1>" in out_file.read_text()


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["show", "nope.csv"],
            r"^scanlab show: error: no such results file or experiment "
            r"folder: 'nope.csv'\. Fix: give a results CSV",
        ),
        (
            ["show", "{csv}", "--metric", "f1"],
            r"^scanlab show: error: metric='f1' is not one of the runs' metrics "
            r"\['accuracy', 'loss', 'val_accuracy', 'val_loss'\]\. Fix: use one of those",
        ),
        (
            ["correlate", "{other}"],
            r"^scanlab correlate: error: .*not a scanlab results file.*"
            r"missing",
        ),
        (
            ["show", "{empty}"],
            r"^scanlab show: error: .*empty.csv' holds no complete line: .* Fix: point to",
        ),
        (
            ["show", "{failed}"],
            r"^scanlab show: error: no successful runs to analyse: all 1 runs "
            r"failed \(most common error: TypeError: bad model\)$",
        ),
        (
            ["report", "{csv}", "-o", "no/such/dir/r.html"],
            r"^scanlab report: error: output folder does not exist: 'no/such/dir'\. Fix: create it",
        ),
        (["show", "{csv}", "-n", "0"], r"^scanlab show: error: -n must be a positive number"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(capsys, write_results, csv, argv, message):
    other = write_results("sepal_length,species\n5.1,setosa\n", "iris.csv")
    empty = write_results("", "empty.csv")
    failed = write_results(
        f"run_id,round,status,lr,{RESULTS_TAIL}\n"
        f"x1,1,failed,0.1,0,,,{T0},{T0},0.1,TypeError: bad model\n",
        "failed.csv",
    )
    argv = [a.format(csv=csv, other=other, empty=empty, failed=failed) for a in argv]
    code, _, err = run(capsys, *argv)
    assert code == 2
    assert len(err.strip().splitlines()) == 1, err
    assert "Traceback" not in err
    assert re.search(message, err.strip()), err


def test_usage_errors_exit_2(capsys, csv):
    code, _, err = run(capsys)
    assert code == 2 and "a command is required: demo, report, show, correlate" in err
    code, _, err = run(capsys, "correlate", csv, "--method", "pearson")
    assert code == 2 and "invalid choice: 'pearson'" in err
    code, _, err = run(capsys, "show")
    assert code == 2 and "the following arguments are required: source" in err
    code, _, err = run(capsys, "show", csv, "--minimize", "--maximize")
    assert code == 2 and "not allowed with argument" in err


def test_help_and_version_exit_0(capsys):
    code, out, _ = run(capsys, "--help")
    assert code == 0 and "report" in out and "correlate" in out
    code, out, _ = run(capsys, "--version")
    assert code == 0 and out.startswith("scanlab ")


def test_commands_table_drives_the_parser():
    parser = cli._build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    assert list(sub.choices) == list(cli.COMMANDS) == ["demo", "report", "show", "correlate"]


def test_python_dash_m_scanlab(csv):
    env = dict(os.environ, COLUMNS="200")
    done = subprocess.run(
        [sys.executable, "-m", "scanlab", "show", csv, "-n", "3"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "6 runs (5 ok, 1 failed)" in done.stdout
    bad = subprocess.run(
        [sys.executable, "-m", "scanlab", "show", csv, "-m", "nope"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert bad.returncode == 2 and bad.stderr.startswith("scanlab show: error: metric='nope'")


def test_demo_scans_the_bundled_data_and_prints_the_best_runs(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("SCANLAB_QUIET_FRAMEWORKS", "0")  # the demo sets it: restored after
    code, out, _ = run(capsys, "demo", "--runs", "1", "--results-dir", str(tmp_path))
    assert code == 0
    assert "1 runs ok, 0 failed" in out and "best 1 runs by val_accuracy" in out
    assert (tmp_path / "breast_cancer_demo" / "round-001" / "results.csv").exists()
    # the hint pastes into a shell as it is: one command per line, no backticks, no pipe
    experiment = tmp_path / "breast_cancer_demo"
    assert f"\n  scanlab show {experiment}\n" in out
    assert f"\n  scanlab report {experiment} -o report.html\n" in out
    assert "`" not in out and "| scanlab" not in out
    # a second demo says the round is complete, how to start a new one and see the results
    code, out, err = run(capsys, "demo", "--runs", "1", "--results-dir", str(tmp_path))
    assert code == 0
    assert "round 1 is complete: 1 runs (1 ok, 0 failed)" in err
    assert "To start a new round: scanlab demo --seed 8 (or --runs 2" in err
    assert "resume=False" not in err  # no Python-only advice on the command line
    assert "round 1 of 'breast_cancer_demo': nothing new was trained." in out
    assert f"scanlab show {experiment}" in out
    code, _, err = run(capsys, "demo", "--runs", "0")
    assert code == 2 and "--runs must be a positive number of runs, got 0" in err


def test_the_demo_runs_a_budgeted_search_with_a_builder(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("SCANLAB_QUIET_FRAMEWORKS", "0")
    folder = str(tmp_path)
    code, out, _ = run(
        capsys, "demo", "--search", "halving", "--max-epochs", "3", "--runs", "3",
        "--results-dir", folder, "--dry-run",
    )  # fmt: skip
    assert code == 0 and "3 configurations, 5 epochs with continuation" in out
    assert "Talos contract" not in out  # the demo's builder continues its runs
    assert not (tmp_path / "breast_cancer_demo").exists()
    code, out, _ = run(
        capsys, "demo", "--search", "halving", "--max-epochs", "3", "--runs", "3",
        "--results-dir", folder,
    )  # fmt: skip
    assert code == 0 and "4 rows (one per run and rung) ok, 0 failed" in out
    assert "best 3 runs by epochs trained, then val_accuracy" in out
    rows = pd.read_csv(tmp_path / "breast_cancer_demo" / "round-001" / "results.csv")
    assert rows["budget"].tolist() == [1, 1, 1, 3]
    assert rows["initial_epoch"].tolist() == [0, 0, 0, 1]


NOISE = ("cuInit", "oneDNN", "cpu_feature_guard", "absl::InitializeLog", "cudart_stub")


def test_the_demo_keeps_framework_start_up_noise_out_of_the_terminal(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "TF_CPP_MIN_LOG_LEVEL"}

    def demo(folder, *extra):
        argv = [sys.executable, "-m", "scanlab", "demo", "--results-dir", str(tmp_path / folder)]
        return subprocess.Popen(
            [*argv, *extra], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
        )

    # at once: in this process (--verbose, and quiet), and in two worker processes (quiet)
    started = [
        demo("loud", "--runs", "1", "--verbose"),
        demo("quiet", "--runs", "1"),
        demo("workers", "--runs", "2", "--workers", "2"),
    ]
    (_, loud), (_, quiet), (_, workers) = [p.communicate(timeout=300) for p in started]
    assert [p.returncode for p in started] == [0, 0, 0], quiet + workers
    if not any(marker in loud for marker in NOISE):
        pytest.skip("TensorFlow prints no start-up notes on this machine")

    def noise(text):
        return [line for line in text.splitlines() if any(m in line for m in NOISE)]

    assert noise(quiet) == [] and noise(workers) == []
    log = tmp_path / "workers" / "breast_cancer_demo" / "round-001" / "workers.log"
    assert noise(log.read_text()) == []
    assert "breast_cancer_demo round 1" in quiet  # the progress bar is still there
