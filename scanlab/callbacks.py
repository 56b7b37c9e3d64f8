"""Keras callbacks scanlab builds for a run: early stopping with Talos's presets.

:func:`early_stopper` keeps Talos's presets and their meaning (patience as a share of the
run's epochs) and fixes Talos's faults:

========== ============================= =================================================
preset     Talos 2.0.10                  scanlab
========== ============================= =================================================
``lazy``   patience ``int(epochs / 3)``  the same, at least 1 (Talos 1.4 crashed on it)
moderate   patience ``int(epochs / 10)`` the same, at least 1 (Talos states 0 when
                                         epochs < 10; Keras treats 0 like 1)
``strict`` patience 2                    the same
list       ``[min_delta, patience]``     the same; patience must be an int >= 1
========== ============================= =================================================

Talos builds the callback with ``mode='auto'``, which Keras 3 refuses for a metric whose
direction it cannot tell; here the direction is set from the monitor's name
(:func:`scanlab._metric_names.is_loss_like`). Keras is imported only when a callback is built.

Examples
--------
>>> early_stopping_arguments(epochs=50)
{'monitor': 'val_loss', 'min_delta': 0, 'patience': 5, 'mode': 'min', 'restore_best_weights': False, 'verbose': 0}
>>> early_stopping_arguments(epochs=5, monitor='val_accuracy')['patience']  # Talos: 0
1
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping
from typing import Any

from scanlab._metric_names import is_loss_like
from scanlab.errors import ScanArgumentError, ScanArgumentTypeError, rule_message

__all__ = [
    "EARLY_STOPPING_PRESETS",
    "early_stopper",
    "early_stopping_arguments",
    "early_stopping_options",
    "talos_patience",
]

#: Talos's named presets, in order of patience (largest first for long runs).
EARLY_STOPPING_PRESETS = ("lazy", "moderate", "strict")


def talos_patience(mode: str, epochs: float) -> int:
    """A named preset's patience exactly as Talos computes it (0 is possible).

    Parameters
    ----------
    mode : {'lazy', 'moderate', 'strict'}
        The preset.
    epochs : number
        The run's epochs (unused by ``'strict'``).

    Returns
    -------
    int
        ``int(epochs / 3)``, ``int(epochs / 10)`` or 2.

    Examples
    --------
    >>> talos_patience('lazy', 30), talos_patience('moderate', 5), talos_patience('strict', 0)
    (10, 0, 2)
    """
    return {"lazy": int(epochs / 3), "moderate": int(epochs / 10)}.get(mode, 2)


def _check_number(name: str, value: Any, least: float, example: str) -> None:
    kind = "an int" if least == 1 else "a number"
    wanted = numbers.Integral if least == 1 else numbers.Real
    if isinstance(value, bool) or not isinstance(value, wanted) or not float(value) >= least:
        raise ScanArgumentTypeError(
            rule_message(name, f"must be {kind} >= {least}", value, f"pass e.g. {example}")
        )


def early_stopping_arguments(
    epochs: int | None = None,
    monitor: str = "val_loss",
    mode: Any = "moderate",
    min_delta: float | None = None,
    patience: int | None = None,
    restore_best_weights: bool = False,
) -> dict[str, Any]:
    """The ``keras.callbacks.EarlyStopping`` arguments of :func:`early_stopper` (no Keras).

    Parameters
    ----------
    epochs, monitor, mode, min_delta, patience, restore_best_weights
        As for :func:`early_stopper`.

    Returns
    -------
    dict
        ``monitor``, ``min_delta``, ``patience``, ``mode`` (``'min'`` or ``'max'``),
        ``restore_best_weights`` and ``verbose=0``.

    Raises
    ------
    ScanArgumentError, ScanArgumentTypeError
        For an unknown preset, a missing ``epochs``, or a patience below 1.

    Examples
    --------
    >>> early_stopping_arguments(10, mode=[0.01, 3], monitor='val_auc')['mode']
    'max'
    """
    if not isinstance(monitor, str) or not monitor:
        raise ScanArgumentTypeError(
            rule_message(
                "monitor", "must be a history key", monitor, "pass e.g. monitor='val_loss'"
            )
        )
    if not isinstance(restore_best_weights, bool):
        raise ScanArgumentTypeError(
            rule_message(
                "restore_best_weights",
                "must be True or False",
                restore_best_weights,
                "pass restore_best_weights=True to keep the best epoch's weights",
            )
        )
    if isinstance(mode, str) and mode in EARLY_STOPPING_PRESETS:
        if mode != "strict":
            if epochs is None:
                raise ScanArgumentError(
                    rule_message(
                        "epochs",
                        f"is needed by the {mode!r} early-stopping preset (its patience is a "
                        "share of the epochs)",
                        epochs,
                        f"pass early_stopper(epochs=params['epochs'], mode={mode!r}), or "
                        "mode='strict' or mode=[min_delta, patience]",
                    )
                )
            _check_number("epochs", epochs, 1, "epochs=params['epochs']")
        if min_delta is not None:
            _check_number("min_delta", min_delta, 0, "min_delta=0.001")
        if patience is not None:
            _check_number("patience", patience, 1, "patience=3")
        wait = max(1, talos_patience(mode, epochs or 0)) if patience is None else int(patience)
        delta = 0 if min_delta is None else min_delta
    elif isinstance(mode, (list, tuple)) and len(mode) == 2:
        if min_delta is not None or patience is not None:
            raise ScanArgumentError(
                rule_message(
                    "min_delta and patience",
                    "must be None when mode is already [min_delta, patience]",
                    (min_delta, patience),
                    f"give them once: mode=[{min_delta or 0}, {patience or 3}], or a preset "
                    "such as mode='strict' with patience=",
                )
            )
        _check_number("mode[0] (min_delta)", mode[0], 0, "mode=[0, 3]")
        _check_number("mode[1] (patience)", mode[1], 1, "mode=[0, 3]")
        delta, wait = mode[0], int(mode[1])
    else:
        raise ScanArgumentError(
            rule_message(
                "mode",
                f"must be one of {list(EARLY_STOPPING_PRESETS)} or [min_delta, patience]",
                mode,
                "use e.g. mode='moderate' (patience epochs/10) or mode=[0, 3]",
            )
        )
    return {
        "monitor": monitor,
        "min_delta": delta,
        "patience": wait,
        "mode": "min" if is_loss_like(monitor) else "max",
        "restore_best_weights": restore_best_weights,
        "verbose": 0,
    }


def early_stopper(
    epochs: int | None = None,
    monitor: str = "val_loss",
    mode: Any = "moderate",
    min_delta: float | None = None,
    patience: int | None = None,
    restore_best_weights: bool = False,
) -> Any:
    """A ``keras.callbacks.EarlyStopping`` with one of Talos's presets, Talos's faults fixed.

    Parameters
    ----------
    epochs : int, optional
        The run's epochs; ``'lazy'`` and ``'moderate'`` take a share of them as patience
        (needed for those two).
    monitor : str
        The history key to watch (default ``'val_loss'``); lower is better for loss-like
        names (``loss``, ``mse``, ``*error``, ...), higher for the others.
    mode : {'lazy', 'moderate', 'strict'} or [min_delta, patience]
        The preset: patience ``int(epochs / 3)``, ``int(epochs / 10)`` (each at least 1) or
        2, min_delta 0; or both given as a list.
    min_delta, patience : optional
        Replace a named preset's values (patience >= 1).
    restore_best_weights : bool
        At the end of training, set the weights of the best epoch (Keras's option): then a
        Scan row's metric columns hold that epoch's values (``metrics_from='best_epoch'``).

    Returns
    -------
    keras.callbacks.EarlyStopping
        With the arguments of :func:`early_stopping_arguments`.

    Examples
    --------
    >>> stop = early_stopper(epochs=8)
    >>> stop.patience, stop.mode
    (1, 'min')
    """
    arguments = early_stopping_arguments(
        epochs, monitor, mode, min_delta, patience, restore_best_weights
    )
    import keras

    return keras.callbacks.EarlyStopping(**arguments)


def early_stopping_options(early_stopping: Any) -> dict[str, Any] | None:
    """Scan's ``early_stopping`` argument as :func:`early_stopper` keyword arguments.

    Parameters
    ----------
    early_stopping : str, dict, False or None
        A preset name (``'lazy'``, ``'moderate'``, ``'strict'``), a dict of
        :func:`early_stopper` arguments other than ``epochs`` (each run's epochs are used),
        or None/False: off.

    Returns
    -------
    dict or None
        The keyword arguments, checked as each run will use them; None when off.

    Raises
    ------
    ScanArgumentError, ScanArgumentTypeError
        Naming ``early_stopping``, the rule, the value and the fix.

    Examples
    --------
    >>> early_stopping_options('strict'), early_stopping_options(False)
    ({'mode': 'strict'}, None)
    """
    if early_stopping is None or early_stopping is False:
        return None
    if isinstance(early_stopping, str):
        if early_stopping not in EARLY_STOPPING_PRESETS:
            raise ScanArgumentError(
                rule_message(
                    "early_stopping",
                    f"must name a preset: one of {list(EARLY_STOPPING_PRESETS)} (patience "
                    "epochs/3, epochs/10, 2)",
                    early_stopping,
                    "pass e.g. early_stopping='moderate', or a dict such as {'patience': 3}",
                )
            )
        return {"mode": early_stopping}
    if not isinstance(early_stopping, Mapping):
        raise ScanArgumentTypeError(
            rule_message(
                "early_stopping",
                f"must be a preset name ({', '.join(EARLY_STOPPING_PRESETS)}), a dict of "
                "scanlab.callbacks.early_stopper arguments, or None/False (off)",
                early_stopping,
                "pass e.g. early_stopping='moderate' or early_stopping={'monitor': "
                "'val_accuracy', 'patience': 3, 'restore_best_weights': True}",
            )
        )
    allowed = ("min_delta", "mode", "monitor", "patience", "restore_best_weights")
    unknown = sorted(str(k) for k in early_stopping if k not in allowed)
    if unknown:
        epochs = " (the epochs come from each run: params['epochs'] or its budget)"
        raise ScanArgumentError(
            rule_message(
                "early_stopping",
                f"takes the keys {list(allowed)}, not {unknown}"
                + (epochs if "epochs" in unknown else ""),
                early_stopping,
                "drop those keys",
            )
        )
    options = dict(early_stopping)
    early_stopping_arguments(1, **options)  # the same checks as each run's (epochs aside)
    return options
