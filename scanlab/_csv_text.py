"""A results CSV's bytes made safe to parse: the byte-order mark skipped, the header record
found (quoted column names may hold line breaks), a torn last line dropped, the text decoded
(binary junk raises naming the file and the line), and each row's line number in the file.

Reading never changes a file; the writer (:class:`scanlab.log.ResultLog`) cuts a torn tail
before it appends. What the rows mean (columns, statuses, numbers) is checked by
:mod:`scanlab._files`.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Sequence
from pathlib import Path

from scanlab.errors import ResultsFormatError

__all__ = [
    "BOM",
    "CSV_FIX",
    "complete_records",
    "decode_text",
    "header_end",
    "parse_failure",
    "parse_header",
    "row_lines",
    "strip_bom",
]

BOM = codecs.BOM_UTF8

CSV_FIX = (
    "delete that line or restore the file from a backup (only the last line may be torn by a "
    "crash, and it is ignored), then read or resume again."
)

_BLANK_LINE = re.compile(rb"\n[ \t\r]*\n")


def strip_bom(data: bytes) -> bytes:
    """``data`` without a leading UTF-8 byte-order mark (Excel writes one when it saves CSV).

    Parameters
    ----------
    data : bytes
        The start of a file, or all of it.

    Returns
    -------
    bytes
        ``data`` without its first three bytes when they are a BOM, else ``data``.
    """
    return data[len(BOM) :] if data.startswith(BOM) else data


def header_end(data: bytes) -> int | None:
    """Where the header record of CSV ``data`` ends: just past its line end.

    A column name with a comma, a quote or a line break is written quoted (by
    :class:`csv.writer`), so the header ends at the first line end outside quotes.

    Parameters
    ----------
    data : bytes
        The file's bytes (without a BOM).

    Returns
    -------
    int or None
        The offset of the first byte after the header's line end; None when there is no
        complete header (an empty file, or a header torn by a crash).

    Examples
    --------
    >>> header_end(b'run_id,"a\\nb"\\nx,1\\n'), header_end(b'run_id,"a\\nb')
    (13, None)
    """
    quotes = 0
    start = 0
    while True:
        newline = data.find(b"\n", start)
        if newline < 0:
            return None
        quotes += data.count(b'"', start, newline)
        if quotes % 2 == 0:
            return newline + 1
        start = newline + 1


def decode_text(path: Path, data: bytes, fix: str) -> str:
    """UTF-8 text of ``data`` read from ``path``; binary junk raises naming the file and line.

    Parameters
    ----------
    path : Path
        The file, for the message.
    data : bytes
        Its bytes (without a BOM).
    fix : str
        What to do about a line that is not text, for the message.

    Returns
    -------
    str

    Raises
    ------
    ResultsFormatError
        When ``data`` is not UTF-8: names the file, the line and the byte.
    """
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise ResultsFormatError(
            f"{str(path)!r} is corrupt at line {line}: byte {data[exc.start : exc.start + 1]!r} "
            f"is not UTF-8 text, so that line holds binary data scanlab never writes. "
            f"Fix: {fix}"
        ) from None


def parse_header(path: Path, data: bytes) -> list[str]:
    """The column names of a CSV header record (``data[:header_end(data)]``).

    Parameters
    ----------
    path : Path
        The file, for messages.
    data : bytes
        The header record's bytes, line end included, without a BOM.

    Returns
    -------
    list of str
    """
    text = decode_text(path, data, CSV_FIX)
    return next(csv.reader(io.StringIO(text, newline="")), [])


def complete_records(path: Path) -> tuple[bytes, int] | None:
    """The bytes of ``path`` that are whole records (no BOM, no torn last line).

    Parameters
    ----------
    path : Path
        A CSV file.

    Returns
    -------
    tuple of (bytes, int) or None
        The bytes and where the header ends (:func:`header_end`); None when there is no
        complete header.
    """
    data = strip_bom(Path(path).read_bytes())
    end = header_end(data)
    if end is None:
        return None
    if not data.endswith(b"\n"):
        data = data[: max(end, data.rfind(b"\n") + 1)]  # drop the torn last line
    return data, end


def row_lines(data: bytes, end: int, rows: int) -> Sequence[int]:
    """The line number in the file of each of the ``rows`` records after the header.

    Parameters
    ----------
    data : bytes
        The file's complete records (:func:`complete_records`).
    end : int
        Where the header ends.
    rows : int
        How many rows the parser read.

    Returns
    -------
    sequence of int
        One line number per row (1-based); blank lines, which the parser skips, are counted.

    Examples
    --------
    >>> list(row_lines(b'a,b\\n1,2\\n\\n3,4\\n', 4, 2))
    [2, 4]
    """
    header_lines = data.count(b"\n", 0, end)
    lines: Sequence[int] = range(header_lines + 1, header_lines + 1 + rows)
    if _BLANK_LINE.search(data, end - 1):  # pandas skips blank lines: count them
        body = data[end:].split(b"\n")[:-1]
        lines = [header_lines + i + 1 for i, line in enumerate(body) if line.strip()]
    if len(lines) != rows:  # records spanning lines (a foreign CSV): count records
        lines = range(header_lines + 1, header_lines + 1 + rows)
    return lines


def parse_failure(path: Path, text: str, exc: Exception) -> str:
    """The message for a CSV the parser cannot read: the first line with too many fields.

    Parameters
    ----------
    path : Path
        The file, for the message.
    text : str
        Its decoded text.
    exc : Exception
        The parser's error, quoted when no line has too many fields.

    Returns
    -------
    str
    """
    records = csv.reader(io.StringIO(text, newline=""))
    width = len(next(records, []))
    for record in records:
        if len(record) > width:
            return (
                f"{str(path)!r} is corrupt at line {records.line_num}: it has {len(record)} "
                f"fields where the header has {width} columns. Fix: {CSV_FIX}"
            )
    return f"{str(path)!r} is corrupt: {str(exc).strip()}. Fix: {CSV_FIX}"
