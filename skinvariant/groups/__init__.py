"""Finite symmetry groups acting on rows of features.

Every group acts by signed permutations: each element rearranges the
features of a row and may flip some of their signs. The same group objects
describe the symmetry to the feature transformers, the augmentation step,
group averaging and the diagnostics.
"""

from skinvariant.groups._base import FiniteGroup
from skinvariant.groups._check import check_group
from skinvariant.groups._image import CyclicShift, Dihedral, Reflection
from skinvariant.groups._product import DirectProduct
from skinvariant.groups._sign_flip import SignFlip

__all__ = [
    "CyclicShift",
    "Dihedral",
    "DirectProduct",
    "FiniteGroup",
    "Reflection",
    "SignFlip",
    "check_group",
]
