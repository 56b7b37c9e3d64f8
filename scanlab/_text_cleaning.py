"""Text cleaning: tokens, lower case, scikit-learn's English stop words, Porter stems.

The cleaning levels a scan chooses from (:data:`CLEANING`) and :func:`clean_texts`, which
:class:`scanlab.text.TextPreprocess` applies per run; public through :mod:`scanlab.text`.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from typing import Any

from scanlab.errors import ScanArgumentTypeError, rule_message

__all__ = ["CLEANING", "TOKEN_PATTERN", "as_texts", "clean_texts"]

#: A token: letters and digits, with apostrophes kept inside a word (``don't``, ``o'clock``);
#: every other character (punctuation, an apostrophe at a word's edge) separates tokens.
TOKEN_PATTERN = r"[^\W_]+(?:'[^\W_]+)*"
_TOKEN = re.compile(TOKEN_PATTERN)

#: Named cleaning levels (keyword arguments of :func:`clean_texts`), each adding to the last.
CLEANING: dict[str, dict] = {
    "none": {"lowercase": False, "stop_words": False, "stem": False},
    "lower": {"lowercase": True, "stop_words": False, "stem": False},
    "stop": {"lowercase": True, "stop_words": True, "stem": False},
    "stem": {"lowercase": True, "stop_words": True, "stem": True},
}


@functools.lru_cache(maxsize=1)
def _stemmer() -> Any:
    from nltk.stem import PorterStemmer

    return PorterStemmer()


@functools.lru_cache(maxsize=2**17)
def _stem(word: str) -> str:
    """The Porter stem of one word, memoized (stemming is the slow step of cleaning)."""
    return str(_stemmer().stem(word))


def as_texts(texts: Any, argument: str) -> list[str]:
    """``texts`` as a list of str: a 1-D array or sequence of str, one text per sample."""
    fix = "pass one str per sample, e.g. np.array(['a question?', 'another one'])"
    if isinstance(texts, (str, bytes)) or not isinstance(texts, Iterable):
        raise ScanArgumentTypeError(
            rule_message(argument, "must be a sequence of texts, not one", _short(texts), fix)
        )
    shape = getattr(texts, "shape", None)
    if shape is not None and len(shape) != 1:
        raise ScanArgumentTypeError(
            rule_message(argument, "must be 1-D, one text a row", f"array of shape {shape}", fix)
        )
    items = list(texts)
    for position, item in enumerate(items):
        if not isinstance(item, str):
            raise ScanArgumentTypeError(
                rule_message(f"{argument}[{position}]", "must be a str (a text)", _short(item), fix)
            )
    return items


def _short(value: Any) -> Any:
    text = repr(value)
    return value if len(text) <= 60 else f"{type(value).__name__} {text[:40]}..."


def clean_texts(
    texts: Iterable[str], *, lowercase: bool = True, stop_words: bool = False, stem: bool = False
) -> list[str]:
    """Tokens of each text (:data:`TOKEN_PATTERN`), cleaned, joined by one space.

    Parameters
    ----------
    texts : sequence of str
        One text per sample.
    lowercase : bool
        Lowercase the tokens.
    stop_words : bool
        Drop scikit-learn's ``ENGLISH_STOP_WORDS`` (compared lowercased).
    stem : bool
        Replace each token by its Porter stem (nltk's ``PorterStemmer``, which also
        lowercases); memoized per word.

    Returns
    -------
    list of str
        The cleaned texts, in order (an empty string where no token is left).

    Raises
    ------
    ScanArgumentTypeError
        When ``texts`` is not a sequence of str.

    Examples
    --------
    >>> clean_texts(["Don't stop: it's 5 o'clock!"], lowercase=False)
    ["Don't stop it's 5 o'clock"]
    >>> clean_texts(['The dogs were running home'], stop_words=True, stem=True)
    ['dog run home']
    """
    items = as_texts(texts, "texts")
    if stop_words:
        from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS as stops
    cleaned = []
    for text in items:
        tokens = _TOKEN.findall(text)
        if lowercase:
            tokens = [token.lower() for token in tokens]
        if stop_words:
            tokens = [token for token in tokens if token.lower() not in stops]
        if stem:
            tokens = [_stem(token) for token in tokens]
        cleaned.append(" ".join(tokens))
    return cleaned
