"""The figure functions draw what they promise, and only into the Axes they are given."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.patches import Circle, FancyArrowPatch, FancyBboxPatch  # noqa: E402

from rnnlib import viz  # noqa: E402


@pytest.fixture
def ax():
    fig, ax = plt.subplots()
    yield ax
    plt.close(fig)


def _texts(ax):
    return [t.get_text() for t in ax.texts]


def _arrows(ax):
    return [p for p in ax.patches if isinstance(p, FancyArrowPatch)]


@pytest.mark.parametrize("T", [1, 2, 5])
def test_draw_unrolled_labels_every_step_with_the_same_shared_weights(ax, T):
    out = viz.draw_unrolled(T, ax=ax)
    assert out is ax
    texts = _texts(ax)
    # Unrolled part: T of each weight (W_hh includes h_0 -> h_1); folded part: one more each.
    for w in (r"$W_{xh}$", r"$W_{hh}$", r"$W_{hy}$"):
        assert texts.count(w) == T + 1, (w, texts)
    for t in range(1, T + 1):
        for name in ("x", "h", "o"):
            assert texts.count(rf"${name}_{{{t}}}$") == 1
    assert texts.count(r"$h_0$") == 1
    assert "unroll" in texts
    # 3T + 1 node labels, 3T edge labels, folded: 3 nodes + 3 edges + "unroll".
    assert len(texts) == 6 * T + 1 + 7
    # Arrows: x->h, h->o and a state link per step; folded: 2 edges, the self-loop and
    # the "unroll" arrow.
    assert len(_arrows(ax)) == 3 * T + 4
    assert sum(isinstance(p, Circle) for p in ax.patches) == T + 1 + 1


def test_draw_unrolled_without_folded_form_or_h0(ax):
    viz.draw_unrolled(3, ax=ax, folded=False, h0=False)
    texts = _texts(ax)
    assert texts.count(r"$W_{hh}$") == 2
    assert texts.count(r"$W_{xh}$") == 3
    assert r"$h_0$" not in texts and "unroll" not in texts
    assert len(_arrows(ax)) == 3 + 3 + 2


@pytest.mark.parametrize("T", [0, -1, 2.5, True])
def test_draw_unrolled_rejects_a_bad_number_of_steps(T):
    with pytest.raises(ValueError, match="T must be an int >= 1"):
        viz.draw_unrolled(T)


def test_draw_io_patterns_draws_each_pattern_with_its_nodes_and_arrows():
    fig, axes = plt.subplots(1, len(viz.IO_PATTERNS))
    try:
        out = viz.draw_io_patterns(axes=axes)
        assert [a.get_title() for a in out] == list(viz.IO_PATTERNS)
        for a, steps in zip(out, viz.IO_PATTERNS.values()):
            n_in = sum(x for x, _ in steps)
            n_out = sum(o for _, o in steps)
            assert sum(isinstance(p, Circle) for p in a.patches) == len(steps)
            assert sum(isinstance(p, FancyBboxPatch) for p in a.patches) == n_in + n_out
            assert len(_arrows(a)) == n_in + n_out + len(steps) - 1
    finally:
        plt.close(fig)


def test_io_patterns_have_the_shapes_their_names_say():
    p = viz.IO_PATTERNS
    assert p["one-to-one"] == [(True, True)]
    assert sum(x for x, _ in p["one-to-many"]) == 1 and all(o for _, o in p["one-to-many"])
    assert all(x for x, _ in p["many-to-one"]) and sum(o for _, o in p["many-to-one"]) == 1
    assert all(x and o for x, o in p["many-to-many"])
    # Encoder-decoder: every input comes before every output.
    ed = p["encoder-decoder"]
    last_in = max(i for i, (x, _) in enumerate(ed) if x)
    first_out = min(i for i, (_, o) in enumerate(ed) if o)
    assert last_in < first_out


def test_draw_io_patterns_rejects_unknown_names_and_wrong_axes_count():
    with pytest.raises(ValueError, match="unknown pattern"):
        viz.draw_io_patterns(patterns=["two-to-three"])
    fig, axes = plt.subplots(1, 2)
    try:
        with pytest.raises(ValueError, match="got 2 axes for 5 patterns"):
            viz.draw_io_patterns(axes=axes)
    finally:
        plt.close(fig)


def test_plot_windows_marks_one_bar_per_window_in_its_legend_colour(ax):
    from matplotlib.colors import to_hex

    dates = np.arange(100)
    values = np.sin(dates / 10.0)
    viz.plot_windows(dates, values, [20, 5, 60], ax=ax, context=80)
    assert len(ax.lines) == 1
    np.testing.assert_array_equal(ax.lines[0].get_xdata(), dates[20:])
    legend = ax.get_legend()
    labels = [t.get_text() for t in legend.get_texts()]
    assert labels == ["last 5 steps", "last 20 steps", "last 60 steps"]
    bars = [c for c in ax.collections if c.get_label().startswith("last")]
    assert len(bars) == 3
    heights = set()
    for bar, handle, w in zip(bars, legend.legend_handles, [5, 20, 60]):
        ((x0, y), (x1, _)) = bar.get_segments()[0]
        assert (x0, x1) == (100 - w, 99)  # the w steps up to the last one
        heights.add(y)
        assert to_hex(bar.get_color()[0]) == to_hex(np.ravel(handle.get_color())[:4])
    assert len(heights) == 3  # one height per bar: no two colours overlap
    assert not ax.patches  # nothing shaded, so nothing blended


def test_plot_windows_can_leave_out_the_legend(ax):
    dates = np.arange("2008-01-01", "2008-03-01", dtype="datetime64[D]")
    viz.plot_windows(dates, np.arange(len(dates), dtype=float), [5, 20], ax=ax, legend=None)
    assert ax.get_legend() is None
    assert len(ax.lines) == 1


def test_plot_windows_rejects_a_window_longer_than_the_series(ax):
    with pytest.raises(ValueError, match="every window"):
        viz.plot_windows(np.arange(10), np.zeros(10), [11], ax=ax)


@pytest.mark.parametrize(
    "draw",
    [
        lambda ax: viz.draw_unrolled(3, ax=ax),
        lambda ax: viz.draw_io_pattern([(True, True), (True, False)], ax=ax),
        lambda ax: viz.plot_windows(np.arange(30), np.arange(30.0), [5], ax=ax),
    ],
)
def test_drawing_into_an_axes_touches_no_global_state(ax, draw):
    rc_before = dict(matplotlib.rcParams)
    figs_before = plt.get_fignums()
    plt.figure()  # a different current figure, which a function must not draw into
    current = plt.gcf()
    try:
        draw(ax)
        assert plt.gcf() is current
        assert current.axes == []
        assert plt.get_fignums() == figs_before + [current.number]
        assert dict(matplotlib.rcParams) == rc_before
    finally:
        plt.close(current)
