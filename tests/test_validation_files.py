"""scanlab._validation_files: per-class scores from the history sidecars and heldout.csv,
read as data."""

from __future__ import annotations

import json

import pytest
from _validation import heldout_rows, write_cv_round

from scanlab._validation_files import experiment_folder, read_heldout, read_scores
from scanlab.errors import ResultsFormatError


def record(run_id, matrix, **extra):
    return json.dumps(
        {
            "run_id": run_id,
            "history": {},
            "scores": {"labels": [0, 1], "confusion_matrix": matrix},
            **extra,
        }
    )


def test_scores_of_a_cv_round_hold_the_pooled_matrix_and_the_fold_count(tmp_path):
    write_cv_round(tmp_path / "round-001")
    scores = read_scores(tmp_path / "round-001")
    assert sorted(scores) == [f"r{i:02d}" for i in range(7)]  # r07 failed: no record
    assert scores["r00"]["n_folds"] == 5 and len(scores["r00"]["confusion_matrix"]) == 3
    assert read_scores(tmp_path) == scores  # the experiment folder: every round
    assert read_scores(tmp_path / "round-001" / "results.csv") == scores


def test_the_last_record_wins_and_records_without_scores_are_skipped(tmp_path):
    lines = [
        record("a", [[1, 0], [0, 1]]),
        record("a", [[2, 0], [0, 2]]),
        json.dumps({"run_id": "b", "history": {}}),
    ]
    (tmp_path / "history.jsonl").write_text("\n".join(lines) + "\n")
    scores = read_scores(tmp_path)
    assert scores == {"a": {"labels": [0, 1], "confusion_matrix": [[2, 0], [0, 2]], "n_folds": 0}}


def test_a_later_round_wins_and_a_round_adds_the_runs_it_reused(tmp_path):
    for number, matrix in ((1, [[1, 0], [0, 1]]), (2, [[5, 0], [0, 5]])):
        folder = tmp_path / f"round-{number:03d}"
        folder.mkdir()
        (folder / "history.jsonl").write_text(
            record("a", matrix) + "\n" + record(f"only{number}", matrix) + "\n"
        )
    assert read_scores(tmp_path)["a"]["confusion_matrix"] == [[5, 0], [0, 5]]
    (tmp_path / "round-002" / "manifest.json").write_text(json.dumps({"reused": {"1": ["only1"]}}))
    assert sorted(read_scores(tmp_path / "round-002")) == ["a", "only1", "only2"]


def test_a_torn_last_line_is_ignored_and_a_corrupt_middle_line_is_named(tmp_path):
    file = tmp_path / "history.jsonl"
    file.write_text(record("a", [[1, 0], [0, 1]]) + "\n" + '{"run_id": "b", "sco')
    assert sorted(read_scores(tmp_path)) == ["a"]
    file.write_text("not json\n" + record("a", [[1, 0], [0, 1]]) + "\n")
    with pytest.raises(ResultsFormatError, match=r"history.jsonl' is corrupt at line 1"):
        read_scores(tmp_path)


def test_no_sidecar_no_scores(tmp_path):
    assert read_scores(tmp_path) == {} and read_scores(tmp_path / "missing") == {}


def test_heldout_is_read_from_the_experiment_folder(tmp_path):
    exp = tmp_path / "exp"
    (exp / "round-001").mkdir(parents=True)
    assert read_heldout(exp) is None and read_heldout(exp / "round-001") is None
    heldout_rows().to_csv(exp / "heldout.csv", index=False)
    assert experiment_folder(exp / "round-001") == exp
    assert read_heldout(exp / "round-001")["run_id"].tolist() == ["r01", "r00", "r02"]
    (exp / "heldout.csv").write_bytes(b"\xff\xfe\x00bad")
    with pytest.raises(ResultsFormatError, match=r"heldout.csv' is not a readable CSV.*evaluate"):
        read_heldout(exp)
