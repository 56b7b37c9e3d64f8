"""The one shape every text dataset loader returns: texts, class indices and class names."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, NamedTuple

import numpy as np

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["TextData", "text_data_from_names"]


class TextData(NamedTuple):
    """Labelled texts: ``texts[i]`` belongs to class ``classes[labels[i]]``.

    Every loader of :mod:`scanlab.datasets` returns one. The class names are sorted, so the
    same files give the same indices on every machine (never the file system's order).
    Being a tuple, ``len(data)`` is 3: the number of examples is ``len(data.texts)``.

    Attributes
    ----------
    texts : ndarray of object, shape (n,)
        The texts, each a ``str``.
    labels : ndarray of int64, shape (n,)
        Class indices into ``classes``.
    classes : tuple of str
        The class names, sorted.

    Examples
    --------
    >>> data = text_data_from_names(['good', 'bad', 'fine'], ['pos', 'neg', 'pos'])
    >>> data.classes, data.labels.tolist()
    (('neg', 'pos'), [1, 0, 1])
    >>> data.subset([0, 2]).texts.tolist()
    ['good', 'fine']
    """

    texts: np.ndarray
    labels: np.ndarray
    classes: tuple[str, ...]

    def counts(self) -> pd.Series:
        """How many texts each class has, in class order (zero for a class with none).

        Returns
        -------
        pandas.Series
            Class name -> number of texts, indexed by ``classes``.

        Examples
        --------
        >>> text_data_from_names(['a', 'b', 'c'], ['x', 'y', 'x']).counts().to_dict()
        {'x': 2, 'y': 1}
        """
        import pandas as pd

        counts = np.bincount(self.labels, minlength=len(self.classes))
        return pd.Series(counts, index=pd.Index(self.classes, name="class"), name="count")

    def subset(self, indices: Iterable[int] | np.ndarray) -> TextData:
        """The texts at ``indices`` (positions or a boolean mask), with the same classes.

        Parameters
        ----------
        indices : sequence of int or boolean mask
            Which texts to keep, as numpy indexes ``texts``.

        Returns
        -------
        TextData
            New arrays; ``classes`` unchanged, so labels keep their meaning even when a class
            has no text left.

        Examples
        --------
        >>> data = text_data_from_names(['a', 'b', 'c'], ['x', 'y', 'x'])
        >>> part = data.subset(data.labels == 0)
        >>> part.texts.tolist(), part.classes
        (['a', 'c'], ('x', 'y'))
        """
        index = np.asarray(list(indices) if not isinstance(indices, np.ndarray) else indices)
        if index.size == 0:
            index = index.astype(np.intp)
        return TextData(self.texts[index], self.labels[index], self.classes)


def text_data_from_names(
    texts: Iterable[str], names: Iterable[str], classes: Iterable[str] | None = None
) -> TextData:
    """Build a :class:`TextData` from texts and their class names.

    Parameters
    ----------
    texts : iterable of str
        The texts.
    names : iterable of str
        The class name of each text, as long as ``texts``.
    classes : iterable of str, optional
        All class names (sorted here); default: the distinct ``names``. Pass it to share one
        class list between splits where a split may lack a class.

    Returns
    -------
    TextData
        Fresh arrays: an object array of texts, int64 indices into the sorted class names.

    Examples
    --------
    >>> text_data_from_names(['hi'], ['b'], classes=['b', 'a']).classes
    ('a', 'b')
    """
    text_list = list(texts)
    text_array = np.empty(len(text_list), dtype=object)
    text_array[:] = text_list
    name_list = list(names)
    if len(name_list) != len(text_list):
        raise ValueError(f"{len(text_list)} texts but {len(name_list)} class names")
    known = sorted(set(name_list) if classes is None else set(classes))
    position = {name: i for i, name in enumerate(known)}
    unknown = sorted(set(name_list) - set(position))
    if unknown:
        raise ValueError(f"class names {unknown} are not in classes {known}")
    labels = np.fromiter((position[n] for n in name_list), dtype=np.int64, count=len(name_list))
    return TextData(text_array, labels, tuple(known))
