"""Classification metrics computed from a model's predictions, once per run, with
scikit-learn: what ``Scan(scoring=[...])`` adds to every row as ``val_<name>``.

Keras computes metrics batch by batch during training; F1, recall and precision averaged
over batches are not the F1, recall and precision of the validation set (which is why Keras
removed them), and Keras 3's ``F1Score`` refuses integer labels. scanlab predicts the
validation data once when a run has trained and scores the predictions with scikit-learn's
functions, under scikit-learn's scorer names.

Predictions are read as a classifier's: a sigmoid output (``(n,)`` or ``(n, 1)``, the
probability of class 1, threshold 0.5) or a softmax output (``(n, k)``, ``k >= 2``); labels
as integers, booleans, floats holding whole numbers, or one-hot rows. Anything else is a
clear error naming the shapes.

Examples
--------
>>> import numpy as np
>>> y = np.array([0, 0, 1, 1, 1])
>>> probability = np.array([[0.1], [0.6], [0.8], [0.4], [0.9]])
>>> scores, details = score_predictions(y, probability, ('recall_macro', 'f1', 'roc_auc'))
>>> {k: round(v, 4) for k, v in scores.items()}
{'recall_macro': 0.5833, 'f1': 0.6667, 'roc_auc': 0.8333}
>>> details['confusion_matrix']
[[1, 1], [1, 2]]
"""

from __future__ import annotations

import difflib
import warnings
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

from scanlab.errors import ContractError, ScanArgumentError, ScanArgumentTypeError, rule_message

__all__ = [
    "PREDICT_BATCH",
    "SCORERS",
    "check_scoring",
    "predict",
    "read_predictions",
    "score_model",
    "score_predictions",
    "warn_if_weighted_recall",
]


def _metrics() -> Any:
    from sklearn import metrics  # imported when a run is scored: `import scanlab` stays light

    return metrics


def _labels_score(name: str, **kwargs: Any) -> Callable[[Any, Any, Any], float]:
    def score(y_true: Any, y_pred: Any, proba: Any) -> float:
        return float(getattr(_metrics(), name)(y_true, y_pred, **kwargs))

    return score


def _averaged(name: str, average: str) -> Callable[[Any, Any, Any], float]:
    return _labels_score(name, average=average, zero_division=0)


def _roc_auc(multi_class: str) -> Callable[[Any, Any, Any], float]:
    def score(y_true: Any, y_pred: Any, proba: Any) -> float:
        if proba.ndim == 1:
            return float(_metrics().roc_auc_score(y_true, proba))
        labels = np.arange(proba.shape[1])
        return float(
            _metrics().roc_auc_score(y_true, proba, multi_class=multi_class, labels=labels)
        )

    return score


def _average_precision(y_true: Any, y_pred: Any, proba: Any) -> float:
    if proba.ndim == 1:
        return float(_metrics().average_precision_score(y_true, proba))
    one_hot = np.eye(proba.shape[1])[y_true]
    return float(_metrics().average_precision_score(one_hot, proba, average="macro"))


def _log_loss(y_true: Any, y_pred: Any, proba: Any) -> float:
    labels = [0, 1] if proba.ndim == 1 else list(range(proba.shape[1]))
    return float(_metrics().log_loss(y_true, proba, labels=labels))


#: scikit-learn's scorer names that scanlab computes from predictions, and how
#: (``log_loss`` is the loss itself, lower is better, where scikit-learn's scorer negates it).
SCORERS: dict[str, Callable[[Any, Any, Any], float]] = {
    "accuracy": _labels_score("accuracy_score"),
    "average_precision": _average_precision,
    "balanced_accuracy": _labels_score("balanced_accuracy_score"),
    "f1": _averaged("f1_score", "binary"),
    "f1_macro": _averaged("f1_score", "macro"),
    "f1_micro": _averaged("f1_score", "micro"),
    "f1_weighted": _averaged("f1_score", "weighted"),
    "jaccard_macro": _averaged("jaccard_score", "macro"),
    "matthews_corrcoef": _labels_score("matthews_corrcoef"),
    "log_loss": _log_loss,
    "precision": _averaged("precision_score", "binary"),
    "precision_macro": _averaged("precision_score", "macro"),
    "precision_micro": _averaged("precision_score", "micro"),
    "precision_weighted": _averaged("precision_score", "weighted"),
    "recall": _averaged("recall_score", "binary"),
    "recall_macro": _averaged("recall_score", "macro"),
    "recall_micro": _averaged("recall_score", "micro"),
    "recall_weighted": _averaged("recall_score", "weighted"),
    "roc_auc": _roc_auc("raise"),
    "roc_auc_ovo": _roc_auc("ovo"),
    "roc_auc_ovr": _roc_auc("ovr"),
}
_BINARY_ONLY = ("f1", "precision", "recall")


def check_scoring(scoring: Any) -> tuple[str, ...]:
    """``scoring`` as a tuple of known scorer names (checked before any training).

    Parameters
    ----------
    scoring : str, iterable of str or None
        scikit-learn scorer names (:data:`SCORERS`).

    Returns
    -------
    tuple of str
        The names, in the order given, without repeats; empty for None.

    Raises
    ------
    ScanArgumentTypeError, ScanArgumentError
        Not a name or names; a name scanlab does not compute (the message lists the close
        ones and every one there is).

    Examples
    --------
    >>> check_scoring('f1_macro'), check_scoring(['recall_macro', 'roc_auc'])
    (('f1_macro',), ('recall_macro', 'roc_auc'))
    """
    if scoring is None:
        return ()
    names = [scoring] if isinstance(scoring, str) else scoring
    if not isinstance(names, Iterable) or not all(isinstance(n, str) for n in names):
        raise ScanArgumentTypeError(
            rule_message(
                "scoring",
                "must be a scikit-learn scorer name or a list of them",
                scoring,
                "use e.g. scoring=['recall_macro', 'f1_macro']",
            )
        )
    unknown = [n for n in names if n not in SCORERS]
    if unknown:
        close = difflib.get_close_matches(unknown[0], SCORERS, n=3)
        hint = f"did you mean {', '.join(close)}? " if close else ""
        raise ScanArgumentError(
            rule_message(
                "scoring",
                "must name metrics scanlab computes from predictions",
                unknown[0],
                f"{hint}the names are: {', '.join(SCORERS)}",
            )
        )
    return tuple(dict.fromkeys(names))


def warn_if_weighted_recall(metric: str | None) -> None:
    """Warn once when the tracked metric is weighted recall (it equals accuracy).

    Parameters
    ----------
    metric : str or None
        The scan's ``metric``.
    """
    if metric in ("recall_weighted", "val_recall_weighted"):
        warnings.warn(
            "metric='val_recall_weighted' equals accuracy (scikit-learn documents that "
            "weighted recall is accuracy), so it hides the class imbalance you may mean to "
            "watch; use 'val_recall_macro' or 'val_balanced_accuracy' for that.",
            UserWarning,
            stacklevel=3,
        )


def read_predictions(y_true: Any, raw: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """True labels, predicted labels and probabilities from labels and a model's output.

    Parameters
    ----------
    y_true : array-like
        ``(n,)`` or ``(n, 1)`` class labels, or ``(n, k)`` one-hot rows.
    raw : array-like
        What ``model.predict`` returned: ``(n,)``/``(n, 1)`` probabilities of class 1, or
        ``(n, k)`` class probabilities.

    Returns
    -------
    (labels, predicted, probability)
        Integer labels, integer predictions, and the probabilities (``(n,)`` of class 1 for
        a sigmoid output, ``(n, k)`` otherwise).

    Raises
    ------
    ContractError
        Shapes or values that are not a classifier's (the message names them).

    Examples
    --------
    >>> labels, predicted, _ = read_predictions([[0, 1], [1, 0]], [[0.2, 0.8], [0.3, 0.7]])
    >>> labels.tolist(), predicted.tolist()
    ([1, 0], [1, 1])
    """
    y = np.asarray(y_true)
    out = np.asarray(raw, dtype="float64")
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    if out.ndim == 2 and out.shape[1] == 1:
        out = out[:, 0]
    if y.ndim == 2:
        y = np.argmax(y, axis=1)
    if y.ndim != 1 or out.ndim not in (1, 2) or len(y) != len(out):
        raise ContractError(_shape_message(np.asarray(y_true).shape, np.asarray(raw).shape))
    labels = y.astype("float64") if y.dtype != bool else y.astype("int64")
    if not np.all(np.isfinite(labels)) or not np.all(labels == np.round(labels)):
        raise ContractError(
            f"scoring needs class labels, but the validation targets are not whole numbers "
            f"(e.g. {y[:3].tolist()}): scoring= is for classifiers. Fix: drop scoring for a "
            f"regression, or pass integer or one-hot labels."
        )
    labels = labels.astype("int64")
    if out.ndim == 1:
        if labels.min(initial=0) < 0 or labels.max(initial=0) > 1:
            raise ContractError(
                f"the model outputs one probability per sample (a sigmoid), but the labels "
                f"hold {sorted(set(labels.tolist()))[:5]}: more than two classes need a "
                f"softmax output of shape (n, classes)."
            )
        return labels, (out >= 0.5).astype("int64"), out
    if labels.min(initial=0) < 0 or labels.max(initial=0) >= out.shape[1]:
        raise ContractError(
            f"the model outputs {out.shape[1]} class probabilities, but the labels reach "
            f"{labels.max()}: the output layer needs one unit per class."
        )
    return labels, np.argmax(out, axis=1), out


def score_predictions(
    y_true: Any, raw: Any, names: Iterable[str]
) -> tuple[dict[str, float], dict[str, Any]]:
    """The scores of one run's validation predictions, and the per-class details.

    Parameters
    ----------
    y_true : array-like
        Validation labels (see :func:`read_predictions`).
    raw : array-like
        ``model.predict(x_val)``.
    names : iterable of str
        Scorer names (:data:`SCORERS`).

    Returns
    -------
    (scores, details)
        ``{name: value}``; ``details`` holds ``labels``, ``confusion_matrix`` (rows: true
        class) and per-class ``precision``, ``recall``, ``f1`` and ``support``. A score
        scikit-learn cannot compute here (``roc_auc`` with one class present) is NaN.
    """
    from sklearn.exceptions import UndefinedMetricWarning

    labels, predicted, probability = read_predictions(y_true, raw)
    metrics = _metrics()
    classes = 2 if probability.ndim == 1 else probability.shape[1]
    scores: dict[str, float] = {}
    for name in names:
        if name in _BINARY_ONLY and classes > 2:
            raise ContractError(
                f"scoring {name!r} is binary-only (scikit-learn's average='binary'), but the "
                f"model outputs {classes} classes: use {name}_macro or {name}_weighted."
            )
        try:
            with warnings.catch_warnings():  # undefined here (one class present): NaN
                warnings.simplefilter("ignore", UndefinedMetricWarning)
                scores[name] = SCORERS[name](labels, predicted, probability)
        except ValueError:  # e.g. ROC AUC with one class in the validation data
            scores[name] = float("nan")
    every = list(range(classes))
    precision, recall, f1, support = metrics.precision_recall_fscore_support(
        labels, predicted, labels=every, zero_division=0
    )
    details = {
        "labels": every,
        "confusion_matrix": metrics.confusion_matrix(labels, predicted, labels=every).tolist(),
        "precision": precision.tolist(),
        "recall": recall.tolist(),
        "f1": f1.tolist(),
        "support": support.tolist(),
    }
    return scores, details


def score_model(
    model: Any, data: Any, names: Iterable[str]
) -> tuple[dict[str, float], dict[str, Any]]:
    """Predict the validation data once and score it: the ``val_<name>`` columns of a run.

    Parameters
    ----------
    model : keras.Model
        The trained model the model function returned (anything with ``predict``).
    data : TrialData
        Its ``x_val`` and ``y_val``.
    names : iterable of str
        Scorer names.

    Returns
    -------
    (scores, details)
        ``{'val_<name>': value}`` and :func:`score_predictions`'s details.

    Raises
    ------
    ContractError
        No model to predict with, or predictions that are not a classifier's.
    """
    if not hasattr(model, "predict"):
        raise ContractError(
            f"scoring needs the trained model: the model function returned "
            f"{type(model).__name__} as its model. Fix: return history, model (the keras "
            f"model that was fitted), or drop scoring."
        )
    raw = predict(model, data.x_val)
    scores, details = score_predictions(data.y_val, raw, names)
    return {f"val_{name}": value for name, value in scores.items()}, details


#: Rows per forward pass when scoring (bounds the memory of one pass).
PREDICT_BATCH = 4096


def predict(model: Any, x: Any) -> np.ndarray:
    """The model's outputs for ``x``: forward passes in inference mode, ``PREDICT_BATCH``
    rows at a time; ``model.predict`` when the model cannot be called that way.

    ``model.predict`` builds and compiles a prediction function on its first call (about
    0.2-0.5 s for a small MLP on CPU, 5-10 % of a tiny run); calling the model on the
    arrays costs milliseconds, which keeps scoring within 2 % of a tiny run
    (``bench/validation.py``).

    Parameters
    ----------
    model : keras.Model or object with ``predict``
        The trained model.
    x : array-like or list of arrays
        The inputs (a list for a multi-input model).

    Returns
    -------
    ndarray
    """
    inputs = list(x) if isinstance(x, (list, tuple)) else [x]
    if callable(model) and hasattr(model, "layers") and all(hasattr(a, "shape") for a in inputs):
        try:  # a Keras model on arrays
            import keras

            n = len(inputs[0])
            parts = []
            for i in range(0, n, PREDICT_BATCH):
                rows = [a[i : i + PREDICT_BATCH] for a in inputs]
                batch = rows if isinstance(x, (list, tuple)) else rows[0]
                parts.append(keras.ops.convert_to_numpy(model(batch, training=False)))
            return np.concatenate(parts) if parts else np.empty((0,))
        except Exception:  # inputs the model only takes through predict (a dataset, ...)
            pass
    return np.asarray(model.predict(x, verbose=0))


def _shape_message(y_shape: tuple, raw_shape: tuple) -> str:
    return (
        f"scoring cannot read the predictions: labels of shape {y_shape} and model output "
        f"of shape {raw_shape}. It reads labels (n,), (n, 1) or one-hot (n, k) and outputs "
        f"(n,)/(n, 1) (a sigmoid) or (n, k) (a softmax), with the same n. Fix: return a "
        f"classifier from the model function, or drop scoring."
    )
