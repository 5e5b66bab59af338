"""Time series: input windows over a series, and forecasts over a test period
(Chapters 1 and 7).
"""

import numpy as np

from ._draw import _new_axes


def plot_windows(dates, values, windows, ax=None, *, end=None, context=None, ylabel=None,
                 legend="upper left"):
    """A time series with a fixed-window model's input windows, all ending at ``end``.

    Parameters
    ----------
    dates : ndarray, shape (N,)
        The time axis (``datetime64`` or numbers).
    values : ndarray, shape (N,)
    windows : sequence of int
        Window lengths in steps; each is shaded as the ``w`` steps up to and including
        ``end``.
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
        One line for the series and, per window, one bar (a ``LineCollection``) above
        the curve spanning the window, in its own colour, with a dotted line down at its
        first step.  The bars sit at different heights and are never blended, so every
        colour on the plot is one of the legend's (drawn unless ``legend`` is None).
        ``datetime64`` dates get concise date labels.
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
