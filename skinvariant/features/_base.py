"""Shared machinery of the invariant feature transformers.

Every transformer here maps a row ``x`` to products ``x[left[k]] * x[right[k]]``
of pairs of its entries. Such products are even functions of ``x``, which is
what makes them invariant under the inversion ``x -> -x``. This module holds
what the transformers share: input validation, readable feature names built
from input names, row blocking, and the base classes that tie them together.
"""

import contextlib
import json
import math
import numbers
import re

import numpy as np
from scipy import sparse
from sklearn import get_config
from sklearn.base import BaseEstimator, TransformerMixin, _fit_context
from sklearn.utils.validation import (
    _check_feature_names_in,
    check_is_fitted,
    validate_data,
)

FLOAT_DTYPES = (np.float64, np.float32)

# Work on about this many bytes of input at a time, so that the rows in use
# stay in a core's L2 cache while their products are written.
_BLOCK_BYTES = 256 * 1024

# A name made only of these characters needs no quoting: it cannot contain
# the `*` and `^` that join names, nor the `"` that opens a quoted name.
_BARE_NAME = re.compile(r"[\w.\-]+")


def validate_features(
    estimator, X, *, reset, accept_sparse=False, ensure_all_finite=True
):
    """Validate `X` as a finite float32 or float64 array for `estimator`.

    Float32 input stays float32; any other numeric input (integers, booleans)
    is converted to float64, where products cannot overflow and the products
    of 8 to 26 bit integers are exact. Sparse input raises a
    TypeError that names the fix unless `accept_sparse` lists its format.
    With ``ensure_all_finite=False`` the caller checks finiteness itself,
    e.g. block by block with :func:`check_finite_rows`.
    """
    if sparse.issparse(X) and not accept_sparse:
        raise TypeError(
            f"{type(estimator).__name__} needs dense input, but `X` is a sparse "
            f"{X.format} matrix of shape {X.shape}; convert it with X.toarray() "
            "(the output is dense and at least as large anyway)."
        )
    return validate_data(
        estimator,
        X,
        reset=reset,
        accept_sparse=accept_sparse,
        dtype=FLOAT_DTYPES,
        ensure_all_finite=ensure_all_finite,
    )


def is_integer(value):
    """Whether `value` is an integer, booleans excluded."""
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def check_image_shape(image_shape, n_features):
    """Return `image_shape` as a tuple of ints whose product is `n_features`.

    None reads a row as a 1-D signal of `n_features` values.
    """
    if image_shape is None:
        return (n_features,)

    shape = tuple(np.ravel(image_shape).tolist()) if np.ndim(image_shape) == 1 else ()
    if not shape or not all(is_integer(size) and size >= 1 for size in shape):
        raise ValueError(
            "`image_shape` must be None or a non-empty tuple of positive "
            f"integers; got {image_shape!r}."
        )

    shape = tuple(int(size) for size in shape)
    if math.prod(shape) != n_features:
        raise ValueError(
            f"`image_shape`={shape} holds {math.prod(shape)} pixels, but X "
            f"has `n_features`={n_features}; the product of `image_shape` "
            f"must equal the number of features, got {image_shape!r}."
        )
    return shape


def check_finite_rows(estimator, X, first_row=0):
    """Raise a ValueError locating the first NaN or infinity of `X`, if any.

    Meant for a block of rows still in cache: a sum tells in one pass that
    all is finite, and only a non-finite sum (possibly an overflow of finite
    values) leads to the element-wise search.
    """
    with np.errstate(over="ignore", invalid="ignore"):
        if np.isfinite(X.sum()):
            return

    bad = np.argwhere(~np.isfinite(X))
    if bad.size:
        row, column = bad[0]
        raise ValueError(
            f"`X` must hold finite values for {type(estimator).__name__}; NaN "
            f"and infinity cannot be multiplied meaningfully, but "
            f"X[{first_row + row}, {column}] is {X[row, column]}."
        )


def format_feature_name(name):
    """Return `name`, quoted when it could be misread inside a product name.

    Names made of letters, digits, ``_``, ``.`` and ``-`` are kept as they
    are. Any other name (one with a space, ``*``, ``^``, a quote, or empty)
    is written as a JSON string literal, e.g. ``"pixel 3"``, so that the
    product names built from several names can always be split back
    unambiguously.
    """
    name = str(name)
    if _BARE_NAME.fullmatch(name):
        return name
    return json.dumps(name, ensure_ascii=False)


def product_feature_names(names, left, right):
    """Names ``a*b`` of the products of `names[left]` and `names[right]`.

    A product of a feature with itself is named ``a^2``. Distinct pairs of
    distinct input names give distinct output names.
    """
    quoted = [format_feature_name(name) for name in names]
    return np.asarray(
        [
            f"{quoted[i]}^2" if i == j else f"{quoted[i]}*{quoted[j]}"
            for i, j in zip(left.tolist(), right.tolist(), strict=True)
        ],
        dtype=object,
    )


def row_blocks(n_samples, bytes_per_row):
    """Slices cutting ``range(n_samples)`` into cache-sized blocks of rows."""
    block = max(1, _BLOCK_BYTES // max(1, bytes_per_row))
    return [slice(start, start + block) for start in range(0, n_samples, block)]


class InvariantTransformer(TransformerMixin, BaseEstimator):
    """Base class of the invariant feature transformers: fit and tags.

    A subclass sets `_parameter_constraints`, may override
    ``_fit_n_features(n_features)`` to check parameters that depend on the
    number of features and set its fitted attributes, and sets
    `_accept_sparse` to the sparse formats it takes, if any. Float32 and
    float64 are declared preserved.
    """

    _accept_sparse = False

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Check the input and the parameters against the number of features.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data; only its number of features (and its feature
            names) matter.

        y : None
            Ignored.

        Returns
        -------
        self : object
            Fitted transformer.
        """
        X = validate_features(self, X, reset=True, accept_sparse=self._accept_sparse)
        self._fit_n_features(X.shape[1])
        return self

    def _fit_n_features(self, n_features):
        pass

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        tags.input_tags.sparse = bool(self._accept_sparse)
        return tags


class PairProductTransformer(InvariantTransformer):
    """Base class of the transformers that output products of pairs of inputs.

    A subclass sets `_parameter_constraints`, overrides ``_fit_n_features``
    when it has fitted attributes (see :class:`InvariantTransformer`) and
    implements

    - ``_n_output_features()``: the number of output columns;
    - ``_pair_indices()``: the index arrays ``(left, right)`` such that output
      column ``k`` is ``X[:, left[k]] * X[:, right[k]]``;
    - ``_multiply_into(X, out)``: fill the preallocated `out` with those
      products, bit for bit equal to the gathered products; `X` is a block
      of rows small enough to stay in cache, already checked to be finite.

    It may override ``_multiply_context()``, a context manager entered once
    around all blocks, and ``_checked_multiply_into(X, out, first_row)``,
    which checks that the block is finite and multiplies it.

    A subclass that accepts sparse input sets `_accept_sparse` to the formats
    it takes and implements ``_multiply_sparse(X)``.

    The base class validates input, allocates the output and names the
    output features.
    """

    def transform(self, X):
        """Compute the invariant products of each row of `X`.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Rows to transform. Float32 stays float32; other numeric types
            are computed in float64.

        Returns
        -------
        X_out : ndarray of shape (n_samples, n_features_out)
            The products, in the order of `get_feature_names_out`.
        """
        check_is_fitted(self)
        X = validate_features(
            self,
            X,
            reset=False,
            accept_sparse=self._accept_sparse,
            ensure_all_finite=sparse.issparse(X),
        )
        if sparse.issparse(X):
            return self._multiply_sparse(X)

        # Check each block of rows while it is in cache for the products,
        # rather than in a pass of its own over the whole input; like
        # scikit-learn's check, skip it under assume_finite.
        check_finite = not get_config()["assume_finite"]
        out = self._allocate_output(X)
        with self._multiply_context():
            for rows in row_blocks(X.shape[0], X.shape[1] * X.itemsize):
                if check_finite:
                    self._checked_multiply_into(X[rows], out[rows], rows.start)
                else:
                    self._multiply_into(X[rows], out[rows])
        return out

    def get_feature_names_out(self, input_features=None):
        """Get output feature names, one ``a*b`` (or ``a^2``) per product.

        Parameters
        ----------
        input_features : array-like of str or None, default=None
            Input feature names. If None, `feature_names_in_` is used when
            defined, else ``x0, x1, ...``. Names other than letters, digits,
            ``_``, ``.`` and ``-`` are quoted, e.g. ``"pixel 3"*x4``.

        Returns
        -------
        feature_names_out : ndarray of str objects
            Output feature names, unique when the input names are unique.
        """
        check_is_fitted(self)
        names = _check_feature_names_in(self, input_features)
        left, right = self._pair_indices()
        return product_feature_names(names, left, right)

    def _checked_multiply_into(self, X, out, first_row):
        check_finite_rows(self, X, first_row)
        self._multiply_into(X, out)

    def _multiply_context(self):
        return contextlib.nullcontext()

    def _allocate_output(self, X):
        return np.empty((X.shape[0], self._n_output_features()), dtype=X.dtype)
