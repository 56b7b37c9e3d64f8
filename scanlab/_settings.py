"""Scan's arguments checked once, before any training, into frozen :class:`ScanSettings`.

Every check names the argument, the rule, the value received and the fix. The engine reads
only the settings, never the raw arguments.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scanlab.errors import ScanArgumentError, ScanArgumentTypeError
from scanlab.limits import (
    PerformanceTarget,
    parse_deadline,
    parse_performance_target,
    planned_runs,
)
from scanlab.sampling import resolve_method
from scanlab.space import ParamSpace

__all__ = ["REDUCTION_METHODS", "ReductionSettings", "ScanSettings", "check_scan_arguments"]

#: Talos's automatic reduction methods scanlab supports.
REDUCTION_METHODS = ("correlation", "spearman", "kendall", "pearson", "importance")


@dataclass(frozen=True)
class ReductionSettings:
    """Talos's automatic reduction: method, how often, over how many runs, how strong.

    Parameters
    ----------
    method : str
        One of :data:`REDUCTION_METHODS`.
    interval : int
        Reduce every ``interval`` runs.
    window : int
        Over the latest ``window`` successful runs (at least 3).
    threshold : float
        Minimum association to act on, in [0, 1).
    """

    method: str
    interval: int
    window: int
    threshold: float

    def as_dict(self) -> dict[str, Any]:
        """The settings as recorded in the manifest and the round fingerprint.

        Returns
        -------
        dict
            ``{'method', 'interval', 'window', 'threshold'}``.
        """
        return {
            "method": self.method,
            "interval": self.interval,
            "window": self.window,
            "threshold": self.threshold,
        }


@dataclass(frozen=True)
class ScanSettings:
    """Everything a scan was asked to do, checked; see :class:`scanlab.Scan` for meanings.

    Built by :func:`check_scan_arguments`; fields named like a Scan argument hold its checked
    value.

    Parameters
    ----------
    params : dict
        The params dict as given.
    space : ParamSpace
        Its validated grid.
    model : callable
        The model function.
    experiment_name : str
        The experiment's folder name.
    experiment_path : Path
        ``results_dir / experiment_name``.
    random_method : str
        The scanlab sampler name (Talos names resolved by
        :func:`scanlab.sampling.resolve_method`).
    seed : int or None
        The sampling and split seed; None: drawn when the round starts.
    fraction_limit : float or None
        Share of the grid to run.
    round_limit : int or None
        Number of runs.
    planned : int
        Runs to draw (:func:`scanlab.limits.planned_runs`).
    deadline : float or None
        A ``time.time()`` value after which no run starts (:func:`scanlab.limits.parse_deadline`).
    target : PerformanceTarget or None
        Stop when a run reaches it.
    boolean_limit : callable or None
        ``f(params) -> bool``; permutations for which it is False are skipped.
    reduction : ReductionSettings or None
        Automatic reduction; None: off.
    metric : str or None
        The metric to track: ``metric``, else ``reduction_metric``.
    minimize_loss : bool or None
        Whether lower values of the tracked metric are better; None: from its name.
    disable_progress_bar, print_params, clear_session, save_models, resume : bool
        As the Scan arguments.
    max_consecutive_failures : int or None
        Stop after this many runs in a row raise (a NaN loss or FailedRunError does not
        count); None: never.
    workers : int or None
        Trials run at once in worker processes; None: decided from the GPUs found.
    executor : dask.distributed.Client or None
        Run the trials on this Dask cluster.
    workers_per_gpu : int
        Worker processes sharing each GPU.
    max_runs_per_worker : int or None
        Replace a worker process after this many runs.
    trial_timeout : float or None
        Seconds after which a run is stopped and recorded as failed.
    """

    params: dict
    space: ParamSpace
    model: Callable
    experiment_name: str
    experiment_path: Path
    random_method: str
    seed: int | None
    fraction_limit: float | None
    round_limit: int | None
    planned: int
    deadline: float | None
    target: PerformanceTarget | None
    boolean_limit: Callable[[dict], bool] | None
    reduction: ReductionSettings | None
    metric: str | None
    minimize_loss: bool | None
    disable_progress_bar: bool
    print_params: bool
    clear_session: bool
    save_models: bool
    resume: bool
    max_consecutive_failures: int | None
    workers: int | None
    executor: Any
    workers_per_gpu: int
    max_runs_per_worker: int | None
    trial_timeout: float | None

    def fingerprint_settings(self) -> dict[str, Any]:
        """What decides a round's set of runs besides the grid (part of its fingerprint).

        Returns
        -------
        dict
            ``random_method``, ``seed``, ``fraction_limit``, ``round_limit`` and
            ``reduction`` (:meth:`ReductionSettings.as_dict`, or None).
        """
        return {
            "random_method": self.random_method,
            "seed": self.seed,
            "fraction_limit": self.fraction_limit,
            "round_limit": self.round_limit,
            "reduction": self.reduction.as_dict() if self.reduction else None,
        }


def check_scan_arguments(
    *,
    params: Any,
    model: Any,
    experiment_name: Any,
    results_dir: Any,
    random_method: Any,
    seed: Any,
    performance_target: Any,
    fraction_limit: Any,
    round_limit: Any,
    time_limit: Any,
    boolean_limit: Any,
    reduction_method: Any,
    reduction_interval: Any,
    reduction_window: Any,
    reduction_threshold: Any,
    reduction_metric: Any,
    minimize_loss: Any,
    disable_progress_bar: Any,
    print_params: Any,
    clear_session: Any,
    save_models: Any,
    metric: Any,
    resume: Any,
    max_consecutive_failures: Any,
    workers: Any,
    executor: Any,
    workers_per_gpu: Any,
    max_runs_per_worker: Any,
    trial_timeout: Any,
) -> ScanSettings:
    """Check every Scan argument (no training, no files) and return the frozen settings.

    Parameters
    ----------
    params, model, experiment_name, results_dir, random_method, seed : object
        The :class:`scanlab.Scan` arguments of those names, unchecked.
    performance_target, fraction_limit, round_limit, time_limit, boolean_limit : object
        The Scan limits, unchecked.
    reduction_method, reduction_interval, reduction_window, reduction_threshold : object
        The automatic reduction arguments, unchecked.
    reduction_metric, metric, minimize_loss : object
        The tracked metric and its direction, unchecked.
    disable_progress_bar, print_params, clear_session, save_models, resume : object
        Flags, taken for their truth value.
    max_consecutive_failures, workers, executor, workers_per_gpu : object
        Failure limit and parallelism, unchecked.
    max_runs_per_worker, trial_timeout : object
        Worker recycling and run timeout, unchecked.

    Returns
    -------
    ScanSettings
        The checked settings.

    Raises
    ------
    ParamsError, ParamsTypeError, ScanArgumentError, ScanArgumentTypeError
        The first broken rule, with the argument, the rule, the value and the fix.
    """
    space = ParamSpace(params)
    method = resolve_method(random_method)
    planned = planned_runs(space.size, fraction_limit, round_limit)
    deadline = parse_deadline(time_limit)
    target = parse_performance_target(performance_target)
    _check_model(model)
    _check_arguments(experiment_name, boolean_limit, seed, max_consecutive_failures)
    for name, value in (("metric", metric), ("reduction_metric", reduction_metric)):
        if value is not None and not isinstance(value, str):
            raise ScanArgumentTypeError(
                f"{name} must be a history key such as 'val_loss', got {value!r}."
            )
    _check_parallel_arguments(
        workers, executor, workers_per_gpu, max_runs_per_worker, trial_timeout
    )
    reduction = _check_reduction_arguments(
        reduction_method, reduction_interval, reduction_window, reduction_threshold
    )
    return ScanSettings(
        params=params,
        space=space,
        model=model,
        experiment_name=experiment_name,
        experiment_path=Path(results_dir) / experiment_name,
        random_method=method,
        seed=seed,
        fraction_limit=fraction_limit,
        round_limit=round_limit,
        planned=planned,
        deadline=deadline,
        target=target,
        boolean_limit=boolean_limit,
        reduction=reduction,
        metric=metric or reduction_metric,
        minimize_loss=minimize_loss,
        disable_progress_bar=bool(disable_progress_bar),
        print_params=bool(print_params),
        clear_session=bool(clear_session),
        save_models=bool(save_models),
        resume=bool(resume),
        max_consecutive_failures=max_consecutive_failures,
        workers=workers,
        executor=executor,
        workers_per_gpu=workers_per_gpu,
        max_runs_per_worker=max_runs_per_worker,
        trial_timeout=trial_timeout,
    )


def _check_model(model: Any) -> None:
    if not callable(model):
        raise ScanArgumentTypeError(
            f"model must be your model function model(x_train, y_train, x_val, y_val, params) "
            f"-> (history, model), got {type(model).__name__}."
        )
    try:
        inspect.signature(model).bind(None, None, None, None, None)
    except TypeError:
        raise ScanArgumentTypeError(
            f"model{inspect.signature(model)} cannot be called as model(x_train, y_train, "
            f"x_val, y_val, params): it must take those five arguments (Talos's contract)."
        ) from None
    except ValueError:  # builtins without a signature: let the first run tell
        pass


def _check_arguments(
    experiment_name: Any, boolean_limit: Any, seed: Any, max_consecutive_failures: Any
) -> None:
    if (
        not isinstance(experiment_name, str)
        or not experiment_name.strip()
        or any(c in experiment_name for c in "/\\:")
    ):
        raise ScanArgumentError(
            f"experiment_name must be a non-empty folder name without '/', '\\' or ':', got "
            f"{experiment_name!r}. Use e.g. experiment_name='breast_cancer'."
        )
    if boolean_limit is not None and not callable(boolean_limit):
        raise ScanArgumentTypeError(
            f"boolean_limit must be a function of one permutation dict returning True to keep "
            f"it, got {boolean_limit!r}. Example: boolean_limit=lambda p: p['lr'] < 0.1."
        )
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int) or seed < 0):
        raise ScanArgumentTypeError(f"seed must be a non-negative int or None, got {seed!r}.")
    if max_consecutive_failures is not None and (
        isinstance(max_consecutive_failures, bool)
        or not isinstance(max_consecutive_failures, int)
        or max_consecutive_failures < 1
    ):
        raise ScanArgumentError(
            f"max_consecutive_failures must be an int >= 1 or None (never stop), got "
            f"{max_consecutive_failures!r}."
        )


def _check_parallel_arguments(
    workers: Any,
    executor: Any,
    workers_per_gpu: Any,
    max_runs_per_worker: Any,
    trial_timeout: Any,
) -> None:
    for name, value in (
        ("workers", workers),
        ("workers_per_gpu", workers_per_gpu),
        ("max_runs_per_worker", max_runs_per_worker),
    ):
        if value is None and name != "workers_per_gpu":
            continue
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ScanArgumentError(
                f"{name} must be an int >= 1, got {value!r}. E.g. workers=2 runs two trials "
                f"at once in worker processes."
            )
    if trial_timeout is not None and (
        isinstance(trial_timeout, bool)
        or not isinstance(trial_timeout, (int, float))
        or trial_timeout <= 0
    ):
        raise ScanArgumentError(
            f"trial_timeout must be a positive number of seconds, got {trial_timeout!r}."
        )
    if executor is None:
        return
    from scanlab.executors import dask_client_type

    if not type(executor).__module__.startswith("distributed") or not isinstance(
        executor, dask_client_type()
    ):
        raise ScanArgumentTypeError(
            f"executor must be a dask.distributed.Client, got {type(executor).__name__}. "
            f"For worker processes on this machine use workers=N instead."
        )
    if trial_timeout is not None or max_runs_per_worker is not None or workers is not None:
        raise ScanArgumentError(
            "trial_timeout, max_runs_per_worker and workers apply to scanlab's own worker "
            "processes, not to a Dask cluster (size it with the cluster; Dask's nanny restarts "
            "workers). Drop them or drop executor."
        )


def _check_reduction_arguments(
    method: Any, interval: Any, window: Any, threshold: Any
) -> ReductionSettings | None:
    if method is None:
        return None
    if method not in REDUCTION_METHODS:
        raise ScanArgumentError(
            f"reduction_method={method!r} is unknown. Use one of {list(REDUCTION_METHODS)} "
            f"or None (no automatic reduction)."
        )
    for name, value in (("reduction_interval", interval), ("reduction_window", window)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ScanArgumentError(f"{name} must be an int >= 1 (runs), got {value!r}.")
    if window < 3:
        raise ScanArgumentError(
            f"reduction_window={window} is too small to judge a value; use at least 3 runs "
            f"(Talos's default is 20)."
        )
    if (
        isinstance(threshold, bool)
        or not isinstance(threshold, (int, float))
        or not (0 <= threshold < 1)
    ):
        raise ScanArgumentError(
            f"reduction_threshold must be in [0, 1) (the minimum association to act on), got "
            f"{threshold!r}."
        )
    return ReductionSettings(method, interval, window, threshold)
