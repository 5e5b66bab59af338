"""The old import path ``rnnlib.recursion``, kept for code written before the split.

The code lives in :mod:`rnnlib.analysis.recursion` (its timing helpers in
:mod:`rnnlib.analysis.timing`); new code imports it from there.
"""

from .analysis.recursion import *  # noqa: F401, F403

from .analysis.timing import loglog_slope, median_seconds  # noqa: F401
