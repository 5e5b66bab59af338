"""The old import path ``rnnlib.diagnostics``, kept for code written before the split.

The code lives in :mod:`rnnlib.analysis.diagnostics`; new code imports it from there.
"""

from .analysis.diagnostics import *  # noqa: F401, F403
