"""Symmetry augmentation: train on the orbits of the samples."""

from dataclasses import dataclass, fields
from numbers import Real

import numpy as np
from sklearn.base import (
    BaseEstimator,
    ClassifierMixin,
    MetaEstimatorMixin,
    OneToOneFeatureMixin,
    _fit_context,
    clone,
)
from sklearn.utils import _safe_indexing, check_random_state
from sklearn.utils._param_validation import HasMethods, Interval
from sklearn.utils._tags import InputTags, Tags
from sklearn.utils.metaestimators import available_if
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import (
    _check_sample_weight,
    check_is_fitted,
    validate_data,
)

from skinvariant._meta_estimator import (
    FLOAT_DTYPES,
    check_sample_weight_support,
    default_classifier,
    inner_allows_nan,
    inner_has,
    validate_float_data,
)
from skinvariant.groups import FiniteGroup, check_group


@dataclass(slots=True)
class SamplerTags:
    """Tags of a sampler, read by imbalanced-learn.

    imbalanced-learn looks up ``sampler_tags`` on the estimator tags; the
    field is declared here so that the package need not import it.

    Parameters
    ----------
    sample_indices : bool, default=True
        Whether the sampler sets ``sample_indices_`` in ``fit_resample``.
    """

    sample_indices: bool = True


@dataclass(slots=True)
class SamplerInputTags(InputTags):
    """scikit-learn input tags extended with imbalanced-learn's `dataframe`.

    Parameters
    ----------
    dataframe : bool, default=True
        Whether the sampler returns a DataFrame for a DataFrame input.
    """

    dataframe: bool = True


@dataclass(slots=True)
class SamplerEstimatorTags(Tags):
    """scikit-learn estimator tags extended with sampler tags."""

    sampler_tags: SamplerTags | None = None


def _as_dict(tags):
    """Return the fields of a tags dataclass as a dict, without copying."""
    return {field.name: getattr(tags, field.name) for field in fields(tags)}


def _sampler_tags(tags):
    """Return `tags` as sampler tags with ``estimator_type="sampler"``."""
    values = _as_dict(tags)
    values["estimator_type"] = "sampler"
    values["input_tags"] = SamplerInputTags(**_as_dict(tags.input_tags))
    return SamplerEstimatorTags(**values, sampler_tags=SamplerTags())


def _restore_container(original, values, columns=None):
    """Give `values` the container type of `original`: list, frame or array."""
    if isinstance(original, list):
        return values.tolist()
    if hasattr(original, "iloc") and hasattr(original, "columns"):
        import pandas as pd

        return pd.DataFrame(values, columns=original.columns)
    return values


def _check_fitted_classifier(estimator):
    """Raise unless the fitted `estimator` knows its classes."""
    if not hasattr(estimator, "classes_"):
        raise TypeError(
            "`estimator` must be a classifier, which sets `classes_` when "
            f"fitted; got {type(estimator).__name__}."
        )


class SymmetryAugmenter(OneToOneFeatureMixin, BaseEstimator):
    r"""Add the transformed copies of every sample under a symmetry group.

    Augmentation teaches a model a symmetry by example: every training row
    ``x`` is joined by its images ``g x`` under the non-identity elements
    ``g`` of `group`, with the same label, so the model is fitted on the
    orbits of the samples. The model is not guaranteed to become invariant;
    compare :class:`GroupAveragedClassifier` and the invariant feature
    maps, which guarantee it.

    The sampler follows imbalanced-learn's ``fit_resample`` protocol, so it
    can be a step of :class:`imblearn.pipeline.Pipeline`, where it acts on
    training data only. In a scikit-learn pipeline or grid search use
    :class:`AugmentedClassifier` instead.

    Parameters
    ----------
    group : str or FiniteGroup, default="sign_flip"
        The symmetry group, as an object from :mod:`skinvariant.groups` or
        the name ``"sign_flip"`` (the inversion ``x -> -x``).

    fraction : float, default=1.0
        Probability, in [0, 1], of keeping each transformed copy. With 1.0
        every copy is kept; with 0.0 only the originals are returned.

    random_state : int, RandomState instance or None, default=None
        Seeds the draw of the copies when ``fraction < 1``. Pass an int for
        reproducible output across calls.

    Attributes
    ----------
    group_ : FiniteGroup
        The group resolved from `group`.

    sample_indices_ : ndarray of shape (n_samples_resampled,)
        For every output row, the index of the input row it was made from.
        Set by ``fit_resample``. Useful as ``groups`` for a group-aware
        split of augmented data.

    element_indices_ : ndarray of shape (n_samples_resampled,)
        For every output row, the index of the group element applied to it,
        0 (the identity) for the originals; see ``group_.element_names``.
        Set by ``fit_resample``.

    n_features_in_ : int
        Number of features seen during fit.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit. Defined only when `X` has
        feature names that are all strings.

    See Also
    --------
    AugmentedClassifier : Augment the training data of a wrapped classifier.
    GroupAveragedClassifier : Average predictions over the orbit instead.

    Notes
    -----
    Output layout: first the original rows in their order, then, for each
    non-identity element ``k = 1, ..., |G| - 1`` in turn, the kept copies
    ``g_k x`` in the order of their source rows. Labels, and
    `sample_weight` when given, are repeated with their rows.

    Memory: with ``fraction=1.0`` the output has ``|G|`` times the rows of
    the input (twice for the sign flip, 64 times for all cyclic shifts of
    8x8 images). A smaller `fraction` bounds it: the expected number of
    rows is ``n_samples * (1 + fraction * (|G| - 1))``.

    Sampling: when ``fraction < 1`` each of the ``n_samples * (|G| - 1)``
    copies is kept independently with probability `fraction`, while the
    originals are always kept. For a per-row loss ``l`` the expected
    training loss is therefore

    .. math::

        \sum_i \Big[ l(x_i) + f \sum_{g \neq e} l(g x_i) \Big]
        = (1 - f) L_{\mathrm{orig}} + f L_{\mathrm{aug}},

    where :math:`L_{\mathrm{orig}}` is the loss on the originals and
    :math:`L_{\mathrm{aug}}` the loss on the fully augmented data: the full
    augmented loss with every copy weighted by `fraction`, which moves
    linearly from no augmentation (0) to full augmentation (1). To estimate
    the full augmented loss itself without bias, weight the kept copies by
    ``1 / fraction`` (rows with ``element_indices_ > 0``).

    Targets are repeated, never checked: augmentation asserts that the
    target is invariant, which the user knows and the sampler cannot.

    imbalanced-learn's pipeline expects two outputs from ``fit_resample``,
    so the three-output form with `sample_weight` is for direct calls; use
    :class:`AugmentedClassifier` to fit with sample weights. Sparse input is
    not supported.

    References
    ----------
    .. [1] Bergman, D. L. (2019). "Symmetry constrained machine learning".
       Section II.B discusses training on orbits and its limits for
       bias-free networks.

    Examples
    --------
    >>> import numpy as np
    >>> from skinvariant import SymmetryAugmenter
    >>> X = np.array([[0.5, -1.0], [1.0, 0.0]])
    >>> y = np.array([0, 1])
    >>> X_aug, y_aug = SymmetryAugmenter().fit_resample(X, y)
    >>> X_aug
    array([[ 0.5, -1. ],
           [ 1. ,  0. ],
           [-0.5,  1. ],
           [-1. , -0. ]])
    >>> y_aug
    array([0, 1, 0, 1])
    """

    _parameter_constraints = {
        "group": [str, FiniteGroup],
        "fraction": [Interval(Real, 0, 1, closed="both")],
        "random_state": ["random_state"],
    }

    def __init__(self, group="sign_flip", *, fraction=1.0, random_state=None):
        self.group = group
        self.fraction = fraction
        self.random_state = random_state

    def _check_data(self, X, y):
        """Validate `X` and `y` and resolve the group against the data."""
        X, y = validate_data(
            self,
            X,
            y,
            dtype=FLOAT_DTYPES,
            ensure_all_finite=False,
            multi_output=True,
        )
        self.group_ = check_group(self.group)
        self.group_.check_n_features(X.shape[1])
        return X, y

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y):
        """Check the data and the group; ``fit_resample`` is the useful call.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training rows.

        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Targets.

        Returns
        -------
        self : object
            The fitted sampler.
        """
        self._check_data(X, y)
        return self

    @_fit_context(prefer_skip_nested_validation=True)
    def fit_resample(self, X, y, sample_weight=None):
        """Return the samples followed by their transformed copies.

        Parameters
        ----------
        X : {array-like, DataFrame} of shape (n_samples, n_features)
            Training rows.

        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Targets, repeated with their rows.

        sample_weight : array-like of shape (n_samples,), default=None
            Weights, repeated with their rows. When given, a third output
            is returned.

        Returns
        -------
        X_resampled : {ndarray, DataFrame, list}
            Array of shape (n_samples_resampled, n_features).
            The originals and kept copies, in the container type of `X`; a
            DataFrame keeps its column names and gets a new range index.

        y_resampled : {ndarray, Series, DataFrame, list}
            Of shape (n_samples_resampled,) or (n_samples_resampled,
            n_outputs): the targets of the rows, in the container type of `y`.

        sample_weight_resampled : ndarray of shape (n_samples_resampled,)
            The weights of the rows; returned only if `sample_weight` is
            given.
        """
        X_in, y_in = X, y
        X, y = self._check_data(X, y)
        if sample_weight is not None:
            sample_weight = _check_sample_weight(sample_weight, X)

        self._draw_rows(X.shape[0], check_random_state(self.random_state))
        X_res = self._transform_rows(X)

        X_res = _restore_container(X_in, X_res)
        y_res = _safe_indexing(y_in, self.sample_indices_)
        if hasattr(y_res, "reset_index"):
            y_res = y_res.reset_index(drop=True)
        if sample_weight is None:
            return X_res, y_res
        return X_res, y_res, sample_weight[self.sample_indices_]

    def _draw_rows(self, n_samples, random_state):
        """Choose the copies to keep; set the row bookkeeping attributes."""
        n_copies = self.group_.order - 1
        if self.fraction == 1.0:
            keep = np.ones((n_copies, n_samples), dtype=bool)
        else:
            keep = random_state.uniform(size=(n_copies, n_samples)) < self.fraction

        # np.nonzero walks `keep` row by row: element-major, source order.
        elements, sources = np.nonzero(keep)
        originals = np.arange(n_samples)
        self.sample_indices_ = np.concatenate([originals, sources])
        self.element_indices_ = np.concatenate(
            [np.zeros(n_samples, dtype=np.intp), elements + 1]
        )

    def _transform_rows(self, X):
        """Build the output rows described by the bookkeeping attributes."""
        X_res = np.empty((self.sample_indices_.shape[0], X.shape[1]), X.dtype)
        for element in range(self.group_.order):
            rows = np.flatnonzero(self.element_indices_ == element)
            if rows.size:
                sources = X[self.sample_indices_[rows]]
                X_res[rows] = self.group_.apply(sources, element)
        return X_res

    def __sklearn_tags__(self):
        tags = _sampler_tags(super().__sklearn_tags__())
        tags.target_tags.required = True
        tags.input_tags.allow_nan = True
        return tags


class AugmentedClassifier(MetaEstimatorMixin, ClassifierMixin, BaseEstimator):
    """Classifier fitted on symmetry-augmented copies of its training data.

    In ``fit``, a clone of `estimator` is fitted on the training rows
    together with their transformed copies under `group` (see
    :class:`SymmetryAugmenter`). Prediction passes the data on unchanged.
    Because augmentation happens only in ``fit``, the classifier can sit
    in a scikit-learn :class:`~sklearn.pipeline.Pipeline`, in
    :func:`~sklearn.model_selection.cross_val_score` or in
    :class:`~sklearn.model_selection.GridSearchCV` and every test fold is
    scored on its original rows only, with no transformed copy of a test
    row among the training rows.

    Parameters
    ----------
    estimator : estimator object, default=None
        The classifier to fit on augmented data. None means
        :class:`NoBiasTanhMLPClassifier` with default parameters.

    group : str or FiniteGroup, default="sign_flip"
        The symmetry group, as an object from :mod:`skinvariant.groups` or
        the name ``"sign_flip"``.

    fraction : float, default=1.0
        Probability, in [0, 1], of keeping each transformed copy; see
        :class:`SymmetryAugmenter`.

    random_state : int, RandomState instance or None, default=None
        Seeds the draw of the copies when ``fraction < 1`` and, when
        `estimator` is None, the default classifier. An explicit
        `estimator` keeps its own `random_state`. Pass an int for
        reproducible fits.

    Attributes
    ----------
    estimator_ : estimator object
        The clone of `estimator` fitted on the augmented data.

    group_ : FiniteGroup
        The group resolved from `group`.

    classes_ : ndarray of shape (n_classes,)
        The class labels.

    n_features_in_ : int
        Number of features seen during fit.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit. Defined only when `X` has
        feature names that are all strings.

    See Also
    --------
    SymmetryAugmenter : The augmentation step alone, for imbalanced-learn.
    GroupAveragedClassifier : Exact invariance by averaging over the orbit.

    Notes
    -----
    Memory and time: with ``fraction=1.0`` the inner estimator is fitted
    on ``|G|`` times the training rows. Lower `fraction` to bound this.

    Weights: with ``fraction=1.0`` and an estimator for which weights
    equal repetition, a weight of 2 equals a repeated row. With
    ``fraction < 1`` it does not, since each repeat draws its own copies
    while a weighted row draws once.

    Augmentation does not make a model invariant; it only shows it the
    symmetry. For a bias-free tanh network and the sign flip it cannot
    even succeed: such a network is odd, so it ranks the classes of ``-x``
    in the reverse order of those of ``x``, and fitting both with the same
    label pulls the accuracies on originals and inverses towards a shared
    ceiling [1]_.

    The score of this classifier on data that lacks the symmetry may be
    poor, since every copy carries its source's label.

    References
    ----------
    .. [1] Bergman, D. L. (2019). "Symmetry constrained machine learning".

    Examples
    --------
    >>> from sklearn.neighbors import KNeighborsClassifier
    >>> from skinvariant import AugmentedClassifier
    >>> from skinvariant.datasets import load_signed_digits
    >>> X, y = load_signed_digits(shifts=False, return_X_y=True)
    >>> model = AugmentedClassifier(KNeighborsClassifier(n_neighbors=1))
    >>> model = model.fit(X[:1000], y[:1000])
    >>> round(model.score(X[1000:], y[1000:]), 2)
    0.96
    >>> round(model.score(-X[1000:], y[1000:]), 2)
    0.96
    """

    _parameter_constraints = {
        "estimator": [HasMethods(["fit", "predict"]), None],
        "group": [str, FiniteGroup],
        "fraction": [Interval(Real, 0, 1, closed="both")],
        "random_state": ["random_state"],
    }

    def __init__(
        self, estimator=None, group="sign_flip", *, fraction=1.0, random_state=None
    ):
        self.estimator = estimator
        self.group = group
        self.fraction = fraction
        self.random_state = random_state

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y, sample_weight=None):
        """Fit a clone of the estimator on the augmented training data.

        Parameters
        ----------
        X : {array-like, DataFrame} of shape (n_samples, n_features)
            Training rows.

        y : array-like of shape (n_samples,)
            Class labels.

        sample_weight : array-like of shape (n_samples,), default=None
            Weights, repeated with the copies of their rows. The estimator
            must accept `sample_weight` in fit.

        Returns
        -------
        self : object
            The fitted classifier.
        """
        X, y = validate_float_data(self, X, y)
        check_classification_targets(y)
        random_state = check_random_state(self.random_state)
        estimator = self._make_estimator(random_state)
        check_sample_weight_support(estimator, sample_weight)

        augmenter = SymmetryAugmenter(
            self.group, fraction=self.fraction, random_state=random_state
        )
        resampled = augmenter.fit_resample(X, y, sample_weight)
        self.group_ = augmenter.group_

        if sample_weight is None:
            estimator.fit(*resampled)
        else:
            X_res, y_res, weight_res = resampled
            estimator.fit(X_res, y_res, sample_weight=weight_res)
        _check_fitted_classifier(estimator)
        self.estimator_ = estimator
        self.classes_ = estimator.classes_
        return self

    def _make_estimator(self, random_state):
        """Return an unfitted clone of `estimator`, or a seeded default."""
        if self.estimator is not None:
            return clone(self.estimator)
        seed = random_state.randint(np.iinfo(np.int32).max)
        return default_classifier().set_params(random_state=seed)

    def _validated(self, X):
        """Check that the model is fitted and `X` matches the training data."""
        check_is_fitted(self)
        return validate_float_data(self, X, reset=False)

    def predict(self, X):
        """Predict class labels with the fitted estimator.

        Parameters
        ----------
        X : {array-like, DataFrame} of shape (n_samples, n_features)
            Rows to classify, as given: they are not augmented.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
            Predicted class labels.
        """
        X = self._validated(X)
        return self.estimator_.predict(X)

    @available_if(inner_has("predict_proba"))
    def predict_proba(self, X):
        """Return class probabilities from the fitted estimator.

        Parameters
        ----------
        X : {array-like, DataFrame} of shape (n_samples, n_features)
            Rows to classify, as given.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Probabilities, columns in the order of `classes_`.
        """
        X = self._validated(X)
        return self.estimator_.predict_proba(X)

    @available_if(inner_has("predict_log_proba"))
    def predict_log_proba(self, X):
        """Return log class probabilities from the fitted estimator.

        Parameters
        ----------
        X : {array-like, DataFrame} of shape (n_samples, n_features)
            Rows to classify, as given.

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
            Log probabilities, columns in the order of `classes_`.
        """
        X = self._validated(X)
        return self.estimator_.predict_log_proba(X)

    @available_if(inner_has("decision_function"))
    def decision_function(self, X):
        """Return the decision function of the fitted estimator.

        Parameters
        ----------
        X : {array-like, DataFrame} of shape (n_samples, n_features)
            Rows to classify, as given.

        Returns
        -------
        scores : ndarray of shape (n_samples,) or (n_samples, n_classes)
            Decision scores as defined by the estimator.
        """
        X = self._validated(X)
        return self.estimator_.decision_function(X)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = False
        tags.input_tags.allow_nan = inner_allows_nan(self)
        # Every copy keeps its source's label, so data without the symmetry
        # can be fitted poorly by design.
        tags.classifier_tags.poor_score = True
        return tags
