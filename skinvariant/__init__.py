"""Symmetry-constrained machine learning for scikit-learn.

skinvariant provides invariant feature maps, symmetry augmentation, group
averaging and odd (bias-free) tanh networks as scikit-learn estimators, so
the three ways of imposing a symmetry can be compared in one Pipeline.
"""

from skinvariant._augmentation import AugmentedClassifier, SymmetryAugmenter
from skinvariant._dask import transform_blocks
from skinvariant._group_averaging import GroupAveragedClassifier
from skinvariant._mlp import NoBiasTanhMLPClassifier
from skinvariant._version import __version__
from skinvariant.features import (
    BispectrumFeatures,
    NeighborProductFeatures,
    OrbitCanonicalizer,
    PermutationProductFeatures,
    PowerSpectrumFeatures,
    QuadraticFeatures,
    SignCanonicalFeatures,
    SquareFeatures,
)

__all__ = [
    "AugmentedClassifier",
    "BispectrumFeatures",
    "GroupAveragedClassifier",
    "NeighborProductFeatures",
    "NoBiasTanhMLPClassifier",
    "OrbitCanonicalizer",
    "PermutationProductFeatures",
    "PowerSpectrumFeatures",
    "QuadraticFeatures",
    "SignCanonicalFeatures",
    "SquareFeatures",
    "SymmetryAugmenter",
    "__version__",
    "transform_blocks",
]
