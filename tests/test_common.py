"""Run scikit-learn's estimator checks over every public estimator."""

from sklearn.utils.estimator_checks import parametrize_with_checks

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

ESTIMATORS = [
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
