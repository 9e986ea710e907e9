"""Measure how far a fitted model is from respecting a symmetry."""

import numpy as np
from sklearn.metrics import accuracy_score
from sklearn.utils import Bunch
from sklearn.utils.validation import check_is_fitted

from skinvariant.groups import SignFlip, check_group

_METHODS = (
    "predict_proba",
    "predict_log_proba",
    "decision_function",
    "predict",
    "transform",
)


def transform_input(group, X, element):
    """Apply one group element to `X`, keeping a DataFrame a DataFrame.

    Models fitted on a DataFrame warn when they are given an array, so the
    transformed values are put back under the original columns and index.
    """
    if hasattr(X, "columns") and hasattr(X, "to_numpy"):
        values = group.apply(X.to_numpy(), element)
        return type(X)(values, columns=X.columns, index=X.index)
    return group.apply(X, element)


def _check_method(estimator, method):
    if method not in _METHODS:
        raise ValueError(f"`method` must be one of {list(_METHODS)}; got {method!r}.")
    if not hasattr(estimator, method):
        raise ValueError(
            f"`method`={method!r} is not available on "
            f"{type(estimator).__name__}; pick a method the estimator has, "
            f"got {method!r}."
        )
    return getattr(estimator, method)


def _output_change(before, after):
    """Absolute change of every output entry; 0 or 1 for non-numeric labels."""
    before, after = np.asarray(before), np.asarray(after)
    if np.issubdtype(before.dtype, np.number) and np.issubdtype(after.dtype, np.number):
        return np.abs(after.astype(np.float64) - before.astype(np.float64))
    return (after != before).astype(np.float64)


def _changed_rows(before, after):
    """Whether each row of the output changed in any entry."""
    change = np.asarray(before) != np.asarray(after)
    return change.reshape(change.shape[0], -1).any(axis=1)


def invariance_error(estimator, X, group="sign_flip", method="predict_proba"):
    """Measure how much a fitted model's output moves under a symmetry.

    Every row of `X` is transformed by every non-identity element of the
    group, and the output of `method` on the transformed rows is compared
    with the output on `X`. An exactly invariant model, such as any
    pipeline that starts with an invariant feature map, gives zeros.

    Parameters
    ----------
    estimator : fitted estimator or pipeline
        The model to measure.

    X : array-like of shape (n_samples, n_features)
        Input rows, as the model takes them (a DataFrame stays one).

    group : str or FiniteGroup, default="sign_flip"
        The symmetry: ``"sign_flip"`` or a group object from
        :mod:`skinvariant.groups`.

    method : {"predict_proba", "predict_log_proba", "decision_function", \
"predict", "transform"}, default="predict_proba"
        The output compared. For ``"predict"`` with non-numeric labels a
        changed label counts as a change of 1.

    Returns
    -------
    result : :class:`~sklearn.utils.Bunch`
        With the keys:

        - ``element_names``: tuple of str, the non-identity elements.
        - ``max_abs_change``: float, largest absolute change of any output
          entry over all rows and elements.
        - ``mean_abs_change``: float, mean absolute change over all output
          entries, rows and elements.
        - ``changed_fraction``: float, fraction of (row, element) pairs
          whose prediction changes: the output of ``predict`` when the
          estimator has one, else the row of `method`'s output.
        - ``max_abs_change_per_element``, ``mean_abs_change_per_element``,
          ``changed_fraction_per_element``: ndarray of shape
          (order - 1,), the same per element.

    See Also
    --------
    inversion_scores : Accuracy on `X` and on its inversion.
    skinvariant.GroupAveragedClassifier : Make any model exactly invariant.

    Notes
    -----
    The comparison is exact: a model whose output is bit for bit the same
    on ``g X`` and on `X` gets exact zeros, not merely small numbers. With
    ``method="predict_log_proba"``, outputs of ``-inf`` on both sides make
    the change undefined (NaN).

    References
    ----------
    .. [1] D. L. Bergman, "Symmetry constrained machine learning", 2019.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn.pipeline import make_pipeline
    >>> from skinvariant import SquareFeatures
    >>> from skinvariant.diagnostics import invariance_error
    >>> rng = np.random.RandomState(0)
    >>> X = rng.normal(size=(40, 3))
    >>> y = (X[:, 0] > 0).astype(int)
    >>> raw = LogisticRegression().fit(X, y)
    >>> invariance_error(raw, X).changed_fraction
    1.0
    >>> squares = make_pipeline(SquareFeatures(), LogisticRegression()).fit(X, y)
    >>> invariance_error(squares, X).max_abs_change
    0.0
    """
    check_is_fitted(estimator)
    output = _check_method(estimator, method)
    group = check_group(group)
    if group.order < 2:
        raise ValueError(
            f"`group` must have an element besides the identity; got {group!r}."
        )

    reference = output(X)
    has_predict = hasattr(estimator, "predict")
    if has_predict:
        labels = reference if method == "predict" else estimator.predict(X)

    max_change, mean_change, changed = [], [], []
    for element in range(1, group.order):
        X_moved = transform_input(group, X, element)
        moved = output(X_moved)
        change = _output_change(reference, moved)
        max_change.append(float(change.max(initial=0.0)))
        mean_change.append(float(change.mean()))

        if has_predict:
            moved_labels = moved if method == "predict" else estimator.predict(X_moved)
            changed.append(_changed_rows(labels, moved_labels).mean())
        else:
            changed.append(_changed_rows(reference, moved).mean())

    return _summary(group, max_change, mean_change, changed)


def _summary(group, max_change, mean_change, changed):
    max_change, mean_change = np.asarray(max_change), np.asarray(mean_change)
    changed = np.asarray(changed, dtype=np.float64)
    return Bunch(
        element_names=group.element_names[1:],
        max_abs_change=float(max_change.max()),
        mean_abs_change=float(mean_change.mean()),
        changed_fraction=float(changed.mean()),
        max_abs_change_per_element=max_change,
        mean_abs_change_per_element=mean_change,
        changed_fraction_per_element=changed,
    )


def inversion_scores(estimator, X, y, sample_weight=None):
    """Accuracy of a fitted classifier on `X`, on `-X`, and their sum.

    For a model whose scores are an odd function of the input, such as
    :class:`~skinvariant.NoBiasTanhMLPClassifier` on raw inputs, the class
    it prefers for ``-x`` is the one it likes least for ``x``. Every row it
    gets right is therefore wrong once inverted, and the two accuracies
    add up to at most 1. This function measures both, for any classifier,
    so that bound can be checked, or seen broken by models with biases.

    Parameters
    ----------
    estimator : fitted classifier or pipeline
        Must have ``predict``.

    X : array-like of shape (n_samples, n_features)
        Test rows. Integer input is inverted in float64, so unsigned
        images do not wrap around.

    y : array-like of shape (n_samples,)
        True labels.

    sample_weight : array-like of shape (n_samples,), default=None
        Weights of the rows in both accuracies.

    Returns
    -------
    result : :class:`~sklearn.utils.Bunch`
        With the keys ``accuracy`` (on `X`), ``inverted_accuracy`` (on
        ``-X``) and ``accuracy_sum``.

    See Also
    --------
    invariance_error : How much the output moves under a group.

    Notes
    -----
    The bound ``accuracy + inverted_accuracy <= 1`` of odd models assumes
    the largest score of each row is unique. A row whose scores all tie
    (for instance the zero logits of a network that collapsed when trained
    on `X` and `-X` with the same labels) is predicted as the first class
    on both sides, and may be counted right twice.

    References
    ----------
    .. [1] D. L. Bergman, "Symmetry constrained machine learning", 2019.
       Section II.B proves the bound for networks without biases.

    Examples
    --------
    >>> import numpy as np
    >>> from skinvariant import NoBiasTanhMLPClassifier
    >>> from skinvariant.diagnostics import inversion_scores
    >>> rng = np.random.RandomState(0)
    >>> X = rng.uniform(0, 1, size=(60, 4))
    >>> y = (X[:, 0] > X[:, 1]).astype(int)
    >>> model = NoBiasTanhMLPClassifier((5,), random_state=0).fit(X, y)
    >>> scores = inversion_scores(model, X, y)
    >>> bool(scores.accuracy_sum <= 1)
    True
    """
    check_is_fitted(estimator)
    X_inverted = transform_input(SignFlip(), X, 1)

    accuracy = accuracy_score(y, estimator.predict(X), sample_weight=sample_weight)
    inverted = accuracy_score(
        y, estimator.predict(X_inverted), sample_weight=sample_weight
    )
    return Bunch(
        accuracy=float(accuracy),
        inverted_accuracy=float(inverted),
        accuracy_sum=float(accuracy + inverted),
    )
