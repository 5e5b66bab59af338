"""The recursive identity of Chapter 2 in SymPy: the loop, the closed form, and the
inductive step of its proof.

If a_0 = 0 and a_k = b_k + c_k a_{k-1}, then
a_t = b_t + sum_{i=1}^{t-1} (prod_{j=i+1}^{t} c_j) b_i.
"""

import sympy as sp


def recursion_by_loop(b, c, t):
    """a_t from a_0 = 0 and a_k = b_k + c_k a_{k-1}, iterated k = 1 ... t.

    ``b`` and ``c`` are indexable by k = 1 ... t (a ``sympy.IndexedBase``, or a list
    with a dummy entry at index 0).
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


def recursion_closed_form_sum(b, c, t):
    """The closed form of the identity for a *symbolic* t, as unevaluated sums.

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
