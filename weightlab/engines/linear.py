"""Train a softmax head on fixed features, to a validation criterion or to its optimum.

Shared by the engines that learn only a head over features computed once (``tfidf-linear``
on sparse TF-IDF rows, ``encoder-probe`` on embeddings): a softmax regression (``hidden=0``)
or a one-hidden-layer MLP, trained with the weighted, optionally logit-adjusted loss of
:func:`weightlab.weights.make_loss` and an L2 penalty: the objective is
``C * sum_i w_i * loss_i + ||W||^2 / 2`` (``w_i`` the class weight of example ``i``, the bias
not penalised), scikit-learn's ``LogisticRegression`` objective with any torch loss.

How a fit stops
---------------
By default (``optimizer="auto"``, ``stop="auto"``) a softmax regression is solved with SAGA
(:mod:`weightlab.engines.saga`) until it converges: ``stop="converged"`` ends a fit when the
largest change of a coefficient over an epoch is below ``tol`` (0.01) times the largest
coefficient (scikit-learn's ``saga`` rule), or at ``max_epochs`` (``"cap"``). The result is
the optimum of the run's own objective, whatever the path to it, so no stopping epoch
decides how well the rare classes are fitted and every alpha, tau and seed ends by the same
rule. Why not the validation loss's minimum: it can come before the rare classes are fitted
(the fit suite's 58K corpus with cleaner labels: macro F1 0.17-0.19 stopped there, SGD or
SAGA, against the logistic regression's 0.22; SAGA trained to the optimum reaches 0.22).

An MLP head (``hidden > 0``) and the two remedies that are a way of training rather than an
objective, re-sampling and deferred re-weighting, train with SGD (Nesterov momentum), which
has no optimum to converge to in a finite number of steps: ``stop="validation"``. (Solved to
its optimum, a softmax regression ends at the same point whatever path led there: deferred
re-weighting would be the weighted run again; and SAGA from the unweighted optimum, stopped
by the coefficient rule, ended far short of it: at alpha 1 on the generated corpus its
objective was 28% (full step) and 39% (a tenth) above the weighted optimum's.)
Every epoch ends with the run's **own loss on the validation split** (the same weighted,
logit-adjusted loss it is trained on, without the L2 term); training stops when that has not
improved for ``patience`` epochs (``"criterion"``) or after ``max_epochs`` (``"cap"``), and
the best epoch is restored. On a 113-class corpus the validation loss is nearly flat for
many epochs while the rare classes are still being fitted, so any improvement counts
(``tol=0``) and the patience is 5. A weighted run stopped on *unweighted* validation
accuracy would be stopped where it suits accuracy; its own objective is what it minimises.
Without a validation split the fit runs ``max_epochs`` (``"no validation split"``).
:meth:`HeadConfig.early_stopped` is this rule for the softmax regression too (0.2's default).

``stop="epochs"`` runs ``max_epochs`` (``"fixed epochs"``); :meth:`HeadConfig.legacy` is
weightlab 0.1's fixed schedule, which under-fits real narratives.

The schedule scales with the data: an epoch has at least ``min_batches`` optimiser steps
(the batch shrinks on small data sets, never below 16): 1,000 training documents get 20
steps of 50 an epoch rather than one step of 1,000, and 40,000 get 40 steps of 1,024.
"""

from __future__ import annotations

import contextlib
import dataclasses
import math
import time
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from weightlab import _validate
from weightlab.engines.saga import SAGA_STEP, GradientTable, curvature, example_weights, slow_down
from weightlab.engines.sparse import BatchStore, sparse_matmul, torch_csr

__all__ = ["BatchStore", "HeadConfig", "HeadFit", "fit_head", "train_head"]


#: Solvers of :attr:`HeadConfig.optimizer` and stopping rules of :attr:`HeadConfig.stop`.
SOLVERS = ("auto", "saga", "sgd", "adam")
STOPS = ("auto", "converged", "validation", "epochs")


@dataclass(frozen=True)
class HeadConfig:
    """How a softmax head is trained (see the module docstring).

    The L2 penalty follows scikit-learn's ``LogisticRegression``: the objective is
    ``C * sum_i w_i * CE_i + ||W||^2 / 2`` (``w_i`` the class weight of example ``i``,
    bias not penalised), so ``C`` means the same here as in ``tfidf-logreg``; ``C=None``
    turns the penalty off.
    """

    hidden: int = 0  # 0: softmax regression; > 0: linear -> ReLU -> Linear MLP
    # "saga": to the penalised optimum (softmax regression, no re-sampling or deferred
    # re-weighting; see converged()). "sgd": Nesterov momentum. "adam": 0.1's, a large step
    # for every rare n-gram. "auto": saga where it applies, sgd otherwise (solver_for).
    optimizer: str = "auto"
    # None: saga 2 / (the data's curvature) (measured per fit), sgd 6.0 (TF-IDF rows have unit
    # norm), adam 0.05. A number is the step itself.
    learning_rate: float | None = None
    max_epochs: int = 60  # the cap; with stop="epochs", the number of epochs
    # "converged": the coefficients stopped moving (tol); "validation": the run's own
    # validation loss stopped improving (patience), best epoch restored; "epochs":
    # max_epochs; "auto": converged for saga, validation for sgd and adam (stop_for)
    stop: str = "auto"
    # Inverse L2 strength as in LogisticRegression (None: no penalty): tfidf-logreg's 10, so
    # that saga solves the logistic regression's own objective (bench --fit).
    C: float | None = 10.0
    # converged: largest coefficient change in an epoch / largest coefficient (sklearn's saga
    # rule; default 0.01). validation: relative improvement that counts (default 0: on 113
    # classes the loss is flat for many epochs while the rare classes are being fitted).
    tol: float | None = None
    # the validation rule only: epochs without improvement before stopping (default 5).
    patience: int | None = None
    batch_size: int = 1024  # largest batch; fewer optimiser steps over the dense weights
    min_batches: int = 20  # at least this many steps an epoch (smaller batches on small data)
    momentum: float = 0.9  # Nesterov, sgd and saga
    # < 1: after an epoch without improvement, converged: drop the momentum (first), then
    # multiply the step by this after a rise of over 1% (saga.RISE); validation: multiply
    # it (ReduceLROnPlateau). None: 0.5 when converged (keeps SAGA stable on small or
    # heavily weighted data), 1 (off) otherwise.
    lr_decay: float | None = None
    dropout: float = 0.0  # on the hidden layer only
    # Deferred re-weighting (remedy "drw"): the weighted second stage starts from the
    # unweighted fit with the step times this (Cao et al. 2019 decay it 100x at the switch;
    # at the full rate SGD's first steps threw the warm start away).
    drw_learning_rate_factor: float = 0.1
    # torch CPU threads during a fit (restored after). 1: the backward product runs in scipy
    # on one core anyway, and on a busy 2-core machine a second torch thread made fits 5x
    # slower (OpenMP threads waiting for a core). None keeps torch's setting.
    num_threads: int | None = 1
    epochs: int | None = None  # deprecated (0.1's fixed count): sets max_epochs
    early_stopping: bool | None = None  # deprecated (0.2): True is stop="validation"

    @classmethod
    def converged(cls, **overrides):
        """SAGA to the optimum of the logistic regression's objective (``C=10``).

        ``optimizer="saga", stop="converged", C=10``: the same objective as ``tfidf-logreg``
        (with the run's own weights and loss), solved until the coefficients stop moving. On
        the fit suite (``weightlab bench --fit``) it is within the targets of the logistic
        regression on every set, the 58K corpus with cleaner labels included, where SGD
        stopped at the validation loss's minimum (:meth:`early_stopped`) is 0.03 macro F1
        below. It is what the defaults (``"auto"``) train for a softmax regression; unlike
        them, it refuses an MLP head and the re-sampling remedy instead of switching to SGD.
        """
        preset = dict(optimizer="saga", stop="converged", C=10.0)
        return cls(**(preset | overrides))

    @classmethod
    def early_stopped(cls, **overrides):
        """SGD stopped at the minimum of its own validation loss (weightlab 0.2's default).

        ``optimizer="sgd", stop="validation", C=30``: Nesterov SGD at step 6, the best epoch
        restored after 5 without improvement. Within the fit targets on 7 of the 9 sets of
        ``weightlab bench --fit``; 0.03 macro F1 below the logistic regression on the 58K
        corpus with cleaner labels (0.015 on the 2K corpus), where the validation loss bottoms
        out before the rare classes are fitted.
        """
        preset = dict(optimizer="sgd", stop="validation", C=30.0)
        return cls(**(preset | overrides))

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
            stop="epochs",
            C=None,
            min_batches=1,
        )
        return cls(**(preset | overrides))

    def __post_init__(self):
        import warnings

        if self.epochs is not None:
            warnings.warn(
                "epochs= is deprecated: fits now train to a criterion; use max_epochs= for "
                "the cap.",
                DeprecationWarning,
                stacklevel=3,
            )
            object.__setattr__(self, "max_epochs", self.epochs)
            object.__setattr__(self, "epochs", None)
        if self.early_stopping is not None:
            warnings.warn(
                "early_stopping= is deprecated: use stop='validation' (True) or "
                "stop='epochs' (False).",
                DeprecationWarning,
                stacklevel=3,
            )
            object.__setattr__(self, "stop", "validation" if self.early_stopping else "epochs")
            object.__setattr__(self, "early_stopping", None)
        if self.hidden < 0:
            raise ValueError(f"hidden must be >= 0; got {self.hidden}.")
        if self.C is not None and not (self.C > 0 and math.isfinite(self.C)):
            raise ValueError(f"C must be a finite number > 0, or None for no L2; got {self.C}.")
        for name in ("max_epochs", "batch_size", "min_batches"):
            _validate.whole_number(getattr(self, name), name, minimum=1)
        if self.stop not in STOPS:
            raise ValueError(
                f"stop must be one of {', '.join(map(repr, STOPS))}; got {self.stop!r}."
            )
        if self.optimizer not in SOLVERS:
            raise ValueError(
                f"optimizer must be one of {', '.join(map(repr, SOLVERS))}; got {self.optimizer!r}."
            )
        if self.patience is not None:
            _validate.whole_number(self.patience, "patience", minimum=1)
            if self.stop_for(self.solver_for()) != "validation":
                raise ValueError(
                    f"patience applies to stop='validation' only; got stop={self.stop!r} "
                    f"(optimizer={self.optimizer!r}). Drop patience, or pass "
                    "stop='validation'."
                )
        if self.tol is not None and not 0 <= self.tol < 1:
            raise ValueError(f"tol must be in [0, 1); got {self.tol}.")
        if self.learning_rate is not None and not self.learning_rate > 0:
            raise ValueError(f"learning_rate must be > 0 (or None); got {self.learning_rate}.")
        if self.optimizer == "saga" and self.hidden:
            raise ValueError(
                "optimizer='saga' solves a softmax regression (hidden=0); an MLP head "
                f"(hidden={self.hidden}) needs optimizer='sgd' or 'adam'."
            )
        if not 0 <= self.momentum < 1:
            raise ValueError(f"momentum must be in [0, 1); got {self.momentum}.")
        if self.lr_decay is not None and not 0 < self.lr_decay <= 1:
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

    def solver_for(self, *, resampling: bool = False, deferred: bool = False) -> str:
        """The solver a fit runs: ``optimizer``, with ``"auto"`` resolved.

        ``"auto"`` is ``"saga"`` for a softmax regression whose rows are visited once an
        epoch, and ``"sgd"`` for an MLP head (``hidden > 0``), under re-sampling (rows drawn
        with replacement, which SAGA's table of per-row gradients cannot follow) and for
        deferred re-weighting (a path: solved to the optimum, it is the weighted run).

        Raises
        ------
        ValueError
            ``optimizer="saga"`` with re-sampling or deferred re-weighting.
        """
        if self.optimizer == "auto":
            return "sgd" if self.hidden or resampling or deferred else "saga"
        if self.optimizer == "saga" and resampling:
            raise ValueError(
                "optimizer='saga' keeps one gradient per training row and visits each once an "
                "epoch; re-sampling draws rows with replacement. Use optimizer='sgd' (or "
                "'auto') with the resample remedy (command line: no --stop, or --stop "
                "validation)."
            )
        if self.optimizer == "saga" and deferred:
            raise ValueError(
                "optimizer='saga' solves each fit to its optimum, and a softmax regression has "
                "one optimum whatever the path: deferred re-weighting would be the weighted run "
                "(alpha) again. Use optimizer='sgd' (or 'auto') with the drw remedy (command "
                "line: no --stop, or --stop validation), or class weights for the optimum itself."
            )
        return self.optimizer

    def stop_for(self, solver: str) -> str:
        """The stopping rule of a fit by ``solver``: ``stop``, with ``"auto"`` resolved.

        ``"auto"`` is ``"converged"`` for SAGA, which has an optimum to converge to, and
        ``"validation"`` for SGD and Adam, whose steps do not shrink to zero.
        """
        if self.stop != "auto":
            return self.stop
        return "converged" if solver == "saga" else "validation"

    def tol_for(self, stop: str) -> float:
        """``tol``, or its default for the stopping rule (0.01 converged, 0 validation)."""
        if self.tol is not None:
            return self.tol
        return 0.01 if stop == "converged" else 0.0

    @property
    def stop_patience(self) -> int:
        """``patience``, or its default (5)."""
        return 5 if self.patience is None else self.patience


@dataclass(frozen=True)
class HeadFit:
    """A trained head: logits of the validation and test rows and the facts of the fit."""

    validation_logits: np.ndarray
    test_logits: np.ndarray
    info: dict
    parameters: tuple = ()  # the trained tensors (a later stage can start from them)


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
    step_factor: float = 1.0,
    progress: bool = True,
    desc: str = "head",
) -> HeadFit:
    """Train a softmax head to its stopping rule (see the module docstring).

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
    step_factor : float
        Multiply the step (given or measured) by this (deferred re-weighting's second stage).
    progress : bool
        Show a progress bar over epochs.
    desc : str
        Label of the progress bar.

    Returns
    -------
    HeadFit
        ``info``: ``epochs`` (run), ``best_epoch`` (returned), ``stop_reason``
        (``"converged"``, ``"criterion"``, ``"cap"``, ``"fixed epochs"``, ``"no validation
        split"``), ``train_loss`` and ``validation_loss`` (the run's own loss without L2, of
        the returned epoch), ``solver``, ``learning_rate`` (the step), ``batch_size``,
        ``fit_seconds``; ``parameters``: the trained tensors (uncentred).
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
            step_factor=step_factor,
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
    step_factor,
    progress,
    desc,
) -> HeadFit:
    import torch
    from torch import nn
    from tqdm.auto import tqdm

    torch.manual_seed(seed)
    n, n_features = X.shape
    solver = cfg.solver_for(resampling=sample_weight is not None)
    stop = cfg.stop_for(solver)
    tol = cfg.tol_for(stop)
    sparse = sp.issparse(X)
    width = cfg.hidden or n_classes
    weight = nn.Parameter(torch.zeros(n_features, width))
    head = None
    if cfg.hidden:
        nn.init.normal_(weight, 0.0, 0.05)
        head = nn.Sequential(nn.ReLU(), nn.Dropout(cfg.dropout), nn.Linear(width, n_classes))
    bias = nn.Parameter(torch.zeros(n_classes))
    penalised = [weight] + ([head[2].weight] if head is not None else [])
    free = [bias] + ([head[2].bias] if head is not None else [])
    example_weight = example_weights(loss_fn, y)
    weighted = getattr(loss_fn, "weight", None) is not None
    total_weight = float(example_weight.sum())
    # 1) SAGA fits (x - mean) W + b: ``shift`` is the mean row (zeros for the other solvers)
    shift = torch.zeros(n_features)
    saga = None
    if solver == "saga":
        shift = torch.from_numpy(np.asarray(X.sum(axis=0), dtype=np.float32).ravel() / n)
        saga = GradientTable(X, y, loss_fn, n / total_weight, shift)
    if init:
        with torch.no_grad():
            for p, start in zip(penalised + free, init, strict=True):
                p.copy_(start)
            if saga is not None:  # the uncentred bias of ``init``, in centred form
                bias.add_(shift @ weight)
    # 2) the L2 term of C * sum(w_i CE_i) + |W|^2 / 2, per unit of the mean loss: the mean
    #    divides by the sum of the weights, which over the epoch is the weight total
    l2 = 0.0 if cfg.C is None else 1.0 / (cfg.C * total_weight)
    if cfg.learning_rate is not None:
        lr = cfg.learning_rate
    elif solver == "saga":
        omega = n * example_weight / total_weight
        lr = SAGA_STEP / curvature(X, shift.numpy(), omega, cfg.batch_for(n))
    else:
        lr = 6.0 if solver == "sgd" else 0.05
    lr *= step_factor
    # 3) the bias is a constant feature (curvature 1): the same rule gives it SAGA_STEP
    bias_lr = min(lr, SAGA_STEP * step_factor) if solver == "saga" else lr
    decay = cfg.lr_decay
    if decay is None:
        decay = 0.5 if stop == "converged" else 1.0
    groups = [{"params": penalised, "weight_decay": l2}, {"params": free[:1], "lr": bias_lr}]
    if free[1:]:
        groups.append({"params": free[1:]})
    has_validation = Xv.shape[0] > 0
    by_validation = stop == "validation" and has_validation
    if solver == "adam":
        opt = _adam(groups, lr)
    else:
        opt = _sgd(groups, lr, cfg.momentum)
    plateau = (  # torch refuses factor=1: no scheduler then
        torch.optim.lr_scheduler.ReduceLROnPlateau(opt, factor=decay, patience=0, threshold=tol)
        if decay < 1 and by_validation
        else None
    )
    lowest = math.inf  # the lowest training objective so far (stop="converged")
    matmul = sparse_matmul().apply
    centred = saga is not None

    def forward(Xb, train=False):
        if sparse and train:
            out = matmul(weight, Xb)
        elif sparse:
            out = torch_csr(Xb) @ weight.detach()
        else:
            out = torch.from_numpy(np.ascontiguousarray(Xb, dtype=np.float32)) @ weight
        if head is not None:
            head.train(train)
            out = head(out)
        if centred:
            return out + (bias - shift @ weight)
        return out + bias

    def evaluate(Xs):
        with torch.no_grad():
            return forward(Xs).numpy()

    def coefficients():
        return [weight.detach().clone(), bias.detach().clone()]

    y_t = torch.from_numpy(np.asarray(y, dtype=np.int64))
    yv_t = torch.from_numpy(np.asarray(yv, dtype=np.int64))
    size = cfg.batch_for(n)
    draw = _epoch_orders(n, seed, sample_weight)
    # the batches of a re-sampled fit are its own: kept apart by its probabilities
    drawn = None if sample_weight is None else ("resample", hash(sample_weight.tobytes()))
    best = (math.inf, 0, None, math.nan)  # validation loss, epoch, state, train loss
    if init and by_validation:
        # 4) a warm start is a candidate too (epoch 0): a later stage never ends worse, on its
        #    own validation loss, than the point it started from
        with torch.no_grad():
            start_loss = float(stop_loss(torch.from_numpy(evaluate(Xv)), yv_t))
        best = (start_loss, 0, [p.detach().clone() for p in penalised + free], math.nan)
    if saga is not None:
        saga.start(forward)
    stop_reason, bad, epoch = "cap", 0, 0
    start = time.perf_counter()
    bar = tqdm(total=cfg.max_epochs, desc=desc, unit="epoch", leave=False, disable=not progress)
    for epoch in range(1, cfg.max_epochs + 1):
        order = next(draw)
        yp = y_t[torch.from_numpy(order)]
        before = coefficients() if stop == "converged" else None
        train_loss, seen = 0.0, 0
        for b, Xb in enumerate(batches.epoch(seed, epoch, size, order, sampler=drawn)):
            lo = b * size
            rows = order[lo : lo + Xb.shape[0]]
            opt.zero_grad()
            if saga is not None:
                with torch.no_grad():
                    logits = forward(Xb)
                loss = saga.gradient(logits, yp[lo : lo + Xb.shape[0]], rows, Xb, weight, bias)
            else:
                loss = loss_fn(forward(Xb, train=True), yp[lo : lo + Xb.shape[0]])
                loss.backward()
            opt.step()
            # 5) the epoch's loss as the run's own weighted mean: a batch's mean divides by
            #    its weight, so it counts with that weight
            batch_weight = float(example_weight[rows].sum()) if weighted else Xb.shape[0]
            train_loss += loss.item() * batch_weight
            seen += batch_weight
        train_loss /= max(seen, 1e-12)
        bar.update()
        val_loss = math.nan
        if has_validation:
            with torch.no_grad():
                val_loss = float(stop_loss(torch.from_numpy(evaluate(Xv)), yv_t))
            bar.set_postfix(validation_loss=f"{val_loss:.4f}", refresh=False)
        if not by_validation:
            best = (val_loss, epoch, None, train_loss)
            if stop == "converged":
                # 6) scikit-learn's saga rule: the largest coefficient change over the epoch,
                #    relative to the largest coefficient
                after = coefficients()
                change = max(float((a - b).abs().max()) for a, b in zip(after, before, strict=True))
                scale = max(float(a.abs().max()) for a in after)
                objective = train_loss + l2 * float(weight.detach().square().sum()) / 2
                if decay < 1:
                    slow_down(opt, decay, objective, lowest)
                lowest = min(lowest, objective)
                if change <= tol * scale:
                    stop_reason = "converged"
                    break
            continue
        if plateau is not None:
            plateau.step(val_loss)
        if val_loss < best[0] * (1 - tol) or best[2] is None:
            # 7) keep the best epoch's weights: the fit ends on them, not on the last epoch
            state = [p.detach().clone() for p in penalised + free]
            best, bad = (val_loss, epoch, state, train_loss), 0
        else:
            bad += 1
            if bad >= cfg.stop_patience:
                stop_reason = "criterion"
                break
    bar.close()
    if stop == "epochs":
        stop_reason = "fixed epochs"
    elif stop == "validation" and not has_validation:
        stop_reason = "no validation split"
    elif best[2] is not None:
        with torch.no_grad():
            for p, saved in zip(penalised + free, best[2], strict=True):
                p.copy_(saved)
    seconds = time.perf_counter() - start
    if centred:
        with torch.no_grad():
            bias.sub_(shift @ weight)  # 8) back to x W + b: the same logits, uncentred
        centred = False
    return HeadFit(
        validation_logits=evaluate(Xv),
        test_logits=evaluate(Xt),
        info={
            "epochs": epoch,
            "best_epoch": best[1],
            "stop_reason": stop_reason,
            "train_loss": None if math.isnan(best[3]) else round(best[3], 6),
            "validation_loss": None if math.isnan(best[0]) else round(best[0], 6),
            "solver": solver,
            "stop": stop,
            "learning_rate": lr,
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
    - ``drw``: with SGD (``solver_for(deferred=True)``), a plain fit stopped on its
      validation loss (stage 1: the unweighted run of that solver, exactly), then, from its
      best epoch, a fit with ``class_weight`` at ``drw_learning_rate_factor`` times the
      learning rate, stopped on its weighted validation loss. ``info`` records both.
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
        # a path, not an objective: both stages by SGD stopped on validation (solver_for)
        staged = dataclasses.replace(config, optimizer=config.solver_for(deferred=True))
        first = fit(make_loss(log_prior=prior, tau=tau), staged)
        second = fit(
            make_loss(class_weight, log_prior=prior, tau=tau),
            staged,
            init=first.parameters,
            step_factor=config.drw_learning_rate_factor,
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
