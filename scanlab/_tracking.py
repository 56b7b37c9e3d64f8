"""The metric a scan tracks: which one, its best value so far, each run's best epoch, and
the progress bar that shows it.

The rules for names, directions and the default come from :mod:`scanlab._metric_names`; this
module applies them to a scan: the metric named by the user, else the one a resumed round
recorded in its manifest, else the rulebook's default (``val_loss`` for a round written before
manifests recorded the metric, whose ``best_value`` column was computed on it).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

from scanlab._metric_names import default_metric, resolve_metric
from scanlab._schema import RESERVED_COLUMNS
from scanlab.errors import ContractError, ParamsError

__all__ = [
    "BestSoFar",
    "best_epoch",
    "check_history_keys",
    "choose_metric",
    "progress_bar",
    "shrink",
]


def check_history_keys(param_names: Iterable[str], available: Iterable[str]) -> None:
    """Refuse history keys that are also params keys or bookkeeping columns (``run_id``,
    ``status``, ...): their results columns would collide.

    Parameters
    ----------
    param_names, available : iterable of str
        The parameter names and the first successful run's history keys.

    Raises
    ------
    ParamsError
        Naming the keys and how to rename them.
    """
    keys = {str(k) for k in available}
    clash = sorted(set(param_names) & keys)
    if clash:
        raise ParamsError(
            f"params keys {clash} are also history keys of the model, so their results "
            f"columns would collide. Rename the parameters (e.g. {clash[0] + '_param'!r})."
        )
    reserved = sorted(RESERVED_COLUMNS & keys)
    if reserved:
        raise ContractError(
            f"the model's history has keys {reserved}, which are scanlab's own results "
            f"columns. Fix: rename those metrics (e.g. {reserved[0] + '_metric'!r}), for "
            f"example with model.compile(metrics=[...name=...]) or a callback's name."
        )


def choose_metric(
    available: Sequence[str], asked: str | None, recorded: object, written_before_metrics: bool
) -> str:
    """The metric to track.

    Parameters
    ----------
    available : sequence of str
        The history keys of the first successful run.
    asked : str or None
        The user's ``metric`` (Talos aliases accepted).
    recorded : object
        The ``metric`` a resumed round's manifest recorded, if any.
    written_before_metrics : bool
        The round was resumed from a manifest that records no metric (scanlab 0.1).

    Returns
    -------
    str

    Examples
    --------
    >>> keys = ['loss', 'val_loss', 'accuracy', 'val_accuracy']
    >>> choose_metric(keys, None, None, False), choose_metric(keys, None, None, True)
    ('val_accuracy', 'val_loss')
    >>> choose_metric(keys, 'acc', 'val_loss', False), choose_metric(keys, None, 'loss', False)
    ('accuracy', 'loss')
    """
    if asked:
        return resolve_metric(asked, available, "metric")
    if isinstance(recorded, str) and recorded in available:
        return recorded  # a resumed round keeps what its rows were built on
    if written_before_metrics:
        return next((m for m in ("val_loss", "loss") if m in available), default_metric(available))
    return default_metric(available)


def best_epoch(series: Sequence[float], minimize: bool | None) -> tuple[float | None, int | None]:
    """The best finite value of a per-epoch series and its 1-based epoch (None, None if none).

    Parameters
    ----------
    series : sequence of float
        The tracked metric, epoch by epoch.
    minimize : bool or None
        Whether lower is better.

    Returns
    -------
    tuple
        ``(best_value, best_epoch)``.

    Examples
    --------
    >>> best_epoch([0.5, 0.3, float('nan'), 0.4], minimize=True)
    (0.3, 2)
    """
    finite = [(v, i) for i, v in enumerate(series, 1) if math.isfinite(v)]
    if not finite:
        return None, None
    return (min if minimize else max)(finite)


class BestSoFar:
    """The best value of the tracked metric over the runs so far (None while all are NaN).

    Examples
    --------
    >>> best = BestSoFar()
    >>> best.update([0.2, float('nan')], minimize=False); best.update([0.5], minimize=False)
    >>> best.value
    0.5
    """

    def __init__(self) -> None:
        self.value: float | None = None

    def update(self, values: Iterable[float | None], minimize: bool | None) -> None:
        """Take ``values`` into account (None and NaN are skipped).

        Parameters
        ----------
        values : iterable of float or None
            New values of the tracked metric.
        minimize : bool or None
            Whether lower is better.
        """
        finite = [v for v in values if v is not None and not math.isnan(v)]
        if self.value is not None:
            finite.append(self.value)
        if finite:
            self.value = min(finite) if minimize else max(finite)


def progress_bar(settings: Any, round_number: int, initial: int, total: int | None = None) -> Any:
    """The scan's progress bar (tqdm: terminal or Jupyter), disabled when asked.

    Parameters
    ----------
    settings : ScanSettings
        Its ``planned`` runs, ``experiment_name`` and ``disable_progress_bar``.
    round_number : int
        The round, shown in the bar's title.
    initial : int
        Runs already done (a resume).
    total : int, optional
        Rows the round plans (budgeted search: one per run and rung); default ``planned``.

    Returns
    -------
    tqdm
    """
    from tqdm.auto import tqdm

    if total is None:
        total = settings.planned if settings.planned < 10**15 else None
    return tqdm(
        total=total,
        initial=initial,
        disable=settings.disable_progress_bar,
        unit="run",
        desc=f"{settings.experiment_name} round {round_number}",
        dynamic_ncols=True,
    )


def shrink(bar: Any) -> None:
    """One planned run will not happen (filtered out): shorten the progress bar."""
    if bar.total is not None:
        bar.total -= 1
        bar.refresh()
