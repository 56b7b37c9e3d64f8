"""Talos's Scan options mapped onto scanlab's, or refused with the scanlab way."""

from __future__ import annotations

import pytest

from scanlab.errors import ScanArgumentError, ScanArgumentTypeError
from scanlab.talos._arguments import check_multi_input, check_options, talos_reduction_method


@pytest.mark.parametrize(
    ("given", "expected"),
    [("trees", "importance"), ("forrest", "importance"), ("spearman", "spearman"), (None, None)],
)
def test_reduction_methods_map_onto_scanlabs(given, expected):
    assert talos_reduction_method(given) == expected


@pytest.mark.parametrize(
    ("method", "match"),
    [
        ("gamify", r"reduction_method='gamify' is not supported: .*scanlab.suggest"),
        (
            "local_strategy",
            r"reduction_method='local_strategy' is not supported: .*never executes code",
        ),
    ],
)
def test_reducers_without_an_equivalent_are_refused(method, match):
    with pytest.raises(ScanArgumentError, match=match):
        talos_reduction_method(method)


def test_talos_options_map_onto_scanlabs():
    assert check_options({"experiment_dir": "r"}) == ({"results_dir": "r"}, None)
    assert check_options({"objective": {"metric": "val_loss", "direction": "max"}}) == (
        {"metric": "val_loss"},
        False,
    )
    assert check_options({"objective": {"metric": "val_loss", "direction": "min"}}) == (
        {"metric": "val_loss"},
        True,
    )


@pytest.mark.parametrize(
    ("options", "match"),
    [
        (
            {"search_strategy": 1},
            r"search_strategy=...\) is a Talos 2.0.10 option .* random_method=",
        ),
        ({"pruning_strategies": []}, r"pruning_strategies=...\) is a Talos 2.0.10 option"),
        ({"epochs": 3}, r"unknown keyword argument 'epochs'"),
        ({"experiment_dir": "a", "results_dir": "b"}, r"experiment_dir \(Talos\) and results_dir"),
        ({"objective": "val_loss"}, r"^objective must be \{'metric'"),
        (
            {"objective": {"metric": "loss"}, "metric": "val_loss"},
            r"objective \(Talos\) and metric \(scanlab\) both name the tracked metric",
        ),
    ],
)
def test_other_options_are_refused_with_the_scanlab_way(options, match):
    with pytest.raises(ScanArgumentError, match=match):
        check_options(options)


def test_multi_input_needs_a_list_of_inputs():
    check_multi_input(True, [[1], [2]], None)
    check_multi_input(False, [[1], [2]], None)
    with pytest.raises(ScanArgumentTypeError, match=r"multi_input=True needs x as a list"):
        check_multi_input(True, [1, 2][0], None)
    with pytest.raises(ScanArgumentTypeError, match=r"^multi_input must be True or False"):
        check_multi_input("yes", [], None)
