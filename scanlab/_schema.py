"""The results schema: which columns a results row has, in which order, and Talos's mapping.

A row of ``results.csv`` (see ``docs/results-format.md``) is::

    run_id, round, status, [rung, budget, initial_epoch,] <one column per parameter, sorted>, <final value of each history
    key, sorted>, epochs_run, best_epoch, best_value, stopped_epoch, metrics_from, start, end,
    duration_s, error

``stopped_epoch`` is the epoch after which early stopping stopped the run (empty when it did
not stop); ``metrics_from`` says which epoch the metric columns hold: ``last_epoch``, or
``best_epoch`` when early stopping restored the best epoch's weights (empty for a run that
failed before any epoch). Results written before these two columns existed still load. A
budgeted round (``Scan(search=...)``) writes one row per run and rung, with ``rung`` (0 =
first), ``budget`` (epochs the run has trained at the end of the row) and ``initial_epoch``
(epochs it had trained before: the previous rung's budget when it continued from its
checkpoint, 0 when it trained from scratch) after ``status``.

This module is the one place that says so: the writer (:mod:`scanlab.log`), the loader
(:mod:`scanlab.results`), the params checks (:mod:`scanlab.space`) and the engine all read
these names from here.

Examples
--------
>>> order_columns(['lr', 'units'], ['val_loss', 'loss'])[:7]
['run_id', 'round', 'status', 'lr', 'units', 'loss', 'val_loss']
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import NamedTuple

import pandas as pd

from scanlab._metric_names import is_fold_detail, looks_like_metric
from scanlab.errors import ResultsFormatError

__all__ = [
    "BUDGET_COLUMNS",
    "HEAD_COLUMNS",
    "HISTORY_FILE",
    "MANIFEST_FILE",
    "NUMERIC_RESERVED_COLUMNS",
    "PREVIOUS_TAIL_COLUMNS",
    "REQUIRED_COLUMNS",
    "RESERVED_COLUMNS",
    "ResultColumns",
    "STATUSES",
    "TAIL_COLUMNS",
    "TALOS_DROPPED_COLUMNS",
    "TALOS_IGNORED_COLUMNS",
    "TALOS_RENAMED_COLUMNS",
    "check_results",
    "head_columns",
    "is_numeric",
    "is_reserved",
    "order_columns",
    "split_columns",
]

#: First columns of every row: identity and outcome.
HEAD_COLUMNS = ("run_id", "round", "status")
#: Last columns of every row: where the numbers come from, timing, the error.
TAIL_COLUMNS = (
    "epochs_run",
    "best_epoch",
    "best_value",
    "stopped_epoch",
    "metrics_from",
    "start",
    "end",
    "duration_s",
    "error",
)
#: The tail of results written before ``stopped_epoch`` and ``metrics_from`` existed: such
#: files still load (the two columns are then missing, i.e. empty).
PREVIOUS_TAIL_COLUMNS = tuple(c for c in TAIL_COLUMNS if c not in ("stopped_epoch", "metrics_from"))
#: Budgeted search's columns: a run's rung, the epochs it reached, the epochs it started from.
BUDGET_COLUMNS = ("rung", "budget", "initial_epoch")
#: Columns neither a parameter nor a history key may be named.
RESERVED_COLUMNS = frozenset(HEAD_COLUMNS + TAIL_COLUMNS + BUDGET_COLUMNS)
#: Columns a results table must have to be read.
REQUIRED_COLUMNS = HEAD_COLUMNS
#: Reserved columns that are numbers and may be analysed like a metric.
NUMERIC_RESERVED_COLUMNS = ("duration_s", "epochs_run", "best_value", "best_epoch", "stopped_epoch")
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
    "_warnings",
)


def head_columns(budgeted: bool = False) -> tuple[str, ...]:
    """The first columns of a row: identity and outcome; then, in a budgeted round, the rung.

    Parameters
    ----------
    budgeted : bool
        Whether the round runs a budgeted search (one row per run and rung).

    Returns
    -------
    tuple of str

    Examples
    --------
    >>> head_columns(budgeted=True)
    ('run_id', 'round', 'status', 'rung', 'budget', 'initial_epoch')
    """
    return HEAD_COLUMNS + BUDGET_COLUMNS if budgeted else HEAD_COLUMNS


def order_columns(
    param_names: Iterable[str], metric_names: Iterable[str], budgeted: bool = False
) -> list[str]:
    """The header of a results file: head columns, sorted params, sorted metrics, tail.

    Parameters
    ----------
    param_names, metric_names : iterable of str
        The parameter names and the history keys.
    budgeted : bool
        A budgeted round's rows have ``rung``, ``budget``, ``initial_epoch`` after ``status``.

    Returns
    -------
    list of str
        Column names in file order; key order of the params dict never matters.
    """
    head = head_columns(budgeted)
    return [*head, *sorted(param_names), *sorted(metric_names), *TAIL_COLUMNS]


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


class ResultColumns(NamedTuple):
    """The parameter and metric columns of a results table.

    Parameters
    ----------
    params, metrics : tuple of str
        Parameter and metric column names.
    """

    params: tuple[str, ...]
    metrics: tuple[str, ...]


def is_numeric(series: pd.Series) -> bool:
    """True for a numeric column that is not boolean (booleans are parameters, not metrics).

    Parameters
    ----------
    series : Series
        The column.

    Returns
    -------
    bool
    """
    return pd.api.types.is_numeric_dtype(series.dtype) and not pd.api.types.is_bool_dtype(
        series.dtype
    )


def split_columns(
    data: pd.DataFrame,
    params: Sequence[str] | None = None,
    metrics: Sequence[str] | None = None,
) -> ResultColumns:
    """Tell the parameter columns from the metric columns of a results table.

    The names come, in this order of preference, from the ``params``/``metrics`` arguments,
    from ``data.attrs['params']``/``data.attrs['metrics']`` (set by :func:`load_results` from
    the rounds' manifests), or from the column names: a numeric column is a metric when it is
    named like a Keras history key (see :func:`scanlab._metric_names.looks_like_metric`);
    every other non-reserved column is a parameter. The fold details of a cross-validated
    metric (``split<i>_m``, ``std_m``; :func:`scanlab._metric_names.is_fold_detail`) are
    neither: the metric is the fold mean ``mean_m``.

    Parameters
    ----------
    data : DataFrame
        The runs.
    params, metrics : sequence of str, optional
        Explicit names; when only one is given the other is every remaining column.

    Returns
    -------
    ResultColumns
        ``params`` sorted by name, ``metrics`` sorted by name.

    Examples
    --------
    >>> df = pd.DataFrame({'run_id': ['a'], 'round': [1], 'status': ['ok'], 'lr': [0.1],
    ...                    'optimizer': ['Adam'], 'loss': [0.3], 'val_loss': [0.4]})
    >>> split_columns(df)
    ResultColumns(params=('lr', 'optimizer'), metrics=('loss', 'val_loss'))
    """
    params = params if params is not None else data.attrs.get("params")
    metrics = metrics if metrics is not None else data.attrs.get("metrics")
    names = set(map(str, data.columns))
    candidates = [
        c
        for c in data.columns
        if isinstance(c, str) and not is_reserved(c) and not is_fold_detail(c, names)
    ]
    for given, what in ((params, "parameter"), (metrics, "metric")):
        missing = [c for c in given or () if c not in data.columns]
        if missing:
            raise ResultsFormatError(
                f"{what} column(s) {', '.join(map(repr, missing))} not in the results; "
                f"the columns are: {', '.join(map(str, data.columns))}"
            )
    if params is not None and metrics is not None:
        return ResultColumns(tuple(sorted(params)), tuple(sorted(metrics)))
    if params is not None:
        rest = [c for c in candidates if c not in set(params) and is_numeric(data[c])]
        return ResultColumns(tuple(sorted(params)), tuple(sorted(rest)))
    if metrics is not None:
        rest = [c for c in candidates if c not in set(metrics)]
        return ResultColumns(tuple(sorted(rest)), tuple(sorted(metrics)))
    names = set(candidates)
    found = [c for c in candidates if is_numeric(data[c]) and looks_like_metric(c, names)]
    rest = [c for c in candidates if c not in set(found)]
    return ResultColumns(tuple(sorted(rest)), tuple(sorted(found)))


def check_results(data: pd.DataFrame, source: str = "the results") -> None:
    """Raise :class:`ResultsFormatError` unless ``data`` has the required columns.

    Parameters
    ----------
    data : DataFrame
        The table read.
    source : str, default 'the results'
        What it was read from, for the message.

    Raises
    ------
    ResultsFormatError
        When ``run_id``, ``round`` or ``status`` is missing.

    Examples
    --------
    >>> check_results(pd.DataFrame({'x': [1], 'y': [2]}), 'data.csv')
    Traceback (most recent call last):
    ...
    scanlab.errors.ResultsFormatError: data.csv is not a scanlab results file: missing columns 'run_id', 'round', 'status' ...
    """
    missing = [c for c in REQUIRED_COLUMNS if c not in data.columns]
    if missing:
        raise ResultsFormatError(
            f"{source} is not a scanlab results file: missing columns "
            f"{', '.join(map(repr, missing))} (found: {', '.join(map(str, data.columns))}). "
            "A results file has run_id, round, status, one column per parameter and one per "
            "metric (see docs/results-format.md); Talos CSVs need a round_epochs column."
        )
