"""Figures for the book, drawn with Matplotlib so they change with the math.

Every function takes an optional ``ax`` (a Matplotlib Axes; ``axes`` for multi-panel
figures) to draw into, and returns what it drew into, so a chapter can adjust titles or
save it.  Given an ``ax``, a function draws only there: it creates no figure, changes no
``rcParams`` and never calls ``plt.gca()``.  Without one, it makes a new figure with
``plt.subplots``.

Diagrams are drawn in data coordinates with ``ax.set_aspect("equal")`` and the axis frame
turned off.  Nodes are patches (rectangles for inputs and outputs, circles for states),
edges are ``FancyArrowPatch`` objects and every label is an ``ax.text``, so tests can count
them.
"""

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
    """A node centred at ``xy``: a rounded box for inputs/outputs, a circle for states."""
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
    """An arrow from ``start`` to ``end`` that stops ``shrink`` short of both centres."""
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


def draw_unrolled(T, ax=None, *, folded=True, h0=True):
    """The vanilla RNN as a graph: the folded cell with its self-loop, then T unrolled steps.

    Inputs sit at the bottom, states in the middle and outputs on top.  Every step's arrows
    carry the *same* labels ``W_xh``, ``W_hh`` and ``W_hy``: the parameters are shared.

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
        With 3 T node labels and 3 T edge labels for the unrolled part (minus one W_hh if
        ``h0`` is False), plus one label for h_0, and for the folded form 3 node labels,
        3 edge labels and the word "unroll".  Every arrow is a ``FancyArrowPatch``: 3 T
        (minus one without ``h0``), plus 4 for the folded form (two edges, the self-loop and
        the "unroll" arrow).
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
        One Axes per pattern; None makes a new figure with one row of panels whose widths
        follow the number of steps.
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


def plot_windows(dates, values, windows, ax=None, *, end=None, context=None, ylabel=None,
                 legend="upper left"):
    """A time series with the input windows of a fixed-window model shaded, all ending at ``end``.

    Parameters
    ----------
    dates : ndarray, shape (N,)
        The time axis (``datetime64`` or numbers).
    values : ndarray, shape (N,)
    windows : sequence of int
        Window lengths in steps; each is shaded as the ``w`` steps up to and including ``end``.
    ax : matplotlib Axes or None
    end : int or None
        Index of the last step of every window; None means the last index.
    context : int or None
        Show only this many steps up to ``end``; None shows the whole series.
    ylabel : str or None
    legend : str or None
        Where to put the legend (a Matplotlib ``loc``); None draws none.

    Returns
    -------
    ax : matplotlib Axes
        One line for the series and, per window, one bar (a ``LineCollection``) above the
        curve spanning the window, in its own colour, with a dotted line down at its first
        step.  The bars sit at different heights and are never blended, so every colour on
        the plot is one of the legend's (drawn unless ``legend`` is None).  ``datetime64``
        dates get concise date labels.
    """
    values = np.asarray(values)
    dates = np.asarray(dates)
    if values.ndim != 1 or dates.shape != values.shape:
        raise ValueError(f"dates and values must be 1-D of equal length, got {dates.shape} and {values.shape}")
    n = len(values)
    end = n - 1 if end is None else int(end)
    if not 0 <= end < n:
        raise ValueError(f"end must be an index in [0, {n - 1}], got {end}")
    windows = [int(w) for w in windows]
    if any(w < 1 or w > end + 1 for w in windows):
        raise ValueError(f"every window must be in [1, end + 1 = {end + 1}], got {windows}")
    ax = _new_axes(ax, figsize=(7, 3))
    lo = 0 if context is None else max(0, end + 1 - int(context))
    ax.plot(dates[lo:end + 1], values[lo:end + 1], color="#222222", lw=1.0)
    shades = ["#d62728", "#ff7f0e", "#2ca02c", "#1f77b4", "#9467bd"]
    # Room above the curve for one bar per window (y in axes fractions from here on).
    y_lo, y_hi = ax.get_ylim()
    n_bars = len(windows)
    ax.set_ylim(y_lo, y_hi + (0.08 * n_bars + 0.04) * (y_hi - y_lo))
    top = 1.0 - 0.04 * (1.0 + 0.1 * n_bars)
    mix = ax.get_xaxis_transform()  # x in data, y in axes fractions
    for k, w in enumerate(sorted(windows)):
        color = shades[k % len(shades)]
        y = top - k * 0.07
        ax.hlines(y, dates[end + 1 - w], dates[end], colors=color, lw=5, transform=mix,
                  label=f"last {w} steps")
        ax.vlines(dates[end + 1 - w], 0.0, y, colors=color, lw=1, linestyles=":",
                  transform=mix)
    if legend is not None:
        ax.legend(loc=legend, fontsize=10, frameon=False)
    if np.issubdtype(dates.dtype, np.datetime64):
        from matplotlib.dates import AutoDateLocator, ConciseDateFormatter

        locator = AutoDateLocator(minticks=3, maxticks=7)
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(ConciseDateFormatter(locator))
    if ylabel:
        ax.set_ylabel(ylabel)
    return ax


def plot_softmax_temperatures(logits, temperatures, ax=None, *, labels=None):
    """Bars of softmax(o / tau) for one logit vector o and several temperatures tau.

    Low temperatures sharpen the distribution towards the largest logit (a one-hot in the
    limit tau -> 0); high temperatures flatten it towards uniform (1/K in the limit).

    Parameters
    ----------
    logits : ndarray, shape (K,)
    temperatures : sequence of float, each > 0
    ax : matplotlib Axes or None
    labels : sequence of str or None
        Names of the K classes for the x axis; None numbers them 1 ... K.

    Returns
    -------
    ax : matplotlib Axes
        One bar container per temperature (``ax.containers``), K bars each, with a legend.
    """
    from .losses import softmax

    o = np.asarray(logits, dtype=np.float64)
    if o.ndim != 1 or o.size < 2:
        raise ValueError(f"logits must be a 1-D array of K >= 2 logits, got shape {o.shape}")
    temps = [float(t) for t in temperatures]
    if not temps or any(not np.isfinite(t) or t <= 0 for t in temps):
        raise ValueError(f"temperatures must be a non-empty sequence of numbers > 0, got {temps}")
    K = o.size
    names = [str(k + 1) for k in range(K)] if labels is None else [str(s) for s in labels]
    if len(names) != K:
        raise ValueError(f"got {len(names)} labels for K = {K} logits")
    ax = _new_axes(ax, figsize=(6.5, 3.2))
    width = 0.8 / len(temps)
    positions = np.arange(K)
    for i, tau in enumerate(temps):
        ax.bar(positions + (i - (len(temps) - 1) / 2) * width, softmax(o / tau), width,
               label=rf"$\tau = {tau:g}$")
    ax.axhline(1.0 / K, color="#777777", lw=0.8, ls=":", label="uniform $1/K$")
    ax.set_xticks(positions)
    ax.set_xticklabels(names)
    ax.set_ylim(0, 1)
    ax.set_ylabel(r"softmax$(o / \tau)_k$")
    ax.legend(fontsize=9, frameon=False)
    return ax


def plot_binary_cross_entropy(ax=None, *, smoothing=(0.0, 0.1, 0.3), span=8.0, num=401):
    """The 2-class cross-entropy as a function of the logit difference d = o_1 - o_2.

    The target puts mass q = 1 - eps/2 on class 1 (label smoothing with eps; eps = 0 is the
    one-hot target).  Then L(d) = q ln(1 + e^{-d}) + (1 - q) ln(1 + e^{d}): for eps = 0 it
    falls towards 0 only as d -> infinity; for eps > 0 it has its minimum, the entropy
    H(q), at the finite d* = ln(q / (1 - q)), which is marked with a dot.

    Parameters
    ----------
    ax : matplotlib Axes or None
    smoothing : sequence of float in [0, 1)
        The values of eps, one curve each.
    span : float
        The d axis runs over [-span, span].
    num : int
        Number of points per curve.

    Returns
    -------
    ax : matplotlib Axes
        One line per eps, plus one marker (a line with one point) per eps > 0.
    """
    eps_values = [float(e) for e in smoothing]
    if not eps_values or any(not 0.0 <= e < 1.0 for e in eps_values):
        raise ValueError(f"smoothing must be a non-empty sequence of values in [0, 1), got {eps_values}")
    ax = _new_axes(ax, figsize=(6.5, 3.4))
    d = np.linspace(-span, span, int(num))
    for eps in eps_values:
        q = 1.0 - eps / 2.0
        loss = q * np.logaddexp(0.0, -d) + (1.0 - q) * np.logaddexp(0.0, d)  # stable softplus
        (line,) = ax.plot(d, loss, lw=1.6, label=rf"$\varepsilon = {eps:g}$")
        if eps > 0:
            d_star = np.log(q / (1.0 - q))
            h_q = -(q * np.log(q) + (1.0 - q) * np.log(1.0 - q))
            ax.plot([d_star], [h_q], "o", color=line.get_color(), ms=5)
    ax.axhline(0.0, color="#777777", lw=0.8)
    ax.set_xlabel(r"logit difference $d = o_1 - o_2$ (target: class 1)")
    ax.set_ylabel("cross-entropy (nats)")
    ax.legend(fontsize=9, frameon=False)
    return ax


def draw_recursion_paths(t, ax=None):
    """The paths the recursive identity sums, one row per term, for a_t with t steps.

    Row i (i = 1 at the bottom) is the term (c_t ... c_{i+1}) b_i of
    a_t = b_t + sum_{i<t} (prod_{j=i+1}^t c_j) b_i: the shared weight w enters the chain at
    step i through the immediate partial b_i, and each later step multiplies by its c_j on
    the way to h_t.  Every path ends at h_t, and there is exactly one per step.
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


def plot_loglog_cost(sizes, seconds, ax=None, *, reference_slopes=None):
    """Run time against problem size on log-log axes, with dashed reference slopes.

    Parameters
    ----------
    sizes : array_like, shape (N,)
    seconds : dict
        Maps a label to an array of shape (N,), the time at each size.
    reference_slopes : dict or None
        Maps a label in ``seconds`` to a power p: a dashed line proportional to size^p is
        drawn through that series (at its geometric mean), labelled "slope p".
    """
    ax = _new_axes(ax, (5.5, 4.0))
    sizes = np.asarray(sizes, dtype=float)
    for label, secs in seconds.items():
        ax.loglog(sizes, secs, "o-", label=label)
    for label, p in (reference_slopes or {}).items():
        log_secs = np.log(np.asarray(seconds[label], dtype=float))
        log_sizes = np.log(sizes)
        anchor = np.exp(log_secs.mean() - p * log_sizes.mean())
        ax.loglog(sizes, anchor * sizes**p, "--", color="0.5", lw=1)
        ax.text(sizes[-1], anchor * sizes[-1] ** p, f"  slope {p}", va="center", fontsize=9,
                color="0.35")
    ax.set_xlabel("sequence length $t$")
    ax.set_ylabel("wall time (s)")
    ax.legend(loc="upper left")
    return ax


def plot_gradient_heatmap(norms, ax=None, *, row_labels=None, ylabel=None, vmin=-12.0, vmax=6.0,
                          cmap="RdBu_r"):
    """A gradient-flow heat map: log10 of a norm for each configuration (row) and each
    distance in time k = 0, 1, ... (column).

    Blue cells are norms below 1 (the signal fades), red cells above 1 (it grows); the colour
    scale is centred on 10^0 = 1 whenever ``vmin < 0 < vmax``.  Values outside
    [10^vmin, 10^vmax] take the end colours.

    Parameters
    ----------
    norms : ndarray, shape (R, K)
        Positive norms, e.g. ``norms[r, k] = ||dh_T/dh_{T-k}||`` for configuration r.
    ax : matplotlib Axes or None
    row_labels : sequence of str or None
        One label per row (e.g. the spectral radius); None numbers the rows.
    ylabel : str or None
    vmin, vmax : float
        The colour range in log10 units.

    Returns
    -------
    ax : matplotlib Axes
        Holding one image (``ax.images[0]``) whose data are the clipped log10 norms, and a
        colour bar.
    """
    from matplotlib.colors import TwoSlopeNorm, Normalize
    from matplotlib.ticker import MaxNLocator

    n = np.asarray(norms, dtype=np.float64)
    if n.ndim != 2 or n.size == 0:
        raise ValueError(f"norms must be a non-empty 2-D array (R, K), got shape {n.shape}")
    if np.any(np.isnan(n)) or np.any(n < 0):
        raise ValueError("norms must be >= 0 and not NaN")
    if not vmin < vmax:
        raise ValueError(f"need vmin < vmax, got {vmin} and {vmax}")
    labels = [str(r) for r in range(n.shape[0])] if row_labels is None else [str(s) for s in row_labels]
    if len(labels) != n.shape[0]:
        raise ValueError(f"got {len(labels)} row labels for {n.shape[0]} rows")
    with np.errstate(divide="ignore"):
        logs = np.clip(np.log10(n), vmin, vmax)  # (R, K); a norm of 0 takes the lowest colour
    scale = TwoSlopeNorm(0.0, vmin, vmax) if vmin < 0 < vmax else Normalize(vmin, vmax)
    ax = _new_axes(ax, figsize=(7.5, 0.45 * n.shape[0] + 1.4))
    image = ax.imshow(logs, aspect="auto", cmap=cmap, norm=scale, interpolation="nearest")
    ax.figure.colorbar(image, ax=ax, label=r"$\log_{10}$ norm", pad=0.02)
    ax.set_yticks(np.arange(n.shape[0]))
    ax.set_yticklabels(labels)
    # k is an integer: ticks at 1, 2, 5 or 10 times a power of ten
    ax.xaxis.set_major_locator(MaxNLocator(integer=True, steps=[1, 2, 5, 10]))
    ax.set_xlabel(r"distance in time $k = T - t$")
    if ylabel:
        ax.set_ylabel(ylabel)
    return ax


def plot_norms_by_distance(norms, labels, ax=None, *, bounds=None, ylabel=None):
    """Curves of a norm against the distance in time k = 0, 1, ..., on a log scale.

    Parameters
    ----------
    norms : ndarray, shape (R, K)
        One curve per row; zeros and non-finite values are left out of a curve.
    labels : sequence of str
        One legend entry per row.
    ax : matplotlib Axes or None
    bounds : ndarray, shape (R, K), or None
        Upper bounds drawn as dashed lines in the colour of their curve.
    ylabel : str or None

    Returns
    -------
    ax : matplotlib Axes
        One solid line per row (``ax.lines[:R]``), then one dashed line per row of ``bounds``.
    """
    from matplotlib.ticker import MaxNLocator

    n = np.asarray(norms, dtype=np.float64)
    if n.ndim != 2 or n.size == 0:
        raise ValueError(f"norms must be a non-empty 2-D array (R, K), got shape {n.shape}")
    labels = [str(s) for s in labels]
    if len(labels) != n.shape[0]:
        raise ValueError(f"got {len(labels)} labels for {n.shape[0]} rows")
    if bounds is not None:
        bounds = np.asarray(bounds, dtype=np.float64)
        if bounds.shape != n.shape:
            raise ValueError(f"bounds has shape {bounds.shape} but norms has shape {n.shape}")
    ax = _new_axes(ax, figsize=(6.5, 3.6))
    k = np.arange(n.shape[1])
    lines = []
    for row, label in zip(n, labels):
        ok = np.isfinite(row) & (row > 0)
        (line,) = ax.plot(k[ok], row[ok], lw=1.6, label=label)
        lines.append(line)
    if bounds is not None:
        for row, line in zip(bounds, lines):
            ok = np.isfinite(row) & (row > 0)
            ax.plot(k[ok], row[ok], ls="--", lw=1.0, color=line.get_color())
    ax.set_yscale("log")
    ax.axhline(1.0, color="#777777", lw=0.8, ls=":")
    # k is an integer: ticks at 1, 2, 5 or 10 times a power of ten
    ax.xaxis.set_major_locator(MaxNLocator(integer=True, steps=[1, 2, 5, 10]))
    ax.set_xlabel(r"distance in time $k = T - t$")
    if ylabel:
        ax.set_ylabel(ylabel)
    ax.legend(fontsize=9, frameon=False, ncol=2)
    return ax


# --- Chapter 3: backpropagation through time -------------------------------------------

#: One colour per path in :func:`draw_bptt_paths` (path i gets PATH_COLORS[i - 1]).
PATH_COLORS = ("#d62728", "#2ca02c", "#1f77b4", "#9467bd", "#ff7f0e", "#8c564b")


def draw_bptt_paths(T=3, ax=None):
    """The scalar warm-up network of Chapter 3 and the T paths from w_hh to the loss.

    States h_0 ... h_T sit in a row, followed by the output O and the loss L.  Under each
    step i is one use of the shared weight w_hh; its edge into h_i is labelled with the
    immediate partial f'(a_i) h_{i-1}.  Each edge between states carries its immediate
    partial w_hh f'(a_t), the edge h_T -> O carries w_hy g'(u) and O -> L carries O - y.
    Above the row, a coloured bar per path i runs from h_i to L: path i is
    w_hh -> h_i -> ... -> h_T -> O -> L, and the product of the labels along it is its term.

    Parameters
    ----------
    T : int
        Number of steps, 1 <= T <= 6.
    ax : matplotlib Axes or None

    Returns
    -------
    ax : matplotlib Axes
        With T + 3 node labels for the chain (h_0 ... h_T, O, L), T labels w_hh, T + 2 edge
        labels and T path labels; 2 T + 2 arrows.
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


def plot_gradient_contributions(norms, ax=None, *, k=None, title=None):
    """A heat map of how much each (loss step s, use step t) pair adds to a gradient.

    Parameters
    ----------
    norms : ndarray, shape (T, T)
        norms[s, t] >= 0, e.g. the Frobenius norm of the term of dL/dW_hh that the loss at
        step s contributes through the use of W_hh at step t (zero for t > s).
    ax : matplotlib Axes or None
    k : int or None
        If given, outline the diagonal blocks of truncated BPTT with chunks of k steps: the
        pairs inside a block are kept, every other pair is dropped.
    title : str or None

    Returns
    -------
    ax : matplotlib Axes
        One image (log10 of the norms, zero shown blank), with a colour bar; one Rectangle
        per chunk if ``k`` is given.
    """
    from matplotlib.patches import Rectangle

    norms = np.asarray(norms, dtype=float)
    if norms.ndim != 2 or norms.shape[0] != norms.shape[1]:
        raise ValueError(f"norms must have shape (T, T), got {norms.shape}")
    T = norms.shape[0]
    ax = _new_axes(ax, (5.2, 4.4))
    with np.errstate(divide="ignore"):
        logs = np.where(norms > 0, np.log10(np.where(norms > 0, norms, 1.0)), np.nan)
    extent = (0.5, T + 0.5, T + 0.5, 0.5)  # steps are numbered 1 ... T, s grows downwards
    im = ax.imshow(logs, cmap="viridis", extent=extent, interpolation="nearest")
    ax.figure.colorbar(im, ax=ax, label="log$_{10}$ of the term's norm")
    if k is not None:
        for start in range(0, T, k):
            size = min(k, T - start)
            ax.add_patch(Rectangle((start + 0.5, start + 0.5), size, size, fill=False,
                                   edgecolor="#d62728", lw=2))
    ax.set_xlabel("step $t$ where $W_{hh}$ is used")
    ax.set_ylabel("step $s$ where the loss enters")
    if title:
        ax.set_title(title)
    return ax


def plot_truncation_error(ks, errors, ax=None, *, T=None):
    """Relative error of truncated BPTT against the full gradient, per chunk length k.

    Parameters
    ----------
    ks : array_like of int, shape (N,)
    errors : dict
        Maps a label (a parameter name) to an array of shape (N,) of relative errors.
    T : int or None
        The sequence length, marked with a dotted vertical line (k >= T is full BPTT, error 0).

    Returns
    -------
    ax : matplotlib Axes
        Linear axes from 0, one line with markers per label.
    """
    ax = _new_axes(ax, (5.2, 3.8))
    ks = np.asarray(ks)
    top = 0.0
    for label, err in errors.items():
        err = np.asarray(err, dtype=float)
        ax.plot(ks, err, "o-", label=label, ms=4)
        top = max(top, float(np.max(err)))
    if T is not None:
        ax.axvline(T, color="0.5", ls=":", lw=1)
        ax.text(T, 1.02 * top, " $k = T$", va="top", fontsize=9, color="0.35")
    ax.set_ylim(0.0, 1.08 * top if top > 0 else 1.0)
    ax.set_xlabel("chunk length $k$")
    ax.set_ylabel("relative error vs full BPTT")
    ax.legend(loc="upper right")
    return ax


def plot_loss_curves(runs, labels, ax=None, *, ylabel="training loss"):
    """Training losses against the update step on a log scale, one curve per run; a run that
    ended in a non-finite value gets a cross at that step, on the top edge of the axes.

    Parameters
    ----------
    runs : sequence of (losses, nonfinite_step)
        ``losses`` a 1-D array (its non-finite entries are not drawn) and ``nonfinite_step``
        an int or None, as in :class:`rnnlib.spectral.TrainingRun`.
    labels : sequence of str
    ax : matplotlib Axes or None
    ylabel : str

    Returns
    -------
    ax : matplotlib Axes
        One line per run, then one single-point line (the cross) per run that failed.
    """
    from matplotlib.ticker import MaxNLocator

    runs = list(runs)
    labels = [str(s) for s in labels]
    if len(labels) != len(runs) or not runs:
        raise ValueError(f"need one label per run and at least one run, got {len(labels)} labels for {len(runs)} runs")
    ax = _new_axes(ax, figsize=(6.5, 3.4))
    lines = []
    for (losses, _), label in zip(runs, labels):
        losses = np.asarray(losses, dtype=np.float64)
        ok = np.isfinite(losses)
        (line,) = ax.plot(np.arange(losses.size)[ok], losses[ok], lw=1.4, label=label)
        lines.append(line)
    ax.set_yscale("log")
    for (_, step), line in zip(runs, lines):
        if step is not None:
            ax.plot([step], [ax.get_ylim()[1]], "x", color=line.get_color(), ms=10, mew=2.5,
                    clip_on=False, label=f"non-finite at step {step}")
    # update steps are integers
    ax.xaxis.set_major_locator(MaxNLocator(integer=True, steps=[1, 2, 5, 10]))
    ax.set_xlabel("update step")
    ax.set_ylabel(ylabel)
    ax.legend(fontsize=9, frameon=False)
    return ax


# --- Chapter 6: LSTM and GRU ----------------------------------------------------------


def draw_lstm_cell(ax=None):
    """The LSTM cell at one step, with the cell-state path drawn as a straight line on top.

    Along the top, c_{t-1} passes one multiplication by f_t and one addition of i_t * g_t on
    its way to c_t: the only operations on the path, so dc_t/dc_{t-1} (with h_{t-1} held
    fixed) is diag(f_t).  Below it, h_{t-1} and x_t feed the four gates i, f, g, o (PyTorch's
    order), and h_t = o_t * tanh(c_t) leaves on the right.

    Parameters
    ----------
    ax : matplotlib Axes or None

    Returns
    -------
    ax : matplotlib Axes
        Holding 4 gate nodes (labelled i, f, g, o), 4 operation nodes (x, x, +, x and tanh),
        and the state nodes c_{t-1}, c_t, h_{t-1}, h_t, x_t.
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


def _integer_ticks():
    from matplotlib.ticker import MaxNLocator

    return MaxNLocator(integer=True)


def plot_grad_flow(norms, labels, ax=None, *, title=None):
    """||dL/dh_t|| against the step t = 1 ... T, one curve per cell, on a log scale.

    Parameters
    ----------
    norms : ndarray, shape (R, T)
        ``norms[r, t-1]``, e.g. from :func:`rnnlib.diagnostics.hidden_grad_norms`; zeros and
        non-finite values are left out of a curve.
    labels : sequence of str
        One legend entry per row.
    ax : matplotlib Axes or None
    title : str or None

    Returns
    -------
    ax : matplotlib Axes
        One line per row (``ax.lines[:R]``), x data 1 ... T.
    """
    n = np.asarray(norms, dtype=np.float64)
    if n.ndim != 2 or n.size == 0:
        raise ValueError(f"norms must be a non-empty 2-D array (R, T), got shape {n.shape}")
    labels = [str(s) for s in labels]
    if len(labels) != n.shape[0]:
        raise ValueError(f"got {len(labels)} labels for {n.shape[0]} rows")
    ax = _new_axes(ax, (6.5, 3.4))
    t = np.arange(1, n.shape[1] + 1)
    for row, label in zip(n, labels):
        ok = np.isfinite(row) & (row > 0)
        ax.plot(t[ok], row[ok], lw=1.6, label=label)
    ax.set_yscale("log")
    ax.set_xlabel("step $t$")
    ax.set_ylabel(r"$\|\mathrm{d}L/\mathrm{d}h_t\|$")
    ax.xaxis.set_major_locator(_integer_ticks())  # steps are integers
    if title:
        ax.set_title(title)
    ax.legend(fontsize=10, frameon=False)
    return ax


def plot_learning_curves(losses, labels, ax=None, *, baseline=None, window=25):
    """Moving averages of per-step training losses, one curve per run, on a log scale.

    Parameters
    ----------
    losses : sequence of 1-D arrays
        One array of per-step losses per run (they may differ in length).
    labels : sequence of str
    ax : matplotlib Axes or None
    baseline : float or None
        Drawn as a dashed horizontal line, e.g. the loss of predicting the mean.
    window : int
        Length of the moving average (1 draws the raw losses).

    Returns
    -------
    ax : matplotlib Axes
        One line per run (``ax.lines[:R]``, x data the step of each window's last loss,
        1-based), then the baseline line if given.
    """
    losses = [np.asarray(l, dtype=np.float64) for l in losses]
    labels = [str(s) for s in labels]
    if not losses or len(labels) != len(losses):
        raise ValueError(f"need one label per run and at least one run, got {len(labels)} labels for {len(losses)} runs")
    if isinstance(window, bool) or not isinstance(window, (int, np.integer)) or window < 1:
        raise ValueError(f"window must be a positive int, got {window!r}")
    ax = _new_axes(ax, (6.5, 3.4))
    kernel = np.ones(window) / window
    for l, label in zip(losses, labels):
        if l.ndim != 1 or l.size < window:
            raise ValueError(f"each run needs a 1-D array of at least window={window} losses, got shape {l.shape}")
        smooth = np.convolve(l, kernel, mode="valid")  # (S - window + 1,)
        ax.plot(np.arange(window, l.size + 1), smooth, lw=1.4, label=label)
    if baseline is not None:
        ax.axhline(baseline, color="0.4", ls="--", lw=1.0, label="predict the mean")
    ax.set_yscale("log")
    ax.set_xlabel("update step")
    ax.set_ylabel(f"training loss ({window}-step mean)" if window > 1 else "training loss")
    ax.xaxis.set_major_locator(_integer_ticks())  # update steps are integers
    ax.legend(fontsize=10, frameon=False)
    return ax


def plot_lm_learning_curves(runs, ax=None, *, baseline=None, window=20):
    """Language-model losses against the number of training characters read (Chapter 7).

    The x-axis counts characters, not update steps, so that runs with different batch
    sizes or chunk lengths that read the same text line up.  Each run gets a solid line
    (the running mean of its per-step training losses over ``window`` steps) and round
    markers in the same colour (its validation losses).  The left axis is in nats per
    character, the right one shows the same values in bits.

    Parameters
    ----------
    runs : dict
        Maps a label to ``(chars_per_step, history)``: the characters one update reads
        (B * T) and an :class:`rnnlib.models.History`.
    ax : matplotlib Axes or None
    baseline : tuple (label, nats) or None
        A horizontal dashed line, e.g. the unigram model's held-out loss.
    window : int
        Steps in the running mean of the training loss (1: the raw losses).

    Returns
    -------
    ax : matplotlib Axes
        For each run a training line then a validation line (markers only), in the order
        of ``runs``; then the baseline line, if any.
    """
    if not runs:
        raise ValueError("runs is empty: give at least one (chars_per_step, history)")
    if isinstance(window, bool) or not isinstance(window, (int, np.integer)) or window < 1:
        raise ValueError(f"window must be a positive int, got {window!r}")
    ax = _new_axes(ax, (6.8, 3.8))
    for label, (chars_per_step, history) in runs.items():
        if not chars_per_step > 0:
            raise ValueError(f"chars_per_step of run {label!r} must be > 0, got {chars_per_step!r}")
        losses = np.asarray(history.train_loss, dtype=np.float64)  # (S,)
        w = min(int(window), losses.size)
        smooth = np.convolve(losses, np.ones(w) / w, mode="valid")  # (S - w + 1,)
        steps = np.asarray(history.step)[w - 1 :]
        (line,) = ax.plot(steps * chars_per_step, smooth, lw=1.5, label=f"{label}: train")
        ax.plot(np.asarray(history.val_step) * chars_per_step, history.val_loss, "o", ms=6,
                color=line.get_color(), mec="white", label=f"{label}: validation")
    if baseline is not None:
        name, value = baseline
        ax.axhline(value, color="0.35", ls="--", lw=1.2, label=name)
    ax.set_xlabel("training characters read", fontsize=11)
    ax.set_ylabel("loss (nats per character)", fontsize=11)
    # Whole numbers of characters, in thousands: 120k rather than 1.2 with an offset "1e5".
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    ax.xaxis.set_major_locator(MaxNLocator(nbins=6, integer=True, steps=[1, 2, 4, 5, 10]))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _: f"{x / 1000:,.0f}k" if x else "0"))
    ln2 = np.log(2.0)
    second = ax.secondary_yaxis("right", functions=(lambda n: n / ln2, lambda b: b * ln2))
    second.set_ylabel("bits per character", fontsize=11)
    ax.legend(fontsize=10, frameon=False, loc="upper right")
    return ax


def plot_forecasts(dates, target, forecasts, ax=None, *, ylabel="daily log return (%)"):
    """A test period of a series with one or more forecasts drawn over it (Chapter 7).

    Parameters
    ----------
    dates : array_like, shape (N,)
        The x values (dates or indices).
    target : array_like, shape (N,)
        The values that happened, drawn as thin grey bars.
    forecasts : dict
        Maps a label to an array of shape (N,), each drawn as a line.
    ax : matplotlib Axes or None
    ylabel : str

    Returns
    -------
    ax : matplotlib Axes
        One bar container (the target) and one line per forecast, in the order given.
    """
    target = np.asarray(target, dtype=np.float64)
    n = target.shape[0] if target.ndim == 1 else -1
    if n < 1 or len(dates) != n:
        raise ValueError(f"dates and target must be 1-D of the same length, got {len(dates)} and {target.shape}")
    for label, pred in forecasts.items():
        if np.shape(pred) != (n,):
            raise ValueError(f"forecast {label!r} has shape {np.shape(pred)}, expected ({n},)")
    ax = _new_axes(ax, (7.0, 3.4))
    ax.bar(dates, target, width=1.0, color="0.75", label="actual")
    for label, pred in forecasts.items():
        ax.plot(dates, pred, lw=1.3, label=label)
    ax.axhline(0.0, color="0.3", lw=0.6)
    ax.set_ylabel(ylabel, fontsize=11)
    ax.legend(fontsize=10, frameon=False, loc="lower left", ncol=len(forecasts) + 1)
    return ax
