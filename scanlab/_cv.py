"""Cross-validation inside a scan: the ``cv``, ``groups`` and ``preprocess`` checks, and the
folds.

``Scan(cv=5)`` splits ``x, y`` into 5 folds, stratified when ``y`` holds class labels
(binary, multi-class, or one-hot rows) and plain k-fold otherwise, shuffled with the round's
seed; any scikit-learn splitter works too (``StratifiedKFold``, ``GroupKFold`` with
``groups=``, ``TimeSeriesSplit``, ...). The driver computes the folds once, so every run of
the round trains on the same folds, in every executor.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

import numpy as np

from scanlab.data import n_samples
from scanlab.errors import ScanArgumentError, ScanArgumentTypeError, rule_message

__all__ = ["check_cv", "check_preprocess", "describe_cv", "make_folds", "prepare_scan_data"]

Folds = tuple[tuple[np.ndarray, np.ndarray], ...]


def check_cv(
    cv: Any, groups: Any, *, search: Any = None, save_models: bool = False
) -> int | Any | None:
    """Check ``cv`` and ``groups`` before anything trains.

    Parameters
    ----------
    cv : int, splitter or None
        The number of folds (at least 2), or an object with scikit-learn's splitter methods
        ``split(X, y, groups)`` and ``get_n_splits``.
    groups : array-like or None
        Group labels for a group splitter.
    search : object, optional
        ``Scan(search=...)``: budgeted search does not cross-validate.
    save_models : bool
        ``Scan(save_models=...)``: one model per run cannot be kept when a run trains k.

    Returns
    -------
    int, splitter or None
        ``cv`` as given.

    Raises
    ------
    ScanArgumentError, ScanArgumentTypeError
        Naming the argument, the rule, the value and the fix.

    Examples
    --------
    >>> check_cv(5, None)
    5
    >>> check_cv(1, None)
    Traceback (most recent call last):
    ...
    scanlab.errors.ScanArgumentError: cv must be at least 2 folds, got 1. Fix: use cv=5, or cv=None.
    """
    if cv is None:
        if groups is not None:
            raise ScanArgumentError(
                rule_message(
                    "groups",
                    "is only used to make cross-validation folds",
                    type(groups).__name__,
                    "pass cv=sklearn.model_selection.GroupKFold(5) with it, or drop groups",
                )
            )
        return None
    if isinstance(cv, bool) or not isinstance(cv, int):
        if not (hasattr(cv, "split") and hasattr(cv, "get_n_splits")):
            raise ScanArgumentTypeError(
                rule_message(
                    "cv",
                    "must be a number of folds or a scikit-learn splitter",
                    cv,
                    "use cv=5, or e.g. cv=sklearn.model_selection.StratifiedKFold(5)",
                )
            )
    elif cv < 2:
        raise ScanArgumentError(
            rule_message("cv", "must be at least 2 folds", cv, "use cv=5, or cv=None")
        )
    elif groups is not None:
        raise ScanArgumentError(
            rule_message(
                "groups",
                "needs a group splitter; cv=<int> makes (stratified) k folds that ignore groups",
                f"cv={cv}",
                f"pass cv=sklearn.model_selection.GroupKFold({cv}) (or StratifiedGroupKFold)",
            )
        )
    if search is not None:
        raise ScanArgumentError(
            rule_message(
                "cv",
                "cannot be combined with search= (a budgeted search ranks runs on one "
                "validation split)",
                cv,
                "run the search, then cross-validate its finalists in a round with cv= "
                "(e.g. scanlab.suggest or a params dict of the top configurations)",
            )
        )
    if save_models:
        raise ScanArgumentError(
            rule_message(
                "save_models",
                "keeps one model per run, but with cv= a run trains one model per fold",
                True,
                "drop save_models, and retrain the winners with scanlab.evaluate(...)",
            )
        )
    return cv


def check_preprocess(preprocess: Any) -> Callable[..., Any] | None:
    """Check ``preprocess``: None, or a function of five positional arguments.

    Parameters
    ----------
    preprocess : callable or None
        ``preprocess(x_train, y_train, x_val, y_val, params) -> (x_train, y_train, x_val,
        y_val)``.

    Returns
    -------
    callable or None

    Raises
    ------
    ScanArgumentTypeError
        When it is not callable or cannot take the five arguments.

    Examples
    --------
    >>> check_preprocess(lambda x_train, y_train, x_val, y_val, params: None) is not None
    True
    """
    if preprocess is None:
        return None
    fix = "define def preprocess(x_train, y_train, x_val, y_val, params) returning the four"
    if not callable(preprocess):
        raise ScanArgumentTypeError(
            rule_message("preprocess", "must be a function", type(preprocess).__name__, fix)
        )
    try:
        inspect.signature(preprocess).bind(None, None, None, None, None)
    except TypeError:
        raise ScanArgumentTypeError(
            rule_message(
                "preprocess",
                "must accept (x_train, y_train, x_val, y_val, params)",
                f"{getattr(preprocess, '__name__', preprocess)}{inspect.signature(preprocess)}",
                fix,
            )
        ) from None
    except ValueError:  # a builtin without a signature: let the first run tell
        pass
    return preprocess


def _class_labels(y: Any) -> np.ndarray | None:
    """Labels to stratify on: ``y`` itself, or the argmax of one-hot rows; None when ``y``
    is not a classification target (continuous, multi-output, a list of arrays)."""
    from sklearn.utils.multiclass import type_of_target

    if isinstance(y, (list, tuple)) and y and hasattr(y[0], "shape"):
        return None
    values = np.asarray(y)
    try:
        kind = type_of_target(values)
    except ValueError:
        return None
    if kind in ("binary", "multiclass"):
        return values.ravel() if values.ndim == 2 and values.shape[1] == 1 else values
    if kind == "multilabel-indicator" and (values.sum(axis=1) == 1).all():  # one-hot
        return values.argmax(axis=1)
    return None


def describe_cv(cv: Any) -> str:
    """How a ``cv`` value is recorded in the manifest (and the round's fingerprint).

    Examples
    --------
    >>> describe_cv(5)
    '5'
    """
    return str(cv) if isinstance(cv, int) else repr(cv)


def make_folds(cv: Any, x: Any, y: Any, groups: Any, seed: int) -> Folds:
    """The folds of ``x, y``: ``(train rows, validation rows)`` per fold.

    Parameters
    ----------
    cv : int or splitter
        Checked by :func:`check_cv`. An int makes ``StratifiedKFold(cv, shuffle=True,
        random_state=seed)`` for class labels (one-hot rows stratify on their class), else
        ``KFold`` likewise.
    x, y : array-like or list of arrays
        Inputs and targets.
    groups : array-like or None
        Group labels for a group splitter.
    seed : int
        The round's seed.

    Returns
    -------
    tuple of (ndarray, ndarray)

    Raises
    ------
    ScanArgumentError
        When the splitter cannot split these data (e.g. a class with fewer members than
        folds), makes fewer than two folds, or leaves a fold without rows on a side.

    Examples
    --------
    >>> folds = make_folds(3, np.zeros((9, 2)), np.array([0, 1, 2] * 3), None, seed=0)
    >>> [np.bincount(np.array([0, 1, 2] * 3)[val]).tolist() for _, val in folds]
    [[1, 1, 1], [1, 1, 1], [1, 1, 1]]
    """
    from sklearn.model_selection import KFold, StratifiedKFold

    n = n_samples(x, "x")
    labels = _class_labels(y)
    if isinstance(cv, int):
        kind = StratifiedKFold if labels is not None else KFold
        splitter: Any = kind(n_splits=cv, shuffle=True, random_state=seed % 2**32)
    else:
        splitter = cv
    if groups is not None and len(groups) != n:
        raise ScanArgumentError(
            rule_message(
                "groups",
                f"needs one label per sample ({n})",
                f"{len(groups)} labels",
                "pass the group of every row of x",
            )
        )
    target = labels if labels is not None else np.zeros(n)
    try:
        folds = tuple(
            (np.asarray(train), np.asarray(val))
            for train, val in splitter.split(np.zeros((n, 1)), target, groups)
        )
    except (ValueError, TypeError) as exc:
        raise ScanArgumentError(
            rule_message(
                "cv",
                f"could not split these {n} samples ({type(exc).__name__}: {exc})",
                describe_cv(cv),
                "use fewer folds, or a splitter that suits the data (groups= for a group splitter)",
            )
        ) from None
    empty = [i for i, (train, val) in enumerate(folds) if not len(train) or not len(val)]
    if len(folds) < 2 or empty:
        raise ScanArgumentError(
            rule_message(
                "cv",
                "must make at least 2 folds, each with training and validation rows",
                f"{describe_cv(cv)} made {len(folds)} fold(s)"
                + (f", fold(s) {empty} empty on one side" if empty else ""),
                "use another splitter or more data",
            )
        )
    return folds


def prepare_scan_data(
    inputs: tuple[Any, Any, Any, Any, float],
    seed: int,
    cv: Any = None,
    groups: Any = None,
    preprocess: Callable[..., Any] | None = None,
) -> tuple[Any, str]:
    """The data a round's runs get, and its fingerprint.

    Parameters
    ----------
    inputs : tuple
        ``(x, y, x_val, y_val, val_split)`` as given to Scan.
    seed : int
        The round's seed (the validation split, the folds).
    cv, groups : optional
        Cross-validation (:func:`check_cv`): the folds of ``x, y``.
    preprocess : callable, optional
        The per-run preprocessing (:func:`check_preprocess`).

    Returns
    -------
    (data, fingerprint)
        A :class:`~scanlab.trial.TrialData`, or a :class:`~scanlab._fold_data.ScanData` when
        the round has folds or preprocessing; the fingerprint covers the folds' rows.

    Raises
    ------
    ScanArgumentError
        Bad lengths or split (:func:`scanlab.data.prepare_data`), ``x_val`` given with
        ``cv``, or data ``cv`` cannot split (:func:`make_folds`).
    """
    from scanlab._fold_data import ScanData
    from scanlab.data import check_lengths, fingerprint_data, prepare_data
    from scanlab.trial import TrialData

    x, y, x_val, y_val, val_split = inputs
    if cv is None:
        data = prepare_data(x, y, x_val, y_val, val_split, seed=seed)
        fingerprint = fingerprint_data(data)
        return (data if preprocess is None else ScanData(data, None, preprocess)), fingerprint
    if x_val is not None or y_val is not None:
        raise ScanArgumentError(
            rule_message(
                "x_val",
                "cannot be given with cv= (the folds take their validation rows from x, y)",
                f"x_val and cv={describe_cv(cv)}",
                "drop x_val, y_val (concatenate them into x, y first if they belong to the "
                "search), or drop cv",
            )
        )
    check_lengths(x, y)
    folds = make_folds(cv, x, y, groups, seed)
    fingerprint = fingerprint_data(
        TrialData(x, y, [val for _, val in folds], [train for train, _ in folds])
    )
    return ScanData(TrialData(x, y, None, None), folds, preprocess), fingerprint
