"""Checks for what Chapter 6 relies on beyond the cells' own tests: the adding problem's
memory span, the figures' legibility, and that the library ships no exercise answer."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from rnnlib import data, variants, viz  # noqa: E402


def test_the_reset_before_backward_is_left_to_the_exercise():
    # Chapter 6's exercise ch6-ex-reset-before asks for this function; the library must not ship it
    assert not hasattr(variants, "gru_reset_before_step_backward")
    assert hasattr(variants, "gru_reset_before_step")


def test_adding_problem_first_value_is_kept_about_three_quarters_of_the_sequence():
    T = 40
    xs, ys = data.make_adding_problem(20000, T, rng=0)
    markers = xs[..., 1]  # (T, n)
    first = np.argmax(markers, axis=0) + 1  # 1-based step of the first marker
    assert first.max() <= T // 2 and np.all(markers.sum(axis=0) == 2)
    # uniform on 1 ... T/2, so the value is carried T - (T/2 + 1)/2 = 29.5 steps on average
    assert abs((T - first).mean() - (T - (T // 2 + 1) / 2)) < 0.2
    assert abs((T - first).mean() - 0.75 * T) < 1
    assert abs(np.mean((ys - 1.0) ** 2) - 1 / 6) < 0.01


def _integer_ticks_only(ax):
    lo, hi = ax.get_xlim()
    ticks = [t for t in ax.get_xticks() if lo <= t <= hi]
    return len(ticks) >= 2 and all(float(t).is_integer() for t in ticks)


def test_grad_flow_and_learning_curves_put_integer_ticks_on_the_step_axis():
    fig, (a, b) = plt.subplots(1, 2)
    viz.plot_grad_flow(np.array([[1e-3, 1e-2, 1.0]]), ["rnn"], ax=a)  # t = 1, 2, 3 only
    viz.plot_learning_curves([np.linspace(1.0, 0.5, 4)], ["a"], ax=b, window=1)
    assert _integer_ticks_only(a) and _integer_ticks_only(b)
    assert a.get_legend().get_texts()[0].get_fontsize() >= 10
    plt.close(fig)


def test_draw_lstm_cell_writes_no_text_below_10_points():
    fig, ax = plt.subplots(figsize=(8, 4.2))
    viz.draw_lstm_cell(ax=ax)
    assert min(t.get_fontsize() for t in ax.texts) >= 10
    plt.close(fig)
