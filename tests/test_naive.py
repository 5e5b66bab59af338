import numpy as np

from rnnlib import naive


def stable_softmax(o):
    e = np.exp(o - o.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def test_naive_softmax_is_correct_for_moderate_logits():
    o = np.random.default_rng(0).normal(size=(3, 4, 6)) * 5
    np.testing.assert_allclose(naive.naive_softmax(o), stable_softmax(o), rtol=1e-12)


def test_naive_softmax_is_nan_for_logits_near_1000():
    with np.errstate(all="ignore"):
        p = naive.naive_softmax(np.array([1000.0, 999.0, 0.0]))
    assert not np.isfinite(p).all()


def test_log_of_softmax_is_correct_for_moderate_logits():
    o = np.random.default_rng(1).normal(size=(2, 7))
    expected = o - np.log(np.exp(o).sum(axis=-1, keepdims=True))
    np.testing.assert_allclose(naive.log_of_softmax(o), expected, rtol=1e-12)


def test_log_of_softmax_is_minus_inf_when_a_probability_underflows():
    with np.errstate(all="ignore"):
        logp = naive.log_of_softmax(np.array([0.0, -1000.0]))
    assert logp[1] == -np.inf  # the true value is about -1000
