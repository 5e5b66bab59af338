import numpy as np
import pytest

from rnnlib import diagnostics, gru, lstm, models, rnn

CELLS = [rnn, lstm, gru]
EPS = 1e-6


def _problem(cell, T=5, B=2, D=3, H=4, seed=0):
    rng = np.random.default_rng(seed)
    params = cell.init_params(D, H, rng=rng)
    params = {k: v + 0.3 * rng.standard_normal(v.shape) for k, v in params.items()}  # biases nonzero too
    xs = rng.standard_normal((T, B, D))
    if cell is lstm:
        state0 = (rng.standard_normal((B, H)), rng.standard_normal((B, H)))
    else:
        state0 = rng.standard_normal((B, H))
    return xs, state0, params, rng


def _state_at(cell, xs, state0, params, t):
    """The state after t steps (the state h_t, or (h_t, c_t)), t = 0 ... T."""
    if t == 0:
        return state0
    hs, cache = cell.forward(xs[:t], state0, params)
    return models.final_state(cell, hs, cache)


def _replace(state, part, value):
    """The state with its h part (part 0) or c part (part 1) replaced."""
    if isinstance(state, tuple):
        return tuple(value if i == part else s for i, s in enumerate(state))
    return value


def _numerical_grad(f, x):
    grad = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        old = x[idx]
        x[idx] = old + EPS
        up = f()
        x[idx] = old - EPS
        down = f()
        x[idx] = old
        grad[idx] = (up - down) / (2 * EPS)
    return grad


@pytest.mark.parametrize("cell", CELLS)
@pytest.mark.parametrize("T, B, H", [(5, 2, 4), (1, 1, 1), (3, 1, 2)])
def test_hidden_grad_norms_match_finite_differences_of_the_total_gradient(cell, T, B, H):
    xs, state0, params, rng = _problem(cell, T=T, B=B, H=H)
    dhs = rng.standard_normal((T, B, H))  # L = sum(hs * dhs)
    out = diagnostics.hidden_grad_norms(cell, xs, state0, params, dhs, cell_state=cell is lstm)
    norms, c_norms = out if cell is lstm else (out, None)
    assert norms.shape == (T,)
    for t in range(1, T + 1):  # h_t = hs[t-1]
        state_t = _state_at(cell, xs, state0, params, t)
        parts = [0, 1] if cell is lstm else [0]
        for part in parts:
            x = np.array(state_t[part] if cell is lstm else state_t)

            def loss_from_step_t():
                state = _replace(state_t, part, x)
                h = state[0] if cell is lstm else state
                rest = 0.0
                if t < T:
                    rest = np.sum(cell.forward(xs[t:], state, params)[0] * dhs[t:])
                return np.sum(h * dhs[t - 1]) + rest

            expected = np.linalg.norm(_numerical_grad(loss_from_step_t, x))
            got = norms[t - 1] if part == 0 else c_norms[t - 1]
            np.testing.assert_allclose(got, expected, rtol=1e-7, atol=1e-9)


def test_hidden_grad_norms_of_the_last_step_is_the_immediate_gradient():
    xs, state0, params, rng = _problem(rnn, T=6)
    dhs = np.zeros((6, 2, 4))
    dhs[-1] = rng.standard_normal((2, 4))
    norms = diagnostics.hidden_grad_norms("rnn", xs, state0, params, dhs)
    assert norms[-1] == pytest.approx(np.linalg.norm(dhs[-1]), rel=1e-15)
    assert (norms[:-1] > 0).all()


@pytest.mark.parametrize("cell", CELLS)
@pytest.mark.parametrize("ord", [2, "fro"])
@pytest.mark.parametrize("T, H", [(4, 3), (1, 1), (2, 1)])
def test_state_jacobian_norms_match_finite_difference_jacobians(cell, ord, T, H):
    xs, state0, params, _ = _problem(cell, T=T, B=1, H=H, seed=1)
    norms = diagnostics.state_jacobian_norms(cell, xs, state0, params, ord=ord)
    assert norms.shape == (T,)
    wrts = ["h", "c"] if cell is lstm else ["h"]
    for wrt in wrts:
        if wrt == "c":
            norms = diagnostics.state_jacobian_norms(cell, xs, state0, params, ord=ord, wrt="c")
        part = 0 if wrt == "h" else 1
        for t in range(T):
            state_t = _state_at(cell, xs, state0, params, t)
            x = np.array(state_t[part] if cell is lstm else state_t)  # (1, H)
            jac = np.empty((H, H))  # [i, j] = d h_T[i] / d state_t[j]
            for i in range(H):
                jac[i] = _numerical_grad(
                    lambda: cell.forward(xs[t:], _replace(state_t, part, x), params)[0][-1, 0, i], x
                )[0]
            np.testing.assert_allclose(norms[t], np.linalg.norm(jac, ord), rtol=1e-7, atol=1e-10)


def test_state_jacobian_norms_shrink_geometrically_for_a_contracting_rnn():
    rng = np.random.default_rng(0)
    H, T = 6, 12
    q, _ = np.linalg.qr(rng.standard_normal((H, H)))
    params = rnn.init_params(2, H, rng=1)
    params["weight_hh"] = 0.5 * q  # every singular value 0.5, and |tanh'| <= 1
    xs = rng.standard_normal((T, 1, 2))
    norms = diagnostics.state_jacobian_norms(rnn, xs, None, params)
    distance = T - np.arange(T)
    assert (norms <= 0.5**distance * (1 + 1e-12)).all()
    assert (np.diff(norms) > 0).all()  # nearer states matter more


def test_state_jacobian_norms_accept_a_none_state_and_cell_names():
    xs, _, params, _ = _problem(lstm, T=3, B=1, H=2)
    a = diagnostics.state_jacobian_norms("lstm", xs, None, params)
    b = diagnostics.state_jacobian_norms(lstm, xs, (np.zeros((1, 2)), np.zeros((1, 2))), params)
    np.testing.assert_array_equal(a, b)


def test_diagnostics_reject_bad_arguments():
    xs, state0, params, rng = _problem(rnn, T=3, B=2, H=4)
    with pytest.raises(ValueError, match=r"shape \(T, 1, D\)"):
        diagnostics.state_jacobian_norms(rnn, xs, state0, params)
    one = xs[:, :1]
    with pytest.raises(ValueError, match="ord"):
        diagnostics.state_jacobian_norms(rnn, one, None, params, ord=1)
    with pytest.raises(ValueError, match="wrt must be"):
        diagnostics.state_jacobian_norms(rnn, one, None, params, wrt="x")
    with pytest.raises(ValueError, match="wrt='c' needs"):
        diagnostics.state_jacobian_norms(rnn, one, None, params, wrt="c")
    with pytest.raises(ValueError, match=r"dhs has shape \(3, 2, 3\)"):
        diagnostics.hidden_grad_norms(rnn, xs, state0, params, np.zeros((3, 2, 3)))
    with pytest.raises(ValueError, match="cell_state=True needs"):
        diagnostics.hidden_grad_norms(rnn, xs, state0, params, np.zeros((3, 2, 4)), cell_state=True)
