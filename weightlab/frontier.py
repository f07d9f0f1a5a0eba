r"""The accuracy vs macro-F1 frontier, to answer: was retraining with class weights worth it.

Three ways to move a long-tailed classifier from accuracy towards macro F1, on one figure:

- **post-hoc logit adjustment** of one trained model: its tau curve
  (:func:`weightlab.adjust.tau_sweep`), no retraining;
- **retraining with class weights** :math:`w_c \propto n_c^{-\alpha}`: one point per alpha
  (:func:`weightlab.sweep.alpha_sweep`);
- **retraining with the logit-adjusted loss** (Menon et al. 2021): one point per training tau;
- **per-class offsets** of one trained model (:mod:`weightlab.offsets`): fitted on the
  validation split, drawn on test as a curve of strengths (0 = the model as trained, 1 = the
  fitted offsets), no retraining;
- **retraining with another remedy** (re-sampling, focal loss, deferred re-weighting;
  :mod:`weightlab.remedies`): one point per knob value, a series per remedy;

plus fixed **baselines** (majority class, TF-IDF + logistic regression) and, when available,
the tau curve of a baseline's own probabilities. :func:`frontier_table` puts every point in
one tidy DataFrame, :func:`plot_frontier` draws it (accuracy on x, macro F1 on y) and
:func:`curve_gap` answers the question directly: for each retrained point, the best macro F1
the unweighted model's tau curve reaches *at that accuracy or higher*. A retrained point with
a gap <= 0 is dominated: post-hoc adjustment of the unweighted model does at least as well on
both metrics without retraining.

All numbers are whatever split the inputs were computed on (normally test). Picking the best
point of a test-set curve is optimistic; choose operating points on validation
(:func:`weightlab.adjust.choose_tau`) and use the frontier to describe the trade-off.

Examples
--------
>>> import pandas as pd
>>> curve = pd.DataFrame({"tau": [0.0, 1.0], "accuracy": [0.60, 0.55], "macro_f1": [0.20, 0.25]})
>>> alphas = pd.DataFrame({"alpha": [0.0, 0.5], "accuracy": [0.60, 0.52], "macro_f1": [0.20, 0.22]})
>>> table = frontier_table(tau_curves={"unweighted": curve}, alpha_points=alphas,
...                        baselines={"majority": (0.23, 0.01)})
>>> table.loc[table["best_macro_f1"], "label"].item()
'tau=1'
>>> curve_gap(alphas, curve)["dominated"].tolist()
[True, True]
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from weightlab.remedies import KNOBS

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = [
    "KINDS",
    "FrontierInputs",
    "frontier_inputs",
    "frontier_table",
    "curve_gap",
    "plot_frontier",
]

#: Point kinds of :func:`frontier_table`, in row order.
KINDS = ("tau", "offsets", "alpha", "la-loss", "remedy", "baseline")

_COLUMNS = [
    "kind",
    "series",
    "label",
    "point",
    "tau",
    "alpha",
    "accuracy",
    "macro_f1",
    "best_accuracy",
    "best_macro_f1",
    "pareto",
]


@dataclass(frozen=True, eq=False)
class FrontierInputs(Mapping):
    """What :func:`plot_frontier` and :func:`frontier_table` draw, from :func:`frontier_inputs`.

    Also a read-only mapping of its six fields, so ``plot_frontier(**inputs)`` and
    ``inputs["tau_curves"]`` work as well as ``inputs.tau_curves``.
    """

    tau_curves: Mapping[str, pd.DataFrame]
    alpha_points: pd.DataFrame | None = None
    la_points: pd.DataFrame | None = None
    baselines: Mapping[str, tuple[float, float]] | None = None
    remedy_points: pd.DataFrame | None = None
    offset_curves: Mapping[str, pd.DataFrame] | None = None

    def __getitem__(self, key: str):
        if key not in _INPUT_FIELDS:
            raise KeyError(f"{key!r}: FrontierInputs holds {', '.join(_INPUT_FIELDS)}.")
        return getattr(self, key)

    def __iter__(self):
        return iter(_INPUT_FIELDS)

    def __len__(self) -> int:
        return len(_INPUT_FIELDS)


_INPUT_FIELDS = (
    "tau_curves",
    "alpha_points",
    "la_points",
    "baselines",
    "remedy_points",
    "offset_curves",
)


def _parts(inputs, *given):
    """The six parts, from ``inputs`` or from the keywords (not both)."""
    if inputs is None:
        if given[0] is None:
            raise ValueError(
                "Give the frontier_inputs(...) result, or tau_curves= (and the other parts)."
            )
        return given
    if not isinstance(inputs, FrontierInputs):
        raise ValueError(
            f"inputs must be the FrontierInputs of frontier_inputs(...); got "
            f"{type(inputs).__name__}. Pass a dict as keywords: **inputs."
        )
    if any(g is not None for g in given):
        raise ValueError("Give inputs or its parts as keywords, not both.")
    return tuple(getattr(inputs, name) for name in _INPUT_FIELDS)


def frontier_inputs(
    runs,
    *,
    y_test,
    train_counts,
    curves=("unweighted", "tfidf-logreg"),
    taus=None,
    alpha_points: pd.DataFrame | None = None,
    y_validation=None,
    offsets=("unweighted",),
) -> dict:
    """The arguments of :func:`frontier_table` / :func:`plot_frontier` from trained runs.

    Parameters
    ----------
    runs : sequence of Run
        E.g. ``Results.runs`` of :func:`weightlab.reproduce` (or ``load_results(...).runs``).
    y_test : array-like of int
        True test labels (``dataset.labels_of("test")``).
    train_counts : array-like of int
        Training examples per class: the priors of the tau curves.
    curves : sequence of str, default ("unweighted", "tfidf-logreg")
        Runs whose test logits give a post-hoc tau curve (:func:`weightlab.adjust.tau_sweep`);
        names not among ``runs`` are skipped.
    taus : sequence of float, optional
        Grid of the tau curves (default ``weightlab.adjust.DEFAULT_TAUS``: 0, 0.05, ..., 2).
    alpha_points : DataFrame, optional
        Retrained class-weighted points, e.g. :meth:`AlphaSweep.table()
        <weightlab.sweep.AlphaSweep.table>`. Default: the plain cross-entropy runs of the
        engine among ``runs`` (baselines and logit-adjusted-loss runs left out).
    y_validation : array-like of int, optional
        True validation labels. With them, per-class offsets are fitted on the validation
        logits of each run named in ``offsets`` (:func:`weightlab.offsets.fit_offsets`) and
        drawn on test as a curve of strengths (``offset_curves``).
    offsets : sequence of str, default ("unweighted",)
        Runs that get an offsets curve (when ``y_validation`` is given).

    Returns
    -------
    FrontierInputs
        ``tau_curves``, ``alpha_points``, ``la_points`` (the runs trained with ``tau != 0``;
        None if there is none), ``baselines`` (majority and TF-IDF + logistic regression
        runs) and ``remedy_points`` (runs of the other remedies: columns ``remedy``,
        ``knob``, ``value``, ``run``, ``accuracy``, ``macro_f1``; None if there is none) and
        ``offset_curves`` (run name -> :meth:`OffsetFit.curve
        <weightlab.offsets.OffsetFit.curve>` on test; None without ``y_validation``), for
        ``plot_frontier(inputs)`` (or ``plot_frontier(**inputs)``).
    """
    from weightlab.adjust import DEFAULT_TAUS, tau_sweep

    runs = list(runs)
    by_name = {r.name: r for r in runs}
    grid = DEFAULT_TAUS if taus is None else taus
    tau_curves = {
        name: tau_sweep(by_name[name].test_logits, y_test, train_counts=train_counts, taus=grid)
        for name in curves
        if name in by_name
    }

    def points(rows, key):
        if not rows:
            return None
        table = pd.DataFrame(
            [
                {
                    key: float(getattr(r, key)),
                    "run": r.name,
                    "accuracy": float(r.scores.overall["accuracy"]),
                    "macro_f1": float(r.scores.overall["macro_f1"]),
                }
                for r in rows
            ]
        )
        return table.sort_values(key, kind="stable", ignore_index=True)

    if alpha_points is None:
        alpha_points = points([r for r in runs if r.remedy == "weights"], "alpha")
    others = [r for r in runs if r.remedy not in (None, "weights", "la-loss")]
    remedy_points = None
    if others:
        remedy_points = pd.DataFrame(
            [
                {
                    "remedy": r.remedy,
                    "knob": KNOBS[r.remedy],
                    "value": float(r.knob),
                    "run": r.name,
                    "accuracy": float(r.scores.overall["accuracy"]),
                    "macro_f1": float(r.scores.overall["macro_f1"]),
                }
                for r in others
            ]
        )
    offset_curves = None
    if y_validation is not None:
        from weightlab.offsets import fit_offsets

        offset_curves = {
            name: fit_offsets(by_name[name].validation_logits, y_validation).curve(
                by_name[name].test_logits, y_test
            )
            for name in offsets
            if name in by_name and len(by_name[name].validation_logits)
        } or None
    return FrontierInputs(
        tau_curves=tau_curves,
        offset_curves=offset_curves,
        alpha_points=alpha_points,
        la_points=points([r for r in runs if r.remedy == "la-loss"], "tau"),
        remedy_points=remedy_points,
        baselines={
            r.name: (float(r.scores.overall["accuracy"]), float(r.scores.overall["macro_f1"]))
            for r in runs
            if r.baseline
        },
    )


def _check_frame(frame, name: str, key: str | None) -> pd.DataFrame:
    if not isinstance(frame, pd.DataFrame):
        raise ValueError(
            f"{name} must be a pandas DataFrame with columns "
            f"{[c for c in (key, 'accuracy', 'macro_f1') if c]}; got {type(frame).__name__}."
        )
    frame = frame.reset_index() if key and key not in frame.columns else frame
    needed = [c for c in (key, "accuracy", "macro_f1") if c]
    missing = [c for c in needed if c not in frame.columns]
    if missing:
        raise ValueError(
            f"{name} lacks the column(s) {missing}; it needs {needed} (e.g. a tau_sweep table, "
            "AlphaSweep.table() or Results.table())."
        )
    if frame.empty:
        raise ValueError(f"{name} has no rows; pass at least one point or leave it out.")
    values = frame[needed].to_numpy(dtype=np.float64)
    if not np.all(np.isfinite(values)):
        raise ValueError(f"{name} has NaN or infinite values in {needed}.")
    return frame


def _label(key: str, value: float) -> str:
    return f"{key}={value:g}"


def frontier_table(
    inputs: FrontierInputs | None = None,
    *,
    tau_curves: Mapping[str, pd.DataFrame] | None = None,
    alpha_points: pd.DataFrame | None = None,
    la_points: pd.DataFrame | None = None,
    baselines: Mapping[str, tuple[float, float]] | None = None,
    remedy_points: pd.DataFrame | None = None,
    offset_curves: Mapping[str, pd.DataFrame] | None = None,
) -> pd.DataFrame:
    """Every point of the frontier figure as one tidy table.

    Parameters
    ----------
    inputs : FrontierInputs, optional
        From :func:`frontier_inputs`; or give its six parts as keywords.
    tau_curves : mapping of str to DataFrame
        Curve name (e.g. ``"unweighted"``, ``"tfidf-logreg"``) -> a table with columns (or
        index) ``tau``, ``accuracy``, ``macro_f1``, such as
        :func:`weightlab.adjust.tau_sweep` of that model's test logits. May be empty.
    alpha_points : DataFrame, optional
        Retrained class-weighted models: columns ``alpha``, ``accuracy``, ``macro_f1``
        (e.g. :meth:`weightlab.sweep.AlphaSweep.table`).
    la_points : DataFrame, optional
        Models retrained with the logit-adjusted loss: columns ``tau``, ``accuracy``,
        ``macro_f1`` (``tau`` is the training strength).
    baselines : mapping of str to (float, float), optional
        Name -> ``(accuracy, macro_f1)``, e.g. ``{"majority": (0.23, 0.003)}``.
    remedy_points : DataFrame, optional
        Models retrained with another remedy: columns ``remedy`` (``"focal"``, ...),
        ``knob``, ``value``, ``run``, ``accuracy``, ``macro_f1``.
    offset_curves : mapping of str to DataFrame, optional
        Run name -> a table with columns ``strength``, ``accuracy``, ``macro_f1``
        (:meth:`weightlab.offsets.OffsetFit.curve`).

    Returns
    -------
    pandas.DataFrame
        One row per point, in the order tau curves, offsets curves, alpha points,
        logit-adjusted-loss points, other remedies, baselines. Columns: ``kind``
        (:data:`KINDS`), ``series`` (curve, remedy or baseline name; ``"alpha sweep"`` and
        ``"logit-adjusted loss"`` for those retrained points), ``label`` (e.g. ``"tau=0.5"``,
        ``"offsets x1"``, ``"gamma=2"``),
        ``point`` (a readable name: ``"unweighted + tau=0.5"``, ``"retrained alpha=0.5"``,
        ``"logit-adjusted loss tau=1"``, ``"focal gamma=2"``, ``"majority"``), ``tau`` and
        ``alpha`` (NaN where
        they do not apply), ``accuracy``, ``macro_f1``, and three flags: ``best_accuracy``
        and ``best_macro_f1`` (exactly one row each: the highest value, ties to the first
        row) and ``pareto`` (no other point is at least as good on both metrics and better
        on one).

    Raises
    ------
    ValueError
        If there is no point at all, a table lacks a needed column or holds NaN, or a
        baseline is not a pair of finite numbers.
    """
    tau_curves, alpha_points, la_points, baselines, remedy_points, offset_curves = _parts(
        inputs, tau_curves, alpha_points, la_points, baselines, remedy_points, offset_curves
    )
    if not isinstance(tau_curves, Mapping):
        raise ValueError(
            "tau_curves must be a mapping of curve name to tau_sweep table, e.g. "
            "{'unweighted': tau_sweep(...)}; pass {} for none."
        )
    rows = []
    for name, curve in tau_curves.items():
        curve = _check_frame(curve, f"tau_curves[{name!r}]", "tau")
        for tau, acc, f1 in curve[["tau", "accuracy", "macro_f1"]].itertuples(index=False):
            label = _label("tau", tau)
            rows.append(("tau", str(name), label, f"{name} + {label}", tau, np.nan, acc, f1))
    for name, curve in (offset_curves or {}).items():
        curve = _check_frame(curve, f"offset_curves[{name!r}]", "strength")
        for s, acc, f1 in curve[["strength", "accuracy", "macro_f1"]].itertuples(index=False):
            label = f"offsets x{s:g}"
            rows.append(("offsets", str(name), label, f"{name} + {label}", np.nan, np.nan, acc, f1))
    if alpha_points is not None:
        points = _check_frame(alpha_points, "alpha_points", "alpha")
        for alpha, acc, f1 in points[["alpha", "accuracy", "macro_f1"]].itertuples(index=False):
            label = _label("alpha", alpha)
            rows.append(
                ("alpha", "alpha sweep", label, f"retrained {label}", np.nan, alpha, acc, f1)
            )
    if la_points is not None:
        points = _check_frame(la_points, "la_points", "tau")
        for tau, acc, f1 in points[["tau", "accuracy", "macro_f1"]].itertuples(index=False):
            label = _label("tau", tau)
            point = f"logit-adjusted loss {label}"
            rows.append(("la-loss", "logit-adjusted loss", label, point, tau, np.nan, acc, f1))
    if remedy_points is not None:
        points = _check_frame(remedy_points, "remedy_points", None)
        missing = {"remedy", "knob", "value", "run"} - set(points.columns)
        if missing:
            raise ValueError(
                f"remedy_points lacks the column(s) {sorted(missing)}; it needs remedy, knob, "
                "value, run, accuracy and macro_f1 (frontier_inputs(...) makes it)."
            )
        points = points.sort_values(["remedy", "value"], kind="stable")
        for row in points.itertuples(index=False):
            label = _label(row.knob, row.value)
            rows.append(
                ("remedy", row.remedy, label, row.run, np.nan, np.nan, row.accuracy, row.macro_f1)
            )
    for name, pair in (baselines or {}).items():
        try:
            acc, f1 = (float(v) for v in pair)
        except (TypeError, ValueError):
            raise ValueError(
                f"baselines[{name!r}] must be a pair (accuracy, macro_f1); got {pair!r}."
            ) from None
        if not (np.isfinite(acc) and np.isfinite(f1)):
            raise ValueError(f"baselines[{name!r}] must be finite; got {pair!r}.")
        rows.append(("baseline", str(name), str(name), str(name), np.nan, np.nan, acc, f1))
    if not rows:
        raise ValueError(
            "Nothing to put on the frontier: give at least one tau curve, alpha_points, "
            "la_points, remedy_points or baselines."
        )
    table = pd.DataFrame(rows, columns=_COLUMNS[:8])
    for col in ("tau", "alpha", "accuracy", "macro_f1"):
        table[col] = table[col].astype(np.float64)
    acc = table["accuracy"].to_numpy()
    f1 = table["macro_f1"].to_numpy()
    table["best_accuracy"] = np.arange(len(table)) == int(np.argmax(acc))
    table["best_macro_f1"] = np.arange(len(table)) == int(np.argmax(f1))
    at_least = (acc[None, :] >= acc[:, None]) & (f1[None, :] >= f1[:, None])
    better = (acc[None, :] > acc[:, None]) | (f1[None, :] > f1[:, None])
    table["pareto"] = ~np.any(at_least & better, axis=1)
    return table


def curve_gap(points: pd.DataFrame, curve: pd.DataFrame) -> pd.DataFrame:
    """How each retrained point compares with a post-hoc tau curve at the same accuracy.

    For a point with accuracy ``a``, the curve's reference is the best macro F1 among the
    curve's points with accuracy ``>= a`` (a point of the curve that is at least as accurate).

    Parameters
    ----------
    points : DataFrame
        Columns ``accuracy`` and ``macro_f1`` (e.g. :meth:`AlphaSweep.table()
        <weightlab.sweep.AlphaSweep.table>`); other columns are kept.
    curve : DataFrame
        Columns ``accuracy`` and ``macro_f1`` (a :func:`weightlab.adjust.tau_sweep` table).

    Returns
    -------
    pandas.DataFrame
        ``points`` with three more columns: ``curve_macro_f1`` (the reference; NaN when no
        curve point is that accurate), ``macro_f1_gap`` (point minus reference: positive
        means retraining reached a macro F1 that adjustment does not at that accuracy) and
        ``dominated`` (True when the curve has a point at least as good on both metrics).

    Raises
    ------
    ValueError
        If a table lacks ``accuracy`` / ``macro_f1`` or holds NaN.
    """
    points = _check_frame(points, "points", None)
    curve = _check_frame(curve, "curve", None)
    c_acc = curve["accuracy"].to_numpy(dtype=np.float64)
    c_f1 = curve["macro_f1"].to_numpy(dtype=np.float64)
    reference = []
    for a in points["accuracy"].to_numpy(dtype=np.float64):
        ok = c_acc >= a
        reference.append(float(c_f1[ok].max()) if ok.any() else np.nan)
    out = points.copy()
    out["curve_macro_f1"] = np.array(reference, dtype=np.float64)
    out["macro_f1_gap"] = out["macro_f1"].to_numpy(dtype=np.float64) - out["curve_macro_f1"]
    out["dominated"] = (out["macro_f1_gap"] <= 0).to_numpy()
    return out


def marker_label(row) -> str:
    """Legend entry of a slider's point in :func:`plot_frontier` (a ``frontier_table`` row)."""
    return f"{row['point']}: {row['accuracy']:.1%}, macro F1 {row['macro_f1']:.3f}"


def _point_label(ax, text: str, row, **style):
    """``text`` beside the point ``(row.accuracy, row.macro_f1)``; ``place_labels`` moves it."""
    xy = (row["accuracy"], row["macro_f1"])
    return ax.annotate(text, xy, xytext=(5, 3), textcoords="offset points", **style)


def _nearest(frame: pd.DataFrame, key: str, value: float) -> pd.Series:
    return frame.iloc[int(np.argmin(np.abs(frame[key].to_numpy(dtype=np.float64) - value)))]


#: Marker and colour of each remedy's points, and its name in the legend.
_REMEDY_STYLE = {
    "resample": ("o", "tab:green"),
    "focal": ("D", "tab:red"),
    "drw": ("v", "tab:purple"),
}
_REMEDY_NAMES = {
    "resample": "re-sampling (q)",
    "focal": "focal loss (gamma)",
    "drw": "deferred re-weighting (alpha)",
}


def plot_frontier(
    inputs: FrontierInputs | None = None,
    *,
    tau_curves: Mapping[str, pd.DataFrame] | None = None,
    alpha_points: pd.DataFrame | None = None,
    la_points: pd.DataFrame | None = None,
    baselines: Mapping[str, tuple[float, float]] | None = None,
    remedy_points: pd.DataFrame | None = None,
    offset_curves: Mapping[str, pd.DataFrame] | None = None,
    tau: float | None = None,
    alpha: float | None = None,
    mark: tuple[float, float, str] | None = None,
    ax=None,
) -> Axes:
    """Accuracy (x) against macro F1 (y) for every way of trading one for the other.

    Tau curves are lines (``tau=0`` at their most accurate end, ``tau=1`` and ``2`` labelled),
    class-weighted retrained models are squares coloured by ``alpha``, logit-adjusted-loss
    models are triangles, every other remedy a marker of its own joined in knob order,
    baselines are crosses. The most accurate point gets a black ring and the
    point with the highest macro F1 a black star outline. Up and right is better on both.

    Parameters
    ----------
    inputs, tau_curves, alpha_points, la_points, baselines, remedy_points, offset_curves
        See :func:`frontier_table`.
    tau : float, optional
        Mark the point of the **first** tau curve nearest to this tau (for a slider).
    alpha : float, optional
        Mark the alpha point nearest to this alpha (for a slider).
    mark : (float, float, str), optional
        Mark one more point, ``(accuracy, macro_f1, label)``, with a red star (a chosen
        operating point, :mod:`weightlab.decision`).
    ax : matplotlib.axes.Axes, optional

    Returns
    -------
    matplotlib.axes.Axes
    """
    import matplotlib.pyplot as plt
    from matplotlib.ticker import PercentFormatter

    from weightlab.plots import place_labels

    parts = _parts(
        inputs, tau_curves, alpha_points, la_points, baselines, remedy_points, offset_curves
    )
    table = frontier_table(**dict(zip(_INPUT_FIELDS, parts, strict=True)))
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 4.8))
    curves = table[table["kind"] == "tau"]
    labels, tau_labels = [], []  # placed at the end, baselines and alphas first
    for i, (name, curve) in enumerate(curves.groupby("series", sort=False)):
        color = f"C{i}"
        ax.plot(
            curve["accuracy"],
            curve["macro_f1"],
            color=color,
            marker=".",
            markersize=4,
            linewidth=1.4,
            label=f"{name}: post-hoc tau curve (tau=0 at its right end)",
            zorder=2,
        )
        for t in (1.0, 2.0):
            hit = curve[np.isclose(curve["tau"], t)]
            if len(hit):
                point = hit.iloc[0]
                tau_labels.append(_point_label(ax, f"tau={t:g}", point, fontsize=7, color=color))
    colors = {name: f"C{i}" for i, name in enumerate(curves["series"].unique())}
    for name, curve in table[table["kind"] == "offsets"].groupby("series", sort=False):
        ax.plot(
            curve["accuracy"],
            curve["macro_f1"],
            color=colors.get(name, "C9"),
            linestyle="--",
            marker="x",
            markersize=3,
            linewidth=1.2,
            label=f"{name}: per-class offsets fitted on validation (x0 to x1.5)",
            zorder=2,
        )
    alphas = table[table["kind"] == "alpha"]
    if len(alphas):
        pts = ax.scatter(
            alphas["accuracy"],
            alphas["macro_f1"],
            c=alphas["alpha"],
            cmap="viridis",
            vmin=0,
            vmax=max(1.0, float(alphas["alpha"].max())),
            marker="s",
            s=30,
            edgecolors="black",
            linewidths=0.4,
            label="retrained with class weights (alpha)",
            zorder=3,
        )
        ax.figure.colorbar(pts, ax=ax, pad=0.02).set_label("class-weight exponent alpha")
        for _, row in alphas.iterrows():
            if np.isclose(row["alpha"] * 2, round(row["alpha"] * 2)):
                labels.append(_point_label(ax, row["label"], row, fontsize=7))
    la = table[table["kind"] == "la-loss"]
    if len(la):
        ax.scatter(
            la["accuracy"],
            la["macro_f1"],
            marker="^",
            s=40,
            color="darkorange",
            edgecolors="black",
            linewidths=0.4,
            label="retrained with logit-adjusted loss",
            zorder=3,
        )
    remedies = table[table["kind"] == "remedy"]
    for i, (name, points) in enumerate(remedies.groupby("series", sort=False)):
        style = _REMEDY_STYLE.get(name, ("P", f"C{5 + i}"))
        ax.plot(
            points["accuracy"],
            points["macro_f1"],
            marker=style[0],
            markersize=6,
            color=style[1],
            markeredgecolor="black",
            markeredgewidth=0.4,
            linewidth=0.8,
            linestyle=":",
            label=f"retrained with {_REMEDY_NAMES.get(name, name)}",
            zorder=3,
        )
        for _, row in points.iterrows():
            labels.append(_point_label(ax, row["point"], row, fontsize=6, color=style[1]))
    base = table[table["kind"] == "baseline"]
    for _, row in base.iterrows():
        ax.scatter(
            [row["accuracy"]], [row["macro_f1"]], marker="X", s=60, color="dimgrey", zorder=3
        )
        labels.insert(0, _point_label(ax, row["series"], row, fontsize=8, color="dimgrey"))
    best_acc = table[table["best_accuracy"]].iloc[0]
    best_f1 = table[table["best_macro_f1"]].iloc[0]
    ax.scatter(
        [best_acc["accuracy"]],
        [best_acc["macro_f1"]],
        s=220,
        facecolors="none",
        edgecolors="black",
        linewidths=1.5,
        label=f"best accuracy: {best_acc['point']}",
        zorder=4,
    )
    ax.scatter(
        [best_f1["accuracy"]],
        [best_f1["macro_f1"]],
        s=260,
        marker="*",
        facecolors="none",
        edgecolors="black",
        linewidths=1.2,
        label=f"best macro F1: {best_f1['point']}",
        zorder=4,
    )
    if tau is not None and len(curves):
        first = curves[curves["series"] == curves["series"].iloc[0]]
        row = _nearest(first, "tau", float(tau))
        ax.scatter(
            [row["accuracy"]],
            [row["macro_f1"]],
            s=120,
            color="red",
            zorder=5,
            label=marker_label(row),
            gid="tau-marker",
        )
    if alpha is not None and len(alphas):
        row = _nearest(alphas, "alpha", float(alpha))
        ax.scatter(
            [row["accuracy"]],
            [row["macro_f1"]],
            s=120,
            marker="s",
            color="magenta",
            zorder=5,
            label=marker_label(row),
            gid="alpha-marker",
        )
    if mark is not None:
        ax.scatter(
            [mark[0]],
            [mark[1]],
            s=260,
            marker="*",
            color="red",
            edgecolors="black",
            linewidths=0.6,
            zorder=6,
            label=str(mark[2]),
            gid="mark",
        )
    ax.xaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set_xlabel("accuracy (routing: most complaints right)")
    ax.set_ylabel("macro F1 (audit: every category counts)")
    ax.set_title("Accuracy vs macro F1: post-hoc adjustment vs retraining", fontsize=10)
    # Why below the axes: inside, it hides points and labels wherever it goes.
    ax.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.13), ncols=2, markerscale=0.6)
    ax.margins(x=0.08, y=0.08)
    place_labels(ax, labels + tau_labels)
    return ax
