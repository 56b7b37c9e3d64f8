#!/usr/bin/env bash
# Visual check of the HTML report (not part of the pytest suite).
#
# Writes a report with `scanlab report` and renders it in headless Chromium to a PNG, which
# you then look at (a file viewer, or an image-capable assistant) for anything that looks
# wrong: clipped figures, overlapping labels, empty plots, broken tables.
#
# Usage:
#   bench/screenshot_report.sh                       # synthetic 2-round experiment, 2,000 runs
#   bench/screenshot_report.sh results/my_exp out.png
#   HEIGHT=9000 bench/screenshot_report.sh           # taller window: more of the page
#
# Needs chromium (Debian/Ubuntu: apt-get update && apt-get install -y chromium).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
src=${1:-}
png=${2:-/tmp/scanlab-report.png}
work=$(mktemp -d)

if [ -z "$src" ]; then
    PYTHONPATH="$here${PYTHONPATH:+:$PYTHONPATH}" python - "$work/exp" <<'PY'
import sys
from pathlib import Path

from analysis import synthetic_results, write_histories  # bench/analysis.py

exp = Path(sys.argv[1])
for r in (1, 2):
    folder = exp / f"round-{r:03d}"
    folder.mkdir(parents=True)
    df = synthetic_results(1000, seed=r, round_=r)
    df["run_id"] = [f"r{r}{i:010x}" for i in range(len(df))]
    df.to_csv(folder / "results.csv", index=False)
    write_histories(df, folder / "history.jsonl", epochs=12, seed=r)
PY
    src=$work/exp
fi

MPLBACKEND=Agg python -m scanlab report "$src" -o "$work/report.html"

browser=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
if [ -z "$browser" ]; then
    echo "no chromium found: apt-get update && apt-get install -y chromium" >&2
    exit 2
fi
"$browser" --headless --no-sandbox --disable-gpu --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$(mktemp -d)" --screenshot="$png" \
    --window-size=1400,"${HEIGHT:-4000}" "file://$work/report.html" 2>/dev/null
echo "report: $work/report.html"
echo "screenshot: $png"
