import numpy as np
import sympy as sp

from rnnlib import lstm, symbolic


def test_scalar_lstm_step_matches_rnnlib_lstm_with_one_unit():
    step = symbolic.scalar_lstm_step()
    s = step.symbols
    rng = np.random.default_rng(3)
    p = {k: rng.uniform(-1, 1, size=v.shape) for k, v in lstm.init_params(1, 1, rng=0).items()}
    x, h0, c0 = rng.standard_normal(3)
    (h, c), _ = lstm.step_forward(np.array([[x]]), (np.array([[h0]]), np.array([[c0]])), p)
    values = {s["x"]: x, s["h_prev"]: h0, s["c_prev"]: c0}
    for row, k in enumerate("ifgo"):
        values[s[f"w_x{k}"]] = p["weight_ih"][row, 0]
        values[s[f"w_h{k}"]] = p["weight_hh"][row, 0]
        values[s[f"b_{k}"]] = p["bias_ih"][row] + p["bias_hh"][row]
    assert np.isclose(float(step.c.subs(values)), c[0, 0], rtol=1e-12)
    assert np.isclose(float(step.h.subs(values)), h[0, 0], rtol=1e-12)


def test_direct_derivative_of_the_cell_state_is_the_forget_gate():
    step = symbolic.scalar_lstm_step()
    assert sp.simplify(sp.diff(step.c, step.symbols["c_prev"]) - step.f) == 0


def test_abstract_sigma_keeps_gates_as_function_applications():
    sigma = sp.Function("sigma")
    step = symbolic.scalar_lstm_step(sigma=sigma)
    assert len(step.h.atoms(sigma)) == 3 and step.f.func == sigma
