"""Scan's arguments checked once, before any training, into frozen :class:`ScanSettings`.

Every check (one rule each, in :mod:`scanlab._argument_checks`) names the argument, the rule,
the value received and the fix; this module runs them in order and builds the settings. The
engine reads only the settings, never the raw arguments.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scanlab._argument_checks import (
    REDUCTION_METHODS,
    check_experiment_seed_and_limits,
    check_flags,
    check_metric_arguments,
    check_model_pickles,
    check_parallel_arguments,
    check_reduction_arguments,
    check_results_dir,
)
from scanlab._builder import check_builder_params, check_early_stopping, model_contract
from scanlab._cv import check_cv, check_preprocess, describe_cv
from scanlab._search_settings import check_search
from scanlab.budget import Budget
from scanlab.limits import (
    PerformanceTarget,
    parse_deadline,
    parse_performance_target,
    planned_runs,
)
from scanlab.sampling import resolve_method
from scanlab.scoring import check_scoring, warn_if_weighted_recall
from scanlab.space import ParamSpace

__all__ = ["REDUCTION_METHODS", "ReductionSettings", "ScanSettings", "check_scan_arguments"]


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
        Over the latest ``window`` successful runs (at least 2).
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
    retry_failed : bool
        Whether a resumed round trains its failed runs again (default True).
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
    retry_failed : bool
        As the Scan argument.
    model_contract : str
        ``'talos'`` (``model(x_train, y_train, x_val, y_val, params)``) or ``'builder'``
        (``build(params)``), read from the model's signature.
    early_stopping : dict or None
        Builders: :func:`scanlab.callbacks.early_stopper` keyword arguments (not
        ``epochs``) for every run; None: off.
    search : Budget or None
        The budgeted search (:mod:`scanlab.budget`); None: every run trains its epochs.
    dry_run : bool
        Print the plan and train nothing.
    scoring : tuple of str
        scikit-learn scorer names computed from every run's validation predictions.
    cv, groups : optional
        Cross-validation: the number of folds or a splitter, and group labels
        (:mod:`scanlab._cv`); None: one validation split.
    preprocess : callable, optional
        Per-run preprocessing fitted on the training part (:mod:`scanlab._fold_data`).
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
    retry_failed: bool = True
    model_contract: str = "talos"
    early_stopping: dict[str, Any] | None = None
    search: Budget | None = None
    dry_run: bool = False
    scoring: tuple[str, ...] = ()
    cv: Any = None
    groups: Any = None
    preprocess: Callable[..., Any] | None = None

    def fingerprint_settings(self) -> dict[str, Any]:
        """What decides a round's set of runs besides the grid (part of its fingerprint).

        Returns
        -------
        dict
            ``random_method``, ``seed``, ``fraction_limit``, ``round_limit`` and
            ``reduction`` (:meth:`ReductionSettings.as_dict`, or None); ``save_models``
            when True, so that a call asking for the models does not resume a round that did
            not keep them (it starts a round that trains and saves them; rounds without
            ``save_models`` keep the fingerprint they had); ``early_stopping`` when set (rows
            trained with and without it are not mixed in one round); ``search``
            (:meth:`scanlab.budget.Budget.as_dict`), ``scoring`` and ``cv`` when set.
        """
        settings: dict[str, Any] = {
            "random_method": self.random_method,
            "seed": self.seed,
            "fraction_limit": self.fraction_limit,
            "round_limit": self.round_limit,
            "reduction": self.reduction.as_dict() if self.reduction else None,
        }
        if self.save_models:
            settings["save_models"] = True
        if self.early_stopping is not None:
            settings["early_stopping"] = dict(sorted(self.early_stopping.items()))
        if self.search is not None:
            settings["search"] = self.search.as_dict()
        if self.scoring:
            settings["scoring"] = list(self.scoring)
        if self.cv is not None:
            settings["cv"] = describe_cv(self.cv)
        return settings


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
    retry_failed: Any = True,
    early_stopping: Any = None,
    search: Any = None,
    dry_run: Any = False,
    scoring: Any = None,
    cv: Any = None,
    groups: Any = None,
    preprocess: Any = None,
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
        Flags; each must be a bool.
    retry_failed : object
        Flag (a bool): retry failed runs on resume.
    early_stopping : object
        A preset name, a dict of early_stopper arguments, or None/False; builders only.
    search : object
        A :mod:`scanlab.budget` search, or None.
    dry_run : object
        Flag (a bool): print the plan, train nothing.
    scoring : object
        A scikit-learn scorer name or a list of them (:mod:`scanlab.scoring`), or None.
    cv, groups, preprocess : object
        Cross-validation and preprocessing (:func:`scanlab._cv.check_cv`,
        :func:`scanlab._cv.check_preprocess`), or None.
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
    contract = model_contract(model)
    budgeted = check_search(
        search,
        space,
        contract=contract,
        early_stopping=early_stopping,
        reduction_method=reduction_method,
        random_method=method,
        fraction_limit=fraction_limit,
        round_limit=round_limit,
    )
    check_builder_params(
        space, contract, needs_epochs=budgeted is None, model=model, preprocess=preprocess
    )
    stopping = check_early_stopping(early_stopping, contract)
    scorers = check_scoring(scoring)
    folds = check_cv(cv, groups, search=budgeted, save_models=bool(save_models))
    prepare = check_preprocess(preprocess)
    warn_if_weighted_recall(metric or reduction_metric)
    check_experiment_seed_and_limits(experiment_name, boolean_limit, seed, max_consecutive_failures)
    experiment_path = check_results_dir(results_dir, experiment_name)
    check_metric_arguments(metric, reduction_metric, minimize_loss)
    check_flags(
        {
            "disable_progress_bar": disable_progress_bar,
            "print_params": print_params,
            "clear_session": clear_session,
            "save_models": save_models,
            "resume": resume,
            "retry_failed": retry_failed,
            "dry_run": dry_run,
        }
    )
    parallel = (workers, executor, workers_per_gpu, max_runs_per_worker, trial_timeout)
    check_parallel_arguments(*parallel)
    for argument, function in (("model", model), ("preprocess", prepare)):
        if function is not None:
            check_model_pickles(function, *parallel, argument)
    check_reduction_arguments(
        reduction_method, reduction_interval, reduction_window, reduction_threshold
    )
    reduction = (
        None
        if reduction_method is None
        else ReductionSettings(
            reduction_method, reduction_interval, reduction_window, reduction_threshold
        )
    )
    return ScanSettings(
        params=params,
        space=space,
        model=model,
        experiment_name=experiment_name,
        experiment_path=experiment_path,
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
        retry_failed=bool(retry_failed),
        model_contract=contract,
        early_stopping=stopping,
        search=budgeted,
        dry_run=bool(dry_run),
        scoring=scorers,
        cv=folds,
        groups=groups,
        preprocess=prepare,
    )
