"""Discover a KerasTuner ``build(hp)``'s search space: a scanlab params dict plus conditions.

:func:`discover` calls ``build(hp)`` with every parameter at its default, then again with
each other value of each parameter a build met for the first time (Choice, Boolean and the
Int/Float grids of :mod:`scanlab.keras_tuner._hyperparameters`), keeping the other values of
that build; a parameter first met in such a build has its values tried there in turn. So a
parameter that only exists for some values of another is found, whether it sits in a
``conditional_scope`` (its condition is exact) or under a plain ``if hp.Boolean('x'):``
(its condition is inferred: the parent whose value made it appear or disappear, and the
values for which it appeared). Each build runs after ``keras.backend.clear_session()``;
its model is discarded.

:class:`Conditions` is the filter a Scan gets as ``boolean_limit``: a permutation in which a
parameter is inactive must hold that parameter's default, so inactive values do not multiply
the grid. :class:`HyperBuilder` turns ``build(hp)`` into scanlab's ``build(params)``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from scanlab.errors import ScanArgumentError, ScanArgumentTypeError, rule_message
from scanlab.keras_tuner._grids import FLOAT_POINTS, Spec, is_active
from scanlab.keras_tuner._hyperparameters import HyperParameters

__all__ = [
    "Conditions",
    "FunctionHyperModel",
    "HyperBuilder",
    "MAX_BUILDS",
    "as_hypermodel",
    "discover",
]

#: Builds :func:`discover` makes at most.
MAX_BUILDS = 200


class Conditions:
    """When each parameter is active; called on a permutation, True when every inactive
    parameter holds its default (Scan's ``boolean_limit``).

    Parameters
    ----------
    specs : mapping
        Name -> :class:`~scanlab.keras_tuner._hyperparameters.Spec`, in registration order.
    user_limit : callable, optional
        The user's own ``boolean_limit``, also required to be True.

    Examples
    --------
    >>> specs = {'deep': Spec('deep', 'Boolean', (False, True), False, ()),
    ...          'units': Spec('units', 'Int', (8, 16), 8, (('deep', (True,)),))}
    >>> c = Conditions(specs)
    >>> c({'deep': False, 'units': 8}), c({'deep': False, 'units': 16})
    (True, False)
    >>> c.active_values({'deep': True, 'units': 16, 'epochs': 2})
    {'deep': True, 'units': 16}
    """

    def __init__(
        self, specs: Mapping[str, Spec], user_limit: Callable[[dict], bool] | None = None
    ) -> None:
        self.specs = dict(specs)
        self.user_limit = user_limit

    @property
    def conditional(self) -> list[str]:
        """The parameters that are not always active."""
        return [name for name, spec in self.specs.items() if spec.conditions]

    def __call__(self, params: dict) -> bool:
        for name in self.conditional:
            if not is_active(name, params, self.specs) and params[name] != self.specs[name].default:
                return False
        return self.user_limit is None or bool(self.user_limit(params))

    def with_limit(self, user_limit: Callable[[dict], bool] | None) -> Conditions:
        """These conditions and the user's ``boolean_limit``.

        Parameters
        ----------
        user_limit : callable or None

        Returns
        -------
        Conditions
        """
        return Conditions(self.specs, user_limit)

    def active_values(self, params: Mapping[str, Any]) -> dict[str, Any]:
        """The active parameters' values of a permutation (KerasTuner's ``hp.values``).

        Parameters
        ----------
        params : mapping
            A permutation (other keys, e.g. ``epochs``, are left out).

        Returns
        -------
        dict
        """
        return {
            name: params[name]
            for name in self.specs
            if name in params and is_active(name, params, self.specs)
        }


class HyperBuilder:
    """``build(hp)`` (or a HyperModel's ``.build``) as scanlab's ``build(params)``: the
    params' values are assigned to a fresh :class:`HyperParameters`. Picklable when the
    hypermodel is.

    Parameters
    ----------
    hypermodel : callable or object with ``.build``
        The user's model builder.
    float_points : int
        As in :func:`discover`.
    """

    def __init__(self, hypermodel: Any, float_points: int = FLOAT_POINTS) -> None:
        self.hypermodel = hypermodel
        self.float_points = float_points

    def __call__(self, params: dict) -> Any:
        hp = HyperParameters._assigning(params, float_points=self.float_points)
        return _call(self.hypermodel, hp)


class FunctionHyperModel:
    """A ``build(hp)`` function with KerasTuner's ``HyperModel`` interface, as a tuner's
    ``hypermodel`` attribute is in KerasTuner: ``tuner.hypermodel.build(best_hp)``.
    Calling it calls the function too. Picklable when the function is.

    Parameters
    ----------
    function : callable
        ``build(hp)``.

    Examples
    --------
    >>> hypermodel = FunctionHyperModel(lambda hp: hp.Int('units', 8, 16, step=8))
    >>> hypermodel.build(HyperParameters._assigning({'units': 16}))
    16
    """

    def __init__(self, function: Callable[[Any], Any]) -> None:
        self.function = function

    def build(self, hp: Any) -> Any:
        """``function(hp)``."""
        return self.function(hp)

    def __call__(self, hp: Any) -> Any:
        return self.function(hp)


def as_hypermodel(hypermodel: Any) -> Any:
    """``hypermodel`` checked; a plain ``build(hp)`` function wrapped in
    :class:`FunctionHyperModel` so that it has ``.build`` as in KerasTuner.

    Parameters
    ----------
    hypermodel : callable or object with ``.build``

    Returns
    -------
    object with ``.build``
    """
    check_hypermodel(hypermodel)
    if callable(getattr(hypermodel, "build", None)) and not isinstance(hypermodel, type):
        return hypermodel
    return FunctionHyperModel(hypermodel)


def discover(
    build: Any,
    *,
    float_points: int = FLOAT_POINTS,
    max_builds: int = MAX_BUILDS,
    require_model: bool = False,
) -> tuple[dict[str, list], Conditions]:
    """The search space ``build(hp)`` declares, as a scanlab params dict and its conditions.

    Parameters
    ----------
    build : callable or object with ``.build``
        ``build(hp) -> compiled keras.Model``.
    float_points : int
        Points of a ``Float`` grid without ``step``.
    max_builds : int
        Calls of ``build`` allowed.
    require_model : bool
        Check that the first build returns a compiled ``keras.Model`` (the tuners do).

    Returns
    -------
    params : dict
        Name -> list of values (registration order; the default first).
    conditions : Conditions
        Each parameter's conditions; pass it as Scan's ``boolean_limit``.

    Raises
    ------
    ScanArgumentTypeError
        When ``build`` is not callable.
    ScanArgumentError
        When ``build`` registers no hyperparameter, needs more than ``max_builds`` builds, or
        (``require_model``) returns no compiled model.

    Examples
    --------
    >>> def build(hp):
    ...     if hp.Boolean('deep'):
    ...         hp.Int('units', 8, 16, step=8)
    ...     hp.Choice('lr', [0.01, 0.001])
    >>> params, conditions = discover(build)
    >>> params
    {'deep': [False, True], 'lr': [0.01, 0.001], 'units': [8, 16]}
    >>> conditions.specs['units'].conditions
    (('deep', (True,)),)
    """
    check_hypermodel(build)
    specs: dict[str, Spec] = {}
    traces: list[dict[str, Any]] = []  # each build's active values
    children: dict[tuple[int, str], list[int]] = {}  # (trace, varied name) -> child traces
    queue: list[tuple[dict[str, Any], set[str], tuple[int, str] | None]] = [({}, set(), None)]
    while queue:
        overrides, known, origin = queue.pop(0)
        if len(traces) >= max_builds:
            raise ScanArgumentError(
                rule_message(
                    "build",
                    f"needed more than max_builds={max_builds} builds to discover its space "
                    "(every value of each Choice/Boolean/Int/Float grid is tried once)",
                    getattr(build, "__name__", type(build).__name__),
                    "give Int/Float ranges a coarser step, or call "
                    "discover(build, max_builds=...) with a higher cap",
                )
            )
        values = _record(build, overrides, float_points, specs, first=require_model and not traces)
        index = len(traces)
        traces.append(values)
        if origin is not None:
            children.setdefault(origin, []).append(index)
        for name in values:
            if name in known or name in overrides:
                continue
            for value in specs[name].grid:
                if value != values[name]:
                    queue.append(({**overrides, name: value}, set(values), (index, name)))
    if not specs:
        raise ScanArgumentError(
            rule_message(
                "build",
                "must register hyperparameters (hp.Int, hp.Float, hp.Choice, hp.Boolean, "
                "hp.Fixed): it called none, so there is nothing to search",
                getattr(build, "__name__", type(build).__name__),
                "take the values to tune from hp, e.g. units = hp.Int('units', 32, 256, step=32)",
            )
        )
    specs = _infer_conditions(specs, traces, children)
    params = {name: _default_first(spec) for name, spec in sorted(specs.items())}
    return params, Conditions(specs)


def check_hypermodel(hypermodel: Any) -> None:
    """``hypermodel`` is ``build(hp)`` or has a ``.build(hp)``.

    Parameters
    ----------
    hypermodel : object

    Raises
    ------
    ScanArgumentTypeError
        Otherwise.
    """
    if callable(hypermodel) or callable(getattr(hypermodel, "build", None)):
        return
    raise ScanArgumentTypeError(
        rule_message(
            "hypermodel",
            "must be a function build(hp) -> compiled keras.Model, or a keras_tuner.HyperModel",
            hypermodel,
            "pass the function itself (hypermodel=build), not its result",
        )
    )


def _call(hypermodel: Any, hp: HyperParameters) -> Any:
    build = getattr(hypermodel, "build", None)
    if build is not None and callable(build) and not isinstance(hypermodel, type):
        return build(hp)
    return hypermodel(hp)


def _record(
    build: Any, overrides: dict[str, Any], float_points: int, specs: dict[str, Spec], first: bool
) -> dict[str, Any]:
    """One discovery build: its active values; new parameters join ``specs``."""
    import keras

    keras.backend.clear_session()
    hp = HyperParameters._assigning(overrides, float_points=float_points)
    try:
        model = _call(build, hp)
    except Exception as exc:
        exc.add_note(
            f"(scanlab.keras_tuner: while discovering the search space, hp values {hp.values})"
        )
        raise
    compiled = isinstance(model, keras.Model) and getattr(model, "compiled", False)
    if first and hp.space and not compiled:  # (no space: discover says so instead)
        raise ScanArgumentError(
            rule_message(
                "build(hp)",
                "must return a compiled keras.Model (scanlab calls fit with it)",
                type(model).__name__,
                "end it with model.compile(optimizer=..., loss=..., metrics=[...]); return model",
            )
        )
    del model
    for spec in hp.space:
        specs.setdefault(spec.name, spec)
    return hp.values


def _infer_conditions(
    specs: dict[str, Spec],
    traces: list[dict[str, Any]],
    children: dict[tuple[int, str], list[int]],
) -> dict[str, Spec]:
    """Give parameters met only in some builds (no explicit scope) the parent whose value
    made them appear or disappear, first such parent in build order."""
    inferred: dict[str, tuple[str, tuple]] = {}
    for (parent_trace, varied), child_traces in children.items():
        group = [parent_trace, *child_traces]
        for name, spec in specs.items():
            if spec.conditions or name in inferred or name == varied:
                continue
            present = [traces[t][varied] for t in group if name in traces[t]]
            if 0 < len(present) < len(group):
                inferred[name] = (varied, tuple(present))
    return {
        name: spec._replace(conditions=(inferred[name],)) if name in inferred else spec
        for name, spec in specs.items()
    }


def _default_first(spec: Spec) -> list[Any]:
    return [spec.default, *(v for v in spec.grid if v != spec.default)]
