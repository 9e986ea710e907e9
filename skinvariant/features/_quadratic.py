"""All products of two inputs: the complete quadratic invariants."""

from numbers import Real

import numpy as np
from scipy.linalg import blas
from sklearn.utils._param_validation import Interval

from skinvariant._threads import in_main_thread, one_blas_thread
from skinvariant.features._base import PairProductTransformer

_PACKED_RANK_ONE_UPDATE = {"d": blas.dspr, "f": blas.sspr}

# Start this many bytes of output rows at -0.0 at a time, so that they are
# still in cache when BLAS adds the products to them.
_FILL_BYTES = 512 * 1024


def _n_quadratic_features(n_features, interaction_only):
    if interaction_only:
        return n_features * (n_features - 1) // 2
    return n_features * (n_features + 1) // 2


class QuadraticFeatures(PairProductTransformer):
    """All products ``x_i * x_j`` with ``i <= j`` (or ``i < j``).

    Every even function of the inputs starts, in its Taylor expansion, with
    a constant and a quadratic form; these products are the coordinates of
    that quadratic form, and so the complete set of degree-2 features
    invariant under the inversion ``x -> -x``. There are
    ``n_features * (n_features + 1) / 2`` of them, which outgrows memory
    quickly: the output is refused up front when it would exceed
    `max_output_bytes`.

    Parameters
    ----------
    interaction_only : bool, default=False
        If True, leave out the squares ``x_i * x_i`` and keep ``i < j``.

    max_output_bytes : float or None, default=4294967296
        Largest output, in bytes, that :term:`transform` will allocate;
        the default is 4 GiB. A larger output raises a ValueError before
        anything is allocated. None removes the limit.

    Attributes
    ----------
    n_features_in_ : int
        Number of features seen during :term:`fit`.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during :term:`fit`. Defined only when `X`
        has feature names that are all strings.

    See Also
    --------
    SquareFeatures : Only the squares, linear in size.
    NeighborProductFeatures : Products of neighbouring pixels only.
    PermutationProductFeatures : One random product per input.
    sklearn.preprocessing.PolynomialFeatures : Monomials of any degree, not
        restricted to invariant ones.

    Notes
    -----
    The columns come in the order of
    ``PolynomialFeatures(degree=(2, 2), include_bias=False)`` (with the same
    `interaction_only`): ``x0*x0, x0*x1, ..., x0*x{n-1}, x1*x1, ...``, named
    ``"x0^2", "x0*x1", ...``. The values are the same products, computed
    faster and into a single output array.

    Exact symmetries, bit for bit:

    - inversion: ``transform(-X)`` equals ``transform(X)``;
    - flipping the sign of input ``k`` alone flips the sign of exactly the
      columns ``x_i * x_k`` with ``i != k`` and leaves the others, squares
      included, unchanged.

    Each output row is written by one BLAS packed rank-one update (``?spr``
    from :mod:`scipy.linalg.blas`, run on one thread), at about the speed of
    writing memory. BLAS skips the products with a zero input, so blocks of
    rows that hold a zero are computed column by column with numpy instead,
    which is slower but gives the same IEEE products, signed zeros included.
    The numpy path also serves calls from threads other than the main one,
    since the BLAS thread count is shared by the whole process and only the
    main thread changes it.

    With 784 pixels and 60,000 images the float64 output would take about
    148 GB; transform such data in batches of rows, or use the linear-size
    transformers above.

    References
    ----------
    .. [1] D. L. Bergman, "Symmetry constrained machine learning", 2019.
       Section II.C derives the quadratic features as the lowest order
       inversion invariant feature map and notes how many there are.

    Examples
    --------
    >>> import numpy as np
    >>> from skinvariant import QuadraticFeatures
    >>> X = np.array([[1.0, -2.0, 3.0]])
    >>> QuadraticFeatures().fit_transform(X)
    array([[ 1., -2.,  3.,  4., -6.,  9.]])
    >>> QuadraticFeatures(interaction_only=True).fit(X).get_feature_names_out()
    array(['x0*x1', 'x0*x2', 'x1*x2'], dtype=object)
    """

    _parameter_constraints: dict = {
        "interaction_only": ["boolean"],
        "max_output_bytes": [Interval(Real, 0, None, closed="left"), None],
    }

    def __init__(self, interaction_only=False, max_output_bytes=4 * 2**30):
        self.interaction_only = interaction_only
        self.max_output_bytes = max_output_bytes

    def _fit_n_features(self, n_features):
        if self._n_output_features() == 0:
            raise ValueError(
                "QuadraticFeatures with `interaction_only`=True needs at least "
                f"2 features to form a product; got n_features={n_features}."
            )

    def _n_output_features(self):
        return _n_quadratic_features(self.n_features_in_, self.interaction_only)

    def _pair_indices(self):
        offset = 1 if self.interaction_only else 0
        left, right = np.triu_indices(self.n_features_in_, k=offset)
        return left, right

    def _allocate_output(self, X):
        n_samples, n_columns = X.shape[0], self._n_output_features()
        n_bytes = n_samples * n_columns * X.itemsize
        if self.max_output_bytes is not None and n_bytes > self.max_output_bytes:
            raise ValueError(
                f"The output of QuadraticFeatures would take {n_bytes / 1e9:.1f} GB "
                f"({n_samples} samples x {n_columns} features x {X.itemsize} "
                f"bytes), more than `max_output_bytes`={self.max_output_bytes}. "
                "Transform fewer rows at a time, or raise `max_output_bytes` "
                "(None for no limit)."
            )
        return super()._allocate_output(X)

    def _multiply_context(self):
        # One packed update is too small to share among threads: waking
        # them costs more than the update itself. The BLAS thread count
        # belongs to the whole process, so only the main thread sets it.
        return one_blas_thread()

    def _multiply_into(self, X, out):
        # BLAS skips the products with a zero, leaving its start value where
        # IEEE gives a signed zero: blocks of rows with a zero use numpy. So
        # do threads other than the main one, which cannot hold BLAS to the
        # single thread its one small update per row needs.
        if not self.interaction_only and in_main_thread() and X.all():
            _packed_outer_products(X, out)
        else:
            _column_products(X, out, offset=1 if self.interaction_only else 0)


def _packed_outer_products(X, out):
    """Fill each output row with one BLAS packed rank-one update.

    Row ``x`` of the output is the upper triangle of ``x x^T`` in row-major
    order, which is the lower triangle in BLAS's packed column-major storage.
    ``?spr`` adds ``alpha * x x^T`` to such a triangle in one call, at
    memory speed. Each row starts at -0.0, which added to any float returns
    it unchanged, and ``alpha`` is 1.0, so each entry is exactly
    ``x_i * x_j`` when no ``x_j`` is zero.
    """
    rank_one_update = _PACKED_RANK_ONE_UPDATE[X.dtype.char]
    n_features = X.shape[1]
    row_bytes = out.shape[1] * out.itemsize
    chunk = max(1, _FILL_BYTES // row_bytes)

    for start in range(0, X.shape[0], chunk):
        rows = slice(start, start + chunk)
        out[rows] = -0.0
        for x, row in zip(X[rows], out[rows], strict=True):
            # positional arguments (incx, offx, lower, overwrite_ap) spare
            # a microsecond of keyword parsing per row
            rank_one_update(n_features, 1.0, x, row, 1, 0, 1, 1)


def _column_products(X, out, offset):
    """Fill the output with one numpy product per input column.

    Column ``i`` multiplies the columns from ``i + offset`` on into a
    contiguous run of each output row.
    """
    n_features = X.shape[1]
    start = 0

    for i in range(n_features - offset):
        stop = start + n_features - i - offset
        np.multiply(X[:, i : i + 1], X[:, i + offset :], out=out[:, start:stop])
        start = stop
