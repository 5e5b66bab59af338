"""bptt.count_multiply_adds, the operation count Chapter 3 uses in place of timings.

The reference is a matrix product written as three loops that counts its own
multiply-adds, and, for the RNN, the count derived by hand from the math: per step and
example, W_xh x_t costs H*D and W_hh h_{t-1} costs H*H.
"""

import numpy as np
import pytest

from rnnlib import bptt, rnn


def loop_matmul(a, b):
    """(m, k) @ (k, n) by three loops; returns the product and its multiply-adds."""
    m, k = a.shape
    n = b.shape[1]
    out, count = np.zeros((m, n)), 0
    for i in range(m):
        for j in range(n):
            for p in range(k):
                out[i, j] += a[i, p] * b[p, j]
                count += 1
    return out, count


@pytest.mark.parametrize("m, k, n", [(1, 1, 1), (3, 4, 5), (6, 1, 2), (2, 7, 1)])
def test_count_matches_a_loop_that_counts_its_own_multiply_adds(m, k, n):
    rng = np.random.default_rng(m * 100 + k * 10 + n)
    a, b = rng.standard_normal((m, k)), rng.standard_normal((k, n))
    product, counted = bptt.count_multiply_adds(lambda x, y: x @ y, a, b)
    reference, count = loop_matmul(a, b)
    np.testing.assert_allclose(product, reference, rtol=1e-12, atol=1e-12)
    assert counted == count


def test_vectors_and_stacks_count_as_their_matrix_products():
    rng = np.random.default_rng(0)
    stack, mat, vec = (rng.standard_normal(s) for s in ((5, 3, 4), (4, 2), (4,)))
    per_matrix = loop_matmul(stack[0], mat)[1]
    assert bptt.count_multiply_adds(lambda s, w: s @ w, stack, mat)[1] == 5 * per_matrix
    column = loop_matmul(stack[0], vec[:, None])[1]
    assert bptt.count_multiply_adds(lambda s, v: s[0] @ v, stack, vec)[1] == column
    dot = loop_matmul(vec[None], vec[:, None])[1]
    assert bptt.count_multiply_adds(lambda v: v @ v, vec)[1] == dot


def test_the_count_follows_results_through_views_ufuncs_and_stacking():
    rng = np.random.default_rng(1)
    a, b, c = rng.standard_normal((3, 4)), rng.standard_normal((4, 5)), rng.standard_normal((3, 2))

    def fn(a, b, c):
        h = np.tanh(a @ b)  # 3*4*5
        stacked = np.stack([h, 2.0 * h])  # (2, 3, 5)
        return stacked.reshape(6, 5).T[:, :3] @ c + h.sum()  # 5*3*2

    result, counted = bptt.count_multiply_adds(fn, a, b, c)
    np.testing.assert_allclose(result, fn(a, b, c), rtol=1e-13)
    assert type(result) is np.ndarray
    assert counted == loop_matmul(a, b)[1] + loop_matmul(np.ones((5, 3)), c)[1]


def test_elementwise_work_is_not_counted_and_arguments_stay_plain():
    a = np.arange(6.0).reshape(2, 3)
    result, counted = bptt.count_multiply_adds(lambda x: {"y": np.exp(x) * x + 1.0}, a)
    assert counted == 0 and type(result["y"]) is np.ndarray and type(a) is np.ndarray


@pytest.mark.parametrize("T, B, D, H", [(1, 1, 1, 1), (4, 3, 2, 5), (7, 2, 6, 3)])
def test_rnn_backward_does_twice_the_multiply_adds_of_forward(T, B, D, H):
    rng = np.random.default_rng(T + B + D + H)
    params = rnn.init_params(D, H, rng=rng)
    xs, dhs = rng.standard_normal((T, B, D)), rng.standard_normal((T, B, H))
    (hs, cache), n_forward = bptt.count_multiply_adds(rnn.forward, xs, None, params)
    grads_counted, n_backward = bptt.count_multiply_adds(rnn.backward, dhs, cache)
    # the math: W_xh x_t and W_hh h_{t-1}, per step and example
    assert n_forward == T * B * (H * D + H * H)
    # back through W_hh and W_xh, and the outer products for dW_hh and dW_xh
    assert n_backward == T * B * (H * H + H * D + H * H + H * D)
    plain = rnn.backward(dhs, cache)[2]["weight_hh"]
    np.testing.assert_allclose(grads_counted[2]["weight_hh"], plain, rtol=1e-15)


def test_count_multiply_adds_rejects_a_non_callable():
    with pytest.raises(TypeError, match="fn must be callable"):
        bptt.count_multiply_adds(np.ones(3))
