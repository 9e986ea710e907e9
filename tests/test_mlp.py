"""Tests of NoBiasTanhMLPClassifier and the arithmetic of its tanh network."""

import pickle
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.base import clone
from sklearn.datasets import make_classification
from sklearn.exceptions import ConvergenceWarning, NotFittedError
from sklearn.model_selection import GridSearchCV, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils._param_validation import InvalidParameterError

import skinvariant._mlp as mlp_module
from skinvariant import NoBiasTanhMLPClassifier
from skinvariant._tanh_network import (
    LossGradient,
    glorot_uniform,
    layer_shapes,
    weighted_one_hot,
)
from skinvariant.datasets import load_signed_digits

SOLVERS = ["lbfgs", "adam"]
DTYPES = [np.float32, np.float64]


def _quiet_fit(estimator, *args, **kwargs):
    """Fit while ignoring ConvergenceWarning, for deliberately short runs."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return estimator.fit(*args, **kwargs)


def _data(n_samples=60, n_classes=3, n_features=5, seed=0):
    return make_classification(
        n_samples=n_samples,
        n_features=n_features,
        n_informative=min(n_features, 4),
        n_redundant=0,
        n_classes=n_classes,
        n_clusters_per_class=1,
        random_state=seed,
    )


@st.composite
def _odd_problems(draw):
    """A small random classification problem and a network to fit on it."""
    n_classes = draw(st.integers(2, 10))
    n_samples = draw(st.integers(n_classes, 40))
    n_features = draw(st.integers(1, 6))
    hidden = tuple(draw(st.lists(st.integers(1, 6), max_size=2)))
    scale = draw(st.sampled_from([1e-3, 1.0, 1e3]))
    rng = np.random.default_rng(draw(st.integers(0, 2**16)))

    X = scale * rng.standard_normal((n_samples, n_features))
    y = np.arange(n_samples) % n_classes
    rng.shuffle(y)
    return X, y, hidden


@settings(max_examples=30, deadline=None)
@given(
    problem=_odd_problems(),
    dtype=st.sampled_from(DTYPES),
    solver=st.sampled_from(SOLVERS),
)
def test_decision_function_is_exactly_odd(problem, dtype, solver):
    """Check that decision_function(-X) == -decision_function(X) bit for bit."""
    X, y, hidden = problem
    X = X.astype(dtype)
    clf = NoBiasTanhMLPClassifier(
        hidden, solver=solver, max_iter=5, batch_size=7, random_state=0
    )
    _quiet_fit(clf, X, y)

    scores = clf.decision_function(X)
    assert scores.dtype == dtype
    assert_array_equal(clf.decision_function(-X), -scores)
    # The memory layout of the caller's array must not matter.
    assert_array_equal(clf.decision_function(np.asfortranarray(-X)), -scores)


@pytest.mark.parametrize("dtype", DTYPES)
def test_binary_probabilities_swap_under_inversion(dtype):
    """Check that for two classes predict_proba(-X) is predict_proba(X) reversed."""
    X, y = _data(n_classes=2)
    X = X.astype(dtype)
    clf = _quiet_fit(NoBiasTanhMLPClassifier(random_state=0), X, y)

    scores = clf.decision_function(X)
    assert scores.shape == (X.shape[0],)
    assert_array_equal(clf.predict_proba(-X), clf.predict_proba(X)[:, ::-1])
    assert_array_equal(clf.predict(X) == clf.classes_[1], scores > 0)


@settings(max_examples=20, deadline=None)
@given(problem=_odd_problems(), solver=st.sampled_from(SOLVERS))
def test_accuracy_on_data_and_inverted_data_is_at_most_one(problem, solver):
    """Check that without biases accuracy on X plus accuracy on -X is <= 1."""
    X, y, hidden = problem
    clf = NoBiasTanhMLPClassifier(hidden, solver=solver, max_iter=20, random_state=0)
    _quiet_fit(clf, X, y)

    assert clf.score(X, y) + clf.score(-X, y) <= 1.0


def _rings(n_samples=200, seed=0):
    """Points on a line: class 0 near the origin, class 1 far out on both sides."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(-3, 3, n_samples)
    x = x[np.abs(np.abs(x) - 1.5) > 0.3]
    return x[:, np.newaxis], (np.abs(x) > 1.5).astype(int)


def test_biases_can_break_the_inversion_bound():
    """Check that with biases a network can be right on both x and -x."""
    X, y = _rings()
    biased = NoBiasTanhMLPClassifier(fit_bias=True, max_iter=500, random_state=0)
    odd = NoBiasTanhMLPClassifier(fit_bias=False, max_iter=500, random_state=0)
    _quiet_fit(biased, X, y)
    _quiet_fit(odd, X, y)

    assert biased.score(X, y) + biased.score(-X, y) > 1.8
    assert odd.score(X, y) + odd.score(-X, y) <= 1.0


def test_training_on_x_and_minus_x_drives_logits_to_zero():
    """Check that augmenting with -X leaves the odd network at chance level."""
    X, y = load_signed_digits(shifts=False, return_X_y=True)
    X_train, y_train, X_test, y_test = X[:600], y[:600], X[1000:1400], y[1000:1400]

    augmented = NoBiasTanhMLPClassifier(random_state=0)
    _quiet_fit(augmented, np.vstack([X_train, -X_train]), np.r_[y_train, y_train])
    plain = _quiet_fit(NoBiasTanhMLPClassifier(random_state=0), X_train, y_train)

    # The loss of a pair (x, -x) is lse(z) + lse(-z), smallest at z = 0,
    # where the mean log-loss is log(10).
    assert augmented.loss_ == pytest.approx(np.log(10), abs=1e-3)
    assert np.abs(augmented.decision_function(X_test)).max() < 0.1
    assert np.abs(plain.decision_function(X_test)).max() > 5
    for X_eval in (X_test, -X_test):
        assert augmented.score(X_eval, y_test) < 0.2
    assert plain.score(X_test, y_test) > 0.7


def _objective(fit_bias, n_samples=23, block_size=7, seed=0):
    """A float64 loss-and-gradient with random data, weights and parameters."""
    rng = np.random.RandomState(seed)
    shapes = layer_shapes(4, (5, 3), 3)
    objective = LossGradient(shapes, fit_bias, np.float64, n_samples, block_size)
    objective.params[:] = glorot_uniform(shapes, fit_bias, rng)
    X = rng.standard_normal((n_samples, 4))
    y = rng.randint(0, 3, n_samples)
    share = rng.uniform(0.1, 2.0, n_samples)
    return objective, X, y, share / share.sum()


@pytest.mark.parametrize("fit_bias", [False, True])
@pytest.mark.parametrize("weighted", [False, True])
def test_gradient_matches_finite_differences(fit_bias, weighted):
    """Check that the fused gradient matches central finite differences."""
    objective, X, y, share = _objective(fit_bias)
    if not weighted:
        share = np.full_like(share, 1.0 / share.size)
    target = weighted_one_hot(y, share, 3, np.float64)
    penalty = 0.05

    def loss_at(params):
        objective.params[:] = params
        return objective(X, X.T.copy(), target, share, penalty)

    params = objective.params.copy()
    loss_at(params)
    grad = objective.grad.copy()

    step = 1e-6
    numeric = np.empty_like(params)
    for i in range(params.size):
        shift = np.zeros_like(params)
        shift[i] = step
        numeric[i] = (loss_at(params + shift) - loss_at(params - shift)) / (2 * step)
    assert_allclose(grad, numeric, rtol=1e-5, atol=1e-8)


@pytest.mark.parametrize("fit_bias", [False, True])
def test_block_size_does_not_change_loss_or_gradient(fit_bias):
    """Check that summing the gradient over blocks equals one full pass."""
    results = []
    for block_size in (5, 23):
        objective, X, y, share = _objective(fit_bias, block_size=block_size)
        target = weighted_one_hot(y, share, 3, np.float64)
        loss = objective(X, X.T.copy(), target, share, 0.05)
        results.append((loss, objective.grad.copy()))
    assert results[0][0] == pytest.approx(results[1][0], rel=1e-12)
    assert_allclose(results[0][1], results[1][1], rtol=1e-12, atol=1e-15)


def test_max_iter_and_max_fun_bound_lbfgs_separately(monkeypatch):
    """Check that max_iter caps iterations and max_fun caps loss evaluations."""
    X, y = _data(n_samples=100)
    calls = []
    original = LossGradient.__call__

    def counting_call(self, *args):
        calls.append(1)
        return original(self, *args)

    monkeypatch.setattr(LossGradient, "__call__", counting_call)

    with pytest.warns(ConvergenceWarning, match="Increase `max_iter` \\(now 7\\)"):
        clf = NoBiasTanhMLPClassifier(max_iter=7, random_state=0).fit(X, y)
    assert clf.n_iter_ == 7

    calls.clear()
    clf = NoBiasTanhMLPClassifier(max_iter=1000, max_fun=12, random_state=0)
    with pytest.warns(ConvergenceWarning, match="Increase `max_fun` \\(now 12\\)"):
        clf.fit(X, y)
    assert clf.n_iter_ < 1000
    assert 12 <= len(calls) <= 12 + 5


def test_adam_warns_when_epochs_run_out():
    """Check that Adam reports the exhausted epoch budget."""
    X, y = _data()
    clf = NoBiasTanhMLPClassifier(solver="adam", max_iter=3, random_state=0)
    with pytest.warns(ConvergenceWarning, match="maximum of 3 epochs"):
        clf.fit(X, y)
    assert clf.n_iter_ == 3
    assert len(clf.loss_curve_) == 3


@pytest.mark.parametrize("solver", SOLVERS)
def test_no_convergence_warning_when_converged(solver):
    """Check that a run that meets its tolerance stays silent."""
    X, y = _data(n_samples=40)
    clf = NoBiasTanhMLPClassifier(
        solver=solver, tol=0.5, max_iter=500, learning_rate_init=0.05, random_state=0
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        clf.fit(X, y)
    assert clf.n_iter_ < 500


@pytest.fixture
def no_optimisation(monkeypatch):
    """Make any attempt to optimise fail loudly."""

    def refuse(*args, **kwargs):
        raise AssertionError("optimisation started before input checks")

    monkeypatch.setattr(mlp_module, "minimize", refuse)
    monkeypatch.setattr(mlp_module.Adam, "update", refuse)


X_OK, Y_OK = _data(n_samples=20)


@pytest.mark.parametrize("solver", SOLVERS)
@pytest.mark.parametrize(
    "X, y, kwargs, error, match",
    [
        (X_OK, np.zeros(20), {}, ValueError, "at least 2 classes.*got 1 class"),
        (X_OK, np.linspace(0, 1, 20), {}, ValueError, "Unknown label type"),
        (np.where(X_OK > 1, np.nan, X_OK), Y_OK, {}, ValueError, "NaN"),
        (np.where(X_OK > 1, np.inf, X_OK), Y_OK, {}, ValueError, "infinity"),
        (
            X_OK,
            Y_OK,
            {"sample_weight": np.ones(19)},
            ValueError,
            r"`sample_weight` must have one entry per sample, shape \(20,\); "
            r"got shape \(19,\)",
        ),
        (X_OK, Y_OK, {"sample_weight": -np.ones(20)}, ValueError, "Negative values"),
        (X_OK, Y_OK, {"sample_weight": np.zeros(20)}, ValueError, "all zeros"),
    ],
)
def test_bad_training_input_fails_before_optimising(
    no_optimisation, solver, X, y, kwargs, error, match
):
    """Check that bad data is refused with a clear error before any optimisation."""
    with pytest.raises(error, match=match):
        NoBiasTanhMLPClassifier(solver=solver).fit(X, y, **kwargs)


@pytest.mark.parametrize(
    "params, match",
    [
        ({"alpha": -1.0}, "alpha"),
        ({"solver": "sgd"}, "solver"),
        ({"max_fun": 0}, "max_fun"),
        ({"hidden_layer_sizes": 0}, "hidden_layer_sizes"),
    ],
)
def test_invalid_parameters_are_refused(no_optimisation, params, match):
    """Check that invalid constructor arguments are reported by fit."""
    with pytest.raises(InvalidParameterError, match=match):
        NoBiasTanhMLPClassifier(**params).fit(X_OK, Y_OK)


def test_hidden_layer_sizes_must_hold_positive_ints(no_optimisation):
    """Check that a zero-width hidden layer is refused with the value received."""
    with pytest.raises(ValueError, match=r"positive ints; got \(10, 0\)"):
        NoBiasTanhMLPClassifier((10, 0)).fit(X_OK, Y_OK)


def test_wrong_feature_count_at_predict():
    """Check that predicting with another number of features fails clearly."""
    clf = _quiet_fit(NoBiasTanhMLPClassifier(random_state=0), X_OK, Y_OK)
    for method in ("predict", "predict_proba", "decision_function"):
        with pytest.raises(ValueError, match="5 features"):
            getattr(clf, method)(X_OK[:, :4])


def test_prediction_before_fit_raises_not_fitted():
    """Check that an unfitted classifier refuses to predict."""
    with pytest.raises(NotFittedError):
        NoBiasTanhMLPClassifier().predict(X_OK)


@pytest.mark.parametrize("hidden", [(10, 5), ()])
@pytest.mark.parametrize("n_classes", [2, 4])
def test_probabilities_are_stable_for_huge_inputs(hidden, n_classes):
    """Check that inputs scaled by 1e4 give finite probabilities summing to one."""
    X, y = _data(n_classes=n_classes)
    clf = _quiet_fit(NoBiasTanhMLPClassifier(hidden, random_state=0), X, y)

    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        proba = clf.predict_proba(1e4 * X)
        log_proba = clf.predict_log_proba(1e4 * X)
    assert np.all(np.isfinite(proba))
    assert np.all(np.isfinite(log_proba))
    assert_allclose(proba.sum(axis=1), 1.0)
    assert_allclose(np.exp(log_proba), proba, atol=1e-12)


@pytest.mark.parametrize("solver", SOLVERS)
def test_float32_trains_and_predicts_in_float32(solver):
    """Check that float32 input gives float32 weights and outputs."""
    X, y = _data()
    clf = _quiet_fit(
        NoBiasTanhMLPClassifier(solver=solver, random_state=0), X.astype(np.float32), y
    )
    X32 = X.astype(np.float32)
    assert all(coef.dtype == np.float32 for coef in clf.coefs_)
    assert clf.decision_function(X32).dtype == np.float32
    assert clf.predict_proba(X32).dtype == np.float32


def test_integer_input_is_accepted():
    """Check that integer features train a float64 network."""
    X, y = _data()
    X_int = np.round(3 * X).astype(np.int64)
    clf = _quiet_fit(NoBiasTanhMLPClassifier(random_state=0), X_int, y)
    assert clf.coefs_[0].dtype == np.float64
    assert_array_equal(clf.decision_function(-X_int), -clf.decision_function(X_int))


@pytest.mark.parametrize("fit_bias", [False, True])
def test_fitted_attributes(fit_bias):
    """Check that the fitted attributes have the documented shapes and values."""
    X, y = _data(n_classes=2)
    clf = _quiet_fit(
        NoBiasTanhMLPClassifier((4, 3), fit_bias=fit_bias, random_state=0), X, y
    )

    assert [coef.shape for coef in clf.coefs_] == [(5, 4), (4, 3), (3, 2)]
    assert [b.shape for b in clf.intercepts_] == [(4,), (3,), (2,)]
    assert all(np.any(b != 0) for b in clf.intercepts_) == fit_bias
    assert clf.n_layers_ == 4
    assert clf.n_outputs_ == 2
    assert clf.out_activation_ == "softmax"
    assert clf.n_features_in_ == 5
    assert clf.loss_ > 0
    assert_array_equal(clf.classes_, [0, 1])


@pytest.mark.parametrize("solver", SOLVERS)
def test_pickle_keeps_predictions(solver):
    """Check that a pickled classifier predicts exactly as the original."""
    X, y = _data()
    clf = _quiet_fit(NoBiasTanhMLPClassifier(solver=solver, random_state=0), X, y)
    restored = pickle.loads(pickle.dumps(clf))
    assert_array_equal(restored.decision_function(X), clf.decision_function(X))
    assert_array_equal(restored.predict_proba(X), clf.predict_proba(X))


@pytest.mark.parametrize("solver", SOLVERS)
def test_inputs_are_not_modified_and_read_only_inputs_work(solver):
    """Check that fit, partial_fit and predict leave read-only inputs intact."""
    X, y = _data()
    weights = np.linspace(0.5, 1.5, len(y))
    copies = [array.copy() for array in (X, y, weights)]
    for array in (X, y, weights):
        array.setflags(write=False)

    clf = NoBiasTanhMLPClassifier(solver=solver, random_state=0)
    _quiet_fit(clf, X, y, sample_weight=weights)
    clf.partial_fit(X, y, sample_weight=weights)
    clf.predict_proba(X)
    clf.decision_function(X)

    for array, copy in zip((X, y, weights), copies, strict=True):
        assert_array_equal(array, copy)


@pytest.mark.parametrize(
    "labels",
    [
        np.array(["emu", "cat", "dog"]),
        np.array([100, -5, 3]),
    ],
)
def test_any_labels_give_sorted_classes(labels):
    """Check that string and non-contiguous integer labels give sorted classes_."""
    X, y = _data()
    y_labels = labels[y]
    clf = _quiet_fit(NoBiasTanhMLPClassifier(random_state=0), X, y_labels)

    assert_array_equal(clf.classes_, np.sort(labels))
    assert set(clf.predict(X)) <= set(labels)
    assert clf.score(X, y_labels) > 0.8


def test_dataframe_feature_names():
    """Check that DataFrame columns become feature_names_in_."""
    pd = pytest.importorskip("pandas")
    X, y = _data()
    frame = pd.DataFrame(X, columns=[f"pixel_{i}" for i in range(X.shape[1])])
    clf = _quiet_fit(NoBiasTanhMLPClassifier(random_state=0), frame, y)

    assert_array_equal(clf.feature_names_in_, frame.columns)
    with pytest.warns(UserWarning, match="feature names"):
        from_array = clf.predict(X)
    assert_array_equal(clf.predict(frame), from_array)


def test_pipeline_grid_search_and_cross_validation():
    """Check that the classifier works in Pipeline, GridSearchCV, cross_val_score."""
    X, y = _data(n_samples=90)
    pipe = make_pipeline(StandardScaler(), NoBiasTanhMLPClassifier(random_state=0))
    grid = GridSearchCV(
        pipe,
        {"nobiastanhmlpclassifier__fit_bias": [False, True]},
        cv=3,
        n_jobs=2,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        grid.fit(X, y)
        scores = cross_val_score(pipe, X, y, cv=3)

    assert grid.best_score_ > 0.7
    assert scores.shape == (3,)
    assert np.all(scores > 0.6)


def test_warm_start_continues_from_previous_weights():
    """Check that warm_start resumes training instead of reinitialising."""
    X, y = _data()
    clf = NoBiasTanhMLPClassifier(
        solver="adam", learning_rate_init=1e-3, max_iter=20, random_state=0
    )
    _quiet_fit(clf, X, y)
    before = [coef.copy() for coef in clf.coefs_]

    clf.set_params(warm_start=True, max_iter=1, random_state=1)
    _quiet_fit(clf, X, y)
    # One epoch of a single minibatch moves a weight by about one step size.
    for coef, old in zip(clf.coefs_, before, strict=True):
        assert np.abs(coef - old).max() < 5e-3
    assert clf.n_iter_ == 21
    assert len(clf.loss_curve_) == 21

    with pytest.raises(ValueError, match="architecture"):
        clf.set_params(hidden_layer_sizes=(3,)).fit(X, y)


def test_warm_start_refuses_new_classes():
    """Check that a warm-started fit rejects labels it has no output for."""
    X, y = _data()
    clf = _quiet_fit(NoBiasTanhMLPClassifier(warm_start=True), X, y)
    with pytest.raises(ValueError, match=r"got \[7\]"):
        clf.fit(X, np.where(y == 0, 7, y))


def test_partial_fit_needs_classes_first_and_lowers_the_loss():
    """Check that partial_fit needs classes first, then lowers the loss."""
    X, y = _data(n_classes=3)
    clf = NoBiasTanhMLPClassifier(learning_rate_init=0.01, random_state=0)
    with pytest.raises(ValueError, match="`classes` must be passed"):
        clf.partial_fit(X, y)

    # The first batch may lack a class: all classes still get an output.
    clf.partial_fit(X[y < 2], y[y < 2], classes=[0, 1, 2])
    assert clf.predict_proba(X).shape == (len(X), 3)
    for _ in range(30):
        clf.partial_fit(X, y)
    assert clf.n_iter_ == 31
    assert clf.loss_curve_[-1] < clf.loss_curve_[1]

    with pytest.raises(ValueError, match=r"got \[0, 1\]"):
        clf.partial_fit(X, y, classes=[0, 1])
    with pytest.raises(ValueError, match=r"got \[5\]"):
        clf.partial_fit(X, np.where(y == 0, 5, y))


def test_early_stopping_records_validation_scores():
    """Check that early stopping tracks held-out accuracy and keeps the best."""
    X, y = _data(n_samples=200)
    clf = NoBiasTanhMLPClassifier(
        solver="adam",
        early_stopping=True,
        learning_rate_init=0.01,
        n_iter_no_change=5,
        max_iter=300,
        random_state=0,
    )
    clf.fit(X, y)

    assert clf.n_iter_ < 300
    assert len(clf.validation_scores_) == clf.n_iter_
    assert clf.best_validation_score_ == max(clf.validation_scores_)
    assert clf.best_loss_ is None

    plain = _quiet_fit(NoBiasTanhMLPClassifier(solver="adam", max_iter=5), X, y)
    assert plain.validation_scores_ is None
    assert plain.best_loss_ == min(plain.loss_curve_)


def test_sample_weight_zero_equals_dropping_samples():
    """Check that zero weights remove samples from the L-BFGS objective."""
    X, y = _data(n_samples=60)
    weights = np.ones(len(y))
    weights[::3] = 0.0
    keep = weights > 0

    weighted = _quiet_fit(
        NoBiasTanhMLPClassifier(max_iter=30, random_state=0),
        X,
        y,
        sample_weight=weights,
    )
    dropped = _quiet_fit(
        NoBiasTanhMLPClassifier(max_iter=30, random_state=0), X[keep], y[keep]
    )
    assert_allclose(
        weighted.decision_function(X), dropped.decision_function(X), rtol=1e-6
    )


@pytest.mark.parametrize("solver", SOLVERS)
def test_verbose_prints_progress_only_when_asked(solver, capsys):
    """Check that verbose prints the loss per iteration and silence is default."""
    X, y = _data()
    _quiet_fit(NoBiasTanhMLPClassifier(solver=solver, max_iter=3), X, y)
    assert capsys.readouterr().out == ""

    _quiet_fit(NoBiasTanhMLPClassifier(solver=solver, max_iter=3, verbose=True), X, y)
    assert "Iteration 1, loss = " in capsys.readouterr().out


@pytest.mark.parametrize(
    "change",
    [
        {"hidden_layer_sizes": (3,), "solver": "lbfgs"},
        {"solver": "lbfgs"},
    ],
)
def test_partial_fit_after_refit_starts_adam_afresh(change):
    """Check that partial_fit after a refit does not reuse stale Adam moments."""
    X, y = _data()
    clf = _quiet_fit(NoBiasTanhMLPClassifier(solver="adam", max_iter=3), X, y)
    _quiet_fit(clf.set_params(**change), X, y)
    clf.partial_fit(X, y)

    # A fresh Adam has taken exactly the steps of this one epoch.
    assert clf._adam.n_steps == 1
    assert clf._adam._first.size == sum(c.size for c in clf.coefs_)


def test_partial_fit_can_switch_biases_on_after_fit():
    """Check that partial_fit after turning biases on trains them from zero."""
    X, y = _data()
    clf = _quiet_fit(NoBiasTanhMLPClassifier(solver="adam", max_iter=3), X, y)
    clf.set_params(fit_bias=True).partial_fit(X, y)
    assert any(np.any(intercept != 0) for intercept in clf.intercepts_)


@pytest.mark.parametrize("fit_bias", [True, False])
def test_predictions_ignore_fit_bias_changed_after_fit(fit_bias):
    """Check that set_params(fit_bias=...) after fit leaves predictions alone."""
    X, y = _data()
    clf = _quiet_fit(NoBiasTanhMLPClassifier(fit_bias=fit_bias, random_state=0), X, y)
    before = clf.decision_function(X)
    clf.set_params(fit_bias=not fit_bias)
    assert_array_equal(clf.decision_function(X), before)


def test_scalar_sample_weight_weighs_every_sample_alike():
    """Check that a scalar sample_weight is accepted and equals no weights."""
    X, y = _data()
    plain = _quiet_fit(NoBiasTanhMLPClassifier(max_iter=20, random_state=0), X, y)
    scalar = _quiet_fit(
        NoBiasTanhMLPClassifier(max_iter=20, random_state=0), X, y, sample_weight=1.0
    )
    assert_allclose(scalar.decision_function(X), plain.decision_function(X))


@pytest.mark.parametrize("n_samples", [4, 10])
def test_early_stopping_on_too_little_data_names_the_parameters(n_samples):
    """Check that too small a validation split names early_stopping clearly."""
    X, _ = _data(n_samples=n_samples)
    y = np.arange(n_samples) % 2
    y[-1] = 2
    clf = NoBiasTanhMLPClassifier(solver="adam", early_stopping=True)
    with pytest.raises(ValueError, match=r"`early_stopping`.*`validation_fraction`"):
        clf.fit(X, y)


@pytest.mark.parametrize("sizes", [True, (10, False), (np.True_,)])
def test_hidden_layer_sizes_refuses_booleans(no_optimisation, sizes):
    """Check that a boolean is not taken for a layer of one unit."""
    with pytest.raises(ValueError, match="`hidden_layer_sizes` must be a positive"):
        NoBiasTanhMLPClassifier(sizes).fit(X_OK, Y_OK)


def test_only_rows_with_tied_logits_exceed_the_inversion_bound():
    """Check that all-zero rows, their own inversion, are the documented excess."""
    rng = np.random.default_rng(0)
    X = rng.standard_normal((100, 3))
    y = np.arange(100) % 2
    X[:6:2] = 0.0
    clf = _quiet_fit(NoBiasTanhMLPClassifier(random_state=0), X, y)

    # Binary and odd: every other row is right on exactly one of x and -x.
    logits = clf._logits(X)
    tied = np.all(logits == logits[:, :1], axis=1)
    excess = np.sum(tied & (y == clf.classes_[0])) / len(y)
    assert excess > 0
    total = clf.score(X, y) + clf.score(-X, y)
    assert total == pytest.approx(1.0 + excess)


def test_fits_in_threads_restore_the_blas_thread_count():
    """Check that concurrent fits in threads leave BLAS as many threads as before."""
    from joblib import Parallel, delayed
    from threadpoolctl import threadpool_info

    # Fits long enough to overlap, so that limits are set and restored out
    # of order; one epoch each (no patience), so no warning to silence.
    X, y = _data(n_samples=2000, n_features=20)
    clf = NoBiasTanhMLPClassifier(
        solver="adam", batch_size=20, n_iter_no_change=1, tol=1e9
    )

    def blas_threads():
        pools = threadpool_info()
        return [pool["num_threads"] for pool in pools if pool["user_api"] == "blas"]

    before = blas_threads()
    Parallel(n_jobs=4, backend="threading")(
        delayed(clone(clf).fit)(X, y) for _ in range(16)
    )
    assert blas_threads() == before
