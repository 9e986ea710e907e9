"""Complete invariants that map every row to a canonical member of its orbit.

A function that picks, from the orbit of a row, one member by a rule that
depends only on the orbit is exactly invariant: every member of the orbit
gets the same answer. It is also complete: two rows with the same answer
share that member, hence the whole orbit. Both transformers here follow
that recipe, with different rules for picking the member.
"""

import numpy as np
from sklearn.base import OneToOneFeatureMixin
from sklearn.utils.validation import check_is_fitted

from skinvariant.features._base import InvariantTransformer, validate_features
from skinvariant.groups import FiniteGroup, check_group

# Orbit entries compared at a time: rows are processed in chunks of about
# this many (row, group element) pairs, which bounds the working memory.
_CHUNK_PAIRS = 1 << 18


def lexmax_candidates(X, indices, signs):
    """Mark the group elements that map each row to its largest orbit member.

    Members of an orbit are compared lexicographically: by their first
    entry, then by the second among those tied on the first, and so on.
    The comparison reads one column of every still-tied member at a time,
    through the signed permutations, so the orbit is never materialised.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
        Finite floating point rows.

    indices, signs : ndarray of shape (order, n_features)
        The action of the group, see ``FiniteGroup.signed_permutations``.

    Returns
    -------
    candidates : ndarray of shape (n_samples, order), dtype bool
        ``candidates[i, k]`` tells whether element ``k`` maps row ``i`` to
        its lexicographically largest orbit member. Several elements are
        marked when the row has a non-trivial stabiliser.
    """
    n_samples, order = X.shape[0], indices.shape[0]
    candidates = np.ones((n_samples, order), dtype=bool)
    float_signs = signs.astype(X.dtype)

    chunk = max(1, _CHUNK_PAIRS // order)
    for start in range(0, n_samples, chunk):
        rows = slice(start, start + chunk)
        _narrow_candidates(X[rows], indices, float_signs, candidates[rows])
    return candidates


def _narrow_candidates(X, indices, signs, candidates):
    """Keep, column by column, the elements giving the largest entry."""
    active = np.arange(X.shape[0])

    for column in range(X.shape[1]):
        # entry `column` of every orbit member of the rows still tied
        values = X[active[:, np.newaxis], indices[:, column]]
        values *= signs[:, column]

        keep = candidates[active]
        values[~keep] = -np.inf
        keep &= values == values.max(axis=1, keepdims=True)
        candidates[active] = keep

        # a row is settled as soon as a single element is left
        active = active[keep.sum(axis=1) > 1]
        if active.size == 0:
            return


def canonical_members(X, indices, signs):
    """Return the lexicographically largest orbit member of every row.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
        Finite floating point rows.

    indices, signs : ndarray of shape (order, n_features)
        The action of the group, see ``FiniteGroup.signed_permutations``.

    Returns
    -------
    members : ndarray of shape (n_samples, n_features)
        The canonical members, with the dtype of `X`. Zeros are written as
        ``+0.0``, so rows of one orbit give bitwise equal members.

    candidates : ndarray of shape (n_samples, order), dtype bool
        The elements mapping each row to its member, see
        :func:`lexmax_candidates`.
    """
    candidates = lexmax_candidates(X, indices, signs)
    element = candidates.argmax(axis=1)

    rows = np.arange(X.shape[0])[:, np.newaxis]
    members = np.ascontiguousarray(X[rows, indices[element]])
    members *= signs[element].astype(X.dtype)

    # Members tied in value may still differ in the sign of a zero.
    members += 0.0
    return members, candidates


class _CanonicalTransformer(OneToOneFeatureMixin, InvariantTransformer):
    """The canonical transformers keep the names of their input columns."""


class SignCanonicalFeatures(_CanonicalTransformer):
    """Flip each row so that its largest-magnitude entry is positive.

    Every row ``x`` is multiplied by the sign of its reference entry, the
    entry of largest absolute value (the first one, in column order, when
    several share that value). The rows ``x`` and ``-x`` have the same
    reference entry with opposite signs, so both are mapped to the same
    row: the output is invariant under the inversion ``x -> -x``. Unlike
    products of pairs it loses nothing else: two rows give the same output
    exactly when they are equal or opposite, so the map is a complete
    invariant of the inversion.

    Attributes
    ----------
    n_features_in_ : int
        Number of features seen during :term:`fit`.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during :term:`fit`. Defined only when `X`
        has feature names that are all strings.

    See Also
    --------
    OrbitCanonicalizer : Canonical orbit members for any finite group.
    QuadraticFeatures : All products of two inputs, complete up to a global
        sign but quadratic in size.
    BispectrumFeatures : Complete invariants of cyclic shifts.

    Notes
    -----
    Output column ``j`` is ``X[:, j] * s`` with ``s`` in ``{-1, +1}`` chosen
    per row, so the output keeps the names of the input columns.

    Exact invariance: ``transform(-X)`` equals ``transform(X)`` bit for
    bit. ``|-x|`` and ``|x|`` are equal bit for bit, so both rows pick the
    same reference entry, and multiplying by -1 only moves sign bits.
    Zeros are written as ``+0.0`` in the output.

    The map is discontinuous where the choice of reference entry can jump:
    at rows whose largest magnitude is shared by entries of opposite signs,
    an arbitrarily small change of either entry flips the whole output
    row. All-zero rows have no sign to read and are returned as zeros.
    Images scaled to ``[-1, 1]`` with saturated pixels of both colours sit
    exactly on such ties; the rule then takes the first saturated pixel in
    reading order (for digits, usually a background corner), which is
    stable as long as that pixel is.

    No product features are formed, so the output has as many columns as
    the input, and a model on it sees the pixels themselves, up to one
    sign per row.

    References
    ----------
    .. [1] D. L. Bergman, "Symmetry constrained machine learning", 2019.
       Section IV.B argues for invariant encodings that are complete, that
       is, lose no information beyond the symmetry.

    Examples
    --------
    >>> import numpy as np
    >>> from skinvariant import SignCanonicalFeatures
    >>> X = np.array([[1.0, -3.0, 2.0], [-1.0, 3.0, -2.0]])
    >>> SignCanonicalFeatures().fit_transform(X)
    array([[-1.,  3., -2.],
           [-1.,  3., -2.]])
    """

    _parameter_constraints: dict = {}

    def transform(self, X):
        """Multiply each row by the sign of its largest-magnitude entry.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Rows to transform. Float32 stays float32; other numeric types
            are computed in float64.

        Returns
        -------
        X_out : ndarray of shape (n_samples, n_features)
            The canonical rows.
        """
        check_is_fitted(self)
        X = validate_features(self, X, reset=False)

        reference = np.argmax(np.abs(X), axis=1)
        signs = np.sign(X[np.arange(X.shape[0]), reference])
        signs[signs == 0] = 1

        # A C-ordered output whatever the input's layout: downstream matrix
        # products round differently on other layouts, which would break
        # the invariance of a pipeline fed X and a transform of X.
        out = np.multiply(X, signs[:, np.newaxis], order="C")
        out += 0.0
        return out


class OrbitCanonicalizer(_CanonicalTransformer):
    """Replace each row by the largest member of its orbit under a group.

    For a finite group acting on the rows, the orbit of ``x`` is the set of
    its transforms ``g x``. Each row is replaced by the member of its orbit
    that is largest in lexicographic order (compare first entries, then
    second entries among ties, and so on). All members of an orbit share
    their largest member, so the output is exactly invariant under the
    group; and the output is itself a member of the orbit, so two rows give
    the same output only if one is a transform of the other. The map is a
    complete invariant.

    Parameters
    ----------
    group : str or FiniteGroup, default="sign_flip"
        The symmetry group: ``"sign_flip"`` for the inversion ``x -> -x``,
        or a group object from :mod:`skinvariant.groups`, such as
        ``CyclicShift((8, 8)) * SignFlip()``.

    Attributes
    ----------
    group_ : FiniteGroup
        The group object resolved from `group`.

    n_features_in_ : int
        Number of features seen during :term:`fit`.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during :term:`fit`. Defined only when `X`
        has feature names that are all strings.

    See Also
    --------
    SignCanonicalFeatures : A complete inversion invariant that is
        continuous away from ties of the largest entries.
    PowerSpectrumFeatures : Smooth shift invariants, incomplete.
    BispectrumFeatures : Smooth and complete shift invariants.

    Notes
    -----
    Exact invariance: for every element ``g`` of the group,
    ``transform(g X)`` equals ``transform(X)`` bit for bit. The group acts
    by signed permutations, which move values without rounding, and the
    comparisons are exact; zeros are written as ``+0.0``.

    The map is discontinuous wherever two orbit members tie on their
    leading entries: for the inversion alone, at rows whose first non-zero
    entry is close to zero. A model downstream then sees nearby inputs
    mapped far apart; :class:`SignCanonicalFeatures` is the more robust
    choice for the inversion alone.

    Cost: the members are compared column by column, only while they are
    tied, so the time is about ``n_samples * order`` times the number of
    leading columns needed to break the ties (all ``n_features`` columns in
    the worst case, e.g. for constant images), and the memory is
    ``n_samples * order`` booleans.

    References
    ----------
    .. [1] D. L. Bergman, "Symmetry constrained machine learning", 2019.
       Section IV.B argues for invariant encodings that are complete, that
       is, lose no information beyond the symmetry.

    Examples
    --------
    >>> import numpy as np
    >>> from skinvariant import OrbitCanonicalizer
    >>> from skinvariant.groups import CyclicShift
    >>> X = np.array([[1.0, 3.0, 2.0], [2.0, 1.0, 3.0]])
    >>> OrbitCanonicalizer(group=CyclicShift((3,))).fit_transform(X)
    array([[3., 2., 1.],
           [3., 2., 1.]])
    """

    _parameter_constraints: dict = {"group": [str, FiniteGroup]}

    def __init__(self, group="sign_flip"):
        self.group = group

    def _fit_n_features(self, n_features):
        self.group_ = check_group(self.group)
        self.group_.check_n_features(n_features)

    def transform(self, X):
        """Replace each row by the largest member of its orbit.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Rows to transform. Float32 stays float32; other numeric types
            are computed in float64.

        Returns
        -------
        X_out : ndarray of shape (n_samples, n_features)
            The canonical orbit members.
        """
        check_is_fitted(self)
        X = validate_features(self, X, reset=False)
        indices, signs = self.group_.signed_permutations(X.shape[1])
        members, _ = canonical_members(X, indices, signs)
        return members
