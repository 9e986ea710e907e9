"""
==========================================
Choosing the feature map with GridSearchCV
==========================================

Which invariant feature map should feed a network without biases, and does
training on inverted copies do better? Both are choices of a pipeline step,
so :class:`~sklearn.model_selection.GridSearchCV` can settle them like any
other hyperparameter. Two details matter on the signed digits:

- the shifted copies of an image must stay in one fold, or the score
  measures recall of near duplicates: the folds come from
  :class:`~sklearn.model_selection.GroupKFold` with the ``groups`` of
  :func:`~skinvariant.datasets.load_signed_digits`;
- a model should be judged on inverted digits as well, so every candidate
  is scored on the test fold and on its inversion, and ranked by the worse
  of the two.
"""

# %%
# Data and scorers
# ----------------
# Augmentation happens inside :class:`~skinvariant.AugmentedClassifier`'s
# ``fit``, so every test fold is scored on original images only.
import warnings

from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import accuracy_score
from sklearn.model_selection import GridSearchCV, GroupKFold
from sklearn.pipeline import Pipeline

from skinvariant import AugmentedClassifier, NoBiasTanhMLPClassifier
from skinvariant.datasets import load_signed_digits
from skinvariant.features import (
    NeighborProductFeatures,
    PermutationProductFeatures,
    SquareFeatures,
)

# A short budget keeps the example fast; it runs out on most fits.
warnings.filterwarnings("ignore", category=ConvergenceWarning)

digits = load_signed_digits()
X, y, groups = digits.data, digits.target, digits.groups


def inverted_accuracy(estimator, X, y):
    """Accuracy on the grayscale inversions of the test images."""
    return accuracy_score(y, estimator.predict(-X))


def worse_accuracy(estimator, X, y):
    """The lower of the accuracies on the images and on their inversions."""
    return min(estimator.score(X, y), inverted_accuracy(estimator, X, y))


scoring = {"X": "accuracy", "-X": inverted_accuracy, "worse": worse_accuracy}

# %%
# The candidates
# --------------
# The first step is the feature map, the second the classifier. Invariant
# features go with the bias-free network; raw pixels are tried with and
# without biases, trained on the images alone or on the images and their
# inversions.


def network(fit_bias):
    return NoBiasTanhMLPClassifier(
        (10, 5), fit_bias=fit_bias, alpha=1e-5, max_iter=150, random_state=0
    )


pipeline = Pipeline([("features", "passthrough"), ("classifier", network(False))])
param_grid = [
    {
        "features": [
            SquareFeatures(),
            NeighborProductFeatures(image_shape=(8, 8)),
            PermutationProductFeatures(random_state=0),
        ],
    },
    {
        "features": ["passthrough"],
        "classifier": [
            network(False),
            network(True),
            AugmentedClassifier(network(False)),
            AugmentedClassifier(network(True)),
        ],
    },
]

search = GridSearchCV(
    pipeline,
    param_grid,
    scoring=scoring,
    refit="worse",
    cv=GroupKFold(n_splits=3),
    n_jobs=2,
)
search.fit(X, y, groups=groups)

# %%
# The ranking
# -----------
# Invariant features score the same on both test sets by construction;
# augmentation helps a network only if it has biases, and a bias-free
# network trained on both falls to chance.


def describe(params):
    features = params["features"]
    features = "raw pixels" if features == "passthrough" else type(features).__name__
    classifier = params.get("classifier", pipeline.named_steps["classifier"])
    augmented = isinstance(classifier, AugmentedClassifier)
    mlp = classifier.estimator if augmented else classifier
    training = "X and -X" if augmented else "X"
    bias = "bias" if mlp.fit_bias else "no bias"
    return f"{features}, {bias}, trained on {training}"


results = search.cv_results_
print(f"{'rank':>4}  {'X':>5}  {'-X':>5}  {'worse':>5}  model")
for k in results["rank_test_worse"].argsort():
    print(
        f"{results['rank_test_worse'][k]:>4}  "
        f"{results['mean_test_X'][k]:.3f}  "
        f"{results['mean_test_-X'][k]:.3f}  "
        f"{results['mean_test_worse'][k]:.3f}  "
        f"{describe(results['params'][k])}"
    )

# %%
# The refitted best pipeline is exactly invariant: it predicts the same
# digit for every image and its inversion.
best = search.best_estimator_
print("best:", describe(search.best_params_))
print("same predictions on X and -X:", (best.predict(X) == best.predict(-X)).all())
