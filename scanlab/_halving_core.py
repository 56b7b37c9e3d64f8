"""The pure parts of budgeted search that :mod:`scanlab.halving`'s schedulers share: argument
checks, rung budgets, Hyperband's brackets, the stream of configurations and the ranking rule.

Nothing here imports Keras or touches a file.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Iterable, Mapping
from fractions import Fraction
from typing import Any, NamedTuple

from scanlab.errors import ParamsError, ScanArgumentError, ScanArgumentTypeError, rule_message
from scanlab.sampling import sample_indices
from scanlab.space import ParamSpace

__all__ = [
    "Config",
    "ConfigStream",
    "Filter",
    "check_epochs",
    "check_epochs_param",
    "check_int",
    "halving_sizes",
    "hyperband_brackets",
    "rank_key",
    "rung_budgets",
]

#: ``keep(params, labels) -> bool``, as :data:`scanlab.schedulers.TaskFilter`.
Filter = Callable[[dict[str, Any], Mapping[str, str]], bool]


def check_int(name: str, value: Any, minimum: int, fix: str) -> int:
    """``value`` as an int >= ``minimum``, or a clear error naming ``name``.

    Parameters
    ----------
    name : str
        The argument's name, for the message.
    value : object
        What the caller passed.
    minimum : int
        The smallest value allowed.
    fix : str
        What to pass instead.

    Returns
    -------
    int

    Raises
    ------
    ScanArgumentTypeError
        When ``value`` is not an int (bool is refused).
    ScanArgumentError
        When it is below ``minimum``.

    Examples
    --------
    >>> check_int('factor', 3, 2, 'use e.g. factor=3')
    3
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ScanArgumentTypeError(rule_message(name, "must be an int", value, fix))
    if value < minimum:
        raise ScanArgumentError(rule_message(name, f"must be >= {minimum}", value, fix))
    return int(value)


def check_epochs(min_epochs: Any, max_epochs: Any, factor: Any) -> tuple[int, int, int]:
    """The rung epochs and factor of a halving scheduler, checked (``max > min >= 1``,
    ``factor >= 2``).

    Parameters
    ----------
    min_epochs, max_epochs, factor : int
        As given.

    Returns
    -------
    tuple of int

    Examples
    --------
    >>> check_epochs(1, 27, 3)
    (1, 27, 3)
    """
    min_epochs = check_int("min_epochs", min_epochs, 1, "use e.g. min_epochs=1")
    max_epochs = check_int("max_epochs", max_epochs, 1, "use e.g. max_epochs=81")
    factor = check_int("factor", factor, 2, "use factor=3 (Li et al.'s default) or 2")
    if max_epochs <= min_epochs:
        raise ScanArgumentError(
            rule_message(
                "max_epochs",
                f"must be > min_epochs={min_epochs} (else there is one rung)",
                max_epochs,
                "raise max_epochs, or scan without a scheduler for a fixed budget",
            )
        )
    return min_epochs, max_epochs, factor


def check_epochs_param(space: ParamSpace) -> None:
    """Refuse a grid whose ``epochs`` has several values: the scheduler sets each rung's epochs.

    Parameters
    ----------
    space : ParamSpace
        The grid.

    Raises
    ------
    ParamsError
        When ``params['epochs']`` holds more than one value.
    """
    values = space.values.get("epochs", [])
    if len(values) > 1:
        raise ParamsError(
            rule_message(
                "params['epochs']",
                "must hold at most one value under budgeted search (the scheduler sets the "
                "epochs of every rung)",
                values,
                "drop 'epochs' from params (or keep one value) and set max_epochs= instead",
            )
        )


def rung_budgets(min_epochs: int, max_epochs: int, factor: int) -> list[int]:
    """Epochs reached at each rung: ``min_epochs * factor**i``, the last capped at ``max_epochs``.

    Parameters
    ----------
    min_epochs, max_epochs, factor : int
        The first rung's epochs, the last rung's epochs, the growth per rung.

    Returns
    -------
    list of int
        Increasing budgets, from ``min_epochs`` to ``max_epochs``.

    Examples
    --------
    >>> rung_budgets(1, 81, 3), rung_budgets(2, 30, 3)
    ([1, 3, 9, 27, 81], [2, 6, 18, 30])
    """
    budgets = [min_epochs]
    while budgets[-1] < max_epochs:
        budgets.append(min(budgets[-1] * factor, max_epochs))
    return budgets


def halving_sizes(n: int, rungs: int, factor: int) -> list[int]:
    """Configurations per rung when each rung keeps ``max(1, n_i // factor)`` of the last.

    Parameters
    ----------
    n : int
        Configurations in rung 0 (0 gives no rung at all).
    rungs : int
        Number of rungs.
    factor : int
        The halving factor.

    Returns
    -------
    list of int
        One size per rung; empty when ``n`` is 0 (no empty rung).

    Examples
    --------
    >>> halving_sizes(81, 5, 3), halving_sizes(5, 5, 3), halving_sizes(0, 5, 3)
    ([81, 27, 9, 3, 1], [5, 1, 1, 1, 1], [])
    """
    if n < 1:
        return []
    sizes = [n]
    for _ in range(rungs - 1):
        sizes.append(max(1, sizes[-1] // factor))
    return sizes


def hyperband_brackets(
    max_epochs: int, factor: int, min_epochs: int = 1
) -> list[tuple[int, list[int]]]:
    """Hyperband's brackets (Li et al., JMLR 2018, Algorithm 1), most aggressive first.

    With ``R = max_epochs / min_epochs``, ``s_max = floor(log_factor R)`` and
    ``B = (s_max + 1) R``, bracket ``s`` (``s_max`` down to 0) starts
    ``n = ceil(B / R * factor**s / (s + 1))`` configurations at ``r = R * factor**-s``; rung
    ``i`` keeps ``floor(n * factor**-i)`` of them for ``r * factor**i`` epochs. Budgets are
    rounded half up to whole epochs (exact when ``R`` is a power of ``factor``).

    Parameters
    ----------
    max_epochs, factor : int
        ``R`` (in epochs) and ``eta``.
    min_epochs : int, default 1
        The smallest budget a rung may have (Algorithm 1's unit of resource).

    Returns
    -------
    list of (int, list of int)
        ``(n, budgets)`` per bracket.

    Examples
    --------
    >>> [(n, budgets[0]) for n, budgets in hyperband_brackets(81, 3)]
    [(81, 1), (34, 3), (15, 9), (8, 27), (5, 81)]
    """
    s_max = 0
    while min_epochs * factor ** (s_max + 1) <= max_epochs:
        s_max += 1
    brackets = []
    for s in range(s_max, -1, -1):
        n = -(-(s_max + 1) * factor**s // (s + 1))  # ceil, in exact integers
        budgets = [
            max(min_epochs, math.floor(Fraction(max_epochs, factor ** (s - i)) + Fraction(1, 2)))
            for i in range(s + 1)
        ]
        brackets.append((n, budgets))
    return brackets


def rank_key(
    row: Mapping[str, Any], metric: str | None, minimize: bool, order: int
) -> tuple[int, float, int]:
    """Sort key of one finished row: best first; failed or non-finite rows last; ties by order.

    Parameters
    ----------
    row : mapping
        The results row (``status`` and the metric's column).
    metric : str or None
        The tracked metric (None is allowed only for a failed row).
    minimize : bool
        Whether lower is better.
    order : int
        When the row was written (earlier wins a tie).

    Returns
    -------
    tuple
        ``(0, signed value, order)`` for a ranked row, ``(1, 0.0, order)`` otherwise.

    Raises
    ------
    RuntimeError
        When an ok row must be ranked before :meth:`set_metric` was called.

    Examples
    --------
    >>> rank_key({'status': 'ok', 'val_acc': 0.9}, 'val_acc', False, 4)
    (0, -0.9, 4)
    >>> rank_key({'status': 'failed'}, 'val_acc', False, 5)
    (1, 0.0, 5)
    """
    if row.get("status") != "ok":
        return (1, 0.0, order)
    if metric is None:
        raise RuntimeError(
            "a successful row must be ranked but the scheduler has no metric: call "
            "scheduler.set_metric(metric, minimize) before telling (or restoring) the first "
            "ok row."
        )
    try:
        value = float(row.get(metric, math.nan))
    except (TypeError, ValueError):
        value = math.nan
    if not math.isfinite(value):
        return (1, 0.0, order)
    return (0, value if minimize else -value, order)


class Config(NamedTuple):
    """One configuration drawn from the sampler: grid index, run id, values and labels."""

    index: int  # type: ignore[assignment]  # the field shadows tuple.index on purpose
    run_id: str
    params: dict[str, Any]
    labels: dict[str, str]


class ConfigStream:
    """Configurations in the sampler's order, without repeats, drawn only when needed.

    A drawn permutation a filter rejects is skipped (counted in ``skipped``) unless its run
    id is in ``keep`` (it has rows on disk, so it was kept when it was first drawn).

    Parameters
    ----------
    space : ParamSpace
        The lazy grid.
    method, seed, expected
        :func:`scanlab.sampling.sample_indices`'s method, seed and expected draws.
    filters : iterable of callable
        ``keep(params, labels) -> bool``.
    on_skip : callable, optional
        Called once per rejected permutation.

    Examples
    --------
    >>> stream = ConfigStream(ParamSpace({'a': [1, 2, 3]}), 'grid', 0, 3)
    >>> stream.get(2).params, stream.get(3)
    ({'a': 3}, None)
    """

    def __init__(
        self,
        space: ParamSpace,
        method: str,
        seed: int,
        expected: int,
        filters: Iterable[Filter] = (),
        on_skip: Callable[[], None] | None = None,
    ) -> None:
        self.space = space
        self._indices = iter(sample_indices(space.shape, method, seed, max(1, expected)))
        self._filters = list(filters)
        self._on_skip = on_skip
        self.configs: list[Config] = []
        self.position: dict[str, int] = {}
        self.keep: set[str] = set()
        self.exhausted = False
        self.skipped = 0

    def get(self, position: int) -> Config | None:
        """The kept configuration at ``position`` (drawing up to it), or None past the grid.

        Parameters
        ----------
        position : int
            0-based position among kept configurations.

        Returns
        -------
        Config or None
        """
        while len(self.configs) <= position and not self.exhausted:
            self._draw()
        return self.configs[position] if position < len(self.configs) else None

    def place(self, run_ids: set[str], limit: int) -> set[str]:
        """Draw until every run id in ``run_ids`` is placed, or ``limit`` configurations kept.

        Parameters
        ----------
        run_ids : set of str
            Run ids with rows on disk; they are kept whatever the filters say.
        limit : int
            The most configurations the scheduler ever draws.

        Returns
        -------
        set of str
            The run ids not found (rows that this scheduler would never draw).
        """
        self.keep |= run_ids
        missing = run_ids - self.position.keys()
        while missing and len(self.configs) < limit and not self.exhausted:
            before = len(self.configs)
            self._draw()
            if len(self.configs) > before:
                missing.discard(self.configs[-1].run_id)
        return missing

    def _draw(self) -> None:
        index = next(self._indices, None)
        if index is None:
            self.exhausted = True
            return
        params, labels, run_id = self.space.decode(index)
        if run_id not in self.keep and not all(keep(params, labels) for keep in self._filters):
            self.skipped += 1
            if self._on_skip is not None:
                self._on_skip()
            return
        self.position[run_id] = len(self.configs)
        self.configs.append(Config(index, run_id, params, labels))
