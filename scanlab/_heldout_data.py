"""The held-out check's data: the test arrays checked, the data a refit trains on, the
scan's preprocessing applied, and the test scores of a trained model.

The test data reaches the model only in :func:`score_test`, after training; the model
function sees the training part and the validation data (:func:`fit_data`). Nothing here
imports a deep-learning framework (the trained model brings its own).

Examples
--------
>>> import numpy as np
>>> split = TrialData(np.zeros((7, 2)), np.zeros(7), np.ones((3, 2)), np.ones(3))
>>> fit = fit_data(split, 'train+val')
>>> len(fit.x_train), fit.x_val is split.x_val
(10, True)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from scanlab._fold_data import ScanData
from scanlab._metric_names import metric_aliases
from scanlab.data import n_samples
from scanlab.errors import ContractError, ScanArgumentError, rule_message
from scanlab.scoring import score_predictions
from scanlab.trial import TrialData

__all__ = ["REFITS", "check_test_data", "concat", "fit_data", "preprocessed", "score_test"]

#: What a refit trains on: the scan's training part, or training and validation together.
REFITS = ("train", "train+val")


def _is_inputs_list(value: Any) -> bool:
    return isinstance(value, (list, tuple)) and bool(value) and hasattr(value[0], "shape")


def _feature_shapes(value: Any) -> list[tuple]:
    """The shape of one sample of each input (one entry for a single-input model)."""
    parts = value if _is_inputs_list(value) else [value]
    return [tuple(np.shape(part)[1:]) for part in parts]


def check_test_data(x_test: Any, y_test: Any, x_reference: Any) -> None:
    """Raise before any training when the test data cannot be scored like the training data.

    Parameters
    ----------
    x_test, y_test : array-like or list of arrays
        The held-out data.
    x_reference : array-like or list of arrays
        The inputs the scan trained on (their per-sample shape is the rule).

    Raises
    ------
    ScanArgumentError
        When the test data is empty, ``x_test`` and ``y_test`` differ in length, or a test
        sample's shape (or the number of inputs) differs from a training sample's.

    Examples
    --------
    >>> check_test_data(np.zeros((4, 3)), np.zeros(4), np.zeros((10, 3)))
    >>> check_test_data(np.zeros((4, 2)), np.zeros(4), np.zeros((10, 3)))
    Traceback (most recent call last):
    ...
    scanlab.errors.ScanArgumentError: x_test must have the training data's sample shape [(3,)], got [(2,)]. Fix: pass test inputs with the same features, in the same order, as x.
    """
    n_x, n_y = n_samples(x_test, "x_test"), n_samples(y_test, "y_test")
    if n_x != n_y:
        raise ScanArgumentError(
            rule_message(
                "y_test",
                "must have one label per sample of x_test",
                f"len(x_test)={n_x}, len(y_test)={n_y}",
                "check that the test labels belong to these inputs",
            )
        )
    if n_x == 0:
        raise ScanArgumentError(
            rule_message("x_test", "must hold at least one sample", n_x, "pass the test set")
        )
    expected, got = _feature_shapes(x_reference), _feature_shapes(x_test)
    if expected != got:
        raise ScanArgumentError(
            rule_message(
                "x_test",
                f"must have the training data's sample shape {expected}",
                got,
                "pass test inputs with the same features, in the same order, as x",
            )
        )


def concat(first: Any, second: Any) -> Any:
    """Rows of ``first`` then rows of ``second``: arrays, pandas objects or lists of arrays.

    Parameters
    ----------
    first, second : array-like or list of arrays
        Of the same kind (a list of arrays: one per input of a multi-input model).

    Returns
    -------
    object
        A NumPy array, a pandas object (``pandas.concat``) or a list of arrays.

    Examples
    --------
    >>> concat([np.zeros((2, 1)), np.ones(2)], [np.ones((1, 1)), np.zeros(1)])[1].tolist()
    [1.0, 1.0, 0.0]
    """
    if _is_inputs_list(first):
        return [concat(a, b) for a, b in zip(first, second, strict=True)]
    if hasattr(first, "iloc"):
        import pandas as pd

        return pd.concat([first, second])
    return np.concatenate([np.asarray(first), np.asarray(second)])


def fit_data(split: TrialData, refit: str, cross_validated: bool = False) -> TrialData:
    """The data a refit trains on, and the validation data its model function gets.

    Parameters
    ----------
    split : TrialData
        The scan's training and validation parts (for a cross-validated scan: ``x, y`` as
        both).
    refit : {'train', 'train+val'}
        ``'train'``: the training part; ``'train+val'``: both parts, concatenated.
    cross_validated : bool
        The scan cross-validated ``x, y``: every refit fits all of it (``split`` as given).

    Returns
    -------
    TrialData
        Training arrays, and the validation arrays as the scan had them (the model function
        monitors them; with ``'train+val'`` it trains on them too).
    """
    if refit == "train" or cross_validated:
        return split
    x_fit, y_fit = concat(split.x_train, split.x_val), concat(split.y_train, split.y_val)
    return TrialData(x_fit, y_fit, split.x_val, split.y_val)


def preprocessed(preprocess: Callable | None, data: TrialData, params: dict) -> TrialData:
    """The scan's preprocessing, fitted on the training arrays, applied to the others.

    ``preprocess(x_fit, y_fit, x_val, y_val, params) -> (x_fit, y_fit, x_val, y_val)``. The
    held-out check calls it once for the refit's data and, after training, once more with
    the test data in the validation place: its validation outputs are the transformed test
    data, fitted on the training arrays only.

    Parameters
    ----------
    preprocess : callable or None
        The scan's ``preprocess``; None: the data as it is.
    data : TrialData
        Training arrays (what the preprocessing is fitted on) and the arrays to transform.
    params : dict
        The permutation's values (a copy is passed).

    Returns
    -------
    TrialData
        The four arrays ``preprocess`` returned.

    Raises
    ------
    ContractError
        When ``preprocess`` does not return four values (the scan's own check,
        :meth:`scanlab._fold_data.ScanData.for_run`).

    Examples
    --------
    >>> def center(x_fit, y_fit, x_val, y_val, params):
    ...     return x_fit - x_fit.mean(), y_fit, x_val - x_fit.mean(), y_val
    >>> preprocessed(center, TrialData(np.array([1., 3.]), 0, np.array([4.]), 0), {}).x_val
    array([2.])
    """
    if preprocess is None:
        return data
    return ScanData(data, None, preprocess, cache_size=0).for_run(None, dict(params))


def score_test(
    model: Any, x_test: Any, y_test: Any, history_bases: Sequence[str], scorers: Sequence[str]
) -> dict[str, float]:
    """The trained model's scores on the test data, by metric base name.

    Parameters
    ----------
    model : keras.Model
        The refitted model (``evaluate`` and ``predict`` are used).
    x_test, y_test : array-like
        The held-out data, touched here only.
    history_bases : sequence of str
        Metrics the model reports itself (``accuracy``, ``loss``): read from
        ``model.evaluate(..., return_dict=True)`` (Talos's ``acc`` matches ``accuracy``).
    scorers : sequence of str
        scikit-learn scorer names: computed from ``model.predict(x_test)``.

    Returns
    -------
    dict
        Base name -> test value; NaN for a history metric ``evaluate`` does not report.

    Raises
    ------
    ContractError
        When the model function returned no model that can evaluate or predict.
    """
    needed: tuple[str, ...] = ("evaluate",) if history_bases else ()
    needed += ("predict",) if scorers else ()
    lacking = [name for name in needed if not callable(getattr(model, name, None))]
    if lacking:
        raise ContractError(
            f"the held-out check needs the trained model, but the model function returned "
            f"{type(model).__name__}, which has no {' or '.join(lacking)}(). Fix: return "
            f"history, model (the fitted keras model)."
        )
    scores: dict[str, float] = {}
    if history_bases:
        found = model.evaluate(x_test, y_test, verbose=0, return_dict=True)
        for base in history_bases:
            name = next((n for n in (base, *metric_aliases(base)) if n in found), None)
            scores[base] = float(found[name]) if name is not None else float("nan")
    if scorers:
        raw = model.predict(x_test, verbose=0)
        scores.update(score_predictions(y_test, raw, scorers)[0])
    return scores
