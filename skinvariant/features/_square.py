"""Squares of the inputs, the simplest features invariant under inversion."""

import numpy as np

from skinvariant.features._base import PairProductTransformer, check_finite_rows


class SquareFeatures(PairProductTransformer):
    """Square every input feature: ``x_i -> x_i**2``.

    The squares are even in every single input, so they are invariant under
    the inversion ``x -> -x`` and, more strongly, under flipping the sign of
    any subset of the inputs. That strength is also their weakness: they
    forget every sign, including the relative signs between pixels that
    distinguish a pattern from its scrambled versions; see
    :class:`NeighborProductFeatures` and :class:`PermutationProductFeatures`
    for invariant features that keep relative signs.

    Attributes
    ----------
    n_features_in_ : int
        Number of features seen during :term:`fit`.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during :term:`fit`. Defined only when `X`
        has feature names that are all strings.

    See Also
    --------
    NeighborProductFeatures : Products of each pixel with its neighbours.
    PermutationProductFeatures : Products of each input with a random partner.
    QuadraticFeatures : All products of two inputs.

    Notes
    -----
    Output column ``i`` is ``X[:, i] * X[:, i]``, named ``"x3^2"`` for an
    input named ``"x3"``. Exact invariance: for every sign vector
    ``s`` in ``{-1, +1}**n_features``, ``transform(X * s)`` equals
    ``transform(X)`` bit for bit (IEEE multiplication only moves signs).

    Float32 input gives float32 output; integer input (e.g. uint8 images) is
    squared in float64, so it cannot overflow. NaN and infinite values are
    rejected. Sparse CSR and CSC input is supported and gives a sparse output
    of the same format, since squaring keeps every zero.

    References
    ----------
    .. [1] D. L. Bergman, "Symmetry constrained machine learning", 2019.
       Section II.C discusses squares as the most natural inversion invariant
       features and the sign information they lose.

    Examples
    --------
    >>> import numpy as np
    >>> from skinvariant import SquareFeatures
    >>> X = np.array([[1.0, -2.0, 3.0]])
    >>> SquareFeatures().fit_transform(X)
    array([[1., 4., 9.]])
    >>> SquareFeatures().fit(X).get_feature_names_out()
    array(['x0^2', 'x1^2', 'x2^2'], dtype=object)
    """

    _parameter_constraints: dict = {}
    _accept_sparse = ("csr", "csc")

    def _n_output_features(self):
        return self.n_features_in_

    def _pair_indices(self):
        indices = np.arange(self.n_features_in_)
        return indices, indices

    def _multiply_into(self, X, out):
        np.multiply(X, X, out=out)

    def _checked_multiply_into(self, X, out, first_row):
        # A NaN or infinite input squares to NaN or +inf, and a finite one
        # to a finite value or +inf: one maximum of the squares, cheaper
        # than a sum, clears a block; only a non-finite maximum (maybe an
        # overflow) sends it to the exact check.
        self._multiply_into(X, out)
        if not np.isfinite(out.max()):
            check_finite_rows(self, X, first_row)

    def _multiply_sparse(self, X):
        X_out = X.copy()
        np.multiply(X_out.data, X_out.data, out=X_out.data)
        return X_out
