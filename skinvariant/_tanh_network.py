"""Arithmetic of a tanh network with a softmax output.

The parameters of the network live in one flat vector: all weight matrices
first (layer by layer, each in C order), then all bias vectors when biases
are fitted. Keeping the weights contiguous lets the L2 penalty and its
gradient act on a single slice, and lets L-BFGS see one vector.

Prediction and training use different forward passes on purpose.
Prediction must be an exactly odd function of the input when there are no
biases, so it evaluates tanh through its absolute value and restores the
sign, which does not rely on the sign symmetry of any particular tanh
implementation. Training only needs speed, so its fused loss-and-gradient
reuses preallocated buffers and calls plain ``np.tanh`` in place.
"""

import numpy as np
from scipy.special import expit, log_expit


def layer_shapes(n_features, hidden_layer_sizes, n_outputs):
    """Return the ``(fan_in, fan_out)`` pair of every layer, input to output."""
    units = [n_features, *hidden_layer_sizes, n_outputs]
    return list(zip(units[:-1], units[1:], strict=True))


def n_parameters(shapes, fit_bias):
    """Return the length of the flat parameter vector."""
    n_weights = sum(fan_in * fan_out for fan_in, fan_out in shapes)
    n_biases = sum(fan_out for _, fan_out in shapes) if fit_bias else 0
    return n_weights + n_biases


def unpack(flat, shapes, fit_bias):
    """Return views of the weight matrices and bias vectors inside `flat`.

    Returns
    -------
    coefs : list of ndarray of shape (fan_in, fan_out)
        Views into `flat`; writing to them writes to `flat`.

    intercepts : list of ndarray of shape (fan_out,) or None
        Views into `flat`, or None when biases are not fitted.
    """
    coefs, start = [], 0
    for fan_in, fan_out in shapes:
        stop = start + fan_in * fan_out
        coefs.append(flat[start:stop].reshape(fan_in, fan_out))
        start = stop

    if not fit_bias:
        return coefs, None

    intercepts = []
    for _, fan_out in shapes:
        intercepts.append(flat[start : start + fan_out])
        start += fan_out
    return coefs, intercepts


def n_weights(shapes):
    """Return how many leading entries of the flat vector are weights."""
    return sum(fan_in * fan_out for fan_in, fan_out in shapes)


def pack(coefs, intercepts, dtype):
    """Concatenate weight matrices, then bias vectors, into one flat vector."""
    parts = [np.ravel(coef) for coef in coefs]
    if intercepts is not None:
        parts += [np.ravel(intercept) for intercept in intercepts]
    return np.concatenate(parts).astype(dtype, copy=False)


def glorot_uniform(shapes, fit_bias, random_state):
    """Draw initial parameters uniformly within the Glorot bound of each layer.

    Returns a float64 flat vector; biases, when fitted, use the bound of
    their layer as well.
    """
    coefs, intercepts = [], []
    for fan_in, fan_out in shapes:
        bound = np.sqrt(6.0 / (fan_in + fan_out))
        coefs.append(random_state.uniform(-bound, bound, (fan_in, fan_out)))
        intercepts.append(random_state.uniform(-bound, bound, fan_out))
    return pack(coefs, intercepts if fit_bias else None, np.float64)


def odd_tanh(z):
    """Hyperbolic tangent that satisfies ``odd_tanh(-z) == -odd_tanh(z)`` bitwise.

    tanh is evaluated on ``|z|`` and the sign of `z` is copied back, so the
    result is odd whatever rounding the underlying tanh does on negative
    arguments.
    """
    magnitude = np.tanh(np.abs(z))
    return np.copysign(magnitude, z, out=magnitude)


def forward_logits(X, coefs, intercepts):
    """Return the output logits of the network for the rows of `X`.

    `X` should be C-contiguous: matrix products then run through the same
    code path for `X` and `-X`, and IEEE arithmetic negates every product
    and every sum exactly, so without intercepts the logits are odd bit for
    bit (up to the sign of exact zeros).
    """
    activation = X
    last = len(coefs) - 1
    for layer, coef in enumerate(coefs):
        z = activation @ coef
        if intercepts is not None:
            z += intercepts[layer]
        activation = z if layer == last else odd_tanh(z)
    return activation


def log_softmax(logits):
    """Row-wise log of the softmax, shifted by the row maximum to avoid overflow."""
    shifted = logits - logits.max(axis=1, keepdims=True)
    log_norm = np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    shifted -= log_norm
    return shifted


def softmax(logits):
    """Row-wise softmax, shifted by the row maximum to avoid overflow."""
    exp = np.exp(logits - logits.max(axis=1, keepdims=True))
    exp /= exp.sum(axis=1, keepdims=True)
    return exp


def binary_proba(difference):
    """Two-column softmax from the logit difference ``z_1 - z_0``."""
    return np.column_stack([expit(-difference), expit(difference)])


def binary_log_proba(difference):
    """Two-column log-softmax from the logit difference ``z_1 - z_0``."""
    return np.column_stack([log_expit(-difference), log_expit(difference)])


def weighted_one_hot(codes, share, n_outputs, dtype):
    """Return the one-hot targets scaled by each sample's share, one column each.

    Parameters
    ----------
    codes : ndarray of shape (n_samples,)
        Integer class codes in ``[0, n_outputs)``.

    share : ndarray of shape (n_samples,)
        Weight of every sample in the mean loss.

    n_outputs : int
        Number of classes.

    dtype : {np.float32, np.float64}
        Floating point type of the result.

    Returns
    -------
    target : ndarray of shape (n_outputs, n_samples)
        ``target[k, i]`` is ``share[i]`` if sample ``i`` has class ``k``,
        else zero.
    """
    target = np.zeros((n_outputs, codes.shape[0]), dtype=dtype)
    target[codes, np.arange(codes.shape[0])] = share
    return target


class LossGradient:
    """Weighted log-loss plus L2 penalty of the network, with its gradient.

    One call runs the forward pass, the loss and the backward pass. Every
    intermediate array is stored as ``(units, samples)``: the softmax then
    reduces over the short leading axis with contiguous element-wise
    operations, several times faster than reducing rows of ten entries.
    The data come in both layouts, because the products with a tall,
    narrow data matrix are fastest as ``W.T @ XT`` with a C-contiguous
    transpose ``XT`` in the forward pass and as ``delta @ X`` in the
    backward pass (up to twice as fast as the other layout in float32).

    Samples are processed in blocks of `block_size` rows whose gradients
    are summed, so that memory stays bounded for large data sets.

    Buffers are allocated once, in `dtype`; a float32 network therefore
    trains entirely in float32. The current parameters are read from the
    flat vector ``self.params`` and the gradient is written to
    ``self.grad``.

    Parameters
    ----------
    shapes : list of (int, int)
        ``(fan_in, fan_out)`` of every layer, see :func:`layer_shapes`.

    fit_bias : bool
        Whether the flat vector holds bias vectors after the weights.

    dtype : {np.float32, np.float64}
        Floating point type of parameters, buffers and data.

    max_rows : int
        Largest number of samples passed to one call.

    block_size : int, default=16384
        Number of samples per block.
    """

    def __init__(self, shapes, fit_bias, dtype, max_rows, block_size=16384):
        self.shapes = shapes
        self.fit_bias = fit_bias
        self.dtype = np.dtype(dtype)
        self.block_size = min(block_size, max_rows)
        self._n_weights = n_weights(shapes)

        size = n_parameters(shapes, fit_bias)
        self.params = np.zeros(size, dtype=self.dtype)
        self.grad = np.zeros(size, dtype=self.dtype)
        self._coefs, self._intercepts = unpack(self.params, shapes, fit_bias)
        self._coef_grads, self._intercept_grads = unpack(self.grad, shapes, fit_bias)
        if fit_bias:
            self._bias_columns = [b[:, np.newaxis] for b in self._intercepts]

        # Layer outputs (tanh activations, then the logits), the deltas of
        # the hidden layers, scratch space for tanh's slope, and the
        # transposed weight gradient of one block before it is summed.
        fan_outs = [fan_out for _, fan_out in shapes]
        self._outputs = [self._buffer(units) for units in fan_outs]
        self._deltas = [self._buffer(units) for units in fan_outs[:-1]]
        self._slopes = [self._buffer(units) for units in fan_outs[:-1]]
        self._softmax = self._buffer(fan_outs[-1])
        self._column = np.empty(self.block_size, dtype=self.dtype)
        self._block_grads = [np.empty_like(g.T, order="C") for g in self._coef_grads]

    def _buffer(self, units):
        return np.empty((units, self.block_size), dtype=self.dtype)

    def __call__(self, X, XT, target, share, penalty):
        """Return the loss at ``self.params`` and fill ``self.grad``.

        Parameters
        ----------
        X : ndarray of shape (n_rows, n_features)
            C-contiguous data of the buffers' dtype.

        XT : ndarray of shape (n_features, n_rows)
            The same data transposed, rows contiguous.

        target : ndarray of shape (n_outputs, n_rows)
            One-hot labels scaled by `share`, see :func:`weighted_one_hot`.

        share : ndarray of shape (n_rows,)
            Weight of every sample in the data term. They should sum to 1,
            so that the data term is a weighted mean of the log-loss.

        penalty : float
            Coefficient of the L2 term ``penalty / 2 * ||weights||^2``.

        Returns
        -------
        loss : float
        """
        self.grad[:] = 0.0
        loss = 0.0
        for start in range(0, X.shape[0], self.block_size):
            block = slice(start, start + self.block_size)
            loss += self._block(X[block], XT[:, block], target[:, block], share[block])
        return loss + self._add_penalty(penalty)

    def _block(self, X, XT, target, share):
        """Add the gradient of one block to ``self.grad``; return its loss."""
        n_rows = X.shape[0]
        outputs = [buffer[:, :n_rows] for buffer in self._outputs]
        self._forward(XT, outputs)
        delta = self._softmax[:, :n_rows]
        loss = self._log_loss_and_delta(outputs[-1], delta, target, share)
        self._backward(X, outputs, delta)
        return loss

    def _forward(self, XT, outputs):
        """Fill `outputs` with the tanh activations and the final logits."""
        activation = XT
        last = len(outputs) - 1
        for layer, out in enumerate(outputs):
            np.matmul(self._coefs[layer].T, activation, out=out)
            if self.fit_bias:
                out += self._bias_columns[layer]
            if layer < last:
                np.tanh(out, out=out)
            activation = out

    def _log_loss_and_delta(self, logits, delta, target, share):
        """Return the block's weighted log-loss; put d(loss)/d(logits) in `delta`."""
        column = self._column[: logits.shape[1]]

        # Shift every sample's logits by their maximum so exp cannot overflow.
        np.max(logits, axis=0, out=column)
        logits -= column
        np.exp(logits, out=delta)
        np.sum(delta, axis=0, out=column)

        # Log-loss of a sample: log(sum(exp(shifted))) - shifted[label].
        loss = float(np.log(column, dtype=np.float64) @ share)
        loss -= float(np.multiply(target, logits, out=logits).sum())

        # Gradient with respect to the logits: share * softmax - target.
        np.divide(share, column, out=column)
        delta *= column
        delta -= target
        return loss

    def _backward(self, X, outputs, delta):
        """Propagate `delta` down the layers, adding into ``self.grad``."""
        for layer in range(len(outputs) - 1, -1, -1):
            below = X if layer == 0 else outputs[layer - 1].T
            block_grad = self._block_grads[layer]
            np.matmul(delta, below, out=block_grad)
            self._coef_grads[layer] += block_grad.T
            if self.fit_bias:
                self._intercept_grads[layer] += delta.sum(axis=1)
            if layer > 0:
                delta = self._through_tanh(layer, outputs[layer - 1], delta)

    def _through_tanh(self, layer, activation, delta):
        """Return the delta below `layer`; d tanh(a)/da = 1 - tanh(a) ** 2."""
        n_rows = delta.shape[1]
        below_delta = self._deltas[layer - 1][:, :n_rows]
        slope = self._slopes[layer - 1][:, :n_rows]
        np.matmul(self._coefs[layer], delta, out=below_delta)
        np.multiply(activation, activation, out=slope)
        np.subtract(1.0, slope, out=slope)
        below_delta *= slope
        return below_delta

    def _add_penalty(self, penalty):
        """Add the L2 gradient to ``self.grad``; return the L2 loss term."""
        if penalty == 0.0:
            return 0.0
        weights = self.params[: self._n_weights]
        grads = self.grad[: self._n_weights]
        grads += penalty * weights
        return 0.5 * penalty * float(weights @ weights)
