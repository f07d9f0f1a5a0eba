import dataclasses

import numpy as np
import pytest

from weightlab.data import make_dataset
from weightlab.engines import (
    ENGINE_NAMES,
    MajorityEngine,
    TfidfConfig,
    TfidfLinearConfig,
    TfidfLinearEngine,
    TfidfLogRegConfig,
    TfidfLogRegEngine,
    engine_class,
    get_engine,
    is_baseline,
)
from weightlab.synthetic import make_complaints
from weightlab.weights import weights_from_counts

CPU_ENGINES = ("majority", "tfidf-logreg", "tfidf-linear")


@pytest.fixture(scope="module")
def ds():
    return make_complaints(3000, 12, seed=1)


@pytest.fixture(scope="module")
def linear(ds):
    return get_engine("tfidf-linear").prepare(ds)


@pytest.fixture(scope="module")
def unweighted(linear):
    return linear.fit_predict(progress=False, seed=0)


@pytest.fixture(scope="module")
def inverse_weighted(ds, linear):
    w = weights_from_counts(ds.train_counts, alpha=1.0)
    return linear.fit_predict(progress=False, class_weight=w, seed=0)


def _accuracy(logits, y):
    return float((logits.argmax(axis=1) == y).mean())


def _hand_made(class_names=("cards", "mortgage", "never seen")):
    """Two classes with distinct words; the third class name has no document at all."""
    rng = np.random.default_rng(0)
    vocab = {0: "refund charge card fee".split(), 1: "mortgage escrow payment loan".split()}
    texts = [" ".join(rng.choice(vocab[i % 2], 6)) + f" note {i % 5}" for i in range(60)]
    labels = [i % 2 for i in range(60)]
    return make_dataset(texts, labels, class_names=list(class_names), seed=0)


# --------------------------------------------------------------------------------------------
# registry
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "cls"),
    [
        ("majority", MajorityEngine),
        ("tfidf-logreg", TfidfLogRegEngine),
        ("tfidf-linear", TfidfLinearEngine),
    ],
)
def test_get_engine_returns_a_fresh_engine(name, cls):
    a, b = get_engine(name), get_engine(name)
    assert isinstance(a, cls) and a.name == name
    assert a is not b


def test_get_engine_uses_the_given_config():
    cfg = TfidfLinearConfig(max_epochs=1)
    assert get_engine("tfidf-linear", cfg).config is cfg
    assert get_engine("tfidf-linear").config == TfidfLinearConfig()
    assert get_engine("tfidf-logreg").config == TfidfLogRegConfig()


def test_unknown_engine_lists_the_engines():
    with pytest.raises(ValueError, match="Unknown engine 'nope'") as err:
        get_engine("nope")
    for name in ENGINE_NAMES:
        assert name in str(err.value)


# --------------------------------------------------------------------------------------------
# every CPU engine: shapes and finite logits
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", CPU_ENGINES)
def test_fit_predict_before_prepare_is_an_error(name):
    with pytest.raises(RuntimeError, match=r"prepare\(dataset\) before fit_predict"):
        get_engine(name).fit_predict(progress=False)


@pytest.mark.parametrize("name", ["majority", "tfidf-logreg"])
def test_engine_logits_shape_and_finite(ds, name):
    engine = get_engine(name)
    assert engine.prepare(ds) is engine
    out = engine.fit_predict(progress=False, seed=0)
    _check_output(ds, out)


def test_linear_logits_shape_and_finite(ds, unweighted, inverse_weighted):
    _check_output(ds, unweighted)
    _check_output(ds, inverse_weighted)
    assert 1 <= unweighted.info["best_epoch"] <= unweighted.info["epochs"]
    assert unweighted.info["epochs"] <= TfidfLinearConfig().max_epochs
    assert unweighted.info["fit_seconds"] > 0


def _check_output(ds, out):
    n_val, n_test = len(ds.labels_of("validation")), len(ds.labels_of("test"))
    assert out.validation_logits.shape == (n_val, ds.n_classes)
    assert out.test_logits.shape == (n_test, ds.n_classes)
    assert np.isfinite(out.validation_logits).all()
    assert np.isfinite(out.test_logits).all()
    assert isinstance(out.info, dict)


def test_majority_predicts_the_most_frequent_training_class(ds):
    out = get_engine("majority").prepare(ds).fit_predict(progress=False)
    assert set(out.test_logits.argmax(axis=1)) == {int(np.argmax(ds.train_counts))}
    # Log priors: their softmax is the training class distribution.
    p = np.exp(out.test_logits[0])
    np.testing.assert_allclose(p / p.sum(), ds.train_counts / ds.train_counts.sum())


def test_linear_beats_majority(ds, unweighted):
    y = ds.labels_of("test")
    majority = get_engine("majority").prepare(ds).fit_predict(progress=False)
    assert _accuracy(unweighted.test_logits, y) > _accuracy(majority.test_logits, y) + 0.2


def test_logreg_beats_majority(ds):
    y = ds.labels_of("test")
    logreg = get_engine("tfidf-logreg").prepare(ds).fit_predict(progress=False, seed=0)
    assert _accuracy(logreg.test_logits, y) > 0.5
    # Log-probabilities: each row's softmax sums to one without renormalising.
    np.testing.assert_allclose(np.exp(logreg.test_logits).sum(axis=1), 1.0, rtol=1e-4)


# --------------------------------------------------------------------------------------------
# class weights change what is learnt
# --------------------------------------------------------------------------------------------


def test_class_weight_changes_linear_predictions(ds, unweighted, inverse_weighted):
    pred0 = unweighted.test_logits.argmax(axis=1)
    pred1 = inverse_weighted.test_logits.argmax(axis=1)
    assert not np.array_equal(pred0, pred1)
    smallest = np.argsort(ds.train_counts)[:3]
    assert np.isin(pred1, smallest).sum() > np.isin(pred0, smallest).sum()


def test_class_weight_moves_predictions_to_small_classes(ds, unweighted, inverse_weighted):
    head = int(np.argmax(ds.train_counts))
    n_head0 = int((unweighted.test_logits.argmax(axis=1) == head).sum())
    n_head1 = int((inverse_weighted.test_logits.argmax(axis=1) == head).sum())
    assert n_head1 < n_head0


def test_class_weight_changes_logreg(ds):
    engine = get_engine("tfidf-logreg").prepare(ds)
    w = weights_from_counts(ds.train_counts, alpha=1.0)
    a = engine.fit_predict(progress=False, seed=0).test_logits
    b = engine.fit_predict(progress=False, class_weight=w, seed=0).test_logits
    assert not np.allclose(a, b)


def test_logreg_rejects_tau(ds):
    engine = get_engine("tfidf-logreg").prepare(ds)
    with pytest.raises(ValueError, match="tfidf-logreg engine has no logit-adjusted loss"):
        engine.fit_predict(progress=False, tau=1.0)


# --------------------------------------------------------------------------------------------
# determinism: the same command twice gives the same table
# --------------------------------------------------------------------------------------------


def test_linear_same_seed_same_logits(ds):
    # Two fresh engines, each featurising again: nothing is carried over between fits.
    cfg = TfidfLinearConfig(max_epochs=1)
    first = TfidfLinearEngine(cfg).prepare(ds)
    second = TfidfLinearEngine(cfg).prepare(ds)
    a, b = first.fit_predict(progress=False, seed=0), second.fit_predict(progress=False, seed=0)
    np.testing.assert_array_equal(a.test_logits, b.test_logits)
    np.testing.assert_array_equal(a.validation_logits, b.validation_logits)
    # ... and the seed matters (batch order), so the equality above is not vacuous.
    c = second.fit_predict(progress=False, seed=1)
    assert not np.array_equal(a.test_logits, c.test_logits)


def test_logreg_same_seed_same_logits(ds):
    engine = get_engine("tfidf-logreg").prepare(ds)
    np.testing.assert_array_equal(
        engine.fit_predict(progress=False, seed=0).test_logits,
        get_engine("tfidf-logreg").prepare(ds).fit_predict(progress=False, seed=0).test_logits,
    )


def test_linear_progress_bar_can_be_silenced(capsys):
    engine = TfidfLinearEngine(TfidfLinearConfig(max_epochs=1)).prepare(_hand_made())
    engine.fit_predict(progress=False, seed=0)
    assert capsys.readouterr().err == ""


# --------------------------------------------------------------------------------------------
# a class absent from training still has a column
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", CPU_ENGINES)
@pytest.mark.parametrize("weighted", [False, True])
def test_class_absent_from_training_gets_a_column(name, weighted):
    small = _hand_made()
    assert small.n_classes == 3 and small.train_counts[2] == 0
    engine = get_engine(name, TfidfLinearConfig(max_epochs=2) if name == "tfidf-linear" else None)
    if weighted and not engine.supports_class_weights:
        pytest.skip(f"{name} takes no class weights (tested below)")
    w = weights_from_counts(small.train_counts, alpha=0.5) if weighted else None
    out = engine.prepare(small).fit_predict(progress=False, class_weight=w, seed=0)
    _check_output(small, out)
    # Never predicted: it has no training example.
    assert (out.test_logits.argmax(axis=1) != 2).all()
    assert (out.test_logits[:, 2] < out.test_logits[:, :2].max(axis=1)).all()


@pytest.mark.parametrize("name", ENGINE_NAMES)
def test_engines_declare_what_they_are_and_refuse_what_they_cannot_do(name, ds):
    cls = engine_class(name)
    baselines = ("majority", "tfidf-logreg", "encoder-logreg")
    assert cls.name == name and is_baseline(name) == (name in baselines)
    assert cls.supports_tau == (name in ("tfidf-linear", "transformer", "encoder-probe"))
    assert cls.supports_class_weights == (name != "majority")
    if name in ("transformer", "encoder-probe", "encoder-logreg"):
        return  # need a model (tests/test_encoder.py); their refusals are the same base check
    engine = get_engine(name).prepare(ds)
    w = weights_from_counts(ds.train_counts, alpha=0.5)
    if not cls.supports_class_weights:
        with pytest.raises(ValueError, match=f"The {name} engine takes no class weights"):
            engine.fit_predict(class_weight=w, progress=False)
    if not cls.supports_tau:
        with pytest.raises(ValueError, match=f"The {name} engine has no logit-adjusted loss"):
            engine.fit_predict(tau=1.0, progress=False)


def test_engine_progress_attribute_still_works_with_a_deprecation_warning(ds):
    engine = get_engine("tfidf-linear", TfidfLinearConfig(max_epochs=1)).prepare(ds)
    with pytest.warns(DeprecationWarning, match="pass progress= to fit_predict"):
        engine.progress = False
    assert engine._show_progress(None) is False and engine._show_progress(True) is True


def test_unknown_engine_names_the_choices():
    with pytest.raises(ValueError, match="Unknown engine 'bert'; choose one of majority, "):
        get_engine("bert")
    assert not is_baseline("bert")


def test_tfidf_features_fit_on_train_only(ds, linear):
    f = linear.features
    assert f.train.shape == (len(ds.labels_of("train")), f.n_features)
    assert f.validation.shape[1] == f.test.shape[1] == f.n_features
    # Rows are l2-normalised TF-IDF vectors.
    norms = np.sqrt(np.asarray(f.train.multiply(f.train).sum(axis=1))).ravel()
    np.testing.assert_allclose(norms[norms > 0], 1.0, rtol=1e-5)


def test_tfidf_engines_share_the_features_of_one_data_set(ds, linear):
    logreg = TfidfLogRegEngine().prepare(ds)
    assert logreg.features is linear.features
    other = TfidfLogRegEngine().prepare(dataclasses.replace(ds))  # another object: its own
    assert other.features is not linear.features


# --------------------------------------------------------------------------------------------
# config validation
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cls", "kwargs", "match"),
    [
        (TfidfConfig, {"ngram_range": (2, 1)}, r"ngram_range must be \(lo, hi\)"),
        (TfidfConfig, {"ngram_range": (0, 1)}, "1 <= lo <= hi"),
        (TfidfConfig, {"min_df": 0}, "min_df must be a count >= 1; got 0"),
        (TfidfConfig, {"max_features": 0}, "max_features must be None or >= 1; got 0"),
        (TfidfLogRegConfig, {"C": 0.0}, "C must be > 0; got 0.0"),
        (TfidfLogRegConfig, {"max_iter": 0}, "max_iter must be >= 1; got 0"),
        (TfidfLinearConfig, {"hidden": -1}, "hidden must be >= 0; got -1"),
        (TfidfLinearConfig, {"max_epochs": 0}, "max_epochs must be a whole number >= 1; got 0"),
        (TfidfLinearConfig, {"batch_size": 0}, "batch_size must be a whole number >= 1; got 0"),
        (
            TfidfLinearConfig,
            {"learning_rate": 0.0},
            r"learning_rate must be > 0 \(or None\); got 0.0",
        ),
        (TfidfLinearConfig, {"dropout": 1.0}, r"dropout must be in \[0, 1\); got 1.0"),
    ],
)
def test_config_validation(cls, kwargs, match):
    with pytest.raises(ValueError, match=match):
        cls(**kwargs)


def test_mlp_variant_trains(ds):
    small = _hand_made()
    cfg = TfidfLinearConfig(
        hidden=8, max_epochs=3, learning_rate=0.5, dropout=0.1, features=TfidfConfig(min_df=1)
    )
    out = TfidfLinearEngine(cfg).prepare(small).fit_predict(progress=False, seed=0)
    _check_output(small, out)
