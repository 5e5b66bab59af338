"""One quantity against another: softmax over temperatures (Chapters 4 and 7), the
two-class cross-entropy (Chapter 4), and run time against size on log-log axes
(Chapters 2 and 3).
"""

import numpy as np

from ._draw import _new_axes


def plot_softmax_temperatures(logits, temperatures, ax=None, *, labels=None):
    """Bars of softmax(o / tau) for one logit vector o and several temperatures tau.

    Low temperatures sharpen the distribution towards the largest logit (a one-hot in
    the limit tau -> 0); high temperatures flatten it towards uniform (1/K in the
    limit).

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
        One bar container per temperature (``ax.containers``), K bars each, with a
        legend.
    """
    from ..losses import softmax

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

    The target puts mass q = 1 - eps/2 on class 1 (label smoothing with eps; eps = 0 is
    the one-hot target).  Then L(d) = q ln(1 + e^{-d}) + (1 - q) ln(1 + e^{d}): for
    eps = 0 it falls towards 0 only as d -> infinity; for eps > 0 it has its minimum,
    the entropy H(q), at the finite d* = ln(q / (1 - q)), which is marked with a dot.

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


def plot_loglog_cost(sizes, seconds, ax=None, *, reference_slopes=None):
    """Run time against problem size on log-log axes, with dashed reference slopes.

    Parameters
    ----------
    sizes : array_like, shape (N,)
    seconds : dict
        Maps a label to an array of shape (N,), the time at each size.
    reference_slopes : dict or None
        Maps a label in ``seconds`` to a power p: a dashed line proportional to size^p
        is drawn through that series (at its geometric mean), labelled "slope p".
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
