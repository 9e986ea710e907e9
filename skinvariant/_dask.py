"""Apply a fitted transformer to a dask array, one block of rows at a time."""

import numpy as np
from sklearn.utils.validation import check_is_fitted


def _import_dask_array():
    try:
        import dask.array
    except ImportError as error:
        raise ImportError(
            "transform_blocks needs dask; install it with "
            "`pip install 'skinvariant[dask]'`."
        ) from error
    return dask.array


def _transform_block(block, transformer, empty=None):
    # Filtering rows of a dask array leaves empty blocks, which scikit-learn
    # validation refuses; their output is known without the transformer.
    if empty is not None and block.shape[0] == 0:
        return empty

    # set_output may ask for DataFrames, but a dask array is built from
    # plain arrays
    return np.asarray(transformer.transform(block))


def transform_blocks(transformer, X):
    """Transform a dask array with a fitted transformer, block by block.

    The rows of `X` are split into blocks (the chunks of its first axis),
    and each block is transformed on its own, lazily, wherever dask runs
    the computation: on local threads, or on the workers of a
    ``dask.distributed`` cluster. Only a few blocks are held in memory at
    a time, so a data set larger than memory can be transformed and
    written out, or reduced, block by block.

    Parameters
    ----------
    transformer : fitted transformer
        Any fitted scikit-learn transformer whose output for a row depends
        on that row only, such as every feature map of this package.

    X : dask.array.Array of shape (n_samples, n_features)
        The rows to transform. Chunks along the feature axis are merged
        first, since a transformer needs whole rows.

    Returns
    -------
    X_out : dask.array.Array of shape (n_samples, n_features_out)
        The lazy result, chunked like the rows of `X`. Call ``.compute()``
        for a numpy array, or ``.to_zarr(...)`` to write it out.

    See Also
    --------
    dask.array.map_blocks : The underlying dask operation.

    Notes
    -----
    The output width and dtype are read from transforming one row of
    zeros, so no block of `X` is computed before the result is asked for.
    The transformer is sent to every worker with the task graph; keep it
    small (all transformers of this package are). Fit the transformer on
    a numpy array: dask arrays carry no column names, so a transformer
    fitted on a DataFrame would warn on every block. Empty blocks, which
    filtering rows leaves behind, give empty output blocks.

    Each of this package's feature maps computes every row independently
    and in the same way whatever block it falls in, so the result equals
    ``transformer.transform(X.compute())`` bit for bit.

    Examples
    --------
    >>> import dask.array as da
    >>> import numpy as np
    >>> from skinvariant import SquareFeatures, transform_blocks
    >>> X = da.from_array(np.arange(12.0).reshape(6, 2), chunks=(2, 2))
    >>> transformer = SquareFeatures().fit(np.zeros((1, 2)))
    >>> X_out = transform_blocks(transformer, X)
    >>> X_out.chunks
    ((2, 2, 2), (2,))
    >>> X_out.compute()[-1]
    array([100., 121.])
    """
    da = _import_dask_array()
    check_is_fitted(transformer)
    if not isinstance(X, da.Array):
        raise TypeError(
            "`X` must be a dask array; for a numpy array call "
            f"transformer.transform(X) directly. Got {type(X).__name__}."
        )
    if X.ndim != 2:
        raise ValueError(
            "`X` must be a 2-D dask array of shape (n_samples, n_features); "
            f"got shape {X.shape}."
        )

    X = X.rechunk({1: -1})
    probe = _transform_block(np.zeros((1, X.shape[1]), dtype=X.dtype), transformer)
    empty = np.empty((0, probe.shape[1]), dtype=probe.dtype)
    return X.map_blocks(
        _transform_block,
        transformer,
        empty,
        dtype=probe.dtype,
        chunks=(X.chunks[0], (probe.shape[1],)),
        meta=np.empty((0, 0), dtype=probe.dtype),
    )
