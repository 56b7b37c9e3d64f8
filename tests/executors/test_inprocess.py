"""The in-process executor (``scanlab/executors/inprocess.py``); what every executor does is
in ``test_conformance.py``."""

from __future__ import annotations

import numpy as np

from executors._models import echo_model
from scanlab.executors import InProcessExecutor, Task
from scanlab.trial import TrialData

DATA = TrialData(np.zeros((4, 2)), np.zeros(4), np.zeros((2, 2)), np.zeros(2))


class RecordingHygiene:
    """Stands in for MemoryHygiene: notes when it is called."""

    def __init__(self, events: list[str]) -> None:
        self.events = events

    def after_run(self) -> None:
        self.events.append("hygiene")


def test_runs_one_task_at_a_time_with_hygiene_after_each_run():
    events: list[str] = []

    def feed():
        for i in range(3):
            events.append(f"take {i}")
            yield Task(i, f"run-{i}", {"x": i}, {})

    executor = InProcessExecutor(echo_model, DATA, RecordingHygiene(events))
    for task, result in executor.run(feed()):
        events.append(f"result {task.index}")
        assert result.history["loss"] == [float(task.index)]
    assert events == [
        *("take 0", "hygiene", "result 0"),
        *("take 1", "hygiene", "result 1"),
        *("take 2", "hygiene", "result 2"),
    ]
