"""The linear recurrent cell (no activation), forward and backward.

Math (column vectors)::

    h_t = W_ih x_t + b_ih + W_hh h_{t-1} + b_hh

It is :mod:`rnnlib.rnn` with tanh replaced by the identity, kept because it is the one
recurrent network whose Jacobians are known in closed form: dh_T/dh_t = W_hh^(T-t), so the
spectrum of ``weight_hh`` alone decides whether gradients vanish or explode (Chapter 5).
Same parameter names, shapes and contract (``init_params``, ``step_forward``,
``step_backward``, ``forward``, ``backward``) as :mod:`rnnlib.rnn`, so every function that
takes a cell module takes this one too.

Nothing stops the states of a linear RNN from overflowing when W_hh has spectral radius
above 1: that is the point of the chapter, so the forward pass does not guard against it.
"""

from typing import NamedTuple

import numpy as np

from ._checks import as_float_array, check_cache, checks_cache, check_input, check_params, check_sequence, check_shape, check_state
from ._params import uniform_init

GATES = 1


class StepCache(NamedTuple):
    """What one step's backward pass needs from its forward pass."""

    x: np.ndarray  # (B, D) input at this step
    h_prev: np.ndarray  # (B, H) state coming in
    h: np.ndarray  # (B, H) state going out (kept so tools written for rnn.StepCache work)
    params: dict


class Cache(NamedTuple):
    """One StepCache per time step, in time order."""

    steps: tuple


def init_params(input_size, hidden_size, *, rng=None, dtype=np.float64):
    """Random parameters drawn from U(-1/sqrt(H), 1/sqrt(H)), as for :mod:`rnnlib.rnn`.

    Returns
    -------
    params : dict
        ``weight_ih`` (H, D), ``weight_hh`` (H, H), ``bias_ih`` (H,), ``bias_hh`` (H,).
    """
    return uniform_init(input_size, hidden_size, GATES, rng=rng, dtype=dtype)


def step_forward(x, state, params, *, check=True):
    """One time step: h = W_ih x + b_ih + W_hh h_prev + b_hh.

    Parameters
    ----------
    x : ndarray, shape (B, D)
    state : ndarray, shape (B, H), or None (zeros)
    params : dict
    check : bool
        Validate the arguments (the sequence functions validate once and pass False).

    Returns
    -------
    h : ndarray, shape (B, H)
    cache : StepCache
    """
    if check:
        d, hidden, dtype = check_params(params, GATES)
        x = check_input("x", x, d, dtype)
        state = check_state("state", state, x.shape[0], hidden, dtype)
    h = x @ params["weight_ih"].T + params["bias_ih"] + state @ params["weight_hh"].T + params["bias_hh"]  # (B, H)
    return h, StepCache(x=x, h_prev=state, h=h, params=params)


def step_backward(dstate, cache):
    """Backward pass of :func:`step_forward`; the local derivative dh/da is the identity.

    Parameters
    ----------
    dstate : ndarray, shape (B, H)
        Everything that flows into dL/dh for this step's output.
    cache : StepCache

    Returns
    -------
    dx : ndarray, shape (B, D)
    dstate_prev : ndarray, shape (B, H)
    grads : dict
        This step's contribution to dL/dparams.
    """
    check_cache("cache", cache, StepCache)
    p = cache.params
    da = dstate  # (B, H); phi'(a) = 1
    dx = da @ p["weight_ih"]  # (B, D)
    dh_prev = da @ p["weight_hh"]  # (B, H)
    db = da.sum(axis=0)  # (H,)
    grads = {
        "weight_ih": da.T @ cache.x,  # (H, D)
        "weight_hh": da.T @ cache.h_prev,  # (H, H)
        "bias_ih": db,
        "bias_hh": db.copy(),
    }
    return dx, dh_prev, grads


def forward(xs, state0, params):
    """Run the cell over a sequence by calling :func:`step_forward` T times.

    Parameters
    ----------
    xs : ndarray, shape (T, B, D)
    state0 : ndarray, shape (B, H), or None (zeros)
    params : dict

    Returns
    -------
    hs : ndarray, shape (T, B, H)
        h_1 ... h_T.
    cache : Cache
    """
    d, hidden, dtype = check_params(params, GATES)
    xs = check_sequence(xs, d, dtype)
    h = check_state("state0", state0, xs.shape[1], hidden, dtype)
    hs = np.empty(xs.shape[:2] + (hidden,), dtype=dtype)  # (T, B, H)
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
        The immediate dL/dh_t from whatever sits on top of the states.
    cache : Cache

    Returns
    -------
    dxs : ndarray, shape (T, B, D)
    dstate0 : ndarray, shape (B, H)
    grads : dict
        dL/dparams summed over time.
    """
    steps = cache.steps
    first = steps[0]
    dtype = first.h_prev.dtype
    dhs = as_float_array("dhs", dhs, ndim=3, dtype=dtype)
    check_shape("dhs", dhs, (len(steps),) + first.h_prev.shape, hint="(T, B, H) as in forward")
    dxs = np.empty((len(steps),) + first.x.shape, dtype=dtype)  # (T, B, D)
    grads = {k: np.zeros_like(first.params[k]) for k in _KEYS}
    dh_next = np.zeros_like(first.h_prev)  # (B, H)
    for t in reversed(range(len(steps))):
        dxs[t], dh_next, step_grads = step_backward(dhs[t] + dh_next, steps[t])
        for k in grads:
            grads[k] += step_grads[k]
    return dxs, dh_next, grads


backward = checks_cache(backward, Cache, StepCache)  # a foreign cache is a TypeError

_KEYS = ("weight_ih", "weight_hh", "bias_ih", "bias_hh")


def final_state(cache):
    """The state h_T after the last step of :func:`forward`, shape (B, H)."""
    return cache.steps[-1].h
