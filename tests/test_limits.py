"""Scan limits: how many runs, until when, and when a run is good enough to stop."""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime, timedelta, timezone

import numpy as np
import pytest

from scanlab.errors import ScanArgumentError, ScanArgumentTypeError
from scanlab.limits import (
    PerformanceTarget,
    parse_deadline,
    parse_performance_target,
    planned_runs,
)

# --------------------------------------------------------------------------------------------
# planned_runs
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("grid", "fraction_limit", "round_limit", "expected"),
    [
        (12, None, None, 12),  # no limit: the whole grid
        (180_000, 0.01, None, 1800),
        (180_000, 0.01, 500, 500),  # the smaller limit wins
        (180_000, 0.5, 10**6, 90_000),
        (12, None, 100, 12),  # never more than the grid
        (12, 1, None, 12),
        (12, 1.0, 5, 5),
        (7, 0.5, None, 3),  # floored
        (10**30, 1e-27, None, 1000),  # exact for huge grids
        (100, np.float64(0.5), None, 50),
        (100, None, np.int64(5), 5),
    ],
)
def test_planned_runs(grid, fraction_limit, round_limit, expected):
    n = planned_runs(grid, fraction_limit, round_limit)
    assert n == expected and type(n) is int


@pytest.mark.parametrize(("grid", "fraction_limit", "expected"), [(10, 0.3, 3), (20, 0.15, 3)])
def test_a_decimal_fraction_of_the_grid_is_the_decimal_share(grid, fraction_limit, expected):
    assert planned_runs(grid, fraction_limit, None) == expected


def test_a_numpy_float32_fraction_limit_works():
    assert planned_runs(100, np.float32(0.5), None) == 50


@pytest.mark.parametrize(
    ("fraction_limit", "round_limit", "error", "match"),
    [
        *(
            (
                bad,
                None,
                ScanArgumentError,
                rf"^fraction_limit must be a fraction of the grid in "
                rf"\(0, 1\], got {re.escape(repr(bad))}\. Use e\.g\. fraction_limit=0\.01 for 1% "
                rf"of the permutations\.$",
            )
            for bad in (0, 0.0, -0.5, 1.5, 2, True, "0.1", [0.1], float("nan"))
        ),
        (
            0.001,
            None,
            ScanArgumentError,
            r"^fraction_limit=0\.001 of a grid of 8 permutations selects no run \(it floors "
            r"to 0\)\. Use fraction_limit >= 0\.125 or round_limit=<number of runs>\.$",
        ),
        *(
            (
                None,
                bad,
                ScanArgumentTypeError,
                rf"^round_limit must be an int \(number of runs; "
                rf"Talos calls a run a round\), got {re.escape(repr(bad))}\. Use e\.g\. "
                rf"round_limit=100\.$",
            )
            for bad in (2.5, 3.0, True, "5", [5])
        ),
        (
            None,
            0,
            ScanArgumentError,
            r"^round_limit=0 selects no run; it must be >= 1 \(the grid has 8 permutations\)\. "
            r"Fix: use e\.g\. round_limit=100, or None for the whole grid\.$",
        ),
        (None, -3, ScanArgumentError, r"^round_limit=-3 selects no run"),
    ],
)
def test_bad_limits_are_refused(fraction_limit, round_limit, error, match):
    with pytest.raises(error, match=match):
        planned_runs(8, fraction_limit, round_limit)


def test_grid_sizes_in_messages_have_thousands_separators():
    with pytest.raises(ScanArgumentError, match=r"of a grid of 180,000 permutations"):
        planned_runs(180_000, 1e-6, None)
    with pytest.raises(ScanArgumentError, match=r"\(the grid has 180,000 permutations\)"):
        planned_runs(180_000, None, 0)


def test_the_suggested_fraction_limit_selects_a_run():
    for grid in (3, 6, 7, 12, 180_000):
        with pytest.raises(ScanArgumentError) as info:
            planned_runs(grid, 1e-9, None)
        suggested = float(re.search(r"fraction_limit >= (\S+) or", str(info.value)).group(1))
        assert planned_runs(grid, suggested, None) >= 1, (grid, suggested)


# --------------------------------------------------------------------------------------------
# parse_deadline
# --------------------------------------------------------------------------------------------

NOW = datetime(2026, 6, 1, 12, 0)  # naive: local time, as Talos reads its strings


def test_no_time_limit():
    assert parse_deadline(None) is None


@pytest.mark.parametrize("seconds", [60, 0.5, 3600.0, np.float64(10)])
def test_seconds_from_now(seconds):
    before = time.time()
    deadline = parse_deadline(seconds)
    assert before + seconds <= deadline <= time.time() + seconds


def test_a_timedelta_is_seconds_from_now():
    before = time.time()
    deadline = parse_deadline(timedelta(minutes=5))
    assert before + 300 <= deadline <= time.time() + 300


@pytest.mark.parametrize(
    ("time_limit", "expected"),
    [
        ("2026-06-01 18:00", datetime(2026, 6, 1, 18, 0)),  # Talos's format, local time
        ("  2026-06-01 18:00\n", datetime(2026, 6, 1, 18, 0)),
        ("2026-06-01T12:00:30", datetime(2026, 6, 1, 12, 0, 30)),
        ("2026-06-02", datetime(2026, 6, 2)),
        ("2027-01-01 00:00:00.5", datetime(2027, 1, 1, 0, 0, 0, 500_000)),
        (datetime(2026, 6, 1, 12, 1), datetime(2026, 6, 1, 12, 1)),
    ],
)
def test_local_dates_and_times(time_limit, expected):
    assert parse_deadline(time_limit, now=NOW) == expected.timestamp()


def test_times_with_a_zone_are_exact_instants():
    aware = datetime(2100, 1, 1, 9, 30, tzinfo=timezone(timedelta(hours=2)))
    assert parse_deadline("2100-01-01T09:30+02:00", now=NOW) == aware.timestamp()
    assert parse_deadline(aware, now=NOW) == datetime(2100, 1, 1, 7, 30, tzinfo=UTC).timestamp()
    assert parse_deadline("2100-01-01T07:30Z", now=NOW) == aware.timestamp()


def test_now_defaults_to_the_clock():
    assert parse_deadline(datetime.now() + timedelta(hours=1)) > time.time()
    with pytest.raises(ScanArgumentError, match=r"is in the past"):
        parse_deadline(datetime.now() - timedelta(seconds=1))


@pytest.mark.parametrize(
    ("time_limit", "error", "match"),
    [
        (
            0,
            ScanArgumentError,
            r"^time_limit=0 seconds is not in the future; give a positive number of seconds "
            r"or a date like '2026-12-01 18:00'\.$",
        ),
        (-5.0, ScanArgumentError, r"^time_limit=-5\.0 seconds is not in the future"),
        (timedelta(hours=-1), ScanArgumentError, r"^time_limit=-3600\.0 seconds is not in"),
        (
            "2026-06-01 11:59",
            ScanArgumentError,
            r"^time_limit='2026-06-01 11:59' is in the past \(now is 2026-06-01 12:00\); no run "
            r"would start\. Give a later time\.$",
        ),
        ("2026-06-01 12:00", ScanArgumentError, r"is in the past"),  # now is not the future
        (datetime(2020, 1, 1), ScanArgumentError, r"^time_limit=datetime\.datetime\(2020, 1, 1"),
        ("2000-01-01T00:00+00:00", ScanArgumentError, r"is in the past \(now is 2026-06-01"),
        (
            "tomorrow 18:00",
            ScanArgumentError,
            r"^time_limit='tomorrow 18:00' cannot be read as a date and time; use Talos's format "
            r"'YYYY-MM-DD HH:MM' \(e\.g\. '2026-12-01 18:00'\), or seconds from now\.$",
        ),
        ("2026-13-01 18:00", ScanArgumentError, r"cannot be read as a date and time"),
        ("", ScanArgumentError, r"^time_limit='' cannot be read"),
        (
            True,
            ScanArgumentTypeError,
            r"^time_limit must be a 'YYYY-MM-DD HH:MM' string, a datetime, a timedelta or "
            r"seconds, got bool \(True\)\. Fix: pass e\.g\. time_limit='2026-12-01 18:00' or "
            r"time_limit=3600 \(seconds from now\)\.$",
        ),
        ([18, 0], ScanArgumentTypeError, r"got list \(\[18, 0\]\)\. Fix: "),
        (time.localtime(), ScanArgumentTypeError, r"got struct_time"),
    ],
)
def test_bad_time_limits_are_refused(time_limit, error, match):
    with pytest.raises(error, match=match):
        parse_deadline(time_limit, now=NOW)


# --------------------------------------------------------------------------------------------
# performance_target
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        (None, None),
        (["val_accuracy", 0.97], PerformanceTarget("val_accuracy", 0.97, False)),
        (("val_acc", 1), PerformanceTarget("val_acc", 1.0, False)),
        (["val_loss", 0.1], PerformanceTarget("val_loss", 0.1, True)),
        (["mae", 2], PerformanceTarget("mae", 2.0, True)),
        (["val_loss", 0.1, False], PerformanceTarget("val_loss", 0.1, False)),
        (["f1", 0.8, 1], PerformanceTarget("f1", 0.8, True)),  # Talos's third item, as bool
        (["val_accuracy", np.float32(0.5)], PerformanceTarget("val_accuracy", 0.5, False)),
    ],
)
def test_performance_target_forms(target, expected):
    parsed = parse_performance_target(target)
    assert parsed == expected
    if parsed is not None:
        assert type(parsed.value) is float and type(parsed.minimize) is bool


USAGE = (
    r"Use \[metric, value\] or \[metric, value, minimize\], e\.g\. "
    r"performance_target=\['val_accuracy', 0\.97\] or \['val_loss', 0\.1, True\]\.$"
)


@pytest.mark.parametrize(
    ("target", "match"),
    [
        ("val_loss", rf"^performance_target='val_loss' is malformed\. {USAGE}"),
        (["val_loss"], r"^performance_target=\['val_loss'\] is malformed\."),
        (["val_loss", 0.1, True, 4], r"^performance_target=\['val_loss', 0\.1, True, 4\] is "),
        ({"val_loss": 0.1}, r"^performance_target=\{'val_loss': 0\.1\} is malformed\."),
        (0.97, r"^performance_target=0\.97 is malformed\."),
        (
            [0.97, "val_accuracy"],
            rf"^performance_target=\[0\.97, 'val_accuracy'\] needs a metric name and a "
            rf"number\. {USAGE}",
        ),
        (["val_accuracy", "0.97"], r"needs a metric name and a number"),
        (["val_accuracy", True], r"needs a metric name and a number"),
        (["val_accuracy", None], r"needs a metric name and a number"),
    ],
)
def test_bad_performance_targets_are_refused(target, match):
    with pytest.raises(ScanArgumentError, match=match):
        parse_performance_target(target)


@pytest.mark.parametrize(
    ("target", "metrics", "reached"),
    [
        (PerformanceTarget("val_loss", 0.1, True), {"val_loss": 0.1}, True),
        (PerformanceTarget("val_loss", 0.1, True), {"val_loss": 0.05}, True),
        (PerformanceTarget("val_loss", 0.1, True), {"val_loss": 0.11}, False),
        (PerformanceTarget("val_acc", 0.9, False), {"val_acc": 0.9}, True),
        (PerformanceTarget("val_acc", 0.9, False), {"val_acc": 0.89}, False),
        (PerformanceTarget("val_acc", 0.9, False), {"loss": 0.0}, False),  # metric missing
        (PerformanceTarget("val_loss", 0.1, True), {"val_loss": float("nan")}, False),
    ],
)
def test_performance_target_reached(target, metrics, reached):
    assert target.reached(metrics) is reached


def test_limit_errors_are_value_and_type_errors():
    with pytest.raises(ValueError):
        planned_runs(12, 0, None)
    with pytest.raises(TypeError):
        planned_runs(12, None, 2.5)
    with pytest.raises(TypeError):
        parse_deadline(object())
