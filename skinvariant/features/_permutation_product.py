"""Products of each input with a partner chosen by a random permutation."""

from numbers import Integral

import numpy as np
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval

from skinvariant.features._base import PairProductTransformer


class PermutationProductFeatures(PairProductTransformer):
    """Products ``x_i * x_{P(i)}`` for random permutations ``P`` of the inputs.

    Each permutation ``P`` of the `n_features` inputs, drawn once in
    :term:`fit`, gives a block of `n_features` products ``x_i * x_{P(i)}``.
    Like neighbour products, these are invariant under the inversion
    ``x -> -x`` and keep the relative signs of the paired inputs, but they
    carry no notion of locality: the partners are arbitrary, which makes
    them a fair invariant counterpart of the raw inputs.

    Parameters
    ----------
    n_permutations : int, default=1
        Number of independent permutations, hence of blocks of
        `n_features` outputs.

    random_state : int, RandomState instance or None, default=None
        Draws the permutations in :term:`fit`. Pass an int for the same
        permutations across fits. See :term:`Glossary <random_state>`.

    Attributes
    ----------
    permutations_ : ndarray of shape (n_permutations, n_features)
        The permutations; row ``b`` is ``P`` for block ``b``, so output
        column ``b * n_features_in_ + i`` is
        ``X[:, i] * X[:, permutations_[b, i]]``.

    n_features_in_ : int
        Number of features seen during :term:`fit`.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during :term:`fit`. Defined only when `X`
        has feature names that are all strings.

    See Also
    --------
    NeighborProductFeatures : Products of each pixel with its neighbours.
    SquareFeatures : Squares of the inputs.
    QuadraticFeatures : All products of two inputs.

    Notes
    -----
    :term:`transform` reuses the permutations drawn in :term:`fit`; it
    never draws again. A random permutation may have fixed points
    ``P(i) = i``, whose products are squares (named ``"x3^2"``). With
    several permutations, two blocks may hold the same product; the names
    stay unique because each starts with its block, as in ``"p1:x3*x11"``.

    Exact symmetries, bit for bit:

    - inversion: ``transform(-X)`` equals ``transform(X)``;
    - more generally, flipping the sign of a set of inputs that is a union
      of cycles of every permutation in `permutations_` leaves the output
      unchanged (with one permutation: flipping any one of its cycles).
      Any other sign flip changes the sign of some output.

    References
    ----------
    .. [1] D. L. Bergman, "Symmetry constrained machine learning", 2019.
       Section II.C pairs each pixel with the pixel a random permutation
       assigns, to keep relative signs without telling the model which
       pixels are close.

    Examples
    --------
    >>> import numpy as np
    >>> from skinvariant import PermutationProductFeatures
    >>> X = np.array([[1.0, -2.0, 3.0, 4.0]])
    >>> transformer = PermutationProductFeatures(random_state=0).fit(X)
    >>> transformer.permutations_
    array([[2, 3, 1, 0]])
    >>> transformer.transform(X)
    array([[  3.,  -8.,  -6.,   4.]])
    """

    _parameter_constraints: dict = {
        "n_permutations": [Interval(Integral, 1, None, closed="left")],
        "random_state": ["random_state"],
    }

    def __init__(self, n_permutations=1, random_state=None):
        self.n_permutations = n_permutations
        self.random_state = random_state

    def _fit_n_features(self, n_features):
        random_state = check_random_state(self.random_state)
        self.permutations_ = np.stack(
            [random_state.permutation(n_features) for _ in range(self.n_permutations)]
        )

    def _n_output_features(self):
        return self.permutations_.size

    def _pair_indices(self):
        n_blocks, n_features = self.permutations_.shape
        left = np.tile(np.arange(n_features), n_blocks)
        return left, self.permutations_.ravel()

    def get_feature_names_out(self, input_features=None):
        """Get output feature names: ``x3*x11``, or ``p1:x3*x11`` per block.

        Parameters
        ----------
        input_features : array-like of str or None, default=None
            Input feature names. If None, `feature_names_in_` is used when
            defined, else ``x0, x1, ...``. Names other than letters, digits,
            ``_``, ``.`` and ``-`` are quoted, e.g. ``"pixel 3"*x4``.

        Returns
        -------
        feature_names_out : ndarray of str objects
            Output feature names. With several permutations each name
            starts with its block, ``p0:`` to ``p{n_permutations - 1}:``,
            since two blocks can pair the same inputs.
        """
        names = super().get_feature_names_out(input_features)
        n_blocks, n_features = self.permutations_.shape
        if n_blocks == 1:
            return names

        blocks = np.repeat(np.arange(n_blocks), n_features)
        return np.asarray(
            [f"p{block}:{name}" for block, name in zip(blocks, names, strict=True)],
            dtype=object,
        )

    def _multiply_into(self, X, out):
        n_features = X.shape[1]
        for block, permutation in enumerate(self.permutations_):
            columns = slice(block * n_features, (block + 1) * n_features)
            np.multiply(X, X[:, permutation], out=out[:, columns])
