"""Where the gradient flows, as diagrams: the paths the recursive identity sums
(Chapter 2), the paths from w_hh to the loss in BPTT (Chapter 3), and the LSTM cell with
its cell-state path (Chapter 6).
"""

import numpy as np

from ._draw import EDGE, _arrow, _new_axes, _node


def draw_recursion_paths(t, ax=None):
    """The paths the recursive identity sums, one row per term, for a_t with t steps.

    Row i (i = 1 at the bottom) is the term (c_t ... c_{i+1}) b_i of
    a_t = b_t + sum_{i<t} (prod_{j=i+1}^t c_j) b_i: the shared weight w enters the chain
    at step i through the immediate partial b_i, and each later step multiplies by its
    c_j on the way to h_t.  Every path ends at h_t, and there is exactly one per step.
    """
    if not isinstance(t, int) or t < 1:
        raise ValueError(f"t must be an int >= 1, got {t!r}")
    ax = _new_axes(ax, (1.5 * t + 3.0, 1.25 * t + 1.0))
    dy = 1.5
    for i in range(1, t + 1):
        y = (i - 1) * dy
        _node(ax, (i, y + 0.85), "$w$", "x", size=0.5, fontsize=11)
        _arrow(ax, (i, y + 0.85), (i, y), label=f"$b_{{{i}}}$", label_offset=(-0.28, 0.0),
               shrink=0.3)
        for k in range(i, t + 1):
            _node(ax, (k, y), f"$h_{{{k}}}$", "h", size=0.56, fontsize=10)
        for k in range(i, t):
            _arrow(ax, (k, y), (k + 1, y), label=f"$c_{{{k + 1}}}$", label_offset=(0.0, 0.24))
        cs = "".join(f"c_{{{j}}}" for j in range(t, i, -1))
        ax.text(t + 0.6, y, f"${cs}\\,b_{{{i}}}$", ha="left", va="center", fontsize=11)
    ax.set_xlim(0.4, t + 0.9 + 0.42 * t)
    ax.set_ylim(-0.6, (t - 1) * dy + 1.3)
    ax.set_aspect("equal")
    ax.axis("off")
    return ax


#: One colour per path in :func:`draw_bptt_paths` (path i gets PATH_COLORS[i - 1]).
PATH_COLORS = ("#d62728", "#2ca02c", "#1f77b4", "#9467bd", "#ff7f0e", "#8c564b")


def draw_bptt_paths(T=3, ax=None):
    """The scalar warm-up network of Chapter 3 and the T paths from w_hh to the loss.

    States h_0 ... h_T sit in a row, followed by the output O and the loss L.  Under
    each step i is one use of the shared weight w_hh; its edge into h_i is labelled with
    the immediate partial f'(a_i) h_{i-1}.  Each edge between states carries its
    immediate partial w_hh f'(a_t), the edge h_T -> O carries w_hy g'(u) and O -> L
    carries O - y.  Above the row, a coloured bar per path i runs from h_i to L: path i
    is w_hh -> h_i -> ... -> h_T -> O -> L, and the product of the labels along it is
    its term.

    Parameters
    ----------
    T : int
        Number of steps, 1 <= T <= 6.
    ax : matplotlib Axes or None

    Returns
    -------
    ax : matplotlib Axes
        With T + 3 node labels for the chain (h_0 ... h_T, O, L), T labels w_hh, T + 2
        edge labels and T path labels; 2 T + 2 arrows.
    """
    if isinstance(T, bool) or not isinstance(T, (int, np.integer)) or not 1 <= T <= len(PATH_COLORS):
        raise ValueError(f"T must be an int in [1, {len(PATH_COLORS)}], got {T!r}")
    T = int(T)
    dx, y_a, y_w = 2.0, 0.0, -1.6
    ax = _new_axes(ax, (1.45 * (T + 3) + 1.0, 3.9 + 0.25 * T))
    for t in range(T + 1):
        _node(ax, (t * dx, y_a), f"$h_{{{t}}}$", "h")
    x_o, x_l = (T + 1) * dx, (T + 2) * dx
    _node(ax, (x_o, y_a), "$O$", "o")
    _node(ax, (x_l, y_a), "$L$", "o")
    for t in range(1, T + 1):
        _arrow(ax, ((t - 1) * dx, y_a), (t * dx, y_a), label=f"$w_{{hh}}f'(a_{{{t}}})$",
               label_offset=(0.0, -0.32), shrink=0.36)
        _node(ax, (t * dx, y_w), "$w_{hh}$", "x", size=0.6, fontsize=10)
        _arrow(ax, (t * dx, y_w), (t * dx, y_a), label=f"$f'(a_{{{t}}})\\,h_{{{t - 1}}}$",
               label_offset=(0.62, 0.0), shrink=0.36, color=PATH_COLORS[t - 1])
    _arrow(ax, (T * dx, y_a), (x_o, y_a), label="$w_{hy}g'(u)$", label_offset=(0.0, -0.32), shrink=0.36)
    _arrow(ax, (x_o, y_a), (x_l, y_a), label="$O-y$", label_offset=(0.0, -0.32), shrink=0.36)
    for i in range(1, T + 1):
        y_bar = 0.62 + 0.3 * (T - i)
        ax.plot([i * dx, x_l], [y_bar, y_bar], color=PATH_COLORS[i - 1], lw=3, solid_capstyle="round")
        ax.text(i * dx - 0.15, y_bar, f"path {i}", ha="right", va="center", fontsize=9,
                color=PATH_COLORS[i - 1])
    ax.set_xlim(-0.8, x_l + 0.8)
    ax.set_ylim(y_w - 0.6, 0.62 + 0.3 * (T - 1) + 0.45)
    ax.set_aspect("equal")
    ax.set_axis_off()
    return ax


def draw_lstm_cell(ax=None):
    """The LSTM cell at one step, its cell-state path a straight line along the top.

    Along the top, c_{t-1} passes one multiplication by f_t and one addition of
    i_t * g_t on its way to c_t: the only operations on the path, so dc_t/dc_{t-1} (with
    h_{t-1} held fixed) is diag(f_t).  Below it, h_{t-1} and x_t feed the four gates i,
    f, g, o (PyTorch's order), and h_t = o_t * tanh(c_t) leaves on the right.

    Parameters
    ----------
    ax : matplotlib Axes or None

    Returns
    -------
    ax : matplotlib Axes
        Holding 4 gate nodes (labelled i, f, g, o), 4 operation nodes (x, x, +, x and
        tanh), and the state nodes c_{t-1}, c_t, h_{t-1}, h_t, x_t.
    """
    ax = _new_axes(ax, (8.0, 4.2))
    y_c, y_gate, y_in = 2.6, 0.9, -0.6
    # the cell-state path
    _node(ax, (0.0, y_c), "$c_{t-1}$", "h", size=0.8)
    _node(ax, (8.0, y_c), "$c_t$", "h", size=0.8)
    ops = {"mul_f": (2.0, y_c, r"$\times$"), "add": (4.0, y_c, "$+$"), "mul_ig": (4.0, y_c - 0.95, r"$\times$"),
           "tanh": (6.0, y_c - 0.75, r"$\tanh$"), "mul_o": (6.8, y_gate - 0.1, r"$\times$")}
    for key, (x, y, label) in ops.items():
        _node(ax, (x, y), label, "o", size=0.7 if key == "tanh" else 0.5, fontsize=10 if key == "tanh" else 11)
    _arrow(ax, (0.0, y_c), (2.0, y_c), shrink=0.4, color="#d62728")
    _arrow(ax, (2.0, y_c), (4.0, y_c), shrink=0.3, color="#d62728")
    _arrow(ax, (4.0, y_c), (8.0, y_c), shrink=0.4, color="#d62728")
    ax.text(3.0, y_c + 0.35, "identity: no matrix, no squashing", fontsize=10, color="#d62728", ha="center")
    # the gates, fed by h_{t-1} and x_t
    gates = {"i": (3.3, r"$\sigma$"), "f": (2.0, r"$\sigma$"), "g": (4.7, r"$\tanh$"), "o": (6.0, r"$\sigma$")}
    for name, (x, act) in gates.items():
        _node(ax, (x, y_gate), f"${name}_t$", "x", size=0.62)
        left, low = name in "fi", name == "o"  # keep each label off the arrows at its gate
        ax.text(x - 0.36 if left else x + 0.36, y_gate - 0.3 if low else y_gate + 0.3, act,
                ha="right" if left else "left", va="top" if low else "bottom", fontsize=10, color="0.3")
    _arrow(ax, (2.0, y_gate), (2.0, y_c), shrink=0.3)
    _arrow(ax, (3.3, y_gate), (4.0, y_c - 0.95), shrink=0.3)
    _arrow(ax, (4.7, y_gate), (4.0, y_c - 0.95), shrink=0.3)
    _arrow(ax, (4.0, y_c - 0.95), (4.0, y_c), shrink=0.25)
    _arrow(ax, (6.0, y_gate), (6.8, y_gate - 0.1), shrink=0.3)
    _arrow(ax, (4.0, y_c), (6.0, y_c - 0.75), shrink=0.3, rad=0.0)
    _arrow(ax, (6.0, y_c - 0.75), (6.8, y_gate - 0.1), shrink=0.3)
    _node(ax, (8.0, y_gate - 0.1), "$h_t$", "h", size=0.8)
    _arrow(ax, (6.8, y_gate - 0.1), (8.0, y_gate - 0.1), shrink=0.35)
    _node(ax, (0.0, y_in + 0.6), "$h_{t-1}$", "h", size=0.8)
    _node(ax, (0.0, y_in - 0.5), "$x_t$", "x", size=0.7)
    ax.plot([0.45, 6.0], [y_in, y_in], color=EDGE, lw=1.2, zorder=1)
    ax.plot([0.4, 0.6], [y_in + 0.6, y_in], color=EDGE, lw=1.2, zorder=1)
    ax.plot([0.4, 0.6], [y_in - 0.5, y_in], color=EDGE, lw=1.2, zorder=1)
    for x, _ in gates.values():
        _arrow(ax, (x, y_in), (x, y_gate), shrink=0.3)
    ax.text(3.5, y_in - 0.3, r"$[h_{t-1}; x_t]$ feeds every gate", ha="center", va="top", fontsize=10, color="0.3")
    ax.set_xlim(-0.7, 8.7)
    ax.set_ylim(y_in - 1.1, y_c + 0.8)
    ax.set_aspect("equal")
    ax.set_axis_off()
    return ax
