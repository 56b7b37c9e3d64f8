"""The three text-classification notebooks run end to end in quick mode (SCANLAB_QUICK=1).

Each kernel works in a temporary folder, so no ``results/`` lands in the repository. The
notebooks are stored without outputs; their executed full runs live in
``notebooks/executed/``. The three quick runs go side by side, one kernel each (about three
minutes together on 2 cores).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

import scanlab  # noqa: E402

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
# notebook -> (its quick experiment folder, the target line's start, metric on held-out data)
STORIES = {
    "trec6_emotion_story.ipynb": (
        "trec6_story_quick",
        "TARGET held-out macro recall >= 85 % and >= baseline + 8 points: ",
        "test_recall_macro",
    ),
    "trec50_many_classes.ipynb": (
        "trec50_story_quick",
        "TARGET held-out accuracy >= 76 % (the thread's 30-class figure): ",
        "test_accuracy",
    ),
    "movie_reviews_regularizers.ipynb": (
        "movie_reviews_story_quick",
        "TARGET held-out accuracy >= 77 % (Kim 2014, CNN from scratch: 76.1 %): ",
        "test_accuracy",
    ),
}


def _stream_text(cell) -> str:
    return "".join(
        o.get("text", "") for o in cell.get("outputs", []) if o.get("output_type") == "stream"
    )


@pytest.mark.parametrize("name", sorted(STORIES))
def test_notebook_is_stored_without_outputs_and_has_an_executed_full_copy(name):
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    nbformat.validate(nb)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code and all(c.outputs == [] and c.execution_count is None for c in code)
    assert any("heldout" in c.metadata.get("tags", []) for c in code)
    executed = nbformat.read(NOTEBOOKS / "executed" / name, as_version=4)
    heldout = next(c for c in executed.cells if "heldout" in c.metadata.get("tags", []))
    text = _stream_text(heldout)
    assert STORIES[name][1] in text and "quick" not in text, text
    assert (NOTEBOOKS / "executed" / name).stat().st_size < 3_000_000


# One kernel per notebook, all three at once (their quick runs are mostly start-up and tiny
# fits, so running them side by side on 2 cores takes less time than one after another).
_RUNNER = """
import sys, nbclient, nbformat
nb = nbformat.read(sys.argv[1], as_version=4)
try:
    nbclient.NotebookClient(nb, timeout=600, kernel_name="python3",
                            resources={"metadata": {"path": "."}}).execute()
finally:
    nbformat.write(nb, "executed.ipynb")
"""


@pytest.fixture(scope="module")
def quick_runs(tmp_path_factory):
    env = {**os.environ, "SCANLAB_QUICK": "1", "TF_CPP_MIN_LOG_LEVEL": "3"}
    started = {}
    for name in sorted(STORIES):
        folder = tmp_path_factory.mktemp(name.split(".")[0])
        process = subprocess.Popen(
            [sys.executable, "-c", _RUNNER, str(NOTEBOOKS / name)],
            cwd=folder,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        started[name] = (process, folder)
    runs = {}
    for name, (process, folder) in started.items():
        output, _ = process.communicate(timeout=900)
        runs[name] = (process.returncode, output, folder)
    return runs


@pytest.mark.parametrize("name", sorted(STORIES))
def test_notebook_runs_in_quick_mode(name, quick_runs):
    experiment, target, test_metric = STORIES[name]
    returncode, output, folder = quick_runs[name]
    assert returncode == 0, output[-4000:]
    nb = nbformat.read(folder / "executed.ipynb", as_version=4)

    heldout = next(c for c in nb.cells if "heldout" in c.metadata.get("tags", []))
    text = _stream_text(heldout)
    assert "HELD-OUT CHECK" in text and target in text, text
    assert re.search(re.escape(target) + r"\d+\.\d%.*: (PASS|FAIL)$", text, re.M), text

    study = folder / "results" / experiment
    checked = pd.concat(pd.read_csv(p) for p in study.glob("*/heldout.csv"))
    assert (checked["status"] == "ok").all() and checked[test_metric].between(0, 1).all()
    steps = [f for f in study.iterdir() if any(f.glob("round-*"))]
    assert len(steps) >= 2, steps
    for step in steps:  # every step's runs are logged and read back
        runs = scanlab.load_results(step)
        assert (runs["status"] == "ok").any(), step
    assert not (NOTEBOOKS / "results").exists()
