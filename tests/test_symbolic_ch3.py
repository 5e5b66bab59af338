import numpy as np
import pytest
import sympy as sp

from rnnlib import symbolic


def test_derivative_at_matches_sympy_diff_for_an_undefined_function():
    f = sp.Function("f")
    w, x = sp.symbols("w x")
    z = w * x + 1
    assert sp.expand(sp.diff(f(z), w) - symbolic.derivative_at(f, z) * x) == 0


def test_derivative_at_evaluates_a_known_function():
    z = sp.Symbol("z")
    assert sp.simplify(symbolic.derivative_at(sp.tanh, z) - (1 - sp.tanh(z) ** 2)) == 0


def test_unrolled_network_matches_a_numpy_loop_on_random_numbers():
    T = 4
    net = symbolic.unroll_scalar_rnn_with_output(T, f=sp.tanh, g=sp.sin, outputs="all")
    rng = np.random.default_rng(1)
    w_hh, w_xh, w_hy, b_h, b_y, h0 = rng.normal(size=6)
    xs, ys = rng.normal(size=T), rng.normal(size=T)
    p = net["params"]
    values = {p["w_hh"]: w_hh, p["w_xh"]: w_xh, p["w_hy"]: w_hy, p["b_h"]: b_h, p["b_y"]: b_y, net["h0"]: h0}
    values.update(dict(zip(net["x"], xs)))
    values.update(dict(zip(net["y"], ys)))
    h, loss = h0, 0.0
    for t in range(T):
        h = np.tanh(w_hh * h + w_xh * xs[t] + b_h)
        loss += 0.5 * (np.sin(w_hy * h + b_y) - ys[t]) ** 2
    assert float(net["L"].subs(values)) == pytest.approx(loss, rel=1e-13)


def test_last_output_loss_uses_only_the_last_target():
    net = symbolic.unroll_scalar_rnn_with_output(3, f=sp.Function("f"))
    assert net["y"][2] in net["L"].free_symbols
    assert not ({net["y"][0], net["y"][1]} & net["L"].free_symbols)
    assert not ({net["x"][0]} - net["L"].free_symbols)  # x_1 reaches the loss through h_1


def test_general_activations_are_nested_T_times():
    f, g = sp.Function("f"), sp.Function("g")
    net = symbolic.unroll_scalar_rnn_with_output(3, f=f, g=g)
    assert net["O"][2].func == g
    assert sum(1 for e in sp.preorder_traversal(net["h"][2]) if getattr(e, "func", None) == f) == 3


@pytest.mark.parametrize("kwargs,match", [({"T": 0}, "T must be"), ({"T": 2, "outputs": "some"}, "outputs must")])
def test_unroll_scalar_rnn_with_output_rejects_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        symbolic.unroll_scalar_rnn_with_output(**kwargs)
