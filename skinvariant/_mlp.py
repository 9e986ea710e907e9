"""Multilayer perceptron classifier with tanh hidden layers and optional biases."""

import itertools
import numbers
import warnings

import numpy as np
from scipy.optimize import minimize
from sklearn.base import BaseEstimator, ClassifierMixin, _fit_context
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import accuracy_score
from sklearn.model_selection import train_test_split
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import (
    _check_sample_weight,
    check_is_fitted,
    validate_data,
)

from skinvariant._adam import Adam
from skinvariant._tanh_network import (
    LossGradient,
    binary_log_proba,
    binary_proba,
    forward_logits,
    glorot_uniform,
    layer_shapes,
    log_softmax,
    pack,
    softmax,
    unpack,
    weighted_one_hot,
)
from skinvariant._threads import one_blas_thread


class NoBiasTanhMLPClassifier(ClassifierMixin, BaseEstimator):
    """Multilayer perceptron with tanh hidden layers, softmax output, no biases.

    Every hidden unit computes ``tanh(w @ a)`` of the activations ``a`` of
    the layer below, and the output layer produces one logit per class,
    turned into probabilities by a softmax. With ``fit_bias=False`` (the
    default) no layer has a bias term, so the logits are an odd function
    of the input: ``decision_function(-X) == -decision_function(X)``,
    exactly, for every solver, dtype and number of classes. Two classes
    keep two outputs so this holds for binary problems too.

    The network is trained by minimising the sample-weighted mean log-loss
    plus an L2 penalty on the weights, with L-BFGS or with Adam on
    minibatches.

    Parameters
    ----------
    hidden_layer_sizes : int or tuple of int, default=(10, 5)
        Number of tanh units of each hidden layer, from input to output.
        An empty tuple gives a linear softmax model.

    fit_bias : bool, default=False
        Whether every layer gets a bias term. Without biases the logits are
        odd in the input; with biases the network is an ordinary MLP.

    solver : {"lbfgs", "adam"}, default="lbfgs"
        ``"lbfgs"`` runs :func:`scipy.optimize.minimize` with method
        L-BFGS-B on the whole training set; it suits the small and medium
        data sets this estimator is meant for. ``"adam"`` runs Adam on
        minibatches.

    alpha : float, default=1e-4
        Strength of the L2 penalty. The objective is the weighted mean
        log-loss plus ``alpha / (2 * sum(sample_weight)) * ||W||^2`` over
        all weights ``W``, biases excluded (``sum(sample_weight)`` is the
        number of samples when no weights are given, and the sum over the
        minibatch for Adam).

    batch_size : int or "auto", default="auto"
        Minibatch size for Adam; ``"auto"`` means ``min(200, n_samples)``.
        Larger values are clipped to the number of samples. Ignored by
        L-BFGS.

    learning_rate_init : float, default=1e-3
        Step size of Adam.

    max_iter : int, default=200
        Maximum number of L-BFGS iterations, or of Adam epochs (passes
        over the training set), in one call to :meth:`fit`.

    max_fun : int, default=15000
        Maximum number of loss-and-gradient evaluations of L-BFGS,
        independently of `max_iter`; one iteration may need several
        evaluations during its line search. Ignored by Adam.

    tol : float, default=1e-4
        For L-BFGS, the optimisation stops when the largest entry of the
        projected gradient falls below `tol`. For Adam, it stops when the
        training loss (or, with `early_stopping`, the validation accuracy)
        has not improved by at least `tol` for `n_iter_no_change`
        consecutive epochs.

    shuffle : bool, default=True
        Whether Adam shuffles the samples before every epoch.

    random_state : int, RandomState instance or None, default=None
        Seeds the initial weights, the shuffling and the early stopping
        split. Pass an int for reproducible results.

    warm_start : bool, default=False
        Whether :meth:`fit` starts from the weights of the previous fit
        instead of a fresh initialisation. The Adam moments are reset.

    early_stopping : bool, default=False
        Whether Adam holds out `validation_fraction` of the training data
        (stratified) and stops when the accuracy on it stops improving; the
        weights of the best epoch are kept. Ignored by L-BFGS and by
        :meth:`partial_fit`.

    validation_fraction : float, default=0.1
        Share of the training data held out for early stopping.

    beta_1 : float, default=0.9
        Decay rate of Adam's first moment estimate, in [0, 1).

    beta_2 : float, default=0.999
        Decay rate of Adam's second moment estimate, in [0, 1).

    epsilon : float, default=1e-8
        Numerical safeguard in Adam's denominator.

    n_iter_no_change : int, default=10
        Number of epochs without improvement after which Adam stops.

    verbose : bool, default=False
        Whether to print the loss after every iteration or epoch.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Sorted class labels.

    coefs_ : list of ndarray
        Weight matrices; ``coefs_[i]`` has shape ``(fan_in, fan_out)`` and
        maps layer ``i`` to layer ``i + 1``.

    intercepts_ : list of ndarray
        Bias vectors; ``intercepts_[i]`` has shape ``(fan_out,)``. With
        ``fit_bias=False`` they are arrays of zeros, kept so that the
        attribute has the same form in both cases; they are not used.

    n_iter_ : int
        Number of L-BFGS iterations or Adam epochs run since the weights
        were initialised (a warm-started fit or :meth:`partial_fit` adds to
        it).

    loss_ : float
        Value of the objective at the end of training: for L-BFGS at the
        final weights, for Adam the mean over the last epoch's minibatches.

    loss_curve_ : list of float
        Adam only: the loss of every epoch since initialisation.

    best_loss_ : float or None
        Adam without early stopping: the lowest epoch loss. None otherwise.

    validation_scores_ : list of float or None
        Adam with early stopping: the held-out accuracy after every epoch.
        None otherwise.

    best_validation_score_ : float or None
        Adam with early stopping: the best held-out accuracy. None
        otherwise.

    n_features_in_ : int
        Number of features seen during :term:`fit`.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during :term:`fit`. Defined only when `X`
        has feature names that are all strings.

    n_layers_ : int
        Number of layers, input and output included.

    n_outputs_ : int
        Number of output units: one per class, also for two classes.

    out_activation_ : str
        Name of the output activation, always ``"softmax"``.

    See Also
    --------
    sklearn.neural_network.MLPClassifier : The general multilayer perceptron,
        always with biases.

    Notes
    -----
    **Why the logits are odd.** Without biases, every layer is a matrix
    product followed by tanh, and both commute with negation:
    ``tanh(-a) = -tanh(a)`` and ``(-x) @ W = -(x @ W)``. The identity also
    holds exactly in floating point. IEEE arithmetic rounds symmetrically,
    so negating every operand negates every product and every partial sum
    exactly, whatever order the terms are added in, as long as `X` and
    `-X` go through the same code path. Prediction therefore makes its
    input C-contiguous (BLAS may sum in another order for another memory
    layout), and it evaluates tanh as ``sign(a) * tanh(|a|)`` so that
    oddness does not depend on how the platform rounds tanh on negative
    arguments. Equality is bitwise up to the sign of zero.

    For two classes, :meth:`decision_function` returns the difference of
    the two logits, ``z_1 - z_0``, as scikit-learn expects of a binary
    classifier (positive means ``classes_[1]``); it is odd as well, and
    ``predict_proba(-X)`` is ``predict_proba(X)`` with its columns
    swapped. For more classes it returns the logits themselves.

    **A bound on accuracy under inversion.** Because the logits of ``-x``
    are the negated logits of ``x``, the class predicted for ``-x`` is the
    one with the *smallest* logit on ``x``. Unless all logits of ``x`` are
    equal (as for ``x = 0``), largest and smallest differ, so a sample can
    be classified correctly on at most one of ``x`` and ``-x``. Hence the
    accuracy ``R`` on a data set and the accuracy ``R_inv`` on its
    inversion satisfy ``R + R_inv <= 1``. The exception is a sample whose
    logits all tie, such as an all-zero row (which is its own inversion):
    it is predicted as ``classes_[0]`` on both sides, so each such sample
    of that class adds ``1 / n_samples`` to the sum. With biases the
    network is no longer odd and the bound does not hold.

    **Why augmentation with -X fails.** The log-loss of logits ``z`` for
    label ``c`` is ``lse(z) - z_c``, where ``lse`` is the log-sum-exp.
    Train on ``x`` and ``-x`` with the same label: the odd network gives
    them logits ``z`` and ``-z``, and the pair costs
    ``h(z) = lse(z) + lse(-z)``. The label terms ``-z_c`` and ``+z_c``
    cancel, so the pair carries no information about its label. Since a
    log-sum-exp is at least the mean plus ``log(n_classes)``, with
    equality only when all entries are equal, ``h(z) >= 2 log(n_classes)``
    with equality exactly when all logits are equal; ``z = 0`` is one
    such point (``h`` is convex and even, so ``h(0) <= (h(z) + h(-z)) / 2
    = h(z)`` in any case). Every pair then costs at least what constant
    logits cost, and with ``alpha > 0`` the penalty makes all-zero weights,
    hence zero logits, the unique best fit. Training drives the logits
    towards zero and accuracy towards chance.

    **float32.** float32 input trains and predicts in float32: the fused
    loss-and-gradient, its buffers and Adam's moments are float32. L-BFGS
    itself works on a float64 copy of the parameter vector, converted at
    each evaluation. On the shifted 8x8 digits (7185 training rows, one
    core) the fused loss-and-gradient takes about 0.65 ms in float32
    against 1.25 ms in float64, which makes an L-BFGS iteration about 1.8
    times as fast (see ``benchmarks/bench_mlp.py``). Adam on minibatches
    of 200 gains little, as its time goes mostly into per-batch overhead.

    **Threads.** During :meth:`fit` and :meth:`partial_fit`, BLAS runs on
    one thread (through threadpoolctl): the products of a small network
    are too narrow to gain from threads, and when numpy and scipy each
    bring their own OpenBLAS, the idle threads of one slow the other down
    severalfold. The thread count belongs to the whole process, so only
    fits called from the main thread change it; fits running in other
    threads (a threading backend of joblib, say) leave it alone.

    :meth:`partial_fit` always performs one Adam epoch, whatever `solver`
    says, because L-BFGS has no incremental form.

    References
    ----------
    .. [1] Bergman, D. L., "Symmetry constrained machine learning",
       Proceedings of SAI Intelligent Systems Conference, 2019,
       arXiv:1811.07051.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.datasets import make_classification
    >>> from skinvariant import NoBiasTanhMLPClassifier
    >>> X, y = make_classification(n_samples=100, random_state=0)
    >>> clf = NoBiasTanhMLPClassifier(max_iter=300, random_state=0).fit(X, y)
    >>> clf.predict_proba(X[:2]).shape
    (2, 2)
    >>> bool(np.all(clf.decision_function(-X) == -clf.decision_function(X)))
    True
    """

    _parameter_constraints: dict = {
        "hidden_layer_sizes": [
            "array-like",
            Interval(numbers.Integral, 1, None, closed="left"),
        ],
        "fit_bias": ["boolean"],
        "solver": [StrOptions({"lbfgs", "adam"})],
        "alpha": [Interval(numbers.Real, 0, None, closed="left")],
        "batch_size": [
            StrOptions({"auto"}),
            Interval(numbers.Integral, 1, None, closed="left"),
        ],
        "learning_rate_init": [Interval(numbers.Real, 0, None, closed="neither")],
        "max_iter": [Interval(numbers.Integral, 1, None, closed="left")],
        "max_fun": [Interval(numbers.Integral, 1, None, closed="left")],
        "tol": [Interval(numbers.Real, 0, None, closed="left")],
        "shuffle": ["boolean"],
        "random_state": ["random_state"],
        "warm_start": ["boolean"],
        "early_stopping": ["boolean"],
        "validation_fraction": [Interval(numbers.Real, 0, 1, closed="neither")],
        "beta_1": [Interval(numbers.Real, 0, 1, closed="left")],
        "beta_2": [Interval(numbers.Real, 0, 1, closed="left")],
        "epsilon": [Interval(numbers.Real, 0, None, closed="neither")],
        "n_iter_no_change": [Interval(numbers.Integral, 1, None, closed="left")],
        "verbose": ["verbose"],
    }

    def __init__(
        self,
        hidden_layer_sizes=(10, 5),
        *,
        fit_bias=False,
        solver="lbfgs",
        alpha=1e-4,
        batch_size="auto",
        learning_rate_init=1e-3,
        max_iter=200,
        max_fun=15000,
        tol=1e-4,
        shuffle=True,
        random_state=None,
        warm_start=False,
        early_stopping=False,
        validation_fraction=0.1,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
        n_iter_no_change=10,
        verbose=False,
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.fit_bias = fit_bias
        self.solver = solver
        self.alpha = alpha
        self.batch_size = batch_size
        self.learning_rate_init = learning_rate_init
        self.max_iter = max_iter
        self.max_fun = max_fun
        self.tol = tol
        self.shuffle = shuffle
        self.random_state = random_state
        self.warm_start = warm_start
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.n_iter_no_change = n_iter_no_change
        self.verbose = verbose

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Fit the network to data `X` and labels `y`.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data; float32 data trains in float32.

        y : array-like of shape (n_samples,)
            Class labels, at least two distinct ones.

        sample_weight : float or array-like of shape (n_samples,), default=None
            Non-negative weights of the samples in the loss; a float gives
            every sample that weight.

        Returns
        -------
        self : object
            The fitted classifier.
        """
        warm = self.warm_start and hasattr(self, "coefs_")
        X, y, sample_weight = self._validate_training_data(X, y, sample_weight, warm)
        if not warm:
            self.classes_ = self._checked_classes(np.unique(y))
        codes = self._encode(y)

        self._random_state = check_random_state(self.random_state)
        params = self._start(X, restart=not warm)

        # Adam's moments describe the weights they were gathered on; a new
        # fit replaces those weights, so a later partial_fit starts afresh.
        self._adam = None
        with one_blas_thread():
            if self.solver == "lbfgs":
                params = self._fit_lbfgs(X, codes, sample_weight, params)
            else:
                params = self._fit_adam(X, codes, sample_weight, params)
        self._store(params)
        return self

    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y, classes=None, sample_weight=None):
        """Update the network with one Adam epoch over `X` and `y`.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data.

        y : array-like of shape (n_samples,)
            Class labels, all of them in `classes`.

        classes : array-like of shape (n_classes,), default=None
            All labels that can ever appear; required on the first call,
            optional (and checked) later.

        sample_weight : float or array-like of shape (n_samples,), default=None
            Non-negative weights of the samples in the loss; a float gives
            every sample that weight.

        Returns
        -------
        self : object
            The updated classifier.
        """
        first_call = not hasattr(self, "coefs_")
        classes = self._partial_fit_classes(classes, first_call)
        X, y, sample_weight = self._validate_training_data(
            X, y, sample_weight, warm=not first_call
        )
        if first_call:
            self.classes_ = classes
            self._random_state = check_random_state(self.random_state)
        codes = self._encode(y)

        params = self._start(X, restart=first_call)
        objective, adam = self._adam_setup(X, params, reset=first_call)
        with one_blas_thread():
            self.loss_ = self._adam_epoch(objective, adam, X, codes, sample_weight)
        self._record_epoch(self.loss_)

        self.best_loss_ = min(getattr(self, "best_loss_", None) or np.inf, self.loss_)
        self.validation_scores_ = self.best_validation_score_ = None
        self._store(objective.params)
        return self

    # ------------------------------------------------------------------
    # Input checks

    def _validate_training_data(self, X, y, sample_weight, warm):
        """Validate `X`, `y` and `sample_weight` before any optimisation."""
        X, y = validate_data(
            self,
            X,
            y,
            reset=not warm,
            dtype=[np.float64, np.float32],
            order="C",
        )
        check_classification_targets(y)
        if sample_weight is not None:
            sample_weight = self._checked_weights(sample_weight, X)
        return X, y, sample_weight

    @staticmethod
    def _checked_weights(sample_weight, X):
        """Return `sample_weight` as a non-negative vector of X's dtype."""
        weights = np.asarray(sample_weight)
        if weights.ndim == 0:
            weights = np.full(X.shape[0], weights)
        if weights.shape != (X.shape[0],):
            raise ValueError(
                "`sample_weight` must have one entry per sample, shape "
                f"({X.shape[0]},); got shape {weights.shape}."
            )
        if not np.any(weights):
            raise ValueError(
                "`sample_weight` must contain at least one non-zero weight; "
                "got all zeros."
            )
        sample_weight = _check_sample_weight(
            weights, X, dtype=X.dtype, ensure_non_negative=True
        )
        return sample_weight

    def _checked_classes(self, classes):
        """Return `classes` unless there are fewer than two of them."""
        if len(classes) < 2:
            raise ValueError(
                f"{type(self).__name__} needs at least 2 classes in `y`; "
                f"got {len(classes)} class: {classes.tolist()}."
            )
        return classes

    def _partial_fit_classes(self, classes, first_call):
        """Return the classes for partial_fit: required first, checked later."""
        if classes is None:
            if first_call:
                raise ValueError(
                    "`classes` must be passed on the first call to "
                    "`partial_fit`; got None."
                )
            return self.classes_

        classes = np.unique(np.asarray(classes))
        if first_call:
            return self._checked_classes(classes)
        if not np.array_equal(classes, self.classes_):
            raise ValueError(
                "`classes` must be the classes of the first call to "
                f"`partial_fit`, {self.classes_.tolist()}; got {classes.tolist()}."
            )
        return classes

    def _encode(self, y):
        """Return the index of every label of `y` in `classes_`."""
        codes = np.searchsorted(self.classes_, y)
        codes = np.minimum(codes, len(self.classes_) - 1)
        unknown = self.classes_[codes] != y
        if np.any(unknown):
            raise ValueError(
                "`y` must only contain classes the network has outputs for, "
                f"{self.classes_.tolist()}; got {np.unique(y[unknown]).tolist()}."
            )
        return codes

    def _hidden_sizes(self):
        """Return `hidden_layer_sizes` as a tuple of positive ints."""
        sizes = self.hidden_layer_sizes
        if isinstance(sizes, numbers.Integral):
            sizes = (sizes,)
        sizes = tuple(sizes)
        if not all(_is_layer_size(s) for s in sizes):
            raise ValueError(
                "`hidden_layer_sizes` must be a positive int or a tuple of "
                f"positive ints; got {self.hidden_layer_sizes!r}."
            )
        return tuple(int(s) for s in sizes)

    # ------------------------------------------------------------------
    # Parameters

    def _start(self, X, restart):
        """Return the flat initial parameters, fresh or from the last fit."""
        self._shapes = layer_shapes(
            X.shape[1], self._hidden_sizes(), len(self.classes_)
        )
        if restart:
            self.n_iter_ = 0
            self.loss_curve_ = None
            params = glorot_uniform(self._shapes, self.fit_bias, self._random_state)
            return params.astype(X.dtype)

        previous = [coef.shape for coef in self.coefs_]
        if previous != self._shapes:
            raise ValueError(
                "`hidden_layer_sizes` must keep the architecture of the "
                f"previous fit, {tuple(s for _, s in previous[:-1])}, when "
                f"warm starting; got {self.hidden_layer_sizes!r}."
            )
        intercepts = self.intercepts_ if self.fit_bias else None
        return pack(self.coefs_, intercepts, X.dtype)

    def _store(self, params):
        """Set `coefs_`, `intercepts_` and shape attributes from `params`."""
        coefs, intercepts = unpack(params, self._shapes, self.fit_bias)
        self.coefs_ = [coef.copy() for coef in coefs]
        if intercepts is None:
            intercepts = [
                np.zeros(fan_out, params.dtype) for _, fan_out in self._shapes
            ]
        self.intercepts_ = [intercept.copy() for intercept in intercepts]

        # Prediction follows the fitted network, not a later set_params.
        self._fitted_bias = bool(self.fit_bias)
        self.n_layers_ = len(self._shapes) + 1
        self.n_outputs_ = len(self.classes_)
        self.out_activation_ = "softmax"

    @staticmethod
    def _sample_shares(sample_weight, n_rows, dtype):
        """Return the weights of the mean loss (summing to 1) and their total."""
        if sample_weight is None:
            return np.full(n_rows, 1.0 / n_rows, dtype=dtype), float(n_rows)
        total = float(sample_weight.sum())
        return (sample_weight / total).astype(dtype, copy=False), total

    # ------------------------------------------------------------------
    # L-BFGS

    def _fit_lbfgs(self, X, codes, sample_weight, params):
        """Minimise the full-batch objective with scipy's L-BFGS-B."""
        objective = LossGradient(self._shapes, self.fit_bias, X.dtype, X.shape[0])
        share, total = self._sample_shares(sample_weight, X.shape[0], X.dtype)
        target = weighted_one_hot(codes, share, len(self.classes_), X.dtype)
        penalty = self.alpha / total
        XT = np.ascontiguousarray(X.T)
        losses = []

        def loss_and_grad(theta):
            np.copyto(objective.params, theta, casting="same_kind")
            losses.append(objective(X, XT, target, share, penalty))
            return losses[-1], objective.grad.astype(np.float64)

        result = minimize(
            loss_and_grad,
            params.astype(np.float64),
            method="L-BFGS-B",
            jac=True,
            callback=self._lbfgs_progress(losses) if self.verbose else None,
            options={
                "maxiter": self.max_iter,
                "maxfun": self.max_fun,
                "gtol": self.tol,
            },
        )
        n_iter = min(result.nit, self.max_iter)
        self.n_iter_ += n_iter
        self.loss_ = float(result.fun)
        self.best_loss_ = self.validation_scores_ = None
        self.best_validation_score_ = None
        if result.status != 0:
            self._warn_lbfgs(result, n_iter)
        return result.x.astype(X.dtype)

    @staticmethod
    def _lbfgs_progress(losses):
        """Return an L-BFGS callback printing the iteration and its loss."""
        iteration = itertools.count(1)

        # L-BFGS-B evaluates the accepted point last, so the latest loss is
        # the loss of the new iterate.
        def callback(params):
            print(f"Iteration {next(iteration)}, loss = {losses[-1]:.8f}")

        return callback

    def _warn_lbfgs(self, result, n_iter):
        """Emit a ConvergenceWarning saying which budget ran out."""
        message = (
            f"L-BFGS stopped after {n_iter} iterations and {result.nfev} loss "
            f"evaluations without converging ({result.message}). "
        )
        if n_iter >= self.max_iter:
            advice = f"Increase `max_iter` (now {self.max_iter})"
        elif result.nfev >= self.max_fun:
            advice = f"Increase `max_fun` (now {self.max_fun})"
        else:
            advice = "Scale the input or increase `tol`"
        warnings.warn(message + advice + ".", ConvergenceWarning, stacklevel=5)

    # ------------------------------------------------------------------
    # Adam

    def _batch_size(self, n_samples):
        if self.batch_size == "auto":
            return min(200, n_samples)
        return min(self.batch_size, n_samples)

    def _adam_setup(self, X, params, reset):
        """Return the fused objective and Adam state, reusing Adam if allowed."""
        batch_size = self._batch_size(X.shape[0])
        objective = LossGradient(self._shapes, self.fit_bias, X.dtype, batch_size)
        objective.params[:] = params

        # Turning biases on between calls lengthens the parameter vector.
        adam = getattr(self, "_adam", None)
        stale = adam is None or adam._first.dtype != X.dtype
        if reset or stale or adam._first.size != params.size:
            adam = Adam(
                params.size,
                X.dtype,
                self.learning_rate_init,
                self.beta_1,
                self.beta_2,
                self.epsilon,
            )
        self._adam = adam
        return objective, adam

    def _adam_epoch(self, objective, adam, X, codes, sample_weight):
        """Run Adam over one pass of minibatches; return the mean batch loss."""
        n_samples = X.shape[0]
        if self.shuffle:
            order = self._random_state.permutation(n_samples)
        else:
            order = np.arange(n_samples)

        # Gathering each minibatch, rather than shuffling and transposing
        # the whole data set, keeps the copies small and in cache.
        batch_size = self._batch_size(n_samples)
        accumulated = total = 0.0
        for start in range(0, n_samples, batch_size):
            batch = order[start : start + batch_size]
            weights = None if sample_weight is None else sample_weight[batch]
            if weights is not None and not np.any(weights):
                continue
            loss, batch_total = self._adam_step(
                objective, adam, X.take(batch, axis=0), codes[batch], weights
            )
            accumulated += loss * batch_total
            total += batch_total
        return accumulated / total

    def _adam_step(self, objective, adam, X, codes, sample_weight):
        """Update on one minibatch; return its loss and total weight."""
        share, total = self._sample_shares(sample_weight, X.shape[0], X.dtype)
        target = weighted_one_hot(codes, share, len(self.classes_), X.dtype)
        XT = np.ascontiguousarray(X.T)
        loss = objective(X, XT, target, share, self.alpha / total)
        adam.update(objective.params, objective.grad)
        return loss, total

    def _record_epoch(self, loss):
        self.n_iter_ += 1
        if self.loss_curve_ is None:
            self.loss_curve_ = []
        self.loss_curve_.append(loss)
        if self.verbose:
            print(f"Iteration {self.n_iter_}, loss = {loss:.8f}")

    def _fit_adam(self, X, codes, sample_weight, params):
        """Run Adam epochs until convergence or `max_iter`."""
        objective, adam = self._adam_setup(X, params, reset=True)
        if self.early_stopping:
            X, codes, sample_weight, validation = self._split_validation(
                X, codes, sample_weight
            )
        else:
            validation = None
        monitor = _Monitor(self.tol, self.n_iter_no_change, validation)

        for _ in range(self.max_iter):
            self.loss_ = self._adam_epoch(objective, adam, X, codes, sample_weight)
            self._record_epoch(self.loss_)
            if monitor.stop(self.loss_, objective.params, self._shapes, self.fit_bias):
                break
        else:
            warnings.warn(
                f"Adam ran the maximum of {self.max_iter} epochs without "
                f"converging (no {self.n_iter_no_change} consecutive epochs "
                f"without an improvement of at least tol={self.tol}). "
                "Increase `max_iter` or `tol`.",
                ConvergenceWarning,
                stacklevel=4,
            )

        self.best_loss_ = monitor.best_loss if validation is None else None
        self.validation_scores_ = monitor.scores
        self.best_validation_score_ = monitor.best_score
        return objective.params if validation is None else monitor.best_params

    def _split_validation(self, X, codes, sample_weight):
        """Hold out a stratified validation set for early stopping."""
        arrays = [X, codes] + ([] if sample_weight is None else [sample_weight])
        try:
            parts = train_test_split(
                *arrays,
                test_size=self.validation_fraction,
                random_state=self._random_state,
                stratify=codes,
            )
        except ValueError as exc:
            raise ValueError(
                "`early_stopping` holds out a stratified `validation_fraction` "
                f"({self.validation_fraction}) of the {X.shape[0]} samples, "
                "which needs every class on both sides of the split; got: "
                f"{exc}"
            ) from exc
        train, held_out = parts[0::2], parts[1::2]
        if sample_weight is None:
            train, held_out = [*train, None], [*held_out, None]
        return (*train, tuple(held_out))

    # ------------------------------------------------------------------
    # Prediction

    def _logits(self, X):
        """Return the logits, one column per class."""
        check_is_fitted(self)
        X = validate_data(
            self, X, reset=False, dtype=[np.float64, np.float32], order="C"
        )
        intercepts = self.intercepts_ if self._fitted_bias else None
        return forward_logits(X, self.coefs_, intercepts)

    def decision_function(self, X):
        """Return the logits of the samples in `X`, before the softmax.

        Without biases this is an odd function: ``decision_function(-X)``
        equals ``-decision_function(X)`` exactly.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Input data.

        Returns
        -------
        scores : ndarray of shape (n_samples,) or (n_samples, n_classes)
            For two classes the difference of the logits of ``classes_[1]``
            and ``classes_[0]``; otherwise the logits of all classes.
        """
        logits = self._logits(X)
        if logits.shape[1] == 2:
            return logits[:, 1] - logits[:, 0]
        return logits

    def predict_proba(self, X):
        """Return the softmax probabilities of the classes.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Input data.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Probabilities in the order of `classes_`, summing to one.
        """
        scores = self.decision_function(X)
        if scores.ndim == 1:
            return binary_proba(scores)
        return softmax(scores)

    def predict_log_proba(self, X):
        """Return the logarithm of the class probabilities.

        Computed from the logits directly, so it stays finite where the
        probabilities underflow to zero.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Input data.

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
            Log-probabilities in the order of `classes_`.
        """
        scores = self.decision_function(X)
        if scores.ndim == 1:
            return binary_log_proba(scores)
        return log_softmax(scores)

    def predict(self, X):
        """Return the class with the largest logit for every sample.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Input data.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
            Predicted labels, taken from `classes_`.
        """
        logits = self._logits(X)
        return self.classes_[np.argmax(logits, axis=1)]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = False
        return tags


def _is_layer_size(value):
    # bool is an Integral, but True is no way to ask for a one-unit layer.
    is_int = isinstance(value, numbers.Integral) and not isinstance(value, bool)
    return is_int and value >= 1


class _Monitor:
    """Decide when Adam stops, from the training loss or a validation set."""

    def __init__(self, tol, patience, validation):
        self.tol = tol
        self.patience = patience
        self.validation = validation
        self.best_loss = np.inf
        self.best_score = -np.inf if validation is not None else None
        self.scores = [] if validation is not None else None
        self.best_params = None
        self._stale = 0

    def stop(self, loss, params, shapes, fit_bias):
        """Record an epoch; return True after `patience` stale epochs."""
        if self.validation is None:
            improved = loss < self.best_loss - self.tol
            self.best_loss = min(self.best_loss, loss)
        else:
            score = self._score(params, shapes, fit_bias)
            self.scores.append(score)
            improved = score > self.best_score + self.tol
            if score > self.best_score:
                self.best_score = score
                self.best_params = params.copy()

        self._stale = 0 if improved else self._stale + 1
        return self._stale >= self.patience

    def _score(self, params, shapes, fit_bias):
        """Return the weighted accuracy on the validation set."""
        X, codes, sample_weight = self.validation
        coefs, intercepts = unpack(params, shapes, fit_bias)
        predicted = np.argmax(forward_logits(X, coefs, intercepts), axis=1)
        return float(accuracy_score(codes, predicted, sample_weight=sample_weight))
