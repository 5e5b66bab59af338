"""The old import path ``rnnlib.naive``, kept for code written before the split.

The code lives in :mod:`rnnlib.analysis.naive`; new code imports it from there.
"""

from .analysis.naive import *  # noqa: F401, F403
