"""Shifts by a fraction of a sample: a continuous symmetry group.

A band-limited signal of odd length ``n`` on a circle can be shifted by
any real amount ``t`` by rotating the phase of each of its Fourier
coefficients: coefficient ``k`` (with ``|k| <= (n - 1) / 2``) is
multiplied by ``exp(-2 pi i k t / n)``. The maps ``S(t)`` are orthogonal,
compose as ``S(t) S(u) = S(t + u)``, and agree with the cyclic shift by
one sample at ``t = 1``: a one-parameter group, the simplest continuous
symmetry. An even length would leave the Nyquist coefficient, whose phase
cannot rotate while the signal stays real, so it is refused.

Training on copies of the data shifted by many fractions of a sample makes
the loss (nearly) invariant under all of ``S(t)``, and its minima then lie
on curves of equal loss: flat directions of the Hessian.
"""

import numbers

import numpy as np

from skinvariant.diagnostics._landscape import _check_network


def _check_odd_length(n_features):
    if (
        isinstance(n_features, bool)
        or not isinstance(n_features, numbers.Integral)
        or n_features < 1
        or n_features % 2 == 0
    ):
        raise ValueError(
            "`n_features` must be a positive odd integer: a fractional shift "
            "of an even-length real signal would have to rotate its Nyquist "
            f"coefficient, which must stay real; got {n_features!r}."
        )
    return int(n_features)


def _frequencies_and_lags(n_features):
    half = (n_features - 1) // 2
    frequencies = np.arange(-half, half + 1)
    lags = np.subtract.outer(np.arange(n_features), np.arange(n_features))
    return frequencies, lags


def fractional_shift_matrix(n_features, shift):
    """Matrix of the shift of a cyclic signal by a fraction of a sample.

    Band-limited (trigonometric) interpolation: the signal is read as the
    sum of its Fourier modes, each mode is shifted by `shift` samples, and
    the result is sampled again.

    Parameters
    ----------
    n_features : int
        Length of the signal; must be odd.

    shift : float
        Shift in samples; 1 is the cyclic shift by one sample, as
        ``numpy.roll(x, 1)``.

    Returns
    -------
    matrix : ndarray of shape (n_features, n_features)
        The orthogonal matrix ``S`` with ``S @ x`` the shifted signal; for
        the rows of a data matrix use ``X @ S.T``.

    See Also
    --------
    fractional_shift_generator : The derivative of ``S`` at zero shift.
    first_layer_losses : The loss along such a group of maps.

    Examples
    --------
    >>> import numpy as np
    >>> from skinvariant.diagnostics import fractional_shift_matrix
    >>> x = np.array([1.0, 2.0, 3.0])
    >>> np.round(fractional_shift_matrix(3, 1.0) @ x, 12)
    array([3., 1., 2.])
    >>> half = fractional_shift_matrix(3, 0.5)
    >>> bool(np.allclose(half @ half, fractional_shift_matrix(3, 1.0)))
    True
    """
    n_features = _check_odd_length(n_features)
    frequencies, lags = _frequencies_and_lags(n_features)

    # S[m, j] = (1/n) sum_k exp(2 pi i k (m - j - t) / n); the sum is real.
    angular = 2 * np.pi * frequencies / n_features
    phases = np.multiply.outer(lags - float(shift), angular)
    return np.cos(phases).sum(axis=-1) / n_features


def fractional_shift_generator(n_features):
    """Generator ``A`` of the fractional shifts, ``S(t) = expm(t A)``.

    Parameters
    ----------
    n_features : int
        Length of the signal; must be odd.

    Returns
    -------
    generator : ndarray of shape (n_features, n_features)
        The antisymmetric matrix ``dS/dt`` at ``t = 0``.

    See Also
    --------
    fractional_shift_matrix : The shifts themselves.
    first_layer_orbit_tangent : The direction this generator moves the
        weights of a network.

    Examples
    --------
    >>> import numpy as np
    >>> from scipy.linalg import expm
    >>> from skinvariant.diagnostics import (
    ...     fractional_shift_generator,
    ...     fractional_shift_matrix,
    ... )
    >>> A = fractional_shift_generator(5)
    >>> bool(np.allclose(A, -A.T))
    True
    >>> bool(np.allclose(expm(0.3 * A), fractional_shift_matrix(5, 0.3)))
    True
    """
    n_features = _check_odd_length(n_features)
    frequencies, lags = _frequencies_and_lags(n_features)

    angular = 2 * np.pi * frequencies / n_features
    phases = np.multiply.outer(lags, angular)
    return (np.sin(phases) * angular).sum(axis=-1) / n_features


def first_layer_orbit_tangent(estimator, generator, parameters=None):
    """Direction in parameter space along the orbit of the first layer.

    When the first layer is moved along a one-parameter group,
    ``w -> w S(t)`` with ``S(t) = expm(t A)``, its weights travel along a
    curve; this function returns the unit tangent of that curve at the
    fitted weights, in the flat parameter order of
    :func:`hessian_spectrum`. If the loss is invariant under the group,
    this is an eigenvector of the Hessian with eigenvalue zero at a
    minimum.

    Parameters
    ----------
    estimator : fitted NoBiasTanhMLPClassifier
        The network.

    generator : array-like of shape (n_features, n_features)
        The generator ``A`` of the group acting on the inputs, e.g.
        :func:`fractional_shift_generator`.

    parameters : array-like of shape (n_parameters,), default=None
        Flat parameters to use instead of the fitted weights, such as the
        ``parameters`` that :func:`hessian_spectrum` returns after Newton
        steps.

    Returns
    -------
    tangent : ndarray of shape (n_parameters,)
        Unit vector, zero outside the first layer's weights.

    See Also
    --------
    hessian_spectrum : Eigenvalues and eigenvectors of the Hessian.

    Examples
    --------
    >>> import numpy as np
    >>> from skinvariant import NoBiasTanhMLPClassifier
    >>> from skinvariant.diagnostics import (
    ...     first_layer_orbit_tangent,
    ...     fractional_shift_generator,
    ... )
    >>> rng = np.random.RandomState(0)
    >>> X = rng.normal(size=(30, 5))
    >>> y = (X[:, 0] > 0).astype(int)
    >>> model = NoBiasTanhMLPClassifier((3,), random_state=0).fit(X, y)
    >>> tangent = first_layer_orbit_tangent(model, fractional_shift_generator(5))
    >>> tangent.shape, round(float(np.linalg.norm(tangent)), 6)
    ((21,), 1.0)
    """
    _check_network(estimator)
    n_parameters = sum(coef.size for coef in estimator.coefs_)
    if estimator.fit_bias:
        n_parameters += sum(intercept.size for intercept in estimator.intercepts_)

    W = np.asarray(estimator.coefs_[0], dtype=np.float64)
    if parameters is not None:
        parameters = np.asarray(parameters, dtype=np.float64)
        if parameters.shape != (n_parameters,):
            raise ValueError(
                f"`parameters` must have shape ({n_parameters},), one entry per "
                f"parameter of the network; got shape {parameters.shape}."
            )
        W = parameters[: W.size].reshape(W.shape)

    generator = np.asarray(generator, dtype=np.float64)
    if generator.shape != (W.shape[0], W.shape[0]):
        raise ValueError(
            f"`generator` must be a square matrix of size n_features={W.shape[0]}; "
            f"got shape {generator.shape}."
        )

    # d/dt of S(t).T @ W at t = 0, see first_layer_losses for the convention.
    velocity = generator.T @ W
    norm = np.linalg.norm(velocity)
    if norm == 0:
        raise ValueError(
            "The first layer is fixed by the group (`generator`.T @ W is zero), "
            "so its orbit has no tangent."
        )

    tangent = np.zeros(n_parameters)
    tangent[: W.size] = (velocity / norm).ravel()
    return tangent
