import json
import math

import numpy as np
import pytest

from weightlab.engines import TfidfLinearConfig, TfidfLinearEngine, get_engine
from weightlab.metrics import Scores
from weightlab.runs import Run, run_name, train_run, train_runs
from weightlab.synthetic import make_complaints


@pytest.fixture(scope="module")
def ds():
    return make_complaints(1500, 8, seed=1)


@pytest.fixture(scope="module")
def runs(ds):
    # A configured engine (one epoch) keeps this fast; train_runs takes it as is.
    engine = TfidfLinearEngine(TfidfLinearConfig(max_epochs=1))
    return train_runs(ds, engine=engine, alphas=(0.0, 0.5, 1.0), seed=0, progress=False)


# --------------------------------------------------------------------------------------------
# run_name
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("alpha", "tau", "expected"),
    [
        (0.0, 0.0, "unweighted"),
        (0, 0.0, "unweighted"),
        (0.5, 0.0, "weighted"),
        (0.5000000000001, 0.0, "weighted"),
        (1.0, 0.0, "alpha=1"),
        (0.25, 0.0, "alpha=0.25"),
        (2, 0.0, "alpha=2"),
        (0.0, 1.0, "la-loss tau=1"),
        (0.5, 1.5, "la-loss tau=1.5 alpha=0.5"),
    ],
)
def test_run_name(alpha, tau, expected):
    assert run_name(alpha, tau=tau) == expected


# --------------------------------------------------------------------------------------------
# train_runs
# --------------------------------------------------------------------------------------------


def test_train_runs_order_and_names(runs):
    assert [r.name for r in runs] == [
        "majority",
        "tfidf-logreg",
        "unweighted",
        "weighted",
        "alpha=1",
    ]
    assert [r.engine for r in runs] == [
        "majority",
        "tfidf-logreg",
        "tfidf-linear",
        "tfidf-linear",
        "tfidf-linear",
    ]
    assert [r.alpha for r in runs] == [None, 0.0, 0.0, 0.5, 1.0]
    assert all(isinstance(r, Run) and isinstance(r.scores, Scores) for r in runs)
    assert all(r.seed == 0 and r.tau == 0.0 for r in runs)


def test_runs_hold_logits_and_scores_of_the_test_split(ds, runs):
    n_val, n_test = len(ds.labels_of("validation")), len(ds.labels_of("test"))
    for r in runs:
        assert r.validation_logits.shape == (n_val, ds.n_classes)
        assert r.test_logits.shape == (n_test, ds.n_classes)
        accuracy = (r.test_logits.argmax(axis=1) == ds.labels_of("test")).mean()
        assert r.scores.overall["accuracy"] == pytest.approx(accuracy)
        assert r.scores.by_class.index.tolist() == ds.class_names  # all present in test


def test_weighting_is_applied(runs):
    by = {r.name: r for r in runs}
    assert not np.array_equal(by["unweighted"].test_logits, by["weighted"].test_logits)
    assert not np.array_equal(by["weighted"].test_logits, by["alpha=1"].test_logits)
    assert (
        by["alpha=1"].scores.overall["n_classes_predicted"]
        >= by["unweighted"].scores.overall["n_classes_predicted"]
    )
    assert by["majority"].scores.overall["n_classes_predicted"] == 1


def test_record_is_json_ready(runs):
    rec = runs[2].record()
    assert json.loads(json.dumps(rec)) == rec
    for key in ("name", "engine", "alpha", "accuracy", "macro_f1", "zero_f1_classes"):
        assert key in rec
    assert isinstance(rec["zero_f1_classes"], int)
    assert isinstance(rec["n_classes_predicted"], int)
    assert rec["info"]["seconds"] >= 0


def test_train_runs_without_baselines(ds):
    engine = TfidfLinearEngine(TfidfLinearConfig(max_epochs=1))
    runs = train_runs(ds, engine=engine, alphas=[0.25], baselines=False, progress=False)
    assert [r.name for r in runs] == ["alpha=0.25"]


def test_train_runs_progress_false_is_quiet(ds, capsys):
    engine = TfidfLinearEngine(TfidfLinearConfig(max_epochs=1))
    train_runs(ds, engine=engine, alphas=[0.0], baselines=False, progress=False)
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize(
    ("alphas", "match"),
    [
        ((), "alphas is empty"),
        ([], "alphas is empty"),
        ((0.0, -0.5), r"every alpha must be a finite number >= 0 .*; got -0.5"),
        ((math.inf,), "every alpha must be a finite number >= 0"),
        ((math.nan,), "every alpha must be a finite number >= 0"),
        ("0.5", "alphas must be a sequence of numbers >= 0"),
    ],
)
def test_train_runs_rejects_bad_alphas(ds, alphas, match):
    with pytest.raises(ValueError, match=match):
        train_runs(ds, alphas=alphas, progress=False)


def test_train_runs_unknown_engine(ds):
    with pytest.raises(ValueError, match="Unknown engine 'nope'"):
        train_runs(ds, engine="nope", progress=False)


# --------------------------------------------------------------------------------------------
# train_run
# --------------------------------------------------------------------------------------------


def test_train_run_needs_a_prepared_engine():
    with pytest.raises(RuntimeError, match="before fit_predict"):
        train_run(get_engine("majority"))


def test_train_run_name_and_alpha(ds):
    majority = train_run(get_engine("majority").prepare(ds), alpha=0.5)
    assert majority.name == "majority" and majority.alpha is None
    named = train_run(get_engine("majority").prepare(ds), name="baseline")
    assert named.name == "baseline"


def test_cached_runs_are_keyed_by_the_head_training_code(monkeypatch):
    # Editing the shared head training (engines/linear.py) must retrain cached TF-IDF runs.
    from pathlib import Path

    from weightlab.engines import TfidfLinearEngine, linear
    from weightlab.runs import _code_digest

    engine = TfidfLinearEngine()
    before = _code_digest(engine)
    real = Path.read_bytes

    def edited(path):
        data = real(path)
        return data + b"# edited" if Path(path) == Path(linear.__file__) else data

    monkeypatch.setattr(Path, "read_bytes", edited)
    assert _code_digest(engine) != before


def test_in_a_notebook_only_the_bar_over_the_runs_is_shown(ds, monkeypatch):
    # Jupyter bars are widgets: one per fit would flood the kernel's output channel.
    import weightlab.runs as runs_module

    seen = []
    real = runs_module.train_run

    def spy(engine, **kwargs):
        seen.append(kwargs["progress"])
        return real(engine, **kwargs)

    monkeypatch.setattr(runs_module, "train_run", spy)
    monkeypatch.setattr(runs_module, "in_notebook", lambda: True)
    runs_module.train_runs(ds, alphas=(0.0,), baselines=False, progress=True)
    monkeypatch.setattr(runs_module, "in_notebook", lambda: False)
    runs_module.train_runs(ds, alphas=(0.0,), baselines=False, progress=True)
    assert seen == [False, True]


def test_train_runs_trains_every_remedy_asked_for(ds):
    from weightlab.remedies import Remedy

    engine = TfidfLinearEngine(TfidfLinearConfig(max_epochs=2))
    runs = train_runs(
        ds,
        engine=engine,
        alphas=(0.0,),
        remedies="weights,resample,focal,drw,la-loss",
        baselines=False,
        progress=False,
    )
    assert [r.name for r in runs] == [
        "unweighted",
        "weighted",
        "la-loss tau=1",
        "resample q=0.5",
        "resample q=1",
        "focal gamma=1",
        "focal gamma=2",
        "drw alpha=0.5",
        "drw alpha=1",
    ]
    by_name = {r.name: r for r in runs}
    assert [(r.remedy, r.knob) for r in runs][:3] == [
        ("weights", 0.0),
        ("weights", 0.5),
        ("la-loss", 1.0),
    ]
    rec = by_name["focal gamma=2"].record()
    assert (rec["remedy"], rec["knob"], rec["alpha"]) == ("focal", 2.0, 0.0)
    assert json.loads(json.dumps(rec)) == rec
    # every remedy changed the model
    logits = [r.test_logits.tobytes() for r in runs]
    assert len(set(logits)) == len(runs)
    one = train_run(
        engine.prepare(ds), remedy=Remedy("focal", 1.0), alpha=0.5, seed=0, progress=False
    )
    assert one.name == "focal gamma=1 alpha=0.5"


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"remedies": "smote"}, "Unknown remedy 'smote'"),
        ({"remedies": [0.5]}, "remedies must be names"),
    ],
)
def test_train_runs_checks_remedies_before_training(ds, kwargs, match):
    with pytest.raises(ValueError, match=match):
        train_runs(ds, progress=False, **kwargs)


def test_a_remedy_an_engine_lacks_is_refused_before_any_training(ds):
    from weightlab.engines.majority import MajorityEngine

    class NoRemedies(MajorityEngine):
        name = "no-remedies"
        baseline = False

    with pytest.raises(ValueError, match="no-remedies engine has no focal remedy"):
        train_runs(ds, engine=NoRemedies(), remedies="focal", baselines=False, progress=False)


def test_drw_takes_its_alpha_as_its_knob(ds):
    from weightlab.remedies import Remedy

    engine = TfidfLinearEngine(TfidfLinearConfig(max_epochs=1)).prepare(ds)
    with pytest.raises(ValueError, match="drw's knob is the alpha of its deferred"):
        train_run(engine, alpha=0.5, remedy=Remedy("drw", 1.0))
    with pytest.raises(ValueError, match="Give the class-weight exponent once"):
        train_run(engine, alpha=0.5, remedy=Remedy("weights", 1.0))
    assert train_run(engine, remedy=Remedy("weights", 0.5), progress=False).name == "weighted"
    with pytest.raises(ValueError, match="beta= .effective-number weights. with the focal remedy"):
        train_run(engine, remedy=Remedy("focal", 1.0), beta=0.99)
    with pytest.raises(ValueError, match="pass the class_weight of its second stage"):
        engine.fit_predict(remedy=Remedy("drw", 1.0))


# --------------------------------------------------------------------------------------------
# fits side by side (n_jobs)
# --------------------------------------------------------------------------------------------


def test_fits_side_by_side_equal_fits_one_after_another(ds):
    # Threads share the features and the kept batches; every fit must still be the fit it
    # would be alone: same logits, same epochs, same stop.
    def sweep(n_jobs):
        engine = TfidfLinearEngine(TfidfLinearConfig(max_epochs=8))
        alphas = (0.0, 0.25, 0.5, 0.75, 1.0)
        return train_runs(ds, engine=engine, alphas=alphas, n_jobs=n_jobs, progress=False)

    serial, threads = sweep(1), sweep(3)
    assert [r.name for r in threads] == [r.name for r in serial]
    for one, other in zip(serial, threads, strict=True):
        np.testing.assert_array_equal(one.test_logits, other.test_logits)
        np.testing.assert_array_equal(one.validation_logits, other.validation_logits)
        for key in ("epochs", "best_epoch", "stop_reason", "validation_loss"):
            assert one.info.get(key) == other.info.get(key)


def test_fits_side_by_side_only_where_the_engine_allows_it(ds, monkeypatch):
    import threading

    import weightlab.runs as runs_module

    threads = []
    real = runs_module.train_run

    def spy(engine, **kwargs):
        threads.append((engine.name, threading.current_thread() is threading.main_thread()))
        return real(engine, **kwargs)

    monkeypatch.setattr(runs_module, "train_run", spy)
    mlp = TfidfLinearEngine(TfidfLinearConfig(max_epochs=1, hidden=8))  # draws its init
    assert not mlp.concurrent_fits
    runs_module.train_runs(ds, engine=mlp, alphas=(0.0, 0.5), n_jobs=2, progress=False)
    assert {main for _, main in threads} == {True}
    threads.clear()
    linear = TfidfLinearEngine(TfidfLinearConfig(max_epochs=1))
    runs_module.train_runs(ds, engine=linear, alphas=(0.0, 0.5), n_jobs=2, progress=False)
    on_main = dict(threads)
    assert on_main["majority"] and on_main["tfidf-logreg"]  # baselines: one after another
    assert [main for name, main in threads if name == "tfidf-linear"] == [False, False]


def test_an_error_in_a_fit_side_by_side_is_raised(ds, monkeypatch):
    engine = TfidfLinearEngine(TfidfLinearConfig(max_epochs=1))

    def broken(**kwargs):
        raise RuntimeError("the fit broke")

    engine.prepare(ds)
    monkeypatch.setattr(engine, "fit_predict", broken)
    with pytest.raises(RuntimeError, match="the fit broke"):
        train_runs(ds, engine=engine, alphas=(0.0, 0.5, 1.0), baselines=False, progress=False)


@pytest.mark.parametrize("n_jobs", [0, -2, 1.5, True, "2"])
def test_n_jobs_is_checked(ds, n_jobs):
    with pytest.raises(ValueError, match="n_jobs must be a whole number >= 1 .or -1"):
        train_runs(ds, alphas=(0.0,), n_jobs=n_jobs, progress=False)
