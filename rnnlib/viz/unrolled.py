"""The network as a graph in time: the unrolled RNN and its input/output patterns
(Chapter 1).
"""

import numpy as np

from ._draw import EDGE, _arrow, _new_axes, _node


def draw_unrolled(T, ax=None, *, folded=True, h0=True):
    """The vanilla RNN as a graph: the folded cell and its self-loop, then T steps.

    Inputs sit at the bottom, states in the middle and outputs on top.  Every step's
    arrows carry the *same* labels ``W_xh``, ``W_hh`` and ``W_hy``: the parameters are
    shared.

    Parameters
    ----------
    T : int
        Number of unrolled steps, T >= 1.
    ax : matplotlib Axes or None
        Where to draw; None makes a new figure sized to T.
    folded : bool
        Also draw the compact (folded) form to the left, with the self-loop on h.
    h0 : bool
        Draw the initial state h_0 and its arrow into h_1.

    Returns
    -------
    ax : matplotlib Axes
        With 3 T node labels and 3 T edge labels for the unrolled part (minus one W_hh
        if ``h0`` is False), plus one label for h_0, and for the folded form 3 node
        labels, 3 edge labels and the word "unroll".  Every arrow is a
        ``FancyArrowPatch``: 3 T (minus one without ``h0``), plus 4 for the folded form
        (two edges, the self-loop and the "unroll" arrow).
    """
    if isinstance(T, bool) or not isinstance(T, (int, np.integer)) or T < 1:
        raise ValueError(f"T must be an int >= 1, got {T!r}")
    T = int(T)
    dx, ys = 1.6, {"x": 0.0, "h": 1.5, "o": 3.0}
    x_start = 0.0
    width = (3.7 if folded else 0.0) + (dx if h0 else 0.0) + dx * (T - 1) + 1.0
    ax = _new_axes(ax, figsize=(min(1.1 * width + 0.5, 14), 3.3))

    if folded:
        cx = 0.0
        _node(ax, (cx, ys["x"]), r"$x_t$", "x")
        _node(ax, (cx, ys["h"]), r"$h_t$", "h")
        _node(ax, (cx, ys["o"]), r"$o_t$", "o")
        _arrow(ax, (cx, ys["x"]), (cx, ys["h"]), label=r"$W_{xh}$", label_offset=(-0.45, 0))
        _arrow(ax, (cx, ys["h"]), (cx, ys["o"]), label=r"$W_{hy}$", label_offset=(-0.45, 0))
        # The self-loop: leaves h_t on the right and comes back into it, one step later.
        from matplotlib.patches import FancyArrowPatch

        r, ang = 0.31, np.deg2rad(50)
        top = (cx + r * np.cos(ang), ys["h"] + r * np.sin(ang))
        bottom = (cx + r * np.cos(ang), ys["h"] - r * np.sin(ang))
        ax.add_patch(FancyArrowPatch(top, bottom, arrowstyle="-|>", mutation_scale=12, lw=1.2,
                                     color=EDGE, connectionstyle="arc3,rad=-2.4", zorder=1))
        ax.text(cx + 1.05, ys["h"], r"$W_{hh}$", ha="left", va="center", fontsize=10,
                color="#1a1a80", zorder=3)
        ax.text(cx + 2.35, ys["h"] + 0.25, "unroll", ha="center", va="bottom", fontsize=10)
        ax.add_patch(FancyArrowPatch((cx + 1.9, ys["h"]), (cx + 2.8, ys["h"]), arrowstyle="-|>",
                                     mutation_scale=14, lw=1.5, color="#777777"))
        x_start = cx + 3.7

    xpos = x_start
    if h0:
        _node(ax, (xpos, ys["h"]), r"$h_0$", "h")
        xpos += dx
    for t in range(1, T + 1):
        _node(ax, (xpos, ys["x"]), rf"$x_{{{t}}}$", "x")
        _node(ax, (xpos, ys["h"]), rf"$h_{{{t}}}$", "h")
        _node(ax, (xpos, ys["o"]), rf"$o_{{{t}}}$", "o")
        _arrow(ax, (xpos, ys["x"]), (xpos, ys["h"]), label=r"$W_{xh}$", label_offset=(0.33, 0))
        _arrow(ax, (xpos, ys["h"]), (xpos, ys["o"]), label=r"$W_{hy}$", label_offset=(0.33, 0))
        if t > 1 or h0:
            _arrow(ax, (xpos - dx, ys["h"]), (xpos, ys["h"]), label=r"$W_{hh}$",
                   label_offset=(0, 0.22))
        xpos += dx

    ax.set_xlim(-0.8, xpos - dx + 0.8)
    ax.set_ylim(-0.6, 3.6)
    ax.set_aspect("equal")
    ax.set_axis_off()
    return ax


#: The step patterns of :func:`draw_io_patterns`: for each step, (has input, has output).
IO_PATTERNS = {
    "one-to-one": [(True, True)],
    "one-to-many": [(True, True), (False, True), (False, True), (False, True)],
    "many-to-one": [(True, False), (True, False), (True, False), (True, True)],
    "many-to-many": [(True, True), (True, True), (True, True), (True, True)],
    "encoder-decoder": [(True, False), (True, False), (True, False),
                        (False, True), (False, True), (False, True)],
}


def draw_io_pattern(steps, ax=None, *, title=None):
    """One input/output pattern: a row of states, with inputs below and outputs above.

    Parameters
    ----------
    steps : sequence of (bool, bool)
        For each time step, whether it reads an input and whether it emits an output.
    ax : matplotlib Axes or None
    title : str or None

    Returns
    -------
    ax : matplotlib Axes
        One circle per step, one box per input and per output, one arrow per input, per
        output and per state-to-state link (len(steps) - 1).
    """
    steps = list(steps)
    if not steps:
        raise ValueError("steps must hold at least one (has_input, has_output) pair")
    ax = _new_axes(ax, figsize=(0.9 * len(steps) + 0.6, 2.6))
    size, dx = 0.5, 0.9
    for i, (has_x, has_o) in enumerate(steps):
        x = i * dx
        _node(ax, (x, 1.0), None, "h", size=size)
        if has_x:
            _node(ax, (x, 0.0), None, "x", size=size)
            _arrow(ax, (x, 0.0), (x, 1.0), shrink=0.27)
        if has_o:
            _node(ax, (x, 2.0), None, "o", size=size)
            _arrow(ax, (x, 1.0), (x, 2.0), shrink=0.27)
        if i > 0:
            _arrow(ax, (x - dx, 1.0), (x, 1.0), shrink=0.27)
    if title:
        ax.set_title(title, fontsize=10)
    ax.set_xlim(-0.5, max(len(steps) - 1, 0) * dx + 0.5)
    ax.set_ylim(-0.4, 2.4)
    ax.set_aspect("equal")
    ax.set_axis_off()
    return ax


def draw_io_patterns(axes=None, *, patterns=None):
    """The input/output patterns side by side, one panel each.

    Parameters
    ----------
    axes : sequence of matplotlib Axes or None
        One Axes per pattern; None makes a new figure with one row of panels whose
        widths follow the number of steps.
    patterns : sequence of str or None
        Keys of :data:`IO_PATTERNS`; None draws all five.

    Returns
    -------
    axes : list of matplotlib Axes
    """
    names = list(IO_PATTERNS) if patterns is None else list(patterns)
    unknown = [n for n in names if n not in IO_PATTERNS]
    if unknown:
        raise ValueError(f"unknown pattern(s) {unknown}; choose from {list(IO_PATTERNS)}")
    if axes is None:
        import matplotlib.pyplot as plt

        # Panel widths in proportion to their data widths, so every node has the same size.
        widths = [0.9 * (len(IO_PATTERNS[n]) - 1) + 1.0 for n in names]
        _, axes = plt.subplots(1, len(names), figsize=(0.6 * sum(widths) + 0.4, 2.8),
                               gridspec_kw={"width_ratios": widths, "wspace": 0.25},
                               squeeze=False)
        axes = list(axes[0])
    else:
        axes = list(np.ravel(axes))
        if len(axes) != len(names):
            raise ValueError(f"got {len(axes)} axes for {len(names)} patterns")
    for ax, name in zip(axes, names):
        draw_io_pattern(IO_PATTERNS[name], ax=ax, title=name)
    return axes
