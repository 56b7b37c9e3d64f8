"""The executor a round's runs go to: the scan's executor with every run's options, wrapped
so that a cross-validated round hands out one task per fold (:mod:`scanlab._folded`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from scanlab._builder import BUILDER
from scanlab._engine_budget import CHECKPOINT_DIR
from scanlab._folded import FoldedExecutor
from scanlab._settings import ScanSettings
from scanlab.executors._protocol import TrialOptions
from scanlab.executors.choose import make_executor

__all__ = ["round_executor", "trial_options"]


def trial_options(settings: ScanSettings, round_path: Path) -> TrialOptions:
    """Every run's options: early stopping, scoring; for a builder under a search, its
    checkpoints.

    Parameters
    ----------
    settings : ScanSettings
        The checked arguments.
    round_path : Path
        The round folder (its ``checkpoints`` folder).

    Returns
    -------
    TrialOptions
    """
    s = settings
    if s.search is None or s.model_contract != BUILDER:
        return TrialOptions(early_stopping=s.early_stopping, scoring=s.scoring)
    return TrialOptions(
        early_stopping=s.early_stopping,
        checkpoint_dir=str((round_path / CHECKPOINT_DIR).absolute()),  # a worker's cwd may differ
        final_budget=s.search.max_epochs,  # the top rung's budget
        scoring=s.scoring,
    )


def round_executor(settings: ScanSettings, data: Any, round_path: Path) -> Any:
    """Start the round's executor (in-process, worker processes or Dask, as the settings
    say), one task per fold when ``data`` has folds.

    Parameters
    ----------
    settings : ScanSettings
        The checked arguments.
    data : TrialData or ScanData
        What every run trains on.
    round_path : Path
        The round folder.

    Returns
    -------
    Executor
    """
    s = settings
    executor = make_executor(
        s.model,
        data,
        round_path,
        clear_session=s.clear_session,
        save_models=s.save_models,
        workers=s.workers,
        client=s.executor,
        workers_per_gpu=s.workers_per_gpu,
        max_runs_per_worker=s.max_runs_per_worker,
        trial_timeout=s.trial_timeout,
        options=trial_options(s, round_path),
    )
    n_folds = getattr(data, "n_folds", None)
    return executor if n_folds is None else FoldedExecutor(executor, n_folds, round_path)
