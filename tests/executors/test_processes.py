"""The worker-process executor (``scanlab/executors/processes.py``): a worker that dies or
hangs, recycling, warm workers between scans, stale code, workers started from a script.
What every executor does is in ``test_conformance.py``."""

from __future__ import annotations

import os
import sys
import time

import numpy as np
import pytest

import scanlab.executors
import scanlab.executors.processes
from executors._models import (
    LoadsOnceModel,
    crash_or_hang,
    dies_in_cleanup_model,
    exiting_model,
    pid_model,
    printing_model,
)
from scanlab import (
    Scan,
    ScanArgumentError,
    TooManyFailuresError,
    WorkerStartError,
    shutdown_workers,
)
from scanlab.executors import ProcessExecutor, Task, describe_exit
from scanlab.executors.processes import _Worker
from scanlab.trial import TrialData

DATA = TrialData(np.arange(12.0).reshape(6, 2), np.zeros(6), np.ones((3, 2)), np.zeros(3))


def test_describe_exit_names_signals():
    assert describe_exit(-9) == "was killed by SIGKILL (out of memory, or killed by hand)"
    assert describe_exit(-11).startswith("was killed by SIGSEGV")
    assert describe_exit(3) == "exited with code 3"


def test_worker_that_dies_or_hangs_is_one_failed_row_and_the_scan_goes_on(scan_kwargs):
    scan = Scan(**scan_kwargs | {"model": crash_or_hang}, workers=2, trial_timeout=4)
    df = scan.data.set_index(["lr", "units", "epochs"])
    assert len(df) == 12 and df.index.is_unique
    died = df.loc[(0.1, 8, 2)]
    assert died["status"] == "failed"
    assert died["error"].startswith("WorkerDied: the worker process exited with code 3")
    hung = df.loc[(0.01, 4, 2)]
    assert (
        hung["error"] == "TrialTimeout: the run took longer than trial_timeout=4 s and was stopped"
    )
    assert (df["status"] == "ok").sum() == 10
    assert (scan.round_path / "workers.log").exists()


def test_parallel_run_set_equals_sequential_and_recycling_works(scan_kwargs, tmp_path):
    sequential = Scan(**scan_kwargs | {"results_dir": tmp_path / "seq"}, round_limit=9)
    parallel = Scan(
        **scan_kwargs | {"results_dir": tmp_path / "par"},
        round_limit=9,
        workers=2,
        max_runs_per_worker=2,
    )
    assert sorted(parallel.data["run_id"]) == sorted(sequential.data["run_id"])
    assert (parallel.data["status"] == "ok").all()
    merged = parallel.data.merge(sequential.data, on="run_id")
    assert (merged["val_loss_x"] == merged["val_loss_y"]).all()


def pids(scan: Scan) -> set[int]:
    return set(scan.data["pid"].astype(int))


def test_workers_stay_warm_for_the_next_scan_and_log_to_its_round(scan_kwargs, tmp_path):
    shutdown_workers()
    first = Scan(
        **scan_kwargs | {"model": pid_model, "experiment_name": "a"}, round_limit=6, workers=2
    )
    second = Scan(
        **scan_kwargs | {"model": pid_model, "experiment_name": "b"}, round_limit=6, workers=2
    )
    assert len(pids(first)) == 2 and pids(second) == pids(first)
    for scan in (first, second):
        log = (scan.round_path / "workers.log").read_text()
        assert log.count("ran units=") == 6
    assert shutdown_workers() == 2
    third = Scan(
        **scan_kwargs | {"model": pid_model, "experiment_name": "c"}, round_limit=4, workers=2
    )
    assert not pids(third) & pids(first)
    shutdown_workers()


def test_warm_workers_exit_by_themselves_after_the_idle_timeout(scan_kwargs, monkeypatch):
    shutdown_workers()
    monkeypatch.setattr(scanlab.executors, "WORKER_IDLE_TIMEOUT", 1.0)
    Scan(**scan_kwargs | {"model": pid_model}, round_limit=6, workers=2)
    idle = list(scanlab.executors.processes._IDLE_WORKERS)
    assert len(idle) == 2
    for worker in idle:
        assert worker.proc.wait(timeout=30) == 0
    assert shutdown_workers() == 2  # reaps what is left of them


def test_no_warm_workers_when_the_idle_timeout_is_zero(scan_kwargs, monkeypatch):
    shutdown_workers()
    monkeypatch.setattr(scanlab.executors, "WORKER_IDLE_TIMEOUT", 0)
    first = Scan(
        **scan_kwargs | {"model": pid_model, "experiment_name": "a"}, round_limit=4, workers=2
    )
    assert shutdown_workers() == 0
    second = Scan(
        **scan_kwargs | {"model": pid_model, "experiment_name": "b"}, round_limit=4, workers=2
    )
    assert not pids(second) & pids(first)


def test_a_warm_worker_never_runs_code_edited_since_it_imported_it(scan_kwargs, tmp_path):
    """Like a notebook with autoreload: the module is edited between two scans."""
    import importlib

    module = tmp_path / "edited_model.py"
    module.write_text(
        "import os\nfrom _fakes import FakeHistory\nOFFSET = 1.0\n"
        "def model(x_train, y_train, x_val, y_val, params):\n"
        "    return FakeHistory({'loss': [OFFSET], 'pid': [os.getpid()]}), None\n"
    )
    sys.path.insert(0, str(tmp_path))
    try:
        import edited_model

        # one run for two workers: the idle one must know the module from loading alone
        first = Scan(
            **scan_kwargs | {"model": edited_model.model, "experiment_name": "a"},
            round_limit=1,
            workers=2,
        )
        module.write_text(module.read_text().replace("OFFSET = 1.0", "OFFSET = 2.0"))
        later = time.time() + 5  # a new mtime even on coarse-grained file systems
        os.utime(module, (later, later))
        importlib.reload(edited_model)
        second = Scan(
            **scan_kwargs | {"model": edited_model.model, "experiment_name": "b"},
            round_limit=4,
            workers=2,
        )
    finally:
        sys.path.remove(str(tmp_path))
        sys.modules.pop("edited_model", None)
        shutdown_workers()
    assert (first.data["loss"] == 1.0).all() and (second.data["loss"] == 2.0).all()
    assert len(second.data) == 4 and not pids(second) & pids(first)


def test_model_function_that_cannot_be_loaded_in_a_worker_is_reported(scan_kwargs, tmp_path):
    module = tmp_path / "vanishing_module.py"
    module.write_text(
        "from _fakes import fake_model\ndef model(*args):\n    return fake_model(*args)\n"
    )
    sys.path.insert(0, str(tmp_path))
    try:
        import vanishing_module

        module.unlink()
        with pytest.raises(WorkerStartError, match=r"could not load the model function"):
            Scan(**scan_kwargs | {"model": vanishing_module.model}, workers=2)
    finally:
        sys.path.remove(str(tmp_path))
        sys.modules.pop("vanishing_module", None)


def test_the_idle_timeout_set_on_the_package_is_the_one_process_scans_use(monkeypatch):
    """README: ``scanlab.executors.WORKER_IDLE_TIMEOUT`` (0 turns warm workers off)."""
    monkeypatch.setattr(scanlab.executors, "WORKER_IDLE_TIMEOUT", 0)
    assert scanlab.executors.processes.WORKER_IDLE_TIMEOUT == 0
    assert scanlab.executors.WORKER_IDLE_TIMEOUT == 0
    monkeypatch.undo()
    assert scanlab.executors.processes.WORKER_IDLE_TIMEOUT == 300.0


@pytest.mark.parametrize(
    ("override", "error", "match"),
    [
        ({"workers": 0}, ScanArgumentError, r"workers must be an int >= 1, got 0"),
        ({"workers_per_gpu": 0}, ScanArgumentError, r"workers_per_gpu must be an int >= 1"),
        ({"max_runs_per_worker": 1.5}, ScanArgumentError, r"max_runs_per_worker must be an int"),
        ({"trial_timeout": -1}, ScanArgumentError, r"trial_timeout must be a positive number"),
    ],
)
def test_bad_parallel_arguments(scan_kwargs, override, error, match):
    with pytest.raises(error, match=match):
        Scan(**scan_kwargs | override)


def test_two_real_keras_workers(tmp_path):
    from test_keras import PARAMS, tiny_mlp

    from scanlab.datasets import breast_cancer

    x, y = breast_cancer()
    scan = Scan(
        x[:200],
        y[:200],
        params=PARAMS,
        model=tiny_mlp,
        experiment_name="bc",
        round_limit=4,
        seed=5,
        results_dir=tmp_path,
        disable_progress_bar=True,
        workers=2,
    )
    assert len(scan.data) == 4 and (scan.data["status"] == "ok").all()
    assert scan.data["val_accuracy"].between(0, 1).all()


def test_model_defined_in_an_unguarded_main_script_runs_in_workers(tmp_path):
    """Like a notebook cell: the function lives in __main__ and the script has no
    ``if __name__ == '__main__'`` guard (multiprocessing's spawn would re-run it)."""
    import subprocess
    import textwrap

    script = tmp_path / "unguarded.py"
    script.write_text(
        textwrap.dedent("""
        import sys
        import numpy as np
        from scanlab import Scan

        class History:
            def __init__(self, history):
                self.history = history

        OFFSET = 0.5  # a global the function needs: cloudpickle sends it by value

        def model(x_train, y_train, x_val, y_val, params):
            return History({"loss": [params["a"] + OFFSET]}), None

        scan = Scan(np.zeros((10, 2)), np.zeros(10), params={"a": [1, 2, 3, 4]}, model=model,
                    experiment_name="main", results_dir=sys.argv[1], workers=2,
                    disable_progress_bar=True, clear_session=False)
        print(sorted(scan.data["loss"].tolist()))
    """)
    )
    done = subprocess.run(
        [sys.executable, str(script), str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
        env=dict(os.environ, PYTHONPATH=os.getcwd()),
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "[1.5, 2.5, 3.5, 4.5]"


def test_stopping_a_worker_whose_setup_frame_is_still_buffered_does_not_raise(tmp_path):
    """A scan can end while a worker is still starting: its stdin may hold unsent bytes."""
    with open(tmp_path / "workers.log", "ab") as log:
        worker = scanlab.executors.processes._Worker(dict(os.environ), log)
    worker.proc.kill()
    worker.proc.wait()
    worker.proc.stdin.write(b"setup" * 20)  # buffered: closing flushes it into a dead pipe
    worker.stop()
    assert worker.proc.stdin.closed and worker.proc.stdout.closed


# -- workers that die at the worst moment (issue 10) -------------------------------------------


def make_tasks(n: int) -> list[Task]:
    return [Task(i, f"run-{i:03d}", {"x": i}, {"x": str(i)}) for i in range(n)]


_MADE: list[ProcessExecutor] = []


@pytest.fixture(autouse=True)
def _close_the_executors_made():
    """``run`` leaves its workers open for the next call: each test's executors close."""
    yield
    while _MADE:
        _MADE.pop().close()


def process_executor(
    model_fn, tmp_path, monkeypatch, workers=1, clear_session=False
) -> ProcessExecutor:
    shutdown_workers()  # fresh workers only
    monkeypatch.setattr(scanlab.executors, "WORKER_IDLE_TIMEOUT", 0)
    executor = ProcessExecutor(
        model_fn,
        DATA,
        workers=workers,
        hygiene={"clear_session": clear_session},
        log_path=tmp_path / "workers.log",
    )
    _MADE.append(executor)
    return executor


def kill_while_starting(monkeypatch, how_many: int | None) -> list[int]:
    """The first ``how_many`` workers started (all if None) are SIGKILLed before their setup
    arrives, as the OOM killer does during the framework import; returns their pids."""
    killed: list[int] = []
    begin = _Worker.begin

    def killing_begin(self, slot, setup):
        if how_many is None or len(killed) < how_many:
            self.proc.kill()
            self.proc.wait()
            killed.append(self.proc.pid)
        begin(self, slot, setup)

    monkeypatch.setattr(_Worker, "begin", killing_begin)
    return killed


def test_a_worker_killed_while_starting_is_replaced_and_the_scan_goes_on(scan_kwargs, monkeypatch):
    shutdown_workers()
    killed = kill_while_starting(monkeypatch, how_many=2)
    scan = Scan(**scan_kwargs, round_limit=6, workers=2)
    assert len(killed) == 2
    assert len(scan.data) == 6 and (scan.data["status"] == "ok").all()


def test_workers_that_keep_dying_while_starting_stop_the_scan_naming_the_cause(
    scan_kwargs, monkeypatch
):
    shutdown_workers()
    killed = kill_while_starting(monkeypatch, how_many=None)
    with pytest.raises(
        WorkerStartError,
        match=r"^3 worker processes in a row died while starting, before they reported "
        r"loading the model function and data; the last one was killed by SIGKILL \(out of memory.*"
        r"workers\.log.*use fewer workers",
    ) as raised:
        Scan(**scan_kwargs, round_limit=6, workers=2)
    assert "importable" not in str(raised.value)  # not the user's model function
    assert 3 <= len(killed) <= 6  # bounded


def kill_after_the_liveness_check(monkeypatch, run_ids: set[str]) -> list[str]:
    """The race: the worker dies after ``ready`` said it was alive, before the task frame
    is written (once for each of ``run_ids``)."""
    raced: list[str] = []
    send = _Worker.send

    def dying_send(self, task):
        if task is not None and task.run_id in run_ids - set(raced):
            raced.append(task.run_id)
            self.proc.kill()
            self.proc.wait()
        return send(self, task)

    monkeypatch.setattr(_Worker, "send", dying_send)
    return raced


@pytest.mark.parametrize("workers", [1, 2])
def test_a_task_that_never_reached_its_dead_worker_runs_on_another_once(
    tmp_path, monkeypatch, workers
):
    raced = kill_after_the_liveness_check(monkeypatch, {"run-000", "run-004"})  # first, last
    executor = process_executor(printing_model, tmp_path, monkeypatch, workers)
    back: dict[str, float] = {}
    for task, result in executor.run(iter(make_tasks(5))):
        assert task.run_id not in back, f"{task.run_id} came back twice"
        assert result.status == "ok", result.error
        back[task.run_id] = result.history["loss"][0]
    assert sorted(raced) == ["run-000", "run-004"]
    assert back == {f"run-{x:03d}": float(x) for x in range(5)}  # each ran, none lost
    log = (tmp_path / "workers.log").read_text()
    assert sorted(line for line in log.splitlines() if line.startswith("hello")) == [
        f"hello from x={x}" for x in range(5)
    ]  # and each ran exactly once


def test_a_task_sent_to_a_worker_dying_in_its_clean_up_runs_on_another_once(tmp_path, monkeypatch):
    """The task frame reaches the pipe, but the worker dies after the previous run's result
    (in MemoryHygiene) without starting it: the task is handed on, not lost as failed."""
    executor = process_executor(dies_in_cleanup_model, tmp_path, monkeypatch, clear_session=True)
    back: dict[str, float] = {}
    for task, result in executor.run(iter(make_tasks(3))):
        assert task.run_id not in back, f"{task.run_id} came back twice"
        assert result.status == "ok", result.error
        back[task.run_id] = result.history["loss"][0]
    assert back == {f"run-{x:03d}": float(x) for x in range(3)}


def test_a_run_whose_worker_died_has_a_traceback_saying_what_happened(tmp_path, monkeypatch):
    executor = process_executor(exiting_model, tmp_path, monkeypatch)
    [(_, result)] = list(executor.run(iter(make_tasks(1))))
    assert result.status == "failed" and result.raised
    assert result.error.startswith("WorkerDied: the worker process exited with code 3")
    assert result.traceback.startswith(result.error)
    assert "run run-000 {'x': '0'}, worker pid" in result.traceback
    assert result.traceback.rstrip().endswith("about to exit for x=0")  # the log's last line


def test_a_hung_run_has_a_traceback_saying_what_happened(tmp_path, monkeypatch):
    executor = process_executor(crash_or_hang, tmp_path, monkeypatch)
    executor.trial_timeout = 0.5
    task = Task(0, "run-000", {"units": 4, "lr": 0.01, "epochs": 2}, {})
    [(_, result)] = list(executor.run(iter([task])))
    assert result.status == "failed" and not result.raised
    assert result.traceback.startswith("TrialTimeout: the run took longer than trial_timeout")


def test_the_failure_stop_after_dead_workers_quotes_the_cause(scan_kwargs):
    with pytest.raises(
        TooManyFailuresError,
        match=r"(?s)The last run raised:\nWorkerDied: the worker process exited with code 3 "
        r"during this run.*about to exit for x=\d",
    ):
        Scan(**scan_kwargs | {"model": exiting_model}, workers=2, max_consecutive_failures=3)


def test_a_warm_worker_whose_setup_fails_is_replaced_by_a_fresh_one(scan_kwargs):
    """Only a setup that fails on a fresh worker is the user's to fix."""
    shutdown_workers()
    model = LoadsOnceModel()
    first = Scan(**scan_kwargs | {"model": model, "experiment_name": "a"}, round_limit=4, workers=2)
    second = Scan(
        **scan_kwargs | {"model": model, "experiment_name": "b"}, round_limit=4, workers=2
    )
    assert (second.data["status"] == "ok").all() and not pids(second) & pids(first)
    shutdown_workers()
