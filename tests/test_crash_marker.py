"""scanlab._crash_marker: the ``.running`` file never writes through a planted link."""

from __future__ import annotations

import os
import signal

import pytest

from scanlab._crash_marker import MARKER_FILE, RunMarker


def test_mark_then_died_during_then_clear(tmp_path):
    marker = RunMarker(tmp_path)
    marker.mark(7, "abc")
    assert RunMarker(tmp_path).died_during(done=set()) == {
        "index": 7,
        "run_id": "abc",
        "deaths": 1,
        "key": "abc",
        "task": (None, None, 0),
    }
    assert RunMarker(tmp_path).died_during(done={"abc"}) is None
    marker.clear()
    assert not (tmp_path / MARKER_FILE).exists()


def test_mark_never_writes_through_a_planted_symlink(tmp_path):
    target = tmp_path / "precious.bin"
    content = os.urandom(5000)
    target.write_bytes(content)
    round_dir = tmp_path / "round-001"
    round_dir.mkdir()
    (round_dir / MARKER_FILE).symlink_to(target)
    marker = RunMarker(round_dir)
    marker.mark(3, "run-3")
    marker.mark(4, "run-4")
    assert target.read_bytes() == content
    assert not (round_dir / MARKER_FILE).is_symlink()
    assert RunMarker(round_dir).died_during(done=set())["run_id"] == "run-4"
    marker.clear()
    assert target.read_bytes() == content


def test_died_during_ignores_a_marker_that_is_a_link_or_not_a_file(tmp_path):
    record = tmp_path / "record.json"
    record.write_text('{"index": 1, "run_id": "x", "deaths": 0}')
    round_dir = tmp_path / "round-001"
    round_dir.mkdir()
    (round_dir / MARKER_FILE).symlink_to(record)
    assert RunMarker(round_dir).died_during(done=set()) is None
    (round_dir / MARKER_FILE).unlink()
    (round_dir / MARKER_FILE).mkdir()
    assert RunMarker(round_dir).died_during(done=set()) is None
    RunMarker(round_dir).mark(2, "y")  # a directory in the way is replaced, not an error
    assert RunMarker(round_dir).died_during(done=set())["run_id"] == "y"


@pytest.mark.skipif(not hasattr(signal, "SIGALRM"), reason="no FIFOs or alarms here")
def test_died_during_never_blocks_on_a_fifo(tmp_path):
    os.mkfifo(tmp_path / MARKER_FILE)

    class Hung(Exception):
        pass

    def hung(signum, frame):
        raise Hung("died_during blocked reading a FIFO")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(5)
    try:
        assert RunMarker(tmp_path).died_during(done=set()) is None
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
