"""Record what Talos 2.0.10's Analyze answers for a Talos results file (run under Talos).

    /path/to/talos-venv/bin/python compat/talos/record_analyze.py

writes tests/talos/data/talos_2_0_10_iris/analyze.json, which tests/talos/test_talos_analyze.py
compares scanlab.talos.Analyze's answers with.
"""

from __future__ import annotations

import json
from pathlib import Path

import talos

HERE = Path(__file__).resolve().parents[2] / "tests" / "talos" / "data" / "talos_2_0_10_iris"
EXCLUDE = ["acc", "loss", "val_loss"]


def _plain(value):
    if hasattr(value, "tolist"):
        value = value.tolist()
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, float) and value != value:
        return None
    return value if isinstance(value, (int, float, str, type(None))) else str(value)


def main() -> None:
    a = talos.Analyze(str(HERE / "results.csv"))
    out = {
        "rounds": a.rounds(),
        "high": a.high("val_acc"),
        "low": a.low("val_acc"),
        "rounds2high": int(a.rounds2high("val_acc")),
        "best_params": _plain(a.best_params("val_acc", EXCLUDE, n=5)),
        "best_params_asc": _plain(a.best_params("val_loss", [], n=3, ascending=True)),
        "correlate": {k: _plain(v) for k, v in a.correlate("val_acc", EXCLUDE).items()},
        "correlate_spearman": {
            k: _plain(v) for k, v in a.correlate("val_acc", EXCLUDE, method="spearman").items()
        },
        "table_index": [int(i) for i in a.table("val_acc", ["_warnings"]).index],
        "table_columns": list(a.table("val_acc", ["_warnings"]).columns),
    }
    (HERE / "analyze.json").write_text(json.dumps(out, indent=1, sort_keys=True) + "\n")
    print(json.dumps(out)[:400])


if __name__ == "__main__":
    main()
