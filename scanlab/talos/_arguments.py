"""Talos 2.0.10's Scan arguments that scanlab spells differently, mapped or refused clearly.

Every Talos argument either means the same in scanlab (passed through), maps onto a scanlab
feature (``trees`` -> ``importance``, ``experiment_dir`` -> ``results_dir``, ``objective``
-> ``metric``), or is refused before any training with the scanlab way to get the same.
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping
from typing import Any

from scanlab.errors import ScanArgumentError, ScanArgumentTypeError, rule_message
from scanlab.scan import Scan as ScanlabScan

__all__ = [
    "REDUCTION_ALIASES",
    "SCANLAB_OPTIONS",
    "check_multi_input",
    "check_options",
    "talos_reduction_method",
]

#: Talos's reduction methods that scanlab runs under another name.
REDUCTION_ALIASES = {"trees": "importance", "forrest": "importance", "forest": "importance"}

#: Talos's reduction methods scanlab does not run, and what to do instead.
_REFUSED_REDUCTIONS = {
    "gamify": (
        "it pauses the scan for edits of a JSON file by hand. In scanlab, narrow the grid "
        "between rounds instead: params2 = scanlab.suggest(scan, params).params (or "
        "scanlab.reduce), then run the next round"
    ),
    "local_strategy": (
        "it imports and runs a Python file from the results folder at every interval, and "
        "scanlab never executes code from a results folder. Pass the rule as "
        "boolean_limit=f(params) -> bool, or narrow the grid between rounds with scanlab.reduce"
    ),
}

#: scanlab's own keyword options, accepted by ``talos.Scan`` too.
SCANLAB_OPTIONS = tuple(
    name
    for name, p in inspect.signature(ScanlabScan).parameters.items()
    if p.kind is inspect.Parameter.KEYWORD_ONLY
)

#: Talos 2.0.10 ``run()`` options and the scanlab way to get what they do.
_TALOS_OPTIONS = {
    "search_strategy": "pick the sampler with random_method= (uniform, sobol, halton, latin, "
    "korobov_matrix, grid)",
    "pruning_strategies": "use reduction_method= for Talos's reducers, or an early-stopping "
    "callback (talos.utils.early_stopper) in the model function",
    "feedback_interval": "reductions run every reduction_interval= runs",
    "checkpoint_interval": "every run is appended and fsynced as it finishes; nothing to set",
    "backend": "scanlab trains Keras models; nothing to set",
    "model_factory": "models are saved whole as .keras files; pass custom_objects= to "
    "best_model() to load custom layers",
    "prep": "prepare x and y before the Scan",
    "output_format": "results are CSV (results.csv in the round folder)",
}


def check_options(options: Mapping[str, Any]) -> tuple[dict[str, Any], bool | None]:
    """The keyword options of ``talos.Scan`` as scanlab's Scan takes them.

    Parameters
    ----------
    options : mapping
        Keyword arguments beyond Talos's named ones.

    Returns
    -------
    options : dict
        scanlab keyword options: ``experiment_dir`` becomes ``results_dir``; ``objective``
        (``{'metric': ..., 'direction': 'min' | 'max'}``) becomes ``metric``.
    minimize : bool or None
        ``objective``'s direction (True for ``'min'``, False for ``'max'``); None without
        ``objective``.

    Raises
    ------
    ScanArgumentError
        For a Talos option scanlab has no equivalent of (naming the scanlab way), or an
        unknown name.

    Examples
    --------
    >>> check_options({'experiment_dir': 'runs', 'workers': 2})
    ({'workers': 2, 'results_dir': 'runs'}, None)
    """
    out = dict(options)
    minimize: bool | None = None
    if "experiment_dir" in out:
        if "results_dir" in out:
            raise ScanArgumentError(
                "experiment_dir (Talos) and results_dir (scanlab) name the same folder; got "
                f"both ({out['experiment_dir']!r}, {out['results_dir']!r}). Fix: pass one."
            )
        out["results_dir"] = out.pop("experiment_dir")
    if "objective" in out:
        if "metric" in out:
            raise ScanArgumentError(
                "objective (Talos) and metric (scanlab) both name the tracked metric; got "
                f"objective={out['objective']!r} and metric={out['metric']!r}. Fix: pass one."
            )
        out["metric"], minimize = _objective(out.pop("objective"))
    for name in out:
        if name in _TALOS_OPTIONS:
            raise ScanArgumentError(
                f"Scan(..., {name}=...) is a Talos 2.0.10 option scanlab does not take. "
                f"Fix: drop it; {_TALOS_OPTIONS[name]}."
            )
        if name not in SCANLAB_OPTIONS:
            raise ScanArgumentError(
                f"Scan() got an unknown keyword argument {name!r}: it is neither a Talos 2.0.10 "
                f"Scan argument nor one of scanlab's options {list(SCANLAB_OPTIONS)}. Fix: "
                f"check the spelling."
            )
    return out, minimize


def _objective(objective: Any) -> tuple[str, bool]:
    if (
        not isinstance(objective, Mapping)
        or not isinstance(objective.get("metric"), str)
        or objective.get("direction", "max") not in ("min", "max")
    ):
        raise ScanArgumentError(
            rule_message(
                "objective",
                "must be {'metric': name, 'direction': 'min' or 'max'}",
                objective,
                "pass e.g. objective={'metric': 'val_loss', 'direction': 'min'}, or "
                "reduction_metric='val_loss', minimize_loss=True",
            )
        )
    return objective["metric"], objective.get("direction") == "min"


def check_multi_input(multi_input: Any, x: Any, x_val: Any) -> None:
    """``multi_input=True`` needs ``x`` (and ``x_val``) as a list of input arrays.

    Parameters
    ----------
    multi_input : bool
        Talos's flag.
    x, x_val : array-like or list of arrays
        The inputs.

    Raises
    ------
    ScanArgumentTypeError
        When ``multi_input`` is not a bool, or True with a single array.

    Examples
    --------
    >>> check_multi_input(True, [[1, 2], [3, 4]], None)
    """
    if not isinstance(multi_input, bool):
        raise ScanArgumentTypeError(
            rule_message("multi_input", "must be True or False", multi_input, "pass a bool")
        )
    if not multi_input:
        return
    for name, value in (("x", x), ("x_val", x_val)):
        if value is not None and not isinstance(value, (list, tuple)):
            raise ScanArgumentTypeError(
                f"multi_input=True needs {name} as a list of input arrays, one per model "
                f"input, got {type(value).__name__}. Fix: pass {name}=[x_a, x_b], or "
                f"multi_input=False for a single input."
            )


def talos_reduction_method(method: Any) -> Any:
    """scanlab's name for a Talos ``reduction_method``.

    Parameters
    ----------
    method : str or None
        Talos's method name.

    Returns
    -------
    str or None
        ``trees`` and ``forrest`` become ``importance`` (a random forest's permutation
        importance); scanlab's own names and None pass through (scanlab checks them).

    Raises
    ------
    ScanArgumentError
        For ``gamify`` and ``local_strategy``, naming the scanlab way.

    Examples
    --------
    >>> talos_reduction_method('forrest'), talos_reduction_method('correlation')
    ('importance', 'correlation')
    """
    if not isinstance(method, str):
        return method
    if method in _REFUSED_REDUCTIONS:
        raise ScanArgumentError(
            f"reduction_method={method!r} is not supported: {_REFUSED_REDUCTIONS[method]}."
        )
    return REDUCTION_ALIASES.get(method, method)
