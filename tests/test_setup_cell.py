"""The chapters' shared first cell: it installs rnnlib in Colab and nowhere else, and it pins
NumPy's BLAS to one thread so that a chapter prints the same numbers on every machine."""

import subprocess
import sys
import types
from pathlib import Path

import pytest
from threadpoolctl import threadpool_info

SETUP_CELL = (Path(__file__).parent / "setup_cell.py").read_text()


def run_cell(monkeypatch, in_colab):
    """Execute the cell's source with subprocess.run recorded instead of called."""
    calls = []
    monkeypatch.setattr(subprocess, "run", lambda *a, **k: calls.append((a, k)))
    if in_colab:
        monkeypatch.setitem(sys.modules, "google.colab", types.ModuleType("google.colab"))
    else:
        monkeypatch.delitem(sys.modules, "google.colab", raising=False)
    namespace = {}
    exec(compile(SETUP_CELL, "setup_cell", "exec"), namespace)
    namespace["_blas_threads"].restore_original_limits()
    return calls


def test_setup_cell_installs_nothing_outside_colab(monkeypatch):
    assert run_cell(monkeypatch, in_colab=False) == []


def test_setup_cell_installs_rnnlib_from_the_repository_in_colab(monkeypatch):
    calls = run_cell(monkeypatch, in_colab=True)
    assert len(calls) == 1
    (argv,), kwargs = calls[0]
    assert argv[:4] == [sys.executable, "-m", "pip", "install"]
    assert argv[-1].startswith("rnnlib[book] @ git+https://")
    assert kwargs["check"] is True and kwargs["timeout"] > 0


def test_setup_cell_limits_blas_to_one_thread_while_in_force():
    namespace = {}
    exec(compile(SETUP_CELL, "setup_cell", "exec"), namespace)
    try:
        blas = [lib for lib in threadpool_info() if lib["user_api"] == "blas"]
        assert blas, "NumPy's BLAS is not visible to threadpoolctl"
        assert all(lib["num_threads"] == 1 for lib in blas), blas
    finally:
        namespace["_blas_threads"].restore_original_limits()
