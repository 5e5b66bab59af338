import numpy as np
import pytest
import sympy as sp

from rnnlib import rnn, symbolic


def test_unroll_scalar_rnn_matches_rnnlib_forward_on_random_numbers():
    T = 4
    hs, s = symbolic.unroll_scalar_rnn(T)
    rng = np.random.default_rng(0)
    w_xh, w_hh, b_h, h0 = rng.normal(size=4)
    xs = rng.normal(size=T)
    values = {s["w_xh"]: w_xh, s["w_hh"]: w_hh, s["b_h"]: b_h, s["h0"]: h0}
    values.update(dict(zip(s["x"], xs)))
    params = {
        "weight_ih": np.array([[w_xh]]),
        "weight_hh": np.array([[w_hh]]),
        "bias_ih": np.array([b_h]),
        "bias_hh": np.array([0.0]),
    }
    out, _ = rnn.forward(xs.reshape(T, 1, 1), np.array([[h0]]), params)
    symbolic_values = [float(h.subs(values)) for h in hs]
    np.testing.assert_allclose(symbolic_values, out.ravel(), rtol=1e-14)


def test_unrolled_states_use_the_same_parameters_at_every_step():
    hs, s = symbolic.unroll_scalar_rnn(3)
    params = {s["w_xh"], s["w_hh"], s["b_h"]}
    assert params <= hs[2].free_symbols
    assert hs[2].free_symbols - params == {s["h0"], *s["x"]}


def test_unroll_scalar_rnn_with_a_general_activation_nests_it_T_times():
    f = sp.Function("f")
    hs, _ = symbolic.unroll_scalar_rnn(3, phi=f, h0=0)
    assert len(hs[2].atoms(sp.Function)) == 3  # f(... f(... f(...)))


@pytest.mark.parametrize("bad", [0, -1, 2.0])
def test_unroll_scalar_rnn_rejects_a_bad_T(bad):
    with pytest.raises(ValueError, match="T must be an int >= 1"):
        symbolic.unroll_scalar_rnn(bad)


@pytest.mark.parametrize("t", range(1, 9))
def test_closed_form_equals_the_recursion(t):
    b, c = sp.IndexedBase("b"), sp.IndexedBase("c")
    diff = sp.expand(symbolic.recursion_closed_form(b, c, t) - symbolic.recursion_by_loop(b, c, t))
    assert diff == 0


def test_closed_form_is_not_the_seeds_misprint_with_c1():
    # One seed writes a_3 = b_3 + c_3 (b_2 + c_1 b_1); the true a_3 has c_2 where c_1 stands.
    b, c = sp.IndexedBase("b"), sp.IndexedBase("c")
    misprint = b[3] + c[3] * (b[2] + c[1] * b[1])
    assert sp.expand(symbolic.recursion_by_loop(b, c, 3) - misprint) != 0
