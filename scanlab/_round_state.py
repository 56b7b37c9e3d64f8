"""A round's state as a Scan shows it (:class:`ScanOutcome`) and its manifest's life: what
a session records when it starts (:func:`start_manifest`) and when it ends
(:func:`finish_manifest`); and the row a finished run becomes (:func:`run_row`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from scanlab._cv import describe_cv
from scanlab._experiment_folder import fingerprint, versions
from scanlab._manifest import encode_params, write_manifest
from scanlab._tracking import best_epoch
from scanlab.trial import Task, TrialResult

__all__ = ["ScanOutcome", "finish_manifest", "run_row", "start_manifest"]


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
    trained, retried, reused : int, default 0
        Runs this call trained, failed runs it trained again, and runs it took from
        earlier rounds instead of training them.
    """

    round: int = 0
    round_path: Path = Path()
    seed: int | None = None
    data: pd.DataFrame = field(default_factory=pd.DataFrame)
    tracked_metric: str | None = None
    minimize: bool | None = None
    stop_reason: str = "completed"
    manifest: dict[str, Any] = field(default_factory=dict)
    trained: int = 0
    retried: int = 0
    reused: int = 0


def start_manifest(
    settings: Any,
    outcome: ScanOutcome,
    previous: dict[str, Any] | None,
    data_fingerprint: str,
    model: str,
) -> dict[str, Any]:
    """The manifest a session starts with: the previous one (a resume) updated.

    Parameters
    ----------
    settings : ScanSettings
        The checked arguments.
    outcome : ScanOutcome
        Its ``round`` and ``seed``.
    previous : dict or None
        The manifest of the round being resumed.
    data_fingerprint : str
        :func:`scanlab.data.fingerprint_data` of the prepared data.
    model : str
        :func:`scanlab._reuse.model_identity` of the model function; appended to
        ``models`` (one entry per model function the round's sessions ran).

    Returns
    -------
    dict
    """
    s = settings
    manifest = dict(previous or {})
    manifest.update(
        {
            "experiment": s.experiment_name,
            "round": outcome.round,
            "fingerprint": fingerprint(s.space, s.fingerprint_settings()),
            "params": encode_params(s.params),
            "grid_size": str(s.space.size),
            "planned_runs": str(s.planned),
            "random_method": s.random_method,
            "seed": outcome.seed,
            "fraction_limit": s.fraction_limit,
            "round_limit": s.round_limit,
            "data_fingerprint": data_fingerprint,
            "early_stopping": s.early_stopping,
            "scoring": list(s.scoring),
            "search": s.search.as_dict() if s.search is not None else None,
            "cv": None if s.cv is None else _cv_record(s.cv),
            "preprocess": None if s.preprocess is None else _name(s.preprocess),
            "versions": versions(),
            "status": "running",
        }
    )
    manifest.setdefault("reductions", [])
    models = manifest.setdefault("models", [])
    if model not in models:
        models.append(model)
    manifest.setdefault("started", _now())
    manifest.setdefault("sessions", []).append({"started": _now()})
    return manifest


def finish_manifest(outcome: ScanOutcome, rows: pd.DataFrame, status: str) -> None:
    """Record how the session ended and the round's counts; write the manifest.

    Parameters
    ----------
    outcome : ScanOutcome
        The round (its ``manifest`` is updated; ``data`` is set to ``rows``).
    rows : DataFrame
        The round's rows as the scan shows them (own and reused).
    status : str
        The stop reason, or the first line of the error that stopped the scan.
    """
    outcome.data = rows
    counts = rows["status"].value_counts().to_dict() if len(rows) else {}
    outcome.manifest.update(
        {
            "status": status,
            "ended": _now(),
            "runs_ok": int(counts.get("ok", 0)),
            "runs_failed": int(counts.get("failed", 0)),
        }
    )
    outcome.manifest["sessions"][-1]["ended"] = _now()
    write_manifest(outcome.round_path, outcome.manifest)


def run_row(
    task: Task, result: TrialResult, outcome: ScanOutcome, continued: bool = True
) -> dict[str, Any]:
    """The results row of one finished run (the column grammar of :mod:`scanlab._schema`).

    Parameters
    ----------
    task : Task
        What ran.
    result : TrialResult
        How it ended.
    outcome : ScanOutcome
        The round (its number, tracked metric and direction).
    continued : bool
        Budgeted search: the run continued from its checkpoint (a builder); False when it
        trained from scratch to the rung's budget (a Talos model function).

    Returns
    -------
    dict
        Metrics first, so that a metric never overwrites a label or a bookkeeping cell. The
        metric cells hold the epoch ``metrics_from`` names (the last one, or the best one
        when early stopping restored its weights); ``stopped_epoch`` is empty unless early
        stopping stopped the run. A budgeted task's row also has ``rung``, ``budget`` and
        ``initial_epoch``; its epochs count from the run's first epoch (``best_epoch`` of a
        continued run is past its ``initial_epoch``).
    """
    tracked = result.history.get(outcome.tracked_metric or "", [])
    best_value, best_epoch_ = best_epoch(tracked, outcome.minimize)
    budget: dict[str, Any] = {}
    if task.rung is not None:
        start = task.initial_epoch if continued else 0
        budget = {"rung": task.rung, "budget": task.budget, "initial_epoch": start}
        if best_epoch_ is not None:
            best_epoch_ += start
    return {
        **result.metrics,
        "run_id": task.run_id,
        "round": outcome.round,
        "status": result.status,
        **budget,
        **task.labels,
        "epochs_run": result.epochs_run,
        "best_epoch": best_epoch_,
        "best_value": best_value,
        "stopped_epoch": result.stopped_epoch,
        "metrics_from": result.metrics_from,
        "start": result.start,
        "end": result.end,
        "duration_s": result.duration_s,
        "error": result.error,
    }


def _cv_record(cv: Any) -> dict[str, Any]:
    splits = cv if isinstance(cv, int) else getattr(cv, "n_splits", None)
    return {"n_splits": splits, "splitter": describe_cv(cv)}


def _name(function: Any) -> str:
    return f"{getattr(function, '__module__', '?')}.{getattr(function, '__qualname__', function)}"


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
