"""SymPy helpers the chapters share: unrolled scalar RNNs and the recursive identity.

Everything here returns SymPy expressions, so a chapter can display them as math and
compare them with ``sympy.simplify(lhs - rhs) == 0`` or by substituting numbers.
"""

import sympy as sp


def scalar_rnn_symbols(T):
    """The symbols of a scalar RNN unrolled for T steps.

    Returns
    -------
    dict
        ``w_xh``, ``w_hh``, ``b_h`` (the shared parameters), ``h0`` (initial state) and
        ``x`` (a list of the inputs x_1 ... x_T).
    """
    w_xh, w_hh, b_h, h0 = sp.symbols("w_xh w_hh b_h h_0", real=True)
    x = list(sp.symbols(f"x_1:{T + 1}", real=True))
    return {"w_xh": w_xh, "w_hh": w_hh, "b_h": b_h, "h0": h0, "x": x}


def unroll_scalar_rnn(T, *, phi=sp.tanh, symbols=None, h0=None):
    """Unroll h_t = phi(w_xh x_t + w_hh h_{t-1} + b_h) for t = 1 ... T.

    Parameters
    ----------
    T : int
        Number of steps, T >= 1.
    phi : callable
        The activation, applied to a SymPy expression (``sympy.tanh``, ``sympy.Function('f')``).
    symbols : dict or None
        As returned by :func:`scalar_rnn_symbols`; None makes new ones.
    h0 : sympy expression or number or None
        The initial state; None uses the symbol ``h_0`` from ``symbols``.

    Returns
    -------
    hs : list of sympy expressions
        [h_1, ..., h_T], each written out in terms of the *same* w_xh, w_hh, b_h.
    symbols : dict
    """
    if not isinstance(T, int) or T < 1:
        raise ValueError(f"T must be an int >= 1, got {T!r}")
    s = scalar_rnn_symbols(T) if symbols is None else symbols
    if len(s["x"]) < T:
        raise ValueError(f"symbols['x'] holds {len(s['x'])} inputs but T = {T}")
    h = s["h0"] if h0 is None else sp.sympify(h0)
    hs = []
    for t in range(T):
        h = phi(s["w_xh"] * s["x"][t] + s["w_hh"] * h + s["b_h"])
        hs.append(h)
    return hs, s


def recursion_by_loop(b, c, t):
    """a_t from a_0 = 0 and a_k = b_k + c_k a_{k-1}, iterated k = 1 ... t.

    ``b`` and ``c`` are indexable by k = 1 ... t (a ``sympy.IndexedBase``, or a list with a
    dummy entry at index 0).
    """
    a = sp.Integer(0)
    for k in range(1, t + 1):
        a = b[k] + c[k] * a
    return a


def recursion_closed_form(b, c, t):
    """The closed form a_t = b_t + sum_{i=1}^{t-1} (prod_{j=i+1}^{t} c_j) b_i, written out."""
    total = b[t]
    for i in range(1, t):
        total += sp.Mul(*[c[j] for j in range(i + 1, t + 1)]) * b[i]
    return total
