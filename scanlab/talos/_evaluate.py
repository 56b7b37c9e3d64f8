"""Talos's ``Evaluate`` and ``Scan.evaluate_models``: score trained models on k folds.

What Talos does, and so what this does: the model already trained by the scan is scored on
each of ``folds`` slices of the data you pass (F1 for classification tasks, mean absolute
error for ``continuous``/``regression``). **Nothing is retrained, so this is not
cross-validation**: the spread over folds shows how the score varies over subsets of that
data, not how the *params* generalise. To estimate generalisation, retrain: see scanlab's
validation guide in the README.

The folds are cut as Talos cuts them (a seeded permutation of the rows, split into
``folds`` nearly equal parts), so the same ``seed`` gives the same folds as Talos.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from scanlab._metric_names import resolve_metric
from scanlab.errors import AnalysisError, rule_message
from scanlab.talos._predict import best_row, check_task, classes, select_model

__all__ = ["Evaluate", "evaluate_models", "kfold", "score"]


def _rows(values: Any, nested: bool) -> int:
    if isinstance(values, dict):
        return len(next(iter(values.values())))
    return len(values[0]) if nested else len(values)


def _take(values: Any, rows: np.ndarray, nested: bool = False) -> Any:
    if isinstance(values, dict):
        return {key: _take(value, rows) for key, value in values.items()}
    if nested:
        return [_take(value, rows) for value in values]
    if hasattr(values, "iloc"):
        return values.iloc[rows]
    return np.asarray(values)[rows]


def kfold(
    x: Any,
    y: Any,
    folds: int = 10,
    shuffled: bool = True,
    multi_input: bool = False,
    seed: int | None = None,
) -> tuple[list[Any], list[Any]]:
    """Cut ``x`` and ``y`` into ``folds`` aligned parts, as Talos's ``kfold`` does.

    Parameters
    ----------
    x, y : array-like, DataFrame, list of arrays (multi-input/-output) or dict
        The data.
    folds : int
        Number of parts, 1 to the number of rows.
    shuffled : bool
        Permute the rows first (``numpy.random.default_rng(seed)``).
    multi_input : bool
        ``x`` is a list of inputs.
    seed : int, optional
        Seed of the permutation.

    Returns
    -------
    tuple of lists
        ``(x parts, y parts)``.

    Examples
    --------
    >>> xs, ys = kfold(np.arange(10), np.arange(10), folds=3, shuffled=False)
    >>> [part.tolist() for part in ys]
    [[0, 1, 2, 3], [4, 5, 6], [7, 8, 9]]
    """
    if isinstance(x, list) and not multi_input:
        raise AnalysisError(
            rule_message(
                "multi_input",
                "must be True when x is a list of inputs",
                multi_input,
                "pass multi_input=True",
            )
        )
    nested_y = isinstance(y, list)
    size = _rows(y, nested_y)
    if (
        isinstance(folds, bool)
        or not isinstance(folds, (int, np.integer))
        or not (1 <= folds <= size)
    ):
        raise AnalysisError(
            rule_message(
                "folds",
                f"must be an int from 1 to the number of rows ({size})",
                folds,
                "e.g. folds=5",
            )
        )
    rows = np.arange(size)
    if shuffled:
        rows = np.random.default_rng(seed).permutation(rows)
    parts = np.array_split(rows, int(folds))
    return (
        [_take(x, part, multi_input) for part in parts],
        [_take(y, part, nested_y) for part in parts],
    )


def score(y: Any, predictions: Any, task: str, average: str | None = None) -> float:
    """Talos's evaluation score: F1 for classification tasks, MAE for regression.

    Parameters
    ----------
    y : array-like
        True targets (labels, or one-hot rows).
    predictions : array-like
        Model outputs.
    task : str
        A Talos task (see :data:`scanlab.talos._predict.TASKS`).
    average : str, optional
        scikit-learn's ``f1_score`` average; default ``'binary'`` for ``binary``, else
        ``'macro'``.

    Returns
    -------
    float

    Examples
    --------
    >>> score([1, 0, 1, 1], [[0.9], [0.2], [0.4], [0.8]], 'binary')
    0.8
    >>> score([1.0, 2.0], [[1.5], [2.0]], 'continuous')
    0.25
    """
    from sklearn.metrics import f1_score, mean_absolute_error

    check_task(task)
    truth = np.asarray(y)
    if task in ("continuous", "regression"):
        return float(mean_absolute_error(truth, np.asarray(predictions)))
    if task == "multi_label" and truth.ndim > 1:
        if np.all(np.sum(truth, axis=-1) == 1):
            truth, labels = np.argmax(truth, axis=-1), classes(predictions, "multi_class")
        else:
            labels = classes(predictions, "multilabel")
        average = average or "macro"
    elif task in ("multi_class", "multiclass", "multi_label"):
        if truth.ndim > 1 and truth.shape[-1] > 1:
            truth = np.argmax(truth, axis=-1)
        truth, labels = truth.reshape(-1), classes(predictions, "multi_class")
        average = average or "macro"
    elif task in ("multilabel", "multi_label_independent"):
        labels, average = classes(predictions, task), average or "macro"
    else:  # binary
        truth, labels = truth.reshape(-1), classes(predictions, task).reshape(-1)
        average = average or "binary"
    return float(f1_score(truth, labels, average=average, zero_division=0))


class Evaluate:
    """Score a scan's trained best model on k folds of new data (Talos's ``talos.Evaluate``).

    This is Talos's evaluation: the model trained by the scan is scored on each fold of the
    data given, without retraining, so it is **not cross-validation**. To estimate
    generalisation, retrain: see scanlab's validation guide in the README.

    Parameters
    ----------
    scan_object : Scan or Restore
        A finished ``scanlab.talos.Scan`` with saved models, or a ``Restore`` object.

    Examples
    --------
    >>> e = Evaluate(scan)                                                 # doctest: +SKIP
    >>> e.evaluate(x_test, y_test, task='binary', metric='val_acc', folds=5)  # doctest: +SKIP
    [0.91, 0.88, 0.93, 0.9, 0.89]
    """

    def __init__(self, scan_object: Any) -> None:
        self.scan_object = scan_object
        self.data = getattr(scan_object, "data", None)

    def evaluate(
        self,
        x: Any,
        y: Any,
        task: str | None = None,
        metric: str = "val_acc",
        model_id: Any = None,
        folds: int = 5,
        shuffle: bool = True,
        asc: bool | None = False,
        saved: bool = False,
        custom_objects: dict[str, Any] | None = None,
        multi_input: bool = False,
        print_out: bool = False,
        average: str | None = None,
        model_factory: Any = None,
        seed: int | None = None,
    ) -> list[float]:
        """One score per fold of ``x, y`` for the best model (or run ``model_id``).

        Parameters
        ----------
        x, y : array-like
            Data to score on (ideally never seen by the scan).
        task : str
            ``binary``, ``multi_class``, ``multi_label``, ``multilabel``, ``continuous``, ...
        metric : str
            Metric that picks the model (``val_acc`` finds ``val_accuracy``).
        model_id : int, optional
            A row of ``scan_object.data`` instead of the best one.
        folds : int
            Number of parts of ``x, y``.
        shuffle : bool
            Permute rows before cutting (``seed``).
        asc : bool or None
            True when lower ``metric`` is better; None: inferred from its name.
        saved, custom_objects, model_factory
            As in ``Predict.predict``.
        multi_input : bool
            ``x`` is a list of inputs.
        print_out : bool
            Print the mean and the standard deviation.
        average : str, optional
            F1 averaging (scikit-learn's ``average``).
        seed : int, optional
            Seed of the fold permutation.

        Returns
        -------
        list of float
            F1 per fold (mean absolute error for ``continuous``/``regression``).
        """
        if task is None:
            raise AnalysisError(
                rule_message(
                    "task",
                    "is needed to score predictions",
                    task,
                    "pass task='binary', 'multi_class', 'multi_label' or 'continuous'",
                )
            )
        check_task(task)
        xs, ys = kfold(x, y, folds, shuffle, multi_input, seed)
        model = select_model(
            self.scan_object, metric, asc, model_id, saved, custom_objects, model_factory
        )
        out = []
        for features, labels in zip(xs, ys, strict=True):
            predictions = model.predict(features, verbose=0)
            if isinstance(labels, (list, dict)):
                truths = list(labels.values()) if isinstance(labels, dict) else labels
                preds = list(predictions.values()) if isinstance(predictions, dict) else predictions
                value = float(
                    np.mean(
                        [score(a, b, task, average) for a, b in zip(truths, preds, strict=True)]
                    )
                )
            else:
                value = score(labels, predictions, task, average)
            out.append(float(value))
        if print_out:
            print(f"mean : {np.mean(out):.2f} \n std : {np.std(out):.2f}")
        return out


def evaluate_models(
    scan_object: Any,
    x_val: Any,
    y_val: Any,
    task: str | None = None,
    n_models: int = 10,
    metric: str = "val_acc",
    folds: int = 5,
    shuffle: bool = True,
    asc: bool | None = False,
    saved: bool = False,
    custom_objects: dict[str, Any] | None = None,
    average: str | None = None,
    model_factory: Any = None,
    multi_input: bool | None = None,
    seed: int | None = None,
) -> Any:
    """Score the ``n_models`` best runs on folds of ``x_val, y_val``; add columns to ``data``.

    Talos's ``Scan.evaluate_models`` (``scanlab.talos.Scan`` delegates here): the runs are
    ranked by ``metric``, each of the best ``n_models`` saved models is scored with
    :meth:`Evaluate.evaluate`, and ``scan_object.data`` gets ``eval_f1score_mean`` and
    ``eval_f1score_std`` (``eval_mae_*`` for regression), NaN for the other runs. No model is
    retrained: this is not cross-validation (see the module's docstring).

    Parameters
    ----------
    scan_object : Scan
        A finished ``scanlab.talos.Scan`` with saved models.
    x_val, y_val : array-like
        Data to score on.
    task : str
        A Talos task (``binary``, ``multi_class``, ``continuous``, ...).
    n_models : int
        How many of the best runs to score.
    metric, asc
        Ranking of the runs.
    folds, shuffle, seed, average, multi_input
        As in :meth:`Evaluate.evaluate` (``multi_input`` default: ``x_val`` is a list).
    saved, custom_objects, model_factory
        As in ``Predict.predict``.

    Returns
    -------
    DataFrame
        ``scan_object.data``, changed in place (Talos returns None).
    """
    if task is None:
        raise AnalysisError(
            rule_message(
                "task",
                "is needed to score predictions",
                task,
                "pass task='binary', 'multi_class', 'multi_label' or 'continuous'",
            )
        )
    check_task(task)
    if isinstance(n_models, bool) or not isinstance(n_models, (int, np.integer)) or n_models < 1:
        raise AnalysisError(rule_message("n_models", "must be an int >= 1", n_models, "e.g. 10"))
    if multi_input is None:
        multi_input = isinstance(x_val, list)
    data = scan_object.data
    _, metric, asc = best_row(data, metric, asc)  # checks the metric, infers the direction
    metric = resolve_metric(metric, [str(c) for c in data.columns], "metric")
    picks = data[metric].dropna().sort_values(ascending=asc, kind="stable").index[: int(n_models)]
    heading = "eval_mae" if task in ("continuous", "regression") else "eval_f1score"
    data[heading + "_mean"] = np.nan
    data[heading + "_std"] = np.nan
    evaluator = Evaluate(scan_object)
    for row in picks:
        values = evaluator.evaluate(
            x_val,
            y_val,
            task,
            metric,
            model_id=row,
            folds=folds,
            shuffle=shuffle,
            asc=asc,
            saved=saved,
            custom_objects=custom_objects,
            multi_input=multi_input,
            average=average,
            model_factory=model_factory,
            seed=seed,
        )
        data.loc[row, heading + "_mean"] = float(np.mean(values))
        data.loc[row, heading + "_std"] = float(np.std(values))
    return data
