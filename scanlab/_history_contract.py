"""What a model function must return: ``(history, model)`` with a per-epoch history, read
into plain float lists (a Keras ``History`` or a dict), or a clear error saying what came
back instead."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from scanlab.errors import ContractError

__all__ = ["checked_history", "read_history"]


def read_history(history: Any) -> dict[str, list[float]]:
    """Per-epoch values as plain float lists, from a Keras History or a dict.

    Parameters
    ----------
    history : History or mapping
        A Keras ``History`` (anything with a ``.history`` mapping) or a mapping of history
        key -> per-epoch values; a single number counts as one epoch.

    Returns
    -------
    dict
        History key (as str) -> list of floats.

    Raises
    ------
    ContractError
        When ``history`` is neither.

    Examples
    --------
    >>> read_history({'loss': [0.9, 0.5], 'val_loss': [1.0, 0.7]})
    {'loss': [0.9, 0.5], 'val_loss': [1.0, 0.7]}
    """
    raw = history.history if hasattr(history, "history") else history
    if not isinstance(raw, Mapping):
        raise ContractError(
            f"the model function must return (history, model) where history is a Keras "
            f"History (the return value of model.fit) or a dict of per-epoch lists; got "
            f"history of type {type(history).__name__}."
        )
    out = {}
    for key, values in raw.items():
        if isinstance(values, (int, float)) or (
            hasattr(values, "item") and not hasattr(values, "__len__")
        ):
            values = [values]
        out[str(key)] = [float(v) for v in values]
    return out


def checked_history(returned: Any) -> dict[str, list[float]]:
    """The per-epoch history of a ``(history, model)`` pair, once it keeps the contract.

    Parameters
    ----------
    returned : object
        What the model function returned.

    Returns
    -------
    dict
        History key -> per-epoch floats.

    Raises
    ------
    ContractError
        Not a 2-tuple, or a history without epochs.
    """
    if not isinstance(returned, (tuple, list)) or len(returned) != 2:
        raise ContractError(
            f"the model function must return (history, model), a 2-tuple; got "
            f"{_describe(returned)}. End it with `return history, model` where "
            f"history = model.fit(...)."
        )
    history = read_history(returned[0])
    if not any(history.values()):
        raise ContractError(
            f"the model function returned a history with no per-epoch values "
            f"({_describe_history(history)}). Return the History of a model.fit that ran "
            f"at least one epoch: history = model.fit(...); return history, model."
        )
    return history


def _describe_history(history: dict[str, list[float]]) -> str:
    if not history:
        return "an empty dict"
    return "keys " + ", ".join(f"{k!r} with 0 epochs" for k in sorted(history))


def _describe(value: Any) -> str:
    if isinstance(value, (tuple, list)):
        return f"a {type(value).__name__} of length {len(value)}"
    return f"a value of type {type(value).__name__}"
