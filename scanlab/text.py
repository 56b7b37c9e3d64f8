"""Text for a scan: clean it, turn it into integer sequences, and do both per run.

Text classification scans search the text pipeline along with the model: how much cleaning,
how many words the vocabulary keeps, how long a sequence is. :class:`TextPreprocess` is the
``Scan(preprocess=...)`` hook that does it per run and per fold, fitted on the training texts
only; scanlab caches its output per value of the three params it reads, so runs that differ
in model params only reuse it.

Everything happens in NumPy, outside the model (no ``TextVectorization`` layer), so the same
scan trains on the TensorFlow, JAX and torch Keras backends. The models that read these
sequences are in :mod:`scanlab.text_models`; they share the params keys and defaults below.

- :func:`clean_texts`: tokens (:data:`TOKEN_PATTERN`), optionally lowercased, without
  scikit-learn's English stop words, Porter-stemmed (nltk).
- :data:`CLEANING`: the named cleaning levels a scan parameter chooses from.
- :class:`Vectorizer`: vocabulary of the most frequent training tokens; texts to a fixed-length
  ``int32`` matrix (0 = padding, 1 = out of vocabulary).

Examples
--------
>>> import numpy as np
>>> texts = np.array(['What is a dog?', 'Who wrote it?', 'What is it?'])
>>> hook = TextPreprocess(vocab_size=5, length=4)
>>> x_train, y_train, x_val, y_val = hook(texts, np.array([0, 1, 0]), np.array(['Who is he?']),
...                                       np.array([1]), {'seq_len': 3})
>>> x_train.tolist(), x_val.tolist()  # 2 'is', 3 'it', 4 'what' (ties alphabetical), 1 unknown
([[4, 2, 1], [1, 1, 3], [4, 2, 3]], [[1, 2, 1]])
"""

from __future__ import annotations

import numbers
from collections import Counter
from collections.abc import Iterable
from typing import Any

import numpy as np

from scanlab._text_cleaning import CLEANING, TOKEN_PATTERN, as_texts, clean_texts
from scanlab.errors import ParamsError, ScanArgumentError, ScanArgumentTypeError, rule_message

__all__ = [
    "CLEANING",
    "CLEANING_KEY",
    "DEFAULT_CLEANING",
    "DEFAULT_LENGTH",
    "DEFAULT_VOCAB_SIZE",
    "LENGTH_KEY",
    "OOV_INDEX",
    "PAD_INDEX",
    "TOKEN_PATTERN",
    "TextPreprocess",
    "VOCAB_KEY",
    "Vectorizer",
    "clean_texts",
]

#: Params keys read by :class:`TextPreprocess` and :mod:`scanlab.text_models`, and their defaults.
VOCAB_KEY, LENGTH_KEY, CLEANING_KEY = "vocab_size", "seq_len", "cleaning"
DEFAULT_VOCAB_SIZE, DEFAULT_LENGTH, DEFAULT_CLEANING = 10_000, 40, "lower"
#: Reserved indices of every vocabulary.
PAD_INDEX, OOV_INDEX = 0, 1
_RESERVED = ("", "[UNK]")  # their entries in Vectorizer.vocabulary (as TextVectorization's)
_ENDS = ("post", "pre")


def _check_count(value: Any, name: str, minimum: int, error: type[Exception], fix: str) -> int:
    """``value`` as an int >= ``minimum`` (a NumPy integer or a whole float is accepted)."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < minimum:
        raise error(rule_message(name, f"must be an int >= {minimum}", value, fix))
    return int(value)


def _check_choice(value: Any, name: str, choices: Iterable[str], error: type[Exception]) -> str:
    choices = list(choices)
    if not isinstance(value, str) or value not in choices:
        raise error(
            rule_message(name, f"must be one of {choices}", value, f"use e.g. {choices[-1]!r}")
        )
    return value


def _check_key(key: Any, name: str) -> str:
    if not isinstance(key, str) or not key:
        fix = "e.g. 'seq_len'"
        raise ScanArgumentTypeError(rule_message(name, "must be a params key (a str)", key, fix))
    return key


class Vectorizer:
    """Texts to fixed-length integer sequences, with a vocabulary fitted on training texts.

    Tokens are the whitespace-separated words of each text: pass texts through
    :func:`clean_texts` first. The vocabulary keeps the most frequent training tokens (ties
    broken alphabetically); index 0 is padding and 1 any token not in the vocabulary.

    Parameters
    ----------
    vocab_size : int
        Size of the vocabulary, the two reserved indices included (at least 3): indices are
        below it, so it is the ``input_dim`` of an ``Embedding``.
    length : int
        Length of every sequence.
    truncate : {'post', 'pre'}
        Which end of a longer text is cut: ``'post'`` (default) keeps its first ``length``
        tokens, where a question's kind is ("how many", "who").
    pad : {'pre', 'post'}
        Where a shorter text gets its zeros: ``'pre'`` (default, as Keras's
        ``pad_sequences``) puts them first, so a recurrent layer ends on real tokens.

    Attributes
    ----------
    vocabulary : list of str
        Index to token after :meth:`fit` (``''`` and ``'[UNK]'`` first); empty before.

    Examples
    --------
    >>> v = Vectorizer(vocab_size=4, length=3).fit(['b a', 'a c', 'c d'])
    >>> v.vocabulary
    ['', '[UNK]', 'a', 'c']
    >>> v.transform(['a b c d', 'c']).tolist()
    [[2, 1, 3], [0, 0, 3]]
    """

    def __init__(
        self, vocab_size: int, length: int, *, truncate: str = "post", pad: str = "pre"
    ) -> None:
        self.vocab_size = _check_count(
            vocab_size,
            "vocab_size",
            3,
            ScanArgumentError,
            "count padding and [UNK] too: e.g. 10000",
        )
        self.length = _check_count(length, "length", 1, ScanArgumentError, "use e.g. 40")
        self.truncate = _check_choice(truncate, "truncate", _ENDS, ScanArgumentError)
        self.pad = _check_choice(pad, "pad", _ENDS, ScanArgumentError)
        self.vocabulary: list[str] = []

    def fit(self, texts: Iterable[str]) -> Vectorizer:
        """Learn the vocabulary from ``texts`` (the training texts only).

        Parameters
        ----------
        texts : sequence of str
            Cleaned texts.

        Returns
        -------
        Vectorizer
            This vectorizer, fitted.
        """
        counts = Counter(token for text in as_texts(texts, "texts") for token in text.split())
        ranked = sorted(counts, key=lambda token: (-counts[token], token))
        self.vocabulary = [*_RESERVED, *ranked[: self.vocab_size - len(_RESERVED)]]
        return self

    def transform(self, texts: Iterable[str]) -> np.ndarray:
        """The ``int32`` matrix ``(len(texts), length)`` of token indices.

        Parameters
        ----------
        texts : sequence of str
            Cleaned texts.

        Returns
        -------
        numpy.ndarray

        Raises
        ------
        ScanArgumentError
            When the vectorizer is not fitted yet.
        """
        if not self.vocabulary:
            raise ScanArgumentError(
                rule_message(
                    "Vectorizer.vocabulary", "must be fitted before transform", [], "call fit first"
                )
            )
        index = {token: i for i, token in enumerate(self.vocabulary) if i >= len(_RESERVED)}
        items = as_texts(texts, "texts")
        matrix = np.full((len(items), self.length), PAD_INDEX, dtype=np.int32)
        for row, text in enumerate(items):
            ids = [index.get(token, OOV_INDEX) for token in text.split()]
            ids = ids[: self.length] if self.truncate == "post" else ids[-self.length :]
            if ids:
                if self.pad == "post":
                    matrix[row, : len(ids)] = ids
                else:
                    matrix[row, self.length - len(ids) :] = ids
        return matrix


class TextPreprocess:
    """The ``Scan(preprocess=...)`` hook for texts: clean, fit a vocabulary, vectorize.

    Per run (and per fold) it reads three params, each with its default when the scan does
    not search it: the vocabulary size (``params[vocab_key]``), the sequence length
    (``params[length_key]``) and the cleaning level (``params[cleaning_key]``, a name of
    :data:`CLEANING`). It cleans both parts, fits a :class:`Vectorizer` on the training texts
    only (a word seen only in validation maps to ``[UNK]``), and returns the two ``int32``
    matrices with the labels unchanged. Plain attributes: it pickles to worker processes and
    Dask.

    Parameters
    ----------
    vocab_size, length : int
        Defaults of the vocabulary size (at least 3) and sequence length (at least 1).
    cleaning : str
        Default cleaning level, a key of :data:`CLEANING`.
    vocab_key, length_key, cleaning_key : str
        The params keys read (:func:`scanlab.text_models.text_classifier` reads the same
        vocabulary and length keys by default).
    truncate, pad : {'post', 'pre'}
        As :class:`Vectorizer`.

    Raises
    ------
    ScanArgumentError, ScanArgumentTypeError
        At construction, for a bad argument. In a run, :class:`~scanlab.errors.ParamsError`
        for a bad params value and ScanArgumentTypeError for data that are not texts (the
        run fails with it).

    Examples
    --------
    >>> hook = TextPreprocess(cleaning='stem')
    >>> x_train, _, x_val, _ = hook(['Dogs running', 'cats'], [0, 1], ['a dog'], [0],
    ...                             {'seq_len': 2, 'vocab_size': 100})
    >>> x_train.tolist(), x_val.tolist()
    ([[3, 4], [0, 2]], [[0, 3]])
    """

    def __init__(
        self,
        *,
        vocab_size: int = DEFAULT_VOCAB_SIZE,
        length: int = DEFAULT_LENGTH,
        cleaning: str = DEFAULT_CLEANING,
        vocab_key: str = VOCAB_KEY,
        length_key: str = LENGTH_KEY,
        cleaning_key: str = CLEANING_KEY,
        truncate: str = "post",
        pad: str = "pre",
    ) -> None:
        checked = Vectorizer(vocab_size, length, truncate=truncate, pad=pad)
        self.vocab_size, self.length = checked.vocab_size, checked.length
        self.truncate, self.pad = checked.truncate, checked.pad
        self.cleaning = _check_choice(cleaning, "cleaning", CLEANING, ScanArgumentError)
        self.vocab_key = _check_key(vocab_key, "vocab_key")
        self.length_key = _check_key(length_key, "length_key")
        self.cleaning_key = _check_key(cleaning_key, "cleaning_key")

    def __repr__(self) -> str:
        return (
            f"TextPreprocess(vocab_size={self.vocab_size}, length={self.length}, "
            f"cleaning={self.cleaning!r}, vocab_key={self.vocab_key!r}, "
            f"length_key={self.length_key!r}, cleaning_key={self.cleaning_key!r})"
        )

    def __call__(
        self, x_train: Any, y_train: Any, x_val: Any, y_val: Any, params: Any
    ) -> tuple[np.ndarray, Any, np.ndarray, Any]:
        """Clean, fit on ``x_train``, vectorize both parts; ``y`` is returned unchanged.

        Parameters
        ----------
        x_train, x_val : sequence of str
            One text per sample.
        y_train, y_val : array-like
            Labels, passed through.
        params : dict
            The run's permutation (only the three keys are read).

        Returns
        -------
        tuple
            ``(x_train, y_train, x_val, y_val)`` with ``int32`` matrices for the texts.
        """
        vocab_size = _check_count(
            params.get(self.vocab_key, self.vocab_size),
            f"params[{self.vocab_key!r}]",
            3,
            ParamsError,
            "the vocabulary counts padding and [UNK]: use e.g. [5000, 10000]",
        )
        length = _check_count(
            params.get(self.length_key, self.length),
            f"params[{self.length_key!r}]",
            1,
            ParamsError,
            "use sequence lengths such as [20, 40]",
        )
        cleaning = _check_choice(
            params.get(self.cleaning_key, self.cleaning),
            f"params[{self.cleaning_key!r}]",
            CLEANING,
            ParamsError,
        )
        train_texts = as_texts(x_train, "x_train")
        val_texts = as_texts(x_val, "x_val")
        options = CLEANING[cleaning]
        vectorizer = Vectorizer(vocab_size, length, truncate=self.truncate, pad=self.pad)
        cleaned_train = clean_texts(train_texts, **options)
        vectorizer.fit(cleaned_train)
        return (
            vectorizer.transform(cleaned_train),
            y_train,
            vectorizer.transform(clean_texts(val_texts, **options)),
            y_val,
        )
