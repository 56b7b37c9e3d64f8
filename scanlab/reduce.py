"""Narrow a params dict for the next round. Pure functions: each returns a new dict and never
changes its input.

Examples
--------
>>> params = {'lr': [0.1, 0.01, 0.001], 'dropout': (0, 0.5, 5), 'units': [8, 16]}
>>> drop(params, 'dropout', lambda v: v > 0.2)['dropout']
[0.0, 0.1, 0.2]
>>> fix(params, 'units', 16)['units']
[16]
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

import pandas as pd

from scanlab.errors import ParamsError, ParamsTypeError, rule_message
from scanlab.space import ParamSpace, talos_range, value_label

Params = dict[str, Any]


def values_of(params: Mapping[str, Any], name: str) -> list:
    """The values of one parameter, with a Talos range expanded.

    Parameters
    ----------
    params : mapping
        A params dict.
    name : str
        One of its parameters.

    Returns
    -------
    list
        The values, as the scan draws them.

    Raises
    ------
    ParamsError, ParamsTypeError
        When ``params`` is not a dict, has no ``name``, or its spec is invalid.

    Examples
    --------
    >>> values_of({'dropout': (0, 0.5, 5)}, 'dropout')
    [0.0, 0.1, 0.2, 0.3, 0.4]
    """
    _check_name(params, name)
    return ParamSpace({name: params[name]}).values[name]


def drop(params: Mapping[str, Any], name: str, values: Iterable | Callable[[Any], bool]) -> Params:
    """Remove values of ``name``: a list of values (or their labels, e.g. ``'Adam'``) or a
    predicate that is True for the values to drop.

    Parameters
    ----------
    params : mapping
        A params dict (not changed).
    name : str
        The parameter.
    values : iterable or callable
        Values or labels to drop (a string is one value), each of which must be a current
        value; or ``f(value) -> bool``.

    Returns
    -------
    dict
        A new params dict; ``name`` becomes a list (a range is expanded).

    Raises
    ------
    ParamsError
        When a listed value is not a current one, or no value would be left.
    """
    current = values_of(params, name)
    _check_values_argument("drop", values)
    if callable(values):
        kept = [v for v in current if not values(v)]
    else:
        unwanted = _match(name, current, values)
        kept = [v for v in current if not any(_same(v, u) for u in unwanted)]
    if not kept:
        raise ParamsError(
            f"drop() would remove every value of {name!r} ({_labels(current)}); a parameter "
            f"needs at least one value. Use fix() to keep a single one."
        )
    return {**params, name: kept}


def keep(params: Mapping[str, Any], name: str, values: Iterable | Callable[[Any], bool]) -> Params:
    """Keep only these values of ``name`` (a list of values/labels, or a predicate).

    Parameters
    ----------
    params : mapping
        A params dict (not changed).
    name : str
        The parameter.
    values : iterable or callable
        Values or labels to keep (a string is one value), each of which must be a current
        value; or ``f(value) -> bool``.

    Returns
    -------
    dict
        A new params dict; ``name`` becomes a list in its current order.

    Raises
    ------
    ParamsError
        When a listed value is not a current one, or no value would be kept.
    """
    current = values_of(params, name)
    _check_values_argument("keep", values)
    if callable(values):
        kept = [v for v in current if values(v)]
    else:
        wanted = _match(name, current, values)
        kept = [v for v in current if any(_same(v, w) for w in wanted)]
    if not kept:
        raise ParamsError(
            f"keep() keeps no value of {name!r} (values: {_labels(current)}): a parameter "
            f"needs at least one value. Fix: choose at least one of them."
        )
    return {**params, name: kept}


def fix(params: Mapping[str, Any], name: str, value: Any) -> Params:
    """Fix ``name`` to one value (it need not be in the current list).

    Parameters
    ----------
    params : mapping
        A params dict (not changed).
    name : str
        One of its parameters.
    value : object
        The value.

    Returns
    -------
    dict
        A new params dict with ``name: [value]``.
    """
    _check_name(params, name)
    return {**params, name: [value]}


def set_range(
    params: Mapping[str, Any], name: str, start: float, stop: float, steps: int
) -> Params:
    """Replace ``name``'s values with a Talos range ``(start, stop, steps)``.

    Parameters
    ----------
    params : mapping
        A params dict (not changed).
    name : str
        One of its parameters.
    start, stop : float
        The range's ends (``stop`` excluded, see :func:`talos_range`).
    steps : int
        Number of values.

    Returns
    -------
    dict
        A new params dict with ``name: (start, stop, steps)``.

    Raises
    ------
    ParamsError, ParamsTypeError
        When ``name`` is missing or the range is invalid.
    """
    _check_name(params, name)
    ParamSpace({name: (start, stop, steps)})  # validates the range
    return {**params, name: (start, stop, steps)}


def add(params: Mapping[str, Any], name: str, values: Iterable) -> Params:
    """Add values to ``name`` (or add a new parameter); duplicates are refused.

    Parameters
    ----------
    params : mapping
        A params dict (not changed).
    name : str
        A parameter, existing or new.
    values : iterable
        Values appended after the current ones (a range is expanded first).

    Returns
    -------
    dict
        A new params dict.

    Raises
    ------
    ParamsError
        When a value would appear twice.

    Examples
    --------
    >>> add({'units': [8, 16]}, 'units', [32])
    {'units': [8, 16, 32]}
    """
    _check_params(params, "params")
    _check_parameter_name(name)
    _check_values_argument("add", values, allow_callable=False)
    new_values = list(values)
    current = values_of(params, name) if name in params else []
    merged = current + new_values
    ParamSpace({name: merged})  # refuses duplicates with a clear message
    return {**params, name: merged}


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> pd.DataFrame:
    """What changed between two params dicts: one row per parameter that differs.

    Columns: ``parameter``, ``change`` (added, removed, narrowed, widened, changed),
    ``removed`` and ``added`` value labels, and the value counts before and after.

    Parameters
    ----------
    before, after : mapping
        Two params dicts (ranges are compared by their values).

    Returns
    -------
    DataFrame
        One row per differing parameter, sorted by name: ``parameter``, ``change``,
        ``removed``, ``added``, ``n_before``, ``n_after``.

    Examples
    --------
    >>> diff({'units': [8, 16, 32]}, {'units': [8, 16]})[['parameter', 'change']].to_dict('list')
    {'parameter': ['units'], 'change': ['narrowed']}
    """
    _check_params(before, "before")
    _check_params(after, "after")
    rows = []
    for name in sorted(set(before) | set(after)):
        old = [value_label(v) for v in values_of(before, name)] if name in before else []
        new = [value_label(v) for v in values_of(after, name)] if name in after else []
        if old == new:
            continue
        removed = [v for v in old if v not in new]
        added = [v for v in new if v not in old]
        if not old:
            change = "added"
        elif not new:
            change = "removed"
        elif removed and not added:
            change = "narrowed"
        elif added and not removed:
            change = "widened"
        else:
            change = "changed"
        rows.append(
            {
                "parameter": name,
                "change": change,
                "removed": removed,
                "added": added,
                "n_before": len(old),
                "n_after": len(new),
            }
        )
    return pd.DataFrame(
        rows, columns=["parameter", "change", "removed", "added", "n_before", "n_after"]
    )


def _check_params(params: Any, argument: str) -> None:
    if not isinstance(params, Mapping):
        raise ParamsTypeError(
            rule_message(
                argument,
                "must be a params dict (parameter name -> list of values)",
                params,
                f"pass the params dict itself, e.g. {argument}={{'lr': [0.01, 0.001]}}",
            )
        )


def _check_parameter_name(name: Any) -> None:
    if not isinstance(name, str) or not name:
        raise ParamsTypeError(
            rule_message(
                "name",
                "must be a parameter name (a non-empty string)",
                name,
                "pass the key of the parameter, e.g. 'lr'",
            )
        )


def _check_values_argument(function: str, values: Any, allow_callable: bool = True) -> None:
    if allow_callable and callable(values):
        return
    if isinstance(values, (str, bytes)):
        return
    try:
        iter(values)
    except TypeError:
        kinds = "a list of values or labels, or a predicate f(value) -> bool"
        raise ParamsTypeError(
            rule_message(
                f"{function}() values",
                f"must be {kinds if allow_callable else 'a list of values'}",
                values,
                f"wrap a single value in a list, e.g. {function}(params, name, [{values!r}])",
            )
        ) from None


def _check_name(params: Mapping[str, Any], name: str) -> None:
    _check_params(params, "params")
    _check_parameter_name(name)
    if name not in params:
        raise ParamsError(
            f"params has no parameter {name!r}; it has {sorted(params)}. Fix: check the "
            f"spelling, or use add() for a new parameter."
        )


def _same(a: Any, b: Any) -> bool:
    if value_label(a) == value_label(b):
        return True
    try:
        return bool(a == b) and type(a) is not bool and type(b) is not bool
    except Exception:  # objects with odd __eq__
        return False


def _match(name: str, current: list, asked: Iterable) -> list:
    asked = list(asked) if not isinstance(asked, (str, bytes)) else [asked]
    unknown = [a for a in asked if not any(_same(v, a) for v in current)]
    if unknown:
        raise ParamsError(
            f"{name!r} has no value(s) {unknown}; its values are {_labels(current)}. Fix: "
            f"name current values or their labels (a value must be there to drop or keep it)."
        )
    return asked


def _labels(values: list) -> list[str]:
    return [value_label(v) for v in values]


__all__ = [
    "add",
    "diff",
    "drop",
    "fix",
    "keep",
    "set_range",
    "talos_range",
    "values_of",
]
