"""Adam updates of a flat parameter vector, in place."""

import numpy as np


class Adam:
    """First and second moment estimates of Adam for one flat parameter vector.

    The moments have the dtype of the parameters, so a float32 network is
    updated in float32.

    Parameters
    ----------
    n_params : int
        Length of the parameter vector.

    dtype : {np.float32, np.float64}
        Floating point type of the parameters.

    learning_rate : float
        Step size before the bias correction of the moments.

    beta_1, beta_2 : float
        Decay rates of the first and second moment estimates.

    epsilon : float
        Added to the root of the second moment before dividing by it.

    References
    ----------
    Kingma, D. P. and Ba, J., "Adam: A method for stochastic optimization",
    ICLR 2015, arXiv:1412.6980.
    """

    def __init__(self, n_params, dtype, learning_rate, beta_1, beta_2, epsilon):
        self.learning_rate = learning_rate
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.n_steps = 0
        self._first = np.zeros(n_params, dtype=dtype)
        self._second = np.zeros(n_params, dtype=dtype)
        self._step = np.zeros(n_params, dtype=dtype)

    def update(self, params, grad):
        """Move `params` one Adam step against `grad`, in place."""
        self.n_steps += 1
        first, second, step = self._first, self._second, self._step

        first *= self.beta_1
        first += (1.0 - self.beta_1) * grad
        second *= self.beta_2
        np.multiply(grad, grad, out=step)
        step *= 1.0 - self.beta_2
        second += step

        # Bias-corrected step size, folded into one scalar.
        correction = np.sqrt(1.0 - self.beta_2**self.n_steps)
        correction /= 1.0 - self.beta_1**self.n_steps
        np.sqrt(second, out=step)
        step += self.epsilon
        np.divide(first, step, out=step)
        step *= self.learning_rate * correction
        params -= step
