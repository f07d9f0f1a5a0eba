r"""Two stakeholder operating views of the same predictions: routing and audit.

Accuracy and macro F1 answer different people's questions. This module names two of them and
computes each from a :class:`~weightlab.metrics.Scores` (:func:`operating_views`) or, for a
model's logits, at every strength of post-hoc logit adjustment (:func:`views_by_tau`).

routing
    A team that routes incoming complaints cares about the bulk of the volume. Its metrics are
    ``volume_accuracy`` - accuracy on the test documents of the *volume classes*, the largest
    classes that together hold ``volume_share`` (default 80%) of the training examples - and
    overall ``accuracy``.
audit
    A compliance or audit team needs every category to be recognisable at all. Its metrics are
    ``classes_identified`` - scored classes with F1 > 0 (the model gets at least one of their
    documents right, out of ``n`` scored classes) - ``macro_f1`` and ``tail_recall``, the
    share of the tail band's test documents classified correctly (tail: fewer than
    ``bands[0]`` training examples).

Volume classes
--------------
Sort the classes by training count, largest first (ties: class order), and take the shortest
prefix whose cumulative share of the training examples reaches ``volume_share``
(:func:`volume_classes`).

Examples
--------
>>> from weightlab.metrics import score
>>> s = score([0, 0, 0, 1, 2], [0, 0, 1, 1, 0], class_names=["a", "b", "c"],
...           train_counts=[80, 15, 5])
>>> table = operating_views(s, train_counts=[80, 15, 5])
>>> table["metric"].tolist()
['volume_accuracy', 'accuracy', 'classes_identified', 'macro_f1', 'tail_recall']
>>> table["value"].round(3).tolist()
[0.667, 0.6, 2.0, 0.444, 0.5]
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from weightlab import _validate
from weightlab.metrics import Scores, scores_from_logits

__all__ = ["VIEWS", "volume_classes", "operating_views", "compare_views", "views_by_tau"]

#: The operating views, in row order, with the metrics each reports.
VIEWS = {
    "routing": ("volume_accuracy", "accuracy"),
    "audit": ("classes_identified", "macro_f1", "tail_recall"),
}


def _check_share(volume_share) -> float:
    ok = isinstance(volume_share, int | float | np.floating) and not isinstance(volume_share, bool)
    if not ok or not (0 < float(volume_share) <= 1):
        raise ValueError(
            f"volume_share must be a fraction in (0, 1], e.g. 0.8 for the classes that hold 80% "
            f"of the training examples; got {volume_share!r}."
        )
    return float(volume_share)


def volume_classes(train_counts, *, volume_share: float = 0.8) -> np.ndarray:
    """Indices of the largest classes that together hold ``volume_share`` of training data.

    Parameters
    ----------
    train_counts : array-like of int, shape (n_classes,)
        Training examples per class, in class order.
    volume_share : float, default 0.8
        Cumulative share of the training examples to reach, in (0, 1].

    Returns
    -------
    numpy.ndarray of int64
        Class indices, largest class first: the shortest prefix of the classes sorted by
        training count (descending, ties in class order) whose counts sum to at least
        ``volume_share`` of all training examples.

    Raises
    ------
    ValueError
        If ``train_counts`` is not one whole, non-negative count per class with a positive
        total, or ``volume_share`` is not in (0, 1].

    Examples
    --------
    >>> volume_classes([10, 50, 30, 10], volume_share=0.8).tolist()
    [1, 2]
    """
    share = _check_share(volume_share)
    counts = np.asarray(train_counts)
    if counts.ndim != 1 or counts.size == 0:
        raise ValueError(
            f"train_counts must be a 1-D array with one count per class; got shape {counts.shape}."
        )
    counts = _validate.as_train_counts(counts, counts.size)
    total = counts.sum()
    if total <= 0:
        raise ValueError("train_counts sums to 0; pass the training examples of each class.")
    order = np.argsort(-counts, kind="stable")
    cumulative = np.cumsum(counts[order]) / total
    # Why the tolerance: 0.8 of a total that is a multiple of 5 must count as reached.
    k = int(np.searchsorted(cumulative, share - 1e-12)) + 1
    return order[: min(k, counts.size)].astype(np.int64)


def _views(scores: Scores, counts: np.ndarray, share: float, lo) -> list[dict]:
    yt, yp = scores.y_true, scores.y_pred
    correct = yt == yp
    volume = volume_classes(counts, volume_share=share)
    in_volume = np.isin(yt, volume)
    in_tail = counts[yt] < lo
    f1 = scores.by_class["f1"].to_numpy()
    o = scores.overall
    n_volume_docs, n_tail_docs = int(in_volume.sum()), int(in_tail.sum())
    held = counts[volume].sum() / counts.sum()
    return [
        {
            "view": "routing",
            "metric": "volume_accuracy",
            "value": float(correct[in_volume].mean()) if n_volume_docs else np.nan,
            "n": n_volume_docs,
            "definition": f"accuracy on the test documents of the {volume.size} largest classes, "
            f"which hold {held:.0%} of the training examples",
        },
        {
            "view": "routing",
            "metric": "accuracy",
            "value": float(o["accuracy"]),
            "n": int(o["n_test"]),
            "definition": "accuracy on all test documents",
        },
        {
            "view": "audit",
            "metric": "classes_identified",
            "value": float(np.count_nonzero(f1 > 0)),
            "n": int(f1.size),
            "definition": "classes present in the test split with F1 > 0 "
            "(at least one test document classified correctly)",
        },
        {
            "view": "audit",
            "metric": "macro_f1",
            "value": float(o["macro_f1"]),
            "n": int(f1.size),
            "definition": "unweighted mean of the per-class F1 over the classes in the test split",
        },
        {
            "view": "audit",
            "metric": "tail_recall",
            "value": float(correct[in_tail].mean()) if n_tail_docs else np.nan,
            "n": n_tail_docs,
            "definition": f"accuracy on the test documents of tail classes "
            f"(fewer than {lo:g} training examples)",
        },
    ]


_COLUMNS = ["view", "metric", "value", "n", "definition"]


def operating_views(
    scores: Scores, *, train_counts, volume_share: float = 0.8, bands=(20, 100)
) -> pd.DataFrame:
    """The routing and audit views of one set of predictions, as a tidy table.

    Parameters
    ----------
    scores : Scores
        Predictions scored on the test split.
    train_counts : array-like of int, shape (n_classes,)
        Training examples per class (``dataset.train_counts``), for the volume classes and
        the tail band.
    volume_share : float, default 0.8
        Share of the training examples the routing view's volume classes hold.
    bands : (int, int), default (20, 100)
        Band edges; tail classes have fewer than ``bands[0]`` training examples.

    Returns
    -------
    pandas.DataFrame
        One row per view and metric (``routing``: ``volume_accuracy``, ``accuracy``;
        ``audit``: ``classes_identified``, ``macro_f1``, ``tail_recall``), columns ``view``,
        ``metric``, ``value`` (float), ``n`` (what the value is computed over: test documents
        for accuracies and recalls, scored classes for ``classes_identified`` and
        ``macro_f1``) and ``definition`` (a sentence). ``value`` is NaN when ``n`` is 0
        (e.g. no tail class in the test split).

    Raises
    ------
    ValueError
        If ``scores`` is not a Scores, ``train_counts`` does not have one count per class,
        ``volume_share`` is not in (0, 1] or ``bands`` is not a pair ``0 <= lo <= hi``.
    """
    if not isinstance(scores, Scores):
        raise ValueError(
            f"operating_views needs a Scores (from weightlab.score); got {type(scores).__name__}."
        )
    counts = _validate.as_train_counts(train_counts, len(scores.class_names))
    share = _check_share(volume_share)
    lo, _ = _validate.bands(bands)
    if counts.sum() <= 0:
        raise ValueError("train_counts sums to 0; pass the training examples of each class.")
    return pd.DataFrame(_views(scores, counts, share, lo), columns=_COLUMNS)


def compare_views(
    scores_by_model: Mapping[str, Scores],
    *,
    train_counts,
    volume_share: float = 0.8,
    bands=(20, 100),
) -> pd.DataFrame:
    """The operating views of several models side by side.

    Parameters
    ----------
    scores_by_model : mapping of str to Scores
        Model name -> its scores on the same test split, e.g. ``{"unweighted": s0,
        "weighted": s1, "unweighted, tau=0.9": s2}``.
    train_counts, volume_share, bands
        See :func:`operating_views`.

    Returns
    -------
    pandas.DataFrame
        Index ``(view, metric)`` as in :func:`operating_views`; one column of values per
        model (in the given order), then ``n`` and ``definition`` (taken from the first
        model; they depend on the test split and training counts only).

    Raises
    ------
    ValueError
        If ``scores_by_model`` is empty, or for anything :func:`operating_views` rejects.
    """
    if not isinstance(scores_by_model, Mapping) or not scores_by_model:
        raise ValueError(
            "scores_by_model must be a non-empty mapping of model name to Scores, e.g. "
            "{'unweighted': s0, 'weighted': s1}."
        )
    tables = {
        str(name): operating_views(
            s, train_counts=train_counts, volume_share=volume_share, bands=bands
        ).set_index(["view", "metric"])
        for name, s in scores_by_model.items()
    }
    first = next(iter(tables.values()))
    out = pd.DataFrame({name: t["value"] for name, t in tables.items()})
    out["n"] = first["n"]
    out["definition"] = first["definition"]
    return out


def views_by_tau(
    logits,
    y_true,
    *,
    train_counts,
    taus,
    class_names,
    volume_share: float = 0.8,
    bands=(20, 100),
) -> pd.DataFrame:
    r"""The routing and audit views at every strength ``tau`` of post-hoc logit adjustment.

    At each ``tau`` the predictions are the argmax of
    :func:`weightlab.adjust.adjust_logits` ``(logits, log_prior(train_counts), tau=tau)``,
    i.e. :math:`\arg\max_c\, f_c(x) - \tau \log \pi_c` (Menon et al. 2021): ``tau = 0`` is
    the model as trained, larger ``tau`` favours rarer classes.

    Parameters
    ----------
    logits : array-like of float, shape (n_test, n_classes)
        Test logits of one trained model.
    y_true : array-like of int, shape (n_test,)
        True test labels.
    train_counts : array-like of int, shape (n_classes,)
        Training examples per class: the priors of the adjustment, the volume classes and
        the tail band.
    taus : sequence of float
        Adjustment strengths, e.g. ``np.linspace(0, 2, 11)``.
    class_names : sequence of str
        Class names, in label order.
    volume_share, bands
        See :func:`operating_views`.

    Returns
    -------
    pandas.DataFrame
        The rows of :func:`operating_views` for each ``tau``, with a leading ``tau`` column.

    Raises
    ------
    ValueError
        If ``taus`` is empty or not finite, plus everything :func:`operating_views` and
        :func:`weightlab.metrics.scores_from_logits` raise.
    """
    from weightlab.adjust import adjust_logits
    from weightlab.weights import log_prior

    taus = np.atleast_1d(np.asarray(taus, dtype=float))
    if taus.size == 0 or not np.all(np.isfinite(taus)):
        raise ValueError(f"taus must be a non-empty sequence of finite numbers; got {taus!r}.")
    counts = _validate.as_train_counts(train_counts, len(class_names))
    prior = log_prior(counts)
    frames = []
    for tau in taus:
        scores = scores_from_logits(
            adjust_logits(logits, prior, tau=float(tau)),
            y_true,
            class_names=class_names,
            train_counts=counts,
            bands=bands,
        )
        table = operating_views(scores, train_counts=counts, volume_share=volume_share, bands=bands)
        table.insert(0, "tau", float(tau))
        frames.append(table)
    return pd.concat(frames, ignore_index=True)
