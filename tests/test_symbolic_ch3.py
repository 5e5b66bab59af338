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
    w_aa, w_ax, w_ya, b_a, b_y, a0 = rng.normal(size=6)
    xs, ys = rng.normal(size=T), rng.normal(size=T)
    p = net["params"]
    values = {p["w_aa"]: w_aa, p["w_ax"]: w_ax, p["w_ya"]: w_ya, p["b_a"]: b_a, p["b_y"]: b_y, net["a0"]: a0}
    values.update(dict(zip(net["x"], xs)))
    values.update(dict(zip(net["y"], ys)))
    a, loss = a0, 0.0
    for t in range(T):
        a = np.tanh(w_aa * a + w_ax * xs[t] + b_a)
        loss += 0.5 * (np.sin(w_ya * a + b_y) - ys[t]) ** 2
    assert float(net["L"].subs(values)) == pytest.approx(loss, rel=1e-13)


def test_last_output_loss_uses_only_the_last_target():
    net = symbolic.unroll_scalar_rnn_with_output(3, f=sp.Function("f"))
    assert net["y"][2] in net["L"].free_symbols
    assert not ({net["y"][0], net["y"][1]} & net["L"].free_symbols)
    assert not ({net["x"][0]} - net["L"].free_symbols)  # x_1 reaches the loss through a_1


def test_general_activations_are_nested_T_times():
    f, g = sp.Function("f"), sp.Function("g")
    net = symbolic.unroll_scalar_rnn_with_output(3, f=f, g=g)
    assert net["O"][2].func == g
    assert sum(1 for e in sp.preorder_traversal(net["a"][2]) if getattr(e, "func", None) == f) == 3


@pytest.mark.parametrize("kwargs,match", [({"T": 0}, "T must be"), ({"T": 2, "outputs": "some"}, "outputs must")])
def test_unroll_scalar_rnn_with_output_rejects_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        symbolic.unroll_scalar_rnn_with_output(**kwargs)
