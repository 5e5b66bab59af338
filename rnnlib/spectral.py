"""The old import path ``rnnlib.spectral``, kept for code written before the split.

The code lives in :mod:`rnnlib.analysis.spectral` (its training run in
:mod:`rnnlib.models`); new code imports it from there.
"""

from .analysis.spectral import *  # noqa: F401, F403

# Moved to rnnlib.models with the training run, or imported there before the split.
from .losses import squared_error  # noqa: F401
from .models import TrainingRun, train_last_state_regression  # noqa: F401
from .optim import SGD, clip_grad_norm, global_norm  # noqa: F401
