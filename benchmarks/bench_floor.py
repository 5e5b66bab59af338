"""The floor under the LSTM's time: its matrix products alone, and the cost of one NumPy call.

Usage (from the repository's root)::

    python benchmarks/bench_floor.py                # float32 and float64, 1 and 2 threads
    python benchmarks/bench_floor.py --dtypes float32 --threads 1

At the benchmark's size (T=50, B=32, D=65, H=128) forward + backward of ``rnnlib.lstm`` does
the same matrix products as any implementation that uses NumPy's BLAS: one (T*B, D) x (D, 4H)
product for the inputs, then per step (B, H) x (H, 4H) forward and (B, 4H) x (4H, H) backward,
and three products over all steps for dL/dx, dL/dW_ih and dL/dW_hh.  This script times exactly
those products, in the same order, with nothing else; the minimum over the rounds is the
least that an LSTM of this shape whose products go through NumPy's BLAS can take.  Beside
it, the time of one elementwise NumPy call on a (B, H) array (a multiplication into a
preallocated output), which every gate's sigmoid, tanh and product costs at least once, and
the whole of rnnlib's and torch.nn's forward + backward (as ``bench_cells.py`` times them).
The tests never run this.
"""

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a fresh clone

from bench_cells import (  # noqa: E402
    B, D, H, T, _import_torch, _numpy_step, _torch_step, interleaved_minima, make_data,
)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--rounds", type=int, default=31)
    parser.add_argument("--dtypes", nargs="+", default=["float32", "float64"])
    args = parser.parse_args(argv)
    from threadpoolctl import threadpool_limits

    from rnnlib import lstm

    torch = _import_torch()
    print(f"LSTM, T={T}, B={B}, D={D}, H={H}; minimum of {args.rounds} rounds; "
          f"numpy {np.__version__}" + (f", torch {torch.__version__}" if torch else ", no torch"))
    print(f"{'dtype':8s} {'thr':>3s} {'products ms':>11s} {'one call us':>11s} "
          f"{'rnnlib ms':>9s} {'torch ms':>8s}")
    for threads in args.threads:
        if torch:
            torch.set_num_threads(threads)
        with threadpool_limits(limits=threads):
            for dtype in args.dtypes:
                data = make_data("lstm", np.dtype(dtype))
                contenders = {
                    "products": _products(*data),
                    "call": _one_call(np.dtype(dtype)),
                    "rnnlib": _numpy_step(lstm, *data),
                }
                if torch:
                    contenders["torch"] = _torch_step(torch, "LSTM", *data)
                minima = interleaved_minima(contenders, args.rounds)
                best = {name: wall for name, (wall, _) in minima.items()}
                line = (f"{dtype:8s} {threads:3d} {1e3 * best['products']:11.2f} "
                        f"{1e6 * best['call'] / CALLS:11.2f} {1e3 * best['rnnlib']:9.2f}")
                line += f" {1e3 * best['torch']:8.2f}" if torch else ""
                print(line, flush=True)


CALLS = 200  # elementwise calls per timing of _one_call


def _products(params, xs, state0, dhs):
    """The LSTM's matrix products, on arrays of the right shapes, in rnnlib's order."""
    rng = np.random.default_rng(1)
    dtype = xs.dtype
    x2 = xs.reshape(T * B, D)
    w_ih, w_hh = params["weight_ih"], params["weight_hh"]
    w_hh_t = np.ascontiguousarray(w_hh.T)
    h = state0[0]
    das = rng.standard_normal((T * B, 4 * H)).astype(dtype)
    h_prevs = rng.standard_normal((T * B, H)).astype(dtype)

    def run():
        x2 @ w_ih.T  # the inputs' part of every pre-activation
        for _ in range(T):
            h @ w_hh_t  # forward, one step
        for t in range(T):
            das[t * B : (t + 1) * B] @ w_hh  # backward, one step: dL/dh_{t-1}
        das @ w_ih  # dL/dx
        das.T @ x2  # dL/dW_ih
        das.T @ h_prevs  # dL/dW_hh

    return run


def _one_call(dtype):
    a, b, out = (np.full((B, H), 0.5, dtype=dtype) for _ in range(3))

    def run():
        for _ in range(CALLS):
            np.multiply(a, b, out=out)

    return run


if __name__ == "__main__":
    main()
