"""What every figure shares: node colours, new axes, nodes, arrows, integer ticks."""

import numpy as np

# Colours of the three kinds of node, used by every diagram so that x, h and o always look
# the same in the book.
COLORS = {"x": "#fde9a9", "h": "#b9d7f0", "o": "#f6c1b5"}
EDGE = "#333333"


def _new_axes(ax, figsize):
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    _, ax = plt.subplots(figsize=figsize)
    return ax


def _node(ax, xy, label, kind, *, size=0.62, fontsize=12):
    """A node centred at ``xy``: a rounded box for inputs/outputs, a circle for h."""
    from matplotlib.patches import Circle, FancyBboxPatch

    x, y = xy
    if kind == "h":
        patch = Circle((x, y), size / 2, facecolor=COLORS["h"], edgecolor=EDGE, lw=1.2, zorder=2)
    else:
        patch = FancyBboxPatch(
            (x - size / 2, y - size / 2), size, size, boxstyle="round,pad=0,rounding_size=0.08",
            facecolor=COLORS[kind], edgecolor=EDGE, lw=1.2, zorder=2,
        )
    ax.add_patch(patch)
    if label:
        ax.text(x, y, label, ha="center", va="center", fontsize=fontsize, zorder=3)
    return patch


def _arrow(ax, start, end, *, label=None, label_offset=(0.0, 0.0), shrink=0.33, rad=0.0,
           fontsize=10, color=EDGE):
    """An arrow from ``start`` to ``end``, stopping ``shrink`` short of both centres."""
    from matplotlib.patches import FancyArrowPatch

    (x0, y0), (x1, y1) = start, end
    d = np.hypot(x1 - x0, y1 - y0)
    ux, uy = (x1 - x0) / d, (y1 - y0) / d
    p0 = (x0 + shrink * ux, y0 + shrink * uy)
    p1 = (x1 - shrink * ux, y1 - shrink * uy)
    arrow = FancyArrowPatch(
        p0, p1, arrowstyle="-|>", mutation_scale=12, lw=1.2, color=color,
        connectionstyle=f"arc3,rad={rad}", zorder=1,
    )
    ax.add_patch(arrow)
    if label:
        mx, my = (p0[0] + p1[0]) / 2 + label_offset[0], (p0[1] + p1[1]) / 2 + label_offset[1]
        ax.text(mx, my, label, ha="center", va="center", fontsize=fontsize, color="#1a1a80",
                zorder=3, bbox=dict(boxstyle="round,pad=0.1", facecolor="white", edgecolor="none"))
    return arrow


def _integer_ticks():
    from matplotlib.ticker import MaxNLocator

    return MaxNLocator(integer=True)
