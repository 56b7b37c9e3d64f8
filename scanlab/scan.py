"""Scan: sample permutations of a params dict, train each, log every run (orchestration only)."""

from __future__ import annotations

import inspect
import math
import random
import sys
import time
from collections import deque
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from itertools import islice
from pathlib import Path
from typing import Any

import pandas as pd

from scanlab.data import fingerprint_data, prepare_data
from scanlab.errors import (
    ParamsError,
    ScanArgumentError,
    ScanArgumentTypeError,
    ScanlabError,
    TooManyFailuresError,
)
from scanlab.executors import (
    DaskExecutor,
    InProcessExecutor,
    MemoryHygiene,
    ProcessExecutor,
    Task,
    dask_client_type,
    detect_gpus,
)
from scanlab.experiment import (
    ExperimentFolder,
    encode_params,
    fingerprint,
    versions,
    write_manifest,
)
from scanlab.limits import (
    PerformanceTarget,
    parse_deadline,
    parse_performance_target,
    planned_runs,
)
from scanlab.log import HEAD_COLUMNS, TAIL_COLUMNS, ResultLog, read_histories
from scanlab.metrics import default_metric, is_loss_like, resolve_metric
from scanlab.reduce import REDUCTION_METHODS, worst_value
from scanlab.sampling import resolve_method, sample_indices
from scanlab.space import ParamSpace
from scanlab.trial import TrialResult


class Scan:
    """Train a sample of a params dict's permutations and log every run.

    Talos's arguments keep Talos's meaning. A *run* is one permutation trained once (Talos
    calls it a round: ``round_limit`` counts runs). Results go to
    ``results/<experiment_name>/round-NNN/``; calling the same Scan again resumes the round,
    and a Scan with other params or sampling settings starts the next round.

    Parameters
    ----------
    x, y : array-like
        Training data (NumPy, pandas, or a list of arrays for multi-input models).
    params : dict
        Parameter name -> list of choices, or a Talos range ``(start, stop, steps)``.
    model : callable
        ``model(x_train, y_train, x_val, y_val, params) -> (history, model)``.
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
        columns). Default: ``reduction_metric``, else ``val_loss``, else ``loss``.
    results_dir : str or Path
        Parent folder of experiments (default ``results``).
    resume : bool
        Resume the latest round when its settings match (default). False starts a new round.
    max_consecutive_failures : int or None
        Stop after this many runs in a row raise an error (default 5; None never stops).

    Attributes
    ----------
    data : pandas.DataFrame
        This round's runs, one row per run (also on disk).
    round : int
        This round's number in the experiment.
    round_path, experiment_path : Path
        Where the round and the experiment live.
    details : pandas.Series
        What was run: grid size, planned runs, sampler, seed, stop reason, counts.

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
    ) -> None:
        self.space = ParamSpace(params)
        self.method = resolve_method(random_method)
        self.planned = planned_runs(self.space.size, fraction_limit, round_limit)
        self.deadline = parse_deadline(time_limit)
        self.target = parse_performance_target(performance_target)
        _check_arguments(
            model,
            experiment_name,
            boolean_limit,
            seed,
            max_consecutive_failures,
            metric,
            reduction_metric,
        )
        _check_parallel_arguments(
            workers, executor, workers_per_gpu, max_runs_per_worker, trial_timeout
        )
        _check_reduction_arguments(
            reduction_method, reduction_interval, reduction_window, reduction_threshold
        )
        self.reduction = {
            "method": reduction_method,
            "interval": reduction_interval,
            "window": reduction_window,
            "threshold": reduction_threshold,
        }
        self.workers = workers
        self.executor = executor
        self.workers_per_gpu = workers_per_gpu
        self.max_runs_per_worker = max_runs_per_worker
        self.trial_timeout = trial_timeout
        self.params = params
        self.model = model
        self.experiment_name = experiment_name
        self.seed = seed
        self.boolean_limit = boolean_limit
        self.metric = metric or reduction_metric
        self.minimize_loss = minimize_loss
        self.disable_progress_bar = disable_progress_bar
        self.print_params = print_params
        self.save_models = save_models
        self.max_consecutive_failures = max_consecutive_failures
        self.resume = resume
        self.experiment_path = Path(results_dir) / experiment_name
        self._settings = {
            "random_method": self.method,
            "seed": seed,
            "fraction_limit": fraction_limit,
            "round_limit": round_limit,
            "reduction": self.reduction if reduction_method else None,
        }
        self._inputs = (x, y, x_val, y_val, val_split)
        self._hygiene = {"clear_session": clear_session}
        self._run()

    # -- public results ---------------------------------------------------------------------

    @property
    def results_path(self) -> Path:
        """The round's first results CSV."""
        return self.round_path / "results.csv"

    @property
    def round_history(self) -> dict[str, dict[str, list[float]]]:
        """Per-epoch histories of this round's runs, by ``run_id``."""
        return read_histories(self.round_path)

    def best_model(self, metric: str | None = None, minimize: bool | None = None) -> Any:
        """Load the saved model of the best run (needs ``save_models=True``).

        Parameters
        ----------
        metric : str, optional
            Default: the metric the scan tracked.
        minimize : bool, optional
            Default: inferred from the metric's name.
        """
        import keras

        if not self.save_models:
            raise ScanArgumentError(
                "best_model() needs the models on disk: run the Scan with save_models=True."
            )
        ok = self.data[self.data["status"] == "ok"]
        if ok.empty:
            raise ScanArgumentError("best_model(): this round has no successful run.")
        metric = resolve_metric(metric or self.tracked_metric, ok.columns, "metric")
        minimize = is_loss_like(metric) if minimize is None else minimize
        ranked = ok.sort_values(metric, ascending=minimize, na_position="last")
        for run_id in ranked["run_id"]:
            path = self.round_path / "models" / f"{run_id}.keras"
            if path.exists():
                return keras.saving.load_model(path)
        raise ScanArgumentError(f"best_model(): no saved model under {self.round_path / 'models'}.")

    # -- orchestration ----------------------------------------------------------------------

    def _run(self) -> None:
        folder = ExperimentFolder(self.experiment_path)
        folder.acquire()
        log = None
        try:
            info = folder.resolve_round(fingerprint(self.space, self._settings), self.resume)
            self.round, self.round_path = info.number, info.path
            if self.seed is None:
                previous = (info.manifest or {}).get("seed")
                self.seed = (
                    previous if previous is not None else random.SystemRandom().randrange(2**32)
                )
            data = prepare_data(*self._inputs, seed=self.seed)
            log = ResultLog(self.round_path, self.space.names)
            existing = log.read_rows()
            self._manifest = self._start_manifest(info, fingerprint_data(data))
            write_manifest(self.round_path, self._manifest)
            executor = self._make_executor(data)
            try:
                self._loop(executor, log, existing)
            finally:
                executor.close()
        except BaseException as exc:
            if log is not None and hasattr(self, "_manifest"):
                self._finish(log, f"{type(exc).__name__}: {exc}".splitlines()[0])
            raise
        else:
            self._finish(log, self.stop_reason)
        finally:
            if log is not None:
                log.close()
            folder.release()

    def _make_executor(self, data: Any) -> Any:
        """In-process by default; worker processes for workers > 1, GPUs, timeouts or
        recycling; Dask when a client is given."""
        models_dir = self.round_path / "models" if self.save_models else None
        if self.executor is not None:
            return DaskExecutor(self.executor, self.model, data, self._hygiene, models_dir)
        gpus = detect_gpus()
        workers = self.workers or max(1, len(gpus) * self.workers_per_gpu)
        if (
            workers == 1
            and len(gpus) <= 1
            and self.workers_per_gpu == 1
            and (self.trial_timeout is None and self.max_runs_per_worker is None)
        ):
            return InProcessExecutor(self.model, data, MemoryHygiene(**self._hygiene), models_dir)
        return ProcessExecutor(
            self.model,
            data,
            workers,
            self._hygiene,
            self.round_path / "workers.log",
            models_dir=models_dir,
            gpus=gpus,
            workers_per_gpu=self.workers_per_gpu,
            max_runs_per_worker=self.max_runs_per_worker,
            trial_timeout=self.trial_timeout,
        )

    def _loop(self, executor: Any, log: ResultLog, existing: pd.DataFrame) -> None:
        done = set(existing["run_id"].dropna().astype(str)) if len(existing) else set()
        self.tracked_metric: str | None = None
        self.minimize: bool | None = None
        self.stop_reason = "completed"
        self._best: float | None = None
        ok_existing = existing[existing["status"] == "ok"] if len(existing) else existing
        if len(ok_existing):
            reserved = set(HEAD_COLUMNS) | set(TAIL_COLUMNS) | set(self.space.names)
            self._resolve_metrics([c for c in ok_existing.columns if c not in reserved])
            self._update_best(ok_existing[self.tracked_metric].dropna().tolist())
        self._start_reduction(ok_existing, runs_done=len(existing))
        failures = 0
        with _progress_bar(self, initial=len(done)) as bar:
            for task, result in executor.run(self._tasks(done, bar)):
                contract_error = None
                if result.status == "ok" and self.tracked_metric is None:
                    try:
                        self._resolve_metrics(result.history)  # fails after run 1, not 500
                    except ScanlabError as exc:
                        contract_error = exc
                log.append(self._row(task, result), result.history, result.traceback)
                bar.update(1)
                if contract_error is not None:
                    raise contract_error
                self._after_run_reduction(task, result, bar)
                if result.status == "ok":
                    self._update_best([result.metrics.get(self.tracked_metric, math.nan)])
                    bar.set_postfix_str(f"best {self.tracked_metric}={self._best:.4g}")
                failures = failures + 1 if result.raised else 0
                if self.max_consecutive_failures and failures >= self.max_consecutive_failures:
                    raise TooManyFailuresError(
                        f"stopped after {failures} runs in a row raised an error; every run "
                        f"is recorded in {str(log.round_dir)!r}. When every run fails, the "
                        f"model function usually breaks the contract model(x_train, y_train, "
                        f"x_val, y_val, params) -> (history, model). Fix it and run the same "
                        f"call again to resume. The last run raised:\n{result.traceback}"
                    )
                if result.status == "ok" and self.target and self.target.reached(result.metrics):
                    self.stop_reason = "performance_target"
                    break

    def _tasks(self, done: set[str], bar: Any) -> Iterator[Task]:
        sequence = sample_indices(self.space.shape, self.method, self.seed, self.planned)
        for index in islice(sequence, min(self.planned, sys.maxsize)):
            params, labels, run_id = self.space.decode(index)
            if self.boolean_limit is not None and not self._keep(params):
                _shrink(bar)
                continue
            if run_id in done:
                continue
            if self._excluded and self._is_excluded(labels):
                _shrink(bar)
                continue
            if self.deadline is not None and time.time() >= self.deadline:
                self.stop_reason = "time_limit"
                return
            if self.print_params:
                bar.write(f"run {run_id}: {labels}")
            yield Task(index, run_id, params, labels)

    # -- automatic reduction ----------------------------------------------------------------

    def _start_reduction(self, ok_existing: pd.DataFrame, runs_done: int) -> None:
        """Restore reductions already made in this round (on resume) and the recent window."""
        self._excluded: dict[str, set[str]] = {}
        self._runs_done = runs_done
        records = self._manifest.setdefault("reductions", [])
        for record in records:
            self._excluded.setdefault(record["param"], set()).add(record["value"])
        self._window: deque[dict[str, Any]] = deque(maxlen=self.reduction["window"])
        if self.reduction["method"] and len(ok_existing) and self.tracked_metric:
            recent = ok_existing.sort_values("end").tail(self.reduction["window"])
            columns = [*self.space.names, self.tracked_metric]
            for row in (
                recent[columns].astype({n: str for n in self.space.names}).to_dict("records")
            ):
                self._window.append(row)

    def _after_run_reduction(self, task: Task, result: TrialResult, bar: Any) -> None:
        method = self.reduction["method"]
        if not method:
            return
        self._runs_done += 1
        if result.status == "ok" and self.tracked_metric in result.metrics:
            self._window.append(
                {**task.labels, self.tracked_metric: result.metrics[self.tracked_metric]}
            )
        if self._runs_done % self.reduction["interval"]:
            return
        left = {
            n: len(self.space.values[n]) - len(self._excluded.get(n, ())) for n in self.space.names
        }
        found = worst_value(
            pd.DataFrame(list(self._window)),
            self.space.names,
            self.tracked_metric,
            self.minimize,
            method,
            self.reduction["threshold"],
            protected=left,
        )
        if found is None or found["value"] in self._excluded.get(found["param"], set()):
            return
        self._excluded.setdefault(found["param"], set()).add(found["value"])
        record = {
            **found,
            "after_runs": self._runs_done,
            "metric": self.tracked_metric,
            "window": len(self._window),
            "time": _now(),
        }
        self._manifest["reductions"].append(record)
        write_manifest(self.round_path, self._manifest)
        bar.write(
            f"reduction after {self._runs_done} runs: dropped {found['param']}="
            f"{found['value']} ({method} score {found['score']:.2f})"
        )

    def _is_excluded(self, labels: dict[str, str]) -> bool:
        return any(labels[name] in values for name, values in self._excluded.items())

    @property
    def reductions(self) -> pd.DataFrame:
        """The automatic reductions made in this round, in order."""
        columns = ["after_runs", "param", "value", "score", "method", "metric", "window"]
        return pd.DataFrame(self._manifest.get("reductions", []), columns=columns + ["time"])

    def _keep(self, params: dict) -> bool:
        try:
            return bool(self.boolean_limit(dict(params)))
        except Exception as exc:
            raise ScanArgumentError(
                f"boolean_limit raised {type(exc).__name__}: {exc} for the permutation "
                f"{params}. It must accept every permutation dict and return True or False."
            ) from exc

    def _row(self, task: Task, result: TrialResult) -> dict[str, Any]:
        best_epoch = best_value = None
        series = result.history.get(self.tracked_metric or "", [])
        finite = [(v, i) for i, v in enumerate(series, 1) if math.isfinite(v)]
        if finite:
            best_value, best_epoch = (min if self.minimize else max)(finite)
        return {
            "run_id": task.run_id,
            "round": self.round,
            "status": result.status,
            **task.labels,
            **result.metrics,
            "epochs_run": result.epochs_run,
            "best_epoch": best_epoch,
            "best_value": best_value,
            "start": result.start,
            "end": result.end,
            "duration_s": result.duration_s,
            "error": result.error,
        }

    def _resolve_metrics(self, available: Any) -> None:
        """Check names against the first successful run's history keys."""
        available = [str(k) for k in available]
        clash = sorted(set(self.space.names) & set(available))
        if clash:
            raise ParamsError(
                f"params keys {clash} are also history keys of the model, so their results "
                f"columns would collide. Rename the parameters (e.g. {clash[0] + '_param'!r})."
            )
        self.tracked_metric = (
            resolve_metric(self.metric, available, "metric")
            if self.metric
            else default_metric(available)
        )
        self.minimize = (
            is_loss_like(self.tracked_metric)
            if self.minimize_loss is None
            else bool(self.minimize_loss)
        )
        if self.target is not None:
            metric = resolve_metric(self.target.metric, available, "performance_target metric")
            self.target = PerformanceTarget(metric, self.target.value, self.target.minimize)

    def _update_best(self, values: list[float]) -> None:
        values = [v for v in values if v is not None and not math.isnan(v)]
        if self._best is not None:
            values.append(self._best)
        if values:
            self._best = min(values) if self.minimize else max(values)

    def _start_manifest(self, info: Any, data_fingerprint: str) -> dict[str, Any]:
        manifest = dict(info.manifest or {})
        manifest.update(
            {
                "experiment": self.experiment_name,
                "round": self.round,
                "fingerprint": fingerprint(self.space, self._settings),
                "params": encode_params(self.params),
                "grid_size": str(self.space.size),
                "planned_runs": str(self.planned),
                "random_method": self.method,
                "seed": self.seed,
                "fraction_limit": self._settings["fraction_limit"],
                "round_limit": self._settings["round_limit"],
                "data_fingerprint": data_fingerprint,
                "versions": versions(),
                "status": "running",
            }
        )
        manifest.setdefault("started", _now())
        manifest.setdefault("sessions", []).append({"started": _now()})
        return manifest

    def _finish(self, log: ResultLog, status: str) -> None:
        self.data = log.read_rows()
        counts = self.data["status"].value_counts().to_dict() if len(self.data) else {}
        self._manifest.update(
            {
                "status": status,
                "ended": _now(),
                "runs_ok": int(counts.get("ok", 0)),
                "runs_failed": int(counts.get("failed", 0)),
            }
        )
        self._manifest["sessions"][-1]["ended"] = _now()
        write_manifest(self.round_path, self._manifest)
        self.details = pd.Series(
            {
                "experiment_name": self.experiment_name,
                "round": self.round,
                "round_path": str(self.round_path),
                "grid_size": self.space.size,
                "planned_runs": self.planned,
                "random_method": self.method,
                "seed": self.seed,
                "metric": getattr(self, "tracked_metric", None),
                "status": status,
                "runs_ok": self._manifest["runs_ok"],
                "runs_failed": self._manifest["runs_failed"],
            }
        )

    def __repr__(self) -> str:
        n = len(getattr(self, "data", ()))
        return f"Scan({self.experiment_name!r}, round {getattr(self, 'round', '?')}, {n} runs)"


def _check_arguments(
    model: Any,
    experiment_name: Any,
    boolean_limit: Any,
    seed: Any,
    max_consecutive_failures: Any,
    metric: Any,
    reduction_metric: Any,
) -> None:
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
    for name, value in (("metric", metric), ("reduction_metric", reduction_metric)):
        if value is not None and not isinstance(value, str):
            raise ScanArgumentTypeError(
                f"{name} must be a history key such as 'val_loss', got {value!r}."
            )


def _check_parallel_arguments(
    workers: Any, executor: Any, workers_per_gpu: Any, max_runs_per_worker: Any, trial_timeout: Any
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


def _check_reduction_arguments(method: Any, interval: Any, window: Any, threshold: Any) -> None:
    if method is None:
        return
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


def _progress_bar(scan: Scan, initial: int) -> Any:
    from tqdm.auto import tqdm

    total = scan.planned if scan.planned < 10**15 else None
    return tqdm(
        total=total,
        initial=initial,
        disable=scan.disable_progress_bar,
        unit="run",
        desc=f"{scan.experiment_name} round {scan.round}",
        dynamic_ncols=True,
    )


def _shrink(bar: Any) -> None:
    """One planned run will not happen (filtered out): shorten the progress bar."""
    if bar.total is not None:
        bar.total -= 1
        bar.refresh()


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
