"""
=====================================================
Cross-validating feature maps on a dask cluster
=====================================================

Choosing an invariant feature map means fitting the same network many
times: per feature map, per seed, per fold. The fits are independent, so
they spread over a cluster with no change to the code that defines them:
scikit-learn's :class:`~sklearn.model_selection.GridSearchCV` runs its fits
through joblib, and joblib can hand them to a ``dask.distributed``
cluster. Transforming a data set too large for one machine's memory works
the same way, one block of rows at a time, with
:func:`~skinvariant.transform_blocks`.

This example runs on a :class:`~distributed.LocalCluster` inside the
current process; the last section says what changes on a real cluster.
It needs the ``dask`` extra: ``pip install "skinvariant[dask]"``.
"""

# %%
# A cluster
# ---------
# Two workers in this process. ``processes=False`` keeps the workers as
# threads here, so no network port is opened, and the dashboard is off.
import warnings

import dask.array as da
import joblib
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from distributed import Client, LocalCluster
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV, GroupKFold
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

from skinvariant import (
    BispectrumFeatures,
    NeighborProductFeatures,
    NoBiasTanhMLPClassifier,
    PowerSpectrumFeatures,
    SignCanonicalFeatures,
    SquareFeatures,
    transform_blocks,
)
from skinvariant.datasets import load_signed_digits

warnings.filterwarnings("ignore", category=ConvergenceWarning)

cluster = LocalCluster(
    n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None
)
client = Client(cluster)

# %%
# A grid over feature maps and seeds
# ----------------------------------
# Five invariant feature maps, each followed by a scaler and the (10, 5)
# network without biases, over two seeds and three folds: 30 fits. The
# folds keep the shifted copies of an image together (``groups``).
digits = load_signed_digits()
X, y, groups = digits.data, digits.target, digits.groups

pipeline = Pipeline(
    [
        ("features", SquareFeatures()),
        ("scale", StandardScaler()),
        ("network", NoBiasTanhMLPClassifier(max_iter=100)),
    ]
)
grid = {
    "features": [
        SquareFeatures(),
        NeighborProductFeatures(image_shape=(8, 8)),
        SignCanonicalFeatures(),
        PowerSpectrumFeatures(image_shape=(8, 8)),
        BispectrumFeatures(image_shape=(8, 8), sign_invariant=True),
    ],
    "network__random_state": [0, 1],
}
search = GridSearchCV(pipeline, grid, cv=GroupKFold(n_splits=3), n_jobs=-1)

# Every fit below is a task on the cluster. The workers are threads of
# this process, which share one BLAS: left at one BLAS thread per core, the
# two workers' small matrix products would fight over the two cores and
# each fit would take many times longer. One BLAS thread per worker is the
# set-up recommended for a real cluster below, too.
with threadpool_limits(limits=1, user_api="blas"), joblib.parallel_backend("dask"):
    search.fit(X, y, groups=groups)

# %%
# The ranking, averaged over seeds and folds.
results = pd.DataFrame(search.cv_results_)
results["features"] = results["param_features"].map(lambda f: type(f).__name__)
summary = results.groupby("features")["mean_test_score"].agg(["mean", "std"])
summary = summary.sort_values("mean", ascending=False)
print(summary.round(3))

fig, ax = plt.subplots(figsize=(6, 3))
ax.barh(summary.index, summary["mean"], xerr=summary["std"], color="tab:blue")
ax.set_xlabel("cross-validated accuracy (mean over seeds)")
ax.set_title("Invariant feature maps on the signed digits")
fig.tight_layout()

# %%
# A data set larger than memory, block by block
# ---------------------------------------------
# A dask array is a grid of numpy blocks computed lazily. Here 40 noisy
# copies of the digits stand in for a large data set, in blocks of 5,000
# rows; with real data the blocks would be read from disk, for instance
# with :func:`dask.array.from_zarr`. The fitted transformer is applied to
# each block on the workers, and only the reduction comes back.
rng = da.random.default_rng(0)
X_large = da.concatenate([da.from_array(X, chunks=(5000, 64))] * 40)
X_large = X_large + 0.05 * rng.standard_normal(X_large.shape, chunks=X_large.chunks)

bispectrum = BispectrumFeatures(image_shape=(8, 8), sign_invariant=True).fit(X[:1])
features = transform_blocks(bispectrum, X_large)
print(f"{X_large.shape[0]} rows in {X_large.numblocks[0]} blocks -> {features.shape}")

# One call computes the reduction and, to check it, the first block of
# rows with its features: each block gives exactly what the transformer
# gives in memory.
mean_features, block, block_features = da.compute(
    features.mean(axis=0), X_large.blocks[0], features.blocks[0]
)
print("mean of the first five features:", np.round(mean_features[:5], 3))
assert np.array_equal(block_features, bispectrum.transform(block))

client.close()
cluster.close()

# %%
# On a real cluster
# -----------------
# Nothing above depends on the cluster being local. To use machines of
# your own:
#
# 1. Install the same environment everywhere, including
#    ``pip install "skinvariant[dask]"``: workers unpickle the estimators,
#    so they need the package at the same version.
# 2. Start a scheduler on one machine, ``dask scheduler`` (it listens on
#    port 8786), and workers on the others,
#    ``dask worker tcp://SCHEDULER:8786 --nworkers 4 --nthreads 1``. One
#    thread per worker process suits these small networks, which do not
#    gain from threads; set ``OMP_NUM_THREADS=1`` as well so BLAS does not
#    oversubscribe the cores. Batch systems and Kubernetes have launchers
#    that do this for you (``dask-jobqueue``, ``dask-kubernetes``).
# 3. Connect with ``client = Client("tcp://SCHEDULER:8786")`` instead of
#    the ``LocalCluster``, and fit inside
#    ``joblib.parallel_backend("dask", scatter=[X, y])``; ``scatter`` sends
#    the data to the workers once instead of with every task.
# 4. For :func:`~skinvariant.transform_blocks`, read the data where the
#    workers can see it (a shared file system or object store, e.g. with
#    :func:`dask.array.from_zarr`) and write results the same way
#    (``features.to_zarr(...)``) rather than computing them into the
#    client's memory.
plt.show()
