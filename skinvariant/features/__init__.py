"""Feature maps invariant under the inversion ``x -> -x``.

Each transformer outputs products of two inputs, which do not change when
every input changes sign. They differ in which pairs they keep: the squares,
neighbouring pixels, random partners, or all pairs.
"""

from skinvariant.features._neighbor_product import NeighborProductFeatures
from skinvariant.features._permutation_product import PermutationProductFeatures
from skinvariant.features._quadratic import QuadraticFeatures
from skinvariant.features._square import SquareFeatures

__all__ = [
    "NeighborProductFeatures",
    "PermutationProductFeatures",
    "QuadraticFeatures",
    "SquareFeatures",
]
