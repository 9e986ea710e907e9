"""Tests specific to PermutationProductFeatures."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_array_equal

from skinvariant import PermutationProductFeatures


def assert_bitwise_equal(actual, expected):
    """Assert equal dtype, shape and bytes, so that 0.0 differs from -0.0."""
    assert actual.dtype == expected.dtype
    assert actual.shape == expected.shape
    assert actual.tobytes() == expected.tobytes()


def _cycles(permutation):
    """The cycles of a permutation, each as a list of indices."""
    seen, cycles = set(), []
    for start in range(len(permutation)):
        cycle = []
        while start not in seen:
            seen.add(start)
            cycle.append(start)
            start = permutation[start]
        if cycle:
            cycles.append(cycle)
    return cycles


def test_permutations_are_drawn_once_in_fit():
    """Check that same-seed fits agree, and that transform never redraws."""
    X = np.random.default_rng(0).standard_normal((5, 50))

    first = PermutationProductFeatures(n_permutations=3, random_state=7).fit(X)
    second = PermutationProductFeatures(n_permutations=3, random_state=7).fit(X)
    unseeded = PermutationProductFeatures().fit(X)
    permutations = unseeded.permutations_.copy()

    assert_array_equal(first.permutations_, second.permutations_)
    assert first.permutations_.shape == (3, 50)
    assert_array_equal(
        np.sort(first.permutations_, axis=1), np.tile(np.arange(50), (3, 1))
    )
    assert not np.array_equal(first.permutations_[0], first.permutations_[1])
    assert_bitwise_equal(unseeded.transform(X), unseeded.transform(X))
    assert_array_equal(unseeded.permutations_, permutations)


def test_other_seeds_give_other_permutations():
    """Check that different integer seeds give different permutations."""
    X = np.ones((2, 50))

    first = PermutationProductFeatures(random_state=0).fit(X)
    second = PermutationProductFeatures(random_state=1).fit(X)

    assert not np.array_equal(first.permutations_, second.permutations_)


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), dtype=st.sampled_from([np.float32, np.float64]))
def test_flipping_a_cycle_of_the_permutation_is_bitwise_invariant(seed, dtype):
    """Check that flipping the signs on one cycle of P leaves the products
    unchanged, and flipping part of a longer cycle does not."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((3, 12)).astype(dtype)
    transformer = PermutationProductFeatures(random_state=seed).fit(X)
    cycles = _cycles(transformer.permutations_[0])
    cycle = cycles[rng.integers(len(cycles))]
    X_out = transformer.transform(X)

    X_flipped = X.copy()
    X_flipped[:, cycle] *= -1
    assert_bitwise_equal(transformer.transform(X_flipped), X_out)

    longest = max(cycles, key=len)
    if len(longest) > 1:
        X_flipped = X.copy()
        X_flipped[:, longest[0]] *= -1
        assert not np.array_equal(transformer.transform(X_flipped), X_out)


def test_permutation_blocks_use_their_own_permutation():
    """Check that block b holds X[:, i] * X[:, permutations_[b, i]]."""
    X = np.random.default_rng(0).standard_normal((4, 9))

    transformer = PermutationProductFeatures(n_permutations=3, random_state=0).fit(X)

    expected = [X * X[:, permutation] for permutation in transformer.permutations_]
    assert_bitwise_equal(transformer.transform(X), np.hstack(expected))
    names = transformer.get_feature_names_out()
    assert names[9].startswith("p1:x0")
