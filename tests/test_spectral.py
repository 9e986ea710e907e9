import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose, assert_array_equal
from scipy import sparse

from skinvariant import BispectrumFeatures, PowerSpectrumFeatures
from skinvariant.groups import CyclicShift, SignFlip

SHAPES = [(1,), (2,), (7,), (8,), (3, 4), (4, 4), (2, 3, 2)]

shapes = st.lists(st.integers(1, 5), min_size=1, max_size=3).filter(
    lambda shape: math.prod(shape) <= 40
)


def _assert_bitwise_equal(a, b):
    assert a.dtype == b.dtype and a.shape == b.shape
    assert a.tobytes() == b.tobytes()


def _random_rows(shape, dtype, seed, n_samples=12):
    rng = np.random.default_rng(seed)
    n_features = math.prod(shape)
    X = np.vstack(
        [
            rng.normal(size=(n_samples, n_features)),
            rng.integers(-1, 2, size=(n_samples, n_features)),
        ]
    )
    return X.astype(dtype)


def _shifts(X, shape):
    """Every cyclic shift of every row, as in numpy.roll."""
    images = X.reshape(-1, *shape)
    axes = tuple(range(1, len(shape) + 1))
    for shift in itertools.product(*(range(n) for n in shape)):
        yield np.roll(images, shift, axis=axes).reshape(X.shape)


@settings(max_examples=40, deadline=None)
@given(
    shape=shapes,
    dtype=st.sampled_from([np.float32, np.float64]),
    seed=st.integers(0, 2**16),
)
def test_power_spectrum_is_exactly_invariant(shape, dtype, seed):
    """Check that every cyclic shift and the inversion leave the power spectrum
    unchanged, bit for bit."""
    X = _random_rows(tuple(shape), dtype, seed)
    transformer = PowerSpectrumFeatures(image_shape=shape).fit(X)
    expected = transformer.transform(X)
    assert expected.dtype == dtype

    for shifted in _shifts(X, tuple(shape)):
        _assert_bitwise_equal(transformer.transform(shifted), expected)
        _assert_bitwise_equal(transformer.transform(-shifted), expected)


@settings(max_examples=40, deadline=None)
@given(
    shape=shapes,
    dtype=st.sampled_from([np.float32, np.float64]),
    seed=st.integers(0, 2**16),
)
def test_bispectrum_is_exactly_shift_invariant_and_odd(shape, dtype, seed):
    """Check that cyclic shifts leave the bispectrum unchanged and the inversion
    negates it, bit for bit; with `sign_invariant` the inversion leaves it
    unchanged too."""
    X = _random_rows(tuple(shape), dtype, seed)
    odd = BispectrumFeatures(image_shape=shape).fit(X)
    even = BispectrumFeatures(image_shape=shape, sign_invariant=True).fit(X)
    expected_odd, expected_even = odd.transform(X), even.transform(X)
    assert expected_odd.dtype == dtype

    for shifted in _shifts(X, tuple(shape)):
        _assert_bitwise_equal(odd.transform(shifted), expected_odd)
        assert_array_equal(odd.transform(-shifted), -expected_odd)
        _assert_bitwise_equal(even.transform(shifted), expected_even)
        _assert_bitwise_equal(even.transform(-shifted), expected_even)


@pytest.mark.parametrize("shape", SHAPES)
def test_invariance_holds_for_every_group_element(shape):
    """Check exact invariance through the group objects of the package, for
    every element of shifts times inversion."""
    group = CyclicShift(shape) * SignFlip()
    X = _random_rows(shape, np.float64, seed=0)
    for transformer in [
        PowerSpectrumFeatures(shape),
        BispectrumFeatures(shape, sign_invariant=True),
    ]:
        transformer.fit(X)
        expected = transformer.transform(X)
        for element in range(group.order):
            _assert_bitwise_equal(
                transformer.transform(group.apply(X, element)), expected
            )


@pytest.mark.parametrize("shape", SHAPES)
def test_power_spectrum_matches_its_definition(shape):
    """Check the features against |FFT|**2 of the row, weighted 2 for pairs of
    opposite frequencies, and that they add up to the squared norm."""
    X = _random_rows(shape, np.float64, seed=1)
    transformer = PowerSpectrumFeatures(shape).fit(X)
    out = transformer.transform(X)

    spectrum = np.fft.fftn(X.reshape(-1, *shape), axes=tuple(range(1, len(shape) + 1)))
    spectrum = spectrum.reshape(len(X), -1) / np.sqrt(X.shape[1])
    for column, k in enumerate(transformer.frequencies_):
        flat = np.ravel_multi_index(tuple(k), shape)
        opposite = np.ravel_multi_index(tuple(np.mod(-k, shape)), shape)
        weight = 1 if flat == opposite else 2
        assert_allclose(out[:, column], weight * np.abs(spectrum[:, flat]) ** 2)
    assert_allclose(out.sum(axis=1), (X**2).sum(axis=1))


@pytest.mark.parametrize("shape", SHAPES)
def test_bispectrum_matches_its_definition(shape):
    """Check the features against products of three FFT coefficients."""
    X = _random_rows(shape, np.float64, seed=2)
    transformer = BispectrumFeatures(shape).fit(X)
    values = dict(
        zip(
            transformer.get_feature_names_out(), transformer.transform(X).T, strict=True
        )
    )

    spectrum = np.fft.fftn(
        X.reshape(-1, *shape), axes=tuple(range(1, len(shape) + 1)), norm="ortho"
    )
    for triple in transformer.triples_:
        assert np.all(np.mod(triple.sum(axis=0), shape) == 0)
        product = np.prod([spectrum[(slice(None), *k)] for k in triple], axis=0)
        name = _triple_name(triple)
        assert_allclose(values[f"{name}.real"], product.real, atol=1e-10)
        assert_allclose(values.get(f"{name}.imag", 0.0), product.imag, atol=1e-10)


def _triple_name(triple):
    label = ",".join("(" + ",".join(str(v) for v in k) + ")" for k in triple)
    return f"bispectrum({label})"


def _recover_up_to_shift(transformer, row):
    """Rebuild an image from its bispectrum features, up to a cyclic shift.

    Walks from frequency k to k + e along each axis with
    F(-k-e) = B(e, k, -k-e) / (F(e) F(k)); the phase of F(e) is fixed by
    coming back to F(0) after a full turn around the torus.
    """
    shape = transformer.image_shape_
    values = dict(zip(transformer.get_feature_names_out(), row, strict=True))
    products = {}
    for triple in transformer.triples_:
        key = tuple(sorted(np.ravel_multi_index(tuple(triple.T), shape)))
        name = _triple_name(triple)
        products[key] = values[f"{name}.real"] + 1j * values.get(f"{name}.imag", 0.0)

    def wrap(k):
        return tuple(np.mod(k, shape))

    def product(k1, k2):
        triple = np.array([k1, k2, np.mod(-np.add(k1, k2), shape)])
        return products[tuple(sorted(np.ravel_multi_index(tuple(triple.T), shape)))]

    def step(coef, unit, k):
        return np.conj(product(unit, k) / (coef[unit] * coef[k]))

    zero = (0,) * len(shape)
    coef = {zero: np.cbrt(product(zero, zero).real)}
    units = [wrap(np.eye(len(shape), dtype=int)[a]) for a in range(len(shape))]

    # along each axis: magnitude of F(e), then its phase from closing the loop
    for axis, unit in enumerate(units):
        if unit == zero:
            continue
        coef[unit] = np.sqrt((product(unit, zero) / coef[zero]).real)
        line = [zero, unit]
        for _ in range(shape[axis] - 1):
            k = wrap(np.add(line[-1], unit))
            value = step(coef, unit, line[-1])
            if k == zero:
                closing = value
            else:
                coef[k] = value
                line.append(k)
        theta = -np.angle(closing / coef[zero]) / shape[axis]
        for m, k in enumerate(line[1:], start=1):
            coef[k] = coef[k] * np.exp(1j * m * theta)

    # every other frequency from a neighbour that comes before it in C order
    for k in itertools.product(*(range(n) for n in shape)):
        if k in coef:
            continue
        axis = max(a for a in range(len(shape)) if k[a] > 0)
        previous = wrap(np.subtract(k, units[axis]))
        coef[k] = step(coef, units[axis], previous)

    spectrum = np.empty(shape, dtype=complex)
    for k, value in coef.items():
        spectrum[k] = value
    return np.fft.ifftn(spectrum, norm="ortho").real.ravel()


def _distance_to_orbit(x, row, shape, signs=(1,)):
    candidates = [s * shifted for shifted in _shifts(row[None], shape) for s in signs]
    return min(np.abs(x - c[0]).max() for c in candidates)


@pytest.mark.parametrize("shape", [(5,), (8,), (3, 4), (4, 4), (2, 3, 2)])
def test_bispectrum_recovers_the_input_up_to_a_shift(shape):
    """Check completeness: from the features of a generic row, the row itself
    is rebuilt up to a cyclic shift."""
    X = np.random.default_rng(3).normal(size=(10, math.prod(shape)))
    transformer = BispectrumFeatures(shape).fit(X)

    for row, features in zip(X, transformer.transform(X), strict=True):
        recovered = _recover_up_to_shift(transformer, features)
        assert _distance_to_orbit(recovered, row, shape) < 1e-8


@pytest.mark.parametrize("shape", [(5,), (3, 4)])
def test_sign_invariant_bispectrum_recovers_the_orbit(shape):
    """Check that with `sign_invariant` the features determine the row up to a
    shift and a sign: they are the bispectrum of the row with positive sum."""
    X = np.random.default_rng(4).normal(size=(10, math.prod(shape)))
    transformer = BispectrumFeatures(shape, sign_invariant=True).fit(X)

    for row, features in zip(X, transformer.transform(X), strict=True):
        recovered = _recover_up_to_shift(transformer, features)
        positive = row if row.sum() > 0 else -row
        assert _distance_to_orbit(recovered, positive, shape) < 1e-8


@pytest.mark.parametrize("shape", [(7,), (3, 4)])
def test_distinct_orbits_give_distinct_bispectra(shape):
    """Check that random rows from distinct orbits have clearly distinct
    features, while the power spectrum cannot tell a row from its point
    reflection."""
    rng = np.random.default_rng(5)
    X = rng.normal(size=(30, math.prod(shape)))
    bispectrum = BispectrumFeatures(shape).fit_transform(X)
    gaps = np.abs(bispectrum[:, None] - bispectrum[None]).max(axis=2)
    assert gaps[~np.eye(len(X), dtype=bool)].min() > 1e-3

    # x(n) -> x(-n) conjugates every coefficient: same power, other phases
    images = X.reshape(-1, *shape)
    reflected = np.roll(
        np.flip(images, axis=tuple(range(1, len(shape) + 1))),
        1,
        axis=tuple(range(1, len(shape) + 1)),
    ).reshape(X.shape)
    power = PowerSpectrumFeatures(shape).fit(X)
    assert_allclose(power.transform(reflected), power.transform(X))
    bispectrum_reflected = BispectrumFeatures(shape).fit_transform(reflected)
    assert np.abs(bispectrum_reflected - bispectrum).max(axis=1).min() > 1e-3


def test_bispectrum_vanishes_on_rows_that_are_minus_a_shift_of_themselves():
    """Check that a row equal to minus its own shift gets exact zeros, the
    value the bispectrum has there, so oddness holds exactly."""
    X = np.array([[1.0, 2.0, -1.0, -2.0], [3.0, -3.0, 3.0, -3.0]])
    out = BispectrumFeatures().fit_transform(X)
    assert_array_equal(out, 0.0)


def test_feature_counts_and_names():
    """Check the number of features for 8x8 images and that names are unique
    and readable."""
    X = np.zeros((1, 64))
    power = PowerSpectrumFeatures((8, 8)).fit(X)
    bispectrum = BispectrumFeatures((8, 8)).fit(X)

    assert power.get_feature_names_out().shape == (34,)
    assert power.get_feature_names_out()[1] == "power(0,1)"
    names = bispectrum.get_feature_names_out()
    assert len(names) == len(set(names)) == 125
    assert names[0] == "bispectrum((0,0),(0,0),(0,0)).real"


@pytest.mark.parametrize("transformer", [PowerSpectrumFeatures, BispectrumFeatures])
def test_rows_do_not_depend_on_their_batch(transformer, monkeypatch):
    """Check that a row gets the same bits alone, in a batch, and when the
    batch is split into chunks."""
    X = _random_rows((3, 4), np.float64, seed=6)
    fitted = transformer((3, 4)).fit(X)
    expected = fitted.transform(X)

    alone = np.vstack([fitted.transform(row[None]) for row in X])
    _assert_bitwise_equal(alone, expected)
    monkeypatch.setattr("skinvariant.features._spectral._CHUNK_ROWS", 5)
    _assert_bitwise_equal(fitted.transform(X), expected)


@pytest.mark.parametrize("transformer", [PowerSpectrumFeatures, BispectrumFeatures])
def test_pandas_output_and_integer_input(transformer):
    """Check pandas output with frequency names and float64 output for
    integer images."""
    pytest.importorskip("pandas")
    X = np.arange(24, dtype=np.uint8).reshape(2, 12)
    fitted = transformer((3, 4)).set_output(transform="pandas").fit(X)
    out = fitted.transform(X)

    assert list(out.columns) == list(fitted.get_feature_names_out())
    assert (out.dtypes == np.float64).all()


@pytest.mark.parametrize("transformer", [PowerSpectrumFeatures, BispectrumFeatures])
def test_spectral_input_errors(transformer):
    """Check the errors for a mismatched or malformed `image_shape`, non-finite
    and sparse input."""
    X = np.ones((2, 6))
    with pytest.raises(ValueError, match=r"`image_shape`=\(2, 2\) holds 4 pixels"):
        transformer((2, 2)).fit(X)
    with pytest.raises(ValueError, match="`image_shape` must be None or"):
        transformer((2, 0, 3)).fit(X)
    with pytest.raises(ValueError, match="NaN"):
        transformer().fit(np.array([[1.0, np.nan]]))
    with pytest.raises(TypeError, match="dense input"):
        transformer().fit(sparse.csr_matrix(np.eye(3)))
