"""Feature maps invariant under the inversion ``x -> -x``.

The product transformers output products of two inputs, which do not change
when every input changes sign. They differ in which pairs they keep: the
squares, neighbouring pixels, random partners, or all pairs. The canonical
forms and the Fourier invariants are complete: they lose nothing but the
symmetry, which may include cyclic shifts of images.
"""

from skinvariant.features._canonical import OrbitCanonicalizer, SignCanonicalFeatures
from skinvariant.features._neighbor_product import NeighborProductFeatures
from skinvariant.features._permutation_product import PermutationProductFeatures
from skinvariant.features._quadratic import QuadraticFeatures
from skinvariant.features._spectral import BispectrumFeatures, PowerSpectrumFeatures
from skinvariant.features._square import SquareFeatures

__all__ = [
    "BispectrumFeatures",
    "NeighborProductFeatures",
    "OrbitCanonicalizer",
    "PermutationProductFeatures",
    "PowerSpectrumFeatures",
    "QuadraticFeatures",
    "SignCanonicalFeatures",
    "SquareFeatures",
]
