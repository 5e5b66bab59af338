import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from rnnlib import viz  # noqa: E402


def test_plot_softmax_temperatures_draws_one_bar_group_per_temperature_summing_to_one():
    fig, ax = plt.subplots()
    out = viz.plot_softmax_temperatures([2.0, 1.0, 0.1, -1.0], [0.5, 1.0, 5.0], ax=ax)
    assert out is ax
    assert len(ax.containers) == 3
    for container in ax.containers:
        heights = [bar.get_height() for bar in container]
        assert len(heights) == 4
        assert sum(heights) == pytest.approx(1.0, rel=1e-12)
    plt.close(fig)


def test_plot_softmax_temperatures_sharpens_at_low_temperature():
    fig, ax = plt.subplots()
    viz.plot_softmax_temperatures([2.0, 1.0, 0.0], [0.1, 100.0], ax=ax)
    cold = [b.get_height() for b in ax.containers[0]]
    hot = [b.get_height() for b in ax.containers[1]]
    assert cold[0] > 0.99
    np.testing.assert_allclose(hot, 1 / 3, atol=0.01)
    plt.close(fig)


@pytest.mark.parametrize(
    "logits, temps, labels, message",
    [([1.0], [1.0], None, "K >= 2"), ([1.0, 2.0], [0.0], None, "> 0"),
     ([1.0, 2.0], [], None, "> 0"), ([1.0, 2.0], [1.0], ["a"], "labels")],
)
def test_plot_softmax_temperatures_rejects_bad_input(logits, temps, labels, message):
    with pytest.raises(ValueError, match=message):
        viz.plot_softmax_temperatures(logits, temps, labels=labels)


def test_plot_binary_cross_entropy_minimum_is_the_entropy_of_the_smoothed_target():
    fig, ax = plt.subplots()
    viz.plot_binary_cross_entropy(ax=ax, smoothing=(0.0, 0.2), span=10.0, num=2001)
    curves = [line for line in ax.lines if len(line.get_xdata()) > 1 and line.get_ydata()[0] != 0]
    markers = [line for line in ax.lines if len(line.get_xdata()) == 1]
    assert len(curves) == 2 and len(markers) == 1
    d, loss = curves[1].get_xdata(), curves[1].get_ydata()
    q = 0.9
    entropy = -(q * np.log(q) + (1 - q) * np.log(1 - q))
    assert loss.min() == pytest.approx(entropy, abs=1e-4)
    assert markers[0].get_xdata()[0] == pytest.approx(np.log(q / (1 - q)), rel=1e-12)
    assert d[np.argmin(loss)] == pytest.approx(np.log(9.0), abs=0.02)
    # the one-hot curve decreases monotonically towards 0 and never reaches it
    one_hot = curves[0].get_ydata()
    assert np.all(np.diff(one_hot) < 0) and one_hot.min() > 0
    plt.close(fig)


def test_plot_binary_cross_entropy_rejects_eps_outside_0_1():
    with pytest.raises(ValueError, match="smoothing"):
        viz.plot_binary_cross_entropy(smoothing=(1.0,))
