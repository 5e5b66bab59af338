"""The old import path ``rnnlib.bptt``, kept for code written before the split.

The code lives in :mod:`rnnlib.analysis.bptt`; new code imports it from there.
"""

from .analysis.bptt import *  # noqa: F401, F403
