"""Runs: one trained model under one weighting, with its logits and scores.

:func:`train_runs` is the experiment behind the article's table: featurise once, then train
the chosen engine at each weighting exponent ``alpha`` (``0`` = unweighted, ``0.5`` =
sqrt-inverse), plus the baselines.

With ``cache=`` (on by default in :func:`weightlab.reproduce`) the validation and test
logits of every run are stored on disk (:mod:`weightlab.cache`), keyed by the data's
fingerprint, the engine and its config, the engine's source code, alpha, tau, beta,
max_ratio, the seed and the library versions; a repeated run is loaded and only scored.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import numpy as np

from weightlab import _validate
from weightlab._progress import elapsed, in_notebook, status
from weightlab.cache import Cache, as_cache, config_dict
from weightlab.data import TextDataset
from weightlab.engines import (
    ENGINE_NAMES,
    Engine,
    EngineOutput,
    default_baselines,
    engine_class,
    get_engine,
    is_baseline,
)
from weightlab.metrics import Scores, scores_from_logits
from weightlab.remedies import Remedy
from weightlab.weights import weights_from_counts

__all__ = ["Run", "remedy_of", "run_name", "train_run", "train_runs"]


def run_name(alpha: float, *, tau: float = 0.0, remedy: Remedy | None = None) -> str:
    """Name of a run: ``unweighted``, ``weighted`` (0.5), ``alpha=X`` or ``la-loss tau=X``.

    With a training ``remedy``, its name (``focal gamma=2``), followed by `` alpha=X`` and
    `` tau=X`` when combined with class weights or the logit-adjusted loss.
    """
    if remedy is not None:
        extra = "" if alpha == 0 or remedy.kind == "drw" else f" alpha={alpha:g}"
        return remedy.name + extra + (f" tau={tau:g}" if tau else "")
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
    # Loaded from the on-disk cache rather than trained (not written to results.json, so
    # that a repeated experiment writes the same file).
    cached: bool = False
    # The long-tail remedy (weightlab.remedies.REMEDIES) and its knob; None for baselines.
    # Plain runs are "weights" (knob alpha) or "la-loss" (knob tau).
    remedy: str | None = None
    knob: float | None = None

    def __post_init__(self):
        if self.remedy is None and self.alpha is not None and not self.baseline:
            kind, knob = remedy_of(self.alpha, self.tau)
            object.__setattr__(self, "remedy", kind)
            object.__setattr__(self, "knob", knob)

    @property
    def baseline(self) -> bool:
        """Whether the run's engine is a baseline (declared by the engine, ``Engine.baseline``)."""
        return is_baseline(self.engine)

    @property
    def fit_reference(self) -> str:
        """The baseline the fit check compares this engine with (``Engine.fit_reference``)."""
        if self.engine not in ENGINE_NAMES:  # a run of an unregistered engine
            return "tfidf-logreg"
        return engine_class(self.engine).fit_reference

    def record(self) -> dict:
        """The run as a JSON-ready row of ``results.json``."""
        o = self.scores.overall
        return {
            "name": self.name,
            "engine": self.engine,
            "alpha": self.alpha,
            "tau": self.tau,
            "remedy": self.remedy,
            "knob": self.knob,
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
    remedy: Remedy | None = None,
    cache=None,
    progress: bool = True,
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
    remedy : Remedy, optional
        A long-tail remedy (:mod:`weightlab.remedies`): ``Remedy("weights", a)`` is
        ``alpha=a`` and ``Remedy("la-loss", t)`` is ``tau=t``; ``resample`` and ``focal``
        combine with ``alpha`` and ``tau``; ``drw``'s knob is the alpha of its deferred
        weights (so ``alpha`` must stay 0).
    cache : Cache, path, bool or None
        On-disk cache of the logits (see :func:`weightlab.cache.as_cache`); a hit skips the
        fit (``info`` is the original fit's) and sets ``Run.cached``. None (default): train.
    progress : bool
        Show the engine's progress bar during the fit.
    """
    ds: TextDataset = engine._require_prepared()
    alpha, tau, remedy = _plain_options(alpha, tau, remedy)
    if remedy is not None and beta is not None:
        raise ValueError(
            f"beta= (effective-number weights) with the {remedy.kind} remedy would not show in "
            f"its name or knob ({remedy.name}); use alpha= weights with it, or beta= alone."
        )
    opts = dict(alpha=alpha, tau=tau, seed=seed, beta=beta, max_ratio=max_ratio, remedy=remedy)
    store = as_cache(cache)
    key = _run_key(store, ds, engine, **opts) if store is not None else None
    out = _load_run(store, key) if key is not None else None
    cached = out is not None
    if out is None:
        out = _fit(engine, ds, **opts, progress=progress)
        if key is not None:
            store.put(
                "run",
                key,
                {"validation_logits": out.validation_logits, "test_logits": out.test_logits},
                {"info": out.info},
            )
    return _make_run(
        engine, ds, out, alpha=alpha, tau=tau, remedy=remedy, seed=seed, name=name, cached=cached
    )


def _plain_options(alpha, tau, remedy):
    """``(alpha, tau, remedy)`` with the loss's own remedies folded into alpha and tau."""
    if remedy is None:
        return alpha, tau, None
    if not isinstance(remedy, Remedy):
        raise ValueError(
            f"remedy must be a weightlab.remedies.Remedy, e.g. Remedy('focal', 2); got {remedy!r}."
        )
    if remedy.kind == "weights":
        if alpha:
            raise ValueError("Give the class-weight exponent once: alpha= or Remedy('weights', a).")
        return remedy.value, tau, None
    if remedy.kind == "la-loss":
        if tau:
            raise ValueError("Give the logit adjustment once: tau= or Remedy('la-loss', t).")
        return alpha, remedy.value, None
    if remedy.kind == "drw" and alpha:
        raise ValueError(
            "drw's knob is the alpha of its deferred class weights: use Remedy('drw', alpha) "
            "with alpha=0."
        )
    return alpha, tau, remedy


def _train_side_by_side(engine: Engine, pending, *, store, workers: int):
    """Yield ``(index, Run)`` for ``pending`` ``(index, options)`` as their fits finish.

    The fits run in ``workers`` threads (a process pool would copy the features into every
    worker and cannot start from a notebook's ``__main__``); torch uses one thread per fit
    meanwhile. On an error the fits not yet started are cancelled and the error is raised.
    """
    from concurrent.futures import ThreadPoolExecutor, as_completed

    from weightlab.engines.linear import torch_threads

    with torch_threads(1), ThreadPoolExecutor(min(workers, len(pending))) as pool:
        futures = {
            pool.submit(train_run, engine, **opts, cache=store, progress=False): index
            for index, opts in pending
        }
        try:
            for done in as_completed(futures):
                yield futures[done], done.result()
        except BaseException:
            pool.shutdown(wait=True, cancel_futures=True)
            raise


def _fit(
    engine: Engine, ds: TextDataset, *, alpha, tau, seed, beta, max_ratio, remedy, progress
) -> EngineOutput:
    weight = None
    deferred = remedy.value if remedy is not None and remedy.kind == "drw" else None
    if deferred is not None or alpha or beta is not None:
        if engine.supports_class_weights:
            weight = weights_from_counts(
                ds.train_counts,
                alpha=deferred if deferred is not None else alpha or 0.0,
                beta=beta,
                max_ratio=max_ratio,
            )
    extra = {} if remedy is None else {"remedy": remedy}  # engines written before remedies
    start = time.perf_counter()
    out = engine.fit_predict(class_weight=weight, tau=tau, seed=seed, progress=progress, **extra)
    info = dict(out.info, seconds=round(time.perf_counter() - start, 3))
    return EngineOutput(out.validation_logits, out.test_logits, info)


def _code_digest(engine: Engine) -> str:
    """Hash of the source that trains a run: editing any of it retrains.

    The engine's module, the engine base class, the losses and weights, the remedies, this
    module (which builds each run's weights) and the shared head training of
    :mod:`weightlab.engines.linear`, its SAGA solver :mod:`weightlab.engines.saga` and its
    sparse batches :mod:`weightlab.engines.sparse` (used by the head engines).
    """
    import hashlib
    import sys
    from pathlib import Path

    from weightlab import remedies, weights
    from weightlab.engines import base, linear, saga, sparse

    h = hashlib.sha256()
    here = sys.modules[__name__]  # _fit builds the class weights of every run
    modules = (
        sys.modules[type(engine).__module__],
        base,
        weights,
        linear,
        saga,
        sparse,
        remedies,
        here,
    )
    for module in modules:
        path = getattr(module, "__file__", None)
        if path:
            h.update(Path(path).read_bytes())
    return h.hexdigest()


def _versions() -> dict:
    from importlib import metadata

    from weightlab._version import __version__

    out = {"weightlab": __version__}
    for dist in ("numpy", "scipy", "scikit-learn", "torch", "transformers"):
        try:
            out[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:  # pragma: no cover - all are dependencies
            out[dist] = None
    return out


def _run_key(
    store: Cache, ds: TextDataset, engine: Engine, *, alpha, tau, seed, beta, max_ratio, remedy
) -> str | None:
    """Cache key of one run, or None when the engine's config has no stable form."""
    config = config_dict(engine.config)
    if config is None:
        return None
    return store.key(
        "run",
        data=ds.fingerprint(),
        engine=engine.name,
        engine_class=f"{type(engine).__module__}.{type(engine).__qualname__}",
        config=config,
        inputs=engine.cache_parts(),
        alpha=float(alpha or 0.0),
        tau=float(tau),
        seed=int(seed),
        beta=beta,
        max_ratio=max_ratio,
        **({} if remedy is None else {"remedy": [remedy.kind, remedy.value]}),
        code=_code_digest(engine),
        versions=_versions(),
    )


def _load_run(store: Cache, key: str) -> EngineOutput | None:
    hit = store.load("run", key)
    if hit is None:
        return None
    arrays, meta = hit
    return EngineOutput(arrays["validation_logits"], arrays["test_logits"], meta.get("info", {}))


def _make_run(
    engine: Engine,
    ds: TextDataset,
    out: EngineOutput,
    *,
    alpha,
    tau,
    seed,
    name,
    remedy=None,
    cached=False,
) -> Run:
    info = out.info
    scores = scores_from_logits(
        out.test_logits,
        ds.labels_of("test"),
        class_names=ds.class_names,
        train_counts=ds.train_counts,
    )
    if name is None:
        name = engine.name if engine.baseline else run_name(alpha or 0.0, tau=tau, remedy=remedy)
    kind, knob = remedy_of(alpha, tau, remedy) if not engine.baseline else (None, None)
    if remedy is not None and remedy.kind == "drw":
        alpha = remedy.value  # the deferred weights' exponent
    return Run(
        name=name,
        engine=engine.name,
        alpha=float(alpha or 0.0) if engine.supports_class_weights else None,
        tau=float(tau),
        seed=seed,
        validation_logits=out.validation_logits,
        test_logits=out.test_logits,
        scores=scores,
        info=info,
        cached=cached,
        remedy=kind,
        knob=knob,
    )


def remedy_of(alpha, tau, remedy=None) -> tuple[str, float]:
    """``(remedy, knob)`` of an engine run: its remedy, else ``la-loss`` / ``weights``."""
    if remedy is not None:
        return remedy.kind, remedy.value
    if tau:
        return "la-loss", float(tau)
    return "weights", float(alpha or 0.0)


def train_runs(
    dataset: TextDataset,
    *,
    engine: str | Engine = "tfidf-linear",
    alphas=(0.0, 0.5),
    taus=(),
    remedies=(),
    seed: int = 0,
    baselines: bool = True,
    progress: bool = True,
    cache=None,
    n_jobs: int = -1,
) -> list[Run]:
    """Train the article's runs: baselines, then ``engine`` at every alpha (and tau).

    Parameters
    ----------
    dataset : TextDataset
        Split data set.
    engine : str or Engine
        Registry name (``"tfidf-linear"``, ``"transformer"``, ...) or a configured engine.
    alphas : sequence of float
        Class-weight exponents to train the engine at.
    taus : sequence of float, default ()
        Also train the engine unweighted with the logit-adjusted loss (Menon et al. 2021) at
        each of these strengths (e.g. ``(1.0,)``); the runs are named ``la-loss tau=X``.
        The engine must support it (``tfidf-linear``, ``transformer``).
    remedies : str or sequence of Remedy, default ()
        Other long-tail remedies to train (:mod:`weightlab.remedies`): a list of
        :class:`~weightlab.remedies.Remedy`, or names (``"weights,resample,focal,drw,la-loss"``)
        swept over their default grids (:func:`~weightlab.remedies.parse_remedies`).
        ``weights`` adds its alphas to ``alphas`` and ``la-loss`` its taus to ``taus``.
    seed : int
        Training seed of every run.
    baselines : bool
        Also run ``majority`` and ``tfidf-logreg`` (sharing the TF-IDF features with
        ``tfidf-linear`` when that is the engine).
    progress : bool
        Show a progress bar over the runs.
    cache : Cache, path, bool or None
        On-disk cache of TF-IDF features and of every run's logits (see
        :func:`weightlab.cache.as_cache`). A run found there is loaded, and an engine whose
        runs are all cached is never prepared. None (default): compute everything.
    n_jobs : int, default -1
        How many of ``engine``'s fits run side by side, in threads, when the engine allows
        it (:attr:`~weightlab.engines.Engine.concurrent_fits`: ``tfidf-linear`` and
        ``encoder-probe`` with ``hidden=0``): -1 one per usable CPU core (scikit-learn's
        convention), 1 one after another. The runs are the same either way; the baselines
        always train one after another.

    Returns
    -------
    list of Run
        Baselines first, then one run per alpha, then one per tau, then one per other
        remedy, in the given order.
    """
    from tqdm.auto import tqdm

    from weightlab.remedies import parse_remedies

    if isinstance(remedies, str):
        remedies = parse_remedies(remedies)
    remedies = list(remedies)
    if any(not isinstance(r, Remedy) for r in remedies):
        raise ValueError(
            "remedies must be names (e.g. 'resample,focal') or weightlab.remedies.Remedy "
            f"objects; got {remedies!r}."
        )
    alphas = list(_validate.alphas(alphas))
    alphas += [r.value for r in remedies if r.kind == "weights" and r.value not in alphas]
    try:
        taus = [float(t) for t in taus]
    except (TypeError, ValueError):
        raise ValueError(f"taus must be a sequence of numbers, e.g. (1.0,); got {taus!r}") from None
    if any(t == 0 or not math.isfinite(t) for t in taus):
        raise ValueError(
            f"taus must be finite and non-zero (tau=0 is the unweighted run); got {taus}."
        )
    taus += [r.value for r in remedies if r.kind == "la-loss" and r.value not in taus]
    trained = [r for r in remedies if r.trains]
    dataset.check_trainable()  # before any featurising: an empty split fails deep in sklearn
    main = get_engine(engine) if isinstance(engine, str) else engine
    for r in trained:  # before any training: minutes must not be lost to an unsupported remedy
        main._check_remedy(r)
    jobs: list[tuple[Engine, float | None, float, Remedy | None]] = []
    if baselines:
        jobs += [(get_engine(name), None, 0.0, None) for name in default_baselines()]
        # the fit check's logistic regression on the engine's own features, when it has one
        if (reference := main.reference_engine()) is not None:
            jobs.append((reference, None, 0.0, None))
    jobs += [(main, a, 0.0, None) for a in alphas]
    jobs += [(main, 0.0, t, None) for t in taus]
    jobs += [(main, 0.0, 0.0, r) for r in trained]

    store = as_cache(cache)
    workers = _validate.workers(n_jobs)
    runs: list[Run | None] = []
    prepared, announced = set(), set()
    side_by_side = []  # (index in runs, options) of the engine's fits that run in threads
    # Why no bar per fit in Jupyter: there each bar is a handful of widgets, and a sweep of
    # 21 fits sends the kernel's output channel over a thousand messages, more than its queue
    # keeps for a reader that waits for the cell (nbval): the bar over the runs says enough.
    fit_bars = progress and not in_notebook()
    bar = tqdm(total=len(jobs), desc="runs", disable=not progress)
    for eng, alpha, tau, remedy in jobs:
        bar.set_postfix_str(
            eng.name if alpha is None else f"{eng.name} " + run_name(alpha, tau=tau, remedy=remedy)
        )
        opts = dict(alpha=0.0 if alpha is None else alpha, tau=tau, seed=seed, remedy=remedy)
        run_key = (
            _run_key(store, dataset, eng, **opts, beta=None, max_ratio=None)
            if store is not None
            else None
        )
        out = _load_run(store, run_key) if run_key is not None else None
        if out is not None:  # cached: no need to featurise or train
            runs.append(_make_run(eng, dataset, out, **opts, name=None, cached=True))
            bar.update()
            continue
        if id(eng) not in prepared:
            step = eng.prepare_step
            if step and step not in announced:  # e.g. both TF-IDF engines: one featurising
                announced.add(step)
                status(
                    f"{step} {len(dataset.texts):,} documents ({eng.name}) ...", enabled=progress
                )
            eng.prepare(dataset, cache=store, progress=progress)  # TF-IDF engines share it
            prepared.add(id(eng))
        if eng is main and main.concurrent_fits and workers > 1:
            side_by_side.append((len(runs), opts))  # trained below, all together
            runs.append(None)
        elif not eng.silent_fit:
            runs.append(train_run(eng, **opts, cache=store, progress=fit_bars))
            bar.update()
        else:
            start = time.perf_counter()  # a long fit that shows nothing itself: time it aloud
            with elapsed(f"training {eng.name}", enabled=progress):
                runs.append(train_run(eng, **opts, cache=store, progress=fit_bars))
            status(f"trained {eng.name} in {time.perf_counter() - start:.0f} s", enabled=progress)
            bar.update()
    if len(side_by_side) == 1:  # nothing to run beside it: its own bar, as above
        (index, opts), side_by_side = side_by_side[0], []
        runs[index] = train_run(main, **opts, cache=store, progress=fit_bars)
        bar.update()
    if side_by_side:
        bar.set_postfix_str(f"{main.name}: {min(workers, len(side_by_side))} fits side by side")
        for index, run in _train_side_by_side(main, side_by_side, store=store, workers=workers):
            runs[index] = run
            bar.update()
    bar.close()
    return runs
