"""Tests for GroupAveragedClassifier and its canonical orbits."""

import pickle

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose, assert_array_equal
from sklearn import config_context
from sklearn.base import clone
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.neighbors import KNeighborsClassifier
from sklearn.neural_network import MLPClassifier
from sklearn.svm import LinearSVC
from sklearn.utils._param_validation import InvalidParameterError

from skinvariant import GroupAveragedClassifier, NoBiasTanhMLPClassifier
from skinvariant._group_averaging import canonical_orbits
from skinvariant.datasets import load_signed_digits
from skinvariant.groups import CyclicShift, DirectProduct, Reflection, SignFlip

GROUPS = [
    SignFlip(),
    CyclicShift((2, 3)),
    DirectProduct(SignFlip(), Reflection((2, 3), axis=1)),
]


def _bits(array):
    """Return the bit patterns of a float64 array, so -0.0 differs from 0.0."""
    return np.ascontiguousarray(array, dtype=np.float64).view(np.uint64)


@pytest.fixture(scope="module")
def data():
    X, y = make_classification(
        n_samples=60,
        n_features=6,
        n_informative=4,
        n_redundant=0,
        n_classes=3,
        random_state=0,
    )
    return X, y


def _transform_rows(group, X, elements):
    """Apply element ``elements[i]`` to row ``i`` of `X`."""
    rows = [group.apply(X[i : i + 1], int(k)) for i, k in enumerate(elements)]
    return np.vstack(rows)


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize("group", GROUPS)
@pytest.mark.parametrize(
    "estimator",
    [
        LogisticRegression(),
        MLPClassifier(hidden_layer_sizes=(8,), max_iter=50, random_state=0),
        NoBiasTanhMLPClassifier(max_iter=30, random_state=0),
    ],
    ids=["logistic", "mlp", "nobias-mlp"],
)
def test_predictions_are_bitwise_invariant(data, group, estimator):
    """Check that every row transformed by any element gets identical output."""
    X, y = data
    model = GroupAveragedClassifier(estimator, group).fit(X, y)
    elements = np.random.RandomState(0).randint(group.order, size=X.shape[0])
    X_moved = _transform_rows(group, X, elements)

    assert_array_equal(
        _bits(model.predict_proba(X_moved)), _bits(model.predict_proba(X))
    )
    assert_array_equal(model.predict(X_moved), model.predict(X))


@pytest.mark.parametrize("element", [1, 9, 63])
def test_digits_predictions_invariant_under_all_cyclic_shifts(element):
    """Check exact invariance on digits under a 64-element group.

    Averaging the 64 probabilities in element order would sum them in a
    different order for a shifted image and differ in the last bits.
    """
    X, y = load_signed_digits(shifts=False, return_X_y=True)
    group = CyclicShift((8, 8))
    model = GroupAveragedClassifier(LogisticRegression(max_iter=200), group)
    model.fit(X[:300], y[:300])
    X_test = X[300:600]

    shifted = model.predict_proba(group.apply(X_test, element))
    assert_array_equal(_bits(shifted), _bits(model.predict_proba(X_test)))


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**16), n_samples=st.integers(1, 12))
def test_canonical_orbits_identical_for_any_orbit_member(seed, n_samples):
    """Check that rows of one orbit yield bitwise identical canonical orbits."""
    group = DirectProduct(SignFlip(), CyclicShift((2, 3)))
    rng = np.random.RandomState(seed)
    # Rounded values give ties and exact zeros, whose sign flips to -0.0.
    X = np.round(rng.normal(size=(n_samples, 6)))
    elements = rng.randint(group.order, size=n_samples)
    X_moved = _transform_rows(group, X, elements)

    assert_array_equal(
        _bits(canonical_orbits(X_moved, group)), _bits(canonical_orbits(X, group))
    )


def test_canonical_orbits_hold_every_member(data):
    """Check that each canonical orbit is a reordering of the orbit."""
    X, _ = data
    group = CyclicShift((2, 3))
    orbits = canonical_orbits(X, group)
    plain = np.swapaxes(group.orbit(X), 0, 1)

    assert orbits.shape == (60, group.order, 6)
    assert_array_equal(np.sort(orbits, axis=1), np.sort(plain, axis=1))


@pytest.mark.parametrize("group", GROUPS)
def test_probabilities_are_the_orbit_mean(data, group):
    """Check that the output is the model's probabilities averaged over the orbit."""
    X, y = data
    model = GroupAveragedClassifier(LogisticRegression(), group).fit(X, y)
    orbit_proba = [model.estimator_.predict_proba(image) for image in group.orbit(X)]

    assert_allclose(model.predict_proba(X), np.mean(orbit_proba, axis=0))
    assert_allclose(model.predict_proba(X).sum(axis=1), 1.0)


def test_fits_on_data_as_given(data):
    """Check that the inner estimator is fitted on the original rows only."""
    X, y = data
    model = GroupAveragedClassifier(KNeighborsClassifier(3)).fit(X, y)

    assert model.estimator_.n_samples_fit_ == 60
    assert model.n_features_in_ == 6
    assert model.group_ == SignFlip()
    assert_array_equal(model.classes_, [0, 1, 2])


def test_predict_and_log_proba_follow_proba(data):
    """Check that predict takes the arg max and log-proba the log."""
    X, y = data
    model = GroupAveragedClassifier(LogisticRegression()).fit(X, y)
    proba = model.predict_proba(X)

    assert_array_equal(model.predict(X), model.classes_[proba.argmax(axis=1)])
    assert_allclose(model.predict_log_proba(X), np.log(proba))


def test_string_labels(data):
    """Check that predictions come back as the training labels."""
    X, y = data
    labels = np.array(["zero", "one", "two"])[y]
    model = GroupAveragedClassifier(LogisticRegression()).fit(X, labels)
    assert set(model.predict(X)) <= set(labels)


def test_chunking_does_not_change_results(data):
    """Check that a tiny working memory gives the same, still invariant, output."""
    X, y = data
    model = GroupAveragedClassifier(LogisticRegression()).fit(X, y)
    whole = model.predict_proba(X)
    with config_context(working_memory=1e-4):
        chunked = model.predict_proba(X)
        chunked_inverted = model.predict_proba(-X)

    assert_allclose(chunked, whole)
    assert_array_equal(_bits(chunked_inverted), _bits(chunked))


def test_orbits_stay_within_working_memory():
    """Check that predicting holds no more than scikit-learn's working
    memory (plus the output), as the Notes promise."""
    import tracemalloc

    rng = np.random.RandomState(0)
    X, y = rng.normal(size=(2000, 64)), rng.randint(0, 2, 2000)
    model = GroupAveragedClassifier(LogisticRegression(), CyclicShift((8, 8)))
    model.fit(X, y)

    with config_context(working_memory=1):
        tracemalloc.start()
        try:
            model.predict_proba(X)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    output_bytes = X.shape[0] * 2 * 8
    assert peak <= 2**20 * 1.5 + output_bytes


def test_requires_predict_proba(data):
    """Check that an estimator without predict_proba is rejected at fit."""
    X, y = data
    with pytest.raises(InvalidParameterError, match="estimator"):
        GroupAveragedClassifier(LinearSVC()).fit(X, y)


def test_group_that_does_not_fit_the_data(data):
    """Check that an image group of the wrong size fails at fit, naming both."""
    X, y = data
    model = GroupAveragedClassifier(LogisticRegression(), CyclicShift((3, 3)))
    with pytest.raises(ValueError, match=r"image_shape.*n_features`=6"):
        model.fit(X, y)


def test_sample_weight_is_passed_on(data):
    """Check that weights reach the inner fit, and are refused where unsupported."""
    X, y = data
    weight = np.random.RandomState(0).uniform(0.5, 2.0, size=60)
    model = GroupAveragedClassifier(LogisticRegression()).fit(X, y, weight)
    manual = LogisticRegression().fit(X, y, sample_weight=weight)

    assert_allclose(model.estimator_.coef_, manual.coef_)
    with pytest.raises(ValueError, match="`sample_weight`"):
        GroupAveragedClassifier(KNeighborsClassifier()).fit(X, y, weight)


def test_dataframe_feature_names(data):
    """Check that feature names are recorded and checked at predict."""
    pd = pytest.importorskip("pandas")
    X, y = data
    columns = [f"pixel_{i}" for i in range(6)]
    X_df = pd.DataFrame(X, columns=columns)
    model = GroupAveragedClassifier(LogisticRegression()).fit(X_df, y)

    plain = GroupAveragedClassifier(LogisticRegression()).fit(X, y)

    assert_array_equal(model.feature_names_in_, columns)
    assert_array_equal(model.predict_proba(X_df), plain.predict_proba(X))


def test_pickle_clone_and_parallel_grid_search(data):
    """Check pickling, cloning and nested parameters under n_jobs=2."""
    X, y = data
    model = GroupAveragedClassifier(LogisticRegression(), CyclicShift((2, 3)))
    model.fit(X, y)
    restored = pickle.loads(pickle.dumps(model))
    assert_array_equal(restored.predict_proba(X), model.predict_proba(X))
    assert not hasattr(clone(model), "estimator_")

    grid = {"estimator__C": [0.1, 1.0], "group": [SignFlip(), CyclicShift((2, 3))]}
    search = GridSearchCV(clone(model), grid, cv=3, n_jobs=2).fit(X, y)
    assert set(search.best_params_) == {"estimator__C", "group"}
