import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rnnlib import metrics


def test_nats_to_bits_divides_by_ln2_and_bits_to_nats_inverts_it():
    assert metrics.nats_to_bits(math.log(2.0)) == pytest.approx(1.0, rel=1e-15)
    assert metrics.nats_to_bits(math.log(256.0)) == pytest.approx(8.0, rel=1e-15)
    x = np.array([[0.1, 2.5], [3.0, 0.0]])
    np.testing.assert_allclose(metrics.bits_to_nats(metrics.nats_to_bits(x)), x, rtol=1e-15)
    assert metrics.nats_to_bits(x).shape == (2, 2)


def test_perplexity_of_the_uniform_loss_is_the_vocabulary_size():
    for V in (1, 2, 27, 65, 256):
        assert metrics.perplexity(math.log(V)) == pytest.approx(V, rel=1e-12)


def test_perplexity_is_two_to_the_bits():
    loss = 1.37
    assert metrics.perplexity(loss) == pytest.approx(2.0 ** metrics.nats_to_bits(loss), rel=1e-12)


def test_entropy_of_known_distributions():
    assert metrics.entropy([1.0, 0.0, 0.0]) == 0.0  # 0 ln 0 = 0, and no warning
    assert metrics.entropy([0.25] * 4) == pytest.approx(math.log(4), rel=1e-15)
    assert metrics.entropy([0.5, 0.25, 0.25]) == pytest.approx(1.5 * math.log(2), rel=1e-15)


def test_entropy_works_along_an_axis():
    p = np.array([[0.5, 0.5], [1.0, 0.0], [0.9, 0.1]])
    h = metrics.entropy(p)
    assert h.shape == (3,)
    np.testing.assert_allclose(h[:2], [math.log(2), 0.0], atol=1e-15)
    np.testing.assert_allclose(metrics.entropy(p.T, axis=0), h, rtol=1e-15)


@pytest.mark.parametrize(
    "bad, message",
    [([0.5, 0.6], "sum to 1"), ([1.5, -0.5], ">= 0"), ([np.nan, 1.0], "finite"), (0.5, "scalar")],
)
def test_entropy_rejects_what_is_not_a_distribution(bad, message):
    with pytest.raises(ValueError, match=message):
        metrics.entropy(bad)


def test_unigram_entropy_of_a_string_counts_characters():
    assert metrics.unigram_entropy("aaaa") == 0.0
    assert metrics.unigram_entropy("abab") == pytest.approx(math.log(2), rel=1e-15)
    # "hello": l twice, h e o once: f = (1/5, 1/5, 2/5, 1/5)
    f = np.array([1, 1, 2, 1]) / 5
    assert metrics.unigram_entropy("hello") == pytest.approx(-(f * np.log(f)).sum(), rel=1e-15)


def test_unigram_entropy_of_ids_equals_that_of_counts_and_of_the_string():
    text = "the cat sat on the mat"
    chars = sorted(set(text))
    ids = np.array([chars.index(c) for c in text]).reshape(2, 11)  # a (T, B)-like batch
    counts = np.bincount(ids.ravel(), minlength=len(chars) + 3)  # unused ids count 0
    h = metrics.unigram_entropy(text)
    assert metrics.unigram_entropy(ids) == pytest.approx(h, rel=1e-15)
    assert metrics.unigram_entropy(counts=counts) == pytest.approx(h, rel=1e-15)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 20), min_size=1, max_size=300))
def test_unigram_entropy_lies_between_zero_and_log_of_the_symbols_seen(ids):
    h = metrics.unigram_entropy(np.array(ids))
    V = len(set(ids))
    assert -1e-12 <= h <= math.log(V) + 1e-12


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 50), st.integers(1, 40))
def test_unigram_entropy_of_equal_counts_is_log_V(V, n):
    assert metrics.unigram_entropy(counts=[n] * V) == pytest.approx(math.log(V), rel=1e-12, abs=1e-15)


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        ({}, ValueError, "exactly one"),
        ({"ids": "ab", "counts": [1, 1]}, ValueError, "exactly one"),
        ({"ids": ""}, ValueError, "empty"),
        ({"ids": np.array([], dtype=int)}, ValueError, "empty"),
        ({"ids": np.array([0.5, 1.0])}, TypeError, "integer"),
        ({"counts": [0, 0]}, ValueError, "all be zero"),
        ({"counts": [1, -1]}, ValueError, "non-negative"),
        ({"counts": [[1, 2]]}, ValueError, "1-D"),
    ],
)
def test_unigram_entropy_rejects_bad_input_with_a_clear_message(kwargs, error, message):
    with pytest.raises(error, match=message):
        metrics.unigram_entropy(**kwargs)
