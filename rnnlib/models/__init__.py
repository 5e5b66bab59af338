"""The small models the chapters train, and their training loops.

:class:`CharLM` (``charlm.py``)
    A character-level language model: one-hot or embedded characters, a recurrent cell
    (``"rnn"``, ``"lstm"`` or ``"gru"``), a linear read-out to logits over the
    vocabulary.  :func:`train_char_lm` trains it by truncated BPTT: the hidden state is
    carried from one chunk to the next, but gradients stop at chunk boundaries.
:class:`SequenceRegressor` (``regressor.py``)
    Many-to-one regression: the cell reads a whole sequence and a linear head maps the
    last hidden state to the output.  :func:`train_regressor` trains it on minibatches.
:func:`train_char_lm`, :func:`train_regressor` (``training.py``)
    The two training loops, built on one shared loop.
:func:`train_last_state_regression` (``last_state.py``)
    A bare cell trained with SGD to put its last state on a target: the smallest loop
    that can explode, which reports the first non-finite step instead of raising.
:func:`get_cell`, :func:`final_state`, :class:`TrainingDiverged` (``common.py``)
    What all of them share.

Each model keeps its parameters in one nested dict, ``model.params``, e.g.
``{"embed": {"weight"}, "cell": {"weight_ih", ...}, "out": {"weight", "bias"}}``, which
is what the optimisers of :mod:`rnnlib.optim` update in place.  Gradients come back in a
dict of the same structure.

Both model training loops stop with :class:`TrainingDiverged` (a ``FloatingPointError``)
at the first step whose loss, gradients or updated parameters are not finite, and print
nothing but rounded losses (no timings), so notebook outputs are reproducible.
"""

from .charlm import CharLM, LMCache
from .common import CELLS, TrainingDiverged, final_state, get_cell
from .last_state import TrainingRun, train_last_state_regression
from .regressor import RegressorCache, SequenceRegressor
from .training import History, LogRecord, print_progress, train_char_lm, train_regressor

# Names this module had before it became a package (imported there, documented elsewhere).
from ..data import Vocab, batchify, iterate_chunks  # noqa: E402, F401  (rnnlib.data)
from ..optim import clip_grad_norm, global_norm  # noqa: E402, F401  (rnnlib.optim)

__all__ = [
    "CELLS",
    "get_cell",
    "final_state",
    "TrainingDiverged",
    "LMCache",
    "CharLM",
    "RegressorCache",
    "SequenceRegressor",
    "History",
    "LogRecord",
    "print_progress",
    "train_char_lm",
    "train_regressor",
    "TrainingRun",
    "train_last_state_regression",
]
