"""Run Talos user scripts under real Talos or under scanlab.talos and summarise what they made.

Run with the Python of a Talos virtualenv, the scripts import the real ``talos``; run with a
Python where scanlab is installed, ``scanlab.talos.install_as_talos()`` is called first, so the
very same scripts import scanlab's Talos-compatible module instead. Each script runs unchanged
(``runpy``) in a fresh temporary working directory; afterwards its globals are inspected and a
JSON summary is written: success or the error (with traceback), every ``Scan`` it made (rows,
parameter combinations, metric columns), ``Restore`` attributes, array shapes, list lengths, the
script's own ``print`` lines and the files it wrote.

For the Analyze comparison both implementations read the *same* results CSV: the Talos run
stores the CSV text of its first scan and the outputs of ``talos.Analyze`` on it; the scanlab
run (given that summary with ``--reference``) runs ``scanlab.talos.Analyze`` on that CSV.

Several scripts run in one process, so TensorFlow is imported once::

    python compat/talos/run_script.py compat/talos/scripts/iris_multiclass.py --out s.json
"""

from __future__ import annotations

import argparse
import builtins
import contextlib
import io
import json
import os
import runpy
import shutil
import sys
import tempfile
import time
import traceback
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _summaries import (
    BOOKKEEPING,
    expand_domain,
    jsonable,
    normalise,
    summarise_scan,
)

__all__ = [
    "BOOKKEEPING",
    "analyze_csv",
    "expand_domain",
    "main",
    "normalise",
    "run_one",
    "summarise_scan",
]


def analyze_calls(metric: str, others: list[str]) -> list[tuple[str, str, tuple, dict]]:
    """The Analyze calls compared on a shared CSV: (label, method, args, kwargs)."""
    quiet = others + [c for c in BOOKKEEPING if c not in others]
    second = others[0] if others else metric
    return [
        ("high", "high", (metric,), {}),
        ("low", "low", (metric,), {}),
        ("rounds", "rounds", (), {}),
        ("rounds2high", "rounds2high", (metric,), {}),
        ("best_params(doc exclude)", "best_params", (metric, others), {}),
        ("best_params(clean, n=3)", "best_params", (metric, quiet), {"n": 3}),
        ("best_params(ascending)", "best_params", (metric, quiet), {"n": 2, "ascending": True}),
        ("correlate(doc exclude)", "correlate", (metric, others), {}),
        ("correlate(clean)", "correlate", (metric, quiet), {}),
        ("correlate(spearman)", "correlate", (metric, quiet), {"method": "spearman"}),
        ("table(clean)", "table", (metric, quiet), {}),
        (
            "table(sort_by, asc)",
            "table",
            (metric, [c for c in quiet if c != second]),
            {"sort_by": second, "ascending": True},
        ),
    ]


def analyze_csv(
    analyze_cls: Any, csv_text: str, metric: str, others: list[str], metadata: str | None = None
) -> dict[str, Any]:
    """Run the compared Analyze calls on a results CSV (in a folder of its own).

    Every call of :func:`analyze_calls` runs on the bare CSV; with ``metadata`` (the
    ``metadata.json`` Talos writes next to its ``results.csv``) the ``best_params`` calls run
    once more on the CSV in a copy of its run folder, labelled ``... [run folder]``.

    Parameters
    ----------
    analyze_cls
        ``talos.Analyze`` of one implementation.
    csv_text
        The results CSV written by the Talos run.
    metric, others
        The metric to analyse; the other metric columns (the "exclude" of Talos's docs).
    metadata
        The text of Talos's ``metadata.json`` of that run, if recorded.

    Returns
    -------
    label -> serialised output, or ``{'error': ...}``.
    """
    out: dict[str, Any] = {}
    calls = analyze_calls(metric, others)
    variants: list[tuple[str, str | None, list[Any]]] = [("", None, calls)]
    if metadata is not None:
        variants.append((" [run folder]", metadata, [c for c in calls if c[1] == "best_params"]))
    for suffix, meta_text, chosen in variants:
        with tempfile.TemporaryDirectory(prefix="compat-analyze-") as folder:
            path = Path(folder) / "results.csv"
            path.write_text(csv_text)
            if meta_text is not None:
                (Path(folder) / "metadata.json").write_text(meta_text)
            try:
                analyzer = analyze_cls(str(path))
            except Exception as error:
                out["Analyze(path)" + suffix] = {"error": f"{type(error).__name__}: {error}"}
                continue
            for label, method, args, kwargs in chosen:
                try:
                    out[label + suffix] = jsonable(getattr(analyzer, method)(*args, **kwargs))
                except Exception as error:
                    out[label + suffix] = {"error": f"{type(error).__name__}: {error}"}
    return out


def _run_file(scan: Any, name: str) -> str | None:
    run_dir = None
    details = getattr(scan, "details", None)
    if details is not None and "run_dir" in details:
        run_dir = details["run_dir"]
    run_dir = getattr(scan, "run_dir", run_dir)
    if run_dir is None or not (Path(run_dir) / name).is_file():
        return None
    return (Path(run_dir) / name).read_text()


def _inspect_globals(namespace: dict[str, Any], talos_side: bool) -> dict[str, Any]:
    import numpy as np

    scans: dict[str, Any] = {}
    objects: dict[str, Any] = {}
    for name, value in sorted(namespace.items()):
        if name.startswith("_") or name == "print":
            continue
        kind = type(value).__name__
        if kind == "Scan" and hasattr(value, "data"):
            scans[name] = summarise_scan(value)
            if talos_side and len(scans) == 1:  # the scan whose CSV the Analyze comparison reads
                scans[name]["results_csv"] = _run_file(value, "results.csv")
                scans[name]["metadata_json"] = _run_file(value, "metadata.json")
        elif kind == "Restore":
            objects[name] = {
                "kind": "Restore",
                "attributes": sorted(a for a in vars(value) if not a.startswith("_")),
            }
        elif isinstance(value, np.ndarray):
            objects[name] = {"kind": "array", "shape": list(value.shape)}
        elif isinstance(value, list) and value and all(isinstance(v, (int, float)) for v in value):
            objects[name] = {"kind": "number list", "length": len(value)}
    return {"scans": scans, "objects": objects}


def _analysis_spec(scan_summary: dict[str, Any]) -> tuple[str, list[str]] | None:
    metrics = scan_summary["metrics"]
    for metric in ("val_acc", "val_accuracy", "val_f1score", "val_loss", "loss"):
        if metric in metrics:
            return metric, [m for m in metrics if m != metric]
    return None


def run_one(script: Path, talos_side: bool, reference: dict[str, Any] | None) -> dict[str, Any]:
    """Run one script in a fresh temporary folder and summarise it.

    Parameters
    ----------
    script
        Path of the Talos script.
    talos_side
        True under real Talos (then the results CSV and Talos's Analyze outputs are recorded).
    reference
        The Talos summary of this script (scanlab side): its CSV is analysed here too.

    Returns
    -------
    The script's summary.
    """
    lines: list[str] = []

    def capturing_print(*args: Any, **kwargs: Any) -> None:
        if kwargs.get("file") in (None, sys.stdout):
            buffer = io.StringIO()
            builtins.print(*args, **{**kwargs, "file": buffer})
            lines.extend(buffer.getvalue().splitlines())
        builtins.print(*args, **kwargs)

    folder = Path(tempfile.mkdtemp(prefix=f"compat-{script.stem}-"))
    before = Path.cwd()
    summary: dict[str, Any] = {"script": script.name, "ok": True}
    started = time.perf_counter()
    namespace: dict[str, Any] = {}
    os.chdir(folder)
    try:
        namespace = runpy.run_path(
            str(script), init_globals={"print": capturing_print}, run_name="__main__"
        )
    except BaseException as error:  # a failing script is a result
        summary["ok"] = False
        summary["error"] = f"{type(error).__name__}: {error}"
        summary["traceback"] = traceback.format_exc()[-4000:]
    finally:
        os.chdir(before)
    summary["seconds"] = round(time.perf_counter() - started, 1)
    summary["prints"] = lines
    summary["files"] = sorted(p.name for p in folder.iterdir() if p.is_file())
    try:
        summary.update(_inspect_globals(namespace, talos_side))
    except Exception as error:
        summary["inspect_error"] = f"{type(error).__name__}: {error}"
        summary.setdefault("scans", {})
        summary.setdefault("objects", {})
    summary["analyze"] = _analyze_side(summary, talos_side, reference)
    shutil.rmtree(folder, ignore_errors=True)
    _reset_session()
    return summary


def _analyze_side(
    summary: dict[str, Any], talos_side: bool, reference: dict[str, Any] | None
) -> Any:
    import talos

    source = summary if talos_side else reference
    if not source or not source.get("scans"):
        return None
    first = sorted(source["scans"])[0]
    scan_summary = source["scans"][first]
    spec = _analysis_spec(scan_summary)
    if spec is None or not scan_summary.get("results_csv"):
        return None
    metric, others = spec
    return {
        "scan": first,
        "metric": metric,
        "others": others,
        "outputs": analyze_csv(
            talos.Analyze,
            scan_summary["results_csv"],
            metric,
            others,
            scan_summary.get("metadata_json"),
        ),
    }


def _reset_session() -> None:
    with contextlib.suppress(Exception):
        import keras

        keras.backend.clear_session()
    if "matplotlib.pyplot" in sys.modules:
        sys.modules["matplotlib.pyplot"].close("all")


def _implementation(choice: str) -> tuple[bool, str]:
    if choice == "auto":
        try:
            import scanlab.talos
        except ImportError:
            choice = "talos"
        else:
            choice = "scanlab"
    if choice == "scanlab":
        import scanlab
        import scanlab.talos

        scanlab.talos.install_as_talos()
        return False, f"scanlab.talos {getattr(scanlab, '__version__', '?')}"
    import talos

    return True, f"talos {talos.__version__}"


def main(argv: list[str] | None = None) -> int:
    """Command line: run scripts, write their summaries as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("scripts", nargs="+", type=Path)
    parser.add_argument("--out", type=Path, required=True, help="where the JSON summaries go")
    parser.add_argument("--impl", choices=["auto", "talos", "scanlab"], default="auto")
    parser.add_argument(
        "--reference", type=Path, help="Talos summaries (for the Analyze comparison)"
    )
    args = parser.parse_args(argv)
    os.environ.setdefault("MPLBACKEND", "Agg")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    talos_side, implementation = _implementation(args.impl)
    reference = json.loads(args.reference.read_text())["scripts"] if args.reference else {}
    results = {}
    for script in args.scripts:
        script = script.resolve()
        builtins.print(f"=== {script.stem} ({implementation})", file=sys.stderr, flush=True)
        results[script.stem] = run_one(script, talos_side, reference.get(script.stem))
    args.out.write_text(
        json.dumps({"implementation": implementation, "scripts": results}, indent=1)
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
