"""Talos's ``Predict``: predictions of a scan's best (or a chosen) model.

``Predict(scan_object).predict(x, metric, asc)`` picks the run with the best ``metric`` in
``scan_object.data`` (highest, or lowest with ``asc=True``), loads that run's saved model
(``scan_object.best_model`` / ``scan_object.load_model``, Keras safe mode) and predicts
``x``. ``predict_classes`` turns the predictions into class labels the way Talos does for
its ``task`` names. A :class:`~scanlab.talos.Restore` object works as ``scan_object`` too
(its ``.model`` is used).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from scanlab._metric_names import is_loss_like, resolve_metric
from scanlab.errors import AnalysisError, rule_message

__all__ = [
    "Predict",
    "TASKS",
    "best_row",
    "check_task",
    "classes",
    "refuse_model_factory",
    "select_model",
]

#: Talos's task names, each mapped to how predictions become labels.
TASKS: dict[str, str] = {
    "binary": "threshold at 0.5 (argmax for two columns)",
    "multi_class": "argmax",
    "multiclass": "argmax",
    "multi_label": "argmax (one-hot targets)",
    "multilabel": "threshold each column at 0.5",
    "multi_label_independent": "threshold each column at 0.5",
    "continuous": "the predictions themselves",
    "regression": "the predictions themselves",
}


def check_task(task: Any, argument: str = "task") -> str:
    """``task`` itself when it is one of Talos's task names, else a clear error.

    Parameters
    ----------
    task : object
        The task name received.
    argument : str
        The argument's name, for the message.

    Returns
    -------
    str
        ``task``.

    Raises
    ------
    AnalysisError
        When ``task`` is not one of :data:`TASKS`.

    Examples
    --------
    >>> check_task('binary')
    'binary'
    """
    if not isinstance(task, str) or task not in TASKS:
        raise AnalysisError(
            rule_message(
                argument,
                f"must be one of Talos's tasks {sorted(TASKS)}",
                task,
                "e.g. task='binary' for one sigmoid output, 'multi_class' for softmax, "
                "'continuous' for regression",
            )
        )
    return task


def classes(predictions: Any, task: str) -> np.ndarray:
    """Class labels from model outputs, as Talos computes them for ``task``.

    Parameters
    ----------
    predictions : array-like
        What ``model.predict`` returned.
    task : str
        One of :data:`TASKS`.

    Returns
    -------
    ndarray
        ``binary``: ``predictions >= 0.5`` as int (argmax over two columns);
        ``multi_class``/``multiclass``/``multi_label``: argmax over the last axis;
        ``multilabel``/``multi_label_independent``: each column thresholded at 0.5;
        ``continuous``/``regression``: the predictions unchanged.

    Examples
    --------
    >>> classes([[0.2], [0.7]], 'binary').ravel().tolist()
    [0, 1]
    >>> classes([[0.1, 0.9], [0.8, 0.2]], 'multi_class').tolist()
    [1, 0]
    """
    values = np.asarray(predictions)
    check_task(task)
    if task == "binary":
        if values.ndim > 1 and values.shape[-1] == 2:
            return np.argmax(values, axis=-1)
        return (values >= 0.5).astype(int)
    if task in ("multi_class", "multiclass", "multi_label"):
        return np.argmax(values, axis=-1) if values.ndim > 1 else values.astype(int)
    if task in ("multilabel", "multi_label_independent"):
        return (values >= 0.5).astype(int)
    return values


def refuse_model_factory(model_factory: Any) -> None:
    """Refuse Talos's ``model_factory`` (PyTorch models): scanlab.talos handles Keras models.

    Parameters
    ----------
    model_factory : object
        The value received; None passes.

    Raises
    ------
    AnalysisError
        When ``model_factory`` is not None.

    Examples
    --------
    >>> refuse_model_factory(None)
    """
    if model_factory is not None:
        raise AnalysisError(
            rule_message(
                "model_factory",
                "is not supported (it rebuilds PyTorch models; "
                "scanlab.talos scans, saves and loads Keras models only)",
                model_factory,
                "leave model_factory=None and save Keras models",
            )
        )


def best_row(data: Any, metric: str, asc: bool | None) -> tuple[Any, str, bool]:
    """The index label of the best row of ``data`` by ``metric`` (Talos's ``best_model``).

    Parameters
    ----------
    data : DataFrame
        One row per run (``scan_object.data``).
    metric : str
        A metric column; Talos's ``acc``/``val_acc`` find ``accuracy``/``val_accuracy``.
    asc : bool or None
        True: lowest is best; False: highest is best; None: inferred from the name.

    Returns
    -------
    tuple
        ``(row label, resolved metric, asc)``; rows with no value are skipped and ties go to
        the earliest row.

    Raises
    ------
    MetricNotFoundError
        When ``metric`` is not a column.
    AnalysisError
        When no row has a value for it.

    Examples
    --------
    >>> import pandas as pd
    >>> best_row(pd.DataFrame({'val_accuracy': [0.5, 0.9, 0.9]}), 'val_acc', False)
    (1, 'val_accuracy', False)
    """
    metric = resolve_metric(metric, [str(c) for c in data.columns], "metric")
    asc = is_loss_like(metric) if asc is None else bool(asc)
    values = data[metric].dropna()
    if values.empty:
        raise AnalysisError(
            f"metric={metric!r} has no value in any run, so there is no best model. Fix: "
            f"pick a metric the runs recorded ({[str(c) for c in data.columns]})."
        )
    row = values.sort_values(ascending=asc, kind="stable").index[0]
    return (row.item() if isinstance(row, np.generic) else row), metric, asc


def select_model(
    scan_object: Any,
    metric: str | None,
    asc: bool | None,
    model_id: Any = None,
    saved: bool = False,
    custom_objects: dict[str, Any] | None = None,
    model_factory: Any = None,
) -> Any:
    """The Keras model Talos's commands would use: run ``model_id``, else the best by metric.

    Parameters
    ----------
    scan_object : Scan or Restore
        A ``scanlab.talos.Scan`` (or anything with ``data`` and ``load_model``/
        ``best_model``), or a ``Restore`` object (its ``.model``).
    metric : str or None
        Metric to rank runs by.
    asc : bool or None
        True when lower is better; None: inferred from the metric's name.
    model_id : int, optional
        A row of ``scan_object.data``; then ``metric`` is not used.
    saved, custom_objects
        Passed to the scan's ``best_model`` (``load_model(model_id)`` gets ``custom_objects``).
    model_factory : None
        Talos's option for PyTorch models; scanlab.talos restores Keras models only.

    Returns
    -------
    keras.Model
    """
    refuse_model_factory(model_factory)
    options: dict[str, Any] = {}
    if saved:
        options["saved"] = saved
    if custom_objects is not None:
        options["custom_objects"] = custom_objects
    has_runs = hasattr(scan_object, "load_model") or hasattr(scan_object, "best_model")
    if not has_runs and getattr(scan_object, "model", None) is not None:
        return scan_object.model  # a Restore object: its one model
    if model_id is not None:
        if not hasattr(scan_object, "load_model"):
            raise AnalysisError(
                rule_message(
                    "model_id",
                    "needs a scan object with load_model()",
                    model_id,
                    "pass the scanlab.talos.Scan the model came from",
                )
            )
        if custom_objects is not None:
            return scan_object.load_model(model_id, custom_objects)
        return scan_object.load_model(model_id)
    if not has_runs:
        raise AnalysisError(
            rule_message(
                "scan_object",
                "must be a scanlab.talos.Scan (or a Restore object)",
                type(scan_object).__name__,
                "pass the object Scan(...) returned",
            )
        )
    row, metric, asc = best_row(scan_object.data, metric or "val_acc", asc)
    if hasattr(scan_object, "best_model"):
        return scan_object.best_model(metric, asc, **options)
    return scan_object.load_model(row)


class Predict:
    """Predict with the best model of a scan (Talos 2.0.10's ``talos.Predict``).

    Parameters
    ----------
    scan_object : Scan or Restore
        A finished ``scanlab.talos.Scan`` (run with ``save_models=True`` or
        ``save_weights=True``), or a ``Restore`` object.
    task : str, optional
        Default ``task`` for :meth:`predict_classes` (one of :data:`TASKS`).

    Examples
    --------
    >>> p = Predict(scan)                                          # doctest: +SKIP
    >>> p.predict(x_test, metric='val_acc', asc=False)             # doctest: +SKIP
    >>> p.predict_classes(x_test, 'val_acc', False, task='binary')  # doctest: +SKIP
    """

    def __init__(self, scan_object: Any, task: str | None = None) -> None:
        self.scan_object = scan_object
        self.data = getattr(scan_object, "data", None)
        self.task = None if task is None else check_task(task)

    def predict(
        self,
        x: Any,
        metric: str = "val_acc",
        asc: bool | None = False,
        model_id: Any = None,
        saved: bool = False,
        custom_objects: dict[str, Any] | None = None,
        model_factory: Any = None,
        **kwargs: Any,
    ) -> Any:
        """Predictions of the best model (or of run ``model_id``) for ``x``.

        Parameters
        ----------
        x : array-like
            Model input.
        metric : str
            Metric that picks the model (``val_acc`` finds ``val_accuracy``).
        asc : bool or None
            True when lower is better (a loss); None: inferred from the name.
        model_id : int, optional
            Use this row of ``scan_object.data`` instead of the best one.
        saved, custom_objects
            Passed on to the scan's model loader.
        model_factory : None
            PyTorch only in Talos; refused.
        **kwargs
            Passed to ``model.predict`` (``verbose=0`` unless given).

        Returns
        -------
        ndarray
            What ``model.predict`` returns.
        """
        model = select_model(
            self.scan_object, metric, asc, model_id, saved, custom_objects, model_factory
        )
        kwargs.setdefault("verbose", 0)
        return model.predict(x, **kwargs)

    def predict_classes(
        self,
        x: Any,
        metric: str = "val_acc",
        asc: bool | None = False,
        task: str | None = None,
        model_id: Any = None,
        saved: bool = False,
        custom_objects: dict[str, Any] | None = None,
        model_factory: Any = None,
    ) -> np.ndarray:
        """Class labels of the best model's predictions for ``x`` (see :func:`classes`).

        Parameters
        ----------
        x : array-like
            Model input.
        metric, asc, model_id, saved, custom_objects, model_factory
            As in :meth:`predict`.
        task : str, optional
            One of :data:`TASKS`; default: the ``task`` given to ``Predict``.

        Returns
        -------
        ndarray
        """
        task = task if task is not None else self.task
        if task is None:
            raise AnalysisError(
                rule_message(
                    "task",
                    "is needed to turn predictions into classes",
                    task,
                    "pass task='binary', 'multi_class', 'multilabel' or 'continuous'",
                )
            )
        check_task(task)
        predictions = self.predict(x, metric, asc, model_id, saved, custom_objects, model_factory)
        return classes(predictions, task)
