r"""Post-hoc logit adjustment: the accuracy vs macro-F1 frontier from one trained model.

A model trained with plain cross-entropy on a long tail learns the training prior
:math:`\pi_c = n_c / N` into its logits. Menon et al. (2021, "Long-tail learning via logit
adjustment") subtract it again at prediction time:

.. math:: \tilde z_{ic} = z_{ic} - \tau \log \pi_c, \qquad \hat y_i = \arg\max_c \tilde z_{ic}.

``tau = 0`` is the model as trained (it targets accuracy); ``tau = 1`` targets the balanced
error (mean per-class recall); values in between, or beyond, trade accuracy for macro F1. One
set of logits therefore gives a whole frontier, with no retraining: :func:`tau_sweep`.

Choosing a point on the frontier is model selection, so it is done on the **validation**
split (:func:`choose_tau`, :func:`choose_alpha`); the test split only reports the chosen
point. Choosing on test would report the best of 41 tries as if it were one.

Scores follow :mod:`weightlab.metrics`: the scored classes (macro-F1 denominator) are the
classes present in ``y_true``, and a class never predicted correctly has F1 = 0.

Examples
--------
>>> import numpy as np
>>> prior = np.log([0.9, 0.1])
>>> adjust_logits(np.array([[1.0, 0.0]]), prior, tau=1.0).argmax(axis=1)
array([1])
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from weightlab import _validate
from weightlab.metrics import BANDS, band_of, metrics_from_counts
from weightlab.weights import log_prior as _log_prior_of

__all__ = ["Choice", "METRICS", "adjust_logits", "choose_alpha", "choose_tau", "tau_sweep"]

#: Metrics :func:`choose_tau` and :func:`choose_alpha` can maximise.
METRICS = ("macro_f1", "accuracy", "balanced_accuracy")

#: Default grid of :func:`tau_sweep`: 0, 0.05, ..., 2.
DEFAULT_TAUS = np.linspace(0.0, 2.0, 41)


@dataclass(frozen=True, eq=False)
class Choice:
    """A value of ``tau`` or ``alpha`` chosen by maximising a metric on the validation split.

    Attributes
    ----------
    value : float
        The chosen ``tau`` (or ``alpha``).
    metric : str
        The metric that was maximised, one of :data:`METRICS`.
    validation_score : float
        Its value on the validation split at ``value``.
    grid : pandas.DataFrame
        Every candidate with its validation scores (the :func:`tau_sweep` of the validation
        logits, or one row per run for :func:`choose_alpha`).
    parameter : str
        ``"tau"`` or ``"alpha"``.
    split : str
        The split the choice was made on: always ``"validation"``.
    """

    value: float
    metric: str
    validation_score: float
    grid: pd.DataFrame
    parameter: str = "tau"
    split: str = "validation"

    def __repr__(self) -> str:
        return (
            f"Choice({self.parameter}={self.value:g}: maximises {self.metric} on the "
            f"{self.split} split ({self.metric}={self.validation_score:.4f}; "
            f"{len(self.grid)} candidates))"
        )


# ---------------------------------------------------------------------------------------------
# validation
# ---------------------------------------------------------------------------------------------


def _as_logits(logits, n_classes: int | None = None, name: str = "logits") -> np.ndarray:
    if hasattr(logits, "detach"):  # a torch tensor, possibly bf16 on a GPU
        logits = logits.detach().float().cpu().numpy()
    arr = np.asarray(logits)
    if arr.ndim != 2 or arr.shape[1] == 0:
        raise ValueError(
            f"{name} must have shape (n_documents, n_classes), one column per class; "
            f"got {arr.shape}."
        )
    if n_classes is not None and arr.shape[1] != n_classes:
        raise ValueError(
            f"{name} has {arr.shape[1]} columns but there are {n_classes} classes; pass logits "
            "with one column per class, in class order."
        )
    if arr.dtype == bool or not np.issubdtype(arr.dtype, np.number):
        raise ValueError(f"{name} must be numeric; got dtype {arr.dtype}.")
    if np.isnan(arr).any():
        raise ValueError(
            f"{name} contain NaN, so the argmax is meaningless; check the model (training may "
            "have diverged)."
        )
    return arr


def _as_prior(log_prior, n_classes: int) -> np.ndarray:
    if log_prior is None:
        raise ValueError(
            "log_prior is required: pass log_prior=weightlab.log_prior(dataset.train_counts) "
            "(or train_counts=... to tau_sweep)."
        )
    if hasattr(log_prior, "detach"):  # the torch buffer of a loss
        log_prior = log_prior.detach().double().cpu().numpy()
    try:
        arr = np.asarray(log_prior, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"log_prior must be numeric; got {log_prior!r}.") from None
    if arr.ndim != 1 or arr.size != n_classes:
        raise ValueError(
            f"log_prior must have one entry per class ({n_classes}); got shape {arr.shape}."
        )
    if not np.all(np.isfinite(arr)):
        raise ValueError(
            "log_prior contains -inf or NaN (a class with no training example?); use "
            "weightlab.log_prior(train_counts), which keeps it finite."
        )
    return arr


def _as_tau(tau, name: str = "tau") -> float:
    ok = isinstance(tau, (int, float, np.integer, np.floating)) and not isinstance(tau, bool)
    if not ok or not math.isfinite(tau):
        raise ValueError(f"{name} must be a finite number; got {tau!r}.")
    return float(tau)


def _as_taus(taus) -> np.ndarray:
    try:
        arr = np.atleast_1d(np.asarray(taus, dtype=np.float64))
    except (TypeError, ValueError):
        raise ValueError(f"taus must be a sequence of numbers; got {taus!r}.") from None
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(f"taus must be a non-empty 1-D sequence of numbers; got {taus!r}.")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"taus must all be finite; got {arr.tolist()}.")
    return arr


def _check_metric(metric) -> str:
    if metric not in METRICS:
        raise ValueError(f"metric must be one of {', '.join(METRICS)}; got {metric!r}.")
    return metric


# ---------------------------------------------------------------------------------------------
# adjustment and the sweep
# ---------------------------------------------------------------------------------------------


def adjust_logits(logits, log_prior, *, tau: float) -> np.ndarray:
    r"""Logit-adjusted scores :math:`z - \tau \log \pi` (Menon et al. 2021).

    Parameters
    ----------
    logits : array-like of float, shape (n_documents, n_classes)
        Scores of a trained model (numpy array or torch tensor).
    log_prior : array-like of float, shape (n_classes,)
        Log training priors :math:`\log \pi_c`, e.g. ``weightlab.log_prior(train_counts)``.
    tau : float
        Adjustment strength: ``0`` returns the logits unchanged (the model as trained),
        ``1`` targets the balanced error; larger values favour rare classes more.

    Returns
    -------
    numpy.ndarray of float64, shape (n_documents, n_classes)
        ``logits - tau * log_prior``. Since :math:`\log \pi_c < 0`, rarer classes gain more.

    Raises
    ------
    ValueError
        If ``logits`` is not 2-D numeric without NaN, ``log_prior`` does not have one finite
        entry per column, or ``tau`` is not a finite number.

    Examples
    --------
    >>> adjust_logits([[2.0, 0.0]], np.log([0.8, 0.2]), tau=1.0).round(3)
    array([[2.223, 1.609]])
    """
    tau = _as_tau(tau)
    arr = _as_logits(logits)
    prior = _as_prior(log_prior, arr.shape[1])
    return arr.astype(np.float64) - tau * prior


def tau_sweep(
    logits,
    y_true,
    *,
    log_prior=None,
    taus=DEFAULT_TAUS,
    class_names=None,
    train_counts=None,
    bands=(20, 100),
) -> pd.DataFrame:
    r"""Scores of the logit-adjusted predictions at every ``tau``: the trade-off frontier.

    For each :math:`\tau`, predictions are :math:`\arg\max_c (z_{ic} - \tau \log \pi_c)`
    (:func:`adjust_logits`) and are scored as :func:`weightlab.metrics.score` would score
    them (classes present in ``y_true``, ``zero_division=0``); the row at ``tau=0`` equals
    ``score(y_true, logits.argmax(1), ...)``.

    Parameters
    ----------
    logits : array-like of float, shape (n_documents, n_classes)
        Scores of one trained model (e.g. ``run.validation_logits`` or ``run.test_logits``).
    y_true : array-like of int, shape (n_documents,)
        True class indices of the same documents.
    log_prior : array-like of float, shape (n_classes,), optional
        Log training priors. Default: ``weightlab.log_prior(train_counts)``; give one of the
        two.
    taus : sequence of float, default ``np.linspace(0, 2, 41)``
        Adjustment strengths, in the order the rows should have.
    class_names : sequence of str, optional
        All class names, in label order; only checked against the number of columns.
    train_counts : array-like of int, shape (n_classes,), optional
        Training examples per class. Gives the default ``log_prior`` and adds the columns
        ``head_f1``, ``medium_f1``, ``tail_f1`` (mean F1 of the scored classes of each band,
        see :func:`weightlab.metrics.score`; NaN for an empty band).
    bands : (int, int), default (20, 100)
        Band limits, as in :func:`weightlab.metrics.score`.

    Returns
    -------
    pandas.DataFrame
        One row per tau, columns ``tau``, ``accuracy``, ``macro_f1``, ``balanced_accuracy``,
        ``zero_f1_classes``, ``n_classes_predicted`` (+ the band columns with
        ``train_counts``).

    Raises
    ------
    ValueError
        If the logits are not 2-D numeric without NaN, the labels do not match them, neither
        ``log_prior`` nor ``train_counts`` is given, or ``taus`` is empty or not finite.

    Notes
    -----
    Fast by construction: per tau one argmax over the logits and three ``np.bincount`` calls
    give true positives and prediction counts per class, and every metric follows from them
    (41 taus on 11.6K x 113 logits take about 0.1 s). Calling sklearn per tau would take about
    ten times longer; the counts formula is tested equal to sklearn's.

    Examples
    --------
    >>> z = np.array([[2.0, 0.0], [2.0, 1.5], [0.0, 1.0]])
    >>> tau_sweep(z, [0, 1, 1], train_counts=[90, 10], taus=[0, 0.5])[["tau", "macro_f1"]]
       tau  macro_f1
    0  0.0  0.666667
    1  0.5  1.000000
    """
    arr = _as_logits(logits)
    n_classes = arr.shape[1]
    if class_names is not None:
        names = _validate.as_names(class_names)
        if len(names) != n_classes:
            raise ValueError(
                f"logits has {n_classes} columns but class_names has {len(names)} names; "
                "pass the class_names the model was trained with."
            )
    counts = None if train_counts is None else _validate.as_train_counts(train_counts, n_classes)
    if log_prior is None and counts is not None:
        log_prior = _log_prior_of(counts)
    prior = _as_prior(log_prior, n_classes)
    yt = _validate.as_labels(y_true, "y_true", n_classes)
    if yt.size != arr.shape[0]:
        raise ValueError(
            f"logits has {arr.shape[0]} rows but y_true has {yt.size} labels; pass the logits "
            "of the same documents, in the same order."
        )
    grid = _as_taus(taus)
    lo, hi = _validate.bands(bands)

    support = np.bincount(yt, minlength=n_classes)
    present = np.flatnonzero(support)
    tp = np.empty((grid.size, n_classes), dtype=np.int64)
    n_pred = np.empty((grid.size, n_classes), dtype=np.int64)
    z = arr.astype(np.float64, copy=False)
    for k, tau in enumerate(grid):
        pred = np.argmax(z - tau * prior, axis=1)
        n_pred[k] = np.bincount(pred, minlength=n_classes)
        tp[k] = np.bincount(yt[pred == yt], minlength=n_classes)
    m = metrics_from_counts(tp, n_pred, support)
    table = pd.DataFrame(
        {
            "tau": grid,
            "accuracy": m["accuracy"],
            "macro_f1": m["macro_f1"],
            "balanced_accuracy": m["balanced_accuracy"],
            "zero_f1_classes": m["zero_f1_classes"].astype(np.int64),
            "n_classes_predicted": np.count_nonzero(n_pred, axis=1).astype(np.int64),
        }
    )
    if counts is not None:
        band = band_of(counts[present], lo, hi)
        for name in BANDS:
            mask = band == name
            f1 = m["f1"][:, present[mask]]
            table[f"{name}_f1"] = f1.mean(axis=1) if mask.any() else np.nan
    return table


def _best(table: pd.DataFrame, column: str, metric: str) -> int:
    """Row position of the best ``metric``; ties go to the smallest ``|column|`` (least change)."""
    values = table[metric].to_numpy(dtype=np.float64)
    ties = np.flatnonzero(values == values.max())
    return int(ties[np.argmin(np.abs(table[column].to_numpy(dtype=np.float64)[ties]))])


# ---------------------------------------------------------------------------------------------
# selection on the validation split
# ---------------------------------------------------------------------------------------------


def choose_tau(
    validation_logits,
    y_validation,
    *,
    log_prior,
    metric: str = "macro_f1",
    taus=DEFAULT_TAUS,
) -> Choice:
    """Choose the post-hoc adjustment ``tau`` that maximises ``metric`` on the validation split.

    Parameters
    ----------
    validation_logits : array-like of float, shape (n_validation, n_classes)
        Logits of the model on the **validation** split (``run.validation_logits``); the test
        split must play no part in the choice.
    y_validation : array-like of int, shape (n_validation,)
        ``dataset.labels_of("validation")``.
    log_prior : array-like of float, shape (n_classes,)
        ``weightlab.log_prior(dataset.train_counts)``.
    metric : {"macro_f1", "accuracy", "balanced_accuracy"}
        What to maximise. Ties go to the tau closest to 0.
    taus : sequence of float, default ``np.linspace(0, 2, 41)``
        Candidates.

    Returns
    -------
    Choice
        ``value`` is the chosen tau; ``grid`` the validation :func:`tau_sweep`. Apply it to
        the test logits with ``adjust_logits(run.test_logits, log_prior, tau=choice.value)``.

    Raises
    ------
    ValueError
        If ``metric`` is unknown, or for any input :func:`tau_sweep` rejects.

    Examples
    --------
    >>> c = choose_tau(run.validation_logits, ds.labels_of("validation"),
    ...                log_prior=log_prior(ds.train_counts))  # doctest: +SKIP
    >>> c  # doctest: +SKIP
    Choice(tau=0.85: maximises macro_f1 on the validation split (macro_f1=0.2412; 41 candidates))
    """
    metric = _check_metric(metric)
    grid = tau_sweep(validation_logits, y_validation, log_prior=log_prior, taus=taus)
    best = _best(grid, "tau", metric)
    return Choice(
        value=float(grid["tau"].iloc[best]),
        metric=metric,
        validation_score=float(grid[metric].iloc[best]),
        grid=grid,
        parameter="tau",
    )


def choose_alpha(runs, y_validation, *, metric: str = "macro_f1") -> Choice:
    """Choose the class-weight exponent ``alpha`` whose run scores best on the validation split.

    Parameters
    ----------
    runs : sequence of Run
        Runs of one engine at several alphas (e.g. from :func:`weightlab.train_runs`).
        Baselines (``majority``, ``tfidf-logreg``) and logit-adjusted-loss runs
        (``tau != 0``) are skipped.
    y_validation : array-like of int, shape (n_validation,)
        ``dataset.labels_of("validation")``: each run is scored on its
        ``validation_logits``, never on test.
    metric : {"macro_f1", "accuracy", "balanced_accuracy"}
        What to maximise. Ties go to the alpha closest to 0.

    Returns
    -------
    Choice
        ``value`` is the chosen alpha; ``grid`` has one row per candidate run (``alpha``,
        ``run`` and the validation scores), in the order given.

    Raises
    ------
    ValueError
        If ``metric`` is unknown, no run is a candidate, candidates come from several engines
        or repeat an alpha, or the validation logits do not match ``y_validation``.
    """
    metric = _check_metric(metric)
    candidates = [r for r in runs if r.remedy == "weights"]
    if not candidates:
        raise ValueError(
            "No run to choose from: choose_alpha needs runs of one engine at several alphas "
            "(baselines and tau != 0 runs are skipped)."
        )
    engines = sorted({r.engine for r in candidates})
    if len(engines) > 1:
        raise ValueError(f"Runs come from several engines {engines}; pass the runs of one.")
    alphas = [r.alpha for r in candidates]
    if len(set(alphas)) != len(alphas):
        raise ValueError(
            f"Runs repeat an alpha ({alphas}); pass one run per alpha (one training seed)."
        )
    rows = []
    for r in candidates:
        row = tau_sweep(
            r.validation_logits,
            y_validation,
            log_prior=np.zeros(np.shape(r.validation_logits)[-1]),
            taus=[0.0],
        ).iloc[0]
        rows.append({"alpha": float(r.alpha), "run": r.name, **row.drop("tau").to_dict()})
    grid = pd.DataFrame(rows)
    best = _best(grid, "alpha", metric)
    return Choice(
        value=float(grid["alpha"].iloc[best]),
        metric=metric,
        validation_score=float(grid[metric].iloc[best]),
        grid=grid,
        parameter="alpha",
    )
