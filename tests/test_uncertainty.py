import json
import re

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import f1_score

from weightlab.cli import build_parser, main
from weightlab.metrics import score
from weightlab.reproduce import reproduce
from weightlab.runs import Run
from weightlab.synthetic import make_complaints
from weightlab.uncertainty import (
    CI_METRICS,
    BootstrapCI,
    PairedBootstrap,
    _index_chunks,
    bootstrap_ci,
    paired_bootstrap,
    run_uncertainty,
)

NAMES = [f"c{i}" for i in range(6)]


def _labels(n=300, seed=0, accuracy=0.7):
    """Long-tailed y (class 4 has 2 documents, class 5 none) and predictions ~70% right."""
    rng = np.random.default_rng(seed)
    y = np.r_[rng.choice(4, size=n - 2, p=[0.5, 0.3, 0.15, 0.05]), [4, 4]]
    pred = np.where(rng.random(n) < accuracy, y, rng.integers(0, 6, size=n))
    return y, pred


@pytest.fixture(scope="module")
def yp():
    return _labels()


# --------------------------------------------------------------------------------------------
# the resampling scheme
# --------------------------------------------------------------------------------------------


def test_stratified_resamples_keep_every_class_support(yp):
    y, _ = yp
    support = np.bincount(y)
    chunks = list(_index_chunks(y, 300, seed=0, stratified=True))
    assert sum(len(c) for c in chunks) == 300 and len(chunks) > 1
    for idx in np.concatenate(chunks):
        np.testing.assert_array_equal(np.bincount(y[idx], minlength=support.size), support)
    # ... and documents of a class are drawn from that class, with replacement.
    idx = chunks[0][0]
    assert np.unique(idx).size < idx.size


def test_plain_resamples_change_the_supports(yp):
    y, _ = yp
    idx = np.concatenate(list(_index_chunks(y, 200, seed=0, stratified=False)))
    counts_of_4 = (y[idx] == 4).sum(axis=1)
    assert (counts_of_4 == 0).any() and (counts_of_4 != 2).any()


def test_estimates_equal_score(yp):
    y, pred = yp
    o = score(y, pred, class_names=NAMES).overall
    for stratified in (True, False):
        ci = bootstrap_ci(y, pred, class_names=NAMES, n_boot=50, stratified=stratified)
        for m in CI_METRICS:
            assert ci.table.loc[m, "estimate"] == pytest.approx(o[m], abs=1e-12), m


@pytest.mark.parametrize("stratified", [True, False])
def test_each_resample_is_scored_like_score(yp, stratified):
    # The per-resample statistics (from bincounts) equal sklearn on the resampled labels.
    y, pred = yp
    ci = bootstrap_ci(y, pred, class_names=NAMES, n_boot=5, seed=3, stratified=stratified)
    idx = next(_index_chunks(y, 5, seed=3, stratified=stratified))
    for b in range(5):
        yt, yb = y[idx[b]], pred[idx[b]]
        present = np.unique(yt)
        f1 = f1_score(yt, yb, labels=present, average=None, zero_division=0)
        row = ci.samples.iloc[b]
        assert row["accuracy"] == pytest.approx(np.mean(yt == yb))
        assert row["macro_f1"] == pytest.approx(f1.mean())
        assert row["zero_f1_classes"] == (f1 == 0).sum()


# --------------------------------------------------------------------------------------------
# bootstrap_ci
# --------------------------------------------------------------------------------------------


def test_ci_contains_the_estimate_and_is_ordered(yp):
    y, pred = yp
    ci = bootstrap_ci(y, pred, class_names=NAMES, n_boot=400)
    assert isinstance(ci, BootstrapCI)
    assert list(ci.table.index) == list(CI_METRICS)
    assert list(ci.table.columns) == ["estimate", "mean", "std", "low", "high"]
    for m in ("accuracy", "macro_f1"):
        lo, hi = ci.ci(m)
        assert lo < ci.table.loc[m, "estimate"] < hi, m
    # A class with no correct prediction stays at zero in every stratified resample, so the
    # resampled zero-F1 count is never below the observed one (see the module docstring) ...
    zero = ci.table.loc["zero_f1_classes"]
    assert (ci.samples["zero_f1_classes"] >= zero["estimate"]).all()
    assert zero["mean"] > zero["estimate"]
    # ... and its interval is bias-corrected: around the observed count, not above it.
    lo, hi = ci.ci("zero_f1_classes")
    assert lo <= zero["estimate"] <= hi
    bias = zero["mean"] - zero["estimate"]
    q_lo, q_hi = np.quantile(ci.samples["zero_f1_classes"], [0.025, 0.975])
    assert (lo, hi) == pytest.approx((max(q_lo - bias, 0.0), max(q_hi - bias, 0.0)))  # >= 0
    assert ci.samples.shape == (400, 3)


def test_percentile_interval_is_the_quantiles(yp):
    y, pred = yp
    ci = bootstrap_ci(y, pred, class_names=NAMES, n_boot=200, level=0.9)
    q = np.quantile(ci.samples["macro_f1"], [0.05, 0.95])
    assert ci.ci("macro_f1") == pytest.approx(tuple(q))
    basic = bootstrap_ci(y, pred, class_names=NAMES, n_boot=200, level=0.9, method="basic")
    est = ci.table.loc["macro_f1", "estimate"]
    assert basic.ci("macro_f1") == pytest.approx((2 * est - q[1], 2 * est - q[0]))


def test_bootstrap_is_deterministic_for_a_seed(yp):
    y, pred = yp
    a = bootstrap_ci(y, pred, class_names=NAMES, n_boot=300, seed=7)
    b = bootstrap_ci(y, pred, class_names=NAMES, n_boot=300, seed=7)
    c = bootstrap_ci(y, pred, class_names=NAMES, n_boot=300, seed=8)
    pd.testing.assert_frame_equal(a.samples, b.samples)
    pd.testing.assert_frame_equal(a.table, b.table)
    assert not a.samples.equals(c.samples)


def test_perfect_predictions_have_a_zero_width_interval(yp):
    y, _ = yp
    ci = bootstrap_ci(y, y, class_names=NAMES, n_boot=100)
    assert ci.ci("accuracy") == (1.0, 1.0) and ci.ci("macro_f1") == (1.0, 1.0)
    assert ci.ci("zero_f1_classes") == (0.0, 0.0)


def test_describe_and_repr(yp):
    y, pred = yp
    ci = bootstrap_ci(y, pred, class_names=NAMES, n_boot=100)
    text = ci.describe()
    assert re.fullmatch(
        r"accuracy \d+\.\d% \[\d+\.\d, \d+\.\d\]; macro F1 0\.\d{3} \[0\.\d{3}, 0\.\d{3}\]; "
        r"zero-F1 classes \d+ \[\d+, \d+\]",
        text,
    ), text
    assert (
        "95% percentile intervals (zero-F1: bias-corrected), 100 stratified resamples of 300 "
        "test documents" in repr(ci)
    )


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"n_boot": 0}, "n_boot must be a whole number >= 1"),
        ({"n_boot": 10.5}, "n_boot must be a whole number >= 1"),
        ({"seed": -1}, "seed must be a whole number >= 0"),
        ({"level": 1.5}, r"level must be a number in \(0, 1\)"),
        ({"level": 95}, r"level must be a number in \(0, 1\)"),
        ({"method": "bca"}, "method must be one of percentile, basic"),
    ],
)
def test_bootstrap_ci_rejects_bad_options(yp, kwargs, match):
    y, pred = yp
    with pytest.raises(ValueError, match=match):
        bootstrap_ci(y, pred, class_names=NAMES, **kwargs)


def test_bootstrap_ci_rejects_bad_labels(yp):
    y, pred = yp
    with pytest.raises(ValueError, match="y_true has 300 labels but y_pred has 299"):
        bootstrap_ci(y, pred[:-1], class_names=NAMES)
    with pytest.raises(ValueError, match="y_pred contains label 6 but there are only 6 classes"):
        bootstrap_ci(y, np.full_like(pred, 6), class_names=NAMES)
    with pytest.raises(ValueError, match="class_names must be a list"):
        bootstrap_ci(y, pred, class_names=None)
    with pytest.raises(ValueError, match="metric must be one of"):
        bootstrap_ci(y, pred, class_names=NAMES, n_boot=5).ci("f1")


# --------------------------------------------------------------------------------------------
# paired_bootstrap
# --------------------------------------------------------------------------------------------


def test_identical_predictions_differ_by_exactly_zero(yp):
    y, pred = yp
    d = paired_bootstrap(y, pred, pred, class_names=NAMES, n_boot=200)
    assert isinstance(d, PairedBootstrap)
    for m in CI_METRICS:
        assert d.ci(m) == (0.0, 0.0)
        assert d.table.loc[m, "difference"] == 0 and d.table.loc[m, "p_b_better"] == 0


def test_paired_uses_the_same_resamples_as_bootstrap_ci(yp):
    y, pred = yp
    better = np.where(np.arange(y.size) % 3 == 0, y, pred)  # fixes a third of the documents
    d = paired_bootstrap(y, pred, better, class_names=NAMES, n_boot=200, seed=4)
    a = bootstrap_ci(y, pred, class_names=NAMES, n_boot=200, seed=4)
    b = bootstrap_ci(y, better, class_names=NAMES, n_boot=200, seed=4)
    pd.testing.assert_frame_equal(d.samples, b.samples - a.samples)
    est = b.table["estimate"] - a.table["estimate"]
    np.testing.assert_allclose(d.table["difference"], est)
    lo, hi = d.ci("accuracy")
    assert 0 < lo <= d.table.loc["accuracy", "difference"] <= hi
    assert d.table.loc["accuracy", "p_b_better"] == 1.0


def test_fewer_zero_f1_classes_count_as_better():
    y = np.array([0] * 10 + [1] * 3 + [2] * 3)
    a = np.zeros_like(y)  # classes 1 and 2 at F1 = 0
    b = y.copy()  # all right
    d = paired_bootstrap(y, a, b, class_names=["x", "y", "z"], n_boot=100, names=("u", "w"))
    assert d.table.loc["zero_f1_classes", "difference"] == -2
    assert d.table.loc["zero_f1_classes", "p_b_better"] == 1.0
    assert d.names == ("u", "w")


def test_paired_describe_and_records(yp):
    y, pred = yp
    better = np.where(np.arange(y.size) % 3 == 0, y, pred)
    d = paired_bootstrap(y, pred, better, class_names=NAMES, n_boot=100, names=("u", "w"))
    lines = d.describe().splitlines()
    assert lines[0] == "w - u (100 stratified resamples of 300 test documents):"
    assert re.fullmatch(
        r"macro F1 \+0\.\d{3}, 95% CI \[-?\d\.\d{3}, \d\.\d{3}\]; w better in \d+\.\d% of "
        r"resamples",
        lines[2],
    ), lines[2]
    assert lines[1].startswith("accuracy +") and " pp, 95% CI [" in lines[1]
    records = d.records()
    assert [r["metric"] for r in records] == list(CI_METRICS)
    assert set(records[0]) == {"a", "b", "metric", "difference", "ci", "p_b_better"}
    assert (records[0]["a"], records[0]["b"]) == ("u", "w")
    json.dumps(records)  # plain Python types


def test_paired_rejects_bad_names(yp):
    y, pred = yp
    with pytest.raises(ValueError, match="names must be two different names"):
        paired_bootstrap(y, pred, pred, class_names=NAMES, names=("a", "a"))
    with pytest.raises(ValueError, match="y_true has 300 labels but pred_b has 2"):
        paired_bootstrap(y, pred, pred[:2], class_names=NAMES)


# --------------------------------------------------------------------------------------------
# run_uncertainty
# --------------------------------------------------------------------------------------------


def _run(name, engine, pred, alpha=0.0):
    logits = np.eye(len(NAMES))[pred]
    placeholder = score(np.arange(6), np.arange(6), class_names=NAMES)  # not used here
    return Run(name, engine, alpha, 0.0, 0, logits, logits, placeholder)


def test_run_uncertainty_matches_the_single_functions(yp):
    y, pred = yp
    better = np.where(np.arange(y.size) % 3 == 0, y, pred)
    runs = [
        _run("majority", "majority", np.zeros_like(y), alpha=None),
        _run("unweighted", "tfidf-linear", pred),
        _run("weighted", "tfidf-linear", better, alpha=0.5),
        _run("other", "transformer", better),
    ]
    unc = run_uncertainty(runs, y, class_names=NAMES, n_boot=100, seed=2)
    assert list(unc.intervals) == ["majority", "unweighted", "weighted", "other"]
    single = bootstrap_ci(y, better, class_names=NAMES, n_boot=100, seed=2)
    pd.testing.assert_frame_equal(unc.intervals["weighted"].table, single.table)
    assert [c.names for c in unc.comparisons] == [("unweighted", "weighted")]
    paired = paired_bootstrap(y, pred, better, class_names=NAMES, n_boot=100, seed=2)
    pd.testing.assert_frame_equal(unc.comparisons[0].table, paired.table)
    assert len(unc.records()) == 3
    assert run_uncertainty(runs, y, class_names=NAMES, n_boot=5, reference="x").comparisons == []


def test_run_uncertainty_rejects_bad_runs(yp):
    y, pred = yp
    with pytest.raises(ValueError, match="runs is empty"):
        run_uncertainty([], y, class_names=NAMES)
    twice = [_run("u", "tfidf-linear", pred)] * 2
    with pytest.raises(ValueError, match="Run names must be unique"):
        run_uncertainty(twice, y, class_names=NAMES)


@pytest.fixture(scope="module")
def small():
    return make_complaints(600, 5, seed=2)


# --------------------------------------------------------------------------------------------
# reproduce writes the intervals and comparisons
# --------------------------------------------------------------------------------------------


def test_reproduce_results_json_has_intervals_and_comparisons(small, tmp_path):
    results = reproduce(
        small, out=tmp_path, baselines=False, progress=False, n_boot=200, cache=False
    )
    data = json.loads((tmp_path / "results.json").read_text())
    for rec in data["runs"]:
        for m in CI_METRICS:
            lo, hi = rec[f"{m}_ci"]
            assert lo <= hi
        assert rec["accuracy_ci"][0] <= rec["accuracy"] <= rec["accuracy_ci"][1]
        zero = rec["zero_f1_classes_ci"]
        assert zero[0] <= rec["zero_f1_classes"] <= zero[1]  # bias-corrected: around the count
    comps = data["comparisons"]
    assert [(c["a"], c["b"], c["metric"]) for c in comps] == [
        ("unweighted", "weighted", m) for m in CI_METRICS
    ]
    for c in comps:
        assert set(c) == {"a", "b", "metric", "difference", "ci", "p_b_better"}
        assert c["ci"][0] <= c["ci"][1] and 0 <= c["p_b_better"] <= 1
    assert data["bootstrap"]["n_boot"] == 200 and "seed_variance" not in data
    text = (tmp_path / "table.md").read_text()
    acc = results.run("weighted").record()["accuracy"]
    assert f"accuracy {acc:.1%} [" in text
    assert "Paired differences from unweighted" in text and "- weighted vs unweighted:" in text


def test_reproduce_n_boot_zero_and_seeds(small):
    results = reproduce(
        small,
        out=None,
        baselines=False,
        alphas=(0.0,),
        progress=False,
        n_boot=0,
        seeds=(0, 1),
        cache=False,
    )
    data = results.to_dict()
    assert data["runs"][0]["macro_f1_ci"] is None and data["comparisons"] == []
    assert [r["alpha"] for r in data["seed_variance"]] == [0.0]
    assert data["seed_variance"][0]["n_seeds"] == 2
    assert "Spread over training seeds" in results.markdown()
    with pytest.raises(ValueError, match="n_boot must be a whole number >= 0"):
        reproduce(small, out=None, baselines=False, progress=False, n_boot=-1, cache=False)


def test_cli_uncertainty_flags(capsys):
    args = build_parser().parse_args(
        ["reproduce", "--n-boot", "50", "--seeds", "0,1", "--taus", "1"]
    )
    assert (args.n_boot, args.seeds, args.taus) == (50, [0, 1], [1.0])
    defaults = build_parser().parse_args(["reproduce"])
    assert (defaults.n_boot, defaults.seeds, defaults.taus) == (1000, None, [])
    for flag, value, message in [
        ("--n-boot", "-1", "--n-boot takes a whole number >= 0"),
        ("--seeds", "0", "--seeds needs at least two distinct seeds"),
        ("--seeds", "a,b", "--seeds takes comma-separated whole numbers"),
        ("--taus", "0", "--taus needs non-zero numbers"),
    ]:
        with pytest.raises(SystemExit):
            main(["reproduce", flag, value])
        assert message in capsys.readouterr().err


def test_seed_variance_moved_to_the_sweep_module_with_a_warning():
    import weightlab.sweep
    import weightlab.uncertainty

    with pytest.warns(DeprecationWarning, match="moved to weightlab.sweep.seed_variance"):
        assert weightlab.uncertainty.seed_variance is weightlab.sweep.seed_variance
