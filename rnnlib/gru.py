"""The gated recurrent unit (GRU), forward and backward.

Math (column vectors, sigma the logistic function, * elementwise)::

    r_t = sigma(W_ir x_t + b_ir + W_hr h_{t-1} + b_hr)             reset gate
    z_t = sigma(W_iz x_t + b_iz + W_hz h_{t-1} + b_hz)             update gate
    n_t = tanh (W_in x_t + b_in + r_t * (W_hn h_{t-1} + b_hn))     candidate state
    h_t = (1 - z_t) * n_t + z_t * h_{t-1}

This is ``torch.nn.GRU`` with the same parameter names, shapes and gate order: the three
gates are stacked in the order r, z, n along the first axis, so ``weight_ih`` has shape
(3H, D) with ``weight_ih[:H]`` = W_ir, ``weight_ih[H:2H]`` = W_iz, ``weight_ih[2H:]`` = W_in;
``weight_hh`` (3H, H), ``bias_ih`` (3H,), ``bias_hh`` (3H,).  Note that the reset gate
multiplies ``W_hn h_{t-1} + b_hn`` *after* the matrix product, bias included, so b_in and
b_hn are not interchangeable as the other biases are.

Arrays are time-major, ``xs`` (T, B, D) and ``hs`` (T, B, H); see ``rnnlib`` for the
conventions.

How the code is organised: the input's part of the pre-activations, ``W_ih x + b_ih``,
does not depend on the recursion, so :func:`forward` computes it for all T steps with one
matrix product and then runs the recursion with :func:`_cell_forward`, the same function
:func:`step_forward` calls.  Likewise :func:`backward` runs :func:`_cell_backward` back through
time and forms dL/dx and dL/dweights for all steps at once at the end.
"""

from typing import NamedTuple

import numpy as np

from ._checks import as_float_array, check_cache, checks_cache, check_input, check_params, check_sequence, check_shape, check_state
from ._params import uniform_init
from .activations import sigmoid, sigmoid_inplace  # noqa: F401 (gru.sigmoid: an old import path)

GATES = 3


class StepCache(NamedTuple):
    """What one step's backward pass needs from its forward pass."""

    x: np.ndarray  # (B, D) input at this step
    h_prev: np.ndarray  # (B, H) state coming in
    r: np.ndarray  # (B, H) reset gate
    z: np.ndarray  # (B, H) update gate
    n: np.ndarray  # (B, H) candidate state
    hn: np.ndarray  # (B, H) W_hn h_prev + b_hn, what the reset gate scales
    h: np.ndarray  # (B, H) state going out
    params: dict


class Cache(NamedTuple):
    """What the sequence backward pass needs from :func:`forward`."""

    xs: np.ndarray  # (T, B, D) the inputs
    steps: tuple  # T StepCaches, in time order


def init_params(input_size, hidden_size, *, rng=None, dtype=np.float64):
    """Random parameters drawn from U(-1/sqrt(H), 1/sqrt(H)), as ``torch.nn.GRU`` does.

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
        ``weight_ih`` (3H, D), ``weight_hh`` (3H, H), ``bias_ih`` (3H,), ``bias_hh`` (3H,),
        gates stacked in the order r, z, n.
    """
    return uniform_init(input_size, hidden_size, GATES, rng=rng, dtype=dtype)


def step_forward(x, state, params, *, check=True):
    """One time step of the GRU.

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
    ax = x @ params["weight_ih"].T + params["bias_ih"]  # (B, 3H): the input's part
    return _cell_forward(ax, x, state, params)


def step_backward(dstate, cache, *, check=True):
    """Backward pass of :func:`step_forward`.

    Parameters
    ----------
    dstate : ndarray, shape (B, H)
        dL/dh for this step's output state: *everything* that flows into h, from the loss
        at this step and from step t+1.
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
    dax, dah, dh_prev = _cell_backward(dstate, cache)  # dax, dah: (B, 3H)
    p = cache.params
    grads = {
        "weight_ih": dax.T @ cache.x,  # (3H, D): sum over the batch of outer products dax x^T
        "weight_hh": dah.T @ cache.h_prev,  # (3H, H)
        "bias_ih": dax.sum(axis=0),  # (3H,)
        "bias_hh": dah.sum(axis=0),  # (3H,)
    }
    return dax @ p["weight_ih"], dh_prev, grads  # dx: (B, D)


def _cell_forward(ax, x, h_prev, params, weight_hh_t=None):
    """One step's recursion, given ``ax = W_ih x + b_ih`` (B, 3H) and W_hh^T
    (``weight_hh_t``; :func:`forward` passes a C-ordered copy, a faster product)."""
    H = h_prev.shape[1]
    w_t = params["weight_hh"].T if weight_hh_t is None else weight_hh_t  # (H, 3H)
    ah = h_prev @ w_t  # (B, 3H), then in place:
    ah += params["bias_hh"]  # W_hh h_prev + b_hh
    r = sigmoid_inplace(ax[:, :H] + ah[:, :H])  # (B, H)
    z = sigmoid_inplace(ax[:, H : 2 * H] + ah[:, H : 2 * H])  # (B, H)
    hn = ah[:, 2 * H :]  # (B, H) view: W_hn h_prev + b_hn
    n = np.tanh(ax[:, 2 * H :] + r * hn)  # (B, H)
    h = n + z * (h_prev - n)  # (B, H): (1 - z) n + z h_prev
    return h, StepCache(x=x, h_prev=h_prev, r=r, z=z, n=n, hn=hn, h=h, params=params)


def _cell_backward(dh, cache, dax=None, dah=None):
    """Backward pass of :func:`_cell_forward`.

    Returns ``dax`` (B, 3H), dL/d(W_ih x + b_ih); ``dah`` (B, 3H), dL/d(W_hh h_prev + b_hh);
    and ``dh_prev`` (B, H).  ``dax`` and ``dah`` differ only in the n block, where ``dah``
    carries the factor r.  If given, ``dax`` and ``dah`` are the (B, 3H) arrays to write into.
    """
    r, z, n, h_prev = cache.r, cache.z, cache.n, cache.h_prev
    H = r.shape[1]
    if dax is None:
        dax = np.empty(r.shape[:1] + (3 * H,), dtype=r.dtype)  # (B, 3H)
    if dah is None:
        dah = np.empty_like(dax)  # (B, 3H)
    # Each gate's block is (dL/dgate) * (activation'), from h = (1 - z) n + z h_prev
    # and n = tanh(a_n), a_n = W_in x + b_in + r hn.
    np.multiply(dh * (1.0 - z), 1.0 - n * n, out=dax[:, 2 * H :])  # dn = dh (1 - z); tanh' = 1 - n^2
    dan = dax[:, 2 * H :]  # (B, H) view: dL/da_n
    np.multiply(dan * cache.hn, r * (1.0 - r), out=dax[:, :H])  # dr = dan hn
    np.multiply(dh * (h_prev - n), z * (1.0 - z), out=dax[:, H : 2 * H])  # dz = dh (h_prev - n)
    dah[:, : 2 * H] = dax[:, : 2 * H]  # r and z enter W_hh h_prev + b_hh as they enter a
    np.multiply(dan, r, out=dah[:, 2 * H :])  # dhn = dan r
    dh_prev = dh * z + dah @ cache.params["weight_hh"]  # (B, H): directly and through W_hh
    return dax, dah, dh_prev


def forward(xs, state0, params):
    """Run the GRU over a whole sequence: the recursion of :func:`step_forward`, T times.

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
    axs = (xs.reshape(T * B, D) @ params["weight_ih"].T).reshape(T, B, 3 * H)  # (T, B, 3H)
    axs += params["bias_ih"]
    hs = np.empty((T, B, H), dtype=xs.dtype)  # (T, B, H)
    steps = []
    w_t = np.ascontiguousarray(params["weight_hh"].T)  # W_hh^T in C order: a faster product
    for t in range(T):
        h, step = _cell_forward(axs[t], xs[t], h, params, w_t)
        hs[t] = h
        steps.append(step)
    return hs, Cache(xs=xs, steps=tuple(steps))


def backward(dhs, cache):
    """Backpropagation through time: the backward pass of :func:`forward`.

    Parameters
    ----------
    dhs : ndarray, shape (T, B, H)
        dL/dh_t for each t, only the *immediate* part from whatever sits on top of the
        hidden states; the recursion adds what flows back through h_{t+1}.
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
    daxs = np.empty((T, B, 3 * H), dtype=xs.dtype)  # (T, B, 3H)
    dahs = np.empty((T, B, 3 * H), dtype=xs.dtype)  # (T, B, 3H)
    dh = np.zeros((B, H), dtype=xs.dtype)  # nothing flows back into h_T from the future
    for t in reversed(range(T)):
        _, _, dh = _cell_backward(dhs[t] + dh, steps[t], dax=daxs[t], dah=dahs[t])
    # What depends on x_t and h_{t-1} only through the pre-activations, for all steps at once.
    daxs_2d = daxs.reshape(T * B, 3 * H)  # (T*B, 3H)
    dahs_2d = dahs.reshape(T * B, 3 * H)  # (T*B, 3H)
    h_prevs = np.stack([s.h_prev for s in steps]).reshape(T * B, H)  # (T*B, H)
    grads = {
        "weight_ih": daxs_2d.T @ xs.reshape(T * B, D),  # (3H, D)
        "weight_hh": dahs_2d.T @ h_prevs,  # (3H, H)
        "bias_ih": daxs_2d.sum(axis=0),  # (3H,)
        "bias_hh": dahs_2d.sum(axis=0),  # (3H,)
    }
    dxs = (daxs_2d @ p["weight_ih"]).reshape(T, B, D)  # (T, B, D)
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
