"""Seeded samplers over the indices of a lazy grid.

Every sampler is a generator of distinct grid indices whose sequence depends only on the
grid's shape, the method, the seed and the expected number of draws. Drawing k indices costs
O(k) time and memory whatever the grid size (10^30 permutations included): the uniform
sampler is a sparse Fisher-Yates shuffle, and the quasi-random samplers (Sobol, Halton, Latin
hypercube) draw points per parameter dimension and map each point to one grid index.
"""

from __future__ import annotations

import math
import random
import warnings
from collections.abc import Iterator, Sequence

import numpy as np

from scanlab.errors import ScanArgumentError

__all__ = ["METHODS", "TALOS_ALIASES", "UNSUPPORTED", "resolve_method", "sample_indices"]

METHODS = ("uniform", "sobol", "halton", "latin", "korobov", "grid")

# Talos's random_method names, mapped to the scanlab sampler that means the same thing.
TALOS_ALIASES = {
    "uniform_mersenne": "uniform",
    "uniform_crypto": "uniform",
    "latin_matrix": "latin",
    "latin_sudoku": "latin",
    "latin_improved": "latin",
    "korobov_matrix": "korobov",
}
# Talos methods that scanlab does not offer, with the advice given instead.
UNSUPPORTED = {
    "quantum": "it draws from a web service, and scans here must repeat from a seed",
    "ambience": "it draws from a web service, and scans here must repeat from a seed",
}

# Largest batch a quasi-random engine draws at once (bounds memory for huge scans).
_MAX_BATCH = 65_536


def resolve_method(random_method: str) -> str:
    """Map a ``random_method`` (scanlab or Talos name) to a scanlab sampler name.

    Parameters
    ----------
    random_method : str
        A scanlab sampler name or a Talos ``random_method`` name (any case).

    Returns
    -------
    str
        One of :data:`METHODS`.

    Raises
    ------
    ScanArgumentError
        When the name is unknown or names a Talos method scanlab does not offer.

    Examples
    --------
    >>> resolve_method('uniform_mersenne'), resolve_method('sobol')
    ('uniform', 'sobol')
    """
    if not isinstance(random_method, str):
        raise ScanArgumentError(
            f"random_method must be a string, one of {list(METHODS)}, got {random_method!r}. "
            f"Fix: use e.g. random_method='uniform' (or a Talos name such as "
            f"'uniform_mersenne')."
        )
    name = random_method.lower()
    if name in METHODS:
        return name
    if name in TALOS_ALIASES:
        return TALOS_ALIASES[name]
    if name in UNSUPPORTED:
        raise ScanArgumentError(
            f"random_method={random_method!r} is not supported: {UNSUPPORTED[name]}. "
            f"Use one of {list(METHODS)} (e.g. 'uniform' or 'sobol')."
        )
    known = list(METHODS) + sorted(TALOS_ALIASES)
    raise ScanArgumentError(
        f"random_method={random_method!r} is unknown. Use one of {known} (Fix: check the "
        f"spelling, e.g. random_method='uniform')."
    )


def sample_indices(
    shape: Sequence[int], method: str = "uniform", seed: int = 0, expected: int | None = None
) -> Iterator[int]:
    """Yield distinct grid indices of a grid with ``shape`` values per parameter.

    Parameters
    ----------
    shape : sequence of int
        Number of values of each parameter, in the grid's parameter order.
    method : str
        One of ``uniform``, ``sobol``, ``halton``, ``latin``, ``korobov``, ``grid``.
    seed : int
        The sequence is a function of (shape, method, seed, expected).
    expected : int, optional
        How many indices the caller plans to draw; the Latin hypercube stratifies over this
        many points.

    Returns
    -------
    iterator of int
        Distinct indices in ``range(prod(shape))``, in the sampler's order.

    Examples
    --------
    >>> from itertools import islice
    >>> list(islice(sample_indices([10, 10], 'uniform', seed=1), 3))
    [17, 73, 99]
    """
    size = math.prod(shape)
    if method == "grid":
        return iter(range(size))
    if method == "uniform":
        return _uniform(size, seed)
    if method == "korobov":
        return _korobov(size)
    if method in ("sobol", "halton", "latin"):
        return _quasi_random(list(shape), method, seed, expected or size)
    raise ScanArgumentError(
        f"sampler method {method!r} is unknown; it must be one of {list(METHODS)}. Fix: map "
        f"a Talos name first with resolve_method({method!r})."
    )


def _uniform(size: int, seed: int) -> Iterator[int]:
    """Sparse Fisher-Yates: a random permutation of range(size), O(k) for the first k."""
    rng = random.Random(seed)
    moved: dict[int, int] = {}  # position -> value, for positions the shuffle has touched
    for i in range(size):
        j = rng.randrange(i, size)
        value_j = moved.pop(j, j)
        if j != i:
            moved[j] = moved.pop(i, i)
        else:
            moved.pop(i, None)
        yield value_j


def _korobov(size: int) -> Iterator[int]:
    """A rank-1 (Korobov) lattice over the flattened grid: ``i * g mod size``, O(1) per index.

    The generator ``g`` is the first integer from ``size`` times the golden ratio's fractional
    part (0.618...) that is coprime with ``size``, so the walk visits every index once and
    consecutive runs land far apart in the grid. It does not depend on the seed (Talos's
    ``korobov_matrix``).
    """
    g = max(1, int(size * 0.6180339887498949))
    while math.gcd(g, size) != 1:
        g += 1
    return (i * g % size for i in range(size))


def _quasi_random(shape: list[int], method: str, seed: int, expected: int) -> Iterator[int]:
    """Low-discrepancy points per dimension, mapped to grid indices; duplicates skipped.

    Only parameters with more than one value are dimensions of the point set. When the
    engine stops finding new indices (a nearly exhausted grid), a seeded uniform sequence
    fills in the rest, so every index is reachable.
    """
    size = math.prod(shape)
    strides = [math.prod(shape[j + 1 :]) for j in range(len(shape))]
    dims = [j for j, n in enumerate(shape) if n > 1]
    if not dims:
        yield 0
        return
    counts = np.array([shape[j] for j in dims], dtype=np.int64)
    groups = _int64_groups([shape[j] for j in dims])
    engine = _engine(method, len(dims), seed)
    seen: set[int] = set()
    batch = max(1, min(expected, _MAX_BATCH))
    while len(seen) < size:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # Sobol warns when a batch is not a power of 2
            points = engine.random(batch)
        digits = np.minimum((points * counts).astype(np.int64), counts - 1)
        indices = _encode(digits, groups, [strides[j] for j in dims])
        new = 0
        for index in indices:
            if index not in seen:
                seen.add(index)
                new += 1
                yield index
        if new * 20 < batch:  # fewer than 5% new: the grid is nearly exhausted
            break
        if method == "latin":
            # A Latin hypercube stratifies one batch; later batches only fill gaps.
            engine = _engine(method, len(dims), seed + len(seen))
    for index in _uniform(size, seed):
        if index not in seen:
            seen.add(index)
            yield index


def _int64_groups(counts: list[int]) -> list[slice]:
    """Split dimensions into runs whose sub-grid fits in int64, for vectorized encoding."""
    groups, start, product = [], 0, 1
    for j, n in enumerate(counts):
        if product * n >= 2**62:
            groups.append(slice(start, j))
            start, product = j, 1
        product *= n
    groups.append(slice(start, len(counts)))
    return groups


def _encode(digits: np.ndarray, groups: list[slice], strides: list[int]) -> list[int]:
    """Grid indices (exact Python ints) of rows of value indices."""
    total: list[int] | None = None
    for group in groups:
        local = np.array(strides[group], dtype=object) // strides[group][-1]
        part = (digits[:, group] @ local.astype(np.int64)).tolist()
        scale = strides[group][-1]
        if total is None:
            total = [p * scale for p in part] if scale != 1 else part
        else:
            total = [t + p * scale for t, p in zip(total, part, strict=True)]
    return total or []


def _engine(method: str, d: int, seed: int):
    from scipy.stats import qmc

    if method == "sobol":
        return qmc.Sobol(d, scramble=True, rng=seed)
    if method == "halton":
        return qmc.Halton(d, scramble=True, rng=seed)
    return qmc.LatinHypercube(d, rng=seed)
