"""Training data: length checks and the seeded validation split.

``x`` may be a NumPy array, a pandas object, or a list of arrays (a multi-input model);
``y`` likewise. Nothing here imports a deep-learning framework.
"""

from __future__ import annotations

import hashlib
from typing import Any

import numpy as np

from scanlab.errors import ScanArgumentError
from scanlab.trial import TrialData

__all__ = [
    "check_lengths",
    "fingerprint_data",
    "n_samples",
    "prepare_data",
    "take",
]


def n_samples(value: Any, name: str) -> int:
    """Number of samples in ``value`` (all inputs of a multi-input list must agree).

    Parameters
    ----------
    value : array-like or list of arrays
        Inputs or targets.
    name : str
        The argument's name, for the message.

    Returns
    -------
    int
        ``len(value)``, or the common length of a list of arrays.

    Raises
    ------
    ScanArgumentError
        When ``value`` has no length or its inputs' lengths differ.
    """
    if isinstance(value, (list, tuple)) and value and hasattr(value[0], "shape"):
        lengths = {len(v) for v in value}
        if len(lengths) != 1:
            raise ScanArgumentError(
                f"{name} is a list of inputs with different lengths {sorted(lengths)}; every "
                f"input of a multi-input model needs one row per sample. Fix: check that every "
                f"input array of {name} covers the same samples (same len)."
            )
        return lengths.pop()
    try:
        return len(value)
    except TypeError:
        raise ScanArgumentError(
            f"{name} must be an array-like with one row per sample (NumPy array, pandas "
            f"object, or a list of arrays), got {type(value).__name__}. Fix: pass e.g. "
            f"{name}=np.asarray(...) with one row per sample."
        ) from None


def check_lengths(x: Any, y: Any) -> int:
    """The number of samples of ``x``, after checking that ``y`` has as many.

    Parameters
    ----------
    x, y : array-like or list of arrays
        Inputs and targets.

    Returns
    -------
    int

    Raises
    ------
    ScanArgumentError
        When the lengths differ (or one has no length).

    Examples
    --------
    >>> check_lengths(np.zeros((3, 2)), [0, 1, 0])
    3
    """
    n = n_samples(x, "x")
    if n_samples(y, "y") != n:
        raise ScanArgumentError(
            f"x and y must have the same number of samples, got len(x)={n} and "
            f"len(y)={n_samples(y, 'y')}. Check that the labels belong to these inputs."
        )
    return n


def take(value: Any, rows: np.ndarray) -> Any:
    """Rows ``rows`` of an array, pandas object or list of arrays.

    Parameters
    ----------
    value : array-like or list of arrays
        Inputs or targets.
    rows : ndarray of int
        Row positions.

    Returns
    -------
    object
        The rows, of the same kind (``iloc`` for pandas, a list for a list of arrays, a
        NumPy array for anything without a ``shape``).
    """
    if isinstance(value, (list, tuple)) and value and hasattr(value[0], "shape"):
        return [take(v, rows) for v in value]
    if hasattr(value, "iloc"):
        return value.iloc[rows]
    return np.asarray(value)[rows] if not hasattr(value, "shape") else value[rows]


def prepare_data(
    x: Any, y: Any, x_val: Any = None, y_val: Any = None, val_split: float = 0.3, seed: int = 0
) -> TrialData:
    """Check lengths and build train/validation data, splitting with a seeded shuffle.

    Parameters
    ----------
    x, y : array-like or list of arrays
        Inputs and targets.
    x_val, y_val : array-like or list of arrays, optional
        A fixed validation set (both or neither); used as given.
    val_split : float, default 0.3
        Share of ``x, y`` held out for validation when there is no fixed set, strictly
        between 0 and 1 (rounded to a number of samples; rows keep their order).
    seed : int, default 0
        Seed of the shuffle.

    Returns
    -------
    TrialData

    Raises
    ------
    ScanArgumentError
        When lengths differ, only one of ``x_val, y_val`` is given, or ``val_split`` is
        not a fraction that leaves samples on both sides.

    Examples
    --------
    >>> import numpy as np
    >>> d = prepare_data(np.arange(10), np.arange(10), val_split=0.3, seed=1)
    >>> len(d.x_train), len(d.x_val)
    (7, 3)
    """
    n = check_lengths(x, y)
    if (x_val is None) != (y_val is None):
        given, missing = ("x_val", "y_val") if x_val is not None else ("y_val", "x_val")
        raise ScanArgumentError(
            f"{given} was given without {missing}: pass both for a fixed validation set, or "
            f"neither to split x, y with val_split."
        )
    if x_val is not None:
        n_val = n_samples(x_val, "x_val")
        if n_samples(y_val, "y_val") != n_val:
            raise ScanArgumentError(
                f"x_val and y_val must have the same number of samples, got len(x_val)={n_val} "
                f"and len(y_val)={n_samples(y_val, 'y_val')}. Fix: check that the validation "
                f"labels belong to these inputs."
            )
        return TrialData(x, y, x_val, y_val)
    if (
        isinstance(val_split, bool)
        or not isinstance(val_split, (int, float))
        or not (0 < val_split < 1)
    ):
        raise ScanArgumentError(
            f"val_split must be a fraction strictly between 0 and 1 (the share of x held out "
            f"for validation), got {val_split!r}. Use e.g. val_split=0.3, or pass x_val, y_val."
        )
    n_val = round(n * val_split)
    if n_val < 1 or n_val >= n:
        raise ScanArgumentError(
            f"val_split={val_split} of {n} samples leaves {n - n_val} for training and {n_val} "
            f"for validation; both need at least one sample. Use more data or another val_split."
        )
    order = np.random.default_rng(seed).permutation(n)
    val_rows, train_rows = np.sort(order[:n_val]), np.sort(order[n_val:])
    return TrialData(take(x, train_rows), take(y, train_rows), take(x, val_rows), take(y, val_rows))


def fingerprint_data(data: TrialData) -> str:
    """A short hash of the training and validation arrays (recorded in the manifest).

    Parameters
    ----------
    data : TrialData
        The arrays (a list of arrays is hashed input by input).

    Returns
    -------
    str
        16 hexadecimal digits of a SHA-1 over the shapes and values.
    """
    digest = hashlib.sha1()
    for part in data:
        for array in part if isinstance(part, (list, tuple)) else [part]:
            values = np.ascontiguousarray(np.asarray(array))
            digest.update(str(values.shape).encode())
            if values.dtype == object:  # every item, never numpy's shortened repr
                digest.update("\x1f".join(map(repr, values.ravel().tolist())).encode())
            else:
                digest.update(values.tobytes())
    return digest.hexdigest()[:16]
