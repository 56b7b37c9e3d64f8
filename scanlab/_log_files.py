"""The files of a round's results log, checked before anything is appended: no link or
special file, a header scanlab writes for this round, a sidecar that is scanlab's, and a
torn last line (a write killed midway) cut off."""

from __future__ import annotations

import csv
import io
import json
import os
import stat
from pathlib import Path

from scanlab._csv_text import strip_bom
from scanlab._schema import PREVIOUS_TAIL_COLUMNS, RESERVED_COLUMNS, TAIL_COLUMNS
from scanlab.errors import ResultsFormatError

__all__ = [
    "check_history",
    "csv_line",
    "cut_torn_tail",
    "header_problem",
    "header_tail",
    "read_at",
    "refuse_special_file",
]


def read_at(fd: int, size: int, offset: int) -> bytes:
    """Up to ``size`` bytes of an open file from ``offset`` (``os.pread`` is POSIX-only)."""
    os.lseek(fd, offset, os.SEEK_SET)
    return os.read(fd, size)


def csv_line(fields: list[str]) -> str:
    """One CSV record without its line end, quoted as :mod:`csv` quotes (header and rows)."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(fields)
    return buffer.getvalue()[:-1]


def refuse_special_file(path: Path) -> None:
    """Raise unless ``path`` is missing or a regular file (a link is refused, not followed)."""
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return
    if stat.S_ISREG(mode):
        return
    if stat.S_ISLNK(mode):
        kind = "a symbolic link"
        fix = (
            f"replace the link with a copy of the file it points to (in the round folder: "
            f'cp --remove-destination "$(readlink -f {path.name})" {path.name})'
        )
    else:
        kind = "not a regular file"
        fix = "move it out of the round folder"
    raise ResultsFormatError(
        f"{str(path)!r} is {kind}: scanlab appends to (and may cut the torn last line of) a "
        f"round's own files only, never through a link into a file it did not create. Nothing "
        f"was written and no run was trained. Fix: {fix}, or pass resume=False to start a new "
        f"round."
    )


def header_problem(header: list[str], params: list[str], head: tuple[str, ...]) -> str | None:
    """What makes ``header`` other than ``order_columns(params, metrics)`` with the head
    columns ``head``; None if nothing."""
    n, h = len(params), len(head)
    if header[:h] != list(head):
        return f"it starts with {header[:h]}, not {list(head)}"
    found = header[h : h + n]
    if found != params:
        return f"its parameter columns are {found}, but this round's params are {params}"
    tail = header_tail(header)
    if tail is None or len(header) < h + n + len(tail):
        return f"it ends with {header[-len(TAIL_COLUMNS) :]}, not {list(TAIL_COLUMNS)}"
    metrics = header[h + n : -len(tail)]
    clash = [m for m in metrics if m in RESERVED_COLUMNS or m in params]
    if clash or metrics != sorted(set(metrics)):
        return f"its metric columns {metrics} are not distinct, sorted history keys"
    return None


def header_tail(header: list[str]) -> tuple[str, ...] | None:
    """The tail columns ``header`` ends with: today's, or those written before
    ``stopped_epoch`` and ``metrics_from`` existed (still resumed); None for neither."""
    for tail in (TAIL_COLUMNS, PREVIOUS_TAIL_COLUMNS):
        if tuple(header[-len(tail) :]) == tail:
            return tail
    return None


def check_history(path: Path, fd: int) -> None:
    """Raise unless the sidecar is empty or starts like scanlab's (a JSON record with run_id)."""
    data = strip_bom(read_at(fd, 1 << 20, 0))
    if not data.strip():
        return
    newline = data.find(b"\n")
    first = data[:newline] if newline >= 0 else data
    start = b'{"run_id": '
    if newline < 0 and (start.startswith(first) or first.startswith(start)):
        return  # a first record torn by a crash
    try:
        record = json.loads(first)
    except ValueError:
        record = None
    if isinstance(record, dict) and "run_id" in record:
        return
    raise ResultsFormatError(
        f"{str(path)!r} cannot be resumed: it is not scanlab's history sidecar (its first line "
        f"is {first[:80]!r}, not a JSON record with a run_id), so nothing is appended to it "
        f"and no run was trained. Fix: if it is scanlab's, restore it from a backup; "
        f"otherwise move it out of the round folder, or pass resume=False to start a new "
        f"round."
    )


def cut_torn_tail(fd: int) -> None:
    """Remove an unfinished last line (no newline) of an open file: a write killed midway."""
    size = os.fstat(fd).st_size
    if size == 0 or read_at(fd, 1, size - 1) == b"\n":
        return
    # Walk back to the last newline; rows are short, so read the tail in blocks.
    end = size
    while end > 0:
        start = max(0, end - 65536)
        block = read_at(fd, end - start, start)
        cut = block.rfind(b"\n")
        if cut >= 0:
            os.ftruncate(fd, start + cut + 1)
            return
        end = start
    os.ftruncate(fd, 0)
