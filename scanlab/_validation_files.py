"""The validation records of a results folder, read as data (JSON and CSV only, never
unpickled or imported): each run's per-class scores from the ``history.jsonl`` sidecars, and
the held-out check's ``heldout.csv`` of the experiment.

``Scan(scoring=[...])`` adds ``"scores"`` (``labels``, ``confusion_matrix``, per-class
``precision``, ``recall``, ``f1``, ``support``) to every ok run's history record; in a
cross-validated round the record's ``"scores"`` is the out-of-fold matrix summed over the
folds and ``"folds"`` holds each fold's. :func:`scanlab.evaluate` appends to
``<experiment>/heldout.csv``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pandas as pd

from scanlab._csv_text import decode_text, strip_bom
from scanlab._files import round_dirs
from scanlab._manifest import read_manifest
from scanlab._reuse import reused_ids
from scanlab._schema import HISTORY_FILE
from scanlab.errors import ResultsFormatError

__all__ = ["HELDOUT_FILE", "experiment_folder", "read_heldout", "read_scores"]

#: The held-out check's table, in the experiment folder.
HELDOUT_FILE = "heldout.csv"

_FIX = (
    "delete that line or restore the file from a backup (only the last line may be torn by a "
    "crash, and it is ignored)."
)


def _records(file: Path) -> list[dict[str, Any]]:
    """The JSON objects of a sidecar, one a line; a torn last line is ignored."""
    data = strip_bom(file.read_bytes())
    data = data[: data.rfind(b"\n") + 1]
    out = []
    for number, line in enumerate(decode_text(file, data, _FIX).split("\n"), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except ValueError as exc:
            raise ResultsFormatError(
                f"{str(file)!r} is corrupt at line {number}: it is not a JSON object ({exc}). "
                f"Fix: {_FIX}"
            ) from None
        if isinstance(record, dict) and "run_id" in record:
            out.append(record)
    return out


def _round_scores(folder: Path) -> dict[str, dict[str, Any]]:
    file = folder / HISTORY_FILE
    found: dict[str, dict[str, Any]] = {}
    if not file.is_file():
        return found
    for record in _records(file):
        scores = record.get("scores")
        if isinstance(scores, dict):
            folds = record.get("folds")
            n_folds = len(folds) if isinstance(folds, list) else 0
            found[str(record["run_id"])] = {**scores, "n_folds": n_folds}
    return found


def read_scores(path: str | os.PathLike[str]) -> dict[str, dict[str, Any]]:
    """Per-class scores by ``run_id`` from a round or experiment folder's sidecars.

    Later records win (a run recorded again, or the same run in a later round). A round
    folder adds the scores of the runs it reused, read from the rounds that trained them.

    Parameters
    ----------
    path : str or path-like
        A round folder, an experiment folder (every round) or a file in a round folder.

    Returns
    -------
    dict
        ``{run_id: scores}``: each the record's ``"scores"`` mapping plus ``n_folds`` (the
        number of folds pooled; 0 for a run without folds). Empty when no run was scored.

    Raises
    ------
    ResultsFormatError
        When a sidecar line other than the last is not JSON.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / 'history.jsonl').write_text(json.dumps({'run_id': 'a', 'history': {},
    ...     'scores': {'labels': [0, 1], 'confusion_matrix': [[3, 1], [0, 4]]}}) + '\\n')
    >>> read_scores(folder)['a']['confusion_matrix']
    [[3, 1], [0, 4]]
    """
    folder = Path(path)
    folder = folder.parent if folder.is_file() else folder
    if (folder / HISTORY_FILE).is_file() or not round_dirs(folder):
        found = _round_scores(folder)
        for number, ids in sorted(reused_ids(read_manifest(folder)).items()):
            source = _round_scores(folder.parent / f"round-{number:03d}")
            found.update({i: source[i] for i in ids if i in source})
        return found
    found = {}
    for round_dir in round_dirs(folder):
        found.update(_round_scores(round_dir))
    return found


def experiment_folder(path: str | os.PathLike[str]) -> Path:
    """The experiment folder of a round folder, an experiment folder or a file in either.

    Parameters
    ----------
    path : str or path-like
        A results path.

    Returns
    -------
    Path
        ``path`` itself when it holds rounds or a ``heldout.csv``; else its parent when
        ``path`` is a round folder (``round-NNN``); else ``path``.

    Examples
    --------
    >>> experiment_folder('results/exp/round-002').as_posix()
    'results/exp'
    """
    folder = Path(path)
    folder = folder.parent if folder.is_file() else folder
    if (folder / HELDOUT_FILE).is_file() or round_dirs(folder):
        return folder
    return folder.parent if folder.name.startswith("round-") else folder


def read_heldout(path: str | os.PathLike[str]) -> pd.DataFrame | None:
    """The rows of the experiment's ``heldout.csv``; None when there is none.

    Parameters
    ----------
    path : str or path-like
        The experiment folder, one of its round folders, or a file in either.

    Returns
    -------
    DataFrame or None

    Raises
    ------
    ResultsFormatError
        When the file is not a readable CSV.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> read_heldout(folder) is None
    True
    >>> _ = (folder / 'heldout.csv').write_text('rank,run_id,val_accuracy,test_accuracy\\n1,a,0.9,0.8\\n')
    >>> read_heldout(folder)['test_accuracy'].tolist()
    [0.8]
    """
    file = experiment_folder(path) / HELDOUT_FILE
    if not file.is_file():
        return None
    try:
        return pd.read_csv(file, dtype={"run_id": str})
    except (ValueError, UnicodeDecodeError) as exc:
        raise ResultsFormatError(
            f"{str(file)!r} is not a readable CSV ({exc}). Fix: restore it from a backup, or "
            "delete it and run scanlab.evaluate(...) again."
        ) from None
