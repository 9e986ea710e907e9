"""
=============================================================
Sampled augmentation: on average, the full augmented loss
=============================================================

Adding every transform of every image to the training set multiplies the
data by the order of the group. A cheaper habit is to add a random sample
of the transforms. Each single draw breaks the symmetry of the loss: some
transforms of an image are in, others are out. On average, though, the
symmetry comes back. If each pair (image, group element) is kept
independently with probability ``mu``, the expected loss of any fixed
model on the sampled data is ``mu`` times its loss on the fully augmented
data, so the sampled loss has the same symmetric minima in expectation.

This example checks that by simulation, then does the same for
:class:`~skinvariant.SymmetryAugmenter`, which always keeps the original
images and samples only their copies. See :ref:`symmetrization` for the
formulas.
"""

# %%
# A fixed model and the loss of every transformed image
# -----------------------------------------------------
# The group is the inversion combined with the eight horizontal cyclic
# shifts of the 8x8 digits, 16 elements. The model is any fitted
# classifier; what matters is that it stays fixed while the data are drawn.
import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.exceptions import ConvergenceWarning

from skinvariant import NoBiasTanhMLPClassifier, SymmetryAugmenter
from skinvariant.datasets import load_signed_digits
from skinvariant.groups import CyclicShift, SignFlip

warnings.filterwarnings("ignore", category=ConvergenceWarning)

X, y = load_signed_digits(shifts=False, return_X_y=True)
group = SignFlip() * CyclicShift((8, 8), axis=1)
model = NoBiasTanhMLPClassifier(fit_bias=True, max_iter=100, random_state=0)
model.fit(X, y)

# losses[g, i] is the log-loss of image i transformed by element g.
codes = np.searchsorted(model.classes_, y)
losses = np.stack(
    [
        -model.predict_log_proba(group.apply(X, g))[np.arange(len(y)), codes]
        for g in range(group.order)
    ]
)
full_loss = losses.sum()
print(f"{group.order} elements, {losses.size} (image, element) pairs")
print(f"full augmented loss: {full_loss:.1f}")

# %%
# Keep each pair with probability mu
# ----------------------------------
# Draw the indicators ``eta[g, i]`` many times and sum the kept losses.
# The ratio of each sampled loss to the full loss scatters around ``mu``,
# and its mean over the draws converges to ``mu``.
rng = np.random.default_rng(0)
n_draws = 2000
fractions = [0.1, 0.3, 0.6]
flat_losses = losses.ravel()

ratios = {}
for mu in fractions:
    draws = np.empty(n_draws)
    for start in range(0, n_draws, 250):
        kept = rng.random((250, flat_losses.size)) < mu
        draws[start : start + 250] = kept @ flat_losses
    ratios[mu] = draws / full_loss
    error = ratios[mu].std() / np.sqrt(n_draws)
    print(
        f"mu={mu}: mean sampled / full = {ratios[mu].mean():.5f} "
        f"+- {error:.5f} (standard error)"
    )

# Plot each draw relative to its expectation, ``mu`` times the full loss.
fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.8))
draw_numbers = np.arange(1, n_draws + 1)
for mu, ratio in ratios.items():
    relative = ratio / mu
    left.hist(relative, bins=40, histtype="step", linewidth=1.5, label=f"mu = {mu}")
    right.plot(draw_numbers, np.cumsum(relative) / draw_numbers, label=f"mu = {mu}")
left.axvline(1, color="black", linewidth=1)
left.set_xlabel("sampled loss / (mu * full augmented loss)")
left.set_ylabel("draws")
left.set_title("Each draw scatters")
left.legend()
right.axhline(1, color="black", linewidth=1, linestyle="--")
right.set_xscale("log")
right.set_xlabel("number of draws")
right.set_ylabel("running mean")
right.set_title("Their mean converges to 1")
right.legend()
fig.tight_layout()

# %%
# The package's sampler
# ---------------------
# :class:`~skinvariant.SymmetryAugmenter` with ``fraction=f`` keeps every
# original image and each copy with probability ``f``. Its expected loss
# is the loss on the originals plus ``f`` times the loss on the copies,
# which is ``(1 - f)`` times the loss without augmentation plus ``f``
# times the full augmented loss. Each draw's loss is read from the table
# above through the sampler's record of which image and which element
# every output row came from; the first draw is checked against the loss
# computed from the rows themselves.
original_loss = losses[0].sum()
for f in fractions:
    draws = []
    for draw in range(500):
        seed = int(rng.integers(2**31))
        augmenter = SymmetryAugmenter(group=group, fraction=f, random_state=seed)
        X_sampled, y_sampled = augmenter.fit_resample(X, y)
        rows = augmenter.element_indices_, augmenter.sample_indices_
        draws.append(losses[rows].sum())
        if draw == 0:
            direct = -model.predict_log_proba(X_sampled)[
                np.arange(len(y_sampled)), np.searchsorted(model.classes_, y_sampled)
            ]
            assert np.isclose(direct.sum(), draws[0])
    expected = (1 - f) * original_loss + f * full_loss
    error = np.std(draws) / np.sqrt(len(draws))
    print(
        f"fraction={f}: mean sampled loss {np.mean(draws):.0f} +- {error:.0f}, "
        f"expected {expected:.0f}"
    )

plt.show()
