"""A top-k loss: train on the hardest examples of each batch.

:class:`TopKLoss` computes the sparse categorical cross-entropy of every sample of a batch
and returns the mean of the ``k`` largest: the batch's ``k`` hardest examples (all of them
when the batch is smaller than ``k``). The write-up it follows trains on the k worst
examples of each batch, then recompiles the model with plain cross-entropy to evaluate.

Inside a scan, note that ``val_loss`` of a model compiled with this loss is the top-k loss of
the validation batches, not their cross-entropy: it is not comparable across values of ``k``
or with plain cross-entropy runs. Track ``val_accuracy`` (or a ``scoring`` metric) instead.

Only ``keras.ops`` is used, with ``k`` static and no Python branch on a tensor's shape, so it
runs on the TensorFlow, JAX and torch backends. This module imports Keras when imported
(``import scanlab`` does not import it).

Examples
--------
>>> import numpy as np
>>> probabilities = np.array([[0.9, 0.1], [0.5, 0.5], [0.2, 0.8], [0.1, 0.9]])
>>> loss = top_k_loss(2)
>>> round(float(loss(np.array([0, 0, 0, 1]), probabilities)), 4)  # -(ln 0.5 + ln 0.2) / 2
1.1513
"""

from __future__ import annotations

import numbers
from typing import Any

import keras
from keras import ops

from scanlab.errors import ScanArgumentError, rule_message

__all__ = ["TopKLoss", "top_k_loss"]


def _mean_of_largest(values: Any, k: int) -> Any:
    """Mean of the ``k`` largest of the non-negative 1-D ``values`` (of all, if fewer).

    ``k`` zeros are appended so that ``top_k`` always has ``k`` values to pick; they add
    nothing to the sum, and the count is ``minimum(k, len(values))``.
    """
    padded = ops.concatenate([values, ops.zeros((k,), dtype=values.dtype)], axis=0)
    largest, _ = ops.top_k(padded, k, sorted=False)
    count = ops.minimum(ops.cast(ops.shape(values)[0], values.dtype), ops.cast(k, values.dtype))
    return ops.sum(largest) / count


@keras.saving.register_keras_serializable(package="scanlab")
class TopKLoss(keras.losses.Loss):
    """Mean sparse categorical cross-entropy of the ``k`` hardest examples of each batch.

    Labels are integer classes; predictions are probabilities (a softmax output) or, with
    ``from_logits=True``, logits. Sample (and class) weights scale each example's loss
    before the ``k`` largest are taken.

    Parameters
    ----------
    k : int
        How many of the batch's largest losses are averaged (at least 1).
    from_logits : bool
        Whether predictions are logits.
    name : str
        The loss's name.
    **kwargs
        Passed to ``keras.losses.Loss`` (``dtype``; ``reduction`` is accepted for
        ``from_config`` but this loss always reduces to the top-k mean).

    Raises
    ------
    ScanArgumentError
        When ``k`` is not an int >= 1.

    Examples
    --------
    >>> config = TopKLoss(3, from_logits=True).get_config()
    >>> config['k'], config['from_logits'], TopKLoss.from_config(config).k
    (3, True, 3)
    """

    def __init__(
        self, k: int, *, from_logits: bool = False, name: str = "top_k_loss", **kwargs: Any
    ) -> None:
        value: Any = k
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
            raise ScanArgumentError(
                rule_message(
                    "k",
                    "must be an int >= 1 (how many of a batch's hardest examples to train on)",
                    k,
                    "use e.g. top_k_loss(16) for half of a 32-sample batch",
                )
            )
        super().__init__(name=name, **kwargs)
        self.k: int = int(value)
        self.from_logits: bool = bool(from_logits)

    def call(self, y_true: Any, y_pred: Any) -> Any:
        """Per-sample sparse categorical cross-entropy, shape ``(batch,)``."""
        return keras.losses.sparse_categorical_crossentropy(
            y_true, y_pred, from_logits=self.from_logits
        )

    def __call__(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> Any:
        """The top-k mean of the batch's (weighted) per-sample losses: a scalar."""
        with keras.name_scope(self.name):
            y_pred = ops.convert_to_tensor(y_pred, dtype=self.dtype)
            y_true = ops.convert_to_tensor(y_true)
            losses = ops.reshape(self.call(y_true, y_pred), (-1,))
            if sample_weight is not None:
                weights = ops.cast(ops.convert_to_tensor(sample_weight), losses.dtype)
                losses = losses * ops.reshape(weights, (-1,))
            return _mean_of_largest(losses, self.k)

    def get_config(self) -> dict[str, Any]:
        """The constructor's arguments (``keras.saving`` round-trips them)."""
        return {**super().get_config(), "k": self.k, "from_logits": self.from_logits}


def top_k_loss(k: int, **kw: Any) -> TopKLoss:
    """A :class:`TopKLoss` averaging the ``k`` largest per-sample losses of each batch.

    Parameters
    ----------
    k : int
        How many of the batch's hardest examples count.
    **kw
        ``from_logits``, ``name`` (:class:`TopKLoss`).

    Returns
    -------
    TopKLoss

    Examples
    --------
    >>> top_k_loss(8).k
    8
    """
    return TopKLoss(k, **kw)
