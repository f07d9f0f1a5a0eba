import numpy as np
import pandas as pd
import pytest
import torch
from sklearn.metrics import precision_recall_fscore_support

from weightlab.adjust import (
    DEFAULT_TAUS,
    Choice,
    adjust_logits,
    choose_alpha,
    choose_tau,
    tau_sweep,
)
from weightlab.engines import TfidfLinearConfig, TfidfLinearEngine
from weightlab.metrics import band_summary, score
from weightlab.runs import Run, train_runs
from weightlab.synthetic import make_complaints
from weightlab.weights import log_prior

# Hand-checkable: class 0 has 90 training examples, class 1 has 10, so
# tau * log(0.9 / 0.1) = tau * 2.197 is the margin by which tau moves a document to class 1.
COUNTS = np.array([90, 10])
PRIOR = log_prior(COUNTS)
Z = np.array([[2.0, 0.0], [2.0, 1.5], [0.0, 1.0]])  # margins (class 0 - class 1): 2, 0.5, -1
Y = np.array([0, 1, 1])


def _random_problem(n=400, n_classes=9, seed=0):
    """Long-tailed labels and noisy logits; class 8 never occurs in y (but may be predicted)."""
    rng = np.random.default_rng(seed)
    p = np.r_[np.geomspace(1, 0.02, n_classes - 1), 0.0]
    y = rng.choice(n_classes, size=n, p=p / p.sum())
    logits = rng.normal(size=(n, n_classes)) + 1.5 * np.eye(n_classes)[y]
    counts = np.bincount(y, minlength=n_classes) * 5 + 1
    names = [f"c{i}" for i in range(n_classes)]
    return logits, y, counts, names


# --------------------------------------------------------------------------------------------
# adjust_logits
# --------------------------------------------------------------------------------------------


def test_adjust_logits_formula():
    out = adjust_logits(Z, PRIOR, tau=0.5)
    np.testing.assert_allclose(out, Z - 0.5 * PRIOR)
    np.testing.assert_array_equal(adjust_logits(Z, PRIOR, tau=0), Z)
    # The rare class gains more: log(0.1) < log(0.9).
    gain = out - Z
    assert gain[0, 1] > gain[0, 0] > 0


def test_tau_shifts_predictions_towards_the_rare_class():
    # A document flips to class 1 once tau > margin / 2.197: document 1 (margin 0.5) at
    # tau > 0.23, document 0 (margin 2) at tau > 0.91; document 2 is class 1 already.
    preds = {t: adjust_logits(Z, PRIOR, tau=t).argmax(axis=1).tolist() for t in (0, 0.5, 1)}
    assert preds == {0: [0, 0, 1], 0.5: [0, 1, 1], 1: [1, 1, 1]}


def test_adjust_logits_accepts_torch_tensors():
    out = adjust_logits(torch.tensor(Z, dtype=torch.bfloat16), torch.tensor(PRIOR), tau=1.0)
    np.testing.assert_allclose(out, Z - PRIOR, atol=1e-6)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"tau": float("nan")}, "tau must be a finite number"),
        ({"tau": "1"}, "tau must be a finite number"),
        ({"tau": True}, "tau must be a finite number"),
    ],
)
def test_adjust_logits_rejects_bad_tau(kwargs, match):
    with pytest.raises(ValueError, match=match):
        adjust_logits(Z, PRIOR, **kwargs)


def test_adjust_logits_rejects_bad_inputs():
    with pytest.raises(ValueError, match=r"log_prior must have one entry per class \(2\)"):
        adjust_logits(Z, PRIOR[:1], tau=1)
    with pytest.raises(ValueError, match="log_prior contains -inf or NaN"):
        adjust_logits(Z, np.array([0.0, -np.inf]), tau=1)
    with pytest.raises(ValueError, match="logits must have shape"):
        adjust_logits(Z[0], PRIOR, tau=1)
    with pytest.raises(ValueError, match="logits contain NaN"):
        adjust_logits(np.array([[np.nan, 0.0]]), PRIOR, tau=1)
    with pytest.raises(ValueError, match="log_prior is required"):
        adjust_logits(Z, None, tau=1)


# --------------------------------------------------------------------------------------------
# tau_sweep
# --------------------------------------------------------------------------------------------


def test_tau_sweep_hand_values():
    table = tau_sweep(Z, Y, log_prior=PRIOR, taus=[0, 0.5, 1])
    assert list(table.columns) == [
        "tau",
        "accuracy",
        "macro_f1",
        "balanced_accuracy",
        "zero_f1_classes",
        "n_classes_predicted",
    ]
    assert table["tau"].tolist() == [0, 0.5, 1]
    # tau=0: preds 0,0,1 -> F1 (2/3, 2/3); 0.5: all right; 1: all class 1 -> F1 (0, 0.8)
    np.testing.assert_allclose(table["accuracy"], [2 / 3, 1, 2 / 3])
    np.testing.assert_allclose(table["macro_f1"], [2 / 3, 1, 0.4])
    np.testing.assert_allclose(table["balanced_accuracy"], [0.75, 1, 0.5])
    assert table["zero_f1_classes"].tolist() == [0, 0, 1]
    assert table["n_classes_predicted"].tolist() == [2, 2, 1]


def test_tau_sweep_at_zero_equals_score_of_argmax():
    logits, y, counts, names = _random_problem()
    row = tau_sweep(logits, y, train_counts=counts, class_names=names).iloc[0]
    o = score(y, logits.argmax(axis=1), class_names=names, train_counts=counts).overall
    assert row["tau"] == 0
    for key in ("accuracy", "macro_f1", "balanced_accuracy"):
        assert row[key] == pytest.approx(o[key], abs=1e-12), key
    for key in ("zero_f1_classes", "n_classes_predicted"):
        assert row[key] == o[key], key


def test_tau_sweep_every_row_equals_sklearn():
    # The per-class F1 is computed from counts; it must be sklearn's at every tau.
    logits, y, counts, names = _random_problem(seed=3)
    prior = log_prior(counts)
    table = tau_sweep(logits, y, log_prior=prior, taus=[0, 0.3, 1, 2.5])
    present = np.unique(y)
    for tau, row in zip(table["tau"], table.itertuples(), strict=True):
        pred = adjust_logits(logits, prior, tau=tau).argmax(axis=1)
        _, _, f1, _ = precision_recall_fscore_support(y, pred, labels=present, zero_division=0)
        assert row.macro_f1 == pytest.approx(f1.mean(), abs=1e-12)
        assert row.zero_f1_classes == int((f1 == 0).sum())
        assert row.accuracy == pytest.approx((pred == y).mean())


def test_tau_sweep_band_columns_match_band_summary():
    logits, y, counts, names = _random_problem()
    table = tau_sweep(logits, y, train_counts=counts, class_names=names, bands=(20, 100))
    bands = band_summary(score(y, logits.argmax(1), class_names=names, train_counts=counts))
    for band in ("head", "medium", "tail"):
        expected = bands.loc[band, "mean_f1"]
        got = table[f"{band}_f1"].iloc[0]
        assert (np.isnan(expected) and np.isnan(got)) or got == pytest.approx(expected)


def test_tau_sweep_default_grid_and_prior_from_counts():
    logits, y, counts, _ = _random_problem()
    table = tau_sweep(logits, y, train_counts=counts)
    assert len(table) == 41 and table["tau"].tolist() == pytest.approx(list(DEFAULT_TAUS))
    pd.testing.assert_frame_equal(
        table[["accuracy", "macro_f1"]],
        tau_sweep(logits, y, log_prior=log_prior(counts))[["accuracy", "macro_f1"]],
    )


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"taus": []}, "taus must be a non-empty 1-D sequence"),
        ({"taus": [0, np.inf]}, "taus must all be finite"),
        ({"taus": ["a"]}, "taus must be a sequence of numbers"),
        ({"class_names": ["a", "b", "c"]}, "logits has 2 columns but class_names has 3"),
        ({"bands": (5,)}, "bands must be a pair"),
    ],
)
def test_tau_sweep_rejects_bad_options(kwargs, match):
    with pytest.raises(ValueError, match=match):
        tau_sweep(Z, Y, log_prior=PRIOR, **kwargs)


def test_tau_sweep_rejects_bad_inputs():
    with pytest.raises(ValueError, match="log_prior is required"):
        tau_sweep(Z, Y)
    with pytest.raises(ValueError, match="logits has 3 rows but y_true has 2 labels"):
        tau_sweep(Z, Y[:2], log_prior=PRIOR)
    with pytest.raises(ValueError, match="y_true contains label 2 but there are only 2 classes"):
        tau_sweep(Z, [0, 1, 2], log_prior=PRIOR)
    with pytest.raises(ValueError, match="train_counts must have one count per class"):
        tau_sweep(Z, Y, train_counts=[1, 2, 3])


# --------------------------------------------------------------------------------------------
# choose_tau
# --------------------------------------------------------------------------------------------


def test_choose_tau_uses_validation_not_test():
    # Margins 3, 1.5, 2: only tau=1 (shift 2.197) gets validation right; on test (all class
    # 0) tau=0 is perfect.
    z = np.array([[3.0, 0.0], [2.0, 0.5], [2.0, 0.0]])
    val_z, val_y, test_z, test_y = z, np.array([0, 1, 1]), z, np.array([0, 0, 0])
    taus = [0.0, 0.5, 1.0]
    choice = choose_tau(val_z, val_y, log_prior=PRIOR, taus=taus)
    assert choice.value == 1.0 and choice.validation_score == pytest.approx(1.0)
    on_test = tau_sweep(test_z, test_y, log_prior=PRIOR, taus=taus)
    assert on_test["macro_f1"].idxmax() == 0  # test alone would have picked tau = 0
    assert isinstance(choice, Choice) and choice.split == "validation"
    assert choice.grid["tau"].tolist() == taus
    assert repr(choice) == (
        "Choice(tau=1: maximises macro_f1 on the validation split (macro_f1=1.0000; 3 candidates))"
    )


def test_choose_tau_ties_go_to_the_smallest_change():
    # Every tau in [0, 0.5] predicts the same; accuracy is flat there and falls after.
    choice = choose_tau(Z[[0, 2]], Y[[0, 2]], log_prior=PRIOR, metric="accuracy")
    assert choice.value == 0.0 and choice.metric == "accuracy"


def test_choose_tau_rejects_unknown_metric():
    with pytest.raises(ValueError, match="metric must be one of macro_f1, accuracy"):
        choose_tau(Z, Y, log_prior=PRIOR, metric="f1")


# --------------------------------------------------------------------------------------------
# choose_alpha
# --------------------------------------------------------------------------------------------


def _run(name, engine, alpha, val_logits, tau=0.0):
    s = score([0, 1], [0, 1], class_names=["a", "b"])
    return Run(name, engine, alpha, tau, 0, np.asarray(val_logits), np.zeros((1, 2)), s)


def test_choose_alpha_scores_validation_logits_and_skips_baselines():
    y_val = np.array([0, 1, 1])
    runs = [
        _run("majority", "majority", None, [[1, 0]] * 3),
        _run("tfidf-logreg", "tfidf-logreg", 0.0, [[0, 1], [1, 0], [0, 1]]),
        _run("unweighted", "tfidf-linear", 0.0, [[1, 0], [1, 0], [0, 1]]),
        _run("weighted", "tfidf-linear", 0.5, [[1, 0], [0, 1], [0, 1]]),
        _run("la-loss tau=1", "tfidf-linear", 0.0, [[1, 0], [0, 1], [0, 1]], tau=1.0),
    ]
    choice = choose_alpha(runs, y_val)
    assert choice.value == 0.5 and choice.parameter == "alpha"
    assert choice.grid["run"].tolist() == ["unweighted", "weighted"]
    assert choice.validation_score == pytest.approx(1.0)
    assert "alpha=0.5: maximises macro_f1 on the validation split" in repr(choice)


def test_choose_alpha_rejects_bad_runs():
    y_val = np.array([0, 1])
    base = _run("majority", "majority", None, [[1, 0]] * 2)
    with pytest.raises(ValueError, match="No run to choose from"):
        choose_alpha([base], y_val)
    a = _run("unweighted", "tfidf-linear", 0.0, [[1, 0]] * 2)
    with pytest.raises(ValueError, match="Runs repeat an alpha"):
        choose_alpha([a, a], y_val)
    b = _run("unweighted", "transformer", 0.5, [[1, 0]] * 2)
    with pytest.raises(ValueError, match="several engines"):
        choose_alpha([a, b], y_val)
    with pytest.raises(ValueError, match="logits has 2 rows but y_true has 3 labels"):
        choose_alpha([a], [0, 1, 1])
    with pytest.raises(ValueError, match="metric must be one of"):
        choose_alpha([a], y_val, metric="loss")


# --------------------------------------------------------------------------------------------
# train-time logit adjustment (the logit-adjusted loss) through train_runs
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def la_runs():
    ds = make_complaints(1500, 8, seed=1)
    engine = TfidfLinearEngine(TfidfLinearConfig(max_epochs=2))
    runs = train_runs(
        ds, engine=engine, alphas=(0.0,), taus=(1.0,), baselines=False, progress=False
    )
    return ds, runs


def test_train_runs_with_taus_adds_la_loss_runs(la_runs):
    ds, runs = la_runs
    assert [r.name for r in runs] == ["unweighted", "la-loss tau=1"]
    plain, la = runs
    assert (la.tau, la.alpha, la.engine) == (1.0, 0.0, "tfidf-linear")
    assert la.record()["tau"] == 1.0
    # The loss added the prior during training, so the raw logits favour rare classes.
    head = int(np.argmax(ds.train_counts))
    share = [float(np.mean(r.test_logits.argmax(1) == head)) for r in runs]
    assert share[1] < share[0]
    assert la.scores.overall["n_classes_predicted"] >= plain.scores.overall["n_classes_predicted"]


@pytest.mark.parametrize(
    ("taus", "match"),
    [((0.0,), "taus must be finite and non-zero"), (("x",), "taus must be a sequence")],
)
def test_train_runs_rejects_bad_taus(taus, match):
    ds = make_complaints(600, 5, seed=2)
    with pytest.raises(ValueError, match=match):
        train_runs(ds, taus=taus, baselines=False, progress=False)
