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
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from scanlab._files import read_round, result_parts
from scanlab._schema import (
    HEAD_COLUMNS,
    HISTORY_FILE,
    TAIL_COLUMNS,
    order_columns,
)

__all__ = ["ResultLog", "format_cell"]


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
