"""``AutoPredict``: Talos's evaluate-then-predict step after an automatic scan."""

from __future__ import annotations

from typing import Any

__all__ = ["AutoPredict"]


def AutoPredict(
    scan_object: Any,
    x_val: Any,
    y_val: Any,
    x_pred: Any,
    task: str,
    metric: str = "val_acc",
    n_models: int = 10,
    folds: int = 5,
    shuffle: bool = True,
    asc: bool = False,
    custom_objects: dict[str, Any] | None = None,
    model_factory: Any = None,
    average: str | None = None,
) -> Any:
    """Score the best models on ``x_val, y_val``, then predict ``x_pred`` with the winner.

    As Talos 2.0.10: the ``n_models`` best runs by ``metric`` are scored on ``folds`` folds
    of ``x_val, y_val`` (``Scan.evaluate_models``: F1, or MAE for ``'continuous'``; the
    saved models are scored, not retrained), the run with the best mean score is loaded and
    predicts ``x_pred``.

    Parameters
    ----------
    scan_object : scanlab.talos.Scan
        A finished scan that kept its models (``save_weights=True``, Talos's default).
    x_val, y_val : array-like
        Data to score the models on.
    x_pred : array-like
        Data to predict.
    task : str
        A Talos task (``'binary'``, ``'multi_class'``, ``'multi_label'``, ``'continuous'``,
        ...); it also decides how probabilities become classes.
    metric : str, default 'val_acc'
        Ranks the runs before scoring (``val_acc`` finds Keras's ``val_accuracy``).
    n_models, folds, shuffle, asc, average
        As in ``Scan.evaluate_models``.
    custom_objects : dict, optional
        For loading models with custom layers or metrics.
    model_factory : None
        PyTorch only in Talos; refused by the loaders.

    Returns
    -------
    scanlab.talos.Scan
        ``scan_object`` with ``eval_*`` columns in ``data`` and the attributes
        ``preds_model``, ``preds_probabilities``, ``preds_classes`` and
        ``preds_parameters`` (the winning row of ``data``).
    """
    from scanlab.talos._evaluate import evaluate_models
    from scanlab.talos._predict import classes

    evaluate_models(
        scan_object,
        x_val,
        y_val,
        task,
        n_models,
        metric,
        folds,
        shuffle,
        asc,
        custom_objects=custom_objects,
        model_factory=model_factory,
        average=average,
    )
    continuous = task in ("continuous", "regression")
    objective = "eval_mae_mean" if continuous else "eval_f1score_mean"
    model = scan_object.best_model(objective, asc=continuous, custom_objects=custom_objects)
    predictions = model.predict(x_pred, verbose=0)
    scan_object.preds_model = model
    scan_object.preds_probabilities = predictions
    scan_object.preds_classes = classes(predictions, task)
    ranked = scan_object.data.sort_values(objective, ascending=continuous, kind="stable")
    scan_object.preds_parameters = ranked.iloc[0]
    return scan_object
