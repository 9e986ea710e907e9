"""Helpers shared by the meta-estimators that wrap a classifier."""

import numpy as np
from sklearn.utils import get_tags
from sklearn.utils.validation import has_fit_parameter, validate_data

FLOAT_DTYPES = (np.float64, np.float32)


def default_classifier():
    """Return a new instance of the package's default classifier.

    The import is deferred so that the meta-estimators load even where the
    default is not needed, and so that the module graph has no cycle.
    """
    from skinvariant._mlp import NoBiasTanhMLPClassifier

    return NoBiasTanhMLPClassifier()


def inner_estimator(meta):
    """Return the fitted inner estimator if there is one, else the template."""
    if hasattr(meta, "estimator_"):
        return meta.estimator_
    if meta.estimator is None:
        return default_classifier()
    return meta.estimator


def inner_has(attr):
    """Return a check, for ``available_if``, that the inner estimator has `attr`.

    A named function rather than a lambda, so that estimators stay
    picklable.
    """

    def check(meta):
        return hasattr(inner_estimator(meta), attr)

    return check


def inner_allows_nan(meta):
    """Return whether the inner estimator accepts missing values."""
    return get_tags(inner_estimator(meta)).input_tags.allow_nan


def validate_float_data(meta, X, y="no_validation", *, reset=True):
    """Validate `X` (and `y`) as floats, missing values as the inner estimator.

    Missing values are let through exactly when the inner estimator accepts
    them, so that the wrapper refuses no more and no less than it does.
    """
    allow_nan = inner_allows_nan(meta)
    return validate_data(
        meta,
        X,
        y,
        dtype=FLOAT_DTYPES,
        reset=reset,
        ensure_all_finite="allow-nan" if allow_nan else True,
    )


def check_sample_weight_support(estimator, sample_weight):
    """Raise if `sample_weight` is given but `estimator` cannot take it."""
    if sample_weight is None or has_fit_parameter(estimator, "sample_weight"):
        return
    raise ValueError(
        "`sample_weight` was given, but the wrapped `estimator` does not accept "
        f"a `sample_weight` argument in fit; got estimator {estimator!r}."
    )
