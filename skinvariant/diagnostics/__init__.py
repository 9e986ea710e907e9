"""Diagnostics: measure symmetry and its consequences on fitted models.

How far a model's output moves under a group, the accuracy bound of odd
models under inversion, and the shape of the training loss around a
minimum: the orbits of minima that augmentation creates, and the flat
directions of the Hessian that come with a continuous symmetry.
"""

from skinvariant.diagnostics._continuous import (
    first_layer_orbit_tangent,
    fractional_shift_generator,
    fractional_shift_matrix,
)
from skinvariant.diagnostics._invariance import invariance_error, inversion_scores
from skinvariant.diagnostics._landscape import (
    first_layer_losses,
    hessian_spectrum,
    weight_orbit_losses,
)

__all__ = [
    "first_layer_losses",
    "first_layer_orbit_tangent",
    "fractional_shift_generator",
    "fractional_shift_matrix",
    "hessian_spectrum",
    "invariance_error",
    "inversion_scores",
    "weight_orbit_losses",
]
