import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import f1_score

from weightlab.metrics import BANDS, Scores, band_summary, score, scores_from_logits

# Hand-checkable example. Class "d" never occurs in y_true but is predicted twice; class "c"
# occurs once and is never predicted correctly.
#   a: TP 2, predicted 2, true 3 -> P 1,   R 2/3, F1 0.8
#   b: TP 1, predicted 2, true 2 -> P 1/2, R 1/2, F1 0.5
#   c: TP 0                      -> F1 0
NAMES = ["a", "b", "c", "d"]
Y_TRUE = np.array([0, 0, 0, 1, 1, 2])
Y_PRED = np.array([0, 0, 1, 1, 3, 3])
TRAIN = np.array([500, 50, 5, 30])


@pytest.fixture
def hand():
    return score(Y_TRUE, Y_PRED, class_names=NAMES, train_counts=TRAIN)


def test_returns_scores_with_labels_kept(hand):
    assert isinstance(hand, Scores)
    np.testing.assert_array_equal(hand.y_true, Y_TRUE)
    np.testing.assert_array_equal(hand.y_pred, Y_PRED)
    assert hand.class_names == NAMES
    assert "macro_f1=0.4333" in repr(hand)


def test_overall_hand_values(hand):
    o = hand.overall
    assert list(o.index) == [
        "accuracy",
        "macro_f1",
        "weighted_f1",
        "balanced_accuracy",
        "zero_f1_classes",
        "n_classes_scored",
        "n_classes_predicted",
        "n_classes_correct",
        "n_test",
    ]
    assert o["accuracy"] == pytest.approx(3 / 6)
    assert o["macro_f1"] == pytest.approx((0.8 + 0.5 + 0.0) / 3)  # "d" not in the denominator
    assert o["weighted_f1"] == pytest.approx((3 * 0.8 + 2 * 0.5 + 1 * 0.0) / 6)
    assert o["balanced_accuracy"] == pytest.approx((2 / 3 + 1 / 2 + 0) / 3)
    assert o["zero_f1_classes"] == 1
    assert o["n_classes_scored"] == 3
    assert o["n_classes_predicted"] == 3  # a, b and d
    assert o["n_classes_correct"] == 2  # a and b
    assert o["n_test"] == 6
    for key in ["zero_f1_classes", "n_classes_scored", "n_classes_predicted", "n_test"]:
        assert isinstance(o[key], int)


def test_macro_f1_matches_sklearn_over_present_classes(hand):
    expected = f1_score(Y_TRUE, Y_PRED, labels=[0, 1, 2], average="macro", zero_division=0)
    assert hand.overall["macro_f1"] == pytest.approx(expected)
    # ... and differs from the "all classes" denominator
    all_classes = f1_score(Y_TRUE, Y_PRED, labels=[0, 1, 2, 3], average="macro", zero_division=0)
    assert hand.overall["macro_f1"] != pytest.approx(all_classes)


def test_by_class_hand_values(hand):
    bc = hand.by_class
    assert list(bc.index) == ["a", "b", "c"]  # "d" is not scored
    assert bc.index.name == "class"
    assert list(bc.columns) == [
        "precision",
        "recall",
        "f1",
        "support",
        "train_count",
        "band",
        "n_predicted",
    ]
    np.testing.assert_allclose(bc["precision"], [1.0, 0.5, 0.0])
    np.testing.assert_allclose(bc["recall"], [2 / 3, 0.5, 0.0])
    np.testing.assert_allclose(bc["f1"], [0.8, 0.5, 0.0])
    assert bc["support"].tolist() == [3, 2, 1]
    assert bc["n_predicted"].tolist() == [2, 2, 0]
    assert bc["train_count"].tolist() == [500, 50, 5]
    assert bc["band"].tolist() == ["head", "medium", "tail"]


def test_band_edges():
    names = ["c19", "c20", "c100", "c101"]
    y = np.arange(4)
    s = score(y, y, class_names=names, train_counts=[19, 20, 100, 101], bands=(20, 100))
    assert s.by_class["band"].tolist() == ["tail", "medium", "medium", "head"]
    s = score(y, y, class_names=names, train_counts=[19, 20, 100, 101], bands=(5, 19))
    assert s.by_class["band"].tolist() == ["medium", "head", "head", "head"]


def test_without_train_counts_bands_are_unknown():
    s = score(Y_TRUE, Y_PRED, class_names=NAMES)
    assert s.by_class["train_count"].tolist() == [-1, -1, -1]
    assert s.by_class["band"].tolist() == ["unknown"] * 3
    with pytest.raises(ValueError, match=r"no frequency bands: pass train_counts"):
        band_summary(s)


def test_perfect_predictions():
    y = np.array([0, 1, 1, 2, 2, 2])
    s = score(y, y, class_names=["x", "y", "z"])
    assert s.overall["accuracy"] == 1.0
    assert s.overall["macro_f1"] == 1.0
    assert s.overall["zero_f1_classes"] == 0


# --------------------------------------------------------------------------------------------
# band_summary
# --------------------------------------------------------------------------------------------


def test_band_summary_micro_recall_and_mean_f1():
    # head = {0, 1}, tail = {2, 3}, medium = {4} with bands (20, 100)
    names = ["h0", "h1", "t2", "t3", "m4"]
    train = [200, 150, 10, 5, 60]
    y_true = np.array([0, 0, 0, 0, 1, 2, 2, 3, 4, 4])
    y_pred = np.array([0, 0, 0, 1, 1, 2, 0, 0, 4, 4])
    s = score(y_true, y_pred, class_names=names, train_counts=train)
    bs = band_summary(s)
    assert list(bs.index) == list(BANDS) == ["head", "medium", "tail"]
    assert bs.index.name == "band"
    assert list(bs.columns) == ["n_classes", "mean_f1", "recall", "zero_f1_classes"]
    # h0: P 3/5, R 3/4 -> F1 2/3; h1: P 1/2, R 1 -> F1 2/3
    # head recall is micro: (3 + 1) / 5 = 0.8, not the macro (0.75 + 1) / 2
    assert bs.loc["head"].tolist() == pytest.approx([2, 2 / 3, 0.8, 0])
    assert bs.loc["medium"].tolist() == pytest.approx([1, 1.0, 1.0, 0])
    # t2: P 1, R 1/2 -> F1 2/3; t3: F1 0
    assert bs.loc["tail"].tolist() == pytest.approx([2, 1 / 3, 1 / 3, 1])


def test_band_summary_hand_example(hand):
    bs = band_summary(hand)
    assert bs["n_classes"].tolist() == [1, 1, 1]
    assert bs["mean_f1"].tolist() == pytest.approx([0.8, 0.5, 0.0])
    assert bs["recall"].tolist() == pytest.approx([2 / 3, 0.5, 0.0])
    assert bs["zero_f1_classes"].tolist() == [0, 0, 1]


def test_band_summary_empty_band_is_nan():
    s = score([0, 1], [0, 1], class_names=["a", "b"], train_counts=[500, 400])
    bs = band_summary(s)
    assert bs.loc["head", "n_classes"] == 2
    assert bs.loc["tail", "n_classes"] == 0 and bs.loc["tail", "zero_f1_classes"] == 0
    assert np.isnan(bs.loc["tail", "mean_f1"]) and np.isnan(bs.loc["tail", "recall"])


def test_band_summary_rejects_non_scores():
    with pytest.raises(ValueError, match=r"needs a Scores"):
        band_summary(pd.DataFrame())


# --------------------------------------------------------------------------------------------
# errors
# --------------------------------------------------------------------------------------------

NAMES_113 = [f"class_{i}" for i in range(113)]


@pytest.mark.parametrize(
    ("y_true", "y_pred", "match"),
    [
        ([0, 1], [0, 120], r"y_pred contains label 120 but there are only 113 classes"),
        ([0, 113], [0, 1], r"y_true contains label 113 but there are only 113 classes"),
        ([0, -1], [0, 1], r"y_true contains label -1; labels must be in \[0, 113\)"),
        ([0, 1, 2], [0, 1], r"y_true has 3 labels but y_pred has 2"),
        ([], [], r"y_true is empty"),
        ([0, 1], [0.5, 1.0], r"y_pred must contain integer class indices"),
        ([[0, 1]], [[0, 1]], r"y_true must be a 1-D array"),
    ],
)
def test_label_errors(y_true, y_pred, match):
    with pytest.raises(ValueError, match=match):
        score(np.asarray(y_true), np.asarray(y_pred), class_names=NAMES_113)


def test_integral_float_labels_are_accepted():
    s = score(Y_TRUE.astype(float), Y_PRED.astype(float), class_names=NAMES)
    assert s.overall["accuracy"] == pytest.approx(0.5)
    assert s.y_true.dtype == np.int64


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"class_names": []}, r"class_names is empty"),
        ({"class_names": ["a", "a", "b", "c"]}, r"duplicates \['a'\]"),
        ({"class_names": "abcd"}, r"class_names must be a list"),
        ({"train_counts": [1, 2, 3]}, r"one count per class \(4\)"),
        ({"train_counts": [1, -2, 3, 4]}, r"whole numbers >= 0"),
        ({"bands": (100, 20)}, r"0 <= lo <= hi"),
        ({"bands": 20}, r"pair \(lo, hi\)"),
    ],
)
def test_option_errors(kwargs, match):
    args = {"class_names": NAMES, **kwargs}
    with pytest.raises(ValueError, match=match):
        score(Y_TRUE, Y_PRED, **args)


# --------------------------------------------------------------------------------------------
# scores_from_logits
# --------------------------------------------------------------------------------------------


def _logits(n=200, c=6, seed=0):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, c, size=n)
    logits = rng.normal(size=(n, c))
    logits[np.arange(n), y] += 1.0  # better than chance, not perfect
    return logits, y


def test_scores_from_logits_equals_score_of_argmax():
    logits, y = _logits()
    names = list("uvwxyz")
    train = [1000, 300, 80, 40, 12, 3]
    a = scores_from_logits(logits, y, class_names=names, train_counts=train)
    b = score(y, logits.argmax(axis=1), class_names=names, train_counts=train)
    pd.testing.assert_series_equal(a.overall, b.overall)
    pd.testing.assert_frame_equal(a.by_class, b.by_class)
    np.testing.assert_array_equal(a.y_pred, logits.argmax(axis=1))
    assert 0.2 < a.overall["accuracy"] < 0.9


def test_scores_from_logits_accepts_torch_bf16():
    torch = pytest.importorskip("torch")
    logits, y = _logits(seed=1)
    t = torch.tensor(logits).to(torch.bfloat16)
    a = scores_from_logits(t, torch.tensor(y).numpy(), class_names=list("uvwxyz"))
    expected = t.float().numpy().argmax(axis=1)
    np.testing.assert_array_equal(a.y_pred, expected)


@pytest.mark.parametrize(
    ("logits", "y", "match"),
    [
        (np.zeros((3, 5)), [0, 1, 2], r"shape \(n_test, 4\).*got \(3, 5\)"),
        (np.zeros(4), [0], r"shape \(n_test, 4\)"),
        (np.full((2, 4), np.nan), [0, 1], r"logits contain NaN"),
        (np.zeros((3, 4)), [0, 1], r"logits has 3 rows but y_true has 2 labels"),
    ],
)
def test_scores_from_logits_errors(logits, y, match):
    with pytest.raises(ValueError, match=match):
        scores_from_logits(logits, np.asarray(y), class_names=NAMES)


# --------------------------------------------------------------------------------------------
# against scikit-learn on random labels (hypothesis)
# --------------------------------------------------------------------------------------------


@st.composite
def _labelled(draw):
    n_classes = draw(st.integers(2, 12))
    n = draw(st.integers(1, 200))
    labels = st.integers(0, n_classes - 1)
    y_true = draw(st.lists(labels, min_size=n, max_size=n))
    y_pred = draw(st.lists(labels, min_size=n, max_size=n))
    return n_classes, np.array(y_true), np.array(y_pred)


@settings(max_examples=300, deadline=None)
@given(_labelled())
def test_scores_agree_with_scikit_learn(case):
    from sklearn.metrics import accuracy_score, balanced_accuracy_score

    n_classes, y_true, y_pred = case
    names = [f"c{i}" for i in range(n_classes)]
    s = score(y_true, y_pred, class_names=names)
    present = np.unique(y_true)
    per_class = f1_score(y_true, y_pred, labels=present, average=None, zero_division=0)
    assert s.overall["accuracy"] == pytest.approx(accuracy_score(y_true, y_pred))
    assert s.overall["macro_f1"] == pytest.approx(per_class.mean())
    assert s.overall["zero_f1_classes"] == int((per_class == 0).sum())
    assert s.overall["n_classes_scored"] == len(present)
    with np.errstate(all="ignore"):
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # sklearn warns on classes predicted, not present
            expected = balanced_accuracy_score(y_true, y_pred)
    assert s.overall["balanced_accuracy"] == pytest.approx(expected)
