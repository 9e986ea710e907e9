"""Products of each pixel with its neighbours at fixed offsets."""

import functools
import itertools
import math

import numpy as np

from skinvariant.features._base import (
    PairProductTransformer,
    check_image_shape,
    is_integer,
)


def _check_offset(offset, image_shape):
    """Resolve one offset to a tuple of one int per axis of `image_shape`."""
    ndim = len(image_shape)
    entries = tuple(np.ravel(offset).tolist()) if np.ndim(offset) == 1 else ()
    if not entries or not all(is_integer(entry) for entry in entries):
        raise ValueError(
            "Each entry of `offsets` must be a non-empty tuple of integers "
            f"(the offset along each image axis); got {offset!r}."
        )

    # Offsets align with the trailing image axes, as shapes do in numpy
    # broadcasting: a missing leading entry is 0 and an extra one must be 0.
    # This lets ``(0, 1)`` mean the next value of a 1-D signal as well as the
    # right neighbour of a 2-D or 3-D image.
    extra = len(entries) - ndim
    if any(entries[:extra] if extra > 0 else ()):
        raise ValueError(
            f"Each entry of `offsets` may have more than {ndim} integer(s), "
            f"one per axis of the image of shape {image_shape}, only if the "
            f"extra leading entries are 0; got {offset!r}."
        )
    return (0,) * max(0, -extra) + entries[max(0, extra) :]


def _axis_pieces(size, offset, wrap):
    """Slices ``(out, left, right)`` pairing positions along one axis.

    Position ``out`` of the block holds the product of pixels ``left`` and
    ``right = left + offset``; with `wrap` the index is taken modulo `size`,
    which splits the axis in at most two pieces.
    """
    if wrap:
        shift = offset % size
        if shift == 0:
            whole = slice(0, size)
            return [(whole, whole, whole)]
        head, tail = slice(0, size - shift), slice(size - shift, size)
        return [(head, head, slice(shift, size)), (tail, tail, slice(0, shift))]

    length = size - abs(offset)
    if length <= 0:
        return []
    start = max(0, -offset)
    return [
        (
            slice(0, length),
            slice(start, start + length),
            slice(start + offset, start + offset + length),
        )
    ]


def _offset_block(image_shape, offset, wrap):
    """Shape of the block of one offset and its rectangular pieces."""
    axes = list(zip(image_shape, offset, strict=True))
    per_axis = [_axis_pieces(size, entry, wrap) for size, entry in axes]
    if wrap:
        shape = image_shape
    else:
        shape = tuple(max(0, size - abs(entry)) for size, entry in axes)

    # A piece is one choice of slice triple per axis; regroup it as three
    # index tuples (out, left, right) over all axes.
    pieces = [
        tuple(zip(*choice, strict=True)) for choice in itertools.product(*per_axis)
    ]
    return shape, pieces


class NeighborProductFeatures(PairProductTransformer):
    """Products of each pixel with its neighbour at each given offset.

    For every offset ``d`` and every pixel ``i`` of the image, output the
    product ``x_i * x_{i+d}``. Products of two inputs are unchanged by the
    inversion ``x -> -x``, yet unlike squares they keep the relative sign of
    neighbouring pixels: where the image is close to black and white, the
    products mark its edges. With `wrap` the index arithmetic is cyclic, so
    the image lies on a cylinder (1-D) or torus (2-D).

    Parameters
    ----------
    image_shape : tuple of int or None, default=None
        Shape of the image a row of `X` is read as, in C (row-major) order;
        the product of its entries must equal `n_features`. None reads a
        row as a 1-D cyclic signal of `n_features` values.

    offsets : tuple of tuple of int, default=((0, 1),)
        Offsets ``d`` to the neighbours, one tuple per block, one integer per
        image axis; e.g. ``((0, 1), (1, 0))`` for right and lower
        neighbours, ``((1, 1), (1, -1))`` for the diagonals. As in numpy
        broadcasting, an offset aligns with the trailing image axes: a
        missing leading entry is 0, and an extra leading entry must be 0.
        So the default means the next value of a 1-D signal and the right
        neighbour (along the last axis) of a 2-D or 3-D image. A zero
        offset is allowed and gives the squares.

    wrap : bool, default=True
        If True, indices wrap around the edges and every block has one
        feature per pixel. If False, only pairs inside the image are kept,
        and the block of offset ``d`` has ``prod(image_shape[a] - |d[a]|)``
        features (none if some ``|d[a]| >= image_shape[a]``).

    Attributes
    ----------
    image_shape_ : tuple of int
        The resolved image shape; ``(n_features_in_,)`` when `image_shape`
        is None.

    offsets_ : tuple of tuple of int
        The offsets, each with one entry per axis of `image_shape_`.

    n_features_in_ : int
        Number of features seen during :term:`fit`.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during :term:`fit`. Defined only when `X`
        has feature names that are all strings.

    See Also
    --------
    SquareFeatures : Squares of the inputs.
    PermutationProductFeatures : Products with random partners, without the
        locality of neighbours.
    QuadraticFeatures : All products of two inputs.

    Notes
    -----
    The output is one block per offset, in the order of `offsets`; within
    a block, column ``i`` is ``X[:, i] * X[:, j]`` where ``i`` runs over the
    pixels in C order (over the kept pixels when `wrap` is False) and ``j``
    is pixel ``i`` moved by the offset. Column names read ``"x3*x4"``.

    Exact symmetries, bit for bit:

    - inversion: ``transform(-X)`` equals ``transform(X)``;
    - cyclic shifts, with `wrap` only: shifting every image of `X` by ``s``
      (``numpy.roll`` over the image axes) shifts every block, read as an
      image of `image_shape_`, by the same ``s``. The features are permuted
      among themselves, not left unchanged, so a model on them is not
      shift invariant.

    A 1-D signal of `n_features` values (``image_shape=None``) wraps from
    its last value to its first; for a flattened image this pairs the last
    pixel of each row with the first pixel of the next row. Pass
    `image_shape` to wrap each row on itself instead.

    Opposite offsets ``d`` and ``-d`` pair the same pixels, and with `wrap`
    so do offsets equal modulo `image_shape`; such repeats would only
    duplicate features under other names, so they are rejected.

    References
    ----------
    .. [1] D. L. Bergman, "Symmetry constrained machine learning", 2019.
       Section II.C introduces the products of each pixel with its right
       neighbour, wrapping at the edge, as gradient-like invariant features.

    Examples
    --------
    >>> import numpy as np
    >>> from skinvariant import NeighborProductFeatures
    >>> X = np.array([[1.0, -2.0, 3.0]])
    >>> NeighborProductFeatures().fit_transform(X)
    array([[-2., -6.,  3.]])
    >>> NeighborProductFeatures(wrap=False).fit(X).get_feature_names_out()
    array(['x0*x1', 'x1*x2'], dtype=object)
    """

    _parameter_constraints: dict = {
        "image_shape": [None, "array-like"],
        "offsets": ["array-like"],
        "wrap": ["boolean"],
    }

    def __init__(self, image_shape=None, offsets=((0, 1),), wrap=True):
        self.image_shape = image_shape
        self.offsets = offsets
        self.wrap = wrap

    def _fit_n_features(self, n_features):
        self.image_shape_ = check_image_shape(self.image_shape, n_features)
        if len(self.offsets) == 0:
            raise ValueError(
                f"`offsets` must hold at least one offset; got {self.offsets!r}."
            )
        self.offsets_ = tuple(
            _check_offset(offset, self.image_shape_) for offset in self.offsets
        )
        self._check_distinct_blocks()

        if self._n_output_features() == 0:
            raise ValueError(
                "With `wrap`=False, no two pixels of an image of shape "
                f"{self.image_shape_} (n_features={n_features}) are as far "
                "apart as any of `offsets`; got "
                f"{self.offsets!r}."
            )

    def _check_distinct_blocks(self):
        shape = np.asarray(self.image_shape_)
        seen = set()
        for offset in self.offsets_:
            # d and -d pair the same pixels, so both name one block.
            pair = [tuple(offset), tuple(-np.asarray(offset))]
            if self.wrap:
                pair = [tuple(np.mod(d, shape).tolist()) for d in pair]
            key = min(pair)
            if key in seen:
                raise ValueError(
                    "`offsets` must give distinct blocks, but the offset "
                    f"{offset} pairs the same pixels as an earlier one (its "
                    "opposite, or equal modulo `image_shape` when "
                    f"`wrap`=True); got {self.offsets!r}."
                )
            seen.add(key)

    def _blocks(self):
        return [
            _offset_block(self.image_shape_, offset, self.wrap)
            for offset in self.offsets_
        ]

    def _n_output_features(self):
        return sum(math.prod(shape) for shape, _ in self._blocks())

    def _pair_indices(self):
        pixels = np.arange(self.n_features_in_).reshape(self.image_shape_)
        left, right = [], []
        for shape, pieces in self._blocks():
            block_left = np.empty(shape, dtype=np.intp)
            block_right = np.empty(shape, dtype=np.intp)
            for out_index, left_index, right_index in pieces:
                block_left[out_index] = pixels[left_index]
                block_right[out_index] = pixels[right_index]
            left.append(block_left.ravel())
            right.append(block_right.ravel())
        return np.concatenate(left), np.concatenate(right)

    def _multiply_into(self, X, out):
        images = X.reshape(-1, *self.image_shape_)
        start = 0

        for offset in self.offsets_:
            shape, shift, pieces = _block_plan(self.image_shape_, offset, self.wrap)
            stop = start + math.prod(shape)
            if stop == start:
                continue  # without wrap, a far offset has no pair
            if shift is not None:
                _cyclic_products(X, out[:, start:stop], shift)
            # splitting the column axis is always a view, never a copy
            block = out[:, start:stop].reshape(-1, *shape)
            _piece_products(images, block, pieces)
            start = stop


# Called for every cache-sized block of rows with the same few arguments,
# so the plans are kept rather than rebuilt in Python each time.
@functools.lru_cache(maxsize=256)
def _block_plan(image_shape, offset, wrap):
    """How to compute the block of `offset`: its shape, the shift of a flat
    cyclic product (None if unused) and the pieces to compute directly."""
    shape, pieces = _offset_block(image_shape, offset, wrap)
    if not wrap:
        return shape, None, tuple(pieces)

    shift = int(np.ravel_multi_index(np.mod(offset, shape), shape))
    return shape, shift, tuple(_pieces_off_the_flat_shift(shape, offset))


def _cyclic_products(X, out, shift):
    """``out[:, k] = X[:, k] * X[:, (k + shift) % n_features]``, in two
    contiguous products."""
    n_features = X.shape[1]
    head = n_features - shift
    np.multiply(X[:, :head], X[:, shift:], out=out[:, :head])
    if shift:
        np.multiply(X[:, head:], X[:, :shift], out=out[:, head:])


def _pieces_off_the_flat_shift(image_shape, offset):
    """The pieces of a wrapped block that the flat cyclic shift gets wrong.

    In C order, moving a pixel by `offset` with wrapping is the flat cyclic
    shift of its index, except where an axis other than the first wraps
    around: for ``(0, 1)``, the last column of each row. Only those pieces
    need computing on their own.
    """
    per_axis = [
        _axis_pieces(size, entry, True)
        for size, entry in zip(image_shape, offset, strict=True)
    ]
    pieces = []
    for choice in itertools.product(*per_axis):
        inner = zip(choice[1:], per_axis[1:], strict=True)
        if any(piece is not axis[0] for piece, axis in inner):
            pieces.append(tuple(zip(*choice, strict=True)))
    return pieces


def _piece_products(images, block, pieces):
    """Multiply each rectangular piece of `images` by its partner piece."""
    every_row = (slice(None),)
    for out_index, left_index, right_index in pieces:
        np.multiply(
            images[every_row + left_index],
            images[every_row + right_index],
            out=block[every_row + out_index],
        )
