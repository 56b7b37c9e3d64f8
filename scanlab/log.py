"""The results log: one CSV row per finished run, appended and fsynced, never rewritten.

A round folder holds ``results.csv`` (plus ``results-2.csv``, ... if a later run brought a
history key the header lacked: the log starts a new part rather than rewrite a file) and
``history.jsonl``, the per-epoch histories keyed by ``run_id``. See docs/results-format.md.
"""

from __future__ import annotations

import io
import json
import math
import os
import warnings
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from scanlab._csv_text import header_end, parse_header, strip_bom
from scanlab._files import read_round, result_parts
from scanlab._log_files import (
    check_history,
    csv_line,
    cut_torn_tail,
    header_problem,
    header_tail,
    read_at,
    refuse_special_file,
)
from scanlab._schema import (
    BUDGET_COLUMNS,
    HISTORY_FILE,
    PREVIOUS_TAIL_COLUMNS,
    TAIL_COLUMNS,
    head_columns,
    order_columns,
)
from scanlab.errors import ResultsFormatError

__all__ = ["ResultLog", "format_cell", "json_default"]


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
    (it was never a finished run). Bookkeeping per row is O(1). The header and every row are
    written by the same :class:`csv.writer`, so a column name with a comma, a quote or a line
    break is quoted alike.

    Opening a round with files refuses, before touching them
    (:class:`~scanlab.errors.ResultsFormatError`): a results part or sidecar that is a
    symbolic link or not a regular file, a last CSV part whose header is not exactly
    ``order_columns(param_names, metrics)`` (a byte-order mark is allowed: Excel adds one),
    and a sidecar whose first line is not a history record. Only then is a torn last line
    cut.

    Parameters
    ----------
    round_dir : Path
        The round folder (created if missing).
    param_names : iterable of str
        The round's parameter names.
    fsync : bool
        Call ``os.fsync`` after each row (default). Turn off only for throwaway scans.
    budgeted : bool
        A budgeted round: one row per run and rung, with ``rung``, ``budget`` and
        ``initial_epoch`` after ``status``; each history record names its ``rung``.
    """

    def __init__(
        self,
        round_dir: Path,
        param_names: Iterable[str],
        fsync: bool = True,
        budgeted: bool = False,
    ) -> None:
        self.round_dir = Path(round_dir)
        self.round_dir.mkdir(parents=True, exist_ok=True)
        self.param_names = sorted(param_names)
        self.budgeted = budgeted
        self.head = head_columns(budgeted)
        self._not_metrics = set(self.head) | set(TAIL_COLUMNS) | set(self.param_names)
        self.fsync = fsync
        self.columns: list[str] | None = None
        self._column_set: set[str] = set()
        self._csv_file: io.TextIOWrapper | None = None
        self._part_number = 0
        self._warned: set[str] = set()
        self._previous_tail = False
        parts = result_parts(self.round_dir)
        history_path = self.round_dir / HISTORY_FILE
        for path in [*parts, history_path]:
            refuse_special_file(path)
        if parts:
            last = parts[-1]
            self._part_number = _part_number(last)
            # Checked as scanlab's (header) before its torn tail is cut, through one
            # descriptor that does not follow links.
            fd = os.open(last, os.O_RDWR | os.O_APPEND | getattr(os, "O_NOFOLLOW", 0))
            try:
                header = self._check_header(last, fd)
                if header is not None:
                    cut_torn_tail(fd)
            except BaseException:
                os.close(fd)
                raise
            if header is None:  # no complete header: never written whole, and no row
                os.close(fd)
                last.unlink()
                self._part_number -= 1
            else:
                self.columns = header
                self._column_set = set(header)
                # written before stopped_epoch/metrics_from: the next row starts a new part
                self._previous_tail = header_tail(header) == PREVIOUS_TAIL_COLUMNS
                self._csv_file = open(fd, "a", encoding="utf-8", newline="")  # noqa: SIM115
        fd = os.open(
            history_path,
            os.O_RDWR | os.O_CREAT | os.O_APPEND | getattr(os, "O_NOFOLLOW", 0),
            0o666,  # like open(): the umask decides, never executable
        )
        try:
            check_history(history_path, fd)
            cut_torn_tail(fd)
        except BaseException:
            os.close(fd)
            if self._csv_file is not None:
                self._csv_file.close()
            raise
        self._history_file = open(fd, "a", encoding="utf-8")  # noqa: SIM115

    def _check_header(self, path: Path, fd: int) -> list[str] | None:
        """The header of a CSV part this log may append to; None for a torn (or no) header.

        Raises :class:`ResultsFormatError` when the file's header is not the one this writer
        writes for this round's params: appending rows under another header would write
        them into the wrong columns.
        """
        data = b""
        end = None
        while end is None:
            block = read_at(fd, 65536, len(data))
            if not block:
                break
            data += block
            end = header_end(strip_bom(data))
        data = strip_bom(data)
        prefix = csv_line([*self.head, *self.param_names, ""])
        problem: str | None
        if end is None:
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError as exc:  # a multi-byte character torn at the end?
                torn = exc.reason == "unexpected end of data"
                text = data[: exc.start].decode("utf-8", errors="replace") + (
                    "" if torn else "\ufffd"
                )
            if prefix.startswith(text) or text.startswith(prefix):
                return None  # a header torn by a crash: the file holds no row
            problem = f"its first line {text[:120]!r} is no complete scanlab header"
        else:
            header = parse_header(path, data[:end])
            problem = header_problem(header, self.param_names, self.head)
            if problem is None:
                return header
        expected = prefix + "<metric columns, sorted>," + ",".join(TAIL_COLUMNS)
        raise ResultsFormatError(
            f"{str(path)!r} cannot be resumed: its header is not the one scanlab writes for "
            f"this round, so rows appended to it would land in the wrong columns; {problem}. "
            f"Nothing was written and no run was trained. Fix: restore its first line to "
            f"{expected} (e.g. from a backup), or move the file out of the round folder "
            f"(its runs are then trained again), or pass resume=False to start a new round."
        )

    def read_rows(self) -> pd.DataFrame:
        """The rows already in this round's log (empty DataFrame if none).

        Returns
        -------
        DataFrame
            :func:`read_round` of the round folder; with no CSV part, an empty table with
            the header columns. A warning about the files (a run recorded twice) is given
            once per log, however often the rows are read.
        """
        if not result_parts(self.round_dir):
            return pd.DataFrame(columns=order_columns(self.param_names, [], self.budgeted))
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            rows = read_round(self.round_dir, self.param_names)
        for warning in caught:
            if str(warning.message) not in self._warned:
                self._warned.add(str(warning.message))
                warnings.warn(warning.message, stacklevel=2)
        return rows

    def append(
        self,
        row: Mapping[str, Any],
        history: Mapping[str, list] | None = None,
        traceback: str | None = None,
        scores: Mapping[str, Any] | None = None,
        folds: list[dict[str, Any]] | None = None,
        preprocess: Mapping[str, Any] | None = None,
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
        scores : mapping, optional
            ``Scan(scoring=...)``: the per-class details and confusion matrix of the run's
            validation predictions, kept in the sidecar under ``"scores"`` (pooled over the
            folds of a cross-validated run).
        folds : list of dict, optional
            ``Scan(cv=...)``: each fold's history, scores and outcome (``"folds"``).
        preprocess : mapping, optional
            ``Scan(preprocess=...)``: whether the run's data came from the cache, and the
            seconds spent preprocessing (``"preprocess"``).
        """
        record = {
            "run_id": row["run_id"],
            "round": row["round"],
            "history": dict(history or {}),
            "traceback": traceback,
        }
        if scores:
            record["scores"] = dict(scores)
        if folds:
            record["folds"] = list(folds)
        if preprocess:
            record["preprocess"] = dict(preprocess)
        if self.budgeted:  # a run's rungs are joined in rung order when read back
            record.update({c: row.get(c) for c in BUDGET_COLUMNS})
        self._history_file.write(json.dumps(record, default=json_default) + "\n")
        self._history_file.flush()
        metric_names = [k for k in row if k not in self._not_metrics]  # O(1) per key
        if (
            self.columns is None
            or self._previous_tail
            or not self._column_set.issuperset(metric_names)
        ):
            self._start_part(metric_names)
        assert self._csv_file is not None and self.columns is not None
        self._csv_file.write(
            csv_line([format_cell(row.get(column)) for column in self.columns]) + "\n"
        )
        self._csv_file.flush()
        if self.fsync:
            os.fsync(self._history_file.fileno())
            os.fsync(self._csv_file.fileno())

    @property
    def current_file(self) -> str:
        """The CSV part rows are appended to (``results.csv`` before the first row).

        Returns
        -------
        str
        """
        number = max(self._part_number, 1)
        name = "results.csv" if number == 1 else f"results-{number}.csv"
        return str(self.round_dir / name)

    def _start_part(self, metric_names: list[str]) -> None:
        known = [
            c
            for c in (self.columns or [])
            if c not in self.head and c not in TAIL_COLUMNS and c not in self.param_names
        ]
        columns = order_columns(
            self.param_names, sorted(set(known) | set(metric_names)), self.budgeted
        )
        if self._csv_file is not None:
            self._csv_file.close()
        self._part_number += 1
        name = "results.csv" if self._part_number == 1 else f"results-{self._part_number}.csv"
        # "x": a new part never replaces a file (nor follows a link) already there.
        self._csv_file = open(self.round_dir / name, "x", encoding="utf-8", newline="")  # noqa: SIM115
        self._csv_file.write(csv_line(columns) + "\n")
        self._csv_file.flush()
        if self.fsync:
            os.fsync(self._csv_file.fileno())
        self.columns = columns
        self._column_set = set(columns)
        self._previous_tail = False

    def close(self) -> None:
        """Close the files (rows are already on disk)."""
        for f in (self._csv_file, self._history_file):
            if f is not None and not f.closed:
                f.close()

    def __enter__(self) -> ResultLog:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def json_default(value: Any) -> Any:
    """``json.dumps``'s ``default``: NumPy scalars and arrays as Python values, else str."""
    if hasattr(value, "item"):
        return value.item()
    if hasattr(value, "tolist"):
        return value.tolist()
    return str(value)


def _part_number(path: Path) -> int:
    """1 for ``results.csv``, n for ``results-n.csv``."""
    stem = path.stem
    return int(stem.rpartition("-")[2]) if "-" in stem else 1
