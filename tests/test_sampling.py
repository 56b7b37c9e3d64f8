from __future__ import annotations

import math
from itertools import islice

import pytest

from scanlab import ScanArgumentError
from scanlab.sampling import METHODS, resolve_method, sample_indices

SHAPES = [[3, 4, 2], [5], [2, 1, 3, 1], [7, 3, 5, 2]]


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("shape", SHAPES)
def test_every_method_yields_each_index_once_then_stops(method, shape):
    size = math.prod(shape)
    drawn = list(sample_indices(shape, method, seed=3, expected=size))
    assert sorted(drawn) == list(range(size))


@pytest.mark.parametrize("method", METHODS)
def test_seeded_sequences_repeat_and_seeds_differ(method):
    shape = [10, 10, 10, 10]
    a = list(islice(sample_indices(shape, method, seed=5, expected=50), 50))
    b = list(islice(sample_indices(shape, method, seed=5, expected=50), 50))
    c = list(islice(sample_indices(shape, method, seed=6, expected=50), 50))
    assert a == b
    assert len(set(a)) == 50
    if method not in ("grid", "korobov"):  # the two fixed walks ignore the seed
        assert a != c


@pytest.mark.parametrize("method", METHODS)
def test_huge_grid_sampling_is_cheap_and_in_range(method):
    shape = [10] * 30
    drawn = list(islice(sample_indices(shape, method, seed=1, expected=2000), 2000))
    assert len(set(drawn)) == 2000
    assert all(0 <= i < 10**30 for i in drawn)
    if method != "grid":
        assert max(drawn) > 10**29  # spread over the whole grid, not its start


def test_uniform_prefix_does_not_depend_on_how_many_are_drawn():
    long = list(islice(sample_indices([100, 100], "uniform", seed=2), 100))
    short = list(islice(sample_indices([100, 100], "uniform", seed=2), 10))
    assert long[:10] == short


def test_latin_hypercube_covers_each_value_of_each_parameter_evenly():
    from scanlab.space import ParamSpace

    space = ParamSpace({"a": list(range(4)), "b": list(range(8)), "c": list(range(50))})
    drawn = list(islice(sample_indices(space.shape, "latin", seed=0, expected=8), 8))
    b_values = sorted(space[i]["b"] for i in drawn)
    assert b_values == list(range(8))  # one point per stratum


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("uniform_mersenne", "uniform"),
        ("uniform_crypto", "uniform"),
        ("latin_sudoku", "latin"),
        ("latin_improved", "latin"),
        ("SOBOL", "sobol"),
        ("halton", "halton"),
        ("grid", "grid"),
        ("korobov_matrix", "korobov"),
    ],
)
def test_talos_method_names_map_onto_samplers(given, expected):
    assert resolve_method(given) == expected


@pytest.mark.parametrize(
    ("given", "match"),
    [
        ("quantum", r"random_method='quantum' is not supported: it draws from a web service"),
        ("ambience", r"random_method='ambience' is not supported: it draws from a web service"),
        ("randomish", r"random_method='randomish' is unknown. Use one of \['uniform'"),
        (3, r"random_method must be a string"),
    ],
)
def test_unknown_methods_are_refused(given, match):
    with pytest.raises(ScanArgumentError, match=match):
        resolve_method(given)


def test_korobov_walks_the_grid_in_talos_lattice_order():
    # size 10: g = int(10 * 0.618...) = 6, not coprime with 10 -> 7; indices i * 7 mod 10
    assert list(sample_indices([10], "korobov")) == [0, 7, 4, 1, 8, 5, 2, 9, 6, 3]
    assert list(sample_indices([5, 2], "korobov", seed=1)) == list(sample_indices([10], "korobov"))
