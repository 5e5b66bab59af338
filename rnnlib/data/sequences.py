"""The sequence data sets: the adding problem, Google's share prices, and windows.

:func:`make_adding_problem` draws the adding problem of Hochreiter & Schmidhuber (1997);
:func:`load_goog` reads Google's daily prices, 2004-2008, from the sample data that
ships with Matplotlib; :func:`make_windows` turns a series into (window, next value)
pairs.  All sequence arrays are time-major, ``(T, B, ...)``.
"""

from typing import NamedTuple

import numpy as np

from .._checks import as_rng, check_float_dtype, check_positive_int


def make_adding_problem(n, T, *, rng=None, dtype=np.float64):
    """The adding problem, as Le et al. (2015) and Arjovsky et al. (2016) pose it.

    Each sequence has two channels: a value drawn from U(0, 1) and a marker that is 1 at
    exactly two steps (one in the first half of the sequence, one in the second) and 0
    elsewhere.  The target is the plain sum of the two marked values.  Predicting the
    mean, 1.0, gives a mean squared error of 1/6, the baseline a model must beat.  The
    target is read after step T, so the first marked value has to be kept for about 3T/4
    steps on average (it sits at about T/4).

    The task itself is Hochreiter & Schmidhuber's (1997), whose version differs: values
    in [-1, 1], the first marker among the first ten steps, and the target
    0.5 + (X1 + X2) / 4.

    Parameters
    ----------
    n : int
        Number of sequences.
    T : int
        Sequence length, at least 2.
    rng : np.random.Generator or int or None
    dtype : float32 or float64

    Returns
    -------
    xs : ndarray, shape (T, n, 2)
        ``xs[..., 0]`` the values, ``xs[..., 1]`` the markers.
    ys : ndarray, shape (n, 1)
        The sums of the marked values.
    """
    n = check_positive_int("n", n)
    T = check_positive_int("T", T)
    if T < 2:
        raise ValueError(f"T must be at least 2 (two marked steps), got {T}")
    dt = check_float_dtype("dtype", dtype)
    rng = as_rng(rng)
    values = rng.uniform(0.0, 1.0, size=(T, n))  # (T, n)
    half = T // 2
    first = rng.integers(0, half, size=n)  # (n,) in [0, T/2)
    second = rng.integers(half, T, size=n)  # (n,) in [T/2, T)
    markers = np.zeros((T, n))
    cols = np.arange(n)
    markers[first, cols] = 1.0
    markers[second, cols] = 1.0
    xs = np.stack([values, markers], axis=-1).astype(dt)  # (T, n, 2)
    ys = (values[first, cols] + values[second, cols])[:, None].astype(dt)  # (n, 1)
    return xs, ys


class GoogPrices(NamedTuple):
    """Google's daily share prices, 2004-08-19 to 2008-10-14 (1047 trading days)."""

    dates: np.ndarray  # (N,) datetime64[D]
    open: np.ndarray  # (N,) float64, US dollars
    high: np.ndarray  # (N,)
    low: np.ndarray  # (N,)
    close: np.ndarray  # (N,)
    volume: np.ndarray  # (N,) int64, shares traded
    adj_close: np.ndarray  # (N,) close adjusted for splits and dividends


def load_goog():
    """Google's daily prices from ``goog.npz``, sample data that ships with Matplotlib.

    No network is needed.  The file holds one structured array, ``price_data``, with
    the fields date, open, high, low, close, volume and adj_close; this function returns
    them as separate plain arrays, oldest day first.

    Returns
    -------
    prices : GoogPrices
        ``dates`` (N,) datetime64[D] and the columns ``open``, ``high``, ``low``,
        ``close``, ``adj_close`` (N,) float64 and ``volume`` (N,) int64, N = 1047.
    """
    try:
        from matplotlib import cbook
    except ImportError as err:  # pragma: no cover - matplotlib is a dependency of the book
        raise ImportError("load_goog() needs Matplotlib: pip install 'rnnlib[viz]'") from err
    with cbook.get_sample_data("goog.npz") as npz:
        data = npz["price_data"]  # structured array, shape (N,)
    order = np.argsort(data["date"], kind="stable")  # it is sorted already; make sure
    data = data[order]
    return GoogPrices(
        dates=data["date"].astype("datetime64[D]"),
        open=data["open"].astype(np.float64),
        high=data["high"].astype(np.float64),
        low=data["low"].astype(np.float64),
        close=data["close"].astype(np.float64),
        volume=data["volume"].astype(np.int64),
        adj_close=data["adj_close"].astype(np.float64),
    )


def make_windows(series, window, *, dtype=np.float64):
    """Turn a series into (window, next value) pairs for a many-to-one regressor.

    Example i is ``series[i : i + window]`` as input and ``series[i + window]`` as
    target, for ``i = 0 .. L - window - 1``.

    Parameters
    ----------
    series : array_like, shape (L,)
    window : int
        T, the length of each input window; at most L - 1.
    dtype : float32 or float64

    Returns
    -------
    xs : ndarray, shape (T, n, 1)
        Time-major windows, n = L - T.
    ys : ndarray, shape (n, 1)
    """
    dt = check_float_dtype("dtype", dtype)
    series = np.asarray(series)
    if series.ndim != 1:
        raise ValueError(f"series must be 1-D, got shape {series.shape}")
    if series.dtype.kind not in "iuf":
        raise TypeError(f"series must be numeric, got dtype {series.dtype}")
    window = check_positive_int("window", window)
    if window >= len(series):
        raise ValueError(
            f"window={window} needs a series of at least {window + 1} values, got {len(series)}"
        )
    if not np.isfinite(series).all():
        raise ValueError("series must be finite")
    series = series.astype(dt)
    n = len(series) - window
    windows = np.lib.stride_tricks.sliding_window_view(series[:-1], window)  # (n, T)
    xs = np.ascontiguousarray(windows.T)[:, :, None]  # (T, n, 1)
    ys = series[window:].reshape(n, 1).copy()  # (n, 1)
    return xs, ys
