import logging
import zipfile

import numpy as np
import pytest
import scipy.sparse as sp

from weightlab.cache import (
    ENV_VAR,
    Cache,
    as_cache,
    cached_synthetic,
    config_dict,
    default_cache_dir,
    pack_csr,
    unpack_csr,
)
from weightlab.data import make_dataset
from weightlab.engines import TfidfConfig, TfidfLinearConfig, TfidfLinearEngine, get_engine
from weightlab.engines.tfidf import tfidf_features
from weightlab.runs import train_run, train_runs
from weightlab.synthetic import make_complaints


@pytest.fixture(scope="module")
def ds():
    return make_complaints(1500, 8, seed=3)


@pytest.fixture
def cache(tmp_path):
    return Cache(tmp_path / "cache")


def _only_file(cache, kind):
    files = list((cache.root / kind).glob("*/*.npz"))
    assert len(files) == 1
    return files[0]


# --------------------------------------------------------------------------------------------
# keys, files, integrity
# --------------------------------------------------------------------------------------------


def test_key_depends_on_every_part_but_not_on_their_order():
    k = Cache.key("run", data="abc", alpha=0.5, config={"a": 1, "b": (1, 2)})
    assert k == Cache.key("run", config={"b": [1, 2], "a": 1}, alpha=0.5, data="abc")
    assert len(k) == 64
    assert k != Cache.key("run", data="abd", alpha=0.5, config={"a": 1, "b": (1, 2)})
    assert k != Cache.key("run", data="abc", alpha=0.25, config={"a": 1, "b": (1, 2)})
    assert k != Cache.key("tfidf", data="abc", alpha=0.5, config={"a": 1, "b": (1, 2)})


def test_round_trip_keeps_arrays_and_meta(cache):
    arrays = {"x": np.arange(12, dtype=np.float32).reshape(3, 4), "n": np.array([7])}
    key = cache.key("run", what="round trip")
    assert cache.load("run", key) is None and cache.misses == 1
    cache.save("run", key, arrays, {"info": {"seconds": 1.5}})
    loaded, meta = cache.load("run", key)
    assert cache.hits == 1
    np.testing.assert_array_equal(loaded["x"], arrays["x"])
    assert loaded["x"].dtype == np.float32
    assert meta == {"info": {"seconds": 1.5}}
    assert not list(cache.root.rglob("*.tmp"))  # written atomically, no leftovers


@pytest.mark.parametrize("damage", ["truncate", "flip", "garbage", "other key"])
def test_corrupt_file_is_detected_logged_and_deleted(cache, caplog, damage):
    key = cache.key("run", what=damage)
    path = cache.save("run", key, {"x": np.arange(50_000, dtype=np.float64)})
    data = path.read_bytes()
    if damage == "truncate":
        path.write_bytes(data[: len(data) // 2])
    elif damage == "flip":
        flipped = bytearray(data)
        flipped[len(data) // 2] ^= 0xFF
        path.write_bytes(bytes(flipped))
    elif damage == "garbage":
        path.write_bytes(b"not a zip file")
    else:  # a valid entry of another key copied to this name
        other = cache.save("run", cache.key("run", what="other"), {"x": np.zeros(3)})
        path.write_bytes(other.read_bytes())
    with caplog.at_level(logging.WARNING, logger="weightlab"):
        assert cache.load("run", key) is None
    assert "corrupt or incomplete" in caplog.text and str(path) in caplog.text
    assert not path.exists()
    assert cache.rebuilt == 1


def test_missing_array_is_detected(cache):
    key = cache.key("run", what="missing")
    path = cache.save("run", key, {"x": np.arange(5), "y": np.arange(3)})
    with zipfile.ZipFile(path) as z:
        members = {n: z.read(n) for n in z.namelist() if n != "y.npy"}
    with zipfile.ZipFile(path, "w") as z:
        for name, blob in members.items():
            z.writestr(name, blob)
    assert cache.load("run", key) is None
    assert cache.rebuilt == 1


def test_only_numeric_arrays_are_stored(cache):
    with pytest.raises(ValueError, match="numeric arrays only; 'texts' has dtype object"):
        cache.save("run", "k" * 64, {"texts": np.array(["a", None], dtype=object)})


def test_put_writes_on_rank_zero_only(cache, monkeypatch):
    monkeypatch.setenv("RANK", "1")
    assert cache.put("run", "a" * 64, {"x": np.zeros(2)}) is False
    assert not cache.root.exists()
    monkeypatch.setenv("RANK", "0")
    assert cache.put("run", "a" * 64, {"x": np.zeros(2)}) is True


def test_put_on_an_unwritable_folder_is_a_warning(tmp_path, caplog):
    blocker = tmp_path / "file"
    blocker.write_text("a file where the cache folder should be")
    with caplog.at_level(logging.WARNING, logger="weightlab"):
        assert Cache(blocker / "cache").put("run", "b" * 64, {"x": np.zeros(2)}) is False
    assert "could not write" in caplog.text


def test_clear_removes_entries(cache):
    cache.save("run", "c" * 64, {"x": np.zeros(2)})
    cache.save("tfidf", "d" * 64, {"x": np.zeros(2)})
    assert cache.clear() == 2
    assert cache.load("run", "c" * 64) is None


def test_as_cache_and_default_folder(tmp_path, monkeypatch):
    assert as_cache(None) is None and as_cache(False) is None
    c = Cache(tmp_path)
    assert as_cache(c) is c
    assert as_cache(tmp_path).root == tmp_path
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "env"))
    assert default_cache_dir() == tmp_path / "env"
    assert as_cache(True).root == tmp_path / "env"
    monkeypatch.delenv(ENV_VAR)
    assert default_cache_dir().parts[-2:] == (".cache", "weightlab")
    with pytest.raises(ValueError, match="cache must be None/False"):
        as_cache(3)


def test_config_dict():
    assert config_dict(None) == {}
    assert config_dict(TfidfConfig())["ngram_range"] == (1, 2)
    assert config_dict(object()) is None


def test_csr_round_trip():
    m = sp.random(5, 7, density=0.3, format="csr", dtype=np.float32, random_state=0)
    back = unpack_csr("m", pack_csr("m", m))
    assert back.shape == m.shape and (back != m).nnz == 0


# --------------------------------------------------------------------------------------------
# the data fingerprint
# --------------------------------------------------------------------------------------------


def _small(texts=("a b", "b c", "c d", "d e"), labels=(0, 1, 0, 1), names=("x", "y"), **kw):
    return make_dataset(list(texts), list(labels), class_names=list(names), **kw)


def test_fingerprint_is_the_data_not_the_object():
    a = _small()
    assert a.fingerprint() == _small().fingerprint()
    assert len(a.fingerprint()) == 64
    renamed = _small(name="other")
    assert renamed.fingerprint() == a.fingerprint()  # name and notes are not data
    assert _small(texts=("a b", "b c", "c d", "d f")).fingerprint() != a.fingerprint()
    assert _small(labels=(0, 1, 1, 0)).fingerprint() != a.fingerprint()
    assert _small(names=("x", "z")).fingerprint() != a.fingerprint()
    moved = type(a)(a.texts, a.labels, a.class_names, (a.split + 1) % 3)
    assert moved.fingerprint() != a.fingerprint()
    # the joined texts are unambiguous
    assert (
        _small(texts=("a", "b\0c", "d", "e")).fingerprint()
        != _small(texts=("a\0b", "c", "d", "e")).fingerprint()
    )


# --------------------------------------------------------------------------------------------
# features, runs and data through the cache
# --------------------------------------------------------------------------------------------


def test_features_are_cached_and_invalidated(ds, cache):
    first = tfidf_features(ds, cache=cache)
    again = tfidf_features(ds, cache=cache)
    assert not first.cached and again.cached
    for part in ("train", "validation", "test"):
        a, b = getattr(first, part), getattr(again, part)
        assert a.shape == b.shape and (a != b).nnz == 0 and b.dtype == np.float32
    # another featuriser config, or other data: recomputed
    assert not tfidf_features(ds, TfidfConfig(min_df=2), cache=cache).cached
    other = make_complaints(1500, 8, seed=4)
    assert not tfidf_features(other, cache=cache).cached
    assert len(list((cache.root / "tfidf").glob("*/*.npz"))) == 3


def test_corrupt_features_are_rebuilt(ds, cache):
    first = tfidf_features(ds, cache=cache)
    path = _only_file(cache, "tfidf")
    path.write_bytes(path.read_bytes()[:-100])
    rebuilt = tfidf_features(ds, cache=cache)
    assert not rebuilt.cached and cache.rebuilt == 1
    assert (rebuilt.train != first.train).nnz == 0
    assert tfidf_features(ds, cache=cache).cached  # rewritten


def test_cached_run_returns_identical_logits(ds, cache):
    engine = TfidfLinearEngine(TfidfLinearConfig(max_epochs=1)).prepare(ds)
    fresh = train_run(engine, alpha=0.5, cache=cache)
    hit = train_run(engine, alpha=0.5, cache=cache)
    np.testing.assert_array_equal(fresh.test_logits, hit.test_logits)
    np.testing.assert_array_equal(fresh.validation_logits, hit.validation_logits)
    assert hit.cached and not fresh.cached
    assert hit.record() == fresh.record()  # results.json does not depend on the cache
    assert hit.info["fit_seconds"] == fresh.info["fit_seconds"]
    assert hit.name == fresh.name == "weighted"
    assert hit.scores.overall["macro_f1"] == fresh.scores.overall["macro_f1"]


@pytest.mark.parametrize(
    "change",
    [
        {"alpha": 0.25},
        {"seed": 1},
        {"tau": 1.0},
        {"max_ratio": 2.0},
    ],
)
def test_run_key_changes_with_the_run(ds, cache, change):
    engine = TfidfLinearEngine(TfidfLinearConfig(max_epochs=1)).prepare(ds)
    train_run(engine, alpha=0.5, cache=cache)
    other = train_run(engine, **{"alpha": 0.5, **change}, cache=cache)
    assert not other.cached


def test_run_key_changes_with_the_config_and_the_data(ds, cache):
    one = TfidfLinearEngine(TfidfLinearConfig(max_epochs=1)).prepare(ds)
    two = TfidfLinearEngine(TfidfLinearConfig(max_epochs=1, learning_rate=0.1)).prepare(ds)
    other_data = TfidfLinearEngine(TfidfLinearConfig(max_epochs=1)).prepare(
        make_complaints(1500, 8, seed=4)
    )
    for engine in (one, two, other_data):
        assert not train_run(engine, alpha=0.5, cache=cache).cached
    assert train_run(one, alpha=0.5, cache=cache).cached


def test_corrupt_run_is_rebuilt_with_the_same_logits(ds, cache):
    engine = TfidfLinearEngine(TfidfLinearConfig(max_epochs=1)).prepare(ds)
    fresh = train_run(engine, alpha=0.5, cache=cache)
    path = _only_file(cache, "run")
    path.write_bytes(path.read_bytes()[:100])
    rebuilt = train_run(engine, alpha=0.5, cache=cache)
    assert not rebuilt.cached and cache.rebuilt == 1
    np.testing.assert_array_equal(fresh.test_logits, rebuilt.test_logits)


def test_train_runs_from_the_cache_skip_featurising(ds, cache):
    first = train_runs(ds, alphas=(0.0, 0.5), progress=False, cache=cache)
    engine = get_engine("tfidf-linear")
    second = train_runs(ds, engine=engine, alphas=(0.0, 0.5), progress=False, cache=cache)
    assert engine.dataset is None  # every run was loaded: never prepared
    assert [r.name for r in second] == [r.name for r in first]
    assert all(r.cached for r in second)
    for a, b in zip(first, second, strict=True):
        np.testing.assert_array_equal(a.test_logits, b.test_logits)


def test_train_runs_without_cache_writes_nothing(ds, tmp_path, monkeypatch):
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "default"))
    train_runs(ds, alphas=(0.0,), baselines=False, progress=False)
    assert not (tmp_path / "default").exists()


def test_cached_synthetic_round_trip(cache):
    made = cached_synthetic(cache, seed=2, n_documents=800, n_classes=6)
    loaded = cached_synthetic(cache, seed=2, n_documents=800, n_classes=6)
    assert cache.hits == 1
    assert loaded.texts.tolist() == made.texts.tolist()
    np.testing.assert_array_equal(loaded.labels, made.labels)
    np.testing.assert_array_equal(loaded.split, made.split)
    assert loaded.class_names == made.class_names and loaded.notes == made.notes
    assert (
        loaded.fingerprint() == made.fingerprint() == make_complaints(800, 6, seed=2).fingerprint()
    )
    other = cached_synthetic(cache, seed=3, n_documents=800, n_classes=6)
    assert other.fingerprint() != made.fingerprint()
    assert cached_synthetic(None, seed=2, n_documents=800, n_classes=6).fingerprint() == (
        made.fingerprint()
    )


def test_reproduce_twice_loads_everything(tmp_path):
    from weightlab.reproduce import reproduce

    kw = dict(out=None, progress=False, n_boot=0, n_documents=1500, n_classes=8)
    first = reproduce("synthetic", cache=tmp_path / "c", **kw)
    second = reproduce("synthetic", cache=tmp_path / "c", **kw)
    assert all(r.cached for r in second.runs)
    assert first.table().equals(second.table())
    assert reproduce("synthetic", cache=False, **kw).table().equals(first.table())


def test_cli_cache_options(tmp_path):
    from weightlab.cli import main

    args = ["reproduce", "-q", "--n-documents", "1500", "--n-classes", "8", "--n-boot", "0"]
    assert main([*args, "--out", str(tmp_path / "a"), "--cache-dir", str(tmp_path / "c")]) == 0
    assert list((tmp_path / "c" / "run").glob("*/*.npz"))
    assert main([*args, "--out", str(tmp_path / "b"), "--no-cache"]) == 0
    assert (tmp_path / "a" / "table.md").read_text() == (tmp_path / "b" / "table.md").read_text()
