"""The files of a results folder, found and read into frames: a round's CSV parts, the rounds
of an experiment, and Talos's CSVs mapped onto scanlab's columns (the history sidecar is read
by :mod:`scanlab._histories`).

A file's bytes are made safe to parse by :mod:`scanlab._csv_text` (byte-order mark skipped,
quoted column names read back, a torn last line ignored, binary data raising). Reading never
changes a file: a torn last line is cut only by the writer (:class:`scanlab.log.ResultLog`)
before it appends. Anything else that is wrong inside a file raises
:class:`~scanlab.errors.ResultsFormatError` naming the file, the line and the fix (a line
with the wrong number of fields, a bad status, text in a number column), except a run
recorded twice in a round: its first row is kept, with a warning naming the lines.
"""

from __future__ import annotations

import io
import re
import warnings
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from scanlab._csv_text import (
    CSV_FIX,
    complete_records,
    decode_text,
    parse_failure,
    row_lines,
)
from scanlab._schema import (
    NUMERIC_RESERVED_COLUMNS,
    REQUIRED_COLUMNS,
    STATUSES,
    TALOS_DROPPED_COLUMNS,
    TALOS_RENAMED_COLUMNS,
    is_numeric,
    is_reserved,
)
from scanlab.errors import ResultsFormatError

__all__ = [
    "from_talos",
    "newest_attempts",
    "read_csv_part",
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


def read_round(
    round_dir: Path, params: Sequence[str] | None = None, attempts: bool = False
) -> pd.DataFrame:
    """The rows of one scanlab round folder (every CSV part), typed.

    A torn last line is ignored; a corrupt line elsewhere raises
    :class:`~scanlab.errors.ResultsFormatError` naming the file and the line. A row copied
    by hand (an exact copy of an earlier row, or any row after the run's ``ok`` row) is
    ignored, with a warning naming the file and the lines. A failed run retried on resume
    has a row per attempt: the newest one is kept unless ``attempts`` is true.

    Parameters
    ----------
    round_dir : path-like
        A round folder.
    params : sequence of str, optional
        The round's parameter names (from its manifest); then every other column that is not
        bookkeeping is a metric, and a metric cell that is not a number raises.
    attempts : bool, default False
        Keep every attempt of a retried run (in file order), not only the newest.

    Returns
    -------
    DataFrame
        The parts' rows concatenated (:func:`typed`); an empty table with the required
        columns when there is none.
    """
    read = [(p, *_read_part(p, params)) for p in result_parts(Path(round_dir))]
    read = [(p, frame, lines) for p, frame, lines in read if len(frame.columns)]
    if not read:
        return typed(pd.DataFrame(columns=list(REQUIRED_COLUMNS)))
    frame = pd.concat([f for _, f, _ in read], ignore_index=True, sort=False)
    frame = _drop_repeated_runs(frame, [(p, lines) for p, _, lines in read])
    return typed(frame if attempts else newest_attempts(frame))


def read_csv_part(
    path: Path, params: Sequence[str] | None = None, attempts: bool = False
) -> pd.DataFrame:
    """One results CSV (scanlab's or Talos's), checked but not typed.

    A row copied by hand is ignored, with a warning; of a retried run's attempts the newest
    row is kept (every attempt when ``attempts`` is true).

    Parameters
    ----------
    path : Path
        The CSV file; a byte-order mark is skipped, a torn last line is ignored.
    params : sequence of str, optional
        The parameter names, when known (a manifest): every other column that is not
        bookkeeping is then a metric, and must hold numbers.
    attempts : bool, default False
        Keep every attempt of a retried run.

    Returns
    -------
    DataFrame
        Its rows (a Talos table mapped by :func:`from_talos`); an empty DataFrame when the
        file holds no complete line.

    Raises
    ------
    ResultsFormatError
        When the file cannot be parsed (binary data, a line with more fields than the
        header), lacks the required columns, has a row inside it with a bad status (or, for
        scanlab's files, no duration), or a number column with text in it.
    """
    frame, lines = _read_part(Path(path), params)
    frame = _drop_repeated_runs(frame, [(Path(path), lines)])
    return frame if attempts else newest_attempts(frame)


def _read_part(path: Path, params: Sequence[str] | None) -> tuple[pd.DataFrame, Sequence[int]]:
    """One CSV part's rows, checked, and the line number of each row in the file."""
    if not path.is_file():
        raise ResultsFormatError(
            f"{str(path)!r} is not a regular file, so it cannot be a results file. Fix: "
            f"move it out of the round folder, or point to the results CSV itself."
        )
    found = complete_records(path)
    if found is None:
        return pd.DataFrame(), []
    data, end = found
    text = decode_text(path, data, CSV_FIX)
    with warnings.catch_warnings():
        warnings.simplefilter("error", pd.errors.ParserWarning)
        try:
            frame = pd.read_csv(
                io.StringIO(text),
                dtype={"run_id": str, "error": str, "status": str},
                keep_default_na=True,
                index_col=False,
            )
        except (pd.errors.ParserError, pd.errors.ParserWarning) as exc:
            raise ResultsFormatError(parse_failure(path, text, exc)) from None
    lines = row_lines(data, end, len(frame))
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
        line = lines[int(bad.to_numpy().argmax())]
        raise ResultsFormatError(
            f"{str(path)!r} is corrupt at line {line}: it does not have the file's "
            f"{len(frame.columns)} columns with a status in {list(STATUSES)}. Only the last "
            f"line may be torn by a crash; this one is inside the file. Fix: {CSV_FIX}"
        )
    if native:
        _check_numbers(path, frame, lines, params)
    return frame, lines


def _check_numbers(
    path: Path, frame: pd.DataFrame, lines: Sequence[int], params: Sequence[str] | None
) -> None:
    """Raise when a number column (bookkeeping, or a metric when the params are known) holds
    text; make the column numeric otherwise."""
    columns = [c for c in NUMERIC_RESERVED_COLUMNS if c in frame.columns]
    if params is not None and set(params) <= set(frame.columns):
        columns += [
            c
            for c in frame.columns
            if isinstance(c, str) and c not in set(params) and not is_reserved(c)
        ]
    for column in columns:
        values = frame[column]
        if is_numeric(values) or pd.api.types.is_bool_dtype(values.dtype):
            continue
        numbers = pd.to_numeric(values, errors="coerce")
        bad = values.notna() & numbers.isna()
        if bad.any():
            row = int(bad.to_numpy().argmax())
            raise ResultsFormatError(
                f"{str(path)!r} is corrupt at line {lines[row]}, column {column!r}: "
                f"{values.iloc[row]!r} is not a number, and {column!r} holds numbers (a metric "
                f"or scanlab's bookkeeping; empty for a failed run). Fix: put the number back "
                f"(a metric's per-epoch values are in history.jsonl under run_id "
                f"{frame['run_id'].iloc[row]!r}; the column holds the last one) or empty the "
                f"cell, then read or resume again."
            )
        frame[column] = numbers


def _drop_repeated_runs(
    frame: pd.DataFrame, parts: list[tuple[Path, Sequence[int]]]
) -> pd.DataFrame:
    """Drop the rows of a (round, run_id[, rung]) that scanlab never writes; warn naming
    their lines.

    scanlab writes a run again only to retry a failed attempt, so a row that repeats an
    earlier row exactly, or comes after the run's ``ok`` row, was copied by hand (or a file
    was appended twice). ``parts`` names the file and the line of each row, part after part,
    in frame order.
    """
    if "run_id" not in frame.columns or len(frame) < 2:
        return frame
    key = [c for c in ("round", "run_id", "rung") if c in frame.columns]
    status = frame["status"] if "status" in frame.columns else pd.Series("", index=frame.index)
    ok = (status == "ok").astype(int)
    oks_before = ok.groupby([frame[c] for c in key], dropna=False).cumsum() - ok
    repeated = (frame.duplicated(keep="first") | (oks_before > 0)) & frame["run_id"].notna()
    if not repeated.any():
        return frame
    several_files = len(parts) > 1

    def at(i: int) -> str:
        for path, lines in parts:
            if i < len(lines):
                return f"{path.name} line {lines[i]}" if several_files else f"line {lines[i]}"
            i -= len(lines)
        return f"row {i}"  # not reached: every row has a line

    first: dict[tuple, int] = {}
    notes = []
    for i, values in enumerate(frame[key].itertuples(index=False, name=None)):
        if values not in first:
            first[values] = i
        elif repeated.iloc[i]:
            notes.append(f"run_id {values[-1]!r} at {at(i)} repeats {at(first[values])}")
    source = parts[0][0].parent if several_files else parts[0][0]
    shown = "; ".join(notes[:10]) + (f"; and {len(notes) - 10} more" if len(notes) > 10 else "")
    warnings.warn(
        f"{str(source)!r} records {len(notes)} run(s) more than once: {shown}. Kept the "
        f"first row of each run and ignored the repeats (scanlab writes a run again only to "
        f"retry a failed attempt, never after its ok row nor as an exact copy: a repeat is a "
        f"row copied by hand or a file appended twice). Fix: delete the repeated lines.",
        UserWarning,
        stacklevel=4,
    )
    return frame[~repeated].reset_index(drop=True)


def newest_attempts(frame: pd.DataFrame) -> pd.DataFrame:
    """Keep the newest row of each (round, run_id), of each rung in a budgeted round: a
    retried run's latest attempt.

    Parameters
    ----------
    frame : DataFrame
        Rows in file order (every attempt).

    Returns
    -------
    DataFrame
        ``frame`` without the earlier attempts (``frame`` itself when there are none).

    Examples
    --------
    >>> rows = pd.DataFrame({'run_id': ['a', 'b', 'a'], 'status': ['failed', 'ok', 'ok']})
    >>> newest_attempts(rows)['status'].tolist()
    ['ok', 'ok']
    """
    if "run_id" not in frame.columns or len(frame) < 2:
        return frame
    key = [c for c in ("round", "run_id", "rung") if c in frame.columns]  # budgeted: per rung
    earlier = frame.duplicated(subset=key, keep="last") & frame["run_id"].notna()
    return frame[~earlier].reset_index(drop=True) if earlier.any() else frame


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
