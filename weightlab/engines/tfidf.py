"""Bag-of-words engines over TF-IDF features.

- ``tfidf-logreg`` - scikit-learn ``LogisticRegression`` on TF-IDF, the article's
  bag-of-words baseline (54.2% accuracy on the real data).
- ``tfidf-linear`` - the default CPU engine: a torch softmax regression (or a small MLP)
  over the same sparse TF-IDF features, trained with the weighted
  ``torch.nn.CrossEntropyLoss`` of :func:`weightlab.weights.make_loss`, until its own
  validation loss stops improving (:mod:`weightlab.engines.linear`). It matches the logistic
  regression on the same features (``weightlab bench --fit``) and adds what scikit-learn's
  does not have: the logit-adjusted loss and any torch loss. A fit takes 10-40 s on the
  default data.

Both share :func:`tfidf_features`, fitted on the training split only, and cached on disk with
``cache=`` (:mod:`weightlab.cache`). For corpora of millions of documents,
``TfidfConfig(hashing=True)`` hashes n-grams instead of holding a vocabulary.
"""

from __future__ import annotations

import time
import warnings
import weakref
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from weightlab.cache import as_cache, config_dict, pack_csr, unpack_csr
from weightlab.data import TextDataset
from weightlab.engines.base import Engine, EngineOutput
from weightlab.engines.linear import BatchStore, HeadConfig, train_head

__all__ = [
    "TfidfConfig",
    "TfidfFeatures",
    "tfidf_features",
    "TfidfLogRegConfig",
    "TfidfLogRegEngine",
    "TfidfLinearConfig",
    "TfidfLinearEngine",
    "fit_logistic_regression",
]


@dataclass(frozen=True)
class TfidfConfig:
    """How texts become TF-IDF vectors (``sklearn.feature_extraction.text``).

    With ``hashing=True`` n-grams are hashed into ``n_features`` columns
    (``HashingVectorizer`` + ``TfidfTransformer``, transformed in chunks) instead of being
    looked up in a vocabulary that grows with the corpus: use it for millions of documents.
    ``min_df`` and ``max_features`` then select hashed columns by their training document
    frequency and total count, as the vocabulary would.
    """

    ngram_range: tuple[int, int] = (1, 2)  # words and word pairs
    min_df: int = 3  # drop n-grams seen in fewer training documents (memory, noise)
    max_features: int | None = 100_000  # cap the vocabulary by corpus frequency
    sublinear_tf: bool = True  # 1 + log(tf): long narratives do not dominate
    lowercase: bool = True
    hashing: bool = False  # hash n-grams (no vocabulary in memory): for huge corpora
    n_features: int = 2**20  # hashed columns before min_df / max_features (hashing only)

    def __post_init__(self):
        lo, hi = self.ngram_range
        if not 1 <= lo <= hi:
            raise ValueError(
                f"ngram_range must be (lo, hi) with 1 <= lo <= hi; got {self.ngram_range}."
            )
        if self.min_df < 1:
            raise ValueError(f"min_df must be a count >= 1; got {self.min_df}.")
        if self.max_features is not None and self.max_features < 1:
            raise ValueError(f"max_features must be None or >= 1; got {self.max_features}.")
        if self.n_features < 2:
            raise ValueError(f"n_features must be >= 2 hashed columns; got {self.n_features}.")


@dataclass(frozen=True)
class TfidfFeatures:
    """TF-IDF matrices of the three splits (float32 CSR) and the vocabulary size.

    ``seconds`` is the time it took to featurise (or to load, when ``cached``).
    """

    train: sp.csr_matrix
    validation: sp.csr_matrix
    test: sp.csr_matrix
    n_features: int
    seconds: float
    cached: bool = False  # loaded from the on-disk cache


#: Documents hashed per chunk: bounds the temporary memory of ``hashing=True``.
_HASH_CHUNK = 20_000


def tfidf_features(
    dataset: TextDataset, config: TfidfConfig | None = None, *, cache=None
) -> TfidfFeatures:
    """Fit TF-IDF on the training split and transform all three splits.

    Parameters
    ----------
    dataset : TextDataset
        The corpus.
    config : TfidfConfig, optional
        Featuriser options; ``hashing=True`` for corpora too large for a vocabulary.
    cache : Cache, path, bool or None
        On-disk cache (see :func:`weightlab.cache.as_cache`): the matrices are stored under a
        key of the data's fingerprint, ``config`` and the scikit-learn version, and loaded
        from there next time. None (default) always featurises.

    Returns
    -------
    TfidfFeatures
    """
    import sklearn

    config = config or TfidfConfig()
    store = as_cache(cache)
    key = None
    if store is not None:
        start = time.perf_counter()
        key = store.key(
            "tfidf",
            data=dataset.fingerprint(),
            config=config_dict(config),
            sklearn=sklearn.__version__,
        )
        hit = store.load("tfidf", key)
        if hit is not None:
            arrays, _ = hit
            train = unpack_csr("train", arrays)
            return TfidfFeatures(
                train=train,
                validation=unpack_csr("validation", arrays),
                test=unpack_csr("test", arrays),
                n_features=train.shape[1],
                seconds=time.perf_counter() - start,
                cached=True,
            )
    features = _hashed_tfidf(dataset, config) if config.hashing else _tfidf(dataset, config)
    if store is not None:
        arrays = {}
        for part in ("train", "validation", "test"):
            arrays.update(pack_csr(part, getattr(features, part)))
        store.put("tfidf", key, arrays, {"seconds": features.seconds})
    return features


def _tfidf(dataset: TextDataset, config: TfidfConfig) -> TfidfFeatures:
    from sklearn.feature_extraction.text import TfidfVectorizer

    start = time.perf_counter()
    vectorizer = TfidfVectorizer(
        ngram_range=config.ngram_range,
        min_df=config.min_df,
        max_features=config.max_features,
        sublinear_tf=config.sublinear_tf,
        lowercase=config.lowercase,
        dtype=np.float32,
    )
    train = vectorizer.fit_transform(dataset.texts_of("train")).tocsr()
    validation = vectorizer.transform(dataset.texts_of("validation")).tocsr()
    test = vectorizer.transform(dataset.texts_of("test")).tocsr()
    return TfidfFeatures(
        train=train,
        validation=validation,
        test=test,
        n_features=train.shape[1],
        seconds=time.perf_counter() - start,
    )


def _hashed_tfidf(dataset: TextDataset, config: TfidfConfig) -> TfidfFeatures:
    """``hashing=True``: hashed n-gram counts in chunks, column selection, then TF-IDF."""
    from sklearn.feature_extraction.text import HashingVectorizer, TfidfTransformer

    start = time.perf_counter()
    hasher = HashingVectorizer(
        ngram_range=config.ngram_range,
        n_features=config.n_features,
        lowercase=config.lowercase,
        alternate_sign=False,  # counts, not signed sums: TF-IDF needs them
        norm=None,
        dtype=np.float32,
    )

    def counts(texts: list[str]) -> sp.csr_matrix:
        # 1) chunks: the analyzer's temporary lists stay small whatever the corpus size
        chunks = [
            hasher.transform(texts[i : i + _HASH_CHUNK]) for i in range(0, len(texts), _HASH_CHUNK)
        ]
        return sp.vstack(chunks, format="csr") if chunks else hasher.transform([])

    def tfidf(X: sp.csr_matrix) -> sp.csr_matrix:
        return transformer.transform(X, copy=False).astype(np.float32, copy=False).tocsr()

    train = counts(dataset.texts_of("train"))
    # 2) the vocabulary's min_df / max_features, applied to hashed columns
    df = np.bincount(train.indices, minlength=config.n_features)
    keep = np.flatnonzero(df >= config.min_df)
    if config.max_features is not None and keep.size > config.max_features:
        total = np.bincount(train.indices, weights=train.data, minlength=config.n_features)
        keep = np.sort(keep[np.argsort(-total[keep], kind="stable")[: config.max_features]])
    # 3) rebind and transform in place: at 1M documents each copy is about a gigabyte
    train = train[:, keep]
    transformer = TfidfTransformer(sublinear_tf=config.sublinear_tf).fit(train)
    train = tfidf(train)
    parts = {p: tfidf(counts(dataset.texts_of(p))[:, keep]) for p in ("validation", "test")}
    return TfidfFeatures(
        train=train,
        validation=parts["validation"],
        test=parts["test"],
        n_features=train.shape[1],
        seconds=time.perf_counter() - start,
    )


#: Features per data set object and featuriser config, computed once in this process, so
#: that both TF-IDF engines of a run list (and every fit of a sweep) share them. Weak keys:
#: the features go with their data set.
_SHARED: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


class _TfidfEngine(Engine):
    """Shared ``prepare``: featurise once, reuse for every weighting."""

    prepare_step = "featurising"

    def prepare(self, dataset: TextDataset, *, cache=None, progress=None):
        """Featurise ``dataset``: once per data set and featuriser config in this process.

        Parameters
        ----------
        dataset : TextDataset
            The corpus.
        cache : Cache, path, bool or None
            Passed to :func:`tfidf_features`: load the matrices from the on-disk cache when
            they are there, store them otherwise.
        progress : ignored
            Featurising shows no bar (the caller's status line says it is running).
        """
        super().prepare(dataset)
        shared = _SHARED.setdefault(dataset, {})
        if self.config.features not in shared:
            shared[self.config.features] = tfidf_features(
                dataset, self.config.features, cache=cache
            )
        self.features = shared[self.config.features]
        self._batches = BatchStore(self.features.train)  # shuffled batches, shared by fits
        return self


@dataclass(frozen=True)
class TfidfLogRegConfig:
    """TF-IDF + ``sklearn.linear_model.LogisticRegression``, the article's baseline."""

    features: TfidfConfig = field(default_factory=TfidfConfig)
    C: float = 10.0  # inverse L2 strength; TF-IDF rows are unit-norm so C is large
    # saga: lbfgs on this many n-grams x 113 classes took 20 min and 20 GB here.
    solver: str = "saga"
    # saga epochs. Accuracy is flat after ~10 on TF-IDF, but 15 often stops before saga's
    # tol: info["converged"] says so, and the fit check of the results reports it.
    max_iter: int = 15
    tol: float = 1e-3

    def __post_init__(self):
        if self.C <= 0:
            raise ValueError(f"C must be > 0; got {self.C}.")
        if self.max_iter < 1:
            raise ValueError(f"max_iter must be >= 1; got {self.max_iter}.")


class TfidfLogRegEngine(_TfidfEngine):
    """scikit-learn logistic regression on TF-IDF features.

    ``class_weight`` is passed to ``LogisticRegression`` as a dict, so the same
    weighting family applies; ``tau`` (logit-adjusted loss) is not supported here.
    """

    name = "tfidf-logreg"
    baseline = True
    silent_fit = True  # saga prints nothing while it runs (about 30 s on 58K documents)

    def __init__(self, config: TfidfLogRegConfig | None = None):
        super().__init__(config or TfidfLogRegConfig())

    def fit_predict(
        self, *, class_weight=None, tau=0.0, remedy=None, seed=0, progress=None
    ) -> EngineOutput:
        """Fit the logistic regression and return its log-probabilities."""
        self._check_fit_options(class_weight, tau, remedy)
        ds = self._require_prepared()
        cfg, f = self.config, self.features
        return fit_logistic_regression(
            ds,
            (f.train, f.validation, f.test),
            class_weight=class_weight,
            seed=seed,
            C=cfg.C,
            solver=cfg.solver,
            max_iter=cfg.max_iter,
            tol=cfg.tol,
        )


def fit_logistic_regression(
    dataset: TextDataset, features, *, class_weight=None, seed: int = 0, **params
) -> EngineOutput:
    """Fit ``sklearn.linear_model.LogisticRegression(**params)`` and return log-probabilities.

    Shared by the logistic-regression baselines (``tfidf-logreg``, ``encoder-logreg``).

    Parameters
    ----------
    dataset : TextDataset
        The corpus (training labels, number of classes).
    features : tuple
        ``(train, validation, test)`` feature matrices of its three splits.
    class_weight : numpy.ndarray, optional
        Per-class weights aligned with the classes (passed as a dict of the classes present).
    seed : int
        ``random_state``.
    **params
        ``C``, ``solver``, ``max_iter``, ``tol``, ...

    Returns
    -------
    EngineOutput
        ``info`` records ``fit_seconds``, ``n_iter``, ``max_iter`` and ``converged``.
    """
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.linear_model import LogisticRegression

    y = dataset.labels_of("train")
    weight = None
    if class_weight is not None:
        weight = {int(c): float(class_weight[c]) for c in np.unique(y)}
    model = LogisticRegression(class_weight=weight, random_state=seed, **params)
    X_train, X_validation, X_test = features
    start = time.perf_counter()
    with warnings.catch_warnings(record=True) as caught:
        # Recorded, not raised: a fit that stopped at max_iter is reported in ``info``
        # (``converged``) and in the results' fit check, where the user sees it.
        warnings.simplefilter("always", ConvergenceWarning)
        model.fit(X_train, y)
    seconds = time.perf_counter() - start
    converged = True
    for w in caught:
        if issubclass(w.category, ConvergenceWarning):
            converged = False
        else:  # anything else is passed on as it came
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)

    def full_logits(X) -> np.ndarray:
        # Why: LogisticRegression only knows the classes seen in training; the rest get -inf
        # replaced by a very low finite score so argmax and softmax stay well defined.
        out = np.full((X.shape[0], dataset.n_classes), -1e4, dtype=np.float32)
        out[:, model.classes_] = model.predict_log_proba(X)
        return out

    return EngineOutput(
        validation_logits=full_logits(X_validation),
        test_logits=full_logits(X_test),
        info={
            "fit_seconds": seconds,
            "n_iter": int(np.max(model.n_iter_)),
            "max_iter": model.max_iter,
            "converged": converged,
        },
    )


@dataclass(frozen=True)
class TfidfLinearConfig(HeadConfig):
    """Torch softmax regression (``hidden=0``) or one-hidden-layer MLP over TF-IDF.

    The training fields (``C``, ``max_epochs``, ``patience``, ...) are those of
    :class:`~weightlab.engines.linear.HeadConfig`: an L2 penalty with scikit-learn's ``C``,
    and early stopping on the run's own validation loss with the best epoch restored;
    :meth:`~weightlab.engines.linear.HeadConfig.converged` solves the same objective with SAGA
    to its optimum instead.
    """

    features: TfidfConfig = field(default_factory=TfidfConfig)


class TfidfLinearEngine(_TfidfEngine):
    """Softmax regression over sparse TF-IDF, trained in torch with a weighted loss.

    The sparse product ``X @ W`` runs in torch's CSR kernel (its gradient in scipy's) inside
    a torch autograd function (no dense feature matrix is ever built); optimiser: SGD with
    Nesterov momentum and the L2 penalty; stopped on the run's own validation loss
    (:mod:`weightlab.engines.linear`; ``TfidfLinearConfig.converged()``: SAGA to the optimum).
    The shuffled batches of each epoch depend only on the seed, so they are built once and
    reused by every fit of a sweep.
    """

    name = "tfidf-linear"
    supports_tau = True
    remedies = frozenset({"resample", "focal", "drw"})

    def __init__(self, config: TfidfLinearConfig | None = None):
        super().__init__(config or TfidfLinearConfig())

    @property
    def concurrent_fits(self) -> bool:
        """Softmax regression starts from zero and draws nothing; an MLP uses torch's seed."""
        return self.config.hidden == 0

    def fit_predict(
        self, *, class_weight=None, tau=0.0, remedy=None, seed=0, progress=None
    ) -> EngineOutput:
        """Train with ``make_loss(class_weight, tau=tau)`` (and ``remedy``); return the logits."""
        self._check_fit_options(class_weight, tau, remedy)
        ds = self._require_prepared()
        f = self.features
        fit = train_head(
            ds,
            (f.train, f.validation, f.test),
            class_weight=class_weight,
            tau=tau,
            remedy=remedy,
            config=self.config,
            seed=seed,
            batches=self._batches,
            progress=self._show_progress(progress),
            desc=self.name,
        )
        return EngineOutput(fit.validation_logits, fit.test_logits, fit.info)
