import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from rnnlib import viz  # noqa: E402


def test_draw_lstm_cell_labels_the_four_gates_in_pytorch_order():
    fig, ax = plt.subplots()
    out = viz.draw_lstm_cell(ax=ax)
    assert out is ax
    texts = [t.get_text() for t in ax.texts]
    gates = [s for s in texts if s in ("$i_t$", "$f_t$", "$g_t$", "$o_t$")]
    assert sorted(gates) == sorted(["$i_t$", "$f_t$", "$g_t$", "$o_t$"])
    for state in ("$c_{t-1}$", "$c_t$", "$h_{t-1}$", "$h_t$", "$x_t$"):
        assert state in texts
    plt.close(fig)


def test_plot_grad_flow_draws_one_log_curve_per_row_and_skips_zeros():
    norms = np.array([[1e-6, 1e-3, 1.0], [0.0, 0.5, 1.0]])
    fig, ax = plt.subplots()
    viz.plot_grad_flow(norms, ["rnn", "lstm"], ax=ax, title="at init")
    assert ax.get_yscale() == "log" and len(ax.lines) == 2
    np.testing.assert_array_equal(ax.lines[0].get_xdata(), [1, 2, 3])
    np.testing.assert_array_equal(ax.lines[1].get_xdata(), [2, 3])
    assert ax.get_title() == "at init"
    with pytest.raises(ValueError, match="labels"):
        viz.plot_grad_flow(norms, ["one"], ax=ax)
    plt.close(fig)


def test_plot_learning_curves_smooths_and_draws_the_baseline():
    fig, ax = plt.subplots()
    viz.plot_learning_curves([np.arange(1.0, 11.0), np.ones(6)], ["a", "b"], ax=ax, baseline=0.5, window=5)
    assert len(ax.lines) == 3
    np.testing.assert_allclose(ax.lines[0].get_ydata(), np.arange(3.0, 9.0))  # means of 5 consecutive
    np.testing.assert_array_equal(ax.lines[0].get_xdata(), np.arange(5, 11))
    np.testing.assert_allclose(ax.lines[2].get_ydata(), [0.5, 0.5])
    with pytest.raises(ValueError, match="window"):
        viz.plot_learning_curves([np.ones(3)], ["a"], ax=ax, window=5)
    plt.close(fig)
