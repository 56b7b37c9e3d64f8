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
        ResultsFormatError, match=r"corrupt at line 2: it does not have the file.s 15 columns"
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


# ---- resuming a round whose files were edited, re-saved or replaced --------------------------


def _scan(scan_kwargs, **extra):
    from scanlab import Scan

    return Scan(**scan_kwargs | extra, round_limit=6)


def _drop_last_rows(path, n):
    lines = path.read_bytes().splitlines(keepends=True)
    path.write_bytes(b"".join(lines[:-n]))


def test_resume_after_a_byte_order_mark_trains_each_run_once(scan_kwargs):
    # Excel re-saves a CSV with a BOM; rows written under '\ufeffrun_id' had no run_id, never
    # counted as done, and every resume trained the same runs again.
    first = _scan(scan_kwargs)
    path = first.results_path
    _drop_last_rows(path, 3)  # a scan stopped after 3 of its 6 runs
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    again = _scan(scan_kwargs)
    assert sorted(again.data["run_id"]) == sorted(first.data["run_id"])
    assert len(_scan(scan_kwargs).data) == 6  # and the next resume trains nothing
    assert len(load_results(path)) == 6


def test_resume_refuses_a_header_it_did_not_write_before_touching_the_file(tmp_path):
    path = tmp_path / "results.csv"
    tail = "epochs_run,best_epoch,best_value,stopped_epoch,metrics_from,start,end,duration_s,error"
    for header, problem in [
        (f"run_id,round,status,units,loss,{tail}", r"parameter columns are \['units', 'loss'\]"),
        (f"run_id,round,status,lr,units,val_loss,loss,{tail}", r"metric columns .* sorted"),
        (f"id,round,status,lr,units,loss,{tail}", r"starts with \['id', 'round', 'status'\]"),
        (f"run_id,round,status,lr,units,loss,{tail},note", r"it ends with \["),
        ("run_id;round;status;lr", r"starts with \['run_id;round;status;lr'\]"),
    ]:
        data = f"{header}\nx,1,ok,0.1,8,0.5,2,2,0.5,,last_epoch,t,t,1.0,\ny,1,o".encode()  # torn
        path.write_bytes(data)
        with pytest.raises(
            ResultsFormatError,
            match=r"results.csv' cannot be resumed: its header is not the one scanlab writes "
            rf"for this round.*{problem}.*Nothing was written and no run was trained\. "
            r"Fix: restore its first line to run_id,round,status,lr,units,<metric columns, "
            r"sorted>,epochs_run,.*,error",
        ):
            ResultLog(tmp_path, ["lr", "units"])
        assert path.read_bytes() == data  # torn tail not cut: the file is not scanlab's
    path.write_bytes(b"some notes, no line end")
    with pytest.raises(ResultsFormatError, match=r"first line 'some notes, no line end' is no "):
        ResultLog(tmp_path, ["lr", "units"])
    assert path.read_bytes() == b"some notes, no line end"


def test_scan_refuses_an_unrecognised_header_before_training(scan_kwargs):
    first = _scan(scan_kwargs)
    path = first.results_path
    _drop_last_rows(path, 3)
    text = path.read_text().replace(
        "run_id,round,status,epochs,lr,units", "run_id,round,status,epochs,units,lr", 1
    )
    path.write_text(text)
    with pytest.raises(ResultsFormatError, match=r"cannot be resumed: its header"):
        _scan(scan_kwargs)
    assert path.read_text() == text


def test_params_keys_with_comma_quote_or_newline_round_trip_and_resume(scan_kwargs):
    params = {"a,b": [1, 2], 'q"x': ["u", "v"], "n\nl": [1, 2], "lr": [0.1]}
    first = _scan(scan_kwargs, params=params)
    assert len(first.data) == 6
    for columns in (
        load_results(first.results_path).columns,
        pd.read_csv(first.results_path).columns,
    ):
        assert list(columns[3:7]) == ["a,b", "lr", "n\nl", 'q"x']
    _drop_last_rows(first.results_path, 2)
    assert sorted(_scan(scan_kwargs, params=params).data["run_id"]) == sorted(first.data["run_id"])


def test_torn_header_is_started_again(tmp_path):
    for torn in ("run_id,round,sta", 'run_id,round,status,lr,"n\nl",units,lo'):
        (tmp_path / "results.csv").write_text(torn)
        with ResultLog(tmp_path, ["lr", "units", "n\nl"]) as log:
            log.append(_row("a", loss=0.5))
        assert load_results(tmp_path)["run_id"].tolist() == ["a"]
        (tmp_path / "results.csv").unlink()


@pytest.mark.parametrize("name", ["results.csv", "history.jsonl"])
def test_symlinked_file_is_refused_before_anything_is_cut(tmp_path, name):
    round_dir = tmp_path / "round-001"
    with ResultLog(round_dir, ["lr", "units"]) as log:
        log.append(_row("a", loss=0.5))
    target = tmp_path / "elsewhere"
    data = (round_dir / name).read_bytes() + b"torn, no newline"
    target.write_bytes(data)
    (round_dir / name).unlink()
    (round_dir / name).symlink_to(target)
    with pytest.raises(
        ResultsFormatError, match=rf"{name}' is a symbolic link: .*Nothing was written.*Fix: "
    ):
        ResultLog(round_dir, ["lr", "units"])
    assert target.read_bytes() == data


def test_a_folder_named_like_a_round_file_is_refused(tmp_path):
    (tmp_path / "history.jsonl").mkdir()
    with pytest.raises(ResultsFormatError, match=r"history.jsonl' is not a regular file"):
        ResultLog(tmp_path, ["lr", "units"])


def test_foreign_history_sidecar_is_refused_before_its_tail_is_cut(tmp_path):
    data = b"epoch,loss\n1,0.5\n2,0.4"
    (tmp_path / "history.jsonl").write_bytes(data)
    with pytest.raises(
        ResultsFormatError,
        match=r"history.jsonl' cannot be resumed: it is not "
        r"scanlab's history sidecar .*Fix: ",
    ):
        ResultLog(tmp_path, ["lr", "units"])
    assert (tmp_path / "history.jsonl").read_bytes() == data


def test_torn_first_history_record_is_cut(tmp_path):
    (tmp_path / "history.jsonl").write_text('{"run_id": "a", "hist')
    with ResultLog(tmp_path, ["lr", "units"]) as log:
        log.append(_row("b", loss=0.5), {"loss": [0.5]})
    assert read_histories(tmp_path) == {"b": {"loss": [0.5]}}


def test_new_part_never_replaces_a_file_already_there(tmp_path):
    with ResultLog(tmp_path, ["lr", "units"]) as log:
        log.append(_row("a", loss=0.5))
    header = order_columns(["lr", "units"], ["loss", "val_loss"])
    part3 = ",".join(header) + "\nb,1,ok,0.1,8,0.4,0.5,2,2,0.5,,last_epoch,t,t,1.0,\n"
    (tmp_path / "results-3.csv").write_text(part3)  # results-2.csv was removed by hand
    with ResultLog(tmp_path, ["lr", "units"]) as log:
        log.append(_row("c", loss=0.3, val_loss=0.4, accuracy=0.9))
    assert (tmp_path / "results-3.csv").read_text() == part3
    assert load_results(tmp_path)["run_id"].tolist() == ["a", "b", "c"]


def test_a_round_written_before_stopped_epoch_and_metrics_from_resumes_in_a_new_part(tmp_path):
    from scanlab._schema import PREVIOUS_TAIL_COLUMNS

    header = ",".join(["run_id", "round", "status", "lr", "units", "loss", *PREVIOUS_TAIL_COLUMNS])
    old = f"{header}\na,1,ok,0.1,8,0.5,2,2,0.5,t,t,1.0,\n"
    (tmp_path / "results.csv").write_text(old)
    with ResultLog(tmp_path, ["lr", "units"]) as log:
        log.append(_row("b", loss=0.4))
    assert (tmp_path / "results.csv").read_text() == old  # never rewritten
    assert (
        (tmp_path / "results-2.csv")
        .read_text()
        .splitlines()[0]
        .endswith(
            "loss,epochs_run,best_epoch,best_value,stopped_epoch,metrics_from,start,end,duration_s,error"
        )
    )
    rows = load_results(tmp_path)
    assert rows["run_id"].tolist() == ["a", "b"] and rows["loss"].tolist() == [0.5, 0.4]
