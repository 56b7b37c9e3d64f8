"""``early_stopper``: a ``keras.callbacks.EarlyStopping`` from Talos's presets.

- ``'lazy'``: patience ``int(epochs / 3)``, min_delta 0;
- ``'moderate'`` (default): patience ``int(epochs / 10)``, min_delta 0;
- ``'strict'``: patience 2, min_delta 0;
- ``[min_delta, patience]``: those two;
- ``None``: ``patience`` and ``min_delta`` as given, else 0.

``patience`` and ``min_delta`` given next to a named preset replace the preset's value (as
in Talos 2.0.10); ``'lazy'`` and ``'moderate'`` need ``epochs``. The callback is built with
``verbose=0`` and ``mode='auto'``, as Talos builds it.
"""

from __future__ import annotations

import numbers
from typing import Any

from scanlab.callbacks import talos_patience
from scanlab.errors import ScanArgumentError, ScanArgumentTypeError, rule_message

__all__ = ["early_stopper", "early_stopping_settings"]

_KERAS_BACKENDS = ("keras", "tensorflow", "tf", "tf.keras")


def _number(name: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or value < 0:
        raise ScanArgumentTypeError(
            rule_message(name, "must be a number >= 0", value, f"pass e.g. {name}=0")
        )
    return value  # type: ignore[return-value]


def early_stopping_settings(
    epochs: int | None = None,
    mode: Any = "moderate",
    min_delta: float | None = None,
    patience: int | None = None,
) -> tuple[float, float]:
    """``(min_delta, patience)`` for a preset, without building the callback.

    Parameters
    ----------
    epochs, mode, min_delta, patience
        As for :func:`early_stopper`.

    Returns
    -------
    tuple
        ``(min_delta, patience)``.

    Examples
    --------
    >>> early_stopping_settings(100, 'moderate'), early_stopping_settings(30, 'lazy')
    ((0, 10), (0, 10))
    >>> early_stopping_settings(mode='strict'), early_stopping_settings(mode=[0.01, 4])
    ((0, 2), (0.01, 4))
    """
    if isinstance(mode, str) and mode in ("lazy", "moderate", "strict"):
        if mode != "strict":
            if epochs is None:
                raise ScanArgumentError(
                    rule_message(
                        "epochs",
                        f"is needed by the {mode!r} early-stopping preset (patience is a share "
                        "of the epochs)",
                        epochs,
                        f"pass early_stopper(epochs=params['epochs'], mode={mode!r}), or "
                        "mode='strict' or mode=[min_delta, patience]",
                    )
                )
            _number("epochs", epochs)
        preset = talos_patience(mode, epochs or 0)  # Talos's arithmetic: 0 is possible
        return (
            0 if min_delta is None else _number("min_delta", min_delta),
            preset if patience is None else _number("patience", patience),
        )
    if isinstance(mode, (list, tuple)) and len(mode) == 2:
        return _number("mode[0] (min_delta)", mode[0]), _number("mode[1] (patience)", mode[1])
    if mode is None:
        return (
            0 if min_delta is None else _number("min_delta", min_delta),
            0 if patience is None else _number("patience", patience),
        )
    raise ScanArgumentError(
        rule_message(
            "mode",
            "must be 'lazy', 'moderate', 'strict', None or [min_delta, patience]",
            mode,
            "use e.g. mode='moderate' (with epochs) or mode=[0, 5]",
        )
    )


def early_stopper(
    epochs: int | None = None,
    monitor: str = "val_loss",
    mode: Any = "moderate",
    min_delta: float | None = None,
    patience: int | None = None,
    backend: str = "keras",
) -> Any:
    """An EarlyStopping callback with one of Talos's presets.

    Parameters
    ----------
    epochs : int, optional
        The run's epochs; ``'lazy'`` and ``'moderate'`` take a share of them as patience.
    monitor : str
        The history key to watch (default ``'val_loss'``).
    mode : {'lazy', 'moderate', 'strict', None} or [min_delta, patience]
        The preset (see the module docstring).
    min_delta, patience : optional
        Replace the preset's values (ignored when ``mode`` is a list, as in Talos).
    backend : str
        ``'keras'`` (``'tensorflow'``, ``'tf'`` and ``'tf.keras'`` mean the same Keras 3
        callback); scanlab trains Keras models only.

    Returns
    -------
    keras.callbacks.EarlyStopping
        ``EarlyStopping(monitor, min_delta, patience, verbose=0, mode='auto')``.

    Examples
    --------
    >>> stop = early_stopper(epochs=50, mode='moderate')
    >>> stop.monitor, stop.patience
    ('val_loss', 5)
    """
    if backend not in _KERAS_BACKENDS:
        raise ScanArgumentError(
            rule_message(
                "backend",
                f"must be one of {list(_KERAS_BACKENDS)} (scanlab trains Keras models)",
                backend,
                "leave backend='keras'; for a PyTorch loop, stop it in your own loop",
            )
        )
    if not isinstance(monitor, str):
        raise ScanArgumentTypeError(
            rule_message("monitor", "must be a history key", monitor, "pass e.g. 'val_loss'")
        )
    delta, wait = early_stopping_settings(epochs, mode, min_delta, patience)
    import keras

    return keras.callbacks.EarlyStopping(
        monitor=monitor, min_delta=delta, patience=wait, verbose=0, mode="auto"
    )
