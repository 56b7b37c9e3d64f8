"""Talos's ``Analyze.plot_*`` methods: each draws on a new figure and returns its Axes
(``plot_bars`` returns the Figure), as Talos 2.0.10 does. matplotlib is imported when a plot
is drawn, never on import."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from scanlab._metric_names import resolve_metric

__all__ = ["TalosPlots", "excluded"]


def _axes() -> Any:
    from matplotlib import pyplot as plt

    return plt.subplots()[1]


def _numeric(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.apply(pd.to_numeric, errors="coerce")


def excluded(exclude: Iterable[str] | str | None) -> set:
    """Talos's ``exclude`` argument as a set of column names (a single name accepted).

    Parameters
    ----------
    exclude : iterable of str, str or None
        Columns to leave out.

    Returns
    -------
    set
    """
    if exclude is None:
        return set()
    return {exclude} if isinstance(exclude, str) else set(exclude)


class TalosPlots:
    """The plots of Talos's ``Analyze`` and the column lookups they share with its methods;
    the host class sets ``data``."""

    data: pd.DataFrame

    def _column(self, metric: str) -> str:
        """The column ``metric`` names (Talos's ``acc`` finds Keras's ``accuracy``)."""
        if metric in self.data.columns:
            return metric
        return resolve_metric(metric, [c for c in self.data.columns if isinstance(c, str)])

    def _columns(self, metric: Any, exclude: Iterable[str] | None) -> list[str]:
        """``metric`` (one name or several) first, then every column not excluded."""
        metrics = [metric] if isinstance(metric, str) else list(metric)
        metrics = [self._column(m) for m in metrics]
        skip = excluded(exclude)
        return list(dict.fromkeys(metrics + [c for c in self.data if c not in skip]))

    def plot_line(self, metric: str) -> Any:
        """``metric`` run by run.

        Parameters
        ----------
        metric : str
            The column drawn.

        Returns
        -------
        matplotlib.axes.Axes
        """
        metric = self._column(metric)
        ax = _axes()
        self.data[metric].plot(ax=ax)
        ax.set_xlabel("Round")
        ax.set_ylabel(metric)
        return ax

    def plot_hist(self, metric: str, bins: int = 10) -> Any:
        """A histogram of ``metric``.

        Parameters
        ----------
        metric : str
            The column drawn.
        bins : int
            Number of bins.

        Returns
        -------
        matplotlib.axes.Axes
        """
        metric = self._column(metric)
        ax = _axes()
        _numeric(self.data[[metric]])[metric].plot.hist(bins=bins, ax=ax)
        ax.set_xlabel(metric)
        return ax

    def plot_corr(self, metric: str, exclude: Iterable[str] = (), color_grades: int = 5) -> Any:
        """A heatmap of the correlations of the numeric columns (``exclude`` left out).

        Parameters
        ----------
        metric : str
            Drawn first.
        exclude : iterable of str
            Columns to leave out.
        color_grades : int
            Number of colours in the scale.

        Returns
        -------
        matplotlib.axes.Axes
        """
        from matplotlib import pyplot as plt

        columns = self._columns(metric, exclude)
        corr = self.data[columns].corr(numeric_only=True)
        ax = _axes()
        picture = ax.imshow(corr, vmin=-1, vmax=1, cmap=plt.get_cmap("coolwarm", color_grades))
        ax.set_xticks(range(len(corr)), corr.columns, rotation=90)
        ax.set_yticks(range(len(corr)), corr.columns)
        ax.figure.colorbar(picture, ax=ax)
        return ax

    def plot_regs(self, x: str, y: str) -> Any:
        """``y`` against ``x`` with a least-squares line.

        Parameters
        ----------
        x, y : str
            Columns (e.g. ``'acc'`` and ``'val_acc'``).

        Returns
        -------
        matplotlib.axes.Axes
        """
        x, y = self._column(x), self._column(y)
        ax = _axes()
        pairs = _numeric(self.data[[x, y]]).dropna()
        ax.scatter(pairs[x], pairs[y])
        if len(pairs) > 1 and pairs[x].nunique() > 1:
            slope, intercept = np.polyfit(pairs[x], pairs[y], 1)
            xs = np.sort(pairs[x].to_numpy())
            ax.plot(xs, slope * xs + intercept)
        ax.set_xlabel(x)
        ax.set_ylabel(y)
        return ax

    def plot_box(self, x: str, y: str, hue: str | None = None) -> Any:
        """Box plots of ``y`` per value of ``x`` (and of ``hue``).

        Parameters
        ----------
        x : str
            A parameter.
        y : str
            A metric.
        hue : str, optional
            A second parameter.

        Returns
        -------
        matplotlib.axes.Axes
        """
        import seaborn as sns

        ax = _axes()
        sns.boxplot(data=self.data, x=x, y=self._column(y), hue=hue, ax=ax)
        return ax

    def plot_bars(self, x: str, y: str, hue: str, col: str) -> Any:
        """Mean ``y`` per ``x`` and ``hue``, one panel per value of ``col``.

        Parameters
        ----------
        x, hue, col : str
            Parameters.
        y : str
            A metric.

        Returns
        -------
        matplotlib.figure.Figure
        """
        from matplotlib import pyplot as plt

        y = self._column(y)
        groups = list(self.data.groupby(col, dropna=False))
        figure, axes = plt.subplots(1, len(groups), squeeze=False, figsize=(5 * len(groups), 4))
        for ax, (name, group) in zip(axes[0], groups, strict=True):
            group.pivot_table(index=x, columns=hue, values=y).plot.bar(ax=ax)
            ax.set_title(str(name))
        return figure

    def plot_kde(self, x: str, y: str | None = None) -> Any:
        """A kernel density estimate of ``x`` (of ``x`` and ``y`` together when ``y`` is given).

        Parameters
        ----------
        x : str
            A column.
        y : str, optional
            A second column.

        Returns
        -------
        matplotlib.axes.Axes
        """
        import seaborn as sns

        x = self._column(x)
        ax = _axes()
        if y is None:
            sns.kdeplot(x=_numeric(self.data[[x]])[x].dropna(), ax=ax)
        else:
            y = self._column(y)
            pairs = _numeric(self.data[[x, y]]).dropna()
            sns.kdeplot(data=pairs, x=x, y=y, fill=True, ax=ax)
        return ax
