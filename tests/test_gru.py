"""The GRU cell: the shared contract (test_cells_common) and a literal reference."""

import numpy as np
import pytest
from conftest import random_params
from test_cells_common import *  # noqa: F401,F403  the contract tests, run for this cell

from rnnlib import gru


@pytest.fixture
def cell():
    return gru


def _sigma(a):
    return 1.0 / (1.0 + np.exp(-a))


def reference_forward(xs, h0, params):
    """torch.nn.GRU's equations with the per-gate matrices sliced out, one column at a time."""
    H = h0.shape[1]
    W_ir, W_iz, W_in = (params["weight_ih"][k * H : (k + 1) * H] for k in range(3))
    W_hr, W_hz, W_hn = (params["weight_hh"][k * H : (k + 1) * H] for k in range(3))
    b_ir, b_iz, b_in = (params["bias_ih"][k * H : (k + 1) * H, None] for k in range(3))
    b_hr, b_hz, b_hn = (params["bias_hh"][k * H : (k + 1) * H, None] for k in range(3))
    T, B, _ = xs.shape
    hs = np.zeros((T, B, H))
    for b in range(B):
        h = h0[b][:, None]  # (H, 1)
        for t in range(T):
            x = xs[t, b][:, None]  # (D, 1)
            r = _sigma(W_ir @ x + b_ir + W_hr @ h + b_hr)
            z = _sigma(W_iz @ x + b_iz + W_hz @ h + b_hz)
            n = np.tanh(W_in @ x + b_in + r * (W_hn @ h + b_hn))
            h = (1 - z) * n + z * h
            hs[t, b] = h[:, 0]
    return hs


@pytest.mark.parametrize("T, B, D, H", [(1, 1, 1, 1), (7, 3, 4, 5)])
def test_gru_forward_matches_literal_reference(T, B, D, H):
    rng = np.random.default_rng(3)
    params = random_params(gru, D, H, rng)
    xs, h0 = rng.standard_normal((T, B, D)), rng.standard_normal((B, H))
    hs, _ = gru.forward(xs, h0, params)
    np.testing.assert_allclose(hs, reference_forward(xs, h0, params), rtol=1e-12, atol=1e-14)


def test_gru_reset_gate_scales_the_hidden_bias():
    """b_hn sits inside r * (W_hn h + b_hn): moving it to b_in changes the output."""
    rng = np.random.default_rng(4)
    params = random_params(gru, 2, 3, rng)
    xs = rng.standard_normal((2, 1, 2))
    moved = {k: v.copy() for k, v in params.items()}
    moved["bias_ih"][6:] += moved["bias_hh"][6:]
    moved["bias_hh"][6:] = 0.0
    assert not np.allclose(gru.forward(xs, None, params)[0], gru.forward(xs, None, moved)[0])


def test_gru_step_backward_rejects_dstate_of_wrong_shape():
    rng = np.random.default_rng(0)
    params = random_params(gru, 2, 3, rng)
    _, cache = gru.step_forward(np.ones((4, 2)), None, params)
    with pytest.raises(ValueError, match=r"dstate has shape \(4, 2\) but expected \(4, 3\)"):
        gru.step_backward(np.ones((4, 2)), cache)
