"""One-pixel translations of image arrays, used to enlarge a data set fivefold."""

import numbers

import numpy as np

SHIFT_DIRECTIONS = ("right", "left", "up", "down")

# (axis, step) of the pixel content for each direction; rows run downwards.
_SHIFT_STEPS = {
    "right": (2, 1),
    "left": (2, -1),
    "up": (1, -1),
    "down": (1, 1),
}


def _check_images(images):
    """Return `images` as an ndarray of shape (n_images, height, width)."""
    images = np.asarray(images)
    if images.ndim != 3:
        raise ValueError(
            "`images` must be an array of shape (n_images, height, width); "
            f"got an array with shape {images.shape}."
        )
    if images.dtype.kind not in "biuf":
        raise TypeError(
            "`images` must hold booleans, integers or floats; "
            f"got dtype {images.dtype}."
        )
    return images


def _check_fill_value(fill_value, dtype):
    """Raise unless `dtype` holds `fill_value`: exactly, or rounded for floats.

    Integer images need the exact value. Float images may round it to
    their precision (0.1 in float32), but not overflow it to infinity;
    NaN is kept as NaN.
    """
    if not isinstance(fill_value, numbers.Real) or isinstance(fill_value, bool):
        raise TypeError(f"`fill_value` must be a real number; got {fill_value!r}.")

    with np.errstate(invalid="ignore", over="ignore"):
        stored = float(np.array(fill_value).astype(dtype))
    fill_value_float = float(fill_value)
    if np.dtype(dtype).kind == "f":
        holds = np.isinf(stored) == np.isinf(fill_value_float)
    else:
        holds = stored == fill_value_float
    if not holds:
        raise ValueError(
            f"`fill_value` must be representable in the images' dtype {dtype}; "
            f"got {fill_value!r}."
        )


def shift_images(images, direction, *, fill_value=-1.0):
    """Translate every image by one pixel, filling the vacated edge.

    The pixel content moves one step in `direction`; the row or column
    that falls off the far edge is dropped, and the one uncovered at the
    near edge takes `fill_value`. The input is never modified.

    Parameters
    ----------
    images : array-like of shape (n_images, height, width)
        The images to translate.

    direction : {"right", "left", "up", "down"}
        Where the content moves. ``"up"`` moves it towards row 0.

    fill_value : float, default=-1.0
        The value of the uncovered row or column: the background. The
        default is the background of signed images in [-1, 1], such as
        :func:`load_signed_digits`. It must be representable in the
        dtype of `images`, which the result keeps: exactly for integer
        images, without overflow for float images (which round it to
        their precision). NaN may mark the uncovered pixels of float
        images.

    Returns
    -------
    shifted : ndarray of shape (n_images, height, width)
        A new array with the translated images.

    See Also
    --------
    enlarge_by_shifts : The originals together with all four translations.

    Examples
    --------
    >>> import numpy as np
    >>> from skinvariant.datasets import shift_images
    >>> image = np.array([[[1.0, 2.0], [3.0, 4.0]]])
    >>> shift_images(image, "right")
    array([[[-1.,  1.],
            [-1.,  3.]]])
    >>> shift_images(image, "up", fill_value=0.0)
    array([[[3., 4.],
            [0., 0.]]])
    """
    images = _check_images(images)
    if direction not in _SHIFT_STEPS:
        raise ValueError(
            f"`direction` must be one of {SHIFT_DIRECTIONS}; got {direction!r}."
        )
    _check_fill_value(fill_value, images.dtype)

    axis, step = _SHIFT_STEPS[direction]
    shifted = np.full_like(images, fill_value)
    source = [slice(None)] * 3
    target = [slice(None)] * 3

    # Content at index i lands at index i + step along `axis`.
    if step > 0:
        source[axis], target[axis] = slice(None, -step), slice(step, None)
    else:
        source[axis], target[axis] = slice(-step, None), slice(None, step)
    shifted[tuple(target)] = images[tuple(source)]
    return shifted


def enlarge_by_shifts(images, *, fill_value=-1.0):
    """Stack images with their one-pixel translations in four directions.

    The result holds five blocks of ``n_images`` rows each, in this order:
    the originals, then the images shifted right, left, up and down (see
    :func:`shift_images`). Within each block the images keep their input
    order, so row ``k * n_images + i`` is a copy of image ``i``.

    Parameters
    ----------
    images : array-like of shape (n_images, height, width)
        The images to enlarge.

    fill_value : float, default=-1.0
        The background value of the uncovered row or column.

    Returns
    -------
    enlarged : ndarray of shape (5 * n_images, height, width)
        The originals followed by the four shifted blocks; same dtype as
        `images`.

    groups : ndarray of shape (5 * n_images,)
        The index of the source image of every row of `enlarged`. Use it
        to repeat labels (``y[groups]``) and to split without leakage
        (``GroupKFold``): copies of one image are near duplicates and must
        stay on the same side of a train/test split.

    See Also
    --------
    shift_images : Translate images in one direction.
    load_signed_digits : The digits, enlarged this way by default.

    Examples
    --------
    >>> import numpy as np
    >>> from skinvariant.datasets import enlarge_by_shifts
    >>> images = np.zeros((2, 3, 3))
    >>> enlarged, groups = enlarge_by_shifts(images)
    >>> enlarged.shape
    (10, 3, 3)
    >>> groups
    array([0, 1, 0, 1, 0, 1, 0, 1, 0, 1])
    """
    images = _check_images(images)
    _check_fill_value(fill_value, images.dtype)

    blocks = [images.copy()]
    blocks += [
        shift_images(images, direction, fill_value=fill_value)
        for direction in SHIFT_DIRECTIONS
    ]
    groups = np.tile(np.arange(images.shape[0]), len(blocks))
    return np.concatenate(blocks, axis=0), groups
