"""Bag-of-words engines over TF-IDF features.

- ``tfidf-logreg`` - scikit-learn ``LogisticRegression`` on TF-IDF, the article's
  bag-of-words baseline (54.2% accuracy on the real data).
- ``tfidf-linear`` - the default CPU engine: a torch softmax regression (or a small MLP)
  over the same sparse TF-IDF features, trained with the weighted
  ``torch.nn.CrossEntropyLoss`` of :func:`weightlab.weights.make_loss`. A fit takes seconds,
  so a sweep over the weighting exponent and a live slider are cheap.

Both share :func:`tfidf_features`, fitted on the training split only.
"""

from __future__ import annotations

import time
import warnings
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from weightlab.data import TextDataset
from weightlab.engines.base import Engine, EngineOutput
from weightlab.weights import log_prior, make_loss

__all__ = [
    "TfidfConfig",
    "TfidfFeatures",
    "tfidf_features",
    "TfidfLogRegConfig",
    "TfidfLogRegEngine",
    "TfidfLinearConfig",
    "TfidfLinearEngine",
]


@dataclass(frozen=True)
class TfidfConfig:
    """How texts become TF-IDF vectors (``sklearn.feature_extraction.text``)."""

    ngram_range: tuple[int, int] = (1, 2)  # words and word pairs
    min_df: int = 3  # drop n-grams seen in fewer training documents (memory, noise)
    max_features: int | None = 100_000  # cap the vocabulary by corpus frequency
    sublinear_tf: bool = True  # 1 + log(tf): long narratives do not dominate
    lowercase: bool = True

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


@dataclass(frozen=True)
class TfidfFeatures:
    """TF-IDF matrices of the three splits (float32 CSR) and the vocabulary size."""

    train: sp.csr_matrix
    validation: sp.csr_matrix
    test: sp.csr_matrix
    n_features: int
    seconds: float


def tfidf_features(dataset: TextDataset, config: TfidfConfig | None = None) -> TfidfFeatures:
    """Fit a ``TfidfVectorizer`` on the training split and transform all three splits."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    config = config or TfidfConfig()
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


class _TfidfEngine(Engine):
    """Shared ``prepare``: featurise once, reuse for every weighting."""

    def prepare(self, dataset: TextDataset, features: TfidfFeatures | None = None):
        """Featurise ``dataset`` (or adopt precomputed ``features``)."""
        super().prepare(dataset)
        self.features = features or tfidf_features(dataset, self.config.features)
        return self


@dataclass(frozen=True)
class TfidfLogRegConfig:
    """TF-IDF + ``sklearn.linear_model.LogisticRegression``, the article's baseline."""

    features: TfidfConfig = field(default_factory=TfidfConfig)
    C: float = 10.0  # inverse L2 strength; TF-IDF rows are unit-norm so C is large
    # saga: lbfgs on this many n-grams x 113 classes took 20 min and 20 GB here.
    solver: str = "saga"
    max_iter: int = 15  # saga epochs; accuracy is flat after ~10 on TF-IDF
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

    def __init__(self, config: TfidfLogRegConfig | None = None):
        super().__init__(config or TfidfLogRegConfig())

    def fit_predict(self, *, class_weight=None, tau=0.0, seed=0) -> EngineOutput:
        """Fit the logistic regression and return its log-probabilities."""
        from sklearn.exceptions import ConvergenceWarning
        from sklearn.linear_model import LogisticRegression

        ds = self._require_prepared()
        if tau:
            raise ValueError("tfidf-logreg has no logit-adjusted loss; use tau=0 or tfidf-linear.")
        y = ds.labels_of("train")
        present = np.unique(y)
        weight = None if class_weight is None else {int(c): float(class_weight[c]) for c in present}
        cfg = self.config
        model = LogisticRegression(
            C=cfg.C,
            solver=cfg.solver,
            max_iter=cfg.max_iter,
            tol=cfg.tol,
            class_weight=weight,
            random_state=seed,
        )
        start = time.perf_counter()
        with warnings.catch_warnings():
            # A capped number of saga epochs is the point (speed); it is not an error.
            warnings.simplefilter("ignore", ConvergenceWarning)
            model.fit(self.features.train, y)
        seconds = time.perf_counter() - start
        return EngineOutput(
            validation_logits=self._full_logits(model, self.features.validation, ds.n_classes),
            test_logits=self._full_logits(model, self.features.test, ds.n_classes),
            info={"fit_seconds": seconds, "n_iter": int(np.max(model.n_iter_))},
        )

    @staticmethod
    def _full_logits(model, X, n_classes: int) -> np.ndarray:
        # Why: LogisticRegression only knows the classes seen in training; the rest get -inf
        # replaced by a very low finite score so argmax and softmax stay well defined.
        out = np.full((X.shape[0], n_classes), -1e4, dtype=np.float32)
        out[:, model.classes_] = model.predict_log_proba(X)
        return out


@dataclass(frozen=True)
class TfidfLinearConfig:
    """Torch softmax regression (``hidden=0``) or one-hidden-layer MLP over TF-IDF."""

    features: TfidfConfig = field(default_factory=TfidfConfig)
    hidden: int = 0  # 0: softmax regression; > 0: EmbeddingBag -> ReLU -> Linear MLP
    epochs: int = 4  # accuracy is flat after 3-4 passes on 40K narratives
    batch_size: int = 512
    learning_rate: float = 0.03
    dropout: float = 0.0  # on the hidden layer only
    num_threads: int | None = None  # torch CPU threads; None keeps torch's default

    def __post_init__(self):
        if self.hidden < 0:
            raise ValueError(f"hidden must be >= 0; got {self.hidden}.")
        if self.epochs < 1 or self.batch_size < 1:
            raise ValueError(
                f"epochs and batch_size must be >= 1; got {self.epochs}, {self.batch_size}."
            )
        if self.learning_rate <= 0:
            raise ValueError(f"learning_rate must be > 0; got {self.learning_rate}.")
        if not 0 <= self.dropout < 1:
            raise ValueError(f"dropout must be in [0, 1); got {self.dropout}.")


def _bag_inputs(X: sp.csr_matrix):
    """CSR rows as ``EmbeddingBag`` inputs (indices, offsets, per-sample weights)."""
    import torch

    return (
        torch.from_numpy(X.indices.astype(np.int64)),
        torch.from_numpy(X.indptr[:-1].astype(np.int64)),
        torch.from_numpy(X.data.astype(np.float32)),
    )


class TfidfLinearEngine(_TfidfEngine):
    """Softmax regression over sparse TF-IDF, trained in torch with a weighted loss.

    The sparse product ``X @ W`` is an ``nn.EmbeddingBag(mode="sum")`` with the TF-IDF
    values as per-sample weights (fastText's trick: no dense feature matrix is ever
    built); optimiser: ``Adam``.
    """

    name = "tfidf-linear"

    def __init__(self, config: TfidfLinearConfig | None = None):
        super().__init__(config or TfidfLinearConfig())

    def _build(self, n_features: int, n_classes: int, seed: int):
        import torch
        from torch import nn

        torch.manual_seed(seed)
        cfg = self.config
        width = cfg.hidden or n_classes
        # Dense gradients: a batch of ~1000 narratives touches most of the vocabulary, so
        # sparse gradients (SparseAdam) measured slower here.
        bag = nn.EmbeddingBag(n_features, width, mode="sum")
        if cfg.hidden:
            nn.init.normal_(bag.weight, 0.0, 0.05)
        else:
            nn.init.zeros_(bag.weight)
        head = nn.Sequential(nn.ReLU(), nn.Dropout(cfg.dropout), nn.Linear(width, n_classes))
        bias = nn.Parameter(torch.zeros(n_classes))
        return bag, (head if cfg.hidden else None), bias

    def fit_predict(self, *, class_weight=None, tau=0.0, seed=0) -> EngineOutput:
        """Train with ``make_loss(class_weight, tau=tau)`` and return test / validation logits."""
        import torch
        from tqdm.auto import tqdm

        ds = self._require_prepared()
        cfg = self.config
        if cfg.num_threads:
            torch.set_num_threads(cfg.num_threads)
        X, y = self.features.train, ds.labels_of("train")
        bag, head, bias = self._build(X.shape[1], ds.n_classes, seed)
        weight = None if class_weight is None else np.asarray(class_weight, dtype=np.float32)
        loss_fn = make_loss(weight, log_prior=log_prior(ds.train_counts), tau=tau)
        params = [bag.weight, bias] + (list(head.parameters()) if head is not None else [])
        opt = torch.optim.Adam(params, lr=cfg.learning_rate)
        rng = np.random.default_rng(seed)
        y_t = torch.from_numpy(y.astype(np.int64))
        start = time.perf_counter()
        n_batches = -(-X.shape[0] // cfg.batch_size)
        bar = tqdm(
            total=cfg.epochs * n_batches,
            desc="tfidf-linear",
            leave=False,
            mininterval=1,
            disable=not self.progress,
        )
        for _ in range(cfg.epochs):
            # 1) permute once per epoch, then batches are contiguous CSR slices (cheap)
            order = rng.permutation(X.shape[0])
            Xp, yp = X[order], y_t[torch.from_numpy(order)]
            idx, off, val = _bag_inputs(Xp)
            indptr = Xp.indptr
            for b in range(n_batches):
                lo, hi = b * cfg.batch_size, min((b + 1) * cfg.batch_size, X.shape[0])
                s, e = int(indptr[lo]), int(indptr[hi])
                out = bag(idx[s:e], off[lo:hi] - s, per_sample_weights=val[s:e])
                logits = (head(out) if head is not None else out) + bias
                loss = loss_fn(logits, yp[lo:hi])
                opt.zero_grad()
                loss.backward()
                opt.step()
                bar.update()
        bar.close()
        seconds = time.perf_counter() - start

        def predict(Xs):
            with torch.no_grad():
                i, o, v = _bag_inputs(Xs)
                out = bag(i, o, per_sample_weights=v)
                return ((head.eval()(out) if head is not None else out) + bias).numpy()

        return EngineOutput(
            validation_logits=predict(self.features.validation),
            test_logits=predict(self.features.test),
            info={"fit_seconds": seconds, "epochs": cfg.epochs},
        )
