"""The course's instruments: what the book uses to look inside a network.

Nothing here trains a network; everything here uses the library (the cells, layers,
losses and models of the top-level modules), and the library never imports from here.
Import each module by its name; this package imports none of them, so that SymPy is
needed only by :mod:`rnnlib.analysis.symbolic`.

``recursion.py``
    The recursive identity of Chapter 2 evaluated two ways, and the state Jacobians.
``timing.py``
    The median time of a call and the slope of a cost on log-log axes.
``bptt.py``
    Backpropagation through time taken apart: truncation, the (s, t) contributions,
    the size of the cache (Chapter 3).
``truncation.py``
    Truncation beyond equal chunks: overlapping windows, BPTT(h; h'), and random cuts
    with compensation factors (Chapter 3).
``gated_bptt.py``
    Chapter 6's backward passes through time of the LSTM and the GRU, written as its
    equations, with the 1997 truncation and the GRU's paths apart.
``exposure.py``
    Chapter 7's teacher forcing against free running, and the cycle of greedy decoding.
``spectral.py``
    Spectra of W_hh and the norms of Jacobian products, measured and bounded
    (Chapter 5).
``gradient_flow.py``
    Chapter 5's studies of gradient flow: the reverse-mode closed form term by term,
    the share of the gradient beyond a lag, path products, the cliff and clipping.
``diagnostics.py``
    ||dL/dh_t|| and ||dh_T/dh_t|| for any cell, step by step (Chapters 5 and 6).
``naive.py``
    Textbook formulas that break in floating point, kept to show why (Chapter 4).
``symbolic/``
    SymPy helpers: unrolled scalar RNNs, the recursive identity, the softmax,
    activation derivatives, a scalar LSTM step.
"""
