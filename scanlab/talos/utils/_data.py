"""Data helpers of ``talos.utils``: rescaling, a validation split, batch generators."""

from __future__ import annotations

import functools
import numbers
from collections.abc import Iterator
from typing import Any

from scanlab.errors import ScanArgumentError, ScanArgumentTypeError, rule_message

__all__ = ["SequenceGenerator", "generator", "rescale_meanzero", "val_split"]


def rescale_meanzero(x: Any) -> Any:
    """Each numeric column minus its mean, over its standard deviation (ddof=1; a constant
    column is only centred). Other columns pass through.

    Parameters
    ----------
    x : array-like or DataFrame
        Two-dimensional data.

    Returns
    -------
    numpy.ndarray

    Examples
    --------
    >>> rescale_meanzero([[1.0, 5.0], [3.0, 5.0]]).tolist()
    [[-0.7071067811865475, 0.0], [0.7071067811865475, 0.0]]
    """
    import pandas as pd

    frame = pd.DataFrame(x).copy()
    for column in frame.select_dtypes(include="number"):
        scale = frame[column].std()
        frame[column] = (frame[column] - frame[column].mean()) / (1 if scale == 0 else scale)
    return frame.to_numpy()


def _size(values: Any, nested: bool) -> int:
    if isinstance(values, dict):
        return len(next(iter(values.values())))
    return len(values[0]) if nested else len(values)


def _take(values: Any, indices: Any, nested: bool = False) -> Any:
    if isinstance(values, dict):
        return {key: _take(value, indices) for key, value in values.items()}
    if nested:
        return [_take(value, indices) for value in values]
    if hasattr(values, "iloc"):
        return values.iloc[indices]
    import numpy as np

    return np.asarray(values)[indices] if isinstance(values, (list, tuple)) else values[indices]


def val_split(
    x: Any,
    y: Any,
    split: float,
    shuffled: bool = True,
    *,
    multi_input: bool = False,
    seed: int | None = None,
) -> tuple[Any, Any, Any, Any]:
    """Hold out the share ``split`` of the rows (Talos's ``val_split``).

    Parameters
    ----------
    x, y : array-like, DataFrame, list of arrays (multi-input) or dict of arrays
        The data; a list ``y`` is several outputs.
    split : float
        Share of rows held out, strictly between 0 and 1.
    shuffled : bool
        Shuffle before splitting (``numpy.random.default_rng(seed).permutation``, as Talos).
    multi_input : bool
        ``x`` is a list of input arrays.
    seed : int, optional
        Makes the shuffle repeat.

    Returns
    -------
    tuple
        ``(x_train, y_train, x_val, y_val)``; the first ``int(n * (1 - split))`` rows of the
        order train.

    Examples
    --------
    >>> import numpy as np
    >>> xt, yt, xv, yv = val_split(np.arange(10), np.arange(10), 0.3, shuffled=False)
    >>> xt.tolist(), yv.tolist()
    ([0, 1, 2, 3, 4, 5, 6], [7, 8, 9])
    """
    import numpy as np

    if isinstance(split, bool) or not isinstance(split, numbers.Real) or not 0 < split < 1:
        raise ScanArgumentError(
            rule_message("split", "must lie strictly between 0 and 1", split, "use e.g. 0.3")
        )
    if isinstance(x, list) and not multi_input:
        raise ScanArgumentTypeError(
            rule_message(
                "x",
                "is a list (several inputs) but multi_input is False",
                f"list of {len(x)}",
                "pass multi_input=True, or one array",
            )
        )
    nested_y = isinstance(y, list)
    size = _size(y, nested_y)
    order = np.random.default_rng(seed).permutation(size) if shuffled else np.arange(size)
    limit = int(size * (1 - split))
    train, val = order[:limit], order[limit:]
    return (
        _take(x, train, multi_input),
        _take(y, train, nested_y),
        _take(x, val, multi_input),
        _take(y, val, nested_y),
    )


def _batch_size(batch_size: Any) -> int:
    if (
        isinstance(batch_size, bool)
        or not isinstance(batch_size, numbers.Integral)
        or batch_size < 1
    ):
        raise ScanArgumentError(
            rule_message("batch_size", "must be an int >= 1", batch_size, "use e.g. 32")
        )
    return int(batch_size)


def generator(x: Any, y: Any, batch_size: int) -> Iterator[tuple[Any, Any]]:
    """Endless ``(x_batch, y_batch)`` float32 batches in order, starting over after the last
    (a partial last batch included), for ``model.fit(generator(...), steps_per_epoch=...)``.

    Parameters
    ----------
    x, y : array-like
        Features and labels of equal length.
    batch_size : int
        Rows per batch.

    Returns
    -------
    iterator
        Never ends.

    Examples
    --------
    >>> import numpy as np
    >>> batches = generator(np.arange(5), np.arange(5), 2)
    >>> [next(batches)[0].tolist() for _ in range(4)]
    [[0.0, 1.0], [2.0, 3.0], [4.0], [0.0, 1.0]]
    """
    size = _batch_size(batch_size)
    return _endless(x, y, size)


def _endless(x: Any, y: Any, size: int) -> Iterator[tuple[Any, Any]]:
    import numpy as np

    batches = x.shape[0] / size
    counter = 0
    while True:
        rows = slice(size * counter, size * (counter + 1))
        yield np.array(x[rows]).astype("float32"), np.array(y[rows]).astype("float32")
        counter += 1
        if counter >= batches:
            counter = 0


@functools.cache
def _sequence_class() -> type:
    import keras
    import numpy as np

    class Batches(keras.utils.PyDataset):
        """Batches of ``x`` and ``y`` in order; the last one may be shorter."""

        def __init__(self, x: Any, y: Any, batch_size: int) -> None:
            super().__init__()
            self.x, self.y, self.batch_size = x, y, batch_size

        def __len__(self) -> int:
            return int(np.ceil(len(self.x) / float(self.batch_size)))

        def __getitem__(self, idx: int) -> tuple[Any, Any]:
            rows = slice(idx * self.batch_size, (idx + 1) * self.batch_size)
            return self.x[rows], self.y[rows]

    return Batches


class SequenceGenerator:
    """A ``keras.utils.PyDataset`` (Keras 3's ``Sequence``) of in-order batches.

    ``SequenceGenerator(x, y, batch_size)`` returns the dataset itself, as in Talos.

    Parameters
    ----------
    x_set, y_set : array-like
        Features and labels (``x=`` and ``y=`` also work).
    batch_size : int
        Rows per batch.
    backend : str
        ``'keras'`` (``'tensorflow'``, ``'tf'``, ``'tf.keras'`` mean the same).

    Examples
    --------
    >>> import numpy as np
    >>> batches = SequenceGenerator(np.arange(5), np.arange(5), 2)
    >>> len(batches), batches[2][0].tolist()
    (3, [4])
    """

    def __new__(
        cls,
        x_set: Any = None,
        y_set: Any = None,
        batch_size: int = 32,
        *,
        x: Any = None,
        y: Any = None,
        backend: str = "keras",
    ) -> Any:
        x_set = x_set if x_set is not None else x
        y_set = y_set if y_set is not None else y
        if x_set is None or y_set is None:
            raise ScanArgumentError(
                rule_message(
                    "x_set, y_set",
                    "must both be given",
                    (type(x_set).__name__, type(y_set).__name__),
                    "pass SequenceGenerator(x, y, batch_size)",
                )
            )
        if backend not in ("keras", "tensorflow", "tf", "tf.keras"):
            raise ScanArgumentError(
                rule_message(
                    "backend",
                    "must be 'keras' (scanlab trains Keras models)",
                    backend,
                    "leave backend='keras'; for PyTorch use a torch DataLoader",
                )
            )
        return _sequence_class()(x_set, y_set, _batch_size(batch_size))
