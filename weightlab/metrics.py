r"""Scores of a set of predictions: one result type, overall and per class.

:func:`score` (or :func:`scores_from_logits`) returns a :class:`Scores` with

- ``.overall`` - one row (a :class:`pandas.Series`): accuracy, macro F1, weighted F1, balanced
  accuracy and counts of classes scored / predicted / correct / with zero F1;
- ``.by_class`` - a :class:`pandas.DataFrame` indexed by class name: precision, recall, F1,
  test support, training count, frequency band and how often the class was predicted.

All metrics come from :mod:`sklearn.metrics`.

Which classes are scored (the macro-F1 denominator)
---------------------------------------------------
**The scored classes are exactly the classes present in** ``y_true`` **(the test split).**

- Macro F1 is the unweighted mean of the per-class F1 over those classes, computed with
  ``sklearn.metrics.precision_recall_fscore_support(..., labels=present, zero_division=0)``.
  A scored class that is never predicted correctly has F1 = 0 and counts in the mean (and in
  ``zero_f1_classes``).
- A class that never occurs in the test set is **not** scored, even if the model predicts it:
  it has no row in ``by_class`` and is not in the macro-F1 denominator. Its predictions are
  still errors: they lower accuracy and the recall of the true classes of those documents.
  (They are not counted against the precision of another class: a wrong prediction only
  affects the precision of the class that was predicted.)
- Weighted F1 (``f1_score(average="weighted", labels=present)``) and balanced accuracy (the
  mean recall over the present classes) use the same classes.

This matters on a long tail: with a small test split, some tail classes are absent from it, and
a different denominator would change macro F1 by more than the effect being measured.

Frequency bands
---------------
With ``bands=(lo, hi)`` and the training count :math:`n_c` of each class: ``"tail"`` if
:math:`n_c < lo`, ``"medium"`` if :math:`lo \le n_c \le hi`, ``"head"`` if :math:`n_c > hi`.
Without ``train_counts``, ``by_class["train_count"]`` is ``-1`` and the band is ``"unknown"``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.metrics import (
    accuracy_score,
    f1_score,
    precision_recall_fscore_support,
)

from weightlab import _validate

__all__ = ["BANDS", "Scores", "score", "scores_from_logits", "band_summary"]

#: Band names, from the most to the least frequent classes (row order of :func:`band_summary`).
BANDS = ("head", "medium", "tail")

_OVERALL_KEYS = (
    "accuracy",
    "macro_f1",
    "weighted_f1",
    "balanced_accuracy",
    "zero_f1_classes",
    "n_classes_scored",
    "n_classes_predicted",
    "n_classes_correct",
    "n_test",
)


@dataclass(frozen=True, eq=False)
class Scores:
    """Scores of one set of predictions (made by :func:`score`).

    Attributes
    ----------
    overall : pandas.Series
        ``accuracy``, ``macro_f1``, ``weighted_f1``, ``balanced_accuracy`` (floats) and
        ``zero_f1_classes``, ``n_classes_scored``, ``n_classes_predicted`` (distinct classes
        predicted on the test set, scored or not), ``n_classes_correct`` (classes with at least
        one correct prediction), ``n_test`` (ints). Object dtype, so the ints stay ints.
    by_class : pandas.DataFrame
        One row per scored class (the classes present in ``y_true``), in label order, indexed
        by class name (index name ``"class"``), with columns ``precision``, ``recall``, ``f1``,
        ``support`` (test count), ``train_count`` (``-1`` if unknown), ``band`` (``"head"``,
        ``"medium"``, ``"tail"`` or ``"unknown"``) and ``n_predicted`` (test documents
        predicted as this class).
    y_true, y_pred : numpy.ndarray of int64
        The labels that were scored, kept for confusion tables.
    class_names : list of str
        All class names, in label order (not only the scored ones).
    """

    overall: pd.Series
    by_class: pd.DataFrame
    y_true: np.ndarray
    y_pred: np.ndarray
    class_names: list[str]

    def __repr__(self) -> str:
        o = self.overall
        return (
            f"Scores(n_test={o['n_test']}, accuracy={o['accuracy']:.4f}, "
            f"macro_f1={o['macro_f1']:.4f}, n_classes_scored={o['n_classes_scored']}, "
            f"zero_f1_classes={o['zero_f1_classes']})"
        )


# ---------------------------------------------------------------------------------------------
# scoring
# ---------------------------------------------------------------------------------------------


def band_of(counts: np.ndarray, lo, hi) -> np.ndarray:
    return np.where(counts < lo, "tail", np.where(counts > hi, "head", "medium")).astype(object)


def metrics_from_counts(tp: np.ndarray, n_pred: np.ndarray, support: np.ndarray) -> dict:
    r"""Accuracy, macro F1, balanced accuracy, zero-F1 count from per-class counts.

    ``tp`` (true positives) and ``n_pred`` (predictions) have shape (..., n_classes);
    ``support`` (count of each class in ``y_true``) broadcasts against them. The scored
    classes are those with support > 0, as in :func:`weightlab.metrics.score`. Per class,
    :math:`F_1 = 2\,TP / (\text{support} + \text{predicted})`, which is what
    ``precision_recall_fscore_support(..., labels=present, zero_division=0)`` returns: the
    denominator of a scored class is > 0, and a class with TP = 0 gets 0. (Written from
    counts rather than by calling sklearn so that a whole grid of taus or bootstrap resamples
    is one vectorised step; ``tests/test_adjust.py`` checks it equals sklearn.) ``"f1"`` is 0
    for the classes that are not scored.
    """
    present = support > 0
    n_scored = np.count_nonzero(present, axis=-1)
    f1 = np.where(present, 2.0 * tp / np.where(present, support + n_pred, 1), 0.0)
    recall = np.where(present, tp / np.where(present, support, 1), 0.0)
    return {
        "accuracy": tp.sum(axis=-1) / support.sum(axis=-1),
        "macro_f1": f1.sum(axis=-1) / n_scored,
        "balanced_accuracy": recall.sum(axis=-1) / n_scored,
        "zero_f1_classes": np.count_nonzero(present & (tp == 0), axis=-1),
        "f1": f1,
    }


def score(
    y_true,
    y_pred,
    *,
    class_names,
    train_counts=None,
    bands=(20, 100),
) -> Scores:
    """Score predictions against the true test labels.

    The scored classes are the classes present in ``y_true``; see the module docstring for
    why and for what happens to predicted classes that are absent from the test set.

    Parameters
    ----------
    y_true : array-like of int, shape (n_test,)
        True class indices, in ``[0, len(class_names))``.
    y_pred : array-like of int, shape (n_test,)
        Predicted class indices, in ``[0, len(class_names))``.
    class_names : sequence of str
        All class names, in label order.
    train_counts : array-like of int, shape (n_classes,), optional
        Training examples per class, for the ``train_count`` and ``band`` columns. Without
        it, ``train_count`` is ``-1`` and ``band`` is ``"unknown"``.
    bands : (int, int), default (20, 100)
        ``(lo, hi)``: tail if ``train_count < lo``, medium if ``lo <= train_count <= hi``,
        head if ``train_count > hi``.

    Returns
    -------
    Scores

    Raises
    ------
    ValueError
        If the label arrays are empty, differ in length, are not integers or hold a label
        outside ``[0, len(class_names))``; if ``class_names`` is empty or has duplicates; if
        ``train_counts`` does not have one non-negative count per class; if ``bands`` is not
        a pair ``0 <= lo <= hi``.

    Examples
    --------
    >>> s = score([0, 0, 1, 2], [0, 1, 1, 1], class_names=["a", "b", "c"])
    >>> s.overall["accuracy"], s.overall["zero_f1_classes"]
    (0.5, 1)
    >>> s.by_class["f1"].round(3).tolist()
    [0.667, 0.5, 0.0]
    """
    names = _validate.as_names(class_names)
    n_classes = len(names)
    yt = _validate.as_labels(y_true, "y_true", n_classes)
    yp = _validate.as_labels(y_pred, "y_pred", n_classes)
    if yt.size != yp.size:
        raise ValueError(
            f"y_true has {yt.size} labels but y_pred has {yp.size}; pass one prediction per "
            "test document, in the same order."
        )
    lo, hi = _validate.bands(bands)
    counts = None if train_counts is None else _validate.as_train_counts(train_counts, n_classes)

    present = np.unique(yt)
    precision, recall, f1, support = precision_recall_fscore_support(
        yt, yp, labels=present, zero_division=0
    )
    # Balanced accuracy is the mean recall over the classes present, which is what
    # balanced_accuracy_score computes; taken from the recalls above because that function
    # warns on edge cases this package meets routinely (one class present, classes predicted
    # that are absent from y_true).
    balanced = float(recall.mean())
    weighted = f1_score(yt, yp, labels=present, average="weighted", zero_division=0)
    accuracy = accuracy_score(yt, yp)

    n_predicted = np.bincount(yp, minlength=n_classes)
    correct = np.bincount(yt[yt == yp], minlength=n_classes)
    if counts is None:
        train_col = np.full(present.size, -1, dtype=np.int64)
        band_col = np.full(present.size, "unknown", dtype=object)
    else:
        train_col = counts[present]
        band_col = band_of(train_col, lo, hi)

    by_class = pd.DataFrame(
        {
            "precision": precision.astype(np.float64),
            "recall": recall.astype(np.float64),
            "f1": f1.astype(np.float64),
            "support": support.astype(np.int64),
            "train_count": train_col,
            "band": band_col,
            "n_predicted": n_predicted[present].astype(np.int64),
        },
        index=pd.Index([names[i] for i in present], name="class"),
    )
    values = (
        float(accuracy),
        float(np.mean(f1)),
        float(weighted),
        float(balanced),
        int(np.sum(f1 == 0)),
        int(present.size),
        int(np.unique(yp).size),
        int(np.count_nonzero(correct)),
        int(yt.size),
    )
    overall = pd.Series(dict(zip(_OVERALL_KEYS, values, strict=True)), dtype=object)
    overall.name = "overall"
    return Scores(overall=overall, by_class=by_class, y_true=yt, y_pred=yp, class_names=names)


def scores_from_logits(
    logits,
    y_true,
    *,
    class_names,
    train_counts=None,
    bands=(20, 100),
) -> Scores:
    """Score the argmax of ``logits`` against ``y_true``.

    Parameters
    ----------
    logits : array-like of float, shape (n_test, n_classes)
        Any real scores whose row-wise argmax is the prediction (numpy array or torch tensor).
        Ties go to the lowest class index.
    y_true, class_names, train_counts, bands
        See :func:`score`.

    Returns
    -------
    Scores
        ``score(y_true, logits.argmax(axis=1), ...)``.

    Raises
    ------
    ValueError
        If ``logits`` is not 2-D with one column per class, contains NaN, or has a different
        number of rows than ``y_true``; plus everything :func:`score` raises.
    """
    if hasattr(logits, "detach"):  # a torch tensor, possibly bf16 on a GPU
        logits = logits.detach().float().cpu().numpy()
    arr = np.asarray(logits)
    names = _validate.as_names(class_names)
    if arr.ndim != 2 or arr.shape[1] != len(names):
        raise ValueError(
            f"logits must have shape (n_test, {len(names)}), one column per class; got {arr.shape}."
        )
    if not np.issubdtype(arr.dtype, np.number):
        raise ValueError(f"logits must be numeric; got dtype {arr.dtype}.")
    if np.isnan(arr).any():
        raise ValueError(
            "logits contain NaN, so the argmax is meaningless; check the model (training may "
            "have diverged)."
        )
    n_true = np.shape(y_true)[0] if np.ndim(y_true) else 0
    if arr.shape[0] != n_true:
        raise ValueError(
            f"logits has {arr.shape[0]} rows but y_true has {n_true} labels; pass the logits "
            "of the same test documents, in the same order."
        )
    return score(
        y_true,
        np.argmax(arr, axis=1),
        class_names=names,
        train_counts=train_counts,
        bands=bands,
    )


def band_summary(scores: Scores) -> pd.DataFrame:
    """Per-band summary of a :class:`Scores`.

    Parameters
    ----------
    scores : Scores
        Made by :func:`score` **with** ``train_counts``.

    Returns
    -------
    pandas.DataFrame
        Index ``"head"``, ``"medium"``, ``"tail"`` (always all three, index name ``"band"``),
        columns ``n_classes`` (scored classes in the band), ``mean_f1`` (their mean F1),
        ``recall`` (micro: correctly classified test documents of the band / test documents of
        the band) and ``zero_f1_classes``. A band with no scored class has ``n_classes = 0``,
        ``zero_f1_classes = 0`` and NaN ``mean_f1`` and ``recall``.

    Raises
    ------
    ValueError
        If ``scores`` was made without ``train_counts`` (bands unknown).
    """
    if not isinstance(scores, Scores):
        raise ValueError(f"band_summary needs a Scores (from score()); got {type(scores)}.")
    bc = scores.by_class
    if (bc["band"] == "unknown").any():
        raise ValueError(
            "These scores have no frequency bands: pass train_counts=... to score() "
            "(or scores_from_logits()) to get them."
        )
    # Correct documents per scored class, counted from the labels (not recall * support).
    n_classes = len(scores.class_names)
    correct_all = np.bincount(scores.y_true[scores.y_true == scores.y_pred], minlength=n_classes)
    code = {name: i for i, name in enumerate(scores.class_names)}
    correct = pd.Series(correct_all[[code[c] for c in bc.index]], index=bc.index)
    rows = []
    for band in BANDS:
        mask = bc["band"] == band
        support = int(bc.loc[mask, "support"].sum())
        rows.append(
            {
                "n_classes": int(mask.sum()),
                "mean_f1": float(bc.loc[mask, "f1"].mean()) if mask.any() else np.nan,
                "recall": float(correct[mask].sum() / support) if support else np.nan,
                "zero_f1_classes": int((bc.loc[mask, "f1"] == 0).sum()),
            }
        )
    return pd.DataFrame(rows, index=pd.Index(BANDS, name="band"))
