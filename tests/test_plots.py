import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.axes import Axes

from weightlab.metrics import score
from weightlab.plots import plot_class_sizes, plot_f1_histograms, plot_f1_vs_train_count
from weightlab.synthetic import make_complaints

matplotlib.use("Agg")  # before any figure exists; pyplot picks its backend lazily

NAMES = [f"class {i}" for i in range(6)]
TRAIN_COUNTS = [400, 120, 40, 15, 5, 2]


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def runs():
    y_true = [0, 0, 0, 1, 1, 2, 2, 3, 4, 5]
    # unweighted: predicts only the two largest classes -> 4 classes at F1 = 0
    unweighted = score(
        y_true, [0, 0, 0, 1, 0, 0, 1, 0, 0, 0], class_names=NAMES, train_counts=TRAIN_COUNTS
    )
    # weighted: reaches the tail -> 1 class at F1 = 0
    weighted = score(
        y_true, [0, 0, 1, 1, 1, 2, 2, 3, 4, 0], class_names=NAMES, train_counts=TRAIN_COUNTS
    )
    assert unweighted.overall["zero_f1_classes"] == 4
    assert weighted.overall["zero_f1_classes"] == 1
    return {"unweighted": unweighted, "weighted": weighted}


def _zero_bar(ax):
    """The F1 = 0 bar: the only bar left of x = 0."""
    bars = [p for p in ax.patches if p.get_x() + p.get_width() <= 1e-9]
    assert len(bars) == 1
    return bars[0]


# --------------------------------------------------------------------------------------------
# plot_f1_histograms
# --------------------------------------------------------------------------------------------


def test_f1_histograms_returns_one_axes_per_run(runs):
    axes = plot_f1_histograms(runs)
    assert len(axes) == 2 and all(isinstance(ax, Axes) for ax in axes)
    assert axes[0].get_title().startswith("unweighted")
    assert axes[1].get_title().startswith("weighted")
    assert all(ax.get_xlabel() == "per-class F1" for ax in axes)
    assert axes[0].get_ylabel() == "number of classes"


def test_f1_histogram_zero_bar_counts_zero_f1_classes(runs):
    axes = plot_f1_histograms(runs, bins=10)
    for ax, scores in zip(axes, runs.values(), strict=True):
        n_zero = scores.overall["zero_f1_classes"]
        assert _zero_bar(ax).get_height() == n_zero
        assert f"{n_zero} {'class' if n_zero == 1 else 'classes'} at F1 = 0" in ax.get_title()
        # The other bars hold every class with F1 > 0, once.
        rest = sum(p.get_height() for p in ax.patches if p.get_x() > -1e-9)
        assert rest == len(scores.by_class) - n_zero


def test_f1_histograms_share_bins_and_limits(runs):
    axes = plot_f1_histograms(runs, bins=5)
    lefts = [sorted(p.get_x() for p in ax.patches if p.get_x() > -1e-9) for ax in axes]
    assert lefts[0] == pytest.approx(lefts[1])
    assert len(lefts[0]) == 5
    assert axes[0].get_ylim() == axes[1].get_ylim()
    assert axes[0].get_ylim()[1] >= 4  # the tallest bar (4 zero-F1 classes) fits


def test_f1_histograms_on_given_axes(runs):
    fig, given = plt.subplots(1, 2)
    axes = plot_f1_histograms(runs, ax=given)
    assert list(axes) == list(given)
    assert all(ax.figure is fig for ax in axes)


def test_the_old_axes_keyword_still_works_with_a_deprecation_warning(runs):
    _, given = plt.subplots(1, 2)
    with pytest.warns(DeprecationWarning, match=r"plot_f1_histograms\(axes=...\) is deprecated"):
        assert list(plot_f1_histograms(runs, axes=given)) == list(given)
    with pytest.raises(ValueError, match="give ax= only"):
        plot_f1_histograms(runs, ax=given, axes=given)


def test_f1_histograms_axes_count_must_match(runs):
    _, ax = plt.subplots()
    with pytest.raises(ValueError, match="Got 1 axes for 2 runs; pass one Axes per run"):
        plot_f1_histograms(runs, ax=[ax])


def test_f1_histograms_need_runs():
    with pytest.raises(ValueError, match="runs is empty"):
        plot_f1_histograms({})


def test_f1_histogram_all_zero():
    s = score([0, 1, 2], [1, 2, 0], class_names=["a", "b", "c"])
    (ax,) = plot_f1_histograms({"all wrong": s})
    assert _zero_bar(ax).get_height() == 3


# --------------------------------------------------------------------------------------------
# plot_f1_vs_train_count
# --------------------------------------------------------------------------------------------


def test_f1_vs_train_count(runs):
    ax = plot_f1_vs_train_count(runs)
    assert isinstance(ax, Axes)
    assert ax.get_title() and ax.get_xlabel() and ax.get_ylabel()
    assert ax.get_xscale() == "log"
    assert len(ax.collections) == 2  # one scatter per run
    offsets = ax.collections[0].get_offsets()
    np.testing.assert_allclose(offsets[:, 0], TRAIN_COUNTS)
    np.testing.assert_allclose(offsets[:, 1], runs["unweighted"].by_class["f1"])
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["unweighted", "weighted"]


def test_f1_vs_train_count_on_given_axes(runs):
    _, given = plt.subplots()
    assert plot_f1_vs_train_count(runs, ax=given) is given


def test_f1_vs_train_count_needs_runs():
    with pytest.raises(ValueError, match="runs is empty"):
        plot_f1_vs_train_count({})


# --------------------------------------------------------------------------------------------
# plot_class_sizes
# --------------------------------------------------------------------------------------------


def test_class_sizes_plot():
    ds = make_complaints(1000, 20, seed=0)
    ax = plot_class_sizes(ds, threshold=20)
    assert isinstance(ax, Axes)
    assert ax.get_xlabel() == "class rank (1 = largest)"
    assert ax.get_ylabel() == "training examples"
    assert ax.get_title().startswith("synthetic: 20 classes, largest 23% of training")
    assert ax.get_xscale() == "log" and ax.get_yscale() == "log"
    y = ax.lines[0].get_ydata()
    np.testing.assert_array_equal(y, np.sort(ds.train_counts)[::-1])
    n_under = int((ds.train_counts < 20).sum())
    assert any(t.get_text() == f"{n_under} of 20 classes under 20" for t in ax.texts)


def test_class_sizes_plot_on_given_axes():
    ds = make_complaints(400, 8, seed=0)
    _, given = plt.subplots()
    assert plot_class_sizes(ds, ax=given) is given
