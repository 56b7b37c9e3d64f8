"""scanlab._metric_names: the one rulebook for metric names (direction, aliases, default)."""

from __future__ import annotations

import pytest

from scanlab._metric_names import (
    default_metric,
    direction_words,
    is_loss_like,
    looks_like_metric,
    metric_aliases,
    resolve_metric,
)
from scanlab.errors import MetricNotFoundError


@pytest.mark.parametrize(
    ("name", "minimize"),
    [
        ("loss", True),
        ("val_loss", True),
        ("mse", True),
        ("val_mae", True),
        ("mean_absolute_percentage_error", True),
        ("binary_crossentropy", True),
        ("root_mean_squared_error", True),
        ("kl_divergence", True),
        ("duration_s", True),
        ("false_negatives", True),
        ("accuracy", False),
        ("val_acc", False),
        ("auc", False),
        ("val_precision", False),
        ("f1_score", False),
        ("r2", False),
    ],
)
def test_direction_from_the_name(name, minimize):
    assert is_loss_like(name) is minimize
    assert direction_words(minimize) == ("lower is better" if minimize else "higher is better")


@pytest.mark.parametrize(
    ("available", "expected"),
    [
        (["accuracy", "loss", "val_accuracy", "val_loss"], "val_accuracy"),
        (["acc", "loss", "val_acc", "val_loss"], "val_acc"),
        (["loss", "val_loss", "val_mae"], "val_loss"),
        (["loss", "val_auc", "val_mae"], "val_auc"),
        (["accuracy", "loss"], "accuracy"),
        (["loss", "mse"], "loss"),
        (["mse", "mae"], "mae"),
    ],
)
def test_default_metric_order_of_preference(available, expected):
    assert default_metric(available) == expected


def test_default_metric_of_nothing_says_how_to_fix():
    with pytest.raises(
        MetricNotFoundError, match=r"the runs have no metric .* Fix: make the model"
    ):
        default_metric([])


@pytest.mark.parametrize(
    ("asked", "available", "expected"),
    [
        ("val_acc", ["val_accuracy", "val_loss"], "val_accuracy"),
        ("acc", ["accuracy"], "accuracy"),
        ("val_accuracy", ["val_acc"], "val_acc"),
        ("val_loss", ["val_loss", "val_accuracy"], "val_loss"),
    ],
)
def test_talos_aliases_resolve_both_ways(asked, available, expected):
    assert resolve_metric(asked, available) == expected


def test_unknown_metric_names_the_argument_the_value_and_the_choices():
    with pytest.raises(
        MetricNotFoundError,
        match=r"^performance_target metric='f1' is not one of the runs' metrics "
        r"\['loss', 'val_loss'\]\. Fix: use one of those",
    ):
        resolve_metric("f1", ["val_loss", "loss"], "performance_target metric")


def test_aliases_and_metric_like_names():
    assert metric_aliases("val_acc") == ["val_accuracy"]
    assert metric_aliases("categorical_accuracy") == ["categorical_acc"]
    assert metric_aliases("val_loss") == []
    assert looks_like_metric("val_mae") and looks_like_metric("custom", ["val_custom"])
    assert not looks_like_metric("units") and not looks_like_metric("val_units")
