"""Backpropagation through time for the gated cells, as the equations of Chapter 6.

:mod:`rnnlib.lstm` and :mod:`rnnlib.gru` compute their backward passes in a form
tuned for speed (stacked blocks, arrays written in place, the parameter gradients of all
steps in one product at the end).  The two functions here follow the chapter's equations
instead, one named quantity per line, and return every intermediate total derivative, so
the book can check its derivation against the library:

:func:`lstm_bptt`
    The recursion for delta_t = dL/dh_t and eps_t = dL/dc_t (both total derivatives).
    ``truncate=True`` gives the truncated gradient of the 1997 LSTM: the gradient that
    leaves step t through the gates' recurrent weights is dropped, so the only path back
    in time is the cell state.
:func:`gru_bptt`
    The recursion for delta_t = dL/dh_t of the reset-after GRU (PyTorch's and rnnlib's),
    with the four ways back from h_t to h_{t-1} named: ``"direct"`` (z_t * delta_t),
    ``"z"`` (through the update gate), ``"n"`` (through the candidate, W_hn) and ``"r"``
    (through the reset gate).  ``paths`` keeps only some of them, to measure what each
    carries.

Conventions as in ``rnnlib``: time-major arrays, xs (T, B, D), one example per row.
Index t of the returned (T+1, B, H) arrays is the step t of the book, t = 0 ... T.
"""

from typing import NamedTuple

import numpy as np

from .. import gru, lstm
from .._checks import as_float_array, check_shape
from ..variants import gate_slices

#: The four terms of delta_{t-1} that :func:`gru_bptt` can follow back in time.
GRU_PATHS = ("direct", "z", "n", "r")


class LSTMGradients(NamedTuple):
    """What :func:`lstm_bptt` returns."""

    dh: np.ndarray  # (T+1, B, H): dh[t] = delta_t = dL/dh_t, total; dh[0] = dL/dh_0
    dc: np.ndarray  # (T+1, B, H): dc[t] = eps_t = dL/dc_t, total; dc[0] = dL/dc_0
    dxs: np.ndarray  # (T, B, D)
    grads: dict  # dL/dparams, keys and shapes of the params


class GRUGradients(NamedTuple):
    """What :func:`gru_bptt` returns."""

    dh: np.ndarray  # (T+1, B, H): dh[t] = delta_t = dL/dh_t, total; dh[0] = dL/dh_0
    dxs: np.ndarray  # (T, B, D)
    grads: dict  # dL/dparams, keys and shapes of the params


def _inputs(module, xs, state0, params, dhs):
    hs, cache = module.forward(xs, state0, params)  # validates xs, state0, params
    dhs = as_float_array("dhs", dhs, ndim=3, dtype=hs.dtype)
    check_shape("dhs", dhs, hs.shape, hint="(T, B, H) like the states from forward")
    return cache, dhs


def _immediate(dhs, t):
    """dL/dh_t from the layer on top, t = 1 ... T (nothing reaches h_0 from above)."""
    return dhs[t - 1] if t >= 1 else np.zeros_like(dhs[0])


def lstm_bptt(xs, state0, params, dhs, *, truncate=False):
    """BPTT for :mod:`rnnlib.lstm`, one equation of Chapter 6 per line.

    For t = T, T-1, ..., 1, with delta_T = dhs[T-1] and nothing after step T::

        eps_t       = f_{t+1} * eps_{t+1} + delta_t * o_t * (1 - tanh(c_t)^2)
        da_i        = eps_t * g_t * i_t (1 - i_t)
        da_f        = eps_t * c_{t-1} * f_t (1 - f_t)
        da_g        = eps_t * i_t * (1 - g_t^2)
        da_o        = delta_t * tanh(c_t) * o_t (1 - o_t)
        delta_{t-1} = dhs[t-2] + sum_k W_hk^T da_k      (k = i, f, g, o)

    and at t = 0, where h_0 and c_0 are inputs: eps_0 = f_1 * eps_1.

    Parameters
    ----------
    xs : ndarray, shape (T, B, D)
    state0 : tuple (h0, c0) of (B, H) arrays, or None for zeros
    params : dict
        As for :func:`rnnlib.lstm.forward`.
    dhs : ndarray, shape (T, B, H)
        The immediate dL/dh_t from the layer on top, as for
        :func:`rnnlib.lstm.backward`.
    truncate : bool
        Drop ``sum_k W_hk^T da_k`` (the gradient that leaves the cell through h_{t-1}
        into the gates), as the 1997 LSTM did: delta_{t-1} is then dhs[t-2] alone.

    Returns
    -------
    LSTMGradients
    """
    cache, dhs = _inputs(lstm, xs, state0, params, dhs)
    steps, T, (B, H) = cache.steps, len(cache.steps), dhs.shape[1:]
    W = {k: params["weight_hh"][s] for k, s in gate_slices("lstm", H).items()}  # (H, H)
    delta = np.zeros((T + 1, B, H), dtype=dhs.dtype)
    eps = np.zeros((T + 1, B, H), dtype=dhs.dtype)
    da = np.zeros((T, B, 4 * H), dtype=dhs.dtype)  # (T, B, 4H): blocks i, f, g, o
    delta[T] = dhs[T - 1]
    for t in range(T, 0, -1):
        s = steps[t - 1]  # the cache of step t
        from_c_next = steps[t].f * eps[t + 1] if t < T else 0.0
        eps[t] = from_c_next + delta[t] * s.o * (1 - s.tanh_c**2)
        da_i = eps[t] * s.g * s.i * (1 - s.i)
        da_f = eps[t] * s.c_prev * s.f * (1 - s.f)
        da_g = eps[t] * s.i * (1 - s.g**2)
        da_o = delta[t] * s.tanh_c * s.o * (1 - s.o)
        da[t - 1] = np.concatenate([da_i, da_f, da_g, da_o], axis=1)
        # row form of sum_k W_hk^T da_k: (B, H) @ (H, H)
        into_gates = da_i @ W["i"] + da_f @ W["f"] + da_g @ W["g"] + da_o @ W["o"]
        delta[t - 1] = _immediate(dhs, t - 1) + (0.0 if truncate else into_gates)
    eps[0] = steps[0].f * eps[1]
    h_prevs = np.stack([s.h_prev for s in steps])  # (T, B, H)
    g_bias = da.sum(axis=(0, 1))  # (4H,)
    grads = {
        "weight_ih": np.einsum("tbk,tbd->kd", da, cache.xs),  # sum_t da_t x_t^T
        "weight_hh": np.einsum("tbk,tbj->kj", da, h_prevs),  # sum_t da_t h_{t-1}^T
        "bias_ih": g_bias,
        "bias_hh": g_bias.copy(),
    }
    dxs = da @ params["weight_ih"]  # (T, B, D)
    return LSTMGradients(dh=delta, dc=eps, dxs=dxs, grads=grads)


def gru_bptt(xs, state0, params, dhs, *, paths=GRU_PATHS):
    """BPTT for :mod:`rnnlib.gru` (reset after the product), one equation per line.

    For t = T, ..., 1, with delta_T = dhs[T-1], hn_t = W_hn h_{t-1} + b_hn and
    a_n = W_in x_t + b_in + r_t * hn_t::

        da_n = delta_t * (1 - z_t) * (1 - n_t^2)      (through n_t)
        da_z = delta_t * (h_{t-1} - n_t) * z_t (1 - z_t)
        da_r = da_n * hn_t * r_t (1 - r_t)            dhn = r_t * da_n
        delta_{t-1} = dhs[t-2] + z_t * delta_t
                      + W_hz^T da_z + W_hn^T dhn + W_hr^T da_r

    Parameters
    ----------
    xs, state0, params, dhs
        As for :func:`rnnlib.gru.forward` and :func:`rnnlib.gru.backward`.
    paths : iterable of {"direct", "z", "n", "r"}
        The terms of delta_{t-1} that are followed back in time (all four: the
        gradient).
        The parameter gradients are formed from whatever delta_t this leaves.

    Returns
    -------
    GRUGradients
    """
    paths = tuple(paths)
    unknown = [p for p in paths if p not in GRU_PATHS]
    if unknown:
        raise ValueError(f"paths must be drawn from {GRU_PATHS}, got {paths!r}")
    cache, dhs = _inputs(gru, xs, state0, params, dhs)
    steps, T, (B, H) = cache.steps, len(cache.steps), dhs.shape[1:]
    W = {k: params["weight_hh"][s] for k, s in gate_slices("gru", H).items()}  # (H, H)
    delta = np.zeros((T + 1, B, H), dtype=dhs.dtype)
    d_in = np.zeros((T, B, 3 * H), dtype=dhs.dtype)  # dL/d(W_ih x_t + b_ih): r, z, n
    d_rec = np.zeros((T, B, 3 * H), dtype=dhs.dtype)  # dL/d(W_hh h_{t-1} + b_hh)
    delta[T] = dhs[T - 1]
    for t in range(T, 0, -1):
        s = steps[t - 1]
        da_n = delta[t] * (1 - s.z) * (1 - s.n**2)
        da_z = delta[t] * (s.h_prev - s.n) * s.z * (1 - s.z)
        da_r = da_n * s.hn * s.r * (1 - s.r)
        dhn = s.r * da_n
        d_in[t - 1] = np.concatenate([da_r, da_z, da_n], axis=1)
        d_rec[t - 1] = np.concatenate([da_r, da_z, dhn], axis=1)
        back = {"direct": s.z * delta[t], "z": da_z @ W["z"], "n": dhn @ W["n"],
                "r": da_r @ W["r"]}  # each (B, H), the row form of the terms above
        delta[t - 1] = _immediate(dhs, t - 1) + sum((back[p] for p in paths), 0.0)
    h_prevs = np.stack([s.h_prev for s in steps])  # (T, B, H)
    grads = {
        "weight_ih": np.einsum("tbk,tbd->kd", d_in, cache.xs),
        "weight_hh": np.einsum("tbk,tbj->kj", d_rec, h_prevs),
        "bias_ih": d_in.sum(axis=(0, 1)),
        "bias_hh": d_rec.sum(axis=(0, 1)),
    }
    return GRUGradients(dh=delta, dxs=d_in @ params["weight_ih"], grads=grads)
