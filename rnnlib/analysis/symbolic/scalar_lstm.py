"""One step of a scalar LSTM cell as SymPy expressions (Chapter 6)."""

from typing import NamedTuple

import sympy as sp


class ScalarLSTMStep(NamedTuple):
    """One step of an LSTM with one input and one hidden unit, as SymPy expressions.

    ``i, f, g, o`` are the gates, ``c`` and ``h`` the new states, all written in the
    symbols of ``symbols``: the input ``x``, the incoming states ``h_prev`` and
    ``c_prev``, and for each gate k in i, f, g, o the weights ``w_xk``, ``w_hk`` and one
    bias ``b_k`` (the sum b_ik + b_hk of the code's two biases).
    """

    i: sp.Expr
    f: sp.Expr
    g: sp.Expr
    o: sp.Expr
    c: sp.Expr
    h: sp.Expr
    symbols: dict


def logistic(a):
    """The logistic function 1 / (1 + exp(-a)) as a SymPy expression."""
    return 1 / (1 + sp.exp(-a))


def scalar_lstm_step(*, sigma=logistic):
    """Build one scalar LSTM step, in rnnlib's (and PyTorch's) equations.

    The step computes::

        i = sigma(w_xi x + w_hi h_prev + b_i)    f = sigma(w_xf x + w_hf h_prev + b_f)
        g = tanh (w_xg x + w_hg h_prev + b_g)    o = sigma(w_xo x + w_ho h_prev + b_o)
        c = f c_prev + i g                       h = o tanh(c)

    Parameters
    ----------
    sigma : callable
        The gate activation applied to a SymPy expression: :func:`logistic` (default),
        or e.g. ``sympy.Function("sigma")`` to keep it abstract.

    Returns
    -------
    ScalarLSTMStep
        The gates and states; ``symbols`` maps ``"x"``, ``"h_prev"``, ``"c_prev"``, and
        ``"w_xk"``, ``"w_hk"``, ``"b_k"`` for k in i, f, g, o, to real symbols.
    """
    s = {name: sp.Symbol(tex, real=True) for name, tex in
         (("x", "x_t"), ("h_prev", "h_{t-1}"), ("c_prev", "c_{t-1}"))}
    pre = {}
    for k in "ifgo":
        s[f"w_x{k}"], s[f"w_h{k}"], s[f"b_{k}"] = sp.symbols(f"w_x{k} w_h{k} b_{k}", real=True)
        pre[k] = s[f"w_x{k}"] * s["x"] + s[f"w_h{k}"] * s["h_prev"] + s[f"b_{k}"]
    i, f, o = sigma(pre["i"]), sigma(pre["f"]), sigma(pre["o"])
    g = sp.tanh(pre["g"])
    c = f * s["c_prev"] + i * g
    h = o * sp.tanh(c)
    return ScalarLSTMStep(i=i, f=f, g=g, o=o, c=c, h=h, symbols=s)
