"""The scan loop: scheduler -> executor -> rows -> log, with stop reasons and failure policy.

:func:`run_scan` takes checked :class:`~scanlab._settings.ScanSettings` and the data, takes
the experiment's lock, picks the round (resume or next), and then repeats: ask the scheduler
for the next task, let the executor run it, build the row, append it to the log (flushed and
fsynced), tell the scheduler. Only this process writes. It stops when the scheduler has
nothing left (``completed``), at the deadline (``time_limit``), when a run reaches the
performance target (``performance_target``), or on a fatal error (the error is raised and
recorded as the manifest's status; a run that raised :class:`~scanlab.errors.FatalScanError`
is not recorded, so the same call resumes the round and runs it again).
"""

from __future__ import annotations

import contextlib
import random
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from scanlab._crash_marker import DEATHS_BEFORE_FAILING, RunMarker, process_death
from scanlab._experiment_folder import ExperimentFolder, fingerprint, versions
from scanlab._manifest import encode_params, recorded_seed, write_manifest
from scanlab._metric_names import is_loss_like, resolve_metric
from scanlab._reduction import AutoReduction
from scanlab._schema import RESERVED_COLUMNS
from scanlab._settings import ScanSettings
from scanlab._tracking import (
    BestSoFar,
    best_epoch,
    check_history_keys,
    choose_metric,
    progress_bar,
    shrink,
)
from scanlab.data import fingerprint_data, prepare_data
from scanlab.errors import (
    FatalScanError,
    ResultsWriteError,
    ScanArgumentError,
    ScanlabError,
    TooManyFailuresError,
    rule_message,
)
from scanlab.executors.choose import make_executor
from scanlab.executors.inprocess import InProcessExecutor
from scanlab.limits import PerformanceTarget
from scanlab.log import ResultLog
from scanlab.schedulers import RunAll
from scanlab.trial import Task, TrialResult

__all__ = ["ScanOutcome", "run_scan"]


@dataclass
class ScanOutcome:
    """What a finished (or stopped) scan leaves for the ``Scan`` object to show.

    Filled in by the engine as the round goes; the defaults are those of a round not yet
    started.

    Parameters
    ----------
    round : int, default 0
        The round's number.
    round_path : Path
        The round folder.
    seed : int, optional
        The seed used (given, recorded by the round being resumed, or drawn).
    data : DataFrame
        The round's rows as on disk.
    tracked_metric : str, optional
        The metric tracked (best value, ``best_epoch`` / ``best_value``).
    minimize : bool, optional
        Whether lower values of it are better.
    stop_reason : str, default 'completed'
        ``completed``, ``time_limit`` or ``performance_target`` (a fatal error raises).
    manifest : dict
        The round's manifest as last written.
    """

    round: int = 0
    round_path: Path = Path()
    seed: int | None = None
    data: pd.DataFrame = field(default_factory=pd.DataFrame)
    tracked_metric: str | None = None
    minimize: bool | None = None
    stop_reason: str = "completed"
    manifest: dict[str, Any] = field(default_factory=dict)


def run_scan(settings: ScanSettings, inputs: tuple[Any, Any, Any, Any, float]) -> ScanOutcome:
    """Run (or resume) one round of an experiment and return what it did.

    Parameters
    ----------
    settings : ScanSettings
        The checked arguments.
    inputs : tuple
        ``(x, y, x_val, y_val, val_split)`` as given to Scan.

    Returns
    -------
    ScanOutcome
        The round's number, folder, seed, rows, tracked metric and stop reason.

    Raises
    ------
    TooManyFailuresError
        After ``max_consecutive_failures`` runs in a row raised.
    FatalScanError
        When a model function raised it (the run is recorded first).
    """
    engine = _Engine(settings)
    folder = ExperimentFolder(settings.experiment_path)
    folder.acquire()
    try:
        engine.run(folder, inputs)
    finally:
        folder.release()
    return engine.outcome


class _Engine:
    """One round's loop and bookkeeping (the tracked metric, best value, failures)."""

    def __init__(self, settings: ScanSettings) -> None:
        self.settings = settings
        self.outcome = ScanOutcome(seed=settings.seed)
        self.target: PerformanceTarget | None = settings.target
        self.best = BestSoFar()
        self.log: ResultLog | None = None
        self.reduction: AutoReduction | None = None
        self.resumed_without_metric = False
        self.marker: RunMarker | None = None

    # -- the round ------------------------------------------------------------------------

    def run(self, folder: ExperimentFolder, inputs: tuple[Any, Any, Any, Any, float]) -> None:
        s, out = self.settings, self.outcome
        try:
            info = folder.resolve_round(fingerprint(s.space, s.fingerprint_settings()), s.resume)
            out.round, out.round_path = info.number, info.path
            self.resumed_without_metric = (
                info.manifest is not None and "metric" not in info.manifest
            )
            if out.seed is None:
                previous = recorded_seed(info.manifest, out.round_path)
                out.seed = (
                    previous if previous is not None else random.SystemRandom().randrange(2**32)
                )
            data = prepare_data(*inputs, seed=out.seed)
            try:
                self.log = ResultLog(out.round_path, s.space.names)
                out.manifest = self._start_manifest(info.manifest, fingerprint_data(data))
                write_manifest(out.round_path, out.manifest)
            except OSError as exc:
                raise ResultsWriteError.from_os_error(exc, out.round_path) from None
            existing = self.log.read_rows()
            executor = self._make_executor(data)
            self.marker = (
                RunMarker(out.round_path) if executor.__class__ is InProcessExecutor else None
            )
            try:
                self._loop(executor, existing)
            finally:
                executor.close()
        except BaseException as exc:
            if self.log is not None and out.manifest:
                # recording why the scan stopped must never hide why it stopped (a full disk
                # or a corrupt file fails this too): the error below says it
                with contextlib.suppress(Exception):
                    self._finish(f"{type(exc).__name__}: {exc}".splitlines()[0])
            raise
        else:
            self._finish(out.stop_reason)
        finally:
            if self.marker is not None:  # a Python-level end: no run is in progress
                self.marker.clear()
            if self.log is not None:
                self.log.close()

    def _make_executor(self, data: Any) -> Any:
        s = self.settings
        return make_executor(
            s.model,
            data,
            self.outcome.round_path,
            clear_session=s.clear_session,
            save_models=s.save_models,
            workers=s.workers,
            client=s.executor,
            workers_per_gpu=s.workers_per_gpu,
            max_runs_per_worker=s.max_runs_per_worker,
            trial_timeout=s.trial_timeout,
        )

    # -- the loop -------------------------------------------------------------------------

    def _loop(self, executor: Any, existing: pd.DataFrame) -> None:
        s, out, log = self.settings, self.outcome, self.log
        assert log is not None
        done = set(existing["run_id"].dropna().astype(str)) if len(existing) else set()
        self._record_a_run_that_killed_the_process(done)
        ok_existing = existing[existing["status"] == "ok"] if len(existing) else existing
        if len(ok_existing):
            reserved = RESERVED_COLUMNS | set(s.space.names)
            self._resolve_metrics([c for c in ok_existing.columns if c not in reserved])
            self.best.update(ok_existing[out.tracked_metric].tolist(), out.minimize)
        with progress_bar(s, out.round, initial=len(done)) as bar:
            filters = []
            if s.boolean_limit is not None:
                filters.append(self._boolean_limit)
            if s.reduction is not None:
                self.reduction = AutoReduction(
                    s.reduction, s.space, out.manifest.setdefault("reductions", []), len(existing)
                )
                if len(ok_existing) and out.tracked_metric:
                    self.reduction.restore_window(ok_existing, out.tracked_metric)
                filters.append(self.reduction.keep)
            assert out.seed is not None
            scheduler = RunAll(
                s.space, s.random_method, out.seed, s.planned, done, filters, lambda: shrink(bar)
            )
            failures = 0
            for task, result in executor.run(self._hand_out(scheduler.ask(), bar)):
                if result.fatal:  # the model function stopped the scan: this run did not finish
                    raise FatalScanError(
                        f"the model function stopped the scan at run {task.run_id} "
                        f"{task.labels}: {result.error}. That run is not recorded and runs "
                        f"again when the same call resumes the round; the runs before it are "
                        f"in {str(log.round_dir)!r}. Its traceback:\n{result.traceback}"
                    )
                contract_error = None
                try:  # every run: a history key named like a column would overwrite it
                    check_history_keys(s.space.names, result.history)
                    if result.status == "ok" and out.tracked_metric is None:
                        self._resolve_metrics(result.history)  # fails after run 1, not 500
                except ScanlabError as exc:
                    contract_error = exc
                row = self._row(task, result)
                try:
                    log.append(row, result.history, result.traceback)
                except OSError as exc:
                    exc.filename = exc.filename or log.current_file
                    raise ResultsWriteError.from_os_error(exc, log.round_dir, task.run_id) from None
                scheduler.tell(task, row)
                bar.update(1)
                if contract_error is not None:
                    raise contract_error
                self._after_run_reduction(task, result, bar)
                if result.status == "ok":
                    self.best.update([result.metrics.get(out.tracked_metric or "")], out.minimize)
                    if self.best.value is not None:  # None while every value was NaN
                        bar.set_postfix_str(f"best {out.tracked_metric}={self.best.value:.4g}")
                failures = failures + 1 if result.raised else 0
                if s.max_consecutive_failures and failures >= s.max_consecutive_failures:
                    raise TooManyFailuresError(
                        f"stopped after {failures} runs in a row raised an error; every run "
                        f"is recorded in {str(log.round_dir)!r}. When every run fails, the "
                        f"model function usually breaks the contract model(x_train, y_train, "
                        f"x_val, y_val, params) -> (history, model). Fix it and run the same "
                        f"call again to resume. The last run raised:\n"
                        f"{result.traceback or result.error}"
                    )
                if result.status == "ok" and self.target and self.target.reached(result.metrics):
                    out.stop_reason = "performance_target"
                    break
            nothing_kept = not done and scheduler.skipped and out.stop_reason == "completed"
            if nothing_kept and s.boolean_limit is not None:
                raise ScanArgumentError(
                    rule_message(
                        "boolean_limit",
                        f"kept none of the {scheduler.skipped:,} sampled permutations",
                        s.boolean_limit,
                        "loosen the condition, or check it on one permutation of the grid "
                        "(e.g. scanlab.ParamSpace(params)[0]); nothing was trained",
                    )
                )

    def _hand_out(self, tasks: Iterator[Task], bar: Any) -> Iterator[Task]:
        """The scheduler's tasks until the deadline; each one's params printed if asked."""
        for task in tasks:
            if self.settings.deadline is not None and time.time() >= self.settings.deadline:
                self.outcome.stop_reason = "time_limit"
                return
            if self.settings.print_params:
                bar.write(f"run {task.run_id}: {task.labels}")
            if self.marker is not None:
                self.marker.mark(task.index, task.run_id)
            yield task

    def _record_a_run_that_killed_the_process(self, done: set[str]) -> None:
        """A run the scan process died in twice in a row becomes a failed row."""
        if self.marker is None or self.log is None:
            return
        died = self.marker.died_during(done)
        if died is not None and died["deaths"] >= DEATHS_BEFORE_FAILING:
            task = Task(
                died["index"], died["run_id"], *self.settings.space.decode(died["index"])[:2]
            )
            result = process_death(died["deaths"], task)
            self.log.append(self._row(task, result), {}, result.traceback)
            done.add(task.run_id)
            self.marker.clear()

    def _boolean_limit(self, params: dict[str, Any], labels: Any) -> bool:
        assert self.settings.boolean_limit is not None
        try:
            return bool(self.settings.boolean_limit(dict(params)))
        except Exception as exc:
            raise ScanArgumentError(
                f"boolean_limit raised {type(exc).__name__}: {exc} for the permutation "
                f"{params}. It must accept every permutation dict and return True or False."
            ) from exc

    def _after_run_reduction(self, task: Task, result: TrialResult, bar: Any) -> None:
        out = self.outcome
        if self.reduction is None:
            return
        value = (
            result.metrics.get(out.tracked_metric)
            if result.status == "ok" and out.tracked_metric
            else None
        )
        record = self.reduction.observe(task.labels, value, out.tracked_metric, out.minimize)
        if record is None:
            return
        write_manifest(out.round_path, out.manifest)
        bar.write(
            f"reduction after {record['after_runs']} runs: dropped {record['param']}="
            f"{record['value']} ({record['method']} score {record['score']:.2f})"
        )

    # -- rows and metrics -----------------------------------------------------------------

    def _row(self, task: Task, result: TrialResult) -> dict[str, Any]:
        tracked = result.history.get(self.outcome.tracked_metric or "", [])
        best_value, best_epoch_ = best_epoch(tracked, self.outcome.minimize)
        return {
            **result.metrics,  # first: a metric never overwrites a label or a bookkeeping cell
            "run_id": task.run_id,
            "round": self.outcome.round,
            "status": result.status,
            **task.labels,
            "epochs_run": result.epochs_run,
            "best_epoch": best_epoch_,
            "best_value": best_value,
            "start": result.start,
            "end": result.end,
            "duration_s": result.duration_s,
            "error": result.error,
        }

    def _resolve_metrics(self, available: Any) -> None:
        """Check names against the first successful run's history keys."""
        s, out = self.settings, self.outcome
        available = [str(k) for k in available]
        out.tracked_metric = choose_metric(
            available, s.metric, out.manifest.get("metric"), self.resumed_without_metric
        )
        out.minimize = (
            is_loss_like(out.tracked_metric) if s.minimize_loss is None else bool(s.minimize_loss)
        )
        if self.target is not None:
            metric = resolve_metric(self.target.metric, available, "performance_target metric")
            self.target = PerformanceTarget(metric, self.target.value, self.target.minimize)
        recorded = (out.manifest.get("metric"), out.manifest.get("minimize"))
        if recorded != (out.tracked_metric, out.minimize):
            out.manifest.update({"metric": out.tracked_metric, "minimize": out.minimize})
            write_manifest(out.round_path, out.manifest)

    # -- the manifest ---------------------------------------------------------------------

    def _start_manifest(self, previous: dict | None, data_fingerprint: str) -> dict[str, Any]:
        s, out = self.settings, self.outcome
        manifest = dict(previous or {})
        manifest.update(
            {
                "experiment": s.experiment_name,
                "round": out.round,
                "fingerprint": fingerprint(s.space, s.fingerprint_settings()),
                "params": encode_params(s.params),
                "grid_size": str(s.space.size),
                "planned_runs": str(s.planned),
                "random_method": s.random_method,
                "seed": out.seed,
                "fraction_limit": s.fraction_limit,
                "round_limit": s.round_limit,
                "data_fingerprint": data_fingerprint,
                "versions": versions(),
                "status": "running",
            }
        )
        manifest.setdefault("reductions", [])
        manifest.setdefault("started", _now())
        manifest.setdefault("sessions", []).append({"started": _now()})
        return manifest

    def _finish(self, status: str) -> None:
        out = self.outcome
        assert self.log is not None
        out.data = self.log.read_rows()
        counts = out.data["status"].value_counts().to_dict() if len(out.data) else {}
        out.manifest.update(
            {
                "status": status,
                "ended": _now(),
                "runs_ok": int(counts.get("ok", 0)),
                "runs_failed": int(counts.get("failed", 0)),
            }
        )
        out.manifest["sessions"][-1]["ended"] = _now()
        write_manifest(out.round_path, out.manifest)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
