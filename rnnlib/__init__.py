"""rnnlib: recurrent networks in NumPy with hand-written backpropagation through time.

Modules
-------
The library, what trains a network::

    activations.py              tanh, stable sigmoid, ReLU and their derivatives
    rnn.py lstm.py gru.py       the cells: init_params, step_forward/step_backward,
    linear_rnn.py               forward/backward
    variants.py                 Cho's GRU, gate layouts, the cost of a step
    layers.py losses.py         linear, embedding, one-hot; squared error, softmax, CE
    optim/                      clipping and four optimisers behind one interface
    models/                     CharLM, SequenceRegressor and their training loops
    data/                       vocabularies and batching, the data sets, the novel
    metrics.py baselines.py     nats, bits, perplexity; the baselines a model must beat
    io.py gradcheck.py          saving parameters; finite-difference checks

The course's instruments, what the book uses to look inside one (they import the
library, never the other way round)::

    analysis/   recursion, timing, bptt, spectral, diagnostics, naive, symbolic/
    viz/        the figures, one module per kind of figure

``bptt.py``, ``diagnostics.py``, ``naive.py``, ``recursion.py``, ``spectral.py`` and
``symbolic.py`` keep the instruments' old import paths: they only re-export.

Conventions (stated once, used everywhere)
------------------------------------------
Layout
    Sequences are time-major: ``xs`` has shape ``(T, B, D)`` and ``hs`` has shape
    ``(T, B, H)``, with T time steps, B sequences in the batch, D input features and
    H hidden units.  A single step works on ``(B, D)`` and ``(B, H)``.

Math versus code
    The book writes column vectors,
    ``h_t = tanh(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh)``.
    The code stores the *same* matrices, in PyTorch's layout (``weight_ih`` has shape
    ``(G*H, D)``), and keeps one example per row, so the same equation reads
    ``h = tanh(x @ weight_ih.T + bias_ih + h_prev @ weight_hh.T + bias_hh)``.

Gates
    A cell with G gates stacks them along the first axis of its weights: G = 1 for the
    vanilla RNN, 4 for the LSTM (order i, f, g, o) and 3 for the GRU (order r, z, n),
    exactly as ``torch.nn.RNN``, ``torch.nn.LSTM`` and ``torch.nn.GRU`` do.

Gradients
    ``d<name>`` always means dL/d<name> for the scalar loss L, with the shape of
    ``<name>``.  ``grads`` dictionaries have the keys and shapes of ``params``.

Dtypes
    float64 is the default.  float32 works too: the dtype of ``params`` goes in, and the
    same dtype comes out.  Mixing dtypes is an error, never a silent upcast.

Randomness
    Every function that draws random numbers takes ``rng``, an ``np.random.Generator``
    or an integer seed.  Nothing touches NumPy's global random state.

Errors
    Bad input raises ``ValueError`` or ``TypeError`` with a message that names the
    argument and gives the expected and the actual value.
"""

__version__ = "0.1.0"
