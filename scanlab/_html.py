"""The HTML building blocks of the report: page style, tables, embedded figures.

Everything is inline (CSS, PNG figures as base64, no script, no network access), so a
report is one file that can be mailed, archived or opened offline.
"""

from __future__ import annotations

import base64
import html
import io
import time
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["CSS", "HtmlBuilder", "fmt"]

CSS = """
body { font-family: -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif; margin: 0;
       color: #222; background: #fafafa; }
header { background: #24323f; color: #fff; padding: 18px 32px; }
header h1 { margin: 0 0 4px 0; font-size: 22px; }
header p { margin: 0; color: #cfd8df; font-size: 13px; }
nav { padding: 8px 32px; background: #e9edf0; font-size: 13px; }
nav a { margin-right: 16px; color: #24323f; text-decoration: none; }
main { padding: 8px 32px 40px 32px; max-width: 1320px; }
section { margin-top: 22px; }
h2 { border-bottom: 2px solid #24323f; padding-bottom: 4px; font-size: 19px; }
h3 { font-size: 15px; margin: 18px 0 6px 0; }
p.note { color: #555; font-size: 13px; max-width: 980px; margin: 4px 0 8px 0; }
table.tbl { border-collapse: collapse; font-size: 12px; margin: 6px 0 12px 0;
            background: #fff; }
table.tbl th, table.tbl td { border: 1px solid #d5dbe0; padding: 3px 8px; text-align: right; }
table.tbl th { background: #eef1f4; }
table.tbl td:first-child, table.tbl th:first-child { text-align: left; }
.cards { display: flex; flex-wrap: wrap; gap: 12px; margin: 10px 0; }
.card { background: #fff; border: 1px solid #d5dbe0; border-radius: 6px; padding: 10px 16px;
        min-width: 150px; }
.card .k { font-size: 12px; color: #667; }
.card .v { font-size: 20px; font-weight: 600; margin-top: 2px; }
.card .v.bad { color: #b03030; }
figure { margin: 6px 8px 14px 0; background: #fff; border: 1px solid #e1e5e9; padding: 8px;
         display: inline-block; vertical-align: top; max-width: calc(50% - 12px);
         box-sizing: border-box; }
figure.wide { max-width: 100%; }
figure img { max-width: 100%; height: auto; display: block; }
figcaption { font-size: 12px; color: #555; margin-top: 4px; }
.err { color: #b03030; font-size: 13px; }
.scroll { max-height: 420px; overflow: auto; display: inline-block; }
"""


def fmt(value: Any) -> str:
    """A value as the report writes it in text: floats to 4 significant digits, NaN as a dash.

    Parameters
    ----------
    value : object
        The value.

    Returns
    -------
    str
        ``'—'`` for a NaN float, ``f"{value:.4g}"`` for another float, else ``str(value)``.

    Examples
    --------
    >>> fmt(0.123456), fmt(float('nan')), fmt(3)
    ('0.1235', '—', '3')
    """
    if isinstance(value, (float, np.floating)):
        if np.isnan(value):
            return "—"
        return f"{float(value):.4g}"
    return str(value)


def _table(frame: pd.DataFrame, index: bool = False, scroll: bool = False) -> str:
    if frame is None or len(frame) == 0:
        return '<p class="note">(none)</p>'
    text = frame.to_html(
        index=index,
        classes="tbl",
        border=0,
        na_rep="—",
        float_format=lambda v: f"{v:.4g}",
        escape=True,
    )
    return f'<div class="scroll">{text}</div>' if scroll else text


def _png(fig: Any) -> str:
    from matplotlib.layout_engine import ConstrainedLayoutEngine

    buf = io.BytesIO()
    # constrained layout already fits everything: skip the extra draw of bbox_inches="tight"
    tight = None if isinstance(fig.get_layout_engine(), ConstrainedLayoutEngine) else "tight"
    fig.savefig(buf, format="png", dpi=90, bbox_inches=tight, metadata={"Software": None})
    return base64.b64encode(buf.getvalue()).decode("ascii")


class HtmlBuilder:
    """Collects HTML parts; draws figures, embeds them and closes them."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.errors: list[str] = []
        self.timings: dict[str, float] = {}

    def add(self, text: str) -> None:
        """Append raw HTML.

        Parameters
        ----------
        text : str
            An HTML fragment, added as it is (not escaped).
        """
        self.parts.append(text)

    def h(self, level: int, text: str, anchor: str | None = None) -> None:
        """Append a heading.

        Parameters
        ----------
        level : int
            The heading level (``2`` for ``<h2>``).
        text : str
            The heading text (escaped).
        anchor : str, optional
            The heading's ``id``, for links from the navigation bar; none when omitted.
        """
        ident = f' id="{anchor}"' if anchor else ""
        self.add(f"<h{level}{ident}>{html.escape(text)}</h{level}>")

    def note(self, text: str) -> None:
        """Append a paragraph of explanatory text.

        Parameters
        ----------
        text : str
            The text (escaped).
        """
        self.add(f'<p class="note">{html.escape(text)}</p>')

    def table(self, frame: pd.DataFrame, index: bool = False, scroll: bool = False) -> None:
        """Append a table (floats to 4 significant digits, missing values as a dash).

        Parameters
        ----------
        frame : DataFrame
            The table; an empty one (or None) is written as ``(none)``.
        index : bool, default False
            Whether to write the index.
        scroll : bool, default False
            Whether to wrap the table in a box that scrolls past 420 pixels.
        """
        self.add(_table(frame, index, scroll))

    def figure(
        self, name: str, draw: Callable[[], Any], caption: str = "", wide: bool = False
    ) -> None:
        """Draw a figure, embed it as a PNG and close every figure the drawing opened.

        A plot that raises is recorded in :attr:`errors` and written as an error line instead
        of the figure; the time taken is recorded in :attr:`timings` either way.

        Parameters
        ----------
        name : str
            The figure's name: its alt text and its key in :attr:`timings`.
        draw : callable
            Called with no argument; returns an Axes or a Figure.
        caption : str, default ''
            A caption under the figure; none when empty.
        wide : bool, default False
            Whether the figure takes the whole width instead of half.
        """
        import matplotlib.pyplot as plt

        from scanlab.plots import figure_of

        start = time.perf_counter()
        before = set(plt.get_fignums())
        fig = None
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                fig = figure_of(draw())
                data = _png(fig)
        except Exception as exc:  # a broken plot must not cost the whole report
            self.errors.append(f"{name}: {type(exc).__name__}: {exc}")
            self.add(
                f'<p class="err">could not draw {html.escape(name)}: '
                f"{html.escape(type(exc).__name__)}: {html.escape(str(exc))}</p>"
            )
            return
        finally:  # close what this plot opened, and only that (not the user's figures)
            for number in set(plt.get_fignums()) - before:
                plt.close(number)
            if fig is not None:
                plt.close(fig)
            self.timings[name] = time.perf_counter() - start
        cap = f"<figcaption>{html.escape(caption)}</figcaption>" if caption else ""
        cls = ' class="wide"' if wide else ""
        self.add(
            f'<figure{cls}><img alt="{html.escape(name)}" '
            f'src="data:image/png;base64,{data}">{cap}</figure>'
        )
