"""The metric-name rulebook: direction, Talos's aliases, the default metric, metric-like names.

One set of rules, used by ``Scan`` (the tracked metric, ``performance_target``), the results
loader and ``Analyze``, ``suggest``, the report and the command line alike:

- **direction**: :func:`is_loss_like` says whether lower is better, from the name;
- **aliases**: Talos writes ``acc`` / ``val_acc`` where Keras 3 writes ``accuracy`` /
  ``val_accuracy``; :func:`resolve_metric` accepts either spelling;
- **default**: :func:`default_metric` picks the metric when none is named — validation
  accuracy when the runs have it (Talos's ``val_acc``), else validation loss, else another
  validation metric, else the training ones;
- **what looks like a metric**: :func:`looks_like_metric`, used only to read results that
  carry no manifest (a Talos CSV, a hand-made table);
- **folds** (``Scan(cv=...)``): a cross-validated run reports every metric ``m`` as
  ``split<i>_m``, ``mean_m`` and ``std_m`` (scikit-learn's grammar); ``mean_m`` is the metric
  (``metric='val_accuracy'`` resolves to ``mean_val_accuracy``), the others are its details
  (:func:`is_fold_detail`, :func:`fold_columns`).

Nothing here imports pandas or a deep-learning framework.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable

from scanlab.errors import MetricNotFoundError

__all__ = [
    "COMMON_METRIC_NAMES",
    "default_metric",
    "direction_words",
    "fold_columns",
    "is_fold_detail",
    "is_loss_like",
    "looks_like_metric",
    "metric_aliases",
    "resolve_metric",
]

#: History keys a Keras model almost always reports; a parameter may not take these names.
COMMON_METRIC_NAMES = frozenset({"loss", "val_loss", "acc", "val_acc", "accuracy", "val_accuracy"})

#: Default metric, in order of preference (then any other ``val_*``, then these).
_DEFAULT_VALIDATION = ("val_accuracy", "val_acc", "val_loss")
_DEFAULT_TRAINING = ("accuracy", "acc", "loss")

# Words of a metric name that mean "lower is better" (besides loss, error, crossentropy).
_LOWER_IS_BETTER = frozenset(
    {
        "mse",
        "mae",
        "mape",
        "msle",
        "rmse",
        "hinge",
        "logcosh",
        "kld",
        "divergence",
        "poisson",
        "duration",
    }
)

# Names (without ``val_``) that a Keras history or a scanlab row reports as metrics.
_METRIC_NAMES = frozenset(
    {
        "loss",
        "acc",
        "accuracy",
        "mse",
        "mae",
        "mape",
        "msle",
        "rmse",
        "auc",
        "prc",
        "precision",
        "recall",
        "f1",
        "f1_score",
        "fbeta_score",
        "iou",
        "mean_iou",
        "r2",
        "r2_score",
        "hinge",
        "squared_hinge",
        "logcosh",
        "log_cosh",
        "kld",
        "poisson",
        "cosine_similarity",
        "mean_squared_error",
        "mean_absolute_error",
        "mean_absolute_percentage_error",
        "mean_squared_logarithmic_error",
        "root_mean_squared_error",
        "true_positives",
        "true_negatives",
        "false_positives",
        "false_negatives",
    }
)
_METRIC_SUFFIXES = ("loss", "accuracy", "_acc", "error", "crossentropy", "_auc")


def is_loss_like(metric: str) -> bool:
    """True when lower values of ``metric`` are better, judged from its name.

    Parameters
    ----------
    metric : str
        A history key or results column (``val_`` prefix allowed).

    Returns
    -------
    bool
        True for ``loss``, ``val_loss``, ``mse``, ``mae``, ``rmse``, ``mape``, names containing
        ``loss`` or ``error``, ``*crossentropy``, ``hinge``, ``kld``, ``duration_s``, false
        positives/negatives; False for everything else (accuracy, auc, precision, f1, ...).

    Examples
    --------
    >>> is_loss_like('val_loss'), is_loss_like('mean_squared_error'), is_loss_like('val_acc')
    (True, True, False)
    """
    low = metric.lower()
    if low.startswith("val_"):
        low = low[4:]
    if "loss" in low or "error" in low or "crossentropy" in low:
        return True
    if low in ("false_positives", "false_negatives"):
        return True
    return bool(set(re.split(r"[^a-z0-9]+", low)) & _LOWER_IS_BETTER)


def direction_words(minimize: bool) -> str:
    """``'lower is better'`` or ``'higher is better'``.

    Parameters
    ----------
    minimize : bool
        Whether lower values are better.

    Returns
    -------
    str
        The words for that direction, as the report and the messages write them.

    Examples
    --------
    >>> direction_words(True)
    'lower is better'
    """
    return "lower is better" if minimize else "higher is better"


def metric_aliases(metric: str) -> list[str]:
    """Other spellings of ``metric``: Talos's ``acc`` for Keras's ``accuracy`` and back.

    Parameters
    ----------
    metric : str
        A metric name (``val_`` prefix allowed).

    Returns
    -------
    list of str
        The other spelling (one name), or an empty list when there is none.

    Examples
    --------
    >>> metric_aliases('val_acc'), metric_aliases('accuracy'), metric_aliases('loss')
    (['val_accuracy'], ['acc'], [])
    """
    if metric.endswith("accuracy"):
        return [metric[: -len("accuracy")] + "acc"]
    if metric.endswith("acc"):
        return [metric[: -len("acc")] + "accuracy"]
    return []


def resolve_metric(metric: str, available: Collection[str], argument: str = "metric") -> str:
    """The name in ``available`` meant by ``metric``, accepting Talos's aliases.

    Parameters
    ----------
    metric : str
        The name the user gave.
    available : collection of str
        History keys or metric columns that exist.
    argument : str
        The argument the name came from, for the error message.

    Returns
    -------
    str
        ``metric`` itself, or its alias when only that exists; in a cross-validated round
        ``mean_<metric>`` (the mean over folds).

    Raises
    ------
    MetricNotFoundError
        Naming the argument, the value and the names that exist.

    Examples
    --------
    >>> resolve_metric('val_acc', ['loss', 'val_loss', 'accuracy', 'val_accuracy'])
    'val_accuracy'
    >>> resolve_metric('val_acc', ['mean_val_accuracy', 'mean_val_loss'])
    'mean_val_accuracy'
    """
    for name in (metric, *metric_aliases(metric)):
        for candidate in (name, f"mean_{name}"):  # a cross-validated round: the fold mean
            if candidate in available:
                return candidate
    raise MetricNotFoundError(
        f"{argument}={metric!r} is not one of the runs' metrics {sorted(available)}. Fix: use "
        f"one of those (model.compile(metrics=[...]) decides the history keys; Talos's 'acc' "
        f"is accepted for 'accuracy')."
    )


def default_metric(available: Iterable[str]) -> str:
    """The metric used when none is named.

    Parameters
    ----------
    available : iterable of str
        History keys or metric columns.

    Returns
    -------
    str
        The first present of ``val_accuracy``, ``val_acc``, ``val_loss``, any other
        ``val_*`` (sorted), ``accuracy``, ``acc``, ``loss``, else the first name sorted
        (each also as the fold mean ``mean_<name>`` of a cross-validated round).

    Raises
    ------
    MetricNotFoundError
        When ``available`` is empty.

    Examples
    --------
    >>> default_metric(['accuracy', 'loss', 'val_accuracy', 'val_loss'])
    'val_accuracy'
    >>> default_metric(['loss', 'val_loss', 'val_mae'])
    'val_loss'
    >>> default_metric(['mean_loss', 'mean_val_accuracy', 'mean_val_loss'])
    'mean_val_accuracy'
    """
    names = sorted(set(available))
    if not names:
        raise MetricNotFoundError(
            "the runs have no metric (no loss, val_loss, accuracy, ...). Fix: make the model "
            "function return model.fit's History, or name the metric columns explicitly."
        )
    if any(name.startswith("mean_") for name in names):  # a cross-validated round
        names = [n for n in names if n.startswith("mean_")] + [
            n for n in names if not n.startswith("mean_")
        ]
    for name in _DEFAULT_VALIDATION:
        for candidate in (name, f"mean_{name}"):
            if candidate in names:
                return candidate
    for name in names:
        if name.startswith(("val_", "mean_val_")):
            return name
    for name in _DEFAULT_TRAINING:
        for candidate in (name, f"mean_{name}"):
            if candidate in names:
                return candidate
    return names[0]


def looks_like_metric(name: str, columns: Collection[str] = ()) -> bool:
    """Whether a column named ``name`` is a metric, for results without a manifest.

    A name is metric-like when it is a known Keras history key (``loss``, ``accuracy``,
    ``mse``, ``auc``, ...), ends like one (``*_loss``, ``*error``, ``*crossentropy``), or has
    a ``val_`` twin among ``columns``; ``val_<x>`` is metric-like when ``x`` is.

    Parameters
    ----------
    name : str
        The column name.
    columns : collection of str, default ()
        All the columns of the table, to find ``val_`` twins (``f`` and ``val_f``).

    Returns
    -------
    bool
        True when the column is taken for a metric, False for a parameter.

    Examples
    --------
    >>> looks_like_metric('val_mae'), looks_like_metric('units'), looks_like_metric('f', ['val_f'])
    (True, False, True)
    """
    low = name.lower()
    if f"val_{name}" in columns or low in _METRIC_NAMES or low.endswith(_METRIC_SUFFIXES):
        return True
    if low.startswith("val_"):
        base = name[4:]
        return base in columns or looks_like_metric(base)
    return False


_SPLIT = re.compile(r"split(\d+)_(.+)")


def fold_columns(metric: str, columns: Collection[str]) -> tuple[list[str], str | None]:
    """The per-fold columns and the spread column of a cross-validated metric.

    Parameters
    ----------
    metric : str
        A metric column: the fold mean ``mean_<m>`` or the bare name ``<m>``.
    columns : collection of str
        The columns of the results.

    Returns
    -------
    (splits, std)
        ``split<i>_<m>`` columns in fold order and ``std_<m>`` (population standard
        deviation over the folds, as scikit-learn's ``cv_results_``); ``([], None)`` when
        the runs were not cross-validated.

    Examples
    --------
    >>> columns = ['split0_val_acc', 'split1_val_acc', 'mean_val_acc', 'std_val_acc']
    >>> fold_columns('mean_val_acc', columns)
    (['split0_val_acc', 'split1_val_acc'], 'std_val_acc')
    >>> fold_columns('val_loss', ['val_loss'])
    ([], None)
    """
    base = metric[len("mean_") :] if metric.startswith("mean_") else metric
    splits: list[tuple[int, str]] = []
    for column in columns:
        match = _SPLIT.fullmatch(column)
        if match and match.group(2) == base:
            splits.append((int(match.group(1)), column))
    if not splits:
        return [], None
    std = f"std_{base}"
    return [c for _, c in sorted(splits)], std if std in columns else None


def is_fold_detail(name: str, columns: Collection[str]) -> bool:
    """Whether a column is a fold detail of a cross-validated metric (not a metric itself).

    ``split<i>_<m>`` and ``std_<m>`` are details when ``mean_<m>`` is a column too (the
    metric); a plain column such as Keras's ``mean_absolute_error`` is not.

    Parameters
    ----------
    name : str
        The column name.
    columns : collection of str
        All the columns of the table.

    Returns
    -------
    bool

    Examples
    --------
    >>> columns = ['split0_loss', 'split1_loss', 'mean_loss', 'std_loss', 'mean_squared_error']
    >>> [is_fold_detail(c, columns) for c in columns]
    [True, True, False, True, False]
    """
    match = _SPLIT.fullmatch(name)
    if match:
        return f"mean_{match.group(2)}" in columns
    return (
        name.startswith("std_")
        and f"mean_{name[4:]}" in columns
        and (f"split0_{name[4:]}" in columns)
    )
