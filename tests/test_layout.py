"""The shape of rnnlib: small modules, imports that point one way, and the old names kept.

rnnlib is two things: the library that trains a network (every module outside
``rnnlib/analysis/`` and ``rnnlib/viz/``) and the course's instruments that look inside
one (``rnnlib/analysis/``, ``rnnlib/viz/``).  The instruments import the library; the
library never imports them.  The modules at the old import paths of the instruments
(``rnnlib/spectral.py`` and the others in ``SHIMS``) hold nothing but re-exports.

Everything here reads the source with ``ast``; only the last test imports rnnlib.
"""

import ast
import importlib
import types
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "rnnlib"

#: No module of rnnlib is longer than this: small enough to read in one sitting.
MAX_LINES = 300

#: The two subpackages of instruments.
INSTRUMENTS = ("rnnlib.analysis", "rnnlib.viz")

#: Modules kept at an old import path; each only re-exports (from the instruments, too).
SHIMS = {
    "rnnlib.bptt",
    "rnnlib.diagnostics",
    "rnnlib.naive",
    "rnnlib.recursion",
    "rnnlib.spectral",
    "rnnlib.symbolic",
}


def _module_name(path):
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _is_instrument(name):
    return any(name == pkg or name.startswith(pkg + ".") for pkg in INSTRUMENTS)


def _imports(name):
    """The rnnlib modules that module ``name`` imports, anywhere in its source."""
    path = MODULES[name]
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            # ``from pkg import name`` imports pkg, and pkg.name too if that is a module
            targets = [base] + [f"{base}.{alias.name}" for alias in node.names]
        else:
            continue
        found.update(t for t in targets if t in MODULES and t != name)
    return found


GRAPH = {name: _imports(name) for name in MODULES}


def test_the_layout_is_what_this_test_describes():
    # guards the test itself: the module names it classifies exist
    assert set(INSTRUMENTS) <= set(MODULES) and SHIMS <= set(MODULES)
    assert "rnnlib.rnn" in MODULES and "rnnlib.analysis.spectral" in MODULES
    assert "rnnlib.models" in GRAPH["rnnlib.analysis.diagnostics"]  # an import is found


@pytest.mark.parametrize("name", sorted(MODULES))
def test_no_module_is_longer_than_the_limit(name):
    lines = MODULES[name].read_text(encoding="utf-8").count("\n")
    assert lines <= MAX_LINES, f"{name} has {lines} lines, more than {MAX_LINES}: split it"


def test_the_library_never_imports_the_instruments():
    # nor their old paths, which import them
    library = [n for n in MODULES if not _is_instrument(n) and n not in SHIMS]
    wrong = {n: sorted(t for t in GRAPH[n] if _is_instrument(t) or t in SHIMS) for n in library}
    assert not {n: t for n, t in wrong.items() if t}


def test_the_old_paths_hold_only_imports():
    for name in SHIMS:
        tree = ast.parse(MODULES[name].read_text(encoding="utf-8"))
        body = tree.body[1:] if ast.get_docstring(tree) else tree.body
        assert body and all(isinstance(n, ast.ImportFrom) for n in body), name


def test_the_imports_have_no_cycle():
    done, path = set(), []

    def visit(name):
        if name in path:
            cycle = path[path.index(name) :] + [name]
            raise AssertionError("import cycle: " + " -> ".join(cycle))
        if name in done:
            return
        path.append(name)
        for target in sorted(GRAPH[name]):
            visit(target)
        path.pop()
        done.add(name)

    for name in sorted(GRAPH):
        visit(name)


# Every public name of the modules of rnnlib 0.1.0 before the split (commit 2fca48d), as
# rnnlib.<module>.<name>: what dir() listed, without modules, objects from outside rnnlib
# and the private helpers of rnnlib._checks and rnnlib._params.  Computed once, kept as data.
OLD_NAMES = """
activations.relu activations.relu_deriv activations.sigmoid activations.sigmoid_deriv
activations.sigmoid_deriv_from_output activations.tanh activations.tanh_deriv
activations.tanh_deriv_from_output baselines.directional_accuracy
baselines.last_value_forecast baselines.mse baselines.unigram_cross_entropy
baselines.zero_forecast bptt.cache_float_count bptt.gradient_contributions
bptt.truncated_backward data.ChecksumError data.Corpus data.GUTENBERG_ID data.GoogPrices
data.NOVEL_BYTES data.NOVEL_CHAPTERS data.NOVEL_FILE data.NOVEL_SHA256 data.TITLE data.Vocab
data.batchify data.iterate_chunks data.load_goog data.load_pride_and_prejudice
data.make_adding_problem data.make_windows diagnostics.final_state diagnostics.get_cell
diagnostics.hidden_grad_norms diagnostics.state_jacobian_norms gradcheck.DEFAULT_EPS
gradcheck.DEFAULT_TOL gradcheck.assert_gradients_close gradcheck.check_vjp
gradcheck.numerical_gradient gradcheck.numerical_vjp gradcheck.rel_error gru.Cache
gru.GATES gru.StepCache gru.backward gru.final_state gru.forward gru.init_params
gru.sigmoid gru.step_backward gru.step_forward io.FORMAT_KEY io.FORMAT_VERSION
io.MAX_BYTES io.SEP io.load_params io.save_params layers.EmbeddingCache layers.LinearCache
layers.embedding_backward layers.embedding_forward layers.init_embedding layers.init_linear
layers.linear_backward layers.linear_forward layers.one_hot linear_rnn.Cache
linear_rnn.GATES linear_rnn.StepCache linear_rnn.backward linear_rnn.final_state
linear_rnn.forward linear_rnn.init_params linear_rnn.step_backward linear_rnn.step_forward
losses.REDUCTIONS losses.cross_entropy_soft losses.log_softmax losses.logsumexp
losses.softmax losses.softmax_cross_entropy losses.squared_error lstm.Cache lstm.GATES
lstm.StepCache lstm.backward lstm.final_state lstm.forward lstm.init_params lstm.sigmoid
lstm.step_backward lstm.step_forward metrics.LN2 metrics.bits_to_nats metrics.entropy
metrics.nats_to_bits metrics.perplexity metrics.symbol_counts metrics.unigram_entropy
models.CELLS models.CharLM models.History models.LMCache models.LogRecord
models.RegressorCache models.SequenceRegressor models.TrainingDiverged models.Vocab
models.batchify models.clip_grad_norm models.final_state models.get_cell
models.global_norm models.iterate_chunks models.print_progress models.train_char_lm
models.train_regressor naive.log_of_softmax naive.naive_softmax optim.Adagrad optim.Adam
optim.Momentum optim.Optimizer optim.SGD optim.clip_grad_norm optim.clip_grad_value
optim.global_norm recursion.Evaluation recursion.by_closed_form recursion.by_recursion
recursion.jacobian_product recursion.loglog_slope recursion.median_seconds
recursion.numerical_jacobian recursion.state_jacobians rnn.Cache rnn.GATES rnn.StepCache
rnn.backward rnn.final_state rnn.forward rnn.init_params rnn.step_backward
rnn.step_forward spectral.SGD spectral.TrainingRun spectral.clip_grad_norm
spectral.cosine_similarity spectral.fit_log_rate spectral.global_norm
spectral.jacobian_bounds_by_distance spectral.jacobian_norms_by_distance
spectral.largest_singular_value spectral.matrix_with_eigenvalues spectral.power_norms
spectral.scale_to_spectral_radius spectral.spectral_radius spectral.squared_error
spectral.train_last_state_regression symbolic.DerivativeMaximum symbolic.ScalarLSTMStep
symbolic.derivative_at symbolic.derivative_maximum symbolic.inductive_step_residual
symbolic.logistic symbolic.peel_last symbolic.recursion_by_loop
symbolic.recursion_closed_form symbolic.recursion_closed_form_sum symbolic.scalar_lstm_step
symbolic.scalar_rnn_symbols symbolic.softmax_jacobian_symbolic symbolic.softmax_symbolic
symbolic.unroll_scalar_rnn symbolic.unroll_scalar_rnn_with_output variants.GATE_ORDER
variants.ResetBeforeCache variants.StepCost variants.count_step_macs variants.gate_slices
variants.gru_reset_before_step variants.param_count variants.reorder_gates variants.sigmoid
variants.step_cost variants.with_forget_bias viz.COLORS viz.EDGE viz.IO_PATTERNS
viz.PATH_COLORS viz.draw_bptt_paths viz.draw_io_pattern viz.draw_io_patterns
viz.draw_lstm_cell viz.draw_recursion_paths viz.draw_unrolled viz.plot_binary_cross_entropy
viz.plot_forecasts viz.plot_grad_flow viz.plot_gradient_contributions
viz.plot_gradient_heatmap viz.plot_learning_curves viz.plot_lm_learning_curves
viz.plot_loglog_cost viz.plot_loss_curves viz.plot_norms_by_distance
viz.plot_softmax_temperatures viz.plot_truncation_error viz.plot_windows
""".split()


def test_the_old_names_list_is_complete():
    assert len(OLD_NAMES) == len(set(OLD_NAMES)) == 211
    assert {n.partition(".")[0] for n in OLD_NAMES} == {
        "activations", "baselines", "bptt", "data", "diagnostics", "gradcheck", "gru", "io",
        "layers", "linear_rnn", "losses", "lstm", "metrics", "models", "naive", "optim",
        "recursion", "rnn", "spectral", "symbolic", "variants", "viz",
    }  # fmt: skip


@pytest.mark.parametrize("old", OLD_NAMES)
def test_every_old_name_still_resolves_to_the_object_itself(old):
    module, _, name = old.partition(".")
    obj = getattr(importlib.import_module(f"rnnlib.{module}"), name)
    if isinstance(obj, (types.FunctionType, type)):
        # the definition itself, not a copy or a wrapper: its own module holds it by name
        home = importlib.import_module(obj.__module__)
        assert obj.__name__ == name and getattr(home, obj.__qualname__) is obj
        assert obj.__module__.startswith("rnnlib.")
