import zipfile

import numpy as np
import pytest

from rnnlib import io
from rnnlib.layers import init_linear
from rnnlib.rnn import init_params


def model(dtype=np.float64, seed=0):
    return {"cell": init_params(3, 4, rng=seed, dtype=dtype), "out": init_linear(4, 5, rng=seed + 1, dtype=dtype)}


def assert_same_tree(a, b):
    assert a.keys() == b.keys()
    for k in a:
        if isinstance(a[k], dict):
            assert_same_tree(a[k], b[k])
        else:
            assert a[k].dtype == b[k].dtype and a[k].shape == b[k].shape
            np.testing.assert_array_equal(a[k].view(np.uint8), b[k].view(np.uint8))  # bit for bit


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_round_trip_is_bit_exact_and_keeps_the_nesting(tmp_path, dtype):
    params = model(dtype)
    params["cell"]["weight_hh"][0, 0] = -0.0  # even the sign of zero survives
    path = tmp_path / "model.npz"
    io.save_params(path, params)
    loaded = io.load_params(path, like=model(dtype, seed=7))
    assert_same_tree(loaded, params)
    loaded["out"]["bias"][0] = 1.0  # fresh, writable arrays
    assert np.signbit(loaded["cell"]["weight_hh"][0, 0])


def test_file_holds_flat_keys_and_a_format_version_without_pickle(tmp_path):
    path = tmp_path / "m.params"  # written exactly at path: no .npz appended
    io.save_params(path, {"a": {"b": np.arange(3)}, "c": np.float32(2.5)})
    assert path.exists() and not (tmp_path / "m.params.npz").exists()
    with np.load(path, allow_pickle=False) as data:
        assert sorted(data.files) == sorted(["a/b", "c", "__rnnlib_format__"])
        assert int(data["__rnnlib_format__"]) == io.FORMAT_VERSION
    assert list(tmp_path.iterdir()) == [path]  # no temporary file left behind


def test_keys_that_are_numpy_keyword_names_round_trip(tmp_path):
    params = {"file": np.ones(2), "allow_pickle": np.zeros(1), "arr_0": {"x": np.arange(2)}}
    io.save_params(tmp_path / "k.npz", params)
    assert_same_tree(io.load_params(tmp_path / "k.npz"), params)


def test_saving_an_object_array_is_refused(tmp_path):
    with pytest.raises(ValueError, match=r"params\['cell/w'\] has dtype object; only numeric arrays"):
        io.save_params(tmp_path / "x.npz", {"cell": {"w": np.array([1, "a"], dtype=object)}})
    assert list(tmp_path.iterdir()) == []


def test_loading_a_file_with_an_object_array_is_refused(tmp_path):
    path = tmp_path / "evil.npz"
    np.savez(path, **{io.FORMAT_KEY: np.array(1), "w": np.array([{"a": 1}], dtype=object)})  # pickles
    with pytest.raises(ValueError, match=r"is not a valid rnnlib parameter file: it holds pickled \(object\) data"):
        io.load_params(path)


def corrupt(path, how):
    data = path.read_bytes()
    if how == "truncated":
        path.write_bytes(data[: len(data) // 2])
    elif how == "empty":
        path.write_bytes(b"")
    elif how == "garbage":
        path.write_bytes(b"this is not an npz file at all" * 10)
    elif how == "flipped":  # one byte of array data changed: the zip CRC check catches it
        i = data.index(b"\x93NUMPY") + 200
        path.write_bytes(data[:i] + bytes([data[i] ^ 0xFF]) + data[i + 1 :])
    elif how == "npy":
        np.save(path.with_suffix(".npy"), np.ones(3))
        path.write_bytes(path.with_suffix(".npy").read_bytes())
    elif how == "no_version":
        np.savez(path, w=np.ones(3))
    elif how == "new_version":
        np.savez(path, w=np.ones(3), **{io.FORMAT_KEY: np.array(2)})
    elif how == "clash":
        np.savez(path, **{"a": np.ones(1), "a/b": np.ones(1), io.FORMAT_KEY: np.array(1)})
    elif how == "clash_reversed":
        np.savez(path, **{"a/b": np.ones(1), "a": np.ones(1), io.FORMAT_KEY: np.array(1)})


@pytest.mark.parametrize(
    "how, reason",
    [
        ("truncated", "BadZipFile"),
        ("empty", "EOFError"),
        ("garbage", r"not an .npz \(zip\) archive: it starts with b'this i'"),
        ("flipped", "BadZipFile|CRC|Error"),
        ("npy", r"single array \(.npy\)"),
        ("no_version", "no '__rnnlib_format__' key"),
        ("new_version", "format version array\\(2\\)"),
        ("clash", "clashes with"),
        ("clash_reversed", "clashes with"),
    ],
)
def test_a_corrupted_or_foreign_file_is_not_a_valid_parameter_file(tmp_path, how, reason):
    path = tmp_path / "model.npz"
    io.save_params(path, model())
    corrupt(path, how)
    with pytest.raises(ValueError, match=rf"model.npz is not a valid rnnlib parameter file: .*({reason})"):
        io.load_params(path)


def test_an_interrupted_save_leaves_no_file_behind(tmp_path, monkeypatch):
    def fail(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(np.lib.format, "write_array", fail)
    with pytest.raises(OSError, match="disk full"):
        io.save_params(tmp_path / "model.npz", model())
    assert list(tmp_path.iterdir()) == []


def test_a_missing_file_is_a_file_not_found_error(tmp_path):
    with pytest.raises(FileNotFoundError):
        io.load_params(tmp_path / "nope.npz")


def test_mismatch_with_like_lists_keys_shapes_and_dtypes(tmp_path):
    path = tmp_path / "model.npz"
    io.save_params(path, model())
    like = model()
    like["cell"]["weight_ih"] = np.zeros((4, 2))
    like["out"]["bias"] = like["out"]["bias"].astype(np.float32)
    del like["cell"]["bias_hh"]
    like["emb"] = {"weight": np.zeros((5, 3))}
    with pytest.raises(ValueError) as info:
        io.load_params(path, like=like)
    message = str(info.value)
    assert "does not match `like`" in message
    assert "missing keys ['emb/weight']" in message
    assert "unexpected keys ['cell/bias_hh']" in message
    assert "cell/weight_ih: expected shape (4, 2), got (4, 3)" in message
    assert "out/bias: expected dtype float32, got float64" in message


@pytest.mark.parametrize(
    "params, error, message",
    [
        ([np.ones(2)], TypeError, "params must be a dict of arrays"),
        ({}, ValueError, "params is an empty dict"),
        ({"cell": {}}, ValueError, r"params\['cell'\] is an empty dict"),
        ({"a/b": np.ones(1)}, ValueError, "keys must be non-empty strings without '/'"),
        ({1: np.ones(1)}, ValueError, "got 1"),
        ({io.FORMAT_KEY: np.ones(1)}, ValueError, "and not '__rnnlib_format__'"),
        ({"s": np.array(["text"])}, ValueError, r"params\['s'\] has dtype <U4"),
    ],
)
def test_bad_params_are_refused_when_saving(tmp_path, params, error, message):
    with pytest.raises(error, match=message):
        io.save_params(tmp_path / "x.npz", params)
