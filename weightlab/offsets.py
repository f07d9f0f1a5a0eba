r"""Per-class bias offsets: a post-hoc adjustment with one knob per class, fitted on validation.

The tau curve (:mod:`weightlab.adjust`) moves every logit by :math:`-\tau \log \pi_c`: one
knob, its direction fixed by the training prior. Offsets free the direction: predictions are
:math:`\arg\max_c (z_{ic} + b_c)` with one offset :math:`b_c` per class, fitted on the
**validation** split to maximise macro F1 (or balanced accuracy).

How they are fitted: coordinate ascent. Starting from :math:`b = 0` (the model as trained),
each class in turn gets the offset from a grid that maximises the metric with the other
offsets held fixed (only a strict gain moves it); rounds repeat until none moves an offset.
Changing :math:`b_c` only changes which rows predict :math:`c`, so a whole grid of values for
one class is scored in one vectorised step. Written here because no library fits additive
per-class offsets to a multiclass metric: scikit-learn's ``TunedThresholdClassifierCV`` tunes
one threshold of a binary classifier.

**It over-fits.** With one parameter per class and a few validation examples in each tail
class, the validation score after the fit is an optimistic estimate; :meth:`OffsetFit.gap`
puts the validation gain beside the test gain, and a strength ``s`` (predictions
:math:`\arg\max(z + s\,b)`, :meth:`OffsetFit.curve`) traces the family from the model as
trained (``s=0``) to the fitted offsets (``s=1``) and beyond, a second post-hoc curve beside
the tau curve on the frontier.

To *choose* among offset strengths on validation without that optimism,
:func:`cross_fit_offsets` gives every validation row the offsets fitted on the other half
of the split (stratified halves), so each row is scored by offsets that never saw it;
:mod:`weightlab.decision` scores its offset points that way.

Examples
--------
>>> import numpy as np
>>> z = np.log([[0.6, 0.4], [0.7, 0.3], [0.55, 0.45], [0.9, 0.1]])
>>> fit = fit_offsets(z, [1, 0, 1, 0])
>>> fit.apply(z).argmax(1).tolist()
[1, 0, 1, 0]
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from weightlab import _validate
from weightlab.metrics import metrics_from_counts

__all__ = [
    "OFFSET_METRICS",
    "DEFAULT_STRENGTHS",
    "OffsetFit",
    "cross_fit_offsets",
    "fit_offsets",
]

#: Metrics :func:`fit_offsets` can maximise.
OFFSET_METRICS = ("macro_f1", "balanced_accuracy")
#: Default strengths of :meth:`OffsetFit.curve`: 0, 0.1, ..., 1.5.
DEFAULT_STRENGTHS = np.round(np.linspace(0.0, 1.5, 16), 10)
_SCORES = ("accuracy", "macro_f1", "balanced_accuracy", "zero_f1_classes")


def _as_logits(logits, name: str, n_classes: int | None = None) -> np.ndarray:
    arr = np.asarray(logits, dtype=np.float64)
    if arr.ndim != 2 or arr.shape[1] < 2:
        raise ValueError(f"{name} must be a 2-d array (documents x classes); got {arr.shape}.")
    if n_classes is not None and arr.shape[1] != n_classes:
        raise ValueError(
            f"{name} has {arr.shape[1]} columns but the offsets were fitted for {n_classes} "
            "classes; pass logits of the same model."
        )
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} holds NaN or infinite values.")
    return arr


def _default_span(z: np.ndarray) -> float:
    """The offsets' search range: the median range of a row of logits (or 1 when flat)."""
    return float(np.median(z.max(1) - z.min(1))) or 1.0


def _scores(pred: np.ndarray, y: np.ndarray, n_classes: int) -> dict:
    """Scores of one set of predictions, as :func:`weightlab.metrics.score` computes them."""
    support = np.bincount(y, minlength=n_classes)
    tp = np.bincount(y[pred == y], minlength=n_classes)
    n_pred = np.bincount(pred, minlength=n_classes)
    m = metrics_from_counts(tp, n_pred, support)
    return {k: (int(m[k]) if k == "zero_f1_classes" else float(m[k])) for k in _SCORES}


@dataclass(frozen=True, eq=False)
class OffsetFit:
    """Per-class offsets fitted on validation, with what they did there.

    Attributes
    ----------
    offsets : numpy.ndarray, shape (n_classes,)
        :math:`b_c`, added to the logits.
    metric : str
        What the fit maximised.
    before, after : dict
        Validation scores (accuracy, macro F1, balanced accuracy, zero-F1 classes) of the
        model as trained and with the offsets.
    rounds : int
        Coordinate-ascent rounds run (the last one moved nothing, unless ``max_rounds`` ran
        out).
    """

    offsets: np.ndarray
    metric: str
    before: dict
    after: dict
    rounds: int

    def apply(self, logits, *, strength: float = 1.0) -> np.ndarray:
        """``logits + strength * offsets``."""
        z = _as_logits(logits, "logits", self.offsets.size)
        return z + float(strength) * self.offsets

    def curve(self, logits, y_true, *, strengths=DEFAULT_STRENGTHS) -> pd.DataFrame:
        """Scores of ``argmax(logits + s * offsets)`` for every strength ``s``.

        Returns one row per strength: ``strength``, ``accuracy``, ``macro_f1``,
        ``balanced_accuracy``, ``zero_f1_classes``. ``s=0`` is the model as trained.
        """
        z = _as_logits(logits, "logits", self.offsets.size)
        y = _validate.as_labels(y_true, "y_true", self.offsets.size)
        if y.size != z.shape[0]:
            raise ValueError(f"logits has {z.shape[0]} rows but y_true has {y.size} labels.")
        grid = np.asarray(strengths, dtype=np.float64).ravel()
        if grid.size == 0 or not np.all(np.isfinite(grid)):
            raise ValueError(f"strengths must be finite numbers; got {strengths!r}.")
        rows = [
            {"strength": float(s), **_scores((z + s * self.offsets).argmax(1), y, z.shape[1])}
            for s in grid
        ]
        return pd.DataFrame(rows)

    def gap(self, test_logits, y_test) -> pd.DataFrame:
        """The validation gain of the fit beside its test gain: over-fitting made visible.

        Returns rows ``validation`` and ``test``; columns ``before``, ``after`` and ``gain``
        of :attr:`metric`. A test gain well below the validation gain means the offsets
        fitted the validation split's small classes rather than the model's bias.
        """
        z = _as_logits(test_logits, "test_logits", self.offsets.size)
        y = _validate.as_labels(y_test, "y_test", self.offsets.size)
        n = self.offsets.size
        before = _scores(z.argmax(1), y, n)[self.metric]
        after = _scores((z + self.offsets).argmax(1), y, n)[self.metric]
        table = pd.DataFrame(
            {
                "before": [self.before[self.metric], before],
                "after": [self.after[self.metric], after],
            },
            index=pd.Index(["validation", "test"], name="split"),
        )
        table["gain"] = table["after"] - table["before"]
        return table

    def to_dict(self) -> dict:
        """JSON-ready: the offsets, the metric, validation scores before and after, rounds."""
        return {
            "metric": self.metric,
            "offsets": [round(float(b), 6) for b in self.offsets],
            "validation_before": self.before,
            "validation_after": self.after,
            "rounds": self.rounds,
        }


def fit_offsets(
    validation_logits,
    y_validation,
    *,
    metric: str = "macro_f1",
    span: float | None = None,
    steps: int = 41,
    max_rounds: int = 10,
) -> OffsetFit:
    """Fit one additive offset per class on validation by coordinate ascent.

    Parameters
    ----------
    validation_logits : array-like of float, shape (n_validation, n_classes)
        The model's validation logits (``run.validation_logits``).
    y_validation : array-like of int
        True validation labels.
    metric : {"macro_f1", "balanced_accuracy"}
        What to maximise (scored as :func:`weightlab.metrics.score` does: classes present in
        ``y_validation``).
    span : float, optional
        Offsets are searched on ``steps`` evenly spaced values in ``[-span, span]``. Default:
        the median range (max - min) of a row of the logits, the scale on which one class
        can overtake another.
    steps : int, default 41
        Grid size (odd keeps 0 on it).
    max_rounds : int, default 10
        Cap on the coordinate-ascent rounds.

    Returns
    -------
    OffsetFit

    Raises
    ------
    ValueError
        For an unknown metric, logits and labels that do not match, or an empty split.
    """
    if metric not in OFFSET_METRICS:
        raise ValueError(f"metric must be one of {', '.join(OFFSET_METRICS)}; got {metric!r}.")
    z = _as_logits(validation_logits, "validation_logits")
    n, n_classes = z.shape
    y = _validate.as_labels(y_validation, "y_validation", n_classes)
    if y.size != n or n == 0:
        raise ValueError(
            f"validation_logits has {n} rows and y_validation {y.size} labels: offsets need "
            "the logits and labels of one non-empty validation split."
        )
    _validate.whole_number(steps, "steps", minimum=3)
    _validate.whole_number(max_rounds, "max_rounds", minimum=1)
    if span is None:
        span = _default_span(z)
    if not (np.isfinite(span) and span > 0):
        raise ValueError(f"span must be a finite number > 0; got {span!r}.")
    grid = np.linspace(-span, span, steps)
    support = np.bincount(y, minlength=n_classes)
    b = np.zeros(n_classes)
    before = _scores(z.argmax(1), y, n_classes)
    best = before[metric]
    rounds = 0
    rows = np.arange(n)
    for rounds in range(1, max_rounds + 1):  # noqa: B007 - the count is reported
        moved = False
        for c in range(n_classes):
            s = z + b
            s[:, c] = -np.inf
            other = s.argmax(1)
            other_max = s[rows, other]
            # every grid value of b_c at once: row i predicts c iff z_ic + b_c beats the others
            # (a tie goes to the lower class index, as argmax gives it)
            shifted = z[None, :, c] + grid[:, None]
            wins = (shifted > other_max) | ((shifted == other_max) & (c < other))
            pred = np.where(wins, c, other)
            flat = pred + n_classes * np.arange(grid.size)[:, None]
            n_pred = np.bincount(flat.ravel(), minlength=grid.size * n_classes)
            hit = pred == y[None, :]
            tp = np.bincount(flat[hit], minlength=grid.size * n_classes)
            m = metrics_from_counts(
                tp.reshape(grid.size, n_classes), n_pred.reshape(grid.size, n_classes), support
            )[metric]
            k = int(np.argmax(m))
            if m[k] > best + 1e-12:
                best, b[c], moved = float(m[k]), grid[k], True
        if not moved:
            break
    after = _scores((z + b).argmax(1), y, n_classes)
    return OffsetFit(offsets=b, metric=metric, before=before, after=after, rounds=rounds)


def cross_fit_offsets(
    validation_logits, y_validation, *, n_folds: int = 2, seed: int = 0, **fit_kwargs
) -> np.ndarray:
    """Out-of-fold offsets: each validation row gets the offsets fitted without it.

    The split is cut into ``n_folds`` stratified folds
    (``sklearn.model_selection.StratifiedKFold``, shuffled with ``seed``); the rows of each
    fold get the offsets :func:`fit_offsets` fits on the other folds. Scoring
    ``validation_logits + s * offsets`` then measures offsets on rows they were not fitted
    to, which is what choosing a strength on validation needs. (scikit-learn's
    ``cross_val_predict`` needs an estimator; this is the same loop over its folds.)

    Parameters
    ----------
    validation_logits, y_validation
        As for :func:`fit_offsets`.
    n_folds : int, default 2
        Folds of the validation split (halves: each fit still sees half of every class).
    seed : int, default 0
        Seed of the shuffle before the folds are cut.
    **fit_kwargs
        Passed to :func:`fit_offsets` (``metric``, ``span``, ``steps``, ``max_rounds``).
        ``span`` defaults to that of the whole split, so every fold searches the same grid.

    Returns
    -------
    numpy.ndarray, shape (n_validation, n_classes)
        Row ``i``: the offsets fitted on the folds without row ``i``.
    """
    import warnings

    from sklearn.model_selection import StratifiedKFold

    z = _as_logits(validation_logits, "validation_logits")
    y = _validate.as_labels(y_validation, "y_validation", z.shape[1])
    _validate.whole_number(n_folds, "n_folds", minimum=2)
    if y.size != z.shape[0] or y.size < n_folds:
        raise ValueError(
            f"validation_logits has {z.shape[0]} rows and y_validation {y.size} labels: "
            f"cross-fitting needs one validation split of at least {n_folds} rows."
        )
    if fit_kwargs.get("span") is None:
        fit_kwargs["span"] = _default_span(z)
    folds = StratifiedKFold(n_splits=n_folds, shuffle=True, random_state=seed)
    out = np.empty_like(z)
    with warnings.catch_warnings():
        # a tail class with fewer validation rows than folds is simply absent from some folds
        warnings.filterwarnings("ignore", "The least populated class", UserWarning)
        for fit_rows, held_out in folds.split(np.zeros((y.size, 1)), y):
            out[held_out] = fit_offsets(z[fit_rows], y[fit_rows], **fit_kwargs).offsets
    return out
