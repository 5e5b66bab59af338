"""Saving and loading parameter dictionaries as ``.npz`` files, without pickle.

Nested dictionaries are flattened into keys joined by ``/``: ``{"cell": {"weight_ih": W}}``
is stored under ``cell/weight_ih``.  The file also holds the key ``__rnnlib_format__``, the
format version, so a file can be recognised (and a future format told apart).  Arrays are
stored bit for bit, with their dtype; nothing is pickled, so loading a file cannot run code.
"""

import math
import os
import tempfile
import zipfile
import zlib

import numpy as np

FORMAT_KEY = "__rnnlib_format__"
FORMAT_VERSION = 1
SEP = "/"


def save_params(path, params):
    """Write a (possibly nested) dict of arrays to ``path`` as an uncompressed ``.npz``.

    The file is written exactly at ``path`` (no ``.npz`` is appended), first to a fresh
    temporary file beside it (``tempfile.mkstemp``: an unpredictable name, never a planted
    symlink), flushed to disk with fsync and then renamed over ``path``, so an interrupted
    save leaves the old file intact and two saves to one path never mix.

    Parameters
    ----------
    path : str or os.PathLike
    params : dict
        Str keys without ``/``; values are numeric arrays (bool, int, float, complex) or
        dicts of them.  Object arrays are refused: they would need pickle.
    """
    flat = _flatten(params)
    flat[FORMAT_KEY] = np.array(FORMAT_VERSION)
    path = os.fspath(path)
    # A fresh, unpredictable name created with O_EXCL (no planted symlink is followed), in
    # the target directory so that the final os.replace is an atomic rename.
    directory, base = os.path.split(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=f".{base}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as fh:
            with zipfile.ZipFile(fh, "w", compression=zipfile.ZIP_STORED) as archive:
                for key, arr in flat.items():  # the layout of np.savez: one key.npy per array
                    with archive.open(key + ".npy", "w", force_zip64=True) as member:
                        np.lib.format.write_array(member, arr, allow_pickle=False)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise


MAX_BYTES = 1 << 30  # 1 GiB: far above any model of the course, far below a zip bomb


def load_params(path, *, like=None, max_bytes=MAX_BYTES):
    """Read a parameter file written by :func:`save_params`.

    Parameters
    ----------
    path : str or os.PathLike
    like : dict or None
        If given, the loaded parameters must have exactly its keys, shapes and dtypes (for
        example ``like=model.init_params(...)``), so a file for another model is caught here
        rather than as a shape error deep inside a forward pass.
    max_bytes : int
        The most bytes the arrays may take once read (default 1 GiB); a larger file, or a
        compressed one that would inflate beyond it, is refused before it is read.

    Returns
    -------
    params : dict
        Nested as it was saved, with fresh writable arrays.

    Raises
    ------
    FileNotFoundError
        If there is no file at ``path``.
    ValueError
        If the file is not a valid rnnlib parameter file (corrupted, truncated, not an
        ``.npz``, holding pickled objects, or without the format key), or if it does not
        match ``like``; the message lists every mismatch, expected against actual.
    """
    path = os.fspath(path)
    if isinstance(max_bytes, bool) or not isinstance(max_bytes, (int, np.integer)) or max_bytes < 1:
        raise ValueError(f"max_bytes must be a positive int, got {max_bytes!r}")
    flat = _read(path, int(max_bytes))
    if like is not None:
        _compare(flat, _flatten(like, name="like"), path)
    return _unflatten(flat, path)


def _read(path, max_bytes=MAX_BYTES):
    """The flat ``{key: array}`` of a file, or ``ValueError`` saying why it is not valid."""

    def invalid(reason):
        return _InvalidFile(f"{path} is not a valid rnnlib parameter file: {reason}")

    with open(path, "rb") as fh:  # a missing file is a FileNotFoundError, not a bad file
        magic = fh.read(6)
        fh.seek(0)
        if magic[:4] != b"PK\x03\x04":
            if not magic:
                raise invalid("it is empty (EOFError: no data at all)")
            if magic == b"\x93NUMPY":
                raise invalid("it holds a single array (.npy), not an .npz archive")
            raise invalid(f"it is not an .npz (zip) archive: it starts with {magic!r}")
        try:
            with zipfile.ZipFile(fh) as archive:
                infos = archive.infolist()
                total = sum(info.file_size for info in infos)  # zipfile reads no more than these
                if total > max_bytes:
                    raise invalid(
                        f"its members would take {total} bytes once read, more than max_bytes={max_bytes}"
                    )
                bad = [info.filename for info in infos if not info.filename.endswith(".npy")]
                if bad:
                    raise invalid(f"member(s) {bad} are not .npy arrays")
                for info in infos:  # an array header must not promise more than its member holds
                    with archive.open(info) as member:
                        version = np.lib.format.read_magic(member)
                        read_header = (
                            np.lib.format.read_array_header_1_0
                            if version == (1, 0)
                            else np.lib.format.read_array_header_2_0
                        )
                        shape, _, dtype = read_header(member)
                    if dtype.hasobject:
                        raise invalid(f"it holds pickled (object) data, which rnnlib never writes ({info.filename})")
                    nbytes = math.prod(shape) * dtype.itemsize
                    if nbytes > info.file_size:
                        raise invalid(
                            f"{info.filename} declares {nbytes} bytes of data in {info.file_size} bytes"
                        )
            fh.seek(0)
            data = np.load(fh, allow_pickle=False)
            flat = None
            if isinstance(data, np.lib.npyio.NpzFile):
                with data:
                    flat = {key: data[key] for key in data.files}  # reads and CRC-checks it all
                bad = [key for key, value in flat.items() if not isinstance(value, np.ndarray)]
                if bad:
                    raise invalid(f"member(s) {bad} do not hold .npy arrays")
        except _InvalidFile:
            raise
        except (ValueError, OSError, EOFError, zipfile.BadZipFile, zlib.error, KeyError, RuntimeError) as exc:
            if "pickle" in str(exc):  # numpy's advice to allow pickle is not ours to give
                raise invalid("it holds pickled (object) data, which rnnlib never writes") from exc
            raise invalid(f"{type(exc).__name__}: {exc}") from exc
    if flat is None:
        raise invalid("it holds a single array (.npy), not an .npz archive")
    if FORMAT_KEY not in flat:
        raise invalid(f"no {FORMAT_KEY!r} key (was it written by rnnlib.io.save_params?)")
    version = flat.pop(FORMAT_KEY)
    if version.shape != () or version.dtype.kind not in "iu" or int(version) != FORMAT_VERSION:
        raise invalid(f"format version {version!r}; this rnnlib reads version {FORMAT_VERSION}")
    return flat


class _InvalidFile(ValueError):
    """A file that is not a valid rnnlib parameter file."""


def _flatten(tree, name="params", prefix=""):
    """``{"a": {"b": x}}`` -> ``{"a/b": x}``, checking keys and values on the way."""
    if not isinstance(tree, dict):
        raise TypeError(f"{name} must be a dict of arrays (possibly nested), got {type(tree).__name__}")
    if not tree:
        where = f"{name}['{prefix[:-1]}']" if prefix else name
        raise ValueError(f"{where} is an empty dict; there is nothing to save or compare")
    flat = {}
    for key, value in tree.items():
        if not isinstance(key, str) or not key or SEP in key or key == FORMAT_KEY or "\x00" in key:
            raise ValueError(
                f"{name} keys must be non-empty strings without {SEP!r} or NUL (and not "
                f"{FORMAT_KEY!r}), got {key!r}"
            )
        path = prefix + key
        if isinstance(value, dict):
            flat.update(_flatten(value, name, prefix=path + SEP))
            continue
        arr = np.asarray(value)
        if arr.dtype.kind not in "biufc":
            raise ValueError(
                f"{name}['{path}'] has dtype {arr.dtype}; only numeric arrays can be saved "
                f"(object and string arrays would need pickle)"
            )
        flat[path] = arr
    return flat


def _unflatten(flat, path):
    """``{"a/b": x}`` -> ``{"a": {"b": x}}``."""
    tree = {}
    for key, value in flat.items():
        *parents, leaf = key.split(SEP)
        node = tree
        for part in parents:
            node = node.setdefault(part, {})
            if not isinstance(node, dict):
                raise ValueError(f"{path} is not a valid rnnlib parameter file: key {key!r} clashes with an array")
        if leaf in node:
            raise ValueError(f"{path} is not a valid rnnlib parameter file: key {key!r} clashes with a group")
        node[leaf] = value
    return tree


def _compare(actual, expected, path):
    """Raise ``ValueError`` listing every key, shape and dtype that differs."""
    problems = []
    missing = [k for k in expected if k not in actual]
    unexpected = [k for k in actual if k not in expected]
    if missing:
        problems.append(f"missing keys {missing}")
    if unexpected:
        problems.append(f"unexpected keys {unexpected}")
    for key in expected:
        if key in actual:
            exp, act = expected[key], actual[key]
            if exp.shape != act.shape:
                problems.append(f"{key}: expected shape {exp.shape}, got {act.shape}")
            if exp.dtype != act.dtype:
                problems.append(f"{key}: expected dtype {exp.dtype}, got {act.dtype}")
    if problems:
        raise ValueError(f"{path} does not match `like`: " + "; ".join(problems))
