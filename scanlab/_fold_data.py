"""The data a cross-validated or preprocessed scan hands to its runs: folds and a cache.

:class:`ScanData` travels to every executor in place of a plain
:class:`~scanlab.trial.TrialData` when ``Scan(cv=...)`` or ``Scan(preprocess=...)`` is set.
:func:`scanlab.trial.run_trial` asks it for one run's arrays (:meth:`ScanData.for_run`):
fold ``i``'s training and validation rows of ``x, y`` (the driver computed the folds once,
seeded, so every run sees the same folds), then the user's preprocessing fitted on that
training part, taken from a cache when a run with the same values of the parameters the
preprocessing reads has asked for the same fold before (in this process).

Nothing here imports a deep-learning framework.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from scanlab.data import take
from scanlab.errors import ContractError
from scanlab.trial import TrialData

__all__ = ["PREPROCESS_CACHE_SIZE", "ReadRecorder", "ScanData"]

#: Preprocessed fold data kept per process (least recently used dropped first).
PREPROCESS_CACHE_SIZE = 16


class ReadRecorder(dict):
    """A params dict that records which keys its reader looked at.

    Iterating over it (``keys``, ``items``, ``values``, ``copy``, ``**``) counts as reading
    every key.

    Parameters
    ----------
    params : dict
        The permutation.

    Examples
    --------
    >>> p = ReadRecorder({'max_tokens': 100, 'lr': 0.1})
    >>> p['max_tokens'], p.get('seq_len', 20)
    (100, 20)
    >>> sorted(p.read)
    ['max_tokens', 'seq_len']
    """

    def __init__(self, params: dict[str, Any]) -> None:
        super().__init__(params)
        self.read: set[str] = set()

    def __getitem__(self, key: Any) -> Any:
        self.read.add(key)
        return super().__getitem__(key)

    def get(self, key: Any, default: Any = None) -> Any:
        self.read.add(key)
        return super().get(key, default)

    def __contains__(self, key: object) -> bool:
        self.read.add(key)  # type: ignore[arg-type]
        return super().__contains__(key)

    def _everything(self) -> None:
        self.read.update(super().keys())

    def keys(self) -> Any:
        self._everything()
        return super().keys()

    def items(self) -> Any:
        self._everything()
        return super().items()

    def values(self) -> Any:
        self._everything()
        return super().values()

    def __iter__(self) -> Iterator[Any]:
        self._everything()
        return super().__iter__()

    def copy(self) -> dict[str, Any]:
        self._everything()
        return dict(super().items())


_MISSING = ("missing",)  # a key the preprocessing read that the permutation lacks


def _cache_key(value: Any) -> Any:
    """A hashable stand-in for a parameter value (its repr when it is not hashable)."""
    try:
        hash(value)
    except TypeError:
        return ("repr", repr(value))
    return (type(value).__qualname__, value)


class ScanData:
    """Training data split into folds (or one fixed split), with cached preprocessing.

    Parameters
    ----------
    base : TrialData
        The fixed split, or for cross-validation ``TrialData(x, y, None, None)``.
    folds : tuple of (train rows, validation rows), optional
        Row positions of each fold (``Scan(cv=...)``); None: the fixed split.
    preprocess : callable, optional
        ``preprocess(x_train, y_train, x_val, y_val, params) -> (x_train, y_train, x_val,
        y_val)``, fitted on the training part only.
    cache_size : int
        Preprocessed datasets kept in memory per process.

    Examples
    --------
    >>> x, y = np.arange(10).reshape(-1, 1), np.arange(10) % 2
    >>> folds = ((np.arange(5, 10), np.arange(5)), (np.arange(5), np.arange(5, 10)))
    >>> calls = []
    >>> def scale(x_train, y_train, x_val, y_val, params):
    ...     calls.append(params['shift'])
    ...     return x_train + params['shift'], y_train, x_val + params['shift'], y_val
    >>> data = ScanData(TrialData(x, y, None, None), folds, scale)
    >>> data.for_run(1, {'shift': 100, 'lr': 0.1}).x_val[:2].ravel().tolist()
    [105, 106]
    >>> _ = data.for_run(1, {'shift': 100, 'lr': 0.01})  # lr is not read: cached
    >>> calls, data.cache_info()
    ([100], {'calls': 1, 'hits': 1, 'seconds': ...})
    """

    def __init__(
        self,
        base: TrialData,
        folds: tuple[tuple[np.ndarray, np.ndarray], ...] | None = None,
        preprocess: Callable[..., Any] | None = None,
        cache_size: int = PREPROCESS_CACHE_SIZE,
    ) -> None:
        self.base = base
        self.folds = folds
        self.preprocess = preprocess
        self.cache_size = cache_size
        self._reset_cache()

    def _reset_cache(self) -> None:
        self._cache: OrderedDict[tuple, TrialData] = OrderedDict()
        self._read_sets: dict[int | None, list[tuple[str, ...]]] = {}
        self._calls = self._hits = 0
        self._seconds = 0.0
        #: how the last :meth:`for_run` got its data: ``{'cached': bool, 'seconds': float}``
        self.last: dict[str, Any] | None = None

    def __getstate__(self) -> dict[str, Any]:  # the cache stays in the process that built it
        return {k: getattr(self, k) for k in ("base", "folds", "preprocess", "cache_size")}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._reset_cache()

    @property
    def n_folds(self) -> int | None:
        """Number of folds (None: a fixed split)."""
        return None if self.folds is None else len(self.folds)

    def fold(self, fold: int | None) -> TrialData:
        """Fold ``fold``'s arrays before preprocessing (None: the fixed split)."""
        if self.folds is None or fold is None:
            return self.base
        train, val = self.folds[fold]
        x, y = self.base.x_train, self.base.y_train
        return TrialData(take(x, train), take(y, train), take(x, val), take(y, val))

    def for_run(self, fold: int | None, params: dict[str, Any]) -> TrialData:
        """The arrays one run trains on: fold ``fold``, preprocessed for ``params``.

        Parameters
        ----------
        fold : int or None
            The fold (None: the fixed split, or every fold of a round without folds).
        params : dict
            The permutation.

        Returns
        -------
        TrialData

        Raises
        ------
        ContractError
            When the preprocessing does not return four arrays (the run fails with it).
        """
        if self.folds is not None and fold is None:
            raise ValueError("a cross-validated scan runs one fold at a time: fold is None")
        if self.preprocess is None:
            return self.fold(fold)
        for read in self._read_sets.get(fold, []):
            key = self._key(fold, read, params)
            if key in self._cache:
                self._cache.move_to_end(key)
                self._hits += 1
                self.last = {"cached": True, "seconds": 0.0}
                return self._cache[key]
        recorder = ReadRecorder(dict(params))
        started = time.perf_counter()
        returned = self.preprocess(*self.fold(fold), recorder)
        seconds = time.perf_counter() - started
        self._seconds += seconds
        self._calls += 1
        self.last = {"cached": False, "seconds": round(seconds, 4)}
        if not isinstance(returned, (tuple, list)) or len(returned) != 4:
            raise ContractError(
                f"preprocess must return (x_train, y_train, x_val, y_val), got "
                f"{type(returned).__name__}"
                + (f" of length {len(returned)}" if isinstance(returned, (tuple, list)) else "")
                + ". Fix: end the preprocess function with return x_train, y_train, x_val, y_val."
            )
        data = TrialData(*returned)
        read = tuple(sorted(map(str, recorder.read)))
        if read not in self._read_sets.setdefault(fold, []):
            self._read_sets[fold].append(read)
        key = self._key(fold, read, params)
        if self.cache_size > 0:
            self._cache[key] = data
            while len(self._cache) > self.cache_size:
                self._cache.popitem(last=False)
        return data

    @staticmethod
    def _key(fold: int | None, read: tuple[str, ...], params: dict[str, Any]) -> tuple:
        return (fold, read, tuple(_cache_key(params.get(name, _MISSING)) for name in read))

    def cache_info(self) -> dict[str, Any]:
        """Preprocessing calls, cache hits and seconds spent preprocessing, in this process.

        Returns
        -------
        dict
            ``{'calls': int, 'hits': int, 'seconds': float}``.
        """
        return {"calls": self._calls, "hits": self._hits, "seconds": round(self._seconds, 4)}
