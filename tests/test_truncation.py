"""rnnlib.analysis.truncation against independent references: the (s, u) terms of
bptt.gradient_contributions, the equal chunks of bptt.truncated_backward, and full BPTT."""

import numpy as np
import pytest

from rnnlib import bptt, linear_rnn, rnn
from rnnlib.analysis import truncation


def _problem(T=7, B=2, D=3, H=4, seed=0, cell=rnn):
    rng = np.random.default_rng(seed)
    params = cell.init_params(D, H, rng=rng)
    params = {k: v + 0.3 * rng.normal(size=v.shape) for k, v in params.items()}
    xs = rng.normal(size=(T, B, D))
    dhs = rng.normal(size=(T, B, H))
    return xs, params, dhs


def _terms(xs, params, dhs, cell=rnn):
    _, cache = cell.forward(xs, None, params)
    return bptt.gradient_contributions(cell, cache, dhs)  # name -> (T, T, ...) [s, u]


def _weighted_sum(terms, weights):
    """sum over (s, u) of weights[s, u] * terms[s, u]."""
    return {name: np.tensordot(weights, c, axes=([0, 1], [0, 1])) for name, c in terms.items()}


# When T is not a multiple of k the last, short block differs: its window still reaches
# back k steps, across the boundary where equal chunks cut.
@pytest.mark.parametrize("T, k", [(7, 1), (8, 2), (9, 3), (8, 4), (5, 5), (5, 9)])
def test_windowed_with_h_equal_h_step_is_truncation_in_equal_chunks(T, k):
    xs, params, dhs = _problem(T=T)
    grads, _ = truncation.windowed_backward(rnn, xs, None, params, dhs, k, k)
    chunks = bptt.truncated_backward(rnn, xs, None, params, dhs, k)[2]
    for name in chunks:
        np.testing.assert_allclose(grads[name], chunks[name], rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("cell", [rnn, linear_rnn], ids=["rnn", "linear_rnn"])
@pytest.mark.parametrize("h, h_step", [(3, 1), (4, 2), (5, 3), (7, 2), (2, 2), (9, 4)])
def test_windowed_is_the_sum_of_exactly_the_kept_pairs(cell, h, h_step):
    T = 7
    xs, params, dhs = _problem(T=T, cell=cell)
    grads, _ = truncation.windowed_backward(cell, xs, None, params, dhs, h, h_step)
    kept = truncation.kept_pairs(T, h, h_step)
    expected = _weighted_sum(_terms(xs, params, dhs, cell), kept.astype(float))
    for name in expected:
        np.testing.assert_allclose(grads[name], expected[name], rtol=1e-11, atol=1e-13)


def test_a_short_last_block_still_reaches_back_h_steps():
    kept = truncation.kept_pairs(7, 2, 2)  # blocks end at 1, 3, 5 and 6
    assert kept[6, 5] and kept[6, 6] and not kept[6, 4]


def test_kept_pairs_by_hand_for_bptt_4_2():
    # T = 6, blocks end at steps 1, 3, 5; each window reaches back 4 steps
    kept = truncation.kept_pairs(6, 4, 2)
    by_hand = np.zeros((6, 6), dtype=bool)
    for s, first in [(0, 0), (1, 0), (2, 0), (3, 0), (4, 2), (5, 2)]:
        by_hand[s, first: s + 1] = True
    np.testing.assert_array_equal(kept, by_hand)


@pytest.mark.parametrize("T, h, h_step", [(7, 3, 1), (8, 4, 2), (10, 6, 3), (5, 9, 2)])
def test_windowed_counts_one_step_backward_per_step_of_every_window(T, h, h_step):
    xs, params, dhs = _problem(T=T)
    calls = []

    class Counted:
        forward = staticmethod(rnn.forward)

        @staticmethod
        def step_backward(dstate, step):
            calls.append(1)
            return rnn.step_backward(dstate, step)

    _, n_steps = truncation.windowed_backward(Counted, xs, None, params, dhs, h, h_step)
    ends = list(range(h_step - 1, T - 1, h_step)) + [T - 1]
    assert n_steps == len(calls) == sum(min(h, end + 1) for end in ends)


def test_full_window_is_full_bptt():
    xs, params, dhs = _problem()
    _, cache = rnn.forward(xs, None, params)
    full = rnn.backward(dhs, cache)[2]
    grads, n_steps = truncation.windowed_backward(rnn, xs, None, params, dhs, 7, 7)
    assert n_steps == 7
    for name in full:
        np.testing.assert_allclose(grads[name], full[name], rtol=1e-12, atol=1e-14)


def _compensation_weights(cuts, p):
    """weights[s, u] = prod over the boundaries u..s-1 of (not cut) / (1 - p)."""
    T = len(cuts) + 1
    weights = np.zeros((T, T))
    for s in range(T):
        for u in range(s + 1):
            survives = not cuts[u:s].any()
            weights[s, u] = survives / (1.0 - p) ** (s - u)
    return weights


@pytest.mark.parametrize("p", [0.2, 0.5, 0.8])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_random_truncation_is_the_compensated_sum_of_the_surviving_pairs(p, seed):
    xs, params, dhs = _problem()
    grads, cuts = truncation.randomly_truncated_backward(rnn, xs, None, params, dhs, p, seed)
    assert cuts.shape == (6,)
    expected = _weighted_sum(_terms(xs, params, dhs), _compensation_weights(cuts, p))
    for name in expected:
        np.testing.assert_allclose(grads[name], expected[name], rtol=1e-11, atol=1e-13)


def test_random_truncation_with_p_0_is_full_bptt():
    xs, params, dhs = _problem()
    _, cache = rnn.forward(xs, None, params)
    full = rnn.backward(dhs, cache)[2]
    grads, cuts = truncation.randomly_truncated_backward(rnn, xs, None, params, dhs, 0.0, 0)
    assert not cuts.any()
    for name in full:
        np.testing.assert_allclose(grads[name], full[name], rtol=1e-12, atol=1e-14)


def test_random_truncation_is_unbiased_within_its_standard_error():
    xs, params, dhs = _problem(T=5, H=3)
    _, cache = rnn.forward(xs, None, params)
    full = rnn.backward(dhs, cache)[2]["weight_hh"]
    rng = np.random.default_rng(7)
    draws = np.array([
        truncation.randomly_truncated_backward(rnn, xs, None, params, dhs, 0.3, rng)[0]["weight_hh"]
        for _ in range(3000)
    ])
    mean, sem = draws.mean(axis=0), draws.std(axis=0, ddof=1) / np.sqrt(len(draws))
    assert np.all(np.abs(mean - full) < 5 * sem + 1e-12)
    # and equal chunks of 2 are not: their error is many standard errors away
    chunks = bptt.truncated_backward(rnn, xs, None, params, dhs, 2)[2]["weight_hh"]
    assert np.max(np.abs(chunks - full) / (sem + 1e-300)) > 20


@pytest.mark.parametrize("bad, message", [
    (dict(h=2, h_step=3), "h must be at least h_step"),
    (dict(h=0, h_step=1), "h"),
    (dict(h=3, h_step=0), "h_step"),
    (dict(h=2.5, h_step=1), "h"),
])
def test_windowed_refuses_bad_windows(bad, message):
    xs, params, dhs = _problem()
    with pytest.raises((ValueError, TypeError), match=message):
        truncation.windowed_backward(rnn, xs, None, params, dhs, bad["h"], bad["h_step"])


@pytest.mark.parametrize("p", [1.0, 1.5, -0.1, float("nan")])
def test_random_truncation_refuses_bad_p(p):
    xs, params, dhs = _problem()
    with pytest.raises(ValueError, match="p"):
        truncation.randomly_truncated_backward(rnn, xs, None, params, dhs, p, 0)


def test_bad_dhs_shape_is_named():
    xs, params, dhs = _problem()
    with pytest.raises(ValueError, match="dhs"):
        truncation.windowed_backward(rnn, xs, None, params, dhs[:-1], 2, 1)
