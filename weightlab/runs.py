"""Runs: one trained model under one weighting, with its logits and scores.

:func:`train_runs` is the experiment behind the article's table: featurise once, then train
the chosen engine at each weighting exponent ``alpha`` (``0`` = unweighted, ``0.5`` =
sqrt-inverse), plus the baselines.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import numpy as np

from weightlab.data import TextDataset
from weightlab.engines import Engine, get_engine
from weightlab.metrics import Scores, scores_from_logits
from weightlab.weights import weights_from_counts

__all__ = ["Run", "run_name", "train_run", "train_runs"]


def run_name(alpha: float, *, tau: float = 0.0) -> str:
    """Name of a weighted run: ``unweighted`` (0), ``weighted`` (0.5) or ``alpha=X``."""
    if tau:
        return f"la-loss tau={tau:g}" + ("" if alpha == 0 else f" alpha={alpha:g}")
    if alpha == 0:
        return "unweighted"
    if math.isclose(alpha, 0.5):
        return "weighted"
    return f"alpha={alpha:g}"


@dataclass(frozen=True, eq=False)
class Run:
    """One trained model: what it was, its logits on validation and test, and its scores."""

    name: str
    engine: str
    alpha: float | None  # None for baselines that take no weighting
    tau: float  # logit-adjusted loss strength used in training (0: plain CE)
    seed: int
    validation_logits: np.ndarray
    test_logits: np.ndarray
    scores: Scores
    info: dict = field(default_factory=dict)

    def record(self) -> dict:
        """The run as a JSON-ready row of ``results.json``."""
        o = self.scores.overall
        return {
            "name": self.name,
            "engine": self.engine,
            "alpha": self.alpha,
            "tau": self.tau,
            "seed": self.seed,
            "accuracy": float(o["accuracy"]),
            "macro_f1": float(o["macro_f1"]),
            "weighted_f1": float(o["weighted_f1"]),
            "balanced_accuracy": float(o["balanced_accuracy"]),
            "zero_f1_classes": int(o["zero_f1_classes"]),
            "n_classes_scored": int(o["n_classes_scored"]),
            "n_classes_predicted": int(o["n_classes_predicted"]),
            "n_classes_correct": int(o["n_classes_correct"]),
            "info": self.info,
        }


def train_run(
    engine: Engine,
    *,
    alpha: float | None = 0.0,
    tau: float = 0.0,
    seed: int = 0,
    name: str | None = None,
    beta: float | None = None,
    max_ratio: float | None = None,
) -> Run:
    """Train a prepared engine once and score it on the test split.

    Parameters
    ----------
    engine : Engine
        An engine on which ``prepare(dataset)`` was called.
    alpha : float or None
        Class-weight exponent, ``w_c ∝ n_c ** -alpha``; None or 0 trains unweighted.
    tau : float
        Logit-adjusted loss strength (Menon et al. 2021); 0 is plain cross-entropy.
    seed : int
        Training seed.
    name : str, optional
        Run name; default from :func:`run_name`.
    beta, max_ratio
        Passed to :func:`weightlab.weights.weights_from_counts`.
    """
    ds: TextDataset = engine._require_prepared()
    weight = None
    if (alpha or beta is not None) and engine.name != "majority":
        weight = weights_from_counts(
            ds.train_counts, alpha=alpha or 0.0, beta=beta, max_ratio=max_ratio
        )
    start = time.perf_counter()
    out = engine.fit_predict(class_weight=weight, tau=tau, seed=seed)
    info = dict(out.info, seconds=round(time.perf_counter() - start, 3))
    scores = scores_from_logits(
        out.test_logits,
        ds.labels_of("test"),
        class_names=ds.class_names,
        train_counts=ds.train_counts,
    )
    if name is None:
        name = (
            engine.name
            if engine.name in ("majority", "tfidf-logreg")
            else run_name(alpha or 0.0, tau=tau)
        )
    return Run(
        name=name,
        engine=engine.name,
        alpha=None if engine.name == "majority" else float(alpha or 0.0),
        tau=float(tau),
        seed=seed,
        validation_logits=out.validation_logits,
        test_logits=out.test_logits,
        scores=scores,
        info=info,
    )


def train_runs(
    dataset: TextDataset,
    *,
    engine: str | Engine = "tfidf-linear",
    alphas=(0.0, 0.5),
    seed: int = 0,
    baselines: bool = True,
    progress: bool = True,
) -> list[Run]:
    """Train the article's runs: baselines, then ``engine`` at every alpha.

    Parameters
    ----------
    dataset : TextDataset
        Split data set.
    engine : str or Engine
        Registry name (``"tfidf-linear"``, ``"transformer"``, ...) or a configured engine.
    alphas : sequence of float
        Class-weight exponents to train the engine at.
    seed : int
        Training seed of every run.
    baselines : bool
        Also run ``majority`` and ``tfidf-logreg`` (sharing the TF-IDF features with
        ``tfidf-linear`` when that is the engine).
    progress : bool
        Show a progress bar over the runs.

    Returns
    -------
    list of Run
        Baselines first, then one run per alpha in the given order.
    """
    from tqdm.auto import tqdm

    alphas = [float(a) for a in alphas]
    if not alphas:
        raise ValueError("alphas is empty; give at least one exponent, e.g. (0.0, 0.5).")
    if any(a < 0 or not math.isfinite(a) for a in alphas):
        raise ValueError(f"alphas must be finite and >= 0; got {alphas}.")
    main = get_engine(engine) if isinstance(engine, str) else engine
    jobs: list[tuple[Engine, float | None]] = []
    if baselines:
        jobs.append((get_engine("majority"), None))
        jobs.append((get_engine("tfidf-logreg"), None))
    jobs += [(main, a) for a in alphas]

    runs, prepared = [], set()
    shared_features = {}  # TfidfConfig -> TfidfFeatures: both TF-IDF engines featurise once
    bar = tqdm(jobs, desc="runs", disable=not progress)
    for eng, alpha in bar:
        bar.set_postfix_str(eng.name if alpha is None else f"{eng.name} alpha={alpha:g}")
        if id(eng) not in prepared:
            if eng.name.startswith("tfidf"):
                key = eng.config.features
                eng.prepare(dataset, features=shared_features.get(key))
                shared_features[key] = eng.features
            else:
                eng.prepare(dataset)
            prepared.add(id(eng))
        runs.append(train_run(eng, alpha=0.0 if alpha is None else alpha, seed=seed))
    return runs
