"""Turn an estimator's `group` parameter into a group object."""

from skinvariant.groups._base import FiniteGroup
from skinvariant.groups._sign_flip import SignFlip

# Only groups that need no further arguments can be named by a string;
# image groups need an image shape and are passed as objects.
_NAMED_GROUPS = {"sign_flip": SignFlip}


def check_group(group):
    """Return a group object from a group or the name of one.

    Estimators store their `group` parameter untouched, as scikit-learn
    requires, and call this function in ``fit``.

    Parameters
    ----------
    group : str or FiniteGroup
        A group object, or one of the names ``"sign_flip"``.

    Returns
    -------
    group : FiniteGroup
        The group itself, or a new instance of the named group.

    Examples
    --------
    >>> from skinvariant.groups import check_group
    >>> check_group("sign_flip")
    SignFlip()
    """
    if isinstance(group, FiniteGroup):
        return group
    if isinstance(group, str):
        if group in _NAMED_GROUPS:
            return _NAMED_GROUPS[group]()
        raise ValueError(
            f"`group` must be one of {sorted(_NAMED_GROUPS)} or a group object "
            f"from skinvariant.groups; got {group!r}."
        )
    raise TypeError(
        "`group` must be a string naming a group or a group object from "
        f"skinvariant.groups; got {group!r} of type {type(group).__name__}."
    )
