"""Fine-tuned transformer encoder: the article's ModernBERT-base classifier.

``transformer`` fine-tunes a pretrained encoder (``answerdotai/ModernBERT-base`` by default)
with a fresh classification head, through the Hugging Face :class:`transformers.Trainer`, with
the class-weighted (optionally logit-adjusted) cross-entropy of
:func:`weightlab.weights.make_loss` instead of the model's own unweighted loss.

- :class:`TransformerConfig` - every training option, with the article's values as defaults
  (3 epochs, batch 32, learning rate 5e-5, 256 tokens, bf16 on a GPU that supports it).
- :class:`TransformerEngine` - :meth:`~TransformerEngine.prepare` tokenises the three splits
  once; each :meth:`~TransformerEngine.fit_predict` trains a new model from the pretrained
  weights and returns the validation and test logits.
- :func:`weightlab.engines.tiny.save_tiny_modernbert` writes a tiny, randomly initialised
  ModernBERT that loads offline and trains in seconds on a CPU, for demos and tests.

Offline use
-----------
Nothing here downloads weights unless ``model`` is a hub id that is not cached yet. On a
machine without internet, download the model elsewhere,

.. code-block:: bash

    huggingface-cli download answerdotai/ModernBERT-base --local-dir ModernBERT-base

copy the directory over and pass ``TransformerConfig(model="ModernBERT-base")`` (CLI:
``--model ModernBERT-base``). ``HF_HUB_OFFLINE=1`` skips the hub's network retries.

Examples
--------
>>> from weightlab.engines.transformer import TransformerConfig, TransformerEngine
>>> engine = TransformerEngine(TransformerConfig(epochs=1)).prepare(dataset)  # doctest: +SKIP
>>> out = engine.fit_predict(class_weight=weights, seed=0)  # doctest: +SKIP
>>> out.test_logits.shape  # doctest: +SKIP
(11600, 113)
"""

from __future__ import annotations

import dataclasses
import functools
import importlib.util
import math
import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from weightlab import _validate
from weightlab._compat import moved
from weightlab.data import TextDataset
from weightlab.engines.base import Engine, EngineOutput
from weightlab.weights import log_prior, make_loss

__all__ = ["TransformerConfig", "TransformerEngine"]

_DEFAULT_MODEL = "answerdotai/ModernBERT-base"


@dataclass(frozen=True)
class TransformerConfig:
    """Options of :class:`TransformerEngine` (model, tokenisation, ``TrainingArguments``).

    The defaults are the article's fine-tuning of ModernBERT-base. ``attn_implementation``
    accepts ``"auto"`` (FlashAttention-2 when the ``flash_attn`` package, a CUDA GPU and bf16
    are all there, otherwise SDPA; eager attention if the model supports neither), ``None``
    (transformers' own default) or any name transformers accepts (``"sdpa"``, ``"eager"``,
    ``"flash_attention_2"``, ...), used as given.
    """

    model: str = _DEFAULT_MODEL  # hub id, or a local directory with config.json + weights
    tokenizer: str | None = None  # hub id or directory; None: the model's own tokenizer
    max_length: int = 256  # tokens kept per document (longer ones are truncated)
    epochs: float = 3.0  # passes over the training split (ignored when max_steps > 0)
    batch_size: int = 32  # training examples per device per step
    eval_batch_size: int = 64  # prediction batch size (no gradients: can be larger)
    learning_rate: float = 5e-5  # AdamW peak learning rate
    weight_decay: float = 0.01  # AdamW decoupled weight decay
    warmup_ratio: float = 0.1  # share of the steps spent warming up, then linear decay to 0
    bf16: str | bool = "auto"  # "auto": on when a CUDA GPU supports bf16; True / False force it
    group_by_length: bool = True  # batch similar lengths together: less padding, same epochs
    attn_implementation: str | None = "auto"  # see the class docstring
    torch_compile: bool = False  # torch.compile the model (pays off on long GPU runs only)
    gradient_accumulation_steps: int = 1  # effective batch = batch_size x this
    output_dir: str | None = None  # Trainer's working directory; None: a temporary one
    max_steps: int = -1  # > 0: stop after this many optimiser steps (smoke tests, demos)
    logging_steps: int = 50  # log the training loss every this many steps
    dataloader_num_workers: int = 0  # 0: tokenised batches are built in the main process
    report_to: str = "none"  # Trainer integrations ("none", "tensorboard", "wandb", ...)
    # Remedy "drw": the share of the optimiser steps trained with plain cross-entropy before
    # the class weights switch on (Cao et al. 2019 switch at 160 of 200 epochs; a fine-tune
    # of 3 epochs keeps its last third for the weights). 1.0 never switches.
    drw_start: float = 2 / 3

    def __post_init__(self):
        for name in ("model", "tokenizer", "output_dir"):
            value = getattr(self, name)
            if isinstance(value, os.PathLike):
                object.__setattr__(self, name, os.fspath(value))
        if not isinstance(self.model, str) or not self.model.strip():
            raise ValueError(
                f"model must be a hub id or a local directory; got {self.model!r}. "
                f"Example: model={_DEFAULT_MODEL!r}."
            )
        if self.tokenizer is not None and (
            not isinstance(self.tokenizer, str) or not self.tokenizer.strip()
        ):
            raise ValueError(
                f"tokenizer must be None (use the model's) or a hub id / directory; "
                f"got {self.tokenizer!r}."
            )
        _check_int(self.max_length, "max_length", 2, "(it must hold [CLS] and [SEP])")
        if not _is_number(self.epochs) or self.epochs <= 0:
            raise ValueError(f"epochs must be a number > 0; got {self.epochs!r}.")
        _check_int(self.batch_size, "batch_size", 1)
        _check_int(self.eval_batch_size, "eval_batch_size", 1)
        _check_int(self.gradient_accumulation_steps, "gradient_accumulation_steps", 1)
        _check_int(self.logging_steps, "logging_steps", 1)
        _check_int(self.dataloader_num_workers, "dataloader_num_workers", 0)
        if not _is_number(self.learning_rate) or self.learning_rate <= 0:
            raise ValueError(f"learning_rate must be > 0 (e.g. 5e-5); got {self.learning_rate!r}.")
        if not _is_number(self.weight_decay) or self.weight_decay < 0:
            raise ValueError(f"weight_decay must be >= 0; got {self.weight_decay!r}.")
        if not _is_number(self.warmup_ratio) or not 0 <= self.warmup_ratio < 1:
            raise ValueError(
                f"warmup_ratio must be a fraction of the steps, in [0, 1); "
                f"got {self.warmup_ratio!r}."
            )
        if self.bf16 not in ("auto", True, False):
            raise ValueError(
                f"bf16 must be 'auto' (on when the GPU supports it), True or False; "
                f"got {self.bf16!r}."
            )
        if self.bf16 != "auto":
            object.__setattr__(self, "bf16", bool(self.bf16))
        if self.attn_implementation is not None and (
            not isinstance(self.attn_implementation, str) or not self.attn_implementation
        ):
            raise ValueError(
                "attn_implementation must be 'auto', None, or a name transformers knows "
                f"('sdpa', 'eager', 'flash_attention_2'); got {self.attn_implementation!r}."
            )
        if (
            isinstance(self.max_steps, bool)
            or not isinstance(self.max_steps, int)
            or (self.max_steps == 0 or self.max_steps < -1)
        ):
            raise ValueError(
                f"max_steps must be -1 (train for `epochs`) or a step count >= 1; "
                f"got {self.max_steps!r}."
            )
        if not _is_number(self.drw_start) or not 0 < self.drw_start <= 1:
            raise ValueError(
                f"drw_start must be a share of the steps in (0, 1]; got {self.drw_start!r}."
            )
        if not isinstance(self.report_to, str):
            raise ValueError(f"report_to must be a string such as 'none'; got {self.report_to!r}.")


def _is_number(value) -> bool:
    return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool)


def _check_int(value, name: str, minimum: int, why: str = "") -> None:
    _validate.whole_number(value, name, minimum=minimum, what=why)


# ---------------------------------------------------------------------------------------------
# loading (with an actionable message when the machine is offline)
# ---------------------------------------------------------------------------------------------


def _load_error(
    what: str, name: str, err: BaseException, hint=("TransformerConfig", _DEFAULT_MODEL)
) -> RuntimeError:
    config, default = hint
    return RuntimeError(
        f"Could not load the {what} {name!r} ({type(err).__name__}: {err}).\n"
        f"{name!r} is not a local directory with config.json and weights, and it could not be "
        "fetched from the Hugging Face Hub: the machine may be offline, or the id is wrong.\n"
        "To run offline, download the model on a machine with internet access, e.g.\n"
        f"    huggingface-cli download {default} --local-dir DIR\n"
        "(newer huggingface_hub: `hf download ...`), copy DIR here and point the engine at it: "
        f"{config}(model='DIR') or, on the command line, --model DIR. "
        "Set HF_HUB_OFFLINE=1 to skip the network retries."
    )


def _looks_like_path(name: str) -> bool:
    """Tell whether ``name`` can only be a filesystem path, never a hub id."""
    return os.path.isabs(name) or name.startswith((".", "~")) or name.count("/") > 1


def _from_pretrained(
    what: str, name: str, load, *, hint=("TransformerConfig", _DEFAULT_MODEL), **kwargs
):
    """Return ``load(name, **kwargs)``; a missing directory or unreachable hub: RuntimeError.

    ``hint`` is ``(config class, example hub id)`` for the message that says how to fix it.
    """
    path = Path(name).expanduser()
    if path.is_dir():
        name = str(path)
        if what == "model" and not (path / "config.json").is_file():
            raise _load_error(what, name, FileNotFoundError(f"no config.json in {name!r}"), hint)
    elif _looks_like_path(name):
        raise _load_error(what, name, FileNotFoundError(f"no directory {str(path)!r}"), hint)
    try:
        return load(name, **kwargs)
    except OSError as err:  # hub connection, offline mode, missing files: all OSError
        raise _load_error(what, name, err, hint) from err


def _load_tokenizer(name: str, *, hint=("TransformerConfig", _DEFAULT_MODEL)):
    from transformers import AutoTokenizer

    return _from_pretrained("tokenizer", name, AutoTokenizer.from_pretrained, hint=hint)


def _resolve_bf16(bf16) -> bool:
    import torch

    supported = torch.cuda.is_available() and torch.cuda.is_bf16_supported()
    if bf16 is True and not supported:
        raise ValueError(
            "bf16=True needs a CUDA GPU with bf16 support and none was found; "
            "use bf16='auto' (on where supported) or bf16=False."
        )
    return bool(supported) if bf16 == "auto" else bool(bf16)


def _resolve_attn(choice: str | None, bf16: bool) -> str | None:
    import torch

    if choice != "auto":
        return choice
    # FlashAttention-2 runs only on CUDA and in half precision (bf16 autocast here).
    if torch.cuda.is_available() and bf16 and importlib.util.find_spec("flash_attn") is not None:
        return "flash_attention_2"
    return "sdpa"


def _load_model(cfg: TransformerConfig, class_names: list[str], bf16: bool):
    """Pretrained encoder + fresh head; returns ``(model, attention implementation used)``."""
    from transformers import AutoModelForSequenceClassification

    attn = _resolve_attn(cfg.attn_implementation, bf16)
    kwargs = dict(
        num_labels=len(class_names),
        id2label=dict(enumerate(class_names)),
        label2id={name: i for i, name in enumerate(class_names)},
    )
    load = AutoModelForSequenceClassification.from_pretrained
    try:
        extra = {} if attn is None else {"attn_implementation": attn}
        model = _from_pretrained("model", cfg.model, load, **kwargs, **extra)
    except (ValueError, ImportError) as err:
        # Only "auto" falls back: an explicit choice that the model refuses is an error.
        refused = any(word in str(err).lower() for word in ("attn", "attention"))
        if cfg.attn_implementation != "auto" or not refused:
            raise
        attn = "eager"
        model = _from_pretrained("model", cfg.model, load, **kwargs, attn_implementation=attn)
    return model, getattr(model.config, "_attn_implementation", attn)


# ---------------------------------------------------------------------------------------------
# the Trainer with the weighted loss
# ---------------------------------------------------------------------------------------------


@functools.cache
def _trainer_class():
    """Define :class:`WeightedLossTrainer` on first use (importing transformers is slow)."""
    import torch
    from torch.utils.data import SequentialSampler, WeightedRandomSampler
    from transformers import Trainer
    from transformers.trainer_pt_utils import LengthGroupedSampler

    class WeightedLossTrainer(Trainer):
        """A :class:`transformers.Trainer` that trains with ``loss_fn(logits, labels)``.

        Why a ``compute_loss`` override and not the ``compute_loss_func`` argument: in
        transformers 5 the Trainer treats a ``compute_loss_func`` loss as already normalised
        over the whole gradient-accumulation window (by ``num_items_in_batch``) and does not
        divide it by the accumulation steps. ``loss_fn`` is a per-batch weighted *mean*, so
        with ``compute_loss_func`` the gradients would be ``gradient_accumulation_steps``
        times too large. An override with ``loss_is_scaled_for_ga = False`` is the documented
        path for "a per-batch mean" (see ``Trainer.compute_loss``'s docstring).

        It also builds the length-grouped training sampler from precomputed lengths,
        predicts in dataset order, and applies two remedies (:mod:`weightlab.remedies`):
        re-sampling (its own sampler) and deferred re-weighting (the loss switches at a share
        of the steps); see the numbered comments.
        """

        loss_is_scaled_for_ga = False

        def __init__(
            self,
            *args,
            loss_fn,
            train_lengths=None,
            sample_weight=None,
            deferred=None,
            **kwargs,
        ):
            super().__init__(*args, **kwargs)
            # 1) the weights are buffers of the loss module: put them where the logits will be
            self.loss_fn = loss_fn.to(self.args.device)
            self.train_lengths = train_lengths
            # remedies: per-example draw probabilities (re-sampling), and (share of the
            # steps, weighted loss) for deferred re-weighting
            self.sample_weight = sample_weight
            self.deferred = None
            self.switch_step = None
            if deferred is not None:
                self.deferred = (deferred[0], deferred[1].to(self.args.device))
            # 2) the model computes no loss here, so it must not receive num_items_in_batch;
            #    transformers 4.x also reads this flag to decide the accumulation scaling
            self.model_accepts_loss_kwargs = False

        def compute_loss(self, model, inputs, return_outputs=False, num_items_in_batch=None):
            """Weighted cross-entropy of the model's logits (the model's own loss is unused)."""
            inputs = dict(inputs)
            labels = inputs.pop("labels")
            outputs = model(**inputs)
            loss = self._loss_now()(outputs.logits, labels)
            return (loss, outputs) if return_outputs else loss

        def _loss_now(self):
            # 5) deferred re-weighting: the weighted loss from a share of the planned steps on
            if self.deferred is None or not self.model.training:
                return self.loss_fn
            start, weighted = self.deferred
            if self.switch_step is None and self.state.max_steps:
                self.switch_step = math.ceil(start * self.state.max_steps)
            if self.switch_step is not None and self.state.global_step >= self.switch_step:
                return weighted
            return self.loss_fn

        def _get_train_sampler(self, *args, **kwargs):
            if self.sample_weight is not None:
                # 6) re-sampling: n draws with replacement an epoch, seeded by the run's seed
                return WeightedRandomSampler(
                    torch.as_tensor(self.sample_weight, dtype=torch.float64),
                    len(self.sample_weight),
                    replacement=True,
                    generator=torch.Generator().manual_seed(self.args.seed),
                )
            # 3) the Trainer drops the `length` column before building the sampler and would
            #    re-measure every document; reuse the lengths counted once at tokenisation.
            #    (Should this private hook change, the Trainer's own sampler still applies.)
            if (
                self.train_lengths is not None
                and _sampling_strategy(self.args) == "group_by_length"
            ):
                return LengthGroupedSampler(
                    self.args.train_batch_size * self.args.gradient_accumulation_steps,
                    lengths=self.train_lengths,
                )
            return super()._get_train_sampler(*args, **kwargs)

        def _get_eval_sampler(self, eval_dataset):
            # 4) transformers 5 length-groups *prediction* batches too under group_by_length,
            #    and trainer.predict then returns the logits in that shuffled order. The
            #    logits must stay aligned with the documents: predict in dataset order.
            if self.args.world_size <= 1:
                return SequentialSampler(eval_dataset)
            return None  # distributed: accelerate shards the data in order

    WeightedLossTrainer.__module__ = __name__
    return WeightedLossTrainer


def _sampling_strategy(args) -> str:
    if hasattr(args, "train_sampling_strategy"):  # transformers >= 5
        return args.train_sampling_strategy
    return "group_by_length" if getattr(args, "group_by_length", False) else "random"


def _training_arguments(
    cfg: TransformerConfig, output_dir: str, *, seed: int, bf16: bool, progress: bool = True
):
    import torch
    from transformers import TrainingArguments

    fields = {f.name for f in dataclasses.fields(TrainingArguments)}
    kwargs = dict(
        output_dir=output_dir,
        num_train_epochs=float(cfg.epochs),
        max_steps=cfg.max_steps,
        per_device_train_batch_size=cfg.batch_size,
        per_device_eval_batch_size=cfg.eval_batch_size,
        gradient_accumulation_steps=cfg.gradient_accumulation_steps,
        learning_rate=cfg.learning_rate,
        weight_decay=cfg.weight_decay,
        lr_scheduler_type="linear",
        bf16=bf16,
        eval_strategy="no",
        save_strategy="no",
        logging_steps=cfg.logging_steps,
        seed=seed,
        data_seed=seed,
        report_to=cfg.report_to,
        dataloader_num_workers=cfg.dataloader_num_workers,
        # pinned memory only helps host-to-GPU copies; on a CPU-only machine torch warns
        dataloader_pin_memory=torch.cuda.is_available(),
        torch_compile=cfg.torch_compile,
        disable_tqdm=not progress,
    )
    # transformers 5 renamed two options; keep 4.x working too.
    if "train_sampling_strategy" in fields:
        kwargs["train_sampling_strategy"] = "group_by_length" if cfg.group_by_length else "random"
    else:
        kwargs["group_by_length"] = cfg.group_by_length
    if "warmup_ratio" in fields:
        kwargs["warmup_ratio"] = cfg.warmup_ratio
    else:
        kwargs["warmup_steps"] = cfg.warmup_ratio  # a float < 1 is a ratio in transformers 5
    if int(os.environ.get("WORLD_SIZE", "1") or 1) > 1 and not torch.cuda.is_available():
        # Several CPU processes (torchrun / accelerate launch without GPUs): accelerate only
        # sets up DDP on CPU when told so; without use_cpu every process trains alone.
        kwargs["use_cpu"] = True
        kwargs["ddp_backend"] = "gloo"
    return TrainingArguments(**kwargs)


# ---------------------------------------------------------------------------------------------
# the engine
# ---------------------------------------------------------------------------------------------


class TransformerEngine(Engine):
    """Fine-tune a pretrained transformer encoder with a class-weighted loss.

    :meth:`prepare` loads the tokenizer and tokenises the three splits once (truncating at
    ``max_length``; batches are padded per batch later). Every :meth:`fit_predict` starts
    again from the pretrained weights with a new classification head, trains with
    :func:`weightlab.weights.make_loss` (``class_weight``, ``tau``) and predicts the
    validation and test splits. The logits are the raw head outputs, float32.

    Parameters
    ----------
    config : TransformerConfig, optional
        Model and training options; defaults to the article's ModernBERT-base setup.
    """

    name = "transformer"
    supports_tau = True
    remedies = frozenset({"resample", "focal", "drw"})
    prepare_step = "tokenising"

    def __init__(self, config: TransformerConfig | None = None):
        super().__init__(config or TransformerConfig())
        self.tokenizer = None
        self.tokenized: dict | None = None

    def prepare(self, dataset: TextDataset, *, cache=None, progress=None) -> TransformerEngine:
        """Load the tokenizer and tokenise the train, validation and test splits once.

        Parameters
        ----------
        dataset : TextDataset
            The corpus; its class names become the model's ``id2label``.
        cache : ignored
            Tokenising takes seconds; it is not kept on disk.
        progress : ignored
            Tokenising shows no bar.

        Returns
        -------
        TransformerEngine
            ``self``, with ``tokenized`` holding a :class:`datasets.Dataset` per split
            (``input_ids``, ``attention_mask``, ``length`` and, for train, ``labels``).

        Raises
        ------
        RuntimeError
            If the tokenizer cannot be loaded (missing directory, offline machine).
        ValueError
            If ``max_length`` exceeds the tokenizer's maximum.
        """
        from datasets import Dataset

        super().prepare(dataset)
        cfg = self.config
        tokenizer = _load_tokenizer(cfg.tokenizer or cfg.model)
        limit = getattr(tokenizer, "model_max_length", None)
        if isinstance(limit, int) and limit < 1_000_000 and cfg.max_length > limit:
            raise ValueError(
                f"max_length={cfg.max_length} exceeds the tokenizer's model_max_length={limit}; "
                f"use max_length <= {limit}."
            )
        self.tokenizer = tokenizer

        def tokenize(batch):
            encoded = tokenizer(batch["text"], truncation=True, max_length=cfg.max_length)
            encoded["length"] = [len(ids) for ids in encoded["input_ids"]]
            return encoded

        self.tokenized = {}
        for part in ("train", "validation", "test"):
            columns = {"text": dataset.texts_of(part)}
            if part == "train":
                columns["labels"] = dataset.labels_of(part).astype(np.int64)
            # Why map in batches: one tokenizer call on 58K narratives held ~4x the memory.
            self.tokenized[part] = Dataset.from_dict(columns).map(
                tokenize,
                batched=True,
                batch_size=1000,
                remove_columns=["text"],
                desc=f"Tokenising {part}",
            )
        return self

    def fit_predict(
        self, *, class_weight=None, tau=0.0, remedy=None, seed=0, progress=None
    ) -> EngineOutput:
        """Fine-tune with ``make_loss(class_weight, tau=tau)``; return validation/test logits.

        Parameters
        ----------
        class_weight : numpy.ndarray, optional
            Per-class loss weights in class order; None is plain cross-entropy.
        tau : float
            Logit-adjusted loss strength; 0 is off.
        remedy : weightlab.remedies.Remedy, optional
            ``focal`` (the loss's ``gamma``), ``resample`` (a ``WeightedRandomSampler`` over
            the training split instead of the length-grouped one) or ``drw`` (plain
            cross-entropy, then ``class_weight`` from ``drw_start`` of the steps on).
        seed : int
            Seeds the head's initialisation, dropout and the batch order.
        progress : bool
            Show the Trainer's progress bar.

        Returns
        -------
        EngineOutput
            float32 logits of shape (n, n_classes); ``info`` has the training time, speed,
            loss, steps, epochs, device, bf16 and attention implementation.

        Raises
        ------
        RuntimeError
            If :meth:`prepare` was not called or the model cannot be loaded (offline).
        """
        import torch
        from transformers import DataCollatorWithPadding, set_seed

        self._check_fit_options(class_weight, tau, remedy)
        ds = self._require_prepared()
        cfg = self.config
        bf16 = _resolve_bf16(cfg.bf16)
        kind = None if remedy is None else remedy.kind
        prior = log_prior(ds.train_counts)
        gamma = remedy.value if kind == "focal" else 0.0
        plain_weight = None if kind == "drw" else class_weight
        loss_fn = make_loss(plain_weight, log_prior=prior, tau=tau, gamma=gamma)
        deferred = sample_weight = None
        if kind == "drw":
            deferred = (cfg.drw_start, make_loss(class_weight, log_prior=prior, tau=tau))
        if kind == "resample":
            from weightlab.remedies import resample_weights

            sample_weight = resample_weights(ds.train_counts, ds.labels_of("train"), q=remedy.value)
        # 1) same seed -> same head initialisation (the Trainer seeds only after the model exists)
        set_seed(seed)
        model, attn = _load_model(cfg, ds.class_names, bf16)
        lengths = list(self.tokenized["train"]["length"]) if cfg.group_by_length else None
        output_dir = cfg.output_dir or tempfile.mkdtemp(prefix="weightlab-transformer-")
        try:
            args = _training_arguments(
                cfg, output_dir, seed=seed, bf16=bf16, progress=self._show_progress(progress)
            )
            trainer = _trainer_class()(
                model=model,
                args=args,
                train_dataset=self.tokenized["train"],
                processing_class=self.tokenizer,
                # 2) pad per batch (to a multiple of 8 for GPU tensor cores), not to max_length
                data_collator=DataCollatorWithPadding(
                    self.tokenizer, pad_to_multiple_of=8 if torch.cuda.is_available() else None
                ),
                loss_fn=loss_fn,
                train_lengths=lengths,
                sample_weight=sample_weight,
                deferred=deferred,
            )
            result = trainer.train()
            start = time.perf_counter()
            validation = self._predict(trainer, "validation", ds.n_classes)
            test = self._predict(trainer, "test", ds.n_classes)
            predict_seconds = time.perf_counter() - start
            metrics = result.metrics
            info = {
                "model": cfg.model,
                "train_seconds": float(metrics.get("train_runtime", float("nan"))),
                "train_samples_per_second": float(metrics.get("train_samples_per_second", 0.0)),
                "train_steps_per_second": float(metrics.get("train_steps_per_second", 0.0)),
                "train_loss": float(result.training_loss),
                "steps": int(trainer.state.global_step),
                "epochs": float(trainer.state.epoch or 0.0),
                "predict_seconds": predict_seconds,
                "device": str(args.device),
                "bf16": bf16,
                "attn_implementation": attn,
                "n_parameters": int(sum(p.numel() for p in model.parameters())),
            }
            if kind == "drw":
                info["switch_step"] = trainer.switch_step
            if kind == "resample":  # its sampler replaces the length-grouped one
                info["sampler"] = f"WeightedRandomSampler (resample q={remedy.value:g})"
        finally:
            if cfg.output_dir is None:
                shutil.rmtree(output_dir, ignore_errors=True)
        del trainer, model
        if torch.cuda.is_available():
            torch.cuda.empty_cache()  # 3) a sweep fits many models in one process
        return EngineOutput(validation_logits=validation, test_logits=test, info=info)

    def _predict(self, trainer, part: str, n_classes: int) -> np.ndarray:
        data = self.tokenized[part]
        if len(data) == 0:  # tiny data sets can have an empty validation split
            return np.zeros((0, n_classes), dtype=np.float32)
        logits = trainer.predict(data).predictions
        if isinstance(logits, tuple):  # models that also return hidden states
            logits = logits[0]
        return np.asarray(logits, dtype=np.float32)


def __getattr__(name: str):
    # Deprecation shim: the tiny demo model has a module of its own.
    return moved(__name__, name, {"save_tiny_modernbert": "weightlab.engines.tiny"})
