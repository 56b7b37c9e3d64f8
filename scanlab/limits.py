"""Scan limits with Talos's semantics: fraction_limit, round_limit, time_limit,
performance_target. Everything here is checked before any training starts."""

from __future__ import annotations

import math
import numbers
import time
from datetime import datetime, timedelta
from fractions import Fraction
from typing import Any, NamedTuple

import numpy as np

from scanlab._metric_names import is_loss_like
from scanlab.errors import ScanArgumentError, ScanArgumentTypeError, rule_message

__all__ = ["PerformanceTarget", "parse_deadline", "parse_performance_target", "planned_runs"]


def planned_runs(grid_size: int, fraction_limit: float | None, round_limit: int | None) -> int:
    """How many permutations to draw: the smaller of the two limits, or the whole grid.

    Parameters
    ----------
    grid_size : int
        Number of permutations in the grid.
    fraction_limit : float or None
        Share of the grid, in (0, 1]; the count is floored.
    round_limit : int or None
        Number of runs, at least 1.

    Returns
    -------
    int
        The number of runs to draw.

    Raises
    ------
    ScanArgumentError, ScanArgumentTypeError
        When a limit is malformed or selects no run.

    Examples
    --------
    >>> planned_runs(180_000, 0.01, None), planned_runs(180_000, 0.01, 500)
    (1800, 500)
    """
    n = grid_size
    if fraction_limit is not None:
        if (
            isinstance(fraction_limit, bool)
            or not isinstance(fraction_limit, numbers.Real)
            or not 0 < fraction_limit <= 1
        ):
            raise ScanArgumentError(
                f"fraction_limit must be a fraction of the grid in (0, 1], got "
                f"{fraction_limit!r}. Use e.g. fraction_limit=0.01 for 1% of the permutations."
            )
        # the decimal the user wrote (0.3), not the binary float's exact value (0.2999...)
        share = Fraction(repr(float(fraction_limit)))
        by_fraction = math.floor(share * grid_size)
        if by_fraction < 1:
            raise ScanArgumentError(
                f"fraction_limit={fraction_limit} of a grid of {grid_size:,} permutations "
                f"selects no run (it floors to 0). Use fraction_limit >= "
                f"{_round_up(1 / grid_size)} or round_limit=<number of runs>."
            )
        n = min(n, by_fraction)
    if round_limit is not None:
        if isinstance(round_limit, bool) or not isinstance(round_limit, numbers.Integral):
            raise ScanArgumentTypeError(
                f"round_limit must be an int (number of runs; Talos calls a run a round), got "
                f"{round_limit!r}. Use e.g. round_limit=100."
            )
        if round_limit < 1:
            raise ScanArgumentError(
                f"round_limit={round_limit} selects no run; it must be >= 1 (the grid has "
                f"{grid_size:,} permutations). Fix: use e.g. round_limit=100, or None for "
                f"the whole grid."
            )
        n = min(n, int(round_limit))
    return n


def _round_up(value: float, digits: int = 3) -> str:
    """``value`` rounded *up* to ``digits`` significant digits, as text (0.3333 -> 0.334)."""
    exponent = math.floor(math.log10(value)) - digits + 1
    return repr(
        float(
            Fraction(math.ceil(Fraction(value) / Fraction(10) ** exponent))
            * Fraction(10) ** exponent
        )
    )


def parse_deadline(time_limit: Any, now: datetime | None = None) -> float | None:
    """The deadline as a ``time.time()`` value: no new run starts after it.

    Accepts Talos's ``'YYYY-MM-DD HH:MM'`` string (local time), any ISO-8601 string, a
    ``datetime``, a ``timedelta``, or a number of seconds from now.

    Parameters
    ----------
    time_limit : str, datetime, timedelta, int, float or None
        The limit; a naive date and time is local time.
    now : datetime, optional
        The current time a date is compared with (default: ``datetime.now()``).

    Returns
    -------
    float or None
        The deadline as seconds since the epoch; None when ``time_limit`` is None.

    Raises
    ------
    ScanArgumentError, ScanArgumentTypeError
        When the limit cannot be read or is not in the future.

    Examples
    --------
    >>> parse_deadline(None) is None
    True
    """
    if time_limit is None:
        return None
    now = now or datetime.now()
    if isinstance(time_limit, numbers.Real) and not isinstance(time_limit, bool):
        seconds = float(time_limit)
        if not math.isfinite(seconds):
            raise ScanArgumentError(
                rule_message(
                    "time_limit",
                    "must be a finite number of seconds from now",
                    time_limit,
                    "pass e.g. time_limit=3600 for one hour, or time_limit=None for no limit",
                )
            )
        if seconds <= 0:
            raise ScanArgumentError(
                f"time_limit={time_limit!r} seconds is not in the future; give a positive "
                f"number of seconds or a date like '2026-12-01 18:00'."
            )
        return time.time() + seconds
    if isinstance(time_limit, timedelta):
        return parse_deadline(time_limit.total_seconds(), now)
    if isinstance(time_limit, str):
        try:
            deadline = datetime.fromisoformat(time_limit.strip())
        except ValueError:
            raise ScanArgumentError(
                f"time_limit={time_limit!r} cannot be read as a date and time; use Talos's "
                f"format 'YYYY-MM-DD HH:MM' (e.g. '2026-12-01 18:00'), or seconds from now."
            ) from None
    elif isinstance(time_limit, datetime):
        deadline = time_limit
    else:
        raise ScanArgumentTypeError(
            f"time_limit must be a 'YYYY-MM-DD HH:MM' string, a datetime, a timedelta or "
            f"seconds, got {type(time_limit).__name__} ({time_limit!r}). Fix: pass e.g. "
            f"time_limit='2026-12-01 18:00' or time_limit=3600 (seconds from now)."
        )
    if deadline.tzinfo is None:
        timestamp = deadline.timestamp()  # naive = local time, as Talos reads it
        current = now.timestamp()
    else:
        timestamp, current = deadline.timestamp(), now.astimezone().timestamp()
    if timestamp <= current:
        raise ScanArgumentError(
            f"time_limit={time_limit!r} is in the past (now is "
            f"{now.strftime('%Y-%m-%d %H:%M')}); no run would start. Give a later time."
        )
    return timestamp


class PerformanceTarget(NamedTuple):
    """Stop the scan when a run's final ``metric`` reaches ``value``.

    Parameters
    ----------
    metric : str
        The metric (history key).
    value : float
        The value to reach.
    minimize : bool
        Whether lower is better: reached at ``<= value``, else at ``>= value``.
    """

    metric: str
    value: float
    minimize: bool

    def reached(self, metrics: dict[str, float]) -> bool:
        """True when ``metrics`` meets the target.

        Parameters
        ----------
        metrics : dict
            A run's final metric values, name -> value.

        Returns
        -------
        bool
            Whether the target's metric is present, not NaN, and at or beyond ``value``.
        """
        got = metrics.get(self.metric)
        if got is None or math.isnan(got):
            return False
        return got <= self.value if self.minimize else got >= self.value


def parse_performance_target(target: Any) -> PerformanceTarget | None:
    """Talos's ``[metric, value, minimize]``, or ``(metric, value)`` with the direction
    inferred from the metric's name.

    Parameters
    ----------
    target : list, tuple or None
        ``[metric, value]`` or ``[metric, value, minimize]``.

    Returns
    -------
    PerformanceTarget or None
        The target; None when ``target`` is None.

    Raises
    ------
    ScanArgumentError
        When ``target`` is malformed.
    """
    if target is None:
        return None
    usage = (
        "Use [metric, value] or [metric, value, minimize], e.g. "
        "performance_target=['val_accuracy', 0.97] or ['val_loss', 0.1, True]."
    )
    if not isinstance(target, (list, tuple)) or len(target) not in (2, 3):
        raise ScanArgumentError(f"performance_target={target!r} is malformed. {usage}")
    metric, value = target[0], target[1]
    if (
        not isinstance(metric, str)
        or not metric.strip()
        or isinstance(value, bool)
        or not isinstance(value, numbers.Real)
    ):
        raise ScanArgumentError(
            f"performance_target={target!r} needs a metric name and a number. {usage}"
        )
    if not math.isfinite(value):
        raise ScanArgumentError(
            f"performance_target={target!r} needs a finite value: a run never reaches "
            f"{value!r}. {usage}"
        )
    if len(target) == 3 and not (
        isinstance(target[2], (bool, np.bool_))
        or (isinstance(target[2], numbers.Integral) and target[2] in (0, 1))
    ):
        raise ScanArgumentError(
            f"performance_target={target!r} needs True or False as its third item "
            f"(minimize), got {target[2]!r}. {usage}"
        )
    minimize = bool(target[2]) if len(target) == 3 else is_loss_like(metric)
    return PerformanceTarget(metric, float(value), minimize)
