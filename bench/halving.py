"""Budgeted search against random search: best validation accuracy reached against epochs
and wall time, for random search at a budget B and at 2B, successive halving, Hyperband and
ASHA with 2 workers; the epochs continuation saves over restarts; the schedulers' bookkeeping.

Tasks (measured in one run of the script, same grid, same seeds): scikit-learn's digits
(1,797 8x8 images, 10 classes) and a harder tabular task, ``make_classification`` with 5
overlapping classes, 3 clusters per class, 12 informative features out of 40 and 5 % label
noise (3,000 rows). The text task comes with the text-model issue. Each task trains the same
small MLP builder (``Dense(units) x layers -> Dropout -> softmax``, Adam) over the same grid;
every method runs once per seed, in an order that rotates from seed to seed; a seed fixes the
validation split and the sampler, so all methods of a seed see the same split and draw
configurations from the same sequence.

- ``random B``: ``params['epochs'] = [max_epochs]``, ``B / max_epochs`` runs, where B is
  Hyperband's planned epochs (with continuation) rounded up to full trainings. It is the first
  half of ``random 2B``'s rows: the uniform sampler draws the same prefix for one seed
  (checked below), so it is the same trainings, not a second scan.
- ``random 2B``: twice as many runs.
- ``halving``: ``SuccessiveHalving(min_epochs=3, max_epochs=27, factor=3)``, its default
  ``factor**(rungs-1)`` = 9 configurations.
- ``hyperband``: ``Hyperband(max_epochs=27, factor=3, min_epochs=3)``: 3 brackets, 22 rows.
- ``ASHA w=2``: ``ASHA(min_epochs=3, max_epochs=27, factor=3, max_configs=9)`` (halving's
  configurations) with ``workers=2``.

Rungs start at 3 epochs, not 1, to fit the 20 minutes: on this 2-core box every row costs
about a second of model building, graph tracing and checkpointing whatever its epochs, and
``min_epochs=1`` triples Hyperband's rows (69).

Per method: the best ``val_accuracy`` of any row (median and min-max over seeds), epochs
spent (the sum of the rows' ``epochs_run``), wall time (the ``Scan`` call, start-up included),
and "epochs to reach": walking the rows in the order they were written, the epochs spent
when the running best first reaches the bottom of random B's spread (its worst seed's best).

Targets (issue 12):

1. Hyperband or halving reach random search's best (within the spread of the seeds) with at
   most a third of its epochs: median "epochs to reach" <= B / 3.
2. They beat random search given twice the budget (median best > random 2B's median best) on
   at least 2 of the 3 tasks (2 tasks here; reported per task).
3. Continuation saves >= 19 % of the epochs a restart would use: the same search (same seed)
   run once with the builder (continues from checkpoints) and once with a Talos-contract
   wrapper of the same model (gets ``params['epochs']`` = the rung's budget, trains from
   scratch), epochs summed from the rows; for Hyperband and for halving.
4. Scheduler bookkeeping under 2 ms per row at 10,000 rows: ``scanlab.halving``'s schedulers
   driven directly by a fake stream of rows (ask/tell per row), and ``restore`` of all rows.

    python bench/halving.py            # 13-17 minutes on the shared 2-core box
    python bench/halving.py --quick    # about 1.5 minutes: digits, 1 seed, rungs 3 and 9
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
from itertools import islice

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np
import pandas as pd

import scanlab
from scanlab.halving import ASHAScheduler, HyperbandScheduler, SuccessiveHalvingScheduler
from scanlab.sampling import sample_indices
from scanlab.space import ParamSpace

GRID = {
    "lr": [3e-4, 1e-3, 3e-3, 1e-2, 3e-2],
    "units": [8, 16, 32, 64, 128],
    "layers": [1, 2],
    "dropout": [0.0, 0.2, 0.4],
    "batch_size": [32, 64, 128],
}  # 450 permutations
METRIC = "val_accuracy"
FACTOR = 3
MIN_EPOCHS, MAX_EPOCHS = 3, 27  # rungs of 3, 9, 27 epochs (the time limit: see the docstring)


def digits():
    """scikit-learn's bundled 8x8 digits, scaled to [0, 1]."""
    from sklearn.datasets import load_digits

    data = load_digits()
    return (data.data / 16.0).astype("float32"), data.target.astype("int32")


def hard_tabular():
    """A harder tabular task from scikit-learn's generator (no download): 5 overlapping
    classes, 3 clusters each, 12 informative of 40 features, 5 % flipped labels."""
    from sklearn.datasets import make_classification

    x, y = make_classification(
        n_samples=3000,
        n_features=40,
        n_informative=12,
        n_redundant=8,
        n_classes=5,
        n_clusters_per_class=3,
        class_sep=0.8,
        flip_y=0.05,
        random_state=0,
    )
    x = (x - x.mean(0)) / x.std(0)
    return x.astype("float32"), y.astype("int32")


def build(params):
    """The builder: a compiled MLP; scanlab calls fit (and continues it across rungs)."""
    import keras

    n_classes = int(params["n_classes"])
    model = keras.Sequential([keras.Input(shape=(int(params["n_features"]),))])
    for _ in range(params["layers"]):
        model.add(keras.layers.Dense(params["units"], activation="relu"))
        model.add(keras.layers.Dropout(params["dropout"]))
    model.add(keras.layers.Dense(n_classes, activation="softmax"))
    model.compile(
        optimizer=keras.optimizers.Adam(params["lr"]),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    return model


def talos_model(x_train, y_train, x_val, y_val, params):
    """The same model under Talos's contract: under a search it gets ``params['epochs']`` =
    the rung's budget and trains from scratch every rung."""
    model = build(params)
    history = model.fit(
        x_train,
        y_train,
        validation_data=(x_val, y_val),
        epochs=params["epochs"],
        batch_size=params["batch_size"],
        verbose=0,
    )
    return history, model


def task_params(x, y):
    """The grid, plus the data's shape as one-value params (the builder needs them)."""
    return {**GRID, "n_features": [x.shape[1]], "n_classes": [int(y.max()) + 1]}


def timed_scan(name, x, y, params, model, seed, results_dir, **options):
    """One Scan; its rows (in the order written) and its wall time."""
    start = time.perf_counter()
    scan = scanlab.Scan(
        x,
        y,
        params=params,
        model=model,
        experiment_name=name,
        seed=seed,
        random_method="uniform",
        metric=METRIC,
        results_dir=results_dir,
        disable_progress_bar=True,
        **options,
    )
    wall = time.perf_counter() - start
    return scan.data.reset_index(drop=True), wall


def summary(rows: pd.DataFrame, wall: float, configs: int | None = None) -> dict:
    ok = rows["status"] == "ok"
    return {
        "best": float(rows.loc[ok, METRIC].max()),
        "epochs": int(pd.to_numeric(rows["epochs_run"]).sum()),
        "rows": len(rows),
        "failed": int((~ok).sum()),
        "configs": configs if configs is not None else rows["run_id"].nunique(),
        "wall_s": wall,
        "rows_df": rows,
    }


def epochs_to_reach(rows: pd.DataFrame, level: float) -> float:
    """Epochs spent (rows in the order written) when the running best first reaches
    ``level``; inf if it never does."""
    spent = pd.to_numeric(rows["epochs_run"]).cumsum()
    reached = (rows["status"] == "ok") & (rows[METRIC] >= level - 1e-9)
    return float(spent[reached].iloc[0]) if reached.any() else float("inf")


def run_task(task, x, y, seeds, epochs, results_dir, restarts: bool) -> dict:
    """Every method on one task, seed by seed (order rotating); the restart runs on the first
    seed. Returns {method: [summary per seed]} plus the restart measurements."""
    params = task_params(x, y)
    min_epochs, max_epochs = epochs
    hb_spec = scanlab.Hyperband(max_epochs=max_epochs, factor=FACTOR, min_epochs=min_epochs)
    hb_plan = hb_spec.plan(params)
    sh_spec = scanlab.SuccessiveHalving(min_epochs, max_epochs, factor=FACTOR)
    sh_configs = sh_spec.plan(params).attrs["totals"]["configurations"]
    hb_epochs = hb_plan.attrs["totals"]["epochs_continue"]
    runs_b = -(-hb_epochs // max_epochs)  # B rounded up to full trainings
    methods = {
        "random 2B": dict(model=build, params={**params, "epochs": [max_epochs]},
                          round_limit=2 * runs_b),
        "halving": dict(model=build, params=params, search=sh_spec),
        "hyperband": dict(model=build, params=params, search=hb_spec),
        "ASHA w=2": dict(model=build, params=params, workers=2,
                         search=scanlab.ASHA(min_epochs, max_epochs, factor=FACTOR,
                                             max_configs=sh_configs)),
    }  # fmt: skip
    # random B = the first runs_b rows of random 2B: the sampler's prefix is the same
    shape = ParamSpace(params).shape
    prefix_same = all(
        list(islice(sample_indices(shape, "uniform", seed, runs_b), runs_b))
        == list(islice(sample_indices(shape, "uniform", seed, 2 * runs_b), runs_b))
        for seed in seeds
    )
    out: dict = {"random B": [], **{m: [] for m in methods}}
    out.update(runs_b=runs_b, B=runs_b * max_epochs, hb_plan_epochs=hb_epochs)
    out["prefix_same"] = prefix_same
    names = list(methods)
    for k, seed in enumerate(seeds):
        for name in names[k % len(names) :] + names[: k % len(names)]:
            options = dict(methods[name])
            tag = f"{task}_{name.replace(' ', '').replace('=', '')}_{seed}"
            rows, wall = timed_scan(tag, x, y, options.pop("params"), options.pop("model"),
                                    seed, results_dir, **options)  # fmt: skip
            out[name].append(summary(rows, wall))
            print(f"  {task} seed {seed} {name}: {len(rows)} rows, "
                  f"{out[name][-1]['epochs']} epochs, best {out[name][-1]['best']:.4f}, "
                  f"{wall:.1f} s", flush=True)  # fmt: skip
            if name == "random 2B":
                half = rows.iloc[:runs_b]
                share = (
                    wall
                    * pd.to_numeric(half["duration_s"]).sum()
                    / max(1e-9, pd.to_numeric(rows["duration_s"]).sum())
                )
                out["random B"].append(summary(half, share))
    if restarts:
        seed = seeds[0]
        out["restart"] = {}
        for name in ("hyperband", "halving"):
            options = dict(methods[name])
            options.pop("model")
            # a Talos function reads params['epochs']: one value, which the search replaces
            talos_params = {**options.pop("params"), "epochs": [max_epochs]}
            rows, wall = timed_scan(f"{task}_{name}_talos_{seed}", x, y, talos_params,
                                    talos_model, seed, results_dir, **options)  # fmt: skip
            out["restart"][name] = summary(rows, wall)
            print(f"  {task} seed {seed} {name} (Talos wrapper, restarts): {len(rows)} rows, "
                  f"{out['restart'][name]['epochs']} epochs, {wall:.1f} s", flush=True)  # fmt: skip
    return out


def spread(values: list[float], fmt: str = "{:.4f}") -> str:
    finite = [v for v in values if np.isfinite(v)]
    med = statistics.median(values)
    if not finite:
        return "never"
    low, high = min(values), max(values)
    text = fmt.format(med) if np.isfinite(med) else "never"
    return f"{text} ({fmt.format(low)}-{fmt.format(high) if np.isfinite(high) else 'never'})"


def report_task(task, res, seeds) -> dict:
    """The per-method table of one task; the target figures."""
    level = min(s["best"] for s in res["random B"])  # bottom of random B's spread
    b = res["B"]
    table, med = [], {}
    for name in ("random B", "random 2B", "halving", "hyperband", "ASHA w=2"):
        runs = res[name]
        reach = [epochs_to_reach(s["rows_df"], level) for s in runs]
        med[name] = {
            "best": statistics.median(s["best"] for s in runs),
            "reach": statistics.median(reach),
            "epochs": statistics.median(s["epochs"] for s in runs),
        }
        table.append(
            {
                "method": name,
                f"best {METRIC} median (min-max)": spread([s["best"] for s in runs]),
                "epochs": spread([s["epochs"] for s in runs], "{:.0f}"),
                "epochs / B": round(med[name]["epochs"] / b, 2),
                "epochs to reach": spread(reach, "{:.0f}"),
                "rows": statistics.median(s["rows"] for s in runs),
                "configs": statistics.median(s["configs"] for s in runs),
                "failed": sum(s["failed"] for s in runs),
                "wall s": spread([s["wall_s"] for s in runs], "{:.1f}"),
            }
        )
    print(f"\n{task}: {len(seeds)} seeds {list(seeds)}; B = {b} epochs ({res['runs_b']} full "
          f"trainings; Hyperband's plan: {res['hb_plan_epochs']}); 'epochs to reach' = epochs "
          f"spent when the running best first reached {level:.4f} (random B's worst seed)")  # fmt: skip
    print(pd.DataFrame(table).to_string(index=False))
    print("(random B's wall time: its rows' share of random 2B's, by duration_s)")
    if not res["prefix_same"]:
        print("WARNING: the sampler's prefix differs: random B is not random 2B's first half")
    return {"level": level, "B": b, "med": med}


def fake_rows(scheduler, n_rows: int) -> tuple[list[float], list[dict]]:
    """Drive a scheduler as the engine does with one worker: pull a task, tell its row.
    The metric is a fixed function of the configuration and the rung. Per-row seconds."""
    scheduler.set_metric("val_loss", True)
    scheduler.restore(pd.DataFrame())
    times, rows = [], []
    clock = time.perf_counter
    while not scheduler.finished and len(rows) < n_rows:
        tasks = scheduler.ask()
        while True:
            start = clock()
            task = next(tasks, None)
            if task is None:
                break
            loss = random.Random(task.index).random() / (1 + task.rung)
            row = {"run_id": task.run_id, "status": "ok", "rung": task.rung,
                   "budget": task.budget, "val_loss": loss}  # fmt: skip
            scheduler.tell(task, row)
            times.append(clock() - start)
            rows.append(row)
    return times, rows


def bookkeeping(n_rows: int) -> list[dict]:
    """ask/tell per row and restore, per scheduler, at n_rows rows."""
    space = ParamSpace({"a": list(range(100)), "b": list(range(100)), "c": list(range(10))})
    per_it = 69  # Hyperband(27, 3) writes 69 rows per iteration
    sh_n = round(n_rows / (1 + 1 / 3 + 1 / 9 + 1 / 27))
    makers = {
        "SuccessiveHalving(1, 27, 3)": lambda: SuccessiveHalvingScheduler(
            space, "uniform", 0, 1, 27, 3, n_configs=sh_n
        ),
        "Hyperband(27, 3)": lambda: HyperbandScheduler(
            space, "uniform", 0, 27, 3, iterations=-(-n_rows // per_it)
        ),
        "ASHA(1, 27, 3)": lambda: ASHAScheduler(space, "uniform", 0, 1, 27, 3, max_configs=sh_n),
    }
    out = []
    for name, make in makers.items():
        times, rows = fake_rows(make(), n_rows)
        frame = pd.DataFrame(rows)
        fresh = make()
        fresh.set_metric("val_loss", True)
        start = time.perf_counter()
        fresh.restore(frame)
        restore_s = time.perf_counter() - start
        start = time.perf_counter()
        left = list(fresh.ask())  # a resume's first ask: nothing left when all rows are in
        first_ask = time.perf_counter() - start
        last = times[-1000:]
        out.append(
            {
                "scheduler": name,
                "rows": len(rows),
                "ask+tell ms/row (all)": round(1e3 * statistics.fmean(times), 3),
                "ms/row first 1,000": round(1e3 * statistics.fmean(times[:1000]), 3),
                "ms/row last 1,000": round(1e3 * statistics.fmean(last), 3),
                "max ms": round(1e3 * max(times), 2),
                "restore ms/row": round(1e3 * (restore_s + first_ask) / len(rows), 3),
                "of which first ask ms": round(1e3 * first_ask, 1),
                "tasks left": len(left),
            }
        )
        print(f"  bookkeeping {name}: {len(rows)} rows", flush=True)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="digits, 1 seed, max_epochs 9")
    parser.add_argument("--seeds", type=int, default=None, help="seeds per task (default 3)")
    args = parser.parse_args()
    seeds = list(range(1, 1 + (args.seeds or (1 if args.quick else 3))))
    epochs = (MIN_EPOCHS, 9 if args.quick else MAX_EPOCHS)
    tasks = {"digits": digits} if args.quick else {"digits": digits, "hard tabular": hard_tabular}
    results_dir = tempfile.mkdtemp(prefix="scanlab-halving-")
    started = time.perf_counter()
    print("load average at the start: {:.1f} {:.1f} {:.1f}".format(*os.getloadavg()))
    print(f"budgeted search vs random search, epochs {epochs[0]}..{epochs[1]}, factor {FACTOR}, grid "
          f"{ParamSpace(GRID).size} permutations, {os.cpu_count()} cores", flush=True)  # fmt: skip

    print("\nscheduler bookkeeping (fake rows, no Keras):", flush=True)
    book = pd.DataFrame(bookkeeping(10_000))
    hb = scanlab.Hyperband(max_epochs=epochs[1], factor=FACTOR, min_epochs=epochs[0])
    print("\nHyperband's plan (as Scan(..., dry_run=True) prints it):")
    print(hb.describe(GRID), flush=True)
    results = {}
    for i, (task, load) in enumerate(tasks.items()):
        x, y = load()
        results[task] = run_task(task, x, y, seeds, epochs, results_dir, restarts=i == 0)
    print("\ntext task: not measured yet (it comes with the text-model issue)")

    figures = {task: report_task(task, res, seeds) for task, res in results.items()}
    print(f"\nscheduler bookkeeping, {int(book['rows'].min()):,}+ rows per scheduler, "
          "ask/tell per row as the engine drives it with one worker, then restore:")  # fmt: skip
    print(book.to_string(index=False))

    first = next(iter(results))
    restart = results[first]["restart"]
    print(f"\ncontinuation vs restart ({first}, seed {seeds[0]}, same search, epochs from the "
          "rows):")  # fmt: skip
    saves = {}
    for name in ("hyperband", "halving"):
        cont = results[first][name][0]
        rest = restart[name]
        saves[name] = 1 - cont["epochs"] / rest["epochs"]
        print(f"  {name}: builder {cont['epochs']} epochs in {cont['wall_s']:.1f} s ({cont['rows']} "
              f"rows), Talos wrapper {rest['epochs']} epochs in {rest['wall_s']:.1f} s "
              f"({rest['rows']} rows): continuation saves {saves[name]:.1%} of the epochs, "
              f"{1 - cont['wall_s'] / rest['wall_s']:.1%} of the wall time")  # fmt: skip
    print(f"\nwhole script: {(time.perf_counter() - started) / 60:.1f} min; load average at "
          "the end: {:.1f} {:.1f} {:.1f}".format(*os.getloadavg()))  # fmt: skip
    if args.quick:
        print("(--quick: one seed and max_epochs 9; the verdicts below are a smoke test only)")

    # 1. reach random B's best with <= B/3 epochs
    for task, fig in figures.items():
        verdicts = []
        for name in ("hyperband", "halving"):
            reach = fig["med"][name]["reach"]
            verdicts.append(reach <= fig["B"] / 3)
            print(f"{task}: {name} reached random B's best ({fig['level']:.4f}) after "
                  f"{reach:.0f} epochs (median over seeds; B/3 = {fig['B'] / 3:.0f}): "
                  f"{'PASS' if verdicts[-1] else 'FAIL'}")  # fmt: skip
        print(f"{task}: Hyperband or halving reach random search's best with <= 1/3 of its "
              f"epochs: {'PASS' if any(verdicts) else 'FAIL'}")  # fmt: skip
        rb = fig["med"]["random B"]["best"]
        for name in ("hyperband", "halving"):
            m = fig["med"][name]
            print(f"  (stricter, for information: {name}'s median best {m['best']:.4f} vs random "
                  f"B's median {rb:.4f}, with {m['epochs'] / fig['B']:.2f} of its epochs)")  # fmt: skip
    # 2. beat random 2B on at least 2 of 3 tasks (2 measured)
    beaten = []
    for task, fig in figures.items():
        r2 = fig["med"]["random 2B"]["best"]
        wins = [n for n in ("hyperband", "halving") if fig["med"][n]["best"] > r2]
        beaten.append(bool(wins))
        print(f"{task}: median best random 2B {r2:.4f}, hyperband "
              f"{fig['med']['hyperband']['best']:.4f}, halving {fig['med']['halving']['best']:.4f}: "
              f"{'beaten by ' + ' and '.join(wins) if wins else 'not beaten'} (ASHA w=2: "
              f"{fig['med']['ASHA w=2']['best']:.4f}, not counted)")  # fmt: skip
    print(f"Hyperband or halving beat random search at 2B on {sum(beaten)} of {len(beaten)} "
          f"tasks measured (target: 2 of 3; text task not measured): "
          f"{'PASS' if sum(beaten) >= 2 else 'FAIL'}")  # fmt: skip
    # 3. continuation saves >= 19 %
    for name, save in saves.items():
        print(f"continuation saves {save:.1%} of a restart's epochs ({name}; target >= 19%): "
              f"{'PASS' if save >= 0.19 else 'FAIL'}")  # fmt: skip
    # 4. bookkeeping < 2 ms per row at 10,000 rows
    worst = float(book[["ms/row last 1,000", "restore ms/row"]].to_numpy().max())
    print(f"scheduler bookkeeping at 10,000 rows: worst {worst:.3f} ms/row (ask+tell over the "
          f"last 1,000 rows, or restore) (target < 2 ms): {'PASS' if worst < 2 else 'FAIL'}")  # fmt: skip


if __name__ == "__main__":
    main()
