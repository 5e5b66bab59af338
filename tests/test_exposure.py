import numpy as np
import pytest

from rnnlib import losses, metrics
from rnnlib.data import Vocab
from rnnlib.models import CharLM
from rnnlib.analysis.exposure import (find_cycle, free_running, prediction_entropy,
                                   teacher_forced)

TEXT = "the cat sat on the mat; the dog sat on the log. "


@pytest.fixture(params=["lstm", "rnn", "gru"])
def model(request):
    return CharLM(Vocab.from_text(TEXT), hidden_size=6, cell=request.param, rng=3)


def test_prediction_entropy_matches_metrics_entropy_and_is_ln_v_for_equal_logits():
    rng = np.random.default_rng(0)
    z = 3 * rng.normal(size=(4, 5, 9))
    np.testing.assert_allclose(prediction_entropy(z), metrics.entropy(losses.softmax(z)),
                               rtol=1e-12)
    np.testing.assert_allclose(prediction_entropy(np.full((2, 7), 1.3)), np.log(7),
                               rtol=1e-12)


def test_free_running_with_one_stream_draws_what_charlm_sample_draws(model):
    prompt = model.vocab.encode("the c")
    for tau in (0.7, 1.0, 2.0):
        expected = model.sample(prompt, 40, temperature=tau, rng=5)
        trace = free_running(model, prompt[:, None], len(prompt), 40, temperature=tau,
                             rng=5)
        np.testing.assert_array_equal(trace.chars[:, 0], expected)


def test_teacher_forced_mean_loss_is_evaluate_on_the_same_text(model):
    ids = model.vocab.encode(TEXT)
    trace = teacher_forced(model, ids[:, None], 1, len(ids) - 1)
    np.testing.assert_allclose(trace.loss.mean(), model.evaluate(ids, seq_len=7),
                               rtol=1e-12)
    np.testing.assert_array_equal(trace.chars[:, 0], ids[1:])


@pytest.mark.parametrize("mode", ["teacher", "free"])
def test_the_recorded_hidden_state_is_the_one_whose_readout_gives_the_loss(model, mode):
    streams = np.stack([model.vocab.encode(TEXT[k:k + 30]) for k in (0, 9, 17)], axis=1)
    if mode == "teacher":
        trace = teacher_forced(model, streams, 5, 25)
    else:
        trace = free_running(model, streams, 5, 25, temperature=0.8, rng=1)
    out = model.params["out"]
    log_q = losses.log_softmax(trace.hidden @ out["weight"].T + out["bias"])  # (T, B, V)
    picked = np.take_along_axis(log_q, trace.chars[..., None], axis=-1)[..., 0]
    np.testing.assert_allclose(trace.loss, -picked, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(trace.entropy, metrics.entropy(np.exp(log_q)), rtol=1e-10)


def test_both_modes_make_the_same_first_prediction_from_the_same_warm_up(model):
    streams = np.stack([model.vocab.encode(TEXT[k:k + 20]) for k in (0, 4)], axis=1)
    tf, fr = teacher_forced(model, streams, 8, 12), free_running(model, streams, 8, 12,
                                                                 rng=0)
    np.testing.assert_allclose(tf.hidden[0], fr.hidden[0], rtol=1e-12)
    np.testing.assert_allclose(tf.entropy[0], fr.entropy[0], rtol=1e-12)
    assert tf.chars.shape == fr.chars.shape == (12, 2)


def test_at_temperature_one_the_loss_on_own_draws_estimates_the_entropy():
    # E_{c ~ q}[-ln q(c)] = H(q): the two means agree to within sampling error
    model = CharLM(Vocab.from_text(TEXT), hidden_size=5, cell="lstm", rng=7)
    streams = np.tile(model.vocab.encode("the ")[:, None], (1, 200))
    trace = free_running(model, streams, 4, 30, rng=2)
    d = (trace.loss - trace.entropy).mean(axis=0)  # (B,) independent streams
    assert abs(d.mean()) < 4 * d.std(ddof=1) / np.sqrt(len(d))
    # ... and not at a low temperature, where the draws are the likely characters
    cold = free_running(model, streams, 4, 30, temperature=0.3, rng=2)
    assert cold.loss.mean() < cold.entropy.mean() - 0.1


def floyd(f, x0):
    """Start mu and length lam of the cycle of x0, f(x0), ... (Floyd's tortoise and hare)."""
    slow, fast = f[x0], f[f[x0]]
    while slow != fast:
        slow, fast = f[slow], f[f[fast]]
    mu, slow = 0, x0
    while slow != fast:
        slow, fast, mu = f[slow], f[fast], mu + 1
    lam, fast = 1, f[slow]
    while slow != fast:
        fast, lam = f[fast], lam + 1
    return mu, lam


@pytest.mark.parametrize("seed", range(30))
def test_find_cycle_agrees_with_floyd_on_the_orbit_of_a_random_map(seed):
    rng = np.random.default_rng(seed)
    n_states = int(rng.integers(2, 60))
    f = rng.integers(0, n_states, size=n_states)  # a deterministic map on a finite set
    x, orbit = int(rng.integers(n_states)), []
    for _ in range(4 * n_states + 3):  # past mu + 3 lam <= 3 n_states
        orbit.append(x)
        x = int(f[x])
    assert find_cycle(orbit) == floyd(f, orbit[0])


def test_find_cycle_on_hand_examples_and_bad_input():
    assert find_cycle("abcxyzxyzxyz") == (3, 3)
    assert find_cycle("aaaa") == (0, 1)
    assert find_cycle("abab") is None  # two periods only
    assert find_cycle("abab", min_repeats=2) == (0, 2)
    assert find_cycle("") is None
    with pytest.raises(ValueError, match="min_repeats"):
        find_cycle("aaa", min_repeats=0)


def test_bad_streams_and_temperature_are_refused_by_name(model):
    ids = model.vocab.encode(TEXT)
    with pytest.raises(ValueError, match="streams must be a 2-D integer"):
        teacher_forced(model, ids, 3, 5)
    with pytest.raises(ValueError, match="warmup \\+ steps"):
        teacher_forced(model, ids[:6, None], 3, 5)
    with pytest.raises(ValueError, match="temperature"):
        free_running(model, ids[:, None], 3, 5, temperature=0.0)
    with pytest.raises(ValueError, match="steps"):
        free_running(model, ids[:, None], 3, 0)
