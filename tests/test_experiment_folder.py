"""scanlab.experiment.ExperimentFolder: which round a Scan writes when the metadata is damaged."""

from __future__ import annotations

import json

import pytest

from scanlab import Scan
from scanlab.errors import ResultsFormatError
from scanlab.experiment import ExperimentFolder


def _first_round(scan_kwargs):
    scan = Scan(**scan_kwargs, round_limit=3)
    return scan.round_path, scan_kwargs["results_dir"] / "exp"


@pytest.mark.parametrize(
    ("damage", "problem"),
    [
        (lambda f: f.unlink(), "is missing"),
        (lambda f: f.write_text("{half a manif"), "is not valid JSON"),
        (lambda f: f.write_text("[1, 2]"), "is a JSON list, not an object"),
        (lambda f: f.write_text('{"round": 1}'), "is missing its 'fingerprint'"),
    ],
)
def test_damaged_manifest_with_runs_on_disk_is_refused_not_re_run(scan_kwargs, damage, problem):
    round_path, exp = _first_round(scan_kwargs)
    damage(round_path / "manifest.json")
    match = (
        rf"round-001/manifest.json' {problem}.*round-001 holds 3 run\(s\) on disk.*restore the "
        r"file.*pass resume=False to start a new round \(round-002\).*delete the folder"
    )
    with pytest.raises(ResultsFormatError, match=match):
        Scan(**scan_kwargs, round_limit=3)
    assert [p.name for p in exp.iterdir() if p.name.startswith("round")] == ["round-001"]
    assert len((round_path / "results.csv").read_text().splitlines()) == 4  # untouched


def test_damaged_manifest_with_resume_false_starts_a_new_round(scan_kwargs):
    round_path, _ = _first_round(scan_kwargs)
    (round_path / "manifest.json").unlink()
    assert Scan(**scan_kwargs, round_limit=2, resume=False).round == 2


def test_empty_round_left_by_a_crash_at_the_start_is_reused(scan_kwargs):
    exp = scan_kwargs["results_dir"] / "exp"
    (exp / "round-001").mkdir(parents=True)
    (exp / "round-001" / "results.csv").write_text("run_id,round,status,other\n")  # header only
    scan = Scan(**scan_kwargs, round_limit=2)
    assert scan.round == 1 and sorted(p.name for p in exp.glob("round-*")) == ["round-001"]
    assert len(scan.data) == 2 and "lr" in scan.data.columns
    assert Scan(**scan_kwargs, round_limit=2).round == 1  # and it resumes normally after


def test_resolve_round_without_rounds_and_with_a_matching_one(tmp_path):
    folder = ExperimentFolder(tmp_path / "exp")
    assert folder.resolve_round("abc", True).number == 1
    (tmp_path / "exp" / "round-004").mkdir()
    (tmp_path / "exp" / "round-004" / "manifest.json").write_text(
        json.dumps({"fingerprint": "abc"})
    )
    assert folder.resolve_round("abc", True).manifest == {"fingerprint": "abc"}
    assert folder.resolve_round("abc", False).number == 5
    assert folder.resolve_round("xyz", True).number == 5


def test_a_lock_file_that_is_a_link_is_a_clear_refusal(tmp_path):
    target = tmp_path / "elsewhere.txt"
    target.write_text("keep me\n")
    (tmp_path / "exp").mkdir()
    (tmp_path / "exp" / ".lock").symlink_to(target)
    folder = ExperimentFolder(tmp_path / "exp")
    match = (
        r"could not take the lock of experiment .*exp'.*lock file '.*exp/\.lock'.*"
        r"symbolic link.*Fix: .*remove .*\.lock"
    )
    with pytest.raises(ResultsFormatError, match=match) as raised:
        folder.acquire()
    assert raised.value.__cause__ is not None and target.read_text() == "keep me\n"
    (tmp_path / "exp" / ".lock").unlink()
    folder.acquire()  # the fix works
    folder.release()


def test_a_lock_file_that_cannot_be_opened_names_the_file_and_the_fix(tmp_path, monkeypatch):
    folder = ExperimentFolder(tmp_path / "exp")

    def denied(*args, **kwargs):
        raise PermissionError(13, "Permission denied", str(tmp_path / "exp" / ".lock"))

    monkeypatch.setattr(folder._lock, "acquire", denied)
    match = r"lock file '.*exp/\.lock'.*Permission denied.*Fix: .*permissions"
    with pytest.raises(ResultsFormatError, match=match):
        folder.acquire()


def test_a_call_matching_an_earlier_round_resolves_to_that_round(tmp_path):
    folder = ExperimentFolder(tmp_path / "exp")
    for number, fp in ((1, "aaaa"), (2, "bbbb"), (3, "cccc")):
        path = tmp_path / "exp" / f"round-{number:03d}"
        path.mkdir()
        (path / "manifest.json").write_text(json.dumps({"fingerprint": fp}))
    info = folder.resolve_round("aaaa", resume=True)
    assert (info.number, info.path.name, info.latest) == (1, "round-001", 3)
    assert info.manifest == {"fingerprint": "aaaa"}
    assert folder.resolve_round("aaaa", resume=False).number == 4
    assert folder.resolve_round("dddd", resume=True).number == 4
