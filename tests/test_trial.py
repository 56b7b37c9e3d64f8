"""One run: the Talos contract, reading histories, and how a run fails."""

from __future__ import annotations

import math
import os
import re
import signal
import time
from datetime import datetime, timedelta

import numpy as np
import pytest
from _fakes import FakeHistory, fake_model

from scanlab.errors import ContractError, FailedRunError, FatalScanError
from scanlab.trial import TrialData, TrialResult, read_history, run_trial

DATA = TrialData(np.zeros((4, 2)), np.zeros(4), np.zeros((2, 2)), np.zeros(2))
PARAMS = {"lr": 0.1, "units": 8, "epochs": 3}


def returning(value):
    """A model function that returns ``value`` whatever it is given."""

    def model(x_train, y_train, x_val, y_val, params):
        return value

    return model


def raising(exc: Exception):
    def model(x_train, y_train, x_val, y_val, params):
        raise exc

    return model


# --------------------------------------------------------------------------------------------
# read_history
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("history", "expected"),
    [
        (FakeHistory({"loss": [0.9, 0.5]}), {"loss": [0.9, 0.5]}),
        ({"loss": [1, 2], "val_loss": (3.5,)}, {"loss": [1.0, 2.0], "val_loss": [3.5]}),
        ({"loss": np.array([0.5, 0.25], dtype="float32")}, {"loss": [0.5, 0.25]}),
        ({"loss": 0.5, "epochs": 3}, {"loss": [0.5], "epochs": [3.0]}),  # scalars: one epoch
        ({"loss": np.float32(0.5)}, {"loss": [0.5]}),
        ({"loss": np.int64(2)}, {"loss": [2.0]}),
        ({1: [0.5]}, {"1": [0.5]}),  # keys become strings
        ({}, {}),
    ],
)
def test_read_history_gives_plain_float_lists(history, expected):
    got = read_history(history)
    assert got == expected
    assert all(type(v) is float for values in got.values() for v in values)


def test_read_history_copies_the_lists():
    raw = {"loss": [0.9, 0.5]}
    got = read_history(FakeHistory(raw))
    got["loss"].append(0.1)
    assert raw == {"loss": [0.9, 0.5]}


@pytest.mark.parametrize(
    ("history", "type_name"),
    [
        (None, "NoneType"),
        ("history", "str"),
        ([0.9, 0.5], "list"),
        (FakeHistory([0.9, 0.5]), "FakeHistory"),  # .history is not a dict
        (object(), "object"),
    ],
)
def test_read_history_refuses_what_is_not_a_history(history, type_name):
    with pytest.raises(
        ContractError,
        match=r"^the model function must return \(history, model\) where history is a Keras "
        r"History \(the return value of model\.fit\) or a dict of per-epoch lists; got "
        rf"history of type {type_name}\.$",
    ):
        read_history(history)


def test_contract_error_is_a_scanlab_type_error():
    assert issubclass(ContractError, TypeError)
    with pytest.raises(TypeError):
        read_history(None)


# --------------------------------------------------------------------------------------------
# run_trial: success
# --------------------------------------------------------------------------------------------


def test_successful_run_records_history_metrics_and_no_error():
    result = run_trial(fake_model, DATA, PARAMS)
    assert result.status == "ok"
    assert (result.error, result.traceback, result.raised, result.fatal) == (
        None,
        None,
        False,
        False,
    )
    assert set(result.history) == {"loss", "val_loss", "accuracy", "val_accuracy"}
    assert result.epochs_run == 3
    assert result.metrics == {key: values[-1] for key, values in result.history.items()}
    assert math.isclose(result.metrics["loss"], 1.0 + 0.08 + 1 / 3)


def test_the_model_function_gets_the_data_and_a_copy_of_params():
    seen = {}

    def model(x_train, y_train, x_val, y_val, params):
        seen["data"] = (x_train, y_train, x_val, y_val)
        params["lr"] = "changed by the model"
        return {"loss": [0.1]}, None

    params = dict(PARAMS)
    assert run_trial(model, DATA, params).status == "ok"
    assert all(a is b for a, b in zip(seen["data"], DATA, strict=True))
    assert params == PARAMS


def test_a_list_return_value_is_accepted():
    assert run_trial(returning([{"loss": [0.1]}, None]), DATA, PARAMS).status == "ok"


def test_save_model_is_called_with_the_returned_model():
    saved = []
    model = object()
    result = run_trial(returning(({"loss": [0.1]}, model)), DATA, PARAMS, save_model=saved.append)
    assert result.status == "ok" and saved == [model]


def test_timing_fields_are_utc_iso_times_around_the_run():
    def slow(x_train, y_train, x_val, y_val, params):
        time.sleep(0.05)
        return {"loss": [0.1]}, None

    before = datetime.now().astimezone()
    result = run_trial(slow, DATA, PARAMS)
    after = datetime.now().astimezone()
    start, end = datetime.fromisoformat(result.start), datetime.fromisoformat(result.end)
    assert start.utcoffset() == end.utcoffset() == timedelta(0)
    iso_ms_utc = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00"
    assert re.fullmatch(iso_ms_utc, result.start) and re.fullmatch(iso_ms_utc, result.end)
    assert before - timedelta(milliseconds=1) <= start <= end <= after + timedelta(milliseconds=1)
    assert 0.05 <= result.duration_s < 5
    assert result.duration_s == round(result.duration_s, 4)
    assert end - start >= timedelta(milliseconds=49)


def test_metrics_and_epochs_skip_empty_histories():
    result = TrialResult("ok", "s", "e", 0.0, history={"loss": [0.5, 0.4], "lr": []})
    assert result.metrics == {"loss": 0.4}
    assert result.epochs_run == 2
    assert TrialResult("failed", "s", "e", 0.0).epochs_run is None


# --------------------------------------------------------------------------------------------
# run_trial: failures
# --------------------------------------------------------------------------------------------


def test_an_exception_is_a_failed_run_with_its_traceback():
    result = run_trial(raising(ValueError("shapes (3,) and (4,) not aligned")), DATA, PARAMS)
    assert result.status == "failed"
    assert result.error == "ValueError: shapes (3,) and (4,) not aligned"
    assert result.traceback.startswith("Traceback (most recent call last):")
    assert "in model" in result.traceback
    assert result.traceback.rstrip().endswith("ValueError: shapes (3,) and (4,) not aligned")
    assert result.raised is True and result.fatal is False
    assert result.history == {} and result.epochs_run is None and result.metrics == {}
    assert datetime.fromisoformat(result.start) <= datetime.fromisoformat(result.end)
    assert result.duration_s >= 0


def test_an_error_after_the_history_is_read_keeps_the_history():
    def save_model(model):
        raise OSError("disk full")

    result = run_trial(returning(({"loss": [0.5]}, None)), DATA, PARAMS, save_model=save_model)
    assert result.status == "failed" and result.raised
    assert result.error == "OSError: disk full"
    assert result.history == {"loss": [0.5]}


def test_failed_run_error_fails_the_run_without_counting_as_raised():
    result = run_trial(raising(FailedRunError("units must be >= heads")), DATA, PARAMS)
    assert result.status == "failed"
    assert result.error == "FailedRunError: units must be >= heads"
    assert result.raised is False and result.fatal is False
    assert "FailedRunError" in result.traceback


def test_fatal_scan_error_is_a_failed_run_marked_fatal():
    result = run_trial(raising(FatalScanError("out of quota")), DATA, PARAMS)
    assert result.status == "failed" and result.error == "FatalScanError: out of quota"
    assert result.fatal is True and result.raised is True


def test_the_users_ctrl_c_stops_the_run_and_is_not_recorded():
    def presses_ctrl_c(*args):
        os.kill(os.getpid(), signal.SIGINT)  # as the terminal does
        time.sleep(1)

    with pytest.raises(KeyboardInterrupt):
        run_trial(presses_ctrl_c, DATA, PARAMS)
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # handler restored


class Abort(BaseException):
    pass


class Unprintable(Exception):
    def __str__(self):
        raise RuntimeError("no")


@pytest.mark.parametrize(
    ("raised", "error"),
    [
        (KeyboardInterrupt(), r"^KeyboardInterrupt: \(the model function raised it itself\)$"),
        (SystemExit(1), r"^SystemExit: 1 \(the model function called sys.exit\(1\)\)$"),
        (Abort("stop"), r"^Abort: stop \(a BaseException, not an Exception\)$"),
        (Unprintable(), r"^Unprintable: <str\(\) of the exception raised RuntimeError>$"),
    ],
)
def test_a_model_function_that_raises_anything_is_one_failed_run(raised, error):
    result = run_trial(raising(raised), DATA, PARAMS)
    assert result.status == "failed" and result.raised is True
    assert re.match(error, result.error), result.error
    assert result.traceback


@pytest.mark.parametrize("history", [{}, {"loss": [], "val_loss": []}])
def test_a_history_without_epochs_is_a_failed_run(history):
    result = run_trial(lambda *a: (history, None), DATA, PARAMS)
    assert result.status == "failed" and result.raised is True
    assert result.error.startswith("ContractError: the model function returned a history with no")


@pytest.mark.parametrize(
    ("returned", "message"),
    [
        (
            None,
            r"the model function must return \(history, model\), a 2-tuple; got a value of "
            r"type NoneType\. End it with `return history, model` where history = "
            r"model\.fit\(\.\.\.\)\.",
        ),
        (FakeHistory({"loss": [0.1]}), r"a 2-tuple; got a value of type FakeHistory\."),
        ((1, 2, 3), r"a 2-tuple; got a tuple of length 3\."),
        ([FakeHistory({"loss": [0.1]})], r"a 2-tuple; got a list of length 1\."),
        (("history", None), r"where history is a Keras History .* got history of type str\."),
        ((None, None), r"got history of type NoneType\."),
    ],
)
def test_contract_errors_are_raised_failed_runs(returned, message):
    result = run_trial(returning(returned), DATA, PARAMS)
    assert result.status == "failed" and result.raised is True
    assert result.error.startswith("ContractError: the model function must return")
    assert re.search(message, result.error), result.error


@pytest.mark.parametrize(
    ("history", "error"),
    [
        ({"loss": [0.5, float("nan")]}, "NonFiniteLoss: loss became nan at epoch 2"),
        ({"loss": [0.5, float("inf"), float("nan")]}, "NonFiniteLoss: loss became inf at epoch 2"),
        ({"loss": [0.5, 0.4], "val_loss": [0.6, -math.inf]}, "val_loss became -inf at epoch 2"),
        ({"accuracy": [0.5], "val_loss": [float("nan")]}, "val_loss became nan at epoch 1"),
    ],
)
def test_a_non_finite_final_loss_fails_the_run_without_counting_as_raised(history, error):
    result = run_trial(returning((history, None)), DATA, PARAMS)
    assert result.status == "failed" and error in result.error
    assert result.raised is False and result.traceback is None
    assert result.history == {k: [float(v) for v in vs] for k, vs in history.items()}


@pytest.mark.parametrize(
    "history",
    [
        {"loss": [float("nan"), 0.5]},  # only the final value decides
        {"loss": [0.5], "accuracy": [float("nan")]},  # not a loss
        {"loss": [], "val_loss": [0.3]},
    ],
)
def test_a_finite_final_loss_is_ok(history):
    assert run_trial(returning((history, None)), DATA, PARAMS).status == "ok"


def test_metrics_come_from_the_restored_epoch_when_there_is_one():
    history = {"loss": [0.9, 0.5, 0.7], "val_loss": [1.0, 0.6, 0.8]}
    last = TrialResult("ok", "s", "e", 1.0, history)
    assert last.metrics == {"loss": 0.7, "val_loss": 0.8} and last.metrics_from == "last_epoch"
    best = TrialResult("ok", "s", "e", 1.0, history, stopped_epoch=3, metrics_epoch=2)
    assert best.metrics == {"loss": 0.5, "val_loss": 0.6} and best.metrics_from == "best_epoch"
    assert TrialResult("failed", "s", "e", 1.0).metrics_from is None
