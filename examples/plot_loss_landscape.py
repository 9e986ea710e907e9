"""
=============================================================
Flat directions of the loss: augmentation against invariants
=============================================================

Training on every transform of the data makes the training loss itself
symmetric: moving the first layer's weights by a group element, ``w -> w
U(g)``, only reorders the terms of the loss. Every minimum is then one
point of a whole orbit of minima. For a continuous group the orbit is a
curve, and the loss is flat along it: the Hessian at the minimum has a zero
eigenvalue, a direction in which the optimiser can wander without any
change in the loss. An invariant feature map removes the symmetry from the
parameters and, with it, the flat direction.

This example shows both on short cyclic signals, whose symmetry is the
shift by any fraction of a sample. See :ref:`diagnostics` for the theory.
"""

# %%
# A task with a continuous symmetry
# ---------------------------------
# Signals of 7 samples on a circle, each a noisy copy of one of three
# patterns shifted by a random, fractional amount. The label is the
# pattern, so a shift of the signal never changes it.
import matplotlib.pyplot as plt
import numpy as np

from skinvariant import NoBiasTanhMLPClassifier, PowerSpectrumFeatures
from skinvariant.diagnostics import (
    first_layer_losses,
    first_layer_orbit_tangent,
    fractional_shift_generator,
    fractional_shift_matrix,
    hessian_spectrum,
    weight_orbit_losses,
)
from skinvariant.groups import CyclicShift

rng = np.random.default_rng(0)
n_features = 7
patterns = rng.normal(size=(3, n_features))
y = np.repeat(np.arange(3), 30)
X = np.stack(
    [fractional_shift_matrix(n_features, rng.uniform(0, 7)) @ patterns[c] for c in y]
)
X += 0.3 * rng.normal(size=X.shape)

# %%
# Augmentation by fractional shifts makes the loss symmetric: every signal
# is added shifted by each thirtieth of a sample, 210 copies in all. (A
# finite set of shifts makes the loss exactly symmetric under those shifts
# only; in between it wobbles by an aliasing error, which dense copies make
# negligible.) The same network is also trained on the invariant power
# spectrum of the signals, which a shift leaves unchanged, and, for
# contrast, on the raw signals without augmentation.
shifts = np.arange(30 * n_features) / 30
X_aug = np.vstack([X @ fractional_shift_matrix(n_features, t).T for t in shifts])
y_aug = np.tile(y, len(shifts))


def network():
    return NoBiasTanhMLPClassifier((3,), alpha=1.0, max_iter=3000, random_state=0)


augmented = network().fit(X_aug, y_aug)
plain = network().fit(X, y)
spectrum = PowerSpectrumFeatures().fit(X)
Z = spectrum.transform(X)
invariant = network().fit(Z, y)

# %%
# The loss along the orbit of the weights
# ---------------------------------------
# Move the first layer of each raw-signal network by a fractional shift
# ``t`` and evaluate its training loss. For the augmented network the loss
# does not move; for the plain network it does.
orbit = np.linspace(0, n_features, 141)
operators = [fractional_shift_matrix(n_features, t) for t in orbit]
augmented_losses = first_layer_losses(augmented, X_aug, y_aug, operators)
plain_losses = first_layer_losses(plain, X, y, operators)

fig, ax = plt.subplots(figsize=(6, 3.5))
ax.plot(orbit, augmented_losses, label="trained on 210 fractional shifts")
ax.plot(orbit, plain_losses, label="trained on the signals as given")
ax.set_xlabel("shift t of the first layer's weights (samples)")
ax.set_ylabel("training loss")
ax.set_title("Loss along the orbit w -> w S(t)")
ax.legend()
fig.tight_layout()

print(f"augmented: loss varies by {np.ptp(augmented_losses):.1e} along the orbit")
print(f"plain:     loss varies by {np.ptp(plain_losses):.2f} along the orbit")

# %%
# A discrete group gives the same picture, exactly: with every integer
# shift of the signals in the training set, the loss at the seven shifted
# weight matrices agrees to rounding.
integer_shifts = CyclicShift((n_features,))
X_int = np.vstack([integer_shifts.apply(X, k) for k in range(n_features)])
y_int = np.tile(y, n_features)
on_integer_shifts = network().fit(X_int, y_int)
orbit_losses = weight_orbit_losses(on_integer_shifts, X_int, y_int, integer_shifts)
print("losses at w U(g) for the seven integer shifts:")
print(np.array2string(orbit_losses.losses, precision=12))

# %%
# Hessian spectra
# ---------------
# The Hessian of the training loss at each minimum, after a few Newton
# steps to bring the gradient to rounding level (L-BFGS stops with
# gradients around 1e-4, enough to hide a flat direction). Directions that
# change no prediction, those of the softmax's indifference to a common
# offset of the logits, are left out.
results = {
    "augmented (raw signals)": hessian_spectrum(
        augmented, X_aug, y_aug, newton_steps=5
    ),
    "invariant features": hessian_spectrum(invariant, Z, y, newton_steps=5),
}
tangent = first_layer_orbit_tangent(
    augmented,
    fractional_shift_generator(n_features),
    results["augmented (raw signals)"].parameters,
)

fig, ax = plt.subplots(figsize=(6, 3.5))
for name, result in results.items():
    scale = np.abs(result.eigenvalues).max()
    ax.semilogy(np.abs(result.eigenvalues) / scale, "o-", label=name)
    print(
        f"{name}: {result.eigenvalues.size} directions, {result.n_flat} flat, "
        f"smallest |eigenvalue| / largest = "
        f"{np.abs(result.eigenvalues).min() / scale:.1e}, "
        f"gradient norm {result.gradient_norm:.1e}"
    )
ax.axhline(1e-8, color="grey", linestyle="--", label="flat threshold")
ax.set_xlabel("eigenvalue index (ascending)")
ax.set_ylabel("|eigenvalue| / largest")
ax.set_title("Hessian of the training loss at the minimum")
ax.legend()
fig.tight_layout()

# %%
# The flat direction of the augmented network is the orbit itself: its
# eigenvector is the tangent of the curve ``w S(t)`` at the minimum.
augmented_result = results["augmented (raw signals)"]
overlap = (augmented_result.eigenvectors.T @ tangent) ** 2
print(f"squared overlap of the flattest eigenvector with the orbit: {overlap[0]:.4f}")

# %%
# The invariant network has no flat direction: its smallest curvature
# stays orders of magnitude above the threshold. Its minimum is a single
# point, where the augmented network's minimum is a circle of equally good
# weights, along which a gradient method has nothing to stop it.
plt.show()
