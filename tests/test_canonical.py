import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from numpy.testing import assert_array_equal
from scipy import sparse
from sklearn.base import clone
from sklearn.pipeline import make_pipeline

from skinvariant import OrbitCanonicalizer, SignCanonicalFeatures
from skinvariant.groups import (
    CyclicShift,
    Dihedral,
    Reflection,
    SignFlip,
)

GROUPS = [
    SignFlip(),
    CyclicShift((7,)),
    CyclicShift((3, 4)),
    CyclicShift((3, 4), axis=0) * SignFlip(),
    Reflection((3, 4)),
    Dihedral((3, 3)),
    Dihedral((3, 3)) * SignFlip(),
]


def _n_features(group):
    factors = getattr(group, "factors", (group,))
    shapes = [f.image_shape for f in factors if hasattr(f, "image_shape")]
    return int(np.prod(shapes[0])) if shapes else 6


def _assert_bitwise_equal(a, b):
    assert a.dtype == b.dtype and a.shape == b.shape
    assert a.tobytes() == b.tobytes()


def _rows(n_features, dtype):
    # Few distinct values make ties, zeros and repeated rows common.
    values = st.sampled_from([0.0, -0.0, 1.0, -1.0, 0.5, -2.0, 3.25])
    return hnp.arrays(
        dtype, st.tuples(st.integers(1, 6), st.just(n_features)), elements=values
    )


@settings(max_examples=60, deadline=None)
@given(data=st.data(), dtype=st.sampled_from([np.float32, np.float64]))
def test_sign_canonical_is_exactly_invariant(data, dtype):
    """Check that SignCanonicalFeatures gives the same bits for X and -X."""
    n_features = data.draw(st.integers(1, 8))
    X = data.draw(_rows(n_features, dtype))
    transformer = SignCanonicalFeatures().fit(X)

    _assert_bitwise_equal(transformer.transform(-X), transformer.transform(X))


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_sign_canonical_is_complete(data):
    """Check that two rows share their output exactly when they are equal or
    opposite."""
    n_features = data.draw(st.integers(1, 4))
    X = data.draw(_rows(n_features, np.float64))
    out = SignCanonicalFeatures().fit_transform(X)

    for i in range(len(X)):
        for j in range(len(X)):
            same_orbit = np.all(X[i] == X[j]) or np.all(X[i] == -X[j])
            assert np.all(out[i] == out[j]) == same_orbit


def test_sign_canonical_makes_the_largest_entry_positive():
    """Check that each row is flipped by the sign of its largest-magnitude
    entry, ties going to the first such entry."""
    X = np.array(
        [
            [1.0, -3.0, 2.0],
            [-1.0, 2.0, -2.0],
            [2.0, -2.0, 1.0],
            [-2.0, 2.0, 1.0],
        ]
    )
    expected = np.array(
        [
            [-1.0, 3.0, -2.0],
            [-1.0, 2.0, -2.0],
            [2.0, -2.0, 1.0],
            [2.0, -2.0, -1.0],
        ]
    )
    assert_array_equal(SignCanonicalFeatures().fit_transform(X), expected)


def test_sign_canonical_discontinuity_at_a_tie():
    """Check the documented jump: moving one of two tied largest entries of
    opposite signs by a tiny amount flips the whole output row."""
    epsilon = 1e-12
    X = np.array([[1.0, -1.0, 0.5], [1.0 - epsilon, -1.0, 0.5]])
    out = SignCanonicalFeatures().fit_transform(X)

    assert_array_equal(out[0], X[0])
    assert_array_equal(out[1], -X[1])


def test_sign_canonical_keeps_zero_rows():
    """Check that an all-zero row, which has no sign, stays zero, with
    positive zeros."""
    X = np.array([[0.0, -0.0], [0.0, 0.0]])
    out = SignCanonicalFeatures().fit_transform(X)

    _assert_bitwise_equal(out, np.zeros((2, 2)))


@pytest.mark.parametrize("group", GROUPS, ids=repr)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_orbit_canonicalizer_is_exactly_invariant(group, dtype):
    """Check that every group element leaves the output unchanged, bit for bit,
    also on rows with ties and signed zeros."""
    rng = np.random.default_rng(0)
    n_features = _n_features(group)
    X = np.vstack(
        [
            rng.normal(size=(20, n_features)),
            rng.integers(-1, 2, size=(20, n_features)),
            np.zeros((1, n_features)),
            -np.zeros((1, n_features)),
        ]
    ).astype(dtype)
    transformer = OrbitCanonicalizer(group=group).fit(X)
    expected = transformer.transform(X)

    for element in range(group.order):
        _assert_bitwise_equal(transformer.transform(group.apply(X, element)), expected)


@pytest.mark.parametrize("group", GROUPS, ids=repr)
def test_orbit_canonicalizer_picks_the_largest_member(group):
    """Check the output against a brute-force lexicographic maximum over the
    orbit."""
    rng = np.random.default_rng(1)
    X = rng.integers(-2, 3, size=(30, _n_features(group))).astype(float)
    out = OrbitCanonicalizer(group=group).fit_transform(X)

    orbit = group.orbit(X)
    for i in range(len(X)):
        members = sorted(map(tuple, orbit[:, i]))
        assert_array_equal(out[i], members[-1])


@pytest.mark.parametrize("group", GROUPS, ids=repr)
def test_orbit_canonicalizer_is_complete(group):
    """Check that outputs are equal exactly for rows in the same orbit."""
    rng = np.random.default_rng(2)
    n_features = _n_features(group)
    base = rng.normal(size=(5, n_features))
    elements = rng.integers(0, group.order, size=4)
    X = np.vstack([group.apply(base, int(k)) for k in elements])
    source = np.tile(np.arange(len(base)), len(elements))

    out = OrbitCanonicalizer(group=group).fit_transform(X)

    same_output = (out[:, None, :] == out[None, :, :]).all(axis=2)
    assert_array_equal(same_output, source[:, None] == source[None, :])


def test_orbit_canonicalizer_on_large_groups_works_in_chunks(monkeypatch):
    """Check that splitting the rows in chunks does not change the output."""
    group = CyclicShift((4, 4)) * SignFlip()
    X = np.random.default_rng(3).integers(-1, 2, size=(50, 16)).astype(float)
    transformer = OrbitCanonicalizer(group=group).fit(X)
    expected = transformer.transform(X)

    monkeypatch.setattr("skinvariant.features._canonical._CHUNK_PAIRS", 100)
    _assert_bitwise_equal(transformer.transform(X), expected)


@pytest.mark.parametrize(
    "transformer", [SignCanonicalFeatures(), OrbitCanonicalizer()], ids=repr
)
def test_canonical_pipeline_is_invariant_under_inversion(transformer):
    """Check that a classifier behind a canonical transformer predicts the same
    probabilities for X and -X."""
    from sklearn.linear_model import LogisticRegression

    rng = np.random.default_rng(4)
    X = rng.normal(size=(60, 5))
    y = (X[:, 0] * X[:, 1] > 0).astype(int)
    model = make_pipeline(clone(transformer), LogisticRegression()).fit(X, y)

    assert_array_equal(model.predict_proba(-X), model.predict_proba(X))


@pytest.mark.parametrize(
    "transformer", [SignCanonicalFeatures(), OrbitCanonicalizer()], ids=repr
)
def test_canonical_output_is_c_ordered(transformer):
    """Check that the output is C-ordered for any input layout, so that a
    downstream model computes the same bits for X and a transform of X."""
    X = np.asfortranarray(np.random.default_rng(5).normal(size=(20, 4)))
    out = clone(transformer).fit_transform(X)

    assert out.flags["C_CONTIGUOUS"]
    _assert_bitwise_equal(
        out, clone(transformer).fit_transform(np.ascontiguousarray(X))
    )


@pytest.mark.parametrize(
    "transformer", [SignCanonicalFeatures(), OrbitCanonicalizer()], ids=repr
)
def test_canonical_dtypes_and_read_only_input(transformer):
    """Check that float32 stays float32, integers become float64, and a
    read-only input is accepted and left untouched."""
    X = np.array([[1, -3, 2], [-4, 0, 1]], dtype=np.int16)
    assert transformer.fit_transform(X).dtype == np.float64
    assert transformer.fit_transform(X.astype(np.float32)).dtype == np.float32

    X_read_only = X.astype(float)
    X_read_only.setflags(write=False)
    before = X_read_only.copy()
    transformer.fit_transform(X_read_only)
    assert_array_equal(X_read_only, before)


@pytest.mark.parametrize(
    "transformer", [SignCanonicalFeatures(), OrbitCanonicalizer()], ids=repr
)
def test_canonical_feature_names_and_pandas_output(transformer):
    """Check that output columns keep the input names, also in pandas output."""
    pd = pytest.importorskip("pandas")
    X = pd.DataFrame({"pixel a": [1.0, -2.0], "b": [-3.0, 1.0]})
    transformer = clone(transformer).set_output(transform="pandas").fit(X)

    out = transformer.transform(X)
    assert list(out.columns) == ["pixel a", "b"]
    assert_array_equal(transformer.get_feature_names_out(), ["pixel a", "b"])


def test_orbit_canonicalizer_group_errors():
    """Check the errors for a bad group name, a bad group type, and a group
    whose image shape does not fit the data."""
    X = np.ones((2, 6))
    with pytest.raises(ValueError, match="`group` must be one of"):
        OrbitCanonicalizer(group="rotation").fit(X)
    with pytest.raises(TypeError, match="'group' parameter"):
        OrbitCanonicalizer(group=3).fit(X)
    with pytest.raises(ValueError, match="`image_shape`=.*`n_features`=6"):
        OrbitCanonicalizer(group=CyclicShift((3, 3))).fit(X)


@pytest.mark.parametrize(
    "transformer", [SignCanonicalFeatures(), OrbitCanonicalizer()], ids=repr
)
def test_canonical_input_errors(transformer):
    """Check the errors for non-finite, sparse and wrongly sized input."""
    with pytest.raises(ValueError, match="NaN"):
        transformer.fit(np.array([[1.0, np.nan]]))
    with pytest.raises(TypeError, match="dense input"):
        transformer.fit(sparse.csr_matrix(np.eye(3)))
    transformer.fit(np.ones((2, 3)))
    with pytest.raises(ValueError, match="features"):
        transformer.transform(np.ones((2, 4)))
