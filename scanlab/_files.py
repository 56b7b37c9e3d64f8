"""The files of a results folder, found and read: a round's CSV parts and history sidecar,
the rounds of an experiment, and Talos's CSVs mapped onto scanlab's columns.

Reading never changes a file: a torn last line (a write killed midway) is skipped here and
cut only by the writer (:class:`scanlab.log.ResultLog`) before it appends.
"""

from __future__ import annotations

import io
import json
import os
import re
from pathlib import Path

import pandas as pd

from scanlab._schema import (
    HISTORY_FILE,
    REQUIRED_COLUMNS,
    STATUSES,
    TALOS_DROPPED_COLUMNS,
    TALOS_RENAMED_COLUMNS,
)
from scanlab.errors import ResultsFormatError

__all__ = [
    "from_talos",
    "read_csv_part",
    "read_histories",
    "read_round",
    "result_parts",
    "round_dirs",
    "typed",
]

_PART = re.compile(r"^results(?:-(\d+))?\.csv$")
_ROUND = re.compile(r"^round-(\d+)$")


def result_parts(round_dir: Path) -> list[Path]:
    """The CSV parts of a round folder, in the order they were written.

    Parameters
    ----------
    round_dir : Path
        A round folder.

    Returns
    -------
    list of Path
        ``results.csv``, ``results-2.csv``, ... that exist, in part order.
    """
    parts = []
    for path in round_dir.glob("results*.csv"):
        match = _PART.match(path.name)
        if match:
            parts.append((int(match.group(1) or 1), path))
    return [path for _, path in sorted(parts)]


def round_dirs(experiment_dir: Path) -> list[Path]:
    """The round folders of an experiment, oldest first.

    Parameters
    ----------
    experiment_dir : Path
        An experiment folder; one that does not exist has no rounds.

    Returns
    -------
    list of Path
        The ``round-NNN`` folders, by round number.
    """
    found = []
    for path in experiment_dir.iterdir() if experiment_dir.is_dir() else ():
        match = _ROUND.match(path.name)
        if match and path.is_dir():
            found.append((int(match.group(1)), path))
    return [path for _, path in sorted(found)]


def _read_complete_lines(path: Path) -> bytes:
    data = Path(path).read_bytes()
    if data and not data.endswith(b"\n"):
        data = data[: data.rfind(b"\n") + 1]  # drop the torn last line
    return data


def read_round(round_dir: Path) -> pd.DataFrame:
    """The rows of one scanlab round folder (every CSV part), typed.

    A torn last line is ignored; a corrupt line elsewhere raises
    :class:`~scanlab.errors.ResultsFormatError` naming the file and the line.

    Parameters
    ----------
    round_dir : path-like
        A round folder.

    Returns
    -------
    DataFrame
        The parts' rows concatenated (:func:`typed`); an empty table with the required
        columns when there is none.
    """
    frames = [
        f for f in (read_csv_part(p) for p in result_parts(Path(round_dir))) if len(f.columns)
    ]
    if not frames:
        return typed(pd.DataFrame(columns=list(REQUIRED_COLUMNS)))
    return typed(pd.concat(frames, ignore_index=True, sort=False))


def read_csv_part(path: Path) -> pd.DataFrame:
    """One results CSV (scanlab's or Talos's), checked but not typed.

    Parameters
    ----------
    path : Path
        The CSV file; a torn last line is ignored.

    Returns
    -------
    DataFrame
        Its rows (a Talos table mapped by :func:`from_talos`); an empty DataFrame when the
        file holds no complete line.

    Raises
    ------
    ResultsFormatError
        When the file cannot be parsed, lacks the required columns, or has a row inside it
        with a bad status (or, for scanlab's files, no duration).
    """
    data = _read_complete_lines(path)
    if not data.strip():
        return pd.DataFrame()
    try:
        frame = pd.read_csv(
            io.BytesIO(data),
            dtype={"run_id": str, "error": str, "status": str},
            keep_default_na=True,
        )
    except pd.errors.ParserError as exc:
        raise ResultsFormatError(f"{str(path)!r} is corrupt: {exc}") from exc
    native = "run_id" in frame.columns
    if not native and "round_epochs" in frame.columns:
        frame = from_talos(frame)
    missing = [c for c in REQUIRED_COLUMNS if c not in frame.columns]
    if missing:
        raise ResultsFormatError(
            f"{str(path)!r} is not a scanlab results file: columns {missing} are missing "
            f"(it has {list(frame.columns)[:12]}). Point to a file written by scanlab.Scan or by "
            f"Talos."
        )
    bad = ~frame["status"].isin(STATUSES)
    if native and "duration_s" in frame.columns:
        bad |= frame["duration_s"].isna()  # a short row: every scanlab row has a duration
    if bad.any():
        line = int(bad.to_numpy().argmax()) + 2  # +1 header, +1 one-based
        raise ResultsFormatError(
            f"{str(path)!r} is corrupt at line {line}: it does not have the file's "
            f"{len(frame.columns)} columns with a status in {list(STATUSES)}. Only the last "
            f"line may be torn by a crash; this one is inside the file."
        )
    return frame


def from_talos(frame: pd.DataFrame) -> pd.DataFrame:
    """Map a Talos experiment table (1.x or 2.x) onto scanlab's columns.

    Parameters
    ----------
    frame : DataFrame
        A Talos experiment table.

    Returns
    -------
    DataFrame
        A new table: Talos's columns renamed and its bookkeeping dropped, with ``run_id``
        (``talos-0``, ...), ``round`` (1) and ``status`` (``ok``) in front.
    """
    renamed = frame.rename(columns=TALOS_RENAMED_COLUMNS)
    renamed = renamed.drop(columns=[c for c in TALOS_DROPPED_COLUMNS if c in renamed.columns])
    renamed.insert(0, "run_id", [f"talos-{i}" for i in range(len(renamed))])
    renamed.insert(1, "round", 1)
    renamed.insert(2, "status", "ok")
    return renamed


def typed(frame: pd.DataFrame) -> pd.DataFrame:
    """Give the bookkeeping columns their types, in place.

    Parameters
    ----------
    frame : DataFrame
        Rows as read from CSV.

    Returns
    -------
    DataFrame
        ``frame`` itself: ``round`` as int64 (missing: 1), ``run_id``, ``status`` and
        ``error`` as strings, ``start`` and ``end`` as UTC datetimes.
    """
    if "round" in frame.columns:
        frame["round"] = pd.to_numeric(frame["round"], errors="coerce").fillna(1).astype("int64")
    for column in ("run_id", "status", "error"):
        if column in frame.columns:
            frame[column] = frame[column].astype("string")
    for column in ("start", "end"):
        if column in frame.columns and not pd.api.types.is_datetime64_any_dtype(frame[column]):
            frame[column] = pd.to_datetime(
                frame[column], utc=True, errors="coerce", format="ISO8601"
            )
    return frame


def read_histories(path: str | os.PathLike) -> dict[str, dict[str, list[float]]]:
    """Per-epoch histories by ``run_id`` from a round or experiment folder's sidecars.

    Later records win (a run re-recorded after a crash, or the same permutation in a later
    round).

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
    for file in files:
        for line in _read_complete_lines(file).decode("utf-8").splitlines():
            if line.strip():
                record = json.loads(line)
                histories[record["run_id"]] = record.get("history") or {}
    return histories
