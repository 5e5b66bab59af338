"""The LSTM cell: the shared contract (test_cells_common), a literal reference, and the
tuple structure of its state."""

import numpy as np
import pytest
from conftest import random_params
from test_cells_common import *  # noqa: F401,F403  the contract tests, run for this cell

from rnnlib import lstm


@pytest.fixture
def cell():
    return lstm


def _sigma(a):
    return 1.0 / (1.0 + np.exp(-a))


def reference_forward(xs, h0, c0, params):
    """torch.nn.LSTM's equations with the per-gate matrices sliced out, one column at a time."""
    H = h0.shape[1]
    W_i, W_f, W_g, W_o = (params["weight_ih"][k * H : (k + 1) * H] for k in range(4))
    U_i, U_f, U_g, U_o = (params["weight_hh"][k * H : (k + 1) * H] for k in range(4))
    bias = params["bias_ih"] + params["bias_hh"]
    b_i, b_f, b_g, b_o = (bias[k * H : (k + 1) * H, None] for k in range(4))
    T, B, _ = xs.shape
    hs, cs = np.zeros((T, B, H)), np.zeros((T, B, H))
    for b in range(B):
        h, c = h0[b][:, None], c0[b][:, None]  # (H, 1)
        for t in range(T):
            x = xs[t, b][:, None]  # (D, 1)
            i = _sigma(W_i @ x + U_i @ h + b_i)
            f = _sigma(W_f @ x + U_f @ h + b_f)
            g = np.tanh(W_g @ x + U_g @ h + b_g)
            o = _sigma(W_o @ x + U_o @ h + b_o)
            c = f * c + i * g
            h = o * np.tanh(c)
            hs[t, b], cs[t, b] = h[:, 0], c[:, 0]
    return hs, cs


@pytest.mark.parametrize("T, B, D, H", [(1, 1, 1, 1), (7, 3, 4, 5)])
def test_lstm_forward_matches_literal_reference(T, B, D, H):
    rng = np.random.default_rng(3)
    params = random_params(lstm, D, H, rng)
    xs = rng.standard_normal((T, B, D))
    h0, c0 = rng.standard_normal((B, H)), rng.standard_normal((B, H))
    hs, cache = lstm.forward(xs, (h0, c0), params)
    ref_hs, ref_cs = reference_forward(xs, h0, c0, params)
    np.testing.assert_allclose(hs, ref_hs, rtol=1e-12, atol=1e-14)
    h_T, c_T = lstm.final_state(cache)
    np.testing.assert_allclose(h_T, ref_hs[-1], rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(c_T, ref_cs[-1], rtol=1e-12, atol=1e-14)


def test_lstm_states_are_tuples():
    rng = np.random.default_rng(0)
    params = random_params(lstm, 2, 3, rng)
    xs = rng.standard_normal((4, 2, 2))
    state, _ = lstm.step_forward(xs[0], None, params)
    assert type(state) is tuple and len(state) == 2
    _, cache = lstm.forward(xs, None, params)
    _, dstate0, _ = lstm.backward(np.ones((4, 2, 3)), cache)
    assert type(dstate0) is tuple and [a.shape for a in dstate0] == [(2, 3), (2, 3)]
    _, step_cache = lstm.step_forward(xs[0], state, params)
    _, dstate_prev, _ = lstm.step_backward((np.ones((2, 3)), np.ones((2, 3))), step_cache)
    assert type(dstate_prev) is tuple and len(dstate_prev) == 2


def test_lstm_none_inside_the_state_means_zeros():
    rng = np.random.default_rng(0)
    params = random_params(lstm, 2, 3, rng)
    xs, h0 = rng.standard_normal((4, 2, 2)), rng.standard_normal((2, 3))
    hs, _ = lstm.forward(xs, (h0, None), params)
    np.testing.assert_array_equal(hs, lstm.forward(xs, (h0, np.zeros((2, 3))), params)[0])


@pytest.mark.parametrize(
    "state, got",
    [
        (np.zeros((2, 3)), r"got array of shape \(2, 3\)"),
        ((np.zeros((2, 3)),), "got tuple of length 1"),
        ([np.zeros((2, 3))] * 3, "got list of length 3"),
        ("h", "got str"),
    ],
)
def test_lstm_state_that_is_not_a_pair_is_rejected(state, got):
    rng = np.random.default_rng(0)
    params = random_params(lstm, 2, 3, rng)
    xs = rng.standard_normal((4, 2, 2))
    with pytest.raises(TypeError, match=rf"state0 must be a tuple \(h, c\) of two \(2, 3\) arrays, or None; {got}"):
        lstm.forward(xs, state, params)
    with pytest.raises(TypeError, match=rf"state must be a tuple \(h, c\) of two \(2, 3\) arrays, or None; {got}"):
        lstm.step_forward(xs[0], state, params)


def test_lstm_cell_state_of_wrong_shape_is_rejected():
    rng = np.random.default_rng(0)
    params = random_params(lstm, 2, 3, rng)
    xs = rng.standard_normal((4, 2, 2))
    with pytest.raises(ValueError, match=r"state0\[1\] has shape \(2, 4\) but expected \(2, 3\)"):
        lstm.forward(xs, (np.zeros((2, 3)), np.zeros((2, 4))), params)


def test_lstm_step_backward_checks_dstate():
    rng = np.random.default_rng(0)
    params = random_params(lstm, 2, 3, rng)
    _, cache = lstm.step_forward(np.ones((4, 2)), None, params)
    with pytest.raises(TypeError, match=r"dstate must be a tuple \(h, c\)"):
        lstm.step_backward(np.ones((4, 3)), cache)
    with pytest.raises(ValueError, match=r"dstate\[1\] has shape \(4, 2\) but expected \(4, 3\)"):
        lstm.step_backward((np.ones((4, 3)), np.ones((4, 2))), cache)
    dx, _, _ = lstm.step_backward((np.ones((4, 3)), None), cache)  # None: no gradient into c
    np.testing.assert_array_equal(dx, lstm.step_backward((np.ones((4, 3)), np.zeros((4, 3))), cache)[0])
