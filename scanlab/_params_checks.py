"""The rules of a params dict: each check, its message and its fix.

A params dict maps each parameter name (a string that is no results column) to a list of
distinct, usable choices or to a Talos range ``(start, stop, steps)``. Each check raises
:class:`~scanlab.errors.ParamsError` or :class:`~scanlab.errors.ParamsTypeError` naming the
parameter, the rule, the value received and the fix. :class:`scanlab.space.ParamSpace` calls
them; expanding a range and labelling values stay in :mod:`scanlab.space`.
"""

from __future__ import annotations

import math
import numbers
import unicodedata
from collections.abc import Mapping, Sequence
from typing import Any

from scanlab._metric_names import COMMON_METRIC_NAMES
from scanlab._schema import RESERVED_COLUMNS
from scanlab.errors import ParamsError, ParamsTypeError

__all__ = [
    "check_choices",
    "check_distinct",
    "check_params_dict",
    "check_range",
    "is_int",
]


def is_int(x: Any) -> bool:
    """True for an integral number (a NumPy int too), never for a bool."""
    return isinstance(x, numbers.Integral) and not isinstance(x, bool)


def check_params_dict(params: Any) -> list[str]:
    """The parameter names of ``params``: a non-empty mapping of non-empty string keys that
    collide with no results column."""
    if not isinstance(params, Mapping):
        raise ParamsTypeError(
            f"params must be a dict of parameter name -> list of values, got "
            f"{type(params).__name__} ({_short(params)}). Fix: pass a dict, e.g. "
            f"params={{'lr': [0.01, 0.001]}}."
        )
    if not params:
        raise ParamsError(
            "params is empty: it needs at least one parameter, got {}. "
            "Fix: add a parameter, e.g. params={'lr': [0.01, 0.001]}."
        )
    for name in params:
        if not isinstance(name, str) or not name:
            raise ParamsTypeError(
                f"params keys must be non-empty strings (they become column names), got "
                f"{name!r}. Fix: name the parameter with a string, e.g. params['units'] = [8, 16]."
            )
        control = [c for c in name if unicodedata.category(c) == "Cc" and c not in "\n\t"]
        if control:
            raise ParamsError(
                f"params key {name!r} holds the control character {control[0]!r}, which a CSV "
                f"reader takes for a line end or drops. Fix: rename the parameter without it "
                f"(e.g. {''.join(c for c in name if c not in control) or 'param'!r})."
            )
        if name in RESERVED_COLUMNS or name in COMMON_METRIC_NAMES:
            raise ParamsError(
                f"params key {name!r} collides with the results column of the same name. "
                f"Rename the parameter (e.g. {name + '_param'!r}) and read it under that name "
                f"in your model function."
            )
    return list(params)


def check_choices(name: str, spec: Any) -> list:
    """The choices of ``params[name]`` given as a list (or a 1-D array, a range ...), as a
    list, once it is an ordered, flat, non-empty sequence of usable values."""
    if isinstance(spec, (str, bytes)) or (
        not isinstance(spec, Sequence | range) and not hasattr(spec, "tolist")
    ):
        if isinstance(spec, (set, frozenset)):
            raise ParamsTypeError(
                f"params[{name!r}] is a set ({_short(spec)}); sets have no fixed order, so "
                f"scans would not repeat. Use a list: params[{name!r}] = {sorted(spec, key=repr)!r}."
            )
        raise ParamsTypeError(
            f"params[{name!r}] must be a list of choices or a (start, stop, steps) range, got "
            f"{_short(spec)} (of type {type(spec).__name__}). Wrap a single value in a list: "
            f"params[{name!r}] = [{spec!r}]."
        )
    ndim = getattr(spec, "ndim", 1)
    if isinstance(ndim, int) and ndim != 1:
        raise ParamsTypeError(
            f"params[{name!r}] must be a 1-D list of choices, got a {ndim}-D array of shape "
            f"{getattr(spec, 'shape', '?')} ({_short(spec)}). Fix: pass a flat list, e.g. "
            f"params[{name!r}] = array.ravel().tolist(), or a list of the rows you mean as "
            f"choices."
        )
    values = spec.tolist() if hasattr(spec, "tolist") else list(spec)
    if not values:
        raise ParamsError(
            f"params[{name!r}] is an empty list: every parameter needs at least one value. "
            f"Give it one or more values, or remove the key."
        )
    for position, value in enumerate(values):
        _check_choice(name, position, value)
    return values


def _check_choice(name: str, position: int, value: Any) -> None:
    """Refuse a choice no run can use: NaN, or an array of two or more dimensions."""
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        try:
            is_nan = math.isnan(value)
        except (TypeError, ValueError, OverflowError):
            is_nan = False
        if is_nan:
            raise ParamsError(
                f"params[{name!r}] has NaN at position {position}: NaN is no value to train "
                f"with and never equals itself, so runs could not be told apart or resumed. "
                f"Fix: remove it, or use None for 'not set'."
            )
    ndim = getattr(value, "ndim", None)
    if isinstance(ndim, int) and ndim >= 2:
        raise ParamsTypeError(
            f"params[{name!r}] has a {ndim}-D array at position {position} (shape "
            f"{getattr(value, 'shape', '?')}): a choice must be a single value, got "
            f"{_short(value)}. Fix: pass the values themselves as a flat list, or give the "
            f"array a name (e.g. a string key into a dict your model function reads)."
        )


def check_range(name: str, spec: tuple) -> tuple[float, float, int]:
    """``(start, stop, int(steps))`` of the Talos range ``params[name]``, once it is valid."""
    usage = f"Write a range as (start, stop, steps), e.g. params[{name!r}] = (0, 0.5, 5)."
    if len(spec) != 3:
        raise ParamsError(
            f"params[{name!r}] is a tuple of length {len(spec)} ({spec!r}); a Talos range has "
            f"exactly 3 items. {usage} For a list of choices use a list, not a tuple."
        )
    start, stop, steps = spec
    for what, x in (("start", start), ("stop", stop)):
        if not isinstance(x, numbers.Real) or isinstance(x, bool) or not math.isfinite(x):
            raise ParamsTypeError(
                f"params[{name!r}] range {what} must be a finite number, got {x!r}. {usage}"
            )
    if not is_int(steps) or steps < 1:
        raise ParamsError(
            f"params[{name!r}] range steps must be an int >= 1, got {steps!r}. {usage}"
        )
    if stop <= start:
        raise ParamsError(
            f"params[{name!r}] range needs stop > start, got start={start!r}, stop={stop!r}. "
            f"{usage}"
        )
    return start, stop, int(steps)


def check_distinct(name: str, values: list, labels: list[str]) -> None:
    """No two values of ``params[name]`` share a label or (numbers) a float value."""
    seen: dict[Any, int] = {}
    for position, (value, label) in enumerate(zip(values, labels, strict=True)):
        is_number = isinstance(value, numbers.Real) and not isinstance(value, bool)
        keys = [("label", label)] + ([("number", float(value))] if is_number else [])
        for key in keys:
            if key in seen:
                first = seen[key]
                raise ParamsError(
                    f"params[{name!r}] has duplicate values: {values[first]!r} (position "
                    f"{first}) and {value!r} (position {position}). Each value must appear "
                    f"once; remove the duplicate."
                )
            seen[key] = position


def _short(value: Any, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."
