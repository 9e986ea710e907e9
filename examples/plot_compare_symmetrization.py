"""
==========================================================
Augmentation, invariant features and group averaging
==========================================================

There are three general ways to build the inversion ``x -> -x`` into a
classifier of the signed digits:

- **augmentation** trains on every image and its inverse
  (:class:`~skinvariant.AugmentedClassifier`);
- **invariant features** feed the network products of pixel pairs, which
  the inversion leaves unchanged
  (:class:`~skinvariant.features.NeighborProductFeatures`);
- **group averaging** averages a fitted model's probabilities over an
  image and its inverse (:class:`~skinvariant.GroupAveragedClassifier`).

This example measures, for each, the accuracy on the test digits and on
their inverses, and what it costs to train and to predict. See
:ref:`symmetrization` for the theory.
"""

# %%
# Data
# ----
import time
import timeit
import warnings
from functools import partial

import matplotlib.pyplot as plt
import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GroupShuffleSplit
from sklearn.pipeline import make_pipeline

from skinvariant import (
    AugmentedClassifier,
    GroupAveragedClassifier,
    NoBiasTanhMLPClassifier,
)
from skinvariant.datasets import load_signed_digits
from skinvariant.features import NeighborProductFeatures

# The reference budget of 200 L-BFGS iterations runs out on some models.
warnings.filterwarnings("ignore", category=ConvergenceWarning)

digits = load_signed_digits()
splitter = GroupShuffleSplit(n_splits=1, test_size=0.2, random_state=0)
train, test = next(splitter.split(digits.data, groups=digits.groups))
X_train, y_train = digits.data[train], digits.target[train]
X_test, y_test = digits.data[test], digits.target[test]

# %%
# Five models
# -----------
# All share the (10, 5) tanh network. Augmentation and group averaging use
# it with biases: without them augmentation cannot work at all (see
# :ref:`sphx_glr_auto_examples_plot_inversion_failure.py`). The invariant
# features need no biases.


def network(fit_bias):
    return NoBiasTanhMLPClassifier(
        (10, 5), fit_bias=fit_bias, alpha=1e-5, max_iter=200, random_state=2
    )


models = {
    "no symmetry": network(True),
    "augmentation": AugmentedClassifier(network(True)),
    "invariant\nfeatures": make_pipeline(
        NeighborProductFeatures(image_shape=(8, 8)), network(False)
    ),
    "group\naveraging": GroupAveragedClassifier(network(True)),
    "augmentation +\ngroup averaging": GroupAveragedClassifier(
        AugmentedClassifier(network(True))
    ),
}

# %%
# Accuracy and cost
# -----------------
# Training time covers one ``fit``. Predictions take about a millisecond,
# too little to time once: prediction time is the best of five rounds of
# 20 ``predict`` calls on the 1,800 test rows, measured after all the fits
# so that no fit disturbs it. Times depend on the machine; their ratios
# are the point.
fit_times = {}
for name, model in models.items():
    start = time.perf_counter()
    model.fit(X_train, y_train)
    fit_times[name] = time.perf_counter() - start

rows = []
for name, model in models.items():
    rounds = timeit.repeat(partial(model.predict, X_test), number=20, repeat=5)
    predict_time = min(rounds) / 20
    on_x = model.score(X_test, y_test)
    on_inverse = model.score(-X_test, y_test)
    rows.append((name, on_x, on_inverse, fit_times[name], predict_time))

header = f"{'model':<32} {'X_test':>7} {'-X_test':>8} {'fit s':>6} {'predict ms':>11}"
print(header)
for name, on_x, on_inverse, fit_time, predict_time in rows:
    label = name.replace("\n", " ")
    print(
        f"{label:<32} {on_x:7.3f} {on_inverse:8.3f} "
        f"{fit_time:6.2f} {1000 * predict_time:11.2f}"
    )

# %%
# What the numbers say
# --------------------
# One seed and one split, so differences of a few hundredths mean little;
# :ref:`symmetrization_measured` has the same comparison over five seeds.
# Without any symmetry the network is good on the digits and useless on
# their inverses. Augmentation doubles the training data, more than doubles
# the training time, and buys an approximately invariant model that is
# worse on the original digits. The invariant features give exactly the
# same accuracy on both sides, at about the cost of a plain fit, and here
# the best accuracy of all. Group averaging is exactly invariant too and
# leaves training alone, but every prediction runs the model on the whole
# orbit (here twice) and first has to build it, so predicting costs several
# times as much. And it can only average what the model learned: averaged
# over ``x`` and ``-x``, a model that is confidently right on ``x`` and
# confidently wrong on ``-x`` often ends up wrong. Averaging the augmented
# model instead removes its asymmetry, and here it scores better than the
# augmented model on either side.

names, on_x, on_inverse, fit_time, predict_time = (
    np.array(column) for column in zip(*rows, strict=True)
)
positions = np.arange(len(names))

fig, (ax_accuracy, ax_cost) = plt.subplots(
    1, 2, figsize=(11, 4.5), gridspec_kw={"width_ratios": [3, 2]}
)
ax_accuracy.bar(positions - 0.2, on_x, width=0.4, label="X_test")
ax_accuracy.bar(positions + 0.2, on_inverse, width=0.4, label="-X_test")
ax_accuracy.set_xticks(positions, names, fontsize=8)
ax_accuracy.set_ylim(0, 1)
ax_accuracy.set_ylabel("accuracy")
ax_accuracy.set_title("Accuracy on the digits and on their inverses")
ax_accuracy.legend(loc="upper right")

# Costs relative to the plain network, whose fit and predict count as 1.
fit_ratio = fit_time / fit_time[0]
predict_ratio = predict_time / predict_time[0]
ax_cost.barh(positions - 0.2, fit_ratio, height=0.4, label="fit")
ax_cost.barh(positions + 0.2, predict_ratio, height=0.4, label="predict")
ax_cost.axvline(1, color="black", linewidth=0.8)
ax_cost.set_yticks(positions, names, fontsize=8)
ax_cost.invert_yaxis()
ax_cost.set_xlabel("time, relative to the network without symmetry")
ax_cost.set_title("Cost")
ax_cost.legend(loc="upper right")
fig.tight_layout()
plt.show()
