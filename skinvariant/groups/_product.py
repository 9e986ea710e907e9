"""Direct products of groups acting on the same rows."""

import itertools

import numpy as np

from skinvariant.groups._base import FiniteGroup


class DirectProduct(FiniteGroup):
    """All combinations of elements of commuting groups.

    Element ``(g_1, ..., g_r)`` applies ``g_1`` first, then ``g_2``, and so
    on. Because the factors are required to commute and to share only the
    identity, the order of application does not matter and the product has
    exactly ``prod(len(g_i))`` distinct elements. Both conditions are
    checked when the product first acts on rows of a given length.

    ``g1 * g2`` is a shorthand for ``DirectProduct(g1, g2)``; nested
    products are flattened.

    Parameters
    ----------
    *factors : FiniteGroup
        The groups to combine, at least one.

    Notes
    -----
    A reflection and a shift along the same axis do not commute; together
    they form a semidirect (dihedral) product, which this class refuses.
    Element ``k`` is numbered in mixed radix, the last factor varying
    fastest, so element 0 is the identity.

    Examples
    --------
    >>> from skinvariant.groups import CyclicShift, SignFlip
    >>> group = SignFlip() * CyclicShift((8, 8), axis=1)
    >>> group.order
    16
    >>> group.element_names[9]
    'invert & shift(1,)'
    """

    __slots__ = ("_factors",)

    def __init__(self, *factors):
        flat = []
        for factor in factors:
            if not isinstance(factor, FiniteGroup):
                raise TypeError(
                    "Every factor of a DirectProduct must be a group from "
                    f"skinvariant.groups; got {factor!r}."
                )
            flat.extend(
                factor.factors if isinstance(factor, DirectProduct) else [factor]
            )
        if not flat:
            raise ValueError("DirectProduct needs at least one factor; got none.")
        object.__setattr__(self, "_factors", tuple(flat))

    @property
    def factors(self):
        """The groups combined, in the order given."""
        return self._factors

    def _key(self):
        return self._factors

    def __repr__(self):
        # A lone factor is not equal to the product, so the repr must not
        # read as the factor itself.
        if len(self._factors) == 1:
            return f"DirectProduct({self._factors[0]!r})"
        return " * ".join(repr(f) for f in self._factors)

    @property
    def order(self):
        return int(np.prod([f.order for f in self._factors]))

    @property
    def element_names(self):
        names = []
        for combo in itertools.product(*(f.element_names for f in self._factors)):
            moved = [name for name in combo if name != "identity"]
            names.append(" & ".join(moved) if moved else "identity")
        return tuple(names)

    def check_n_features(self, n_features):
        for factor in self._factors:
            factor.check_n_features(n_features)

    def _build_signed_permutations(self, n_features):
        actions = [f.signed_permutations(n_features) for f in self._factors]
        _check_commuting(self._factors, actions)

        indices, signs = actions[0]
        for next_indices, next_signs in actions[1:]:
            indices, signs = _compose_all(indices, signs, next_indices, next_signs)

        _check_distinct(self, indices, signs)
        return indices, signs


def _compose(first, second):
    """Signed permutation applying ``first`` then ``second``."""
    (i1, s1), (i2, s2) = first, second
    # x -> x[i1] * s1 -> (x[i1] * s1)[i2] * s2 = x[i1[i2]] * s1[i2] * s2
    return i1[i2], s1[i2] * s2


def _compose_all(indices, signs, next_indices, next_signs):
    # Pair every element so far with every element of the next factor, the
    # next factor varying fastest, to match the mixed-radix numbering.
    n_first, n_next = len(indices), len(next_indices)
    new_indices = np.empty((n_first * n_next, indices.shape[1]), dtype=np.intp)
    new_signs = np.empty_like(new_indices, dtype=np.int8)
    for a in range(n_first):
        for b in range(n_next):
            pair = _compose((indices[a], signs[a]), (next_indices[b], next_signs[b]))
            new_indices[a * n_next + b], new_signs[a * n_next + b] = pair
    return new_indices, new_signs


def _check_commuting(factors, actions):
    for (fa, (ia, sa)), (fb, (ib, sb)) in itertools.combinations(
        zip(factors, actions, strict=True), 2
    ):
        for a, b in itertools.product(range(len(ia)), range(len(ib))):
            ab = _compose((ia[a], sa[a]), (ib[b], sb[b]))
            ba = _compose((ib[b], sb[b]), (ia[a], sa[a]))
            if not (np.array_equal(ab[0], ba[0]) and np.array_equal(ab[1], ba[1])):
                raise ValueError(
                    f"The factors {fa!r} and {fb!r} do not commute, so their "
                    "combinations do not form a direct product. Use groups that "
                    "act on different axes, or Dihedral for rotations and "
                    "reflections together."
                )


def _check_distinct(group, indices, signs):
    keys = {
        ind.tobytes() + sgn.tobytes() for ind, sgn in zip(indices, signs, strict=True)
    }
    if len(keys) != len(indices):
        raise ValueError(
            f"The factors of {group!r} share non-identity elements, so the "
            f"product would list {len(indices)} elements but act as only "
            f"{len(keys)}. Drop the repeated factor."
        )
