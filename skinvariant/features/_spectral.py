"""Invariants of cyclic shifts read from the Fourier coefficients of a row.

A cyclic shift of an image by ``s`` multiplies its Fourier coefficient at
frequency ``k`` by the phase ``exp(-2 pi i k.s / shape)``. Products of
coefficients whose frequencies add up to zero see these phases cancel, so
they are shift invariant: the power spectrum (a coefficient times its
conjugate) and the bispectrum (three coefficients).

Computed naively, the features of a shifted image would differ from those
of the original by rounding, since the FFT adds the same terms in another
order. To make the invariance exact, every row is first replaced by a
canonical member of its orbit under shifts and inversion, whose bits do not
depend on which member came in; the Fourier transform of that member is
then the same for the whole orbit.
"""

import numpy as np
from sklearn.utils.validation import _check_feature_names_in, check_is_fitted

from skinvariant.features._base import (
    InvariantTransformer,
    check_image_shape,
    validate_features,
)
from skinvariant.features._canonical import canonical_members
from skinvariant.groups import CyclicShift, SignFlip

# Rows are transformed in chunks of this many, to bound the memory held by
# the complex spectra.
_CHUNK_ROWS = 4096


def _all_frequencies(shape):
    """Every frequency of an image of `shape`, in C order, one per row."""
    return np.indices(shape).reshape(len(shape), -1).T


def _flat(frequencies, shape):
    """Flat C-order index of each frequency (last axis), modulo `shape`."""
    wrapped = np.mod(frequencies, shape)
    return np.ravel_multi_index(tuple(np.moveaxis(wrapped, -1, 0)), shape)


def _format_frequency(frequency):
    return "(" + ",".join(str(int(k)) for k in frequency) + ")"


class _FourierInvariant(InvariantTransformer):
    """Shared fitting, chunking and exact spectra of the Fourier invariants.

    A subclass implements ``_fit_frequencies()`` (set fitted attributes
    that depend on `image_shape_`), ``_n_output_features()``,
    ``_feature_names()`` and ``_features(spectrum, candidates, signs)``,
    which turns the Fourier coefficients of the canonical members into
    output columns.
    """

    _parameter_constraints: dict = {"image_shape": [None, "array-like"]}

    def _fit_n_features(self, n_features):
        self.image_shape_ = check_image_shape(self.image_shape, n_features)
        self._fit_frequencies()

    def transform(self, X):
        """Compute the shift invariant features of each row of `X`.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Rows to transform, each read as an image of `image_shape_`.
            Float32 stays float32; other numeric types are computed in
            float64.

        Returns
        -------
        X_out : ndarray of shape (n_samples, n_features_out)
            The features, in the order of `get_feature_names_out`.
        """
        check_is_fitted(self)
        X = validate_features(self, X, reset=False)

        group = CyclicShift(self.image_shape_) * SignFlip()
        indices, signs = group.signed_permutations(X.shape[1])

        out = np.empty((X.shape[0], self._n_output_features()), dtype=X.dtype)
        for start in range(0, X.shape[0], _CHUNK_ROWS):
            rows = slice(start, start + _CHUNK_ROWS)
            spectrum, candidates = self._canonical_spectrum(X[rows], indices, signs)
            out[rows] = self._features(spectrum, candidates, signs[:, 0])
        return out

    def _canonical_spectrum(self, X, indices, signs):
        """Orthonormal Fourier coefficients of each row's canonical member."""
        members, candidates = canonical_members(X, indices, signs)
        images = members.reshape(-1, *self.image_shape_)
        axes = tuple(range(1, images.ndim))
        spectrum = np.fft.fftn(images, axes=axes, norm="ortho")
        return spectrum.reshape(X.shape[0], -1), candidates

    def get_feature_names_out(self, input_features=None):
        """Get output feature names, named after their frequencies.

        Parameters
        ----------
        input_features : array-like of str or None, default=None
            Only checked against the names seen in :term:`fit`; the output
            features mix all inputs and are named after frequencies.

        Returns
        -------
        feature_names_out : ndarray of str objects
            Output feature names.
        """
        check_is_fitted(self)
        _check_feature_names_in(self, input_features)
        return np.asarray(self._feature_names(), dtype=object)


class PowerSpectrumFeatures(_FourierInvariant):
    """Power in each pair of opposite frequencies, invariant under cyclic shifts.

    Each row is read as an image on a torus and decomposed by the discrete
    Fourier transform. The frequencies ``k`` and ``-k`` of a real image
    carry complex conjugate coefficients and together span one irreducible
    subspace of the shifts; the squared norm of the image's projection on
    that subspace is one feature. A cyclic shift only rotates the phase
    within each subspace, so every feature is invariant under shifts, and,
    being quadratic, under the inversion ``x -> -x`` as well.

    The features lose the phases, hence information: many images that are
    not shifts of each other, such as an image and its point reflection,
    share their power spectrum. :class:`BispectrumFeatures` keeps it.

    Parameters
    ----------
    image_shape : tuple of int or None, default=None
        Shape of the image a row of `X` is read as, in C (row-major) order;
        the product of its entries must equal `n_features`. None reads a
        row as a 1-D cyclic signal.

    Attributes
    ----------
    image_shape_ : tuple of int
        The resolved image shape.

    frequencies_ : ndarray of shape (n_features_out, n_dims)
        One frequency ``k`` per output column, the first of ``k`` and
        ``-k`` (modulo `image_shape_`) in C order.

    n_features_in_ : int
        Number of features seen during :term:`fit`.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during :term:`fit`. Defined only when `X`
        has feature names that are all strings.

    See Also
    --------
    BispectrumFeatures : Complete shift invariants.
    OrbitCanonicalizer : Complete invariants of any finite group.
    NeighborProductFeatures : Products of neighbouring pixels, which a shift
        permutes rather than leaves unchanged.

    Notes
    -----
    Output column ``j``, named ``"power(0,1)"`` for ``k = (0, 1)``, is
    ``w |F(k)|**2`` with ``F`` the orthonormal discrete Fourier transform
    of the image and ``w = 1`` when ``k = -k`` (modulo the shape), else
    ``w = 2``. The columns add up to the squared norm of the row
    (Parseval). There are ``(n + m) / 2`` of them for ``n`` pixels, ``m``
    of which are their own opposite (``m = 2**n_dims`` when every side is
    even).

    Exact invariance: for every cyclic shift and inversion ``g``,
    ``transform(g X)`` equals ``transform(X)`` bit for bit. The transform
    is computed from the lexicographically largest member of the row's
    orbit under shifts and inversion (see :class:`OrbitCanonicalizer`),
    which is the same bits for every member of the orbit; an FFT of the row
    as given would only agree to rounding. The point reflection
    ``x(n) -> x(-n)`` conjugates every coefficient, so it leaves the
    features unchanged too, but only up to rounding.

    Cost: one FFT per row plus the canonical member, which takes about
    ``2 * n_features`` comparisons per row and per leading column needed to
    break ties between shifts. The canonical member reads the rows through
    index tables of all ``2 * n_features`` shifts and inversions: building
    them takes about ``45 * n_features**2`` bytes at peak, two thirds of
    which stay cached for the image shape. That is 28 MB for 28x28
    images, 0.75 GB for 64x64 and 12 GB for 128x128, far more than a
    plain FFT needs.

    References
    ----------
    .. [1] D. L. Bergman, "Symmetry constrained machine learning", 2019.
       Section IV.B describes the norms within the irreducible parts of the
       input as the natural quadratic invariants, and their incompleteness.

    Examples
    --------
    >>> import numpy as np
    >>> from skinvariant import PowerSpectrumFeatures
    >>> X = np.array([[1.0, 2.0, 0.0, 0.0], [0.0, 1.0, 2.0, 0.0]])
    >>> transformer = PowerSpectrumFeatures().fit(X)
    >>> transformer.transform(X)
    array([[2.25, 2.5 , 0.25],
           [2.25, 2.5 , 0.25]])
    >>> transformer.get_feature_names_out()
    array(['power(0)', 'power(1)', 'power(2)'], dtype=object)
    """

    def __init__(self, image_shape=None):
        self.image_shape = image_shape

    def _fit_frequencies(self):
        frequencies = _all_frequencies(self.image_shape_)
        flat = _flat(frequencies, self.image_shape_)
        opposite = _flat(-frequencies, self.image_shape_)
        self.frequencies_ = frequencies[flat <= opposite]

    def _n_output_features(self):
        return len(self.frequencies_)

    def _feature_names(self):
        return [f"power{_format_frequency(k)}" for k in self.frequencies_]

    def _features(self, spectrum, candidates, signs):
        flat = _flat(self.frequencies_, self.image_shape_)
        opposite = _flat(-self.frequencies_, self.image_shape_)
        weight = np.where(flat == opposite, 1.0, 2.0).astype(spectrum.real.dtype)

        coefficients = spectrum[:, flat]
        return weight * (coefficients.real**2 + coefficients.imag**2)


class BispectrumFeatures(_FourierInvariant):
    """Triple products of Fourier coefficients: complete cyclic shift invariants.

    Each row is read as an image on a torus with discrete Fourier transform
    ``F``. For three frequencies adding up to zero, the product
    ``F(k1) F(k2) F(k3)`` does not change when the image is shifted: the
    three phases a shift introduces cancel. Unlike the power spectrum,
    these products keep the relative phases of the coefficients, and a
    small set of them already determines the image up to a shift: the
    features are a complete invariant of the cyclic shifts for generic
    images.

    The products are cubic, hence odd under the inversion ``x -> -x``:
    inverting the image negates every feature. When inversion is a
    symmetry too, pass ``sign_invariant=True``.

    Parameters
    ----------
    image_shape : tuple of int or None, default=None
        Shape of the image a row of `X` is read as, in C (row-major) order;
        the product of its entries must equal `n_features`. None reads a
        row as a 1-D cyclic signal.

    sign_invariant : bool, default=False
        If False, the features are the bispectrum of the row, invariant
        under shifts and odd under inversion. If True, they are the
        bispectrum of whichever of the row and its inversion has the
        positive sum (the zero frequency); the result is invariant under
        shifts and inversion, and complete for both together.

    Attributes
    ----------
    image_shape_ : tuple of int
        The resolved image shape.

    triples_ : ndarray of shape (n_triples, 3, n_dims)
        The frequencies ``(k1, k2, k3)`` of every product, adding up to
        zero modulo `image_shape_`.

    n_features_in_ : int
        Number of features seen during :term:`fit`.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during :term:`fit`. Defined only when `X`
        has feature names that are all strings.

    See Also
    --------
    PowerSpectrumFeatures : Quadratic shift invariants, incomplete.
    OrbitCanonicalizer : Complete invariants of any finite group, not
        continuous.
    SignCanonicalFeatures : A complete invariant of the inversion.

    Notes
    -----
    **Which products.** The triple ``(0, 0, 0)`` and, for every image axis
    with unit frequency ``e`` and every frequency ``k``, the triple
    ``(e, k, -e-k)``; a triple listed twice (the product does not depend
    on the order of its frequencies) is kept once. Each triple gives two
    columns, the real and the imaginary part, named
    ``"bispectrum((1,0),(2,3),(5,5)).real"`` and ``".imag"``, except for
    triples closed under negation, whose product is always real. That is
    about ``n_dims * n_features + 1`` columns; ``F`` is orthonormal.

    **Completeness.** Going from ``k`` to ``k + e`` along an axis, the
    product ``F(e) F(k) F(-e-k)`` gives the next coefficient from the
    previous two, as long as none of them is zero. Starting from
    ``F(0)**3`` and ``|F(e)|**2 F(0)``, this rebuilds every coefficient up
    to one free phase per axis, and walking once around the torus pins
    that phase down to a multiple of ``2 pi / image_shape[axis]``: exactly
    the ambiguity of an integer shift. Images with vanishing Fourier
    coefficients (exactly symmetric or periodic images, for instance) can
    share features without being shifts of each other.

    **Inversion.** With ``sign_invariant=False``, ``transform(-X)`` equals
    ``-transform(X)`` bit for bit. With ``sign_invariant=True`` the
    features are continuous except where the sum of the row crosses zero;
    for images on a uniform background the sign of the sum reads the
    background's polarity. Following :class:`SignCanonicalFeatures` by this
    transformer would not do: its reference pixel moves with a shift when
    the largest magnitude is tied, which saturated images always are.

    **Exact invariance.** For every cyclic shift ``g``, ``transform(g X)``
    equals ``transform(X)`` bit for bit, and so does ``transform(-X)``
    with ``sign_invariant=True``. The products are computed from the
    lexicographically largest member of the row's orbit under shifts and
    inversion, which has the same bits for every member of the orbit, and
    multiplied by the sign that relates that member to the row: ``+1``,
    ``-1``, or ``0`` when both signs relate them, which happens only when
    the row is minus a shift of itself and every feature is zero.

    Cost: one FFT and a few products per row, plus the canonical member
    (see :class:`PowerSpectrumFeatures`).

    References
    ----------
    .. [1] D. L. Bergman, "Symmetry constrained machine learning", 2019.
       Section IV.B calls for invariant encodings that are complete rather
       than the norms of the irreducible parts.

    Examples
    --------
    >>> import numpy as np
    >>> from skinvariant import BispectrumFeatures
    >>> X = np.array([[1.0, 2.0, 4.0], [4.0, 1.0, 2.0], [-1.0, -2.0, -4.0]])
    >>> transformer = BispectrumFeatures().fit(X)
    >>> transformer.get_feature_names_out()
    array(['bispectrum((0),(0),(0)).real', 'bispectrum((1),(0),(2)).real',
           'bispectrum((1),(1),(1)).real', 'bispectrum((1),(1),(1)).imag'],
          dtype=object)
    >>> transformer.transform(X).round(3)
    array([[ 66.01 ,   9.43 ,   1.925,   3.   ],
           [ 66.01 ,   9.43 ,   1.925,   3.   ],
           [-66.01 ,  -9.43 ,  -1.925,  -3.   ]])
    >>> BispectrumFeatures(sign_invariant=True).fit_transform(X)[2].round(3)
    array([66.01 ,  9.43 ,  1.925,  3.   ])
    """

    _parameter_constraints: dict = {
        **_FourierInvariant._parameter_constraints,
        "sign_invariant": ["boolean"],
    }

    def __init__(self, image_shape=None, sign_invariant=False):
        self.image_shape = image_shape
        self.sign_invariant = sign_invariant

    def _fit_frequencies(self):
        shape = self.image_shape_
        zero = np.zeros(len(shape), dtype=np.intp)
        triples, seen = [], set()

        def add(k1, k2):
            triple = np.stack([k1, k2, np.mod(-(k1 + k2), shape)])
            key = tuple(sorted(_flat(triple, shape).tolist()))
            if key not in seen:
                seen.add(key)
                triples.append(triple)

        add(zero, zero)
        for axis in range(len(shape)):
            unit = np.eye(len(shape), dtype=np.intp)[axis] % shape
            for k in _all_frequencies(shape):
                add(unit, k)
        self.triples_ = np.stack(triples)

    def _real_only(self):
        """Whether each triple is closed under negation (real product)."""
        shape = self.image_shape_
        keys = np.sort(_flat(self.triples_, shape), axis=1)
        negated = np.sort(_flat(-self.triples_, shape), axis=1)
        return (keys == negated).all(axis=1)

    def _n_output_features(self):
        return 2 * len(self.triples_) - int(self._real_only().sum())

    def _feature_names(self):
        names = []
        for triple, real_only in zip(self.triples_, self._real_only(), strict=True):
            label = ",".join(_format_frequency(k) for k in triple)
            names.append(f"bispectrum({label}).real")
            if not real_only:
                names.append(f"bispectrum({label}).imag")
        return names

    def _features(self, spectrum, candidates, signs):
        flat = _flat(self.triples_, self.image_shape_)
        products = spectrum[:, flat[:, 0]] * spectrum[:, flat[:, 1]]
        products *= spectrum[:, flat[:, 2]]

        # one column per real part, then one per imaginary part if any
        real_only = self._real_only()
        widths = np.where(real_only, 1, 2)
        columns = np.cumsum(widths) - widths

        dtype = spectrum.real.dtype
        out = np.empty((spectrum.shape[0], self._n_output_features()), dtype=dtype)
        out[:, columns] = products.real
        out[:, columns[~real_only] + 1] = products[:, ~real_only].imag

        out *= self._row_signs(spectrum, candidates, signs).astype(dtype)[:, None]
        return out

    def _row_signs(self, spectrum, candidates, signs):
        """The sign relating each row to the member its features come from."""
        if self.sign_invariant:
            # Bispectrum of whichever of +-member has the positive sum.
            total = np.sign(spectrum[:, 0].real)
            return np.where(total == 0, 1.0, total)

        # The member is +-(a shift of the row); when both signs occur, the
        # row is minus a shift of itself and its bispectrum vanishes.
        positive = (candidates & (signs == 1)).any(axis=1)
        negative = (candidates & (signs == -1)).any(axis=1)
        return positive.astype(float) - negative.astype(float)
