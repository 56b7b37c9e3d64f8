"""Text classifiers for scans: a builder whose architecture is chosen by params.

:func:`text_classifier` returns a builder for Scan's builder contract (``build(params) ->
compiled keras.Model``; scanlab calls ``fit`` with ``params['epochs']`` and
``params['batch_size']``). It reads the integer sequences :class:`scanlab.text.TextPreprocess`
makes: the same vocabulary and length params keys, with the same defaults. Every model is
``Input(seq_len) → Embedding(vocab_size, embedding_dim) → [SpatialDropout1D] → cell →
[Dropout] → dense layers → Dense(num_classes, softmax)``, compiled with sparse categorical
cross-entropy on integer labels (also for two classes: scoring reads the argmax).

The cells (``params['cell']``), each with a small example:

``'lstm'`` (default)
    ``layers`` stacked ``LSTM(units)`` (``return_sequences`` on all but the last). With
    ``{'embedding_dim': 32, 'units': 100}`` it is the IMDB sentiment write-up's model
    (Embedding 32 + LSTM 100 + a sigmoid output, here a 2-class softmax).
``'gru'``, ``'simple_rnn'``
    The same with ``GRU`` or ``SimpleRNN`` layers: ``{'cell': 'gru', 'units': 64, 'layers': 2}``.
``'conv1d_lstm'``
    ``Conv1D(conv_filters, conv_kernel, relu) → MaxPooling1D(pool_size)`` before the
    recurrent layers. The IMDB CNN + LSTM model (Conv1D(64, 5) + MaxPooling1D(4) + LSTM) is
    ``{'cell': 'conv1d_lstm', 'conv_filters': 64, 'conv_kernel': 5, 'pool_size': 4,
    'units': 70}`` (64, 5 and 4 are the defaults); its convolution here pads (``'same'``).
``'conv1d'``
    ``Conv1D(conv_filters, conv_kernel, relu) → GlobalMaxPooling1D``, no recurrent layer:
    ``{'cell': 'conv1d', 'conv_filters': 128}``.

Other params (defaults in :data:`DEFAULTS`): ``embedding_dim``, ``units``, ``layers``,
``bidirectional`` (wrap each recurrent layer), ``recurrent_dropout`` (of the recurrent
layers), ``spatial_dropout`` (after the embedding), ``dropout`` (a ``Dropout`` after the
cell and after each hidden dense layer), ``dense_layers`` and ``dense_units`` (hidden
``Dense`` relu layers), ``l1`` and ``l2`` (kernel regularizer of the recurrent, convolution
and dense layers), ``optimizer`` (``'adam'``, another Keras optimizer name, or an optimizer
class) with ``lr``, ``loss_function`` (``'crossentropy'``, or ``'top_k'`` for
:class:`scanlab.losses.TopKLoss` with ``k = params['top_k']``: then ``val_loss`` is a top-k
loss, track ``val_accuracy``; not ``loss``, a results column). Convolutions and pooling use ``padding='same'``, so short
sequences never shrink to nothing.

Keras is imported only when a model is built.

Examples
--------
>>> build = text_classifier(6)
>>> model = build({'vocab_size': 50, 'seq_len': 8, 'cell': 'gru', 'units': 4})
>>> model.output_shape
(None, 6)
"""

from __future__ import annotations

import numbers
from collections.abc import Callable, Sequence
from typing import Any

from scanlab.errors import ParamsError, ScanArgumentError, ScanArgumentTypeError, rule_message
from scanlab.text import DEFAULT_LENGTH, DEFAULT_VOCAB_SIZE, LENGTH_KEY, VOCAB_KEY

__all__ = ["CELLS", "DEFAULTS", "TextClassifier", "text_classifier"]

#: The recurrent layer of each recurrent cell (None: a convolution only).
CELLS: dict[str, str | None] = {
    "conv1d": None,
    "conv1d_lstm": "LSTM",
    "gru": "GRU",
    "lstm": "LSTM",
    "simple_rnn": "SimpleRNN",
}
_LOSSES = ("crossentropy", "top_k")

#: The value of each params key the builder reads when params do not set it.
DEFAULTS: dict[str, Any] = {
    "bidirectional": False,
    "cell": "lstm",
    "conv_filters": 64,
    "conv_kernel": 5,
    "dense_layers": 0,
    "dense_units": 64,
    "dropout": 0.0,
    "embedding_dim": 32,
    "l1": 0.0,
    "l2": 0.0,
    "layers": 1,
    "loss_function": "crossentropy",
    "lr": 1e-3,
    "optimizer": "adam",
    "pool_size": 4,
    "recurrent_dropout": 0.0,
    "spatial_dropout": 0.0,
    "top_k": 16,
    "units": 100,
}


def _count(params: dict[str, Any], key: str, minimum: int, fix: str, default: Any = None) -> int:
    value = params.get(key, DEFAULTS[key] if default is None else default)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < minimum:
        raise ParamsError(
            rule_message(f"params[{key!r}]", f"must be an int >= {minimum}", value, fix)
        )
    return int(value)


def _rate(params: dict[str, Any], key: str, upper: float = 1.0) -> float:
    value = params.get(key, DEFAULTS[key])
    if (
        isinstance(value, bool)
        or not isinstance(value, numbers.Real)
        or not 0 <= float(value) < upper
    ):
        raise ParamsError(
            rule_message(
                f"params[{key!r}]",
                f"must be a number in [0, {upper:g})",
                value,
                f"use e.g. [0.0, 0.2] for {key}",
            )
        )
    return float(value)


def _choice(params: dict[str, Any], key: str, choices: Sequence[str]) -> str:
    value = params.get(key, DEFAULTS[key])
    if not isinstance(value, str) or value not in choices:
        raise ParamsError(
            rule_message(
                f"params[{key!r}]",
                f"must be one of {sorted(choices)}",
                value,
                f"use e.g. {choices[0]!r}",
            )
        )
    return value


class TextClassifier:
    """The builder :func:`text_classifier` returns: ``build(params) -> compiled keras.Model``.

    A module-level class with plain attributes, so it pickles to worker processes and Dask.

    Parameters
    ----------
    num_classes, vocab_key, length_key, metrics
        As :func:`text_classifier`.
    """

    def __init__(
        self, num_classes: int, vocab_key: str, length_key: str, metrics: tuple[Any, ...]
    ) -> None:
        self.num_classes = num_classes
        self.vocab_key = vocab_key
        self.length_key = length_key
        self.metrics = metrics

    def __repr__(self) -> str:
        return (
            f"text_classifier({self.num_classes}, vocab_key={self.vocab_key!r}, "
            f"length_key={self.length_key!r}, metrics={self.metrics!r})"
        )

    def __call__(self, params: dict[str, Any]) -> Any:
        """Build and compile the model ``params`` describe.

        Parameters
        ----------
        params : dict
            The run's permutation (module docstring: the keys read and their defaults).

        Returns
        -------
        keras.Model
            Compiled.

        Raises
        ------
        ParamsError
            When a params value breaks its rule (the run fails with it).
        """
        import keras

        p = dict(params)
        vocab_size = _count(
            p,
            self.vocab_key,
            3,
            "use the vocabulary sizes TextPreprocess uses, e.g. [5000, 10000]",
            DEFAULT_VOCAB_SIZE,
        )
        length = _count(
            p,
            self.length_key,
            1,
            "use the sequence lengths TextPreprocess uses, e.g. [20, 40]",
            DEFAULT_LENGTH,
        )
        cell = _choice(p, "cell", sorted(CELLS, key=lambda name: name != "lstm"))
        loss_name = _choice(p, "loss_function", _LOSSES)
        l1, l2 = _rate(p, "l1", float("inf")), _rate(p, "l2", float("inf"))
        regularizer = keras.regularizers.L1L2(l1=l1, l2=l2) if l1 or l2 else None
        dropout, spatial = _rate(p, "dropout"), _rate(p, "spatial_dropout")

        layers: list[Any] = [
            keras.Input((length,), dtype="int32"),
            keras.layers.Embedding(vocab_size, _count(p, "embedding_dim", 1, "e.g. [32, 64]")),
        ]
        if spatial:
            layers.append(keras.layers.SpatialDropout1D(spatial))
        if cell.startswith("conv1d"):
            layers.append(
                keras.layers.Conv1D(
                    _count(p, "conv_filters", 1, "e.g. [32, 64]"),
                    _count(p, "conv_kernel", 1, "e.g. [3, 5]"),
                    padding="same",
                    activation="relu",
                    kernel_regularizer=regularizer,
                )
            )
        if cell == "conv1d":
            layers.append(keras.layers.GlobalMaxPooling1D())
        else:
            if cell == "conv1d_lstm":
                layers.append(
                    keras.layers.MaxPooling1D(
                        _count(p, "pool_size", 1, "e.g. [2, 4]"), padding="same"
                    )
                )
            layers.extend(self._recurrent(keras, p, cell, regularizer))
        if dropout:
            layers.append(keras.layers.Dropout(dropout))
        for _ in range(_count(p, "dense_layers", 0, "e.g. [0, 1]")):
            layers.append(
                keras.layers.Dense(
                    _count(p, "dense_units", 1, "e.g. [32, 64]"),
                    activation="relu",
                    kernel_regularizer=regularizer,
                )
            )
            if dropout:
                layers.append(keras.layers.Dropout(dropout))
        layers.append(
            keras.layers.Dense(
                self.num_classes, activation="softmax", kernel_regularizer=regularizer
            )
        )
        model = keras.Sequential(layers)
        model.compile(
            optimizer=self._optimizer(keras, p),
            loss=self._loss(keras, p, loss_name),
            metrics=list(self.metrics),
        )
        return model

    @staticmethod
    def _recurrent(keras: Any, p: dict[str, Any], cell: str, regularizer: Any) -> list[Any]:
        """The stacked recurrent layers (``return_sequences`` on all but the last)."""
        layer_class = getattr(keras.layers, str(CELLS[cell]))
        count = _count(p, "layers", 1, "e.g. [1, 2]")
        units = _count(p, "units", 1, "e.g. [50, 100]")
        recurrent_dropout = _rate(p, "recurrent_dropout")
        bidirectional = p.get("bidirectional", DEFAULTS["bidirectional"])
        if isinstance(bidirectional, str) or bidirectional not in (0, 1):  # NumPy bools too
            raise ParamsError(
                rule_message(
                    "params['bidirectional']", "must be a bool", bidirectional, "use [False, True]"
                )
            )
        stack = []
        for position in range(count):
            layer = layer_class(
                units,
                return_sequences=position < count - 1,
                recurrent_dropout=recurrent_dropout,
                kernel_regularizer=regularizer,
            )
            stack.append(keras.layers.Bidirectional(layer) if bidirectional else layer)
        return stack

    @staticmethod
    def _optimizer(keras: Any, p: dict[str, Any]) -> Any:
        """``params['optimizer']`` (a name or a Keras optimizer class) at ``params['lr']``."""
        chosen = p.get("optimizer", DEFAULTS["optimizer"])
        lr = _rate(p, "lr", float("inf"))
        if isinstance(chosen, str):
            try:
                chosen = type(keras.optimizers.get(chosen))
            except ValueError:
                chosen = None
        if not (isinstance(chosen, type) and issubclass(chosen, keras.optimizers.Optimizer)):
            raise ParamsError(
                rule_message(
                    "params['optimizer']",
                    "must be a Keras optimizer name or class",
                    p.get("optimizer"),
                    "use e.g. ['adam', keras.optimizers.RMSprop]",
                )
            )
        return chosen(learning_rate=lr)

    @staticmethod
    def _loss(keras: Any, p: dict[str, Any], name: str) -> Any:
        if name == "top_k":
            from scanlab.losses import TopKLoss

            return TopKLoss(_count(p, "top_k", 1, "e.g. [8, 16] (at most the batch size)"))
        return keras.losses.SparseCategoricalCrossentropy()


def text_classifier(
    num_classes: int,
    *,
    vocab_key: str = VOCAB_KEY,
    length_key: str = LENGTH_KEY,
    metrics: Sequence[Any] = ("accuracy",),
) -> Callable[[dict[str, Any]], Any]:
    """A builder of Embedding + recurrent / convolution text classifiers, chosen by params.

    Parameters
    ----------
    num_classes : int
        Classes of the integer labels (at least 2; a 2-class softmax for binary tasks).
    vocab_key, length_key : str
        Params keys of the vocabulary size and sequence length (those of
        :class:`scanlab.text.TextPreprocess` by default, with the same defaults).
    metrics : sequence
        Passed to ``compile``.

    Returns
    -------
    TextClassifier
        ``build(params) -> compiled keras.Model`` (module docstring: the params it reads).

    Raises
    ------
    ScanArgumentError, ScanArgumentTypeError
        For a bad argument.

    Examples
    --------
    >>> text_classifier(6)
    text_classifier(6, vocab_key='vocab_size', length_key='seq_len', metrics=('accuracy',))
    """
    if (
        isinstance(num_classes, bool)
        or not isinstance(num_classes, numbers.Integral)
        or num_classes < 2
    ):
        raise ScanArgumentError(
            rule_message(
                "num_classes",
                "must be an int >= 2 (a softmax over the classes)",
                num_classes,
                "use 2 for a binary task, e.g. 6 for TREC-6",
            )
        )
    for name, key in (("vocab_key", vocab_key), ("length_key", length_key)):
        if not isinstance(key, str) or not key:
            raise ScanArgumentTypeError(
                rule_message(name, "must be a params key (a non-empty str)", key, "e.g. 'seq_len'")
            )
    if isinstance(metrics, str) or not isinstance(metrics, Sequence):
        raise ScanArgumentTypeError(
            rule_message("metrics", "must be a list or tuple", metrics, "use e.g. ('accuracy',)")
        )
    return TextClassifier(int(num_classes), vocab_key, length_key, tuple(metrics))
