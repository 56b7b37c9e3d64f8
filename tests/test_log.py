from __future__ import annotations

import pandas as pd
import pytest

from scanlab import ResultsFormatError, load_results, read_histories
from scanlab.log import ResultLog, format_cell, order_columns


def _row(run_id, status="ok", **metrics):
    return {
        "run_id": run_id,
        "round": 1,
        "status": status,
        "lr": "0.1",
        "units": "8",
        **metrics,
        "epochs_run": 2,
        "best_epoch": 2,
        "best_value": 0.5,
        "start": "2026-01-01T00:00:00.000+00:00",
        "end": "2026-01-01T00:00:01.000+00:00",
        "duration_s": 1.0,
        "error": None,
    }


def test_rows_round_trip_with_header_order(tmp_path):
    with ResultLog(tmp_path, ["units", "lr"]) as log:
        log.append(_row("a", loss=0.5, val_loss=0.6), {"loss": [1.0, 0.5]})
        log.append(_row("b", loss=0.4, val_loss=0.7), {"loss": [0.9, 0.4]})
    header = (tmp_path / "results.csv").read_text().splitlines()[0].split(",")
    assert header == order_columns(["lr", "units"], ["loss", "val_loss"])
    df = load_results(tmp_path)
    assert df["run_id"].tolist() == ["a", "b"]
    assert df["loss"].tolist() == [0.5, 0.4]
    assert str(df["start"].dtype).startswith("datetime64")
    assert read_histories(tmp_path) == {"a": {"loss": [1.0, 0.5]}, "b": {"loss": [0.9, 0.4]}}


def test_torn_last_line_is_ignored_and_cut_before_appending(tmp_path):
    with ResultLog(tmp_path, ["lr", "units"]) as log:
        log.append(_row("a", loss=0.5))
    with open(tmp_path / "results.csv", "a") as f:
        f.write("b,1,ok,0.1,8,0.4")  # a write killed midway: no newline
    with open(tmp_path / "history.jsonl", "a") as f:
        f.write('{"run_id": "b", "hist')
    assert load_results(tmp_path)["run_id"].tolist() == ["a"]
    assert list(read_histories(tmp_path)) == ["a"]
    with ResultLog(tmp_path, ["lr", "units"]) as log:  # resume: the fragment is cut
        log.append(_row("c", loss=0.3))
    assert load_results(tmp_path)["run_id"].tolist() == ["a", "c"]


def test_corrupt_line_in_the_middle_fails_loudly(tmp_path):
    with ResultLog(tmp_path, ["lr", "units"]) as log:
        log.append(_row("a", loss=0.5))
        log.append(_row("b", loss=0.4))
    lines = (tmp_path / "results.csv").read_text().splitlines(keepends=True)
    lines[1] = "a,1,ok,0.1\n"
    (tmp_path / "results.csv").write_text("".join(lines))
    with pytest.raises(
        ResultsFormatError, match=r"corrupt at line 2: it does not have the file.s 13 columns"
    ):
        load_results(tmp_path / "results.csv")


def test_new_history_key_starts_a_new_part_instead_of_rewriting(tmp_path):
    with ResultLog(tmp_path, ["lr", "units"]) as log:
        log.append(_row("a", status="failed") | {"error": "ValueError: bad"})
        log.append(_row("b", loss=0.5))
    assert (tmp_path / "results.csv").read_text().count("\n") == 2
    assert (tmp_path / "results-2.csv").exists()
    df = load_results(tmp_path)
    assert df["run_id"].tolist() == ["a", "b"]
    assert pd.isna(df.loc[0, "loss"]) and df.loc[1, "loss"] == 0.5


def test_multiline_error_is_written_on_one_line(tmp_path):
    assert format_cell("Traceback\n  line 1\nValueError: x") == "Traceback | line 1 | ValueError: x"
    with ResultLog(tmp_path, ["lr", "units"]) as log:
        log.append(_row("a", status="failed") | {"error": "ValueError: a\nb"}, traceback="tb\n")
    assert len((tmp_path / "results.csv").read_text().splitlines()) == 2


def test_experiment_folder_concatenates_rounds(tmp_path):
    for number in (1, 2):
        with ResultLog(tmp_path / f"round-00{number}", ["lr", "units"]) as log:
            log.append(_row(f"r{number}", loss=0.5) | {"round": number})
    df = load_results(tmp_path)
    assert df["round"].tolist() == [1, 2]


def test_not_a_results_file_names_missing_columns(tmp_path):
    path = tmp_path / "other.csv"
    path.write_text("a,b\n1,2\n")
    with pytest.raises(ResultsFormatError, match=r"not a scanlab results file: columns \['run_id'"):
        load_results(path)
    with pytest.raises(
        FileNotFoundError, match=r"no such results file or experiment folder: .*Fix: "
    ):
        load_results(tmp_path / "missing")
    (tmp_path / "empty").mkdir()
    with pytest.raises(ResultsFormatError, match="holds no results"):
        load_results(tmp_path / "empty")


def test_reads_talos_2_experiment_csv(tmp_path):
    path = tmp_path / "results.csv"
    path.write_text(
        "start,end,duration,execution_time,round_epochs,_warnings,loss,val_loss,lr,"
        "_trial_id,_param_hash\n"
        "2026-01-01T00:00:00,2026-01-01T00:00:02,2.0,2.0,5,[],0.3,0.4,0.01,t1,h1\n"
        "2026-01-01T00:00:02,2026-01-01T00:00:03,1.0,1.0,5,[],0.2,0.5,0.1,t2,h2\n"
    )
    df = load_results(path)
    assert df["status"].tolist() == ["ok", "ok"]
    assert df["epochs_run"].tolist() == [5, 5]
    assert df["duration_s"].tolist() == [2.0, 1.0]
    assert "execution_time" not in df.columns and df["run_id"].is_unique


def test_reads_talos_1_experiment_csv(tmp_path):
    path = tmp_path / "010121120000.csv"
    path.write_text(
        "round_epochs,val_loss,val_acc,loss,acc,lr,first_neuron\n10,0.3,0.9,0.2,0.95,0.01,32\n"
    )
    df = load_results(tmp_path)
    assert df.loc[0, "val_acc"] == 0.9 and df.loc[0, "round"] == 1
