"""The old import path ``rnnlib.symbolic``, kept for code written before the split.

The code lives in :mod:`rnnlib.analysis.symbolic`; new code imports it from there.
"""

from .analysis.symbolic import *  # noqa: F401, F403
