"""The training loss of a fitted network around its minimum.

When the training data are closed under a group (every transform of every
row is also a row, with the same label), the loss cannot tell the first
layer's weights ``W`` from ``W U(g)``: moving the weights by a group
element only permutes the terms of the loss. Minima therefore come in
orbits. The functions here evaluate the loss at such moved weights and
compute the curvature of the loss at a minimum, so that the degeneracy can
be seen on a fitted model.
"""

import numbers

import numpy as np
from sklearn.utils import Bunch
from sklearn.utils.validation import (
    _check_sample_weight,
    check_array,
    check_is_fitted,
)

from skinvariant._mlp import NoBiasTanhMLPClassifier
from skinvariant._tanh_network import LossGradient, pack, unpack, weighted_one_hot
from skinvariant.groups import check_group

# Central differences of the analytic gradient: a step of about the cube
# root of the machine epsilon balances truncation and rounding errors.
_STEP = np.finfo(np.float64).eps ** (1 / 3)


class NetworkLoss:
    """The training objective of a fitted network, on given data.

    The objective is the one :class:`~skinvariant.NoBiasTanhMLPClassifier`
    minimises with L-BFGS: the weighted mean log-loss plus
    ``alpha / (2 * sum(sample_weight))`` times the squared norm of the
    weights. It is evaluated in float64 on the flat parameter vector of
    the network (weights layer by layer in C order, then biases when the
    network has them), through the estimator's own loss-and-gradient code.
    """

    def __init__(self, estimator, X, y, sample_weight=None):
        _check_network(estimator)
        X = check_array(X, dtype=np.float64, order="C")
        n_features = estimator.coefs_[0].shape[0]
        if X.shape[1] != n_features:
            raise ValueError(
                f"`X` has {X.shape[1]} features, but the network's first layer "
                f"takes {n_features}; pass the data the network was trained on, "
                f"after any feature map. Got X of shape {X.shape}."
            )

        self.shapes = [coef.shape for coef in estimator.coefs_]
        self.fit_bias = bool(estimator.fit_bias)
        intercepts = estimator.intercepts_ if self.fit_bias else None
        self.params = pack(estimator.coefs_, intercepts, np.float64)

        codes = _encode(estimator.classes_, y, X.shape[0])
        weight = _check_sample_weight(sample_weight, X, dtype=np.float64)
        total = float(weight.sum())
        self._X, self._XT = X, np.ascontiguousarray(X.T)
        self._share = weight / total
        self._target = weighted_one_hot(
            codes, self._share, len(estimator.classes_), np.float64
        )
        self._penalty = float(estimator.alpha) / total
        self._objective = LossGradient(self.shapes, self.fit_bias, np.float64, len(X))

    def __call__(self, params):
        """Return the loss and a copy of its gradient at `params`."""
        np.copyto(self._objective.params, params)
        loss = self._objective(
            self._X, self._XT, self._target, self._share, self._penalty
        )
        return loss, self._objective.grad.copy()

    def with_first_layer(self, coef):
        """Return a copy of the parameters with the first layer set to `coef`."""
        params = self.params.copy()
        coefs, _ = unpack(params, self.shapes, self.fit_bias)
        coefs[0][...] = coef
        return params

    @property
    def first_layer(self):
        """The first-layer weights, of shape (n_features, n_hidden)."""
        return unpack(self.params, self.shapes, self.fit_bias)[0][0]


def _check_network(estimator):
    if not isinstance(estimator, NoBiasTanhMLPClassifier):
        raise TypeError(
            "`estimator` must be a fitted NoBiasTanhMLPClassifier (for a "
            "pipeline, pass its last step and transform X with the steps "
            f"before it); got {type(estimator).__name__}."
        )
    check_is_fitted(estimator)


def _encode(classes, y, n_samples):
    y = np.asarray(y)
    if y.shape != (n_samples,):
        raise ValueError(
            f"`y` must have one label per row of X, shape ({n_samples},); got "
            f"shape {y.shape}."
        )
    codes = np.minimum(np.searchsorted(classes, y), len(classes) - 1)
    unknown = classes[codes] != y
    if np.any(unknown):
        raise ValueError(
            f"`y` must only contain the classes the network was fitted on, "
            f"{classes.tolist()}; got {np.unique(y[unknown]).tolist()}."
        )
    return codes


def first_layer_losses(estimator, X, y, operators, sample_weight=None):
    """Training loss after moving the first-layer weights by linear maps.

    For every matrix ``U`` in `operators`, the first layer of the network
    is changed so that it reads ``U x`` where it read ``x`` (in the
    notation of the reference, ``w -> w U``), every other weight is kept,
    and the training loss on ``(X, y)`` is evaluated. When the data are
    closed under a group of such maps, the loss is the same for every
    element of the group.

    Parameters
    ----------
    estimator : fitted NoBiasTanhMLPClassifier
        The network.

    X : array-like of shape (n_samples, n_features)
        The data the loss is evaluated on, usually the training data.

    y : array-like of shape (n_samples,)
        Their labels.

    operators : array-like of shape (n_operators, n_features, n_features)
        The maps ``U``, acting on a row ``x`` as ``U @ x``, e.g.
        :func:`fractional_shift_matrix` for a range of shifts.

    sample_weight : array-like of shape (n_samples,), default=None
        Weights of the rows in the loss.

    Returns
    -------
    losses : ndarray of shape (n_operators,)
        The objective the network minimises (mean log-loss plus the L2
        penalty) at each moved set of weights.

    See Also
    --------
    weight_orbit_losses : The same for the elements of a finite group.
    fractional_shift_matrix : Shifts by a fraction of a sample.

    Examples
    --------
    >>> import numpy as np
    >>> from skinvariant import NoBiasTanhMLPClassifier
    >>> from skinvariant.diagnostics import first_layer_losses
    >>> rng = np.random.RandomState(0)
    >>> X = rng.normal(size=(30, 3))
    >>> y = (X[:, 0] > 0).astype(int)
    >>> model = NoBiasTanhMLPClassifier((4,), random_state=0).fit(X, y)
    >>> losses = first_layer_losses(model, X, y, [np.eye(3), -np.eye(3)])
    >>> bool(losses[0] < losses[1])
    True
    """
    loss = NetworkLoss(estimator, X, y, sample_weight)
    operators = np.asarray(operators, dtype=np.float64)
    n_features = loss.first_layer.shape[0]
    if operators.ndim != 3 or operators.shape[1:] != (n_features, n_features):
        raise ValueError(
            "`operators` must have shape (n_operators, n_features, n_features) "
            f"with n_features={n_features}; got shape {operators.shape}."
        )

    # z = W.T @ (U @ x) = (U.T @ W).T @ x: the moved weights are U.T @ W.
    W = loss.first_layer
    return np.array([loss(loss.with_first_layer(U.T @ W))[0] for U in operators])


def weight_orbit_losses(estimator, X, y, group="sign_flip", sample_weight=None):
    """Training loss at the first-layer weights moved by every group element.

    Element ``g`` of the group maps a row ``x`` to ``U(g) x``. The network
    is changed so that its first layer reads ``U(g) x`` where it read
    ``x`` (the weights ``w`` become ``w U(g)``), and its training loss is
    evaluated. If `X` holds every transform of every row with the same
    label, as after full augmentation, the loss is the same for every
    element: each minimum of the loss is one point of a whole orbit of
    minima.

    Parameters
    ----------
    estimator : fitted NoBiasTanhMLPClassifier
        The network, whose first layer reads the rows of `X`.

    X : array-like of shape (n_samples, n_features)
        The data the loss is evaluated on, usually the training data.

    y : array-like of shape (n_samples,)
        Their labels.

    group : str or FiniteGroup, default="sign_flip"
        The symmetry: ``"sign_flip"`` or a group object from
        :mod:`skinvariant.groups`.

    sample_weight : array-like of shape (n_samples,), default=None
        Weights of the rows in the loss.

    Returns
    -------
    result : :class:`~sklearn.utils.Bunch`
        With the keys ``element_names`` (tuple of str, the identity first)
        and ``losses`` (ndarray of shape (order,)), the objective the
        network minimises at each moved set of weights; ``losses[0]`` is
        the loss of the network as fitted.

    See Also
    --------
    hessian_spectrum : Curvature of the loss at the fitted weights.
    first_layer_losses : The same for any linear maps.

    Notes
    -----
    On data closed under the group, the losses agree up to rounding, not
    bit for bit: moving the weights permutes the terms of the sums that
    make up the loss, and floating point addition depends on their order.
    Expect relative differences around ``1e-15``.

    References
    ----------
    .. [1] D. L. Bergman, "Symmetry constrained machine learning", 2019.
       Section IV.A shows that a loss summed over every transform of the
       data is unchanged when the first layer's weights are transformed.

    Examples
    --------
    >>> import numpy as np
    >>> from skinvariant import NoBiasTanhMLPClassifier
    >>> from skinvariant.diagnostics import weight_orbit_losses
    >>> rng = np.random.RandomState(0)
    >>> X = rng.normal(size=(30, 3))
    >>> y = (X[:, 0] * X[:, 1] > 0).astype(int)
    >>> X_both, y_both = np.vstack([X, -X]), np.concatenate([y, y])
    >>> model = NoBiasTanhMLPClassifier((4,), fit_bias=True, max_iter=2000)
    >>> model.set_params(random_state=0).fit(X_both, y_both)
    NoBiasTanhMLPClassifier(...)
    >>> result = weight_orbit_losses(model, X_both, y_both)
    >>> result.element_names
    ('identity', 'invert')
    >>> bool(np.isclose(result.losses[0], result.losses[1], rtol=1e-12))
    True
    """
    loss = NetworkLoss(estimator, X, y, sample_weight)
    group = check_group(group)
    W = loss.first_layer
    indices, signs = group.signed_permutations(W.shape[0])

    losses = []
    for index, sign in zip(indices, signs, strict=True):
        # Row j of U.T @ W collects sign[i] * W[i] over the i with index[i] == j.
        moved = np.empty_like(W)
        moved[index] = W * sign[:, np.newaxis]
        losses.append(loss(loss.with_first_layer(moved))[0])
    return Bunch(element_names=group.element_names, losses=np.asarray(losses))


def hessian_spectrum(
    estimator,
    X,
    y,
    sample_weight=None,
    *,
    newton_steps=0,
    max_parameters=2000,
    flat_threshold=1e-8,
):
    """Eigenvalues of the Hessian of the training loss at a minimum.

    The Hessian is built column by column from central differences of the
    analytic gradient, symmetrised, and diagonalised. At a minimum its
    eigenvalues are non-negative; eigenvalues near zero are directions in
    which the loss is flat. A loss made invariant under a continuous group
    by augmentation has one such direction per generator of the group,
    along the orbit of the minimum; a network fed invariant features has
    none forced on it.

    Parameters
    ----------
    estimator : fitted NoBiasTanhMLPClassifier
        The network, small: see `max_parameters`. It is not modified.

    X : array-like of shape (n_samples, n_features)
        The data the loss is evaluated on, usually the training data.

    y : array-like of shape (n_samples,)
        Their labels.

    sample_weight : array-like of shape (n_samples,), default=None
        Weights of the rows in the loss.

    newton_steps : int, default=0
        Number of Newton steps taken from the fitted weights before the
        spectrum is computed, to land closer to the minimum than the
        solver's stopping rule did (see Notes). 0 uses the fitted weights
        as they are.

    max_parameters : int, default=2000
        Refuse networks with more parameters than this. Each Hessian costs
        ``2 * n_parameters`` gradient evaluations and a dense eigenproblem
        of that size.

    flat_threshold : float, default=1e-8
        An eigenvalue counts as flat when its magnitude is at most
        `flat_threshold` times the largest magnitude. The count is only
        meaningful at a well converged minimum; see Notes.

    Returns
    -------
    result : :class:`~sklearn.utils.Bunch`
        With the keys:

        - ``eigenvalues``: ndarray of shape (n_directions,), ascending.
        - ``eigenvectors``: ndarray of shape (n_parameters, n_directions),
          one unit column per eigenvalue, in the flat parameter order
          (weights layer by layer in C order, then biases if any).
        - ``n_flat``: int, the number of flat eigenvalues.
        - ``n_gauge``: int, the number of directions left out because they
          change no prediction (see Notes);
          ``n_directions = n_parameters - n_gauge``.
        - ``parameters``: ndarray of shape (n_parameters,), the point the
          spectrum describes: the fitted weights, or where the Newton
          steps led.
        - ``loss`` and ``gradient_norm``: floats, the objective and the
          norm of its gradient at ``parameters``.

    See Also
    --------
    weight_orbit_losses : The loss along a discrete orbit of weights.
    first_layer_orbit_tangent : The direction of a continuous orbit.

    Notes
    -----
    **Directions left out.** The softmax does not change when the same
    number is added to every logit. Adding one vector to the output weights
    of every class (or one number to every output bias) therefore changes
    no prediction: the data term is exactly flat there, and only the L2
    penalty curves it, by ``alpha / n_samples``. These ``n_gauge``
    directions, one per unit feeding the output layer plus one with
    biases, are projected out, so that every flat direction reported is
    one along which the model's predictions can move.

    **Precision.** Central differences with steps of about ``6e-6``
    resolve eigenvalues down to about ``1e-10`` of the largest near a
    minimum. Along an orbit of minima the curvature is exactly zero only
    at the minimum itself: elsewhere the gradient adds a term of the order
    of ``gradient_norm`` times the size of the weights. L-BFGS stops with
    gradients around ``1e-4``, which hides flat directions among small
    eigenvalues; a few `newton_steps` bring the gradient to rounding
    level. Each step is a Newton step with the eigenvalues replaced by
    their magnitudes (so it also leaves saddle points), halved until the
    loss decreases.

    **Finite augmentation.** Augmenting with finitely many elements of a
    continuous group (shifts by multiples of a fraction of a sample, say)
    makes the loss exactly invariant under those elements only; in
    between, it varies by an aliasing error that shrinks quickly as the
    elements get denser. The orbit direction then has a small curvature
    rather than zero: use enough copies for it to fall below
    `flat_threshold`.

    References
    ----------
    .. [1] D. L. Bergman, "Symmetry constrained machine learning", 2019.
       Section IV.A relates the flat directions of an augmented loss to
       Goldstone modes.

    Examples
    --------
    >>> import numpy as np
    >>> from skinvariant import NoBiasTanhMLPClassifier
    >>> from skinvariant.diagnostics import hessian_spectrum
    >>> rng = np.random.RandomState(0)
    >>> X = rng.normal(size=(40, 3))
    >>> y = (X[:, 0] > 0).astype(int)
    >>> model = NoBiasTanhMLPClassifier((2,), alpha=1.0, random_state=0)
    >>> result = hessian_spectrum(model.fit(X, y), X, y, newton_steps=3)
    >>> result.eigenvalues.shape, result.n_gauge
    ((8,), 2)
    >>> bool(result.gradient_norm < 1e-10), bool(result.eigenvalues.min() > 0)
    (True, True)
    """
    _check_count(newton_steps, "newton_steps", minimum=0)
    _check_count(max_parameters, "max_parameters", minimum=1)
    _check_positive(flat_threshold, "flat_threshold")
    loss = NetworkLoss(estimator, X, y, sample_weight)
    n_parameters = loss.params.size
    if n_parameters > max_parameters:
        raise ValueError(
            f"The network has {n_parameters} parameters, more than "
            f"`max_parameters`={max_parameters}: the Hessian would need "
            f"{2 * n_parameters} gradient evaluations and a dense "
            f"{n_parameters}x{n_parameters} eigenproblem. Use a smaller "
            "network or raise `max_parameters`."
        )

    params = loss.params
    for _ in range(newton_steps):
        params = _newton_step(loss, params)

    basis = _prediction_directions(loss)
    hessian = basis.T @ _finite_difference_hessian(loss, params) @ basis
    eigenvalues, eigenvectors = np.linalg.eigh(hessian)
    scale = np.abs(eigenvalues).max(initial=0.0)
    value, gradient = loss(params)
    return Bunch(
        eigenvalues=eigenvalues,
        eigenvectors=basis @ eigenvectors,
        n_flat=int(np.sum(np.abs(eigenvalues) <= flat_threshold * scale)),
        n_gauge=n_parameters - basis.shape[1],
        parameters=params,
        loss=float(value),
        gradient_norm=float(np.linalg.norm(gradient)),
    )


def _finite_difference_hessian(loss, params):
    steps = _STEP * np.maximum(1.0, np.abs(params))
    hessian = np.empty((params.size, params.size))

    for j, step in enumerate(steps):
        forward, backward = params.copy(), params.copy()
        forward[j] += step
        backward[j] -= step
        difference = loss(forward)[1] - loss(backward)[1]
        hessian[:, j] = difference / (forward[j] - backward[j])
    return (hessian + hessian.T) / 2


def _newton_step(loss, params):
    """One Newton step on |H|, halved until the loss decreases."""
    value, gradient = loss(params)
    eigenvalues, vectors = np.linalg.eigh(_finite_difference_hessian(loss, params))

    # Flat directions would give huge steps; the loss does not change
    # along them anyway, so their curvature is floored.
    magnitude = np.abs(eigenvalues)
    floor = max(1e-8 * magnitude.max(initial=0.0), np.finfo(np.float64).tiny)
    magnitude = np.maximum(magnitude, floor)
    step = -vectors @ ((vectors.T @ gradient) / magnitude)

    for _ in range(40):
        if loss(params + step)[0] <= value:
            return params + step
        step /= 2
    return params


def _prediction_directions(loss):
    """Orthonormal basis of the directions that can change a prediction.

    Leaves out, for every unit feeding the output layer, the direction
    that adds the same amount to its weight towards every class, and with
    biases the one adding the same amount to every output bias.
    """
    n_parameters = loss.params.size
    marker = np.arange(n_parameters, dtype=np.float64)
    coefs, intercepts = unpack(marker, loss.shapes, loss.fit_bias)

    blocks = list(coefs[-1].astype(np.intp))
    if intercepts is not None:
        blocks.append(intercepts[-1].astype(np.intp))

    gauge = np.zeros((n_parameters, len(blocks)))
    for column, block in enumerate(blocks):
        gauge[block, column] = 1 / np.sqrt(len(block))

    # The leading columns of a QR factorisation of [gauge, I] span the
    # gauge directions; the rest is an orthonormal basis of the others.
    q, _ = np.linalg.qr(np.hstack([gauge, np.eye(n_parameters)]))
    return q[:, len(blocks) :]


def _check_count(value, name, minimum):
    is_int = isinstance(value, numbers.Integral) and not isinstance(value, bool)
    if not is_int or value < minimum:
        raise ValueError(
            f"`{name}` must be an integer of at least {minimum}; got {value!r}."
        )


def _check_positive(value, name):
    is_real = isinstance(value, numbers.Real) and not isinstance(value, bool)
    if not is_real or not value > 0:
        raise ValueError(f"`{name}` must be a positive number; got {value!r}.")
