"""``AutoParams``: Talos's generator of a wide params dict for :class:`AutoModel`.

The same methods, defaults and resulting dict as Talos 2.0.10's ``talos.autom8.AutoParams``
(keys in the same order, values of the same types), with Keras 3's optimizer classes. Bad
arguments raise a scanlab error naming the argument, the rule, the value and a fix, before
anything is built.
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from scanlab.errors import ScanArgumentError, ScanArgumentTypeError, rule_message

__all__ = ["AutoParams", "TASKS", "check_backend", "normalize_task"]

# Talos's task names, and the aliases its AutoModel also accepts.
TASKS = ("binary", "multi_class", "multi_label", "continuous")
_ALIASES = {"multiclass": "multi_class", "multilabel": "multi_label", "regression": "continuous"}
_KERAS_BACKENDS = ("tensorflow", "tf", "tf.keras", "keras")

_LOSSES = {
    "binary": ["binary_crossentropy", "LogCosh"],
    "multi_class": ["sparse_categorical_crossentropy"],
    "multi_label": ["categorical_crossentropy"],
    "continuous": ["mae"],
}
_LAST_ACTIVATIONS: dict[str, list[Any]] = {
    "binary": ["sigmoid"],
    "multi_class": ["softmax"],
    "multi_label": ["softmax"],
    "continuous": [None],
}


def normalize_task(task: Any) -> str:
    """Talos's task name for ``task``, accepting its aliases; else a clear error.

    Parameters
    ----------
    task : str
        ``'binary'``, ``'multi_class'`` (``'multiclass'``), ``'multi_label'``
        (``'multilabel'``) or ``'continuous'`` (``'regression'``).

    Returns
    -------
    str
        One of :data:`TASKS`.

    Examples
    --------
    >>> normalize_task('multiclass'), normalize_task('regression')
    ('multi_class', 'continuous')
    """
    if isinstance(task, str) and _ALIASES.get(task, task) in TASKS:
        return _ALIASES.get(task, task)
    raise ScanArgumentError(
        rule_message(
            "task",
            f"must be one of {list(TASKS)} (or the aliases {sorted(_ALIASES)})",
            task,
            "pick the task that matches y, e.g. task='binary' for 0/1 labels",
        )
    )


def check_backend(backend: Any) -> None:
    """Refuse a Talos ``backend`` that is not Keras (scanlab scans Keras 3 models).

    Parameters
    ----------
    backend : str
        ``'tensorflow'``, ``'tf'``, ``'tf.keras'`` or ``'keras'``.

    Examples
    --------
    >>> check_backend('tensorflow')
    """
    if backend in _KERAS_BACKENDS:
        return
    raise ScanArgumentError(
        rule_message(
            "backend",
            f"must name Keras, one of {list(_KERAS_BACKENDS)}; scanlab scans Keras 3 models "
            "(Keras itself may run on TensorFlow, JAX or PyTorch)",
            backend,
            "leave backend='tensorflow' (the default) and choose Keras's own backend with the "
            "KERAS_BACKEND environment variable",
        )
    )


def _check_count(name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
        raise ScanArgumentError(
            rule_message(name, "must be a positive int", value, f"use e.g. {name}=4")
        )
    return int(value)


def _span(method: str, low: Any, high: Any, steps: Any, default: str) -> list[int]:
    """Talos's ``list(range(low, high, steps))``, with both ends given or neither."""
    if (high is None) != (steps is None):
        raise ScanArgumentError(
            rule_message(
                f"AutoParams.{method}()",
                "needs its maximum and steps both given (ints) or both None",
                (low, high, steps),
                f"give both, e.g. {method}({default}), or neither for Talos's defaults",
            )
        )
    for value in (low, high, steps):
        if isinstance(value, bool) or not isinstance(value, numbers.Integral):
            raise ScanArgumentTypeError(
                rule_message(
                    f"AutoParams.{method}()",
                    "takes int bounds and steps",
                    (low, high, steps),
                    f"pass ints, e.g. {method}({default})",
                )
            )
    values = list(range(low, high, steps)) if steps != 0 else []
    if not values:
        raise ScanArgumentError(
            rule_message(
                f"AutoParams.{method}()",
                "must give at least one value (range(min, max, steps) is empty)",
                (low, high, steps),
                f"use a maximum above the minimum and steps >= 1, e.g. {method}({default})",
            )
        )
    return values


def _evenly(values: list[Any], n: int) -> list[Any]:
    picks = np.linspace(0, len(values) - 1, min(n, len(values)), dtype=int)
    return [values[i] for i in picks]


class AutoParams:
    """Build (or extend) a params dict covering :class:`AutoModel`'s whole space.

    Parameters
    ----------
    params : dict, optional
        A params dict to extend; it is copied, never changed.
    task : str, default 'binary'
        ``'binary'``, ``'multi_class'``, ``'multi_label'`` or ``'continuous'`` (aliases as in
        :func:`normalize_task`); picks the losses and the last activation.
    replace : bool, default True
        Whether the setters overwrite entries already in ``params``.
    auto : bool, default True
        Fill in every parameter at once (as Talos: shapes, hidden_layers, dropout, optimizer,
        activation, first_neuron, losses, batch_size, epochs, kernel_initializer, lr, network,
        last_activation).
    network : bool, default True
        Add the network architectures (dense, simplernn, lstm, bidirectional_lstm, conv1d);
        when False only ``'dense'``.
    resample_params : int or False, default 4
        Keep this many evenly spaced values per parameter (see :meth:`resample_params`).
    backend : str, default 'tensorflow'
        Talos's backend switch; scanlab scans Keras 3 models, so only the Keras names
        (``'tensorflow'``, ``'tf'``, ``'tf.keras'``, ``'keras'``) are accepted.

    Attributes
    ----------
    params : dict
        The params dict, ready for ``Scan(..., params=auto.params)``.

    Examples
    --------
    >>> p = AutoParams(task='continuous').params
    >>> list(p)[:4], p['losses'], p['last_activation']
    (['shapes', 'hidden_layers', 'dropout', 'optimizer'], ['mae'], [None])
    >>> p['first_neuron'], p['lr']
    ([8, 32, 128, 1024], [0.01, 0.17, 1, 10])
    """

    def __init__(
        self,
        params: dict[str, Any] | None = None,
        task: str = "binary",
        replace: bool = True,
        auto: bool = True,
        network: bool = True,
        resample_params: int | bool = 4,
        backend: str = "tensorflow",
    ) -> None:
        if params is not None and not isinstance(params, dict):
            raise ScanArgumentTypeError(
                rule_message("params", "must be a dict or None", params, "pass a params dict")
            )
        check_backend(backend)
        self._backend = backend
        self._task = normalize_task(task)
        self._replace = replace
        self._network = network
        if resample_params is not False:
            _check_count("resample_params", resample_params)
        self.params: dict[str, Any] = {} if params is None else dict(params)
        if auto:
            self._automated()
        if resample_params is not False:
            self.resample_params(int(resample_params))

    def _automated(self, shapes: str = "fixed") -> None:
        """Every parameter at Talos's defaults; ``shapes='sloped'`` uses float slopes."""
        if shapes == "fixed":
            self.shapes()
        else:
            self.shapes_slope()
        self.layers()
        self.dropout()
        self.optimizers()
        self.activations()
        self.neurons()
        self.losses()
        self.batch_size()
        self.epochs()
        self.kernel_initializers()
        self.lr()
        if self._network:
            self.networks()
        else:
            self.params["network"] = ["dense"]
        self.last_activations()

    def shapes(self, shapes: str | list[Any] = "auto") -> None:
        """Set ``shapes``: ``'auto'`` is ``['triangle', 'funnel', 'brick']``."""
        self._append_params(
            "shapes", ["triangle", "funnel", "brick"] if shapes == "auto" else shapes
        )

    def shapes_slope(
        self, min_slope: float = 0, max_slope: float = 0.6, steps: float = 0.1
    ) -> None:
        """Set ``shapes`` to float slopes ``numpy.arange(min_slope, max_slope, steps)``."""
        self._append_params("shapes", np.arange(min_slope, max_slope, steps).tolist())

    def layers(self, min_layers: int = 0, max_layers: int = 6, steps: int = 1) -> None:
        """Set ``hidden_layers`` to ``range(min_layers, max_layers, steps)``."""
        self._append_params(
            "hidden_layers", _span("layers", min_layers, max_layers, steps, "0, 6, 1")
        )

    def dropout(
        self, min_dropout: float = 0, max_dropout: float = 0.85, steps: float = 0.1
    ) -> None:
        """Set ``dropout`` to ``arange(min_dropout, max_dropout, steps)`` rounded to 2 places."""
        values = np.round(np.arange(min_dropout, max_dropout, steps), 2).tolist()
        self._append_params("dropout", values)

    def optimizers(self, optimizers: str | list[Any] = "auto") -> None:
        """Set ``optimizer``: ``'auto'`` is Keras's ``[Adam, Adagrad, SGD]`` classes."""
        if optimizers == "auto":
            import keras

            optimizers = [keras.optimizers.Adam, keras.optimizers.Adagrad, keras.optimizers.SGD]
        self._append_params("optimizer", optimizers)

    def activations(self, activations: str | list[Any] = "auto") -> None:
        """Set ``activation``: ``'auto'`` is ``['relu', 'elu']``."""
        self._append_params("activation", ["relu", "elu"] if activations == "auto" else activations)

    def losses(self, losses: str | list[Any] = "auto") -> None:
        """Set ``losses``: ``'auto'`` picks them by task (as Talos)."""
        self._append_params("losses", list(_LOSSES[self._task]) if losses == "auto" else losses)

    def neurons(
        self, min_neuron: int = 8, max_neuron: int | None = None, steps: int | None = None
    ) -> None:
        """Set ``first_neuron``: powers of two 8..1024, or ``range(min, max, steps)``."""
        if max_neuron is None and steps is None:
            values = [int(np.exp2(i)) for i in range(3, 11)]
        else:
            values = _span("neurons", min_neuron, max_neuron, steps, "8, 64, 8")
        self._append_params("first_neuron", values)

    def batch_size(
        self, min_size: int = 8, max_size: int | None = None, steps: int | None = None
    ) -> None:
        """Set ``batch_size``: ``int(2 ** (i / 2))`` for i in 3..14, or a range."""
        if max_size is None and steps is None:
            values = [int(np.exp2(i / 2)) for i in range(3, 15)]
        else:
            values = _span("batch_size", min_size, max_size, steps, "8, 64, 8")
        self._append_params("batch_size", values)

    def epochs(
        self, min_epochs: int = 50, max_epochs: int | None = None, steps: int | None = None
    ) -> None:
        """Set ``epochs``: ``int(2 ** (i / 2)) + 50`` for i in 3..14, or a range."""
        if max_epochs is None and steps is None:
            values = [int(np.exp2(i / 2)) + 50 for i in range(3, 15)]
        else:
            values = _span("epochs", min_epochs, max_epochs, steps, "50, 100, 10")
        self._append_params("epochs", values)

    def kernel_initializers(self, kernel_inits: str | list[Any] = "auto") -> None:
        """Set ``kernel_initializer``: ``'auto'`` is nine Keras initializer names."""
        if kernel_inits == "auto":
            kernel_inits = [
                "uniform",
                "normal",
                "he_normal",
                "he_uniform",
                "lecun_normal",
                "glorot_uniform",
                "glorot_normal",
                "random_uniform",
                "random_normal",
            ]
        self._append_params("kernel_initializer", kernel_inits)

    def lr(self, learning_rates: str | list[Any] = "auto") -> None:
        """Set ``lr``: ``'auto'`` is Talos's wide list (0.01 .. 10), for ``lr_normalizer``."""
        if learning_rates == "auto":
            a = np.round(np.arange(0.01, 0.2, 0.02), 3).tolist()
            b = np.round(np.arange(0, 1, 0.2), 2).tolist()
            learning_rates = a + b + list(range(11))
        self._append_params("lr", learning_rates)

    def networks(self, networks: str | list[Any] = "auto") -> None:
        """Set ``network``: ``'auto'`` is dense, simplernn, lstm, bidirectional_lstm, conv1d."""
        if networks == "auto":
            networks = ["dense", "simplernn", "lstm", "bidirectional_lstm", "conv1d"]
        self._append_params("network", networks)

    def last_activations(self, last_activations: str | list[Any] = "auto") -> None:
        """Set ``last_activation``: ``'auto'`` picks it by task (as Talos)."""
        if last_activations == "auto":
            last_activations = list(_LAST_ACTIVATIONS[self._task])
        self._append_params("last_activation", last_activations)

    def resample_params(self, n: int) -> None:
        """Keep ``n`` evenly spaced values of each parameter (all of a shorter list).

        Parameters
        ----------
        n : int
            Values to keep per parameter, at least 1; picked at
            ``numpy.linspace(0, len - 1, min(n, len), dtype=int)`` as Talos does. A
            ``(start, stop, steps)`` range is left as it is (Talos would pick its ends).
        """
        n = _check_count("n", n)
        self.params = {
            key: _evenly(values, n) if isinstance(values, list) else values
            for key, values in self.params.items()
        }

    def _append_params(self, label: str, values: Any) -> None:
        if self._replace or label not in self.params:
            self.params[label] = values
