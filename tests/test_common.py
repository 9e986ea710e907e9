"""Run scikit-learn's estimator checks over every public estimator."""

from sklearn.linear_model import LogisticRegression
from sklearn.utils.estimator_checks import parametrize_with_checks

from skinvariant import (
    AugmentedClassifier,
    BispectrumFeatures,
    GroupAveragedClassifier,
    NeighborProductFeatures,
    NoBiasTanhMLPClassifier,
    OrbitCanonicalizer,
    PermutationProductFeatures,
    PowerSpectrumFeatures,
    QuadraticFeatures,
    SignCanonicalFeatures,
    SquareFeatures,
    SymmetryAugmenter,
)

ESTIMATORS = [
    # Augmentation and averaging impose the sign flip on every check data set,
    # so both declare `poor_score`. With fraction < 1, weights are not
    # equivalent to repeated rows (each repeat draws its own copies).
    AugmentedClassifier(random_state=0),
    AugmentedClassifier(LogisticRegression(), random_state=0),
    GroupAveragedClassifier(NoBiasTanhMLPClassifier(max_iter=50, random_state=0)),
    GroupAveragedClassifier(LogisticRegression()),
    BispectrumFeatures(),
    BispectrumFeatures(sign_invariant=True),
    NeighborProductFeatures(),
    NeighborProductFeatures(offsets=((0, 1), (0, 2)), wrap=False),
    # The odd network passes every check without biases too: no check
    # data set puts its classes symmetrically about the origin.
    NoBiasTanhMLPClassifier(fit_bias=False),
    NoBiasTanhMLPClassifier(fit_bias=True),
    OrbitCanonicalizer(),
    PermutationProductFeatures(n_permutations=2, random_state=0),
    PowerSpectrumFeatures(),
    QuadraticFeatures(),
    QuadraticFeatures(interaction_only=True),
    SignCanonicalFeatures(),
    SquareFeatures(),
    # A sampler has no transform; the generic checks apply, and
    # imbalanced-learn's sampler checks run in test_augmentation.py.
    SymmetryAugmenter(),
]

# Checks an estimator is expected to fail, mapped to the reason, keyed by the
# estimator's class name.
EXPECTED_FAILED_CHECKS = {}


def _expected_failed_checks(estimator):
    return EXPECTED_FAILED_CHECKS.get(type(estimator).__name__, {})


@parametrize_with_checks(ESTIMATORS, expected_failed_checks=_expected_failed_checks)
def test_estimator_follows_the_scikit_learn_contract(estimator, check):
    """Check that the estimator passes scikit-learn's estimator checks."""
    check(estimator)


def test_every_public_estimator_is_checked():
    """Check that every estimator class exported by the package is in
    `ESTIMATORS`, so a new estimator cannot skip the contract checks."""
    from sklearn.base import BaseEstimator

    import skinvariant

    public = {
        name
        for name in skinvariant.__all__
        if isinstance(getattr(skinvariant, name), type)
        and issubclass(getattr(skinvariant, name), BaseEstimator)
    }
    checked = {type(estimator).__name__ for estimator in ESTIMATORS}
    assert public - checked == set()
