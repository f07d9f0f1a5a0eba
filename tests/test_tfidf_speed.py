"""The fast path of the TF-IDF engines: hashing features, shared batches, threads."""

import dataclasses

import numpy as np
import pytest
import scipy.sparse as sp
import torch

import weightlab.engines.tfidf as tfidf
from weightlab.engines import TfidfConfig, TfidfLinearConfig, TfidfLinearEngine
from weightlab.engines.tfidf import TfidfFeatures, tfidf_features
from weightlab.synthetic import make_complaints
from weightlab.weights import weights_from_counts


@pytest.fixture(scope="module")
def ds():
    return make_complaints(2000, 10, seed=5)


def _accuracy(out, ds):
    return float((out.test_logits.argmax(1) == ds.labels_of("test")).mean())


def test_hashing_features_select_columns_like_a_vocabulary(ds):
    vocab = tfidf_features(ds)
    hashed = tfidf_features(ds, TfidfConfig(hashing=True, n_features=2**18))
    for part in ("train", "validation", "test"):
        X = getattr(hashed, part)
        assert X.dtype == np.float32 and X.shape[1] == hashed.n_features
        norms = np.sqrt(np.asarray(X.multiply(X).sum(axis=1))).ravel()
        np.testing.assert_allclose(norms[norms > 0], 1.0, rtol=1e-5)
    # min_df=3 on the same n-grams: about the vocabulary's size (a few hash collisions merge)
    assert 0.95 * vocab.n_features <= hashed.n_features <= vocab.n_features
    capped = tfidf_features(ds, TfidfConfig(hashing=True, n_features=2**18, max_features=500))
    assert capped.n_features == 500


def test_hashing_features_train_as_well(ds):
    plain = TfidfLinearEngine().prepare(ds)
    hashed = TfidfLinearEngine(TfidfLinearConfig(features=TfidfConfig(hashing=True))).prepare(ds)
    a = _accuracy(plain.fit_predict(progress=False, seed=0), ds)
    b = _accuracy(hashed.fit_predict(progress=False, seed=0), ds)
    assert abs(a - b) < 0.03


def test_hashing_in_chunks_equals_one_chunk(ds, monkeypatch):
    import weightlab.engines.tfidf as tfidf

    whole = tfidf_features(ds, TfidfConfig(hashing=True, n_features=2**16))
    monkeypatch.setattr(tfidf, "_HASH_CHUNK", 97)
    chunked = tfidf_features(ds, TfidfConfig(hashing=True, n_features=2**16))
    assert (whole.train != chunked.train).nnz == 0
    assert (whole.test != chunked.test).nnz == 0


def test_n_features_is_validated():
    with pytest.raises(ValueError, match="n_features must be >= 2 hashed columns; got 1"):
        TfidfConfig(n_features=1)
    with pytest.raises(ValueError, match="num_threads must be None or >= 1; got 0"):
        TfidfLinearConfig(num_threads=0)


def test_shared_batches_give_the_same_model_as_a_fresh_engine(ds):
    w = weights_from_counts(ds.train_counts, alpha=0.5)
    sweep = TfidfLinearEngine().prepare(ds)
    sweep.fit_predict(progress=False, seed=0)  # fills the batch cache for seed 0
    assert sweep._batches._kept  # the shuffled batches are kept for the next fit
    reused = sweep.fit_predict(progress=False, class_weight=w, seed=0)
    fresh = TfidfLinearEngine().prepare(ds)  # the same features, batches built afresh
    assert fresh.features is sweep.features and fresh._batches is not sweep._batches
    np.testing.assert_array_equal(
        fresh.fit_predict(progress=False, class_weight=w, seed=0).test_logits, reused.test_logits
    )


def test_batches_are_not_kept_for_huge_matrices(ds, monkeypatch):
    import weightlab.engines.sparse as sparse

    kept = TfidfLinearEngine().prepare(ds)
    expected = kept.fit_predict(progress=False, seed=0).test_logits
    monkeypatch.setattr(sparse, "_KEEP_BATCHES_NNZ", 10)
    engine = TfidfLinearEngine().prepare(ds)
    # batches built one at a time: the same rows in the same order, so the same model
    np.testing.assert_array_equal(engine.fit_predict(progress=False, seed=0).test_logits, expected)
    assert engine._batches._kept == {}


def test_fit_restores_torch_threads(ds):
    before = torch.get_num_threads()
    engine = TfidfLinearEngine(TfidfLinearConfig(max_epochs=1, num_threads=1)).prepare(ds)
    engine.fit_predict(progress=False, seed=0)
    assert torch.get_num_threads() == before


def test_float64_features_train(ds):
    f = tfidf_features(ds)
    as64 = TfidfFeatures(
        train=f.train.astype(np.float64),
        validation=f.validation.astype(np.float64),
        test=f.test.astype(np.float64),
        n_features=f.n_features,
        seconds=0.0,
    )
    copy = dataclasses.replace(ds)  # another data set object: its own shared features
    tfidf._SHARED[copy] = {TfidfConfig(): as64}
    engine = TfidfLinearEngine(TfidfLinearConfig(max_epochs=1)).prepare(copy)
    assert engine.features is as64
    out = engine.fit_predict(progress=False, seed=0)
    assert out.test_logits.dtype == np.float32 and np.isfinite(out.test_logits).all()


def test_mlp_trains_through_the_sparse_product(ds):
    cfg = TfidfLinearConfig(hidden=16, max_epochs=3, dropout=0.1)
    engine = TfidfLinearEngine(cfg).prepare(ds)
    out = engine.fit_predict(progress=False, seed=0)
    majority = float(np.mean(ds.labels_of("test") == np.argmax(ds.train_counts)))
    assert _accuracy(out, ds) > majority


def test_sparse_product_gradient_matches_dense():
    from weightlab.engines.sparse import sparse_matmul

    X = sp.random(6, 9, density=0.4, format="csr", dtype=np.float32, random_state=1)
    W = torch.randn(9, 4, requires_grad=True)
    out = sparse_matmul().apply(W, X)
    (out**2).sum().backward()
    W2 = W.detach().clone().requires_grad_(True)
    ((torch.from_numpy(X.toarray()) @ W2) ** 2).sum().backward()
    np.testing.assert_allclose(out.detach().numpy(), X.toarray() @ W.detach().numpy(), rtol=1e-5)
    np.testing.assert_allclose(W.grad.numpy(), W2.grad.numpy(), rtol=1e-4, atol=1e-6)
