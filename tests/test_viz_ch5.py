import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from rnnlib import viz  # noqa: E402


def test_plot_gradient_heatmap_shows_clipped_log10_norms_one_row_per_configuration():
    norms = np.array([[1.0, 1e-3, 1e-20], [1.0, 10.0, 1e9]])
    fig, ax = plt.subplots()
    out = viz.plot_gradient_heatmap(norms, ax=ax, row_labels=["0.5", "3"], vmin=-12, vmax=6)
    assert out is ax
    data = np.asarray(ax.images[0].get_array())
    np.testing.assert_allclose(data, [[0.0, -3.0, -12.0], [0.0, 1.0, 6.0]])
    assert [t.get_text() for t in ax.get_yticklabels()] == ["0.5", "3"]
    plt.close(fig)


def test_plot_gradient_heatmap_accepts_a_zero_norm_as_the_lowest_colour():
    fig, ax = plt.subplots()
    viz.plot_gradient_heatmap(np.array([[1.0, 0.0]]), ax=ax)
    assert np.asarray(ax.images[0].get_array())[0, 1] == -12.0
    plt.close(fig)


@pytest.mark.parametrize(
    "norms, kwargs, message",
    [(np.ones(3), {}, "2-D"), (np.array([[1.0, np.nan]]), {}, "NaN"),
     (np.ones((2, 2)), {"row_labels": ["a"]}, "row labels"), (np.ones((1, 2)), {"vmin": 1, "vmax": 0}, "vmin")],
)
def test_plot_gradient_heatmap_rejects_bad_input(norms, kwargs, message):
    with pytest.raises(ValueError, match=message):
        viz.plot_gradient_heatmap(norms, **kwargs)


def test_plot_norms_by_distance_draws_a_curve_and_a_dashed_bound_per_row_skipping_zeros():
    norms = np.array([[1.0, 0.5, 0.0, 0.1], [1.0, 2.0, 4.0, np.inf]])
    fig, ax = plt.subplots()
    viz.plot_norms_by_distance(norms, ["a", "b"], ax=ax, bounds=np.ones((2, 4)) * 5)
    solid = [ln for ln in ax.lines if ln.get_linestyle() == "-"]
    dashed = [ln for ln in ax.lines if ln.get_linestyle() == "--"]
    assert len(solid) == 2 and len(dashed) == 2
    assert list(solid[0].get_xdata()) == [0, 1, 3]
    assert list(solid[1].get_xdata()) == [0, 1, 2]
    assert ax.get_yscale() == "log"
    plt.close(fig)


def test_plot_norms_by_distance_rejects_mismatched_labels_and_bounds():
    with pytest.raises(ValueError, match="labels"):
        viz.plot_norms_by_distance(np.ones((2, 3)), ["a"])
    with pytest.raises(ValueError, match="bounds"):
        viz.plot_norms_by_distance(np.ones((2, 3)), ["a", "b"], bounds=np.ones((2, 2)))


def test_plot_loss_curves_marks_the_step_where_a_run_failed():
    fig, ax = plt.subplots()
    viz.plot_loss_curves([(np.array([3.0, 2.0, 5.0, np.inf]), 3), (np.array([3.0, 2.0, 1.0]), None)],
                         ["plain", "clipped"], ax=ax)
    assert len(ax.lines) == 3
    assert list(ax.lines[0].get_xdata()) == [0, 1, 2]
    assert list(ax.lines[2].get_xdata()) == [3]
    with pytest.raises(ValueError, match="one label per run"):
        viz.plot_loss_curves([(np.ones(2), None)], [])
    plt.close(fig)
