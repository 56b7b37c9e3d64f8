"""Side by side: run every Talos script under real Talos 2.0.10 and under scanlab.talos, compare.

    python compat/talos/compare.py --talos-python .ci/talosenv/bin/python   # live Talos
    python compat/talos/compare.py                                          # recorded reference
    python compat/talos/compare.py --talos-python PATH --record              # refresh reference
    python compat/talos/compare.py --only iris_multiclass --only autoscan

A script passes when both sides succeed (or both fail), the scans ran the same number of runs,
a full grid ran the same parameter combinations (a sampled one the same number, each inside the
grid), the metric and parameter columns match, the script's own prints match, the files it
wrote exist on both sides, Restore/Predict/Evaluate outputs have the same shapes, and the
Analyze methods give the same outputs (within 1e-6) on the same Talos results CSV.
Prints one row per script; exits 1 on any FAIL.
"""

from __future__ import annotations

import argparse
import datetime
import itertools
import json
import math
import platform
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

__all__ = ["INTENDED", "compare_intended", "compare_script", "main", "same"]

HERE = Path(__file__).resolve().parent
SCRIPTS = HERE / "scripts"
REFERENCE = HERE / "reference" / "scripts.json"
RUNNER = HERE / "run_script.py"
TOLERANCE = 1e-6
RESTORE_ATTRIBUTES = ["details", "model", "params", "results", "round_history", "x", "y"]
DETAILS_KEYS = [
    "complete_time",
    "experiment_name",
    "minimize_loss",
    "random_method",
    "reduction_interval",
    "reduction_method",
    "reduction_metric",
    "reduction_threshold",
    "reduction_window",
    "x_shape",
    "y_shape",
]
"""``scan.details`` entries of Talos's legacy layout that scripts read."""

INTENDED = {
    "failing_model": (
        "a run that raises is recorded as failed and the scan goes on; Talos stops the scan",
        ["rounds: 2"],
    ),
}
"""Scripts where scanlab differs from Talos on purpose (README, "Coming from Talos"): the
reason, and the lines scanlab's side must print instead. Talos's side must have raised."""


def compare_intended(name: str, ref: dict[str, Any], got: dict[str, Any]) -> list[str]:
    """The failures of a script listed in :data:`INTENDED`: Talos must raise, and scanlab must
    run through and print the expected lines."""
    reason, prints = INTENDED[name]
    fails = []
    if ref["ok"]:
        fails.append(f"Talos no longer raises here, so the intended difference ({reason}) is gone")
    if not got["ok"]:
        fails.append(f"scanlab raised {got['error'][:300]}")
    elif got["prints"] != prints:
        fails.append(f"scanlab printed {got['prints']}, expected {prints}")
    return fails


def same(a: Any, b: Any, tolerance: float = TOLERANCE) -> bool:
    """Whether two normalised JSON values agree (numbers within ``tolerance``).

    Parameters
    ----------
    a, b
        Values as written by run_script.py.
    tolerance
        Absolute (and relative) tolerance for numbers.

    Returns
    -------
    True when equal.

    Examples
    --------
    >>> same([1.0, 'Adam', 'nan'], [1.0000001, 'Adam', 'nan']), same(1.0, 1.1)
    (True, False)
    """
    numbers = (int, float)
    if (
        isinstance(a, numbers)
        and isinstance(b, numbers)
        and not isinstance(a, bool)
        and not isinstance(b, bool)
    ):
        return math.isclose(a, b, rel_tol=tolerance, abs_tol=tolerance)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y, tolerance) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k], tolerance) for k in a)
    return bool(a == b)


def _grid_size(domain: dict[str, list[Any]]) -> int:
    return math.prod(len(values) for values in domain.values())


def _first_difference(a: Any, b: Any) -> str:
    if isinstance(a, dict) and isinstance(b, dict):
        if a.keys() != b.keys():
            return f"keys {sorted(a)} vs {sorted(b)}"
        for key in a:
            if not same(a[key], b[key]):
                return f"{key}: {_first_difference(a[key], b[key])}"
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return f"length {len(a)} vs {len(b)}: {_short(a)} vs {_short(b)}"
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            if not same(x, y):
                return f"[{i}] {_short(x)} vs {_short(y)}"
    return f"{_short(a)} vs {_short(b)}"


def _short(value: Any, limit: int = 160) -> str:
    text = json.dumps(value) if not isinstance(value, str) else value
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _compare_scan(
    name: str, ref: dict[str, Any], got: dict[str, Any], fails: list[str], notes: list[str]
) -> None:
    limits = ref["limits"]
    label = f"scan {name}"
    if got["type"] != "Scan":
        fails.append(f"{label}: type {got['type']}")
    if ref["param_columns"] != got["param_columns"]:
        fails.append(f"{label}: parameter columns {ref['param_columns']} vs {got['param_columns']}")
    if ref["metrics"] != got["metrics"]:
        fails.append(f"{label}: metric columns Talos {ref['metrics']} vs scanlab {got['metrics']}")
    missing = [a for a in got["missing_attributes"] if a not in ref["missing_attributes"]]
    if missing:
        fails.append(f"{label}: attributes missing: {missing}")
    lacking = [c for c in ref["columns"] if c not in got["columns"]]
    extra = [c for c in got["columns"] if c not in ref["columns"]]
    if lacking or extra:
        notes.append(f"{label}: data columns not in scanlab {lacking}, only in scanlab {extra}")
    shared_ref = [c for c in ref["columns"] if c in got["columns"]]
    shared_got = [c for c in got["columns"] if c in ref["columns"]]
    if shared_ref != shared_got:
        notes.append(f"{label}: data column order Talos {shared_ref} vs scanlab {shared_got}")
    if got["round_history"] != got["rows"]:
        fails.append(
            f"{label}: round_history has {got['round_history']} entries for {got['rows']} rows"
        )
    lacking_details = [
        k for k in DETAILS_KEYS if k in ref["details_keys"] and k not in got["details_keys"]
    ]
    if lacking_details:
        fails.append(f"{label}: details lacks {lacking_details}")
    domain = ref["domain"]
    outside = sorted(
        {
            f"{k}={v!r}"
            for c in got["combos"]
            for k, v in json.loads(c)
            if not _in_domain(k, v, domain)
        }
    )
    if outside:
        shown = ", ".join(
            f"{k}={domain.get(k)!r}" for k in sorted({o.split("=")[0] for o in outside})
        )
        fails.append(
            f"{label}: scan.data holds values outside the grid: {outside[:4]} (grid: {shown})"
        )
    if len(set(got["combos"])) != len(got["combos"]):
        fails.append(f"{label}: a combination ran twice")
    if limits.get("reduction_method"):
        bound = int(limits.get("round_limit") or _grid_size(domain))
        if not 1 <= got["rows"] <= bound:
            fails.append(f"{label}: {got['rows']} runs with reduction, expected 1..{bound}")
        elif got["rows"] != ref["rows"]:
            notes.append(
                f"{label}: reduction left {ref['rows']} (Talos) vs {got['rows']} (scanlab) runs"
            )
        return
    if got["rows"] != ref["rows"]:
        fails.append(f"{label}: {ref['rows']} runs under Talos, {got['rows']} under scanlab")
        return
    sampled = limits.get("fraction_limit") is not None or limits.get("round_limit") is not None
    if not sampled and not limits.get("performance_target") and ref["combos"] != got["combos"]:
        only_talos = sorted(set(ref["combos"]) - set(got["combos"]))
        fails.append(f"{label}: grid differs, e.g. Talos ran {only_talos[:1]}")


def _in_domain(key: str, value: Any, domain: dict[str, list[Any]]) -> bool:
    return key in domain and any(same(value, choice) for choice in domain[key])


def _compare_objects(
    ref: dict[str, Any], got: dict[str, Any], fails: list[str], notes: list[str]
) -> None:
    for name, expected in ref.items():
        actual = got.get(name)
        if actual is None:
            fails.append(f"{name}: not made under scanlab ({expected['kind']} under Talos)")
            continue
        if expected["kind"] == "Restore":
            lacking = [
                a
                for a in RESTORE_ATTRIBUTES
                if a in expected["attributes"] and a not in actual["attributes"]
            ]
            if lacking:
                fails.append(f"{name}: Restore lacks {lacking}")
            others = sorted(set(expected["attributes"]) - set(actual["attributes"]) - set(lacking))
            if others:
                notes.append(f"{name}: Talos-only Restore attributes {others}")
        elif not same(expected, actual):
            fails.append(f"{name}: {_first_difference(expected, actual)}")


def _compare_analyze(ref: Any, got: Any, fails: list[str], notes: list[str]) -> None:
    if ref is None:
        return
    if got is None:
        fails.append("Analyze: not run on the scanlab side")
        return
    for label, expected in ref["outputs"].items():
        actual = got["outputs"].get(label)
        if actual is None:
            first = next(iter(got["outputs"].values()), None)
            fails.append(f"Analyze.{label}: no output ({_short(first)})")
        elif "error" in expected:
            if "error" not in actual:
                notes.append(
                    f"Analyze.{label}: Talos raised {expected['error'][:80]}, scanlab did not"
                )
        elif "error" in actual:
            fails.append(f"Analyze.{label}: scanlab raised {actual['error'][:200]}")
        elif not same(expected, actual):
            fails.append(f"Analyze.{label}: {_first_difference(expected, actual)}")


def compare_script(ref: dict[str, Any], got: dict[str, Any]) -> tuple[list[str], list[str]]:
    """Compare one script's Talos summary with its scanlab summary.

    Parameters
    ----------
    ref, got
        Summaries written by run_script.py under Talos and under scanlab.

    Returns
    -------
    (failures, notes): the script passes when there are no failures.
    """
    fails: list[str] = []
    notes: list[str] = []
    if ref["ok"] != got["ok"]:
        if ref["ok"]:
            fails.append(f"scanlab raised {got['error'][:300]}")
        else:
            fails.append(f"Talos raised {ref['error'][:200]} but scanlab did not")
        return fails, notes
    if not ref["ok"]:
        notes.append(f"both raised: {ref['error'][:80]} / {got['error'][:80]}")
        return fails, notes
    if got.get("inspect_error"):
        fails.append(f"summary failed: {got['inspect_error']}")
    if sorted(ref["scans"]) != sorted(got["scans"]):
        fails.append(f"Scan objects {sorted(ref['scans'])} vs {sorted(got['scans'])}")
    for name in sorted(set(ref["scans"]) & set(got["scans"])):
        _compare_scan(name, ref["scans"][name], got["scans"][name], fails, notes)
    _compare_objects(ref["objects"], got["objects"], fails, notes)
    if ref["prints"] != got["prints"]:
        pairs = itertools.zip_longest(ref["prints"], got["prints"], fillvalue="<no line>")
        diffs = [f"Talos {a!r} vs scanlab {b!r}" for a, b in pairs if a != b]
        fails.append(f"{len(diffs)} printed line(s) differ: " + "; ".join(diffs[:6]))
    missing_files = sorted(set(ref["files"]) - set(got["files"]))
    if missing_files:
        fails.append(f"files not written: {missing_files}")
    _compare_analyze(ref.get("analyze"), got.get("analyze"), fails, notes)
    return fails, notes


def _run(
    python: str, scripts: list[Path], out: Path, impl: str, reference: Path | None
) -> dict[str, Any]:
    command = [python, str(RUNNER), *map(str, scripts), "--out", str(out), "--impl", impl]
    if reference is not None:
        command += ["--reference", str(reference)]
    log = out.with_suffix(".log")
    with log.open("w") as stream:
        code = subprocess.call(command, stdout=stream, stderr=subprocess.STDOUT)
    if code != 0 or not out.exists():
        tail = log.read_text()[-3000:]
        raise SystemExit(f"{impl} runner failed (exit {code}):\n{tail}")
    return json.loads(out.read_text())


def _record(talos: dict[str, Any]) -> None:
    old = json.loads(REFERENCE.read_text())["scripts"] if REFERENCE.exists() else {}
    old.update(talos["scripts"])
    stored = {
        "implementation": talos["implementation"],
        "recorded": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "python": platform.python_version(),
        "scripts": {name: old[name] for name in sorted(old)},
    }
    REFERENCE.parent.mkdir(parents=True, exist_ok=True)
    REFERENCE.write_text(json.dumps(stored, indent=1) + "\n")


def main(argv: list[str] | None = None) -> int:
    """Command line; returns the exit code (1 on any FAIL)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--talos-python", help="Python of a virtualenv with talos==2.0.10")
    parser.add_argument(
        "--record", action="store_true", help="save Talos's summaries as the reference"
    )
    parser.add_argument("--only", action="append", default=[], help="script name (repeatable)")
    parser.add_argument("--scanlab-python", default=sys.executable)
    parser.add_argument("--report", type=Path, help="also write the verdicts as JSON here")
    args = parser.parse_args(argv)
    if args.record and not args.talos_python:
        parser.error("--record needs --talos-python")
    names = sorted(p.stem for p in SCRIPTS.glob("*.py"))
    unknown = sorted(set(args.only) - set(names))
    if unknown:
        parser.error(f"--only: no script named {unknown}; scripts: {names}")
    names = [n for n in names if not args.only or n in args.only]
    scripts = [SCRIPTS / f"{n}.py" for n in names]
    with tempfile.TemporaryDirectory(prefix="compat-talos-") as work:
        folder = Path(work)
        if args.talos_python:
            talos = _run(args.talos_python, scripts, folder / "talos.json", "talos", None)
            if args.record:
                _record(talos)
            reference_path = folder / "talos.json"
        else:
            if not REFERENCE.exists():
                parser.error(
                    f"no recorded reference at {REFERENCE}; run with --talos-python --record"
                )
            talos = json.loads(REFERENCE.read_text())
            reference_path = REFERENCE
            missing = [n for n in names if n not in talos["scripts"]]
            if missing:
                parser.error(
                    f"not in the recorded reference: {missing}; record with --talos-python"
                )
        scanlab = _run(
            args.scanlab_python, scripts, folder / "scanlab.json", "scanlab", reference_path
        )
    return _report(names, talos, scanlab, args.report)


def _report(
    names: list[str], talos: dict[str, Any], scanlab: dict[str, Any], path: Path | None
) -> int:
    print(f"Talos side: {talos['implementation']}; scanlab side: {scanlab['implementation']}")
    print(f"{'script':<28} {'runs T/S':>9} {'secs T/S':>11}  verdict")
    verdicts = {}
    for name in names:
        ref, got = talos["scripts"][name], scanlab["scripts"][name]
        if name in INTENDED:
            fails, notes = (
                compare_intended(name, ref, got),
                [f"differs on purpose: {INTENDED[name][0]}"],
            )
        else:
            fails, notes = compare_script(ref, got)
        runs = f"{sum(s['rows'] for s in ref['scans'].values())}/{sum(s['rows'] for s in got['scans'].values())}"
        secs = f"{ref['seconds']:.0f}/{got['seconds']:.0f}"
        verdict = "FAIL" if fails else "PASS"
        why = fails[0] if fails else (f"{len(notes)} note(s)" if notes else "")
        print(f"{name:<28} {runs:>9} {secs:>11}  {verdict}  {_short(why, 170)}")
        verdicts[name] = {
            "verdict": verdict,
            "failures": fails,
            "notes": notes,
            "traceback": got.get("traceback"),
        }
    failed = [n for n, v in verdicts.items() if v["verdict"] == "FAIL"]
    for name in failed:
        print(f"\n--- {name}")
        for line in verdicts[name]["failures"]:
            print(f"  FAIL {line}")
        if verdicts[name]["traceback"]:
            print("  " + "\n  ".join(verdicts[name]["traceback"].strip().splitlines()[-6:]))
    grouped: dict[str, list[str]] = {}
    for name, entry in verdicts.items():
        for note in entry["notes"]:
            grouped.setdefault(re.sub(r"^scan \w+: ", "", note), []).append(name)
    if grouped:
        print("\nnotes:")
        for note, where in grouped.items():
            shown = (
                ", ".join(sorted(set(where)))
                if len(set(where)) < 4
                else f"{len(set(where))} scripts"
            )
            print(f"  {shown}: {_short(note, 220)}")
    print(f"\n{len(names) - len(failed)} passed, {len(failed)} failed")
    if path is not None:
        path.write_text(json.dumps(verdicts, indent=1))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
