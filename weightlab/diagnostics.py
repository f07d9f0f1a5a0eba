r"""Class-level honesty: which classes a weighting helped, which it hurt, and where they went.

Overall accuracy and macro F1 summarise 113 per-class stories in two numbers. The tables here
open them up, as readable DataFrames rather than a 113 x 113 matrix:

- :func:`band_table` - per frequency band (head / medium / tail by training count), the
  accuracy on the band's test documents and the mean F1 of its classes, one column per run,
  so "before" and "after" weighting sit side by side;
- :func:`coverage` - how many classes a model ever predicts, and ever predicts correctly;
- :func:`absorption_table` - for every class with F1 = 0, which class absorbed its test
  documents and what share of them;
- :func:`losses_table` - for every class whose F1 fell between two runs, what it lost and
  which class took its documents; :func:`f1_changes` gives the change of every class;
- :func:`plot_confusion` and :func:`plot_f1_delta` draw the same facts.

Every function takes :class:`~weightlab.metrics.Scores` made with ``train_counts`` (so the
training count and band of each class are known), and two Scores compared with each other
must come from the same test labels.

Bands
-----
With ``bands=(lo, hi)`` and the training count :math:`n_c` of a class: tail if
:math:`n_c < lo`, medium if :math:`lo \le n_c \le hi`, head if :math:`n_c > hi` (the same rule
as :func:`weightlab.metrics.score`, recomputed here so the edges can be changed).

Examples
--------
>>> from weightlab.metrics import score
>>> names = ["big", "mid", "small"]
>>> before = score([0, 0, 1, 2], [0, 0, 1, 0], class_names=names, train_counts=[200, 50, 5])
>>> after = score([0, 0, 1, 2], [0, 2, 1, 2], class_names=names, train_counts=[200, 50, 5])
>>> table = band_table({"before": before, "after": after})
>>> table["accuracy"].to_dict("index")["tail"]
{'before': 0.0, 'after': 1.0, 'change': 1.0}
>>> absorption_table(before).loc["small"].to_dict()["absorbed_by"]
'big'
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from weightlab import _validate
from weightlab.metrics import BANDS, Scores, band_of

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = [
    "band_table",
    "coverage",
    "absorption_table",
    "f1_changes",
    "losses_table",
    "plot_confusion",
    "plot_f1_delta",
]


# ---------------------------------------------------------------------------------------------
# validation
# ---------------------------------------------------------------------------------------------


def _check_scores(scores, name: str = "scores") -> Scores:
    if not isinstance(scores, Scores):
        raise ValueError(
            f"{name} must be a Scores (from weightlab.score or scores_from_logits); "
            f"got {type(scores).__name__}."
        )
    if (scores.by_class["train_count"] < 0).any():
        raise ValueError(
            f"{name} has no training counts: score it with train_counts=dataset.train_counts "
            "so that classes can be ordered by size and put in bands."
        )
    return scores


def _check_same_test(a: Scores, b: Scores, names: tuple[str, str]) -> None:
    same = (
        a.class_names == b.class_names
        and a.y_true.shape == b.y_true.shape
        and np.array_equal(a.y_true, b.y_true)
        and np.array_equal(a.by_class["train_count"], b.by_class["train_count"])
    )
    if not same:
        raise ValueError(
            f"{names[0]!r} and {names[1]!r} were scored on different test labels, classes or "
            "training counts; compare runs trained and tested on the same split."
        )


def _check_runs(scores_by_run) -> dict[str, Scores]:
    if not isinstance(scores_by_run, Mapping) or not scores_by_run:
        raise ValueError(
            "scores_by_run must be a non-empty mapping of run name to Scores, e.g. "
            "{'unweighted': s0, 'weighted': s1}."
        )
    runs = {str(k): _check_scores(v, f"scores_by_run[{k!r}]") for k, v in scores_by_run.items()}
    first = next(iter(runs))
    for other in list(runs)[1:]:
        _check_same_test(runs[first], runs[other], (first, other))
    return runs


def _codes(scores: Scores, classes) -> np.ndarray:
    code = {c: i for i, c in enumerate(scores.class_names)}
    return np.array([code[c] for c in classes], dtype=np.int64)


def _correct_per_class(scores: Scores) -> np.ndarray:
    n = len(scores.class_names)
    return np.bincount(scores.y_true[scores.y_true == scores.y_pred], minlength=n)


def _band_range(band: str, lo, hi) -> str:
    return {"head": f"> {hi:g}", "medium": f"{lo:g}-{hi:g}", "tail": f"< {lo:g}"}[band]


# ---------------------------------------------------------------------------------------------
# tables
# ---------------------------------------------------------------------------------------------


def band_table(scores_by_run: Mapping[str, Scores], *, bands=(20, 100)) -> pd.DataFrame:
    """Accuracy and mean F1 per frequency band, one column per run.

    Parameters
    ----------
    scores_by_run : mapping of str to Scores
        Run name -> scores on the same test labels, e.g. ``{"unweighted": s0,
        "weighted": s1}``; the order is the column order.
    bands : (int, int), default (20, 100)
        ``(lo, hi)``: tail if ``train_count < lo``, medium if ``lo <= train_count <= hi``,
        head if ``train_count > hi``.

    Returns
    -------
    pandas.DataFrame
        Index ``"head"``, ``"medium"``, ``"tail"`` (name ``"band"``). Columns are a two-level
        index ``(metric, run)``:

        - ``("size", "train_count")`` - the band's training-count range, e.g. ``"> 100"``;
          ``("size", "n_classes")`` - scored classes in the band; ``("size", "n_test")`` -
          test documents of those classes;
        - ``("accuracy", run)`` - correctly classified test documents of the band / test
          documents of the band (the band's micro recall);
        - ``("mean_f1", run)`` - unweighted mean F1 of the band's classes;
        - ``("zero_f1_classes", run)`` - classes of the band with F1 = 0.

        With exactly two runs, each metric also has a ``"change"`` column (second minus
        first). A band with no scored class has NaN accuracy and mean F1.

    Raises
    ------
    ValueError
        If ``scores_by_run`` is empty or not a mapping of Scores, if a Scores has no training
        counts, if the runs were scored on different test labels, or if ``bands`` is not a
        pair ``0 <= lo <= hi``.
    """
    runs = _check_runs(scores_by_run)
    lo, hi = _validate.bands(bands)
    first = next(iter(runs.values()))
    bc = first.by_class
    band = pd.Series(band_of(bc["train_count"].to_numpy(), lo, hi), index=bc.index)
    columns: dict[tuple[str, str], list] = {
        ("size", "train_count"): [_band_range(b, lo, hi) for b in BANDS],
        ("size", "n_classes"): [int((band == b).sum()) for b in BANDS],
        ("size", "n_test"): [int(bc.loc[band == b, "support"].sum()) for b in BANDS],
    }
    metrics = {"accuracy": {}, "mean_f1": {}, "zero_f1_classes": {}}
    for name, scores in runs.items():
        correct = pd.Series(_correct_per_class(scores)[_codes(scores, bc.index)], index=bc.index)
        f1 = scores.by_class["f1"]
        acc, mean_f1, zeros = [], [], []
        for b in BANDS:
            mask = band == b
            support = int(bc.loc[mask, "support"].sum())
            acc.append(float(correct[mask].sum() / support) if support else np.nan)
            mean_f1.append(float(f1[mask].mean()) if mask.any() else np.nan)
            zeros.append(int((f1[mask] == 0).sum()))
        metrics["accuracy"][name] = acc
        metrics["mean_f1"][name] = mean_f1
        metrics["zero_f1_classes"][name] = zeros
    for metric, by_run in metrics.items():
        for name, values in by_run.items():
            columns[(metric, name)] = values
        if len(by_run) == 2 and "change" not in by_run:
            a, b = (np.asarray(v, dtype=float) for v in by_run.values())
            change = b - a
            columns[(metric, "change")] = (
                change.astype(int).tolist() if metric == "zero_f1_classes" else change.tolist()
            )
    table = pd.DataFrame(columns, index=pd.Index(list(BANDS), name="band"))
    table.columns = pd.MultiIndex.from_tuples(table.columns, names=["metric", "run"])
    return table


def coverage(scores: Scores) -> pd.Series:
    """How many classes a model ever predicts, and ever predicts correctly.

    Parameters
    ----------
    scores : Scores

    Returns
    -------
    pandas.Series of int (name ``"coverage"``)
        ``n_classes`` (all classes the model could predict), ``n_classes_scored`` (classes
        present in the test split), ``n_classes_predicted`` (classes predicted at least once on
        the test set, scored or not), ``n_classes_correct`` (scored classes predicted correctly
        at least once, i.e. with F1 > 0), ``n_scored_never_predicted`` (scored classes the
        model never outputs) and ``n_predicted_never_correct`` (classes it outputs but never
        gets right: every prediction of them is a false positive).

    Examples
    --------
    >>> from weightlab.metrics import score
    >>> s = score([0, 0, 1, 2], [0, 1, 0, 0], class_names=["a", "b", "c", "d"])
    >>> coverage(s).to_dict()["n_classes_correct"]
    1
    """
    if not isinstance(scores, Scores):
        raise ValueError(
            f"coverage needs a Scores (from weightlab.score); got {type(scores).__name__}."
        )
    n = len(scores.class_names)
    predicted = np.bincount(scores.y_pred, minlength=n) > 0
    scored = np.bincount(scores.y_true, minlength=n) > 0
    correct = _correct_per_class(scores) > 0
    values = {
        "n_classes": n,
        "n_classes_scored": int(scored.sum()),
        "n_classes_predicted": int(predicted.sum()),
        "n_classes_correct": int(correct.sum()),
        "n_scored_never_predicted": int((scored & ~predicted).sum()),
        "n_predicted_never_correct": int((predicted & ~correct).sum()),
    }
    return pd.Series(values, name="coverage", dtype=np.int64)


def _top_targets(y_true, y_pred, n_classes: int) -> np.ndarray:
    """Confusion counts ``C[i, j]`` (true i, predicted j) as a dense int array."""
    return np.bincount(y_true * n_classes + y_pred, minlength=n_classes * n_classes).reshape(
        n_classes, n_classes
    )


def absorption_table(scores: Scores) -> pd.DataFrame:
    """For every class with F1 = 0: which class absorbed its test documents.

    Parameters
    ----------
    scores : Scores
        Made with ``train_counts``.

    Returns
    -------
    pandas.DataFrame
        One row per scored class with F1 = 0, indexed by class name (index name ``"class"``),
        sorted by test support (largest first), then training count, then name. Columns:
        ``train_count``, ``band``, ``support`` (its test documents), ``n_predicted`` (how often
        the model predicted it: all false positives), ``absorbed_by`` (the class its test
        documents were most often predicted as; ties go to the lower class index),
        ``absorbed_n`` and ``absorbed_share`` (that count, and its share of ``support``),
        ``absorber_train_count`` and ``n_targets`` (distinct classes its documents went to).
        Empty (with these columns) when no class has F1 = 0.

    Raises
    ------
    ValueError
        If ``scores`` is not a Scores with training counts.
    """
    scores = _check_scores(scores)
    bc = scores.by_class
    names = scores.class_names
    n = len(names)
    confusion = _top_targets(scores.y_true, scores.y_pred, n)
    train = np.full(n, -1, dtype=np.int64)
    train[_codes(scores, bc.index)] = bc["train_count"].to_numpy()
    rows = []
    for cls in bc.index[bc["f1"].to_numpy() == 0]:
        i = names.index(cls)
        row = confusion[i]
        j = int(np.argmax(row))
        support = int(bc.at[cls, "support"])
        rows.append(
            {
                "class": cls,
                "train_count": int(bc.at[cls, "train_count"]),
                "band": bc.at[cls, "band"],
                "support": support,
                "n_predicted": int(bc.at[cls, "n_predicted"]),
                "absorbed_by": names[j],
                "absorbed_n": int(row[j]),
                "absorbed_share": float(row[j] / support),
                "absorber_train_count": int(train[j]) if train[j] >= 0 else -1,
                "n_targets": int(np.count_nonzero(row)),
            }
        )
    columns = [
        "class",
        "train_count",
        "band",
        "support",
        "n_predicted",
        "absorbed_by",
        "absorbed_n",
        "absorbed_share",
        "absorber_train_count",
        "n_targets",
    ]
    table = pd.DataFrame(rows, columns=columns)
    table = table.sort_values(
        ["support", "train_count", "class"], ascending=[False, False, True], kind="stable"
    )
    return table.set_index("class")


def f1_changes(before: Scores, after: Scores) -> pd.DataFrame:
    """Per-class F1, precision and recall before and after, ordered by training size.

    This is the table behind :func:`plot_f1_delta`.

    Parameters
    ----------
    before, after : Scores
        Two runs scored on the same test labels (e.g. unweighted and weighted).

    Returns
    -------
    pandas.DataFrame
        Indexed by class (index name ``"class"``), largest training count first (ties by
        class order). Columns ``train_count``, ``band``, ``support``, ``f1_before``,
        ``f1_after``, ``f1_change`` (after - before), ``precision_before``,
        ``precision_after``, ``recall_before``, ``recall_after``.

    Raises
    ------
    ValueError
        If either is not a Scores with training counts, or they were scored on different
        test labels.
    """
    before = _check_scores(before, "before")
    after = _check_scores(after, "after")
    _check_same_test(before, after, ("before", "after"))
    b, a = before.by_class, after.by_class
    table = pd.DataFrame(
        {
            "train_count": b["train_count"],
            "band": b["band"],
            "support": b["support"],
            "f1_before": b["f1"],
            "f1_after": a["f1"],
            "f1_change": a["f1"] - b["f1"],
            "precision_before": b["precision"],
            "precision_after": a["precision"],
            "recall_before": b["recall"],
            "recall_after": a["recall"],
        }
    )
    order = np.argsort(-table["train_count"].to_numpy(), kind="stable")
    return table.iloc[order]


def losses_table(before: Scores, after: Scores) -> pd.DataFrame:
    """For every class whose F1 fell from ``before`` to ``after``: what it lost, and to whom.

    Parameters
    ----------
    before, after : Scores
        Two runs scored on the same test labels (e.g. unweighted and weighted).

    Returns
    -------
    pandas.DataFrame
        One row per class with ``f1_after < f1_before``, indexed by class, largest F1 drop
        first. Columns: ``train_count``, ``band``, ``support``, ``f1_before``, ``f1_after``,
        ``f1_change``, ``recall_before``, ``recall_after``, ``precision_before``,
        ``precision_after``, ``n_lost`` (its test documents that ``before`` classified
        correctly and ``after`` does not), ``taken_by`` (the class ``after`` most often
        predicted for those documents; ``""`` when none were lost, i.e. the F1 fell through
        precision: more documents of other classes predicted as this one) and ``taken_n``
        (how many of the lost documents went there).

    Raises
    ------
    ValueError
        As :func:`f1_changes`.
    """
    changes = f1_changes(before, after)
    fell = changes[changes["f1_change"] < 0].sort_values("f1_change", kind="stable")
    names = before.class_names
    lost = (before.y_true == before.y_pred) & (after.y_pred != after.y_true)
    n_lost, taken_by, taken_n = [], [], []
    for cls in fell.index:
        mask = lost & (before.y_true == names.index(cls))
        counts = np.bincount(after.y_pred[mask], minlength=len(names))
        n_lost.append(int(mask.sum()))
        if mask.any():
            j = int(np.argmax(counts))
            taken_by.append(names[j])
            taken_n.append(int(counts[j]))
        else:
            taken_by.append("")
            taken_n.append(0)
    columns = [
        "train_count",
        "band",
        "support",
        "f1_before",
        "f1_after",
        "f1_change",
        "recall_before",
        "recall_after",
        "precision_before",
        "precision_after",
    ]
    table = fell[columns].copy()
    table["n_lost"] = pd.Series(n_lost, index=fell.index, dtype=np.int64)
    table["taken_by"] = pd.Series(taken_by, index=fell.index, dtype=object)
    table["taken_n"] = pd.Series(taken_n, index=fell.index, dtype=np.int64)
    return table


# ---------------------------------------------------------------------------------------------
# plots
# ---------------------------------------------------------------------------------------------


def _axes(ax, **fig_kw):
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(**fig_kw)
    return ax


def _band_edges(train_counts: np.ndarray, lo, hi) -> list[tuple[float, str]]:
    """Positions (between sorted classes, largest first) where the band changes."""
    band = band_of(train_counts, lo, hi)
    edges = []
    for k in range(1, len(band)):
        if band[k] != band[k - 1]:
            edges.append((k - 0.5, band[k]))
    return edges


def plot_confusion(scores: Scores, *, ax=None, bands=(20, 100), max_labels: int = 30) -> Axes:
    """Confusion matrix with classes ordered by training size and a log colour scale.

    Rows are true classes, columns predicted classes, both largest training count first, so
    the head sits top-left; documents absorbed by head classes show as a dense band of
    columns on the left. Colours are counts on a :class:`matplotlib.colors.LogNorm` scale
    (empty cells are left white); dashed lines separate the frequency bands.

    Parameters
    ----------
    scores : Scores
        Made with ``train_counts``.
    ax : matplotlib.axes.Axes, optional
    bands : (int, int), default (20, 100)
        Band edges for the separating lines (see the module docstring).
    max_labels : int
        Class names are written on the axes when there are at most this many classes;
        otherwise the axes show size ranks (1 = largest).

    Returns
    -------
    matplotlib.axes.Axes
    """
    from matplotlib.colors import LogNorm
    from sklearn.metrics import confusion_matrix

    scores = _check_scores(scores)
    lo, hi = _validate.bands(bands)
    bc = scores.by_class
    order = np.argsort(-bc["train_count"].to_numpy(), kind="stable")
    labels = _codes(scores, bc.index[order])
    # Predicted classes absent from the test split get a column (and an empty row) at the end.
    extra = np.setdiff1d(np.unique(scores.y_pred), labels)
    labels = np.concatenate([labels, extra])
    matrix = confusion_matrix(scores.y_true, scores.y_pred, labels=labels)
    shown = np.ma.masked_equal(matrix, 0)
    n = len(labels)
    ax = _axes(ax, figsize=(6.4, 5.6))
    import matplotlib as mpl

    cmap = mpl.colormaps["viridis"].with_extremes(bad="white")
    image = ax.imshow(
        shown,
        norm=LogNorm(vmin=1, vmax=max(int(matrix.max()), 2)),
        cmap=cmap,
        interpolation="nearest",
        aspect="auto",
    )
    ax.figure.colorbar(image, ax=ax, label="test documents (log scale)")
    for pos, _band in _band_edges(bc["train_count"].to_numpy()[order], lo, hi):
        ax.axhline(pos, color="grey", linestyle="--", linewidth=0.8)
        ax.axvline(pos, color="grey", linestyle="--", linewidth=0.8)
    if n <= max_labels:
        names = [scores.class_names[i] for i in labels]
        ax.set_xticks(range(n), names, rotation=90, fontsize=7)
        ax.set_yticks(range(n), names, fontsize=7)
        ax.set_xlabel("predicted class (largest first)")
        ax.set_ylabel("true class (largest first)")
    else:
        ax.set_xlabel("predicted class, by training size (0 = largest)")
        ax.set_ylabel("true class, by training size (0 = largest)")
    o = scores.overall
    ax.set_title(
        f"Confusion matrix: accuracy {o['accuracy']:.1%}, {o['zero_f1_classes']} of "
        f"{o['n_classes_scored']} classes at F1 = 0",
        fontsize=10,
    )
    return ax


def plot_f1_delta(before: Scores, after: Scores, *, ax=None, bands=(20, 100)) -> Axes:
    """Per-class F1 change (after - before), classes sorted by training size, largest left.

    Green bars are classes that gained F1, red bars classes that lost it; dashed lines
    separate the frequency bands. The title counts gains and losses.

    Parameters
    ----------
    before, after : Scores
        Two runs scored on the same test labels (e.g. unweighted and weighted).
    ax : matplotlib.axes.Axes, optional
    bands : (int, int), default (20, 100)
        Band edges for the separating lines.

    Returns
    -------
    matplotlib.axes.Axes
    """
    lo, hi = _validate.bands(bands)
    table = f1_changes(before, after)
    change = table["f1_change"].to_numpy()
    colors = np.where(change > 0, "seagreen", np.where(change < 0, "crimson", "grey"))
    ax = _axes(ax, figsize=(7, 3.4))
    x = np.arange(len(change))
    ax.bar(x, change, width=0.85, color=colors)
    ax.axhline(0, color="black", linewidth=0.8)
    top = max(float(np.abs(change).max()), 0.05) * 1.15
    for pos, band in _band_edges(table["train_count"].to_numpy(), lo, hi):
        ax.axvline(pos, color="grey", linestyle="--", linewidth=0.8)
        ax.text(pos + 0.5, top * 0.92, band, fontsize=8, color="grey")
    if len(change):
        ax.text(0, top * 0.92, table["band"].iloc[0], fontsize=8, color="grey")
    ax.set_ylim(-top, top)
    ax.set_xlim(-1, len(change))
    ax.set_xlabel("classes by training size (largest left)")
    ax.set_ylabel("F1 change (after - before)")
    ax.set_title(
        f"Per-class F1 change: {int((change > 0).sum())} gained, "
        f"{int((change < 0).sum())} lost, {int((change == 0).sum())} unchanged",
        fontsize=10,
    )
    return ax
