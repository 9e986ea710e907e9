"""Tests for SymmetryAugmenter and AugmentedClassifier."""

import pickle
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from imblearn.pipeline import Pipeline as ImblearnPipeline
from imblearn.utils.estimator_checks import estimator_checks_generator
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.base import clone
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.metrics import accuracy_score
from sklearn.model_selection import (
    GridSearchCV,
    GroupKFold,
    KFold,
    cross_val_score,
    cross_validate,
)
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.svm import LinearSVC
from sklearn.utils._param_validation import InvalidParameterError

from skinvariant import AugmentedClassifier, SquareFeatures, SymmetryAugmenter
from skinvariant.groups import CyclicShift, DirectProduct, SignFlip


@pytest.fixture
def data():
    X, y = make_classification(
        n_samples=40, n_features=4, n_informative=3, n_redundant=0, random_state=0
    )
    return X, y


# -- SymmetryAugmenter -------------------------------------------------------


def test_augmenter_sign_flip_appends_inverted_rows(data):
    """Check that the sign flip returns the originals followed by `-X`."""
    X, y = data
    augmenter = SymmetryAugmenter()
    X_res, y_res = augmenter.fit_resample(X, y)

    assert_array_equal(X_res, np.vstack([X, -X]))
    assert_array_equal(y_res, np.concatenate([y, y]))
    assert_array_equal(augmenter.sample_indices_, np.tile(np.arange(40), 2))
    assert_array_equal(augmenter.element_indices_, np.repeat([0, 1], 40))
    assert augmenter.group_ == SignFlip()


@pytest.mark.parametrize(
    "group",
    [
        CyclicShift((2, 2)),
        DirectProduct(SignFlip(), CyclicShift((2, 2), axis=1)),
    ],
)
def test_augmenter_blocks_follow_group_elements(data, group):
    """Check that block k holds every row transformed by element k, exactly."""
    X, y = data
    X_res, y_res = SymmetryAugmenter(group).fit_resample(X, y)
    blocks = X_res.reshape(group.order, 40, 4)

    for element in range(group.order):
        assert_array_equal(blocks[element], group.apply(X, element))
    assert_array_equal(y_res, np.tile(y, group.order))


@settings(max_examples=25, deadline=None)
@given(
    n_samples=st.integers(1, 30),
    fraction=st.floats(0.0, 1.0),
    seed=st.integers(0, 2**16),
)
def test_augmenter_rows_are_images_of_their_sources(n_samples, fraction, seed):
    """Check that every output row is its recorded element applied to its source."""
    group = DirectProduct(SignFlip(), CyclicShift((2, 3)))
    X = np.random.RandomState(seed).normal(size=(n_samples, 6))
    y = np.arange(n_samples)
    augmenter = SymmetryAugmenter(group, fraction=fraction, random_state=seed)
    X_res, y_res = augmenter.fit_resample(X, y)

    assert_array_equal(X_res[:n_samples], X)
    assert_array_equal(y_res, y[augmenter.sample_indices_])
    for element in range(group.order):
        rows = augmenter.element_indices_ == element
        sources = X[augmenter.sample_indices_[rows]]
        assert_array_equal(X_res[rows], group.apply(sources, element))
    assert np.all(np.diff(augmenter.element_indices_) >= 0)


def test_augmenter_fraction_keeps_copies_with_that_probability():
    """Check that each copy is kept with probability `fraction`."""
    group = CyclicShift((2, 2))
    X = np.random.RandomState(0).normal(size=(3000, 4))
    y = np.zeros(3000)
    fraction = 0.3
    augmenter = SymmetryAugmenter(group, fraction=fraction, random_state=0)
    X_res, _ = augmenter.fit_resample(X, y)

    n_copies = 3000 * (group.order - 1)
    kept = X_res.shape[0] - 3000
    spread = np.sqrt(n_copies * fraction * (1 - fraction))
    assert abs(kept - n_copies * fraction) < 5 * spread

    # Copies are drawn independently of the element and of the source row.
    per_element = np.bincount(augmenter.element_indices_)[1:]
    assert_allclose(per_element / 3000, fraction, atol=0.05)


def test_augmenter_fraction_is_reproducible_and_random(data):
    """Check that `random_state` fixes the draw and different seeds differ."""
    X, y = data
    group = CyclicShift((2, 2))

    def draw(seed):
        augmenter = SymmetryAugmenter(group, fraction=0.5, random_state=seed)
        augmenter.fit_resample(X, y)
        return augmenter.sample_indices_

    assert_array_equal(draw(0), draw(0))
    assert not np.array_equal(draw(0), draw(1))


@pytest.mark.parametrize("fraction, n_rows", [(0.0, 40), (1.0, 80)])
def test_augmenter_fraction_bounds(data, fraction, n_rows):
    """Check that fraction 0 gives the originals only and 1 every copy."""
    X, y = data
    X_res, _ = SymmetryAugmenter(fraction=fraction).fit_resample(X, y)

    assert X_res.shape == (n_rows, 4)
    assert_array_equal(X_res[:40], X)


def test_augmenter_repeats_sample_weight(data):
    """Check that `sample_weight` is repeated with its rows as a third output."""
    X, y = data
    weight = np.arange(40.0)
    X_res, y_res, weight_res = SymmetryAugmenter().fit_resample(X, y, weight)

    assert_array_equal(weight_res, np.concatenate([weight, weight]))
    assert X_res.shape[0] == y_res.shape[0] == weight_res.shape[0]


def test_augmenter_keeps_dataframe_columns(data):
    """Check that a DataFrame and a Series come back with their names."""
    pd = pytest.importorskip("pandas")
    X, y = data
    X_df = pd.DataFrame(X, columns=["a", "b", "c", "d"], index=np.arange(40) + 100)
    y_s = pd.Series(y, name="label", index=X_df.index)
    augmenter = SymmetryAugmenter()
    X_res, y_res = augmenter.fit_resample(X_df, y_s)

    assert isinstance(X_res, pd.DataFrame)
    assert isinstance(y_res, pd.Series)
    assert list(X_res.columns) == ["a", "b", "c", "d"]
    assert y_res.name == "label"
    assert_array_equal(X_res.to_numpy(), np.vstack([X, -X]))
    assert_array_equal(augmenter.feature_names_in_, ["a", "b", "c", "d"])
    assert_array_equal(augmenter.get_feature_names_out(), ["a", "b", "c", "d"])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_augmenter_keeps_float_dtype(data, dtype):
    """Check that float32 and float64 inputs keep their dtype."""
    X, y = data
    X_res, _ = SymmetryAugmenter().fit_resample(X.astype(dtype), y)
    assert X_res.dtype == dtype


def test_augmenter_does_not_mutate_read_only_input(data):
    """Check that read-only inputs are accepted and left unchanged."""
    X, y = data
    X_before = X.copy()
    X.setflags(write=False)
    y.setflags(write=False)
    X_res, _ = SymmetryAugmenter().fit_resample(X, y)

    assert_array_equal(X, X_before)
    assert not np.shares_memory(X_res, X)


def test_augmenter_accepts_continuous_targets(data):
    """Check that regression targets are repeated like labels."""
    X, _ = data
    y = np.linspace(0.0, 1.0, 40)
    _, y_res = SymmetryAugmenter().fit_resample(X, y)
    assert_array_equal(y_res, np.concatenate([y, y]))


def test_augmenter_group_that_does_not_fit_the_data(data):
    """Check that an image group of the wrong size names both sizes."""
    X, y = data
    with pytest.raises(ValueError, match=r"image_shape.*n_features`=4"):
        SymmetryAugmenter(CyclicShift((3, 3))).fit_resample(X, y)


@pytest.mark.parametrize(
    "params, error, match",
    [
        ({"fraction": 1.5}, InvalidParameterError, "fraction"),
        ({"fraction": -0.1}, InvalidParameterError, "fraction"),
        ({"group": "mirror"}, ValueError, "`group` must be one of"),
        ({"group": 3}, InvalidParameterError, "group"),
    ],
)
def test_augmenter_rejects_bad_parameters(data, params, error, match):
    """Check that bad parameters raise clear errors at fit_resample."""
    X, y = data
    with pytest.raises(error, match=match):
        SymmetryAugmenter(**params).fit_resample(X, y)


def test_augmenter_inside_imblearn_pipeline(data):
    """Check that imbalanced-learn's Pipeline augments at fit only."""
    X, y = data
    pipe = ImblearnPipeline(
        [("augment", SymmetryAugmenter()), ("knn", KNeighborsClassifier(1))]
    )
    pipe.fit(X, y)

    assert pipe[-1].n_samples_fit_ == 80
    assert_array_equal(pipe.predict(-X), y)
    assert pipe.predict(X[:5]).shape == (5,)


def test_package_does_not_import_imblearn():
    """Check that importing skinvariant leaves imbalanced-learn unimported."""
    code = "import sys, skinvariant; print('imblearn' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"


# imbalanced-learn's checks assume a balancing sampler; augmentation is not one.
IMBLEARN_EXPECTED_FAILURES = {
    "check_target_type": "any target can be augmented, continuous ones too",
    "check_samplers_one_label": "a single class is augmented like any other",
    "check_samplers_fit": "no class balancing, hence no sampling_strategy_",
    "check_samplers_pandas_sparse": "sparse input is not supported",
}


def _imblearn_checks():
    samplers = [SymmetryAugmenter(), SymmetryAugmenter(fraction=0.5, random_state=0)]
    return [
        item
        for sampler in samplers
        for item in estimator_checks_generator(
            sampler, expected_failed_checks=IMBLEARN_EXPECTED_FAILURES, mark="xfail"
        )
    ]


def _check_id(value):
    if hasattr(value, "func"):
        return value.func.__name__
    return repr(value)


@pytest.mark.parametrize("estimator, check", _imblearn_checks(), ids=_check_id)
def test_augmenter_passes_imblearn_sampler_checks(estimator, check):
    """Check that the sampler passes imbalanced-learn's applicable checks."""
    check(estimator)


# -- AugmentedClassifier -----------------------------------------------------


def test_augmented_classifier_fits_on_augmented_rows(data):
    """Check that the inner estimator sees every copy and predicts as given."""
    X, y = data
    model = AugmentedClassifier(KNeighborsClassifier(1)).fit(X, y)

    assert model.estimator_.n_samples_fit_ == 80
    assert model.group_ == SignFlip()
    assert model.n_features_in_ == 4
    assert_array_equal(model.classes_, [0, 1])
    assert_array_equal(model.predict(X), model.estimator_.predict(X))
    assert_array_equal(model.predict(-X), y)


def test_augmented_classifier_delegates_methods(data):
    """Check that probability and decision methods exist where the inner ones do."""
    X, y = data
    logistic = AugmentedClassifier(LogisticRegression()).fit(X, y)
    svc = AugmentedClassifier(LinearSVC())

    assert_array_equal(logistic.predict_proba(X), logistic.estimator_.predict_proba(X))
    assert_allclose(logistic.predict_log_proba(X), np.log(logistic.predict_proba(X)))
    assert_array_equal(
        logistic.decision_function(X), logistic.estimator_.decision_function(X)
    )
    assert not hasattr(svc, "predict_proba")
    assert hasattr(svc.fit(X, y), "decision_function")


def test_augmented_classifier_dataframe_feature_names(data):
    """Check that feature names are recorded and checked at predict."""
    pd = pytest.importorskip("pandas")
    X, y = data
    X_df = pd.DataFrame(X, columns=["a", "b", "c", "d"])
    model = AugmentedClassifier(LogisticRegression()).fit(X_df, y)

    assert_array_equal(model.feature_names_in_, ["a", "b", "c", "d"])
    with pytest.raises(ValueError, match="feature names"):
        model.predict(X_df[["d", "c", "b", "a"]])


def test_augmented_classifier_sample_weight(data):
    """Check that weights follow their rows into the inner fit."""
    X, y = data
    weight = np.random.RandomState(0).uniform(0.5, 2.0, size=40)
    model = AugmentedClassifier(LogisticRegression()).fit(X, y, weight)
    manual = LogisticRegression().fit(
        np.vstack([X, -X]), np.tile(y, 2), sample_weight=np.tile(weight, 2)
    )

    assert_allclose(model.estimator_.coef_, manual.coef_)
    with pytest.raises(ValueError, match="`sample_weight`"):
        AugmentedClassifier(KNeighborsClassifier()).fit(X, y, weight)


def test_augmented_classifier_group_that_does_not_fit_the_data(data):
    """Check that an image group of the wrong size fails at fit, naming both."""
    X, y = data
    model = AugmentedClassifier(LogisticRegression(), CyclicShift((3, 3)))
    with pytest.raises(ValueError, match=r"image_shape.*n_features`=4"):
        model.fit(X, y)


def test_augmented_classifier_refuses_a_regressor(data):
    """Check that a wrapped regressor is refused with a message naming
    `estimator`, not an AttributeError about `classes_`."""
    X, y = data
    with pytest.raises(TypeError, match="`estimator` must be a classifier.*Ridge"):
        AugmentedClassifier(Ridge()).fit(X, y)


def test_augmented_classifier_default_estimator_is_seeded(data):
    """Check that `random_state` makes the default network reproducible."""
    X, y = data
    first = AugmentedClassifier(random_state=0).fit(X, y)
    second = AugmentedClassifier(random_state=0).fit(X, y)

    assert type(first.estimator_).__name__ == "NoBiasTanhMLPClassifier"
    assert_array_equal(first.predict_proba(X), second.predict_proba(X))


def test_augmented_classifier_pickle_and_clone(data):
    """Check that pickling keeps predictions and clone keeps parameters."""
    X, y = data
    group = CyclicShift((2, 2))
    model = AugmentedClassifier(LogisticRegression(), group, fraction=0.5)
    model.fit(X, y)
    restored = pickle.loads(pickle.dumps(model))
    cloned = clone(model)

    assert_array_equal(restored.predict_proba(X), model.predict_proba(X))
    assert cloned.get_params()["group"] == group
    assert not hasattr(cloned, "estimator_")


def test_augmented_classifier_in_grid_search(data):
    """Check nested parameters and `fraction` in a parallel grid search."""
    X, y = data
    model = AugmentedClassifier(LogisticRegression(), random_state=0)
    grid = {"estimator__C": [0.1, 1.0], "fraction": [0.0, 1.0]}
    search = GridSearchCV(model, grid, cv=3, n_jobs=2).fit(X, y)

    assert set(search.best_params_) == {"estimator__C", "fraction"}
    assert search.best_estimator_.estimator_.C in (0.1, 1.0)


def test_augmented_classifier_scorer_sees_original_rows_only(data):
    """Check that cross-validation scores test folds of original rows only."""
    X, y = data
    seen = []

    def counting_accuracy(estimator, X_test, y_test):
        seen.append(X_test.shape[0])
        return accuracy_score(y_test, estimator.predict(X_test))

    model = AugmentedClassifier(KNeighborsClassifier(1))
    result = cross_validate(
        model, X, y, cv=KFold(4), scoring=counting_accuracy, return_estimator=True
    )

    assert seen == [10, 10, 10, 10]
    for fitted in result["estimator"]:
        assert fitted.estimator_.n_samples_fit_ == 2 * 30


def _random_label_data():
    """Return rows without any signal: labels are coin flips."""
    rng = np.random.RandomState(0)
    return rng.normal(size=(400, 8)), rng.randint(2, size=400)


def test_leakage_trap_augmenting_before_the_split():
    """Check that augmenting before splitting inflates the score; our ways do not.

    With invariant features (squares), ``x`` and ``-x`` are the same point,
    so a 1-nearest-neighbour model recalls the label of a test row from its
    inverted copy in the training folds. On labels without signal an honest
    score is near chance (0.5).
    """
    X, y = _random_label_data()
    memoriser = make_pipeline(SquareFeatures(), KNeighborsClassifier(1))
    cv = KFold(5, shuffle=True, random_state=0)

    # The trap: augment the whole data set, then split rows at random.
    X_aug, y_aug = SymmetryAugmenter().fit_resample(X, y)
    leaky = cross_val_score(memoriser, X_aug, y_aug, cv=cv).mean()

    # Augmentation inside the model only ever copies training rows.
    inside = cross_val_score(AugmentedClassifier(memoriser), X, y, cv=cv).mean()

    # Or augment first, but keep every orbit on one side of each split.
    augmenter = SymmetryAugmenter()
    X_aug, y_aug = augmenter.fit_resample(X, y)
    grouped = cross_val_score(
        memoriser, X_aug, y_aug, groups=augmenter.sample_indices_, cv=GroupKFold(5)
    ).mean()

    assert leaky > 0.8
    assert inside < 0.65
    assert grouped < 0.65
