"""Talos's Keras metrics (``talos.utils.metrics``), for Keras 3 and any backend.

Regression metrics are plain functions, averaged by Keras over the samples; their names in the
history are the function names (``mae``, ``val_rmse``, ...):

- ``mae``, ``mse``: mean absolute / squared error over the last axis;
- ``rmae``, ``rmse``, ``rmsle``: square roots of ``mae``, ``mse``, ``msle`` (per sample);
- ``mape``: ``100 * mean(|(y - p) / max(|y|, 1e-7)|)``;
- ``msle``: squared difference of ``log(max(v, 1e-7) + 1)``.

Classification metrics accumulate true/false positives and false negatives over the whole
epoch (not a mean of batch values): ``f1score``, ``precision``, ``recall`` and ``matthews``
are fresh stateful metrics each time they are read from this module, named as in Talos
(``f1score``, ``val_f1score``, ...). One output unit means binary labels thresholded at 0.5;
several units mean classes (argmax of the predictions; labels one-hot or integer), averaged
over the classes (macro). :func:`classification_metric` builds one with another ``beta``,
``num_classes`` or name; :func:`fbeta` is the variable-free F-beta of one batch.

Examples
--------
>>> import numpy as np
>>> y, p = np.array([[1.0], [2.0]]), np.array([[1.5], [2.0]])
>>> [round(float(v), 3) for v in mae(y, p)]
[0.5, 0.0]
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

from scanlab.errors import ScanArgumentError, rule_message

__all__ = [
    "classification_metric",
    "custom_objects",
    "f1score",
    "fbeta",
    "mae",
    "mape",
    "matthews",
    "mse",
    "msle",
    "precision",
    "recall",
    "rmae",
    "rmse",
    "rmsle",
]

if TYPE_CHECKING:  # made by __getattr__, a fresh metric on every read
    f1score: Any
    matthews: Any
    precision: Any
    recall: Any

_KINDS = ("f1score", "matthews", "precision", "recall")
_EPSILON = 1e-7


def _ops() -> Any:
    import keras

    return keras.ops


def _pair(y_true: Any, y_pred: Any) -> tuple[Any, Any]:
    """Both in the predictions' float width, with a trailing unit axis matched."""
    ops = _ops()
    dtype = "float64" if "float64" in str(getattr(y_pred, "dtype", "")) else "float32"
    y_true, y_pred = ops.cast(y_true, dtype), ops.cast(y_pred, dtype)
    if len(y_pred.shape) == len(y_true.shape) + 1 and y_pred.shape[-1] == 1:
        y_true = ops.expand_dims(y_true, axis=-1)
    elif len(y_true.shape) == len(y_pred.shape) + 1 and y_true.shape[-1] == 1:
        y_pred = ops.expand_dims(y_pred, axis=-1)
    return y_true, y_pred


def mae(y_true: Any, y_pred: Any) -> Any:
    """Mean absolute error over the last axis, per sample."""
    ops = _ops()
    y_true, y_pred = _pair(y_true, y_pred)
    return ops.mean(ops.abs(y_pred - y_true), axis=-1)


def mse(y_true: Any, y_pred: Any) -> Any:
    """Mean squared error over the last axis, per sample."""
    ops = _ops()
    y_true, y_pred = _pair(y_true, y_pred)
    return ops.mean(ops.square(y_pred - y_true), axis=-1)


def rmae(y_true: Any, y_pred: Any) -> Any:
    """Square root of :func:`mae`, per sample."""
    return _ops().sqrt(mae(y_true, y_pred))


def rmse(y_true: Any, y_pred: Any) -> Any:
    """Square root of :func:`mse`, per sample."""
    return _ops().sqrt(mse(y_true, y_pred))


def mape(y_true: Any, y_pred: Any) -> Any:
    """Mean absolute percentage error (``|y|`` floored at 1e-7), per sample."""
    ops = _ops()
    y_true, y_pred = _pair(y_true, y_pred)
    ratio = (y_true - y_pred) / ops.maximum(ops.abs(y_true), _EPSILON)
    return 100 * ops.mean(ops.abs(ratio), axis=-1)


def msle(y_true: Any, y_pred: Any) -> Any:
    """Mean squared logarithmic error (values floored at 1e-7), per sample."""
    ops = _ops()
    y_true, y_pred = _pair(y_true, y_pred)
    log_pred = ops.log(ops.maximum(y_pred, _EPSILON) + 1)
    log_true = ops.log(ops.maximum(y_true, _EPSILON) + 1)
    return ops.mean(ops.square(log_pred - log_true), axis=-1)


def rmsle(y_true: Any, y_pred: Any) -> Any:
    """Square root of :func:`msle`, per sample."""
    return _ops().sqrt(msle(y_true, y_pred))


def _labels(y_true: Any, y_pred: Any, count: int) -> tuple[Any, Any]:
    """``(actual, predicted)`` as 0/1 float32 matrices of ``count`` columns."""
    ops = _ops()
    if count > 1:
        predicted = ops.one_hot(ops.argmax(y_pred, axis=-1), count)
        if len(y_true.shape) > 1 and y_true.shape[-1] == count:
            actual = ops.one_hot(ops.argmax(y_true, axis=-1), count)
        else:
            actual = ops.one_hot(ops.cast(ops.reshape(y_true, (-1,)), "int32"), count)
    else:
        threshold = ops.cast(ops.reshape(ops.cast(y_true, "float32"), (-1, 1)) >= 0.5, "float32")
        actual = threshold
        predicted = ops.cast(ops.reshape(ops.cast(y_pred, "float32"), (-1, 1)) >= 0.5, "float32")
    return ops.cast(actual, "float32"), ops.cast(predicted, "float32")


def fbeta(y_true: Any, y_pred: Any, beta: float = 1) -> Any:
    """F-beta of one batch (macro over classes), without variables.

    Parameters
    ----------
    y_true, y_pred : array-like
        Labels and predictions (one unit: binary at 0.5; several: argmax classes).
    beta : float
        Weight of recall against precision (>= 0).

    Returns
    -------
    tensor
        A scalar.
    """
    if beta < 0:
        raise ScanArgumentError(rule_message("beta", "must be >= 0", beta, "use e.g. beta=1"))
    ops = _ops()
    y_true, y_pred = ops.convert_to_tensor(y_true), ops.convert_to_tensor(y_pred)
    count = int(y_pred.shape[-1]) if len(y_pred.shape) > 1 else 1
    actual, predicted = _labels(y_true, y_pred, count)
    tp = ops.sum(actual * predicted, axis=0)
    fp = ops.sum((1 - actual) * predicted, axis=0)
    fn = ops.sum(actual * (1 - predicted), axis=0)
    bb = beta**2
    return ops.mean((1 + bb) * tp / ops.maximum((1 + bb) * tp + bb * fn + fp, _EPSILON))


@functools.cache
def _metric_class() -> type:
    """The Keras metric class, made on first use (Keras is imported lazily)."""
    import keras

    ops = keras.ops

    @keras.saving.register_keras_serializable(package="scanlab.talos")
    class ClassificationMetric(keras.metrics.Metric):
        """Epoch-level F-beta, precision, recall or Matthews correlation (Talos's)."""

        def __init__(
            self,
            kind: str = "f1score",
            beta: float = 1,
            num_classes: int | None = None,
            name: str | None = None,
            **kwargs: Any,
        ) -> None:
            super().__init__(name=name or kind, **kwargs)
            self.kind, self.beta, self.class_count = kind, beta, num_classes
            self.tp: Any = None
            self.fp: Any = None
            self.fn: Any = None
            self.tn: Any = None
            if num_classes:
                self._make_counts(int(num_classes))

        def _make_counts(self, count: int) -> None:
            self.class_count = count
            for counter in ("tp", "fp", "fn"):
                setattr(
                    self,
                    counter,
                    self.add_weight(shape=(count,), initializer="zeros", name=counter),
                )
            self.tn = self.add_weight(shape=(), initializer="zeros", name="tn")

        def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
            y_true, y_pred = ops.convert_to_tensor(y_true), ops.convert_to_tensor(y_pred)
            if self.tp is None:
                self._make_counts(int(y_pred.shape[-1]) if len(y_pred.shape) > 1 else 1)
            actual, predicted = _labels(y_true, y_pred, self.class_count or 1)
            weight: Any = 1
            if sample_weight is not None:
                weight = ops.cast(ops.reshape(sample_weight, (-1, 1)), "float32")
            self.tp.assign_add(ops.sum(weight * actual * predicted, axis=0))
            self.fp.assign_add(ops.sum(weight * (1 - actual) * predicted, axis=0))
            self.fn.assign_add(ops.sum(weight * actual * (1 - predicted), axis=0))
            if self.class_count == 1:
                self.tn.assign_add(ops.sum(weight * (1 - actual) * (1 - predicted)))

        def result(self) -> Any:
            if self.tp is None:
                return 0.0
            tp, fp, fn = self.tp, self.fp, self.fn
            precision = tp / ops.maximum(tp + fp, _EPSILON)
            recall = tp / ops.maximum(tp + fn, _EPSILON)
            if self.kind == "precision":
                return ops.mean(precision)
            if self.kind == "recall":
                return ops.mean(recall)
            if self.kind == "matthews":
                if self.class_count == 1:
                    tp, fp, fn, tn = tp[0], fp[0], fn[0], self.tn
                    spread = ops.sqrt((tp + fp) * (tp + fn) * (tn + fp) * (tn + fn))
                    return (tp * tn - fp * fn) / ops.maximum(spread, _EPSILON)
                guessed, true = tp + fp, tp + fn
                total = ops.sum(true)
                top = ops.sum(tp) * total - ops.sum(guessed * true)
                spread = (total**2 - ops.sum(guessed**2)) * (total**2 - ops.sum(true**2))
                return top / ops.maximum(ops.sqrt(spread), _EPSILON)
            bb = self.beta**2
            return ops.mean(
                (1 + bb) * precision * recall / ops.maximum(bb * precision + recall, _EPSILON)
            )

        def reset_state(self) -> None:
            for variable in self.variables:
                variable.assign(ops.zeros_like(variable))

        def get_config(self) -> dict[str, Any]:
            return {
                **super().get_config(),
                "kind": self.kind,
                "beta": self.beta,
                "num_classes": self.class_count,
            }

    return ClassificationMetric


def classification_metric(
    kind: str = "f1score", beta: float = 1, num_classes: int | None = None, name: str | None = None
) -> Any:
    """A stateful Keras metric: ``'f1score'`` (F-beta), ``'precision'``, ``'recall'`` or
    ``'matthews'``, counted over the whole epoch.

    Parameters
    ----------
    kind : str
        Which metric.
    beta : float
        F-beta's weight of recall (>= 0); used by ``'f1score'``.
    num_classes : int, optional
        Output units; by default read from the first batch's predictions.
    name : str, optional
        The history name (default: ``kind``).

    Returns
    -------
    keras.metrics.Metric

    Examples
    --------
    >>> metric = classification_metric('precision')
    >>> metric.update_state([[1.0], [0.0], [1.0]], [[0.9], [0.8], [0.2]])
    >>> metric.name, round(float(metric.result()), 3)
    ('precision', 0.5)
    """
    if kind not in _KINDS:
        raise ScanArgumentError(
            rule_message("kind", f"must be one of {list(_KINDS)}", kind, "use e.g. 'f1score'")
        )
    if beta < 0:
        raise ScanArgumentError(rule_message("beta", "must be >= 0", beta, "use e.g. beta=1"))
    return _metric_class()(kind=kind, beta=beta, num_classes=num_classes, name=name)


def custom_objects() -> dict[str, Any]:
    """What ``keras.models.load_model(..., custom_objects=...)`` needs to load a model compiled
    with these metrics in a process that has not made one yet.

    Returns
    -------
    dict
        The metric class (under its registered and its plain name) and the metric functions.

    Examples
    --------
    >>> sorted(custom_objects())[:3]
    ['ClassificationMetric', 'fbeta', 'mae']
    """
    cls = _metric_class()
    functions = (fbeta, mae, mape, mse, msle, rmae, rmse, rmsle)
    return {
        "ClassificationMetric": cls,
        "scanlab.talos>ClassificationMetric": cls,
        **{function.__name__: function for function in functions},
    }


def __getattr__(name: str) -> Any:
    """``f1score``, ``precision``, ``recall``, ``matthews``: a fresh metric on every read."""
    if name in ("f1score", "matthews", "precision", "recall"):
        return classification_metric(name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
