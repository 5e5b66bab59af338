"""Truncated BPTT beyond equal chunks, for Chapter 3.

:func:`rnnlib.analysis.bptt.truncated_backward` cuts the backward pass into equal chunks of k steps.
This module has the two other truncations the chapter compares with it:

* :func:`windowed_backward` -- Williams and Peng's BPTT(h; h'): every h' steps, the losses of
  those h' steps are carried back h >= h' steps, so windows overlap when h > h';
* :func:`randomly_truncated_backward` -- the backward pass cut at random steps, with every
  gradient that survives a possible cut divided by the probability of surviving it, so that
  each (loss step, use step) term is kept on average at its full size (Tallec and Ollivier's
  compensation factors);
* :func:`kept_pairs` -- which (loss step s, use step u) pairs a windowed truncation keeps.

Each returns how many step backward passes it ran, the cost the chapter compares.  The cell
protocol is :mod:`rnnlib.analysis.bptt`'s: ``forward(xs, state0, params) -> (hs, cache)`` with one step
cache per step in ``cache.steps``, and ``step_backward(dstate, step_cache)``.
"""

import numpy as np

from .._checks import as_float_array, as_rng, check_cell_module, check_positive_int, check_real
from .._checks import check_shape


def _forward_and_dhs(cell, xs, state0, params, dhs):
    cell = check_cell_module("cell", cell)
    hs, cache = cell.forward(xs, state0, params)
    dhs = as_float_array("dhs", dhs, ndim=3, dtype=hs.dtype)
    check_shape("dhs", dhs, hs.shape, hint="(T, B, H) as the states from forward")
    return cell, cache.steps, dhs


def _accumulate(grads, step_grads):
    if grads is None:
        return {name: g.copy() for name, g in step_grads.items()}
    for name in grads:
        grads[name] += step_grads[name]
    return grads


def window_ends(T, h_step):
    """The last step of each block of ``h_step`` new losses: h'-1, 2h'-1, ..., and T-1."""
    T = check_positive_int("T", T)
    h_step = check_positive_int("h_step", h_step)
    return list(range(h_step - 1, T - 1, h_step)) + [T - 1]


def kept_pairs(T, h, h_step):
    """The (loss step s, use step u) pairs BPTT(h; h') keeps, as a (T, T) boolean array.

    The loss of step s is carried back at the end e of its block of h' steps, through the
    steps e-h+1 .. e; it reaches the use of the parameters at step u when e-h+1 <= u <= s.
    With h = h' = k and T a multiple of k these are the equal chunks of
    :func:`rnnlib.analysis.bptt.truncated_backward`; a shorter last block still reaches back h steps.
    """
    h, h_step = _check_window(h, h_step)
    kept = np.zeros((T, T), dtype=bool)  # [s, u]
    start = 0
    for end in window_ends(T, h_step):
        for s in range(start, end + 1):
            kept[s, max(0, end - h + 1): s + 1] = True
        start = end + 1
    return kept


def _check_window(h, h_step):
    h = check_positive_int("h", h)
    h_step = check_positive_int("h_step", h_step)
    if h < h_step:
        raise ValueError(
            f"h must be at least h_step (a window must reach back over its own new losses), "
            f"got h={h} and h_step={h_step}"
        )
    return h, h_step


def windowed_backward(cell, xs, state0, params, dhs, h, h_step):
    """Williams and Peng's BPTT(h; h'): the gradient of windows of h steps every h' steps.

    After every h' steps of the forward pass (and at the last step), the losses of those h'
    steps are carried back h steps, each through ``cell.step_backward``.  The gradients of all
    the windows are added.  Each loss is carried back exactly once; a window with h > h' also
    runs back through steps whose own losses an earlier window already used.

    Parameters
    ----------
    cell : module
        A cell module such as :mod:`rnnlib.rnn`.
    xs : ndarray, shape (T, B, D)
    state0 : ndarray, shape (B, H), or None
    params : dict
    dhs : ndarray, shape (T, B, H)
        The immediate dL/dh_t, as for ``cell.backward``.
    h : int
        How far back each window reaches, h >= h_step.
    h_step : int
        How many new losses each window brings (the h' of BPTT(h; h')).

    Returns
    -------
    grads : dict
        The truncated dL/dparams, keys and shapes as for ``cell.backward``.
    n_steps : int
        How many step backward passes were run: about T * h / h'.
    """
    h, h_step = _check_window(h, h_step)
    cell, steps, dhs = _forward_and_dhs(cell, xs, state0, params, dhs)
    grads, n_steps, start = None, 0, 0
    for end in window_ends(len(steps), h_step):
        dh = np.zeros_like(dhs[0])  # (B, H): nothing comes back from after the window
        for t in range(end, max(0, end - h + 1) - 1, -1):
            fresh = dhs[t] if t >= start else 0.0  # a loss enters in its own block only
            _, dh, step_grads = cell.step_backward(dh + fresh, steps[t])
            grads = _accumulate(grads, step_grads)
            n_steps += 1
        start = end + 1
    return grads, n_steps


def randomly_truncated_backward(cell, xs, state0, params, dhs, p, rng):
    """BPTT cut at random steps, with compensation factors that keep it unbiased.

    Going back from step t+1 to step t, the flow is cut with probability ``p`` (the gradient
    arriving at step t from later steps is zeroed), and otherwise divided by 1 - p.  A term
    that spans d step boundaries survives with probability (1-p)^d and is then scaled by
    (1-p)^-d, so its expectation is the term itself: the estimate is unbiased, and the
    variance of that term's weight is (1-p)^-d - 1.

    Parameters
    ----------
    cell, xs, state0, params, dhs
        As for :func:`windowed_backward`.
    p : float
        The probability of a cut at each step boundary, 0 <= p < 1.
    rng : np.random.Generator or int

    Returns
    -------
    grads : dict
        One random draw of the compensated truncated gradient.
    cuts : ndarray of bool, shape (T-1,)
        ``cuts[t]`` is True when the flow from step t+1 back to step t was cut.
    """
    p = check_real("p", p, low=0.0)
    if p >= 1:
        raise ValueError(f"p must be below 1 (the factor is 1/(1 - p)), got {p}")
    rng = as_rng(rng)
    cell, steps, dhs = _forward_and_dhs(cell, xs, state0, params, dhs)
    cuts = rng.random(len(steps) - 1) < p  # cuts[t]: between steps t and t+1
    grads, dh = None, np.zeros_like(dhs[0])  # (B, H)
    for t in reversed(range(len(steps))):
        if t < len(steps) - 1:
            dh = np.zeros_like(dh) if cuts[t] else dh / (1.0 - p)
        _, dh, step_grads = cell.step_backward(dhs[t] + dh, steps[t])
        grads = _accumulate(grads, step_grads)
    return grads, cuts
