"""Many-to-one regression: the cell reads a whole sequence and a linear head maps the
last hidden state to the output.

:func:`rnnlib.models.train_regressor` trains it on minibatches.
"""

from typing import NamedTuple

import numpy as np

from .. import layers, losses
from .._checks import as_float_array, as_rng, check_positive_int, check_shape
from .common import _check_finite_or_diverged, _check_params_or_diverged, get_cell


class RegressorCache(NamedTuple):
    """What :meth:`SequenceRegressor.backward` needs from its forward pass."""

    hs_shape: tuple  # (T, B, H)
    cell: object  # the cell's Cache
    out: object  # layers.LinearCache


class SequenceRegressor:
    """Many-to-one regression: read a sequence, predict from the last hidden state.

    Math::

        h_t  = cell(x_t, h_{t-1}),  t = 1..T
        pred = W_out h_T + b_out
        loss = (1/2) mean over all entries of (pred - y)^2

    Parameters
    ----------
    input_size : int
        D.
    hidden_size : int
        H.
    output_size : int
        K, the number of outputs per sequence.
    cell : {"rnn", "lstm", "gru"} or module
    rng : np.random.Generator or int or None
        Draws the parameters, cell first.
    dtype : float32 or float64

    Attributes
    ----------
    params : dict
        ``{"cell": {...}, "out": {"weight": (K, H), "bias": (K,)}}``.
    """

    def __init__(self, input_size, hidden_size, output_size=1, cell="lstm", *, rng=None, dtype=np.float64):
        self.input_size = check_positive_int("input_size", input_size)
        self.hidden_size = check_positive_int("hidden_size", hidden_size)
        self.output_size = check_positive_int("output_size", output_size)
        self.cell_name = cell if isinstance(cell, str) else cell.__name__.rsplit(".", 1)[-1]
        self.cell = get_cell(cell)
        rng = as_rng(rng)
        self.params = {
            "cell": self.cell.init_params(self.input_size, self.hidden_size, rng=rng, dtype=dtype),
            "out": layers.init_linear(self.hidden_size, self.output_size, rng=rng, dtype=dtype),
        }

    def __repr__(self):
        return (
            f"SequenceRegressor(D={self.input_size}, H={self.hidden_size}, "
            f"K={self.output_size}, cell={self.cell_name!r})"
        )

    def forward(self, xs):
        """Predictions for a batch of sequences.

        Parameters
        ----------
        xs : ndarray, shape (T, B, D)

        Returns
        -------
        pred : ndarray, shape (B, K)
        cache : RegressorCache
        """
        _check_params_or_diverged("predictions", self.params)
        hs, cell_cache = self.cell.forward(xs, None, self.params["cell"])  # (T, B, H)
        _check_finite_or_diverged("hidden states", hs)
        pred, out_cache = layers.linear_forward(hs[-1], self.params["out"])  # (B, K)
        if not np.isfinite(pred).all():
            raise FloatingPointError("the predictions are not finite (NaN or inf): the parameters have blown up")
        return pred, RegressorCache(hs.shape, cell_cache, out_cache)

    def backward(self, dpred, cache):
        """Backward pass of :meth:`forward`.

        Parameters
        ----------
        dpred : ndarray, shape (B, K)
        cache : RegressorCache

        Returns
        -------
        grads : dict
            Same structure and shapes as ``params``.
        """
        dh_last, grads_out = layers.linear_backward(dpred, cache.out)  # (B, H)
        _check_finite_or_diverged("gradient dL/dh_T", dh_last)
        dhs = np.zeros(cache.hs_shape, dtype=dh_last.dtype)  # (T, B, H): the loss sees h_T only
        dhs[-1] = dh_last
        _, _, grads_cell = self.cell.backward(dhs, cache.cell)
        return {"cell": grads_cell, "out": grads_out}

    def loss_and_grads(self, xs, ys):
        """Half the mean squared error and its gradients.

        Parameters
        ----------
        xs : ndarray, shape (T, B, D)
        ys : ndarray, shape (B, K)

        Returns
        -------
        loss : float
            (1/2) mean over the B*K entries of (pred - y)^2.
        grads : dict
        """
        pred, cache = self.forward(xs)
        ys = as_float_array("ys", ys, ndim=2, dtype=pred.dtype)
        check_shape("ys", ys, pred.shape, hint="(B, K): one target row per sequence")
        loss, dpred = losses.squared_error(pred, ys, reduction="mean")
        return loss, self.backward(dpred, cache)

    def predict(self, xs):
        """Predictions, shape (B, K), for ``xs`` of shape (T, B, D)."""
        return self.forward(xs)[0]

    def mse(self, xs, ys):
        """The mean squared error (no 1/2) of the predictions.

        ``xs`` has shape (T, B, D) and ``ys`` shape (B, K).
        """
        pred = self.predict(xs)
        ys = as_float_array("ys", ys, ndim=2, dtype=pred.dtype)
        check_shape("ys", ys, pred.shape, hint="(B, K): one target row per sequence")
        return float(np.mean((pred - ys) ** 2))
