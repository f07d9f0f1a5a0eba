import json

import numpy as np
import pytest

import weightlab as wl
from weightlab.fitcheck import fit_check
from weightlab.metrics import scores_from_logits
from weightlab.runs import Run


def _run(name, engine, logits, y, alpha=0.0, info=None):
    scores = scores_from_logits(logits, y, class_names=["a", "b", "c"])
    return Run(name, engine, alpha, 0.0, 0, logits, logits, scores, info or {})


def _logits(y, correct):
    """One-hot logits that get the first ``correct`` documents right and the rest wrong."""
    pred = np.where(np.arange(len(y)) < correct, y, (y + 1) % 3)
    return np.eye(3, dtype=np.float32)[pred]


Y = np.array([0, 1, 2] * 20)


def test_passes_within_tolerance_and_fails_below_it():
    base = _run("tfidf-logreg", "tfidf-logreg", _logits(Y, 54), Y, None, {"converged": True})
    close = _run("unweighted", "tfidf-linear", _logits(Y, 54), Y)
    check = fit_check([base, close], Y, class_names=["a", "b", "c"])
    assert check.passed and check.accuracy_gap == 0.0
    assert "Fit check passed" in check.message and "iteration cap" not in check.message

    far = _run("unweighted", "tfidf-linear", _logits(Y, 45), Y)
    check = fit_check([base, far], Y, class_names=["a", "b", "c"])
    assert not check.passed
    assert check.accuracy_gap == pytest.approx(-0.15)
    assert "FIT CHECK FAILED" in check.message and "15.0 accuracy points" in check.message


def test_checks_the_unweighted_run_and_names_an_unconverged_baseline():
    base = _run("tfidf-logreg", "tfidf-logreg", _logits(Y, 54), Y, None, {"converged": False})
    weighted = _run("weighted", "tfidf-linear", _logits(Y, 10), Y, alpha=0.5)
    unweighted = _run("unweighted", "tfidf-linear", _logits(Y, 60), Y)
    check = fit_check([base, weighted, unweighted], Y, class_names=["a", "b", "c"])
    assert check.accuracy == 1.0 and check.passed  # the weighted run is not the one checked
    assert "iteration cap" in check.message


def test_nothing_to_compare_gives_none():
    un = _run("unweighted", "tfidf-linear", _logits(Y, 54), Y)
    assert fit_check([un], Y, class_names=["a", "b", "c"]) is None
    assert fit_check([un], Y[:0], class_names=["a", "b", "c"]) is None


def test_reproduce_writes_the_fit_check_to_table_and_json(tmp_path):
    results = wl.reproduce(
        "synthetic", size=1500, n_classes=8, out=tmp_path, n_boot=0, cache=False, progress=False
    )
    check = results.fit_check()
    saved = json.loads((tmp_path / "results.json").read_text())["fit_check"]
    assert saved["passed"] == check.passed and saved["message"] == check.message
    assert check.message in (tmp_path / "table.md").read_text()
    logreg = next(r for r in saved_runs(tmp_path) if r["engine"] == "tfidf-logreg")
    assert isinstance(logreg["info"]["converged"], bool) and logreg["info"]["n_iter"] >= 1


def saved_runs(folder):
    return json.loads((folder / "results.json").read_text())["runs"]
