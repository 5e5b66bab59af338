import sympy as sp

from rnnlib import symbolic

x = sp.symbols("x", real=True)


def test_tanh_derivative_has_its_maximum_one_at_zero():
    r = symbolic.derivative_maximum(sp.tanh(x), x)
    assert sp.simplify(r.derivative - (1 - sp.tanh(x) ** 2)) == 0
    assert r.critical_points == sp.FiniteSet(0)
    assert r.third_at_critical == (-2,)
    assert r.limits == (0, 0)
    assert r.positive is True
    assert r.maximum == 1


def test_sigmoid_derivative_has_its_maximum_one_quarter_at_zero():
    r = symbolic.derivative_maximum(1 / (1 + sp.exp(-x)), x)
    assert r.critical_points == sp.FiniteSet(0)
    assert r.third_at_critical[0] < 0
    assert r.limits == (0, 0)
    assert r.positive is True
    assert r.maximum == sp.Rational(1, 4)


def test_derivative_maximum_reports_no_single_maximum_for_a_cubic():
    # phi = x^3 / 3 - x: phi'' = 2x vanishes at 0, but phi' = x^2 - 1 has a minimum there
    r = symbolic.derivative_maximum(x**3 / 3 - x, x)
    assert r.third_at_critical == (2,)
    assert r.limits == (sp.oo, sp.oo)
    assert r.positive is not True
