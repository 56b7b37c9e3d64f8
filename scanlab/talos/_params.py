"""A Talos params dict and model function, as scanlab's engine takes them.

Three differences are bridged here, so that a Talos script runs unchanged:

* **Ranges.** Talos 2.0.10 expands ``(start, stop, steps)`` as ``numpy.arange(start, stop,
  (stop - start) / steps)`` (ints deduplicated when both ends are ints), also when ``steps``
  is not a whole number. :func:`talos_values` does the same (floats rounded to 12
  significant digits) and warns when ``steps`` is fractional, because ``(.05, .35, .1)``
  means a *step size* of 3.0 to Talos (one value), which is rarely what was meant.
* **Names.** A parameter named like a results column (``loss``, ``acc``, ``status`` ...) is
  stored as ``param__<name>`` (Talos's column name for it); the model function and the
  ``boolean_limit`` still receive it under its own name (:class:`TalosModelFunction`).
* **Order.** Talos hands the model its params in the dict's order; so do the wrappers.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Mapping
from typing import Any

from scanlab._metric_names import COMMON_METRIC_NAMES
from scanlab._schema import RESERVED_COLUMNS
from scanlab.errors import ParamsError, ParamsTypeError, rule_message

__all__ = [
    "RENAMED_PREFIX",
    "TalosBooleanLimit",
    "TalosModelFunction",
    "talos_values",
    "translate_params",
]

#: Prefix of the column of a parameter whose name is taken by a results column (Talos's).
RENAMED_PREFIX = "param__"


def talos_values(name: str, spec: tuple) -> list:
    """The values of a Talos range ``(start, stop, steps)``, as Talos 2.0.10 expands them.

    Parameters
    ----------
    name : str
        The parameter's name (for messages).
    spec : tuple
        ``(start, stop, steps)``: ``steps`` values from ``start`` (``stop`` excluded), spaced
        ``(stop - start) / steps``.

    Returns
    -------
    list
        Ints (sorted, duplicates dropped) when ``start`` and ``stop`` are ints, else floats
        rounded to 12 significant digits.

    Raises
    ------
    ParamsError
        When the tuple is not three numbers with ``steps > 0`` and ``start != stop``.

    Examples
    --------
    >>> talos_values('dropout', (0, 0.5, 5))
    [0.0, 0.1, 0.2, 0.3, 0.4]
    >>> talos_values('lr', (0.5, 5, 3))
    [0.5, 2.0, 3.5]
    >>> talos_values('units', (1, 4, 6))
    [1, 2, 3]
    """
    numbers = len(spec) == 3 and all(
        isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) for v in spec
    )
    if not numbers or spec[2] <= 0 or spec[0] == spec[1]:
        raise ParamsError(
            rule_message(
                f"params[{name!r}]",
                "a Talos range must be (start, stop, steps): three numbers, steps > 0 and "
                "start != stop",
                spec,
                f"write e.g. params[{name!r}] = (0, 0.5, 5) for 0, 0.1, ..., 0.4, or a list "
                f"of the values",
            )
        )
    start, stop, steps = spec
    if float(steps) != int(steps):
        step = (stop - start) / steps
        warnings.warn(
            f"params[{name!r}] = {spec!r}: Talos reads the third number as a count of steps, "
            f"so the values are spaced {step:g} apart. For values spaced {steps:g} apart, "
            f"write {(start, stop, max(1, round((stop - start) / steps)))!r} or a list.",
            UserWarning,
            stacklevel=4,
        )
    step = (stop - start) / steps
    count = max(0, math.ceil((stop - start) / step))
    raw = [start + i * step for i in range(count)]
    if isinstance(start, int) and isinstance(stop, int):
        return sorted({int(v) for v in raw})
    return [float(f"{v:.12g}") for v in raw]


def translate_params(params: Any) -> tuple[dict[str, Any], dict[str, str]]:
    """The params dict scanlab's engine takes for a Talos params dict.

    Parameters
    ----------
    params : dict
        Talos's params: name -> list of values or ``(start, stop, steps)``.

    Returns
    -------
    params : dict
        Ranges expanded as Talos does; names taken by a results column prefixed with
        :data:`RENAMED_PREFIX`; everything else as given (scanlab checks it).
    renames : dict
        Stored name -> the name in ``params`` (empty when nothing was renamed).

    Raises
    ------
    ParamsTypeError
        When ``params`` is not a dict.

    Examples
    --------
    >>> translate_params({'loss': ['mse'], 'dropout': (0, 0.2, 2)})
    ({'param__loss': ['mse'], 'dropout': [0.0, 0.1]}, {'param__loss': 'loss'})
    """
    if not isinstance(params, Mapping):
        raise ParamsTypeError(
            rule_message(
                "params",
                "must be a dict of parameter name -> list of values or (start, stop, steps)",
                params,
                "pass e.g. params={'lr': [0.01, 0.001], 'dropout': (0, 0.5, 5)}",
            )
        )
    out: dict[str, Any] = {}
    renames: dict[str, str] = {}
    for name, spec in params.items():
        stored = name
        if isinstance(name, str) and (name in RESERVED_COLUMNS or name in COMMON_METRIC_NAMES):
            stored = RENAMED_PREFIX + name
            while stored in params or stored in out:
                stored = RENAMED_PREFIX + stored
            renames[stored] = name
        out[stored] = talos_values(str(name), spec) if isinstance(spec, tuple) else spec
    return out, renames


def _talos_names(params: Mapping[str, Any], renames: Mapping[str, str]) -> dict[str, Any]:
    return {renames.get(name, name): value for name, value in params.items()}


class TalosModelFunction:
    """A Talos model function, called with the params under the names the user gave them.

    Parameters
    ----------
    model : callable
        ``model(x_train, y_train, x_val, y_val, params) -> (history, model)``.
    renames : dict
        Stored name -> the user's name (see :func:`translate_params`).
    order : sequence of str
        The user's params dict order (the model receives its params in this order).

    Examples
    --------
    >>> f = TalosModelFunction(lambda *a: a[4], {'param__loss': 'loss'}, ['loss', 'lr'])
    >>> f(None, None, None, None, {'lr': 0.1, 'param__loss': 'mse'})
    {'loss': 'mse', 'lr': 0.1}
    """

    def __init__(self, model: Callable, renames: Mapping[str, str], order: list[str]) -> None:
        self.model = model
        self.renames = dict(renames)
        self.order = list(order)
        # scanlab names the function in messages and the manifest: the user's, not this one
        self.__name__ = getattr(model, "__name__", type(model).__name__)
        self.__qualname__ = getattr(model, "__qualname__", self.__name__)
        self.__module__ = getattr(model, "__module__", __name__)

    def __call__(self, x_train: Any, y_train: Any, x_val: Any, y_val: Any, params: dict) -> Any:
        named = _talos_names(params, self.renames)
        ordered = {name: named[name] for name in self.order if name in named}
        ordered.update((k, v) for k, v in named.items() if k not in ordered)
        return self.model(x_train, y_train, x_val, y_val, ordered)


class TalosBooleanLimit:
    """A Talos ``boolean_limit``, called with the params under the user's names.

    Parameters
    ----------
    limit : callable
        ``limit(params) -> bool``.
    renames : dict
        Stored name -> the user's name.

    Examples
    --------
    >>> TalosBooleanLimit(lambda p: p['loss'] == 'mse', {'param__loss': 'loss'})({'param__loss': 'mse'})
    True
    """

    def __init__(self, limit: Callable[[dict], Any], renames: Mapping[str, str]) -> None:
        self.limit = limit
        self.renames = dict(renames)

    def __call__(self, params: dict) -> Any:
        return self.limit(_talos_names(params, self.renames))
