"""The vanilla (Elman) recurrent cell with a tanh nonlinearity, forward and backward.

Math (column vectors)::

    a_t = W_ih x_t + b_ih + W_hh h_{t-1} + b_hh
    h_t = tanh(a_t)

This is ``torch.nn.RNN(nonlinearity="tanh")`` with the same parameter names and shapes:
``weight_ih`` (H, D), ``weight_hh`` (H, H), ``bias_ih`` (H,), ``bias_hh`` (H,).
Arrays are time-major, ``xs`` (T, B, D) and ``hs`` (T, B, H); see ``rnnlib`` for the
conventions.

How the code is organised: the input's part of the pre-activation, ``W_ih x + b_ih + b_hh``,
does not depend on the recursion, so :func:`forward` computes it for all T steps with one
matrix product and then runs the recursion with :func:`_cell_forward`, the same function
:func:`step_forward` calls.  Likewise :func:`backward` runs :func:`_cell_backward` back through
time and forms dL/dx and dL/dweights for all steps at once at the end.
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
    h: np.ndarray  # (B, H) state going out, tanh(a)
    params: dict


class Cache(NamedTuple):
    """What the sequence backward pass needs from :func:`forward`."""

    xs: np.ndarray  # (T, B, D) the inputs
    steps: tuple  # T StepCaches, in time order


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
        Validate the arguments; pass False in a loop that has validated them already.

    Returns
    -------
    h : ndarray, shape (B, H)
        The new state.
    cache : StepCache
    """
    if check:
        x, state = _check_step(x, state, params)
    # (B, H): the terms without h_prev
    ax = x @ params["weight_ih"].T + params["bias_ih"] + params["bias_hh"]
    return _cell_forward(ax, x, state, params)


def step_backward(dstate, cache, *, check=True):
    """Backward pass of :func:`step_forward`.

    Parameters
    ----------
    dstate : ndarray, shape (B, H)
        dL/dh for this step's output state, *everything* that flows into h: the loss at
        this step and the gradient coming back from step t+1.
    cache : StepCache
    check : bool
        Validate ``dstate``.

    Returns
    -------
    dx : ndarray, shape (B, D)
    dstate_prev : ndarray, shape (B, H)
        dL/dh_prev.
    grads : dict
        This step's contribution to dL/dparams, same keys and shapes as params.
    """
    check_cache("cache", cache, StepCache)
    if check:
        B, H = cache.h.shape
        dstate = check_state("dstate", dstate, B, H, cache.h.dtype)
    da, dh_prev = _cell_backward(dstate, cache)  # da: (B, H)
    p = cache.params
    dx = da @ p["weight_ih"]  # (B, D)
    db = da.sum(axis=0)  # (H,)
    grads = {
        "weight_ih": da.T @ cache.x,  # (H, D): sum over the batch of outer products da x^T
        "weight_hh": da.T @ cache.h_prev,  # (H, H)
        "bias_ih": db,
        "bias_hh": db.copy(),
    }
    return dx, dh_prev, grads


def _cell_forward(ax, x, h_prev, params):
    """The recursion of one step, given ``ax = W_ih x + b_ih + b_hh`` (B, H) already."""
    a = ax + h_prev @ params["weight_hh"].T  # (B, H)
    h = np.tanh(a)  # (B, H)
    return h, StepCache(x=x, h_prev=h_prev, h=h, params=params)


def _cell_backward(dh, cache):
    """Backward pass of :func:`_cell_forward`: ``da`` (B, H) and ``dh_prev`` (B, H)."""
    da = dh * (1.0 - cache.h * cache.h)  # (B, H); tanh'(a) = 1 - tanh(a)^2
    dh_prev = da @ cache.params["weight_hh"]  # (B, H)
    return da, dh_prev


def forward(xs, state0, params):
    """Run the cell over a whole sequence: the recursion of :func:`step_forward`, T times.

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
    T, B, D = xs.shape
    H = h.shape[1]
    # The input's part of every pre-activation, for all steps in one product.
    axs = (xs.reshape(T * B, D) @ params["weight_ih"].T).reshape(T, B, H)  # (T, B, H)
    axs += params["bias_ih"] + params["bias_hh"]
    hs = np.empty((T, B, H), dtype=xs.dtype)  # (T, B, H)
    steps = []
    for t in range(T):
        h, step = _cell_forward(axs[t], xs[t], h, params)
        hs[t] = h
        steps.append(step)
    return hs, Cache(xs=xs, steps=tuple(steps))


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
    xs, steps = cache.xs, cache.steps
    T, B, D = xs.shape
    H = steps[0].h.shape[1]
    p = steps[0].params
    dhs = as_float_array("dhs", dhs, ndim=3, dtype=xs.dtype)
    check_shape("dhs", dhs, (T, B, H), hint="(T, B, H) as in forward")
    das = np.empty((T, B, H), dtype=xs.dtype)  # (T, B, H)
    dh = np.zeros((B, H), dtype=xs.dtype)  # nothing flows back into h_T from the future
    for t in reversed(range(T)):
        das[t], dh = _cell_backward(dhs[t] + dh, steps[t])
    # What depends on x_t and h_{t-1} only through a_t, for all steps at once.
    das_2d = das.reshape(T * B, H)  # (T*B, H)
    h_prevs = np.stack([s.h_prev for s in steps]).reshape(T * B, H)  # (T*B, H)
    dxs = (das_2d @ p["weight_ih"]).reshape(T, B, D)  # (T, B, D)
    db = das_2d.sum(axis=0)  # (H,)
    grads = {
        "weight_ih": das_2d.T @ xs.reshape(T * B, D),  # (H, D)
        "weight_hh": das_2d.T @ h_prevs,  # (H, H)
        "bias_ih": db,
        "bias_hh": db.copy(),
    }
    return dxs, dh, grads


backward = checks_cache(backward, Cache, StepCache)  # a foreign cache is a TypeError

def final_state(cache):
    """The state h_T after the last step of :func:`forward`, shape (B, H)."""
    return cache.steps[-1].h


def _check_step(x, state, params):
    d, h, dtype = check_params(params, GATES)
    x = check_input("x", x, d, dtype)
    return x, check_state("state", state, x.shape[0], h, dtype)


def _check_sequence_inputs(xs, state0, params):
    d, h, dtype = check_params(params, GATES)
    xs = check_sequence(xs, d, dtype)
    return xs, check_state("state0", state0, xs.shape[1], h, dtype)
