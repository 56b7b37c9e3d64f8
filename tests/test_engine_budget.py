"""scanlab._engine_budget: budgeted rounds end to end (fake models for the loop, a tiny real
Keras builder for continuation, SIGKILL-and-resume in subprocesses)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from _fakes import budget_model, fake_model, flaky_builder, subprocess_env, tiny_builder

import scanlab
from scanlab import Scan
from scanlab._engine_budget import CHECKPOINT_DIR, Checkpoints
from scanlab._manifest import read_manifest
from scanlab.budget import ASHA, Hyperband, SuccessiveHalving
from scanlab.errors import ParamsError, ScanArgumentError, ScanArgumentTypeError

GRID = {"lr": [0.1, 0.01, 0.001, 0.2, 0.3], "units": [1, 2, 4, 8, 16, 32], "epochs": [1]}


@pytest.fixture
def xy():
    x = np.random.default_rng(0).normal(size=(48, 3)).astype("float32")
    return x, (x[:, 0] > 0).astype("float32")


def _scan(tmp_path, xy, search, **kwargs):
    x, y = xy
    arguments = dict(
        params=GRID,
        model=budget_model,
        experiment_name="hb",
        results_dir=tmp_path,
        disable_progress_bar=True,
        clear_session=False,
        seed=3,
        metric="val_loss",
    )
    arguments.update(kwargs)
    return Scan(x, y, search=search, **arguments)


def _per_budget(rows: pd.DataFrame) -> dict[int, int]:
    return {int(k): int(v) for k, v in rows.groupby("budget").size().items()}


def test_a_hyperband_round_writes_the_planned_rows_and_resumes_to_nothing(tmp_path, xy):
    search = Hyperband(max_epochs=9)
    scan = _scan(tmp_path, xy, search)
    plan = search.plan(GRID)
    planned: dict[int, int] = {}
    for budget, n in zip(plan["budget"], plan["configurations"], strict=True):
        planned[int(budget)] = planned.get(int(budget), 0) + int(n)
    assert _per_budget(scan.data) == planned
    assert list(scan.data.columns[:6]) == [
        "run_id", "round", "status", "rung", "budget", "initial_epoch"
    ]  # fmt: skip
    assert (scan.data["initial_epoch"] == 0).all()  # a Talos model function restarts
    assert (scan.data["epochs_run"] == scan.data["budget"]).all()
    assert not scan.data.duplicated(["run_id", "rung"]).any()
    promoted = scan.data[scan.data["rung"] > 0]
    for run_id, rung in zip(promoted["run_id"], promoted["rung"], strict=True):
        assert ((scan.data["run_id"] == run_id) & (scan.data["rung"] == rung - 1)).any()
    manifest = read_manifest(scan.round_path)
    assert manifest["search"]["search"] == "Hyperband"
    assert manifest["plan"]["configurations"] == 17
    assert scan.plan.attrs["totals"]["epochs_continue"] == 69

    again = _scan(tmp_path, xy, search)
    assert (again.round, again.details["runs_trained"]) == (1, 0)
    other = _scan(tmp_path, xy, SuccessiveHalving(min_epochs=1, max_epochs=9))
    assert other.round == 2  # another search is another round
    plain = _scan(tmp_path, xy, None, round_limit=5)
    assert plain.details["runs_reused"] == 0  # rung rows are never taken for full trainings
    assert plain.details["runs_trained"] == 5


def test_promotions_follow_the_tracked_metric(tmp_path, xy):
    scan = _scan(tmp_path, xy, SuccessiveHalving(min_epochs=1, max_epochs=9))
    rung0, rung1 = (scan.data[scan.data["rung"] == r] for r in (0, 1))
    best3 = rung0.nsmallest(3, "val_loss")["run_id"]
    assert sorted(rung1["run_id"]) == sorted(best3)


def test_a_failed_promoted_run_is_retried_on_resume(tmp_path, xy, monkeypatch):
    params = {**GRID, "units": [0, 16], "lr": [0.001, 0.1, 0.2, 0.3, 0.4]}
    monkeypatch.setenv("SCANLAB_FAKE_FAIL", "1")
    search = SuccessiveHalving(min_epochs=1, max_epochs=3, factor=3, n_configs=9)
    scan = _scan(tmp_path, xy, search, params=params)
    failed = scan.data[scan.data["status"] == "failed"]
    assert len(failed) and (failed["rung"] == 1).all()
    monkeypatch.setenv("SCANLAB_FAKE_FAIL", "0")
    again = _scan(tmp_path, xy, search, params=params)
    assert again.details["runs_trained"] == len(failed)
    assert (again.data["status"] == "ok").all()
    assert len(again.attempts) == len(scan.data) + len(failed)


def test_asha_with_two_workers_promotes_only_runs_it_has_rows_for(tmp_path, xy):
    scan = _scan(tmp_path, xy, ASHA(min_epochs=1, max_epochs=9), workers=2, round_limit=12)
    data = scan.data
    assert (data["status"] == "ok").all()
    assert data[data["rung"] == 0]["run_id"].nunique() == 12
    assert (data["rung"] == 2).any()  # the end: every rung promotes its best
    assert not data.duplicated(["run_id", "rung"]).any()
    for run_id, rung in zip(data["run_id"], data["rung"], strict=True):
        assert rung == 0 or ((data["run_id"] == run_id) & (data["rung"] == rung - 1)).any()


def test_a_performance_target_stops_a_budgeted_round(tmp_path, xy):
    scan = _scan(tmp_path, xy, Hyperband(max_epochs=9), performance_target=["val_loss", 0.9, True])
    assert scan.stop_reason == "performance_target"
    assert len(scan.data) < 22


def test_a_builder_continues_promoted_runs_from_their_checkpoints(tmp_path, xy):
    params = {"lr": [0.05, 0.01, 0.002], "units": [2, 4, 8], "batch_size": [16]}
    scan = _scan(
        tmp_path, xy, SuccessiveHalving(min_epochs=1, max_epochs=9), params=params,
        model=tiny_builder, random_method="grid",
    )  # fmt: skip
    data = scan.data.sort_values(["run_id", "rung"])
    top = data[data["rung"] == 2]["run_id"].iloc[0]
    rows = data[data["run_id"] == top]
    assert rows["initial_epoch"].tolist() == [0, 1, 3]
    assert rows["epochs_run"].tolist() == [1, 2, 6]  # 9 epochs in all, none trained twice
    assert rows["best_epoch"].max() <= 9 and rows["best_epoch"].iloc[-1] > 3
    history = scan.round_history[top]
    assert len(history["loss"]) == 9
    last = scan.data[(scan.data["run_id"] == top) & (scan.data["rung"] == 2)]
    assert history["val_loss"][-1] == pytest.approx(float(last["val_loss"].iloc[0]))
    assert not (scan.round_path / CHECKPOINT_DIR).exists()  # finished: nothing continues


def test_a_failed_continuation_keeps_its_checkpoint_and_continues_on_resume(
    tmp_path, xy, monkeypatch
):
    params = {"lr": [0.05], "units": [5, 6, 7], "batch_size": [16]}
    search = SuccessiveHalving(min_epochs=1, max_epochs=3, n_configs=3)
    monkeypatch.setenv("SCANLAB_FAKE_FAIL", "1")
    first = _scan(tmp_path, xy, search, params=params, model=flaky_builder)
    failed = first.data[first.data["status"] == "failed"]
    assert failed["rung"].tolist() == [1]
    run_id = failed["run_id"].iloc[0]
    assert [p.name for p in (first.round_path / CHECKPOINT_DIR).iterdir()] == [f"{run_id}-e1.keras"]
    monkeypatch.setenv("SCANLAB_FAKE_FAIL", "0")
    again = _scan(tmp_path, xy, search, params=params, model=flaky_builder)
    row = again.data[(again.data["run_id"] == run_id) & (again.data["rung"] == 1)]
    assert row["status"].tolist() == ["ok"] and row["initial_epoch"].tolist() == [1]
    assert not (again.round_path / CHECKPOINT_DIR).exists()


def test_checkpoints_are_deleted_when_nothing_can_continue_from_them(tmp_path):
    folder = Checkpoints(tmp_path)
    folder.path.mkdir()
    for name in ("a-e1.keras", "a-e3.keras", "b-e1.keras", "c-e1.tmp.keras", "notes.txt"):
        (folder.path / name).write_text("x")
    folder.discard_temporary()
    folder.discard("a", 1)
    assert sorted(p.name for p in folder.path.iterdir()) == [
        "a-e3.keras",
        "b-e1.keras",
        "notes.txt",
    ]
    folder.discard("b")
    folder.discard_all()
    assert [p.name for p in folder.path.iterdir()] == ["notes.txt"]  # a user's file stays
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "z-e1.keras").write_text("x")
    (folder.path / "notes.txt").unlink()
    folder.path.rmdir()
    folder.path.symlink_to(elsewhere)
    folder.discard_all()
    assert (elsewhere / "z-e1.keras").exists()  # a link is never followed


def test_dry_run_prints_the_plan_and_trains_nothing(tmp_path, xy, capsys):
    scan = _scan(tmp_path, xy, Hyperband(max_epochs=9), dry_run=True)
    text = capsys.readouterr().out
    assert "17 configurations, 69 epochs with continuation" in text
    assert "trains again from scratch, 78 epochs" in text  # a Talos model function
    assert scan.stop_reason == "dry_run" and scan.data.empty
    assert not (tmp_path / "hb").exists()
    plain = _scan(tmp_path, xy, None, dry_run=True, round_limit=4)
    assert "dry run: 4 of 30 permutations, each trained for 1 epochs" in capsys.readouterr().out
    assert plain.plan is None


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"search": Hyperband}, ScanArgumentTypeError, "search must be a search made by calling"),
        ({"search": "hyperband"}, ScanArgumentTypeError, "search must be a scanlab.budget search"),
        ({"early_stopping": "moderate"}, ScanArgumentError, "early_stopping cannot be combined"),
        ({"reduction_method": "correlation"}, ScanArgumentError, "reduction_method cannot be"),
        ({"params": {"lr": [0.1]}}, ScanArgumentError, "must have an 'epochs' key when a Talos"),
        ({"params": {"lr": [0.1], "epochs": [1, 2]}}, ParamsError, "at most one value"),
    ],
)
def test_bad_search_arguments_are_refused_before_training(tmp_path, xy, kwargs, error, match):
    search = kwargs.pop("search", Hyperband(max_epochs=9))
    model = tiny_builder if "early_stopping" in kwargs else budget_model
    with pytest.raises(error, match=match):
        _scan(tmp_path, xy, search, model=model, **kwargs)
    assert not (tmp_path / "hb").exists()


def test_a_builder_needs_no_epochs_key_under_search(tmp_path, xy):
    scan = _scan(
        tmp_path, xy, SuccessiveHalving(min_epochs=1, max_epochs=3), model=tiny_builder,
        params={"lr": [0.01], "units": [2, 3, 4]}, dry_run=True,
    )  # fmt: skip
    assert scan.plan.attrs["totals"]["epochs_continue"] == 5


def test_the_package_exports_the_searches():
    assert scanlab.Hyperband is Hyperband and scanlab.ASHA is ASHA
    assert scanlab.SuccessiveHalving is SuccessiveHalving
    assert fake_model  # the plain fake stays importable next to the budgeted one


KILLED = textwrap.dedent(
    """
    import sys
    import numpy as np
    from _fakes import budget_model, tiny_builder
    from scanlab import Scan
    from scanlab.budget import Hyperband

    builder = sys.argv[2] == "builder"
    x = np.random.default_rng(0).normal(size=(48, 3)).astype("float32")
    y = (x[:, 0] > 0).astype("float32")
    params = {"lr": [0.1, 0.01, 0.001, 0.2, 0.3], "units": [1, 2, 4, 8, 16, 32]}
    if not builder:
        params["epochs"] = [1]
    scan = Scan(x, y, params=params, model=tiny_builder if builder else budget_model,
                experiment_name="killed", results_dir=sys.argv[1], seed=5,
                search=Hyperband(max_epochs=9), metric="val_loss",
                workers=int(sys.argv[3]) or None, disable_progress_bar=True,
                clear_session=False)
    print(len(scan.data))
    """
)


def _start(tmp_path: Path, results: Path, kind: str, workers: int, delay: str) -> subprocess.Popen:
    script = tmp_path / "killed.py"
    script.write_text(KILLED)
    return subprocess.Popen(
        [sys.executable, str(script), str(results), kind, str(workers)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=subprocess_env(SCANLAB_FAKE_DELAY=delay),
    )


def _keys(results: Path) -> list[tuple[str, int, int]]:
    rows = scanlab.load_results(results / "killed")
    assert (rows["status"] == "ok").all()
    return sorted(zip(rows["run_id"], rows["rung"], rows["budget"], strict=True))


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="SIGKILL is POSIX-only")
@pytest.mark.parametrize(("kind", "workers", "kill_after"), [("fake", 0, 8), ("fake", 2, 12)])
def test_sigkill_mid_halving_then_resume_gives_the_uninterrupted_rows(
    tmp_path, kind, workers, kill_after
):
    reference = _start(tmp_path, tmp_path / "reference", kind, workers, "0")
    assert reference.wait(timeout=180) == 0, reference.stderr.read().decode()
    victim = _start(tmp_path, tmp_path / "resumed", kind, workers, "0.1")
    csv = tmp_path / "resumed" / "killed" / "round-001" / "results.csv"
    deadline = time.time() + 120
    while time.time() < deadline:
        if csv.exists() and csv.read_text().count("\n") > kill_after:
            break
        time.sleep(0.01)
    victim.send_signal(signal.SIGKILL)
    victim.wait(timeout=30)
    partial = scanlab.load_results(tmp_path / "resumed" / "killed")
    assert kill_after <= len(partial) < 22
    resumed = _start(tmp_path, tmp_path / "resumed", kind, workers, "0")
    assert resumed.wait(timeout=180) == 0, resumed.stderr.read().decode()
    assert _keys(tmp_path / "resumed") == _keys(tmp_path / "reference")
    attempts = scanlab.load_results(tmp_path / "resumed" / "killed", attempts=True)
    assert not attempts.duplicated(["run_id", "rung"]).any()  # no (run, rung) trained twice


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="SIGKILL is POSIX-only")
def test_sigkill_a_builder_mid_halving_resumes_from_whole_checkpoints(tmp_path):
    victim = _start(tmp_path, tmp_path / "resumed", "builder", 0, "0")
    round_dir = tmp_path / "resumed" / "killed" / "round-001"
    deadline = time.time() + 180
    while time.time() < deadline:  # killed once rung 1 has begun: checkpoints are on disk
        csv = round_dir / "results.csv"
        if csv.exists() and ",1,3,1," in csv.read_text():
            break
        time.sleep(0.01)
    victim.send_signal(signal.SIGKILL)
    victim.wait(timeout=30)
    checkpoints = round_dir / CHECKPOINT_DIR
    assert any(checkpoints.glob("*-e1.keras"))
    (checkpoints / "planted-e1.tmp.keras").write_bytes(b"torn")  # a write cut by the kill
    resumed = _start(tmp_path, tmp_path / "resumed", "builder", 0, "0")
    assert resumed.wait(timeout=240) == 0, resumed.stderr.read().decode()
    rows = scanlab.load_results(tmp_path / "resumed" / "killed")
    assert (rows["status"] == "ok").all() and len(rows) == 22
    continued = rows[rows["rung"] > 0]
    assert (continued["initial_epoch"] > 0).all()
    assert (continued["epochs_run"] == continued["budget"] - continued["initial_epoch"]).all()
    assert not checkpoints.exists()
    assert os.path.isdir(round_dir)


def test_a_grid_smaller_than_a_bracket_gives_smaller_rungs_not_a_loop(tmp_path, xy):
    params = {"lr": [0.1, 0.01], "units": [16], "epochs": [1]}
    scan = _scan(tmp_path, xy, Hyperband(max_epochs=27), params=params)
    assert scan.data["run_id"].nunique() == 2
    # both go to the first bracket; its later rungs keep one run each, up to max_epochs
    assert scan.data.groupby("rung").size().tolist() == [2, 1, 1, 1]
    assert scan.data["budget"].tolist() == [1, 1, 3, 9, 27]
    assert scan.stop_reason == "completed"
