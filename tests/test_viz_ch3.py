"""Chapter 3's figures draw what their docstrings promise."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.patches import FancyArrowPatch, Rectangle  # noqa: E402

from rnnlib import viz  # noqa: E402


@pytest.fixture
def ax():
    fig, ax = plt.subplots()
    yield ax
    plt.close(fig)


@pytest.mark.parametrize("T", [1, 3, 6])
def test_draw_bptt_paths_draws_one_path_per_step(ax, T):
    viz.draw_bptt_paths(T, ax=ax)
    texts = [t.get_text() for t in ax.texts]
    assert sum(t.startswith("path ") for t in texts) == T
    assert texts.count("$w_{hh}$") == T
    assert sum(isinstance(p, FancyArrowPatch) for p in ax.patches) == 2 * T + 2
    assert {"$O$", "$L$", "$h_{0}$", f"$h_{{{T}}}$"} <= set(texts)


@pytest.mark.parametrize("T", [0, 7, 2.0])
def test_draw_bptt_paths_rejects_a_bad_T(T):
    with pytest.raises(ValueError, match="T must be"):
        viz.draw_bptt_paths(T)


@pytest.mark.parametrize("T,k,blocks", [(6, 2, 3), (7, 3, 3), (5, None, 0)])
def test_plot_gradient_contributions_outlines_one_block_per_chunk(ax, T, k, blocks):
    norms = np.tril(np.arange(1.0, T * T + 1).reshape(T, T))
    viz.plot_gradient_contributions(norms, ax=ax, k=k)
    assert len(ax.images) == 1
    assert sum(isinstance(p, Rectangle) and not p.get_fill() for p in ax.patches) == blocks


def test_plot_gradient_contributions_rejects_a_non_square_array():
    with pytest.raises(ValueError, match=r"shape \(T, T\)"):
        viz.plot_gradient_contributions(np.ones((2, 3)))


def test_plot_truncation_error_draws_one_line_per_label(ax):
    viz.plot_truncation_error([1, 2, 3], {"a": [0.5, 0.1, 0.0], "b": [0.4, 0.2, 0.0]}, ax=ax, T=3)
    assert len([ln for ln in ax.lines if ln.get_marker() == "o"]) == 2
