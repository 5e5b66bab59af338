"""Time forward + backward of rnnlib's three cells, and of torch.nn's, at the course's sizes.

Usage::

    python benchmarks/bench_cells.py                  # 1 and 2 threads, 21 repetitions
    python benchmarks/bench_cells.py --threads 1 --repeats 31

For each thread count the script starts a fresh Python process with the BLAS thread count
fixed by environment variables before NumPy is imported (OpenBLAS, MKL and OpenMP all read
them), and calls ``torch.set_num_threads`` with the same number, so NumPy and PyTorch use
the same threads.  In each repetition it times rnnlib and then torch.nn on the same data,
so that a slow moment of a shared machine hits both; it prints the median time of each and
the median of the per-repetition ratios rnnlib / torch.  Without torch it times rnnlib only.

The loss is sum(hs * R) for a fixed random R: forward, then backward from dL/dhs = R,
with gradients for the inputs, the initial state and all parameters.
"""

import argparse
import os
import subprocess
import sys
import time

T, B, D, H = 50, 32, 65, 128  # course sizes: 50 characters, 32 sequences, 65 symbols, 128 units
THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--repeats", type=int, default=21)
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        run(args.threads[0], args.repeats)
        return
    for n in args.threads:
        env = dict(os.environ, **{var: str(n) for var in THREAD_VARS})
        cmd = [sys.executable, __file__, "--worker", "--threads", str(n), "--repeats", str(args.repeats)]
        subprocess.run(cmd, env=env, check=True)


def run(threads, repeats):
    import numpy as np

    from rnnlib import gru, lstm, rnn

    try:
        import torch
    except ImportError:
        torch = None
    else:
        torch.set_num_threads(threads)

    print(f"\n{threads} thread(s); T={T}, B={B}, D={D}, H={H}; median of {repeats} repetitions")
    print(f"{'cell':5s} {'dtype':8s} {'rnnlib ms':>10s} {'torch ms':>9s} {'ratio':>6s}")
    cells = {"rnn": (rnn, "RNN"), "lstm": (lstm, "LSTM"), "gru": (gru, "GRU")}
    for dtype in (np.float64, np.float32):
        for name, (module, torch_name) in cells.items():
            rng = np.random.default_rng(0)
            params = module.init_params(D, H, rng=rng, dtype=dtype)
            xs = rng.standard_normal((T, B, D)).astype(dtype)
            dhs = rng.standard_normal((T, B, H)).astype(dtype)
            state0 = rng.standard_normal((B, H)).astype(dtype)
            if name == "lstm":
                state0 = (state0, rng.standard_normal((B, H)).astype(dtype))

            def ours():
                hs, cache = module.forward(xs, state0, params)
                return module.backward(dhs, cache)

            theirs = _torch_step(torch, torch_name, params, xs, state0, dhs) if torch else None
            ours()  # warm up
            if theirs:
                theirs()
            times, ratios = [], []
            for _ in range(repeats):
                a = _time(ours)
                b = _time(theirs) if theirs else float("nan")
                times.append((a, b))
                ratios.append(a / b)
            ours_ms, theirs_ms = (1e3 * float(np.median(col)) for col in zip(*times))
            ratio = float(np.median(ratios))
            print(f"{name:5s} {np.dtype(dtype).name:8s} {ours_ms:10.2f} {theirs_ms:9.2f} {ratio:6.2f}")


def _time(fn):
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def _torch_step(torch, kind, params, xs, state0, dhs):
    """A function that runs forward + backward of torch.nn.<kind> with rnnlib's params."""
    D, H = xs.shape[2], params["weight_hh"].shape[1]
    dtype = getattr(torch, params["weight_ih"].dtype.name)
    module = getattr(torch.nn, kind)(D, H).to(dtype)
    with torch.no_grad():
        for key, value in params.items():
            getattr(module, key + "_l0").copy_(torch.from_numpy(value))
    x = torch.from_numpy(xs).requires_grad_()
    if kind == "LSTM":
        h0 = tuple(torch.from_numpy(s[None]).requires_grad_() for s in state0)
    else:
        h0 = torch.from_numpy(state0[None]).requires_grad_()
    r = torch.from_numpy(dhs)

    def step():
        module.zero_grad(set_to_none=True)
        x.grad = None
        hs, _ = module(x, h0)
        hs.backward(r)

    return step


if __name__ == "__main__":
    main()
