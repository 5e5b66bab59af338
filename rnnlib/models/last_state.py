"""The smallest training loop that can explode: a bare cell, trained to put its last
state on a target.

:func:`train_last_state_regression` runs plain SGD, optionally with gradient clipping,
and reports the first step whose loss or gradient is not finite instead of raising:
Chapter 5's exploding run.
"""

from typing import NamedTuple

import numpy as np

from .._checks import check_positive_int
from ..losses import squared_error
from ..optim import SGD, clip_grad_norm, global_norm


class TrainingRun(NamedTuple):
    """What :func:`train_last_state_regression` returns."""

    losses: np.ndarray  # (n,) loss before each update that was attempted
    grad_norms: np.ndarray  # (m,) global gradient norm before clipping, m <= n
    nonfinite_step: object  # int: first step whose loss or gradient was inf/NaN; None if none
    params: dict  # the parameters at the end (or at the failure)


def train_last_state_regression(cell, params, xs, ys, *, lr, steps, max_norm=None):
    """Plain SGD on L = 1/2 mean over the batch of ||h_T - y||^2, clipped if asked.

    The smallest training loop that can explode: the loss reads only the last state, so
    every gradient travels back through the whole sequence.  The run stops at the first
    step whose loss or gradient is not finite, and reports it instead of raising.

    Parameters
    ----------
    cell : module
        :mod:`rnnlib.rnn` or :mod:`rnnlib.linear_rnn` (or any cell with that contract).
    params : dict
        Copied; the caller's arrays are not changed.
    xs : ndarray, shape (T, B, D)
    ys : ndarray, shape (B, H)
        The target of the last state.
    lr : float
    steps : int
        The number of updates to attempt.
    max_norm : float or None
        Clip the global gradient norm to this value
        (:func:`rnnlib.optim.clip_grad_norm`); None trains without clipping.

    Returns
    -------
    TrainingRun
    """
    steps = check_positive_int("steps", steps)
    params = {k: np.array(v, copy=True) for k, v in params.items()}
    opt = SGD(params, lr)
    batch = xs.shape[1]
    losses, norms = [], []
    for step in range(steps):
        if not all(np.all(np.isfinite(p)) for p in params.values()):  # the last update overflowed
            losses.append(np.inf)
            return TrainingRun(np.array(losses), np.array(norms), step, params)
        with np.errstate(over="ignore", invalid="ignore"):  # overflow is what we watch for
            hs, cache = cell.forward(xs, None, params)
        if not np.all(np.isfinite(hs[-1])):
            losses.append(np.inf)
            return TrainingRun(np.array(losses), np.array(norms), step, params)
        with np.errstate(over="ignore"):
            loss, dlast = squared_error(hs[-1], ys)  # loss summed over the batch; dlast (B, H)
        losses.append(loss / batch)
        if not np.isfinite(loss):
            return TrainingRun(np.array(losses), np.array(norms), step, params)
        dhs = np.zeros_like(hs)  # (T, B, H): the loss touches h_T only
        dhs[-1] = dlast / batch
        with np.errstate(over="ignore", invalid="ignore"):
            _, _, grads = cell.backward(dhs, cache)
        if not all(np.all(np.isfinite(g)) for g in grads.values()):
            return TrainingRun(np.array(losses), np.array(norms), step, params)
        if max_norm is None:
            norms.append(global_norm(grads))
        else:
            grads, norm = clip_grad_norm(grads, max_norm)
            norms.append(norm)
        with np.errstate(over="ignore", invalid="ignore"):
            opt.step(grads)
    return TrainingRun(np.array(losses), np.array(norms), None, params)
