"""
=====================================
What each feature map does to a digit
=====================================

Every invariant feature map of :mod:`skinvariant.features` multiplies
pixels in pairs, so a digit and its inverse give exactly the same features.
They differ in which pairs they multiply, and that decides what is left of
the digit. This example draws one digit, its inverse, and the image each
map makes of both (Figure 1 of Bergman (2019), extended). See
:ref:`invariant_features` for the reasoning.
"""

# %%
# One digit and its inverse
# -------------------------
# Pixels are in [-1, 1]: the background is -1 (white below, as on paper)
# and full ink is +1 (black). The inversion ``x -> -x`` swaps them.
import matplotlib.pyplot as plt
import numpy as np

from skinvariant.datasets import load_signed_digits
from skinvariant.features import (
    NeighborProductFeatures,
    PermutationProductFeatures,
    QuadraticFeatures,
    SquareFeatures,
)

digits = load_signed_digits(shifts=False)
digit = digits.data[digits.target == 6][:1]
pair = np.vstack([digit, -digit])

# %%
# Feature images
# --------------
# Squares, neighbour products and permutation products give one feature per
# pixel, so each can be drawn as an 8x8 image, the feature for pixel ``i``
# at the place of pixel ``i``. All products lie in [-1, 1] as well.
feature_maps = {
    "squares\nx_i ** 2": SquareFeatures(),
    "right neighbours\nx_i * x_(i + right)": NeighborProductFeatures(
        image_shape=(8, 8), offsets=((0, 1),)
    ),
    "lower neighbours\nx_i * x_(i + down)": NeighborProductFeatures(
        image_shape=(8, 8), offsets=((1, 0),)
    ),
    "random partner\nx_i * x_P(i)": PermutationProductFeatures(random_state=0),
}
images = {"pixels\nx": pair}
for name, feature_map in feature_maps.items():
    images[name] = feature_map.fit_transform(pair)

fig, axes = plt.subplots(2, len(images), figsize=(11, 5))
for column, (name, rows) in enumerate(images.items()):
    for row in range(2):
        ax = axes[row, column]
        # Ink is drawn black; products are drawn white at +1 (same colour)
        # and black at -1 (ink against background), like a line drawing.
        cmap = "gray_r" if column == 0 else "gray"
        ax.imshow(rows[row].reshape(8, 8), cmap=cmap, vmin=-1, vmax=1)
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_title(name if row == 0 else "", fontsize=9)
    identical = np.array_equal(rows[0], rows[1])
    axes[1, column].set_xlabel("same as above" if identical else "inverted")
axes[0, 0].set_ylabel("digit x")
axes[1, 0].set_ylabel("inverse -x")
fig.suptitle("A digit, its inverse, and their invariant features")
fig.tight_layout()

# %%
# Only the raw pixels change under the inversion; every feature image is
# the same for ``x`` and ``-x``, bit for bit. The squares paint background
# and full ink alike (both square to 1, white), so only the grey pixels on
# the rims of the strokes stand out: the signs are gone. The neighbour
# products are -1 (black) wherever ink meets background and +1 (white)
# elsewhere, an outline of the digit in the chosen direction: they keep the
# relative sign of each pair of neighbours. The random partners keep
# relative signs too, but of pixels far apart, so the image no longer looks
# like a digit, although the network can still read it.
#
# All pairwise products
# ---------------------
# :class:`~skinvariant.features.QuadraticFeatures` keeps every product
# ``x_i * x_j``, the matrix ``x x^T``. It is the same for ``x`` and ``-x``,
# and from it ``x`` can be read back up to its sign: the map loses nothing
# else, at the price of 2,080 features instead of 64.
quadratic = QuadraticFeatures().fit_transform(pair)
print("features per image:", quadratic.shape[1])
print("same for x and -x:", np.array_equal(quadratic[0], quadratic[1]))

# Divide the row of a non-zero pixel by that pixel's magnitude.
x = digit[0]
outer = np.outer(x, x)
row = np.argmax(np.diag(outer))
recovered = outer[row] / np.sqrt(outer[row, row])
print("recovered x or -x:", np.allclose(recovered, x) or np.allclose(recovered, -x))

fig, ax = plt.subplots(figsize=(4.5, 4.5))
ax.imshow(outer, cmap="gray", vmin=-1, vmax=1)
ax.set_title("All pairwise products x_i * x_j")
ax.set_xlabel("pixel j")
ax.set_ylabel("pixel i")
fig.tight_layout()
plt.show()
