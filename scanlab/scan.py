"""``Scan``: the Talos-named entry point. It checks its arguments, then runs the engine.

The work is done elsewhere: :mod:`scanlab._settings` checks every argument before any
training, :mod:`scanlab._engine` runs the round (scheduler -> executor -> rows -> log).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from scanlab._best_model import load_best_model
from scanlab._engine import run_scan
from scanlab._files import read_round
from scanlab._reuse import histories as read_histories
from scanlab._schema import order_columns
from scanlab._search_plan import dry_run_text, search_details, search_plan
from scanlab._settings import ScanSettings, check_scan_arguments
from scanlab.budget import Budget

__all__ = ["Scan"]


class Scan:
    """Train a sample of a params dict's permutations and log every run.

    Talos's arguments keep Talos's meaning. A *run* is one permutation trained once (Talos
    calls it a round: ``round_limit`` counts runs). Results go to
    ``results/<experiment_name>/round-NNN/``; calling the same Scan again resumes the round
    (the round it matches, even an earlier one) and retries its failed runs, and a Scan with
    other params or sampling settings starts the next round. A permutation already trained
    ok in another round on the same data with the same model function is reused, not
    trained again.

    Parameters
    ----------
    x, y : array-like
        Training data (NumPy, pandas, or a list of arrays for multi-input models).
    params : dict
        Parameter name -> list of choices, or a Talos range ``(start, stop, steps)``.
    model : callable
        ``model(x_train, y_train, x_val, y_val, params) -> (history, model)`` (Talos's
        contract), or a builder ``build(params) -> compiled keras.Model``: scanlab then
        calls ``fit`` itself (``epochs`` and ``batch_size`` from params, plus ``shuffle``
        and ``class_weight`` when present; the validation data; ``verbose=0``), which lets it
        inject early stopping and continue a run. The contract is read from the signature.
    experiment_name : str
        Folder name under ``results_dir``.
    x_val, y_val : array-like, optional
        A fixed validation set; otherwise ``val_split`` of ``x, y`` is held out (seeded).
    val_split : float
        Share of ``x, y`` held out for validation when no ``x_val, y_val`` is given.
    random_method : str
        ``uniform`` (Talos's ``uniform_mersenne``), ``sobol``, ``halton``, ``latin`` or
        ``grid`` (every permutation in order).
    seed : int, optional
        Makes the sample and the split repeat. If None, a seed is drawn and recorded in the
        round's manifest (a resume reuses it).
    performance_target : list, optional
        ``[metric, value]`` or ``[metric, value, minimize]``: stop when a run reaches it.
    fraction_limit : float, optional
        Share of the grid to run, in (0, 1].
    round_limit : int, optional
        Number of runs; with ``fraction_limit`` too, the smaller wins.
    time_limit : str, datetime, timedelta or float, optional
        ``'YYYY-MM-DD HH:MM'`` (local time) or seconds from now: no run starts after it.
    boolean_limit : callable, optional
        ``f(params) -> bool``; sampled permutations for which it is False are skipped.
    reduction_method : str, optional
        Automatic reduction (Talos): ``'correlation'`` (= ``'spearman'``), ``'kendall'``,
        ``'pearson'`` or ``'importance'``. Every ``reduction_interval`` runs, the latest
        ``reduction_window`` successful runs are analysed and the value most associated with
        a worse ``reduction_metric`` (above ``reduction_threshold``) is removed from the runs
        still to be drawn. Each reduction is logged in the manifest and in ``scan.reductions``.
    reduction_interval, reduction_window : int
        How often to reduce, and over how many recent runs.
    reduction_threshold : float
        Minimum association (|correlation| or importance share, in [0, 1]) to act on.
    reduction_metric : str, optional
        Talos's name for the metric the scan tracks (and reduces on); see ``metric``.
    minimize_loss : bool, optional
        Whether lower values of the tracked metric are better (default: inferred from
        its name, e.g. ``val_loss`` is minimized and ``val_accuracy`` maximized).
    disable_progress_bar, print_params : bool
        Hide the progress bar; print each run's params.
    clear_session : bool
        Clear the Keras session after each run (default True, as in Talos).
    save_models : bool
        Save each successful run's model as ``models/<run_id>.keras`` in the round folder.
    metric : str, optional
        The metric to track (best value in the progress bar, ``best_epoch``/``best_value``
        columns; recorded in the manifest, so that ``Analyze`` and ``suggest`` default to it).
        Default: ``reduction_metric``, else the metric a resumed round recorded, else the
        first of ``val_accuracy``, ``val_acc``, ``val_loss``, another ``val_*``,
        ``accuracy``, ``acc``, ``loss`` in the first run's history. Talos's ``acc`` names
        Keras's ``accuracy``.
    results_dir : str or Path
        Parent folder of experiments (default ``results``).
    resume : bool
        Resume the round whose settings match (default; the latest one, else an earlier
        one). False starts a new round that trains every run again (none is reused).
    retry_failed : bool
        On resume, train the round's failed runs again (default). Their failed rows stay on
        disk; the newest row of a run is the one read back (``scan.attempts`` lists every
        attempt). False keeps failed runs as they are.
    max_consecutive_failures : int or None
        Stop after this many runs in a row raise an error (default 5; None never stops). A
        NaN loss or a :class:`~scanlab.errors.FailedRunError` fails its run without counting.
    workers : int, optional
        Trials run at once, each in a worker process. Default: one per GPU found times
        ``workers_per_gpu``, else 1. One run at a time (at most one GPU) runs in this
        process unless ``trial_timeout``, ``max_runs_per_worker`` or ``workers_per_gpu > 1``
        asks for worker processes.
    executor : dask.distributed.Client, optional
        Run the trials on this Dask cluster instead (``workers``, ``trial_timeout`` and
        ``max_runs_per_worker`` must then be None).
    workers_per_gpu : int
        Worker processes sharing each GPU (default 1).
    max_runs_per_worker : int, optional
        Replace a worker process after this many runs (bounds framework memory growth).
    trial_timeout : float, optional
        Seconds after which a run is stopped and recorded as failed (runs in worker
        processes).
    early_stopping : str, dict, False or None
        Builders (``build(params)``) only: stop each run when its metric stops improving
        (:func:`scanlab.callbacks.early_stopper`, patience a share of the run's epochs): a
        preset ``'lazy'`` (epochs/3), ``'moderate'`` (epochs/10) or ``'strict'`` (2), or a
        dict of its arguments (``monitor``, ``mode``, ``min_delta``, ``patience``,
        ``restore_best_weights``); None or False: off (default). Each row's
        ``stopped_epoch`` says where a run stopped and ``metrics_from`` whether its metric
        columns are the last epoch's or, with ``restore_best_weights``, the restored best
        epoch's. A Talos model function is refused: add
        ``callbacks=[scanlab.callbacks.early_stopper(params['epochs'])]`` to its fit.
    search : Hyperband, SuccessiveHalving or ASHA, optional
        A budgeted search (:mod:`scanlab.budget`): one row per run and rung; ``dry_run``
        prints its plan and trains nothing.
    scoring : str or list of str, optional
        scikit-learn scorer names (``'recall_macro'``, ``'f1_macro'``, ``'roc_auc'``, ...)
        computed once per run from the model's validation predictions: ``val_<name>``
        columns, any of which can be the ``metric`` (:mod:`scanlab.scoring`).
    cv : int or scikit-learn splitter, optional
        Cross-validate every run: ``cv=5`` makes 5 folds of ``x, y`` (stratified for class
        labels, else k-fold; shuffled with the round's seed, the same for every run), or
        pass a splitter (``StratifiedKFold``, ``GroupKFold`` with ``groups``,
        ``TimeSeriesSplit``). Each run fits once per fold with the model function unchanged;
        its row has ``split<i>_m``, ``mean_m`` and ``std_m`` for every metric ``m`` (the
        tracked metric is the fold mean: ``metric='val_accuracy'`` tracks
        ``mean_val_accuracy``). A resume trains only the folds not on disk. Not with
        ``x_val``, ``search`` or ``save_models``.
    groups : array-like, optional
        Group labels for a group splitter (``cv=GroupKFold(5)``).
    preprocess : callable, optional
        ``preprocess(x_train, y_train, x_val, y_val, params) -> (x_train, y_train, x_val,
        y_val)``, called before each run (each fold) so that it fits on the training part
        only (a scaler, a ``TextVectorization`` adapted on the training texts, a vocabulary
        size from params). Its output is cached per fold and per value of the params it
        reads: runs that differ only in other params reuse it (per process, the latest 16).

    Attributes
    ----------
    data : pandas.DataFrame
        This round's runs, one row per run: the newest attempt of each, and the runs reused
        from earlier rounds (their ``round`` column names the round that trained them).
    attempts : pandas.DataFrame
        Every row this round wrote, earlier failed attempts of retried runs included.
    round : int
        This round's number in the experiment.
    round_path, experiment_path : Path
        Where the round and the experiment live.
    details : pandas.Series
        What was run: grid size, planned runs, sampler, seed, stop reason, counts; under a
        search also the search, its planned configurations (``planned_runs``) and epochs,
        and the epochs trained.
    tracked_metric, minimize : str, bool
        The metric the scan tracked and whether lower is better (recorded in the manifest).
    stop_reason : str
        ``'completed'``, ``'time_limit'``, ``'performance_target'``, or ``'dry_run'``.
    plan : pandas.DataFrame or None
        A budgeted search's plan (:meth:`scanlab.budget.Budget.plan`); None without one.
    settings : ScanSettings
        Every argument as checked; each one is also readable as an attribute of the scan
        (``scan.planned``, ``scan.workers``, ``scan.method`` for the sampler's name,
        ``scan.reduction`` as a dict).

    Examples
    --------
    >>> scan = Scan(x, y, params={'units': [8, 16], 'lr': [1e-2, 1e-3]},      # doctest: +SKIP
    ...             model=my_model, experiment_name='demo', round_limit=3, seed=1)
    >>> scan.data[['run_id', 'units', 'lr', 'val_loss']]                      # doctest: +SKIP
    """

    def __init__(
        self,
        x: Any,
        y: Any,
        params: dict,
        model: Callable,
        experiment_name: str,
        x_val: Any = None,
        y_val: Any = None,
        val_split: float = 0.3,
        random_method: str = "uniform_mersenne",
        seed: int | None = None,
        performance_target: list | tuple | None = None,
        fraction_limit: float | None = None,
        round_limit: int | None = None,
        time_limit: Any = None,
        boolean_limit: Callable[[dict], bool] | None = None,
        reduction_method: str | None = None,
        reduction_interval: int = 50,
        reduction_window: int = 20,
        reduction_threshold: float = 0.2,
        reduction_metric: str | None = None,
        minimize_loss: bool | None = None,
        disable_progress_bar: bool = False,
        print_params: bool = False,
        clear_session: bool = True,
        save_models: bool = False,
        *,
        metric: str | None = None,
        results_dir: str | Path = "results",
        resume: bool = True,
        max_consecutive_failures: int | None = 5,
        workers: int | None = None,
        executor: Any = None,
        workers_per_gpu: int = 1,
        max_runs_per_worker: int | None = None,
        trial_timeout: float | None = None,
        retry_failed: bool = True,
        early_stopping: str | dict | bool | None = None,
        search: Budget | None = None,
        dry_run: bool = False,
        scoring: str | list[str] | None = None,
        cv: Any = None,
        groups: Any = None,
        preprocess: Callable[..., Any] | None = None,
    ) -> None:
        self.settings = check_scan_arguments(
            params=params,
            model=model,
            experiment_name=experiment_name,
            results_dir=results_dir,
            random_method=random_method,
            seed=seed,
            performance_target=performance_target,
            fraction_limit=fraction_limit,
            round_limit=round_limit,
            time_limit=time_limit,
            boolean_limit=boolean_limit,
            reduction_method=reduction_method,
            reduction_interval=reduction_interval,
            reduction_window=reduction_window,
            reduction_threshold=reduction_threshold,
            reduction_metric=reduction_metric,
            minimize_loss=minimize_loss,
            disable_progress_bar=disable_progress_bar,
            print_params=print_params,
            clear_session=clear_session,
            save_models=save_models,
            metric=metric,
            resume=resume,
            max_consecutive_failures=max_consecutive_failures,
            workers=workers,
            executor=executor,
            workers_per_gpu=workers_per_gpu,
            max_runs_per_worker=max_runs_per_worker,
            trial_timeout=trial_timeout,
            retry_failed=retry_failed,
            early_stopping=early_stopping,
            search=search,
            dry_run=dry_run,
            scoring=scoring,
            cv=cv,
            groups=groups,
            preprocess=preprocess,
        )
        self.params = params
        self.model = model
        self.experiment_name = experiment_name
        self.space = self.settings.space
        self.experiment_path = self.settings.experiment_path
        self.save_models = self.settings.save_models
        self.inputs = (x, y, x_val, y_val, val_split)  # references, for scanlab.evaluate
        self.plan: pd.DataFrame | None = search_plan(self.settings)
        if self.settings.dry_run:
            self._dry_run()
            return
        outcome = run_scan(self.settings, (x, y, x_val, y_val, val_split))
        self.round: int = outcome.round
        self.round_path: Path = outcome.round_path
        self.seed: int | None = outcome.seed
        self.data: pd.DataFrame = outcome.data
        self.tracked_metric: str | None = outcome.tracked_metric
        self.minimize: bool | None = outcome.minimize
        self.stop_reason: str = outcome.stop_reason
        self._manifest = outcome.manifest
        self.details = pd.Series(
            {
                "experiment_name": experiment_name,
                "round": self.round,
                "round_path": str(self.round_path),
                "grid_size": self.space.size,
                "planned_runs": self.settings.planned,
                "random_method": self.settings.random_method,
                "seed": self.seed,
                "metric": self.tracked_metric,
                "status": self.stop_reason,
                "runs_ok": self._manifest.get("runs_ok", 0),
                "runs_failed": self._manifest.get("runs_failed", 0),
                "runs_trained": outcome.trained,
                "runs_retried": outcome.retried,
                "runs_reused": outcome.reused,
            }
        )
        if self.plan is not None:  # a budgeted search: runs count configurations
            self.details = pd.concat(
                [self.details, pd.Series(search_details(self.settings, self.plan, self.data))]
            )

    def _dry_run(self) -> None:
        """Print what would train; set the attributes a round without rows has."""
        s = self.settings
        print(dry_run_text(s))
        self.round, self.round_path, self.seed = 0, self.experiment_path, s.seed
        self.data = pd.DataFrame(columns=order_columns(s.space.names, [], s.search is not None))
        self.tracked_metric, self.minimize, self.stop_reason = s.metric, s.minimize_loss, "dry_run"
        self._manifest = {}
        self.details = pd.Series(
            {
                "experiment_name": self.experiment_name,
                "grid_size": self.space.size,
                "planned_runs": s.planned,
                "random_method": s.random_method,
                "status": "dry_run",
            }
        )

    @property
    def results_path(self) -> Path:
        """The round's first results CSV."""
        return self.round_path / "results.csv"

    @property
    def attempts(self) -> pd.DataFrame:
        """Every row written in this round: each attempt of a retried run, oldest first."""
        return read_round(self.round_path, self.space.names, attempts=True)

    @property
    def round_history(self) -> dict[str, dict[str, list[float]]]:
        """Per-epoch histories of this round's runs (reused ones included), by ``run_id``."""
        return read_histories(self.round_path)

    @property
    def reductions(self) -> pd.DataFrame:
        """The automatic reductions made in this round, in order."""
        columns = ["after_runs", "param", "value", "score", "method", "metric", "window"]
        return pd.DataFrame(self._manifest.get("reductions", []), columns=[*columns, "time"])

    def best_model(self, metric: str | None = None, minimize: bool | None = None) -> Any:
        """Load the saved model of the best run (needs ``save_models=True``).

        Parameters
        ----------
        metric : str, optional
            Default: the metric the scan tracked.
        minimize : bool, optional
            Default: inferred from the metric's name.

        Returns
        -------
        keras.Model
            The saved model of the best successful run that has one on disk
            (``models/<run_id>.keras``), loaded with ``keras.saving.load_model``.

        Raises
        ------
        ScanArgumentError
            Without ``save_models=True``, without a successful run, or without a saved model.
        """
        return load_best_model(
            self.round_path, self.data, metric or self.tracked_metric, minimize, self.save_models
        )

    def __getattr__(self, name: str) -> Any:
        # Only called for names not set in __init__: the checked arguments, read-only.
        settings = self.__dict__.get("settings")
        if settings is not None:
            if name == "method":
                return settings.random_method
            if name == "reduction":
                if settings.reduction is not None:
                    return settings.reduction.as_dict()
                return {"method": None, "interval": None, "window": None, "threshold": None}
            if name in ScanSettings.__dataclass_fields__:
                return getattr(settings, name)
        raise AttributeError(f"'Scan' object has no attribute {name!r}")

    def __repr__(self) -> str:
        return f"Scan({self.experiment_name!r}, round {self.round}, {len(self.data)} runs)"
