"""The otter-grader assignments (tools/assignments.py) graded for real (tools/grade.py).

Every grading here is a real ``otter run`` in a subprocess, through the course's grading
command, with no mock: the reference answers score full marks, the untouched student notebook
scores 0, each question's declared typical mistake loses points and fails its public test, and
hostile submissions end within their bound with no unearned credit, after which the grader
still grades the reference answers in full.

Needs the ``instructor`` extra (otter-grader).  Without it the tests are skipped, unless
``RNN_COURSE_GRADING=required`` (CI) makes that a failure.  ``RNN_ASSIGNMENTS`` may point at
an ``_build/assignments`` built by ``python -m tools.assignments``; otherwise every chapter's
are built here.  The gradings run two at a time.
"""

import json
import os
import re
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

try:
    import otter  # noqa: F401

    HAVE_OTTER = True
except ImportError:
    HAVE_OTTER = False

if not HAVE_OTTER:
    if os.environ.get("RNN_COURSE_GRADING") == "required":
        raise RuntimeError("otter-grader is not installed (RNN_COURSE_GRADING=required): pip install -e '.[instructor]'")
    pytest.skip("otter-grader is not installed: pip install -e '.[instructor]' to run the grading tests",
                allow_module_level=True)

from tools import assignments, autograde, grade, solutions  # noqa: E402

def chapter_path(name):
    (path,) = [p for p in sorted((ROOT / "book").glob("ch*.ipynb")) if p.name.startswith(name + "_")]
    return path


GRADED = tuple(sorted({p.name[:4] for p in (ROOT / "book").glob("ch[0-9][0-9]_*.ipynb")}))  # every chapter
TIMEOUT = 120  # seconds for an honest notebook (a loaded 2-core machine)
LOOP_TIMEOUT = 10  # the infinite loop's bound
SLACK = 20  # killing, writing results


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    given = os.environ.get("RNN_ASSIGNMENTS")
    if given and all((Path(given) / ch / f"{ch}-autograder.zip").exists() for ch in GRADED):
        return Path(given)
    out = tmp_path_factory.mktemp("assignments")
    wheel = assignments.build_wheel(out)
    for ch in GRADED:
        assignments.build_chapter(chapter_path(ch), out, wheel)
    return out


def load(path):
    return json.loads(Path(path).read_text(encoding="utf-8"))


def code_cell(text):
    return {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [], "source": text}


def text_of(cell):
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


ANSWER_TAGS = ("otter_answer_cell", "otter_assign_solution_cell")  # student, reference notebook


def question_cells(nb):
    """[(question, setup cell index, answer cell index)] in notebook order: each question is
    its setup cell, its answer cell and the grader.check cell naming it."""
    out = []
    cells = nb["cells"]
    for i, c in enumerate(cells):
        if set(c.get("metadata", {}).get("tags", [])) & set(ANSWER_TAGS):
            name = next(m.group(1) for c2 in cells[i + 1:]
                        for m in [re.search(r'grader\.check\("([^"]+)"\)', text_of(c2))] if m)
            out.append((name, i - 1, i))
    return out


def with_answer_source(nb, answer_index, text):
    nb = json.loads(json.dumps(nb))
    nb["cells"][answer_index]["source"] = text
    return nb


HOSTILE_EXITS = [
    "import sys\nsys.exit()",
    "raise SystemExit(3)",
    "raise KeyboardInterrupt",
    "def broken(:\n    pass",
    "print('x' * 100_000_000)",
]

MONKEYPATCHES = [
    # rnnlib: a loss that is always zero, a gradient check that always agrees
    "import rnnlib.losses, rnnlib.gradcheck, numpy as np\n"
    "rnnlib.losses.softmax_cross_entropy = lambda *a, **k: (0.0, np.zeros_like(a[0]))\n"
    "rnnlib.gradcheck.numerical_gradient.__code__ = (lambda f, x, eps=None: np.zeros_like(x)).__code__",
    # numpy.testing and numpy: every comparison passes
    "import numpy.testing\nnumpy.testing.assert_allclose = lambda *a, **k: None\n"
    "np.allclose = lambda *a, **k: True\nnp.abs = lambda x: np.zeros(1)",
    # otter's own checks: every test passes, every score is full
    "import doctest, otter.execute, otter.test_files.abstract_test as at\n"
    "doctest.DocTestRunner.run = lambda self, *a, **k: doctest.TestResults(0, 1)\n"
    "at.TestFile.score = property(lambda self: self.possible)\n"
    "otter.execute.Checker.check_if_not_already_checked = classmethod(lambda cls, *a, **k: None)",
]

# The hidden tests, read from disk (every file under the working directory, and each test
# file executed, in case that decrypts it), dumped to DUMP for the test to look at.
READ_TESTS = '''\
import glob, os
_read = []
for _f in glob.glob("**/*", recursive=True):
    if os.path.isfile(_f) and os.path.getsize(_f) < 50_000_000:
        _read.append(open(_f, errors="ignore").read())
for _f in glob.glob("tests/*.py"):
    try:
        _env = {{}}
        exec(open(_f).read(), _env)
        _read.append(repr(_env.get("test")))
    except BaseException as _e:
        _read.append("exec failed: " + type(_e).__name__)
open({dump!r}, "w").write("\\n".join(_read))
'''

# Files in the working directory: every test replaced by one that always passes with 100
# points, the other files deleted, the notebooks clobbered.
TAMPER_FILES = '''\
import glob, os
_names = [os.path.basename(f)[:-3] for f in glob.glob("tests/*.py")]
for _f in glob.glob("tests/*.py"):
    os.remove(_f)
for _n in _names:
    open(f"tests/{_n}.py", "w").write("OK_FORMAT = True\\ntest = " + repr({
        "name": _n, "points": 100, "suites": [{"cases": [{"code": ">>> 1\\n1", "hidden": False,
        "locked": False}], "scored": True, "setup": "", "teardown": "", "type": "doctest"}]}))
for _f in glob.glob("*.ipynb"):
    open(_f, "w").write("{}")
'''

# An answer that changes the grading code when the tests call it (Chapter 4's ch4_temperature).
PATCH_WHILE_GRADED = '''\
def temperature_grad(o, y, tau):
    import doctest
    doctest.DocTestRunner.run = lambda self, *a, **k: doctest.TestResults(0, 1)
    return o * 0
'''


def hostile_notebook(ref, student, dump):
    """The student notebook with two honest answers and every hostile cell that leaves the
    kernel alive: the last question answered in place; then exits, an interrupt, a syntax
    error and a 100 MB print; then the first question's setup and reference answer again (so
    it is graded only if the cells after those run); then the monkeypatches, the reading of the
    tests and the file tampering.  Earned: the first and the last question, nothing else."""
    ref_q, stu_q = question_cells(ref), question_cells(student)
    (first, f_setup, f_answer), (last, _, l_answer) = ref_q[0], ref_q[-1]
    nb = with_answer_source(student, stu_q[-1][2], text_of(ref["cells"][l_answer]))
    nb["cells"] += [code_cell(c) for c in HOSTILE_EXITS]
    nb["cells"] += [code_cell(text_of(ref["cells"][f_setup])), code_cell(text_of(ref["cells"][f_answer]))]
    nb["cells"] += [code_cell(c) for c in MONKEYPATCHES + [READ_TESTS.format(dump=str(dump)), TAMPER_FILES]]
    return nb, (first, last)


def submissions(built, tmp):
    """(key, notebook path, chapter, timeout) of every grading the tests need."""
    subs = []

    def put(key, nb, ch, timeout=TIMEOUT):
        path = tmp / key / f"{ch}.ipynb"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(nb), encoding="utf-8")
        subs.append((key, path, ch, timeout))

    honest = []
    for ch in GRADED:
        student = load(built / ch / "student" / f"{ch}.ipynb")
        ref = load(built / ch / "autograder" / f"{ch}.ipynb")
        first_answer = question_cells(ref)[0][2]
        # Hostile cases first: the honest gradings after them show that the grader still works.
        nb, _ = hostile_notebook(ref, student, tmp / f"{ch}-read-tests.txt")
        put(f"{ch}-hostile", nb, ch)
        # The kernel-ending cases, in the first answer cell of the reference answers.
        put(f"{ch}-os-exit", with_answer_source(ref, first_answer, "import os\nos._exit(1)"), ch)
        put(f"{ch}-infinite-loop", with_answer_source(ref, first_answer, "while True:\n    pass"), ch,
            LOOP_TIMEOUT)
        if ch == "ch04":
            (idx,) = [a for _, _, a in question_cells(student)
                      if "def temperature_grad" in text_of(student["cells"][a])]
            put("patch-while-graded", with_answer_source(student, idx, PATCH_WHILE_GRADED), ch)
        honest.append((f"{ch}-reference", ref, ch))
        honest.append((f"{ch}-blank", student, ch))
        honest.append((f"{ch}-mistakes", load(built / ch / "mistakes.ipynb"), ch))
    for key, nb, ch in honest:
        put(key, nb, ch)
    return subs


@pytest.fixture(scope="session")
def submissions_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("submissions")


@pytest.fixture(scope="session")
def graded(built, submissions_dir):
    """{key: (results, message, seconds, timeout)}: every submission graded, two at a time."""
    tmp = submissions_dir
    subs = submissions(built, tmp)
    env = assignments.grading_env()

    def run(item):
        key, path, ch, timeout = item
        start = time.monotonic()
        results, message = grade.grade(path, built / ch / f"{ch}-autograder.zip", tmp / "out" / key,
                                       timeout=timeout, env=env)
        return key, (results, message, time.monotonic() - start, timeout)

    start = time.monotonic()
    with ThreadPoolExecutor(max_workers=2) as pool:
        out = dict(pool.map(run, subs))
    print(f"\n{len(subs)} gradings in {time.monotonic() - start:.0f} s")
    for key, (results, message, seconds, _) in out.items():
        print(f"  {key}: {grade.total(results):g} in {seconds:.0f} s {message.splitlines()[0] if message else ''}")
    return out


def questions(built, ch):
    return list(grade.read_tests(built / ch / f"{ch}-autograder.zip"))


def possible(built, ch):
    return grade.points_possible(built / ch / f"{ch}-autograder.zip")


def scores(built, graded, key, ch):
    return grade.question_scores(graded[key][0], questions(built, ch))


def public_failed(results, question):
    """Whether a public test of ``question`` failed, from the "Public Tests" summary."""
    summary = next((t.get("output", "") for t in results["tests"] if t.get("name") == "Public Tests"), "")
    block = re.split(r"\n(?=\S)", summary)
    mine = [b for b in block if b.startswith(question + " results")]
    assert mine, f"no public results for {question}"
    return "❌" in mine[0] or "failed" in mine[0].lower()


# --- the build -----------------------------------------------------------------------------------


@pytest.mark.parametrize("ch", GRADED)
def test_each_graded_chapter_has_at_least_four_questions_and_hides_its_hidden_tests(built, ch):
    nb = solutions.load(chapter_path(ch))
    decls = autograde.declarations(nb)
    assert len(decls) >= 4
    student_dir = built / ch / "student"
    student = student_dir / f"{ch}.ipynb"
    text = "\n".join(p.read_text(encoding="utf-8", errors="ignore") for p in student_dir.rglob("*")
                     if p.is_file() and p.suffix in {".ipynb", ".py", ".txt", ".md", ".json"})
    flat = solutions.normalise(text + "\n" + "\n".join(
        solutions.source(c) for c in solutions.load(student)["cells"]))
    meta = json.loads(student.read_text(encoding="utf-8"))["metadata"]["otter"]["tests"]
    for label, d in decls.items():
        # a line that a hidden test shares with the question's public test or setup is public
        public = {ln for src in d["test"] + d["setup"] for ln in solutions.code_lines(src)}
        for src, _ in d["hidden"]:
            for line in solutions.code_lines(src):
                if line not in public:
                    assert line not in flat, f"{label}: hidden test line in the student files: {line!r}"
        (answer, _), = d["answer"]
        for line in answer.splitlines():
            if "# SOLUTION" in line:
                assert solutions.normalise(line.split("#")[0]) not in flat or len(line.split("=")[-1].strip()) < 8
        name = d["answer"][0][1]["name"]
        cases = [c for s in meta[name]["suites"] for c in s["cases"]]
        assert cases and not any(c["hidden"] for c in cases), f"{name}: only public tests for students"
        assert "points" not in meta[name] and not any("points" in c for c in cases), "no point breakdown"
    # and the solutions between BEGIN/END SOLUTION markers are gone from the answer cells
    for cell in solutions.load(student)["cells"]:
        assert "BEGIN SOLUTION" not in solutions.source(cell) and "# SOLUTION" not in solutions.source(cell)


# --- honest submissions --------------------------------------------------------------------------


@pytest.mark.parametrize("ch", GRADED)
def test_the_reference_answers_score_full_marks(built, graded, ch):
    results, message, _, _ = graded[f"{ch}-reference"]
    assert grade.total(results) == pytest.approx(possible(built, ch)), message
    assert all(s > 0 for s in scores(built, graded, f"{ch}-reference", ch).values())


@pytest.mark.parametrize("ch", GRADED)
def test_the_untouched_student_notebook_scores_zero_on_every_question(built, graded, ch):
    results, message, _, _ = graded[f"{ch}-blank"]
    assert not message, message  # graded normally, no crash
    assert set(scores(built, graded, f"{ch}-blank", ch).values()) == {0.0}


@pytest.mark.parametrize("ch", GRADED)
def test_each_typical_mistake_loses_points_and_fails_its_public_test(built, graded, ch):
    results, message, _, _ = graded[f"{ch}-mistakes"]
    assert not message, message
    full = {q: p for q, (_, p) in grade.read_tests(built / ch / f"{ch}-autograder.zip").items()}
    got = scores(built, graded, f"{ch}-mistakes", ch)
    for q in full:
        assert got[q] < full[q], f"{q}: the typical mistake scored full marks"
        assert public_failed(results, q), f"{q}: the public test let the typical mistake through"


# --- hostile submissions (every chapter) ---------------------------------------------------------


def full_marks(built, ch):
    return {q: p for q, (_, p) in grade.read_tests(built / ch / f"{ch}-autograder.zip").items()}


def test_every_grading_finished_within_its_bound(graded):
    for key, (_, _, seconds, timeout) in graded.items():
        assert seconds < timeout + SLACK, f"{key} took {seconds:.0f} s"


@pytest.mark.parametrize("ch", GRADED)
def test_exits_a_syntax_error_100_megabytes_monkeypatches_and_tampering_earn_nothing(built, graded, ch):
    """sys.exit(), raise SystemExit, raise KeyboardInterrupt and a syntax error each end their
    own cell only (IPython's behaviour), and a 100 MB print is dropped with the executed
    notebook: the first question's answer, given after them, is still graded.  Patched rnnlib,
    numpy.testing, numpy and otter/doctest checks are restored before the tests run; deleted and
    overwritten tests come back.  Only the two honest answers score."""
    results, message, _, _ = graded[f"{ch}-hostile"]
    student = load(built / ch / "student" / f"{ch}.ipynb")
    honest = {question_cells(student)[0][0], question_cells(student)[-1][0]}
    full = full_marks(built, ch)
    got = scores(built, graded, f"{ch}-hostile", ch)
    assert {q: got[q] for q in honest} == {q: full[q] for q in honest}, (got, message)
    assert all(v == 0 for q, v in got.items() if q not in honest), got
    assert grade.total(results) == pytest.approx(sum(full[q] for q in honest))
    assert json.dumps(results).count("x" * 1000) == 0  # the print is not copied into results.json
    for patched in ("rnnlib.losses.softmax_cross_entropy", "rnnlib.gradcheck.numerical_gradient",
                    "numpy.testing.assert_allclose", "numpy.allclose", "doctest.DocTestRunner.run",
                    "Checker.check_if_not_already_checked", "TestFile.score"):
        assert patched in message, f"{patched} not restored: {message}"


@pytest.mark.parametrize("ch", GRADED)
def test_reading_the_tests_from_disk_finds_no_hidden_test(built, graded, submissions_dir, ch):
    """What the submission read from its folder (and got by executing the test files) holds
    no line of a hidden test: the tests on disk are ciphertext."""
    assert f"{ch}-hostile" in graded
    dump = (submissions_dir / f"{ch}-read-tests.txt").read_text(encoding="utf-8", errors="ignore")
    assert "_rnn_grade_open_" in dump  # it did read the (encrypted) test files
    public = (built / ch / "student" / f"{ch}.ipynb").read_text(encoding="utf-8")
    decls = autograde.declarations(solutions.load(chapter_path(ch)))
    lines = {line.strip() for d in decls.values() for src, _ in d["hidden"]
             for line in solutions.code_lines(src)}
    secret = [line for line in lines if len(line) >= 20 and line not in public]
    assert secret, "no distinctive hidden test line to look for"
    found = [line for line in secret if line in dump]
    assert not found, f"hidden test lines read from disk: {found[:3]}"


def test_patching_the_checks_while_being_graded_scores_zero(graded):
    results, message, _, _ = graded["patch-while-graded"]
    assert grade.total(results) == 0
    assert "changed the grading code while it was being graded" in message, message


@pytest.mark.parametrize("ch", GRADED)
def test_a_dead_kernel_scores_zero_with_a_reason(graded, ch):
    results, message, _, _ = graded[f"{ch}-os-exit"]
    assert grade.total(results) == 0 and "kernel died" in message, message


@pytest.mark.parametrize("ch", GRADED)
def test_an_infinite_loop_is_stopped_and_scores_zero_with_a_reason(graded, ch):
    results, message, seconds, _ = graded[f"{ch}-infinite-loop"]
    assert grade.total(results) == 0 and "timed out" in message, message
    assert seconds < LOOP_TIMEOUT + SLACK


def test_the_results_file_is_otters_and_the_zero_results_name_the_reason(graded):
    """Every grading wrote results.json (otter's Gradescope format, or the zero result)."""
    for key, (results, message, _, _) in graded.items():
        assert "tests" in results, key
        if message and grade.total(results) == 0 and "restored" not in message:
            assert results["tests"][0]["output"] == message
