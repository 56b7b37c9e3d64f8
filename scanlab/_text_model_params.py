"""The params a text classifier builder reads: their defaults, rules and checks.

:class:`scanlab.text_models.TextClassifier` builds from :func:`resolve_settings` (every
setting checked, defaults filled in, no Keras needed), and Scan calls its ``check_params``
(:func:`check_text_params`) before any training, so a misspelled cell or a dropout of 1.5
is refused before the first run instead of failing every run that draws it.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from typing import Any

from scanlab.errors import ParamsError, ScanArgumentError, rule_message

__all__ = ["CELLS", "DEFAULTS", "check_text_params", "resolve_settings"]

#: The recurrent layer of each recurrent cell (None: a convolution only).
CELLS: dict[str, str | None] = {
    "conv1d": None,
    "conv1d_lstm": "LSTM",
    "gru": "GRU",
    "lstm": "LSTM",
    "simple_rnn": "SimpleRNN",
}
_LOSSES = ("crossentropy", "top_k")

#: The value of each params key the builder reads when params do not set it.
DEFAULTS: dict[str, Any] = {
    "bidirectional": False,
    "cell": "lstm",
    "conv_filters": 64,
    "conv_kernel": 5,
    "dense_layers": 0,
    "dense_units": 64,
    "dropout": 0.0,
    "embedding_dim": 32,
    "l1": 0.0,
    "l2": 0.0,
    "layers": 1,
    "loss_function": "crossentropy",
    "lr": 1e-3,
    "optimizer": "adam",
    "pool_size": 4,
    "recurrent_dropout": 0.0,
    "spatial_dropout": 0.0,
    "top_k": 16,
    "units": 100,
}


def _count(params: dict[str, Any], key: str, minimum: int, fix: str, default: Any = None) -> int:
    value = params.get(key, DEFAULTS[key] if default is None else default)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < minimum:
        raise ParamsError(
            rule_message(f"params[{key!r}]", f"must be an int >= {minimum}", value, fix)
        )
    return int(value)


def _rate(params: dict[str, Any], key: str, upper: float = 1.0) -> float:
    value = params.get(key, DEFAULTS[key])
    if (
        isinstance(value, bool)
        or not isinstance(value, numbers.Real)
        or not 0 <= float(value) < upper
    ):
        raise ParamsError(
            rule_message(
                f"params[{key!r}]",
                f"must be a number in [0, {upper:g})",
                value,
                f"use e.g. [0.0, 0.2] for {key}",
            )
        )
    return float(value)


def _choice(params: dict[str, Any], key: str, choices: Sequence[str]) -> str:
    value = params.get(key, DEFAULTS[key])
    if not isinstance(value, str) or value not in choices:
        raise ParamsError(
            rule_message(
                f"params[{key!r}]",
                f"must be one of {sorted(choices)}",
                value,
                f"use e.g. {choices[0]!r}",
            )
        )
    return value


def resolve_settings(
    params: dict[str, Any], vocab_key: str, length_key: str, vocab_size: int, length: int
) -> dict[str, Any]:
    """Every setting of the model ``params`` describe, checked, defaults filled in.

    Parameters
    ----------
    params : dict
        A permutation (:mod:`scanlab.text_models`: the keys read and their defaults).
    vocab_key, length_key : str
        Params keys of the vocabulary size and sequence length.
    vocab_size, length : int
        Their values when params do not set them.

    Returns
    -------
    dict
        The settings a model is built from.

    Raises
    ------
    ParamsError
        When a value breaks its rule.

    Examples
    --------
    >>> resolve_settings({'cell': 'gru'}, 'vocab_size', 'seq_len', 100, 8)['units']
    100
    """
    p = dict(params)
    bidirectional = p.get("bidirectional", DEFAULTS["bidirectional"])
    if isinstance(bidirectional, str) or bidirectional not in (0, 1):  # NumPy bools too
        raise ParamsError(
            rule_message(
                "params['bidirectional']", "must be a bool", bidirectional, "use [False, True]"
            )
        )
    return {
        "vocab_size": _count(
            p,
            vocab_key,
            3,
            "use the vocabulary sizes TextPreprocess uses, e.g. [5000, 10000]",
            vocab_size,
        ),
        "length": _count(
            p,
            length_key,
            1,
            "use the sequence lengths TextPreprocess uses, e.g. [20, 40]",
            length,
        ),
        "cell": _choice(p, "cell", sorted(CELLS, key=lambda name: name != "lstm")),
        "loss_function": _choice(p, "loss_function", _LOSSES),
        "top_k": _count(p, "top_k", 1, "e.g. [8, 16] (at most the batch size)"),
        "l1": _rate(p, "l1", float("inf")),
        "l2": _rate(p, "l2", float("inf")),
        "lr": _rate(p, "lr", float("inf")),
        "dropout": _rate(p, "dropout"),
        "spatial_dropout": _rate(p, "spatial_dropout"),
        "recurrent_dropout": _rate(p, "recurrent_dropout"),
        "embedding_dim": _count(p, "embedding_dim", 1, "e.g. [32, 64]"),
        "conv_filters": _count(p, "conv_filters", 1, "e.g. [32, 64]"),
        "conv_kernel": _count(p, "conv_kernel", 1, "e.g. [3, 5]"),
        "pool_size": _count(p, "pool_size", 1, "e.g. [2, 4]"),
        "layers": _count(p, "layers", 1, "e.g. [1, 2]"),
        "units": _count(p, "units", 1, "e.g. [50, 100]"),
        "dense_layers": _count(p, "dense_layers", 0, "e.g. [0, 1]"),
        "dense_units": _count(p, "dense_units", 1, "e.g. [32, 64]"),
        "bidirectional": bool(bidirectional),
        "optimizer": p.get("optimizer", DEFAULTS["optimizer"]),
    }


def check_text_params(
    values: dict[str, list],
    preprocess: Any,
    vocab_key: str,
    length_key: str,
    vocab_size: int,
    length: int,
) -> None:
    """Check every value of every params key a text classifier reads, and that a
    :class:`~scanlab.text.TextPreprocess` makes sequences its embedding can read.

    Parameters
    ----------
    values : dict of str to list
        The grid's values per key (``ParamSpace.values``).
    preprocess : callable or None
        Scan's ``preprocess``.
    vocab_key, length_key, vocab_size, length
        As :func:`resolve_settings`.

    Raises
    ------
    ParamsError
        A value that breaks its rule.
    ScanArgumentError
        A TextPreprocess reading other keys, or making a larger vocabulary or other lengths
        than the builder's when the params do not set them.

    Examples
    --------
    >>> try:
    ...     check_text_params({'cell': ['lstm', 'lstn']}, None, 'vocab_size', 'seq_len', 9, 4)
    ... except ParamsError as error:
    ...     print(str(error)[:29])
    params['cell'] must be one of
    """
    for key, choices in values.items():
        if key in DEFAULTS or key in (vocab_key, length_key):
            for value in choices:
                resolve_settings({key: value}, vocab_key, length_key, vocab_size, length)
    from scanlab.text import TextPreprocess

    if not isinstance(preprocess, TextPreprocess):
        return
    pairs = (
        ("vocab", vocab_key, preprocess.vocab_key, vocab_size, preprocess.vocab_size),
        ("length", length_key, preprocess.length_key, length, preprocess.length),
    )
    for what, key, hook_key, mine, theirs in pairs:
        if key != hook_key:
            raise ScanArgumentError(
                rule_message(
                    f"text_classifier's {what}_key",
                    f"must be the key TextPreprocess reads ({hook_key!r})",
                    key,
                    f"pass {what}_key={hook_key!r} to text_classifier",
                )
            )
        if key not in values and (mine < theirs if what == "vocab" else mine != theirs):
            name = "vocab_size" if what == "vocab" else "length"
            raise ScanArgumentError(
                rule_message(
                    f"text_classifier's {name}",
                    f"must {'be at least' if what == 'vocab' else 'equal'} "
                    f"TextPreprocess's {name} ({theirs}) when params do not set {key!r} "
                    "(the embedding reads the sequences the preprocessing makes)",
                    mine,
                    f"pass {name}={theirs} to text_classifier, or put {key!r} in params",
                )
            )
