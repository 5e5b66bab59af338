"""The SymPy helpers Chapter 2 adds: the closed form for a symbolic t and its inductive step."""

import pytest
import sympy as sp

from rnnlib import symbolic

t = sp.Symbol("t", integer=True, positive=True)
b, c = sp.IndexedBase("b"), sp.IndexedBase("c")


def test_closed_form_sum_satisfies_the_recurrence_for_symbolic_t():
    assert symbolic.inductive_step_residual(b, c, t) == 0


def test_a_wrong_recurrence_leaves_a_residual_for_symbolic_t():
    assert symbolic.inductive_step_residual(b, c, t, multiplier=c[t - 1]) != 0


@pytest.mark.parametrize("n", [1, 2, 3, 8])
def test_closed_form_sum_evaluates_to_the_loop_for_concrete_t(n):
    as_sum = symbolic.recursion_closed_form_sum(b, c, n).doit()
    assert sp.expand(as_sum - symbolic.recursion_by_loop(b, c, n)) == 0


def test_peel_last_splits_off_the_last_term_and_factor():
    k = sp.Symbol("k", integer=True)
    assert symbolic.peel_last(sp.Sum(b[k], (k, 1, 4))).doit() == sp.Sum(b[k], (k, 1, 4)).doit()
    peeled = symbolic.peel_last(sp.Product(c[k], (k, 1, t)))
    assert peeled == sp.Product(c[k], (k, 1, t - 1)) * c[t]
    with pytest.raises(ValueError, match="Sum or Product"):
        symbolic.peel_last(b[1])
