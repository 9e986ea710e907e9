"""Groups that rearrange the pixels of an image: shifts, reflections, rotations."""

import itertools
import numbers

import numpy as np

from skinvariant.groups._base import FiniteGroup


class _ImageGroup(FiniteGroup):
    """Shared behaviour of groups that act on rows seen as images."""

    __slots__ = ("_image_shape",)

    def __init__(self, image_shape):
        object.__setattr__(self, "_image_shape", _check_image_shape(image_shape))

    @property
    def image_shape(self):
        """Shape of the image that every row is reshaped to."""
        return self._image_shape

    def check_n_features(self, n_features):
        expected = int(np.prod(self._image_shape))
        if n_features != expected:
            raise ValueError(
                f"`image_shape`={self._image_shape} describes rows of {expected} "
                f"features, but the data has `n_features`={n_features}. Pass the "
                "shape the rows were flattened from."
            )

    def _pixel_grid(self):
        return np.arange(int(np.prod(self._image_shape))).reshape(self._image_shape)

    def _build_signed_permutations(self, n_features):
        # Moving the grid of pixel numbers tells, for every output pixel,
        # which input pixel lands there: exactly the gather indices.
        grids = self._moved_grids(self._pixel_grid())
        indices = np.stack([grid.ravel() for grid in grids])
        return indices, np.ones_like(indices, dtype=np.int8)

    def _moved_grids(self, grid):
        """Return the pixel grid moved by every element, identity first."""
        raise NotImplementedError


class CyclicShift(_ImageGroup):
    """Cyclic translations of an image, as on a torus.

    Element ``(s_0, s_1, ...)`` moves the pixel at position ``p`` to
    position ``p + s`` modulo the image shape, along the axes in `axis`.

    Parameters
    ----------
    image_shape : tuple of int
        Shape each row is reshaped to, e.g. ``(8, 8)``; ``(n,)`` for a 1-D
        cyclic signal.
    axis : int, tuple of int or None, default=None
        Axes along which to shift. None shifts along every axis, giving
        ``prod(image_shape)`` elements.

    See Also
    --------
    Reflection : Mirror images along one axis.
    Dihedral : Rotations and reflections of a square image.

    Examples
    --------
    >>> import numpy as np
    >>> from skinvariant.groups import CyclicShift
    >>> group = CyclicShift((4,))
    >>> group.order
    4
    >>> group.apply(np.array([[1.0, 2.0, 3.0, 4.0]]), 1)
    array([[4., 1., 2., 3.]])
    """

    __slots__ = ("_axis",)

    def __init__(self, image_shape, axis=None):
        super().__init__(image_shape)
        object.__setattr__(self, "_axis", _check_axes(axis, len(self._image_shape)))

    @property
    def axis(self):
        """Axes along which the group shifts."""
        return self._axis

    def _key(self):
        return (self._image_shape, self._axis)

    def _repr_items(self):
        return [("image_shape", self._image_shape), ("axis", self._axis)]

    def _shifts(self):
        ranges = [range(self._image_shape[a]) for a in self._axis]
        return list(itertools.product(*ranges))

    @property
    def order(self):
        return int(np.prod([self._image_shape[a] for a in self._axis]))

    @property
    def element_names(self):
        return tuple("identity" if not any(s) else f"shift{s}" for s in self._shifts())

    def _moved_grids(self, grid):
        return [np.roll(grid, s, axis=self._axis) for s in self._shifts()]


class Reflection(_ImageGroup):
    """Mirror an image along one axis (order 2).

    Parameters
    ----------
    image_shape : tuple of int
        Shape each row is reshaped to, e.g. ``(8, 8)``.
    axis : int, default=-1
        Axis reversed by the reflection; -1 (the columns of a 2-D image)
        gives the left-right mirror image.

    See Also
    --------
    Dihedral : All rotations and reflections of a square image.

    Examples
    --------
    >>> import numpy as np
    >>> from skinvariant.groups import Reflection
    >>> Reflection((3,)).apply(np.array([[1.0, 2.0, 3.0]]), 1)
    array([[3., 2., 1.]])
    """

    __slots__ = ("_axis",)

    def __init__(self, image_shape, axis=-1):
        super().__init__(image_shape)
        if axis is None or isinstance(axis, tuple | list):
            raise ValueError(
                "`axis` must be one integer for Reflection, which mirrors a "
                "single axis; combine reflections with DirectProduct or use "
                f"Dihedral. Got {axis!r}."
            )
        (axis,) = _check_axes(axis, len(self._image_shape))
        object.__setattr__(self, "_axis", axis)

    @property
    def axis(self):
        """Axis reversed by the reflection."""
        return self._axis

    def _key(self):
        return (self._image_shape, self._axis)

    def _repr_items(self):
        return [("image_shape", self._image_shape), ("axis", self._axis)]

    @property
    def order(self):
        return 2

    @property
    def element_names(self):
        return ("identity", f"reflect(axis={self._axis})")

    def _moved_grids(self, grid):
        return [grid, np.flip(grid, axis=self._axis)]


class Dihedral(_ImageGroup):
    """Rotations by multiples of 90 degrees and reflections of a square image.

    The eight elements are the four rotations, then the four rotations
    applied after a left-right reflection.

    Parameters
    ----------
    image_shape : tuple of int
        Shape ``(n, n)`` each row is reshaped to; the image must be square.

    See Also
    --------
    Reflection : A single mirror image.

    Examples
    --------
    >>> from skinvariant.groups import Dihedral
    >>> Dihedral((8, 8)).order
    8
    """

    __slots__ = ()

    def __init__(self, image_shape):
        super().__init__(image_shape)
        shape = self._image_shape
        if len(shape) != 2 or shape[0] != shape[1]:
            raise ValueError(
                "`image_shape` must describe a square 2-D image for Dihedral, "
                f"such as (8, 8); got {shape}."
            )

    def _key(self):
        return (self._image_shape,)

    def _repr_items(self):
        return [("image_shape", self._image_shape)]

    @property
    def order(self):
        return 8

    @property
    def element_names(self):
        rotations = ["identity", "rotate90", "rotate180", "rotate270"]
        return tuple(rotations + ["reflect"] + [f"reflect+{r}" for r in rotations[1:]])

    def _moved_grids(self, grid):
        mirrored = np.fliplr(grid)
        rotations = [np.rot90(grid, k) for k in range(4)]
        return rotations + [np.rot90(mirrored, k) for k in range(4)]


def _check_image_shape(image_shape):
    shape = image_shape
    if isinstance(shape, numbers.Integral) and not isinstance(shape, bool):
        shape = (shape,)
    try:
        shape = tuple(shape)
    except TypeError:
        shape = None
    valid = bool(shape) and all(_is_positive_int(s) for s in shape)
    if not valid:
        raise ValueError(
            "`image_shape` must be a non-empty tuple of positive integers, such "
            f"as (8, 8); got {image_shape!r}."
        )
    return tuple(int(s) for s in shape)


def _is_positive_int(value):
    is_int = isinstance(value, numbers.Integral) and not isinstance(value, bool)
    return is_int and value >= 1


def _check_axes(axis, ndim):
    if axis is None:
        return tuple(range(ndim))
    axes = axis if isinstance(axis, tuple | list) else (axis,)
    normalised = []
    for a in axes:
        if isinstance(a, bool) or not isinstance(a, numbers.Integral):
            raise ValueError(f"`axis` must hold integers; got {axis!r}.")
        if not -ndim <= a < ndim:
            raise ValueError(
                f"`axis` must be in [{-ndim}, {ndim - 1}] for an image with "
                f"{ndim} dimension(s); got {axis!r}."
            )
        normalised.append(int(a) % ndim)
    if not normalised or len(set(normalised)) != len(normalised):
        raise ValueError(f"`axis` must name distinct axes; got {axis!r}.")
    return tuple(normalised)
