"""The parameter space: a lazy grid over a Talos-style params dict.

A params dict maps each parameter name to a list of choices or to a Talos range
``(start, stop, steps)``. :class:`ParamSpace` validates it and answers ``len(space)`` and
``space[i]`` without ever building the grid: index ``i`` is decoded as a mixed-radix number
over the parameter names in sorted order.
"""

from __future__ import annotations

import functools
import hashlib
import json
import math
import numbers
import re
import sys
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from scanlab._metric_names import COMMON_METRIC_NAMES
from scanlab._schema import RESERVED_COLUMNS
from scanlab.errors import ParamsError, ParamsTypeError

__all__ = ["ParamSpace", "run_id_for", "talos_range", "value_label"]


def talos_range(start: float, stop: float, steps: int) -> list:
    """Expand a Talos range: ``steps`` evenly spaced values from ``start``, ``stop`` excluded.

    Values are ints when both ends are ints; duplicates (from int truncation) are dropped.

    Parameters
    ----------
    start : float
        The first value.
    stop : float
        The end of the range, excluded.
    steps : int
        Number of values before dropping duplicates.

    Returns
    -------
    list
        The values: ints truncated toward zero, or floats rounded to 12 significant digits.

    Examples
    --------
    >>> talos_range(0, 0.5, 5)
    [0.0, 0.1, 0.2, 0.3, 0.4]
    >>> talos_range(1, 3, 5)
    [1, 2]
    """
    step = (stop - start) / steps
    raw: list[int] | list[float]
    if _is_int(start) and _is_int(stop):
        raw = [int(start + i * step) for i in range(steps)]
    else:
        raw = [float(f"{start + i * step:.12g}") for i in range(steps)]
    return list(dict.fromkeys(raw))


def value_label(value: Any) -> str:
    """A readable, deterministic name for a parameter value, as written to the results.

    Parameters
    ----------
    value : object
        A parameter value: a string, number, bool, None, callable, ``functools.partial``,
        an object with ``get_config()`` (a Keras optimizer or layer), or anything else.

    Returns
    -------
    str
        The string itself; ``repr`` of numbers, bools and None; a callable's ``__name__``;
        ``func(arg, key=value)`` for a partial; ``Class(key=value, ...)`` from a config;
        else ``repr(value)`` without memory addresses.

    Examples
    --------
    >>> import math
    >>> value_label(math.sqrt), value_label(0.001), value_label('relu'), value_label(None)
    ('sqrt', '0.001', 'relu', 'None')
    """
    if isinstance(value, str):
        return value
    if value is None:
        return repr(value)
    if isinstance(value, (bool, numbers.Number)):
        return repr(value.item() if hasattr(value, "item") else value)
    if isinstance(value, functools.partial):
        args = [value_label(a) for a in value.args]
        args += [f"{k}={value_label(v)}" for k, v in sorted(value.keywords.items())]
        return f"{value_label(value.func)}({', '.join(args)})"
    name = getattr(value, "__name__", None)
    if isinstance(name, str) and callable(value):
        return name
    get_config = getattr(value, "get_config", None)
    if callable(get_config):
        try:
            config = get_config()
        except Exception:
            config = None
        if isinstance(config, dict):
            shown = ", ".join(f"{k}={v!r}" for k, v in sorted(config.items()) if k != "name")
            return f"{type(value).__name__}({shown})"
    # Drop memory addresses so that the label (and run_id) is the same in every process.
    return re.sub(r" at 0x[0-9a-fA-F]+", "", repr(value))


def run_id_for(labels: Mapping[str, str]) -> str:
    """The run id of a permutation: a short hash of its parameter labels, stable across runs.

    Parameters
    ----------
    labels : mapping
        Parameter name -> value label (:func:`value_label`); key order does not matter.

    Returns
    -------
    str
        16 hexadecimal digits of the SHA-1 of the sorted ``(name, label)`` pairs as JSON.

    Examples
    --------
    >>> run_id_for({'lr': '0.01', 'units': '8'})
    '1286d26e3acab7b8'
    """
    payload = json.dumps(sorted(labels.items()), separators=(",", ":"))
    return hashlib.sha1(payload.encode()).hexdigest()[:16]


class ParamSpace:
    """A validated, lazy grid over a Talos-style params dict.

    Parameters
    ----------
    params : dict
        Maps each parameter name to a list of choices or a Talos range tuple
        ``(start, stop, steps)``.

    Examples
    --------
    >>> space = ParamSpace({'lr': [0.1, 0.01], 'units': (8, 40, 4)})
    >>> len(space)
    8
    >>> space[5]
    {'lr': 0.01, 'units': 16}
    >>> space.labels(5)
    {'lr': '0.01', 'units': '16'}
    """

    def __init__(self, params: Mapping[str, Any]) -> None:
        self.params = params
        self.names: list[str] = sorted(_check_params_dict(params))
        self.values: dict[str, list] = {name: _expand(name, params[name]) for name in self.names}
        self.value_labels: dict[str, list[str]] = {}
        for name in self.names:
            self.value_labels[name] = _check_distinct(name, self.values[name])
        self.shape: list[int] = [len(self.values[name]) for name in self.names]
        # strides[j]: how many grid points one step of parameter j skips (last name fastest).
        self.strides: list[int] = [math.prod(self.shape[j + 1 :]) for j in range(len(self.shape))]
        self._size = math.prod(self.shape)
        # JSON fragment of each (name, label) pair: run ids are joined from these, not re-encoded
        fragments = [
            [json.dumps([name, label], separators=(",", ":")) for label in self.value_labels[name]]
            for name in self.names
        ]
        self._columns = [
            (name, self.values[name], self.value_labels[name], fragments[j])
            for j, name in enumerate(self.names)
        ]
        self._reversed_shape = self.shape[::-1]

    def __len__(self) -> int:
        size = self._size
        if size > sys.maxsize:
            raise OverflowError(
                f"the grid has {size:.3e} permutations, more than Python's len() can return; "
                f"use space.size, which is exact for any grid."
            )
        return size

    @property
    def size(self) -> int:
        """Number of permutations as an exact Python int (``len()`` too, but never overflows)."""
        return self._size

    def __repr__(self) -> str:
        return f"ParamSpace({len(self.names)} parameters, {self.size:,} permutations)"

    def value_indices(self, index: int) -> list[int]:
        """Decode a grid index into one value index per parameter (mixed radix).

        Parameters
        ----------
        index : int
            A grid index in ``range(size)``; negative indices count from the end.

        Returns
        -------
        list of int
            One index into :attr:`values` per parameter, in :attr:`names` order.

        Raises
        ------
        IndexError
            When ``index`` is out of range.
        """
        size = self._size
        if index < 0:
            index += size
        if not 0 <= index < size:
            raise IndexError(
                f"grid index {index} out of range for a grid of {size:,} permutations. Fix: "
                f"use an index in range(-{size}, {size})."
            )
        digits = []
        for n in self._reversed_shape:  # peel digits, last parameter fastest
            index, digit = divmod(index, n)
            digits.append(digit)
        digits.reverse()
        return digits

    def index_of(self, value_indices: Sequence[int]) -> int:
        """Encode one value index per parameter into a grid index (inverse of value_indices).

        Parameters
        ----------
        value_indices : sequence of int
            One index into :attr:`values` per parameter, in :attr:`names` order.

        Returns
        -------
        int
            The grid index.

        Examples
        --------
        >>> space = ParamSpace({'lr': [0.1, 0.01], 'units': [8, 16, 32]})
        >>> space.index_of(space.value_indices(4))
        4
        """
        return sum(int(v) * s for v, s in zip(value_indices, self.strides, strict=True))

    def __getitem__(self, index: int) -> dict[str, Any]:
        return self.decode(index)[0]

    def labels(self, index: int) -> dict[str, str]:
        """The readable labels of permutation ``index``, as written to the results CSV.

        Parameters
        ----------
        index : int
            A grid index (negative indices count from the end).

        Returns
        -------
        dict
            Parameter name -> value label (:func:`value_label`).
        """
        return self.decode(index)[1]

    def run_id(self, index: int) -> str:
        """The run id of permutation ``index`` (see :func:`run_id_for`).

        Parameters
        ----------
        index : int
            A grid index (negative indices count from the end).

        Returns
        -------
        str
        """
        return self.decode(index)[2]

    def decode(self, index: int) -> tuple[dict[str, Any], dict[str, str], str]:
        """Values, labels and run id of permutation ``index``, decoded once.

        Parameters
        ----------
        index : int
            A grid index (negative indices count from the end).

        Returns
        -------
        values : dict
            Parameter name -> value.
        labels : dict
            Parameter name -> value label.
        run_id : str
            As :func:`run_id_for` computes it from ``labels``.
        """
        values, labels, parts = {}, {}, []
        for (name, vals, labs, frags), d in zip(
            self._columns, self.value_indices(index), strict=True
        ):
            values[name] = vals[d]
            labels[name] = labs[d]
            parts.append(frags[d])
        payload = "[" + ",".join(parts) + "]"
        return values, labels, hashlib.sha1(payload.encode()).hexdigest()[:16]

    def __iter__(self) -> Iterator[dict[str, Any]]:
        for index in range(self.size):
            yield self[index]


def _is_int(x: Any) -> bool:
    return isinstance(x, numbers.Integral) and not isinstance(x, bool)


def _check_params_dict(params: Any) -> list[str]:
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
        if name in RESERVED_COLUMNS or name in COMMON_METRIC_NAMES:
            raise ParamsError(
                f"params key {name!r} collides with the results column of the same name. "
                f"Rename the parameter (e.g. {name + '_param'!r}) and read it under that name "
                f"in your model function."
            )
    return list(params)


def _expand(name: str, spec: Any) -> list:
    if isinstance(spec, tuple):
        return _expand_range(name, spec)
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


def _expand_range(name: str, spec: tuple) -> list:
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
    if not _is_int(steps) or steps < 1:
        raise ParamsError(
            f"params[{name!r}] range steps must be an int >= 1, got {steps!r}. {usage}"
        )
    if stop <= start:
        raise ParamsError(
            f"params[{name!r}] range needs stop > start, got start={start!r}, stop={stop!r}. "
            f"{usage}"
        )
    return talos_range(start, stop, int(steps))


def _check_distinct(name: str, values: list) -> list[str]:
    labels = [value_label(v) for v in values]
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
    return labels


def _short(value: Any, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."
