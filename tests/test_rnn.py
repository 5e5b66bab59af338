"""The vanilla RNN cell: the shared contract (test_cells_common) and a literal reference."""

import numpy as np
import pytest
from conftest import random_params
from test_cells_common import *  # noqa: F401,F403  the contract tests, run for this cell

from rnnlib import rnn


@pytest.fixture
def cell():
    return rnn


def reference_forward(xs, h0, params):
    """h_t = tanh(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh), one column vector at a time."""
    T, B, _ = xs.shape
    hs = np.zeros((T, B, h0.shape[1]))
    for b in range(B):
        h = h0[b][:, None]  # (H, 1)
        for t in range(T):
            x = xs[t, b][:, None]  # (D, 1)
            a = params["weight_ih"] @ x + params["bias_ih"][:, None] + params["weight_hh"] @ h + params["bias_hh"][:, None]
            h = np.tanh(a)
            hs[t, b] = h[:, 0]
    return hs


@pytest.mark.parametrize("T, B, D, H", [(1, 1, 1, 1), (7, 3, 4, 5)])
def test_rnn_forward_matches_literal_reference(T, B, D, H):
    rng = np.random.default_rng(3)
    params = random_params(rnn, D, H, rng)
    xs, h0 = rng.standard_normal((T, B, D)), rng.standard_normal((B, H))
    hs, _ = rnn.forward(xs, h0, params)
    np.testing.assert_allclose(hs, reference_forward(xs, h0, params), rtol=1e-12, atol=1e-14)


def test_rnn_cache_links_steps():
    rng = np.random.default_rng(0)
    params = random_params(rnn, 2, 3, rng)
    _, cache = rnn.forward(rng.standard_normal((4, 2, 2)), None, params)
    assert len(cache.steps) == 4
    for t in range(1, 4):
        assert cache.steps[t].h_prev is cache.steps[t - 1].h


def test_rnn_step_backward_rejects_dstate_of_wrong_shape():
    rng = np.random.default_rng(0)
    params = random_params(rnn, 2, 3, rng)
    _, cache = rnn.step_forward(np.ones((4, 2)), None, params)
    with pytest.raises(ValueError, match=r"dstate has shape \(4, 2\) but expected \(4, 3\)"):
        rnn.step_backward(np.ones((4, 2)), cache)
