"""What the comparison records of a script's objects: a Scan's rows, parameter combinations
and columns, values made comparable across Talos and scanlab (classes by name, floats rounded).
Used by run_script.py under either implementation."""

from __future__ import annotations

import json
import math
import re
from typing import Any

__all__ = [
    "BOOKKEEPING",
    "RESTORE_ATTRIBUTES",
    "SCAN_ATTRIBUTES",
    "expand_domain",
    "jsonable",
    "normalise",
    "summarise_scan",
]

BOOKKEEPING = [
    "start",
    "end",
    "duration",
    "execution_time",
    "round_epochs",
    "_warnings",
    "_trial_id",
    "_param_hash",
]
"""Non-metric, non-parameter columns of Talos 2.0.10's ``scan.data``."""

SCAN_ATTRIBUTES = [
    "data",
    "details",
    "round_history",
    "round_times",
    "learning_entropy",
    "saved_models",
    "saved_weights",
    "x",
    "y",
    "x_train",
    "y_train",
    "x_val",
    "y_val",
    "params",
    "experiment_name",
]
RESTORE_ATTRIBUTES = ["details", "model", "params", "results", "round_history", "x", "y"]
_CLASS_REPR = re.compile(
    r"^<(?:class|function|built-in function) '?([\w.]+?)'?(?: at 0x[0-9a-f]+)?>$"
)


def normalise(value: Any) -> Any:
    """Turn a parameter or table value into a JSON value two implementations can share.

    Numbers become floats rounded to 6 digits, classes and functions (and their reprs, as
    read back from a CSV) their bare name, NaN the string ``'nan'``.

    Parameters
    ----------
    value
        Any cell value.

    Returns
    -------
    A JSON-serialisable value.

    Examples
    --------
    >>> normalise(0.0055000000000000005), normalise("<class 'keras.src.optimizers.adam.Adam'>")
    (0.0055, 'Adam')
    """
    if value is None or isinstance(value, bool):
        return value
    if hasattr(value, "item") and not hasattr(value, "__len__"):
        value = value.item()
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return float(value)
    if isinstance(value, float):
        return "nan" if math.isnan(value) else ("inf" if math.isinf(value) else round(value, 6))
    if isinstance(value, str):
        match = _CLASS_REPR.match(value.strip())
        return match.group(1).rsplit(".", 1)[-1] if match else value
    if isinstance(value, (list, tuple)):
        return [normalise(item) for item in value]
    name = getattr(value, "__name__", None)
    if name is None:
        name = type(value).__name__
    return str(name)


def expand_domain(params: dict[str, Any]) -> dict[str, list[Any]]:
    """Expand a Talos params dict the way Talos 2.0.10 does (a tuple is ``(start, stop, steps)``).

    Parameters
    ----------
    params
        The params dict given to ``Scan``.

    Returns
    -------
    Every parameter's normalised values.

    Examples
    --------
    >>> expand_domain({'lr': (0.001, 0.01, 2), 'n': (2, 8, 3), 'a': ['relu']})
    {'lr': [0.001, 0.0055], 'n': [2.0, 4.0, 6.0], 'a': ['relu']}
    """
    import numpy as np

    out: dict[str, list[Any]] = {}
    for key, values in params.items():
        if isinstance(values, tuple) and len(values) == 3:
            start, stop, steps = values
            grid = np.arange(start, stop, (stop - start) / steps, dtype=float)
            if isinstance(start, int) and isinstance(stop, int):
                grid = np.unique(grid.astype(int))
            values = grid.tolist()
        out[key] = [normalise(v) for v in (values if isinstance(values, list) else [values])]
    return out


def _param_columns(scan: Any) -> dict[str, str]:
    columns = list(scan.data.columns)
    mapping = dict(getattr(scan, "parameter_columns", None) or {})
    params = scan.params if isinstance(scan.params, dict) else {}
    out = {}
    for key in params:
        if key in mapping:
            out[key] = mapping[key]
        elif "param__" + key in columns:
            out[key] = "param__" + key
        else:
            out[key] = key
    return out


def summarise_scan(scan: Any) -> dict[str, Any]:
    """What two implementations' ``Scan`` objects can be compared on.

    Parameters
    ----------
    scan
        A ``talos.Scan`` (real or scanlab's) after it ran.

    Returns
    -------
    rows, columns, param_columns, combos, domain, metrics, limits, missing attributes.
    """
    data = scan.data
    params = scan.params if isinstance(scan.params, dict) else {}
    param_columns = _param_columns(scan)
    present = [param_columns[k] for k in params if param_columns[k] in data.columns]
    combos = sorted(
        json.dumps(
            [
                [key, normalise(row[param_columns[key]])]
                for key in params
                if param_columns[key] in row
            ]
        )
        for row in data.to_dict("records")
    )
    metrics = sorted(c for c in data.columns if c not in present and c not in BOOKKEEPING)
    limits = {
        name: normalise(getattr(scan, name, None))
        for name in ("fraction_limit", "round_limit", "reduction_method", "performance_target")
    }
    limits["time_limit"] = getattr(scan, "time_limit", None) is not None
    limits["boolean_limit"] = getattr(scan, "boolean_limit", None) is not None
    details: Any = getattr(scan, "details", None)
    return {
        "type": type(scan).__name__,
        "rows": len(data),
        "columns": [str(c) for c in data.columns],
        "param_columns": param_columns,
        "combos": combos,
        "domain": expand_domain(params),
        "metrics": metrics,
        "limits": limits,
        "missing_attributes": [a for a in SCAN_ATTRIBUTES if not hasattr(scan, a)],
        "details_keys": sorted(str(k) for k in details.index) if hasattr(details, "index") else [],
        "round_history": len(getattr(scan, "round_history", []) or []),
    }


def jsonable(result: Any) -> dict[str, Any]:
    import numpy as np
    import pandas as pd

    if isinstance(result, pd.DataFrame):
        return {
            "kind": "frame",
            "columns": [str(c) for c in result.columns],
            "index": [normalise(i) for i in result.index],
            "values": [[normalise(v) for v in row] for row in result.itertuples(index=False)],
        }
    if isinstance(result, pd.Series):
        return {
            "kind": "series",
            "index": [str(i) for i in result.index],
            "values": [normalise(v) for v in result.tolist()],
        }
    if isinstance(result, np.ndarray):
        return {
            "kind": "array",
            "shape": list(result.shape),
            "values": [normalise(v) for v in result.ravel().tolist()],
        }
    return {"kind": "scalar", "value": normalise(result)}
