r"""Class weights for cross-entropy on a long-tailed label distribution.

Weights are plain numpy arrays, aligned with the class order of the training counts, so the
arithmetic can be checked without torch; :func:`make_loss` turns them into a torch loss.

Weighting schemes
-----------------
With :math:`n_c` the number of training examples of class :math:`c` and :math:`N = \sum_c n_c`:

power law (``alpha``)
    :math:`\tilde w_c = n_c^{-\alpha}`. ``alpha=0`` is unweighted (all ones), ``alpha=0.5`` is
    the square-root inverse frequency, ``alpha=1`` the inverse frequency.
effective number (``beta``, Cui et al. 2019, "Class-Balanced Loss Based on Effective Number
of Samples")
    :math:`\tilde w_c = (1 - \beta) / (1 - \beta^{n_c})`, :math:`0 \le \beta < 1`. ``beta=0``
    is unweighted; as ``beta -> 1`` it approaches the inverse frequency.

Optionally the raw weights are clipped (``max_ratio``) so that the largest is at most
``max_ratio`` times the smallest, and then they are **normalised so that the mean weight over
training examples is 1**:

.. math::

    w_c = \tilde w_c \, \frac{N}{\sum_k n_k \tilde w_k}
    \qquad\text{so that}\qquad \frac{1}{N} \sum_c n_c w_c = 1 .

With equal per-example losses, the weighted and the unweighted training loss then have the same
scale, so a learning rate tuned for one stays sensible for the other. Classes with no training
example get weight ``0.0`` (they never occur as a target, so the weight is never used).

Logit adjustment
----------------
:func:`log_prior` gives :math:`\log(n_c / N)`, which :func:`make_loss` can add to the logits
(``tau * log_prior``) to get the logit-adjusted loss of Menon et al. 2021, "Long-tail learning
via logit adjustment".
"""

from __future__ import annotations

import functools
import math
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from weightlab import _validate

__all__ = [
    "weights_from_counts",
    "class_weights",
    "log_prior",
    "WeightSummary",
    "describe_weights",
    "make_loss",
    "WeightedCrossEntropy",  # noqa: F822 - defined lazily by __getattr__ (needs torch)
]


# ---------------------------------------------------------------------------------------------
# validation helpers
# ---------------------------------------------------------------------------------------------


def _as_counts(train_counts, name: str = "train_counts") -> np.ndarray:
    """Return ``train_counts`` as a 1-D int64 array, or raise a ValueError saying why not."""
    counts = np.asarray(train_counts)
    if counts.ndim != 1:
        raise ValueError(
            f"{name} must be a 1-D array with one count per class; got shape {counts.shape}. "
            "Pass e.g. np.bincount(train_labels, minlength=n_classes)."
        )
    if counts.size == 0:
        raise ValueError(f"{name} is empty; pass one count per class.")
    if counts.dtype == bool or not np.issubdtype(counts.dtype, np.number):
        raise ValueError(f"{name} must contain integer counts; got dtype {counts.dtype}.")
    if not np.all(np.isfinite(counts)) or np.any(counts != np.round(counts)):
        raise ValueError(
            f"{name} must contain whole numbers of examples; got non-integer values. "
            "Pass the number of training examples of each class."
        )
    counts = counts.astype(np.int64)
    if np.any(counts < 0):
        bad = int(np.flatnonzero(counts < 0)[0])
        raise ValueError(
            f"{name} contains a negative count ({int(counts[bad])} for class {bad}); "
            "counts must be >= 0."
        )
    if counts.sum() == 0:
        raise ValueError(
            f"{name} is all zeros: no training examples, so no weights can be computed. "
            "Check that the training split is not empty."
        )
    return counts


def _check_options(alpha, beta, max_ratio) -> None:
    _validate.alpha(alpha)
    if beta is not None:
        if not isinstance(beta, (int, float, np.integer, np.floating)) or not (0 <= beta < 1):
            raise ValueError(
                f"beta must be in [0, 1) (e.g. 0.99 or 0.999), or None for the power law; "
                f"got {beta!r}."
            )
    if max_ratio is not None:
        if not isinstance(max_ratio, (int, float, np.integer, np.floating)) or not (max_ratio >= 1):
            raise ValueError(
                f"max_ratio must be >= 1 (the largest allowed max(w)/min(w)), or None for no "
                f"clipping; got {max_ratio!r}."
            )


def _as_float_vector(values, name: str) -> np.ndarray:
    if hasattr(values, "detach"):  # a torch tensor, possibly on a GPU
        values = values.detach().float().cpu().numpy()
    arr = np.asarray(values, dtype=np.float64)
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(
            f"{name} must be a non-empty 1-D array with one value per class; got shape {arr.shape}."
        )
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} contains NaN or infinite values; all entries must be finite.")
    return arr


# ---------------------------------------------------------------------------------------------
# weights
# ---------------------------------------------------------------------------------------------


def _raw_weights(counts: np.ndarray, alpha: float, beta: float | None) -> np.ndarray:
    present = counts > 0
    raw = np.zeros(counts.shape, dtype=np.float64)
    n = counts[present].astype(np.float64)
    if beta is None:
        raw[present] = n ** (-float(alpha))
    else:
        raw[present] = (1.0 - beta) / (1.0 - np.power(float(beta), n))
    return raw


#: Above this max / min ratio of the weights of the classes present in training, the
#: smallest weights are negligible next to the largest: :func:`weights_from_counts` warns.
MAX_SAFE_RATIO = 1e6


def _log_raw_weights(n: np.ndarray, alpha: float, beta: float | None) -> np.ndarray:
    """Log of the raw weights of classes with ``n > 0`` training examples.

    Why logs: ``n ** -alpha`` under- or overflows for large ``alpha`` (``alpha=1000``) and
    ``1 - beta ** n`` loses every digit for ``beta`` near 1; their logs stay finite.
    """
    if beta is None:
        return -float(alpha) * np.log(n)
    if beta == 0:
        return np.zeros_like(n)
    return np.log1p(-float(beta)) - np.log(-np.expm1(n * np.log(float(beta))))


def weights_from_counts(
    train_counts,
    *,
    alpha: float = 0.5,
    beta: float | None = None,
    max_ratio: float | None = None,
) -> np.ndarray:
    r"""Per-class loss weights from the training counts.

    Raw weights are :math:`\tilde w_c = n_c^{-\alpha}` (power law) or, if ``beta`` is given,
    :math:`\tilde w_c = (1 - \beta) / (1 - \beta^{n_c})` (effective number of samples, Cui et
    al. 2019). They are optionally clipped, then normalised so that the mean weight over
    training examples is 1:

    .. math:: w_c = \tilde w_c \, N / \textstyle\sum_k n_k \tilde w_k,
        \qquad \textstyle\sum_c n_c w_c / N = 1,

    where :math:`N = \sum_c n_c`.

    Parameters
    ----------
    train_counts : array-like of int, shape (n_classes,)
        Number of training examples of each class, in class order.
    alpha : float, default 0.5
        Exponent of the power law: 0 = unweighted, 0.5 = sqrt-inverse frequency,
        1 = inverse frequency. **Ignored when** ``beta`` **is given.**
    beta : float in [0, 1), optional
        Use the effective-number scheme instead of the power law. Typical values are 0.99,
        0.999, 0.9999; ``beta=0`` gives equal weights.
    max_ratio : float >= 1, optional
        Clip the raw weights so that ``max(w) / min(w)`` over the classes present in training
        is at most ``max_ratio``: weights above ``min(w) * max_ratio`` are lowered to it.
        Clipping happens before normalisation, which does not change ratios.

    Returns
    -------
    numpy.ndarray of float64, shape (n_classes,)
        The weights, aligned with ``train_counts``. Classes with ``n_c = 0`` get ``0.0``: they
        never occur as a training target, so they contribute nothing to the loss anyway.
        Computed in logs, so they are finite for any ``alpha``, ``beta`` and counts (a weight
        too small for float64 becomes 0).

    Warns
    -----
    UserWarning
        When the weights of the classes present span a ratio above :data:`MAX_SAFE_RATIO`
        (1e6): the largest classes then barely count in the loss.

    Raises
    ------
    ValueError
        If the counts are not a 1-D array of non-negative integers with at least one positive
        entry, if ``alpha`` is negative or not finite, if ``beta`` is outside [0, 1), or if
        ``max_ratio`` is below 1.

    Examples
    --------
    >>> weights_from_counts([100, 25, 4], alpha=0.5).round(4)   # ∝ [0.1, 0.2, 0.5]
    array([0.7588, 1.5176, 3.7941])
    >>> weights_from_counts([100, 25, 4], alpha=0.0)
    array([1., 1., 1.])
    """
    from scipy.special import logsumexp

    counts = _as_counts(train_counts)
    _check_options(alpha, beta, max_ratio)
    present = counts > 0
    n = counts[present].astype(np.float64)
    log_raw = _log_raw_weights(n, alpha, beta)
    if max_ratio is not None:
        log_raw = np.minimum(log_raw, log_raw.min() + np.log(float(max_ratio)))
    # w_c = raw_c * N / sum_k n_k raw_k. Directly where that is finite (the usual case, and
    # the same bits as always: cached runs and published numbers stay put), else in logs.
    with np.errstate(all="ignore"):
        direct = _raw_weights(counts, alpha, beta)
        if max_ratio is not None:
            ceiling = direct[present].min() * float(max_ratio)
            direct[present] = np.minimum(direct[present], ceiling)
        direct = direct * (counts.sum() / np.dot(counts, direct))
    if np.isfinite(direct).all() and (direct[present] > 0).all():
        weights = direct
    else:
        weights = np.zeros(counts.shape, dtype=np.float64)
        weights[present] = np.exp(log_raw + np.log(n.sum()) - logsumexp(log_raw + np.log(n)))
    log_span = float(log_raw.max() - log_raw.min())  # normalising does not change ratios
    if log_span > np.log(MAX_SAFE_RATIO):
        warnings.warn(
            f"class weights span a ratio of {np.exp(min(log_span, 700)):.3g} (more than "
            f"{MAX_SAFE_RATIO:.0e}): the weights of the largest classes are negligible and "
            "their examples barely train the model. Use a smaller alpha, or cap the ratio "
            "with max_ratio=.",
            UserWarning,
            stacklevel=2,
        )
    return weights


def class_weights(
    train_labels,
    *,
    n_classes: int | None = None,
    alpha: float = 0.5,
    beta: float | None = None,
    max_ratio: float | None = None,
) -> np.ndarray:
    r"""Per-class loss weights from integer training labels.

    Counts the labels (``np.bincount(train_labels, minlength=n_classes)``) and calls
    :func:`weights_from_counts`: :math:`w_c \propto n_c^{-\alpha}` (or the effective-number
    weight if ``beta`` is given), normalised so that :math:`\sum_c n_c w_c / N = 1`, i.e. the
    mean weight over training examples is 1.

    Parameters
    ----------
    train_labels : array-like of int, shape (n_train,)
        Class index of each training example, in ``[0, n_classes)``.
    n_classes : int, optional
        Number of classes. Defaults to ``max(train_labels) + 1``; pass it explicitly so that
        classes absent from training still get a (zero) entry.
    alpha, beta, max_ratio
        See :func:`weights_from_counts`. ``alpha`` is ignored when ``beta`` is given.

    Returns
    -------
    numpy.ndarray of float64, shape (n_classes,)
        Weight of each class, in label order; ``0.0`` for classes with no training example.

    Examples
    --------
    >>> y = np.array([0] * 100 + [1] * 25 + [2] * 4)
    >>> class_weights(y, n_classes=4, alpha=1.0).round(4)   # ∝ [1/100, 1/25, 1/4, -]
    array([ 0.43,  1.72, 10.75,  0.  ])
    """
    labels = np.asarray(train_labels)
    if labels.ndim != 1 or labels.size == 0:
        raise ValueError(
            f"train_labels must be a non-empty 1-D array of class indices; got shape "
            f"{labels.shape}."
        )
    if not np.issubdtype(labels.dtype, np.integer):
        raise ValueError(
            f"train_labels must be integer class indices; got dtype {labels.dtype}. "
            "Map class names to indices first (e.g. with np.unique(..., return_inverse=True))."
        )
    if labels.min() < 0:
        raise ValueError(
            f"train_labels contains the negative label {int(labels.min())}; "
            "labels must be in [0, n_classes)."
        )
    if n_classes is not None:
        _validate.whole_number(n_classes, "n_classes", minimum=1)
        if labels.max() >= n_classes:
            raise ValueError(
                f"train_labels contains label {int(labels.max())} but n_classes={n_classes}; "
                "labels must be in [0, n_classes). Pass the right n_classes."
            )
    counts = np.bincount(labels, minlength=n_classes or 0)
    return weights_from_counts(counts, alpha=alpha, beta=beta, max_ratio=max_ratio)


def log_prior(train_counts) -> np.ndarray:
    r"""Log class priors :math:`\log(n_c / N)` from the training counts.

    Classes with no training example get :math:`\log(0.5 / N)` - half an example - instead of
    :math:`-\infty`, so that logit adjustment stays finite. (The "priors" then sum to slightly
    more than 1; only differences between classes matter for logit adjustment.)

    Parameters
    ----------
    train_counts : array-like of int, shape (n_classes,)
        Number of training examples of each class, in class order.

    Returns
    -------
    numpy.ndarray of float64, shape (n_classes,)

    Examples
    --------
    >>> np.exp(log_prior([3, 1, 0]))
    array([0.75 , 0.25 , 0.125])
    """
    counts = _as_counts(train_counts).astype(np.float64)
    total = counts.sum()
    return np.log(np.where(counts > 0, counts, 0.5) / total)


# ---------------------------------------------------------------------------------------------
# description
# ---------------------------------------------------------------------------------------------


def _plural(n: int, one: str, many: str) -> str:
    return one if n == 1 else many


@dataclass(frozen=True, eq=False)
class WeightSummary:
    r"""What a weighting does to the training loss, as a table and a sentence.

    Made by :func:`describe_weights`.

    Attributes
    ----------
    table : pandas.DataFrame
        Indexed by class name (index name ``"class"``), in class order, with columns
        ``train_count``, ``weight``, ``loss_share_unweighted`` (:math:`n_c / N`) and
        ``loss_share_weighted`` (:math:`n_c w_c / \sum_k n_k w_k`): the share of the total
        training loss each class carries if every example had the same loss.
    max_min_ratio : float
        ``max(weight) / min(weight)`` over the classes present in training.
    rarest : str
        Name of the class with the fewest (non-zero) training examples (first one on ties).
    most_common : str
        Name of the class with the most training examples (first one on ties).
    tail_threshold : int
        Classes with fewer training examples than this (and at least one) are the "tail" in
        :attr:`sentence`.
    """

    table: pd.DataFrame
    max_min_ratio: float
    rarest: str
    most_common: str
    tail_threshold: int = 20

    @property
    def sentence(self) -> str:
        """One sentence describing the weighting, for reports and notebooks."""
        t = self.table
        rare, common = t.loc[self.rarest], t.loc[self.most_common]
        n_rare, n_common = int(rare["train_count"]), int(common["train_count"])
        ratio = rare["weight"] / common["weight"] if common["weight"] > 0 else math.inf
        head = (
            f"The rarest class ({self.rarest!r}, {n_rare:,} training "
            f"{_plural(n_rare, 'example', 'examples')}) gets {ratio:,.1f}x the weight of the "
            f"most common ({self.most_common!r}, {n_common:,} "
            f"{_plural(n_common, 'example', 'examples')})"
        )
        tail = t[(t["train_count"] > 0) & (t["train_count"] < self.tail_threshold)]
        k = len(tail)
        if k == 0:
            return f"{head}; no class has under {self.tail_threshold} training examples."
        weighted = 100 * tail["loss_share_weighted"].sum()
        unweighted = 100 * tail["loss_share_unweighted"].sum()
        return (
            f"{head}; the {k} {_plural(k, 'class', 'classes')} under {self.tail_threshold} "
            f"examples {_plural(k, 'carries', 'carry')} {weighted:.1f}% of the loss "
            f"({unweighted:.1f}% unweighted)."
        )

    def __str__(self) -> str:
        return self.sentence


def describe_weights(
    train_counts,
    weights,
    *,
    class_names=None,
    tail_threshold: int = 20,
) -> WeightSummary:
    r"""Summarise what ``weights`` do to the training loss.

    Parameters
    ----------
    train_counts : array-like of int, shape (n_classes,)
        Number of training examples of each class, in class order.
    weights : array-like of float, shape (n_classes,)
        Per-class weights (e.g. from :func:`weights_from_counts`); need not be normalised.
    class_names : sequence of str, optional
        Names in class order; defaults to ``"0"``, ``"1"``, ...
    tail_threshold : int, default 20
        Classes with ``0 < n_c < tail_threshold`` are counted as the tail in the sentence.

    Returns
    -------
    WeightSummary
        ``loss_share_weighted`` is :math:`n_c w_c / \sum_k n_k w_k`, ``loss_share_unweighted``
        is :math:`n_c / N`.

    Examples
    --------
    >>> counts = [100, 25, 4]
    >>> s = describe_weights(counts, weights_from_counts(counts), class_names=["a", "b", "c"])
    >>> s.rarest, s.most_common, round(s.max_min_ratio, 2)
    ('c', 'a', 5.0)
    >>> s.table["loss_share_weighted"].round(3).tolist()
    [0.588, 0.294, 0.118]
    """
    counts = _as_counts(train_counts)
    w = _as_float_vector(weights, "weights")
    if w.shape != counts.shape:
        raise ValueError(
            f"weights has {w.size} entries but train_counts has {counts.size}; "
            "pass one weight per class, in the same class order."
        )
    if np.any(w < 0):
        raise ValueError("weights contains negative values; class weights must be >= 0.")
    if class_names is None:
        names = [str(i) for i in range(counts.size)]
    else:
        names = [str(c) for c in class_names]
        if len(names) != counts.size:
            raise ValueError(
                f"class_names has {len(names)} names but train_counts has {counts.size} "
                "classes; pass one name per class, in class order."
            )
        if len(set(names)) != len(names):
            raise ValueError("class_names contains duplicates; class names must be unique.")
    _validate.whole_number(tail_threshold, "tail_threshold")
    weighted_total = float(np.dot(counts, w))
    if weighted_total <= 0:
        raise ValueError(
            "weights are zero for every class present in training, so the weighted loss is "
            "identically zero; check the weights."
        )
    present = counts > 0
    table = pd.DataFrame(
        {
            "train_count": counts,
            "weight": w,
            "loss_share_unweighted": counts / counts.sum(),
            "loss_share_weighted": counts * w / weighted_total,
        },
        index=pd.Index(names, name="class"),
    )
    w_present = w[present]
    lo = w_present.min()
    max_min_ratio = float(w_present.max() / lo) if lo > 0 else math.inf
    present_idx = np.flatnonzero(present)
    rarest = names[int(present_idx[np.argmin(counts[present])])]
    most_common = names[int(np.argmax(counts))]
    return WeightSummary(
        table=table,
        max_min_ratio=max_min_ratio,
        rarest=rarest,
        most_common=most_common,
        tail_threshold=int(tail_threshold),
    )


# ---------------------------------------------------------------------------------------------
# the torch loss (torch is imported lazily: the weight arithmetic above does not need it)
# ---------------------------------------------------------------------------------------------


@functools.cache
def _loss_class():
    """Define :class:`WeightedCrossEntropy` on first use, so importing this module is cheap."""
    import torch

    class WeightedCrossEntropy(torch.nn.CrossEntropyLoss):
        r"""Mean (class-weighted, optionally logit-adjusted) cross-entropy.

        A :class:`torch.nn.CrossEntropyLoss` with ``weight=class_weight`` and
        ``reduction="mean"``, whose ``forward(logits, targets)`` first casts the logits to
        float32 (safe under bf16 / fp16 autocast) and, if ``tau != 0``, shifts them by
        ``tau * log_prior`` (the logit-adjusted loss of Menon et al. 2021):

        .. math:: \ell = \frac{\sum_i w_{y_i}\,
            \mathrm{CE}(z_i + \tau \log \pi,\; y_i)}{\sum_i w_{y_i}}.

        Note the denominator: like torch's own weighted cross-entropy, the mean divides by the
        **sum of the weights of the targets in the batch**, not by the batch size. With
        ``gamma > 0`` each cross-entropy term is multiplied by :math:`(1 - p_{y_i})^\gamma`
        (the focal loss), under the same weighted mean.

        Build it with :func:`weightlab.weights.make_loss`. The weights are the buffer
        ``weight`` and the log prior the buffer ``log_prior`` (both float32, ``None`` when not
        used), so ``.to(device)`` moves them with the module. Keep the module in float32.
        """

        def __init__(self, class_weight=None, log_prior=None, tau: float = 0.0, gamma=0.0):
            super().__init__(weight=class_weight, reduction="mean")
            self.register_buffer("log_prior", log_prior)
            self.tau = float(tau)
            self.gamma = float(gamma)

        def forward(self, logits, targets):
            """Return the mean weighted cross-entropy of ``logits`` (n, C) vs ``targets`` (n,)."""
            n_classes = self.weight.numel() if self.weight is not None else None
            if n_classes is None and self.log_prior is not None:
                n_classes = self.log_prior.numel()
            if logits.ndim != 2 or (n_classes is not None and logits.shape[1] != n_classes):
                raise ValueError(
                    f"logits must have shape (batch, {n_classes or 'n_classes'}); got "
                    f"{tuple(logits.shape)}. The loss was built for {n_classes} classes."
                )
            logits = logits.float()
            if self.tau != 0.0:
                logits = logits + self.tau * self.log_prior
            if self.gamma == 0.0:
                return super().forward(logits, targets.long())
            return _focal(logits, targets.long(), self.weight, self.gamma)

        def extra_repr(self) -> str:
            n = None if self.weight is None else self.weight.numel()
            focal = f", gamma={self.gamma}" if self.gamma else ""
            return f"n_classes={n}, tau={self.tau}{focal}"

    def _focal(logits, targets, weight, gamma):
        # Written out because torch has no softmax focal loss (torchvision's is the sigmoid,
        # one-vs-rest form): -(1 - p_t)^gamma log p_t, averaged with the class weights like
        # CrossEntropyLoss (divided by the sum of the targets' weights). gamma=0 is exactly
        # the weighted cross-entropy (tests/test_weights.py).
        log_p = torch.nn.functional.log_softmax(logits, dim=1)
        log_pt = log_p.gather(1, targets[:, None]).squeeze(1)
        # 1 - p_t as -expm1(log p_t) (exact near p_t = 1), kept above 0: at 0, x^gamma with
        # gamma < 1 has an infinite slope, and inf * log p_t (= 0) would be a NaN gradient
        per_example = -((-torch.expm1(log_pt)).clamp(min=1e-12) ** gamma) * log_pt
        if weight is None:
            return per_example.mean()
        w = weight[targets]
        return (w * per_example).sum() / w.sum()

    WeightedCrossEntropy.focal = staticmethod(_focal)
    WeightedCrossEntropy.__module__ = __name__
    WeightedCrossEntropy.__qualname__ = "WeightedCrossEntropy"
    return WeightedCrossEntropy


def __getattr__(name: str) -> Any:
    # ``WeightedCrossEntropy`` is public but created lazily (it needs torch).
    if name == "WeightedCrossEntropy":
        return _loss_class()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def make_loss(class_weight=None, *, log_prior=None, tau: float = 0.0, gamma: float = 0.0):
    r"""Build the training loss: weighted, optionally logit-adjusted or focal, cross-entropy.

    Parameters
    ----------
    class_weight : array-like of float, shape (n_classes,), optional
        Per-class weights, e.g. from :func:`weights_from_counts`; ``None`` for unweighted.
    log_prior : array-like of float, shape (n_classes,), optional
        Log class priors, e.g. from :func:`log_prior`. Required when ``tau != 0``.
    tau : float, default 0.0
        Logit-adjustment strength (Menon et al. 2021 use ``tau=1``): the cross-entropy is
        computed on ``logits + tau * log_prior``. At prediction time use the raw logits.
    gamma : float, default 0.0
        Focal-loss focusing parameter (Lin et al. 2017, "Focal Loss for Dense Object
        Detection"): each example's cross-entropy is multiplied by :math:`(1 - p_t)^\gamma`,
        :math:`p_t` the probability of its true class, so that examples the model already
        gets right count less. 0 is the plain (weighted) cross-entropy.

    Returns
    -------
    WeightedCrossEntropy
        A :class:`torch.nn.Module` (a :class:`torch.nn.CrossEntropyLoss`) whose
        ``forward(logits, targets)`` returns the mean weighted cross-entropy. As in torch, with
        weights the mean divides by the sum of the target weights in the batch,
        :math:`\sum_i w_{y_i}`, not by the batch size.

    Raises
    ------
    ValueError
        If ``tau != 0`` without ``log_prior``, if ``tau`` is not finite, if the weights are
        negative, all zero or not finite, or if the two vectors differ in length.

    Examples
    --------
    >>> counts = [100, 25, 4]
    >>> loss_fn = make_loss(weights_from_counts(counts), log_prior=log_prior(counts), tau=1.0)
    >>> loss = loss_fn(model(x), y)  # doctest: +SKIP
    """
    import torch

    if not isinstance(tau, (int, float, np.integer, np.floating)) or not math.isfinite(tau):
        raise ValueError(f"tau must be a finite number; got {tau!r}.")
    if not isinstance(gamma, (int, float, np.integer, np.floating)) or not 0 <= gamma < math.inf:
        raise ValueError(f"gamma must be a finite number >= 0 (0: no focal term); got {gamma!r}.")
    if tau != 0 and log_prior is None:
        raise ValueError(
            f"tau={tau} needs log_prior: pass log_prior=weightlab.weights.log_prior(train_counts),"
            " or set tau=0 for no logit adjustment."
        )
    weight_t = prior_t = None
    if class_weight is not None:
        w = _as_float_vector(class_weight, "class_weight")
        if np.any(w < 0):
            raise ValueError("class_weight contains negative values; weights must be >= 0.")
        if not np.any(w > 0):
            raise ValueError(
                "class_weight is all zeros, so the loss would be 0/0; pass real weights or None."
            )
        weight_t = torch.as_tensor(w, dtype=torch.float32)
    if log_prior is not None:
        p = _as_float_vector(log_prior, "log_prior")
        prior_t = torch.as_tensor(p, dtype=torch.float32)
    if weight_t is not None and prior_t is not None and weight_t.numel() != prior_t.numel():
        raise ValueError(
            f"class_weight has {weight_t.numel()} entries but log_prior has {prior_t.numel()}; "
            "both must have one entry per class."
        )
    return _loss_class()(
        class_weight=weight_t, log_prior=prior_t, tau=float(tau), gamma=float(gamma)
    )
