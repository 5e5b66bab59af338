"""Scalar RNNs unrolled in time as SymPy expressions (Chapters 1 and 3).

:func:`unroll_scalar_rnn` writes h_1 ... h_T out in the shared parameters;
:func:`unroll_scalar_rnn_with_output` adds an output layer and a squared-error loss,
the warm-up network of Chapter 3.
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
        The activation, applied to a SymPy expression (``sympy.tanh``,
        ``sympy.Function('f')``).
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


def unroll_scalar_rnn_with_output(T, *, f=sp.tanh, g=None, outputs="last"):
    """A scalar RNN with an output layer and a squared-error loss, unrolled for T steps.

    The network (the one of Chapter 3's warm-up)::

        a_t = w_hh h_{t-1} + w_xh x_t + b_h,  h_t = f(a_t),   t = 1 ... T
        O_t = g(w_hy h_t + b_y)
        L   = 1/2 (O_T - y_T)^2                        if outputs == "last"
        L   = sum_t 1/2 (O_t - y_t)^2                  if outputs == "all"

    Parameters
    ----------
    T : int
        Number of steps, T >= 1.
    f, g : callable
        The hidden and output activations, applied to SymPy expressions (``sympy.tanh``,
        ``sympy.Function('f')``, ``lambda u: u``).  g = None means the identity.
    outputs : {"last", "all"}
        Whether only step T or every step has an output and a target.

    Returns
    -------
    dict
        ``params``: dict of the symbols ``w_hh, w_xh, w_hy, b_h, b_y``; ``h0``; ``x``
        and ``y`` (lists of T symbols; only y[-1] is used when outputs == "last"); ``a``
        (the pre-activations w_hh h_{t-1} + w_xh x_t + b_h), ``h`` (the states), ``u``
        (the output pre-activations w_hy h_t + b_y) and ``O`` (the outputs), each a list
        of T expressions written out in the parameters; ``L``, the loss.
    """
    if not isinstance(T, int) or T < 1:
        raise ValueError(f"T must be an int >= 1, got {T!r}")
    if outputs not in ("last", "all"):
        raise ValueError(f"outputs must be 'last' or 'all', got {outputs!r}")
    g = (lambda v: v) if g is None else g
    w_hh, w_xh, w_hy, b_h, b_y, h0 = sp.symbols("w_hh w_xh w_hy b_h b_y h_0", real=True)
    x = list(sp.symbols(f"x_1:{T + 1}", real=True))
    y = list(sp.symbols(f"y_1:{T + 1}", real=True))
    a, h, u, O = [], [], [], []
    h_prev = h0
    for t in range(T):
        a.append(w_hh * h_prev + w_xh * x[t] + b_h)
        h.append(f(a[-1]))
        u.append(w_hy * h[-1] + b_y)
        O.append(g(u[-1]))
        h_prev = h[-1]
    steps = range(T) if outputs == "all" else [T - 1]
    L = sum((sp.Rational(1, 2) * (O[t] - y[t]) ** 2 for t in steps), sp.Integer(0))
    params = {"w_hh": w_hh, "w_xh": w_xh, "w_hy": w_hy, "b_h": b_h, "b_y": b_y}
    return {"params": params, "h0": h0, "x": x, "y": y, "a": a, "h": h, "u": u, "O": O, "L": L}
