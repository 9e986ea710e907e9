"""Tests specific to QuadraticFeatures."""

import tracemalloc
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.preprocessing import PolynomialFeatures
from threadpoolctl import threadpool_info

from skinvariant import QuadraticFeatures


def assert_bitwise_equal(actual, expected):
    """Assert equal dtype, shape and bytes, so that 0.0 differs from -0.0."""
    assert actual.dtype == expected.dtype
    assert actual.shape == expected.shape
    assert actual.tobytes() == expected.tobytes()


@pytest.mark.parametrize(
    "interaction_only, n_features",
    [(False, 1), (False, 2), (False, 9), (False, 40), (True, 2), (True, 9), (True, 40)],
)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_quadratic_matches_polynomial_features(interaction_only, dtype, n_features):
    """Check column for column equality with PolynomialFeatures of degree
    exactly 2 without bias, names included up to the `*` separator."""
    X = np.random.default_rng(0).standard_normal((30, n_features)).astype(dtype)
    ours = QuadraticFeatures(interaction_only=interaction_only).fit(X)
    theirs = PolynomialFeatures(
        degree=(2, 2), interaction_only=interaction_only, include_bias=False
    ).fit(X)

    assert_bitwise_equal(ours.transform(X), theirs.transform(X))
    theirs_names = [name.replace(" ", "*") for name in theirs.get_feature_names_out()]
    assert list(ours.get_feature_names_out()) == theirs_names


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_quadratic_rows_with_and_without_zeros_are_exact(dtype):
    """Check that rows with signed zeros among many rows without zeros give
    exactly the IEEE products, the signs of zero products included."""
    rng = np.random.default_rng(0)
    X = rng.standard_normal((20_000, 12)).astype(dtype)
    X[[3, 4000], 5] = -0.0
    X[4001, [0, 7]] = 0.0
    left, right = np.triu_indices(12)

    X_out = QuadraticFeatures().fit_transform(X)

    assert_bitwise_equal(X_out, X[:, left] * X[:, right])


def test_quadratic_needs_two_features_for_interactions():
    """Check that interaction_only with one feature is rejected."""
    with pytest.raises(ValueError, match="n_features=1"):
        QuadraticFeatures(interaction_only=True).fit(np.ones((3, 1)))


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), k=st.integers(0, 7))
def test_quadratic_single_sign_flip_flips_exactly_the_mixed_products(seed, k):
    """Check that flipping x_k negates exactly the columns x_i*x_k, i != k,
    bit for bit."""
    X = np.random.default_rng(seed).standard_normal((4, 8))
    transformer = QuadraticFeatures().fit(X)
    left, right = np.triu_indices(8)
    mixed = (left == k) ^ (right == k)
    X_flipped = X.copy()
    X_flipped[:, k] *= -1

    X_out = transformer.transform(X)

    assert_bitwise_equal(
        transformer.transform(X_flipped), np.where(mixed, -X_out, X_out)
    )


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_quadratic_refuses_an_output_over_the_budget(dtype):
    """Check that an output over `max_output_bytes` is refused, with its
    size, and that the exact budget is accepted."""
    X = np.ones((10, 5), dtype=dtype)
    n_bytes = 10 * 15 * np.dtype(dtype).itemsize

    with pytest.raises(ValueError, match=rf"`max_output_bytes`={n_bytes - 1}\."):
        QuadraticFeatures(max_output_bytes=n_bytes - 1).fit_transform(X)
    X_out = QuadraticFeatures(max_output_bytes=n_bytes).fit_transform(X)
    assert X_out.nbytes == n_bytes
    assert QuadraticFeatures(max_output_bytes=None).fit_transform(X).shape == (10, 15)


def test_quadratic_refuses_mnist_size_output_without_allocating_it():
    """Check that 60,000 images of 784 pixels are refused before allocating
    the 148 GB output."""
    X_small = np.zeros((2, 784))
    transformer = QuadraticFeatures().fit(X_small)
    # a read-only view of one value takes no memory of its own
    X = np.broadcast_to(np.float64(0.5), (60_000, 784))
    n_gigabytes = 60_000 * (784 * 785 // 2) * 8 / 1e9

    tracemalloc.start()
    with pytest.raises(ValueError, match=rf"would take {n_gigabytes:.1f} GB"):
        transformer.transform(X)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    assert round(n_gigabytes) == 148
    assert peak < 10 * 2**20


def test_quadratic_in_threads_matches_main_thread_and_keeps_blas_threads():
    """Check that transforms in worker threads give the main-thread output,
    bit for bit, and leave the BLAS thread counts as they were."""
    X = np.random.default_rng(0).standard_normal((300, 20))
    transformer = QuadraticFeatures().fit(X)
    threads_before = [pool["num_threads"] for pool in threadpool_info()]
    expected = transformer.transform(X)

    with ThreadPoolExecutor(max_workers=4) as executor:
        results = list(executor.map(transformer.transform, [X] * 8))

    for X_out in results:
        assert_bitwise_equal(X_out, expected)
    assert [pool["num_threads"] for pool in threadpool_info()] == threads_before
