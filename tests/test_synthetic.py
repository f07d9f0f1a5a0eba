import numpy as np
import pytest

from weightlab._taxonomy import PRODUCTS
from weightlab.synthetic import SyntheticConfig, class_sizes, make_complaints, taxonomy

N_ISSUES = sum(len(p["issues"]) for p in PRODUCTS.values())


@pytest.fixture(scope="module")
def ds():
    # The default generator settings on a corpus small enough for the unit suite.
    return make_complaints(6000, 40, seed=0)


# --------------------------------------------------------------------------------------------
# determinism
# --------------------------------------------------------------------------------------------


def test_same_seed_gives_identical_corpus_and_split(ds):
    again = make_complaints(6000, 40, seed=0)
    assert again.texts.tolist() == ds.texts.tolist()
    np.testing.assert_array_equal(again.labels, ds.labels)
    np.testing.assert_array_equal(again.split, ds.split)
    assert again.class_names == ds.class_names


def test_other_seed_gives_other_corpus():
    a = make_complaints(1000, 8, seed=0)
    b = make_complaints(1000, 8, seed=1)
    assert a.texts.tolist() != b.texts.tolist()
    assert not np.array_equal(a.split, b.split)
    # The class sizes are not random: only texts, order and split change.
    np.testing.assert_array_equal(np.bincount(a.labels), np.bincount(b.labels))


# --------------------------------------------------------------------------------------------
# class_sizes: the rank-size curve
# --------------------------------------------------------------------------------------------


def test_class_sizes_default_curve():
    sizes = class_sizes(58_000, 113, min_class_size=6)
    assert sizes.shape == (113,)
    assert sizes.sum() == 58_000
    assert sizes[0] / 58_000 == pytest.approx(0.23, abs=0.001)
    assert sizes.min() == 6 and sizes[-1] == 6
    assert np.all(np.diff(sizes) <= 0)
    # A long tail, not a step: many distinct sizes between head and tail.
    assert len(np.unique(sizes)) > 40


@pytest.mark.parametrize(
    ("n_documents", "n_classes"), [(400, 8), (2000, 20), (6000, 40), (2000, 113), (1000, 60)]
)
def test_class_sizes_small_settings(n_documents, n_classes):
    sizes = class_sizes(n_documents, n_classes, min_class_size=6)
    assert sizes.shape == (n_classes,)
    assert sizes.sum() == n_documents
    assert np.all(np.diff(sizes) <= 0)
    assert sizes.min() >= 6
    # The head keeps its share even where the floor of 6 documents raises the tail.
    assert sizes[0] / n_documents == pytest.approx(0.23, abs=0.005)


def test_class_sizes_follow_head_share_and_min_class_size():
    sizes = class_sizes(10_000, 50, head_share=0.4, min_class_size=10)
    assert sizes.sum() == 10_000
    assert sizes[0] / 10_000 == pytest.approx(0.4, abs=0.001)
    assert sizes.min() == 10


def test_class_sizes_too_few_documents_for_the_tail_is_an_error():
    # 600 >= 100 * 6, but beside a head of 23% only 462 documents are left for 99 classes.
    with pytest.raises(ValueError, match="n_documents=600 is too small"):
        class_sizes(600, 100)
    with pytest.raises(ValueError, match="n_documents=600 is too small"):
        make_complaints(600, 100)


# --------------------------------------------------------------------------------------------
# the corpus
# --------------------------------------------------------------------------------------------


def test_corpus_shape(ds):
    s = ds.summary()
    assert s["name"] == "synthetic"
    assert s["n_documents"] == len(ds.texts) == len(ds.labels) == 6000
    assert s["n_classes"] == ds.n_classes == 40
    assert s["n_train"] + s["n_validation"] + s["n_test"] == 6000
    assert s["head_share"] == pytest.approx(0.23, abs=0.005)
    # The smallest classes have 6 documents, about 4 of them for training.
    assert 9 <= s["min_train_count"] <= 11  # min_class_size 15
    assert 10 <= s["classes_under_20_train"] <= 30
    # Classes are ordered by size, as documented.
    counts = np.bincount(ds.labels, minlength=40)
    np.testing.assert_array_equal(counts, class_sizes(6000, 40))
    # Every class is in the training split.
    assert ds.train_counts.min() >= 1


def test_class_names_are_the_taxonomy_issues(ds):
    pairs = taxonomy()
    assert len(pairs) == N_ISSUES == 113
    assert len(set(pairs)) == 113
    assert ds.class_names == [issue for _, issue in pairs[:40]]


def test_taxonomy_head_is_the_largest_product():
    first_product = next(iter(PRODUCTS))
    assert taxonomy()[0][0] == first_product


def test_word_counts_within_limits(ds):
    words = np.array([len(t.split()) for t in ds.texts])
    assert words.min() >= 80 and words.max() <= 250


@pytest.mark.parametrize(("min_words", "max_words"), [(10, 27), (30, 60), (200, 217)])
def test_word_counts_within_custom_limits(min_words, max_words):
    small = make_complaints(300, 5, seed=3, min_words=min_words, max_words=max_words)
    words = np.array([len(t.split()) for t in small.texts])
    assert words.min() >= min_words and words.max() <= max_words


def test_narratives_read_like_text(ds):
    for text in ds.texts[:500]:
        assert text[0].isupper(), text
        assert text.endswith("."), text
        assert "  " not in text
        assert "$AMOUNT" not in text  # placeholders are masked like CFPB amounts
    assert any("XX/XX/XXXX" in t for t in ds.texts)
    assert any("{$" in t and ".00}" in t for t in ds.texts)


def test_notes_say_the_data_is_simulated(ds):
    text = " ".join(ds.notes)
    assert "simulated" in text and "not real" in text
    assert "6,000" in text and "40 classes" in text and "seed 0" in text


def test_generator_params_change_the_corpus():
    a = make_complaints(500, 5, seed=0)
    b = make_complaints(500, 5, seed=0, label_noise=0.0)
    assert a.texts.tolist() != b.texts.tolist()
    assert "label_noise=0.0" in " ".join(b.notes)


# --------------------------------------------------------------------------------------------
# validation
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"n_classes": 1}, r"n_classes must be in \[2, 113\]; got 1"),
        ({"n_classes": 114}, r"n_classes must be in \[2, 113\]; got 114"),
        ({"n_documents": 100, "n_classes": 20}, "n_documents=100 is too small for 20 classes"),
        (
            {"n_classes": 10, "head_share": 0.1},
            r"head_share must lie in \(1/n_classes, 1\); got 0.1",
        ),
        ({"head_share": 1.0}, r"head_share must lie in \(1/n_classes, 1\)"),
        ({"min_class_size": 0}, "min_class_size must be >= 1; got 0"),
        ({"cue_rate": -1.0}, "cue_rate must be >= 0; got -1.0"),
        ({"filler_rate": -0.5}, "filler_rate must be >= 0"),
        ({"label_noise": 1.0}, r"label_noise must be in \[0, 1\); got 1.0"),
        ({"label_noise": -0.1}, r"label_noise must be in \[0, 1\)"),
        ({"min_words": 5}, "Need min_words >= 10"),
        ({"min_words": 100, "max_words": 90}, "max_words >= min_words"),
        ({"min_words": 100, "max_words": 105}, "got min_words=100, max_words=105"),
    ],
)
def test_config_validation(kwargs, match):
    with pytest.raises(ValueError, match=match):
        SyntheticConfig(**kwargs)


def test_make_complaints_validates_its_config():
    with pytest.raises(ValueError, match="label_noise"):
        make_complaints(500, 5, label_noise=2.0)
    with pytest.raises(TypeError, match="no_such_param"):
        make_complaints(500, 5, no_such_param=1)


def test_default_config_is_the_article_setting():
    cfg = SyntheticConfig()
    assert (cfg.n_documents, cfg.n_classes, cfg.head_share) == (58_000, 113, 0.23)


# --------------------------------------------------------------------------------------------
# the real default corpus (seconds, not milliseconds)
# --------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_default_corpus_matches_the_article_shape():
    s = make_complaints().summary()
    assert s["n_documents"] == 58_000
    assert s["n_classes"] == 113
    assert s["head_share"] == pytest.approx(0.23, abs=0.005)
    assert 9 <= s["min_train_count"] <= 11  # min_class_size 15
    assert 45 <= s["classes_under_20_train"] <= 65


def test_issue_skew_moves_documents_between_a_products_issues():
    # Larger skew: a product's main issue ranks higher against the other products' issues.
    first_product = next(iter(PRODUCTS))
    second_issue = list(PRODUCTS[first_product]["issues"])[1]
    rank = {s: [issue for _, issue in taxonomy(s)].index(second_issue) for s in (0.8, 1.3, 2.0)}
    assert rank[0.8] < rank[1.3] < rank[2.0]
    assert taxonomy() == taxonomy(1.2)  # the default
    assert set(taxonomy(0.8)) == set(taxonomy(2.0))  # the same classes, reordered
    with pytest.raises(ValueError, match="issue_skew must be in"):
        make_complaints(500, 5, issue_skew=0)
