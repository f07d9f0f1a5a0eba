import math
import warnings

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

from weightlab.weights import (
    WeightedCrossEntropy,
    WeightSummary,
    class_weights,
    describe_weights,
    log_prior,
    make_loss,
    weights_from_counts,
)

COUNTS = np.array([100, 25, 4])
N = 129


# --------------------------------------------------------------------------------------------
# weights_from_counts: the formula
# --------------------------------------------------------------------------------------------


def test_alpha_zero_is_unweighted():
    np.testing.assert_array_equal(weights_from_counts(COUNTS, alpha=0.0), [1.0, 1.0, 1.0])


def test_alpha_half_is_sqrt_inverse_normalised():
    # raw n^-1/2 = [0.1, 0.2, 0.5]; sum n * raw = 10 + 5 + 2 = 17; scale = N / 17
    w = weights_from_counts(COUNTS, alpha=0.5)
    np.testing.assert_allclose(w, np.array([0.1, 0.2, 0.5]) * 129 / 17)
    np.testing.assert_allclose(w, [0.758823529, 1.517647059, 3.794117647], rtol=1e-8)


def test_default_alpha_is_half():
    np.testing.assert_allclose(weights_from_counts(COUNTS), weights_from_counts(COUNTS, alpha=0.5))


def test_alpha_one_is_inverse_frequency():
    # raw 1/n = [0.01, 0.04, 0.25]; sum n * raw = 3; scale = 129 / 3 = 43
    np.testing.assert_allclose(weights_from_counts(COUNTS, alpha=1.0), [0.43, 1.72, 10.75])


@pytest.mark.parametrize("alpha", [0.0, 0.25, 0.5, 1.0, 2.0])
def test_mean_weight_over_training_examples_is_one(alpha):
    counts = np.random.default_rng(0).integers(1, 5000, size=30)
    w = weights_from_counts(counts, alpha=alpha)
    assert np.dot(counts, w) / counts.sum() == pytest.approx(1.0)


def test_rarer_classes_get_larger_weights():
    w = weights_from_counts([5000, 300, 20, 1], alpha=0.5)
    assert np.all(np.diff(w) > 0)


def test_accepts_lists_and_integral_floats():
    np.testing.assert_allclose(weights_from_counts([100.0, 25.0, 4.0]), weights_from_counts(COUNTS))


# --------------------------------------------------------------------------------------------
# effective number (beta)
# --------------------------------------------------------------------------------------------


def test_beta_value_by_hand():
    # counts [1, 2], beta 0.5: raw = 0.5 / (1 - 0.5) = 1 and 0.5 / (1 - 0.25) = 2/3;
    # sum n * raw = 1 + 4/3 = 7/3; N = 3, so scale = 9/7.
    np.testing.assert_allclose(weights_from_counts([1, 2], beta=0.5), [9 / 7, 6 / 7])


def test_beta_zero_gives_equal_weights():
    np.testing.assert_allclose(weights_from_counts(COUNTS, beta=0.0), [1.0, 1.0, 1.0])
    np.testing.assert_allclose(weights_from_counts(COUNTS, beta=1e-9), [1.0, 1.0, 1.0])


def test_beta_near_one_approaches_inverse_frequency():
    np.testing.assert_allclose(
        weights_from_counts(COUNTS, beta=1 - 1e-7),
        weights_from_counts(COUNTS, alpha=1.0),
        rtol=1e-4,
    )


def test_beta_ignores_alpha():
    np.testing.assert_array_equal(
        weights_from_counts(COUNTS, alpha=1.0, beta=0.99),
        weights_from_counts(COUNTS, alpha=0.0, beta=0.99),
    )


# --------------------------------------------------------------------------------------------
# max_ratio, zero counts
# --------------------------------------------------------------------------------------------


def test_max_ratio_clips_large_weights():
    # raw 1/n = [0.01, 0.04, 0.25] -> clipped at 5 * 0.01 = [0.01, 0.04, 0.05];
    # sum n * raw = 1 + 1 + 0.2 = 2.2
    w = weights_from_counts(COUNTS, alpha=1.0, max_ratio=5)
    np.testing.assert_allclose(w, np.array([0.01, 0.04, 0.05]) * 129 / 2.2)
    assert w.max() / w.min() == pytest.approx(5.0)
    assert np.dot(COUNTS, w) / N == pytest.approx(1.0)


def test_max_ratio_not_binding_changes_nothing():
    np.testing.assert_allclose(
        weights_from_counts(COUNTS, alpha=0.5, max_ratio=10),
        weights_from_counts(COUNTS, alpha=0.5),
    )


def test_max_ratio_one_gives_equal_weights():
    np.testing.assert_allclose(weights_from_counts(COUNTS, alpha=1.0, max_ratio=1), [1, 1, 1])


def test_max_ratio_ignores_absent_classes():
    w = weights_from_counts([100, 0, 4], alpha=1.0, max_ratio=2)
    assert w[1] == 0.0
    assert w[2] / w[0] == pytest.approx(2.0)


def test_zero_count_class_gets_zero_weight():
    # raw [0.1, -, 0.5]; sum n * raw = 10 + 2 = 12; N = 104
    w = weights_from_counts([100, 0, 4], alpha=0.5)
    np.testing.assert_allclose(w, [0.1 * 104 / 12, 0.0, 0.5 * 104 / 12])
    assert w[1] == 0.0
    assert weights_from_counts([100, 0, 4], beta=0.9)[1] == 0.0


# --------------------------------------------------------------------------------------------
# weights_from_counts: errors
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("counts", "match"),
    [
        ([10, -1, 3], r"negative count \(-1 for class 1\).*>= 0"),
        ([0, 0, 0], r"all zeros.*training split"),
        ([], r"empty"),
        ([[1, 2], [3, 4]], r"1-D array.*shape \(2, 2\)"),
        ([1.5, 2.0], r"whole numbers"),
        (["a", "b"], r"integer counts"),
    ],
)
def test_bad_counts_raise(counts, match):
    with pytest.raises(ValueError, match=match):
        weights_from_counts(counts)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"alpha": -0.5}, r"alpha must be a finite number >= 0.*got -0.5"),
        ({"alpha": float("nan")}, r"alpha must be a finite number"),
        ({"alpha": float("inf")}, r"alpha must be a finite number"),
        ({"beta": 1.0}, r"beta must be in \[0, 1\).*got 1.0"),
        ({"beta": -0.1}, r"beta must be in \[0, 1\)"),
        ({"max_ratio": 0.5}, r"max_ratio must be >= 1.*got 0.5"),
    ],
)
def test_bad_options_raise(kwargs, match):
    with pytest.raises(ValueError, match=match):
        weights_from_counts(COUNTS, **kwargs)


# --------------------------------------------------------------------------------------------
# class_weights
# --------------------------------------------------------------------------------------------


def test_class_weights_matches_counts():
    y = np.repeat([0, 1, 2], COUNTS)
    np.random.default_rng(1).shuffle(y)
    np.testing.assert_allclose(class_weights(y, alpha=1.0), [0.43, 1.72, 10.75])
    np.testing.assert_allclose(
        class_weights(y, beta=0.99, max_ratio=3),
        weights_from_counts(COUNTS, beta=0.99, max_ratio=3),
    )


def test_class_weights_n_classes_pads_absent_classes():
    y = np.repeat([0, 1, 2], COUNTS)
    w = class_weights(y, n_classes=5)
    assert w.shape == (5,)
    np.testing.assert_array_equal(w[3:], [0.0, 0.0])
    np.testing.assert_allclose(w[:3], weights_from_counts(COUNTS))


@pytest.mark.parametrize(
    ("labels", "kwargs", "match"),
    [
        ([0, 1, 5], {"n_classes": 3}, r"label 5 but n_classes=3.*\[0, n_classes\)"),
        ([0, -1, 2], {}, r"negative label -1"),
        ([0.0, 1.0], {}, r"integer class indices.*float64"),
        ([], {}, r"non-empty 1-D"),
        ([0, 1], {"n_classes": 0}, r"n_classes must be a whole number >= 1"),
    ],
)
def test_class_weights_errors(labels, kwargs, match):
    with pytest.raises(ValueError, match=match):
        class_weights(np.asarray(labels), **kwargs)


# --------------------------------------------------------------------------------------------
# log_prior
# --------------------------------------------------------------------------------------------


def test_log_prior_values_and_zero_count():
    lp = log_prior([3, 1, 0])
    assert lp.dtype == np.float64
    np.testing.assert_allclose(lp, np.log([0.75, 0.25, 0.5 / 4]))
    assert np.all(np.isfinite(lp))


def test_log_prior_validates():
    with pytest.raises(ValueError, match="negative count"):
        log_prior([3, -1])


# --------------------------------------------------------------------------------------------
# describe_weights
# --------------------------------------------------------------------------------------------

NAMES = ["big", "mid", "small", "tiny"]
DCOUNTS = np.array([10512, 50, 10, 4])


def test_describe_weights_table():
    w = weights_from_counts(DCOUNTS, alpha=0.5)
    s = describe_weights(DCOUNTS, w, class_names=NAMES)
    assert isinstance(s, WeightSummary)
    t = s.table
    assert list(t.index) == NAMES and t.index.name == "class"
    assert list(t.columns) == [
        "train_count",
        "weight",
        "loss_share_unweighted",
        "loss_share_weighted",
    ]
    np.testing.assert_array_equal(t["train_count"], DCOUNTS)
    np.testing.assert_allclose(t["loss_share_unweighted"], DCOUNTS / DCOUNTS.sum())
    # with w ∝ n^-1/2 the weighted loss share is ∝ sqrt(n)
    sq = np.sqrt(DCOUNTS)
    np.testing.assert_allclose(t["loss_share_weighted"], sq / sq.sum())
    assert s.max_min_ratio == pytest.approx(math.sqrt(10512 / 4))
    assert (s.rarest, s.most_common) == ("tiny", "big")


def test_describe_weights_sentence():
    w = weights_from_counts(DCOUNTS, alpha=0.5)
    s = describe_weights(DCOUNTS, w, class_names=NAMES)
    # ratio sqrt(10512 / 4) = 51.26; tail = small + tiny:
    # weighted (sqrt 10 + sqrt 4) / sum sqrt n = 4.50 %, unweighted 14 / 10576 = 0.13 %
    sq = np.sqrt(DCOUNTS)
    assert 100 * (sq[2] + sq[3]) / sq.sum() == pytest.approx(4.498, abs=1e-3)
    assert s.sentence == (
        "The rarest class ('tiny', 4 training examples) gets 51.3x the weight of the most "
        "common ('big', 10,512 examples); the 2 classes under 20 examples carry 4.5% of the "
        "loss (0.1% unweighted)."
    )
    assert str(s) == s.sentence


def test_describe_weights_sentence_threshold_and_singular():
    w = weights_from_counts(DCOUNTS, alpha=0.0)
    s = describe_weights(DCOUNTS, w, class_names=NAMES, tail_threshold=5)
    assert s.sentence.endswith(
        "gets 1.0x the weight of the most common ('big', 10,512 examples); the 1 class under "
        "5 examples carries 0.0% of the loss (0.0% unweighted)."
    )
    s = describe_weights(DCOUNTS, w, class_names=NAMES, tail_threshold=4)
    assert s.sentence.endswith("no class has under 4 training examples.")


def test_describe_weights_absent_class_and_default_names():
    counts = [100, 0, 4]
    s = describe_weights(counts, weights_from_counts(counts))
    assert list(s.table.index) == ["0", "1", "2"]
    assert s.rarest == "2"  # the absent class is not the rarest
    assert s.table.loc["1", "loss_share_weighted"] == 0.0
    assert s.max_min_ratio == pytest.approx(5.0)
    assert "the 1 class under 20 examples" in s.sentence


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"weights": [1.0, 2.0]}, r"weights has 2 entries but train_counts has 3"),
        ({"weights": [1.0, -2.0, 1.0]}, r"negative"),
        ({"weights": [1.0, np.nan, 1.0]}, r"NaN or infinite"),
        ({"weights": [0.0, 0.0, 0.0]}, r"zero for every class"),
        ({"class_names": ["a", "b"]}, r"class_names has 2 names but train_counts has 3"),
        ({"class_names": ["a", "a", "b"]}, r"duplicates"),
    ],
)
def test_describe_weights_errors(kwargs, match):
    args = {"weights": [1.0, 1.0, 1.0], **kwargs}
    weights = args.pop("weights")
    with pytest.raises(ValueError, match=match):
        describe_weights(COUNTS, weights, **args)


# --------------------------------------------------------------------------------------------
# make_loss
# --------------------------------------------------------------------------------------------


def _batch(n=32, c=3, seed=0):
    g = torch.Generator().manual_seed(seed)
    logits = torch.randn(n, c, generator=g) * 3
    targets = torch.randint(0, c, (n,), generator=g)
    return logits, targets


def test_make_loss_returns_public_class():
    loss = make_loss(weights_from_counts(COUNTS))
    assert isinstance(loss, WeightedCrossEntropy)
    assert isinstance(loss, torch.nn.CrossEntropyLoss)


def test_make_loss_equals_torch_weighted_ce():
    w = weights_from_counts(COUNTS)
    logits, targets = _batch()
    expected = torch.nn.CrossEntropyLoss(weight=torch.tensor(w, dtype=torch.float32))(
        logits, targets
    )
    got = make_loss(w)(logits, targets)
    torch.testing.assert_close(got, expected)
    # the mean divides by the sum of the target weights, not by the batch size
    wt = torch.tensor(w, dtype=torch.float32)[targets]
    nll = F.cross_entropy(logits, targets, reduction="none")
    torch.testing.assert_close(got, (wt * nll).sum() / wt.sum())


def test_make_loss_unweighted_is_plain_ce():
    logits, targets = _batch(seed=1)
    torch.testing.assert_close(make_loss()(logits, targets), F.cross_entropy(logits, targets))


@pytest.mark.parametrize("weighted", [False, True])
def test_focal_term_at_gamma_zero_is_the_cross_entropy(weighted):
    # the focal formula itself (not the gamma == 0 shortcut) at gamma 0: torch's (weighted) CE
    w = weights_from_counts(COUNTS) if weighted else None
    logits, targets = _batch(seed=5)
    weight = None if w is None else torch.tensor(w, dtype=torch.float32)
    torch.testing.assert_close(
        WeightedCrossEntropy.focal(logits, targets, weight, 0.0),
        torch.nn.CrossEntropyLoss(weight=weight)(logits, targets),
    )


@pytest.mark.parametrize("weighted", [False, True])
def test_focal_loss_down_weights_confident_examples(weighted):
    w = weights_from_counts(COUNTS) if weighted else None
    logits, targets = _batch(seed=6)
    wt = torch.ones(len(targets)) if w is None else torch.tensor(w, dtype=torch.float32)[targets]
    log_pt = F.log_softmax(logits, dim=1).gather(1, targets[:, None]).squeeze(1)
    expected = (wt * -((1 - log_pt.exp()) ** 2) * log_pt).sum() / wt.sum()
    got = make_loss(w, gamma=2.0)(logits, targets)
    torch.testing.assert_close(got, expected)
    assert got < make_loss(w)(logits, targets)  # every factor (1 - p_t)^2 is below 1


@pytest.mark.parametrize("gamma", [0.5, 1.0, 2.0])
def test_focal_gradients_stay_finite_on_a_saturated_example(gamma):
    # p_t == 1 in float32: (1 - p_t)^gamma has an infinite slope at 0 for gamma < 1
    logits = torch.tensor([[30.0, 0.0, 0.0], [0.0, 1.0, 0.0]], requires_grad=True)
    loss = make_loss(gamma=gamma)(logits, torch.tensor([0, 1]))
    loss.backward()
    assert torch.isfinite(loss) and torch.isfinite(logits.grad).all()


def test_focal_with_tau_adjusts_the_logits_first():
    lp = log_prior(COUNTS)
    logits, targets = _batch(seed=7)
    shifted = logits + torch.tensor(lp, dtype=torch.float32)
    torch.testing.assert_close(
        make_loss(log_prior=lp, tau=1.0, gamma=1.5)(logits, targets),
        make_loss(gamma=1.5)(shifted, targets),
    )


@pytest.mark.parametrize("gamma", [-1.0, float("nan"), float("inf"), "2"])
def test_make_loss_rejects_bad_gamma(gamma):
    with pytest.raises(ValueError, match="gamma must be a finite number >= 0"):
        make_loss(gamma=gamma)


def test_tau_zero_ignores_log_prior():
    w = weights_from_counts(COUNTS)
    logits, targets = _batch(seed=2)
    torch.testing.assert_close(
        make_loss(w, log_prior=log_prior(COUNTS), tau=0.0)(logits, targets),
        make_loss(w)(logits, targets),
    )


@pytest.mark.parametrize("weighted", [False, True])
def test_tau_shifts_logits_by_log_prior(weighted):
    w = weights_from_counts(COUNTS) if weighted else None
    lp = log_prior(COUNTS)
    logits, targets = _batch(seed=3)
    shifted = logits + 1.5 * torch.tensor(lp, dtype=torch.float32)
    wt = None if w is None else torch.tensor(w, dtype=torch.float32)
    expected = F.cross_entropy(shifted, targets, weight=wt)
    got = make_loss(w, log_prior=lp, tau=1.5)(logits, targets)
    torch.testing.assert_close(got, expected)
    assert not torch.allclose(got, F.cross_entropy(logits, targets, weight=wt))


def test_bf16_logits_are_cast_to_float32():
    w = weights_from_counts(COUNTS)
    logits, targets = _batch(seed=4)
    low = logits.to(torch.bfloat16)
    got = make_loss(w)(low, targets)
    assert got.dtype == torch.float32
    expected = F.cross_entropy(low.float(), targets, weight=torch.tensor(w, dtype=torch.float32))
    torch.testing.assert_close(got, expected)


def test_loss_has_gradient():
    logits, targets = _batch(seed=5)
    logits.requires_grad_(True)
    make_loss(weights_from_counts(COUNTS), log_prior=log_prior(COUNTS), tau=1.0)(
        logits, targets
    ).backward()
    assert logits.grad is not None and torch.isfinite(logits.grad).all()


def test_buffers_are_float32_and_move_with_to():
    loss = make_loss(weights_from_counts(COUNTS), log_prior=log_prior(COUNTS), tau=1.0)
    buffers = dict(loss.named_buffers())
    assert set(buffers) == {"weight", "log_prior"}
    assert all(b.dtype == torch.float32 for b in buffers.values())
    moved = loss.to("meta")
    assert moved.weight.device.type == "meta"
    assert moved.log_prior.device.type == "meta"


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
def test_loss_runs_on_cuda():
    w = weights_from_counts(COUNTS)
    logits, targets = _batch(seed=6)
    loss = make_loss(w, log_prior=log_prior(COUNTS), tau=1.0).to("cuda")
    got = loss(logits.cuda().to(torch.bfloat16), targets.cuda())
    expected = make_loss(w, log_prior=log_prior(COUNTS), tau=1.0)(
        logits.to(torch.bfloat16), targets
    )
    torch.testing.assert_close(got.cpu(), expected, rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize(
    ("args", "kwargs", "match"),
    [
        ((None,), {"tau": 1.0}, r"tau=1.0 needs log_prior.*log_prior\(train_counts\)"),
        ((None,), {"tau": float("nan")}, r"tau must be a finite number"),
        (([1.0, -1.0, 1.0],), {}, r"class_weight contains negative values"),
        (([0.0, 0.0, 0.0],), {}, r"class_weight is all zeros"),
        (([1.0, np.inf, 1.0],), {}, r"class_weight contains NaN or infinite"),
        (
            ([1.0, 1.0],),
            {"log_prior": [-1.0, -1.0, -1.0]},
            r"class_weight has 2 entries but log_prior has 3",
        ),
    ],
)
def test_make_loss_errors(args, kwargs, match):
    with pytest.raises(ValueError, match=match):
        make_loss(*args, **kwargs)


def test_forward_rejects_wrong_number_of_classes():
    loss = make_loss(weights_from_counts(COUNTS))
    logits, targets = _batch(c=4)
    with pytest.raises(ValueError, match=r"shape \(batch, 3\); got \(32, 4\)"):
        loss(logits, targets)


# --------------------------------------------------------------------------------------------
# stable for any exponent and counts (hypothesis)
# --------------------------------------------------------------------------------------------

counts_st = st.lists(st.integers(0, 10**7), min_size=1, max_size=60).filter(lambda c: sum(c) > 0)


@settings(max_examples=300, deadline=None)
@given(counts=counts_st, alpha=st.floats(0, 50), max_ratio=st.none() | st.floats(1, 1e9))
def test_power_law_weights_are_finite_and_average_one(counts, alpha, max_ratio):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # the wide-span warning is tested below
        w = weights_from_counts(counts, alpha=alpha, max_ratio=max_ratio)
    n = np.asarray(counts, dtype=np.float64)
    assert np.isfinite(w).all() and (w >= 0).all() and (w[n == 0] == 0).all()
    assert np.dot(n, w) / n.sum() == pytest.approx(1.0, rel=1e-9)
    present = w[n > 0]
    if max_ratio is not None and present.min() > 0:
        assert present.max() / present.min() <= max_ratio * (1 + 1e-9)


@settings(max_examples=200, deadline=None)
@given(counts=counts_st, beta=st.floats(0, 1, exclude_max=True))
def test_effective_number_weights_are_finite_and_average_one(counts, beta):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        w = weights_from_counts(counts, beta=beta)
    n = np.asarray(counts, dtype=np.float64)
    assert np.isfinite(w).all() and (w >= 0).all()
    assert np.dot(n, w) / n.sum() == pytest.approx(1.0, rel=1e-9)


def test_a_huge_exponent_gives_finite_weights_and_a_warning():
    with pytest.warns(UserWarning, match=r"span a ratio of .* \(more than 1e\+06\).*max_ratio"):
        w = weights_from_counts([100, 25, 4], alpha=1000)
    assert np.isfinite(w).all() and w[2] == pytest.approx(129 / 4)  # all the weight on the rarest
    with pytest.warns(UserWarning, match="span a ratio"):
        y = np.repeat([0, 1, 2], [100, 25, 4])
        assert np.isfinite(class_weights(y, n_classes=3, alpha=1000)).all()


def test_ordinary_weights_do_not_warn():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        weights_from_counts([9338, 10], alpha=1.0)  # ratio 934
        weights_from_counts([10**6, 1], alpha=0.5, beta=None)  # ratio 1000


def test_log_space_agrees_with_the_direct_formula():
    counts = np.array([500, 120, 30, 7, 1])
    for alpha in (0.0, 0.25, 0.5, 1.0, 2.0):
        raw = counts**-alpha
        np.testing.assert_allclose(
            weights_from_counts(counts, alpha=alpha), raw * counts.sum() / np.dot(counts, raw)
        )
    beta = 0.999
    raw = (1 - beta) / (1 - beta**counts)
    np.testing.assert_allclose(
        weights_from_counts(counts, beta=beta), raw * counts.sum() / np.dot(counts, raw)
    )
