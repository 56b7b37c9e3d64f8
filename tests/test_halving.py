"""scanlab.halving: successive halving, HyperbandScheduler and ASHAScheduler over epochs (pure: no Keras)."""

from __future__ import annotations

import math
import random
from collections import Counter

import pandas as pd
import pytest

from scanlab._halving_core import hyperband_brackets, rank_key, rung_budgets
from scanlab.errors import (
    ParamsError,
    ResultsFormatError,
    ScanArgumentError,
    ScanArgumentTypeError,
)
from scanlab.halving import ASHAScheduler, HyperbandScheduler, SuccessiveHalvingScheduler
from scanlab.schedulers import Scheduler
from scanlab.space import ParamSpace

BIG = ParamSpace({"a": list(range(40)), "b": list(range(40))})  # 1,600 configurations
NINE = ParamSpace({"x": list(range(9))})  # grid order: index == x


def grid(n):
    return ParamSpace({"x": list(range(n))})


def row(task, value, status="ok", metric="val_loss"):
    return {
        "run_id": task.run_id,
        "status": status,
        "rung": task.rung,
        "budget": task.budget,
        "initial_epoch": task.initial_epoch,
        metric: value,
    }


def drive(scheduler, workers=1, seed=0, metric=None, log=None):
    """Run a scheduler to the end with ``workers`` tasks in flight, finishing in a random
    order; the metric is a seeded function of (run, rung). Returns the rows in written order."""
    rng = random.Random(seed)
    metric = metric or (lambda t: random.Random(f"{t.run_id}/{t.rung}").random())
    if scheduler.metric is None:
        scheduler.set_metric("val_loss", minimize=True)
    rows, running, asks = [], [], 0
    while True:
        for task in scheduler.ask():
            running.append(task)
            if len(running) == workers:
                break
        asks += 1
        assert asks < 100_000, "the scheduler loops"
        if not running:
            assert scheduler.finished and not scheduler.waiting
            return rows
        if log is not None:
            log.append(len(running))
        task = running.pop(rng.randrange(len(running)))
        rows.append(row(task, metric(task)))
        scheduler.tell(task, rows[-1])


def epochs(rows):
    return sum(r["budget"] for r in rows), sum(r["budget"] - r["initial_epoch"] for r in rows)


# -- the schedules ------------------------------------------------------------------------


def test_hyperband_81_3_is_algorithm_1():
    brackets = hyperband_brackets(81, 3)
    assert [(n, b) for n, b in brackets] == [
        (81, [1, 3, 9, 27, 81]),
        (34, [3, 9, 27, 81]),
        (15, [9, 27, 81]),
        (8, [27, 81]),
        (5, [81]),
    ]
    plan = HyperbandScheduler(BIG, "uniform", 1, max_epochs=81, factor=3).plan()
    sizes = plan.groupby("bracket")["configurations"].apply(list).tolist()
    assert sizes == [[81, 27, 9, 3, 1], [34, 11, 3, 1], [15, 5, 1], [8, 2], [5]]
    totals = plan.attrs["totals"]
    assert (totals["configurations"], totals["epochs_restart"], totals["epochs_continue"]) == (
        143,
        1902,
        1581,
    )
    assert totals["full_trainings"] == 19  # 1,581 epochs buy 19 runs of 81 epochs


@pytest.mark.parametrize("workers", [1, 4])
def test_hyperband_81_3_runs_143_distinct_configurations_for_1581_epochs(workers):
    rows = drive(HyperbandScheduler(BIG, "uniform", 1, max_epochs=81), workers=workers)
    assert len({r["run_id"] for r in rows}) == 143
    assert epochs(rows) == (1902, 1581)
    assert len({(r["run_id"], r["rung"]) for r in rows}) == len(rows) == 206
    assert Counter(r["budget"] for r in rows if r["initial_epoch"] == 0) == {
        1: 81,
        3: 34,
        9: 15,
        27: 8,
        81: 5,
    }


def test_hyperband_brackets_share_the_workers_while_one_waits_for_its_rung():
    in_flight = []
    rows = drive(HyperbandScheduler(BIG, "uniform", 1, max_epochs=81), workers=4, log=in_flight)
    last_start = max(i for i, r in enumerate(rows) if r["initial_epoch"] == 0)
    assert all(n == 4 for n in in_flight[: last_start - 4])  # no worker idles before then
    assert rows[0]["budget"] == 1 and rows[-1]["budget"] == 81


def test_budgets_and_sizes_when_max_epochs_is_not_a_power_of_factor():
    assert rung_budgets(2, 30, 3) == [2, 6, 18, 30]
    assert [b for _, b in hyperband_brackets(30, 3)] == [
        [1, 3, 10, 30],
        [3, 10, 30],
        [10, 30],
        [30],
    ]
    sh = SuccessiveHalvingScheduler(BIG, "grid", 0, min_epochs=2, max_epochs=30)
    assert sh.n_configs == 27 and sh.plan()["configurations"].tolist() == [27, 9, 3, 1]


def test_every_task_continues_where_the_last_rung_stopped():
    rows = drive(SuccessiveHalvingScheduler(BIG, "uniform", 3, 1, 27), workers=3)
    trained = {}
    for r in rows:
        assert r["initial_epoch"] == trained.get(r["run_id"], 0)
        trained[r["run_id"]] = r["budget"]
    assert max(trained.values()) == 27


# -- successive halving on a literal results table ----------------------------------------

RUNG0 = {0: 0.5, 1: 0.9, 2: 0.7, 3: 0.9, 4: math.nan, 5: None, 6: 0.1, 7: 0.2, 8: 0.3}


def test_successive_halving_promotes_the_top_third_by_metric_then_order():
    sh = SuccessiveHalvingScheduler(NINE, "grid", 0, min_epochs=1, max_epochs=9)
    assert isinstance(sh, Scheduler)
    sh.set_metric("val_accuracy", minimize=False)
    rung0 = list(sh.ask())
    assert [(t.index, t.rung, t.initial_epoch, t.budget) for t in rung0] == [
        (i, 0, 0, 1) for i in range(9)
    ]
    for task in rung0[:8]:
        sh.tell(
            task,
            row(task, RUNG0[task.index], "failed" if task.index == 5 else "ok", "val_accuracy"),
        )
    assert list(sh.ask()) == [] and sh.waiting and not sh.finished  # rung 0 not complete
    sh.tell(rung0[8], row(rung0[8], RUNG0[8], metric="val_accuracy"))
    rung1 = list(sh.ask())  # 0.9 (written 2nd) before 0.9 (written 4th), then 0.7
    assert [(t.index, t.rung, t.initial_epoch, t.budget) for t in rung1] == [
        (1, 1, 1, 3),
        (3, 1, 1, 3),
        (2, 1, 1, 3),
    ]
    for task, value in zip(rung1, [0.6, 0.8, 0.95], strict=True):
        sh.tell(task, row(task, value, metric="val_accuracy"))
    assert [(t.index, t.rung, t.initial_epoch, t.budget) for t in sh.ask()] == [(2, 2, 3, 9)]
    assert sh.waiting
    sh.tell(sh._in_flight[(rung1[2].run_id, 2)], {"status": "ok", "val_accuracy": 0.97})
    assert sh.finished and not sh.waiting and list(sh.ask()) == []


def test_failed_and_nan_rows_rank_last_and_are_never_promoted():
    assert rank_key({"status": "ok", "m": math.nan}, "m", True, 0) == (1, 0.0, 0)
    assert rank_key({"status": "ok"}, "m", True, 0) == (1, 0.0, 0)
    sh = SuccessiveHalvingScheduler(grid(4), "grid", 0, 1, 3)
    sh.set_metric("val_loss", minimize=True)
    tasks = list(sh.ask())
    for task in tasks:
        sh.tell(
            task, row(task, math.nan if task.index else 0.5, "failed" if task.index == 1 else "ok")
        )
    assert [t.index for t in sh.ask()] == [0]
    sh2 = SuccessiveHalvingScheduler(grid(3), "grid", 0, 1, 3)
    sh2.set_metric("val_loss", minimize=True)
    for task in list(sh2.ask()):
        sh2.tell(task, row(task, None, "failed"))
    assert list(sh2.ask()) == [] and sh2.finished  # nobody to promote: the bracket ends


def test_ranking_an_ok_row_without_a_metric_says_to_call_set_metric():
    sh = SuccessiveHalvingScheduler(grid(3), "grid", 0, 1, 3)
    for task in list(sh.ask()):
        sh.tell(task, row(task, 0.5))
    with pytest.raises(RuntimeError, match=r"call scheduler.set_metric\(metric, minimize\)"):
        list(sh.ask())


# -- ASHAScheduler on a scripted stream of results -------------------------------------------------

# (expected next task as (x, rung, initial_epoch, budget), then the row told for it)
ASHA_SCRIPT = [
    ((0, 0, 0, 1), 0.5),
    ((1, 0, 0, 1), 0.3),
    ((2, 0, 0, 1), 0.9),
    ((1, 1, 1, 3), 0.2),  # 3 rows in rung 0: the best third (x1) is promoted at once
    ((3, 0, 0, 1), 0.1),
    ((3, 1, 1, 3), 0.25),  # 4 rows: top 1 is now x3
    ((4, 0, 0, 1), 0.05),
    ((4, 1, 1, 3), 0.4),
    ((1, 2, 3, 9), 0.15),  # 3 rows in rung 1: the highest rung is served first
    ((5, 0, 0, 1), 0.7),
    ((6, 0, 0, 1), 0.6),  # 6 rows: top 2 (x4, x3) are both promoted already
    ((7, 0, 0, 1), math.nan),
    ((8, 0, 0, 1), "failed"),
]


def test_asha_promotion_decisions_on_a_scripted_stream():
    asha = ASHAScheduler(NINE, "grid", 0, min_epochs=1, max_epochs=9)
    asha.set_metric("val_loss", minimize=True)
    for expected, value in ASHA_SCRIPT:
        task = next(asha.ask())
        assert (task.index, task.rung, task.initial_epoch, task.budget) == expected
        assert asha.in_flight == 1
        failed = value == "failed"
        asha.tell(task, row(task, None if failed else value, "failed" if failed else "ok"))
        assert asha.in_flight == 0
    assert list(asha.ask()) == [] and asha.finished
    assert sorted(len(r) for r in asha._ranked) == [1, 3, 9]


def test_asha_hands_out_work_while_any_is_left_so_workers_never_idle():
    in_flight = []
    rows = drive(ASHAScheduler(BIG, "uniform", 5, 1, 27, max_configs=120), workers=4, log=in_flight)
    starts = sum(r["rung"] == 0 for r in rows)
    assert starts == 120 and len({r["run_id"] for r in rows}) == 120
    # every worker busy until the last configuration has started
    busy_until = next(
        i for i, r in enumerate(rows) if sum(x["rung"] == 0 for x in rows[: i + 1]) == 120
    )
    assert all(n == 4 for n in in_flight[: busy_until - 4])
    assert any(r["budget"] == 27 for r in rows)


def test_asha_ends_with_every_rungs_top_third_promoted():
    rows = drive(ASHAScheduler(BIG, "uniform", 2, 1, 81, max_configs=200), workers=3)
    counts = Counter(r["rung"] for r in rows)
    assert counts[0] == 200 and max(counts) == 4
    for rung in range(4):
        ranked = sorted((r["val_loss"], r["run_id"]) for r in rows if r["rung"] == rung)
        top = {run_id for _, run_id in ranked[: len(ranked) // 3]}
        assert top <= {r["run_id"] for r in rows if r["rung"] == rung + 1}
        assert counts[rung + 1] >= counts[rung] // 3  # ASHAScheduler may promote more than halving


# -- small grids: no loop, no empty rung --------------------------------------------------


@pytest.mark.parametrize("size", [1, 2, 5])
@pytest.mark.parametrize(
    "make",
    [
        lambda s: SuccessiveHalvingScheduler(s, "uniform", 0, 1, 9),
        lambda s: HyperbandScheduler(s, "uniform", 0, 9, iterations=2),
        lambda s: ASHAScheduler(s, "uniform", 0, 1, 9),
    ],
    ids=["halving", "hyperband", "asha"],
)
@pytest.mark.parametrize("workers", [1, 3])
def test_a_grid_smaller_than_a_bracket_runs_every_configuration_and_one_to_the_top(
    make, size, workers
):
    scheduler = make(grid(size))
    rows = drive(scheduler, workers=workers)
    by_rung = Counter(r["rung"] for r in rows)
    assert len({r["run_id"] for r in rows}) == size
    assert max(r["budget"] for r in rows) == 9
    assert all(by_rung[k] >= 1 for k in range(max(by_rung) + 1))  # no empty rung
    assert len({(r["run_id"], r["rung"]) for r in rows}) == len(rows)
    if not isinstance(scheduler, HyperbandScheduler):
        assert by_rung == Counter(
            scheduler.plan()["rung"].repeat(scheduler.plan()["configurations"])
        )


def test_small_grid_plan_shows_what_exists():
    plan = HyperbandScheduler(grid(5), "grid", 0, 81).plan()
    assert plan[["bracket", "configurations"]].values.tolist() == [
        [0, 5],
        [0, 1],
        [0, 1],
        [0, 1],
        [0, 1],
    ]
    assert SuccessiveHalvingScheduler(grid(2), "grid", 0, 1, 9).plan()[
        "configurations"
    ].tolist() == [
        2,
        1,
        1,
    ]


# -- configurations: distinct, seeded, limited, filtered -----------------------------------


def test_hyperband_iterations_draw_new_distinct_configurations():
    rows = drive(HyperbandScheduler(BIG, "sobol", 4, 9, iterations=3), workers=2)
    first = [r["run_id"] for r in rows if r["rung"] == 0]
    assert len(first) == len(set(first)) == 3 * (9 + 5 + 3)


def test_the_same_seed_gives_the_same_schedule_and_another_seed_other_configurations():
    a, b = (drive(ASHAScheduler(BIG, "uniform", 7, 1, 9, max_configs=30)) for _ in range(2))
    assert a == b
    c = drive(ASHAScheduler(BIG, "uniform", 8, 1, 9, max_configs=30))
    assert {r["run_id"] for r in a} != {r["run_id"] for r in c}
    h1 = [t.run_id for t in HyperbandScheduler(BIG, "latin", 3, 27).ask()]
    h2 = [t.run_id for t in HyperbandScheduler(BIG, "latin_matrix", 3, 27).ask()]  # Talos's name
    assert h1 == h2


def test_limits_count_configurations_not_rows():
    rows = drive(HyperbandScheduler(BIG, "uniform", 1, 81, round_limit=100))
    assert len({r["run_id"] for r in rows}) == 100 and len(rows) > 100
    sh = SuccessiveHalvingScheduler(BIG, "uniform", 1, 1, 9, fraction_limit=0.005)  # 8 of 1,600
    assert sh.plan()["configurations"].tolist() == [8, 2, 1]
    assert (
        ASHAScheduler(BIG, "uniform", 1, 1, 9, round_limit=10)
        .plan()
        .attrs["totals"]["configurations"]
        == 10
    )


def test_filters_skip_permutations_and_the_next_one_takes_the_slot():
    skips = []
    sh = SuccessiveHalvingScheduler(
        grid(20),
        "grid",
        0,
        1,
        3,
        filters=[lambda p, labels: p["x"] % 2 == 0],
        on_skip=lambda: skips.append(1),
    )
    assert [t.index for t in sh.ask()] == [0, 2, 4]
    assert sh.skipped == len(skips) == 2


# -- restore ------------------------------------------------------------------------------


def _interrupted(make, stop_after, workers=1):
    """The rows written before a kill after ``stop_after`` rows, and the full run's rows."""
    full = drive(make(), workers=workers)
    return pd.DataFrame(full[:stop_after]), full


@pytest.mark.parametrize(
    "make",
    [
        lambda: SuccessiveHalvingScheduler(BIG, "uniform", 2, 1, 27),
        lambda: HyperbandScheduler(BIG, "uniform", 2, 27),
        lambda: ASHAScheduler(BIG, "uniform", 2, 1, 27, max_configs=40),
    ],
    ids=["halving", "hyperband", "asha"],
)
@pytest.mark.parametrize("stop_after", [0, 5, 27, 31, 40])
def test_restore_resumes_to_the_same_rows(make, stop_after):
    done, full = _interrupted(make, stop_after)
    resumed = make()
    resumed.set_metric("val_loss", minimize=True)
    resumed.restore(done)
    rest = drive(resumed)
    assert done.to_dict("records") + rest == full  # nothing trained twice, same decisions


@pytest.mark.parametrize(
    "make",
    [
        lambda: SuccessiveHalvingScheduler(BIG, "uniform", 2, 1, 27),
        lambda: HyperbandScheduler(BIG, "uniform", 2, 27),
    ],
    ids=["halving", "hyperband"],
)
@pytest.mark.parametrize("stop_after", [3, 30, 44])
def test_restore_after_a_kill_with_workers_in_flight_gives_the_same_final_rows(make, stop_after):
    done, full = _interrupted(make, stop_after, workers=3)  # rows of 3 runs in flight are lost
    resumed = make()
    resumed.set_metric("val_loss", minimize=True)
    resumed.restore(done)
    rest = drive(resumed, workers=3, seed=1)
    keys = [(r["run_id"], r["rung"]) for r in done.to_dict("records") + rest]
    assert len(keys) == len(set(keys))  # no run trained twice at the same rung
    assert set(keys) == {(r["run_id"], r["rung"]) for r in full}


def test_restore_from_a_literal_table_gives_the_same_next_tasks():
    ids = {i: NINE.run_id(i) for i in range(9)}
    rows = pd.DataFrame(
        {
            "run_id": [ids[i] for i in range(9)] + [ids[1], ids[3]],
            "status": ["ok"] * 5 + ["failed"] + ["ok"] * 5,
            "rung": [0] * 9 + [1, 1],
            "budget": [1] * 9 + [3, 3],
            "initial_epoch": [0] * 9 + [1, 1],
            "val_accuracy": [RUNG0[i] for i in range(9)] + [0.6, 0.8],
        }
    )
    sh = SuccessiveHalvingScheduler(NINE, "grid", 0, 1, 9)
    sh.set_metric("val_accuracy", minimize=False)
    sh.restore(rows)
    assert [(t.index, t.rung, t.initial_epoch) for t in sh.ask()] == [(2, 1, 1)]
    # the same rows with the two 0.9s written in the other order: x3 now wins the tie
    swapped = rows.iloc[[0, 3, 2, 1, 4, 5, 6, 7, 8]].reset_index(drop=True)
    sh2 = SuccessiveHalvingScheduler(NINE, "grid", 0, 1, 9)
    sh2.set_metric("val_accuracy", minimize=False)
    sh2.restore(swapped)
    assert [t.index for t in sh2.ask()] == [3, 1, 2]


def test_restore_counts_a_failed_row_as_done_and_the_last_row_of_a_pair():
    ids = [grid(3).run_id(i) for i in range(3)]
    rows = pd.DataFrame(
        {
            "run_id": [ids[0], ids[1], ids[2], ids[2]],
            "status": ["ok", "failed", "failed", "ok"],
            "rung": [0.0, 0.0, 0.0, 0.0],  # a CSV reader may give floats
            "budget": [1, 1, 1, 1],
            "val_loss": [0.5, None, None, 0.1],
        }
    )
    sh = SuccessiveHalvingScheduler(grid(3), "grid", 0, 1, 3)
    sh.set_metric("val_loss", minimize=True)
    sh.restore(rows)
    assert [(t.index, t.rung) for t in sh.ask()] == [(2, 1)]


def test_restore_refuses_rows_that_are_not_this_schedulers():
    ok = {"status": ["ok"], "rung": [0], "val_loss": [0.1]}
    sh = SuccessiveHalvingScheduler(NINE, "grid", 0, 1, 9)
    with pytest.raises(
        ResultsFormatError,
        match=r"rows must have the columns run_id, status, rung, budget, got 'no budget'",
    ):
        sh.restore(pd.DataFrame({"run_id": [NINE.run_id(0)], **ok}))
    with pytest.raises(
        ScanArgumentError,
        match=r"rows must come from this scheduler's configurations.*Fix: resume with the same params",
    ):
        sh.restore(pd.DataFrame({"run_id": ["0123456789abcdef"], "budget": [1], **ok}))
    with pytest.raises(
        ScanArgumentError,
        match=r"rows\[0\] budget \(run \w+, rung 0\) must be 1 under this scheduler, got 2",
    ):
        sh.restore(pd.DataFrame({"run_id": [NINE.run_id(0)], "budget": [2], **ok}))
    bad_rung = {**ok, "rung": [7]}
    with pytest.raises(
        ScanArgumentError, match=r"rung \(run \w+\) must be a rung this scheduler has, got 7"
    ):
        sh.restore(pd.DataFrame({"run_id": [NINE.run_id(0)], "budget": [1], **bad_rung}))
    with pytest.raises(
        ResultsFormatError, match=r"rows\[0\] rung must be a whole number >= 0, got 0.5"
    ):
        sh.restore(pd.DataFrame({"run_id": [NINE.run_id(0)], "budget": [1], **ok, "rung": [0.5]}))
    list(sh.ask())
    with pytest.raises(RuntimeError, match=r"restore\(\) must be called once, before ask"):
        sh.restore(pd.DataFrame(columns=["run_id", "status", "rung", "budget"]))


# -- the budget preview -------------------------------------------------------------------


def test_plan_table_and_text():
    sh = SuccessiveHalvingScheduler(BIG, "uniform", 0, 1, 9)
    plan = sh.plan()
    assert plan.columns.tolist() == [
        "bracket",
        "rung",
        "configurations",
        "initial_epoch",
        "budget",
        "epochs_continue",
        "epochs_restart",
    ]
    assert plan["epochs_continue"].tolist() == [9, 6, 6] and plan["epochs_restart"].tolist() == [
        9,
        9,
        9,
    ]
    text = sh.describe()
    assert text.startswith("SuccessiveHalving(min_epochs=1, max_epochs=9, factor=3, n_configs=9)")
    assert (
        "total: 9 configurations, 21 epochs with continuation (27 if every rung restarts)." in text
    )
    assert "Random search with the same 21 epochs buys 2 full trainings at 9 epochs." in text
    assert sh.plan(grid(4))["configurations"].tolist() == [4, 1, 1]
    assert "expected counts" in ASHAScheduler(BIG, "uniform", 0, 1, 9, max_configs=9).describe()


# -- bad arguments: name, rule, value, fix ------------------------------------------------

BAD = [
    (
        lambda: SuccessiveHalvingScheduler(BIG, "uniform", 0, 0, 9),
        ScanArgumentError,
        r"min_epochs must be >= 1, got 0\. Fix: use e\.g\. min_epochs=1",
    ),
    (
        lambda: SuccessiveHalvingScheduler(BIG, "uniform", 0, 1.5, 9),
        ScanArgumentTypeError,
        r"min_epochs must be an int, got 1\.5",
    ),
    (
        lambda: SuccessiveHalvingScheduler(BIG, "uniform", 0, 9, 9),
        ScanArgumentError,
        r"max_epochs must be > min_epochs=9 \(else there is one rung\), got 9\. Fix: raise max_epochs",
    ),
    (
        lambda: SuccessiveHalvingScheduler(BIG, "uniform", 0, 1, 9, factor=1),
        ScanArgumentError,
        r"factor must be >= 2, got 1\. Fix: use factor=3",
    ),
    (
        lambda: SuccessiveHalvingScheduler(BIG, "uniform", 0, 1, 9, factor=True),
        ScanArgumentTypeError,
        r"factor must be an int, got True",
    ),
    (
        lambda: SuccessiveHalvingScheduler(BIG, "uniform", 0, 1, 9, n_configs=0),
        ScanArgumentError,
        r"n_configs must be >= 1, got 0\. Fix: use e\.g\. n_configs=9",
    ),
    (
        lambda: HyperbandScheduler(BIG, "uniform", 0, 2),
        ScanArgumentError,
        r"max_epochs must be >= factor \* min_epochs = 3 .*, got 2\. Fix: raise max_epochs",
    ),
    (
        lambda: HyperbandScheduler(BIG, "uniform", 0, 27, iterations=0),
        ScanArgumentError,
        r"iterations must be >= 1, got 0",
    ),
    (
        lambda: ASHAScheduler(BIG, "uniform", 0, 1, 9, max_configs=0),
        ScanArgumentError,
        r"max_configs must be >= 1, got 0",
    ),
    (
        lambda: ASHAScheduler(BIG, "uniform", 0, 1, 9, round_limit=0),
        ScanArgumentError,
        r"round_limit=0 selects no run",
    ),
    (
        lambda: ASHAScheduler(BIG, "quantum", 0, 1, 9),
        ScanArgumentError,
        r"random_method='quantum' is not supported",
    ),
    (
        lambda: ASHAScheduler({"x": [1]}, "uniform", 0, 1, 9),
        ScanArgumentTypeError,
        r"space must be a scanlab.ParamSpace, got \{'x': \[1\]\}\. Fix: pass ParamSpace\(params\)",
    ),
    (
        lambda: ASHAScheduler(BIG, "uniform", "7", 1, 9),
        ScanArgumentTypeError,
        r"seed must be an int, got '7'",
    ),
    (
        lambda: ASHAScheduler(ParamSpace({"epochs": [5, 10]}), "grid", 0, 1, 9),
        ParamsError,
        r"params\['epochs'\] must hold at most one value .* got \[5, 10\]\. Fix: drop 'epochs' from params",
    ),
    (
        lambda: ASHAScheduler(BIG, "uniform", 0, 1, 9).set_metric("", True),
        ScanArgumentTypeError,
        r"metric must be a non-empty str, got ''",
    ),
    (
        lambda: ASHAScheduler(BIG, "uniform", 0, 1, 9).set_metric("val_loss", "yes"),
        ScanArgumentTypeError,
        r"minimize must be a bool, got 'yes'",
    ),
]


@pytest.mark.parametrize(("make", "error", "message"), BAD)
def test_bad_arguments_are_refused_with_name_rule_value_and_fix(make, error, message):
    with pytest.raises(error, match=message):
        make()


def test_one_epochs_value_in_params_is_allowed():
    assert (
        len(
            list(
                SuccessiveHalvingScheduler(
                    ParamSpace({"epochs": [30], "x": [1, 2]}), "grid", 0, 1, 3
                ).ask()
            )
        )
        == 2
    )
