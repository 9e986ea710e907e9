"""Finite groups that act on rows of features by signed permutations."""

import functools
import numbers

import numpy as np
from scipy import sparse


class FiniteGroup:
    """Base class for finite groups acting on rows by signed permutations.

    Every group in :mod:`skinvariant.groups` maps a row ``x`` of
    ``n_features`` values to ``x[indices] * signs`` for one index array and
    one sign array per element. Subclasses describe themselves through
    ``_key`` (the constructor arguments, used for equality, hashing, repr
    and pickling), ``order``, ``element_names`` and
    ``_build_signed_permutations``.

    Groups are immutable: they are used as estimator parameters, and
    scikit-learn's ``clone`` and ``GridSearchCV`` expect parameters that do
    not change behind their back.

    See Also
    --------
    SignFlip : The grayscale inversion.
    DirectProduct : Combine commuting groups.

    Examples
    --------
    Every concrete group shares this interface:

    >>> import numpy as np
    >>> from skinvariant.groups import FiniteGroup, SignFlip
    >>> group = SignFlip()
    >>> isinstance(group, FiniteGroup)
    True
    >>> indices, signs = group.signed_permutations(3)
    >>> signs
    array([[ 1,  1,  1],
           [-1, -1, -1]], dtype=int8)
    >>> group.orbit(np.array([[0.5, -1.0, 2.0]]))[1]
    array([[-0.5,  1. , -2. ]])
    """

    __slots__ = ()

    # -- identity and value semantics -------------------------------------

    def _key(self):
        """Return the constructor arguments as a tuple."""
        return ()

    def __setattr__(self, name, value):
        raise AttributeError(f"{type(self).__name__} objects are immutable.")

    def __eq__(self, other):
        return type(self) is type(other) and self._key() == other._key()

    def __hash__(self):
        return hash((type(self).__name__, self._key()))

    def __reduce__(self):
        return (type(self), self._key())

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self._repr_items())
        return f"{type(self).__name__}({args})"

    def _repr_items(self):
        return []

    def __len__(self):
        return self.order

    def __mul__(self, other):
        from skinvariant.groups._product import DirectProduct

        if not isinstance(other, FiniteGroup):
            return NotImplemented
        return DirectProduct(self, other)

    # -- what subclasses provide ------------------------------------------

    @property
    def order(self):
        """Number of elements of the group."""
        raise NotImplementedError

    @property
    def element_names(self):
        """Readable names of the elements; index 0 is the identity."""
        raise NotImplementedError

    def check_n_features(self, n_features):
        """Raise a ValueError if the group cannot act on rows of this length.

        Parameters
        ----------
        n_features : int
            Length of the rows the group should act on.
        """

    def _build_signed_permutations(self, n_features):
        raise NotImplementedError

    # -- the action --------------------------------------------------------

    def signed_permutations(self, n_features):
        """Return the action of every element as index and sign arrays.

        Element ``k`` maps a row ``x`` to ``x[indices[k]] * signs[k]``.
        Element 0 is the identity.

        Parameters
        ----------
        n_features : int
            Length of the rows the group acts on.

        Returns
        -------
        indices : ndarray of shape (order, n_features), dtype intp
            Read-only gather indices.
        signs : ndarray of shape (order, n_features), dtype int8
            Read-only signs, each +1 or -1.
        """
        n_features = _check_n_features_value(n_features)
        self.check_n_features(n_features)
        return _cached_signed_permutations(self, n_features)

    def apply(self, X, element):
        """Transform every row of `X` by one group element.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Input rows. Floating dtypes are kept; other dtypes are
            converted to float64.
        element : int
            Index of the element, from 0 (the identity) to ``order - 1``.

        Returns
        -------
        X_new : ndarray of shape (n_samples, n_features)
            A new array; `X` is never modified nor returned as a view.
        """
        X = _as_float_rows(X)
        element = self._check_element(element)
        indices, signs = self.signed_permutations(X.shape[1])
        return _gather_with_signs(X, indices[element], signs[element])

    def orbit(self, X):
        """Transform every row of `X` by every group element.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Input rows.

        Returns
        -------
        orbit : ndarray of shape (order, n_samples, n_features)
            ``orbit[k]`` equals ``apply(X, k)``; ``orbit[0]`` is a copy of
            `X`.
        """
        X = _as_float_rows(X)
        indices, signs = self.signed_permutations(X.shape[1])

        out = np.empty((self.order, *X.shape), dtype=X.dtype)
        for k in range(self.order):
            out[k] = _gather_with_signs(X, indices[k], signs[k])
        return out

    def _check_element(self, element):
        if isinstance(element, bool) or not isinstance(element, numbers.Integral):
            raise TypeError(
                f"`element` must be an integer index into the group's elements; "
                f"got {element!r}."
            )
        if not 0 <= element < self.order:
            raise ValueError(
                f"`element` must be in [0, {self.order - 1}] for {self!r}; "
                f"got {element}."
            )
        return int(element)


@functools.lru_cache(maxsize=64)
def _cached_signed_permutations(group, n_features):
    # Groups are immutable and hashable, so their action on a given row
    # length can be built once and shared; the arrays are made read-only so
    # that no caller can corrupt the cache.
    indices, signs = group._build_signed_permutations(n_features)
    indices = np.ascontiguousarray(indices, dtype=np.intp)
    signs = np.ascontiguousarray(signs, dtype=np.int8)
    indices.setflags(write=False)
    signs.setflags(write=False)
    return indices, signs


def _gather_with_signs(X, indices, signs):
    # Fancy indexing always copies, so the result never aliases X.
    out = X[:, indices]
    if signs.min() < 0:
        # Multiplying by -1 only flips the sign bit, so this is exact.
        np.multiply(out, signs.astype(X.dtype), out=out)
    return out


def _as_float_rows(X):
    if sparse.issparse(X):
        raise TypeError(
            "`X` must be a dense array; convert it with X.toarray(). Got a "
            f"sparse {X.format} matrix of shape {X.shape}."
        )
    X = np.asarray(X)
    if X.ndim != 2:
        raise ValueError(
            "`X` must be a 2-D array of shape (n_samples, n_features); "
            f"got an array with shape {X.shape}."
        )
    if X.dtype.kind == "f":
        return X

    # Object arrays come from pandas' nullable dtypes and may hold numbers;
    # complex data would lose its imaginary part, so it is refused.
    if X.dtype.kind in "biuO":
        try:
            return X.astype(np.float64)
        except (TypeError, ValueError):
            pass
    raise TypeError(
        f"`X` must hold booleans, integers or real floats; got dtype {X.dtype}."
    )


def _check_n_features_value(n_features):
    if isinstance(n_features, bool) or not isinstance(n_features, numbers.Integral):
        raise TypeError(f"`n_features` must be an integer; got {n_features!r}.")
    if n_features < 1:
        raise ValueError(f"`n_features` must be at least 1; got {n_features}.")
    return int(n_features)
