import numpy as np
import pytest

from rnnlib import bptt, rnn


def _problem(T=7, B=2, D=3, H=4, seed=0):
    rng = np.random.default_rng(seed)
    params = rnn.init_params(D, H, rng=rng)
    params = {k: v + 0.3 * rng.normal(size=v.shape) for k, v in params.items()}  # nonzero biases too
    xs = rng.normal(size=(T, B, D))
    h0 = rng.normal(size=(B, H))
    dhs = rng.normal(size=(T, B, H))
    return xs, h0, params, dhs


@pytest.mark.parametrize("T", [1, 3, 7])
@pytest.mark.parametrize("extra", [0, 2])
def test_truncated_backward_with_k_at_least_T_equals_full_backward(T, extra):
    xs, h0, params, dhs = _problem(T=T)
    _, cache = rnn.forward(xs, h0, params)
    full = rnn.backward(dhs, cache)
    trunc = bptt.truncated_backward(rnn, xs, h0, params, dhs, T + extra)
    np.testing.assert_allclose(trunc[0], full[0], rtol=1e-13, atol=1e-15)
    np.testing.assert_allclose(trunc[1], full[1], rtol=1e-13, atol=1e-15)
    for name in full[2]:
        np.testing.assert_allclose(trunc[2][name], full[2][name], rtol=1e-13, atol=1e-15)


def test_truncated_backward_with_k_1_keeps_only_the_immediate_terms():
    xs, h0, params, dhs = _problem()
    _, cache = rnn.forward(xs, h0, params)
    _, _, grads = bptt.truncated_backward(rnn, xs, h0, params, dhs, 1)
    expected = {name: 0.0 for name in grads}
    for t, step in enumerate(cache.steps):
        _, _, g = rnn.step_backward(dhs[t], step)
        for name in grads:
            expected[name] = expected[name] + g[name]
    for name in grads:
        np.testing.assert_allclose(grads[name], expected[name], rtol=1e-13)


@pytest.mark.parametrize("k", [1, 2, 3, 5])
def test_truncated_backward_keeps_exactly_the_pairs_inside_one_chunk(k):
    xs, h0, params, dhs = _problem(T=8)
    _, cache = rnn.forward(xs, h0, params)
    contrib = bptt.gradient_contributions(rnn, cache, dhs)
    _, _, grads = bptt.truncated_backward(rnn, xs, h0, params, dhs, k)
    chunk = np.arange(8) // k
    same_chunk = chunk[:, None] == chunk[None, :]  # (s, t)
    for name, c in contrib.items():
        kept = np.einsum("st,st...->...", same_chunk.astype(float), c)
        np.testing.assert_allclose(grads[name], kept, rtol=1e-12, atol=1e-14)


def test_truncated_backward_with_small_k_differs_from_full_backward():
    xs, h0, params, dhs = _problem(T=8)
    _, cache = rnn.forward(xs, h0, params)
    full = rnn.backward(dhs, cache)[2]["weight_hh"]
    trunc = bptt.truncated_backward(rnn, xs, h0, params, dhs, 2)[2]["weight_hh"]
    assert np.linalg.norm(trunc - full) > 1e-3 * np.linalg.norm(full)


@pytest.mark.parametrize("k", [0, -1])
def test_truncated_backward_rejects_a_bad_k(k):
    xs, h0, params, dhs = _problem()
    with pytest.raises(ValueError, match="k must be a positive int"):
        bptt.truncated_backward(rnn, xs, h0, params, dhs, k)


@pytest.mark.parametrize("T", [1, 6])
def test_gradient_contributions_sum_to_the_full_gradient_and_vanish_for_t_after_s(T):
    xs, h0, params, dhs = _problem(T=T)
    _, cache = rnn.forward(xs, h0, params)
    _, _, grads = rnn.backward(dhs, cache)
    contrib = bptt.gradient_contributions(rnn, cache, dhs)
    assert set(contrib) == set(grads)
    future = np.triu(np.ones((T, T), dtype=bool), k=1)  # t > s
    for name, c in contrib.items():
        assert c.shape == (T, T) + grads[name].shape
        np.testing.assert_allclose(c.sum(axis=(0, 1)), grads[name], rtol=1e-12, atol=1e-14)
        assert np.all(c[future] == 0)


@pytest.mark.parametrize("T,B,D,H", [(1, 1, 1, 1), (5, 3, 2, 4), (9, 2, 6, 3)])
def test_cache_float_count_is_inputs_plus_states_plus_h0(T, B, D, H):
    xs, h0, params, _ = _problem(T=T, B=B, D=D, H=H)
    _, cache = rnn.forward(xs, h0, params)
    assert bptt.cache_float_count(cache) == T * B * D + T * B * H + B * H


def test_cache_float_count_counts_a_shared_array_once():
    xs, h0, params, _ = _problem(T=4)
    _, cache = rnn.forward(xs, h0, params)
    for t in range(1, 4):
        assert cache.steps[t].h_prev is cache.steps[t - 1].h
