import hashlib
import urllib.error

import numpy as np
import pytest

from rnnlib import data

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

BODY_LINE = "It is a truth universally acknowledged, that a single man in possession\r\n"


def _fake_book(title="Pride and Prejudice", repeat=None):
    repeat = repeat or data.MIN_BOOK_CHARS // (len(BODY_LINE) - 1) + 10  # \r\n becomes \n
    return (
        f"\ufeffThe Project Gutenberg eBook of {title}\r\n\r\nTitle: {title}\r\n\r\n"
        f"*** START OF THE PROJECT GUTENBERG EBOOK {title.upper()} ***\r\n\r\n"
        + BODY_LINE * repeat
        + "\r\n*** END OF THE PROJECT GUTENBERG EBOOK ***\r\nLicence text.\r\n"
    ).encode("utf-8")


@pytest.fixture
def book(tmp_path):
    """A local stand-in for the Gutenberg file, served as a file:// URL."""
    raw = _fake_book()
    path = tmp_path / "server" / "pg1342.txt"
    path.parent.mkdir()
    path.write_bytes(raw)
    return path.as_uri(), raw, tmp_path / "cache"


@pytest.fixture(autouse=True)
def _online(monkeypatch):
    monkeypatch.delenv("RNNLIB_OFFLINE", raising=False)


def test_offline_returns_the_deterministic_fallback_without_the_network(monkeypatch):
    def no_network(*args, **kwargs):
        raise AssertionError("the network was used")

    monkeypatch.setattr(data.urllib.request, "urlopen", no_network)
    a = data.load_pride_and_prejudice(offline=True)
    b = data.load_pride_and_prejudice(offline=True)
    assert a.is_fallback and a.text == b.text
    assert len(a.text) >= 300_000
    assert "help topics" in a.title and "offline=True" in a.source
    assert "\n\n\n" not in a.text
    assert not any(line and set(line) <= set("*=-~^") for line in a.text.splitlines())  # no underlines
    monkeypatch.setenv("RNNLIB_OFFLINE", "1")
    c = data.load_pride_and_prejudice()
    assert c.is_fallback and "RNNLIB_OFFLINE" in c.source and c.text == a.text


def test_download_strips_the_gutenberg_header_and_footer_and_caches(book):
    url, raw, cache = book
    corpus = data.load_pride_and_prejudice(url=url, cache_dir=cache)
    assert not corpus.is_fallback and corpus.title == "Pride and Prejudice" and corpus.source == url
    assert corpus.text.startswith("It is a truth") and corpus.text.endswith("possession\n")
    assert "\r" not in corpus.text and "Gutenberg" not in corpus.text
    assert (cache / "pg1342.txt").read_bytes() == raw
    recorded = (cache / "pg1342.txt.sha256").read_text().split()[0]
    assert recorded == hashlib.sha256(raw).hexdigest()
    assert not list(cache.glob("*.part"))  # no temporary file left behind


def test_cached_copy_is_reused_without_downloading(book, monkeypatch):
    url, raw, cache = book
    first = data.load_pride_and_prejudice(url=url, cache_dir=cache)

    def no_network(*args, **kwargs):
        raise AssertionError("downloaded again")

    monkeypatch.setattr(data.urllib.request, "urlopen", no_network)
    again = data.load_pride_and_prejudice(url=url, cache_dir=cache, sha256=hashlib.sha256(raw).hexdigest())
    assert again.text == first.text and again.source == str(cache / "pg1342.txt")


def test_cache_dir_defaults_to_the_environment_variable(book, monkeypatch):
    url, _, cache = book
    monkeypatch.setenv("RNNLIB_CACHE", str(cache))
    assert data.default_cache_dir() == cache
    data.load_pride_and_prejudice(url=url)
    assert (cache / "pg1342.txt").exists()
    monkeypatch.delenv("RNNLIB_CACHE")
    assert data.default_cache_dir().parts[-2:] == (".cache", "rnnlib")


def test_download_with_the_wrong_pinned_checksum_is_refused_and_not_cached(book):
    url, raw, cache = book
    with pytest.raises(data.ChecksumError, match="not the expected 0000"):
        data.load_pride_and_prejudice(url=url, cache_dir=cache, sha256="0" * 64)
    assert not (cache / "pg1342.txt").exists()
    good = hashlib.sha256(raw).hexdigest().upper()  # case does not matter
    assert not data.load_pride_and_prejudice(url=url, cache_dir=cache, sha256=good).is_fallback


def test_corrupted_cache_is_detected_by_the_recorded_checksum(book):
    url, raw, cache = book
    data.load_pride_and_prejudice(url=url, cache_dir=cache)
    (cache / "pg1342.txt").write_bytes(raw.replace(b"truth", b"troth", 1))
    with pytest.raises(data.ChecksumError, match="corrupt"):
        data.load_pride_and_prejudice(url=url, cache_dir=cache)


def test_cached_copy_that_differs_from_the_pinned_checksum_is_refused(book):
    url, _, cache = book
    data.load_pride_and_prejudice(url=url, cache_dir=cache)
    with pytest.raises(data.ChecksumError, match="not the expected"):
        data.load_pride_and_prejudice(url=url, cache_dir=cache, sha256="f" * 64)


def test_cached_file_without_its_checksum_record_is_downloaded_again(book):
    url, raw, cache = book
    cache.mkdir()
    (cache / "pg1342.txt").write_bytes(b"half a fi")
    corpus = data.load_pride_and_prejudice(url=url, cache_dir=cache)
    assert not corpus.is_fallback and (cache / "pg1342.txt").read_bytes() == raw


@pytest.mark.parametrize(
    "error", [urllib.error.URLError("no route to host"), TimeoutError("timed out"), ConnectionResetError()]
)
def test_failed_download_falls_back_and_says_why(tmp_path, monkeypatch, error):
    def unreachable(url, timeout):
        assert timeout == 7
        raise error

    monkeypatch.setattr(data.urllib.request, "urlopen", unreachable)
    corpus = data.load_pride_and_prejudice(cache_dir=tmp_path, timeout=7)
    assert corpus.is_fallback and "download of https://www.gutenberg.org" in corpus.source
    assert type(error).__name__ in corpus.source
    assert not list(tmp_path.iterdir())


def test_missing_local_file_falls_back(tmp_path):
    url = (tmp_path / "nowhere.txt").as_uri()
    corpus = data.load_pride_and_prejudice(url=url, cache_dir=tmp_path / "cache")
    assert corpus.is_fallback and "URLError" in corpus.source


@pytest.mark.parametrize(
    "raw, match",
    [
        (b"<html>Proxy error</html>", "marker lines"),
        (_fake_book(title="Emma"), "not Pride and Prejudice"),
        (_fake_book(repeat=10), "truncated download"),
    ],
)
def test_content_that_is_not_the_novel_is_refused(tmp_path, raw, match):
    path = tmp_path / "file.txt"
    path.write_bytes(raw)
    with pytest.raises(ValueError, match=match):
        data.load_pride_and_prejudice(url=path.as_uri(), cache_dir=tmp_path / "cache")
    assert not (tmp_path / "cache").exists()


def test_bad_arguments_are_refused(tmp_path):
    with pytest.raises(ValueError, match="64 hexadecimal"):
        data.load_pride_and_prejudice(cache_dir=tmp_path, sha256="abc")
    with pytest.raises(ValueError, match="timeout"):
        data.load_pride_and_prejudice(cache_dir=tmp_path, timeout=0)


def test_atomic_write_leaves_no_partial_file_on_failure(tmp_path, monkeypatch):
    def failing_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(data.os, "replace", failing_replace)
    with pytest.raises(OSError, match="disk full"):
        data._atomic_write(tmp_path / "f.txt", b"data")
    assert not list(tmp_path.iterdir())
