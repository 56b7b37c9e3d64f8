"""The scan loop: scheduler -> executor -> rows -> log, with stop reasons and failure policy.

:func:`run_scan` takes checked :class:`~scanlab._settings.ScanSettings` and the data, takes
the experiment's lock, picks the round (resume, an earlier round the call matches, or next),
and then repeats: ask the scheduler for the next task, let the executor run it, build the
row, append it to the log (flushed and fsynced), tell the scheduler. Only this process
writes. A resumed round trains its failed runs again (``retry_failed``); a permutation with
an ok row in another round of the same data and model is reused, not trained
(:mod:`scanlab._reuse`); with nothing left to run no executor is started. The loops:
:mod:`scanlab._engine_plain`, :mod:`scanlab._engine_budget` (``search=``). It stops when the
scheduler has nothing left (``completed``), at the deadline (``time_limit``), when a run
reaches the performance target (``performance_target``), or on a fatal error (the error is
raised and recorded as the manifest's status; a run that raised
:class:`~scanlab.errors.FatalScanError` is not recorded, so the same call resumes the round
and runs it again). A round that ends without an ok run raises
:class:`~scanlab.errors.TooManyFailuresError`.
"""

from __future__ import annotations

import contextlib
import random
import time
from collections.abc import Callable, Iterator
from typing import Any

import pandas as pd

from scanlab._builder import BUILDER
from scanlab._crash_marker import DEATHS_BEFORE_FAILING, RunMarker, process_death
from scanlab._cv import prepare_scan_data
from scanlab._engine_budget import budgeted_loop
from scanlab._engine_plain import after_run_reduction, plain_loop, row_keys
from scanlab._experiment_folder import ExperimentFolder, fingerprint
from scanlab._halving_base import BudgetedScheduler
from scanlab._manifest import recorded_seed, write_manifest
from scanlab._metric_names import is_loss_like, resolve_metric
from scanlab._reduction import AutoReduction
from scanlab._reuse import RoundReuse, model_identity, reused_ids, round_view
from scanlab._round_executor import round_executor
from scanlab._round_notes import (
    KEPT_FAILURES,
    all_failed_message,
    complete_note,
    resume_note,
    retry_fix,
    reuse_note,
    say,
)
from scanlab._round_state import ScanOutcome, finish_manifest, run_row, start_manifest
from scanlab._schema import RESERVED_COLUMNS
from scanlab._settings import ScanSettings
from scanlab._tracking import (
    BestSoFar,
    check_history_keys,
    choose_metric,
)
from scanlab.errors import (
    FatalScanError,
    ResultsWriteError,
    ScanArgumentError,
    ScanlabError,
    TooManyFailuresError,
    rule_message,
)
from scanlab.executors.choose import runs_in_process
from scanlab.limits import PerformanceTarget
from scanlab.log import ResultLog
from scanlab.trial import Task

__all__ = ["ScanOutcome", "run_scan"]


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
        After ``max_consecutive_failures`` runs in a row raised, or when the round ends
        without a successful run (its failed rows are on disk; the same call retries them).
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
        self.latest = 0
        self.reuse: RoundReuse | None = None
        self.first_failure: tuple[str, Any, str | None] | None = None
        # budgeted search: the ranking scheduler, continued runs, what follows each row
        self.ranked: BudgetedScheduler | None = None
        self.continued = True
        self.after_row: Callable[[Task, dict[str, Any]], None] | None = None

    # -- the round ------------------------------------------------------------------------

    def run(self, folder: ExperimentFolder, inputs: tuple[Any, Any, Any, Any, float]) -> None:
        s, out = self.settings, self.outcome
        try:
            info = folder.resolve_round(fingerprint(s.space, s.fingerprint_settings()), s.resume)
            out.round, out.round_path, self.latest = info.number, info.path, info.latest
            self.resumed_without_metric = (
                info.manifest is not None and "metric" not in info.manifest
            )
            if out.seed is None:
                previous = recorded_seed(info.manifest, out.round_path)
                out.seed = (
                    previous if previous is not None else random.SystemRandom().randrange(2**32)
                )
            data, data_fingerprint = prepare_scan_data(
                inputs, out.seed, s.cv, s.groups, s.preprocess
            )
            model = model_identity(s.model)
            if s.preprocess is not None:  # rows of another preprocessing are not reused
                model = f"{model}+{model_identity(s.preprocess)}"
            try:
                self.log = ResultLog(out.round_path, s.space.names, budgeted=s.search is not None)
                out.manifest = start_manifest(s, out, info.manifest, data_fingerprint, model)
                write_manifest(out.round_path, out.manifest)
            except OSError as exc:
                raise ResultsWriteError.from_os_error(exc, out.round_path) from None
            existing = self.rows()
            self.reuse = RoundReuse(
                s.experiment_path,
                out,
                data_fingerprint,
                model,
                s.save_models,
                s.resume and s.search is None,  # a budgeted round trains its own rungs
                (s.metric, s.minimize_loss),
                s.early_stopping,
                s.scoring,
            )
            in_process = runs_in_process(
                s.workers, s.executor, s.workers_per_gpu, s.max_runs_per_worker, s.trial_timeout
            )
            self.marker = RunMarker(out.round_path) if in_process else None
            make = lambda: round_executor(s, data, out.round_path)  # noqa: E731 - if needed
            if s.search is not None:
                budgeted_loop(self, make, existing)
            else:
                plain_loop(self, make, existing)
        except BaseException as exc:
            if self.log is not None and out.manifest:
                # recording why the scan stopped must never hide why it stopped (a full disk
                # or a corrupt file fails this too): the error below says it
                with contextlib.suppress(Exception):
                    finish_manifest(
                        out, self.rows(), f"{type(exc).__name__}: {exc}".splitlines()[0]
                    )
            raise
        else:
            finish_manifest(out, self.rows(), out.stop_reason)
        finally:
            if self.marker is not None:  # a Python-level end: no run is in progress
                self.marker.clear()
            if self.log is not None:
                self.log.close()

    # -- the loop -------------------------------------------------------------------------

    def keep_rows(
        self, existing: pd.DataFrame, keys: pd.Series
    ) -> tuple[set[str], set[str], pd.DataFrame, pd.DataFrame]:
        """Split the round's rows: kept, and failed ones to train again (``retry_failed``).

        Records a run the process died in twice, resolves the tracked metric from the kept
        ok rows and says what the call resumes.

        Parameters
        ----------
        existing : DataFrame
            The round's rows (newest per key).
        keys : Series
            Each row's key: its run id, or ``<run_id>@<rung>`` in a budgeted round.

        Returns
        -------
        tuple
            ``(done, failed, kept, ok_kept)``: the keys kept and retried, the kept rows and
            those of them that are ok.
        """
        s, out = self.settings, self.outcome
        failed: set[str] = set()
        if len(existing) and s.retry_failed:
            error = existing["error"].astype(str) if "error" in existing else keys
            failed = set(keys[(existing["status"] != "ok") & ~error.str.startswith(KEPT_FAILURES)])
        done = set(keys) - failed
        if self.record_a_run_that_killed_the_process(done):
            existing = self.rows()
            keys = row_keys(existing, s.search is not None)
        kept = existing[keys.isin(done)] if len(existing) else existing
        ok_kept = kept[kept["status"] == "ok"] if len(kept) else kept
        if len(ok_kept):
            reserved = RESERVED_COLUMNS | set(s.space.names)
            self.resolve_metrics([c for c in ok_kept.columns if c not in reserved])
            self.best.update(ok_kept[out.tracked_metric].tolist(), out.minimize)
        note = resume_note(out.round, self.latest, len(kept), len(failed))
        if note and len(done | failed):
            say(s.disable_progress_bar, note)
        return done, failed, kept, ok_kept

    def run_tasks(self, executor: Any, tasks: Iterator[Task], scheduler: Any, bar: Any) -> None:
        s, out, log = self.settings, self.outcome, self.log
        assert log is not None
        failures = 0
        for task, result in executor.run(tasks):
            if result.fatal:  # the model function stopped the scan: this run did not finish
                raise FatalScanError(
                    f"the model function stopped the scan at run {task.run_id} "
                    f"{task.labels}: {result.error}. That run is not recorded and runs "
                    f"again when the same call resumes the round; the runs before it are "
                    f"in {str(log.round_dir)!r}. Its traceback:\n{result.traceback}"
                )
            contract_error = None
            try:  # every run: a history key named like a column would overwrite it
                check_history_keys(s.space.names, result.metrics)
                if result.status == "ok" and out.tracked_metric is None:
                    self.resolve_metrics(result.metrics)  # fails after run 1, not 500
            except ScanlabError as exc:
                contract_error = exc
            row = run_row(task, result, self.outcome, self.continued)
            try:
                log.append(
                    row,
                    result.history,
                    result.traceback,
                    scores=result.score_details,
                    folds=result.folds,
                    preprocess=result.preprocess,
                )
            except OSError as exc:
                exc.filename = exc.filename or log.current_file
                raise ResultsWriteError.from_os_error(exc, log.round_dir, task.run_id) from None
            out.trained += 1
            scheduler.tell(task, row)
            if self.after_row is not None:
                self.after_row(task, row)
            bar.update(1)
            if contract_error is not None:
                raise contract_error
            after_run_reduction(self, task, result.metrics, result.status, bar)
            if result.status == "ok":
                self.track(result.metrics, bar)
            elif self.first_failure is None:
                self.first_failure = (task.run_id, task.labels, result.traceback or result.error)
            failures = failures + 1 if result.raised else 0
            if s.max_consecutive_failures and failures >= s.max_consecutive_failures:
                raise TooManyFailuresError(
                    f"stopped after {failures} runs in a row raised an error; every run "
                    f"is recorded in {str(log.round_dir)!r}. When every run fails, the "
                    f"model function usually breaks the contract model(x_train, y_train, "
                    f"x_val, y_val, params) -> (history, model). To go on, "
                    f"{retry_fix(s.retry_failed)}. "
                    f"The last run raised:\n{result.traceback or result.error}"
                )
            if result.status == "ok" and self.target and self.target.reached(result.metrics):
                out.stop_reason = "performance_target"
                break

    def track(self, metrics: dict[str, Any], bar: Any) -> None:
        out = self.outcome
        self.best.update([metrics.get(out.tracked_metric or "")], out.minimize)
        if self.best.value is not None:  # None while every value was NaN
            bar.set_postfix_str(f"best {out.tracked_metric}={self.best.value:.4g}")

    def check_round(self, scheduler: Any, done: set[str], failed: set[str], idle: bool) -> None:
        """Raise when the round ends with no ok run; say when there was nothing to train."""
        s, out = self.settings, self.outcome
        assert self.log is not None
        nothing_kept = not done and scheduler.skipped and out.stop_reason == "completed"
        if nothing_kept and s.boolean_limit is not None and not out.trained:
            raise ScanArgumentError(
                rule_message(
                    "boolean_limit",
                    f"kept none of the {scheduler.skipped:,} sampled permutations",
                    s.boolean_limit,
                    "loosen the condition, or check it on one permutation of the grid "
                    "(e.g. scanlab.ParamSpace(params)[0]); nothing was trained",
                )
            )
        assert self.reuse is not None
        self.reuse.flush()
        rows = self.rows()
        if len(rows) and not (rows["status"] == "ok").any():
            raise TooManyFailuresError(
                all_failed_message(
                    out.round, out.round_path, rows, self.first_failure, s.retry_failed
                )
            )
        if out.reused:
            by_round = {n: len(ids) for n, ids in reused_ids(out.manifest).items()}
            say(s.disable_progress_bar, reuse_note(out.round, by_round))
        if idle and out.stop_reason == "completed" and (done or failed) and not out.reused:
            say(
                s.disable_progress_bar,
                complete_note(out.round, self.latest, out.round_path, rows, s.retry_failed),
            )

    def hand_out(self, tasks: Iterator[Task], bar: Any) -> Iterator[Task]:
        """The scheduler's tasks until the deadline; each one's params printed if asked."""
        for task in tasks:
            if self.settings.deadline is not None and time.time() >= self.settings.deadline:
                self.outcome.stop_reason = "time_limit"
                return
            if self.settings.print_params:
                bar.write(f"run {task.run_id}: {task.labels}")
            if self.marker is not None:
                self.marker.mark(
                    task.index, task.run_id, task.rung, task.budget, task.initial_epoch
                )
            yield task

    def record_a_run_that_killed_the_process(self, done: set[str]) -> bool:
        """A run the scan process died in twice in a row becomes a failed row (True)."""
        if self.marker is None or self.log is None:
            return False
        died = self.marker.died_during(done)
        if died is not None and died["deaths"] >= DEATHS_BEFORE_FAILING:
            params, labels = self.settings.space.decode(died["index"])[:2]
            task = Task(died["index"], died["run_id"], params, labels, *died["task"])
            result = process_death(died["deaths"], task)
            row = run_row(task, result, self.outcome, self.settings.model_contract == BUILDER)
            self.log.append(row, {}, result.traceback)
            done.add(died["key"])
            self.marker.clear()
            return True
        return False

    # -- rows and metrics -----------------------------------------------------------------

    def rows(self) -> pd.DataFrame:
        """The round's rows as the scan shows them: its own and those it reused."""
        assert self.log is not None
        return round_view(self.outcome.round_path, self.log.read_rows(), self.outcome.manifest)

    def resolve_metrics(self, available: Any) -> None:
        """Check names against the first successful run's history keys."""
        s, out = self.settings, self.outcome
        available = [str(k) for k in available]
        out.tracked_metric = choose_metric(
            available, s.metric, out.manifest.get("metric"), self.resumed_without_metric
        )
        out.minimize = (
            is_loss_like(out.tracked_metric) if s.minimize_loss is None else bool(s.minimize_loss)
        )
        if self.ranked is not None:  # budgeted search: promotions rank by it from now on
            self.ranked.set_metric(out.tracked_metric, out.minimize)
        if self.target is not None:
            metric = resolve_metric(self.target.metric, available, "performance_target metric")
            self.target = PerformanceTarget(metric, self.target.value, self.target.minimize)
        recorded = (out.manifest.get("metric"), out.manifest.get("minimize"))
        if recorded != (out.tracked_metric, out.minimize):
            out.manifest.update({"metric": out.tracked_metric, "minimize": out.minimize})
            write_manifest(out.round_path, out.manifest)
