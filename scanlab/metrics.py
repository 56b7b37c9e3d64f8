"""Metric names: which direction is better, and Talos's short names (``acc``)."""

from __future__ import annotations

import re
from collections.abc import Collection

from scanlab.errors import MetricNotFoundError

# Words of a metric name that mean "lower is better" (besides loss, error, crossentropy).
_LOWER_IS_BETTER = frozenset(
    {
        "mse",
        "mae",
        "mape",
        "msle",
        "rmse",
        "hinge",
        "logcosh",
        "kld",
        "divergence",
        "poisson",
        "duration",
    }
)


def is_loss_like(metric: str) -> bool:
    """True when lower values of ``metric`` are better, guessed from its name.

    Loss-like names are minimized: ``loss``, ``val_loss``, ``mse``, ``mae``, ``rmse``,
    ``mape``, anything containing ``loss`` or ``error``, ``*crossentropy``, ``hinge``, ``kld``,
    ``duration_s``. Everything else (accuracy, auc, precision, f1, ...) is maximized.

    Examples
    --------
    >>> is_loss_like('val_loss'), is_loss_like('mean_squared_error'), is_loss_like('val_acc')
    (True, True, False)
    """
    low = metric.lower()
    if low.startswith("val_"):
        low = low[4:]
    if "loss" in low or "error" in low or "crossentropy" in low:
        return True
    if low in ("false_positives", "false_negatives"):
        return True
    return bool(set(re.split(r"[^a-z0-9]+", low)) & _LOWER_IS_BETTER)


def resolve_metric(metric: str, available: Collection[str], argument: str = "metric") -> str:
    """The history key meant by ``metric``, accepting Talos's ``acc`` for ``accuracy``.

    Raises :class:`~scanlab.errors.MetricNotFoundError` naming the keys that exist.

    Examples
    --------
    >>> resolve_metric('val_acc', ['loss', 'val_loss', 'accuracy', 'val_accuracy'])
    'val_accuracy'
    """
    if metric in available:
        return metric
    aliases = {metric.replace("acc", "accuracy", 1)} if metric.endswith("acc") else set()
    aliases |= {metric.replace("accuracy", "acc", 1)} if metric.endswith("accuracy") else set()
    for alias in aliases:
        if alias in available:
            return alias
    raise MetricNotFoundError(
        f"{argument}={metric!r} is not in the runs' history; the history has "
        f"{sorted(available)}. Use one of those (model.compile(metrics=[...]) decides them)."
    )


def default_metric(available: Collection[str]) -> str:
    """The metric a scan tracks when none is named: val_loss, else loss, else the first key."""
    for name in ("val_loss", "loss"):
        if name in available:
            return name
    return sorted(available)[0]
