import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.colors import LogNorm  # noqa: E402

from weightlab.diagnostics import (  # noqa: E402
    absorption_table,
    band_table,
    coverage,
    f1_changes,
    losses_table,
    plot_confusion,
    plot_f1_delta,
)
from weightlab.metrics import score  # noqa: E402

# Hand-checkable example: five classes, head (big, other), medium (mid), tail (small, tiny).
#                idx: 0  1  2  3  4  5  6  7  8  9  10
NAMES = ["big", "other", "mid", "small", "tiny"]
TRAIN = np.array([200, 150, 50, 5, 3])
Y_TRUE = np.array([0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4])
BEFORE = np.array([0, 0, 0, 0, 1, 1, 2, 0, 0, 0, 0])
AFTER = np.array([0, 0, 3, 2, 1, 1, 2, 2, 3, 1, 0])
# before: big F1 8/12, other 1, mid 2/3, small 0, tiny 0
# after:  big F1 4/7, other 4/5, mid 4/5, small 1/2, tiny 0


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture
def before():
    return score(Y_TRUE, BEFORE, class_names=NAMES, train_counts=TRAIN)


@pytest.fixture
def after():
    return score(Y_TRUE, AFTER, class_names=NAMES, train_counts=TRAIN)


# ------------------------------------------------------------------------------- band_table


def test_band_table_hand_values(before, after):
    t = band_table({"before": before, "after": after})
    assert list(t.index) == ["head", "medium", "tail"]
    assert t.index.name == "band"
    assert t[("size", "train_count")].tolist() == ["> 100", "20-100", "< 20"]
    assert t[("size", "n_classes")].tolist() == [2, 1, 2]
    assert t[("size", "n_test")].tolist() == [6, 2, 3]
    np.testing.assert_allclose(t[("accuracy", "before")], [1.0, 0.5, 0.0])
    np.testing.assert_allclose(t[("accuracy", "after")], [4 / 6, 1.0, 1 / 3])
    np.testing.assert_allclose(t[("accuracy", "change")], [4 / 6 - 1, 0.5, 1 / 3])
    np.testing.assert_allclose(t[("mean_f1", "before")], [(8 / 12 + 1) / 2, 2 / 3, 0.0])
    np.testing.assert_allclose(t[("mean_f1", "after")], [(4 / 7 + 0.8) / 2, 0.8, 0.25])
    assert t[("zero_f1_classes", "before")].tolist() == [0, 0, 2]
    assert t[("zero_f1_classes", "after")].tolist() == [0, 0, 1]
    assert t[("zero_f1_classes", "change")].tolist() == [0, 0, -1]
    assert list(t["accuracy"].columns) == ["before", "after", "change"]


def test_band_table_one_run_has_no_change_and_three_runs_neither(before, after):
    one = band_table({"before": before})
    assert list(one["accuracy"].columns) == ["before"]
    three = band_table({"a": before, "b": after, "c": before})
    assert list(three["mean_f1"].columns) == ["a", "b", "c"]


def test_band_table_custom_bands_and_empty_band(before):
    t = band_table({"before": before}, bands=(4, 1000))
    assert t[("size", "n_classes")].tolist() == [0, 4, 1]
    assert np.isnan(t.loc["head", ("accuracy", "before")])
    assert np.isnan(t.loc["head", ("mean_f1", "before")])
    assert t.loc["tail", ("accuracy", "before")] == 0.0  # tiny (3 < 4)


def test_band_table_errors(before, after):
    with pytest.raises(ValueError, match="non-empty mapping"):
        band_table({})
    with pytest.raises(ValueError, match="non-empty mapping"):
        band_table([before])
    with pytest.raises(ValueError, match="must be a Scores"):
        band_table({"x": "not scores"})
    no_counts = score(Y_TRUE, BEFORE, class_names=NAMES)
    with pytest.raises(ValueError, match="no training counts"):
        band_table({"x": no_counts})
    other_test = score(Y_TRUE[:-1], BEFORE[:-1], class_names=NAMES, train_counts=TRAIN)
    with pytest.raises(ValueError, match="different test labels"):
        band_table({"a": before, "b": other_test})
    with pytest.raises(ValueError, match="bands must be a pair"):
        band_table({"a": before}, bands=(100, 20))


# --------------------------------------------------------------------------------- coverage


def test_coverage_hand_values(before, after):
    assert coverage(before).to_dict() == {
        "n_classes": 5,
        "n_classes_scored": 5,
        "n_classes_predicted": 3,
        "n_classes_correct": 3,
        "n_scored_never_predicted": 2,
        "n_predicted_never_correct": 0,
    }
    c = coverage(after)
    assert (c["n_classes_predicted"], c["n_classes_correct"]) == (4, 4)
    assert c["n_scored_never_predicted"] == 1


def test_coverage_counts_unscored_predicted_classes():
    # "d" is predicted but absent from the test split: predicted, never correct, not scored.
    s = score([0, 0, 1, 2], [0, 3, 0, 3], class_names=["a", "b", "c", "d"])
    c = coverage(s)
    assert c["n_classes_scored"] == 3
    assert c["n_classes_predicted"] == 2
    assert c["n_classes_correct"] == 1
    assert c["n_predicted_never_correct"] == 1
    assert c["n_classes_correct"] == s.overall["n_classes_correct"]


def test_coverage_rejects_non_scores():
    with pytest.raises(ValueError, match="needs a Scores"):
        coverage({"a": 1})


# ------------------------------------------------------------------------------- absorption


def test_absorption_table_hand_values(before, after):
    t = absorption_table(before)
    assert list(t.index) == ["small", "tiny"]  # larger test support first
    assert t["absorbed_by"].tolist() == ["big", "big"]
    assert t["absorbed_n"].tolist() == [2, 1]
    assert t["absorbed_share"].tolist() == [1.0, 1.0]
    assert t["absorber_train_count"].tolist() == [200, 200]
    assert t["band"].tolist() == ["tail", "tail"]
    assert t["n_predicted"].tolist() == [0, 0]
    assert t["n_targets"].tolist() == [1, 1]
    assert list(absorption_table(after).index) == ["tiny"]


def test_absorption_table_share_and_ties():
    # class c (3 test docs): 2 -> a, 1 -> b; class d: 1 -> a, 1 -> b: tie goes to a.
    names = ["a", "b", "c", "d"]
    s = score(
        [0, 1, 2, 2, 2, 3, 3],
        [0, 1, 0, 0, 1, 1, 0],
        class_names=names,
        train_counts=[40, 30, 20, 10],
    )
    t = absorption_table(s)
    assert list(t.index) == ["c", "d"]
    assert t.loc["c", "absorbed_by"] == "a"
    assert t.loc["c", "absorbed_share"] == pytest.approx(2 / 3)
    assert t.loc["c", "n_targets"] == 2
    assert t.loc["d", "absorbed_by"] == "a"
    assert t.loc["d", "absorbed_share"] == pytest.approx(0.5)


def test_absorption_table_empty_when_no_zero_f1():
    s = score([0, 1], [0, 1], class_names=["a", "b"], train_counts=[5, 5])
    t = absorption_table(s)
    assert t.empty
    assert "absorbed_by" in t.columns
    assert t.index.name == "class"


def test_absorption_needs_train_counts():
    s = score([0, 1], [0, 0], class_names=["a", "b"])
    with pytest.raises(ValueError, match="no training counts"):
        absorption_table(s)


# --------------------------------------------------------------------------- losses, changes


def test_f1_changes_sorted_by_size(before, after):
    t = f1_changes(before, after)
    assert list(t.index) == NAMES  # already largest first
    np.testing.assert_allclose(
        t["f1_change"], [4 / 7 - 8 / 12, 0.8 - 1, 0.8 - 2 / 3, 0.5, 0.0], atol=1e-12
    )
    shuffled = ["z", "y", "x"]
    a = score([0, 1, 2], [0, 1, 2], class_names=shuffled, train_counts=[1, 30, 10])
    assert list(f1_changes(a, a).index) == ["y", "x", "z"]


def test_losses_table_hand_values(before, after):
    t = losses_table(before, after)
    assert list(t.index) == ["other", "big"]  # largest drop first
    assert t.loc["other", "f1_change"] == pytest.approx(-0.2)
    # "other" lost no document: its F1 fell through precision (a small doc predicted as it).
    assert t.loc["other", "n_lost"] == 0
    assert t.loc["other", "taken_by"] == ""
    assert t.loc["other", "precision_after"] == pytest.approx(2 / 3)
    # "big" lost two documents, one to "mid" and one to "small": the tie goes to "mid".
    assert t.loc["big", "n_lost"] == 2
    assert t.loc["big", "taken_by"] == "mid"
    assert t.loc["big", "taken_n"] == 1
    assert t.loc["big", "recall_before"] == 1.0
    assert t.loc["big", "recall_after"] == 0.5


def test_losses_table_empty_when_nothing_fell(before):
    t = losses_table(before, before)
    assert t.empty
    assert {"taken_by", "n_lost", "f1_before"} <= set(t.columns)


def test_compare_errors(before):
    other = score(Y_TRUE, BEFORE, class_names=[*NAMES[:-1], "renamed"], train_counts=TRAIN)
    with pytest.raises(ValueError, match="different test labels, classes"):
        losses_table(before, other)
    with pytest.raises(ValueError, match="after must be a Scores"):
        f1_changes(before, None)


# ------------------------------------------------------------------------------------ plots


def test_plot_confusion_orders_by_size_with_log_colours():
    names = ["small", "big", "mid"]
    s = score([0, 1, 1, 1, 2, 2], [1, 1, 1, 2, 2, 2], class_names=names, train_counts=[3, 300, 50])
    ax = plot_confusion(s)
    assert isinstance(ax, matplotlib.axes.Axes)
    image = ax.images[0]
    assert isinstance(image.norm, LogNorm)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["big", "mid", "small"]
    data = np.ma.filled(image.get_array(), 0)
    # row big: 2 correct, 1 -> mid; row small: 1 -> big
    np.testing.assert_array_equal(data, [[2, 1, 0], [0, 2, 0], [1, 0, 0]])
    # dashed band separators between head|medium and medium|tail
    assert len(ax.lines) == 4


def test_plot_confusion_many_classes_uses_ranks_and_given_ax(before):
    _, ax = plt.subplots()
    out = plot_confusion(before, ax=ax, max_labels=2)
    assert out is ax
    assert "by training size" in ax.get_xlabel()


def test_plot_f1_delta_bars_and_title(before, after):
    ax = plot_f1_delta(before, after)
    heights = [p.get_height() for p in ax.patches]
    np.testing.assert_allclose(heights, f1_changes(before, after)["f1_change"], atol=1e-12)
    assert "2 gained, 2 lost, 1 unchanged" in ax.get_title()


def test_on_generated_data():
    import weightlab as wl

    ds = wl.make_complaints(3000, 12, seed=1)
    runs = wl.reproduce(ds, out=None, progress=False, baselines=False)
    s0, s1 = runs.run("unweighted").scores, runs.run("weighted").scores
    t = band_table({"unweighted": s0, "weighted": s1}, bands=(60, 200))
    assert t[("size", "n_test")].sum() == s0.overall["n_test"]
    overall = (t[("accuracy", "weighted")] * t[("size", "n_test")]).sum() / len(s0.y_true)
    assert overall == pytest.approx(s1.overall["accuracy"])
    assert len(absorption_table(s0)) == s0.overall["zero_f1_classes"]
    assert isinstance(losses_table(s0, s1), pd.DataFrame)
