"""The results log: one CSV row per finished run, appended and fsynced, never rewritten.

A round folder holds ``results.csv`` (plus ``results-2.csv``, ... if a later run brought a
history key the header lacked: the log starts a new part rather than rewrite a file) and
``history.jsonl``, the per-epoch histories keyed by ``run_id``. See docs/results-format.md.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from scanlab._schema import (
    HEAD_COLUMNS,
    HISTORY_FILE,
    REQUIRED_COLUMNS,
    STATUSES,
    TAIL_COLUMNS,
    TALOS_DROPPED_COLUMNS,
    TALOS_RENAMED_COLUMNS,
    order_columns,
)
from scanlab.errors import ResultsFormatError

__all__ = [
    "ResultLog",
    "format_cell",
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


def format_cell(value: Any) -> str:
    """Write one value as CSV text: floats at full precision, None as empty, one line.

    Parameters
    ----------
    value : object
        A cell of a results row.

    Returns
    -------
    str
        ``''`` for None; ``repr`` of a finite float (``nan``, ``inf`` otherwise);
        ``str(value)`` with its non-empty lines joined by ``' | '``.

    Examples
    --------
    >>> format_cell(0.1), format_cell(None), format_cell('a\\nb')
    ('0.1', '', 'a | b')
    """
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(value) if math.isfinite(value) else str(value)
    text = str(value)
    if "\n" in text or "\r" in text:
        text = " | ".join(line.strip() for line in text.splitlines() if line.strip())
    return text


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


class ResultLog:
    """Appends run rows to a round's CSV and histories to its sidecar, crash-safely.

    Only the driver process writes. Each row is written whole, flushed and fsynced before
    :meth:`append` returns; on opening, a torn last line left by a killed writer is cut off
    (it was never a finished run). Bookkeeping per row is O(1).

    Parameters
    ----------
    round_dir : Path
        The round folder (created if missing).
    param_names : iterable of str
        The round's parameter names.
    fsync : bool
        Call ``os.fsync`` after each row (default). Turn off only for throwaway scans.
    """

    def __init__(self, round_dir: Path, param_names: Iterable[str], fsync: bool = True) -> None:
        self.round_dir = Path(round_dir)
        self.round_dir.mkdir(parents=True, exist_ok=True)
        self.param_names = sorted(param_names)
        self.fsync = fsync
        self.columns: list[str] | None = None
        self._csv_file: io.TextIOWrapper | None = None
        self._part_number = 0
        parts = result_parts(self.round_dir)
        if parts:
            last = parts[-1]
            _cut_torn_tail(last)
            with open(last, encoding="utf-8", newline="") as f:
                header = next(csv.reader(f), None)
            self._part_number = len(parts)
            if header:
                self.columns = header
                self._csv_file = open(last, "a", encoding="utf-8", newline="")  # noqa: SIM115
            else:  # an empty file: header never written
                self._part_number -= 1
                last.unlink()
        history_path = self.round_dir / HISTORY_FILE
        if history_path.exists():
            _cut_torn_tail(history_path)
        self._history_file = open(history_path, "a", encoding="utf-8")  # noqa: SIM115

    def read_rows(self) -> pd.DataFrame:
        """The rows already in this round's log (empty DataFrame if none).

        Returns
        -------
        DataFrame
            :func:`read_round` of the round folder; with no CSV part, an empty table with
            the header columns.
        """
        if not result_parts(self.round_dir):
            return pd.DataFrame(columns=order_columns(self.param_names, []))
        return read_round(self.round_dir)

    def append(
        self,
        row: Mapping[str, Any],
        history: Mapping[str, list] | None = None,
        traceback: str | None = None,
    ) -> None:
        """Write one finished run: its history to the sidecar, then its row to the CSV.

        A row with a history key the header lacks starts a new CSV part.

        Parameters
        ----------
        row : mapping
            The results row: column name -> value (at least ``run_id`` and ``round``).
        history : mapping, optional
            Per-epoch values by history key.
        traceback : str, optional
            The traceback of a failed run, kept in the sidecar.
        """
        record = {
            "run_id": row["run_id"],
            "round": row["round"],
            "history": dict(history or {}),
            "traceback": traceback,
        }
        self._history_file.write(json.dumps(record, default=_json_default) + "\n")
        self._history_file.flush()
        metric_names = [
            k
            for k in row
            if k not in HEAD_COLUMNS and k not in TAIL_COLUMNS and k not in self.param_names
        ]
        if self.columns is None or any(name not in self.columns for name in metric_names):
            self._start_part(metric_names)
        assert self._csv_file is not None and self.columns is not None
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerow(
            [format_cell(row.get(column)) for column in self.columns]
        )
        self._csv_file.write(buffer.getvalue())
        self._csv_file.flush()
        if self.fsync:
            os.fsync(self._history_file.fileno())
            os.fsync(self._csv_file.fileno())

    def _start_part(self, metric_names: list[str]) -> None:
        known = [
            c
            for c in (self.columns or [])
            if c not in HEAD_COLUMNS and c not in TAIL_COLUMNS and c not in self.param_names
        ]
        columns = order_columns(self.param_names, sorted(set(known) | set(metric_names)))
        if self._csv_file is not None:
            self._csv_file.close()
        self._part_number += 1
        name = "results.csv" if self._part_number == 1 else f"results-{self._part_number}.csv"
        self._csv_file = open(self.round_dir / name, "w", encoding="utf-8", newline="")  # noqa: SIM115
        self._csv_file.write(",".join(columns) + "\n")
        self._csv_file.flush()
        if self.fsync:
            os.fsync(self._csv_file.fileno())
        self.columns = columns

    def close(self) -> None:
        """Close the files (rows are already on disk)."""
        for f in (self._csv_file, self._history_file):
            if f is not None and not f.closed:
                f.close()

    def __enter__(self) -> ResultLog:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _json_default(value: Any) -> Any:
    if hasattr(value, "item"):
        return value.item()
    if hasattr(value, "tolist"):
        return value.tolist()
    return str(value)


def _cut_torn_tail(path: Path) -> None:
    """Remove an unfinished last line (no newline): a write killed midway."""
    size = path.stat().st_size
    if size == 0:
        return
    with open(path, "rb+") as f:
        f.seek(size - 1)
        if f.read(1) == b"\n":
            return
        # Walk back to the last newline; rows are short, so read the tail in blocks.
        end = size
        while end > 0:
            start = max(0, end - 65536)
            f.seek(start)
            block = f.read(end - start)
            cut = block.rfind(b"\n")
            if cut >= 0:
                f.truncate(start + cut + 1)
                return
            end = start
        f.truncate(0)


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
