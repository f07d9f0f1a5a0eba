"""Plots of class sizes and per-class scores.

Every function takes its data positionally, draws on ``ax`` (or ``axes``) when given, and
returns what it drew on; matplotlib is imported only when a plot is made.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from weightlab.data import TextDataset
from weightlab.metrics import Scores

__all__ = ["plot_class_sizes", "plot_f1_histograms", "plot_f1_vs_train_count"]


def _axes(ax, **fig_kw):
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(**fig_kw)
    return ax


def plot_class_sizes(dataset: TextDataset, *, ax=None, threshold: int = 20):
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


def plot_f1_histograms(runs: Mapping[str, Scores], *, bins: int = 20, axes=None):
    """Per-class F1 histograms, one panel per run, with the same bins and axes.

    This is the article's figure: the bar at F1 = 0 counts the classes the model never
    gets right, and weighting is expected to move mass out of it.

    Parameters
    ----------
    runs : mapping of str to Scores
        Panel title -> scores, e.g. ``{"unweighted": s0, "weighted": s1}``.
    bins : int
        Number of equal-width bins on [0, 1].
    axes : sequence of Axes, optional
        One per run.

    Returns
    -------
    numpy.ndarray of matplotlib.axes.Axes
    """
    import matplotlib.pyplot as plt

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
        f1 = scores.by_class["f1"].to_numpy()
        n_zero = int((f1 == 0).sum())
        # Exactly-zero F1 gets its own bar left of 0, so the spike is not mixed with 0 < F1 < 0.05.
        ax.bar(
            -width / 2,
            n_zero,
            width=width,
            color="crimson",
            edgecolor="white",
            label=f"F1 = 0 ({n_zero})",
        )
        heights, _, _ = ax.hist(
            f1[f1 > 0],
            bins=edges,
            color=color,
            edgecolor="white",
            label=f"F1 > 0 ({int((f1 > 0).sum())})",
        )
        top = max(top, n_zero, heights.max() if len(heights) else 0)
        ax.set_title(
            f"{title}\nmacro F1 {scores.overall['macro_f1']:.3f}, {n_zero} classes at F1 = 0",
            fontsize=10,
        )
        ax.set_xlabel("per-class F1")
        ax.legend(fontsize=8, loc="upper right")
    for ax in axes:
        ax.set_xlim(-width, 1)
        ax.set_ylim(0, top * 1.1)
    axes[0].set_ylabel("number of classes")
    return axes


def plot_f1_vs_train_count(runs: Mapping[str, Scores], *, ax=None):
    """Per-class F1 against training count (log x), one colour per run.

    Returns
    -------
    matplotlib.axes.Axes
    """
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
