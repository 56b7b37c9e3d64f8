"""The ``fit`` keywords a builder's params give: batch size, shuffling, class weights.

scanlab calls ``fit`` for a builder (:mod:`scanlab._builder`); besides the epochs it passes
the params keys :data:`FIT_SETTINGS`. ``class_weight`` may be a dict, None (left out) or
``'balanced'``: scikit-learn's balanced weights of the run's own training labels (each
fold's, in a cross-validated scan), so a rare class weighs as much as a common one.
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

__all__ = ["FIT_SETTINGS", "balanced_class_weight", "fit_settings", "whole"]

#: Params keys passed to ``fit`` for a builder (``epochs`` too, or the budget).
FIT_SETTINGS = ("batch_size", "class_weight", "shuffle")


def whole(value: Any) -> Any:
    """A NumPy integer or a whole float as an int (``np.arange`` gives such values).

    Examples
    --------
    >>> whole(np.int64(3)), whole(4.0), whole(0.5), whole(True)
    (3, 4, 0.5, True)
    """
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        return int(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def balanced_class_weight(y: Any) -> dict[int, float]:
    """scikit-learn's ``'balanced'`` class weights of labels ``y`` as a dict for Keras's fit.

    ``n_samples / (n_classes * count)`` per class: a class with half the average count
    weighs 2. Integer labels (1-D, or one column), or one-hot rows (their argmax).

    Parameters
    ----------
    y : array-like
        Class labels (1-D or one column) or one-hot rows (2-D).

    Returns
    -------
    dict of int to float

    Examples
    --------
    >>> balanced_class_weight([0, 0, 0, 1])
    {0: 0.6666666666666666, 1: 2.0}
    >>> balanced_class_weight([[0], [0], [0], [1]])  # binary labels of shape (n, 1)
    {0: 0.6666666666666666, 1: 2.0}
    """
    from sklearn.utils.class_weight import compute_class_weight

    labels = np.asarray(y)
    if labels.ndim == 2 and labels.shape[1] > 1:  # one-hot; a single column holds labels
        labels = labels.argmax(axis=1)
    labels = labels.astype(int).ravel()
    classes = np.unique(labels)
    weights = compute_class_weight("balanced", classes=classes, y=labels)
    return {int(c): float(w) for c, w in zip(classes, weights, strict=True)}


def fit_settings(params: dict[str, Any], y_train: Any) -> dict[str, Any]:
    """The fit keywords in ``params``; ``class_weight='balanced'`` computed from
    ``y_train``, a None ``class_weight`` left out.

    Parameters
    ----------
    params : dict
        The run's permutation.
    y_train : array-like
        The run's training labels.

    Returns
    -------
    dict

    Examples
    --------
    >>> fit_settings({'batch_size': np.int64(8), 'class_weight': 'balanced', 'lr': 0.1},
    ...              [0, 0, 0, 1])
    {'batch_size': 8, 'class_weight': {0: 0.6666666666666666, 1: 2.0}}
    >>> fit_settings({'class_weight': None}, [0, 1])
    {}
    """
    settings = {key: whole(params[key]) for key in FIT_SETTINGS if key in params}
    weight = settings.get("class_weight", "")
    if isinstance(weight, str) and weight == "balanced":
        settings["class_weight"] = balanced_class_weight(y_train)
    elif weight is None:
        del settings["class_weight"]
    return settings
