"""Cross-validated runs: a fold is the unit of work, a run's row waits for its folds.

:class:`FoldedExecutor` wraps any executor. It turns each run the scheduler hands out into
one task per fold (``Task.fold``), so the folds of different runs spread over worker
processes and Dask workers; it writes each finished fold to ``<round>/folds.jsonl``
(appended, flushed and fsynced: a kill loses no finished fold) and yields the run, with
its folds combined (:func:`combine_folds`), once its last fold is in. A resumed round reads
the file back: a run's ok folds are not trained again, only its missing or failed ones.

The combined result follows scikit-learn's ``cv_results_`` grammar: for every metric ``m``
of the folds (history keys at the epoch the row reports, and ``val_<scorer>`` scores),
``split<i>_m``, ``mean_m`` and ``std_m`` (population standard deviation, ``ddof=0``). Its
history is the mean curve ``mean_<key>`` (epoch ``e`` averages the folds that trained epoch
``e``); the folds' own histories and per-class details go to the sidecar (``"folds"``), with
the confusion matrix pooled over the folds (every sample predicted once, out of fold).
"""

from __future__ import annotations

import json
import math
import os
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import numpy as np

from scanlab.log import json_default
from scanlab.trial import Task, TrialResult

__all__ = ["CrossValidatedResult", "FOLDS_FILE", "FoldLog", "FoldedExecutor", "combine_folds"]

#: The finished folds of a cross-validated round, inside the round folder.
FOLDS_FILE = "folds.jsonl"

_RESULT_FIELDS = tuple(f.name for f in fields(TrialResult) if f.name != "folds")


@dataclass
class CrossValidatedResult(TrialResult):
    """A run's folds combined (:func:`combine_folds`); ``metrics_from`` says which epoch the
    folds' values come from (``'best_epoch'`` when early stopping restored any fold's best).

    Parameters
    ----------
    metrics_source : str, optional
        The value of :attr:`metrics_from`.
    """

    metrics_source: str | None = None

    @property
    def metrics_from(self) -> str | None:
        return self.metrics_source


def _number(value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return math.nan


def _mean_curves(histories: list[dict[str, list[float]]]) -> dict[str, list[float]]:
    """``mean_<key>``: per epoch, the mean over the folds that trained that epoch."""
    curves: dict[str, list[float]] = {}
    for key in sorted({k for h in histories for k in h}):
        series = [list(map(_number, h.get(key, []))) for h in histories]
        longest = max(map(len, series))
        values = []
        for epoch in range(longest):
            at = [s[epoch] for s in series if len(s) > epoch and not math.isnan(s[epoch])]
            values.append(float(np.mean(at)) if at else math.nan)
        curves[f"mean_{key}"] = values
    return curves


def _pooled_details(details: list[dict[str, Any] | None]) -> dict[str, Any] | None:
    """The folds' confusion matrices summed, with per-class scores recomputed from it."""
    matrices = [d["confusion_matrix"] for d in details if d and "confusion_matrix" in d]
    if not matrices or len(matrices) != len(details):
        return None
    shapes = {np.shape(m) for m in matrices}
    if len(shapes) != 1:
        return None
    matrix = np.sum(np.asarray(matrices, dtype=np.int64), axis=0)
    true_total, predicted_total = matrix.sum(axis=1), matrix.sum(axis=0)
    hits = np.diag(matrix).astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        recall = np.where(true_total > 0, hits / true_total, 0.0)
        precision = np.where(predicted_total > 0, hits / predicted_total, 0.0)
        f1 = np.where(precision + recall > 0, 2 * precision * recall / (precision + recall), 0)
    return {
        "labels": list(details[0].get("labels", range(len(matrix)))),  # type: ignore[union-attr]
        "confusion_matrix": matrix.tolist(),
        "precision": precision.tolist(),
        "recall": recall.tolist(),
        "f1": f1.tolist(),
        "support": true_total.tolist(),
        "pooled_over_folds": len(matrices),
    }


def combine_folds(results: list[TrialResult]) -> CrossValidatedResult:
    """One run's result from its folds' results (in fold order).

    Parameters
    ----------
    results : list of TrialResult
        Fold ``i``'s result at position ``i``.

    Returns
    -------
    CrossValidatedResult
        ``'ok'`` when every fold is; otherwise ``'failed'`` with the first failed fold's
        error (``'fold 2 of 5: ...'``) and the ok folds' ``split<i>_*`` values.

    Examples
    --------
    >>> def fold(acc):
    ...     return TrialResult('ok', 's', 'e', 1.0, history={'val_acc': [0.5, acc]})
    >>> combined = combine_folds([fold(0.8), fold(0.6)])
    >>> {k: round(v, 3) for k, v in sorted(combined.metrics.items())}
    {'mean_val_acc': 0.7, 'split0_val_acc': 0.8, 'split1_val_acc': 0.6, 'std_val_acc': 0.1}
    >>> combined.history
    {'mean_val_acc': [0.5, 0.7]}
    """
    ok = [r.status == "ok" for r in results]
    columns: dict[str, float] = {}
    per_fold = [r.metrics if r.status == "ok" else {} for r in results]
    for key in sorted({k for m in per_fold for k in m}):
        values = [_number(m.get(key)) for m in per_fold]
        for i, value in enumerate(values):
            if ok[i]:
                columns[f"split{i}_{key}"] = value
        if all(ok):
            columns[f"mean_{key}"] = float(np.mean(values))
            columns[f"std_{key}"] = float(np.std(values))
    folds = [
        {
            "fold": i,
            "status": r.status,
            "error": r.error,
            "duration_s": r.duration_s,
            "history": r.history,
            "scores": r.score_details,
            "stopped_epoch": r.stopped_epoch,
            "metrics_from": r.metrics_from,
            "preprocess": r.preprocess,
        }
        for i, r in enumerate(results)
    ]
    failed = next((i for i, r in enumerate(results) if r.status != "ok"), None)
    prepared = [r.preprocess for r in results if r.preprocess]
    combined = CrossValidatedResult(
        status="ok" if failed is None else "failed",
        start=min(r.start for r in results),
        end=max(r.end for r in results),
        duration_s=round(sum(r.duration_s for r in results), 4),
        history=_mean_curves([r.history for r in results]) if failed is None else {},
        scores=columns,
        score_details=_pooled_details([r.score_details for r in results]),
        folds=folds,
        preprocess=(
            {
                "cached": sum(bool(p.get("cached")) for p in prepared),
                "seconds": round(sum(p.get("seconds", 0.0) for p in prepared), 4),
            }
            if prepared
            else None
        ),
        metrics_source="best_epoch"
        if any(r.metrics_from == "best_epoch" for r in results)
        else ("last_epoch" if failed is None else None),
    )
    if failed is not None:
        bad = results[failed]
        where = f"fold {failed} of {len(results)}"
        combined.error = f"{where}: {bad.error}"
        combined.traceback = f"{where}:\n{bad.traceback or bad.error}"
        combined.raised = any(r.raised for r in results)
        combined.fatal = any(r.fatal for r in results)
    return combined


class FoldLog:
    """``<round>/folds.jsonl``: every finished fold, appended, flushed and fsynced.

    Parameters
    ----------
    round_dir : Path
        The round folder.
    """

    def __init__(self, round_dir: str | os.PathLike) -> None:
        self.path = Path(round_dir) / FOLDS_FILE
        self._file: Any = None

    def finished(self, n_folds: int) -> dict[tuple[str, int | None], dict[int, TrialResult]]:
        """The ok folds on disk, by ``(run_id, rung)`` then fold (the last record wins; a
        line a kill cut short is ignored).

        Parameters
        ----------
        n_folds : int
            The round's number of folds (records of other fold numbers are ignored).

        Returns
        -------
        dict
        """
        found: dict[tuple[str, int | None], dict[int, TrialResult]] = {}
        if not self.path.exists():
            return found
        with open(self.path, encoding="utf-8") as lines:
            for line in lines:
                try:
                    record = json.loads(line)
                    key, fold = (str(record["run_id"]), record.get("rung")), int(record["fold"])
                    if record.get("n_folds") != n_folds or not 0 <= fold < n_folds:
                        continue
                    result = TrialResult(**{k: record[k] for k in _RESULT_FIELDS if k in record})
                except (ValueError, KeyError, TypeError):
                    continue
                slots = found.setdefault(key, {})
                if result.status == "ok":
                    slots[fold] = result
                else:
                    slots.pop(fold, None)
        return found

    def append(self, task: Task, n_folds: int, result: TrialResult) -> None:
        """Write one finished fold."""
        if self._file is None:
            self._file = open(self.path, "a", encoding="utf-8")  # noqa: SIM115 - kept open
        record = {
            "run_id": task.run_id,
            "rung": task.rung,
            "fold": task.fold,
            "n_folds": n_folds,
            **{k: getattr(result, k) for k in _RESULT_FIELDS},
        }
        self._file.write(json.dumps(record, default=json_default) + "\n")
        self._file.flush()
        os.fsync(self._file.fileno())

    def close(self) -> None:
        """Close the file (it is opened again by the next write)."""
        if self._file is not None:
            self._file.close()
            self._file = None


class FoldedExecutor:
    """Runs each handed-out run as one task per fold on ``inner``; yields whole runs.

    Parameters
    ----------
    inner : executor
        Any executor (in-process, processes, Dask).
    n_folds : int
        Folds per run.
    round_dir : Path
        The round folder (for :data:`FOLDS_FILE`).
    """

    def __init__(self, inner: Any, n_folds: int, round_dir: str | os.PathLike) -> None:
        self.inner = inner
        self.n_folds = n_folds
        self.log = FoldLog(round_dir)
        self._done = self.log.finished(n_folds)
        #: folds trained by this executor, and folds taken from the file instead
        self.trained = self.kept = 0

    def run(self, tasks: Iterable[Task]) -> Iterator[tuple[Task, TrialResult]]:
        """Run ``tasks`` fold by fold, yielding each run with its combined result."""
        pending: dict[tuple[str, int | None], tuple[Task, list[TrialResult | None]]] = {}
        ready: deque[tuple[str, int | None]] = deque()

        def fold_tasks() -> Iterator[Task]:
            for task in tasks:
                key = (task.run_id, task.rung)
                kept = self._done.pop(key, {})
                slots: list[TrialResult | None] = [kept.get(i) for i in range(self.n_folds)]
                self.kept += len(kept)
                pending[key] = (task, slots)
                missing = [i for i, slot in enumerate(slots) if slot is None]
                if not missing:
                    ready.append(key)
                for fold in missing:
                    yield task._replace(fold=fold)

        def whole(key: tuple[str, int | None]) -> tuple[Task, TrialResult]:
            task, slots = pending.pop(key)
            return task, combine_folds([s for s in slots if s is not None])

        for fold_task, result in self.inner.run(fold_tasks()):
            key = (fold_task.run_id, fold_task.rung)
            task, slots = pending[key]
            if result.fatal:  # the scan stops: the engine raises for this run
                yield task, result
                continue
            self.log.append(fold_task, self.n_folds, result)
            self.trained += 1
            assert fold_task.fold is not None
            slots[fold_task.fold] = result
            if all(slot is not None for slot in slots):
                ready.append(key)
            while ready:
                yield whole(ready.popleft())
        while ready:
            yield whole(ready.popleft())

    def close(self) -> None:
        """Close the inner executor and the fold log."""
        try:
            self.inner.close()
        finally:
            self.log.close()
