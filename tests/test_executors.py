"""Parallel scans: worker processes and a Dask LocalCluster."""

from __future__ import annotations

import os
import sys
import time

import pytest
from conftest import fake_model

import scanlab.executors
from scanlab import (
    Scan,
    ScanArgumentError,
    ScanArgumentTypeError,
    WorkerStartError,
    shutdown_workers,
)
from scanlab.executors import describe_exit, detect_gpus, worker_environments


def test_one_worker_per_gpu_by_default_and_k_per_gpu_share_with_memory_growth():
    envs = worker_environments(2, ["0", "1"], 1, cpu_count=16)
    assert [e["CUDA_VISIBLE_DEVICES"] for e in envs] == ["0", "1"]
    assert all("TF_FORCE_GPU_ALLOW_GROWTH" not in e for e in envs)
    envs = worker_environments(6, ["0", "1"], 3, cpu_count=12)
    assert [e["CUDA_VISIBLE_DEVICES"] for e in envs] == ["0", "0", "0", "1", "1", "1"]
    assert all(e["TF_FORCE_GPU_ALLOW_GROWTH"] == "true" for e in envs)
    assert all(e["TF_NUM_INTRAOP_THREADS"] == "2" for e in envs)


def test_cpu_workers_split_the_cores_and_see_no_gpu():
    envs = worker_environments(2, [], 1, cpu_count=2)
    assert all(e["OMP_NUM_THREADS"] == "1" and e["TF_NUM_INTEROP_THREADS"] == "1" for e in envs)
    assert all(e["CUDA_VISIBLE_DEVICES"] == "-1" for e in envs)


def test_detect_gpus_reads_cuda_visible_devices():
    assert detect_gpus({"CUDA_VISIBLE_DEVICES": "0,2"}) == ["0", "2"]
    assert detect_gpus({"CUDA_VISIBLE_DEVICES": "-1"}) == []
    assert detect_gpus({"CUDA_VISIBLE_DEVICES": ""}) == []


def test_describe_exit_names_signals():
    assert describe_exit(-9) == "was killed by SIGKILL (out of memory, or killed by hand)"
    assert describe_exit(-11).startswith("was killed by SIGSEGV")
    assert describe_exit(3) == "exited with code 3"


def crash_or_hang(x_train, y_train, x_val, y_val, params):
    if params["units"] == 8 and params["lr"] == 0.1 and params["epochs"] == 2:
        os._exit(3)
    if params["units"] == 4 and params["lr"] == 0.01 and params["epochs"] == 2:
        time.sleep(60)
    return fake_model(x_train, y_train, x_val, y_val, params)


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


def pid_model(x_train, y_train, x_val, y_val, params):
    print(f"worker {os.getpid()} ran units={params['units']}")
    time.sleep(0.5)  # long enough for both workers to get runs
    history, model = fake_model(x_train, y_train, x_val, y_val, params)
    history.history["pid"] = [float(os.getpid())] * len(history.history["loss"])
    return history, model


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
    idle = list(scanlab.executors._IDLE_WORKERS)
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
        "import os\nfrom conftest import FakeHistory\nOFFSET = 1.0\n"
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
        "from conftest import fake_model\ndef model(*args):\n    return fake_model(*args)\n"
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


@pytest.mark.parametrize(
    ("override", "error", "match"),
    [
        ({"workers": 0}, ScanArgumentError, r"workers must be an int >= 1, got 0"),
        ({"workers_per_gpu": 0}, ScanArgumentError, r"workers_per_gpu must be an int >= 1"),
        ({"max_runs_per_worker": 1.5}, ScanArgumentError, r"max_runs_per_worker must be an int"),
        ({"trial_timeout": -1}, ScanArgumentError, r"trial_timeout must be a positive number"),
        (
            {"executor": "dask"},
            ScanArgumentTypeError,
            r"executor must be a dask.distributed.Client, got str",
        ),
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


def test_dask_local_cluster(scan_kwargs, tmp_path):
    import distributed

    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        scan = Scan(**scan_kwargs | {"model": crash_or_hang_dask}, round_limit=8, executor=client)
        sequential = Scan(**scan_kwargs | {"results_dir": tmp_path / "seq"}, round_limit=8)
        with pytest.raises(ScanArgumentError, match=r"apply to scanlab's own worker processes"):
            Scan(**scan_kwargs, executor=client, trial_timeout=3)
    assert sorted(scan.data["run_id"]) == sorted(sequential.data["run_id"])
    failed = scan.data[scan.data["status"] == "failed"]
    assert failed["error"].str.startswith("ValueError: planted").all()
    assert len(failed) == ((scan.data["units"] == 8) & (scan.data["lr"] == 0.1)).sum()


def crash_or_hang_dask(x_train, y_train, x_val, y_val, params):
    if params["units"] == 8 and params["lr"] == 0.1:
        raise ValueError("planted failure")
    return fake_model(x_train, y_train, x_val, y_val, params)


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
