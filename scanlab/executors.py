"""Executors run trials and hand results back to the driver, which alone writes the log.

:class:`InProcessExecutor` runs one trial at a time in this process and keeps memory in
check between runs (see :class:`MemoryHygiene`).
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, NamedTuple

from scanlab.trial import TrialData, TrialResult, run_trial


class Task(NamedTuple):
    """One permutation to run."""

    index: int
    run_id: str
    params: dict[str, Any]


class MemoryHygiene:
    """Frees framework memory between runs.

    With ``clear_session=True`` (Talos's default) the Keras session is cleared after every
    run, which drops the models and graphs the run built. A full ``gc.collect()`` is the
    costly part, so it runs only every ``collect_every`` runs.

    Parameters
    ----------
    clear_session : bool
        Clear the Keras session after each run.
    collect_every : int
        Run the garbage collector every this many runs.
    """

    def __init__(self, clear_session: bool = True, collect_every: int = 10) -> None:
        self.clear_session = clear_session
        self.collect_every = collect_every
        self.runs = 0

    def after_run(self) -> None:
        """Call after each run."""
        self.runs += 1
        if self.clear_session:
            import keras

            keras.backend.clear_session(free_memory=False)
        if self.collect_every and self.runs % self.collect_every == 0:
            gc.collect()


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
    """

    workers = 1

    def __init__(self, model_fn: Callable, data: TrialData, hygiene: MemoryHygiene,
                 models_dir: Path | None = None) -> None:
        self.model_fn = model_fn
        self.data = data
        self.hygiene = hygiene
        self.models_dir = models_dir

    def run(self, tasks: Iterable[Task]) -> Iterator[tuple[Task, TrialResult]]:
        """Run ``tasks`` lazily, yielding each with its result as it finishes."""
        for task in tasks:
            result = run_trial(self.model_fn, self.data, task.params,
                               save_model=self._saver(task.run_id))
            self.hygiene.after_run()
            yield task, result

    def _saver(self, run_id: str) -> Callable[[Any], None] | None:
        if self.models_dir is None:
            return None
        path = Path(self.models_dir) / f"{run_id}.keras"

        def save(model: Any) -> None:
            path.parent.mkdir(parents=True, exist_ok=True)
            model.save(path)

        return save

    def close(self) -> None:
        """Nothing to release for in-process runs."""
