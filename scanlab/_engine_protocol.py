"""What the round loops (:mod:`scanlab._engine_plain`, :mod:`scanlab._engine_budget`) use of
the engine (:class:`scanlab._engine._Engine`): written as a protocol, so that the loops do not
import the engine that imports them."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, Protocol

import pandas as pd

from scanlab._reduction import AutoReduction
from scanlab._reuse import RoundReuse
from scanlab._round_state import ScanOutcome
from scanlab._settings import ScanSettings
from scanlab.limits import PerformanceTarget
from scanlab.trial import Task

__all__ = ["RoundEngine"]


class RoundEngine(Protocol):
    """One round's engine, as its loop sees it: the settings and outcome, the tracking state,
    and the steps of the loop (keep the rows, hand out tasks, run them, check the round)."""

    settings: ScanSettings
    outcome: ScanOutcome
    target: PerformanceTarget | None
    reduction: AutoReduction | None
    reuse: RoundReuse | None
    ranked: Any
    continued: bool
    after_row: Callable[[Task, dict[str, Any]], None] | None

    def keep_rows(
        self, existing: pd.DataFrame, keys: pd.Series
    ) -> tuple[set[str], set[str], pd.DataFrame, pd.DataFrame]:
        """Split the round's rows: kept, and failed ones to train again."""
        ...

    def hand_out(self, tasks: Iterator[Task], bar: Any) -> Iterator[Task]:
        """The tasks until the deadline."""
        ...

    def run_tasks(self, executor: Any, tasks: Iterator[Task], scheduler: Any, bar: Any) -> None:
        """Run the tasks; write and tell each row."""
        ...

    def check_round(self, scheduler: Any, done: set[str], failed: set[str], idle: bool) -> None:
        """Raise when the round ends without an ok run; say what happened."""
        ...

    def resolve_metrics(self, available: Any) -> None:
        """Resolve the tracked metric from the keys of an ok row."""
        ...

    def track(self, metrics: dict[str, Any], bar: Any) -> None:
        """Update the best value so far."""
        ...
