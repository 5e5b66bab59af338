# The grading guard of tools/grade.py.  Its text is injected as two cells into every submission:
# GUARD_START runs before the student's first cell, GUARD_END after the last one (just before
# otter's own export cell).  It is plain code with no import of this repository, since the
# kernel need not see it.  What it does is documented in tools/grade.py.
#
# The placeholders __HANDLE__ and __KEYS_ENV__ are filled in by tools/grade.py.

GUARD_START = r'''
def _rnn_grade_guard_setup():
    import builtins, hashlib, json, os, sys, types
    keys_path = os.environ.pop("__KEYS_ENV__", None)
    if keys_path is None:
        return
    with open(keys_path, encoding="utf-8") as f:
        secret = json.load(f)
    os.remove(keys_path)
    tests_dir = os.path.abspath("tests")
    stubs = {}
    for name in sorted(os.listdir(tests_dir)):
        if name.endswith(".py"):
            with open(os.path.join(tests_dir, name), "rb") as f:
                stubs[name] = f.read()
    PROTECTED = ("builtins", "math", "numpy", "numpy.testing", "numpy.linalg", "sympy", "doctest",
                 "pickle", "dill", "json", "inspect", "importlib")
    PREFIXES = ("otter", "rnnlib", "fica")

    def modules():
        import doctest, inspect, math, pickle  # noqa: F401  (loaded so they are protected)
        for name, mod in list(sys.modules.items()):
            if isinstance(mod, types.ModuleType) and (
                name in PROTECTED or name.split(".")[0] in PREFIXES
            ):
                yield name, mod

    def snapshot():
        mods, funcs, classes = {}, {}, {}
        for name, mod in modules():
            d = dict(vars(mod))
            mods[name] = (mod, d)
            for value in d.values():
                if type(value) is types.FunctionType:
                    funcs[id(value)] = (value, value.__code__, value.__defaults__, value.__kwdefaults__)
                elif isinstance(value, type) and (value.__module__ or "").split(".")[0] in PREFIXES + ("doctest",):
                    cd = dict(vars(value))
                    classes[id(value)] = (value, cd)
                    for member in cd.values():
                        f = getattr(member, "__func__", member)
                        if type(f) is types.FunctionType:
                            funcs[id(f)] = (f, f.__code__, f.__defaults__, f.__kwdefaults__)
        return mods, funcs, classes

    # Load what the tests and the answers will use, so that it is in the snapshot: numpy,
    # numpy.testing, sympy and every module of rnnlib (each import may fail on its own).
    import importlib, pkgutil
    for name in ("numpy", "numpy.testing", "numpy.linalg", "sympy", "doctest", "rnnlib"):
        try:
            importlib.import_module(name)
        except Exception:
            pass
    if "rnnlib" in sys.modules:
        for info in pkgutil.iter_modules(getattr(sys.modules["rnnlib"], "__path__", [])):
            try:
                importlib.import_module("rnnlib." + info.name)
            except Exception:
                pass
    state = snapshot()
    VOLATILE = {"_test_files", "_track_results", "_grading_mode", "_tests_dir", "_notebook",
                "_ih", "_oh", "_dh", "In", "Out", "input", "raw_input", "getpass", "_", "__", "___", "master", "__warningregistry__"}

    def changes(fix):
        mods, funcs, classes = state
        found = []
        for name, (mod, d) in mods.items():
            if sys.modules.get(name) is not mod:
                found.append(f"sys.modules[{name!r}]")
                if fix:
                    sys.modules[name] = mod
            live = vars(mod)
            for k, v in d.items():
                if k in VOLATILE or k.startswith("__") and k.endswith("__") and k != "__import__":
                    continue
                if live.get(k, v) is not v or k not in live:
                    found.append(f"{name}.{k}")
                    if fix:
                        setattr(mod, k, v)
        for f, code, defaults, kwdefaults in funcs.values():
            if f.__code__ is not code or f.__defaults__ is not defaults or f.__kwdefaults__ is not kwdefaults:
                found.append(f"{f.__module__}.{f.__qualname__}")
                if fix:
                    f.__code__, f.__defaults__, f.__kwdefaults__ = code, defaults, kwdefaults
        for cls, cd in classes.values():
            for k, v in cd.items():
                if k in VOLATILE or k in ("__dict__", "__weakref__", "__doc__"):
                    continue
                if cls.__dict__.get(k, None) is not v:
                    found.append(f"{cls.__module__}.{cls.__qualname__}.{k}")
                    if fix:
                        setattr(cls, k, v)
        return found

    uses = {}

    def opener(name, blob):
        n = uses.get(name, 0)
        if name not in secret["keys"] or n >= 2:
            raise RuntimeError(f"test {name} can no longer be opened")
        uses[name] = n + 1
        key = bytes.fromhex(secret["keys"][name])
        stream = hashlib.shake_256(key).digest(len(blob))
        return bytes(a ^ b for a, b in zip(blob, stream)).decode("utf-8")

    def finish(user_globals):
        import atexit, threading
        restored = changes(fix=True)
        atexit._clear()
        sys.settrace(None)
        sys.setprofile(None)
        threading.settrace(None)
        threading.setprofile(None)
        try:
            ip = get_ipython()  # noqa: F821
            for callbacks in ip.events.callbacks.values():
                callbacks.clear()
        except NameError:
            pass
        os.makedirs(tests_dir, exist_ok=True)
        for name, data in stubs.items():
            with open(os.path.join(tests_dir, name), "wb") as f:
                f.write(data)
        from otter.execute import Checker
        Checker._test_files = []
        Checker._track_results = True
        builtins.__dict__["_rnn_grade_open_"] = opener
        scores, tampered = {}, []
        for name in sorted(stubs):
            path = os.path.join("./tests", name)
            try:
                result = Checker.check_if_not_already_checked(path, global_env=user_globals)
                scores[name[:-3]] = float(result.score) if result is not None else 0.0
            except Exception as e:  # a test that cannot run scores 0
                scores[name[:-3]] = 0.0
            tampered += changes(fix=True)
        with open(secret["marker"], "w", encoding="utf-8") as f:
            json.dump({"nonce": secret["nonce"], "scores": scores, "restored": restored,
                       "tampered": sorted(set(tampered))}, f)

    setattr(builtins, "__HANDLE__", finish)


_rnn_grade_guard_setup()
del _rnn_grade_guard_setup
'''

GUARD_END = r'''
import builtins as _rnn_b_
_rnn_b_.__dict__.pop("__HANDLE__")(globals())
del _rnn_b_
'''
