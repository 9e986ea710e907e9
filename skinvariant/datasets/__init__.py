"""Reference data: the signed 8x8 digits and one-pixel shift enlargement."""

from skinvariant.datasets._shifts import enlarge_by_shifts, shift_images
from skinvariant.datasets._signed_digits import load_signed_digits

__all__ = [
    "enlarge_by_shifts",
    "load_signed_digits",
    "shift_images",
]
