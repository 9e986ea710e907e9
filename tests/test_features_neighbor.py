"""Tests specific to NeighborProductFeatures."""

import math

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from numpy.testing import assert_array_equal

from skinvariant import NeighborProductFeatures, SquareFeatures


def assert_bitwise_equal(actual, expected):
    """Assert equal dtype, shape and bytes, so that 0.0 differs from -0.0."""
    assert actual.dtype == expected.dtype
    assert actual.shape == expected.shape
    assert actual.tobytes() == expected.tobytes()


def _reference(X, image_shape, offsets, wrap):
    """Products pixel by pixel, written independently of the transformer."""
    images = X.reshape(-1, *image_shape)
    columns = []
    for offset in offsets:
        for pixel in np.ndindex(*image_shape):
            partner = np.add(pixel, offset)
            if wrap:
                partner = np.mod(partner, image_shape)
            elif np.any(partner < 0) or np.any(partner >= image_shape):
                continue
            columns.append(
                images[(slice(None), *pixel)] * images[(slice(None), *partner)]
            )
    return np.stack(columns, axis=1)


@st.composite
def _images(draw):
    """A float array of images, with an image shape, offsets and wrap."""
    ndim = draw(st.integers(1, 3))
    image_shape = tuple(draw(st.lists(st.integers(1, 5), min_size=ndim, max_size=ndim)))
    offset = st.tuples(*[st.integers(-6, 6)] * ndim)
    offsets = tuple(draw(st.lists(offset, min_size=1, max_size=3)))
    wrap = draw(st.booleans())

    dtype = draw(st.sampled_from([np.float32, np.float64]))
    shape = (draw(st.integers(1, 4)), math.prod(image_shape))
    elements = st.floats(-(2.0**50), 2.0**50, width=np.dtype(dtype).itemsize * 8)
    X = draw(hnp.arrays(dtype, shape, elements=elements))
    return X, image_shape, offsets, wrap


def _fit_or_reject(X, image_shape, offsets, wrap):
    """Fit, discarding drawn offsets that the transformer rightly rejects."""
    transformer = NeighborProductFeatures(image_shape, offsets=offsets, wrap=wrap)
    try:
        return transformer.fit(X)
    except ValueError:
        assume(False)


@settings(max_examples=60, deadline=None)
@given(case=_images())
def test_matches_pixel_by_pixel_reference(case):
    """Check that the products equal a pixel-by-pixel loop, bit for bit."""
    X, image_shape, offsets, wrap = case
    transformer = _fit_or_reject(X, image_shape, offsets, wrap)

    X_out = transformer.transform(X)

    assert_bitwise_equal(X_out, _reference(X, image_shape, offsets, wrap))
    assert_bitwise_equal(transformer.transform(-X), X_out)


@settings(max_examples=60, deadline=None)
@given(case=_images(), data=st.data())
def test_cyclic_shift_rolls_every_block_by_the_same_shift(case, data):
    """Check that with wrap, shifting the images by s rolls each block, read
    as an image, by the same s, bit for bit."""
    X, image_shape, offsets, _ = case
    transformer = _fit_or_reject(X, image_shape, offsets, True)
    shift = data.draw(st.tuples(*[st.integers(-6, 6) for _ in image_shape]))
    axes = tuple(range(1, len(image_shape) + 1))

    images = X.reshape(-1, *image_shape)
    X_shifted = np.roll(images, shift, axis=axes).reshape(X.shape)
    blocks = transformer.transform(X).reshape(-1, len(offsets), *image_shape)
    expected = np.roll(blocks, shift, axis=tuple(a + 1 for a in axes))

    X_out = transformer.transform(X_shifted)

    assert_bitwise_equal(X_out, expected.reshape(X_out.shape))


def test_cyclic_shift_permutes_rather_than_fixes_the_features():
    """Check that a shift changes the feature vector, so the features are
    not shift invariant."""
    X = np.random.default_rng(0).standard_normal((3, 20))
    transformer = NeighborProductFeatures(image_shape=(4, 5)).fit(X)
    X_shifted = np.roll(X.reshape(3, 4, 5), 1, axis=2).reshape(3, 20)

    X_out, X_shifted_out = transformer.transform(X), transformer.transform(X_shifted)

    assert not np.array_equal(X_shifted_out, X_out)
    assert_array_equal(np.sort(X_shifted_out, axis=1), np.sort(X_out, axis=1))


@pytest.mark.parametrize("offsets", [((0, 1),), ((1,),), ((0, 0, 1),)])
def test_default_offset_is_the_next_value_of_a_1d_signal(offsets):
    """Check that (0, 1), (1,) and (0, 0, 1) all pair x_i with x_{i+1 mod n}
    when image_shape is None."""
    X = np.random.default_rng(0).standard_normal((4, 7))

    X_out = NeighborProductFeatures(offsets=offsets).fit_transform(X)

    assert_bitwise_equal(X_out, X * np.roll(X, -1, axis=1))


@pytest.mark.parametrize(
    "image_shape, offset, expected",
    [
        ((3, 4), (1,), (0, 1)),
        ((2, 3, 4), (1, 2), (0, 1, 2)),
        ((3, 4), (0, 0, 2), (0, 2)),
    ],
)
def test_offsets_align_with_the_trailing_axes(image_shape, offset, expected):
    """Check that short offsets gain leading zeros and long ones lose them."""
    X = np.ones((2, math.prod(image_shape)))

    transformer = NeighborProductFeatures(image_shape, offsets=(offset,)).fit(X)

    assert transformer.offsets_ == (expected,)


def test_default_offset_is_the_right_neighbour_of_a_2d_image():
    """Check that the default offset pairs each pixel with its right
    neighbour, wrapping within its row."""
    X = np.random.default_rng(0).standard_normal((4, 12))
    images = X.reshape(4, 3, 4)

    X_out = NeighborProductFeatures(image_shape=(3, 4)).fit_transform(X)

    assert_bitwise_equal(X_out, (images * np.roll(images, -1, axis=2)).reshape(4, 12))


@pytest.mark.parametrize(
    "image_shape, offset",
    [((5, 6), (0, 1)), ((5, 6), (2, -1)), ((5, 6), (-4, 5)), ((3, 4, 5), (1, 0, 2))],
)
def test_without_wrap_each_block_keeps_the_pairs_inside(image_shape, offset):
    """Check that wrap=False gives prod(image_shape - |offset|) features."""
    n_features = math.prod(image_shape)
    X = np.ones((2, n_features))

    transformer = NeighborProductFeatures(image_shape, offsets=(offset,), wrap=False)

    expected = math.prod(np.subtract(image_shape, np.abs(offset)))
    assert transformer.fit_transform(X).shape == (2, expected)


def test_several_offsets_concatenate_their_blocks():
    """Check that several offsets give their blocks one after another."""
    X = np.random.default_rng(0).standard_normal((3, 12))
    offsets = ((0, 1), (1, 0), (1, 1))

    X_out = NeighborProductFeatures((3, 4), offsets=offsets).fit_transform(X)

    blocks = [
        NeighborProductFeatures((3, 4), offsets=(offset,)).fit_transform(X)
        for offset in offsets
    ]
    assert_bitwise_equal(X_out, np.hstack(blocks))


def test_zero_offset_gives_the_squares():
    """Check that the offset (0, 0) is allowed and gives the squares."""
    X = np.random.default_rng(0).standard_normal((3, 12))

    X_out = NeighborProductFeatures((3, 4), offsets=((0, 0),)).fit_transform(X)

    assert_bitwise_equal(X_out, SquareFeatures().fit_transform(X))


def test_offsets_and_image_shape_accept_arrays_and_lists():
    """Check that numpy arrays and lists are read like tuples."""
    X = np.random.default_rng(0).standard_normal((3, 12))
    expected = NeighborProductFeatures((3, 4), offsets=((0, 1), (1, 0))).fit_transform(
        X
    )

    transformer = NeighborProductFeatures(
        np.array([3, 4]), offsets=np.eye(2, dtype=int)[::-1]
    )
    transformer_from_lists = NeighborProductFeatures([3, 4], offsets=[[0, 1], [1, 0]])

    assert_bitwise_equal(transformer.fit_transform(X), expected)
    assert_bitwise_equal(transformer_from_lists.fit_transform(X), expected)
    assert transformer.offsets_ == ((0, 1), (1, 0))
    assert transformer.image_shape_ == (3, 4)


def test_names_pair_each_pixel_with_its_neighbour():
    """Check the names of a small wrapped image, in C order of the pixels."""
    X = np.ones((1, 4))

    transformer = NeighborProductFeatures((2, 2), offsets=((0, 1), (1, 1))).fit(X)

    assert list(transformer.get_feature_names_out()) == [
        "x0*x1",
        "x1*x0",
        "x2*x3",
        "x3*x2",
        "x0*x3",
        "x1*x2",
        "x2*x1",
        "x3*x0",
    ]


@pytest.mark.parametrize("image_shape", [(3, 5), (16,), (2, 2, 2)])
def test_image_shape_must_match_n_features(image_shape):
    """Check that an image_shape with another number of pixels is rejected,
    naming `image_shape` and `n_features`."""
    X = np.ones((2, 12))

    with pytest.raises(ValueError, match=r"`image_shape`=.* `n_features`=12"):
        NeighborProductFeatures(image_shape).fit(X)


@pytest.mark.parametrize("image_shape", [(3, 0, 4), (3, -4), (3.0, 4), (), [[3, 4]]])
def test_image_shape_must_be_positive_integers(image_shape):
    """Check that a malformed image_shape is rejected with the value received."""
    X = np.ones((2, 12))

    with pytest.raises(ValueError, match=r"`image_shape` must be None or a non-empty"):
        NeighborProductFeatures(image_shape).fit(X)


@pytest.mark.parametrize(
    "offsets, message",
    [
        ((), r"`offsets` must hold at least one offset"),
        (((1, 0, 1),), r"more than 2 integer\(s\).*\(3, 4\).*\(1, 0, 1\)"),
        (((0.5, 1),), r"non-empty tuple of integers"),
        ((1, 2), r"non-empty tuple of integers"),
        (((0, 1), (0, 5)), r"distinct blocks.*\(0, 5\)"),
        (((1, 1), (-2, 1)), r"distinct blocks"),
        (((0, 1), (0, -1)), r"distinct blocks.*\(0, -1\).*opposite"),
        (((1, 2), (2, 2)), r"distinct blocks.*\(2, 2\)"),
    ],
)
def test_malformed_offsets_are_rejected(offsets, message):
    """Check that each malformed `offsets` gets a clear error."""
    X = np.ones((2, 12))

    with pytest.raises(ValueError, match=message):
        NeighborProductFeatures((3, 4), offsets=offsets).fit(X)


def test_opposite_offsets_are_rejected_without_wrap_too():
    """Check that d and -d, which pair the same pixels, are refused as one
    block repeated even when the image does not wrap."""
    X = np.ones((2, 12))
    transformer = NeighborProductFeatures(
        (3, 4), offsets=((1, 1), (-1, -1)), wrap=False
    )

    with pytest.raises(ValueError, match=r"distinct blocks.*\(-1, -1\)"):
        transformer.fit(X)


def test_offsets_without_any_pair_inside_are_rejected():
    """Check that wrap=False with only too-far offsets is rejected."""
    X = np.ones((2, 12))
    transformer = NeighborProductFeatures((3, 4), offsets=((3, 0), (0, 4)), wrap=False)

    with pytest.raises(
        ValueError, match=r"no two pixels .* \(3, 4\) \(n_features=12\)"
    ):
        transformer.fit(X)


def test_far_offsets_give_empty_blocks_next_to_others():
    """Check that without wrap, a too-far offset adds no column but the others
    still work."""
    X = np.random.default_rng(0).standard_normal((3, 12))

    transformer = NeighborProductFeatures((3, 4), offsets=((0, 4), (0, 1)), wrap=False)

    expected = NeighborProductFeatures((3, 4), wrap=False).fit_transform(X)
    assert_bitwise_equal(transformer.fit_transform(X), expected)
