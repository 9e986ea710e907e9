"""Tests for the signed digits and the one-pixel shift enlargement."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from numpy.testing import assert_array_equal
from sklearn.datasets import load_digits
from sklearn.model_selection import GroupKFold, GroupShuffleSplit

from skinvariant.datasets import enlarge_by_shifts, load_signed_digits, shift_images

N_IMAGES = 1797


@pytest.fixture(scope="module")
def digits():
    return load_signed_digits()


def test_signed_digits_scale_background_and_ink():
    """Check that ink 0 maps to -1, ink 16 to +1, linearly in between."""
    raw = load_digits()
    signed = load_signed_digits(shifts=False)

    assert_array_equal(signed.data, raw.data / 8.0 - 1.0)
    assert_array_equal(signed.data[raw.data == 0], -1.0)
    assert_array_equal(signed.data[raw.data == 16], 1.0)
    assert signed.data.dtype == np.float64


def test_signed_digits_without_shifts_matches_load_digits():
    """Check that `shifts=False` gives the 1797 digits in their order."""
    raw = load_digits()
    signed = load_signed_digits(shifts=False)

    assert signed.data.shape == (N_IMAGES, 64)
    assert_array_equal(signed.target, raw.target)
    assert_array_equal(signed.groups, np.arange(N_IMAGES))
    assert_array_equal(signed.shift, "none")


def test_signed_digits_block_order(digits):
    """Check that rows come as originals, then right, left, up, down blocks."""
    originals = load_signed_digits(shifts=False).images
    blocks = digits.images.reshape(5, N_IMAGES, 8, 8)
    background = np.full((N_IMAGES, 8), -1.0)

    assert_array_equal(blocks[0], originals)
    assert_array_equal(blocks[1][:, :, 1:], originals[:, :, :-1])
    assert_array_equal(blocks[1][:, :, 0], background)
    assert_array_equal(blocks[2][:, :, :-1], originals[:, :, 1:])
    assert_array_equal(blocks[2][:, :, -1], background)
    assert_array_equal(blocks[3][:, :-1], originals[:, 1:])
    assert_array_equal(blocks[3][:, -1], background)
    assert_array_equal(blocks[4][:, 1:], originals[:, :-1])
    assert_array_equal(blocks[4][:, 0], background)


def test_signed_digits_groups_shift_and_target(digits):
    """Check that `groups`, `shift` and `target` describe every row."""
    raw_target = load_digits().target

    assert digits.data.shape == (5 * N_IMAGES, 64)
    assert_array_equal(digits.groups, np.arange(5 * N_IMAGES) % N_IMAGES)
    assert_array_equal(digits.target, raw_target[digits.groups])
    assert_array_equal(
        digits.shift[::N_IMAGES], ["none", "right", "left", "up", "down"]
    )
    assert_array_equal(digits.data, digits.images.reshape(-1, 64))


def test_signed_digits_bunch_metadata(digits):
    """Check that the Bunch names features and targets and explains splits."""
    assert digits.feature_names[:2] == ["pixel_0_0", "pixel_0_1"]
    assert len(digits.feature_names) == 64
    assert_array_equal(digits.target_names, np.arange(10))
    assert digits.frame is None
    assert "GroupKFold" in digits.DESCR
    assert "GroupShuffleSplit" in digits.DESCR


@pytest.mark.parametrize("shifts", [True, False])
def test_signed_digits_return_X_y(shifts):
    """Check that `return_X_y` gives the same arrays as the Bunch."""
    bunch = load_signed_digits(shifts=shifts)
    X, y = load_signed_digits(shifts=shifts, return_X_y=True)

    assert_array_equal(X, bunch.data)
    assert_array_equal(y, bunch.target)


@pytest.mark.parametrize("return_X_y", [True, False])
def test_signed_digits_as_frame(return_X_y):
    """Check that `as_frame=True` gives a named DataFrame and Series."""
    pd = pytest.importorskip("pandas")
    result = load_signed_digits(as_frame=True, return_X_y=return_X_y)
    X, y = result if return_X_y else (result.data, result.target)

    assert isinstance(X, pd.DataFrame)
    assert isinstance(y, pd.Series)
    assert list(X.columns) == load_signed_digits().feature_names
    assert y.name == "target"
    assert_array_equal(X.to_numpy(), load_signed_digits().data)
    if not return_X_y:
        assert list(result.frame.columns) == list(X.columns) + ["target"]


@pytest.mark.parametrize("splitter", [GroupKFold(5), GroupShuffleSplit(3)])
def test_signed_digits_group_splits_keep_copies_together(digits, splitter):
    """Check that group-aware splits never separate copies of one image."""
    splits = splitter.split(digits.data, digits.target, groups=digits.groups)
    for train, test in splits:
        shared = np.intersect1d(digits.groups[train], digits.groups[test])
        assert shared.size == 0


@pytest.mark.parametrize("name", ["shifts", "return_X_y", "as_frame"])
def test_signed_digits_rejects_non_boolean(name):
    """Check that the flags must be booleans."""
    with pytest.raises(ValueError, match=name):
        load_signed_digits(**{name: "yes"})


def test_shift_images_each_direction():
    """Check that each direction moves the content one pixel that way."""
    image = np.arange(1.0, 10.0).reshape(1, 3, 3)
    expected = {
        "right": [[0, 1, 2], [0, 4, 5], [0, 7, 8]],
        "left": [[2, 3, 0], [5, 6, 0], [8, 9, 0]],
        "up": [[4, 5, 6], [7, 8, 9], [0, 0, 0]],
        "down": [[0, 0, 0], [1, 2, 3], [4, 5, 6]],
    }
    for direction, pixels in expected.items():
        shifted = shift_images(image, direction, fill_value=0.0)
        assert_array_equal(shifted, [pixels])


@settings(max_examples=30, deadline=None)
@given(
    images=hnp.arrays(
        dtype=st.sampled_from([np.float32, np.float64, np.int16]),
        shape=hnp.array_shapes(min_dims=3, max_dims=3, min_side=1, max_side=5),
        elements=st.integers(-50, 50),
    )
)
def test_enlarge_by_shifts_property(images):
    """Check the block layout, dtype and groups for any image array."""
    before = images.copy()
    enlarged, groups = enlarge_by_shifts(images, fill_value=-1)
    n_images = images.shape[0]

    assert enlarged.shape == (5 * n_images,) + images.shape[1:]
    assert enlarged.dtype == images.dtype
    assert_array_equal(enlarged[:n_images], images)
    assert_array_equal(groups, np.tile(np.arange(n_images), 5))
    assert_array_equal(images, before)

    # Shifting right then left restores all but the last column.
    restored = shift_images(enlarged[n_images : 2 * n_images], "left")
    assert_array_equal(restored[:, :, :-1], images[:, :, :-1])


def test_shift_images_read_only_input():
    """Check that read-only inputs are accepted and copied, not viewed."""
    images = np.zeros((2, 4, 4))
    images.setflags(write=False)
    enlarged, _ = enlarge_by_shifts(images)

    assert enlarged.flags.writeable
    assert not np.shares_memory(enlarged, images)


@pytest.mark.parametrize(
    "images, kwargs, error, match",
    [
        (np.zeros((4, 4)), {}, ValueError, r"`images`.*\(4, 4\)"),
        (np.zeros((1, 4, 4), dtype=object), {}, TypeError, "`images`.*object"),
        (np.zeros((1, 4, 4), dtype=np.uint8), {}, ValueError, "`fill_value`"),
        (np.zeros((1, 4, 4)), {"fill_value": "x"}, TypeError, "`fill_value`"),
        (np.zeros((1, 4, 4), dtype=int), {"fill_value": 0.5}, ValueError, "0.5"),
        (np.zeros((1, 4, 4), np.float32), {"fill_value": 1e300}, ValueError, "1e"),
    ],
)
def test_enlarge_by_shifts_bad_input(images, kwargs, error, match):
    """Check that bad images or fill values raise clear errors."""
    with pytest.raises(error, match=match):
        enlarge_by_shifts(images, **kwargs)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_shift_images_nan_fill_value(dtype):
    """Check that NaN, which every float dtype holds, can mark the uncovered
    column."""
    shifted = shift_images(np.ones((1, 2, 2), dtype), "right", fill_value=np.nan)
    assert shifted.dtype == dtype
    assert np.isnan(shifted[0, :, 0]).all()
    assert_array_equal(shifted[0, :, 1], 1)


def test_shift_images_bad_direction():
    """Check that an unknown direction names the allowed ones."""
    with pytest.raises(ValueError, match="`direction` must be one of.*'diagonal'"):
        shift_images(np.zeros((1, 2, 2)), "diagonal")
