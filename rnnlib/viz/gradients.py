"""Gradient norms through time: heat maps and curves against the distance in time, the
(s, t) contributions of BPTT and the error of truncating it (Chapters 3, 5 and 6).
"""

import numpy as np

from ._draw import _integer_ticks, _new_axes


def plot_gradient_heatmap(norms, ax=None, *, row_labels=None, ylabel=None, vmin=-12.0, vmax=6.0,
                          cmap="RdBu_r"):
    """A gradient-flow heat map: log10 of a norm for each configuration (row) and each
    distance in time k = 0, 1, ... (column).

    Blue cells are norms below 1 (the signal fades), red cells above 1 (it grows); the
    colour scale is centred on 10^0 = 1 whenever ``vmin < 0 < vmax``.  Values outside
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
        Holding one image (``ax.images[0]``) whose data are the clipped log10 norms, and
        a colour bar.
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
        One solid line per row (``ax.lines[:R]``), then one dashed line per row of
        ``bounds``.
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


def plot_gradient_contributions(norms, ax=None, *, k=None, title=None):
    """A heat map of how much each (loss step s, use step t) pair adds to a gradient.

    Parameters
    ----------
    norms : ndarray, shape (T, T)
        norms[s, t] >= 0, e.g. the Frobenius norm of the term of dL/dW_hh that the loss
        at step s contributes through the use of W_hh at step t (zero for t > s).
    ax : matplotlib Axes or None
    k : int or None
        If given, outline the diagonal blocks of truncated BPTT with chunks of k steps:
        the pairs inside a block are kept, every other pair is dropped.
    title : str or None

    Returns
    -------
    ax : matplotlib Axes
        One image (log10 of the norms, zero shown blank), with a colour bar; one
        Rectangle per chunk if ``k`` is given.
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
        The sequence length, marked with a dotted vertical line (k >= T is full BPTT,
        error 0).

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


def plot_grad_flow(norms, labels, ax=None, *, title=None):
    """||dL/dh_t|| against the step t = 1 ... T, one curve per cell, on a log scale.

    Parameters
    ----------
    norms : ndarray, shape (R, T)
        ``norms[r, t-1]``, e.g. from
        :func:`rnnlib.analysis.diagnostics.hidden_grad_norms`; zeros and non-finite
        values are left out of a curve.
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
