import math

import numpy as np
import pytest

from rnnlib import baselines
from rnnlib.metrics import unigram_entropy


def test_unigram_cross_entropy_on_its_own_text_without_smoothing_is_the_unigram_entropy():
    ids = np.random.default_rng(0).integers(0, 7, size=500)
    got = baselines.unigram_cross_entropy(ids, ids, 7, alpha=0.0)
    np.testing.assert_allclose(got, unigram_entropy(ids), rtol=1e-12)


def test_unigram_cross_entropy_matches_a_hand_computation_with_add_one_smoothing():
    # counts (3, 1, 0) + 1 -> q = (4, 2, 1) / 7; score the text [0, 2]
    got = baselines.unigram_cross_entropy([0, 0, 0, 1], [0, 2], 3, alpha=1.0)
    np.testing.assert_allclose(got, -(math.log(4 / 7) + math.log(1 / 7)) / 2, rtol=1e-12)


def test_unigram_cross_entropy_refuses_an_unseen_symbol_without_smoothing():
    with pytest.raises(ValueError, match="never in train_ids"):
        baselines.unigram_cross_entropy([0, 0, 1], [2], 3, alpha=0.0)


@pytest.mark.parametrize("alpha", [-1.0, float("nan"), True])
def test_unigram_cross_entropy_rejects_a_bad_alpha(alpha):
    with pytest.raises(ValueError, match="alpha"):
        baselines.unigram_cross_entropy([0, 1], [0], 2, alpha=alpha)


def test_unigram_cross_entropy_rejects_ids_outside_the_vocabulary():
    with pytest.raises(ValueError, match="symbols"):
        baselines.unigram_cross_entropy([0, 5], [0], 3)


def test_naive_forecasts_on_a_hand_example():
    r = np.array([1.0, -2.0, 3.0, 0.5, -1.0])
    np.testing.assert_array_equal(baselines.zero_forecast(r, 2), [0.0, 0.0, 0.0])
    np.testing.assert_array_equal(baselines.last_value_forecast(r, 2), [-2.0, 3.0, 0.5])
    # targets r[2:] = (3, 0.5, -1): squared errors of "yesterday" are 25, 6.25, 2.25
    assert baselines.mse(baselines.last_value_forecast(r, 2), r[2:]) == pytest.approx(33.5 / 3)
    assert baselines.mse(baselines.zero_forecast(r, 2), r[2:]) == pytest.approx(10.25 / 3)
    # "yesterday" says not up, up, up; the truth is up, up, down: right once
    assert baselines.directional_accuracy(baselines.last_value_forecast(r, 2), r[2:]) == pytest.approx(1 / 3)
    # zero says "not up" every day: right only on the down day
    assert baselines.directional_accuracy(baselines.zero_forecast(r, 2), r[2:]) == pytest.approx(1 / 3)


def test_last_value_forecast_never_reads_the_value_it_predicts():
    r = np.arange(10.0)
    pred = baselines.last_value_forecast(r, 4)
    r_changed = r.copy()
    r_changed[-1] = 1e6  # the last target; no forecast may depend on it
    np.testing.assert_array_equal(baselines.last_value_forecast(r_changed, 4), pred)


@pytest.mark.parametrize("start", [0, 5, 1.5, True])
def test_forecasts_reject_a_bad_start(start):
    with pytest.raises(ValueError, match="start"):
        baselines.last_value_forecast(np.arange(5.0), start)


def test_scores_reject_mismatched_or_empty_input():
    with pytest.raises(ValueError, match="shape"):
        baselines.mse(np.zeros(3), np.zeros(4))
    with pytest.raises(ValueError, match="empty"):
        baselines.directional_accuracy([], [])
