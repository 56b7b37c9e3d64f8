"""History helpers of ``talos.utils``: ``TorchHistory`` and ``power_draw_append``.

Both only fill a ``history`` dict of per-epoch lists, which is what scanlab reads from a model
function's return value (``return history, model``), so they work with any training loop.
"""

from __future__ import annotations

from typing import Any

from scanlab.errors import ScanArgumentTypeError, rule_message

__all__ = ["TorchHistory", "power_draw_append"]


class TorchHistory:
    """A Keras-like ``History`` for a hand-written (e.g. PyTorch) loop: ``.history`` is a dict
    of per-epoch lists, which a model function may return in place of Keras's History.

    Examples
    --------
    >>> h = TorchHistory()
    >>> h.append_loss(0.9); h.append_loss(0.5); h.append_val_metric(0.7)
    >>> h.history
    {'loss': [0.9, 0.5], 'val_metric': [0.7]}
    """

    def __init__(self) -> None:
        self.history: dict[str, list[Any]] = {}

    def init_history(self) -> None:
        """Forget every value."""
        self.history = {}

    def append_history(self, history_data: Any, label: str) -> None:
        """Append one epoch's ``history_data`` under ``label``.

        Parameters
        ----------
        history_data : float
            The epoch's value.
        label : str
            The history key.
        """
        self.history.setdefault(label, []).append(history_data)

    def append_loss(self, _loss: Any) -> None:
        """Append a ``loss`` value."""
        self.append_history(_loss, "loss")

    def append_metric(self, _metric: Any) -> None:
        """Append a ``metric`` value."""
        self.append_history(_metric, "metric")

    def append_val_loss(self, _loss: Any) -> None:
        """Append a ``val_loss`` value."""
        self.append_history(_loss, "val_loss")

    def append_val_metric(self, _loss: Any) -> None:
        """Append a ``val_metric`` value."""
        self.append_history(_loss, "val_metric")


def power_draw_append(history: Any, power_draw: Any) -> Any:
    """Add a :class:`scanlab.talos.callbacks.PowerDraw` callback's measurements to ``history``.

    Adds ``watts_min`` and ``watts_max`` (over every reading), ``seconds`` (summed epoch
    times) and ``Ws`` (watt-seconds: each epoch's mean of its two readings times its seconds,
    summed, rounded to 2 decimals), each as a one-element list.

    Parameters
    ----------
    history : keras.callbacks.History or object with a ``history`` dict
        What ``model.fit`` returned.
    power_draw : PowerDraw callback
        With ``log = {'epoch_begin': [...], 'epoch_end': [...], 'seconds': [...]}``.

    Returns
    -------
    object
        ``history``, changed in place.

    Examples
    --------
    >>> class Log:
    ...     log = {'epoch_begin': [100.0, 120.0], 'epoch_end': [140.0, 160.0], 'seconds': [2.0, 3.0]}
    >>> h = TorchHistory()
    >>> power_draw_append(h, Log()).history
    {'watts_min': [100.0], 'watts_max': [160.0], 'seconds': [5.0], 'Ws': [660.0]}
    """
    log = getattr(power_draw, "log", None)
    if not isinstance(log, dict) or not {"epoch_begin", "epoch_end", "seconds"} <= set(log):
        raise ScanArgumentTypeError(
            rule_message(
                "power_draw",
                "must be a PowerDraw callback that ran (its .log has epoch_begin, epoch_end "
                "and seconds)",
                type(power_draw).__name__,
                "pass the PowerDraw() instance given to model.fit(callbacks=[...])",
            )
        )
    readings = list(log["epoch_begin"]) + list(log["epoch_end"])
    if not readings:
        raise ScanArgumentTypeError(
            rule_message(
                "power_draw",
                "must hold at least one epoch's readings",
                log,
                "call power_draw_append after model.fit(..., callbacks=[power_draw])",
            )
        )
    history.history["watts_min"] = [min(readings)]
    history.history["watts_max"] = [max(readings)]
    history.history["seconds"] = [sum(log["seconds"])]
    watt_seconds = sum(
        (begin + end) / 2 * seconds
        for begin, end, seconds in zip(
            log["epoch_begin"], log["epoch_end"], log["seconds"], strict=False
        )
    )
    history.history["Ws"] = [round(float(watt_seconds), 2)]
    return history
