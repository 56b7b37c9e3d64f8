"""The loop of a plain round: every sampled permutation once (:class:`~scanlab.schedulers.
RunAll`), Talos's automatic reduction and ``boolean_limit`` as filters, and permutations
another round already trained reused rather than trained again (:mod:`scanlab._reuse`)."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from typing import Any

import pandas as pd

from scanlab._engine_protocol import RoundEngine
from scanlab._manifest import write_manifest
from scanlab._reduction import AutoReduction
from scanlab._schema import RESERVED_COLUMNS
from scanlab._tracking import progress_bar, shrink
from scanlab.errors import ScanArgumentError
from scanlab.schedulers import RunAll
from scanlab.trial import Task

__all__ = ["after_run_reduction", "boolean_filter", "plain_loop", "row_keys"]


def row_keys(rows: pd.DataFrame, budgeted: bool) -> pd.Series:
    """Each row's identity: its run id, or ``<run_id>@<rung>`` in a budgeted round.

    Parameters
    ----------
    rows : DataFrame
        A round's rows.
    budgeted : bool
        Whether the round runs a budgeted search (one row per run and rung).

    Returns
    -------
    Series of str

    Examples
    --------
    >>> rows = pd.DataFrame({'run_id': ['a', 'a'], 'rung': [0, 1]})
    >>> row_keys(rows, True).tolist(), row_keys(rows, False).tolist()
    (['a@0', 'a@1'], ['a', 'a'])
    """
    if not len(rows):
        return pd.Series([], dtype=str)
    ids = rows["run_id"].astype(str)
    return ids + "@" + rows["rung"].astype("int64").astype(str) if budgeted else ids


def plain_loop(engine: RoundEngine, make: Callable[[], Any], existing: pd.DataFrame) -> None:
    """Run (or resume) a round of plain runs until the sampler is done or a stop applies.

    Parameters
    ----------
    engine : RoundEngine
        The round's engine: settings, outcome, log, tracking and the run loop.
    make : callable
        Starts the executor (only when something is left to train).
    existing : DataFrame
        The round's rows on disk (newest per run).
    """
    s, out = engine.settings, engine.outcome
    done, failed, kept, ok_kept = engine.keep_rows(existing, row_keys(existing, False))
    with progress_bar(s, out.round, initial=len(done)) as bar:
        filters = []
        if s.boolean_limit is not None:
            filters.append(boolean_filter(s.boolean_limit))
        if s.reduction is not None:
            engine.reduction = AutoReduction(
                s.reduction, s.space, out.manifest.setdefault("reductions", []), len(kept)
            )
            if len(ok_kept) and out.tracked_metric:
                engine.reduction.restore_window(ok_kept, out.tracked_metric)
            filters.append(engine.reduction.keep)
        assert out.seed is not None
        scheduler = RunAll(
            s.space, s.random_method, out.seed, s.planned, done, filters, lambda: shrink(bar)
        )
        tasks = engine.hand_out(_reuse(engine, scheduler, bar, failed), bar)
        if engine.target and any(map(engine.target.reached, ok_kept.to_dict("records"))):
            out.stop_reason = "performance_target"  # reached before this call: train none
            tasks = iter(())
        first = next(tasks, None)  # nothing left to run: no executor, no worker started
        executor = make() if first is not None else None
        try:
            if executor is not None and first is not None:
                engine.run_tasks(executor, itertools.chain([first], tasks), scheduler, bar)
        finally:
            if executor is not None:
                executor.close()
    engine.check_round(scheduler, done, failed, first is None)


def boolean_filter(condition: Callable[[dict], Any]) -> Callable[[dict, Any], bool]:
    """``boolean_limit`` as a scheduler filter: ``filter(params, labels) -> bool``.

    Parameters
    ----------
    condition : callable
        The user's ``boolean_limit(params)``.

    Returns
    -------
    callable
        Raises :class:`~scanlab.errors.ScanArgumentError` when ``condition`` raises.

    Examples
    --------
    >>> keep = boolean_filter(lambda p: p['units'] > 8)
    >>> keep({'units': 16}, {}), keep({'units': 4}, {})
    (True, False)
    """

    def keep(params: dict[str, Any], labels: Any) -> bool:
        try:
            return bool(condition(dict(params)))
        except Exception as exc:
            raise ScanArgumentError(
                f"boolean_limit raised {type(exc).__name__}: {exc} for the permutation "
                f"{params}. It must accept every permutation dict and return True or False."
            ) from exc

    return keep


def _reuse(engine: RoundEngine, scheduler: RunAll, bar: Any, failed: set[str]) -> Iterator[Task]:
    """The scheduler's tasks, less those whose ok row another round already holds."""
    assert engine.reuse is not None
    out = engine.outcome
    for task in scheduler.ask():
        row = engine.reuse.take(task.run_id)
        if row is None:
            engine.reuse.flush()
            out.retried += task.run_id in failed
            yield task
            continue
        out.reused += 1
        scheduler.tell(task, row)
        bar.update(1)
        if out.tracked_metric is None:
            reserved = RESERVED_COLUMNS | set(engine.settings.space.names)
            engine.resolve_metrics([k for k, v in row.items() if k not in reserved])
        after_run_reduction(engine, task, row, "ok", bar)
        engine.track(row, bar)
        if engine.target and engine.target.reached(row):
            out.stop_reason = "performance_target"
            return


def after_run_reduction(
    engine: RoundEngine, task: Task, metrics: dict[str, Any], status: str, bar: Any
) -> None:
    """Talos's automatic reduction sees the row; a reduction it makes is recorded and said."""
    out = engine.outcome
    if engine.reduction is None:
        return
    value = metrics.get(out.tracked_metric) if status == "ok" and out.tracked_metric else None
    record = engine.reduction.observe(task.labels, value, out.tracked_metric, out.minimize)
    if record is None:
        return
    write_manifest(out.round_path, out.manifest)
    bar.write(
        f"reduction after {record['after_runs']} runs: dropped {record['param']}="
        f"{record['value']} ({record['method']} score {record['score']:.2f})"
    )
