"""The held-out check's bookkeeping, apart from training: which rows to refit, their real
parameter values, the table's column grammar and ``heldout.csv``.

:func:`scanlab.evaluate.evaluate` retrains the best configurations of a scan and scores them
on test data; this module picks them (:func:`top_rows`), turns a row's labels back into the
values the model function needs (:func:`decode_row`), names the columns
(:func:`heldout_columns`) and appends the finished rows to the experiment's ``heldout.csv``
(:func:`append_heldout`). Nothing here imports a deep-learning framework.

Examples
--------
>>> metric_base('mean_val_accuracy'), metric_base('val_recall_macro'), metric_base('loss')
('accuracy', 'recall_macro', 'loss')
>>> heldout_columns(['lr'], ['accuracy'])
['rank', 'run_id', 'round', 'lr', 'val_accuracy', 'test_accuracy', 'gap_accuracy', 'refit', 'status', 'error', 'duration_s']
"""

from __future__ import annotations

import csv
import itertools
import math
import os
import re
import stat
from collections.abc import Collection, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from scanlab._log_files import csv_line, cut_torn_tail
from scanlab._suggest_rules import as_number, result_label
from scanlab.analysis.runs import ok_mask
from scanlab.errors import NoRunsError, ResultsFormatError, ScanArgumentError, rule_message
from scanlab.space import ParamSpace

__all__ = [
    "HELDOUT_FILE",
    "append_heldout",
    "check_heldout_file",
    "decode_row",
    "experiment_folder",
    "heldout_columns",
    "metric_base",
    "top_rows",
    "validation_columns",
]

#: The file, in the experiment folder, that every held-out check appends its rows to.
HELDOUT_FILE = "heldout.csv"
#: Columns after the metric triples of every held-out row.
_TAIL = ("refit", "status", "error", "duration_s")
_ROUND_FOLDER = re.compile(r"round-\d+")


def metric_base(column: str) -> str:
    """A metric column's base name: without the fold mean's ``mean_`` and without ``val_``.

    Parameters
    ----------
    column : str
        A metric column (``val_accuracy``, ``mean_val_accuracy``, ``val_recall_macro``).

    Returns
    -------
    str
        The base name (``accuracy``, ``recall_macro``).
    """
    base = column[len("mean_") :] if column.startswith("mean_") else column
    return base[len("val_") :] if base.startswith("val_") else base


def validation_columns(metrics: Collection[str]) -> dict[str, str]:
    """The validation metrics of the runs, by base name: what the search selected on.

    Parameters
    ----------
    metrics : collection of str
        The metric columns (:attr:`scanlab.results.Results.metrics`).

    Returns
    -------
    dict
        Base name -> column, sorted by base: ``val_<b>``, or ``mean_val_<b>`` (the fold
        mean) in a cross-validated round.

    Examples
    --------
    >>> validation_columns(['loss', 'mean_val_loss', 'mean_loss', 'mean_val_accuracy'])
    {'accuracy': 'mean_val_accuracy', 'loss': 'mean_val_loss'}
    """
    found = {metric_base(m): m for m in metrics if m.startswith(("val_", "mean_val_"))}
    return dict(sorted(found.items()))


def heldout_columns(params: Sequence[str], bases: Sequence[str]) -> list[str]:
    """The columns of the held-out table, in order.

    Parameters
    ----------
    params : sequence of str
        Parameter names (their labels are the values shown).
    bases : sequence of str
        Metric base names: each gives ``val_<b>``, ``test_<b>`` and ``gap_<b>``.

    Returns
    -------
    list of str
        ``rank, run_id, round``, the parameters, the metric triples, ``refit, status,
        error, duration_s``.
    """
    triples = [f"{kind}_{b}" for b in bases for kind in ("val", "test", "gap")]
    return ["rank", "run_id", "round", *params, *triples, *_TAIL]


def top_rows(data: pd.DataFrame, metric: str, minimize: bool, top: int) -> pd.DataFrame:
    """The ``top`` best successful rows by ``metric``, one per run, best first.

    Parameters
    ----------
    data : DataFrame
        The runs (failed ones are skipped).
    metric : str
        The metric column to rank on.
    minimize : bool
        Whether lower is better.
    top : int
        How many rows at most.

    Returns
    -------
    DataFrame
        At most ``top`` rows; a run with several rows (a budgeted search's rungs) appears
        once, with its best row; rows without a value rank last. Ties (an accuracy measured
        on a small validation set ties often) go to the lower ``val_loss`` (``mean_val_loss``)
        when the rows have it.

    Raises
    ------
    NoRunsError
        When no row is ok.

    Examples
    --------
    >>> runs = pd.DataFrame({'run_id': ['a', 'b', 'c'], 'status': ['ok', 'ok', 'failed'],
    ...                      'val_loss': [0.5, 0.3, 0.1]})
    >>> top_rows(runs, 'val_loss', True, 5)['run_id'].tolist()
    ['b', 'a']
    >>> tied = pd.DataFrame({'run_id': ['a', 'b'], 'status': 'ok', 'val_accuracy': [0.9, 0.9],
    ...                      'val_loss': [0.4, 0.2]})
    >>> top_rows(tied, 'val_accuracy', False, 1)['run_id'].tolist()
    ['b']
    """
    ok = data[ok_mask(data)]
    if ok.empty:
        raise NoRunsError(
            rule_message(
                "source",
                "must hold successful runs to refit",
                f"{len(data)} runs, none with status 'ok'",
                "let the scan finish some runs first (their errors are in the error column)",
            )
        )
    values = pd.to_numeric(ok[metric], errors="coerce").reset_index(drop=True)
    keys = pd.DataFrame({"metric": values if minimize else -values})
    loss = next((c for c in ("val_loss", "mean_val_loss") if c in ok.columns), None)
    if loss is not None and loss != metric:  # ties (an accuracy on a small set): lower loss
        keys["loss"] = pd.to_numeric(ok[loss], errors="coerce").to_numpy()
    order = keys.sort_values(list(keys.columns), na_position="last", kind="stable").index
    ranked = ok.iloc[order]
    if "run_id" in ranked.columns:
        ranked = ranked.drop_duplicates("run_id", keep="first")
    return ranked.head(top)


def _same_label(cell: Any, label: str) -> bool:
    """Whether a results cell is ``label``: the same label, or the same number (suggest's
    matching rules, :func:`scanlab._suggest_rules.value_codes`)."""
    number = as_number(cell)
    return result_label(cell) == label or (number is not None and number == as_number(label))


def decode_row(space: ParamSpace, row: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """The real parameter values of a results row, recovered from its labels.

    Each cell is matched to the labels of its parameter's values; the run id (a hash of the
    labels, :func:`scanlab.space.run_id_for`) settles a cell that matches two labels.

    Parameters
    ----------
    space : ParamSpace
        The grid the row was drawn from.
    row : mapping
        A results row: one label per parameter, and its ``run_id`` when known.

    Returns
    -------
    (values, labels)
        Parameter name -> value (a class for ``'Adam'``), and name -> label.

    Raises
    ------
    ScanArgumentError
        When a parameter column is missing or holds a label the grid does not have.

    Examples
    --------
    >>> space = ParamSpace({'lr': [0.1, 0.01], 'optimizer': [dict, list]})
    >>> decode_row(space, {'lr': 0.01, 'optimizer': 'list'})
    ({'lr': 0.01, 'optimizer': <class 'list'>}, {'lr': '0.01', 'optimizer': 'list'})
    """
    choices = []
    for name in space.names:
        if name not in row:
            raise ScanArgumentError(
                rule_message(
                    "params",
                    "must name the parameters of the runs",
                    name,
                    f"the runs have no column {name!r}: pass the params dict of the scan "
                    f"that wrote them",
                )
            )
        names_labels = space.value_labels[name]
        found = [i for i, label in enumerate(names_labels) if _same_label(row[name], label)]
        if not found:
            raise ScanArgumentError(
                rule_message(
                    "params",
                    f"must hold the value every refitted run used ({name} is one of {names_labels})",
                    f"{name}={row[name]!r} of run {row.get('run_id')!r}",
                    "pass the params dict of the scan that wrote these runs",
                )
            )
        choices.append(found)
    decoded = [space.decode(space.index_of(c)) for c in itertools.product(*choices)]
    run_id = row.get("run_id")
    for values, labels, found_id in decoded:
        if isinstance(run_id, str) and found_id == run_id:
            return values, labels
    if len(decoded) == 1:
        return decoded[0][0], decoded[0][1]
    raise ScanArgumentError(
        rule_message(
            "params",
            "must tell the run's values apart (its labels match several values)",
            f"run {run_id!r}",
            "give every value of a parameter a distinct label",
        )
    )


def experiment_folder(folder: Path | None) -> Path | None:
    """The experiment folder of a round or experiment folder, where ``heldout.csv`` goes.

    Parameters
    ----------
    folder : Path or None
        Where the runs were read from (:attr:`scanlab.results.Results.folder`).

    Returns
    -------
    Path or None
        The parent of a ``round-NNN`` folder, a folder holding ``round-NNN`` folders
        itself; None for any other folder (a Talos CSV's) and for None.

    Examples
    --------
    >>> experiment_folder(Path('results/bc/round-002')).as_posix()
    'results/bc'
    """
    if folder is None:
        return None
    if _ROUND_FOLDER.fullmatch(folder.name):
        return folder.parent
    if folder.is_dir() and any(_ROUND_FOLDER.fullmatch(p.name) for p in folder.iterdir()):
        return folder
    return None


def _header(path: Path) -> list[str] | None:
    """The header of an existing ``heldout.csv``; None when it is missing or empty."""
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return None
    if not stat.S_ISREG(mode):
        raise ResultsFormatError(
            rule_message(
                "save",
                "appends to a regular file only (never through a link)",
                str(path),
                "replace it with a copy of the file, or pass save=False",
            )
        )
    with open(path, encoding="utf-8-sig", newline="") as f:
        return next(csv.reader(f), None)


def check_heldout_file(path: Path, columns: Sequence[str]) -> None:
    """Raise before any training when rows with ``columns`` cannot be appended to ``path``.

    Parameters
    ----------
    path : Path
        The experiment's ``heldout.csv`` (missing is fine).
    columns : sequence of str
        The columns of the rows to append (without ``evaluated_at``).

    Raises
    ------
    ResultsFormatError
        When the file is a link or special file, or its header lacks one of ``columns``.
    """
    header = _header(path)
    if header is None:
        return
    missing = [c for c in [*columns, "evaluated_at"] if c not in header]
    if missing:
        raise ResultsFormatError(
            rule_message(
                "save",
                f"appends to {str(path)!r}, whose header lacks columns of these rows",
                missing,
                "pass save=False (the returned table holds the rows), or move the old "
                "heldout.csv aside to start a new one",
            )
        )


def append_heldout(path: Path, table: pd.DataFrame) -> None:
    """Append the rows of ``table`` to ``heldout.csv``: header once, flushed and fsynced.

    Parameters
    ----------
    path : Path
        The file; created with a header when missing. A torn last line is cut first.
    table : DataFrame
        The held-out rows; an ``evaluated_at`` column (UTC, ISO 8601) is added.
    """
    check_heldout_file(path, list(table.columns))
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        cut_torn_tail(fd)  # a write killed midway: its line goes, the rows before it stay
    finally:
        os.close(fd)
    header = _header(path)
    now = datetime.now(UTC).isoformat(timespec="seconds")
    records = table.assign(evaluated_at=now)
    lines = [] if header else [csv_line(list(records.columns))]
    records = records.reindex(columns=header or list(records.columns))
    for row in records.itertuples(index=False):
        lines.append(csv_line(["" if _blank(v) else str(v) for v in row]))
    with open(path, "a", encoding="utf-8", newline="") as f:
        f.write("\n".join(lines) + "\n")
        f.flush()
        os.fsync(f.fileno())


def _blank(value: Any) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))
