"""Talos's ``Analyze`` (and its other name ``Reporting``): Talos's methods with Talos's
results, plus every method of :class:`scanlab.Analyze` under its own name.

Talos's methods work on ``data`` in Talos's layout and give the numbers Talos gives for the
same results file (``correlate`` is Pearson over every numeric column, ``high`` is the
largest value whatever the metric, ``best_params`` follows the params dict's order and ends
with Talos's ``index_num``). Talos's ``acc`` / ``val_acc`` also find Keras's ``accuracy`` /
``val_accuracy``. Anything else (``report``, ``importance``, ``suggest``-style analysis, the
rank correlations) is :class:`scanlab.Analyze`'s, reachable as ``a.scanlab`` and, for names
Talos does not use, directly on this object.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from scanlab._schema import RESERVED_COLUMNS
from scanlab.analyze import Analyze as ScanlabAnalyze
from scanlab.errors import ScanArgumentError
from scanlab.talos._analyze_plots import TalosPlots, excluded

__all__ = ["Analyze", "Reporting"]


class Analyze(TalosPlots):
    """Analyse a scan the Talos way.

    Parameters
    ----------
    source : talos.Scan, scanlab.Scan, DataFrame, str or path
        A scan, a table of runs in Talos's layout, a Talos ``results.csv`` (its
        ``metadata.json`` beside it names the parameters), or a scanlab results CSV, round
        or experiment folder.

    Attributes
    ----------
    data : DataFrame
        The successful runs in Talos's layout.
    params : list of str
        The parameter columns, in the params dict's order when known.
    scanlab : scanlab.Analyze
        scanlab's analysis of the same runs (``report``, ``importance``, ...).

    Examples
    --------
    >>> df = pd.DataFrame({'lr': [0.1, 0.01, 0.001], 'val_acc': [0.5, 0.9, 0.7]})
    >>> a = Analyze(df)
    >>> float(a.high('val_acc')), a.rounds(), int(a.rounds2high('val_acc'))
    (0.9, 3, 1)
    >>> a.best_params('val_acc', ['val_acc'], n=2).tolist()
    [[0.01, 0.0], [0.001, 1.0]]
    """

    def __init__(self, source: Any = None) -> None:
        self.data, self.params, scanlab_source = _read(source)
        self._scanlab_source = scanlab_source
        self._scanlab: ScanlabAnalyze | None = None

    @property
    def scanlab(self) -> ScanlabAnalyze:
        """scanlab's :class:`~scanlab.Analyze` of the same runs (built when first used)."""
        if self._scanlab is None:
            self._scanlab = ScanlabAnalyze(self._scanlab_source)
        return self._scanlab

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_") or name in ("data", "params"):
            raise AttributeError(name)
        return getattr(self.scanlab, name)

    # ---- Talos's methods --------------------------------------------------------------------

    def high(self, metric: str) -> Any:
        """The largest value of ``metric`` (Talos: whatever the metric's direction)."""
        return self.data[self._column(metric)].max()

    def low(self, metric: str) -> Any:
        """The smallest value of ``metric``."""
        return self.data[self._column(metric)].min()

    def rounds(self) -> int:
        """How many runs there are."""
        return len(self.data)

    def rounds2high(self, metric: str) -> Any:
        """The row (index label) of the largest value of ``metric``."""
        return self.data[self._column(metric)].idxmax()

    def correlate(self, metric: str, exclude: Iterable[str] = (), method: str = "pearson") -> Any:
        """Correlation of every numeric column (``exclude`` left out) with ``metric``.

        Parameters
        ----------
        metric : str
            The column correlated with.
        exclude : iterable of str
            Columns to leave out.
        method : {'pearson', 'spearman', 'kendall'}
            Talos's default is Pearson; scanlab's ``a.scanlab.correlate`` ranks values and
            handles string parameters.

        Returns
        -------
        Series
            Indexed by column, ``metric`` itself dropped.
        """
        metric = self._column(metric)
        columns = [c for c in self.data if c not in excluded(exclude)]
        corr = self.data[columns].corr(method=method, numeric_only=True)
        return corr[metric].drop(metric)

    def table(
        self,
        metric: str | Sequence[str],
        exclude: Iterable[str] | None = None,
        sort_by: str | None = None,
        ascending: bool = False,
    ) -> pd.DataFrame:
        """The runs, ``metric`` first, sorted by ``sort_by`` (default: ``metric``).

        Returns
        -------
        DataFrame
        """
        columns = self._columns(metric, exclude or [])
        return self.data[columns].sort_values(
            self._column(sort_by or columns[0]), ascending=ascending
        )

    def best_params(
        self, metric: str, exclude: Iterable[str] = (), n: int = 10, ascending: bool = False
    ) -> np.ndarray:
        """The parameter values of the ``n`` best runs (best first), then ``index_num``.

        Parameters
        ----------
        metric : str
            Column to rank by.
        exclude : iterable of str
            Columns to leave out.
        n : int
            How many runs.
        ascending : bool
            True ranks the smallest values first.

        Returns
        -------
        ndarray
            One row per run: the parameters in the params dict's order (every other
            non-excluded column when the parameters are unknown), and the rank 0..n-1.
        """
        metric = self._column(metric)
        if self.params is not None:
            ranked = self.data.sort_values(metric, ascending=ascending, kind="stable")
            columns = [c for c in self.params if c not in excluded(exclude)]
        else:  # Talos ranks with pandas' default sort here (ties in its order, not run order)
            ranked = self.table(metric, exclude, ascending=ascending)
            columns = [c for c in ranked.columns if c != metric]
        out = ranked[columns].head(n).copy()
        out["index_num"] = range(len(out))
        return out.to_numpy()

    # ---- helpers ----------------------------------------------------------------------------

    def __repr__(self) -> str:
        return f"talos.Analyze({len(self.data)} runs)"


#: Talos 2.0.10's other name for Analyze.
Reporting = Analyze


def _read(source: Any) -> tuple[pd.DataFrame, list[str] | None, Any]:
    """Talos-layout data, the parameter columns (or None) and what scanlab.Analyze reads."""
    from scanlab.scan import Scan as ScanlabScan
    from scanlab.talos._scan import Scan as TalosScan

    if isinstance(source, TalosScan):
        params = [c for c in source.data.columns if c in source.scan.space.names]
        return source.data, params, source.scan
    if isinstance(source, ScanlabScan):
        return _from_scanlab(source), list(source.space.names), source
    if isinstance(source, pd.DataFrame):
        return source, None, source
    if isinstance(source, (str, Path)):
        path = Path(source)
        if path.is_file() and _is_talos_csv(path):
            return pd.read_csv(path), _talos_params(path), path
        from scanlab.results import read_results

        results = read_results(path)
        return (
            _from_scanlab(results.data, results.params, results.metrics),
            list(results.params),
            path,
        )
    raise ScanArgumentError(
        f"Analyze needs a Scan, a DataFrame of runs or the path of a results file or folder, "
        f"got {type(source).__name__}. Fix: pass e.g. Analyze(scan) or Analyze('results/iris')."
    )


def _is_talos_csv(path: Path) -> bool:
    with open(path, encoding="utf-8", errors="replace") as handle:
        header = handle.readline().strip().split(",")
    return "round_epochs" in header and "status" not in header


def _talos_params(path: Path) -> list[str] | None:
    """The parameter columns Talos recorded beside its results.csv (plain JSON, read only)."""
    metadata = path.resolve().parent / "metadata.json"
    if not metadata.is_file():
        return None
    try:
        recorded = json.loads(metadata.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    columns = recorded.get("parameter_columns")
    if not isinstance(columns, dict):
        return None
    return [str(columns[key]) for key in recorded.get("params", columns) if key in columns]


def _from_scanlab(
    source: Any, params: Sequence[str] | None = None, metrics: Sequence[str] | None = None
) -> pd.DataFrame:
    """A scanlab table (or Scan) in Talos's layout: successful runs, Talos's first columns."""
    frame = source.data if hasattr(source, "data") else source
    if params is None:
        params = list(source.space.names)
    ok = frame[frame["status"] == "ok"] if "status" in frame else frame
    if metrics is None:
        metrics = sorted(c for c in ok.columns if c not in RESERVED_COLUMNS and c not in params)
    out = pd.DataFrame(
        {
            "start": ok.get("start"),
            "end": ok.get("end"),
            "duration": ok.get("duration_s"),
            "round_epochs": ok.get("epochs_run"),
        },
        index=ok.index,
    )
    extra = [c for c in ("round",) if c in ok and ok[c].nunique() > 1]
    return pd.concat([out, ok[list(metrics)], ok[list(params) + extra]], axis=1).reset_index(
        drop=True
    )
