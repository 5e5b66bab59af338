"""SymPy helpers the chapters share: unrolled scalar RNNs and the recursive identity.

Everything here returns SymPy expressions, so a chapter can display them as math and
compare them with ``sympy.simplify(lhs - rhs) == 0`` or by substituting numbers.
"""

from typing import NamedTuple

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
    """The closed form of the lemma, written out for one t:

    a_t = b_t + sum_{i=1}^{t-1} (prod_{j=i+1}^{t} c_j) b_i.
    """
    total = b[t]
    for i in range(1, t):
        total += sp.Mul(*[c[j] for j in range(i + 1, t + 1)]) * b[i]
    return total


def softmax_symbolic(K, name="o"):
    """The softmax of K real symbolic logits, as a column vector.

    Parameters
    ----------
    K : int
        Number of classes, K >= 1.
    name : str
        Base name of the logit symbols: ``o_1 ... o_K``.

    Returns
    -------
    o : sympy.Matrix, shape (K, 1)
        The logits.
    s : sympy.Matrix, shape (K, 1)
        s_i = exp(o_i) / sum_k exp(o_k), written out (not simplified).
    """
    if not isinstance(K, int) or K < 1:
        raise ValueError(f"K must be an int >= 1, got {K!r}")
    o = sp.Matrix(sp.symbols(f"{name}_1:{K + 1}", real=True))
    z = sum(sp.exp(oi) for oi in o)
    s = sp.Matrix([sp.exp(oi) / z for oi in o])
    return o, s


def softmax_jacobian_symbolic(K, name="o"):
    """The K x K Jacobian J_ij = d s_i / d o_j of the softmax, by SymPy's ``jacobian``.

    Row i is the gradient of output s_i; column j is the derivative with respect to logit
    o_j.  Nothing is assumed about its form: compare it with ``diag(s) - s s^T`` yourself.

    Returns
    -------
    J : sympy.Matrix, shape (K, K)
    o : sympy.Matrix, shape (K, 1)
    s : sympy.Matrix, shape (K, 1)
    """
    o, s = softmax_symbolic(K, name)
    return s.jacobian(o), o, s


def recursion_closed_form_sum(b, c, t):
    """The closed form of the recursive identity for a *symbolic* t, as unevaluated sums.

    Returns ``b[t] + Sum(Product(c[j], (j, i+1, t)) * b[i], (i, 1, t-1))`` with integer
    dummies i and j; ``b`` and ``c`` are ``sympy.IndexedBase``.  For a concrete t,
    ``.doit()`` writes it out like :func:`recursion_closed_form`.
    """
    i, j = sp.symbols("i j", integer=True, positive=True)
    return b[t] + sp.Sum(sp.Product(c[j], (j, i + 1, t)) * b[i], (i, 1, t - 1))


def peel_last(expr):
    """Split the last term off a ``Sum`` or the last factor off a ``Product``.

    ``Sum(f, (k, lo, hi))`` becomes ``Sum(f, (k, lo, hi - 1)) + f(hi)`` and
    ``Product(f, (k, lo, hi))`` becomes ``Product(f, (k, lo, hi - 1)) * f(hi)``.
    Both hold whenever the range is not empty, lo <= hi; the caller is responsible
    for that.
    """
    if not isinstance(expr, (sp.Sum, sp.Product)) or len(expr.limits) != 1:
        raise ValueError(f"expected a Sum or Product over one index, got {expr!r}")
    f, (k, lo, hi) = expr.function, expr.limits[0]
    rest = type(expr)(f, (k, lo, hi - 1))
    last = f.subs(k, hi)
    return rest + last if isinstance(expr, sp.Sum) else rest * last


def inductive_step_residual(b, c, t, multiplier=None):
    """closed(t) - (b_t + m closed(t-1)) for a symbolic t >= 2, simplified by SymPy.

    ``multiplier`` m defaults to c_t, the recurrence of the lemma; pass another
    expression to see a wrong recurrence leave a residual.  SymPy cannot split a sum
    with a symbolic upper limit on its own, so two rules are applied first, each valid
    for t >= 2: the i = t-1 term is peeled off the outer sum, and the factor c_t off
    every product that ends at t (inside the sum i <= t-1, so those products are never
    empty).
    Returns 0 when the inductive step holds.
    """
    m = c[t] if multiplier is None else multiplier
    closed_t = recursion_closed_form_sum(b, c, t)
    (outer,) = closed_t.atoms(sp.Sum)
    peeled = closed_t.subs(outer, peel_last(outer))
    peeled = peeled.replace(
        lambda e: isinstance(e, sp.Product) and e.limits[0][2] == t, peel_last
    )
    return sp.simplify(peeled - (b[t] + m * recursion_closed_form_sum(b, c, t - 1)))


def derivative_at(fn, z):
    """fn'(z) as a SymPy expression, in the form ``sympy.diff`` produces for fn(z).

    For an undefined function (``sympy.Function('f')``) this is
    ``Subs(Derivative(f(xi), xi), xi, z)``, shown as f'(z); for a known one such as
    ``sympy.tanh`` it is evaluated (1 - tanh(z)**2).
    """
    xi = sp.Dummy("xi")
    return sp.Subs(sp.Derivative(fn(xi), xi), xi, z).doit()


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
        ``params``: dict of the symbols ``w_hh, w_xh, w_hy, b_h, b_y``; ``h0``; ``x`` and
        ``y`` (lists of T symbols; only y[-1] is used when outputs == "last"); ``a`` (the
        pre-activations w_hh h_{t-1} + w_xh x_t + b_h), ``h`` (the states), ``u`` (the
        output pre-activations w_hy h_t + b_y) and ``O`` (the outputs), each a list of T
        expressions written out in the parameters; ``L``, the loss.
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


# --- Chapter 5: how large can an activation's derivative be? ----------------------------


class DerivativeMaximum(NamedTuple):
    """The pieces of the proof that phi'(x) has a single global maximum on the real line."""

    derivative: sp.Expr  # phi'(x)
    second: sp.Expr  # phi''(x), simplified
    critical_points: sp.Set  # the real solutions of phi''(x) = 0
    third_at_critical: tuple  # phi'''(c) for each critical point c (negative: a local maximum)
    limits: tuple  # (lim_{x -> -oo} phi'(x), lim_{x -> +oo} phi'(x))
    positive: object  # SymPy's verdict on phi'(x) > 0 for every real x (True, False or None)
    maximum: object  # phi'(c) if there is exactly one critical point, else None


def derivative_maximum(phi, x):
    """Collect the facts that bound phi' from above: its critical points, the second-derivative
    test at each, its limits at -oo and +oo, and whether it is positive.

    If phi'' vanishes at exactly one point c, phi'''(c) < 0 and phi' tends to the same finite
    value at both ends that lies below phi'(c), then phi' rises up to c and falls after it,
    so phi'(c) is its maximum over the whole real line.

    Parameters
    ----------
    phi : sympy expression
        The activation written in the real symbol ``x``, e.g. ``sympy.tanh(x)``.
    x : sympy Symbol
        Declared real.

    Returns
    -------
    DerivativeMaximum
    """
    d1 = sp.diff(phi, x)
    d2 = sp.simplify(sp.diff(d1, x))
    d3 = sp.diff(d2, x)
    crit = sp.solveset(d2, x, domain=sp.S.Reals)
    points = tuple(crit) if isinstance(crit, sp.FiniteSet) else ()
    third = tuple(sp.simplify(d3.subs(x, c)) for c in points)
    limits = (sp.limit(d1, x, -sp.oo), sp.limit(d1, x, sp.oo))
    positive = sp.simplify(d1.rewrite(sp.exp)).is_positive
    maximum = sp.simplify(d1.subs(x, points[0])) if len(points) == 1 else None
    return DerivativeMaximum(d1, d2, crit, third, limits, positive, maximum)


# --- Chapter 6: a scalar LSTM cell ------------------------------------------------------


class ScalarLSTMStep(NamedTuple):
    """One step of an LSTM with one input and one hidden unit, as SymPy expressions.

    ``i, f, g, o`` are the gates, ``c`` and ``h`` the new states, all written in the
    symbols of ``symbols``: the input ``x``, the incoming states ``h_prev`` and ``c_prev``,
    and for each gate k in i, f, g, o the weights ``w_xk``, ``w_hk`` and one bias ``b_k``
    (the sum b_ik + b_hk of the code's two biases).
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
        The gate activation applied to a SymPy expression: :func:`logistic` (default), or
        e.g. ``sympy.Function("sigma")`` to keep it abstract.

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
