"""A results folder's per-epoch histories: the ``history.jsonl`` sidecars of its rounds.

One JSON object per line, written by :class:`scanlab.log.ResultLog`; a torn last line (a
write killed midway) is ignored, anything else that is not a history record raises
:class:`~scanlab.errors.ResultsFormatError` naming the file, the line and the fix.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from scanlab._csv_text import decode_text, strip_bom
from scanlab._files import round_dirs
from scanlab._schema import HISTORY_FILE
from scanlab.errors import ResultsFormatError

__all__ = ["read_histories"]


def read_histories(path: str | os.PathLike) -> dict[str, dict[str, list[float]]]:
    """Per-epoch histories by ``run_id`` from a round or experiment folder's sidecars.

    Later records win (a run re-recorded after a crash, or the same permutation in a later
    round). A budgeted run has one record per rung (``"rung": k``, holding that rung's
    epochs): its history is the rungs' epochs joined in rung order; a rung trained from
    scratch (``"initial_epoch": 0``, the Talos contract) starts the history again.

    Parameters
    ----------
    path : str or path-like
        A round folder, an experiment folder (every round), or a file in a round folder.

    Returns
    -------
    dict
        ``{run_id: {key: [value per epoch, ...]}}``; empty when there is no sidecar.
    """
    path = Path(path)
    if path.is_file():
        path = path.parent
    files = (
        [path / HISTORY_FILE]
        if (path / HISTORY_FILE).exists()
        else [d / HISTORY_FILE for d in round_dirs(path) if (d / HISTORY_FILE).exists()]
    )
    histories: dict[str, dict[str, list[float]]] = {}
    rungs: dict[str, dict[int, tuple[int, dict[str, list[float]]]]] = {}
    for file in files:
        data = strip_bom(file.read_bytes())
        data = data[: data.rfind(b"\n") + 1]  # drop a torn last line
        text = decode_text(file, data, _HISTORY_FIX)
        for number, line in enumerate(text.split("\n"), start=1):
            if line.strip():
                record = _history_record(file, number, line)
                run_id, rung = str(record["run_id"]), record.get("rung")
                if isinstance(rung, int) and not isinstance(rung, bool):
                    start = record.get("initial_epoch", 1) or 0
                    by_rung = rungs.setdefault(run_id, {})
                    by_rung[rung] = (start, record.get("history") or {})
                else:
                    histories[run_id] = record.get("history") or {}
    for run_id, by_rung in rungs.items():
        joined: dict[str, list[float]] = {}
        for rung in sorted(by_rung):
            start, history = by_rung[rung]
            if not start:
                joined = {}  # trained from scratch: the earlier rungs' epochs are not its own
            for key, values in history.items():
                joined.setdefault(key, []).extend(values)
        histories[run_id] = joined
    return histories


_HISTORY_FIX = (
    "delete that line or restore the file from a backup (only the last line may be torn by a "
    "crash, and it is ignored); the run's row in results.csv does not depend on it."
)


def _history_record(path: Path, number: int, line: str) -> dict:
    """One line of a history sidecar: a JSON object with a run_id."""
    try:
        record = json.loads(line)
    except ValueError as exc:
        raise ResultsFormatError(
            f"{str(path)!r} is corrupt at line {number}: it is not a JSON object ({exc}). "
            f"Fix: {_HISTORY_FIX}"
        ) from None
    if not isinstance(record, dict) or "run_id" not in record:
        raise ResultsFormatError(
            f"{str(path)!r} is corrupt at line {number}: a history record is a JSON object "
            f"with a run_id, got {line[:80]!r}. Fix: {_HISTORY_FIX}"
        )
    return record
