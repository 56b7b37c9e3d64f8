"""One classifier's validation predictions class by class: precision, recall, F1 and support
per class, the confusion matrix, and the classes most often mistaken for one another.

The input is the ``"scores"`` record that ``Scan(scoring=[...])`` writes for every ok run in
``history.jsonl`` (:mod:`scanlab.scoring`): ``labels``, ``confusion_matrix`` (rows: the true
class) and the per-class ``precision``, ``recall``, ``f1`` and ``support``. In a
cross-validated round it is the out-of-fold matrix summed over the folds.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from scanlab.analysis.best import best_runs
from scanlab.errors import AnalysisError, rule_message

__all__ = ["ClassReport", "best_scored_run", "class_report"]

_PER_CLASS = ("precision", "recall", "f1", "support")


class ClassReport(NamedTuple):
    """Per-class scores of one run (see :func:`class_report`)."""

    #: One row per class: ``class``, ``precision``, ``recall``, ``f1``, ``support``,
    #: ``predicted`` (how often it was predicted) and ``errors`` (its rows' misses).
    table: pd.DataFrame
    #: Counts; rows = true class (index ``true``), columns = predicted class.
    confusion: pd.DataFrame
    #: ``confusion`` divided by its row sums (each true class's share of predictions).
    rates: pd.DataFrame
    #: The off-diagonal cells with a count, largest first: ``true``, ``predicted``, ``count``,
    #: ``rate`` (share of the true class's samples).
    confused: pd.DataFrame
    #: The report in words: accuracy, the worst-recalled class, the most confused pair.
    note: str


def best_scored_run(
    data: pd.DataFrame, metric: str, minimize: bool | None, scored: Collection[str]
) -> tuple[str | None, str | None]:
    """The best ok run that has per-class scores, and the best ok run overall.

    Parameters
    ----------
    data : DataFrame
        The runs, with ``run_id``.
    metric : str
        Metric to rank by.
    minimize : bool or None
        Whether lower is better; None: inferred from the metric's name.
    scored : collection of str
        The run ids that have scores.

    Returns
    -------
    (scored_best, best)
        Run ids; ``scored_best`` is None when no ranked run is scored, ``best`` None when no
        ok run has a value.

    Examples
    --------
    >>> df = pd.DataFrame({'run_id': ['a', 'b', 'c'], 'status': 'ok', 'acc': [0.7, 0.9, 0.8]})
    >>> best_scored_run(df, 'acc', None, {'a', 'c'})
    ('c', 'b')
    """
    if "run_id" not in data.columns:
        return None, None
    ranked = best_runs(data, metric, max(len(data), 1), minimize)
    ids = ranked["run_id"].astype(str).tolist()
    chosen = next((i for i in ids if i in scored), None)
    return chosen, ids[0] if ids else None


def _class_names(labels: list[Any], names: Sequence[Any] | Mapping[Any, Any] | None) -> list[str]:
    if names is None:
        return [str(label) for label in labels]
    if isinstance(names, Mapping):
        return [str(names.get(label, label)) for label in labels]
    if isinstance(names, str) or len(names) != len(labels):
        raise AnalysisError(
            rule_message(
                "names",
                f"must be a list of {len(labels)} class names (one per label) or a dict "
                "{label: name}",
                names,
                f"e.g. names={{{labels[0]!r}: 'cat'}}" if labels else "e.g. names=['cat', 'dog']",
            )
        )
    return [str(name) for name in names]


def _matrix(details: Mapping[str, Any]) -> tuple[list[Any], np.ndarray]:
    fix = (
        "pass the 'scores' record of a run scored with Scan(scoring=[...]): labels and a "
        "square confusion_matrix with one row per label"
    )
    if not isinstance(details, Mapping) or "confusion_matrix" not in details:
        raise AnalysisError(
            rule_message("details", "must hold a confusion_matrix", type(details).__name__, fix)
        )
    try:
        matrix = np.asarray(details["confusion_matrix"], dtype=float)
    except (TypeError, ValueError):
        matrix = np.zeros((0, 1))
    labels = list(details.get("labels") or range(len(matrix)))
    if matrix.ndim != 2 or matrix.shape != (len(labels), len(labels)) or not len(labels):
        raise AnalysisError(
            rule_message(
                "details",
                f"must hold a square confusion_matrix with one row per label ({len(labels)})",
                details["confusion_matrix"],
                fix,
            )
        )
    return labels, matrix


def _per_class(details: Mapping[str, Any], matrix: np.ndarray) -> dict[str, np.ndarray]:
    """The recorded per-class scores; from the matrix where one is missing (as scikit-learn
    computes them, 0 where undefined)."""
    hits = np.diag(matrix)
    true, predicted = matrix.sum(axis=1), matrix.sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        precision = np.where(predicted > 0, hits / predicted, 0.0)
        recall = np.where(true > 0, hits / true, 0.0)
        both = precision + recall
        f1 = np.where(both > 0, 2 * precision * recall / both, 0.0)
    computed = {"precision": precision, "recall": recall, "f1": f1, "support": true}
    out = {}
    for key in _PER_CLASS:
        recorded = details.get(key)
        if isinstance(recorded, Sequence) and len(recorded) == len(matrix):
            out[key] = np.asarray(recorded, dtype=float)
        else:
            out[key] = computed[key]
    return out


def class_report(
    details: Mapping[str, Any],
    names: Sequence[Any] | Mapping[Any, Any] | None = None,
    top: int = 5,
) -> ClassReport:
    """Per-class precision / recall / F1 / support, the confusion matrix, and the classes most
    often predicted for one another.

    Parameters
    ----------
    details : mapping
        A run's ``"scores"`` record: ``confusion_matrix`` (rows: true class), ``labels``
        (default 0, 1, ...), and optionally ``precision``, ``recall``, ``f1``, ``support``
        (computed from the matrix when absent).
    names : sequence or mapping, optional
        Class names: one per label in label order, or ``{label: name}``; default: the labels.
    top : int, default 5
        Most confused (true, predicted) pairs listed.

    Returns
    -------
    ClassReport

    Raises
    ------
    AnalysisError
        When the matrix is missing or not square with one row per label, or ``names`` does
        not match the labels.

    Examples
    --------
    >>> details = {'labels': [0, 1, 2], 'confusion_matrix': [[8, 2, 0], [1, 5, 4], [0, 0, 10]]}
    >>> r = class_report(details, names=['cat', 'dog', 'fox'])
    >>> r.table[['class', 'recall', 'support']].to_dict('list')
    {'class': ['cat', 'dog', 'fox'], 'recall': [0.8, 0.5, 1.0], 'support': [10, 10, 10]}
    >>> r.confused.head(2).to_dict('records')
    [{'true': 'dog', 'predicted': 'fox', 'count': 4, 'rate': 0.4}, {'true': 'cat', 'predicted': 'dog', 'count': 2, 'rate': 0.2}]
    >>> r.note
    'Accuracy 0.767 over 30 samples. Lowest recall: dog (0.5). Most confused: dog predicted as fox (4 of 10).'
    """
    if isinstance(top, bool) or not isinstance(top, (int, np.integer)) or top < 0:
        raise AnalysisError(rule_message("top", "must be an integer >= 0", top, "e.g. top=5"))
    labels, matrix = _matrix(details)
    classes = _class_names(labels, names)
    scores = _per_class(details, matrix)
    counts = matrix.astype(int) if np.all(matrix == np.round(matrix)) else matrix
    table = pd.DataFrame({"class": classes})
    for key in _PER_CLASS:
        table[key] = scores[key]
    table["support"] = table["support"].round().astype(int)
    table["predicted"] = counts.sum(axis=0)
    table["errors"] = counts.sum(axis=1) - np.diag(counts)
    index = pd.Index(classes, name="true")
    columns = pd.Index(classes, name="predicted")
    confusion = pd.DataFrame(counts, index=index, columns=columns)
    sums = matrix.sum(axis=1, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        rates = pd.DataFrame(np.where(sums > 0, matrix / sums, 0.0), index=index, columns=columns)
    pairs = [
        (classes[i], classes[j], counts[i, j].item(), float(rates.iat[i, j]))
        for i in range(len(classes))
        for j in range(len(classes))
        if i != j and matrix[i, j] > 0
    ]
    pairs.sort(key=lambda p: (-p[2], -p[3]))  # stable: ties keep label order
    confused = pd.DataFrame(pairs[:top], columns=["true", "predicted", "count", "rate"])
    return ClassReport(table, confusion, rates, confused, _note(table, matrix, confused))


def _note(table: pd.DataFrame, matrix: np.ndarray, confused: pd.DataFrame) -> str:
    total = matrix.sum()
    accuracy = np.trace(matrix) / total if total else float("nan")
    worst = table.loc[table["recall"].idxmin()]
    words = f"Accuracy {accuracy:.3g} over {total:g} samples. "
    words += f"Lowest recall: {worst['class']} ({worst['recall']:.3g})."
    if len(confused):
        first = confused.iloc[0]
        of = int(table.loc[table["class"] == first["true"], "support"].iloc[0])
        words += (
            f" Most confused: {first['true']} predicted as {first['predicted']} "
            f"({first['count']:g} of {of})."
        )
    else:
        words += " No sample was misclassified."
    return words
