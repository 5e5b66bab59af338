"""Timing: the median wall time of a call, and the slope of a cost on log-log axes.

Chapters 2 and 3 measure how a computation's time grows with its size t: a cost
proportional to t^p is a line of slope p through (log t, log seconds), and
:func:`loglog_slope` fits that slope to times from :func:`median_seconds`.
"""

import time

import numpy as np

from .._checks import check_finite, check_positive_int


def median_seconds(fn, *args, repeats=5, clock=time.perf_counter):
    """The median time of ``fn(*args)`` over ``repeats`` calls, in seconds.

    ``clock`` is wall time by default; pass ``time.process_time`` to count only this
    process's CPU time, which other programs on a busy machine do not inflate.
    """
    repeats = check_positive_int("repeats", repeats)
    if not callable(fn):
        raise TypeError(f"fn must be callable, got {type(fn).__name__}")
    times = []
    for _ in range(repeats):
        start = clock()
        fn(*args)
        times.append(clock() - start)
    return float(np.median(times))


def loglog_slope(sizes, seconds):
    """The slope of the least-squares line through (log sizes, log seconds).

    A cost proportional to t^p has slope p.
    """
    sizes = np.asarray(sizes, dtype=np.float64)
    seconds = np.asarray(seconds, dtype=np.float64)
    if sizes.ndim != 1 or sizes.size < 2 or seconds.shape != sizes.shape:
        raise ValueError(
            f"sizes and seconds must be 1-D of the same length >= 2, got shapes {sizes.shape} and {seconds.shape}"
        )
    for name, arr in (("sizes", sizes), ("seconds", seconds)):
        check_finite(name, arr)
        if (arr <= 0).any():
            k = int(np.argmax(arr <= 0))
            raise ValueError(f"{name} must be > 0 (their logarithms are fitted), but {name}[{k}] = {arr[k]}")
    if np.ptp(sizes) == 0:
        raise ValueError(f"sizes must not all be equal (no slope to fit), got {sizes[0]} throughout")
    return float(np.polyfit(np.log(sizes), np.log(seconds), 1)[0])
