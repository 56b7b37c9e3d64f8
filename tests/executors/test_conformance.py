"""One suite, every executor (Optuna's storage-conformance pattern): what the engine relies on
from an :class:`~scanlab.executors.Executor`, checked the same way for the in-process
executor, two worker processes and a Dask LocalCluster.

A new executor joins by adding a case to :func:`make_executor`.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from _fakes import fake_model

from executors._models import (
    echo_model,
    epochs_model,
    fold_echo_model,
    nan_model,
    raising_model,
    saving_model,
)
from scanlab._fold_data import ScanData
from scanlab._folded import FoldedExecutor
from scanlab.executors import (
    DaskExecutor,
    Executor,
    InProcessExecutor,
    MemoryHygiene,
    ProcessExecutor,
    Task,
)
from scanlab.trial import TrialData, TrialResult, run_trial

EXECUTORS = ("inprocess", "processes", "dask")
DATA = TrialData(np.arange(12.0).reshape(6, 2), np.zeros(6), np.ones((3, 2)), np.zeros(3))
HYGIENE = {"clear_session": False}  # no Keras here: nothing to clear


def make_tasks(n: int) -> list[Task]:
    return [Task(i, f"run-{i:03d}", {"x": i}, {"x": str(i)}) for i in range(n)]


@pytest.fixture(params=EXECUTORS)
def make_executor(request, tmp_path, monkeypatch):
    """``make(model_fn, models_dir=None)`` -> an executor of the parametrized kind; every
    executor made is closed (once more) at teardown."""
    client = request.getfixturevalue("dask_client") if request.param == "dask" else None
    made: list[Executor] = []

    def make(model_fn, models_dir=None, data=DATA) -> Executor:
        if request.param == "inprocess":
            executor = InProcessExecutor(model_fn, data, MemoryHygiene(**HYGIENE), models_dir)
        elif request.param == "processes":
            # Workers inherit the environment, where pytest names the running test: without
            # that name, the next test claims the workers this one parks (as a next Scan does).
            monkeypatch.delenv("PYTEST_CURRENT_TEST", raising=False)
            executor = ProcessExecutor(
                model_fn,
                data,
                workers=2,
                hygiene=HYGIENE,
                log_path=tmp_path / "workers.log",
                models_dir=models_dir,
            )
        else:
            executor = DaskExecutor(client, model_fn, data, HYGIENE, models_dir)
        made.append(executor)
        return executor

    yield make
    for executor in made:
        executor.close()


def run_all(executor: Executor, tasks: list[Task]) -> dict[str, tuple[Task, TrialResult]]:
    """Every (task, result) by run_id; fails if a task comes back twice."""
    back: dict[str, tuple[Task, TrialResult]] = {}
    for task, result in executor.run(iter(tasks)):
        assert task.run_id not in back, f"{task.run_id} came back twice"
        back[task.run_id] = (task, result)
    return back


def test_follows_the_executor_protocol(make_executor):
    assert isinstance(make_executor(echo_model), Executor)


def test_every_task_comes_back_once_with_its_own_result(make_executor):
    tasks = make_tasks(7)
    back = run_all(make_executor(echo_model), tasks)
    assert sorted(back) == [task.run_id for task in tasks]
    for task in tasks:
        returned, result = back[task.run_id]
        assert returned == task
        assert result.status == "ok", result.error
        assert result.history == {"loss": [float(task.params["x"])], "n_train": [6.0]}


def test_tasks_are_taken_as_runs_finish_not_all_at_once(make_executor):
    """The engine's scheduler decides the next task from the results so far."""
    taken: list[str] = []

    def feed():
        for task in make_tasks(20):
            taken.append(task.run_id)
            yield task

    run = make_executor(echo_model).run(feed())
    next(run)
    assert len(taken) <= 5  # in flight: one in process, one per worker, two per Dask worker
    assert len(list(run)) == 19


def test_a_run_that_raises_is_a_failed_result_and_the_next_runs_go_on(make_executor):
    back = run_all(make_executor(raising_model), make_tasks(8))
    failed = {run_id: result for run_id, (_, result) in back.items() if result.status != "ok"}
    assert sorted(failed) == ["run-001", "run-004", "run-007"]
    for run_id, result in failed.items():
        x = int(run_id[-3:])
        assert result.status == "failed"
        assert result.error == f"ValueError: planted failure for x={x}"
        assert result.traceback.startswith("Traceback")
        assert f"planted failure for x={x}" in result.traceback
        assert result.raised  # counts toward the consecutive-failure stop
    assert len(back) == 8


def test_a_non_finite_loss_is_failed_but_not_raised(make_executor):
    back = run_all(make_executor(nan_model), make_tasks(4))
    for task, result in back.values():
        if task.params["x"] % 2:
            assert result.status == "failed"
            assert result.error == "NonFiniteLoss: loss became nan at epoch 2"
            assert not result.raised and result.traceback is None
            assert result.history["loss"][0] == 1.0  # the history is kept
        else:
            assert result.status == "ok" and result.history == {"loss": [1.0, 0.5]}


def test_results_equal_a_direct_run_of_the_same_model_function(make_executor):
    """So every executor gives the same rows: compare with ``run_trial`` in this process."""
    grid = itertools.product([0.1, 0.01, 0.001], [4, 8], [2, 3])
    tasks = [
        Task(i, f"run-{i:03d}", {"lr": lr, "units": units, "epochs": epochs}, {})
        for i, (lr, units, epochs) in enumerate(grid)
    ]
    back = run_all(make_executor(fake_model), tasks)
    for task in tasks:
        expected = run_trial(fake_model, DATA, task.params)
        result = back[task.run_id][1]
        assert (result.status, result.history, result.error, result.raised) == (
            expected.status,
            expected.history,
            expected.error,
            expected.raised,
        )


def test_close_is_idempotent(make_executor):
    unused = make_executor(echo_model)
    unused.close()
    unused.close()
    used = make_executor(echo_model)
    assert len(run_all(used, make_tasks(3))) == 3
    used.close()
    used.close()


def test_stopping_early_then_closing_is_clean(make_executor):
    """The engine stops reading when a time limit or a failure cap is reached."""
    executor = make_executor(echo_model)
    run = executor.run(iter(make_tasks(6)))
    next(run)
    run.close()
    executor.close()
    assert len(run_all(make_executor(echo_model), make_tasks(3))) == 3


def test_models_dir_gets_one_model_file_per_successful_run(make_executor, tmp_path):
    models = tmp_path / "models"
    back = run_all(make_executor(saving_model, models_dir=models), make_tasks(4))
    ok = sorted(run_id for run_id, (_, result) in back.items() if result.status == "ok")
    assert ok == ["run-000", "run-002", "run-003"]
    assert sorted(path.name for path in models.iterdir()) == [f"{run_id}.keras" for run_id in ok]
    assert (models / "run-002.keras").read_text() == "x=2\n"


def test_one_run_at_two_rungs_is_two_runs_with_their_own_budgets(make_executor):
    tasks = [
        Task(0, "run-000", {"x": 0, "epochs": 1}, {"x": "0"}, rung=0, budget=1),
        Task(0, "run-000", {"x": 0, "epochs": 1}, {"x": "0"}, rung=1, budget=3, initial_epoch=1),
    ]
    back = list(make_executor(epochs_model).run(iter(tasks)))
    epochs = sorted((task.rung, result.epochs_run) for task, result in back)
    assert epochs == [(0, 1), (1, 3)]  # a Talos model function trains from scratch to 3


def test_run_can_be_called_again_and_start_more_workers(make_executor):
    executor = make_executor(echo_model)
    first = run_all(executor, make_tasks(1))  # one task: one worker started, at most
    again = run_all(executor, make_tasks(4)[1:])  # a budgeted search asks again
    assert sorted(first) + sorted(again) == [f"run-{i:03d}" for i in range(4)]
    assert all(result.status == "ok" for _, result in again.values())


def test_folds_are_units_of_work_and_come_back_as_whole_runs(make_executor, tmp_path):
    x, y = np.arange(12.0).reshape(6, 2), np.array([0, 1] * 3)
    rows = np.arange(6)
    folds = tuple((np.setdiff1d(rows, val), val) for val in np.split(rows, 3))
    data = ScanData(TrialData(x, y, None, None), folds)
    executor = FoldedExecutor(make_executor(fold_echo_model, data=data), 3, tmp_path)
    back = {task.run_id: result for task, result in executor.run(iter(make_tasks(3)))}
    assert sorted(back) == ["run-000", "run-001", "run-002"] and executor.trained == 9
    for run_id, result in back.items():
        assert result.status == "ok" and result.folds is not None and len(result.folds) == 3
        firsts = [result.metrics[f"split{i}_val_first"] for i in range(3)]
        assert firsts == [0.0, 4.0, 8.0]  # each fold's own validation rows
        assert result.metrics["mean_loss"] == float(run_id[-1])
