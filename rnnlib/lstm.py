"""The long short-term memory (LSTM) cell, forward and backward.

Math (column vectors, sigma the logistic function, * elementwise)::

    i_t = sigma(W_ii x_t + b_ii + W_hi h_{t-1} + b_hi)      input gate
    f_t = sigma(W_if x_t + b_if + W_hf h_{t-1} + b_hf)      forget gate
    g_t = tanh (W_ig x_t + b_ig + W_hg h_{t-1} + b_hg)      candidate cell
    o_t = sigma(W_io x_t + b_io + W_ho h_{t-1} + b_ho)      output gate
    c_t = f_t * c_{t-1} + i_t * g_t
    h_t = o_t * tanh(c_t)

This is ``torch.nn.LSTM`` with the same parameter names, shapes and gate order: the four
gates are stacked in the order i, f, g, o along the first axis, so ``weight_ih`` has shape
(4H, D) with ``weight_ih[:H]`` = W_ii, ``weight_ih[H:2H]`` = W_if and so on;
``weight_hh`` (4H, H), ``bias_ih`` (4H,), ``bias_hh`` (4H,).

The state is the pair ``(h, c)``, always a tuple: ``step_forward`` takes and returns
``(h, c)``, ``forward`` takes ``state0 = (h0, c0)``, and the backward functions return
``(dh, dc)`` in the same places.  Arrays are time-major, ``xs`` (T, B, D) and ``hs``
(T, B, H); see ``rnnlib`` for the conventions.

How the code is organised: the input's part of the pre-activations, ``W_ih x + b_ih + b_hh``,
does not depend on the recursion, so :func:`forward` computes it for all T steps with one
matrix product and then runs the recursion with :func:`_cell_forward`, the same function
:func:`step_forward` calls.  Likewise :func:`backward` runs :func:`_cell_backward` back through
time and forms dL/dx and dL/dweights for all steps at once at the end.
"""

from typing import NamedTuple

import numpy as np

from ._checks import as_float_array, check_cache, checks_cache, check_input, check_params, check_sequence, check_shape, check_state
from ._params import uniform_init
from .activations import sigmoid, sigmoid_inplace  # noqa: F401 (lstm.sigmoid: an old import path)

GATES = 4


class StepCache(NamedTuple):
    """What one step's backward pass needs from its forward pass."""

    x: np.ndarray  # (B, D) input at this step
    h_prev: np.ndarray  # (B, H) hidden state coming in
    c_prev: np.ndarray  # (B, H) cell state coming in
    i: np.ndarray  # (B, H) input gate
    f: np.ndarray  # (B, H) forget gate
    g: np.ndarray  # (B, H) candidate cell
    o: np.ndarray  # (B, H) output gate
    tanh_c: np.ndarray  # (B, H) tanh(c)
    h: np.ndarray  # (B, H) hidden state going out
    c: np.ndarray  # (B, H) cell state going out
    params: dict


class Cache(NamedTuple):
    """What the sequence backward pass needs from :func:`forward`."""

    xs: np.ndarray  # (T, B, D) the inputs
    steps: tuple  # T StepCaches, in time order


def init_params(input_size, hidden_size, *, rng=None, dtype=np.float64):
    """Random parameters drawn from U(-1/sqrt(H), 1/sqrt(H)), as ``torch.nn.LSTM`` does.

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
        ``weight_ih`` (4H, D), ``weight_hh`` (4H, H), ``bias_ih`` (4H,), ``bias_hh`` (4H,),
        gates stacked in the order i, f, g, o.
    """
    return uniform_init(input_size, hidden_size, GATES, rng=rng, dtype=dtype)


def step_forward(x, state, params, *, check=True):
    """One time step of the LSTM.

    Parameters
    ----------
    x : ndarray, shape (B, D)
        Input at this step.
    state : tuple (h_prev, c_prev) of ndarrays, each shape (B, H), or None
        The state from the previous step; None (or None for either part) means zeros.
    params : dict
        As returned by :func:`init_params`.
    check : bool
        Validate the arguments; pass False in a loop that has validated them already.

    Returns
    -------
    state : tuple (h, c) of ndarrays, each shape (B, H)
        The new hidden and cell states.
    cache : StepCache
    """
    if check:
        x, state = _check_step(x, state, params)
    # (B, 4H): the terms without h_prev
    ax = x @ params["weight_ih"].T + params["bias_ih"] + params["bias_hh"]
    return _cell_forward(ax, x, state, params)


def step_backward(dstate, cache, *, check=True):
    """Backward pass of :func:`step_forward`.

    Parameters
    ----------
    dstate : tuple (dh, dc) of ndarrays, each shape (B, H)
        dL/dh and dL/dc for this step's output state: *everything* that flows into them,
        from the loss at this step and from step t+1.  None for either part means zeros.
    cache : StepCache
    check : bool
        Validate ``dstate``.

    Returns
    -------
    dx : ndarray, shape (B, D)
    dstate_prev : tuple (dh_prev, dc_prev) of ndarrays, each shape (B, H)
    grads : dict
        This step's contribution to dL/dparams, same keys and shapes as params.
    """
    check_cache("cache", cache, StepCache)
    if check:
        dstate = _check_pair("dstate", dstate, cache.h_prev.shape, cache.h_prev.dtype)
    da, dstate_prev = _cell_backward(dstate, cache)  # da: (B, 4H)
    p = cache.params
    dx = da @ p["weight_ih"]  # (B, D)
    db = da.sum(axis=0)  # (4H,)
    grads = {
        "weight_ih": da.T @ cache.x,  # (4H, D): sum over the batch of outer products da x^T
        "weight_hh": da.T @ cache.h_prev,  # (4H, H)
        "bias_ih": db,
        "bias_hh": db.copy(),
    }
    return dx, dstate_prev, grads


def _cell_forward(ax, x, state, params, weight_hh_t=None):
    """One step's recursion, given ``ax = W_ih x + b_ih + b_hh`` (B, 4H) and W_hh^T
    (``weight_hh_t``; :func:`forward` passes a C-ordered copy, a faster product)."""
    h_prev, c_prev = state
    H = h_prev.shape[1]
    w_t = params["weight_hh"].T if weight_hh_t is None else weight_hh_t  # (H, 4H)
    a = ax + h_prev @ w_t  # (B, 4H): pre-activations of i, f, g, o
    i = sigmoid_inplace(a[:, :H].copy())  # (B, H), each gate in an array of its own
    f = sigmoid_inplace(a[:, H : 2 * H].copy())  # (B, H)
    g = np.tanh(a[:, 2 * H : 3 * H])  # (B, H)
    o = sigmoid_inplace(a[:, 3 * H :].copy())  # (B, H)
    c = f * c_prev + i * g  # (B, H)
    tanh_c = np.tanh(c)  # (B, H)
    h = o * tanh_c  # (B, H)
    cache = StepCache(x=x, h_prev=h_prev, c_prev=c_prev, i=i, f=f, g=g, o=o,
                      tanh_c=tanh_c, h=h, c=c, params=params)
    return (h, c), cache


def _cell_backward(dstate, cache, da=None):
    """Backward pass of :func:`_cell_forward`.

    Returns ``da`` (B, 4H), dL/d of the pre-activations of i, f, g, o, and
    ``(dh_prev, dc_prev)``.  ``da``, if given, is the (B, 4H) array to write into.
    """
    dh, dc = dstate
    i, f, g, o, tanh_c = cache.i, cache.f, cache.g, cache.o, cache.tanh_c
    H = i.shape[1]
    if da is None:
        da = np.empty(i.shape[:1] + (4 * H,), dtype=i.dtype)  # (B, 4H)
    # h = o * tanh(c): c reaches the loss directly (dc) and through h
    dc = dc + dh * o * (1.0 - tanh_c * tanh_c)  # (B, H); tanh' = 1 - tanh^2
    # Each gate's block of da is (dL/dgate) * (activation'), written straight into da:
    # di = dc g and df = dc c_prev, from c = f c_prev + i g; dg = dc i, tanh' = 1 - g^2;
    # do = dh tanh(c), from h = o tanh(c).
    np.multiply(dc * g, i * (1.0 - i), out=da[:, :H])
    np.multiply(dc * cache.c_prev, f * (1.0 - f), out=da[:, H : 2 * H])
    np.multiply(dc * i, 1.0 - g * g, out=da[:, 2 * H : 3 * H])
    np.multiply(dh * tanh_c, o * (1.0 - o), out=da[:, 3 * H :])
    dh_prev = da @ cache.params["weight_hh"]  # (B, H)
    dc_prev = dc * f  # (B, H)
    return da, (dh_prev, dc_prev)


def forward(xs, state0, params):
    """Run the LSTM over a whole sequence: the recursion of :func:`step_forward`, T times.

    Parameters
    ----------
    xs : ndarray, shape (T, B, D)
    state0 : tuple (h0, c0) of ndarrays, each shape (B, H), or None
        The initial state; None (or None for either part) means zeros.
    params : dict

    Returns
    -------
    hs : ndarray, shape (T, B, H)
        h_1 ... h_T.  The cell states stay in the cache; :func:`final_state` gives
        ``(h_T, c_T)``, to carry the state on into the next chunk of a sequence.
    cache : Cache
    """
    xs, state = _check_sequence_inputs(xs, state0, params)
    T, B, D = xs.shape
    H = params["weight_hh"].shape[1]
    # The input's part of every pre-activation, for all steps in one product.
    axs = (xs.reshape(T * B, D) @ params["weight_ih"].T).reshape(T, B, 4 * H)  # (T, B, 4H)
    axs += params["bias_ih"] + params["bias_hh"]
    hs = np.empty((T, B, H), dtype=xs.dtype)  # (T, B, H)
    steps = []
    w_t = np.ascontiguousarray(params["weight_hh"].T)  # W_hh^T in C order: a faster product
    for t in range(T):
        state, step = _cell_forward(axs[t], xs[t], state, params, w_t)
        hs[t] = state[0]
        steps.append(step)
    return hs, Cache(xs=xs, steps=tuple(steps))


def backward(dhs, cache):
    """Backpropagation through time: the backward pass of :func:`forward`.

    Parameters
    ----------
    dhs : ndarray, shape (T, B, H)
        dL/dh_t for each t, only the *immediate* part from whatever sits on top of the
        hidden states; the recursion adds what flows back through h_{t+1} and c_{t+1}.
    cache : Cache

    Returns
    -------
    dxs : ndarray, shape (T, B, D)
    dstate0 : tuple (dh0, dc0) of ndarrays, each shape (B, H)
    grads : dict
        dL/dparams summed over time, same keys and shapes as params.
    """
    xs, steps = cache.xs, cache.steps
    T, B, D = xs.shape
    H = steps[0].i.shape[1]
    p = steps[0].params
    dhs = as_float_array("dhs", dhs, ndim=3, dtype=xs.dtype)
    check_shape("dhs", dhs, (T, B, H), hint="(T, B, H) as in forward")
    das = np.empty((T, B, 4 * H), dtype=xs.dtype)  # (T, B, 4H)
    dh = np.zeros((B, H), dtype=xs.dtype)  # nothing flows back into h_T and c_T from the future
    dc = np.zeros((B, H), dtype=xs.dtype)
    for t in reversed(range(T)):
        _, (dh, dc) = _cell_backward((dhs[t] + dh, dc), steps[t], da=das[t])
    # What depends on x_t and h_{t-1} only through the pre-activations, for all steps at once.
    das_2d = das.reshape(T * B, 4 * H)  # (T*B, 4H)
    h_prevs = np.stack([s.h_prev for s in steps]).reshape(T * B, H)  # (T*B, H)
    dxs = (das_2d @ p["weight_ih"]).reshape(T, B, D)  # (T, B, D)
    db = das_2d.sum(axis=0)  # (4H,)
    grads = {
        "weight_ih": das_2d.T @ xs.reshape(T * B, D),  # (4H, D)
        "weight_hh": das_2d.T @ h_prevs,  # (4H, H)
        "bias_ih": db,
        "bias_hh": db.copy(),
    }
    return dxs, (dh, dc), grads


backward = checks_cache(backward, Cache, StepCache)  # a foreign cache is a TypeError

def final_state(cache):
    """The state ``(h_T, c_T)`` after the last step of :func:`forward`, each (B, H)."""
    last = cache.steps[-1]
    return last.h, last.c


def _check_step(x, state, params):
    d, h, dtype = check_params(params, GATES)
    x = check_input("x", x, d, dtype)
    return x, _check_pair("state", state, (x.shape[0], h), dtype)


def _check_sequence_inputs(xs, state0, params):
    d, h, dtype = check_params(params, GATES)
    xs = check_sequence(xs, d, dtype)
    return xs, _check_pair("state0", state0, (xs.shape[1], h), dtype)


def _check_pair(name, pair, shape, dtype):
    """Validate an LSTM state (or its gradient): None or a pair of (B, H) arrays."""
    if pair is None:
        return np.zeros(shape, dtype=dtype), np.zeros(shape, dtype=dtype)
    if not isinstance(pair, (tuple, list)) or len(pair) != 2:
        got = f"array of shape {np.shape(pair)}" if isinstance(pair, np.ndarray) else type(pair).__name__
        if isinstance(pair, (tuple, list)):
            got = f"{type(pair).__name__} of length {len(pair)}"
        raise TypeError(f"{name} must be a tuple (h, c) of two {shape} arrays, or None; got {got}")
    first, second = pair
    return (
        check_state(f"{name}[0]", first, shape[0], shape[1], dtype),
        check_state(f"{name}[1]", second, shape[0], shape[1], dtype),
    )
