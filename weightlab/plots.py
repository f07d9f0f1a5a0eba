"""Plots of class sizes and per-class scores.

Every function takes its data positionally, draws on ``ax`` (or ``axes``) when given, and
returns what it drew on; matplotlib is imported only when a plot is made.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np

from weightlab import _validate
from weightlab.data import TextDataset
from weightlab.metrics import Scores

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = [
    "plot_class_sizes",
    "plot_f1_histograms",
    "plot_f1_vs_train_count",
    "plot_tradeoff",
    "plot_tradeoffs",
    "plot_alpha_view",
]


def _axes(ax, **fig_kw):
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(**fig_kw)
    return ax


def plot_class_sizes(dataset: TextDataset, *, ax=None, threshold: int = 20) -> Axes:
    """Training examples per class by rank, on log axes, with the ``threshold`` line.

    Returns
    -------
    matplotlib.axes.Axes
    """
    ax = _axes(ax, figsize=(6, 3.5))
    counts = np.sort(dataset.train_counts)[::-1]
    ranks = np.arange(1, len(counts) + 1)
    ax.loglog(ranks, np.maximum(counts, 0.8), marker=".", linestyle="-", color="C0")
    ax.axhline(threshold, color="grey", linestyle="--", linewidth=1)
    n_under = int((counts < threshold).sum())
    ax.text(
        1,
        threshold * 1.1,
        f"{n_under} of {len(counts)} classes under {threshold}",
        fontsize=8,
        color="grey",
    )
    ax.set_xlabel("class rank (1 = largest)")
    ax.set_ylabel("training examples")
    share = counts[0] / counts.sum()
    ax.set_title(f"{dataset.name}: {len(counts)} classes, largest {share:.0%} of training")
    return ax


def plot_f1_histograms(
    runs: Mapping[str, Scores], *, bins: int = 20, ax=None, axes=None
) -> np.ndarray:
    """Per-class F1 histograms, one panel per run, with the same bins and axes.

    This is the article's figure: the bar at F1 = 0 counts the classes the model never
    gets right, and weighting is expected to move mass out of it.

    Parameters
    ----------
    runs : mapping of str to Scores
        Panel title -> scores, e.g. ``{"unweighted": s0, "weighted": s1}``.
    bins : int
        Number of equal-width bins on [0, 1].
    ax : sequence of Axes, optional
        One per run; a new figure otherwise. (``axes=`` is its deprecated name.)

    Returns
    -------
    numpy.ndarray of matplotlib.axes.Axes
    """
    import matplotlib.pyplot as plt

    axes = _validate.renamed(ax, axes, old_name="axes", new_name="ax", func="plot_f1_histograms")
    if not runs:
        raise ValueError("runs is empty; pass e.g. {'unweighted': scores0, 'weighted': scores1}.")
    if axes is None:
        _, axes = plt.subplots(
            1, len(runs), figsize=(4.2 * len(runs), 3.4), sharex=True, sharey=True, squeeze=False
        )
    axes = np.asarray(axes).ravel()
    if len(axes) != len(runs):
        raise ValueError(f"Got {len(axes)} axes for {len(runs)} runs; pass one Axes per run.")
    edges = np.linspace(0, 1, bins + 1)
    width = edges[1]
    top = 0
    for ax, (title, scores), color in zip(
        axes, runs.items(), [f"C{i}" for i in range(len(runs))], strict=True
    ):
        n_zero, heights = f1_bar_heights(scores, edges)
        # Exactly-zero F1 gets its own bar left of 0, so the spike is not mixed with 0 < F1 < 0.05.
        ax.bar(-width / 2, n_zero, width=width, color="crimson", edgecolor="white")
        ax.bar(edges[:-1], heights, width=width, align="edge", color=color, edgecolor="white")
        top = max(top, n_zero, heights.max(initial=0))
        ax.set_title(f1_histogram_title(title, scores), fontsize=10)
        ax.set_xlabel("per-class F1")
        ax.legend(ax.patches[:2], f1_legend_labels(n_zero, heights), fontsize=8, loc="upper right")
    for ax in axes:
        ax.set_xlim(-width, 1)
        ax.set_ylim(0, top * 1.1)
    axes[0].set_ylabel("number of classes")
    return axes


def f1_bar_heights(scores: Scores, edges: np.ndarray) -> tuple[int, np.ndarray]:
    """Classes at F1 = 0, and the histogram of the F1 > 0 classes over ``edges``."""
    f1 = scores.by_class["f1"].to_numpy()
    heights, _ = np.histogram(f1[f1 > 0], bins=edges)
    return int((f1 == 0).sum()), heights


def f1_histogram_title(title: str, scores: Scores) -> str:
    """The panel title of :func:`plot_f1_histograms`: the run, its macro F1 and zero-F1 count."""
    n_zero = int((scores.by_class["f1"].to_numpy() == 0).sum())
    classes = "class" if n_zero == 1 else "classes"
    return f"{title}\nmacro F1 {scores.overall['macro_f1']:.3f}, {n_zero} {classes} at F1 = 0"


def f1_legend_labels(n_zero: int, heights: np.ndarray) -> list[str]:
    """Legend entries of a panel of :func:`plot_f1_histograms`."""
    return [f"F1 = 0 ({n_zero})", f"F1 > 0 ({int(heights.sum())})"]


def plot_f1_vs_train_count(runs: Mapping[str, Scores], *, ax=None) -> Axes:
    """Per-class F1 against training count (log x), one colour per run.

    Returns
    -------
    matplotlib.axes.Axes
    """
    if not runs:
        raise ValueError("runs is empty; pass e.g. {'unweighted': scores0, 'weighted': scores1}.")
    ax = _axes(ax, figsize=(6, 3.8))
    markers = ["o", "s", "^", "D", "v"]
    for i, (title, scores) in enumerate(runs.items()):
        bc = scores.by_class
        ax.scatter(
            np.maximum(bc["train_count"], 0.8),
            bc["f1"],
            s=14,
            alpha=0.7,
            marker=markers[i % len(markers)],
            label=title,
        )
    ax.set_xscale("log")
    ax.set_ylim(-0.03, 1.03)
    ax.set_xlabel("training examples of the class (log scale)")
    ax.set_ylabel("per-class F1 on test")
    ax.set_title("Per-class F1 against class size")
    ax.legend(fontsize=8)
    return ax


def plot_tradeoff(sweep, *, highlight: float | None = None, ax=None) -> Axes:
    """Accuracy (x) against macro F1 (y) at every ``alpha`` of a sweep, joined in order.

    Each point is one trained model; the line runs from ``alpha = 0`` (unweighted) to the
    largest ``alpha``. The points at ``alpha`` = 0, 0.5, 1, 0.25 and 0.75 are labelled (unless
    too close to another label), and ``highlight`` (an ``alpha`` on the grid) is circled in
    red, with its values in a legend below the axes.
    Up and to the right is better on both metrics; a line that goes up and to the *left* is
    the trade-off: each gain in macro F1 costs accuracy.

    Parameters
    ----------
    sweep : weightlab.sweep.AlphaSweep
        Made by :func:`weightlab.sweep.alpha_sweep`.
    highlight : float, optional
        An ``alpha`` of the sweep's grid to mark (``ValueError`` if off the grid).
    ax : matplotlib.axes.Axes, optional

    Returns
    -------
    matplotlib.axes.Axes
    """
    from matplotlib.ticker import PercentFormatter

    ax = _axes(ax, figsize=(6, 4.2))
    t = sweep.table()
    alphas = t["alpha"].to_numpy()
    acc, f1 = t["accuracy"].to_numpy(), t["macro_f1"].to_numpy()
    ax.plot(acc, f1, color="grey", linewidth=1, zorder=1)
    points = ax.scatter(
        acc, f1, c=alphas, cmap="viridis", vmin=0, vmax=max(1.0, alphas.max()), s=28, zorder=2
    )
    cbar = ax.figure.colorbar(points, ax=ax, pad=0.02)
    cbar.set_label("weighting exponent alpha")
    labels = []
    for i in _label_points(alphas, acc, f1):
        a = alphas[i]
        name = {0.0: " (unweighted)", 0.5: " (sqrt-inverse)"}.get(round(float(a), 6), "")
        labels.append(
            ax.annotate(
                f"alpha={a:g}{name}",
                (acc[i], f1[i]),
                xytext=(5, 3),
                textcoords="offset points",
                fontsize=8,
            )
        )
    if highlight is not None:
        row = t[t["alpha"] == sweep.run(highlight).alpha].iloc[0]
        ax.scatter(
            [row["accuracy"]],
            [row["macro_f1"]],
            s=160,
            facecolors="none",
            edgecolors="red",
            linewidths=2,
            zorder=3,
            label=tradeoff_label(row),
            gid="highlight",
        )
        # Below the axes, so it never hides a point or a label.
        ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.2), frameon=False)
    spread = acc.max() - acc.min()
    ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0 if spread > 0.05 else 1))
    ax.set_xlabel("accuracy on test (what routing most complaints right needs)")
    ax.set_ylabel("macro F1 on test (every category counts)")
    ax.set_title(
        f"Accuracy vs macro F1 for {len(alphas)} weightings\n"
        f"{sweep.engine} on {sweep.dataset.name} data, seed {sweep.seed}",
        fontsize=10,
    )
    ax.margins(x=0.12, y=0.08)
    place_labels(ax, labels)
    return ax


def plot_tradeoffs(sweeps: Mapping[str, object], *, ax=None) -> Axes:
    """Several alpha sweeps on one accuracy / macro-F1 plane, one line per representation.

    For comparing engines on the same data (TF-IDF against a pretrained encoder): each
    sweep's points are joined from ``alpha = 0`` (a filled square, unweighted) to its
    largest ``alpha`` (an open circle), and ``alpha = 0.5`` is marked with a diamond.

    Parameters
    ----------
    sweeps : mapping of str to AlphaSweep
        Label -> sweep (:func:`weightlab.sweep.alpha_sweep`), all on the same data.
    ax : matplotlib.axes.Axes, optional

    Returns
    -------
    matplotlib.axes.Axes
    """
    from matplotlib.ticker import PercentFormatter

    if not sweeps:
        raise ValueError("sweeps is empty; pass {label: alpha_sweep(...)} for each engine.")
    names = {sweep.dataset.name for sweep in sweeps.values()}
    if len(names) > 1:
        raise ValueError(
            f"The sweeps are on different data sets ({', '.join(sorted(names))}); compare "
            "engines on the same data."
        )
    ax = _axes(ax, figsize=(6.4, 4.2))
    for i, (label, sweep) in enumerate(sweeps.items()):
        color = f"C{i % 10}"  # matplotlib's colour cycle: every sweep is drawn
        t = sweep.table()
        acc, f1, alphas = t["accuracy"].to_numpy(), t["macro_f1"].to_numpy(), t["alpha"].to_numpy()
        ax.plot(acc, f1, color=color, marker="o", markersize=3, linewidth=1.2, label=label)
        ax.scatter(acc[:1], f1[:1], color=color, marker="s", s=50, zorder=3)
        ax.scatter(acc[-1:], f1[-1:], facecolors="none", edgecolors=color, s=60, zorder=3)
        half = np.flatnonzero(np.isclose(alphas, 0.5))
        ax.scatter(acc[half], f1[half], color=color, marker="D", s=45, zorder=3)
    ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=1))
    ax.set_xlabel("accuracy on test")
    ax.set_ylabel("macro F1 on test")
    ax.set_title(
        f"The alpha sweep of each engine, {next(iter(names))} data\n"
        "square: unweighted, diamond: alpha=0.5, open circle: largest alpha",
        fontsize=10,
    )
    ax.legend(fontsize=8, loc="best")
    ax.margins(x=0.1, y=0.1)
    return ax


def tradeoff_label(row) -> str:
    """Legend entry of the highlighted point of :func:`plot_tradeoff` (a ``table()`` row)."""
    return f"alpha={row['alpha']:g}: accuracy {row['accuracy']:.1%}, macro F1 {row['macro_f1']:.3f}"


def alpha_view_titles(baseline_alpha: float, alpha: float) -> tuple[str, str]:
    """Names of the two histograms of :func:`plot_alpha_view` (never "class-weighted" at 0)."""
    left = f"{'unweighted' if baseline_alpha == 0 else 'baseline'} (alpha={baseline_alpha:g})"
    right = "unweighted (alpha=0)" if alpha == 0 else f"class-weighted, alpha={alpha:g}"
    if right == left:  # the slider at the baseline: one run in both panels
        right = f"alpha={alpha:g}: the baseline again"
    return left, right


#: Where :func:`place_labels` tries a point's label, in points from the point, in order.
_SPOTS = (
    (5, 3, "left", "bottom"),
    (5, -3, "left", "top"),
    (-5, 3, "right", "bottom"),
    (-5, -3, "right", "top"),
)


def place_labels(ax, labels) -> None:
    """Put each point label where it overlaps no earlier label and stays inside the axes.

    ``labels`` are annotations in offset points, most important first. Each goes to the first
    free spot of :data:`_SPOTS` (right-above, right-below, left-above, left-below its point),
    measured after the figure's layout; a label with no free spot is hidden (the colour bar
    still names every point). Why by hand: matplotlib does not place labels, and this is a
    few lines rather than another dependency.
    """
    labels = list(labels)
    if not labels:
        return
    ax.figure.draw_without_rendering()  # the layout, so that pixel boxes are final
    inside = ax.get_window_extent()
    placed = []
    for label in labels:
        label.set_in_layout(False)  # moving it must not move the axes
        for dx, dy, ha, va in _SPOTS:
            label.xyann = (dx, dy)
            label.set_horizontalalignment(ha)
            label.set_verticalalignment(va)
            box = label.get_window_extent()
            fits = (
                box.x0 >= inside.x0
                and box.x1 <= inside.x1
                and box.y0 >= inside.y0
                and box.y1 <= inside.y1
            )
            if fits and not any(box.overlaps(other) for other in placed):
                placed.append(box)
                break
        else:
            label.set_visible(False)


def _label_points(alphas: np.ndarray, x: np.ndarray, y: np.ndarray) -> list[int]:
    """Indices of the points to label: all of a small grid, else 0, 0.5, 1, 0.25, 0.75 ...

    ... skipping a point that lies too close (in axes-relative units) to one already labelled.
    """
    if len(alphas) <= 6:
        return list(range(len(alphas)))
    wanted = [0.0, 0.5, 1.0, 0.25, 0.75]
    candidates = [int(np.argmin(np.abs(alphas - a))) for a in wanted if np.isclose(alphas, a).any()]
    scale = np.array([np.ptp(x) or 1.0, np.ptp(y) or 1.0])
    chosen: list[int] = []
    for i in dict.fromkeys(candidates):
        p = np.array([x[i], y[i]]) / scale
        if all(np.hypot(*(p - np.array([x[j], y[j]]) / scale)) > 0.12 for j in chosen):
            chosen.append(i)
    return chosen


def plot_alpha_view(
    sweep, alpha: float, *, baseline_alpha: float = 0.0, ax=None, axes=None
) -> np.ndarray:
    """What the alpha slider shows, as a static figure: two histograms and the trade-off.

    Left to right: the per-class F1 histogram at ``baseline_alpha`` (unweighted by default),
    the histogram at ``alpha`` (same bins and y axis), and :func:`plot_tradeoff` with
    ``alpha`` highlighted. :func:`weightlab.widgets.alpha_explorer` redraws exactly this
    figure when the slider moves.

    Parameters
    ----------
    sweep : weightlab.sweep.AlphaSweep
        Made by :func:`weightlab.sweep.alpha_sweep`.
    alpha, baseline_alpha : float
        Exponents on the sweep's grid (``ValueError`` otherwise).
    ax : sequence of three Axes, optional
        A new figure otherwise. (``axes=`` is its deprecated name.)

    Returns
    -------
    numpy.ndarray of matplotlib.axes.Axes
        The three axes.
    """
    import matplotlib.pyplot as plt

    axes = _validate.renamed(ax, axes, old_name="axes", new_name="ax", func="plot_alpha_view")
    if axes is None:
        _, axes = plt.subplots(1, 3, figsize=(14, 3.9), gridspec_kw={"width_ratios": [1, 1, 1.35]})
    axes = np.asarray(axes).ravel()
    if len(axes) != 3:
        raise ValueError(f"plot_alpha_view draws on three axes; got {len(axes)}.")
    base, run = sweep.run(baseline_alpha), sweep.run(alpha)
    left, right = alpha_view_titles(base.alpha, run.alpha)
    plot_f1_histograms({left: base.scores, right: run.scores}, ax=axes[:2])
    plot_tradeoff(sweep, highlight=run.alpha, ax=axes[2])
    return axes
