import pickle

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_array_equal
from scipy import sparse

from skinvariant.groups import (
    CyclicShift,
    Dihedral,
    DirectProduct,
    Reflection,
    SignFlip,
    check_group,
)

GROUPS = [
    SignFlip(),
    CyclicShift((8,)),
    CyclicShift((4, 6), axis=1),
    CyclicShift((3, 4)),
    Reflection((4, 6), axis=0),
    Reflection((4, 6)),
    Dihedral((5, 5)),
    SignFlip() * CyclicShift((4, 6), axis=0),
    SignFlip() * Dihedral((3, 3)),
    CyclicShift((4, 6), axis=0) * Reflection((4, 6), axis=1),
    DirectProduct(CyclicShift((4, 6), axis=1)),
]


def _n_features(group):
    shapes = [getattr(f, "image_shape", None) for f in _factors(group)]
    shapes = [s for s in shapes if s is not None]
    return int(np.prod(shapes[0])) if shapes else 7


def _factors(group):
    return group.factors if isinstance(group, DirectProduct) else (group,)


def _elements_as_keys(group, n_features):
    indices, signs = group.signed_permutations(n_features)
    return [i.tobytes() + s.tobytes() for i, s in zip(indices, signs, strict=True)]


@pytest.mark.parametrize("group", GROUPS, ids=repr)
def test_group_axioms(group):
    """Check that the elements are distinct signed permutations closed under
    composition, with the identity first."""
    n_features = _n_features(group)
    indices, signs = group.signed_permutations(n_features)
    assert indices.shape == signs.shape == (group.order, n_features)
    assert len(group) == group.order == len(group.element_names)

    assert_array_equal(indices[0], np.arange(n_features))
    assert_array_equal(signs[0], 1)
    assert group.element_names[0] == "identity"
    for row in indices:
        assert_array_equal(np.sort(row), np.arange(n_features))
    assert set(np.unique(signs)) <= {-1, 1}

    keys = _elements_as_keys(group, n_features)
    assert len(set(keys)) == group.order
    for a in range(group.order):
        for b in range(group.order):
            i, s = indices[a][indices[b]], signs[a][indices[b]] * signs[b]
            assert i.tobytes() + s.tobytes() in keys


@pytest.mark.parametrize("group", GROUPS, ids=repr)
def test_value_semantics(group):
    """Check that groups are immutable, equal by value, hashable and picklable."""
    clone = pickle.loads(pickle.dumps(group))
    assert clone == group
    assert hash(clone) == hash(group)
    assert repr(clone) == repr(group)
    assert eval(repr(group)) == group
    with pytest.raises(AttributeError, match="immutable"):
        group.order = 3


@pytest.mark.parametrize("group", GROUPS, ids=repr)
def test_orbit_matches_apply_and_never_aliases(group):
    """Check that `orbit` stacks `apply` over every element and that neither
    returns or modifies the input."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(3, _n_features(group)))
    X.setflags(write=False)

    orbit = group.orbit(X)
    assert orbit.shape == (group.order, *X.shape)
    for k in range(group.order):
        moved = group.apply(X, k)
        assert_array_equal(moved, orbit[k])
        assert not np.shares_memory(moved, X)
    assert_array_equal(orbit[0], X)


def test_sign_flip_is_exact_negation():
    """Check that SignFlip's non-identity element is bitwise `-X`."""
    X = np.random.default_rng(1).normal(size=(4, 5)).astype(np.float32)
    flipped = SignFlip().apply(X, 1)
    assert flipped.dtype == np.float32
    assert_array_equal(flipped.view(np.int32), (-X).view(np.int32))


@settings(max_examples=30, deadline=None)
@given(
    rows=st.integers(1, 5),
    cols=st.integers(1, 6),
    shift=st.tuples(st.integers(0, 5), st.integers(0, 5)),
    dtype=st.sampled_from([np.float32, np.float64]),
)
def test_cyclic_shift_matches_roll(rows, cols, shift, dtype):
    """Check that shifting rows agrees with `np.roll` on the reshaped images."""
    shift = (shift[0] % rows, shift[1] % cols)
    group = CyclicShift((rows, cols))
    X = np.random.default_rng(2).normal(size=(2, rows * cols)).astype(dtype)

    k = group.element_names.index(f"shift{shift}") if any(shift) else 0
    expected = np.roll(X.reshape(2, rows, cols), shift, axis=(1, 2))
    assert_array_equal(group.apply(X, k), expected.reshape(2, -1))
    assert group.apply(X, k).dtype == dtype


def test_reflection_and_dihedral_match_numpy():
    """Check that reflections and rotations agree with numpy's flips."""
    X = np.arange(18.0).reshape(2, 9)
    images = X.reshape(2, 3, 3)

    mirrored = Reflection((3, 3), axis=0).apply(X, 1)
    assert_array_equal(mirrored, images[:, ::-1, :].reshape(2, -1))

    orbit = Dihedral((3, 3)).orbit(X)
    expected = [np.rot90(images, k, axes=(1, 2)) for k in range(4)]
    expected += [np.rot90(images[:, :, ::-1], k, axes=(1, 2)) for k in range(4)]
    assert_array_equal(orbit, np.stack(expected).reshape(8, 2, 9))


def test_integer_input_becomes_float64():
    """Check that integer rows are moved in float64 without overflow."""
    X = np.array([[0, 255, 128]], dtype=np.uint8)
    assert_array_equal(SignFlip().apply(X, 1), [[0.0, -255.0, -128.0]])


def test_product_flattens_and_numbers_elements():
    """Check that nested products flatten and elements use mixed radix order."""
    shift = CyclicShift((4, 2), axis=0)
    mirror = Reflection((4, 2), axis=1)
    group = DirectProduct(SignFlip() * shift, mirror)
    assert group.factors == (SignFlip(), shift, mirror)
    assert group.order == 16

    X = np.arange(1.0, 9.0).reshape(1, 8)
    # Element (invert, shift by 1, identity) is 1 * 8 + 1 * 2 + 0.
    assert group.element_names[10] == "invert & shift(1,)"
    expected = -np.roll(X.reshape(1, 4, 2), 1, axis=1).reshape(1, 8)
    assert_array_equal(group.apply(X, 10), expected)


def test_image_shape_mismatch_names_both():
    """Check that a row length that does not fit the image shape is refused."""
    with pytest.raises(ValueError, match=r"`image_shape`=\(8, 8\).*`n_features`=63"):
        CyclicShift((8, 8)).apply(np.zeros((1, 63)), 1)
    with pytest.raises(ValueError, match="`n_features`=10"):
        (SignFlip() * Reflection((3, 3))).signed_permutations(10)


@pytest.mark.parametrize(
    "make, match",
    [
        (lambda: CyclicShift((0, 3)), "`image_shape` must be a non-empty tuple"),
        (lambda: CyclicShift("8x8"), "`image_shape` must be a non-empty tuple"),
        (lambda: CyclicShift((8, 8), axis=2), r"`axis` must be in \[-2, 1\]"),
        (lambda: CyclicShift((8, 8), axis=(1, -1)), "distinct axes"),
        (lambda: Reflection((8, 8), axis=1.5), "`axis` must hold integers"),
        (lambda: Reflection((8, 8), axis=(0, 1)), "`axis` must be one integer"),
        (lambda: Reflection((8, 8), axis=None), "`axis` must be one integer"),
        (lambda: Dihedral((4, 5)), "square 2-D image"),
        (lambda: DirectProduct(), "at least one factor"),
    ],
)
def test_invalid_construction(make, match):
    """Check that invalid group arguments raise a ValueError naming them."""
    with pytest.raises(ValueError, match=match):
        make()


def test_non_commuting_and_repeated_factors_are_refused():
    """Check that products which are not direct products are refused."""
    with pytest.raises(ValueError, match="do not commute"):
        (Reflection((4,)) * CyclicShift((4,))).signed_permutations(4)
    with pytest.raises(ValueError, match="share non-identity elements"):
        (SignFlip() * SignFlip()).signed_permutations(3)


def test_element_index_is_checked():
    """Check that `apply` refuses element indices outside the group."""
    with pytest.raises(ValueError, match=r"`element` must be in \[0, 1\]"):
        SignFlip().apply(np.ones((1, 2)), 2)
    with pytest.raises(TypeError, match="`element` must be an integer"):
        SignFlip().apply(np.ones((1, 2)), "invert")
    with pytest.raises(ValueError, match="2-D array"):
        SignFlip().apply(np.ones(3), 1)


@pytest.mark.parametrize(
    "X",
    [
        np.array([[1.0 + 2.0j, 3.0]]),
        np.array([[1.0, "a"]], dtype=object),
        sparse.csr_matrix(np.ones((2, 3))),
    ],
    ids=["complex", "object", "sparse"],
)
def test_apply_refuses_non_real_input(X):
    """Check that complex, object and sparse input is refused with a
    TypeError naming `X`, not silently cast or misread as a scalar."""
    with pytest.raises(TypeError, match="`X` must"):
        SignFlip().apply(X, 1)
    with pytest.raises(TypeError, match="`X` must"):
        SignFlip().orbit(X)


def test_signed_permutations_are_read_only():
    """Check that the cached action cannot be corrupted by a caller."""
    indices, signs = SignFlip().signed_permutations(3)
    with pytest.raises(ValueError):
        signs[1, 0] = 1


def test_check_group():
    """Check that names and group objects resolve and anything else is refused."""
    assert check_group("sign_flip") == SignFlip()
    group = CyclicShift((8, 8))
    assert check_group(group) is group
    with pytest.raises(ValueError, match="`group` must be one of"):
        check_group("inversion")
    with pytest.raises(TypeError, match="`group` must be a string"):
        check_group(lambda x: -x)
