"""Figures for the book, drawn with Matplotlib so they change with the math.

Every function takes an optional ``ax`` (a Matplotlib Axes; ``axes`` for multi-panel
figures) to draw into, and returns what it drew into, so a chapter can adjust titles or
save it.  Given an ``ax``, a function draws only there: it creates no figure, changes no
``rcParams`` and never calls ``plt.gca()``.  Without one, it makes a new figure with
``plt.subplots``.

Diagrams are drawn in data coordinates with ``ax.set_aspect("equal")`` and the axis
frame turned off.  Nodes are patches (rectangles for inputs and outputs, circles for
states), edges are ``FancyArrowPatch`` objects and every label is an ``ax.text``, so
tests can count them.

One module per kind of figure:

``unrolled.py``
    The network as a graph in time, and its input/output patterns.
``paths.py``
    Where the gradient flows: the recursive identity's paths, BPTT's paths, the LSTM
    cell.
``curves.py``
    One quantity against another: softmax temperatures, cross-entropy, cost on log-log
    axes.
``gradients.py``
    Gradient norms through time: heat maps, curves, BPTT contributions, truncation
    error.
``training.py``
    Training curves.
``gradient_flow.py``
    Chapter 5's studies: the share of the gradient beyond a lag, and the cliff.
``series.py``
    Time series with input windows or forecasts.
``_draw.py``
    What they share: colours, nodes, arrows.
"""

from ._draw import COLORS, EDGE
from .curves import plot_binary_cross_entropy, plot_loglog_cost, plot_softmax_temperatures
from .gradients import (
    plot_grad_flow,
    plot_gradient_contributions,
    plot_gradient_heatmap,
    plot_norms_by_distance,
    plot_truncation_error,
)
from .paths import PATH_COLORS, draw_bptt_paths, draw_lstm_cell, draw_recursion_paths
from .gradient_flow import plot_cliff, plot_long_range_share
from .series import plot_forecasts, plot_windows
from .training import plot_learning_curves, plot_lm_learning_curves, plot_loss_curves
from .unrolled import IO_PATTERNS, draw_io_pattern, draw_io_patterns, draw_unrolled

__all__ = [
    "COLORS",
    "EDGE",
    "draw_unrolled",
    "IO_PATTERNS",
    "draw_io_pattern",
    "draw_io_patterns",
    "draw_recursion_paths",
    "PATH_COLORS",
    "draw_bptt_paths",
    "draw_lstm_cell",
    "plot_softmax_temperatures",
    "plot_binary_cross_entropy",
    "plot_loglog_cost",
    "plot_gradient_heatmap",
    "plot_norms_by_distance",
    "plot_gradient_contributions",
    "plot_truncation_error",
    "plot_grad_flow",
    "plot_long_range_share",
    "plot_cliff",
    "plot_loss_curves",
    "plot_learning_curves",
    "plot_lm_learning_curves",
    "plot_windows",
    "plot_forecasts",
]
