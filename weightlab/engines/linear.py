"""Train a softmax head on fixed features, for a fixed count or to a validation criterion.

Shared by the engines that learn only a head over features computed once (``tfidf-linear``
on sparse TF-IDF rows): a softmax regression (``hidden=0``) or a one-hidden-layer MLP,
trained with the weighted, optionally logit-adjusted loss of
:func:`weightlab.weights.make_loss` and an L2 penalty, and stopped by its own objective on
the validation split.

How a fit stops
---------------
Every epoch ends with the run's **own loss on the validation split**: the same weighted (and,
with ``tau``, logit-adjusted) cross-entropy it is trained on, without the L2 term. Training
stops when that has not improved for ``patience`` epochs (stop reason ``"criterion"``), or
after ``max_epochs`` (``"cap"``), and the weights of the best epoch are restored. On a
113-class corpus the validation loss stays nearly flat for many epochs while the rare classes
are still being fitted, so any improvement counts (``tol=0``) and the patience is 5.

Why that quantity: a weighted run stopped on *unweighted* validation accuracy would be
stopped where it suits accuracy, pulling every alpha towards the unweighted model; its own
objective is what it is trained to minimise, so the rule is the same for every alpha, tau
and seed. Without a validation split the fit runs ``max_epochs`` (``"no validation split"``).
:meth:`HeadConfig.legacy` is weightlab 0.1's fixed schedule (``"fixed epochs"``), which
under-fits real narratives (``weightlab bench --fit``).

The schedule scales with the data: an epoch has at least ``min_batches`` optimiser steps
(the batch shrinks on small data sets, never below 16): 1,000 training documents get 20
steps of 50 an epoch rather than one step of 1,000, and 40,000 get 40 steps of 1,024.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import math
import threading
import time
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from weightlab import _validate

__all__ = ["BatchStore", "HeadConfig", "HeadFit", "fit_head", "train_head"]


@dataclass(frozen=True)
class HeadConfig:
    """How a softmax head is trained (see the module docstring).

    The L2 penalty follows scikit-learn's ``LogisticRegression``: the objective is
    ``C * sum_i w_i * CE_i + ||W||^2 / 2`` (``w_i`` the class weight of example ``i``,
    bias not penalised), so ``C`` means the same here as in ``tfidf-logreg``; ``C=None``
    turns the penalty off.
    """

    hidden: int = 0  # 0: softmax regression; > 0: linear -> ReLU -> Linear MLP
    # SGD with Nesterov momentum. Adam (0.1's optimiser) gave every rare n-gram a large step
    # and stayed 1-4 points below the logistic regression on real narratives; SGD matched it.
    optimizer: str = "sgd"  # "sgd" or "adam"
    learning_rate: float = 6.0  # large because TF-IDF rows have unit norm
    max_epochs: int = 60  # the cap; with early_stopping=False, the number of epochs
    early_stopping: bool = True  # stop on the run's own validation loss, best epoch restored
    # Inverse L2 strength as in LogisticRegression (None: no penalty). 30 matched or beat 10
    # and 100 on the fit suite (weightlab bench --fit, docs/benchmarks.md).
    C: float | None = 30.0
    # Epochs without improvement before stopping. 5 with tol=0: the validation loss of a
    # 113-class corpus is flat for many epochs while the rare classes are still being fitted;
    # patience 2-3 or a relative tol stopped there, 0.02-0.05 macro F1 below the logistic
    # regression.
    patience: int = 5
    tol: float = 0.0  # relative improvement of the validation loss that counts
    batch_size: int = 1024  # largest batch; fewer optimiser steps over the dense weights
    min_batches: int = 20  # at least this many steps an epoch (smaller batches on small data)
    momentum: float = 0.9  # sgd only
    # < 1: multiply the learning rate by this after every epoch without improvement
    # (ReduceLROnPlateau). Off by default: on the suite it froze the fit before the tail.
    lr_decay: float = 1.0
    dropout: float = 0.0  # on the hidden layer only
    # Deferred re-weighting (remedy "drw"): the weighted second stage starts from the
    # unweighted fit with the learning rate times this (Cao et al. 2019 decay it 100x at the
    # switch; at the full rate SGD's first steps threw the warm start away).
    drw_learning_rate_factor: float = 0.1
    # torch CPU threads during a fit (restored after). 1: the backward product runs in scipy
    # on one core anyway, and on a busy 2-core machine a second torch thread made fits 5x
    # slower (OpenMP threads waiting for a core). None keeps torch's setting.
    num_threads: int | None = 1
    epochs: int | None = None  # deprecated (0.1's fixed count): sets max_epochs

    @classmethod
    def legacy(cls, **overrides):
        """The fixed schedule of weightlab 0.1: Adam at 0.05, 2 epochs of 1024, no penalty.

        Kept to reproduce results published with 0.1; it under-fits real narratives by 4-27
        points against the logistic regression (``weightlab bench --fit``).
        """
        preset = dict(
            optimizer="adam",
            learning_rate=0.05,
            max_epochs=2,
            early_stopping=False,
            C=None,
            min_batches=1,
        )
        return cls(**(preset | overrides))

    def __post_init__(self):
        if self.epochs is not None:
            import warnings

            warnings.warn(
                "epochs= is deprecated: fits now stop on the validation loss; use "
                "max_epochs= for the cap.",
                DeprecationWarning,
                stacklevel=3,
            )
            object.__setattr__(self, "max_epochs", self.epochs)
            object.__setattr__(self, "epochs", None)
        if self.hidden < 0:
            raise ValueError(f"hidden must be >= 0; got {self.hidden}.")
        if self.C is not None and not (self.C > 0 and math.isfinite(self.C)):
            raise ValueError(f"C must be a finite number > 0, or None for no L2; got {self.C}.")
        for name in ("max_epochs", "patience", "batch_size", "min_batches"):
            value = getattr(self, name)
            _validate.whole_number(value, name, minimum=1)
        if not 0 <= self.tol < 1:
            raise ValueError(f"tol must be in [0, 1); got {self.tol}.")
        if not self.learning_rate > 0:
            raise ValueError(f"learning_rate must be > 0; got {self.learning_rate}.")
        if self.optimizer not in ("adam", "sgd"):
            raise ValueError(f"optimizer must be 'adam' or 'sgd'; got {self.optimizer!r}.")
        if not 0 <= self.momentum < 1:
            raise ValueError(f"momentum must be in [0, 1); got {self.momentum}.")
        if not 0 < self.lr_decay <= 1:
            raise ValueError(f"lr_decay must be in (0, 1] (1: no decay); got {self.lr_decay}.")
        if not 0 < self.drw_learning_rate_factor <= 1:
            raise ValueError(
                f"drw_learning_rate_factor must be in (0, 1]; got {self.drw_learning_rate_factor}."
            )
        if not 0 <= self.dropout < 1:
            raise ValueError(f"dropout must be in [0, 1); got {self.dropout}.")
        if self.num_threads is not None and self.num_threads < 1:
            raise ValueError(f"num_threads must be None or >= 1; got {self.num_threads}.")

    def batch_for(self, n_train: int) -> int:
        """The batch size for ``n_train`` examples: ``min_batches`` steps an epoch at least."""
        return max(1, min(self.batch_size, max(16, -(-n_train // self.min_batches))))


@dataclass(frozen=True)
class HeadFit:
    """A trained head: logits of the validation and test rows and the facts of the fit."""

    validation_logits: np.ndarray
    test_logits: np.ndarray
    info: dict
    parameters: tuple = ()  # the trained tensors (a later stage can start from them)


def _torch_csr(X):
    """A torch CSR tensor over the arrays of the scipy CSR matrix ``X`` (float32 values).

    No copy for float32 input. torch flags its sparse CSR layout as beta with a warning on
    every construction; the product used here (CSR x dense on the CPU) is the one torch
    itself uses for ``torch.sparse.mm``, so that warning is silenced for this call only.
    """
    import warnings

    import torch

    data = X.data if X.data.dtype == np.float32 else X.data.astype(np.float32)
    indices = X.indices.astype(X.indptr.dtype, copy=False)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Sparse CSR tensor support", UserWarning)
        return torch.sparse_csr_tensor(
            torch.from_numpy(X.indptr),
            torch.from_numpy(indices),
            torch.from_numpy(data),
            size=X.shape,
            check_invariants=False,  # scipy's CSR arrays are valid; checking is O(nnz)
        )


@functools.cache
def _sparse_matmul():
    """The autograd function ``X @ W`` for a scipy CSR batch ``X`` and a dense ``W``."""
    import torch

    class SparseMatmul(torch.autograd.Function):
        """``forward(W, X) = X @ W``; ``backward`` gives ``dW = X.T @ grad``.

        The forward product is torch's CSR x dense kernel (2.5x faster than scipy's on one
        thread); the backward one is scipy's CSC kernel on ``X.T``, a view of the same arrays
        (torch has no fast transposed product, and building ``X.T`` as CSR costs more than
        the product). Both are 2-3x faster than ``nn.EmbeddingBag`` with per-sample weights,
        whose backward dominated the fit, and deterministic.
        """

        @staticmethod
        def forward(ctx, weight, X):
            ctx.X = X
            return _torch_csr(X) @ weight.detach()

        @staticmethod
        def backward(ctx, grad):
            dW = np.asarray(ctx.X.T @ grad.contiguous().numpy(), dtype=np.float32)
            return torch.from_numpy(dW), None

    return SparseMatmul


def _sgd(groups, lr: float, momentum: float):
    import torch

    kwargs = dict(lr=lr, momentum=momentum, nesterov=momentum > 0)
    try:  # one fused kernel per step: 1 ms instead of 4.6 ms on 2.3M weights
        return torch.optim.SGD(groups, fused=True, **kwargs)
    except (RuntimeError, TypeError, ValueError):  # pragma: no cover - torch without CPU fusion
        return torch.optim.SGD(groups, **kwargs)


def _adam(groups, lr: float):
    import torch

    try:  # one fused kernel per step: ~3x less time than the per-tensor loop on 2.3M weights
        return torch.optim.Adam(groups, lr=lr, fused=True)
    except (RuntimeError, TypeError, ValueError):  # pragma: no cover - torch without CPU fusion
        return torch.optim.Adam(groups, lr=lr)


@contextlib.contextmanager
def torch_threads(n: int | None):
    """Run the block with ``n`` torch CPU threads (None: leave the setting), then restore it."""
    import torch

    if not n:
        yield
        return
    before = torch.get_num_threads()
    torch.set_num_threads(n)
    try:
        yield
    finally:
        torch.set_num_threads(before)


#: Shuffled batches are kept for reuse by every fit with the same seed while (stored values
#: of the training matrix) x (epochs kept) stays within this budget: about 8 bytes per value,
#: so ~320 MB.
_KEEP_BATCHES_NNZ = 40_000_000


class BatchStore:
    """Shuffled training batches of each ``(seed, epoch, batch size)``, shared by fits.

    The shuffle of an epoch depends only on the seed, so every fit of a sweep sees the same
    batches; slicing the CSR batches is a part of an epoch's time, so they are built once and
    kept while they fit in :data:`_KEEP_BATCHES_NNZ`. Fits running side by side share one
    store: an epoch is built once, by the first fit that needs it.
    """

    def __init__(self, X):
        self.X = X
        self._kept: dict = {}
        self._lock = threading.Lock()

    def epoch(self, seed: int, epoch: int, size: int, order: np.ndarray, *, sampler=None):
        """The batches ``X_b`` of one epoch, rows in the order ``order``.

        ``sampler`` names how ``order`` was drawn when it is not the seed's permutation
        (re-sampling), so that the batches of different samplers are kept apart.
        """
        X = self.X
        if not sp.issparse(X):
            return [X[order[lo : lo + size]] for lo in range(0, X.shape[0], size)]
        key = (seed, epoch, size, sampler)
        with self._lock:
            if key in self._kept:
                return self._kept[key]
            if X.nnz * (len(self._kept) + 1) > _KEEP_BATCHES_NNZ:
                # 1) too big to keep: build each batch when it is needed (memory: one batch)
                return (X[order[lo : lo + size]] for lo in range(0, X.shape[0], size))
            # 2) permute once; batches are contiguous slices of the permuted rows (same rows)
            Xp = X[order]
            batches = [Xp[lo : lo + size] for lo in range(0, X.shape[0], size)]
            self._kept[key] = batches
            return batches


def fit_head(
    X_train,
    y_train: np.ndarray,
    X_validation,
    y_validation: np.ndarray,
    X_test,
    *,
    n_classes: int,
    loss_fn,
    config: HeadConfig,
    seed: int = 0,
    batches: BatchStore | None = None,
    sample_weight: np.ndarray | None = None,
    stop_loss=None,
    init: tuple = (),
    progress: bool = True,
    desc: str = "head",
) -> HeadFit:
    """Train a softmax head with early stopping on its own validation loss.

    Parameters
    ----------
    X_train, X_validation, X_test : scipy CSR matrix or numpy.ndarray of float32
        Features of the three splits (sparse rows go through torch's and scipy's sparse
        kernels; no dense copy is made).
    y_train, y_validation : numpy.ndarray of int
        Class indices.
    n_classes : int
        Width of the output layer.
    loss_fn : torch.nn.Module
        The run's loss, from :func:`weightlab.weights.make_loss`; also the stopping quantity.
    config : HeadConfig
        Schedule, penalty and architecture.
    seed : int
        Seed of the initialisation and of the shuffles.
    batches : BatchStore, optional
        Shared store of shuffled batches of ``X_train`` (one per engine, reused by a sweep).
    sample_weight : numpy.ndarray, optional
        Re-sampling: every epoch draws ``len(y_train)`` examples with replacement with these
        probabilities (``torch.utils.data.WeightedRandomSampler``) instead of a permutation.
    stop_loss : torch.nn.Module, optional
        The validation quantity that stops the fit, when it is not ``loss_fn`` (re-sampling
        is, in expectation, a weighted loss: see :func:`train_head`).
    init : tuple of torch.Tensor, optional
        Start from these parameters (a previous fit's ``HeadFit.parameters``), not from zero.
    progress : bool
        Show a progress bar over epochs.
    desc : str
        Label of the progress bar.

    Returns
    -------
    HeadFit
        ``info`` holds ``epochs`` (run), ``best_epoch``, ``stop_reason``, ``train_loss`` and
        ``validation_loss`` (of the restored epoch), ``batch_size`` and ``fit_seconds``;
        ``parameters`` the trained tensors.
    """
    if sample_weight is not None:
        sample_weight = np.asarray(sample_weight, dtype=np.float64)
        if sample_weight.shape != (X_train.shape[0],) or not np.all(sample_weight >= 0):
            raise ValueError(
                f"sample_weight must hold one probability >= 0 per training row "
                f"({X_train.shape[0]}); got shape {sample_weight.shape}."
            )
    with torch_threads(config.num_threads):
        return _fit_head(
            X_train,
            y_train,
            X_validation,
            y_validation,
            X_test,
            n_classes=n_classes,
            loss_fn=loss_fn,
            cfg=config,
            seed=seed,
            batches=batches or BatchStore(X_train),
            sample_weight=sample_weight,
            stop_loss=stop_loss or loss_fn,
            init=tuple(init),
            progress=progress,
            desc=desc,
        )


def _fit_head(
    X,
    y,
    Xv,
    yv,
    Xt,
    *,
    n_classes,
    loss_fn,
    cfg: HeadConfig,
    seed,
    batches,
    sample_weight,
    stop_loss,
    init,
    progress,
    desc,
) -> HeadFit:
    import torch
    from torch import nn
    from tqdm.auto import tqdm

    torch.manual_seed(seed)
    n, n_features = X.shape
    width = cfg.hidden or n_classes
    weight = nn.Parameter(torch.zeros(n_features, width))
    head = None
    if cfg.hidden:
        nn.init.normal_(weight, 0.0, 0.05)
        head = nn.Sequential(nn.ReLU(), nn.Dropout(cfg.dropout), nn.Linear(width, n_classes))
    bias = nn.Parameter(torch.zeros(n_classes))
    penalised = [weight] + ([head[2].weight] if head is not None else [])
    free = [bias] + ([head[2].bias] if head is not None else [])
    if init:
        with torch.no_grad():
            for p, start in zip(penalised + free, init, strict=True):
                p.copy_(start)
    # 1) the L2 term of C * sum(w_i CE_i) + |W|^2 / 2, per unit of the batch's mean loss: the
    #    mean divides by the sum of the weights, which over the epoch is the weight total
    total_weight = float(_example_weights(loss_fn, y).sum())
    l2 = 0.0 if cfg.C is None else 1.0 / (cfg.C * total_weight)
    groups = [{"params": penalised, "weight_decay": l2}, {"params": free}]
    if cfg.optimizer == "sgd":
        opt = _sgd(groups, cfg.learning_rate, cfg.momentum)
    else:
        opt = _adam(groups, cfg.learning_rate)
    plateau = (  # torch refuses factor=1: no scheduler then
        torch.optim.lr_scheduler.ReduceLROnPlateau(
            opt, factor=cfg.lr_decay, patience=0, threshold=cfg.tol
        )
        if cfg.lr_decay < 1
        else None
    )
    sparse = sp.issparse(X)
    matmul = _sparse_matmul().apply

    def forward(Xb, train=False):
        if sparse and train:
            out = matmul(weight, Xb)
        elif sparse:
            out = _torch_csr(Xb) @ weight.detach()
        else:
            out = torch.from_numpy(np.ascontiguousarray(Xb, dtype=np.float32)) @ weight
        if head is not None:
            head.train(train)
            out = head(out)
        return out + bias

    def evaluate(Xs):
        with torch.no_grad():
            return forward(Xs).numpy()

    y_t = torch.from_numpy(np.asarray(y, dtype=np.int64))
    yv_t = torch.from_numpy(np.asarray(yv, dtype=np.int64))
    has_validation = Xv.shape[0] > 0
    size = cfg.batch_for(n)
    draw = _epoch_orders(n, seed, sample_weight)
    # the batches of a re-sampled fit are its own: kept apart by its probabilities
    drawn = None if sample_weight is None else ("resample", hash(sample_weight.tobytes()))
    best = (math.inf, 0, None, math.nan)  # validation loss, epoch, state, train loss
    if init and has_validation and cfg.early_stopping:
        # 1) a warm start is a candidate too (epoch 0): a later stage never ends worse, on its
        #    own validation loss, than the point it started from
        with torch.no_grad():
            start_loss = float(stop_loss(torch.from_numpy(evaluate(Xv)), yv_t))
        best = (start_loss, 0, [p.detach().clone() for p in penalised + free], math.nan)
    stop_reason, bad, epoch = "cap", 0, 0
    start = time.perf_counter()
    bar = tqdm(total=cfg.max_epochs, desc=desc, unit="epoch", leave=False, disable=not progress)
    for epoch in range(1, cfg.max_epochs + 1):
        order = next(draw)
        yp = y_t[torch.from_numpy(order)]
        train_loss, seen = 0.0, 0
        for b, Xb in enumerate(batches.epoch(seed, epoch, size, order, sampler=drawn)):
            lo = b * size
            loss = loss_fn(forward(Xb, train=True), yp[lo : lo + Xb.shape[0]])
            opt.zero_grad()
            loss.backward()
            opt.step()
            train_loss += loss.item() * Xb.shape[0]
            seen += Xb.shape[0]
        train_loss /= max(seen, 1)
        bar.update()
        if not has_validation or not cfg.early_stopping:
            best = (math.nan, epoch, None, train_loss)
            continue
        with torch.no_grad():
            val_loss = float(stop_loss(torch.from_numpy(evaluate(Xv)), yv_t))
        bar.set_postfix(validation_loss=f"{val_loss:.4f}", refresh=False)
        if plateau is not None:
            plateau.step(val_loss)
        if val_loss < best[0] * (1 - cfg.tol) or best[2] is None:
            # 2) keep the best epoch's weights: the fit ends on them, not on the last epoch
            state = [p.detach().clone() for p in penalised + free]
            best, bad = (val_loss, epoch, state, train_loss), 0
        else:
            bad += 1
            if bad >= cfg.patience:
                stop_reason = "criterion"
                break
    bar.close()
    if not cfg.early_stopping:
        stop_reason = "fixed epochs"
    elif not has_validation:
        stop_reason = "no validation split"
    elif best[2] is not None:
        with torch.no_grad():
            for p, saved in zip(penalised + free, best[2], strict=True):
                p.copy_(saved)
    seconds = time.perf_counter() - start
    if has_validation and math.isnan(best[0]):  # fixed epochs: the loss of the last one
        with torch.no_grad():
            best = (float(stop_loss(torch.from_numpy(evaluate(Xv)), yv_t)), *best[1:])
    return HeadFit(
        validation_logits=evaluate(Xv),
        test_logits=evaluate(Xt),
        info={
            "epochs": epoch,
            "best_epoch": best[1],
            "stop_reason": stop_reason,
            "train_loss": None if math.isnan(best[3]) else round(best[3], 6),
            "validation_loss": None if math.isnan(best[0]) else round(best[0], 6),
            "batch_size": size,
            "fit_seconds": seconds,
        },
        parameters=tuple(p.detach().clone() for p in penalised + free),
    )


def _epoch_orders(n: int, seed: int, sample_weight: np.ndarray | None):
    """The training rows of each epoch, in order: a permutation, or ``n`` weighted draws.

    Without ``sample_weight``, each epoch is a permutation from ``numpy``'s generator seeded
    with ``seed``; with it, ``n`` draws with replacement from
    ``torch.utils.data.WeightedRandomSampler`` with a generator seeded with ``seed``.
    """
    import torch

    if sample_weight is None:
        rng = np.random.default_rng(seed)
        while True:
            yield rng.permutation(n)
    from torch.utils.data import WeightedRandomSampler

    sampler = WeightedRandomSampler(
        torch.from_numpy(np.asarray(sample_weight, dtype=np.float64)),
        n,
        replacement=True,
        generator=torch.Generator().manual_seed(seed),
    )
    while True:
        yield np.fromiter(iter(sampler), dtype=np.int64, count=n)


def train_head(
    dataset,
    features,
    *,
    class_weight=None,
    tau: float = 0.0,
    remedy=None,
    config: HeadConfig,
    seed: int = 0,
    batches: BatchStore | None = None,
    progress: bool = True,
    desc: str = "head",
) -> HeadFit:
    """One run of a head engine: :func:`fit_head` with the run's own loss and remedy.

    The loss is ``make_loss(class_weight, tau=tau)`` (:mod:`weightlab.weights`) with the
    training prior of ``dataset``; ``features`` are the ``(train, validation, test)`` rows of
    its three splits. Every engine that trains a head on fixed features (``tfidf-linear``,
    ``encoder-probe``) trains through here, so they share the loss, the penalty, the
    stopping rule and the remedies (:class:`weightlab.remedies.Remedy`):

    - ``focal``: the loss gets ``gamma=remedy.value``; it is also the stopping quantity.
    - ``resample``: every epoch draws the training rows with probabilities
      :func:`~weightlab.remedies.resample_weights` (``q=remedy.value``). In expectation that
      is the cross-entropy weighted by :math:`n_c^{-q}`, so the fit stops on that weighted
      validation loss: its own objective, as for class weights.
    - ``drw``: a plain fit to its criterion (stage 1: the unweighted run, exactly), then,
      from its best epoch, a fit with ``class_weight`` at ``drw_learning_rate_factor`` times
      the learning rate, stopped on its weighted validation loss. ``info`` records both.
    """
    from weightlab.remedies import resample_weights
    from weightlab.weights import log_prior, make_loss, weights_from_counts

    kind = None if remedy is None else remedy.kind
    if class_weight is not None:
        class_weight = np.asarray(class_weight, np.float32)
    prior = log_prior(dataset.train_counts)
    X_train, X_validation, X_test = features
    y_train = dataset.labels_of("train")

    def fit(loss_fn, cfg, **kw):
        return fit_head(
            X_train,
            y_train,
            X_validation,
            dataset.labels_of("validation"),
            X_test,
            n_classes=dataset.n_classes,
            loss_fn=loss_fn,
            config=cfg,
            seed=seed,
            batches=batches,
            progress=progress,
            desc=desc,
            **kw,
        )

    if kind == "drw":
        if class_weight is None:
            raise ValueError("The drw remedy needs the class weights of its second stage.")
        first = fit(make_loss(log_prior=prior, tau=tau), config)
        lr = config.learning_rate * config.drw_learning_rate_factor
        second = fit(
            make_loss(class_weight, log_prior=prior, tau=tau),
            dataclasses.replace(config, learning_rate=lr),
            init=first.parameters,
        )
        before = {k: first.info[k] for k in ("epochs", "best_epoch", "stop_reason")}
        switch = first.info["epochs"]
        info = dict(
            second.info,
            epochs=switch + second.info["epochs"],
            best_epoch=switch + second.info["best_epoch"],
            switch_epoch=switch,
            before_switch=before | {"validation_loss": first.info["validation_loss"]},
            fit_seconds=first.info["fit_seconds"] + second.info["fit_seconds"],
        )
        return dataclasses.replace(second, info=info)
    gamma = remedy.value if kind == "focal" else 0.0
    loss_fn = make_loss(class_weight, log_prior=prior, tau=tau, gamma=gamma)
    if kind != "resample":
        return fit(loss_fn, config)
    q = remedy.value
    # the weighted loss that re-sampling with q equals in expectation (times class_weight)
    implied = weights_from_counts(dataset.train_counts, alpha=q)
    if class_weight is not None:
        implied = implied * class_weight
    return fit(
        loss_fn,
        config,
        sample_weight=resample_weights(dataset.train_counts, y_train, q=q),
        stop_loss=make_loss(implied, log_prior=prior, tau=tau),
    )


def _example_weights(loss_fn, y) -> np.ndarray:
    """Weight of every training example under ``loss_fn`` (1 each when unweighted)."""
    w = getattr(loss_fn, "weight", None)
    if w is None:
        return np.ones(len(y))
    return w.detach().numpy()[np.asarray(y)]
