"""scanlab vs Talos 2.0.10: the same scans through both tools, side by side.

What it measures
    (a) Per-run overhead over a bare Keras loop: a tiny breast-cancer MLP (sklearn
        ``load_breast_cancer``, standardized, fixed 70/30 split given as x_val/y_val to both
        tools; Dense(first_neuron, relu) -> Dropout -> Dense(1, sigmoid), 5 epochs) over the
        same grid of 100 permutations: ``scanlab.Scan`` and ``talos.Scan`` run all 100 (both
        with their defaults, e.g. ``clear_session=True``; Talos also saves every model to disk
        and keeps its weights in memory by default), a bare loop (the model function called in
        a plain ``for`` loop, nothing else) runs 22 of them. Each tool runs in its own
        process; the processes take turns run by run (a baton passed at every model-function
        call), so each run is timed alone and machine noise hits the tools alike. Reported:
        median seconds per run, and the overhead over bare paired by permutation (median of
        tool - bare and tool / bare over the permutations all three ran).
    (b) Sampling at 10^9 (9 params x 10 values) and 10^30 (30 x 10) permutations with
        uniform (round_limit=1000 and fraction_limit=0.2), Sobol, Halton and Latin sampling:
        each case is a Scan with a fake model in a subprocess capped at 8 GiB of address
        space (RLIMIT_AS) with a timeout; reported is the time from Scan() to its first run
        and the peak RSS growth over the RSS before Scan() (for scanlab, Keras is imported
        first: its Scan imports Keras to record versions, free in a Keras user's session), or
        the exception raised (Talos: MemoryError, OverflowError, ...).
    (c) Per-run bookkeeping at run 1,000 with a fake model (no training) for both tools,
        again alternated run by run in two processes (median of runs 990-1010, and of runs
        1-20 to show growth). Talos's per-run cost grows with the run number (~2.4 s per run
        at run 1,000 here: reaching run 1,000 takes it ~20 min), so by default its scan is
        ended after 90 s of runs and compared at the last run it reached: the printed ratio
        is then an upper bound of the ratio at run 1,000. ``--talos-budget-s 0`` measures
        Talos at run 1,000 directly.
    (d) RSS growth per run (MiB/run, least-squares slope of the RSS at each run's start over
        runs 10-100 of part (a), i.e. after warm-up) for each tool.
    Ratios are scanlab/Talos (< 1: scanlab is cheaper).

Target
    scanlab at least as good as Talos on every measure: per-run overhead (a) and bookkeeping
    at run 1,000 (c) no larger than Talos's, every sampling case of (b) reaches its first run
    in < 2 s with < 100 MB of RSS growth, and RSS growth per run (d) no larger than Talos's
    (or < 0.05 MiB/run).

Command
    python -m venv /tmp/benchvenv && /tmp/benchvenv/bin/pip install -e '.[bench]'
    /tmp/benchvenv/bin/python bench/vs_talos.py          (from the repository root; ~15 min)
    options: --parts abcd, --bare-runs 22, --fake-runs 1012, --talos-budget-s 90,
             --mem-cap-gib 8, --timeout 30 (per sampling case)
Talos 2.0.10 pins pandas < 3, hence the separate virtualenv; scanlab runs there on pandas 2.x.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if REPO not in sys.path:
    sys.path.insert(0, REPO)

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

# The whole grid of parts (a) and (d): 5 x 5 x 2 x 2 x 1 = 100 permutations.
PARAMS_MLP = {
    "first_neuron": [8, 16, 32, 64, 128],
    "dropout": [0.0, 0.1, 0.2, 0.3, 0.4],
    "batch_size": [32, 64],
    "lr": [0.01, 0.001],
    "epochs": [5],
}
# Part (c): 25,600 permutations, of which round_limit are run.
PARAMS_FAKE = {
    "first_neuron": [8, 16, 32, 64, 128],
    "hidden_layers": [0, 1, 2, 3],
    "dropout": (0, 0.5, 5),
    "lr": [1e-2, 1e-3, 1e-4, 1e-5],
    "batch_size": [16, 32, 64, 128],
    "epochs": [5],
    "optimizer": ["adam", "nadam", "sgd", "rmsprop"],
    "activation": ["relu", "elu", "tanh", "selu"],
}
WARMUP = 10
SAMPLING_MAX_S = 2.0
SAMPLING_MAX_MB = 100.0
TALOS_METHOD = {
    "uniform": "uniform_mersenne",
    "sobol": "sobol",
    "halton": "halton",
    "latin": "latin_matrix",
}

_HOOK = None  # set in worker processes: called at the start of every model-function call


class BudgetExceeded(BaseException):
    """Raised in a worker's model function to end a scan that ran out of its time budget
    (a BaseException, so that neither tool records it as a failed run and goes on)."""


# -- model functions (Talos contract) ----------------------------------------------------------


class FakeHistory:
    """Stands in for a Keras History: a ``.history`` dict of per-epoch lists."""

    def __init__(self, history):
        self.history = history


def mlp_model(x_train, y_train, x_val, y_val, params):
    if _HOOK is not None:
        _HOOK(params)
    import keras

    model = keras.Sequential(
        [
            keras.Input((x_train.shape[1],)),
            keras.layers.Dense(int(params["first_neuron"]), activation="relu"),
            keras.layers.Dropout(float(params["dropout"])),
            keras.layers.Dense(1, activation="sigmoid"),
        ]
    )
    model.compile(
        optimizer=keras.optimizers.Adam(float(params["lr"])),
        loss="binary_crossentropy",
        metrics=["accuracy"],
    )
    history = model.fit(
        x_train,
        y_train,
        validation_data=(x_val, y_val),
        epochs=int(params["epochs"]),
        batch_size=int(params["batch_size"]),
        verbose=0,
    )
    return history, model


_FAKE_CALLS = [0]


def fake_model(x_train, y_train, x_val, y_val, params):
    if _HOOK is not None:
        _HOOK(params)
    _FAKE_CALLS[0] += 1
    noise = (_FAKE_CALLS[0] * 7919 % 1000) / 1000.0
    epochs = range(1, int(params["epochs"]) + 1)
    return FakeHistory(
        {
            "loss": [1.0 / e + 0.1 * noise for e in epochs],
            "val_loss": [1.1 / e + 0.1 * noise for e in epochs],
            "accuracy": [0.5 + 0.08 * e - 0.05 * noise for e in epochs],
            "val_accuracy": [0.5 + 0.07 * e - 0.05 * noise for e in epochs],
        }
    ), None


def load_data():
    import numpy as np
    from sklearn.datasets import load_breast_cancer
    from sklearn.preprocessing import StandardScaler

    x, y = load_breast_cancer(return_X_y=True)
    x = StandardScaler().fit_transform(x).astype("float32")
    y = y.astype("float32")
    order = np.random.default_rng(0).permutation(len(x))
    n_val = round(0.3 * len(x))
    val, train = np.sort(order[:n_val]), np.sort(order[n_val:])
    return x[train], y[train], x[val], y[val]


def run_tool(tool, model_fn, params, data, n_runs, workdir, seed=1):
    """One scan of n_runs runs (None: the whole grid). bare: a plain loop over n_runs
    permutations drawn at random (seed 0) from the grid."""
    import random

    x_train, y_train, x_val, y_val = data
    if tool == "bare":
        from scanlab.space import ParamSpace

        space = ParamSpace(params)
        for index in random.Random(0).sample(range(len(space)), n_runs):
            model_fn(x_train, y_train, x_val, y_val, space[index])
        return None
    if tool == "scanlab":
        import scanlab

        return scanlab.Scan(
            x_train,
            y_train,
            params=params,
            model=model_fn,
            experiment_name="vs_talos",
            x_val=x_val,
            y_val=y_val,
            round_limit=n_runs,
            seed=seed,
            disable_progress_bar=True,
            results_dir=os.path.join(workdir, "results"),
        )
    if tool == "talos":
        import talos

        return talos.Scan(
            x_train,
            y_train,
            params=params,
            model=model_fn,
            experiment_name="vs_talos",
            x_val=x_val,
            y_val=y_val,
            round_limit=n_runs,
            seed=seed,
            disable_progress_bar=True,
        )
    raise ValueError(tool)


# -- alternated workers (parts a, c, d) ---------------------------------------------------------


def _worker(tool, mode, n_runs, conn, budget_s=None):
    """Runs one tool's scan in this process, handing the baton back at every model call.
    With budget_s, the scan is ended once its runs took that many seconds in all."""
    global _HOOK
    import gc

    import psutil

    t_start = time.perf_counter()
    workdir = tempfile.mkdtemp(prefix=f"{tool}-", dir=os.environ.get("VS_TALOS_TMP"))
    os.chdir(workdir)
    import keras  # noqa: F401 - a real session has Keras imported (affects gc cost too)

    proc = psutil.Process()
    state = {"t_go": None, "first": None, "spent": 0.0}
    intervals, rss, keys = [], [], []

    def hook(params):
        now = time.perf_counter()
        if state["t_go"] is not None:
            intervals.append(now - state["t_go"])
            state["spent"] += intervals[-1]
            if budget_s and state["spent"] > budget_s:
                state["t_go"] = None
                raise BudgetExceeded(f"{len(intervals)} runs took {state['spent']:.0f} s")
        else:
            state["first"] = now - t_start
        rss.append(proc.memory_info().rss / 2**20)
        keys.append(_key(params))
        conn.send(("enter", len(rss)))
        conn.recv()  # wait for our turn
        state["t_go"] = time.perf_counter()

    _HOOK = hook
    error = stopped = None
    finish_s = None
    try:
        data = load_data() if mode == "mlp" else _fake_data()
        model_fn, params = (mlp_model, PARAMS_MLP) if mode == "mlp" else (fake_model, PARAMS_FAKE)
        run_tool(tool, model_fn, params, data, n_runs, workdir)
        if state["t_go"] is not None:
            finish_s = time.perf_counter() - state["t_go"]
    except BudgetExceeded as exc:
        stopped = str(exc)
    except BaseException as exc:
        error = f"{type(exc).__name__}: {str(exc)[:300]}"
    _HOOK = None
    gc.collect()
    conn.send(
        (
            "done",
            {
                "intervals": intervals,
                "rss": rss,
                "keys": keys,
                "startup_s": state["first"],
                "finish_s": finish_s,
                "error": error,
                "stopped": stopped,
                "runs": len(rss),
            },
        )
    )
    conn.close()


def _fake_data():
    import numpy as np

    x = np.random.default_rng(1).random((200, 5)).astype("float32")
    y = (x.sum(axis=1) > 2.5).astype("float32")
    return x[:140], y[:140], x[140:], y[140:]


def _key(params):
    """A permutation's identity, the same whichever tool passes it (ints, floats, np types)."""

    def norm(v):
        try:
            return repr(float(v))
        except (TypeError, ValueError):
            return str(v)

    return json.dumps(sorted((str(k), norm(v)) for k, v in params.items()))


def alternate(tools, mode, n_runs, timeout, budgets=None):
    """Start one process per tool, then let them take turns run by run.

    n_runs: {tool: number of runs (None: the whole grid)}; budgets: {tool: seconds}."""
    import multiprocessing as mp

    ctx = mp.get_context("spawn")
    procs, conns, results = {}, {}, {}

    def receive(tool):
        if not conns[tool].poll(timeout):
            raise TimeoutError(f"{tool} gave no sign of life for {timeout} s")
        try:
            return conns[tool].recv()
        except EOFError:
            return (
                "done",
                {
                    "error": f"process died (exit code {procs[tool].exitcode})",
                    "intervals": [],
                    "rss": [],
                },
            )

    for tool in tools:  # one at a time, so that start-ups do not overlap either
        parent, child = ctx.Pipe()
        procs[tool] = ctx.Process(
            target=_worker,
            args=(tool, mode, n_runs[tool], child, (budgets or {}).get(tool)),
            daemon=True,
        )
        procs[tool].start()
        conns[tool] = parent
        msg = receive(tool)
        if msg[0] == "done":
            results[tool] = msg[1]
    active = [t for t in tools if t not in results]
    while active:
        for tool in list(active):
            conns[tool].send("go")
            msg = receive(tool)
            if msg[0] == "done":
                results[tool] = msg[1]
                active.remove(tool)
                procs[tool].join(30)
    for tool in tools:
        if procs[tool].is_alive():
            procs[tool].kill()
        if results[tool].get("error"):
            print(f"  !! {tool}: {results[tool]['error']}")
    return results


def slope(values):
    """Least-squares slope of values against their position."""
    n = len(values)
    if n < 2:
        return math.nan
    xs = range(n)
    mx, my = (n - 1) / 2, sum(values) / n
    num = sum((x - mx) * (y - my) for x, y in zip(xs, values, strict=True))
    den = sum((x - mx) ** 2 for x in xs)
    return num / den


def part_a_d(n_bare, timeout):
    grid = math.prod(len(v) for v in PARAMS_MLP.values())
    print(
        f"(a) per-run cost over a bare Keras loop: breast-cancer MLP, 5 epochs; scanlab and "
        f"Talos run the whole grid ({grid} permutations), the bare loop {n_bare} of them; "
        f"alternated run by run"
    )
    tools = ("bare", "scanlab", "talos")
    res = alternate(tools, "mlp", {"bare": n_bare, "scanlab": None, "talos": None}, timeout)
    times = {}
    for tool in tools:
        # intervals[i] is the run started at keys[i]; run 1 (first graph trace) is skipped
        pairs = list(zip(res[tool]["keys"], res[tool]["intervals"], strict=False))[1:]
        times[tool] = dict(pairs)
    common = [k for k in times["bare"] if all(k in times[t] for t in tools)]
    med = {t: statistics.median(times[t].values()) if times[t] else math.nan for t in tools}
    over = {
        t: statistics.median([times[t][k] - times["bare"][k] for k in common]) * 1000
        if common
        else math.nan
        for t in tools
    }
    ratio = {
        t: statistics.median([times[t][k] / times["bare"][k] for k in common])
        if common
        else math.nan
        for t in tools
    }
    header = (
        f"{'tool':<8} {'runs':>5} {'median s/run':>13} {'paired overhead ms/run':>23} "
        f"{'paired x bare':>14} {'start-up s':>11}"
    )
    print(header)
    print("-" * len(header))
    for tool in tools:
        startup = res[tool].get("startup_s")
        print(
            f"{tool:<8} {len(res[tool]['rss']):>5} {med[tool]:>13.3f} {over[tool]:>23.1f} "
            f"{ratio[tool]:>14.3f} {startup if startup is not None else math.nan:>11.1f}"
        )
    print(
        f"paired: median over the {len(common)} permutations all three ran (run 1 of each "
        f"process skipped) of (tool - bare) and tool/bare for the same permutation"
    )
    print(
        f"scanlab/Talos: median per-run time {med['scanlab'] / med['talos']:.2f}; overhead "
        f"over bare {over['scanlab']:.1f} / {over['talos']:.1f} ms = "
        f"{over['scanlab'] / over['talos'] if over['talos'] > 0 else math.nan:.2f}"
    )
    print()
    print(
        f"(d) RSS growth per run: least-squares slope of the RSS at the start of runs "
        f"{WARMUP}..N (after warm-up), same runs as (a)"
    )
    header = (
        f"{'tool':<8} {'runs':>5} {'RSS run 1 MiB':>14} {f'RSS run {WARMUP}':>11} "
        f"{'RSS last':>9} {'MiB/run':>8}"
    )
    print(header)
    print("-" * len(header))
    slopes = {}
    for tool in tools:
        rss = res[tool]["rss"]
        slopes[tool] = slope(rss[WARMUP - 1 :]) if len(rss) >= WARMUP + 10 else math.nan
        print(
            f"{tool:<8} {len(rss):>5} {rss[0] if rss else math.nan:>14.0f} "
            f"{rss[WARMUP - 1] if len(rss) >= WARMUP else math.nan:>11.0f} "
            f"{rss[-1] if rss else math.nan:>9.0f} {slopes[tool]:>8.3f}"
        )
    print(
        f"scanlab/Talos RSS growth: {slopes['scanlab']:.3f} / {slopes['talos']:.3f} MiB/run"
        + (f" = {slopes['scanlab'] / slopes['talos']:.2f}" if slopes["talos"] > 0 else "")
    )
    print()
    ok_a = over["scanlab"] <= max(over["talos"], 0.0)
    ok_d = slopes["scanlab"] <= max(slopes["talos"], 0.05)
    return ok_a, ok_d


def part_c(n_runs, timeout, talos_budget_s):
    budget = f"; Talos stops after {talos_budget_s:.0f} s of runs" if talos_budget_s else ""
    print(
        f"(c) per-run bookkeeping with a fake model (no training), {n_runs} runs per tool, "
        f"alternated run by run{budget}"
    )
    res = alternate(
        ["scanlab", "talos"],
        "fake",
        {"scanlab": n_runs, "talos": n_runs},
        timeout,
        budgets={"talos": talos_budget_s},
    )
    header = (
        f"{'tool':<8} {'runs':>5} {'med ms 1-20':>12} {'at run':>7} {'median ms':>10} "
        f"{'mean ms':>8} {'growth':>7} {'runs took s':>12}"
    )
    print(header)
    print("-" * len(header))
    at, where = {}, {}
    for tool in ("scanlab", "talos"):
        iv = [v * 1000 for v in res[tool]["intervals"]]
        early = statistics.median(iv[:20]) if len(iv) >= 20 else math.nan
        # runs 990-1010, or the last 21 runs when the time budget ended the scan earlier
        end = min(len(iv), 1010)
        late = iv[max(0, end - 21) : end]
        where[tool] = end - 10
        at[tool] = statistics.median(late) if late else math.nan
        mean_late = statistics.mean(late) if late else math.nan
        print(
            f"{tool:<8} {len(res[tool]['rss']):>5} {early:>12.2f} {where[tool]:>7,} "
            f"{at[tool]:>10.2f} {mean_late:>8.2f} {at[tool] / early:>6.1f}x "
            f"{sum(iv) / 1000:>12.1f}"
        )
        if res[tool].get("stopped"):
            print(f"{'':<8} stopped by the time budget: {res[tool]['stopped']}")
    ratio = at["scanlab"] / at["talos"]
    if where["talos"] >= where["scanlab"]:
        print(f"scanlab/Talos bookkeeping at run {where['scanlab']:,}: {ratio:.3f}")
    else:
        print(
            f"scanlab/Talos bookkeeping: scanlab at run {where['scanlab']:,} / Talos at run "
            f"{where['talos']:,} = {ratio:.3f}; an upper bound for the ratio at run "
            f"{where['scanlab']:,}, as Talos's per-run cost grows with the run number "
            f"(--talos-budget-s 0 measures it directly, ~20 min here)"
        )
    print()
    return ratio <= 1.0, {"at_ms": at}


# -- sampling cases (part b), each in a capped subprocess ---------------------------------------


def _sampling_child(case):
    """Runs in a subprocess: one Scan with a fake model; exits at its first run."""
    import psutil

    if case["tool"] == "scanlab":
        # scanlab's Scan imports Keras (to record its version): import it before the clock
        # starts, as it is in a Keras user's session. Talos imports no framework here.
        import keras  # noqa: F401

    workdir = tempfile.mkdtemp(prefix="sampling-", dir=os.environ.get("VS_TALOS_TMP"))
    os.chdir(workdir)
    params = {f"p{j:02d}": list(range(10)) for j in range(case["n_params"])}
    params["epochs"] = [5]
    rss0 = psutil.Process().memory_info().rss / 2**20
    t0 = time.perf_counter()

    def report(status, **extra):
        seconds = time.perf_counter() - t0
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(
            "RESULT "
            + json.dumps(
                {
                    "status": status,
                    "seconds": seconds,
                    "rss_growth_mb": max(0.0, peak - rss0),
                    **extra,
                }
            ),
            flush=True,
        )
        os._exit(0)

    def first_run(x_train, y_train, x_val, y_val, p):
        report("first run")

    x, y = _fake_data()[:2]
    limits = {"round_limit": case["round_limit"], "fraction_limit": case["fraction_limit"]}
    try:
        if case["tool"] == "scanlab":
            import scanlab

            scanlab.Scan(
                x,
                y,
                params=params,
                model=first_run,
                experiment_name="sampling",
                random_method=case["method"],
                seed=1,
                disable_progress_bar=True,
                results_dir=workdir,
                **limits,
            )
        else:
            import talos

            talos.Scan(
                x,
                y,
                params=params,
                model=first_run,
                experiment_name="sampling",
                random_method=TALOS_METHOD[case["method"]],
                seed=1,
                disable_progress_bar=True,
                **limits,
            )
        report("no run")
    except BaseException as exc:
        report(
            "error", exc=type(exc).__name__, msg=str(exc).splitlines()[0][:120] if str(exc) else ""
        )


def part_b(cap_gib, timeout):
    print(
        f"(b) sampling huge grids: Scan() to its first run, fake model, each case in a "
        f"subprocess capped at {cap_gib:g} GiB (RLIMIT_AS), timeout {timeout} s"
    )
    cases = []
    for n_params in (9, 30):
        for method, rl, fl in (
            ("uniform", 1000, None),
            ("uniform", None, 0.2),
            ("sobol", 1000, None),
            ("halton", 1000, None),
            ("latin", 1000, None),
        ):
            cases.append(
                {"n_params": n_params, "method": method, "round_limit": rl, "fraction_limit": fl}
            )
    cap = int(cap_gib * 2**30)

    def limit():
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))

    header = f"{'grid':<6} {'method':<8} {'limit':<10} {'scanlab':<30} {'Talos':<44}"
    print(header)
    print("-" * len(header))
    all_ok = True
    for case in cases:
        cells = {}
        for tool in ("scanlab", "talos"):
            arg = json.dumps({**case, "tool": tool})
            t0 = time.perf_counter()
            try:
                proc = subprocess.run(
                    [sys.executable, os.path.abspath(__file__), "--sampling-child", arg],
                    capture_output=True,
                    text=True,
                    timeout=timeout,
                    preexec_fn=limit,
                )
                line = next(
                    (ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT ")), None
                )
                if line is None:
                    tail = (proc.stderr.strip().splitlines() or ["?"])[-1][:60]
                    out = {"status": "died", "rc": proc.returncode, "msg": tail}
                else:
                    out = json.loads(line[7:])
            except subprocess.TimeoutExpired:
                out = {"status": "timeout", "seconds": time.perf_counter() - t0}
            if out["status"] == "first run":
                text = f"{out['seconds']:.2f} s, +{out['rss_growth_mb']:.0f} MB"
            elif out["status"] == "error":
                text = f"{out['exc']} after {out['seconds']:.1f} s"
            elif out["status"] == "timeout":
                text = f"timeout after {timeout} s"
            else:
                text = f"{out['status']} rc={out.get('rc')} {out.get('msg', '')}"[:44]
            cells[tool] = (out, text)
        s_out = cells["scanlab"][0]
        ok = (
            s_out["status"] == "first run"
            and s_out["seconds"] < SAMPLING_MAX_S
            and s_out["rss_growth_mb"] < SAMPLING_MAX_MB
        )
        all_ok &= ok
        limit_text = (
            f"rl={case['round_limit']}" if case["round_limit"] else f"fl={case['fraction_limit']}"
        )
        grid = f"1e{case['n_params']}"
        print(
            f"{grid:<6} {case['method']:<8} {limit_text:<10} {cells['scanlab'][1]:<30} "
            f"{cells['talos'][1]:<44}"
        )
        for tool in ("scanlab", "talos"):
            out = cells[tool][0]
            if out["status"] == "error" and out.get("msg"):
                print(f"{'':<26}{tool}: {out['exc']}: {out['msg'][:90]}")
    print(
        "time: Scan() to its first run; +MB: peak RSS growth over the RSS before Scan(). "
        "scanlab's Scan imports Keras (to record versions): it is imported before the clock "
        "starts, as in a Keras user's session; Talos imports no framework here."
    )
    print()
    return all_ok


def main():
    parser = argparse.ArgumentParser(description="scanlab vs Talos 2.0.10")
    parser.add_argument("--parts", default="abcd", help="which parts to run (a/d run together)")
    parser.add_argument(
        "--bare-runs",
        type=int,
        default=22,
        help="runs of the bare loop in (a) (scanlab and Talos run the whole grid)",
    )
    parser.add_argument("--fake-runs", type=int, default=1012)
    parser.add_argument(
        "--talos-budget-s",
        type=float,
        default=90.0,
        help="(c): end Talos's scan once its runs took this long (0: no limit; "
        "Talos then needs ~20 min to reach run 1,000 here)",
    )
    parser.add_argument("--mem-cap-gib", type=float, default=8.0)
    parser.add_argument(
        "--timeout",
        type=int,
        default=30,
        help="seconds per sampling case of (b); 5x that per run in (a)/(c)",
    )
    parser.add_argument("--sampling-child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.sampling_child:
        _sampling_child(json.loads(args.sampling_child))
        return 0

    from importlib.metadata import version

    print(
        f"talos {version('talos')}, scanlab {version('scanlab')}, pandas {version('pandas')}, "
        f"keras {version('keras')}, tensorflow {version('tensorflow')}, "
        f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs"
    )
    print()
    t0 = time.perf_counter()
    verdicts = {}
    scratch = tempfile.mkdtemp(prefix="vs-talos-")
    os.environ["VS_TALOS_TMP"] = scratch  # workers and subprocesses write there
    try:
        if "a" in args.parts or "d" in args.parts:
            verdicts["a"], verdicts["d"] = part_a_d(args.bare_runs, 5 * args.timeout)
        if "b" in args.parts:
            verdicts["b"] = part_b(args.mem_cap_gib, args.timeout)
        if "c" in args.parts:
            verdicts["c"], _ = part_c(args.fake_runs, 5 * args.timeout, args.talos_budget_s)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    ok = all(verdicts.values())
    detail = ", ".join(f"({k}) {'ok' if v else 'FAIL'}" for k, v in sorted(verdicts.items()))
    print(
        f"{'PASS' if ok else 'FAIL'}: scanlab at least as good as Talos on every measure: "
        f"{detail}  [{time.perf_counter() - t0:.0f} s]"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
