r"""How sure are the numbers? Bootstrap intervals over the test set, and training-seed variance.

A results table reports one accuracy and one macro F1 per run. Two sources of noise sit behind
each number:

- **which test documents were drawn** - :func:`bootstrap_ci` (one run) and
  :func:`paired_bootstrap` (the difference between two runs on the *same* resamples, which is
  much tighter than comparing two separate intervals);
- **which training seed was used** - :func:`seed_variance` retrains at several seeds on the same
  split.

Resampling scheme (stratified bootstrap)
----------------------------------------
Each resample draws, **within every true class** :math:`c` present in the test set, its
:math:`s_c` test documents again **with replacement** (``stratified=True``, the default). Every
class therefore keeps its test support :math:`s_c` in every resample, so the set of scored
classes - the macro-F1 denominator, see :mod:`weightlab.metrics` - is the same in all of them.
With plain resampling (``stratified=False``) a class with 1-4 test documents is missing from a
good share of the resamples (a class of one is missing from :math:`(1 - 1/n)^n \approx 37\%`),
and the denominator then changes between resamples, which moves macro F1 by more than the
sampling noise being measured. Per resample the metrics are computed exactly as
:func:`weightlab.metrics.score` does (classes present in the resampled ``y_true``,
``zero_division=0``).

The stratified bootstrap conditions on the test set's class counts: it measures the noise of
*which documents of each class* were drawn, not of how many documents each class got. A
classifier whose accuracy depends only on the class mix (the majority baseline) therefore gets
a zero-width interval, and accuracy intervals are somewhat narrower than plain resampling
would give.

Intervals are **percentile** intervals: the :math:`(1 - \text{level})/2` and
:math:`(1 + \text{level})/2` quantiles of the resampled statistic (``method="basic"`` gives the
reflected interval :math:`[2\hat\theta - q_{hi},\, 2\hat\theta - q_{lo}]` instead).

The zero-F1 count gets a **bias-corrected** interval. A class with no correct test prediction
has none in any resample, while a class with one or two correct predictions loses them in some
resamples, so the resampled count is biased upwards: its plain percentile interval lay wholly
above the observed count (on the default run: 64 observed, [67, 75]). The interval reported
is the percentile interval shifted down by the bootstrap's estimate of that bias (the mean of
the resampled counts minus the observed count; Efron & Tibshirani 1993, section 10.2) and
kept at or above 0 - [60, 68] on the default run - which contains the observed count
whenever the resampled mean lies inside the percentile interval.
Why not BCa (``scipy.stats.bootstrap(method="BCa")``): it needs the share of resamples below
the estimate, which is zero here, so its correction is infinite. Differences between two runs
(:func:`paired_bootstrap`) share the bias and keep plain percentile intervals.

Why not :func:`scipy.stats.bootstrap`: it resamples all observations jointly (``paired=True``)
but has no notion of strata, so it cannot keep each class's support fixed; and calling a
Python statistic per resample would be slow. The resampling here is written by hand and
vectorised: per chunk of resamples one index array, and per-class confusion counts from
``np.bincount`` on ``resample * n_classes + label`` (1000 resamples of 11.6K test documents
take well under a second per run).

Examples
--------
>>> ci = bootstrap_ci(y_test, run.test_logits.argmax(1), class_names=names)  # doctest: +SKIP
>>> print(ci.describe())  # doctest: +SKIP
accuracy 58.0% [57.4, 58.7]; macro F1 0.198 [0.180, 0.208]; zero-F1 classes 55 [57, 64]
>>> d = paired_bootstrap(y_test, pred_unweighted, pred_weighted, class_names=names,
...                      names=("unweighted", "weighted"))  # doctest: +SKIP
>>> print(d.describe())  # doctest: +SKIP
weighted - unweighted (1000 stratified resamples of 11,602 test documents):
accuracy -6.3 pp, 95% CI [-6.9, -5.7]; weighted better in 0.0% of resamples
macro F1 +0.028, 95% CI [0.018, 0.038]; weighted better in 100.0% of resamples
zero-F1 classes -15, 95% CI [-18, -11]; weighted better in 100.0% of resamples

(The default ``weightlab reproduce`` run: tfidf-linear on 58K synthetic complaints.)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from weightlab import _validate
from weightlab._compat import moved
from weightlab.metrics import metrics_from_counts

__all__ = [
    "BootstrapCI",
    "PairedBootstrap",
    "RunUncertainty",
    "bootstrap_ci",
    "paired_bootstrap",
    "run_uncertainty",
]

#: The statistics every bootstrap here reports, in row order.
CI_METRICS = ("accuracy", "macro_f1", "zero_f1_classes")
#: For each statistic, +1 if larger is better, -1 if smaller is better (zero-F1 count).
_BETTER = {"accuracy": 1, "macro_f1": 1, "zero_f1_classes": -1}
_LABELS = {"accuracy": "accuracy", "macro_f1": "macro F1", "zero_f1_classes": "zero-F1 classes"}
_METHODS = ("percentile", "basic")
_CHUNK = 128  # resamples per vectorised step: bounds memory (128 x n_test int64 indices)


# ---------------------------------------------------------------------------------------------
# result types
# ---------------------------------------------------------------------------------------------


def _scheme(n_boot: int, stratified: bool, n_test: int) -> str:
    kind = "stratified " if stratified else ""
    return f"{n_boot} {kind}resamples of {n_test:,} test documents"


def _fmt_value(metric: str, value: float) -> str:
    if metric == "accuracy":
        return f"{value:.1%}"
    if metric == "macro_f1":
        return f"{value:.3f}"
    return f"{value:.0f}"


def _fmt_bound(metric: str, value: float) -> str:
    return f"{100 * value:.1f}" if metric == "accuracy" else _fmt_value(metric, value)


def _table_ci(table: pd.DataFrame, metric: str) -> tuple[float, float]:
    """``(low, high)`` of ``metric`` in a bootstrap table (shared by both result types)."""
    _check_ci_metric(metric)
    row = table.loc[metric]
    return float(row["low"]), float(row["high"])


@dataclass(frozen=True, eq=False)
class BootstrapCI:
    """Bootstrap intervals of one set of predictions (made by :func:`bootstrap_ci`).

    Attributes
    ----------
    table : pandas.DataFrame
        Index ``metric`` (``accuracy``, ``macro_f1``, ``zero_f1_classes``), columns
        ``estimate`` (on the full test set, equal to :func:`weightlab.metrics.score`),
        ``mean`` and ``std`` (over resamples), ``low``, ``high`` (the interval).
    samples : pandas.DataFrame
        One row per resample, one column per metric.
    level : float
        Confidence level, e.g. 0.95.
    n_boot, seed : int
        Number of resamples and the seed that drew them.
    stratified : bool
        Whether resampling was within each true class (see the module docstring).
    method : str
        ``"percentile"`` or ``"basic"``.
    n_test : int
        Test documents.
    """

    table: pd.DataFrame
    samples: pd.DataFrame
    level: float
    n_boot: int
    seed: int
    stratified: bool
    method: str
    n_test: int

    def ci(self, metric: str) -> tuple[float, float]:
        """The interval ``(low, high)`` of ``metric``."""
        return _table_ci(self.table, metric)

    def describe(self) -> str:
        """One line, e.g. ``accuracy 58.0% [57.1, 58.9]; macro F1 0.216 [0.205, 0.227]; ...``."""
        parts = []
        for m in CI_METRICS:
            lo, hi = self.ci(m)
            est = float(self.table.loc[m, "estimate"])
            parts.append(
                f"{_LABELS[m]} {_fmt_value(m, est)} [{_fmt_bound(m, lo)}, {_fmt_bound(m, hi)}]"
            )
        return "; ".join(parts)

    def __repr__(self) -> str:
        return (
            f"BootstrapCI({self.level:.0%} {self.method} intervals (zero-F1: bias-corrected), "
            f"{_scheme(self.n_boot, self.stratified, self.n_test)}: {self.describe()})"
        )


@dataclass(frozen=True, eq=False)
class PairedBootstrap:
    """The difference ``b - a`` between two sets of predictions, on the same resamples.

    Attributes
    ----------
    table : pandas.DataFrame
        Index ``metric``, columns ``a``, ``b`` (each on the full test set), ``difference``
        (``b - a`` on the full test set), ``mean_difference`` (over resamples), ``low``,
        ``high`` (interval of the difference) and ``p_b_better``: the share of resamples in
        which ``b`` is strictly better than ``a`` (higher accuracy or macro F1, **fewer**
        zero-F1 classes).
    samples : pandas.DataFrame
        One row per resample, the difference ``b - a`` of each metric.
    names : (str, str)
        Names of ``a`` and ``b``.
    level, n_boot, seed, stratified, method, n_test
        As in :class:`BootstrapCI`.
    """

    table: pd.DataFrame
    samples: pd.DataFrame
    names: tuple[str, str]
    level: float
    n_boot: int
    seed: int
    stratified: bool
    method: str
    n_test: int

    def ci(self, metric: str) -> tuple[float, float]:
        """The interval ``(low, high)`` of the difference ``b - a`` in ``metric``."""
        return _table_ci(self.table, metric)

    def line(self, metric: str) -> str:
        """E.g. ``macro F1 +0.017, 95% CI [0.009, 0.025]; weighted better in 99.8% ...``."""
        lo, hi = self.ci(metric)
        d = float(self.table.loc[metric, "difference"])
        p = float(self.table.loc[metric, "p_b_better"])
        if metric == "accuracy":
            text = f"{100 * d:+.1f} pp, {self.level:.0%} CI [{100 * lo:.1f}, {100 * hi:.1f}]"
        elif metric == "macro_f1":
            text = f"{d:+.3f}, {self.level:.0%} CI [{lo:.3f}, {hi:.3f}]"
        else:
            text = f"{d:+.0f}, {self.level:.0%} CI [{lo:.0f}, {hi:.0f}]"
        return f"{_LABELS[metric]} {text}; {self.names[1]} better in {p:.1%} of resamples"

    def describe(self) -> str:
        """A header and one :meth:`line` per metric."""
        a, b = self.names
        head = f"{b} - {a} ({_scheme(self.n_boot, self.stratified, self.n_test)}):"
        return "\n".join([head] + [self.line(m) for m in CI_METRICS])

    def records(self) -> list[dict]:
        """JSON-ready rows: ``a``, ``b``, ``metric``, ``difference``, ``ci``, ``p_b_better``."""
        a, b = self.names
        rows = []
        for m in CI_METRICS:
            row = self.table.loc[m]
            rows.append(
                {
                    "a": a,
                    "b": b,
                    "metric": m,
                    "difference": float(row["difference"]),
                    "ci": [float(row["low"]), float(row["high"])],
                    "p_b_better": float(row["p_b_better"]),
                }
            )
        return rows

    def __repr__(self) -> str:
        return f"PairedBootstrap({self.describe()})"


@dataclass(frozen=True, eq=False)
class RunUncertainty:
    """Bootstrap intervals of several runs and their differences from a reference run.

    Made by :func:`run_uncertainty`; all on the same resamples.

    Attributes
    ----------
    intervals : dict of str to BootstrapCI
        One per run, by run name.
    comparisons : list of PairedBootstrap
        ``reference`` (``a``) vs each other run of its engine (``b``).
    """

    intervals: dict
    comparisons: list

    def records(self) -> list[dict]:
        """All comparisons as JSON-ready rows (see :meth:`PairedBootstrap.records`)."""
        return [row for c in self.comparisons for row in c.records()]


# ---------------------------------------------------------------------------------------------
# validation
# ---------------------------------------------------------------------------------------------


def _check_ci_metric(metric) -> None:
    if metric not in CI_METRICS:
        raise ValueError(f"metric must be one of {', '.join(CI_METRICS)}; got {metric!r}.")


def _check_options(n_boot, seed, level, method) -> None:
    _validate.whole_number(n_boot, "n_boot", minimum=1, what="e.g. 1000")
    _validate.whole_number(seed, "seed")
    ok = isinstance(level, (int, float, np.floating)) and not isinstance(level, bool)
    if not ok or not 0 < level < 1:
        raise ValueError(f"level must be a number in (0, 1), e.g. 0.95; got {level!r}.")
    if method not in _METHODS:
        raise ValueError(f"method must be one of {', '.join(_METHODS)}; got {method!r}.")


def _labels(y_true, preds: list, pred_names: list[str], class_names):
    names = _validate.as_names(class_names)
    yt = _validate.as_labels(y_true, "y_true", len(names))
    out = []
    for p, name in zip(preds, pred_names, strict=True):
        arr = _validate.as_labels(p, name, len(names))
        if arr.size != yt.size:
            raise ValueError(
                f"y_true has {yt.size} labels but {name} has {arr.size}; pass one prediction "
                "per test document, in the same order."
            )
        out.append(arr)
    return names, yt, np.stack(out)


# ---------------------------------------------------------------------------------------------
# the resampling
# ---------------------------------------------------------------------------------------------


def _index_chunks(y_true: np.ndarray, n_boot: int, seed: int, stratified: bool):
    """Yield index arrays of shape (chunk, n_test), ``n_boot`` rows in all."""
    rng = np.random.default_rng(seed)
    n = y_true.size
    if stratified:
        # Positions sorted by class; a draw for position j picks uniformly among the positions
        # of j's class, so each class keeps its support (one vectorised call per chunk).
        order = np.argsort(y_true, kind="stable")
        sizes = np.bincount(y_true)
        starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
        cls = y_true[order]
        low, size = starts[cls], sizes[cls]
    for first in range(0, n_boot, _CHUNK):
        b = min(_CHUNK, n_boot - first)
        if stratified:
            # int32 draws: half the time of int64 draws, and n_test < 2**31
            yield order[low + rng.integers(0, size, size=(b, n), dtype=np.int32)]
        else:
            yield rng.integers(0, n, size=(b, n), dtype=np.int32)


def _statistics(tp, n_pred, support) -> np.ndarray:
    m = metrics_from_counts(tp, n_pred, support)
    return np.stack([m[k].astype(np.float64) for k in CI_METRICS], axis=-1)


def _point(y_true: np.ndarray, preds: np.ndarray, n_classes: int) -> np.ndarray:
    """Statistics on the full test set, shape (n_preds, n_metrics)."""
    support = np.bincount(y_true, minlength=n_classes)
    n_pred = np.stack([np.bincount(p, minlength=n_classes) for p in preds])
    tp = np.stack([np.bincount(y_true[p == y_true], minlength=n_classes) for p in preds])
    return _statistics(tp, n_pred, support)


def _resampled(
    y_true: np.ndarray, preds: np.ndarray, n_classes: int, n_boot: int, seed: int, stratified
) -> np.ndarray:
    """Statistics on each resample, shape (n_boot, n_preds, n_metrics)."""
    correct = preds == y_true  # (n_preds, n_test)
    c = n_classes
    out = []
    for idx in _index_chunks(y_true, n_boot, seed, stratified):
        b = idx.shape[0]
        offset = (np.arange(b) * c)[:, None]
        key_true = (offset + y_true[idx]).ravel()
        if stratified:
            support = np.bincount(y_true, minlength=c)  # unchanged by construction
        else:
            support = np.bincount(key_true, minlength=b * c).reshape(b, c)
        stats = []
        for p, ok in zip(preds, correct, strict=True):
            n_pred = np.bincount((offset + p[idx]).ravel(), minlength=b * c).reshape(b, c)
            tp = np.bincount(key_true, weights=ok[idx].ravel(), minlength=b * c)
            stats.append(_statistics(tp.reshape(b, c).astype(np.int64), n_pred, support))
        out.append(np.stack(stats, axis=1))
    return np.concatenate(out, axis=0)


def _interval(samples: np.ndarray, estimate: np.ndarray, level: float, method: str):
    alpha = (1.0 - level) / 2.0
    q_lo, q_hi = np.quantile(samples, [alpha, 1.0 - alpha], axis=0)
    if method == "basic":
        return 2 * estimate - q_hi, 2 * estimate - q_lo
    return q_lo, q_hi


def _ci_from(estimate, samples, *, level, method, n_boot, seed, stratified, n_test):
    lo, hi = _interval(samples, estimate, level, method)
    # The zero-F1 count: shift by the bootstrap bias (module docstring), so that the interval
    # is around the count rather than above it.
    z = CI_METRICS.index("zero_f1_classes")
    bias = samples[:, z].mean() - estimate[z] if len(samples) else 0.0
    lo, hi = np.array(lo, dtype=np.float64), np.array(hi, dtype=np.float64)
    lo[z], hi[z] = max(lo[z] - bias, 0.0), max(hi[z] - bias, 0.0)  # a count is never below 0
    table = pd.DataFrame(
        {
            "estimate": estimate,
            "mean": samples.mean(axis=0),
            "std": samples.std(axis=0, ddof=1) if n_boot > 1 else np.nan,
            "low": lo,
            "high": hi,
        },
        index=pd.Index(CI_METRICS, name="metric"),
    )
    return BootstrapCI(
        table=table,
        samples=pd.DataFrame(samples, columns=list(CI_METRICS)),
        level=float(level),
        n_boot=int(n_boot),
        seed=int(seed),
        stratified=bool(stratified),
        method=method,
        n_test=int(n_test),
    )


def _paired_from(
    est_a, est_b, samp_a, samp_b, names, *, level, method, n_boot, seed, stratified, n_test
):
    diff = samp_b - samp_a
    estimate = est_b - est_a
    lo, hi = _interval(diff, estimate, level, method)
    sign = np.array([_BETTER[m] for m in CI_METRICS])
    table = pd.DataFrame(
        {
            "a": est_a,
            "b": est_b,
            "difference": estimate,
            "mean_difference": diff.mean(axis=0),
            "low": lo,
            "high": hi,
            "p_b_better": (sign * diff > 0).mean(axis=0),
        },
        index=pd.Index(CI_METRICS, name="metric"),
    )
    return PairedBootstrap(
        table=table,
        samples=pd.DataFrame(diff, columns=list(CI_METRICS)),
        names=(str(names[0]), str(names[1])),
        level=float(level),
        n_boot=int(n_boot),
        seed=int(seed),
        stratified=bool(stratified),
        method=method,
        n_test=int(n_test),
    )


# ---------------------------------------------------------------------------------------------
# public functions
# ---------------------------------------------------------------------------------------------


def bootstrap_ci(
    y_true,
    y_pred,
    *,
    class_names,
    n_boot: int = 1000,
    seed: int = 0,
    level: float = 0.95,
    stratified: bool = True,
    method: str = "percentile",
) -> BootstrapCI:
    r"""Bootstrap intervals of accuracy, macro F1 and the zero-F1 count of one set of predictions.

    Resamples the test documents with replacement within each true class (see the module
    docstring), recomputes the three statistics on every resample as
    :func:`weightlab.metrics.score` would, and reports the percentile interval

    .. math:: \big[q_{(1-\text{level})/2},\; q_{(1+\text{level})/2}\big]

    of each.

    Parameters
    ----------
    y_true, y_pred : array-like of int, shape (n_test,)
        True and predicted class indices in ``[0, len(class_names))``.
    class_names : sequence of str
        All class names, in label order.
    n_boot : int, default 1000
        Number of resamples.
    seed : int, default 0
        Seed of the resampling: the same seed gives the same intervals, and the same resamples
        for any ``y_pred`` of the same ``y_true``.
    level : float, default 0.95
        Confidence level.
    stratified : bool, default True
        Resample within each true class (keeps every class's support). ``False`` resamples
        the whole test set, and the scored classes may then change between resamples.
    method : {"percentile", "basic"}, default "percentile"
        Interval type (see the module docstring).

    Returns
    -------
    BootstrapCI
        ``.table`` (estimate, mean, std, low, high per metric), ``.ci(metric)``,
        ``.describe()``, ``.samples``.

    Raises
    ------
    ValueError
        For labels :func:`weightlab.metrics.score` rejects, ``n_boot < 1``, a negative or
        non-integer ``seed``, ``level`` outside (0, 1), or an unknown ``method``.

    Examples
    --------
    >>> ci = bootstrap_ci([0, 0, 1, 1], [0, 0, 1, 0], class_names=["a", "b"], n_boot=200)
    >>> float(ci.table.loc["accuracy", "estimate"])
    0.75
    """
    _check_options(n_boot, seed, level, method)
    names, yt, preds = _labels(y_true, [y_pred], ["y_pred"], class_names)
    est = _point(yt, preds, len(names))[0]
    samples = _resampled(yt, preds, len(names), n_boot, seed, stratified)[:, 0]
    return _ci_from(
        est,
        samples,
        level=level,
        method=method,
        n_boot=n_boot,
        seed=seed,
        stratified=stratified,
        n_test=yt.size,
    )


def paired_bootstrap(
    y_true,
    pred_a,
    pred_b,
    *,
    class_names,
    names=("a", "b"),
    n_boot: int = 1000,
    seed: int = 0,
    level: float = 0.95,
    stratified: bool = True,
    method: str = "percentile",
) -> PairedBootstrap:
    r"""Bootstrap the difference ``b - a`` of two prediction sets on the same resamples.

    Both sets are scored on each resample of the test documents (the scheme of
    :func:`bootstrap_ci`), so the noise they share - which documents were drawn - cancels in
    the difference :math:`\Delta^{*} = \theta^{*}_b - \theta^{*}_a`.

    Parameters
    ----------
    y_true : array-like of int, shape (n_test,)
        True class indices.
    pred_a, pred_b : array-like of int, shape (n_test,)
        Predictions of the two models being compared (``a`` is the reference).
    class_names : sequence of str
        All class names, in label order.
    names : (str, str), default ("a", "b")
        Names of the two models, used in :meth:`PairedBootstrap.describe` and ``records``.
    n_boot, seed, level, stratified, method
        As in :func:`bootstrap_ci`.

    Returns
    -------
    PairedBootstrap
        ``.table`` per metric: ``a``, ``b``, ``difference`` (on the full test set),
        ``mean_difference``, ``low``, ``high`` (interval of the difference), ``p_b_better``
        (share of resamples where ``b`` is strictly better; for the zero-F1 count better
        means fewer). ``.describe()`` reads e.g. "macro F1 +0.017, 95% CI [0.009, 0.025]".

    Raises
    ------
    ValueError
        As :func:`bootstrap_ci`, or if ``names`` is not two distinct strings.

    Examples
    --------
    >>> d = paired_bootstrap([0, 0, 1, 1], [0, 0, 0, 0], [0, 0, 1, 0], class_names=["a", "b"])
    >>> float(d.table.loc["accuracy", "difference"])
    0.25
    """
    _check_options(n_boot, seed, level, method)
    if isinstance(names, str) or len(names) != 2 or names[0] == names[1]:
        raise ValueError(f"names must be two different names (a, b); got {names!r}.")
    labels, yt, preds = _labels(y_true, [pred_a, pred_b], ["pred_a", "pred_b"], class_names)
    est = _point(yt, preds, len(labels))
    samples = _resampled(yt, preds, len(labels), n_boot, seed, stratified)
    return _paired_from(
        est[0],
        est[1],
        samples[:, 0],
        samples[:, 1],
        names,
        level=level,
        method=method,
        n_boot=n_boot,
        seed=seed,
        stratified=stratified,
        n_test=yt.size,
    )


def run_uncertainty(
    runs,
    y_true,
    *,
    class_names,
    reference: str = "unweighted",
    n_boot: int = 1000,
    seed: int = 0,
    level: float = 0.95,
) -> RunUncertainty:
    """Intervals for every run and paired differences from ``reference``, on shared resamples.

    What :class:`weightlab.results.Results` writes to ``results.json``: every run is
    scored on the same stratified resamples of the test set (one pass), so each
    :class:`BootstrapCI` equals ``bootstrap_ci(y_true, argmax of run.test_logits, ...,
    seed=seed)`` and each comparison equals :func:`paired_bootstrap` with that seed.

    Parameters
    ----------
    runs : sequence of Run
        Runs with distinct names, scored on the same test set.
    y_true : array-like of int, shape (n_test,)
        ``dataset.labels_of("test")``.
    class_names : sequence of str
        All class names, in label order.
    reference : str, default "unweighted"
        Name of the run every other run of the same engine is compared to (as ``a``).
        Baselines (``majority``, ``tfidf-logreg``) are not compared. If no run has this
        name, ``comparisons`` is empty.
    n_boot, seed, level
        As in :func:`bootstrap_ci` (percentile intervals, stratified resampling).

    Returns
    -------
    RunUncertainty

    Raises
    ------
    ValueError
        If ``runs`` is empty or repeats a name, the logits do not match ``y_true``, or for the
        options :func:`bootstrap_ci` rejects.
    """
    _check_options(n_boot, seed, level, "percentile")
    runs = list(runs)
    if not runs:
        raise ValueError("runs is empty; pass the runs to bootstrap (e.g. results.runs).")
    run_names = [r.name for r in runs]
    if len(set(run_names)) != len(run_names):
        raise ValueError(f"Run names must be unique to be compared; got {run_names}.")
    preds = []
    for r in runs:
        logits = np.asarray(r.test_logits)
        if logits.ndim != 2:
            raise ValueError(f"Run {r.name!r} has test_logits of shape {logits.shape}; need 2-D.")
        preds.append(np.argmax(logits, axis=1))
    labels, yt, pred_arr = _labels(y_true, preds, [f"run {n!r}" for n in run_names], class_names)
    est = _point(yt, pred_arr, len(labels))
    samples = _resampled(yt, pred_arr, len(labels), n_boot, seed, True)
    common = dict(
        level=level, method="percentile", n_boot=n_boot, seed=seed, stratified=True, n_test=yt.size
    )
    intervals = {n: _ci_from(est[i], samples[:, i], **common) for i, n in enumerate(run_names)}
    comparisons = []
    if reference in run_names:
        i = run_names.index(reference)
        ref = runs[i]
        for j, r in enumerate(runs):
            if j == i or r.baseline or r.engine != ref.engine:
                continue
            comparisons.append(
                _paired_from(
                    est[i], est[j], samples[:, i], samples[:, j], (reference, r.name), **common
                )
            )
    return RunUncertainty(intervals=intervals, comparisons=comparisons)


def __getattr__(name: str):
    # Deprecation shim: seed_variance trains models, so it lives with the sweep.
    return moved(__name__, name, {"seed_variance": "weightlab.sweep"})
