"""Behaviour shared by all invariant feature transformers."""

import json
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from numpy.testing import assert_array_equal
from scipy import sparse
from sklearn import config_context
from sklearn.base import clone
from sklearn.compose import ColumnTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline

from skinvariant import (
    NeighborProductFeatures,
    PermutationProductFeatures,
    QuadraticFeatures,
    SquareFeatures,
)

TRANSFORMERS = [
    SquareFeatures(),
    NeighborProductFeatures(),
    NeighborProductFeatures(image_shape=(3, 4), offsets=((0, 1), (1, -1))),
    NeighborProductFeatures(image_shape=(3, 4), offsets=((1, 1),), wrap=False),
    PermutationProductFeatures(n_permutations=2, random_state=0),
    QuadraticFeatures(),
    QuadraticFeatures(interaction_only=True),
]

DENSE_ONLY = [
    NeighborProductFeatures(),
    PermutationProductFeatures(random_state=0),
    QuadraticFeatures(),
]

_PRODUCT_NAME = re.compile(r"(?:p\d+:)?x(\d+)(?:\^2|\*x(\d+))")


def assert_bitwise_equal(actual, expected):
    """Assert equal dtype, shape and bytes, so that 0.0 differs from -0.0."""
    assert actual.dtype == expected.dtype
    assert actual.shape == expected.shape
    assert actual.tobytes() == expected.tobytes()


def _pairs_from_names(names):
    """Input indices ``(i, j)`` of each default output name ``xi*xj``."""
    pairs = []
    for name in names:
        match = _PRODUCT_NAME.fullmatch(name)
        i = int(match[1])
        pairs.append((i, i if match[2] is None else int(match[2])))
    return np.array(pairs).T


def _data(n_samples=7, n_features=12, dtype=np.float64, seed=0):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((n_samples, n_features)).astype(dtype)


@st.composite
def _float_arrays(draw, n_features=12):
    dtype = draw(st.sampled_from([np.float32, np.float64]))
    n_samples = draw(st.integers(1, 5))
    if n_features is None:
        n_features = draw(st.integers(2, 10))
    elements = st.floats(-(2.0**50), 2.0**50, width=np.dtype(dtype).itemsize * 8)
    return draw(hnp.arrays(dtype, (n_samples, n_features), elements=elements))


@pytest.mark.parametrize("transformer", TRANSFORMERS, ids=repr)
@settings(max_examples=25, deadline=None)
@given(X=_float_arrays())
def test_inversion_invariance_is_bitwise(transformer, X):
    """Check that transform(-X) equals transform(X) bit for bit."""
    transformer = clone(transformer).fit(X)

    assert_bitwise_equal(transformer.transform(-X), transformer.transform(X))


@pytest.mark.parametrize(
    "transformer",
    [
        SquareFeatures(),
        NeighborProductFeatures(offsets=((0, 3),)),
        NeighborProductFeatures(wrap=False),
        PermutationProductFeatures(n_permutations=2, random_state=0),
        QuadraticFeatures(),
        QuadraticFeatures(interaction_only=True),
    ],
    ids=repr,
)
@settings(max_examples=25, deadline=None)
@given(X=_float_arrays(n_features=None))
def test_inversion_invariance_over_widths(transformer, X):
    """Check bitwise inversion invariance and the named products over random
    numbers of features."""
    transformer = clone(transformer).fit(X)
    left, right = _pairs_from_names(transformer.get_feature_names_out())

    X_out = transformer.transform(X)

    assert_bitwise_equal(transformer.transform(-X), X_out)
    assert_bitwise_equal(X_out, X[:, left] * X[:, right])


@pytest.mark.parametrize("transformer", TRANSFORMERS, ids=repr)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_columns_are_the_products_their_names_state(transformer, dtype):
    """Check that output column ``xi*xj`` is X[:, i] * X[:, j], bit for bit."""
    X = _data(dtype=dtype)
    transformer = clone(transformer).fit(X)
    left, right = _pairs_from_names(transformer.get_feature_names_out())

    assert_bitwise_equal(transformer.transform(X), X[:, left] * X[:, right])


@pytest.mark.parametrize("transformer", TRANSFORMERS, ids=repr)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_signed_zeros_are_kept_exactly(transformer, dtype):
    """Check that products with a zero keep the IEEE sign of the zero, as the
    plain product does."""
    rng = np.random.default_rng(0)
    X = rng.choice([0.0, -0.0, 1.5, -2.0], size=(9, 12)).astype(dtype)
    transformer = clone(transformer).fit(X)
    left, right = _pairs_from_names(transformer.get_feature_names_out())

    X_out = transformer.transform(X)

    assert np.signbit(X[X == 0]).any() and (X_out == 0).any()
    assert_bitwise_equal(X_out, X[:, left] * X[:, right])
    assert_bitwise_equal(transformer.transform(-X), X_out)


@pytest.mark.parametrize("transformer", TRANSFORMERS, ids=repr)
def test_many_rows_match_a_few_rows(transformer):
    """Check that rows cut in several cache blocks give the same products."""
    X = _data(n_samples=20_000, seed=1)
    transformer = clone(transformer).fit(X)

    assert_array_equal(transformer.transform(X)[-3:], transformer.transform(X[-3:]))


@pytest.mark.parametrize("transformer", TRANSFORMERS, ids=repr)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_float_dtype_is_preserved(transformer, dtype):
    """Check that float32 stays float32 and float64 stays float64."""
    X = _data(dtype=dtype)

    assert clone(transformer).fit_transform(X).dtype == dtype


@pytest.mark.parametrize("transformer", TRANSFORMERS, ids=repr)
@pytest.mark.parametrize("dtype", [np.uint8, np.int16, np.int64])
def test_integer_input_is_computed_in_float64(transformer, dtype):
    """Check that integer images are multiplied in float64 without overflow."""
    rng = np.random.default_rng(0)
    high = min(np.iinfo(dtype).max, 2**40)
    X = rng.integers(0, high, size=(5, 12), endpoint=True).astype(dtype)
    X[0] = high
    transformer = clone(transformer).fit(X)
    left, right = _pairs_from_names(transformer.get_feature_names_out())

    X_out = transformer.transform(X)

    assert X_out.dtype == np.float64
    X_float = X.astype(np.float64)
    assert_array_equal(X_out, X_float[:, left] * X_float[:, right])
    assert X_out[0].min() == float(high) ** 2


@pytest.mark.parametrize("transformer", TRANSFORMERS, ids=repr)
def test_read_only_input_is_accepted_and_unchanged(transformer):
    """Check that a read-only X works and is left as it was."""
    X = _data()
    X_before = X.copy()
    X.setflags(write=False)

    transformer = clone(transformer).fit(X)
    transformer.transform(X)

    assert_bitwise_equal(X, X_before)


@pytest.mark.parametrize("transformer", TRANSFORMERS, ids=repr)
@pytest.mark.parametrize("value", [np.nan, np.inf, -np.inf])
@pytest.mark.parametrize("row", [2, 29_999])
def test_non_finite_input_is_rejected_where_it_is(transformer, value, row):
    """Check that transform locates a NaN or infinity, even in a late block
    of rows, and that fit rejects it too."""
    X = _data(n_samples=30_000)
    transformer = clone(transformer).fit(X)
    X[row, 3] = value

    with pytest.raises(ValueError, match=rf"`X` must hold finite .* X\[{row}, 3\] is"):
        transformer.transform(X)
    with pytest.raises(ValueError, match="NaN|infinity"):
        clone(transformer).fit(X)


@pytest.mark.parametrize("transformer", TRANSFORMERS, ids=repr)
def test_assume_finite_skips_the_finite_check(transformer):
    """Check that config_context(assume_finite=True) lets NaN through, as in
    scikit-learn's own validation."""
    X = _data()
    transformer = clone(transformer).fit(X)
    X[:, :] = np.nan

    with config_context(assume_finite=True):
        X_out = transformer.transform(X)

    assert np.isnan(X_out).all()


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_huge_finite_values_are_not_mistaken_for_infinity(dtype):
    """Check that finite values whose sum overflows pass the finite check."""
    X = np.full((4, 12), np.finfo(dtype).max / 2, dtype=dtype)

    with np.errstate(over="ignore"):
        X_out = SquareFeatures().fit(X).transform(X)

    assert np.isposinf(X_out).all()


@pytest.mark.parametrize("transformer", TRANSFORMERS, ids=repr)
@pytest.mark.parametrize("layout", ["fortran", "strided"])
def test_non_contiguous_input_gives_the_same_products(transformer, layout):
    """Check that Fortran-ordered and strided inputs give the same output as
    a C-contiguous copy."""
    X = _data(n_samples=14, n_features=24)
    if layout == "fortran":
        X = np.asfortranarray(X[:, :12])
    else:
        X = X[::2, ::2]
    transformer = clone(transformer).fit(X)

    X_out = transformer.transform(X)

    assert_bitwise_equal(X_out, transformer.transform(np.ascontiguousarray(X)))


@pytest.mark.parametrize("transformer", DENSE_ONLY, ids=repr)
@pytest.mark.parametrize("container", [sparse.csr_matrix, sparse.csc_array])
def test_sparse_input_is_rejected_with_the_fix(transformer, container):
    """Check that the dense-only transformers reject sparse X and name the fix."""
    X = _data()
    transformer = clone(transformer).fit(X)

    with pytest.raises(TypeError, match=r"`X` is a sparse .*X\.toarray\(\)"):
        transformer.transform(container(X))
    with pytest.raises(TypeError, match=r"`X` is a sparse .*X\.toarray\(\)"):
        clone(transformer).fit(container(X))


@pytest.mark.parametrize("transformer", TRANSFORMERS, ids=repr)
def test_wrong_number_of_features_is_rejected(transformer):
    """Check that transform rejects X with another number of features."""
    transformer = clone(transformer).fit(_data())

    with pytest.raises(ValueError, match="X has 11 features"):
        transformer.transform(_data(n_features=11))


def test_square_flip_of_any_pixels_is_bitwise_invariant():
    """Check that squares ignore the sign of every single pixel."""

    @settings(max_examples=30, deadline=None)
    @given(X=_float_arrays(n_features=9), data=st.data())
    def check(X, data):
        flips = data.draw(hnp.arrays(np.bool_, X.shape[1]))
        transformer = SquareFeatures().fit(X)

        X_flipped = np.where(flips, -X, X)

        assert_bitwise_equal(transformer.transform(X_flipped), transformer.transform(X))

    check()


@pytest.mark.parametrize("format", ["csr", "csc", "coo"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int8])
def test_square_sparse_input_gives_sparse_squares(format, dtype):
    """Check that sparse input gives the sparse squares, CSC kept, COO as CSR."""
    X = _data()
    X[X < 0.5] = 0
    X = (4 * X).astype(dtype)
    X_sparse = sparse.csr_array(X).asformat(format)

    X_out = SquareFeatures().fit(X_sparse).transform(X_sparse)

    assert sparse.issparse(X_out)
    assert X_out.format == ("csc" if format == "csc" else "csr")
    out_dtype = np.float32 if dtype == np.float32 else np.float64
    assert X_out.dtype == out_dtype
    assert_array_equal(X_out.toarray(), X.astype(out_dtype) ** 2)
    assert_array_equal(X_sparse.toarray(), X)


@pytest.mark.parametrize("value", [np.nan, np.inf])
def test_square_sparse_non_finite_input_is_rejected(value):
    """Check that a NaN or infinity stored in sparse input is rejected."""
    X = sparse.csr_array(np.eye(4))
    transformer = SquareFeatures().fit(X)
    X.data[2] = value

    with pytest.raises(ValueError, match="NaN|infinity"):
        transformer.transform(X)


@pytest.mark.parametrize(
    "name",
    ["pixel 3", "a*b", "a^2", '"a"', "", "a\\b", "tab\tname", "(x)"],
)
def test_awkward_input_names_are_quoted(name):
    """Check that a name that could be misread is quoted as a JSON string."""
    X = _data(n_features=2)
    names = np.asarray([name, "b"], dtype=object)

    feature_names = QuadraticFeatures().fit(X).get_feature_names_out(names)

    quoted = json.dumps(name, ensure_ascii=False)
    assert list(feature_names) == [f"{quoted}^2", f"{quoted}*b", "b^2"]


@settings(max_examples=40, deadline=None)
@given(names=st.lists(st.text(max_size=4), min_size=2, max_size=6, unique=True))
def test_product_names_are_unique_for_unique_inputs(names):
    """Check that distinct input names always give distinct product names."""
    X = _data(n_features=len(names))
    names = np.asarray(names, dtype=object)

    feature_names = QuadraticFeatures().fit(X).get_feature_names_out(names)

    assert len(set(feature_names)) == len(feature_names)


@pytest.mark.parametrize("transformer", TRANSFORMERS, ids=repr)
def test_default_names_are_unique(transformer):
    """Check that the default output names are unique."""
    names = clone(transformer).fit(_data()).get_feature_names_out()

    assert len(set(names)) == len(names)


@pytest.mark.parametrize("transformer", TRANSFORMERS, ids=repr)
def test_pandas_output_uses_the_feature_names(transformer):
    """Check that set_output(transform="pandas") gives a labelled DataFrame."""
    pd = pytest.importorskip("pandas")
    X = _data()
    columns = [f"pixel {i}" for i in range(X.shape[1])]
    X_frame = pd.DataFrame(X, columns=columns, index=np.arange(10, 17))
    transformer = clone(transformer).set_output(transform="pandas")

    X_out = transformer.fit_transform(X_frame)

    assert isinstance(X_out, pd.DataFrame)
    assert list(X_out.columns) == list(transformer.get_feature_names_out())
    assert '"pixel 0"' in X_out.columns[0]
    assert_array_equal(X_out.index, X_frame.index)
    assert_array_equal(X_out.to_numpy(), clone(transformer).fit_transform(X))


def test_column_transformer_applies_features_to_selected_columns():
    """Check that a ColumnTransformer builds products on its chosen columns."""
    pd = pytest.importorskip("pandas")
    X = pd.DataFrame(_data(n_features=5), columns=list("abcde"))
    columns = ColumnTransformer(
        [
            ("square", SquareFeatures(), ["a", "b"]),
            ("pairs", QuadraticFeatures(interaction_only=True), ["c", "d", "e"]),
        ]
    )

    X_out = columns.fit_transform(X)

    assert list(columns.get_feature_names_out()) == [
        "square__a^2",
        "square__b^2",
        "pairs__c*d",
        "pairs__c*e",
        "pairs__d*e",
    ]
    assert_array_equal(X_out[:, 0], X["a"] ** 2)
    assert_array_equal(X_out[:, 4], X["d"] * X["e"])


@pytest.mark.parametrize(
    "transformer, grid",
    [
        (SquareFeatures(), {}),
        (
            NeighborProductFeatures(image_shape=(4, 4)),
            {"offsets": [((0, 1),), ((0, 1), (1, 0))], "wrap": [True, False]},
        ),
        (
            PermutationProductFeatures(random_state=0),
            {"n_permutations": [1, 3], "random_state": [0, 1]},
        ),
        (QuadraticFeatures(), {"interaction_only": [True, False]}),
    ],
    ids=lambda value: type(value).__name__,
)
def test_grid_search_over_parameters_in_a_pipeline(transformer, grid):
    """Check that GridSearchCV searches the parameters inside a Pipeline and
    refits on the best one."""
    rng = np.random.default_rng(0)
    X = rng.standard_normal((60, 16))
    y = (X[:, 0] * X[:, 1] > 0).astype(int)
    pipeline = make_pipeline(transformer, LogisticRegression())
    step = type(transformer).__name__.lower()
    param_grid = {f"{step}__{name}": values for name, values in grid.items()}

    search = GridSearchCV(pipeline, param_grid or [{}], cv=3).fit(X, y)

    n_candidates = int(np.prod([len(values) for values in grid.values()]))
    assert len(search.cv_results_["params"]) == n_candidates
    best = search.best_estimator_[0].get_params()
    for name, value in search.best_params_.items():
        assert best[name.split("__")[1]] == value
    assert search.predict(X).shape == (60,)
