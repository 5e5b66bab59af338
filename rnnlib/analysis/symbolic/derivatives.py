"""Derivatives of activations: f'(z) in SymPy's form, and the proof that phi' has one
global maximum (Chapter 5: how large can an activation's derivative be?).
"""

from typing import NamedTuple

import sympy as sp


def derivative_at(fn, z):
    """fn'(z) as a SymPy expression, in the form ``sympy.diff`` produces for fn(z).

    For an undefined function (``sympy.Function('f')``) this is
    ``Subs(Derivative(f(xi), xi), xi, z)``, shown as f'(z); for a known one such as
    ``sympy.tanh`` it is evaluated (1 - tanh(z)**2).
    """
    xi = sp.Dummy("xi")
    return sp.Subs(sp.Derivative(fn(xi), xi), xi, z).doit()


class DerivativeMaximum(NamedTuple):
    """The pieces of the proof that phi'(x) has one global maximum on the real line."""

    derivative: sp.Expr  # phi'(x)
    second: sp.Expr  # phi''(x), simplified
    critical_points: sp.Set  # the real solutions of phi''(x) = 0
    third_at_critical: tuple  # phi'''(c) for each critical point c (negative: a local maximum)
    limits: tuple  # (lim_{x -> -oo} phi'(x), lim_{x -> +oo} phi'(x))
    positive: object  # SymPy's verdict on phi'(x) > 0 for every real x (True, False or None)
    maximum: object  # phi'(c) if there is exactly one critical point, else None


def derivative_maximum(phi, x):
    """Collect the facts that bound phi' from above: its critical points, the
    second-derivative test at each, its limits at -oo and +oo, and whether it is
    positive.

    If phi'' vanishes at exactly one point c, phi'''(c) < 0 and phi' tends to the same
    finite value at both ends that lies below phi'(c), then phi' rises up to c and falls
    after it, so phi'(c) is its maximum over the whole real line.

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
