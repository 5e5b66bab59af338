"""Figures for Chapter 5's sections on what vanishes and on gradient clipping.

The numbers come from :mod:`rnnlib.analysis.gradient_flow`; this module only draws them.
"""

import numpy as np

from ._draw import _new_axes


def plot_long_range_share(ks, shares, ax=None):
    """The share of a gradient carried by lags s - t > k, against k, one line per network.

    Parameters
    ----------
    ks : ndarray, shape (K,)
    shares : dict
        label -> ndarray, shape (K,), values in [0, 1] (as
        :func:`rnnlib.analysis.gradient_flow.long_range_share` returns).
    ax : matplotlib Axes or None

    Returns
    -------
    ax : matplotlib Axes
        One line per entry of ``shares``, on a log scale.
    """
    ks = np.asarray(ks)
    ax = _new_axes(ax, (5.2, 4.0))
    for label, share in shares.items():
        share = np.asarray(share, dtype=float)
        if share.shape != ks.shape:
            raise ValueError(f"shares[{label!r}] has shape {share.shape}, ks has {ks.shape}")
        ax.semilogy(ks, np.where(share > 0, share, np.nan), marker="o", ms=3, label=label)
    ax.set_xlabel("lag $k$")
    ax.set_ylabel("share of $\\|dL/dW_{hh}\\|$ from lags $s - t > k$")
    ax.grid(True, which="major", alpha=0.3)
    ax.legend()
    return ax


def plot_cliff(ws, losses, runs, ax=None, *, xlim=None):
    """A loss curve L(w) with a cliff, and gradient-descent iterates drawn on it.

    Parameters
    ----------
    ws, losses : ndarray, shape (N,)
        The curve.
    runs : dict
        label -> (iterates, their losses), each ndarray of shape (n,).  Iterates outside
        ``xlim`` are drawn at the edge with an arrow.
    ax : matplotlib Axes or None
    xlim : (float, float) or None
        Default: the range of ``ws``.

    Returns
    -------
    ax : matplotlib Axes
        The curve first, then one line of markers per run.
    """
    ws, losses = np.asarray(ws), np.asarray(losses)
    if ws.shape != losses.shape or ws.ndim != 1:
        raise ValueError(f"ws and losses must be 1-d of one shape, got {ws.shape}, {losses.shape}")
    lo, hi = xlim if xlim is not None else (ws.min(), ws.max())
    ax = _new_axes(ax, (6.5, 3.4))
    ax.plot(ws, losses, color="0.3", lw=1.5, label="$L(w)$")
    styles = [dict(marker="o", ms=7, mfc="none"), dict(marker="s", ms=3)]
    for (label, (it, it_loss)), style in zip(runs.items(), styles * len(runs)):
        it, it_loss = np.asarray(it, dtype=float), np.asarray(it_loss, dtype=float)
        inside = (it >= lo) & (it <= hi)
        line = ax.plot(it[inside], it_loss[inside], lw=0.8, label=label, **style)
        color = line[0].get_color()
        for w_out, l_out in zip(it[~inside][:1], it_loss[~inside][:1]):
            left = w_out < lo
            edge = lo if left else hi
            ax.annotate(f"off the plot, to w = {w_out:.0f}", xy=(edge, l_out),
                        xytext=(edge + (0.05 if left else -0.45) * (hi - lo), 0.75 * l_out),
                        arrowprops=dict(arrowstyle="->", color=color), color=color)
    ax.set_xlim(lo, hi)
    ax.set_xlabel("recurrent weight $w$")
    ax.set_ylabel("loss")
    ax.legend(loc="center left")
    return ax
