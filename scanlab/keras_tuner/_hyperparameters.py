"""KerasTuner's ``HyperParameters`` object over finite grids: what ``build(hp)`` calls.

Each method (``Int``, ``Float``, ``Choice``, ``Boolean``, ``Fixed``) checks its arguments as
KerasTuner does, registers the parameter with its *grid* (every value a scanlab params dict
will hold) and returns the parameter's value: the value assigned to it (a run's permutation,
or a discovery build's override), else its default (``min_value``, the first choice,
``False``). A parameter inside an inactive :meth:`HyperParameters.conditional_scope` is
registered and returns None, as in KerasTuner.

The values of an Int/Float range are KerasTuner's where it has a finite set (with
``step``; ``'log'``: the step multiplies); without ``step`` an Int takes every integer and a
Float ``float_points`` points (:mod:`scanlab.keras_tuner._grids`). A ``default`` inside the
range but off its step joins the grid (KerasTuner returns it as the default but never
samples it: ``Int('u', 32, 128, step=32, default=50)`` is 32, 50, 64, 96, 128 here).

Examples
--------
>>> hp = HyperParameters()
>>> hp.Int('units', 32, 128, step=32), hp.Float('lr', 1e-4, 1e-1, step=10, sampling='log')
(32, 0.0001)
>>> [s.grid for s in hp.space]
[(32, 64, 96, 128), (0.0001, 0.001, 0.01, 0.1)]
"""

from __future__ import annotations

import contextlib
import numbers
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from scanlab.errors import ScanArgumentError, ScanArgumentTypeError, rule_message
from scanlab.keras_tuner._grids import FLOAT_POINTS, Spec, grid_values

__all__ = ["HyperParameters"]

_SCALARS = (bool, int, float, str)


class HyperParameters:
    """KerasTuner's ``HyperParameters``: register a parameter and get its value.

    Parameters
    ----------
    float_points : int
        Points of a ``Float`` grid without ``step`` (keyword only; KerasTuner samples
        such a range continuously, a scanlab grid needs points).

    Examples
    --------
    >>> hp = HyperParameters()
    >>> if hp.Boolean('deep'):
    ...     units = hp.Int('units', 8, 16, step=8)
    >>> with hp.conditional_scope('deep', [True]):
    ...     print(hp.Choice('act', ['relu', 'tanh']))
    None
    >>> hp.values
    {'deep': False}
    """

    def __init__(self, *, float_points: int = FLOAT_POINTS) -> None:
        if isinstance(float_points, bool) or not isinstance(float_points, int) or float_points < 2:
            raise ScanArgumentError(
                rule_message("float_points", "must be an int >= 2", float_points, "pass 10")
            )
        self.float_points = float_points
        self._specs: dict[str, Spec] = {}
        self._values: dict[str, Any] = {}
        self._assigned: dict[str, Any] = {}
        self._scopes: list[tuple[str, tuple]] = []

    @classmethod
    def _assigning(
        cls, assigned: Mapping[str, Any], *, float_points: int = FLOAT_POINTS
    ) -> HyperParameters:
        """A HyperParameters whose methods return ``assigned[name]`` when given."""
        hp = cls(float_points=float_points)
        hp._assigned = dict(assigned)
        return hp

    @property
    def values(self) -> dict[str, Any]:
        """The active parameters' values, in the order they were registered."""
        return dict(self._values)

    @property
    def space(self) -> list[Spec]:
        """Every registered parameter (active or not), in order."""
        return list(self._specs.values())

    def get(self, name: str) -> Any:
        """The value of an active parameter.

        Parameters
        ----------
        name : str
            A registered parameter.

        Returns
        -------
        object

        Raises
        ------
        ScanArgumentError
            When it is not registered or inactive.
        """
        if name in self._values:
            return self._values[name]
        rule = (
            "is inactive (its conditional_scope does not hold)"
            if name in self._specs
            else (f"is not a registered hyperparameter ({', '.join(self._specs) or 'none yet'})")
        )
        raise ScanArgumentError(
            rule_message("hp.get(name)", rule, name, "register it first (hp.Int, hp.Choice, ...)")
        )

    def __getitem__(self, name: str) -> Any:
        return self.get(name)

    def __contains__(self, name: object) -> bool:
        return name in self._values

    def is_active(self, name: str) -> bool:
        """Whether a registered parameter is active now.

        Parameters
        ----------
        name : str

        Returns
        -------
        bool
        """
        return name in self._values

    @contextlib.contextmanager
    def conditional_scope(self, parent_name: str, parent_values: Any) -> Iterator[None]:
        """Parameters registered inside are active only when ``parent_name`` takes one of
        ``parent_values`` (scopes nest: all must hold).

        Parameters
        ----------
        parent_name : str
            A registered parameter.
        parent_values : object or list
            Its values that activate the scope.

        Yields
        ------
        None
        """
        self._scopes.append(self._condition(parent_name, parent_values))
        try:
            yield
        finally:
            self._scopes.pop()

    def Int(
        self,
        name: str,
        min_value: int,
        max_value: int,
        step: int | None = None,
        sampling: str = "linear",
        default: int | None = None,
        parent_name: str | None = None,
        parent_values: Any = None,
    ) -> Any:
        """An integer from ``min_value`` to ``max_value`` (see the module for the grid)."""
        where = f"HyperParameters.Int(name={name!r})"
        for label, value in (("min_value", min_value), ("max_value", max_value)):
            if isinstance(value, bool) or not isinstance(value, numbers.Integral):
                raise ScanArgumentTypeError(
                    rule_message(f"{where} {label}", "must be an int", value, "pass an int")
                )
        if step is not None and (isinstance(step, bool) or not isinstance(step, numbers.Integral)):
            raise ScanArgumentTypeError(
                rule_message(f"{where} step", "must be an int or None", step, "pass an int")
            )
        grid = [
            int(v)
            for v in grid_values(
                where, min_value, max_value, step, sampling, True, self.float_points
            )
        ]
        return self._register(name, "Int", grid, default, min_value, parent_name, parent_values)

    def Float(
        self,
        name: str,
        min_value: float,
        max_value: float,
        step: float | None = None,
        sampling: str = "linear",
        default: float | None = None,
        parent_name: str | None = None,
        parent_values: Any = None,
    ) -> Any:
        """A float from ``min_value`` to ``max_value`` (see the module for the grid)."""
        where = f"HyperParameters.Float(name={name!r})"
        for label, value in (("min_value", min_value), ("max_value", max_value), ("step", step)):
            if value is not None and (
                isinstance(value, bool) or not isinstance(value, numbers.Real)
            ):
                raise ScanArgumentTypeError(
                    rule_message(f"{where} {label}", "must be a number", value, "pass a float")
                )
        grid = grid_values(
            where, float(min_value), float(max_value), step, sampling, False, self.float_points
        )
        return self._register(
            name, "Float", grid, default, float(min_value), parent_name, parent_values
        )

    def Choice(
        self,
        name: str,
        values: Sequence[Any],
        ordered: bool | None = None,
        default: Any = None,
        parent_name: str | None = None,
        parent_values: Any = None,
    ) -> Any:
        """One of ``values`` (all of one type: bool, int, float or str)."""
        where = f"HyperParameters.Choice(name={name!r}) values"
        if isinstance(values, (str, bytes)) or not isinstance(values, Sequence) or not values:
            raise ScanArgumentError(
                rule_message(where, "must be a non-empty list", values, "pass e.g. [32, 64]")
            )
        types = {type(v) for v in values}
        if len(types) > 1 or not all(isinstance(v, _SCALARS) for v in values):
            raise ScanArgumentTypeError(
                rule_message(
                    where,
                    "must hold values of one type (bool, int, float or str)",
                    list(values),
                    "use one type, e.g. [0.5, 1.0] rather than [0.5, 1]",
                )
            )
        return self._register(
            name, "Choice", list(values), default, values[0], parent_name, parent_values
        )

    def Boolean(
        self,
        name: str,
        default: bool = False,
        parent_name: str | None = None,
        parent_values: Any = None,
    ) -> Any:
        """True or False (default False)."""
        if not isinstance(default, bool):
            raise ScanArgumentTypeError(
                rule_message(
                    f"HyperParameters.Boolean(name={name!r}) default",
                    "must be a bool",
                    default,
                    "pass True or False",
                )
            )
        return self._register(
            name, "Boolean", [False, True], default, False, parent_name, parent_values
        )

    def Fixed(
        self, name: str, value: Any, parent_name: str | None = None, parent_values: Any = None
    ) -> Any:
        """A constant (bool, int, float or str)."""
        if not isinstance(value, _SCALARS):
            raise ScanArgumentTypeError(
                rule_message(
                    f"HyperParameters.Fixed(name={name!r}) value",
                    "must be a bool, int, float or str",
                    value,
                    "pass a plain value",
                )
            )
        return self._register(name, "Fixed", [value], value, value, parent_name, parent_values)

    # ---- internals ----------------------------------------------------------------------

    def _condition(self, parent_name: Any, parent_values: Any) -> tuple[str, tuple]:
        if parent_name not in self._specs:
            raise ScanArgumentError(
                rule_message(
                    "parent_name",
                    "must name a hyperparameter registered before it "
                    f"({', '.join(self._specs) or 'none yet'})",
                    parent_name,
                    "register the parent first (e.g. hp.Choice(...)) and then open the scope",
                )
            )
        if isinstance(parent_values, (list, tuple, set, frozenset)):
            return parent_name, tuple(parent_values)
        return parent_name, (parent_values,)

    def _register(
        self,
        name: Any,
        kind: str,
        grid: list[Any],
        default: Any,
        fallback: Any,
        parent_name: Any,
        parent_values: Any,
    ) -> Any:
        if not isinstance(name, str) or not name:
            raise ScanArgumentError(
                rule_message(f"{kind} name", "must be a non-empty str", name, "name it")
            )
        if name in self._specs:  # KerasTuner: a second registration reads the first
            return self._values.get(name)
        default = fallback if default is None else default
        if default not in grid:
            if kind in ("Int", "Float") and grid[0] <= default <= grid[-1]:
                grid = sorted({*grid, default})
            else:
                raise ScanArgumentError(
                    rule_message(
                        f"HyperParameters.{kind}(name={name!r}) default",
                        f"must be one of its values {grid}",
                        default,
                        "pass one of them, or leave default out",
                    )
                )
        conditions = tuple(self._scopes)
        if parent_name is not None:
            conditions += (self._condition(parent_name, parent_values),)
        self._specs[name] = Spec(name, kind, tuple(grid), default, conditions)
        if not all(p in self._values and self._values[p] in v for p, v in conditions):
            return None
        value = self._assigned.get(name, default)
        self._values[name] = value
        return value
