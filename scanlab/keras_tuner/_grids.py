"""The grids behind :class:`~scanlab.keras_tuner.HyperParameters`: a parameter's record
(:class:`Spec`), when it is active (:func:`is_active`) and the values of an Int/Float range
(:func:`grid_values`).

Int/Float grids are KerasTuner's value sets where it has one: with ``step``, ``min_value,
min_value + step, ...`` up to ``max_value`` inclusive (``sampling='log'``: the step multiplies,
``min_value * step**i``); an Int without ``step`` takes every integer; a Float without
``step`` takes ``float_points`` points from ``min_value`` to ``max_value`` inclusive, evenly
spaced (geometric for ``'log'``). Values are rounded to 12 significant digits, so
``0.6 + 3 * 0.1`` is ``0.9`` as KerasTuner shows it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, NamedTuple

from scanlab.errors import ScanArgumentError, rule_message

__all__ = ["FLOAT_POINTS", "SAMPLINGS", "Spec", "grid_values", "is_active"]

#: Points of a ``Float`` grid without ``step``.
FLOAT_POINTS = 10
#: The ``sampling`` values scanlab accepts.
SAMPLINGS = ("linear", "log")


class Spec(NamedTuple):
    """One registered parameter.

    Parameters
    ----------
    name : str
        Its name.
    kind : str
        ``'Int'``, ``'Float'``, ``'Choice'``, ``'Boolean'`` or ``'Fixed'``.
    grid : tuple
        Every value it can take.
    default : object
        Its default (in ``grid``).
    conditions : tuple of (str, tuple)
        ``(parent, values)`` pairs that must all hold for it to be active.
    """

    name: str
    kind: str
    grid: tuple
    default: Any
    conditions: tuple[tuple[str, tuple], ...]


def is_active(name: str, values: Mapping[str, Any], specs: Mapping[str, Spec]) -> bool:
    """Whether parameter ``name`` is active in the full assignment ``values``.

    Parameters
    ----------
    name : str
        The parameter.
    values : mapping
        A value for every parameter (a permutation).
    specs : mapping
        Name -> :class:`Spec` (conditions); a parameter without one is always active.

    Returns
    -------
    bool
        True when every condition holds and every parent is itself active.

    Examples
    --------
    >>> specs = {'a': Spec('a', 'Boolean', (False, True), False, ()),
    ...          'b': Spec('b', 'Int', (1, 2), 1, (('a', (True,)),))}
    >>> is_active('b', {'a': True, 'b': 2}, specs), is_active('b', {'a': False, 'b': 1}, specs)
    (True, False)
    """
    spec = specs.get(name)
    if spec is None:
        return True
    return all(
        parent in values and values[parent] in allowed and is_active(parent, values, specs)
        for parent, allowed in spec.conditions
    )


def grid_values(
    where: str, low: Any, high: Any, step: Any, sampling: Any, integer: bool, float_points: int
) -> list[Any]:
    """The values of an Int/Float range (see the module), its arguments checked.

    Parameters
    ----------
    where : str
        ``HyperParameters.Int(name=...)``: how messages name the call.
    low, high, step, sampling
        The range as given.
    integer : bool
        An Int (without step: every integer) or a Float (without step: ``float_points``).
    float_points : int
        Points of a Float range without step.

    Returns
    -------
    list

    Examples
    --------
    >>> grid_values('Float', 1e-4, 1e-1, 10, 'log', False, 10)
    [0.0001, 0.001, 0.01, 0.1]
    >>> grid_values('Int', 2, 9, 3, 'linear', True, 10)
    [2.0, 5.0, 8.0]
    """
    if low > high:
        raise ScanArgumentError(
            rule_message(
                f"{where} min_value", f"must not exceed max_value ({high})", low, "swap them"
            )
        )
    if sampling not in SAMPLINGS:
        raise ScanArgumentError(
            rule_message(
                f"{where} sampling",
                f"must be one of {list(SAMPLINGS)}",
                sampling,
                "pass 'linear' or 'log'",
            )
        )
    log = sampling == "log"
    if log and low <= 0:
        raise ScanArgumentError(
            rule_message(
                f"{where} min_value",
                "must be > 0 with sampling='log'",
                low,
                "raise min_value, or use sampling='linear'",
            )
        )
    if step is not None and (step <= 1 if log else step <= 0):
        raise ScanArgumentError(
            rule_message(
                f"{where} step",
                "must be > 1 with sampling='log' (it multiplies)" if log else "must be > 0",
                step,
                "pass e.g. step=10 for powers of ten" if log else "pass a positive step",
            )
        )
    if step is None and integer:
        return list(range(low, high + 1))
    if step is None:
        n = float_points
        if log:
            ratio = math.log(high / low)
            return [_tidy(low * math.exp(ratio * i / (n - 1))) for i in range(n)]
        return [_tidy(low + (high - low) * i / (n - 1)) for i in range(n)]
    if log:
        count = math.floor(math.log(high / low) / math.log(step) + 1e-9) + 1
        return [_tidy(low * step**i) for i in range(count)]
    count = math.floor((high - low) / step + 1e-9) + 1
    return [_tidy(low + step * i) for i in range(count)]


def _tidy(value: float) -> float:
    """``value`` to 12 significant digits (0.6 + 3 * 0.1 is 0.9, as KerasTuner shows it)."""
    return float(f"{value:.12g}")
