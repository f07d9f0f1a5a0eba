import numpy as np
import pytest

from weightlab.metrics import score, scores_from_logits
from weightlab.views import VIEWS, compare_views, operating_views, views_by_tau, volume_classes

# The hand example of test_diagnostics: head (big, other), medium (mid), tail (small, tiny).
NAMES = ["big", "other", "mid", "small", "tiny"]
TRAIN = np.array([200, 150, 50, 5, 3])  # 80% of 408 = 326.4: big + other (350) reach it
Y_TRUE = np.array([0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4])
BEFORE = np.array([0, 0, 0, 0, 1, 1, 2, 0, 0, 0, 0])
AFTER = np.array([0, 0, 3, 2, 1, 1, 2, 2, 3, 1, 0])


@pytest.fixture
def before():
    return score(Y_TRUE, BEFORE, class_names=NAMES, train_counts=TRAIN)


@pytest.fixture
def after():
    return score(Y_TRUE, AFTER, class_names=NAMES, train_counts=TRAIN)


def _values(table):
    return dict(zip(table["metric"], table["value"], strict=True))


def test_volume_classes():
    assert volume_classes([10, 50, 30, 10], volume_share=0.8).tolist() == [1, 2]
    assert volume_classes([10, 50, 30, 10], volume_share=0.5).tolist() == [1]
    assert volume_classes([10, 50, 30, 10], volume_share=0.01).tolist() == [1]
    assert volume_classes([10, 50, 30, 10], volume_share=1.0).tolist() == [1, 2, 0, 3]
    assert volume_classes(TRAIN).tolist() == [0, 1]


@pytest.mark.parametrize("share", [0, 1.5, True, "0.8", float("nan")])
def test_volume_classes_bad_share(share):
    with pytest.raises(ValueError, match="volume_share must be a fraction in"):
        volume_classes([1, 2], volume_share=share)


def test_volume_classes_bad_counts():
    with pytest.raises(ValueError, match="sums to 0"):
        volume_classes([0, 0])
    with pytest.raises(ValueError, match="1-D array"):
        volume_classes([[1, 2]])
    with pytest.raises(ValueError, match="whole numbers"):
        volume_classes([1.5, 2])


def test_operating_views_hand_values(before, after):
    t = operating_views(before, train_counts=TRAIN)
    assert list(t.columns) == ["view", "metric", "value", "n", "definition"]
    assert t["view"].tolist() == ["routing", "routing", "audit", "audit", "audit"]
    assert t["metric"].tolist() == [m for ms in VIEWS.values() for m in ms]
    v = _values(t)
    assert v["volume_accuracy"] == 1.0
    assert v["accuracy"] == pytest.approx(7 / 11)
    assert v["classes_identified"] == 3
    assert v["macro_f1"] == pytest.approx((8 / 12 + 1 + 2 / 3) / 5)
    assert v["tail_recall"] == 0.0
    assert t["n"].tolist() == [6, 11, 5, 5, 3]
    assert "2 largest classes, which hold 86% of the training examples" in t["definition"][0]
    w = _values(operating_views(after, train_counts=TRAIN))
    assert w["volume_accuracy"] == pytest.approx(4 / 6)
    assert w["accuracy"] == pytest.approx(7 / 11)
    assert w["classes_identified"] == 4
    assert w["macro_f1"] == pytest.approx((4 / 7 + 0.8 + 0.8 + 0.5) / 5)
    assert w["tail_recall"] == pytest.approx(1 / 3)


def test_operating_views_options(before):
    v = _values(operating_views(before, train_counts=TRAIN, volume_share=0.4, bands=(4, 100)))
    assert v["volume_accuracy"] == 1.0  # big only
    assert v["tail_recall"] == 0.0  # tiny only (3 < 4)
    no_tail = operating_views(before, train_counts=TRAIN, bands=(1, 100))
    assert np.isnan(_values(no_tail)["tail_recall"])
    assert no_tail["n"].iloc[-1] == 0


def test_operating_views_errors(before):
    with pytest.raises(ValueError, match="needs a Scores"):
        operating_views("x", train_counts=TRAIN)
    with pytest.raises(ValueError, match="one count per class"):
        operating_views(before, train_counts=TRAIN[:3])
    with pytest.raises(ValueError, match="volume_share"):
        operating_views(before, train_counts=TRAIN, volume_share=2)
    with pytest.raises(ValueError, match="bands must be a pair"):
        operating_views(before, train_counts=TRAIN, bands=(5,))


def test_compare_views(before, after):
    t = compare_views({"before": before, "after": after}, train_counts=TRAIN)
    assert list(t.columns) == ["before", "after", "n", "definition"]
    assert t.loc[("audit", "classes_identified"), "before"] == 3
    assert t.loc[("audit", "classes_identified"), "after"] == 4
    assert t.loc[("routing", "volume_accuracy"), "after"] == pytest.approx(4 / 6)
    with pytest.raises(ValueError, match="non-empty mapping"):
        compare_views({}, train_counts=TRAIN)


def test_views_by_tau_hand_case():
    # Class 0 holds 90% of training. tau=1 adds log(0.9/0.1) ~ 2.2 to class 1 relative to 0:
    # every document is then predicted as the tail class 1.
    z = np.array([[2.0, 0.0], [2.0, 1.5], [0.0, 1.0]])
    y = np.array([0, 1, 1])
    t = views_by_tau(z, y, train_counts=[90, 10], taus=[0.0, 1.0], class_names=["a", "b"])
    assert t["tau"].tolist() == [0.0] * 5 + [1.0] * 5
    at0 = _values(t[t["tau"] == 0])
    at1 = _values(t[t["tau"] == 1])
    assert (at0["volume_accuracy"], at0["tail_recall"], at0["accuracy"]) == (1.0, 0.5, 2 / 3)
    assert (at1["volume_accuracy"], at1["tail_recall"], at1["accuracy"]) == (0.0, 1.0, 2 / 3)
    assert at1["classes_identified"] == 1


def test_views_by_tau_zero_equals_operating_views():
    rng = np.random.default_rng(0)
    z = rng.normal(size=(40, 4))
    y = rng.integers(0, 4, size=40)
    counts = np.array([60, 25, 10, 5])
    names = list("abcd")
    t = views_by_tau(z, y, train_counts=counts, taus=[0], class_names=names)
    s = scores_from_logits(z, y, class_names=names, train_counts=counts)
    expected = operating_views(s, train_counts=counts)
    np.testing.assert_allclose(t["value"], expected["value"])


def test_views_by_tau_errors():
    z = np.zeros((2, 2))
    with pytest.raises(ValueError, match="taus must be a non-empty"):
        views_by_tau(z, [0, 1], train_counts=[1, 1], taus=[], class_names=["a", "b"])
    with pytest.raises(ValueError, match="taus must be a non-empty"):
        views_by_tau(z, [0, 1], train_counts=[1, 1], taus=[np.inf], class_names=["a", "b"])
