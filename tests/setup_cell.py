# Setup (hidden in the HTML book). In Google Colab only, install rnnlib from the course's
# repository; a fork puts its own URL here. Everywhere else that part does nothing.
import os
import platform
import sys

if "google.colab" in sys.modules:
    import subprocess

    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet",
                    "rnnlib[book] @ git+https://github.com/rnn-course/rnn-course"],
                   check=True, timeout=900)

# Same numbers on every x86-64 machine: one BLAS kernel family, chosen before NumPy loads
# OpenBLAS (a kernel is picked per CPU otherwise, and their roundings differ), and one thread.
if platform.machine().lower() in ("x86_64", "amd64"):
    os.environ["OPENBLAS_CORETYPE"] = "Sandybridge"

import numpy as np
from threadpoolctl import threadpool_limits

_blas_threads = threadpool_limits(limits=1)
