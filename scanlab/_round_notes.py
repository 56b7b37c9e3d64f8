"""What a scan tells its user about the round as a whole: resumed, complete, failed runs
retried, runs reused from earlier rounds, and the error that ends a round without an ok run.

Notes go to stderr (where the progress bar is) unless the progress bar is disabled; the
engine (:mod:`scanlab._engine`) decides when to say them.
"""

from __future__ import annotations

import contextvars
import json
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from scanlab._schema import HISTORY_FILE

__all__ = [
    "KEPT_FAILURES",
    "NEW_ROUND_HOW",
    "all_failed_message",
    "complete_note",
    "read_traceback",
    "resume_note",
    "retry_fix",
    "reuse_note",
    "say",
]

#: How a user starts a new round, as the complete-round note says it: a Python caller
#: changes the Scan's arguments; the command line sets its own words (``scanlab demo``).
NEW_ROUND_HOW: contextvars.ContextVar[str] = contextvars.ContextVar(
    "NEW_ROUND_HOW",
    default="change params or the sampling (seed, fraction_limit, round_limit), or pass "
    "resume=False",
)

#: Failed runs a resume keeps as results, by the start of their ``error``: a non-finite
#: loss and a ``FailedRunError`` are outcomes of the run, not accidents; a run that killed
#: the scan process twice (``ProcessDied``) would kill it again.
KEPT_FAILURES = ("NonFiniteLoss", "FailedRunError", "ProcessDied")


def retry_fix(retry_failed: bool) -> str:
    """The fix a message about failed runs ends with.

    Parameters
    ----------
    retry_failed : bool
        The Scan's ``retry_failed``.

    Returns
    -------
    str

    Examples
    --------
    >>> retry_fix(True)[:70]
    'fix the model and run the same call again: failed runs are retried (th'
    """
    if not retry_failed:
        return (
            "fix the model and run it with resume=False (a new round): retry_failed=False "
            "keeps failed runs as they are"
        )
    return (
        "fix the model and run the same call again: failed runs are retried (those that "
        "ended with a non-finite loss, FailedRunError or ProcessDied are kept as results; "
        "resume=False trains everything in a new round)"
    )


def say(disabled: bool, text: str) -> None:
    """Print one note about the round to stderr, unless the progress bar is disabled.

    Parameters
    ----------
    disabled : bool
        ``disable_progress_bar``: then nothing is printed.
    text : str
        The note.
    """
    if not disabled:
        print(text, file=sys.stderr, flush=True)


def _counts(rows: pd.DataFrame) -> str:
    ok = int((rows["status"] == "ok").sum()) if len(rows) else 0
    return f"{len(rows)} runs ({ok} ok, {len(rows) - ok} failed)"


def complete_note(
    number: int, latest: int, round_dir: Path, rows: pd.DataFrame, retry_failed: bool
) -> str:
    """The note for a call whose round has nothing left to train.

    Parameters
    ----------
    number, latest : int
        The round resumed and the experiment's latest round.
    round_dir : Path
        The round folder.
    rows : DataFrame
        The round's rows (own and reused).
    retry_failed : bool
        Whether failed runs are retried (else they are part of the complete round).

    Returns
    -------
    str

    Examples
    --------
    >>> rows = pd.DataFrame({'status': ['ok', 'ok']})
    >>> complete_note(1, 1, Path('results/x/round-001'), rows, True).split(';')[0]
    'round 1 is complete: 2 runs (2 ok, 0 failed) in results/x/round-001'
    """
    later = f" (this call matches round {number}; the latest round is {latest})"
    failed = "" if retry_failed else " (retry_failed=False keeps the failed ones)"
    return (
        f"round {number} is complete: {_counts(rows)} in {round_dir}"
        f"{later if latest > number else ''}; nothing left to train{failed}. To see the "
        f"results: scanlab show {round_dir.parent}. To start a new round: "
        f"{NEW_ROUND_HOW.get()}."
    )


def resume_note(number: int, latest: int, done: int, retried: int) -> str | None:
    """The note for a call that resumes an earlier round, or retries failed runs.

    Parameters
    ----------
    number, latest : int
        The round resumed and the experiment's latest round.
    done : int
        Runs of the round already on disk and kept.
    retried : int
        Failed runs of the round that will be trained again.

    Returns
    -------
    str or None
        None when there is nothing to say (a new round, or the latest one resumed without
        failed runs).

    Examples
    --------
    >>> resume_note(1, 4, 12, 0)
    'resuming round 1 (this call matches its settings; the latest round is 4): 12 runs on disk'
    """
    parts = []
    if latest > number:
        parts.append(
            f"resuming round {number} (this call matches its settings; the latest round is "
            f"{latest}): {done} runs on disk"
        )
    if retried:
        parts.append(
            f"retrying {retried} failed run(s) of round {number} (their failed rows stay on "
            f"disk; the newest row of a run is the one read back; Scan(retry_failed=False) "
            f"keeps them instead)"
        )
    return "; ".join(parts) or None


def reuse_note(number: int, by_round: Mapping[int, int]) -> str:
    """The note for runs a round took from earlier rounds instead of training them.

    Parameters
    ----------
    number : int
        The round.
    by_round : mapping
        Source round number -> runs reused from it.

    Returns
    -------
    str

    Examples
    --------
    >>> reuse_note(2, {1: 3})
    'round 2 reused 3 run(s) already trained with the same data and model (3 from round 1) instead of training them again; they are listed in its manifest under "reused"'
    """
    total = sum(by_round.values())
    where = ", ".join(f"{n} from round {r}" for r, n in sorted(by_round.items()))
    return (
        f"round {number} reused {total} run(s) already trained with the same data and model "
        f'({where}) instead of training them again; they are listed in its manifest under "reused"'
    )


def read_traceback(round_dir: Path, run_id: str) -> str | None:
    """The newest traceback recorded for ``run_id`` in a round's history sidecar.

    Parameters
    ----------
    round_dir : Path
        The round folder.
    run_id : str
        The run.

    Returns
    -------
    str or None
        None when the sidecar has none (or cannot be read).
    """
    found = None
    try:
        lines = (round_dir / HISTORY_FILE).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    for line in lines.splitlines():
        if run_id not in line:
            continue
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if isinstance(record, dict) and str(record.get("run_id")) == run_id:
            found = record.get("traceback") or found
    return found


def all_failed_message(
    number: int,
    round_dir: Path,
    rows: pd.DataFrame,
    first: tuple[str, Any, str | None] | None,
    retry_failed: bool = True,
) -> str:
    """The error that ends a round in which no run succeeded.

    Parameters
    ----------
    number : int
        The round.
    round_dir : Path
        The round folder.
    rows : DataFrame
        The round's rows (every one failed).
    first : tuple, optional
        ``(run_id, labels, traceback)`` of the first run that failed in this call; default:
        the first failed row on disk and its recorded traceback.
    retry_failed : bool, default True
        The Scan's ``retry_failed`` (decides the fix the message gives).

    Returns
    -------
    str
    """
    if first is None:
        row = rows.iloc[0]
        run_id = str(row["run_id"])
        first = (run_id, None, read_traceback(round_dir, run_id) or str(row.get("error")))
    run_id, labels, trace = first
    shown = f" {dict(labels)}" if labels else ""
    return (
        f"every run of round {number} failed ({len(rows)} of {len(rows)}): no model trained "
        f"successfully. The failed rows are on disk in {str(round_dir)!r} (status='failed'; "
        f"tracebacks in {HISTORY_FILE}); {retry_fix(retry_failed)}. The first failed run, {run_id}{shown}, "
        f"failed with:\n{trace}"
    )
