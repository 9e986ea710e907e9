import numpy as np
import pytest
from numpy.testing import assert_array_equal
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import Pipeline

from skinvariant import (
    BispectrumFeatures,
    NeighborProductFeatures,
    OrbitCanonicalizer,
    PermutationProductFeatures,
    PowerSpectrumFeatures,
    QuadraticFeatures,
    SignCanonicalFeatures,
    SquareFeatures,
    transform_blocks,
)
from skinvariant.groups import CyclicShift, SignFlip

# dask is an optional extra; these tests need it and nothing else does.
da = pytest.importorskip("dask.array")

IMAGE_SHAPE = (4, 4)

TRANSFORMERS = [
    SquareFeatures(),
    NeighborProductFeatures(image_shape=IMAGE_SHAPE, offsets=((0, 1), (1, 0))),
    PermutationProductFeatures(n_permutations=2, random_state=0),
    QuadraticFeatures(),
    SignCanonicalFeatures(),
    OrbitCanonicalizer(group=CyclicShift(IMAGE_SHAPE) * SignFlip()),
    PowerSpectrumFeatures(image_shape=IMAGE_SHAPE),
    BispectrumFeatures(image_shape=IMAGE_SHAPE, sign_invariant=True),
]


@pytest.mark.parametrize("transformer", TRANSFORMERS, ids=repr)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_transform_blocks_matches_numpy(transformer, dtype):
    """Check that transforming a dask array block by block gives the numpy
    result bit for bit, with one output block per block of rows."""
    X = np.random.default_rng(0).normal(size=(50, 16)).astype(dtype)
    fitted = clone(transformer).fit(X)
    X_dask = da.from_array(X, chunks=(12, 5))

    X_out = transform_blocks(fitted, X_dask)

    assert X_out.chunks[0] == X_dask.chunks[0]
    assert X_out.dtype == dtype
    assert_array_equal(X_out.compute(), fitted.transform(X))


def test_transform_blocks_is_lazy():
    """Check that no block is computed before the result is asked for."""
    calls = []

    def source(block):
        calls.append(block.shape)
        return block

    blocks = da.ones((40, 16), chunks=(10, 16))
    X = blocks.map_blocks(source, meta=np.empty((0, 0)))
    fitted = SquareFeatures().fit(np.zeros((1, 16)))
    X_out = transform_blocks(fitted, X)
    assert calls == []

    X_out.sum().compute()
    assert sorted(calls) == [(10, 16)] * 4


def test_transform_blocks_with_pandas_output():
    """Check that a transformer set to pandas output still fills a dask
    array."""
    pytest.importorskip("pandas")
    fitted = SquareFeatures().set_output(transform="pandas").fit(np.zeros((1, 3)))
    X = da.from_array(np.arange(12.0).reshape(4, 3), chunks=(2, 3))

    assert_array_equal(
        transform_blocks(fitted, X).compute(), np.arange(12.0).reshape(4, 3) ** 2
    )


@pytest.mark.parametrize("transformer", TRANSFORMERS, ids=repr)
def test_transform_blocks_handles_empty_blocks(transformer):
    """Check that empty blocks, as left by filtering rows of a dask array,
    give empty output blocks instead of an error."""
    X = np.random.default_rng(0).normal(size=(12, 16))
    fitted = clone(transformer).fit(X)
    X_dask = da.from_array(X, chunks=(4, 16))
    kept = X_dask[X_dask[:, 0] > 10]

    X_out = transform_blocks(fitted, kept).compute()

    assert X_out.shape == (0, fitted.transform(X).shape[1])


def test_transform_blocks_errors():
    """Check the errors for an unfitted transformer, a numpy array and a 1-D
    dask array."""
    from sklearn.exceptions import NotFittedError

    X = da.ones((4, 3), chunks=2)
    with pytest.raises(NotFittedError):
        transform_blocks(SquareFeatures(), X)
    fitted = SquareFeatures().fit(np.zeros((1, 3)))
    with pytest.raises(TypeError, match="`X` must be a dask array"):
        transform_blocks(fitted, np.ones((4, 3)))
    with pytest.raises(ValueError, match="`X` must be a 2-D dask array"):
        transform_blocks(fitted, da.ones(4, chunks=2))


def test_grid_search_runs_on_a_local_dask_cluster():
    """Check that GridSearchCV runs its fits as tasks of a dask.distributed
    cluster through joblib, with the same result as without it."""
    distributed = pytest.importorskip("distributed")
    from joblib import parallel_backend

    rng = np.random.default_rng(0)
    X = rng.normal(size=(80, 6))
    y = (X[:, 0] * X[:, 1] > 0).astype(int)
    pipeline = Pipeline(
        [("features", SquareFeatures()), ("model", LogisticRegression())]
    )
    grid = {"features": [SquareFeatures(), QuadraticFeatures()], "model__C": [0.1, 1.0]}

    expected = GridSearchCV(pipeline, grid, cv=3).fit(X, y)

    # In-process workers and no dashboard: nothing listens on a socket.
    with (
        distributed.LocalCluster(
            n_workers=1,
            threads_per_worker=2,
            processes=False,
            dashboard_address=None,
        ) as cluster,
        distributed.Client(cluster) as client,
        distributed.get_task_stream(client) as tasks,
        parallel_backend("dask"),
    ):
        search = GridSearchCV(pipeline, grid, cv=3, n_jobs=-1).fit(X, y)

    # joblib batches the 12 fits into however many tasks it sees fit
    assert len(tasks.data) >= 1
    assert search.best_params_ == expected.best_params_
    assert_array_equal(
        search.cv_results_["mean_test_score"], expected.cv_results_["mean_test_score"]
    )
