"""Measuring how gradients travel back through time, for the vanishing-gradient chapter.

Two measurements, for any cell module (:mod:`rnnlib.rnn`, :mod:`rnnlib.lstm`,
:mod:`rnnlib.gru`):

:func:`hidden_grad_norms`
    ||dL/dh_t|| at every step for a given loss: the *total* derivative, the loss's
    direct part at step t plus everything that flows back from later steps.
:func:`state_jacobian_norms`
    ||dh_T/dh_t|| for every t: how much the last state still depends on an earlier one,
    independently of any loss.

Both run the cell's own ``step_backward`` functions, step by step, in reverse order, and
record the state gradient between steps.  Time indices follow the book: h_0 is the
initial state and ``hs[t-1]`` from ``cell.forward`` is h_t.
"""

import numpy as np

from .._checks import as_float_array, check_shape
from ..models import final_state, get_cell


def _zeros_like_state(state):
    if isinstance(state, tuple):
        return tuple(np.zeros_like(s) for s in state)
    return np.zeros_like(state)


def _hidden(state):
    """The hidden part h of a state: the state itself, or h of the LSTM's (h, c)."""
    return state[0] if isinstance(state, tuple) else state


def _add_to_hidden(dstate, dh):
    if isinstance(dstate, tuple):
        return (dstate[0] + dh,) + tuple(dstate[1:])
    return dstate + dh


def hidden_grad_norms(cell, xs, state0, params, dhs, *, cell_state=False):
    """The norm of the total gradient dL/dh_t at every step t = 1 ... T.

    BPTT runs backwards from step T; entering step t it holds
    ``dL/dh_t = dhs[t-1] + (what flows back from h_{t+1})``, the total derivative, which
    is what this function records (the norm over the whole (B, H) array, i.e. over the
    batch and the units together).

    Parameters
    ----------
    cell : module or {"rnn", "lstm", "gru"}
    xs : ndarray, shape (T, B, D)
    state0 : the cell's initial state, or None for zeros
    params : dict
        The cell's parameters.
    dhs : ndarray, shape (T, B, H)
        The immediate dL/dh_t, e.g. from a read-out layer, as for ``cell.backward``.
    cell_state : bool
        For the LSTM, also return the norms of the cell-state part of the state
        gradient.

    Returns
    -------
    norms : ndarray, shape (T,)
        ``norms[t-1] = ||dL/dh_t||``, t = 1 ... T (aligned with ``hs``).
    c_norms : ndarray, shape (T,)
        Only with ``cell_state=True``: ``||dL/dc_t||`` where the LSTM state (h_t, c_t)
        is treated as two separate variables, so this is the gradient that reaches c_t
        along the cell-state path from step t+1 (the path c_t -> h_t is in ``norms``).
        It is 0 at t = T.
    """
    cell = get_cell(cell)
    hs, cache = cell.forward(xs, state0, params)  # (T, B, H)
    dhs = as_float_array("dhs", dhs, ndim=3, dtype=hs.dtype)
    check_shape("dhs", dhs, hs.shape, hint="(T, B, H) like the states from forward")
    dstate = _zeros_like_state(final_state(cell, hs, cache))  # nothing flows in from after T
    if cell_state and not isinstance(dstate, tuple):
        raise ValueError(f"cell_state=True needs a cell with a cell state (the LSTM), not {cell.__name__}")
    T = hs.shape[0]
    norms = np.empty(T)
    c_norms = np.empty(T)
    for t in reversed(range(T)):
        dstate = _add_to_hidden(dstate, dhs[t])  # the total dL/dh_{t+1}
        norms[t] = np.linalg.norm(_hidden(dstate))
        if cell_state:
            c_norms[t] = np.linalg.norm(dstate[1])
        _, dstate, _ = cell.step_backward(dstate, cache.steps[t])
    return (norms, c_norms) if cell_state else norms


def state_jacobian_norms(cell, xs, state0, params, *, ord=2, wrt="h"):
    """The norms of the Jacobians dh_T/dh_t, t = 0 ... T-1, for one sequence.

    ``J_t = dh_T/dh_t`` is an (H, H) matrix; row i is the gradient of the unit h_T[i]
    with respect to h_t.  All H rows come from one backward pass: the sequence is copied
    H times along the batch axis and copy i starts backpropagation from the seed e_i
    (row i of the identity), so after going back to step t the state gradient of the
    batch, (H, H), is J_t itself.  No loss is involved: this is a property of the cell,
    the parameters and the input.

    Parameters
    ----------
    cell : module or {"rnn", "lstm", "gru"}
    xs : ndarray, shape (T, 1, D)
        One sequence (batch size 1).
    state0 : the cell's initial state for batch 1, (1, H) or the LSTM's pair, or None
    params : dict
        The cell's parameters.
    ord : {2, "fro"}
        The matrix norm: 2 is the spectral norm (the largest singular value), "fro" the
        Frobenius norm.
    wrt : {"h", "c"}
        For the LSTM: differentiate h_T with respect to h_t (with c_t held fixed, the
        default) or with respect to c_t (with h_t held fixed), the two halves of the
        state.

    Returns
    -------
    norms : ndarray, shape (T,)
        ``norms[t] = ||dh_T/dh_t||`` for t = 0 ... T-1: ``norms[0]`` is the sensitivity
        to the initial state h_0 and ``norms[T-1]`` the one-step Jacobian dh_T/dh_{T-1}.
        The distance back from T is ``T - t``, so ``norms[::-1][k-1]`` belongs to
        distance k = 1 ... T (the layout of :mod:`rnnlib.analysis.spectral` without its
        k = 0).
    """
    cell = get_cell(cell)
    if ord not in (2, "fro"):
        raise ValueError(f"ord must be 2 or 'fro', got {ord!r}")
    if wrt not in ("h", "c"):
        raise ValueError(f"wrt must be 'h' or 'c', got {wrt!r}")
    xs = np.asarray(xs)
    if xs.ndim != 3 or xs.shape[1] != 1:
        raise ValueError(f"xs must have shape (T, 1, D), one sequence, got {xs.shape}")
    H = np.asarray(params["weight_hh"]).shape[1]
    xs_copies = np.repeat(xs, H, axis=1)  # (T, H, D): copy i carries seed e_i
    if isinstance(state0, tuple):
        state0 = tuple(np.repeat(np.asarray(s), H, axis=0) for s in state0)  # each (H, H)
    elif state0 is not None:
        state0 = np.repeat(np.asarray(state0), H, axis=0)  # (H, H)
    hs, cache = cell.forward(xs_copies, state0, params)  # (T, H, H)
    dstate = _zeros_like_state(final_state(cell, hs, cache))
    if wrt == "c" and not isinstance(dstate, tuple):
        raise ValueError(f"wrt='c' needs a cell with a cell state (the LSTM), not {cell.__name__}")
    dstate = _add_to_hidden(dstate, np.eye(H, dtype=hs.dtype))  # seeds: dh_T/dh_T = I
    T = hs.shape[0]
    norms = np.empty(T)
    for t in reversed(range(T)):
        _, dstate, _ = cell.step_backward(dstate, cache.steps[t])  # now dh_T/d(state_t)
        jac = dstate[1] if wrt == "c" else _hidden(dstate)  # (H, H), row i: d h_T[i] / d state_t
        norms[t] = np.linalg.norm(jac, ord)
    return norms
