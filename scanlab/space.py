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

from scanlab._params_checks import (
    check_choices,
    check_distinct,
    check_params_dict,
    check_range,
    is_int,
)

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
    if is_int(start) and is_int(stop):
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
        self.names: list[str] = sorted(check_params_dict(params))
        self.values: dict[str, list] = {name: _expand(name, params[name]) for name in self.names}
        self.value_labels: dict[str, list[str]] = {}
        for name in self.names:
            labels = [value_label(v) for v in self.values[name]]
            check_distinct(name, self.values[name], labels)
            self.value_labels[name] = labels
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


def _expand(name: str, spec: Any) -> list:
    """The values of ``params[name]``: a Talos range expanded, or the list of choices, checked."""
    if isinstance(spec, tuple):
        start, stop, steps = check_range(name, spec)
        return talos_range(start, stop, steps)
    return check_choices(name, spec)
