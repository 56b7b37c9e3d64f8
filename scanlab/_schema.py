"""The results schema: which columns a results row has, in which order, and Talos's mapping.

A row of ``results.csv`` (see ``docs/results-format.md``) is::

    run_id, round, status, <one column per parameter, sorted>, <final value of each history
    key, sorted>, epochs_run, best_epoch, best_value, start, end, duration_s, error

This module is the one place that says so: the writer (:mod:`scanlab.log`), the loader
(:mod:`scanlab.results`), the params checks (:mod:`scanlab.space`) and the engine all read
these names from here.

Examples
--------
>>> order_columns(['lr', 'units'], ['val_loss', 'loss'])[:7]
['run_id', 'round', 'status', 'lr', 'units', 'loss', 'val_loss']
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = [
    "HEAD_COLUMNS",
    "HISTORY_FILE",
    "MANIFEST_FILE",
    "NUMERIC_RESERVED_COLUMNS",
    "REQUIRED_COLUMNS",
    "RESERVED_COLUMNS",
    "STATUSES",
    "TAIL_COLUMNS",
    "TALOS_DROPPED_COLUMNS",
    "TALOS_IGNORED_COLUMNS",
    "TALOS_RENAMED_COLUMNS",
    "is_reserved",
    "order_columns",
]

#: First columns of every row: identity and outcome.
HEAD_COLUMNS = ("run_id", "round", "status")
#: Last columns of every row: where the numbers come from, timing, the error.
TAIL_COLUMNS = ("epochs_run", "best_epoch", "best_value", "start", "end", "duration_s", "error")
#: Columns neither a parameter nor a history key may be named.
RESERVED_COLUMNS = frozenset(HEAD_COLUMNS + TAIL_COLUMNS)
#: Columns a results table must have to be read.
REQUIRED_COLUMNS = HEAD_COLUMNS
#: Reserved columns that are numbers and may be analysed like a metric.
NUMERIC_RESERVED_COLUMNS = ("duration_s", "epochs_run", "best_value", "best_epoch")
#: Values of the ``status`` column.
STATUSES = ("ok", "failed")

#: Files of a round folder besides the results CSV parts.
HISTORY_FILE = "history.jsonl"
MANIFEST_FILE = "manifest.json"

#: Talos columns renamed onto scanlab's when a Talos CSV is read.
TALOS_RENAMED_COLUMNS = {
    "round_epochs": "epochs_run",
    "duration": "duration_s",
    "_trial_id": "talos_trial_id",
}
#: Talos bookkeeping columns dropped when a Talos CSV is read.
TALOS_DROPPED_COLUMNS = ("execution_time", "_warnings", "_param_hash")
#: Talos columns kept but never taken for a parameter or a metric.
TALOS_IGNORED_COLUMNS = (
    "round_epochs",
    "duration",
    "index_num",
    "talos_trial_id",
    "_trial_id",
    "execution_time",
    "_param_hash",
)


def order_columns(param_names: Iterable[str], metric_names: Iterable[str]) -> list[str]:
    """The header of a results file: head columns, sorted params, sorted metrics, tail.

    Parameters
    ----------
    param_names, metric_names : iterable of str
        The parameter names and the history keys.

    Returns
    -------
    list of str
        Column names in file order; key order of the params dict never matters.
    """
    return [*HEAD_COLUMNS, *sorted(param_names), *sorted(metric_names), *TAIL_COLUMNS]


def is_reserved(column: str) -> bool:
    """Whether ``column`` is bookkeeping (scanlab's or Talos's), not a parameter or metric.

    Parameters
    ----------
    column : str
        A column name of a results table.

    Returns
    -------
    bool
        True for scanlab's reserved columns, Talos's bookkeeping columns and pandas'
        ``Unnamed: N`` index columns.

    Examples
    --------
    >>> is_reserved('duration_s'), is_reserved('round_epochs'), is_reserved('lr')
    (True, True, False)
    """
    return (
        column in RESERVED_COLUMNS
        or column in TALOS_IGNORED_COLUMNS
        or column.startswith("Unnamed:")
    )
