"""Which executor runs a scan: in-process by default, worker processes when asked for (or
for several GPUs, timeouts, recycling), Dask when a client is given."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from scanlab.executors._hygiene import MemoryHygiene
from scanlab.executors._placement import detect_gpus
from scanlab.executors._protocol import TrialOptions, WithOptions
from scanlab.executors.dask_cluster import DaskExecutor
from scanlab.executors.inprocess import InProcessExecutor
from scanlab.executors.processes import ProcessExecutor

__all__ = ["make_executor", "runs_in_process"]


def make_executor(
    model: Callable,
    data: Any,
    round_path: Path,
    *,
    clear_session: bool,
    save_models: bool,
    workers: int | None,
    client: Any,
    workers_per_gpu: int,
    max_runs_per_worker: int | None,
    trial_timeout: float | None,
    options: TrialOptions | None = None,
) -> Any:
    """The executor for one round.

    Parameters
    ----------
    model : callable
        The model function.
    data : TrialData
        Training and validation data.
    round_path : Path
        The round folder (``models/`` and ``workers.log`` go there).
    clear_session, save_models : bool
        Memory hygiene after each run; save each run's model.
    workers : int or None
        Worker processes (None: one per GPU, or in-process).
    client : dask.distributed.Client or None
        Run on this Dask cluster.
    workers_per_gpu, max_runs_per_worker, trial_timeout
        Worker-process settings (see :class:`scanlab.Scan`).
    options : TrialOptions, optional
        The scan's trial options (early stopping, checkpoints), handed to every run.

    Returns
    -------
    InProcessExecutor, ProcessExecutor or DaskExecutor
    """
    hygiene = {"clear_session": clear_session}
    models_dir = round_path / "models" if save_models else None
    if client is not None:
        return DaskExecutor(client, model, data, hygiene, models_dir, options)
    gpus = detect_gpus()
    n_workers = workers or max(1, len(gpus) * workers_per_gpu)
    if runs_in_process(workers, client, workers_per_gpu, max_runs_per_worker, trial_timeout):
        return InProcessExecutor(model, data, MemoryHygiene(**hygiene), models_dir, options)
    return ProcessExecutor(
        model if options is None or options == TrialOptions() else WithOptions(model, options),
        data,
        n_workers,
        hygiene,
        round_path / "workers.log",
        models_dir=models_dir,
        gpus=gpus,
        workers_per_gpu=workers_per_gpu,
        max_runs_per_worker=max_runs_per_worker,
        trial_timeout=trial_timeout,
    )


def runs_in_process(
    workers: int | None,
    client: Any,
    workers_per_gpu: int,
    max_runs_per_worker: int | None,
    trial_timeout: float | None,
) -> bool:
    """Whether :func:`make_executor` would run the trials in this process (nothing started).

    Parameters
    ----------
    workers, client, workers_per_gpu, max_runs_per_worker, trial_timeout
        As for :func:`make_executor`.

    Returns
    -------
    bool
        True for one run at a time on at most one GPU, without a timeout or recycling.

    Examples
    --------
    >>> runs_in_process(2, None, 1, None, None)
    False
    """
    if client is not None:
        return False
    gpus = detect_gpus()
    return (
        (workers or max(1, len(gpus) * workers_per_gpu)) == 1
        and len(gpus) <= 1
        and workers_per_gpu == 1
        and trial_timeout is None
        and max_runs_per_worker is None
    )
