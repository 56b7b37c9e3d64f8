"""The Dask executor (``scanlab/executors/dask_cluster.py``) on the folder's LocalCluster; what
every executor does is in ``test_conformance.py``."""

from __future__ import annotations

import os
import pickle
import sys

import cloudpickle
import numpy as np
import pytest

from executors._models import crash_or_hang_dask, echo_model
from scanlab import Scan, ScanArgumentError, ScanArgumentTypeError
from scanlab.executors import DaskExecutor, Task, dask_client_type, dask_cluster
from scanlab.executors._placement import THREAD_VARIABLES
from scanlab.trial import TrialData


def test_dask_local_cluster(scan_kwargs, tmp_path, dask_client):
    scan = Scan(**scan_kwargs | {"model": crash_or_hang_dask}, round_limit=8, executor=dask_client)
    sequential = Scan(**scan_kwargs | {"results_dir": tmp_path / "seq"}, round_limit=8)
    with pytest.raises(ScanArgumentError, match=r"apply to scanlab's own worker processes"):
        Scan(**scan_kwargs, executor=dask_client, trial_timeout=3)
    assert sorted(scan.data["run_id"]) == sorted(sequential.data["run_id"])
    failed = scan.data[scan.data["status"] == "failed"]
    assert failed["error"].str.startswith("ValueError: planted").all()
    assert len(failed) == ((scan.data["units"] == 8) & (scan.data["lr"] == 0.1)).sum()


def test_an_executor_that_is_not_a_dask_client_is_refused(scan_kwargs):
    with pytest.raises(
        ScanArgumentTypeError, match=r"executor must be a dask.distributed.Client, got str"
    ):
        Scan(**scan_kwargs | {"executor": "dask"})


def test_closing_an_executor_leaves_another_with_the_same_model_and_data_running(dask_client):
    """Two rounds of one experiment scatter the same bytes: each must own its copy."""
    data = TrialData(np.zeros((3, 2)), np.zeros(3), np.zeros((1, 2)), np.zeros(1))
    first = DaskExecutor(dask_client, echo_model, data, {"clear_session": False})
    second = DaskExecutor(dask_client, echo_model, data, {"clear_session": False})
    first.close()
    tasks = [Task(i, f"run-{i}", {"x": i}, {}) for i in range(4)]
    assert sorted(result.status for _, result in second.run(iter(tasks))) == ["ok"] * 4
    second.close()


class ClientWithoutWorkers:
    """Answers ``scheduler_info`` like a Client whose cluster has no workers yet."""

    def scheduler_info(self):
        return {"workers": {}}


def test_a_client_without_workers_is_refused_with_the_fix():
    data = TrialData(*(np.zeros(2),) * 4)
    with pytest.raises(ScanArgumentError, match=r"has no workers. Start some \(`dask worker"):
        DaskExecutor(ClientWithoutWorkers(), echo_model, data, {})


def test_dask_client_type_is_distributed_client():
    import distributed

    assert dask_client_type() is distributed.Client


def test_dask_client_type_names_the_extra_to_install_when_dask_is_missing(monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed fails
    with pytest.raises(ImportError, match=r"pip install 'scanlab\[dask\]'"):
        dask_client_type()


def test_a_dask_worker_unpickles_the_payload_once_and_limits_threads_before_tensorflow(
    monkeypatch,
):
    """``_dask_trial`` as a fresh Dask worker process runs it, here in this process."""
    limits = (*THREAD_VARIABLES, "TF_NUM_INTEROP_THREADS")
    environ = {k: v for k, v in os.environ.items() if k not in limits}
    monkeypatch.setattr(os, "environ", environ)  # what the trial sets stays in this test
    monkeypatch.delitem(sys.modules, "tensorflow", raising=False)  # not started yet
    monkeypatch.setattr(dask_cluster, "_DASK_PAYLOADS", {})
    unpickled = []

    def loads(payload: bytes):
        unpickled.append(payload)
        return pickle.loads(payload)

    monkeypatch.setattr(cloudpickle, "loads", loads)
    data = TrialData(np.zeros((3, 2)), np.zeros(3), np.zeros((1, 2)), np.zeros(1))
    payload = cloudpickle.dumps((echo_model, data))
    for x in (1, 2):
        result = dask_cluster._dask_trial(
            "token", payload, {"x": x}, f"run-{x}", None, {"clear_session": False}, 4
        )
        assert result.history == {"loss": [float(x)], "n_train": [3.0]}
    assert len(unpickled) == 1
    assert {name: environ[name] for name in limits} == dict.fromkeys(THREAD_VARIABLES, "4") | {
        "TF_NUM_INTEROP_THREADS": "1"
    }


def _tiny_builder():
    """A builder made in a function, so that cloudpickle sends it by value to Dask workers."""

    def build(params):
        import keras

        keras.utils.set_random_seed(1)
        model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1, activation="sigmoid")])
        model.compile(keras.optimizers.Adam(0.05), "binary_crossentropy")
        return model

    return build


def test_dask_workers_run_builders_with_the_scans_early_stopping(dask_client):
    from scanlab.executors._protocol import TrialOptions

    rng = np.random.default_rng(0)
    x = rng.normal(size=(16, 3)).astype("float32")
    y = (x[:, 0] > 0).astype("float32")
    data = TrialData(x[:12], y[:12], x[12:], y[12:])
    options = TrialOptions({"mode": [10.0, 1], "restore_best_weights": True})
    executor = DaskExecutor(
        dask_client, _tiny_builder(), data, {"clear_session": False}, None, options
    )
    tasks = [Task(i, f"r{i}", {"epochs": 20}, {}) for i in range(2)]
    try:
        results = [result for _, result in executor.run(tasks)]
    finally:
        executor.close()
    assert [(r.status, r.stopped_epoch, r.metrics_from) for r in results] == [
        ("ok", 2, "best_epoch")
    ] * 2, [r.error for r in results]
