"""The breast-cancer rounds notebook runs end to end in quick mode (SCANLAB_QUICK=1).

The kernel works in a temporary folder, so the notebook's ``results/`` never lands in the
repository. This is the suite's one slow test (about a minute on 2 cores).
"""

from __future__ import annotations

import time
from pathlib import Path

import pandas as pd
import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

import scanlab  # noqa: E402

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "breast_cancer_rounds.ipynb"
EXPERIMENT = "breast_cancer_rounds_quick"


def _stream_text(cell) -> str:
    return "".join(
        o.get("text", "") for o in cell.get("outputs", []) if o.get("output_type") == "stream"
    )


def _round_rows(text: str) -> list[list[str]]:
    """Rows of the printed round table: the lines after its header that start with a round."""
    lines = text.split("ROUND TABLE", 1)[1].strip().splitlines()
    header, rows = lines[0].split(), []
    assert header[:3] == ["round", "runs", "ok"], header
    for line in lines[1:]:
        fields = line.split()
        if not fields or not fields[0].isdigit():
            break
        rows.append(fields)
    return rows


def test_notebook_is_stored_without_outputs():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(nb)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code and all(c.outputs == [] and c.execution_count is None for c in code)
    assert any("round-table" in c.metadata.get("tags", []) for c in code)


def test_notebook_runs_in_quick_mode(tmp_path, monkeypatch):
    monkeypatch.setenv("SCANLAB_QUICK", "1")
    monkeypatch.setenv("TF_CPP_MIN_LOG_LEVEL", "3")
    nb = nbformat.read(NOTEBOOK, as_version=4)
    client = nbclient.NotebookClient(
        nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    )
    started = time.perf_counter()
    client.execute()  # raises CellExecutionError if a cell fails
    elapsed = time.perf_counter() - started

    table_cell = next(c for c in nb.cells if "round-table" in c.metadata.get("tags", []))
    text = _stream_text(table_cell)
    rows = _round_rows(text)
    assert len(rows) >= 2, text
    assert [int(r[0]) for r in rows] == list(range(1, len(rows) + 1))
    assert "best val_accuracy per round:" in text
    assert "TARGET median/q25 never fall: " in text

    heldout_cell = next(c for c in nb.cells if "heldout" in c.metadata.get("tags", []))
    heldout = _stream_text(heldout_cell)
    assert "HELD-OUT CHECK" in heldout and "TARGET held-out accuracy" in heldout, heldout
    checked = pd.read_csv(tmp_path / "results" / EXPERIMENT / "heldout.csv")
    assert len(checked) == 3 and (checked["status"] == "ok").all()
    assert checked["test_accuracy"].between(0, 1).all()

    runs = scanlab.load_results(tmp_path / "results" / EXPERIMENT)
    assert runs["round"].nunique() == len(rows)
    assert (runs["status"] == "ok").sum() >= 2 * len(rows)
    assert not (NOTEBOOK.parent / "results").exists()
    assert elapsed < 300
