import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from scipy.linalg import expm
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

import skinvariant.features
from skinvariant import (
    BispectrumFeatures,
    NeighborProductFeatures,
    NoBiasTanhMLPClassifier,
    OrbitCanonicalizer,
    PermutationProductFeatures,
    PowerSpectrumFeatures,
    QuadraticFeatures,
    SignCanonicalFeatures,
    SquareFeatures,
)
from skinvariant.diagnostics import (
    first_layer_losses,
    first_layer_orbit_tangent,
    fractional_shift_generator,
    fractional_shift_matrix,
    hessian_spectrum,
    invariance_error,
    inversion_scores,
    weight_orbit_losses,
)
from skinvariant.groups import CyclicShift, SignFlip

IMAGE_SHAPE = (4, 4)
SHIFTS_AND_SIGN = CyclicShift(IMAGE_SHAPE) * SignFlip()

# Every invariant transformer of the package, with the group it is exactly
# invariant under.
INVARIANT_TRANSFORMERS = [
    (SquareFeatures(), SignFlip()),
    (NeighborProductFeatures(image_shape=IMAGE_SHAPE), SignFlip()),
    (PermutationProductFeatures(random_state=0), SignFlip()),
    (QuadraticFeatures(), SignFlip()),
    (SignCanonicalFeatures(), SignFlip()),
    (OrbitCanonicalizer(), SignFlip()),
    (OrbitCanonicalizer(group=SHIFTS_AND_SIGN), SHIFTS_AND_SIGN),
    (PowerSpectrumFeatures(image_shape=IMAGE_SHAPE), SHIFTS_AND_SIGN),
    (BispectrumFeatures(image_shape=IMAGE_SHAPE), CyclicShift(IMAGE_SHAPE)),
    (
        BispectrumFeatures(image_shape=IMAGE_SHAPE, sign_invariant=True),
        SHIFTS_AND_SIGN,
    ),
]


def _digits_like(n_samples=60, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n_samples, 16))
    y = (X[:, 0] * X[:, 5] + X[:, 3] > 0).astype(int)
    return X, y


def test_every_invariant_transformer_is_listed():
    """Check that the list above covers every transformer of the package, so a
    new one cannot skip the invariance test."""
    listed = {type(transformer).__name__ for transformer, _ in INVARIANT_TRANSFORMERS}
    assert listed == set(skinvariant.features.__all__)


@pytest.mark.parametrize(
    "transformer, group",
    INVARIANT_TRANSFORMERS,
    ids=[repr(t) for t, _ in INVARIANT_TRANSFORMERS],
)
@pytest.mark.parametrize("method", ["predict_proba", "decision_function"])
def test_invariance_error_is_zero_on_invariant_pipelines(transformer, group, method):
    """Check that a pipeline built on an invariant transformer has exactly zero
    invariance error under its group."""
    X, y = _digits_like()
    model = make_pipeline(clone(transformer), StandardScaler(), LogisticRegression())
    model.fit(X, y)

    result = invariance_error(model, X, group, method=method)

    assert result.max_abs_change == 0.0
    assert result.mean_abs_change == 0.0
    assert result.changed_fraction == 0.0
    assert_array_equal(result.max_abs_change_per_element, 0.0)
    assert len(result.element_names) == group.order - 1


@pytest.mark.parametrize(
    "transformer, group",
    INVARIANT_TRANSFORMERS,
    ids=[repr(t) for t, _ in INVARIANT_TRANSFORMERS],
)
def test_invariance_error_of_the_transformers_themselves(transformer, group):
    """Check that the transformers' own outputs do not move, except the plain
    bispectrum, which is odd under inversion and measured under shifts."""
    X, _ = _digits_like()
    fitted = clone(transformer).fit(X)

    result = invariance_error(fitted, X, group, method="transform")

    assert result.max_abs_change == 0.0
    assert result.changed_fraction == 0.0


def test_invariance_error_of_a_raw_odd_network():
    """Check that a network on raw inputs moves under inversion: without biases
    every prediction changes."""
    X, y = _digits_like()
    model = NoBiasTanhMLPClassifier((4,), max_iter=500, random_state=0).fit(X, y)
    proba = model.predict_proba(X)

    result = invariance_error(model, X)

    assert result.element_names == ("invert",)
    assert_allclose(result.max_abs_change, np.abs(proba[:, ::-1] - proba).max())
    assert_allclose(result.mean_abs_change, np.abs(proba[:, ::-1] - proba).mean())
    assert result.changed_fraction == 1.0


def test_invariance_error_per_element_and_labels():
    """Check the per-element results under shifts and that changed string
    labels count as changes of 1."""
    X, y = _digits_like()
    labels = np.where(y == 1, "one", "zero")
    model = LogisticRegression().fit(X, labels)
    group = CyclicShift(IMAGE_SHAPE, axis=1)

    result = invariance_error(model, X, group, method="predict")

    moved = [model.predict(group.apply(X, k)) for k in range(1, group.order)]
    expected = [np.mean(m != model.predict(X)) for m in moved]
    assert_allclose(result.changed_fraction_per_element, expected)
    assert_allclose(result.mean_abs_change_per_element, expected)
    assert result.changed_fraction == pytest.approx(np.mean(expected))
    assert result.max_abs_change == 1.0


def test_invariance_error_keeps_dataframes():
    """Check that a model fitted on a DataFrame gets a DataFrame back, without
    a feature name warning."""
    pd = pytest.importorskip("pandas")
    X, y = _digits_like()
    frame = pd.DataFrame(X, columns=[f"pixel{i}" for i in range(16)])
    model = make_pipeline(SquareFeatures(), LogisticRegression()).fit(frame, y)

    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        result = invariance_error(model, frame)
        scores = inversion_scores(model, frame, y)
    assert result.max_abs_change == 0.0
    assert scores.accuracy == scores.inverted_accuracy


def test_invariance_error_errors():
    """Check the errors for an unfitted model, an unknown or missing method and
    a group that does not fit the data."""
    X, y = _digits_like()
    with pytest.raises(NotFittedError):
        invariance_error(LogisticRegression(), X)

    model = LogisticRegression().fit(X, y)
    with pytest.raises(ValueError, match="`method` must be one of"):
        invariance_error(model, X, method="score")
    with pytest.raises(ValueError, match="`method`='transform' is not available"):
        invariance_error(model, X, method="transform")
    with pytest.raises(ValueError, match="`image_shape`"):
        invariance_error(model, X, CyclicShift((3, 3)))
    with pytest.raises(ValueError, match="`group` must have an element"):
        invariance_error(model, X, CyclicShift((1,)) * CyclicShift((1,)))


@pytest.mark.parametrize("seed", range(3))
def test_inversion_scores_obey_the_bound_for_odd_networks(seed):
    """Check accuracy on X plus accuracy on -X is at most 1 for a network
    without biases, and that the scores are the plain accuracies."""
    X, y = _digits_like(seed=seed)
    model = NoBiasTanhMLPClassifier((5,), max_iter=500, random_state=seed).fit(X, y)

    scores = inversion_scores(model, X, y)

    assert scores.accuracy == accuracy_score(y, model.predict(X))
    assert scores.inverted_accuracy == accuracy_score(y, model.predict(-X))
    assert scores.accuracy_sum == scores.accuracy + scores.inverted_accuracy
    assert scores.accuracy > 0.7
    assert scores.accuracy_sum <= 1.0


def test_inversion_scores_can_exceed_one_with_biases():
    """Check that biases break the bound: trained on X and -X, a biased network
    learns an even function and scores well on both."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 2))
    y = (X[:, 0] ** 2 > 0.5).astype(int)
    X_both, y_both = np.vstack([X, -X]), np.concatenate([y, y])
    model = NoBiasTanhMLPClassifier((6,), fit_bias=True, max_iter=2000, random_state=0)

    scores = inversion_scores(model.fit(X_both, y_both), X, y)

    assert scores.accuracy_sum > 1.5


def test_inversion_scores_inverts_integers_in_float():
    """Check that unsigned integer input is inverted without wrapping around."""
    X, y = _digits_like()
    X_uint8 = np.clip(np.round(X + 3), 0, 6).astype(np.uint8)
    model = LogisticRegression().fit(X_uint8.astype(float), y)

    scores = inversion_scores(model, X_uint8, y)

    expected = accuracy_score(y, model.predict(-X_uint8.astype(float)))
    assert scores.inverted_accuracy == expected


# -- loss landscape -----------------------------------------------------------


def _augmented(X, y, group):
    X_all = np.vstack([group.apply(X, k) for k in range(group.order)])
    return X_all, np.tile(y, group.order)


@pytest.mark.parametrize("fit_bias", [False, True])
@pytest.mark.parametrize(
    "group", [SignFlip(), CyclicShift((5,)), CyclicShift((5,)) * SignFlip()], ids=repr
)
def test_weight_orbit_losses_are_equal_after_full_augmentation(group, fit_bias):
    """Check that on data closed under the group, moving the first layer by any
    element leaves the training loss unchanged up to rounding."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 5))
    y = (X[:, 0] * X[:, 1] > 0).astype(int)
    X_all, y_all = _augmented(X, y, group)
    model = NoBiasTanhMLPClassifier((3,), fit_bias=fit_bias, max_iter=300)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.set_params(random_state=0).fit(X_all, y_all)

    result = weight_orbit_losses(model, X_all, y_all, group)

    assert result.element_names == group.element_names
    assert_allclose(result.losses, result.losses[0], rtol=1e-12)
    assert result.losses[0] == pytest.approx(model.loss_, rel=1e-6)


def test_weight_orbit_losses_differ_without_augmentation():
    """Check that on data that is not closed under the group the losses of the
    moved weights differ, so the equality above is not automatic."""
    rng = np.random.default_rng(1)
    X = rng.normal(size=(60, 5))
    y = (X[:, 0] > 0).astype(int)
    model = NoBiasTanhMLPClassifier((3,), max_iter=500, random_state=0).fit(X, y)

    losses = weight_orbit_losses(model, X, y, CyclicShift((5,))).losses

    assert losses[0] == pytest.approx(model.loss_, rel=1e-6)
    assert np.all(losses[1:] > losses[0] + 1e-3)


def test_first_layer_losses_match_the_orbit_losses():
    """Check that signed permutation matrices give the same losses as the
    group elements they represent."""
    X, y = _digits_like()
    X = X[:, :5]
    model = NoBiasTanhMLPClassifier((3,), max_iter=500, random_state=0).fit(X, y)
    group = CyclicShift((5,)) * SignFlip()
    indices, signs = group.signed_permutations(5)

    matrices = np.zeros((group.order, 5, 5))
    for k in range(group.order):
        matrices[k, np.arange(5), indices[k]] = signs[k]

    assert_allclose(
        first_layer_losses(model, X, y, matrices),
        weight_orbit_losses(model, X, y, group).losses,
        rtol=1e-12,
    )


@pytest.mark.parametrize("n_features", [1, 5, 7])
def test_fractional_shifts_form_a_group(n_features):
    """Check that fractional shifts are orthogonal, compose by adding, agree
    with numpy.roll at integer shifts, and exponentiate their generator."""
    x = np.random.default_rng(0).normal(size=n_features)
    S = fractional_shift_matrix(n_features, 0.3)
    A = fractional_shift_generator(n_features)

    assert_allclose(S @ S.T, np.eye(n_features), atol=1e-12)
    assert_allclose(
        S @ fractional_shift_matrix(n_features, 1.45),
        fractional_shift_matrix(n_features, 1.75),
        atol=1e-12,
    )
    assert_allclose(fractional_shift_matrix(n_features, 2) @ x, np.roll(x, 2))
    assert_allclose(
        fractional_shift_matrix(n_features, n_features), np.eye(n_features), atol=1e-12
    )
    assert_allclose(A, -A.T, atol=1e-14)
    assert_allclose(expm(0.3 * A), S, atol=1e-12)


def test_fractional_shift_needs_an_odd_length():
    """Check that an even length is refused with the reason."""
    with pytest.raises(ValueError, match="`n_features` must be a positive odd"):
        fractional_shift_matrix(8, 0.5)
    with pytest.raises(ValueError, match="Nyquist"):
        fractional_shift_generator(4)


def _linear_softmax_hessian(model, X, y):
    """Exact Hessian of the mean log-loss plus penalty of a linear softmax."""
    proba = model.predict_proba(X)
    n_samples, n_features = X.shape
    n_classes = proba.shape[1]
    hessian = np.zeros((n_features * n_classes,) * 2)
    for x, p in zip(X, proba, strict=True):
        hessian += np.kron(np.outer(x, x), np.diag(p) - np.outer(p, p)) / n_samples
    return hessian + model.alpha / n_samples * np.eye(len(hessian))


def test_hessian_spectrum_matches_the_exact_hessian_of_a_linear_model():
    """Check the finite-difference spectrum against the exact Hessian of a
    linear softmax model, with the softmax gauge directions left out."""
    rng = np.random.default_rng(2)
    X = rng.normal(size=(80, 3))
    y = rng.integers(0, 3, size=80)
    model = NoBiasTanhMLPClassifier((), alpha=0.5, random_state=0).fit(X, y)

    result = hessian_spectrum(model, X, y)

    exact = _linear_softmax_hessian(model, X, y)
    basis = result.eigenvectors
    assert result.n_gauge == 3
    assert_allclose(basis.T @ basis, np.eye(6), atol=1e-12)
    assert_allclose(basis.T @ exact @ basis, np.diag(result.eigenvalues), atol=1e-7)


def test_newton_steps_reach_the_minimum():
    """Check that Newton steps shrink the gradient to rounding level without
    changing the fitted model."""
    X, y = _digits_like()
    model = NoBiasTanhMLPClassifier((3,), alpha=1.0, random_state=0).fit(X, y)
    coefs = [coef.copy() for coef in model.coefs_]

    rough = hessian_spectrum(model, X, y)
    polished = hessian_spectrum(model, X, y, newton_steps=4)

    assert polished.gradient_norm < 1e-9 < rough.gradient_norm
    assert polished.loss <= rough.loss
    assert polished.eigenvalues.min() > 0
    for before, after in zip(coefs, model.coefs_, strict=True):
        assert_array_equal(before, after)


def _shift_data(n_features, seed, n_per_class=20):
    """Noisy copies of three patterns at random fractional shifts."""
    rng = np.random.default_rng(seed)
    patterns = rng.normal(size=(3, n_features))
    y = np.repeat(np.arange(3), n_per_class)
    X = np.stack(
        [
            fractional_shift_matrix(n_features, rng.uniform(0, n_features))
            @ patterns[c]
            for c in y
        ]
    )
    return X + 0.3 * rng.normal(size=X.shape), y


def _densely_shifted(X, y, copies_per_sample):
    n_features = X.shape[1]
    shifts = np.arange(copies_per_sample * n_features) / copies_per_sample
    X_aug = np.vstack([X @ fractional_shift_matrix(n_features, t).T for t in shifts])
    return X_aug, np.tile(y, len(shifts))


def test_augmented_training_has_a_flat_direction_along_the_orbit():
    """Check the Goldstone mode: trained on dense fractional shifts, the loss is
    flat along the orbit of the first layer and nowhere else, while training
    on invariant features leaves no flat direction."""
    X, y = _shift_data(7, seed=0, n_per_class=15)
    X_aug, y_aug = _densely_shifted(X, y, copies_per_sample=30)

    augmented = NoBiasTanhMLPClassifier((3,), alpha=1.0, max_iter=3000, random_state=0)
    augmented.fit(X_aug, y_aug)
    result = hessian_spectrum(augmented, X_aug, y_aug, newton_steps=5)
    tangent = first_layer_orbit_tangent(
        augmented, fractional_shift_generator(7), result.parameters
    )
    overlap = (result.eigenvectors.T @ tangent) ** 2

    assert result.gradient_norm < 1e-8
    assert result.n_flat == 1
    assert np.argmax(overlap) == 0 and overlap[0] > 0.999

    Z = PowerSpectrumFeatures().fit_transform(X)
    invariant = NoBiasTanhMLPClassifier((3,), alpha=1.0, max_iter=3000, random_state=0)
    invariant.fit(Z, y)
    assert hessian_spectrum(invariant, Z, y, newton_steps=5).n_flat == 0


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_loss_is_flat_along_the_continuous_orbit():
    """Check that on data augmented by dense fractional shifts the loss does not
    move along the orbit of the first layer, and moves without them."""
    X, y = _shift_data(7, seed=1)
    X_aug, y_aug = _densely_shifted(X, y, copies_per_sample=30)
    orbit = [fractional_shift_matrix(7, t) for t in np.linspace(0, 1, 7)]

    augmented = NoBiasTanhMLPClassifier((3,), alpha=1.0, max_iter=500, random_state=0)
    losses = first_layer_losses(augmented.fit(X_aug, y_aug), X_aug, y_aug, orbit)
    plain = NoBiasTanhMLPClassifier((3,), alpha=1.0, max_iter=500, random_state=0)
    plain_losses = first_layer_losses(plain.fit(X, y), X, y, orbit)

    assert np.ptp(losses) < 1e-10 * losses[0]
    assert np.ptp(plain_losses) > 1e-2 * plain_losses[0]


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_orbit_tangent_is_the_derivative_of_the_moved_weights():
    """Check the tangent against a finite difference of S(t).T @ W."""
    X, y = _shift_data(5, seed=2)
    model = NoBiasTanhMLPClassifier((3,), fit_bias=True, max_iter=1000, random_state=0)
    tangent = first_layer_orbit_tangent(model.fit(X, y), fractional_shift_generator(5))

    W = model.coefs_[0]
    step = 1e-6
    velocity = (
        fractional_shift_matrix(5, step).T @ W - fractional_shift_matrix(5, -step).T @ W
    ) / (2 * step)
    assert_allclose(
        tangent[: W.size], (velocity / np.linalg.norm(velocity)).ravel(), atol=1e-6
    )
    assert_array_equal(tangent[W.size :], 0.0)
    assert tangent.size == sum(c.size for c in model.coefs_) + sum(
        b.size for b in model.intercepts_
    )


def test_landscape_errors():
    """Check the errors for a model that is not the network, data of the wrong
    width, unknown labels, and a network too large for a dense Hessian."""
    X, y = _digits_like()
    model = NoBiasTanhMLPClassifier((3,), max_iter=50, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.fit(X, y)

    with pytest.raises(TypeError, match="`estimator` must be a fitted NoBias"):
        weight_orbit_losses(LogisticRegression().fit(X, y), X, y)
    with pytest.raises(NotFittedError):
        hessian_spectrum(NoBiasTanhMLPClassifier(), X, y)
    with pytest.raises(ValueError, match="`X` has 15 features"):
        hessian_spectrum(model, X[:, :15], y)
    with pytest.raises(ValueError, match=r"fitted on, \[0, 1\]; got \[2\]"):
        weight_orbit_losses(model, X, y + 1)
    with pytest.raises(ValueError, match="more than `max_parameters`=10"):
        hessian_spectrum(model, X, y, max_parameters=10)
    with pytest.raises(ValueError, match="`newton_steps` must be an integer"):
        hessian_spectrum(model, X, y, newton_steps=-1)
    with pytest.raises(ValueError, match="`operators` must have shape"):
        first_layer_losses(model, X, y, np.eye(16))
