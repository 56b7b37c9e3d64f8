"""Metric names: which direction is better, and Talos's short names (``acc``)."""

from __future__ import annotations

from collections.abc import Collection

from scanlab.errors import MetricNotFoundError

_LOSS_WORDS = ("loss", "error", "mse", "mae", "mape", "msle", "rmse", "crossentropy",
               "hinge", "kld", "kl_divergence", "poisson", "logcosh", "huber")


def is_loss_like(metric: str) -> bool:
    """True when lower values of ``metric`` are better (losses and errors).

    Examples
    --------
    >>> is_loss_like('val_loss'), is_loss_like('val_accuracy'), is_loss_like('mae')
    (True, False, True)
    """
    name = metric.lower()
    return any(word in name for word in _LOSS_WORDS)


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
