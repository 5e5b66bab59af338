"""Gated-cell variants and bookkeeping for the LSTM/GRU chapter.

:func:`gru_reset_before_step`
    The GRU as first published by Cho et al. (2014), where the reset gate scales h_{t-1}
    *before* the recurrent matrix product::

        n_t = tanh(W_in x_t + b_in + W_hn (r_t * h_{t-1}) + b_hn)

    :mod:`rnnlib.gru` (like ``torch.nn.GRU`` and cuDNN) applies it *after*:
    ``n_t = tanh(W_in x_t + b_in + r_t * (W_hn h_{t-1} + b_hn))``.  Same parameters, same
    gate order r, z, n, same update ``h_t = (1 - z_t) * n_t + z_t * h_{t-1}``; only n differs.
    Its backward pass is an exercise of Chapter 6, so the library leaves it out.
:func:`gate_slices`, :func:`reorder_gates`, :func:`with_forget_bias`
    Where each gate lives in the stacked weights, converting between gate orders, and the
    forget-gate bias initialisation of Jozefowicz et al. (2015).
:func:`param_count`, :func:`step_cost`, :func:`count_step_macs`
    Parameters and work per step: a counting formula and an independent count of the
    multiply-adds that a cell's ``step_forward`` actually performs.
"""

import importlib
from typing import NamedTuple

import numpy as np

from ._checks import check_cache, check_input, check_params, check_positive_int, check_real, check_state
from .activations import sigmoid

#: The gate order of each cell in ``rnnlib`` (PyTorch's order).
GATE_ORDER = {"rnn": ("h",), "lstm": ("i", "f", "g", "o"), "gru": ("r", "z", "n")}


def _cell_name(cell):
    name = cell if isinstance(cell, str) else getattr(cell, "__name__", "").rsplit(".", 1)[-1]
    if name not in GATE_ORDER:
        raise ValueError(f"cell must be one of {tuple(GATE_ORDER)} or its module, got {cell!r}")
    return name


# --------------------------------------------------------------------------------------
# Cho's original GRU: the reset gate before the matrix product
# --------------------------------------------------------------------------------------


class ResetBeforeCache(NamedTuple):
    """The intermediate values of :func:`gru_reset_before_step`, for a backward pass."""

    x: np.ndarray  # (B, D)
    h_prev: np.ndarray  # (B, H)
    r: np.ndarray  # (B, H) reset gate
    z: np.ndarray  # (B, H) update gate
    n: np.ndarray  # (B, H) candidate state
    rh: np.ndarray  # (B, H) r * h_prev, what W_hn multiplies
    params: dict


def gru_reset_before_step(x, h_prev, params):
    """One step of the reset-before GRU (Cho et al., 2014), with :mod:`rnnlib.gru`'s parameters.

    Parameters
    ----------
    x : ndarray, shape (B, D)
    h_prev : ndarray, shape (B, H), or None (zeros)
    params : dict
        ``weight_ih`` (3H, D), ``weight_hh`` (3H, H), ``bias_ih`` (3H,), ``bias_hh`` (3H,),
        gates r, z, n, as returned by :func:`rnnlib.gru.init_params`.

    Returns
    -------
    h : ndarray, shape (B, H)
    cache : ResetBeforeCache
    """
    D, H, dtype = check_params(params, 3)
    x = check_input("x", x, D, dtype)
    h_prev = check_state("h_prev", h_prev, x.shape[0], H, dtype)
    W_ih, W_hh, b_ih, b_hh = params["weight_ih"], params["weight_hh"], params["bias_ih"], params["bias_hh"]
    ax = x @ W_ih.T + b_ih  # (B, 3H)
    r = sigmoid(ax[:, :H] + h_prev @ W_hh[:H].T + b_hh[:H])  # (B, H)
    z = sigmoid(ax[:, H : 2 * H] + h_prev @ W_hh[H : 2 * H].T + b_hh[H : 2 * H])  # (B, H)
    rh = r * h_prev  # (B, H): reset first ...
    n = np.tanh(ax[:, 2 * H :] + rh @ W_hh[2 * H :].T + b_hh[2 * H :])  # ... then multiply by W_hn
    h = (1.0 - z) * n + z * h_prev  # (B, H)
    return h, ResetBeforeCache(x=x, h_prev=h_prev, r=r, z=z, n=n, rh=rh, params=params)


# --------------------------------------------------------------------------------------
# Gates inside the stacked weights
# --------------------------------------------------------------------------------------


def gate_slices(cell, hidden_size):
    """Where each gate's rows sit in the stacked weights and biases.

    Parameters
    ----------
    cell : {"rnn", "lstm", "gru"} or the module
    hidden_size : int
        H.

    Returns
    -------
    slices : dict
        Gate name -> ``slice`` of the first axis, e.g. for the LSTM
        ``{"i": slice(0, H), "f": slice(H, 2H), "g": slice(2H, 3H), "o": slice(3H, 4H)}``.
    """
    H = check_positive_int("hidden_size", hidden_size)
    return {gate: slice(k * H, (k + 1) * H) for k, gate in enumerate(GATE_ORDER[_cell_name(cell)])}


def reorder_gates(params, from_order, to_order):
    """Restack gated parameters from one gate order into another.

    Parameters
    ----------
    params : dict
        ``weight_ih`` (G*H, D), ``weight_hh`` (G*H, H), ``bias_ih`` (G*H,), ``bias_hh`` (G*H,),
        with gates stacked in ``from_order``.
    from_order, to_order : sequence of str
        The same G gate names in two orders, e.g. ``"ifgo"`` and ``"iofg"``.

    Returns
    -------
    params : dict
        New arrays, the same gates stacked in ``to_order``.
    """
    from_order, to_order = tuple(from_order), tuple(to_order)
    if sorted(from_order) != sorted(to_order) or len(set(from_order)) != len(from_order):
        raise ValueError(f"from_order and to_order must hold the same distinct gates, got {from_order} and {to_order}")
    G = len(from_order)
    _, H, _ = check_params(params, G)  # weight_hh must be (G*H, H) for these G gates
    extra = sorted(set(params) - {"weight_ih", "weight_hh", "bias_ih", "bias_hh"})
    if extra:
        raise ValueError(f"params has unexpected key(s) {extra}; expected weight_ih, weight_hh, bias_ih, bias_hh")
    where = {gate: k for k, gate in enumerate(from_order)}
    out = {}
    for name, arr in params.items():
        blocks = [arr[where[gate] * H : (where[gate] + 1) * H] for gate in to_order]
        out[name] = np.concatenate(blocks, axis=0)
    return out


def with_forget_bias(params, value):
    """A copy of LSTM parameters whose effective forget-gate bias is ``value``.

    The forget gate's pre-activation contains ``b_if + b_hf``, the f rows of *both*
    ``bias_ih`` and ``bias_hh``, and only their sum matters.  This sets the f rows of
    ``bias_ih`` to ``value`` and those of ``bias_hh`` to 0, so the sum is exactly ``value``
    (setting both to ``value`` would give ``2 * value``).  Every other entry is copied.

    Parameters
    ----------
    params : dict
        LSTM parameters, gates i, f, g, o.
    value : float

    Returns
    -------
    params : dict
        New arrays.
    """
    value = check_real("value", value)
    if not isinstance(params, dict) or "weight_hh" not in params:
        raise TypeError(f"params must be a dict of LSTM parameters, got {type(params).__name__}")
    H = np.shape(params["weight_hh"])[-1]
    if np.shape(params["weight_hh"]) != (4 * H, H):
        raise ValueError(f"expected LSTM parameters (weight_hh of shape (4H, H)), got {np.shape(params['weight_hh'])}")
    check_params(params, 4)
    out = {k: np.array(v, copy=True) for k, v in params.items()}
    f = gate_slices("lstm", H)["f"]
    out["bias_ih"][f] = value
    out["bias_hh"][f] = 0.0
    return out


# --------------------------------------------------------------------------------------
# Cost: parameters and work per step
# --------------------------------------------------------------------------------------


class StepCost(NamedTuple):
    """The work of one time step for one sequence (batch size 1)."""

    macs: int  # multiply-adds in the two matrix products, G*H*(D + H)
    sigmoids: int  # logistic evaluations
    tanhs: int  # tanh evaluations
    products: int  # elementwise multiplications between gates and states


#: Per hidden unit and step: (sigmoids, tanhs, elementwise products), read off the equations.
_ELEMENTWISE = {
    "rnn": (0, 1, 0),  # h = tanh(a)
    "lstm": (3, 2, 3),  # i, f, o; g, tanh(c); f*c_prev, i*g, o*tanh(c)
    "gru": (2, 1, 2),  # r, z; n; r*(W_hn h + b_hn), z*(h_prev - n)
}


def param_count(cell, input_size, hidden_size):
    """The number of parameters of a cell: G*H*(D + H) weights plus 2*G*H biases.

    The two bias vectors (``bias_ih`` and ``bias_hh``, as in PyTorch) are both counted.
    """
    G = len(GATE_ORDER[_cell_name(cell)])
    D = check_positive_int("input_size", input_size)
    H = check_positive_int("hidden_size", hidden_size)
    return G * H * (D + H) + 2 * G * H


def step_cost(cell, input_size, hidden_size):
    """The counting formula for one step of one sequence; see :class:`StepCost`."""
    name = _cell_name(cell)
    G = len(GATE_ORDER[name])
    D = check_positive_int("input_size", input_size)
    H = check_positive_int("hidden_size", hidden_size)
    s, t, p = _ELEMENTWISE[name]
    return StepCost(macs=G * H * (D + H), sigmoids=s * H, tanhs=t * H, products=p * H)


class _CountingArray(np.ndarray):
    """An ndarray that adds the multiply-adds of every matrix product it enters to a counter."""

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        plain = [np.asarray(a).view(np.ndarray) if isinstance(a, np.ndarray) else a for a in inputs]
        counter = next(a._counter for a in inputs if isinstance(a, _CountingArray))
        if ufunc is np.matmul and method == "__call__":
            a, b = plain
            counter.append(int(np.prod(a.shape[:-1])) * a.shape[-1] * b.shape[-1])  # (m, k) @ (k, n): m k n
        return getattr(ufunc, method)(*plain, **kwargs)

    def __getitem__(self, key):
        out = super().__getitem__(key)
        if isinstance(out, _CountingArray):
            out._counter = self._counter
        return out

    @property
    def T(self):
        out = super().T
        out._counter = self._counter
        return out


def count_step_macs(cell, input_size, hidden_size, batch_size=1, *, rng=0):
    """Count the multiply-adds of the matrix products in one call of ``cell.step_forward``.

    The weights are wrapped so that every ``@`` they enter records ``m*k*n`` for an
    (m, k) @ (k, n) product; the step itself is the library's own code, unchanged.

    Parameters
    ----------
    cell : {"rnn", "lstm", "gru"} or the module
    input_size, hidden_size, batch_size : int
        D, H and B.
    rng : np.random.Generator or int

    Returns
    -------
    macs : int
        The total over the step's matrix products, for the whole batch.
    """
    name = _cell_name(cell)
    module = importlib.import_module(f"rnnlib.{name}")
    D = check_positive_int("input_size", input_size)
    H = check_positive_int("hidden_size", hidden_size)
    B = check_positive_int("batch_size", batch_size)
    gen = np.random.default_rng(rng)
    params = module.init_params(D, H, rng=gen)
    counter = []
    for key in ("weight_ih", "weight_hh"):
        wrapped = params[key].view(_CountingArray)
        wrapped._counter = counter
        params[key] = wrapped
    x = gen.standard_normal((B, D))
    h = gen.standard_normal((B, H))
    state = (h, gen.standard_normal((B, H))) if name == "lstm" else h
    module.step_forward(x, state, params, check=False)
    return sum(counter)
