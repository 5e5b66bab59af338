import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from rnnlib import viz  # noqa: E402
from rnnlib.models import History  # noqa: E402


def fake_history(steps, val_every):
    losses = np.linspace(4.0, 2.0, steps)
    val_step = np.arange(val_every, steps + 1, val_every)
    return History(np.arange(1, steps + 1), losses, np.ones(steps), val_step, 0.1 + losses[val_step - 1])


def test_plot_lm_learning_curves_puts_runs_on_a_common_axis_of_characters_read():
    fig, ax = plt.subplots()
    runs = {"lstm": (1600, fake_history(10, 5)), "rnn": (800, fake_history(20, 10))}
    out = viz.plot_lm_learning_curves(runs, ax=ax, baseline=("unigram", 3.2), window=3)
    assert out is ax
    lines = ax.get_lines()
    assert len(lines) == 5  # train + validation per run, then the baseline
    # the running mean of 3 steps starts at step 3: 3 * 1600 characters
    assert lines[0].get_xdata()[0] == 3 * 1600
    np.testing.assert_allclose(lines[0].get_ydata()[0], np.mean(runs["lstm"][1].train_loss[:3]))
    np.testing.assert_array_equal(lines[1].get_xdata(), [5 * 1600, 10 * 1600])
    # both runs end at the same number of characters: the same budget
    assert lines[0].get_xdata()[-1] == lines[2].get_xdata()[-1] == 16000
    assert lines[4].get_ydata()[0] == 3.2
    plt.close(fig)


def test_plot_lm_learning_curves_right_axis_is_in_bits():
    fig, ax = plt.subplots()
    viz.plot_lm_learning_curves({"a": (10, fake_history(5, 5))}, ax=ax)
    second = [c for c in ax.get_children() if type(c).__name__ == "SecondaryAxis"]
    assert len(second) == 1 and second[0].get_ylabel() == "bits per character"
    plt.close(fig)


@pytest.mark.parametrize("runs, kwargs, message", [
    ({}, {}, "empty"), ({"a": (0, fake_history(5, 5))}, {}, "chars_per_step"),
    ({"a": (10, fake_history(5, 5))}, {"window": 0}, "window"),
])
def test_plot_lm_learning_curves_rejects_bad_input(runs, kwargs, message):
    with pytest.raises(ValueError, match=message):
        viz.plot_lm_learning_curves(runs, **kwargs)
    plt.close("all")


def test_plot_forecasts_draws_the_target_as_bars_and_one_line_per_forecast():
    fig, ax = plt.subplots()
    target = np.array([1.0, -2.0, 0.5])
    out = viz.plot_forecasts(np.arange(3), target, {"zero": np.zeros(3), "rnn": np.ones(3)}, ax=ax)
    assert out is ax
    heights = [p.get_height() for p in ax.containers[0]]
    np.testing.assert_array_equal(heights, target)
    labels = [line.get_label() for line in ax.get_lines()]
    assert labels[:2] == ["zero", "rnn"]
    plt.close(fig)


def test_plot_forecasts_rejects_a_forecast_of_the_wrong_length():
    with pytest.raises(ValueError, match="forecast 'x'"):
        viz.plot_forecasts(np.arange(3), np.zeros(3), {"x": np.zeros(2)})
    with pytest.raises(ValueError, match="same length"):
        viz.plot_forecasts(np.arange(2), np.zeros(3), {})
