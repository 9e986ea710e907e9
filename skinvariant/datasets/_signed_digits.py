"""The scikit-learn digits scaled to [-1, 1], optionally enlarged by shifts."""

from importlib import resources

import numpy as np
from sklearn.datasets import load_digits
from sklearn.utils import Bunch
from sklearn.utils._param_validation import validate_params

from skinvariant.datasets._shifts import SHIFT_DIRECTIONS, enlarge_by_shifts

# The bundled digits count ink in 0..16 per pixel.
_MAX_INK = 16.0
_BACKGROUND = -1.0
_IMAGE_SHAPE = (8, 8)


def _read_descr():
    """Return the text of the data set description."""
    descr = resources.files("skinvariant.datasets") / "descr" / "signed_digits.rst"
    return descr.read_text(encoding="utf-8")


def _to_signed(ink):
    """Map ink counts 0..16 linearly onto [-1, 1], background at -1."""
    return 2.0 * np.asarray(ink, dtype=np.float64) / _MAX_INK - 1.0


def _as_frame(data, target, feature_names):
    """Return pandas versions of `data` and `target` and their concatenation."""
    import pandas as pd

    data = pd.DataFrame(data, columns=feature_names)
    target = pd.Series(target, name="target")
    frame = pd.concat([data, target], axis=1)
    return frame, data, target


@validate_params(
    {
        "shifts": ["boolean"],
        "return_X_y": ["boolean"],
        "as_frame": ["boolean"],
    },
    prefer_skip_nested_validation=True,
)
def load_signed_digits(*, shifts=True, return_X_y=False, as_frame=False):
    """Load the 8x8 digits with signed pixels, enlarged by one-pixel shifts.

    The images are the handwritten digits bundled with scikit-learn (see
    :func:`sklearn.datasets.load_digits`; nothing is downloaded). Each
    pixel's ink count 0..16 is mapped linearly onto [-1, 1], so the
    background is -1 and full ink is +1. In these units the grayscale
    inversion of an image is simply ``-x``.

    With ``shifts=True`` the data set is enlarged fivefold as in the
    reference experiment: every image also appears translated by one
    pixel right, left, up and down, the uncovered row or column set to
    the background -1 (see :func:`enlarge_by_shifts`).

    Read the user guide section in ``DESCR`` before splitting: the shifted
    copies of an image are near duplicates, so a split must keep them
    together, which ``groups`` makes easy.

    Parameters
    ----------
    shifts : bool, default=True
        Whether to append the four shifted copies of every image.

    return_X_y : bool, default=False
        If True, return ``(data, target)`` instead of a Bunch. The groups
        are then not returned; with ``shifts=True`` they are
        ``np.arange(len(data)) % 1797`` because of the row order below.

    as_frame : bool, default=False
        If True, `data` is a pandas DataFrame with named pixel columns,
        `target` a Series, and `frame` both together. Requires pandas.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        Dictionary-like object with the following attributes.

        data : {ndarray, DataFrame} of shape (n_samples, 64)
            One flattened image per row, float64 in [-1, 1]. ``n_samples``
            is 1797, or 8985 with ``shifts=True``.
        target : {ndarray, Series} of shape (n_samples,)
            The digit shown by every row.
        images : ndarray of shape (n_samples, 8, 8)
            The same pixels as `data`, as images.
        groups : ndarray of shape (n_samples,)
            The index (0..1796) of the source image of every row. Pass it
            as ``groups`` to a group-aware splitter.
        shift : ndarray of shape (n_samples,)
            Which copy every row is: ``"none"`` for the originals,
            otherwise ``"right"``, ``"left"``, ``"up"`` or ``"down"``.
        frame : DataFrame of shape (n_samples, 65) or None
            `data` and `target` together when ``as_frame=True``.
        feature_names : list of str
            The pixel names ``"pixel_<row>_<column>"``.
        target_names : ndarray of shape (10,)
            The digits 0 to 9.
        DESCR : str
            The description of the data set, including how to split it.

    (data, target) : tuple if ``return_X_y`` is True
        The `data` and `target` described above.

    See Also
    --------
    enlarge_by_shifts : The shift enlargement for any image array.
    sklearn.datasets.load_digits : The unscaled, unshifted digits.

    Notes
    -----
    Rows come in blocks of 1797: first all originals in the order of
    :func:`sklearn.datasets.load_digits`, then the same images shifted
    right, then left, up and down. Hence row ``i`` and rows ``i + 1797``,
    ``i + 2 * 1797``, ... are copies of the same image, and the first 1797
    rows are the unshifted data set.

    Splitting rows at random (``train_test_split``, ``KFold``) puts shifted
    copies of a test image into the training set, and the test score then
    measures recall of near duplicates rather than generalisation. Split
    by ``groups`` instead, with :class:`~sklearn.model_selection.GroupKFold`
    or :class:`~sklearn.model_selection.GroupShuffleSplit`.

    References
    ----------
    .. [1] Bergman, D. L. (2019). "Symmetry constrained machine learning".
       Section III describes the fivefold shift enlargement of these
       digits.

    Examples
    --------
    >>> from sklearn.model_selection import GroupShuffleSplit
    >>> from skinvariant.datasets import load_signed_digits
    >>> digits = load_signed_digits()
    >>> digits.data.shape
    (8985, 64)
    >>> float(digits.data.min()), float(digits.data.max())
    (-1.0, 1.0)
    >>> splitter = GroupShuffleSplit(n_splits=1, test_size=0.25, random_state=0)
    >>> train, test = next(splitter.split(digits.data, groups=digits.groups))
    >>> set(digits.groups[train]) & set(digits.groups[test])
    set()
    """
    digits = load_digits()
    images = _to_signed(digits.images)
    n_images = images.shape[0]

    if shifts:
        images, groups = enlarge_by_shifts(images, fill_value=_BACKGROUND)
        shift = np.repeat(np.array(("none",) + SHIFT_DIRECTIONS), n_images)
    else:
        groups = np.arange(n_images)
        shift = np.full(n_images, "none")

    data = images.reshape(images.shape[0], -1)
    target = digits.target[groups]
    feature_names = [
        f"pixel_{row}_{column}"
        for row in range(_IMAGE_SHAPE[0])
        for column in range(_IMAGE_SHAPE[1])
    ]

    frame = None
    if as_frame:
        frame, data, target = _as_frame(data, target, feature_names)
    if return_X_y:
        return data, target

    return Bunch(
        data=data,
        target=target,
        images=images,
        groups=groups,
        shift=shift,
        frame=frame,
        feature_names=feature_names,
        target_names=np.arange(10),
        DESCR=_read_descr(),
    )
