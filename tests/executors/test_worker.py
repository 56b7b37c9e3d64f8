"""The worker process (``scanlab/executors/worker.py``), driven here by hand over its pipes,
and the frames it speaks (``scanlab/executors/_protocol.py``)."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import time

import cloudpickle
import numpy as np
import pytest

from executors._models import echo_model, printing_model
from scanlab.executors import Task
from scanlab.executors._protocol import read_frame, write_frame
from scanlab.executors.worker import SourceWatch
from scanlab.trial import TrialData, TrialResult

DATA = TrialData(np.zeros((5, 2)), np.zeros(5), np.zeros((2, 2)), np.zeros(2))

# -- frames ----------------------------------------------------------------------------------


def test_frames_round_trip_in_order():
    stream = io.BytesIO()
    objects = [{"ready": 1}, Task(0, "run-0", {"x": 1}, {"x": "1"}), None, b"\x00" * 70_000]
    for obj in objects:
        write_frame(stream, obj)
    stream.seek(0)
    assert [read_frame(stream) for _ in objects] == objects
    with pytest.raises(EOFError, match="closed the pipe"):
        read_frame(stream)


class Trickle(io.RawIOBase):
    """A pipe that hands out at most three bytes per read."""

    def __init__(self, data: bytes) -> None:
        self._data = io.BytesIO(data)

    def readable(self) -> bool:
        return True

    def read(self, n: int = -1) -> bytes:
        return self._data.read(min(n, 3))


def test_a_frame_arriving_in_pieces_is_read_whole():
    stream = io.BytesIO()
    write_frame(stream, {"payload": list(range(100))})
    assert read_frame(Trickle(stream.getvalue())) == {"payload": list(range(100))}


def test_a_frame_cut_short_is_an_eof():
    stream = io.BytesIO()
    write_frame(stream, {"payload": list(range(100))})
    with pytest.raises(EOFError):
        read_frame(io.BytesIO(stream.getvalue()[:-5]))


# -- the worker process ----------------------------------------------------------------------


class WorkerProcess:
    """``python -m scanlab.executors.worker`` with this test's pipes, as the driver starts it."""

    def __init__(self, tmp_path) -> None:
        path = [p for p in sys.path if p and os.path.isdir(p)]
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(path))
        self.log = tmp_path / "worker.log"
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "scanlab.executors.worker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=env,
        )

    def setup(self, model_fn, idle_timeout=0.0, max_runs=None, payload=None) -> dict:
        write_frame(
            self.proc.stdin,
            {
                "payload": payload or cloudpickle.dumps((model_fn, DATA)),
                "hygiene": {"clear_session": False},
                "max_runs": max_runs,
                "models_dir": None,
                "log_path": str(self.log),
                "idle_timeout": idle_timeout,
            },
        )
        return read_frame(self.proc.stdout)

    def run(self, x: int) -> TrialResult:
        write_frame(self.proc.stdin, Task(x, f"run-{x}", {"x": x}, {}))
        assert read_frame(self.proc.stdout) == {"started": f"run-{x}"}
        return read_frame(self.proc.stdout)

    def end_scan(self) -> None:
        write_frame(self.proc.stdin, None)

    def wait(self) -> int:
        return self.proc.wait(timeout=30)

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        self.proc.stdin.close()
        self.proc.stdout.close()


@pytest.fixture
def worker(tmp_path):
    process = WorkerProcess(tmp_path)
    yield process
    process.close()


def test_the_worker_answers_every_task_and_prints_go_to_the_log(worker):
    assert worker.setup(printing_model) == {"ready": worker.proc.pid}
    for x in (3, 5):
        result = worker.run(x)
        assert result.status == "ok" and result.history == {"loss": [float(x)], "n_train": [5.0]}
    worker.end_scan()
    assert worker.wait() == 0  # idle_timeout=0: no warm wait
    assert worker.proc.stdout.read() == b""  # the prints never reached the protocol
    assert worker.log.read_text().splitlines() == ["hello from x=3", "hello from x=5"]


def test_a_warm_worker_serves_the_next_scan_and_exits_when_stdin_closes(worker):
    assert "ready" in worker.setup(echo_model, idle_timeout=30)
    assert worker.run(1).history["loss"] == [1.0]
    worker.end_scan()
    assert "ready" in worker.setup(printing_model, idle_timeout=30)  # the same process
    assert worker.run(2).history["loss"] == [2.0]
    worker.proc.stdin.close()
    assert worker.wait() == 0


def test_a_warm_worker_exits_after_its_idle_timeout(worker):
    worker.setup(echo_model, idle_timeout=0.5)
    worker.end_scan()
    started = time.monotonic()
    assert worker.wait() == 0
    assert time.monotonic() - started < 20


def test_the_worker_exits_after_max_runs(worker):
    worker.setup(echo_model, max_runs=2)
    assert [worker.run(x).status for x in (1, 2)] == ["ok", "ok"]
    assert worker.wait() == 0


def test_a_payload_the_worker_cannot_load_is_reported_with_its_traceback(worker):
    hello = worker.setup(None, payload=b"not a pickle")
    assert set(hello) == {"setup_error"}
    assert (
        hello["setup_error"].startswith("Traceback") and "UnpicklingError" in hello["setup_error"]
    )
    assert worker.wait() == 0


# -- stale code --------------------------------------------------------------------------------


def test_source_watch_sees_a_module_edited_or_removed_after_its_import(tmp_path, monkeypatch):
    module = tmp_path / "watched_module.py"
    module.write_text("VALUE = 1\n")
    past = time.time() - 60
    os.utime(module, (past, past))
    monkeypatch.syspath_prepend(str(tmp_path))
    watch = SourceWatch()
    import watched_module  # noqa: F401 - imported to be watched

    try:
        watch.record()
        assert watch.changed() is None
        later = time.time() + 5
        os.utime(module, (later, later))
        assert watch.changed() == str(module)
        module.unlink()
        assert watch.changed() == str(module)
    finally:
        sys.modules.pop("watched_module", None)


def test_source_watch_ignores_installed_packages():
    watch = SourceWatch()
    import json  # the standard library: never user code

    watch.record()
    assert json.__file__ not in watch._mtimes


def test_a_failed_result_made_by_the_driver_always_has_a_traceback():
    """The consecutive-failure stop quotes it: never ``None`` (issue 10)."""
    from scanlab.executors._protocol import failed_result

    lost = failed_result("WorkerDied: it exited with code 3", time.monotonic())
    assert lost.traceback == "WorkerDied: it exited with code 3"
    told = failed_result("TrialTimeout: too long", time.monotonic(), False, "TrialTimeout: more")
    assert (told.traceback, told.raised) == ("TrialTimeout: more", False)
