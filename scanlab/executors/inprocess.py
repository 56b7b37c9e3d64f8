"""The in-process executor: one trial at a time in the calling process, with memory kept in
check between runs (see :class:`~scanlab.executors.MemoryHygiene`)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from scanlab.executors._hygiene import MemoryHygiene, model_saver
from scanlab.executors._protocol import Task, TrialOptions, trial_arguments
from scanlab.trial import TrialData, TrialResult, run_trial

__all__ = ["InProcessExecutor"]


class InProcessExecutor:
    """Runs trials one after another in the calling process.

    Parameters
    ----------
    model_fn : callable
        The user's model function.
    data : TrialData
        Training and validation arrays.
    hygiene : MemoryHygiene
        What to free between runs.
    models_dir : Path, optional
        Save each successful run's model there as ``<run_id>.keras``.
    options : TrialOptions, optional
        The scan's trial options (early stopping, checkpoints).
    """

    def __init__(
        self,
        model_fn: Callable,
        data: TrialData,
        hygiene: MemoryHygiene,
        models_dir: Path | None = None,
        options: TrialOptions | None = None,
    ) -> None:
        self.model_fn = model_fn
        self.data = data
        self.hygiene = hygiene
        self.models_dir = models_dir
        self.options = options

    def run(self, tasks: Iterable[Task]) -> Iterator[tuple[Task, TrialResult]]:
        """Run ``tasks`` lazily, yielding each with its result as it finishes."""
        for task in tasks:
            result = run_trial(
                self.model_fn,
                self.data,
                task.params,
                save_model=model_saver(self.models_dir, task.run_id),
                **trial_arguments(task, self.options),
            )
            self.hygiene.after_run()
            yield task, result

    def close(self) -> None:
        """Nothing to release for in-process runs."""
