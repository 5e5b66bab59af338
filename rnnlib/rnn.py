"""The vanilla (Elman) recurrent cell with a tanh nonlinearity, forward and backward.

Math (column vectors)::

    a_t = W_ih x_t + b_ih + W_hh h_{t-1} + b_hh
    h_t = tanh(a_t)

This is ``torch.nn.RNN(nonlinearity="tanh")`` with the same parameter names and shapes:
``weight_ih`` (H, D), ``weight_hh`` (H, H), ``bias_ih`` (H,), ``bias_hh`` (H,).
Arrays are time-major, ``xs`` (T, B, D) and ``hs`` (T, B, H); see ``rnnlib`` for the
conventions.
"""

from typing import NamedTuple

import numpy as np

from ._checks import as_float_array, check_params, check_sequence, check_shape, check_state
from ._params import uniform_init

GATES = 1


class StepCache(NamedTuple):
    """What one step's backward pass needs from its forward pass."""

    x: np.ndarray  # (B, D) input at this step
    h_prev: np.ndarray  # (B, H) state coming in
    h: np.ndarray  # (B, H) state going out, tanh(a)
    params: dict


class Cache(NamedTuple):
    """What the sequence backward pass needs: one StepCache per time step, in time order."""

    steps: tuple


def init_params(input_size, hidden_size, *, rng=None, dtype=np.float64):
    """Random parameters drawn from U(-1/sqrt(H), 1/sqrt(H)), as ``torch.nn.RNN`` does.

    Parameters
    ----------
    input_size : int
        D, the number of input features.
    hidden_size : int
        H, the number of hidden units.
    rng : np.random.Generator or int or None
        Source of randomness; an int is a seed.
    dtype : float32 or float64

    Returns
    -------
    params : dict
        ``weight_ih`` (H, D), ``weight_hh`` (H, H), ``bias_ih`` (H,), ``bias_hh`` (H,).
    """
    return uniform_init(input_size, hidden_size, GATES, rng=rng, dtype=dtype)


def step_forward(x, state, params, *, check=True):
    """One time step: h = tanh(W_ih x + b_ih + W_hh h_prev + b_hh).

    Parameters
    ----------
    x : ndarray, shape (B, D)
        Input at this step.
    state : ndarray, shape (B, H), or None
        h_prev, the state from the previous step; None means zeros.
    params : dict
        As returned by :func:`init_params`.
    check : bool
        Validate the arguments (the sequence functions validate once and pass False).

    Returns
    -------
    h : ndarray, shape (B, H)
        The new state.
    cache : StepCache
    """
    if check:
        x, state = _check_step(x, state, params)
    a = x @ params["weight_ih"].T + params["bias_ih"] + state @ params["weight_hh"].T + params["bias_hh"]  # (B, H)
    h = np.tanh(a)  # (B, H)
    return h, StepCache(x=x, h_prev=state, h=h, params=params)


def step_backward(dstate, cache):
    """Backward pass of :func:`step_forward`.

    Parameters
    ----------
    dstate : ndarray, shape (B, H)
        dL/dh for this step's output state, *everything* that flows into h: the loss at
        this step and the gradient coming back from step t+1.
    cache : StepCache

    Returns
    -------
    dx : ndarray, shape (B, D)
    dstate_prev : ndarray, shape (B, H)
        dL/dh_prev.
    grads : dict
        This step's contribution to dL/dparams, same keys and shapes as params.
    """
    p = cache.params
    da = dstate * (1.0 - cache.h * cache.h)  # (B, H); tanh'(a) = 1 - tanh(a)^2
    dx = da @ p["weight_ih"]  # (B, D)
    dh_prev = da @ p["weight_hh"]  # (B, H)
    db = da.sum(axis=0)  # (H,)
    grads = {
        "weight_ih": da.T @ cache.x,  # (H, D): sum over the batch of outer products da x^T
        "weight_hh": da.T @ cache.h_prev,  # (H, H)
        "bias_ih": db,
        "bias_hh": db.copy(),
    }
    return dx, dh_prev, grads


def forward(xs, state0, params):
    """Run the cell over a whole sequence by calling :func:`step_forward` T times.

    Parameters
    ----------
    xs : ndarray, shape (T, B, D)
    state0 : ndarray, shape (B, H), or None
        h_0; None means zeros.
    params : dict

    Returns
    -------
    hs : ndarray, shape (T, B, H)
        h_1 ... h_T.
    cache : Cache
    """
    xs, h = _check_sequence_inputs(xs, state0, params)
    hs = np.empty(xs.shape[:2] + (h.shape[1],), dtype=h.dtype)  # (T, B, H)
    steps = []
    for t in range(xs.shape[0]):
        h, step = step_forward(xs[t], h, params, check=False)
        hs[t] = h
        steps.append(step)
    return hs, Cache(steps=tuple(steps))


def backward(dhs, cache):
    """Backpropagation through time: the backward pass of :func:`forward`.

    Parameters
    ----------
    dhs : ndarray, shape (T, B, H)
        dL/dh_t for each t, from whatever sits on top of the hidden states (only the
        *immediate* part: the recursion adds the part that flows back through h_{t+1}).
    cache : Cache

    Returns
    -------
    dxs : ndarray, shape (T, B, D)
    dstate0 : ndarray, shape (B, H)
        dL/dh_0.
    grads : dict
        dL/dparams summed over time, same keys and shapes as params.
    """
    steps = cache.steps
    first = steps[0]
    dtype = first.h.dtype
    dhs = as_float_array("dhs", dhs, ndim=3, dtype=dtype)
    check_shape("dhs", dhs, (len(steps),) + first.h.shape, hint="(T, B, H) as in forward")
    dxs = np.empty((len(steps),) + first.x.shape, dtype=dtype)  # (T, B, D)
    grads = {k: np.zeros_like(v) for k, v in first.params.items() if k in _KEYS}
    dh_next = np.zeros_like(first.h)  # (B, H): nothing flows back into h_T from the future
    for t in reversed(range(len(steps))):
        dxs[t], dh_next, step_grads = step_backward(dhs[t] + dh_next, steps[t])
        for k in grads:
            grads[k] += step_grads[k]
    return dxs, dh_next, grads


_KEYS = ("weight_ih", "weight_hh", "bias_ih", "bias_hh")


def _check_step(x, state, params):
    d, h, dtype = check_params(params, GATES)
    x = as_float_array("x", x, ndim=2, dtype=dtype)
    if x.shape[1] != d:
        raise ValueError(f"x has shape {x.shape} but params expect input size {d} (x[:, {d}])")
    return x, check_state("state", state, x.shape[0], h, dtype)


def _check_sequence_inputs(xs, state0, params):
    d, h, dtype = check_params(params, GATES)
    xs = check_sequence(xs, d, dtype)
    return xs, check_state("state0", state0, xs.shape[1], h, dtype)
