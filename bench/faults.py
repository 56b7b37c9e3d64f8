"""Fault injection: attack real scans as an adversary would, then count what was lost.

Every attack runs a real ``scanlab.Scan`` in a subprocess (``bench/_fault_models.py``: a fake
model that sleeps a little and returns a known history, no Keras), harms it, resumes it with
the same call and compares the final results folder with a reference scan (same seed, params
and limits) run once, uninterrupted. Run it from the repository root::

    python bench/faults.py --quick        # 50 attacks, about 1.5 minutes on 2 cores
    python bench/faults.py                # 131 attacks, about 5 minutes
    python bench/faults.py --seed 3       # other kill moments and targets

Must run as root for the tmpfs disk-full attack; without it, it falls back to
``RLIMIT_FSIZE`` and says so.

Columns of the table
--------------------
tries
    Attacks of this kind made (each on a fresh results folder).
lost
    Reference runs missing from the final folder. When the last step stopped with a clear
    error (a documented refusal), only runs that were on disk before it count.
duplicated
    Extra rows of a ``run_id`` already present (in any round): a run trained or read twice.
corrupt
    Rows ``load_results`` returned whose params do not match their ``run_id``'s
    permutation, whose status is not ok/failed, or whose ok metrics differ from the
    reference; plus one per folder that could not be read without a clear error.
clear / errors
    Errors the user saw (a traceback, or an exit code the attack did not cause; an exit by the
    signal the attack sent is not one), and how many were clear by the rule printed under the
    table.

Under the table, each row's notes say when the attacks struck (rows on disk at that moment)
and what went wrong. The last line is ``PASS`` when nothing was lost, duplicated or corrupt,
every error was clear, the harness never crashed and no process was left behind; otherwise
``FAIL`` and the rows to blame. The exit code is 0 for PASS, 1 for FAIL.
"""

from __future__ import annotations

import argparse
import math
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback
import uuid
import warnings
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import psutil

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
import _fault_models as fm  # noqa: E402

import scanlab  # noqa: E402
import scanlab.errors  # noqa: E402
from scanlab.space import ParamSpace  # noqa: E402

CLEAR_RULE = (
    "an error is clear when stderr holds one traceback (no chained one) ending in "
    "'<scanlab.errors class>: <message>' whose message names a file (a path, or *.csv/*.json"
    "/*.jsonl/.lock) or an argument ('<name> must', '<name>='); KeyboardInterrupt is also "
    "clear after SIGINT/SIGTERM or a model raising it"
)
SCANLAB_ERRORS = {n for n in scanlab.errors.__all__ if n[0].isupper()}
NAMES_SOMETHING = re.compile(
    r"/[\w.\-]+|\w\.(csv|jsonl?|lock|keras)\b|\.lock\b|\b\w+ must\b|\b\w+="
)
METRICS = ("loss", "val_loss", "accuracy", "val_accuracy")
TIMEOUT = 90


@dataclass
class Outcome:
    """What one try of an attack did."""

    lost: int = 0
    duplicated: int = 0
    corrupt: int = 0
    errors: int = 0
    clear: int = 0
    notes: list[str] = field(default_factory=list)
    hit_at: list[int] = field(default_factory=list)  # rows on disk when the attack struck

    def error(self, clear: bool, line: str) -> None:
        self.errors += 1
        self.clear += clear
        if not clear:
            self.notes.append(f"unclear: {line[:160]}")


class Harness:
    """Starts scans, watches them and judges the folder they leave."""

    def __init__(self, root: Path, rng: random.Random) -> None:
        self.root, self.rng, self.tag = root, rng, uuid.uuid4().hex
        self.env = dict(
            os.environ,
            PYTHONPATH=os.pathsep.join([str(BENCH), str(BENCH.parent)]),
            FAULTS_TAG=self.tag,
        )
        space = ParamSpace(fm.PARAMS)
        self.labels = {space.run_id(i): space.labels(i) for i in range(space.size)}
        self.count = 0
        self.ref_time: dict[int, float] = {}
        for workers in (2, 1):  # the sequential one is the reference; both must agree
            started = time.time()
            rc, err = self.run(self.fresh(), workers)
            self.ref_time[workers] = time.time() - started
            if rc != 0:
                raise SystemExit(f"the reference scan (workers={workers}) failed:\n{err}")
        ref = scanlab.load_results(self.last / fm.EXPERIMENT)
        if set(self.ids_on_disk(self.root / "try-0001")) != set(ref["run_id"]):
            raise SystemExit("workers=2 ran other permutations than the sequential scan")
        self.ref_order = list(ref["run_id"])
        self.ref = {r["run_id"]: r for r in ref.to_dict("records")}

    def fresh(self) -> Path:
        self.count += 1
        self.last = self.root / f"try-{self.count:04d}"
        self.last.mkdir()
        return self.last

    def start(self, folder: Path, workers: int, **env: str) -> subprocess.Popen:
        return subprocess.Popen(
            [sys.executable, str(BENCH / "_fault_models.py"), str(folder), str(workers)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            env=dict(self.env, **env),
            text=True,
        )

    def finish(self, proc: subprocess.Popen) -> tuple[int, str]:
        try:
            _, err = proc.communicate(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            proc.kill()
            _, err = proc.communicate()
            return -999, f"harness: timed out after {TIMEOUT} s\n{err}"
        return proc.returncode, err

    def run(self, folder: Path, workers: int, **env: str) -> tuple[int, str]:
        return self.finish(self.start(folder, workers, **env))

    def rows_on_disk(self, folder: Path) -> int:
        csv = folder / fm.EXPERIMENT / "round-001" / "results.csv"
        try:
            return max(csv.read_bytes().count(b"\n") - 1, 0)
        except OSError:
            return 0

    def wait_rows(self, proc: subprocess.Popen, folder: Path, k: int) -> None:
        deadline = time.time() + TIMEOUT
        while proc.poll() is None and time.time() < deadline and self.rows_on_disk(folder) < k:
            time.sleep(0.005)

    def ids_on_disk(self, folder: Path) -> list[str]:
        """Run ids in every results CSV, read leniently (no scanlab code)."""
        ids = []
        for csv in sorted((folder / fm.EXPERIMENT).glob("round-*/results*.csv")):
            text = csv.read_bytes().decode("utf-8", "replace")
            for line in text.split("\n")[1:-1]:  # not the header, nor a torn last line
                rid = line.lstrip("\ufeff").split(",", 1)[0]
                if re.fullmatch(r"[0-9a-f]{16}", rid):
                    ids.append(rid)
        return ids

    def leftovers(self, grace: float = 0.0) -> int:
        """Kill and count processes of ours still alive after ``grace`` seconds (orphans)."""
        deadline = time.time() + grace
        while True:
            found = []
            for proc in psutil.process_iter(["pid"]):
                try:
                    if proc.pid != os.getpid() and proc.environ().get("FAULTS_TAG") == self.tag:
                        found.append(proc)
                except (psutil.Error, OSError):
                    continue
            if not found or time.time() >= deadline:
                break
            time.sleep(0.1)
        for proc in found:
            try:
                proc.kill()
            except psutil.Error:
                pass
        return len(found)

    def judge(self, out: Outcome, rc: int, err: str, sent: int = 0, ki_ok: bool = False) -> bool:
        """Record the error a step showed, if any; True when the step completed (rc 0)."""
        if rc == 0 and "Traceback" not in err:
            return True
        if "Traceback" not in err and rc == -sent:
            return False  # killed by the attack itself: not an error the scan showed
        lines = [ln for ln in err.strip().splitlines() if ln.strip()]
        last = lines[-1] if lines else f"exit code {rc}, no message"
        m = re.match(r"^(?:[\w.]+\.)?(\w+)(?::\s*(.*))?$", last)
        name, msg = (m.group(1), m.group(2) or "") if m else ("", "")
        tracebacks = err.count("Traceback (most recent call last)")
        clear = tracebacks == 1 and (
            (name in SCANLAB_ERRORS and bool(NAMES_SOMETHING.search(msg)))
            or (name == "KeyboardInterrupt" and ki_ok)
        )
        last = re.sub(r"'?/tmp/scanlab-faults-[^/]+/try-\d+/?", "", last)  # dedupe the notes
        out.error(clear, last if tracebacks < 2 else f"({tracebacks} tracebacks) {last}")
        return False

    def check(
        self, out: Outcome, folder: Path, complete: bool, before: set[str], excused=(), planted=0
    ) -> None:
        """Count lost, duplicated and corrupt runs in the final folder; try Analyze too.

        Duplicates are counted in what ``load_results`` returns and in the files themselves
        (less the ``planted`` ones the attack wrote), so a loader that hides a run trained
        twice does not hide it from this count.
        """
        exp = folder / fm.EXPERIMENT
        try:
            df = scanlab.load_results(exp)
            rows = df.to_dict("records")
        except Exception as exc:
            clear = isinstance(exc, scanlab.ScanlabError) and bool(NAMES_SOMETHING.search(str(exc)))
            out.error(clear, f"load_results: {type(exc).__name__}: {exc}")
            out.corrupt += not clear
            ids = self.ids_on_disk(folder)
            rows = []
        else:
            ids = [r["run_id"] for r in rows]
            try:
                if any(r["status"] == "ok" for r in rows):
                    scanlab.Analyze(str(exp))
            except Exception as exc:
                clear = isinstance(exc, scanlab.ScanlabError)
                out.error(clear, f"Analyze: {type(exc).__name__}: {exc}")
        on_disk = sum(n - 1 for n in Counter(self.ids_on_disk(folder)).values()) - planted
        out.duplicated += max(sum(n - 1 for n in Counter(ids).values()), on_disk)
        expected = set(self.ref) if complete else before
        out.lost += len(expected - set(ids))
        for r in rows:
            out.corrupt += self.row_corrupt(r, excused)
        rounds = len(list(exp.glob("round-*")))
        if rounds > 1:
            out.notes.append(f"{rounds} rounds after resume")

    def row_corrupt(self, row: dict, excused) -> bool:
        rid = row["run_id"]
        labels = self.labels.get(rid)
        if labels is None or any(str(row.get(k)) != v for k, v in labels.items()):
            return True
        if row["status"] not in ("ok", "failed"):
            return True
        if row["status"] != "ok" or rid in excused or rid not in self.ref:
            return False
        ref = self.ref[rid]
        try:
            return not all(math.isclose(float(row[m]), float(ref[m])) for m in METRICS)
        except (TypeError, ValueError, KeyError):
            return True


# ---- the attacks: each makes one try on a fresh folder and returns its Outcome --------------


def sigkill(h: Harness, workers: int) -> Outcome:
    out, folder = Outcome(), h.fresh()
    proc = h.start(folder, workers)
    time.sleep(h.rng.uniform(0.1, 0.95) * h.ref_time[workers])
    if proc.poll() is not None:
        out.notes.append("a scan finished before the kill")
    proc.send_signal(signal.SIGKILL)
    out.hit_at.append(h.rows_on_disk(folder))
    h.judge(out, *h.finish(proc), sent=signal.SIGKILL)
    if orphans := h.leftovers(grace=5.0):
        out.notes.append(f"{orphans} worker(s) still alive 5 s after the driver was killed")
    before = set(h.ids_on_disk(folder))
    done = h.judge(out, *h.run(folder, workers))
    h.check(out, folder, done, before)
    return out


def worker_kill(h: Harness, startup: bool) -> Outcome:
    out, folder = Outcome(), h.fresh()
    proc = h.start(folder, 2)
    if not startup:
        h.wait_rows(proc, folder, h.rng.randint(2, fm.ROUND_LIMIT - 10))
    deadline, killed = time.time() + 30, False
    while not killed and proc.poll() is None and time.time() < deadline:
        try:
            kids = psutil.Process(proc.pid).children(recursive=True)
        except psutil.Error:
            break
        for kid in kids:
            try:
                if "scanlab.executors.worker" in " ".join(kid.cmdline()):
                    kid.kill()
                    out.hit_at.append(h.rows_on_disk(folder))
                    killed = True
                    break
            except psutil.Error:
                continue
        time.sleep(0.002)
    if not killed:
        out.notes.append("no worker found to kill")
    done = h.judge(out, *h.finish(proc))
    csv = folder / fm.EXPERIMENT / "round-001" / "results.csv"
    if not startup and killed and b"WorkerDied" not in csv.read_bytes():
        out.notes.append("a worker killed mid-scan left no WorkerDied row (idle between runs?)")
    before = set(h.ids_on_disk(folder))
    if not done:
        done = h.judge(out, *h.run(folder, 2))
    h.check(out, folder, done, before)
    return out


def stop_signal(h: Harness, sig: int) -> Outcome:
    out, folder = Outcome(), h.fresh()
    proc = h.start(folder, 1, FAULT_DELAY="0.05")
    h.wait_rows(proc, folder, h.rng.randint(1, fm.ROUND_LIMIT - 5))
    proc.send_signal(sig)
    out.hit_at.append(h.rows_on_disk(folder))
    h.judge(out, *h.finish(proc), sent=sig, ki_ok=True)
    before = set(h.ids_on_disk(folder))
    done = h.judge(out, *h.run(folder, 1))
    h.check(out, folder, done, before)
    return out


def disk_full(h: Harness) -> Outcome:
    out, folder = Outcome(), h.fresh()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(folder)], capture_output=True
    )
    try:
        big = {"FAULT_EPOCHS": "400"}
        extra = {} if mounted.returncode == 0 else {"FAULT_FSIZE": str(64 * 1024)}
        out.notes.append("tmpfs 256k" if not extra else "RLIMIT_FSIZE 64k (mount refused)")
        rc, err = h.run(folder, 1, **big, **extra)
        if rc == 0:
            out.notes.append("the disk never filled")
        h.judge(out, rc, err)
        before = set(h.ids_on_disk(folder))
        if not extra:
            subprocess.run(["mount", "-o", "remount,size=64m", str(folder)], check=True)
        done = h.judge(out, *h.run(folder, 1, **big))
        h.check(out, folder, done, before)
    finally:
        if mounted.returncode == 0:
            subprocess.run(["umount", "-l", str(folder)], check=False)
    return out


def concurrent(h: Harness) -> Outcome:
    out, folder = Outcome(), h.fresh()
    procs = [h.start(folder, 1, FAULT_DELAY="0.05") for _ in range(2)]
    results = [h.finish(p) for p in procs]
    locked = sum("ExperimentLockedError" in err for _, err in results)
    if locked != 1:
        out.notes.append(f"{locked} of 2 refused with ExperimentLockedError, not 1")
    done = [h.judge(out, rc, err) for rc, err in results]
    before = set(h.ids_on_disk(folder))
    h.check(out, folder, any(done) or h.judge(out, *h.run(folder, 1)), before)
    return out


def corruption(h: Harness, damage: Callable[[Path], None]) -> Outcome:
    out, folder = Outcome(), h.fresh()
    h.judge(out, *h.run(folder, 1, FAULT_DIE_AFTER=str(h.rng.randint(5, 30))), sent=9)
    before = set(h.ids_on_disk(folder))
    out.hit_at.append(len(before))
    damage(folder / fm.EXPERIMENT / "round-001" / "results.csv")
    done = h.judge(out, *h.run(folder, 1))
    h.check(out, folder, done, before, planted=int(damage is fm.dup_row))
    return out


def model_fault(h: Harness, mode: str) -> Outcome:
    out, folder = Outcome(), h.fresh()
    target = h.rng.choice(h.ref_order[5:30]) if mode not in ("nan_first", "empty") else ""
    first = h.ref_order[0] if not target else target
    rc, err = h.run(folder, 1, FAULT_MODE=mode, FAULT_TARGET=target)
    done = h.judge(out, rc, err, ki_ok=mode == "keyboardinterrupt")
    before = set(h.ids_on_disk(folder))
    if not done:
        done = h.judge(out, *h.run(folder, 1))
    h.check(out, folder, done, before, excused={first})
    return out


ATTACKS: list[tuple[str, Callable[[Harness], Outcome], int, int]] = [
    ("SIGKILL scan, in-process", lambda h: sigkill(h, 1), 6, 20),
    ("SIGKILL scan, workers=2", lambda h: sigkill(h, 2), 6, 20),
    ("SIGKILL a worker mid-scan", lambda h: worker_kill(h, False), 3, 10),
    ("SIGKILL a worker at start-up", lambda h: worker_kill(h, True), 2, 10),
    ("SIGINT scan, resume", lambda h: stop_signal(h, signal.SIGINT), 3, 12),
    ("SIGTERM scan, resume", lambda h: stop_signal(h, signal.SIGTERM), 3, 12),
    ("disk full, then room, resume", disk_full, 1, 2),
    ("two concurrent scans", concurrent, 4, 19),
    *[(name, lambda h, d=d: corruption(h, d), 1, 2) for name, d in fm.CORRUPTIONS.items()],
    ("model raises KeyboardInterrupt", lambda h: model_fault(h, "keyboardinterrupt"), 1, 2),
    ("model raises SystemExit", lambda h: model_fault(h, "systemexit"), 1, 2),
    ("model raises a BaseException", lambda h: model_fault(h, "baseexception"), 1, 2),
    ("NaN metric in the first run", lambda h: model_fault(h, "nan_first"), 1, 2),
    ("empty history {} first", lambda h: model_fault(h, "empty"), 1, 2),
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="about 2 minutes instead of 10")
    parser.add_argument("--seed", type=int, default=0, help="seeds kill moments and targets")
    args = parser.parse_args()
    warnings.simplefilter("ignore")  # the loader's warnings about repaired files
    root = Path(tempfile.mkdtemp(prefix="scanlab-faults-"))
    table: list[tuple[str, int, Outcome]] = []
    try:
        h = Harness(root, random.Random(args.seed))
        for name, attack, quick, full in ATTACKS:
            total, tries = Outcome(), quick if args.quick else full
            for _ in range(tries):
                try:
                    one = attack(h)
                except Exception as exc:
                    where = traceback.extract_tb(exc.__traceback__)[-1]
                    at = f"{Path(where.filename).name}:{where.lineno}"
                    one = Outcome(notes=[f"harness crashed: {exc!r} ({at})"])
                if leaked := h.leftovers():
                    one.notes.append(f"{leaked} process(es) left behind")
                for key in ("lost", "duplicated", "corrupt", "errors", "clear"):
                    setattr(total, key, getattr(total, key) + getattr(one, key))
                total.notes += [n for n in one.notes if n not in total.notes]
                total.hit_at += one.hit_at
            table.append((name, tries, total))
            print(f"  done: {name}", file=sys.stderr)
    finally:
        for mount in root.glob("try-*"):
            subprocess.run(["umount", "-l", str(mount)], capture_output=True, check=False)
        shutil.rmtree(root, ignore_errors=True)
    return report(table)


def report(table: list[tuple[str, int, Outcome]]) -> int:
    """Print the table, the rule, each row's notes and PASS or FAIL with the reasons."""
    total = Outcome()
    for _, _, o in table:
        for key in ("lost", "duplicated", "corrupt", "errors", "clear"):
            setattr(total, key, getattr(total, key) + getattr(o, key))
    header = ("attack", "tries", "lost", "duplicated", "corrupt", "clear / errors")
    print("| " + " | ".join(header) + " |\n|" + "---|" * len(header))
    tries = sum(t for _, t, _ in table)
    for name, n, o in [*table, ("TOTAL", tries, total)]:
        cells = (name, n, o.lost, o.duplicated, o.corrupt, f"{o.clear} / {o.errors}")
        print("| " + " | ".join(str(c) for c in cells) + " |")
    print(f"\nrule: {CLEAR_RULE}.\nnotes:")
    reasons = []
    for name, _, o in table:
        hit = f"struck at {min(o.hit_at)}-{max(o.hit_at)} rows on disk" if o.hit_at else ""
        if o.notes or hit:
            print(f"  {name}: " + "; ".join([hit, *o.notes[:4]] if hit else o.notes[:4]))
        bad = o.lost or o.duplicated or o.corrupt or o.clear < o.errors
        alarming = ("harness crashed", "left behind", "still alive")
        alarms = [n for n in o.notes if any(a in n for a in alarming)]
        if bad or alarms:
            counts = f"lost {o.lost}, duplicated {o.duplicated}, corrupt {o.corrupt}"
            counts += f", {o.errors - o.clear} unclear error(s)"
            reasons.append(f"{name}: " + "; ".join([counts, *alarms[:2]]))
    if reasons:
        print("FAIL\n  " + "\n  ".join(reasons))
        return 1
    print("PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
