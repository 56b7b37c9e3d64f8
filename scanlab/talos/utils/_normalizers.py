"""``lr_normalizer``: one learning-rate scale shared by every Keras 3 optimizer (Talos's rule).

Talos scans a *normalized* learning rate (``lr=1`` means "this optimizer's usual step") and
divides it by a per-optimizer number. Talos 2.0.10 knows five optimizers (SGD and Adagrad:
100; Adam and RMSprop: 1000; Adamax: 500) and rejects the rest. Here those five keep Talos's
divisors exactly, and every other Keras 3 optimizer gets the divisor that follows the same
rule: ``1 / (its Keras 3 default learning_rate)``, so ``lr_normalizer(1, opt)`` is the Keras
default step of ``opt``:

============================================================  ========
optimizer                                                     divisor
============================================================  ========
SGD, Adagrad (Talos)                                          100
Adam, RMSprop (Talos)                                         1000
Adamax (Talos)                                                500
Adadelta, Adafactor, AdamW, Ftrl, Lamb, Lion, Muon, Nadam     1000
ScheduleFreeAdamW                                             400
============================================================  ========

A subclass of one of these (``class MyAdam(keras.optimizers.Adam)``) uses its nearest known
base class; a ``LossScaleOptimizer`` instance uses its inner optimizer.
"""

from __future__ import annotations

import numbers
from typing import Any

from scanlab.errors import ParamsError, ParamsTypeError, rule_message

__all__ = ["DIVISORS", "TALOS_DIVISORS", "lr_normalizer"]

#: Talos 2.0.10's own divisors (the only optimizers Talos accepts).
TALOS_DIVISORS: dict[str, float] = {
    "Adagrad": 100,
    "Adam": 1000,
    "Adamax": 500,
    "RMSprop": 1000,
    "SGD": 100,
}

#: Every optimizer ``lr_normalizer`` accepts: Talos's five, then 1 / Keras 3's default
#: ``learning_rate`` for the others (tests/talos/test_utils.py checks these against Keras).
DIVISORS: dict[str, float] = {
    **TALOS_DIVISORS,
    "Adadelta": 1000,
    "Adafactor": 1000,
    "AdamW": 1000,
    "Ftrl": 1000,
    "Lamb": 1000,
    "Lion": 1000,
    "Muon": 1000,
    "Nadam": 1000,
    "ScheduleFreeAdamW": 400,
}

_BY_LOWER = {name.lower(): name for name in DIVISORS}
_FIX = (
    "pass a Keras optimizer class, instance or name, one of "
    + ", ".join(sorted(DIVISORS))
    + " (or scale the learning rate yourself)"
)


def _optimizer_name(optimizer: Any) -> str:
    """The :data:`DIVISORS` key for a class, an instance or a name."""
    if isinstance(optimizer, str):
        key = optimizer.strip().lower().replace("_", "")
        if key in _BY_LOWER:
            return _BY_LOWER[key]
        raise ParamsError(
            rule_message("optimizer", "must name an optimizer lr_normalizer knows", optimizer, _FIX)
        )
    inner = getattr(optimizer, "inner_optimizer", None)
    if inner is not None and not isinstance(optimizer, type):  # LossScaleOptimizer(inner)
        return _optimizer_name(inner)
    cls = optimizer if isinstance(optimizer, type) else type(optimizer)
    for base in cls.__mro__:
        if base.__name__ in DIVISORS:
            return base.__name__
    if cls.__name__ in ("LossScaleOptimizer", "MultiOptimizer"):
        fix = "pass the wrapped optimizer (its inner optimizer), whose step the learning rate sets"
        raise ParamsError(
            rule_message("optimizer", "must be one optimizer with its own step", optimizer, fix)
        )
    raise ParamsError(
        rule_message("optimizer", "must be an optimizer lr_normalizer knows", optimizer, _FIX)
    )


def lr_normalizer(lr: float, optimizer: Any) -> float:
    """Turn a normalized learning rate into the one ``optimizer`` expects (Talos's scale).

    Parameters
    ----------
    lr : float
        The normalized learning rate (``1`` is the optimizer's usual step).
    optimizer : type, keras.optimizers.Optimizer or str
        A Keras optimizer class (``keras.optimizers.Adam``), an instance, or its name
        (``'adam'``, case-insensitive). Talos's five keep Talos's divisors; the table in the
        module docstring gives the others.

    Returns
    -------
    float
        ``lr / divisor``.

    Examples
    --------
    >>> lr_normalizer(1, 'Adam'), lr_normalizer(1, 'sgd'), lr_normalizer(2, 'Adamax')
    (0.001, 0.01, 0.004)
    >>> lr_normalizer(1, 'nadam')
    0.001
    """
    if isinstance(lr, bool) or not isinstance(lr, numbers.Real):
        raise ParamsTypeError(
            rule_message("lr", "must be a real number", lr, "pass e.g. lr=1 (normalized)")
        )
    return float(lr) / DIVISORS[_optimizer_name(optimizer)]
