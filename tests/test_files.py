"""Reading a results folder's files: byte-order marks, quoted headers, repeated runs, text in a
number column, binary junk, torn and corrupt lines (scanlab/_files.py, scanlab/_csv_text.py)."""

from __future__ import annotations

import json
import warnings

import pandas as pd
import pytest
from _fakes import RESULTS_TAIL, T0

from scanlab import ResultsFormatError, load_results, read_histories
from scanlab._csv_text import header_end
from scanlab._files import read_csv_part, read_round
from scanlab.log import ResultLog

HEADER = f"run_id,round,status,lr,units,loss,val_loss,{RESULTS_TAIL}\n"


def _line(run_id, loss="0.5", best_value="0.6"):
    return f"{run_id},1,ok,0.1,8,{loss},0.6,2,2,{best_value},{T0},{T0},1.0,\n"


def _manifest(folder, params=("lr", "units")):
    (folder / "manifest.json").write_text(json.dumps({"params": {p: [1] for p in params}}))


def test_byte_order_mark_is_skipped(tmp_path):
    path = tmp_path / "results.csv"
    path.write_bytes(("\ufeff" + HEADER + _line("a")).encode())
    df = load_results(path)
    assert list(df.columns[:3]) == ["run_id", "round", "status"]
    assert df["run_id"].tolist() == ["a"]


def test_quoted_header_reads_back_with_every_reader(tmp_path):
    params = ["a,b", 'q"x', "n\nl"]
    with ResultLog(tmp_path, params) as log:
        for run_id in ("r1", "r2"):
            row = {"run_id": run_id, "round": 1, "status": "ok", "loss": 0.5, "duration_s": 1.0}
            log.append(row | {"a,b": 1, 'q"x': "u", "n\nl": 2})
    expected = ["a,b", "n\nl", 'q"x', "loss"]
    assert list(load_results(tmp_path).columns[3:7]) == expected
    assert list(pd.read_csv(tmp_path / "results.csv").columns[3:7]) == expected
    assert load_results(tmp_path)["a,b"].tolist() == [1, 1]


def test_header_end_is_outside_quotes():
    assert header_end(b'run_id,"a\nb"\nx,1\n') == 13
    assert header_end(b'run_id,"a\nb') is None  # torn inside a quoted name: no header yet
    assert header_end(b"") is None


def test_header_torn_inside_a_quoted_name_is_no_results(tmp_path):
    path = tmp_path / "results.csv"
    path.write_text('run_id,round,status,"n\nl')
    assert len(read_csv_part(path)) == 0
    assert len(read_round(tmp_path)) == 0


def test_repeated_run_keeps_the_first_row_and_warns_with_lines(tmp_path):
    path = tmp_path / "results.csv"
    path.write_text(HEADER + _line("a", "0.1") + _line("b") + _line("a", "0.9") + _line("a"))
    with pytest.warns(
        UserWarning,
        match=r"results.csv' records 2 run\(s\) more than once: run_id "
        r"'a' at line 4 repeats line 2; run_id 'a' at line 5 repeats line 2\. "
        r"Kept the first row.*Fix: delete the repeated lines",
    ):
        df = load_results(tmp_path)
    assert df["run_id"].tolist() == ["a", "b"] and df["loss"].tolist() == [0.1, 0.5]


def test_repeated_run_across_parts_names_each_file(tmp_path):
    (tmp_path / "results.csv").write_text(HEADER + _line("a"))
    (tmp_path / "results-2.csv").write_text(HEADER + _line("b") + _line("a"))
    with pytest.warns(
        UserWarning,
        match=r"run_id 'a' at results-2.csv line 3 repeats "
        r"results.csv line 2",
    ):
        assert read_round(tmp_path)["run_id"].tolist() == ["a", "b"]


def test_same_run_in_two_rounds_is_no_repeat(tmp_path):
    for number in (1, 2):
        folder = tmp_path / f"round-00{number}"
        folder.mkdir()
        (folder / "results.csv").write_text(HEADER + _line("a").replace(",1,ok", f",{number},ok"))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert load_results(tmp_path)["round"].tolist() == [1, 2]


def test_text_in_a_metric_cell_names_file_line_column_and_fix(tmp_path):
    _manifest(tmp_path)
    (tmp_path / "results.csv").write_text(HEADER + _line("a") + _line("b", loss="93%"))
    with pytest.raises(
        ResultsFormatError,
        match=r"results.csv' is corrupt at line 3, column 'loss': '93%' is not a number.*"
        r"Fix: put the number back \(.*history.jsonl under run_id 'b'.*\) or empty the cell",
    ):
        load_results(tmp_path)
    with pytest.raises(ResultsFormatError, match=r"line 3, column 'loss'"):
        ResultLog(tmp_path, ["lr", "units"]).read_rows()  # what a resume reads


def test_text_in_a_bookkeeping_number_column_raises_without_a_manifest(tmp_path):
    path = tmp_path / "results.csv"
    path.write_text(HEADER + _line("a") + _line("b", best_value="oops"))
    with pytest.raises(ResultsFormatError, match=r"line 3, column 'best_value': 'oops'"):
        load_results(path)


def test_empty_and_non_finite_metric_cells_are_numbers(tmp_path):
    _manifest(tmp_path)
    (tmp_path / "results.csv").write_text(HEADER + _line("a", loss="") + _line("b", loss="inf"))
    assert load_results(tmp_path)["loss"].dtype == float


def test_binary_junk_names_the_file_and_line(tmp_path):
    path = tmp_path / "results.csv"
    path.write_bytes(
        HEADER.encode() + _line("a").encode() + b"\xff\xfe\x00junk\n" + _line("b").encode()
    )
    with pytest.raises(
        ResultsFormatError,
        match=r"results.csv' is corrupt at line 3: byte b'\\xff' is not UTF-8 text.*Fix: delete",
    ):
        load_results(tmp_path)


def test_binary_junk_or_a_corrupt_line_in_history_names_the_file_and_line(tmp_path):
    path = tmp_path / "history.jsonl"
    good = json.dumps({"run_id": "a", "history": {"loss": [1.0]}}) + "\n"
    path.write_bytes(good.encode() + b"\x80\x81\n" + good.encode())
    with pytest.raises(ResultsFormatError, match=r"history.jsonl' is corrupt at line 2: byte"):
        read_histories(tmp_path)
    path.write_text(good + "{not json\n" + good)
    with pytest.raises(
        ResultsFormatError,
        match=r"history.jsonl' is corrupt at line 2: it is "
        r"not a JSON object",
    ):
        read_histories(tmp_path)
    path.write_text("\ufeff" + good + '{"run_id": "b", "hist')  # BOM, torn last line
    assert list(read_histories(tmp_path)) == ["a"]


def test_first_row_with_an_extra_field_is_refused_not_shifted(tmp_path):
    # pandas takes one extra field in the first row as an index column and shifts every column
    path = tmp_path / "results.csv"
    edited = _line("a").replace(",1,ok", ",1,failed").replace(",\n", ",ValueError: x, y\n")
    path.write_text(HEADER + edited + _line("b"))
    with pytest.raises(
        ResultsFormatError, match=r"corrupt at line 2: it has 15 fields where the header has 14"
    ):
        load_results(path)


def test_line_numbers_count_a_multi_line_header(tmp_path):
    header = f'run_id,round,status,"n\nl",loss,{RESULTS_TAIL}\n'
    row = f"a,1,ok,1,0.5,2,2,0.5,{T0},{T0},1.0,\n"
    (tmp_path / "results.csv").write_text(header + row + row.replace("1.0,", ","))
    with pytest.raises(ResultsFormatError, match=r"corrupt at line 4"):
        load_results(tmp_path)


def test_a_results_csv_that_is_a_folder_is_refused(tmp_path):
    (tmp_path / "results.csv").mkdir()
    with pytest.raises(ResultsFormatError, match=r"results.csv' is not a regular file"):
        read_round(tmp_path)


def test_scan_resume_reads_edited_files_as_the_loader_does(scan_kwargs):
    from scanlab import Scan

    first = Scan(**scan_kwargs, round_limit=4)
    path = first.results_path
    lines = path.read_text().splitlines(keepends=True)
    path.write_text("".join([*lines, lines[1]]))  # a row appended twice
    with pytest.warns(UserWarning, match=r"records 1 run\(s\) more than once: .* at line 6 "):
        assert len(Scan(**scan_kwargs, round_limit=4).data) == 4
    column = lines[0].rstrip("\n").split(",").index("val_accuracy")
    cells = lines[2].split(",")
    cells[column] = "high"
    path.write_text("".join([lines[0], lines[1], ",".join(cells), *lines[3:]]))
    with pytest.raises(ResultsFormatError, match=r"line 3, column 'val_accuracy': 'high'"):
        Scan(**scan_kwargs, round_limit=4)  # was a TypeError on resume


def test_line_numbers_count_blank_lines(tmp_path):
    path = tmp_path / "results.csv"
    path.write_text(HEADER + "\n" + _line("a") + "  \n" + _line("b", best_value="x"))
    with pytest.raises(ResultsFormatError, match=r"line 5, column 'best_value'"):
        load_results(path)


def _failed(run_id, start=T0):
    return f'{run_id},1,failed,0.1,8,,,0,,,{start},{start},0.5,"ValueError: x"\n'


def test_a_retried_run_reads_back_as_its_newest_attempt_without_a_warning(tmp_path):
    later = "2026-01-01T00:05:00+00:00"
    path = tmp_path / "results.csv"
    path.write_text(HEADER + _failed("a") + _line("b") + _failed("a", later) + _line("a", "0.2"))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a retry is no repeat: no warning
        newest = load_results(tmp_path)
        every = load_results(tmp_path, attempts=True)
    assert newest["run_id"].tolist() == ["b", "a"] and newest["loss"].tolist() == [0.5, 0.2]
    assert every["status"].tolist() == ["failed", "ok", "failed", "ok"]
    assert read_round(tmp_path)["status"].tolist() == ["ok", "ok"]
    assert len(read_round(tmp_path, attempts=True)) == 4
    assert len(read_csv_part(path)) == 2 and len(read_csv_part(path, attempts=True)) == 4


def test_a_failed_row_copied_by_hand_is_still_a_repeat(tmp_path):
    (tmp_path / "results.csv").write_text(HEADER + _failed("a") + _failed("a"))
    with pytest.warns(UserWarning, match=r"run_id 'a' at line 3 repeats line 2"):
        assert load_results(tmp_path, attempts=True)["run_id"].tolist() == ["a"]


def test_a_budgeted_round_keeps_one_row_per_run_and_rung(tmp_path):
    from scanlab._files import read_round

    round_dir = tmp_path / "round-001"
    round_dir.mkdir()
    head = f"run_id,round,status,lr,val_loss,rung,budget,initial_epoch,{RESULTS_TAIL}\n"
    tail = f"1,1,0.5,{T0},{T0},1.0,"
    rows = [
        f"a,1,ok,0.1,0.9,0,1,0,{tail}",
        f"b,1,ok,0.2,0.8,0,1,0,{tail}",
        f"b,1,failed,0.2,,1,3,1,1,1,0.5,{T0},{T0},1.0,ValueError: x",
        f"b,1,ok,0.2,0.5,1,3,1,{tail}",  # the retried rung-1 attempt: the newest wins
    ]
    (round_dir / "results.csv").write_text(head + "\n".join(rows) + "\n")
    frame = read_round(round_dir)
    assert frame[["run_id", "rung", "status"]].values.tolist() == [
        ["a", 0, "ok"],
        ["b", 0, "ok"],
        ["b", 1, "ok"],
    ]


def test_a_budgeted_runs_history_joins_its_rungs(tmp_path):
    from scanlab._histories import read_histories

    lines = [
        {"run_id": "a", "round": 1, "rung": 1, "history": {"loss": [0.5, 0.4]}},
        {"run_id": "a", "round": 1, "rung": 0, "history": {"loss": [0.9]}},
        {"run_id": "b", "round": 1, "history": {"loss": [0.7]}},
    ]
    (tmp_path / "history.jsonl").write_text("".join(json.dumps(r) + "\n" for r in lines))
    assert read_histories(tmp_path) == {"a": {"loss": [0.9, 0.5, 0.4]}, "b": {"loss": [0.7]}}
