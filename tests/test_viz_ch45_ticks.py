"""Chapters 4-5 figures: integer ticks on integer axes, legible text at the column width."""
import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from rnnlib import viz  # noqa: E402


def _integer_ticks(ax):
    ticks = np.asarray(ax.get_xticks())
    return np.allclose(ticks, np.round(ticks))


@pytest.mark.parametrize("K", [3, 6, 61])
def test_distance_axes_have_integer_ticks_even_for_short_sequences(K):
    norms = np.vstack([0.5 ** np.arange(K), 1.2 ** np.arange(K)])
    fig, (ax1, ax2) = plt.subplots(2, 1)
    viz.plot_gradient_heatmap(norms, ax=ax1)
    viz.plot_norms_by_distance(norms, ["a", "b"], ax=ax2)
    assert _integer_ticks(ax1) and _integer_ticks(ax2)
    plt.close(fig)


def test_loss_curves_have_integer_step_ticks_for_a_short_run():
    fig, ax = plt.subplots()
    viz.plot_loss_curves([(np.array([3.0, 2.0, 1.5, 1.2]), None)], ["run"], ax=ax)
    assert _integer_ticks(ax)
    plt.close(fig)


def test_legend_text_is_at_least_9_points():
    # 9 pt at the book's 100 dpi is 12.5 px, above 10 px at a 700 px column
    fig, ax = plt.subplots()
    viz.plot_norms_by_distance(np.ones((2, 4)), ["a", "b"], ax=ax)
    assert min(t.get_fontsize() for t in ax.get_legend().get_texts()) >= 9
    plt.close(fig)
