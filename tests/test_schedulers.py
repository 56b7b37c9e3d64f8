"""scanlab.schedulers: what the engine runs next (pure: no Keras, no files)."""

from __future__ import annotations

import itertools

from scanlab.sampling import sample_indices
from scanlab.schedulers import RunAll, Scheduler
from scanlab.space import ParamSpace

SPACE = ParamSpace({"lr": [0.1, 0.01, 0.001], "units": [4, 8], "act": ["relu", "elu"]})


def test_run_all_hands_out_the_sampled_permutations_in_order_once():
    scheduler = RunAll(SPACE, "uniform", seed=3, planned=7, done=set())
    tasks = list(scheduler.ask())
    expected = list(itertools.islice(sample_indices(SPACE.shape, "uniform", 3, 7), 7))
    assert [t.index for t in tasks] == expected
    assert len({t.run_id for t in tasks}) == 7
    assert all(t.params == SPACE[t.index] for t in tasks)
    assert isinstance(scheduler, Scheduler)


def test_done_runs_are_skipped_and_not_counted_as_filtered():
    first = list(RunAll(SPACE, "grid", seed=0, planned=12, done=set()).ask())
    done = {t.run_id for t in first[:5]}
    skips = []
    resumed = RunAll(SPACE, "grid", 0, 12, done, on_skip=lambda: skips.append(1))
    rest = list(resumed.ask())
    assert [t.run_id for t in rest] == [t.run_id for t in first[5:]]
    assert resumed.skipped == 0 and skips == []


def test_filters_skip_permutations_and_shorten_the_plan():
    skips = []
    scheduler = RunAll(
        SPACE,
        "grid",
        0,
        12,
        set(),
        filters=[lambda params, labels: labels["act"] != "elu"],
        on_skip=lambda: skips.append(1),
    )
    tasks = list(scheduler.ask())
    assert len(tasks) == 6 and all(t.labels["act"] == "relu" for t in tasks)
    assert scheduler.skipped == 6 and len(skips) == 6


def test_a_filter_that_changes_mid_scan_applies_to_the_tasks_not_yet_handed_out():
    excluded: set[str] = set()
    scheduler = RunAll(
        SPACE, "grid", 0, 12, set(), filters=[lambda p, labels: labels["lr"] not in excluded]
    )
    handed_out = []
    for task in scheduler.ask():
        handed_out.append(task)
        scheduler.tell(task, {"status": "ok"})
        if len(handed_out) == 2:
            excluded.add("0.01")  # a reduction after run 2
    assert [t.labels["lr"] for t in handed_out[:2]] == ["0.1", "0.1"]
    assert all(t.labels["lr"] != "0.01" for t in handed_out[2:])
    assert scheduler.done == {t.run_id for t in handed_out}


def test_a_huge_grid_is_asked_lazily():
    huge = ParamSpace({f"p{i}": list(range(10)) for i in range(30)})  # 10**30 permutations
    scheduler = RunAll(huge, "uniform", seed=1, planned=huge.size, done=set())
    first = list(itertools.islice(scheduler.ask(), 3))
    assert len({t.run_id for t in first}) == 3
