"""The grayscale inversion ``x -> -x``."""

import numpy as np

from skinvariant.groups._base import FiniteGroup


class SignFlip(FiniteGroup):
    """The inversion group ``{x -> x, x -> -x}``.

    With pixels scaled to ``[-1, 1]`` this is the grayscale inversion of an
    image: black becomes white and white black. It is the symmetry of the
    reference experiment, and the default group of every estimator that
    takes one.

    See Also
    --------
    CyclicShift : Translations of an image on a torus.
    DirectProduct : Combine inversion with other groups.

    References
    ----------
    .. [1] D. L. Bergman, "Symmetry constrained machine learning", 2019.

    Examples
    --------
    >>> import numpy as np
    >>> from skinvariant.groups import SignFlip
    >>> group = SignFlip()
    >>> group.order, group.element_names
    (2, ('identity', 'invert'))
    >>> group.apply(np.array([[1.0, -0.5]]), 1)
    array([[-1. ,  0.5]])
    """

    __slots__ = ()

    @property
    def order(self):
        return 2

    @property
    def element_names(self):
        return ("identity", "invert")

    def _build_signed_permutations(self, n_features):
        indices = np.tile(np.arange(n_features), (2, 1))
        signs = np.ones((2, n_features), dtype=np.int8)
        signs[1] = -1
        return indices, signs
