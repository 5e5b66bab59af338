import gzip
import hashlib
import socket
import urllib.request

import numpy as np
import pytest

from rnnlib import data
from rnnlib.data import novel as novel_module  # the loader's private hooks live here

# --- Vocab -----------------------------------------------------------------------------


def test_vocab_is_sorted_and_independent_of_the_order_of_first_occurrence():
    a = data.Vocab.from_text("hello world")
    b = data.Vocab.from_text("world hello")
    assert a.chars == " dehlorw"
    assert a == b and hash(a) == hash(b)
    assert len(a) == 8


def test_vocab_encode_decode_round_trip_including_non_ascii():
    text = "Mr. Darcy’s “pride” — 𝄞 ok\n"
    v = data.Vocab.from_text(text)
    ids = v.encode(text)
    assert ids.dtype == np.int64 and ids.shape == (len(text),)
    assert v.decode(ids) == text
    np.testing.assert_array_equal(ids, [v.chars.index(c) for c in text])


def test_vocab_encode_of_unknown_character_names_it_and_its_position():
    v = data.Vocab.from_text("abc")
    with pytest.raises(ValueError, match=r"'z' \(U\+007A\) at position 2"):
        v.encode("abzc")


def test_vocab_encode_of_empty_string_is_empty():
    assert data.Vocab.from_text("ab").encode("").shape == (0,)


@pytest.mark.parametrize(
    "ids, err, match",
    [([0, 3], ValueError, r"ids\[1\] = 3 is out of range"), ([-1], ValueError, "out of range"),
     ([[0]], ValueError, "1-D"), ([0.0], TypeError, "integers")],
)
def test_vocab_decode_rejects_bad_ids(ids, err, match):
    with pytest.raises(err, match=match):
        data.Vocab.from_text("abc").decode(ids)


def test_vocab_rejects_bad_construction():
    with pytest.raises(ValueError, match="empty"):
        data.Vocab("")
    with pytest.raises(TypeError, match="single characters"):
        data.Vocab(["ab"])
    with pytest.raises(TypeError, match="str"):
        data.Vocab.from_text(b"bytes")
    with pytest.raises(TypeError, match="str"):
        data.Vocab.from_text("a").encode(["a"])


def test_vocab_repr_shows_size():
    assert "3 chars" in repr(data.Vocab("cab"))
    assert repr(data.Vocab(map(chr, range(60, 120)))).endswith("...)")


# --- batching --------------------------------------------------------------------------


def test_batchify_makes_contiguous_columns_and_drops_the_remainder():
    ids = np.arange(23)
    streams = data.batchify(ids, 4)  # N = 5, 3 ids dropped
    assert streams.shape == (5, 4) and streams.dtype == np.int64
    for b in range(4):
        np.testing.assert_array_equal(streams[:, b], np.arange(5 * b, 5 * b + 5))


def test_batchify_rejects_text_too_short_for_the_batch():
    with pytest.raises(ValueError, match="at least 8 tokens"):
        data.batchify(np.arange(7), 4)
    with pytest.raises(ValueError, match="positive"):
        data.batchify(np.arange(7), 0)
    with pytest.raises(ValueError, match="1-D"):
        data.batchify(np.zeros((2, 3), dtype=int), 1)
    with pytest.raises(TypeError, match="integer"):
        data.batchify(np.zeros(10), 1)


@pytest.mark.parametrize("seq_len", [1, 3, 4, 10])
def test_iterate_chunks_are_consecutive_and_targets_are_shifted_inputs(seq_len):
    streams = data.batchify(np.arange(30), 3)  # (10, 3)
    chunks = list(data.iterate_chunks(streams, seq_len))
    inputs = np.concatenate([x for x, _ in chunks])
    targets = np.concatenate([y for _, y in chunks])
    np.testing.assert_array_equal(inputs, streams[:-1])  # no gap, no overlap
    np.testing.assert_array_equal(targets, streams[1:])
    assert all(x.shape == y.shape and x.shape[0] <= seq_len for x, y in chunks)
    assert len(chunks) == -(-9 // seq_len)


def test_iterate_chunks_rejects_bad_input():
    with pytest.raises(ValueError, match="2-D"):
        next(data.iterate_chunks(np.arange(5), 2))
    with pytest.raises(ValueError, match="at least 2"):
        next(data.iterate_chunks(np.zeros((1, 2), dtype=int), 2))
    with pytest.raises(TypeError, match="integer"):
        next(data.iterate_chunks(np.zeros((4, 2)), 2))
    with pytest.raises(ValueError, match="seq_len"):
        next(data.iterate_chunks(np.zeros((4, 2), dtype=int), 0))


# --- adding problem, GOOG, windows -----------------------------------------------------


@pytest.mark.parametrize("T", [2, 3, 50])
def test_adding_problem_marks_one_value_in_each_half_and_sums_them(T):
    xs, ys = data.make_adding_problem(200, T, rng=0)
    assert xs.shape == (T, 200, 2) and ys.shape == (200, 1)
    markers = xs[..., 1]
    np.testing.assert_array_equal(markers.sum(axis=0), 2.0)
    assert set(np.unique(markers)) <= {0.0, 1.0}
    first, second = np.argmax(markers, axis=0), T - 1 - np.argmax(markers[::-1], axis=0)
    assert (first < T // 2).all() and (second >= T // 2).all()
    np.testing.assert_allclose(ys[:, 0], (xs[..., 0] * markers).sum(axis=0), rtol=1e-15)
    assert ((xs[..., 0] >= 0) & (xs[..., 0] < 1)).all()


def test_adding_problem_is_reproducible_and_takes_a_dtype():
    a = data.make_adding_problem(5, 10, rng=3, dtype=np.float32)
    b = data.make_adding_problem(5, 10, rng=np.random.default_rng(3), dtype=np.float32)
    assert a[0].dtype == np.float32 and a[1].dtype == np.float32
    np.testing.assert_array_equal(a[0], b[0])
    with pytest.raises(ValueError, match="at least 2"):
        data.make_adding_problem(5, 1)


def test_load_goog_returns_the_matplotlib_sample_prices():
    g = data.load_goog()
    assert g.dates.dtype == np.dtype("datetime64[D]")
    n = len(g.dates)
    assert n == 1047
    for col in (g.open, g.high, g.low, g.close, g.adj_close):
        assert col.shape == (n,) and col.dtype == np.float64
    assert g.volume.dtype == np.int64
    assert g.dates[0] == np.datetime64("2004-08-19") and g.close[0] == 100.34
    assert (np.diff(g.dates).astype(int) > 0).all()
    assert (g.low <= g.high).all()


def test_make_windows_pairs_each_window_with_the_next_value():
    xs, ys = data.make_windows(np.arange(10), 3)
    assert xs.shape == (3, 7, 1) and ys.shape == (7, 1) and xs.dtype == np.float64
    np.testing.assert_array_equal(xs[:, 2, 0], [2, 3, 4])
    np.testing.assert_array_equal(ys[:, 0], np.arange(3, 10))
    assert xs.flags.c_contiguous


def test_make_windows_rejects_bad_input():
    with pytest.raises(ValueError, match="at least 4 values"):
        data.make_windows(np.arange(3), 3)
    with pytest.raises(ValueError, match="1-D"):
        data.make_windows(np.zeros((3, 3)), 1)
    with pytest.raises(ValueError, match="finite"):
        data.make_windows([1.0, np.nan, 2.0], 1)
    with pytest.raises(TypeError, match="numeric"):
        data.make_windows(np.array(["a", "b"]), 1)


# --- Pride and Prejudice ---------------------------------------------------------------


@pytest.fixture(scope="module")
def novel():
    return data.load_pride_and_prejudice()


def test_the_novel_is_the_novel_proper(novel):
    text = novel.text
    assert novel.title == "Pride and Prejudice" and "#1342" in novel.source
    assert text.startswith("It is a truth universally acknowledged, that a single man in possession")
    assert text.endswith("had been the means of uniting them.\n")
    assert len(text) == 687_625
    # front matter, markers and colophon are gone; the edition's brackets were all markers
    for gone in ("Illustration", "Saintsbury", "GEORGE ALLEN", "CHISWICK", "PREFACE", "[", "]"):
        assert gone not in text, gone
    assert "\n\n\n" not in text and "\r" not in text
    assert not any(line != line.rstrip() for line in text.splitlines())
    assert {"“", "’", "é"} <= set(text)  # curly quotes and accents survive


def test_the_novel_has_61_chapters_in_order(novel):
    def roman(s):
        values = {"I": 1, "V": 5, "X": 10, "L": 50}
        nums = [values[c] for c in s]
        return sum(-a if a < b else a for a, b in zip(nums, nums[1:] + [0]))

    starts = novel.chapters
    assert len(starts) == 61 and starts[0] == 0 and list(starts) == sorted(set(starts))
    for number, start in enumerate(starts[1:], start=2):
        heading = novel.text[start:].split("\n", 1)[0]
        assert heading.upper().startswith("CHAPTER ")
        assert roman(heading.split()[1].rstrip(".")) == number
    assert novel.text[starts[-1]:].startswith("CHAPTER LXI.\n\nHappy for all her maternal feelings")


def test_the_packaged_file_matches_its_recorded_checksum():
    raw = gzip.decompress(novel_module._novel_resource().read_bytes())
    assert len(raw) == data.NOVEL_BYTES
    assert hashlib.sha256(raw).hexdigest() == data.NOVEL_SHA256
    provenance = (novel_module._novel_resource().parent / "PROVENANCE.md").read_text(encoding="utf-8")
    assert data.NOVEL_SHA256 in provenance and f"{data.NOVEL_BYTES:,}" in provenance


def test_loading_the_novel_opens_no_socket_and_no_url(monkeypatch):
    def no_network(*args, **kwargs):
        raise AssertionError("the network was used")

    monkeypatch.setattr(socket, "socket", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(urllib.request, "urlopen", no_network)
    assert data.load_pride_and_prejudice().text.startswith("It is a truth")


def test_the_loader_takes_no_arguments_and_no_environment(monkeypatch):
    monkeypatch.setenv("RNNLIB_OFFLINE", "false")  # once a switch; now it means nothing
    assert data.load_pride_and_prejudice() == data.load_pride_and_prejudice()
    with pytest.raises(TypeError):
        data.load_pride_and_prejudice(offline=True)
    assert not hasattr(data, "fallback_text") and "is_fallback" not in data.Corpus._fields


def _packaged(monkeypatch, path, raw):
    path.write_bytes(raw)
    monkeypatch.setattr(novel_module, "_novel_resource", lambda: path)


@pytest.mark.parametrize(
    "change, match",
    [
        (lambda raw: raw.replace("truth".encode(), "troth".encode(), 1), "SHA-256"),  # one letter
        (lambda raw: raw[:-1], "737,943 bytes"),  # truncated
        (lambda raw: raw + b"\n", "more than 737,944 bytes"),  # one byte too many
    ],
)
def test_a_packaged_file_that_is_not_the_novel_is_refused(tmp_path, monkeypatch, change, match):
    raw = gzip.decompress(novel_module._novel_resource().read_bytes())
    _packaged(monkeypatch, tmp_path / "novel.txt.gz", gzip.compress(change(raw)))
    with pytest.raises(data.ChecksumError, match=match):
        data.load_pride_and_prejudice()


def test_a_huge_packaged_file_is_not_decompressed_in_full(tmp_path, monkeypatch):
    _packaged(monkeypatch, tmp_path / "novel.txt.gz", gzip.compress(b"\0" * 50_000_000))
    with pytest.raises(data.ChecksumError, match="more than 737,944 bytes"):
        data.load_pride_and_prejudice()


def test_a_corrupt_or_missing_packaged_file_gets_a_clear_error(tmp_path, monkeypatch):
    _packaged(monkeypatch, tmp_path / "novel.txt.gz", b"not gzip at all")
    with pytest.raises(data.ChecksumError, match="not a readable gzip file"):
        data.load_pride_and_prejudice()
    monkeypatch.setattr(novel_module, "_novel_resource", lambda: tmp_path / "missing.txt.gz")
    with pytest.raises(FileNotFoundError, match="reinstall rnnlib"):
        data.load_pride_and_prejudice()


def test_atomic_write_leaves_no_partial_file_on_failure(tmp_path, monkeypatch):
    def failing_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(novel_module.os, "replace", failing_replace)
    with pytest.raises(OSError, match="disk full"):
        novel_module._atomic_write(tmp_path / "f.txt", b"data")
    assert not list(tmp_path.iterdir())
