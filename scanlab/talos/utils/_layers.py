"""``hidden_layers``: a variable number of Dense + Dropout layers from a run's params (Talos).

Layer widths come from :func:`network_shape`, which gives Talos 2.0.10's widths for Talos's
shapes and adds four more:

- ``'brick'`` (Talos): every layer ``first_neuron`` wide;
- ``'funnel'`` (Talos): from ``first_neuron``, each layer ``int((first_neuron - last_neuron)
  / hidden_layers)`` narrower than the one before, the first already one step down;
- ``'triangle'`` (Talos): evenly spaced from just above ``last_neuron`` up to just below
  ``first_neuron`` (``numpy.linspace``, ends dropped, widening);
- a number ``s`` (Talos: a float; ints are accepted too): each layer ``int(previous * (1 -
  s))``, never below ``last_neuron``;
- ``'long_funnel'`` (scanlab): the first ``ceil(hidden_layers / 2)`` layers ``first_neuron``
  wide, then a linear funnel toward ``last_neuron`` (both ends excluded);
- ``'diamond'`` (scanlab): at layer ``i`` of ``n``, with ``t = (i + 1) / (n + 1)``, width
  ``first_neuron * (1 - |2t - 1| / 2)``: ``first_neuron`` in the middle, half of it at the ends;
- ``'hexagon'`` (scanlab): width ``first_neuron * min(1, 0.5 + 1.5 * min(t, 1 - t))``: rising,
  flat at ``first_neuron`` over the middle third, falling;
- ``'stairs'`` (scanlab): layers in pairs of equal width, each pair ``int((first_neuron -
  last_neuron) / ceil(hidden_layers / 2))`` narrower than the pair before.

Scanlab's four shapes never go below ``last_neuron`` (nor below 1).
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping
from typing import Any

from scanlab.errors import ParamsError, ParamsTypeError, rule_message

__all__ = ["REQUIRED_PARAMS", "SHAPES", "hidden_layers", "network_shape"]

#: The params keys ``hidden_layers`` needs (Talos's list).
REQUIRED_PARAMS = ("shapes", "first_neuron", "dropout", "hidden_layers", "activation")

#: The named shapes (Talos's three, then scanlab's four); a number is a shape too.
SHAPES = ("brick", "funnel", "triangle", "long_funnel", "diamond", "hexagon", "stairs")


def _int_param(params: Mapping[str, Any], key: str, minimum: int) -> int:
    value = params[key]
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < minimum:
        raise ParamsError(
            rule_message(
                f"params[{key!r}]",
                f"must be an int >= {minimum} for hidden_layers",
                value,
                f"use a list of ints in the params dict, e.g. {key!r}: [{max(minimum, 1)}, 2]",
            )
        )
    return int(value)


def _talos_widths(shape: Any, layers: int, first: int, last: int) -> list[int]:
    import numpy as np

    if isinstance(shape, numbers.Real) and not isinstance(shape, bool):
        out, n = [], float(first)
        for _ in range(layers):
            n *= 1 - float(shape)
            out.append(int(n) if n > last else last)
        return out
    if shape == "brick":
        return [first] * layers
    if shape == "funnel":
        step = int((first - last) / layers)
        return [first - step * (i + 1) for i in range(layers)]
    # triangle
    widths = np.linspace(first, last, layers + 2, dtype=int).tolist()[1:-1]
    return [int(w) for w in reversed(widths)]


def _scanlab_widths(shape: str, layers: int, first: int, last: int) -> list[int]:
    import numpy as np

    floor = max(last, 1)
    if shape == "long_funnel":
        flat = math.ceil(layers / 2)
        rest = np.linspace(first, last, layers - flat + 2)[1:-1]
        widths = [float(first)] * flat + [float(w) for w in rest]
    elif shape == "stairs":
        step = int((first - last) / math.ceil(layers / 2))
        widths = [float(first - step * (i // 2)) for i in range(layers)]
    else:
        ts = [(i + 1) / (layers + 1) for i in range(layers)]
        if shape == "diamond":
            widths = [first * (1 - abs(2 * t - 1) / 2) for t in ts]
        else:  # hexagon
            widths = [first * min(1.0, 0.5 + 1.5 * min(t, 1 - t)) for t in ts]
    return [max(floor, int(w)) for w in widths]


def network_shape(params: Mapping[str, Any], last_neuron: int) -> list[int]:
    """The width of each hidden layer for one run's params (Talos's ``network_shape``).

    Parameters
    ----------
    params : mapping
        One run's params with ``hidden_layers``, ``first_neuron`` and ``shapes``.
    last_neuron : int
        Width of the output layer.

    Returns
    -------
    list of int
        One width per hidden layer; ``[0]`` when ``hidden_layers`` is 0 (as in Talos).

    Examples
    --------
    >>> network_shape({'hidden_layers': 3, 'first_neuron': 64, 'shapes': 'funnel'}, 1)
    [43, 22, 1]
    >>> network_shape({'hidden_layers': 3, 'first_neuron': 64, 'shapes': 'triangle'}, 1)
    [16, 32, 48]
    >>> network_shape({'hidden_layers': 3, 'first_neuron': 64, 'shapes': 0.5}, 1)
    [32, 16, 8]
    """
    missing = [k for k in ("hidden_layers", "first_neuron", "shapes") if k not in params]
    if missing:
        raise ParamsError(
            rule_message(
                "params",
                f"must hold {', '.join(map(repr, missing))} for the layer widths",
                sorted(params),
                f"add e.g. {missing[0]!r}: [...] to the params dict",
            )
        )
    layers = _int_param(params, "hidden_layers", 0)
    first = _int_param(params, "first_neuron", 1)
    shape = params["shapes"]
    if layers == 0:
        return [0]
    if isinstance(shape, numbers.Real) and not isinstance(shape, bool):
        return _talos_widths(shape, layers, first, int(last_neuron))
    if not isinstance(shape, str) or shape not in SHAPES:
        raise ParamsError(
            rule_message(
                "params['shapes']",
                f"must be a number or one of {list(SHAPES)}",
                shape,
                "use e.g. 'shapes': ['brick', 'funnel', 0.2]",
            )
        )
    if shape in ("brick", "funnel", "triangle"):
        return _talos_widths(shape, layers, first, int(last_neuron))
    return _scanlab_widths(shape, layers, first, int(last_neuron))


def _is_keras_tensor(value: Any) -> bool:
    import keras

    return isinstance(value, keras.KerasTensor)


def hidden_layers(model: Any, params: Mapping[str, Any], last_neuron: int) -> Any:
    """Add ``params['hidden_layers']`` Dense + Dropout pairs, Talos's way.

    Each Dense layer is ``network_shape(params, last_neuron)[i]`` wide and takes
    ``activation`` and, when present in params, ``kernel_initializer`` (default
    ``'glorot_uniform'``), ``kernel_regularizer``, ``bias_initializer`` (``'zeros'``),
    ``bias_regularizer``, ``use_bias`` (True), ``activity_regularizer``,
    ``kernel_constraint`` and ``bias_constraint``; each is followed by
    ``Dropout(params['dropout'])``.

    Parameters
    ----------
    model : keras.Sequential or keras.KerasTensor
        A Sequential model: the layers are added to it (as in Talos). A Keras tensor of the
        functional API: the layers are applied to it and the output tensor is returned, so
        ``x = hidden_layers(x, params, 1)`` continues the graph.
    params : mapping
        One run's params; needs ``shapes``, ``first_neuron``, ``dropout``,
        ``hidden_layers`` and ``activation``.
    last_neuron : int
        Width of the output layer (the shapes narrow toward it).

    Returns
    -------
    keras.Sequential or keras.KerasTensor
        The same Sequential model (Talos returns None; the model is returned so both styles
        read alike), or the functional output tensor.

    Examples
    --------
    >>> import keras
    >>> p = {'shapes': 'brick', 'first_neuron': 8, 'dropout': 0.1, 'hidden_layers': 2,
    ...      'activation': 'relu'}
    >>> inputs = keras.Input(shape=(4,))
    >>> out = hidden_layers(inputs, p, 1)
    >>> keras.Model(inputs, out).count_params()
    112
    """
    missing = [k for k in REQUIRED_PARAMS if k not in params]
    if missing:
        raise ParamsError(
            rule_message(
                "params",
                f"must hold {', '.join(map(repr, missing))} for hidden_layers",
                sorted(params),
                f"add e.g. {missing[0]!r}: [...] to the params dict (hidden_layers needs "
                f"{', '.join(REQUIRED_PARAMS)})",
            )
        )
    widths = network_shape(params, last_neuron)
    layers = int(params["hidden_layers"])
    dropout = params["dropout"]
    if (
        isinstance(dropout, bool)
        or not isinstance(dropout, numbers.Real)
        or not 0 <= float(dropout) < 1
    ):
        raise ParamsError(
            rule_message(
                "params['dropout']",
                "must be a number in [0, 1)",
                dropout,
                "use e.g. 'dropout': [0, 0.25, 0.5]",
            )
        )
    import keras

    functional = _is_keras_tensor(model)
    if not functional and not isinstance(model, keras.Sequential):
        raise ParamsTypeError(
            rule_message(
                "model",
                "must be a keras.Sequential (layers are added) or a Keras tensor (layers are "
                "applied, the output tensor is returned)",
                type(model).__name__,
                "pass the Sequential model, or the tensor of a functional graph: "
                "x = hidden_layers(x, params, last_neuron)",
            )
        )
    out = model
    for i in range(layers):
        dense = keras.layers.Dense(
            widths[i],
            activation=params.get("activation"),
            use_bias=params.get("use_bias", True),
            kernel_initializer=params.get("kernel_initializer", "glorot_uniform"),
            bias_initializer=params.get("bias_initializer", "zeros"),
            kernel_regularizer=params.get("kernel_regularizer"),
            bias_regularizer=params.get("bias_regularizer"),
            activity_regularizer=params.get("activity_regularizer"),
            kernel_constraint=params.get("kernel_constraint"),
            bias_constraint=params.get("bias_constraint"),
        )
        drop = keras.layers.Dropout(dropout)
        if functional:
            out = drop(dense(out))
        else:
            model.add(dense)
            model.add(drop)
    return out
