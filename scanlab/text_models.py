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

from scanlab._text_model_params import CELLS, DEFAULTS, check_text_params, resolve_settings
from scanlab.errors import ParamsError, ScanArgumentError, ScanArgumentTypeError, rule_message
from scanlab.text import DEFAULT_LENGTH, DEFAULT_VOCAB_SIZE, LENGTH_KEY, VOCAB_KEY

__all__ = ["CELLS", "DEFAULTS", "TextClassifier", "text_classifier"]


class TextClassifier:
    """The builder :func:`text_classifier` returns: ``build(params) -> compiled keras.Model``.

    A module-level class with plain attributes, so it pickles to worker processes and Dask.
    :meth:`check_params` lets Scan check every params value before any training.

    Parameters
    ----------
    num_classes, vocab_key, length_key, metrics, vocab_size, length
        As :func:`text_classifier`.
    """

    def __init__(
        self,
        num_classes: int,
        vocab_key: str,
        length_key: str,
        metrics: tuple[Any, ...],
        vocab_size: int = DEFAULT_VOCAB_SIZE,
        length: int = DEFAULT_LENGTH,
    ) -> None:
        self.num_classes = num_classes
        self.vocab_key = vocab_key
        self.length_key = length_key
        self.metrics = metrics
        self.vocab_size = vocab_size
        self.length = length

    def __repr__(self) -> str:
        return (
            f"text_classifier({self.num_classes}, vocab_key={self.vocab_key!r}, "
            f"length_key={self.length_key!r}, metrics={self.metrics!r}, "
            f"vocab_size={self.vocab_size}, length={self.length})"
        )

    def resolve(self, params: dict[str, Any]) -> dict[str, Any]:
        """Every setting of the model ``params`` describe, checked, defaults filled in (see
        :func:`scanlab._text_model_params.resolve_settings`; no Keras needed).

        Examples
        --------
        >>> text_classifier(6).resolve({'cell': 'gru', 'dropout': 0.2})['units']
        100
        """
        return resolve_settings(
            params, self.vocab_key, self.length_key, self.vocab_size, self.length
        )

    def check_params(self, values: dict[str, list], preprocess: Any = None) -> None:
        """Check every value of every params key this builder reads, before any training
        (Scan calls it), and that a :class:`~scanlab.text.TextPreprocess` makes sequences
        this builder's embedding can read.

        Parameters
        ----------
        values : dict of str to list
            The grid's values per key (``ParamSpace.values``).
        preprocess : callable, optional
            Scan's ``preprocess``.

        Raises
        ------
        ParamsError
            A value that breaks its rule.
        ScanArgumentError
            A TextPreprocess whose vocabulary is larger than this builder's embedding, or
            whose sequences are of another length, when the params do not set them.

        Examples
        --------
        >>> try:
        ...     text_classifier(6).check_params({'cell': ['lstm', 'lstn']})
        ... except Exception as error:
        ...     print(str(error)[:29])
        params['cell'] must be one of
        """
        check_text_params(
            values, preprocess, self.vocab_key, self.length_key, self.vocab_size, self.length
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

        s = self.resolve(params)
        l1, l2 = s["l1"], s["l2"]
        regularizer = keras.regularizers.L1L2(l1=l1, l2=l2) if l1 or l2 else None
        layers: list[Any] = [
            keras.Input((s["length"],), dtype="int32"),
            keras.layers.Embedding(s["vocab_size"], s["embedding_dim"]),
        ]
        if s["spatial_dropout"]:
            layers.append(keras.layers.SpatialDropout1D(s["spatial_dropout"]))
        cell = s["cell"]
        if cell.startswith("conv1d"):
            layers.append(
                keras.layers.Conv1D(
                    s["conv_filters"],
                    s["conv_kernel"],
                    padding="same",
                    activation="relu",
                    kernel_regularizer=regularizer,
                )
            )
        if cell == "conv1d":
            layers.append(keras.layers.GlobalMaxPooling1D())
        else:
            if cell == "conv1d_lstm":
                layers.append(keras.layers.MaxPooling1D(s["pool_size"], padding="same"))
            layers.extend(self._recurrent(keras, s, regularizer))
        if s["dropout"]:
            layers.append(keras.layers.Dropout(s["dropout"]))
        for _ in range(s["dense_layers"]):
            layers.append(
                keras.layers.Dense(
                    s["dense_units"], activation="relu", kernel_regularizer=regularizer
                )
            )
            if s["dropout"]:
                layers.append(keras.layers.Dropout(s["dropout"]))
        layers.append(
            keras.layers.Dense(
                self.num_classes, activation="softmax", kernel_regularizer=regularizer
            )
        )
        model = keras.Sequential(layers)
        model.compile(
            optimizer=self._optimizer(keras, s["optimizer"], s["lr"]),
            loss=self._loss(keras, s),
            metrics=list(self.metrics),
        )
        return model

    @staticmethod
    def _recurrent(keras: Any, s: dict[str, Any], regularizer: Any) -> list[Any]:
        """The stacked recurrent layers (``return_sequences`` on all but the last)."""
        layer_class = getattr(keras.layers, str(CELLS[s["cell"]]))
        count = s["layers"]
        stack = []
        for position in range(count):
            layer = layer_class(
                s["units"],
                return_sequences=position < count - 1,
                recurrent_dropout=s["recurrent_dropout"],
                kernel_regularizer=regularizer,
            )
            stack.append(keras.layers.Bidirectional(layer) if s["bidirectional"] else layer)
        return stack

    @staticmethod
    def _optimizer(keras: Any, chosen: Any, lr: float) -> Any:
        """``params['optimizer']`` (a name or a Keras optimizer class) at ``params['lr']``."""
        given = chosen
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
                    given,
                    "use e.g. ['adam', keras.optimizers.RMSprop]",
                )
            )
        return chosen(learning_rate=lr)

    @staticmethod
    def _loss(keras: Any, s: dict[str, Any]) -> Any:
        if s["loss_function"] == "top_k":
            from scanlab.losses import TopKLoss

            return TopKLoss(s["top_k"])
        return keras.losses.SparseCategoricalCrossentropy()


def text_classifier(
    num_classes: int,
    *,
    vocab_key: str = VOCAB_KEY,
    length_key: str = LENGTH_KEY,
    metrics: Sequence[Any] = ("accuracy",),
    vocab_size: int = DEFAULT_VOCAB_SIZE,
    length: int = DEFAULT_LENGTH,
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
    vocab_size, length : int
        The embedding's vocabulary and the input length when params do not set them: those
        of the :class:`~scanlab.text.TextPreprocess` the scan uses (Scan checks that they
        fit it before any training).

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
    text_classifier(6, vocab_key='vocab_size', length_key='seq_len', metrics=('accuracy',), \
vocab_size=10000, length=40)
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
    sizes = {}
    for name, value, minimum in (("vocab_size", vocab_size, 3), ("length", length, 1)):
        if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < minimum:
            raise ScanArgumentError(
                rule_message(
                    name, f"must be an int >= {minimum}", value, "use TextPreprocess's value"
                )
            )
        sizes[name] = int(value)
    return TextClassifier(int(num_classes), vocab_key, length_key, tuple(metrics), **sizes)
