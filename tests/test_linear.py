import numpy as np
import pytest
import torch

from weightlab.engines import TfidfLinearConfig, TfidfLinearEngine
from weightlab.engines.linear import HeadConfig, fit_head
from weightlab.synthetic import make_complaints
from weightlab.weights import make_loss, weights_from_counts


@pytest.fixture(scope="module")
def ds():
    return make_complaints(3000, 12, seed=1)


@pytest.fixture(scope="module")
def engine(ds):
    """Stopped on the validation loss (SGD): the rule of MLP heads and re-sampling."""
    return TfidfLinearEngine(TfidfLinearConfig.early_stopped()).prepare(ds)


def _validation_loss(ds, logits, weight=None):
    loss_fn = make_loss(weight)
    y = torch.from_numpy(ds.labels_of("validation").astype(np.int64))
    return float(loss_fn(torch.from_numpy(logits), y))


def test_fit_records_how_it_stopped(engine):
    info = engine.fit_predict(seed=0).info
    assert info["stop_reason"] in ("criterion", "cap")
    assert 1 <= info["best_epoch"] <= info["epochs"] <= HeadConfig().max_epochs
    assert info["stop"] == "validation"
    if info["stop_reason"] == "criterion":
        # stopped `patience` epochs after the last improvement
        assert info["epochs"] >= info["best_epoch"] + 1
    assert info["train_loss"] > 0 and info["validation_loss"] > 0
    assert (info["solver"], info["learning_rate"]) == ("sgd", 6.0)
    n_train = len(engine.dataset.labels_of("train"))
    assert info["batch_size"] == HeadConfig().batch_for(n_train) < n_train / 19


@pytest.mark.parametrize("alpha", [0.0, 1.0])
def test_best_epoch_is_restored_and_stopped_on_its_own_weighted_loss(ds, engine, alpha):
    weight = weights_from_counts(ds.train_counts, alpha=alpha) if alpha else None
    out = engine.fit_predict(class_weight=weight, seed=0)
    # the returned validation logits are those of the best epoch, and the recorded loss is
    # the run's own (weighted) loss on them
    assert _validation_loss(ds, out.validation_logits, weight) == pytest.approx(
        out.info["validation_loss"], rel=1e-4
    )


def test_restored_epoch_is_the_best_of_those_run(ds):
    stop = dict(patience=100)
    capped = TfidfLinearEngine(TfidfLinearConfig.early_stopped(max_epochs=6, **stop)).prepare(ds)
    # a fit capped at n epochs returns the best of its first n epochs, and those epochs are
    # the first n of the longer fit (same seed, same shuffles, same decay)
    best_of_first = []
    for n in range(1, 7):
        config = TfidfLinearConfig.early_stopped(max_epochs=n, **stop)
        short = TfidfLinearEngine(config).prepare(ds)
        best_of_first.append(_validation_loss(ds, short.fit_predict(seed=0).validation_logits))
    out = capped.fit_predict(seed=0)
    assert out.info["stop_reason"] == "cap" and out.info["epochs"] == 6
    assert out.info["validation_loss"] == pytest.approx(best_of_first[-1], rel=1e-4)
    assert np.all(np.diff(best_of_first) <= 1e-6)  # never worse with more epochs
    assert out.info["best_epoch"] == int(np.argmin(best_of_first)) + 1


def test_same_seed_same_fit_and_other_seed_differs(ds, engine):
    a, b = engine.fit_predict(seed=3), engine.fit_predict(seed=3)
    np.testing.assert_array_equal(a.test_logits, b.test_logits)
    assert a.info["epochs"] == b.info["epochs"]
    c = engine.fit_predict(seed=4)
    assert not np.array_equal(a.test_logits, c.test_logits)


def _dense_fit(X, y, train, validation, test, config):
    """fit_head on dense features; ``train``, ``validation`` and ``test`` are row slices."""
    return fit_head(
        X[train], y[train], X[validation], y[validation], X[test],
        n_classes=int(y.max()) + 1, loss_fn=make_loss(), config=config, progress=False,
    )  # fmt: skip


def test_patience_stops_before_the_cap():
    # pure noise: the validation loss stops improving at once
    rng = np.random.default_rng(0)
    X = rng.normal(size=(400, 20)).astype(np.float32)
    y = rng.integers(0, 3, size=400)
    config = HeadConfig.early_stopped(patience=2, max_epochs=50, learning_rate=0.5)
    out = _dense_fit(X, y, slice(0, 300), slice(300, None), slice(300, None), config)
    assert out.info["stop_reason"] == "criterion"
    assert out.info["epochs"] == out.info["best_epoch"] + 2 < 50


def test_without_a_validation_split_it_runs_to_the_cap():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(100, 5)).astype(np.float32)
    y = rng.integers(0, 2, size=100)
    config = HeadConfig.early_stopped(max_epochs=4, learning_rate=0.1)
    out = _dense_fit(X, y, slice(None), slice(0, 0), slice(0, 10), config)
    assert out.info["stop_reason"] == "no validation split"
    assert out.info["epochs"] == 4 and out.info["validation_loss"] is None
    assert out.test_logits.shape == (10, 2)


def test_l2_penalty_shrinks_the_weights():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(300, 10)).astype(np.float32)
    y = (X[:, 0] > 0).astype(int)
    norms = {}
    for C in (0.01, None):
        config = HeadConfig(C=C, max_epochs=10, learning_rate=0.1)
        out = _dense_fit(X, y, slice(None), slice(0, 50), slice(None), config)
        norms[C] = np.abs(out.test_logits).mean()
    assert norms[0.01] < 0.5 * norms[None]


@pytest.mark.parametrize(
    "n, expected", [(40_000, 1024), (9_100, 455), (1_000, 50), (100, 16), (10, 16)]
)
def test_batch_scales_with_the_data(n, expected):
    assert HeadConfig().batch_for(n) == expected


def test_legacy_is_the_fixed_schedule_and_records_its_validation_loss(ds):
    out = TfidfLinearEngine(TfidfLinearConfig.legacy()).prepare(ds).fit_predict(seed=0)
    assert out.info["stop_reason"] == "fixed epochs" and out.info["epochs"] == 2
    assert out.info["validation_loss"] == pytest.approx(
        _validation_loss(ds, out.validation_logits), rel=1e-4
    )


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"C": 0}, "C must be a finite number > 0, or None"),
        ({"max_epochs": 0}, "max_epochs must be a whole number >= 1"),
        ({"patience": 1.5}, "patience must be a whole number >= 1"),
        ({"tol": 1}, r"tol must be in \[0, 1\)"),
        ({"momentum": 1}, r"momentum must be in \[0, 1\)"),
        ({"lr_decay": 0}, r"lr_decay must be in \(0, 1\]"),
        ({"optimizer": "lbfgs"}, "optimizer must be one of 'auto', 'saga', 'sgd', 'adam'"),
        ({"optimizer": "saga", "hidden": 8}, "an MLP head .hidden=8. needs optimizer='sgd'"),
        ({"stop": "loss"}, "stop must be one of 'auto', 'converged', 'validation', 'epochs'"),
        ({"stop": "converged", "patience": 3}, "patience applies to stop='validation' only"),
        ({"patience": 3}, "patience applies to stop='validation' only.*pass stop='validation'"),
        ({"learning_rate": 0}, r"learning_rate must be > 0 \(or None\)"),
        ({"drw_learning_rate_factor": 0}, r"drw_learning_rate_factor must be in \(0, 1\]"),
    ],
)
def test_config_errors(kwargs, match):
    with pytest.raises(ValueError, match=match):
        HeadConfig(**kwargs)


def test_epochs_is_a_deprecated_alias_of_max_epochs():
    with pytest.warns(DeprecationWarning, match="max_epochs"):
        cfg = TfidfLinearConfig(epochs=4)
    assert cfg.max_epochs == 4 and cfg.epochs is None


@pytest.mark.parametrize(
    "kwargs, resampling, solver, stop",
    [
        ({}, False, "saga", "converged"),
        ({}, True, "sgd", "validation"),
        ({"hidden": 8}, False, "sgd", "validation"),
        ({"optimizer": "adam"}, False, "adam", "validation"),
        ({"stop": "epochs"}, False, "saga", "epochs"),
        ({"optimizer": "sgd", "stop": "converged"}, False, "sgd", "converged"),
    ],
)
def test_auto_solver_and_stop(kwargs, resampling, solver, stop):
    # the defaults solve a softmax regression to its optimum; an MLP head or re-sampling,
    # which SAGA cannot train, get SGD stopped on the validation loss instead of an error
    cfg = HeadConfig(**kwargs)
    assert cfg.solver_for(resampling=resampling) == solver
    assert cfg.stop_for(solver) == stop
    assert HeadConfig().stop_for("saga") == HeadConfig.converged().stop_for("saga")


def test_default_fit_is_the_converged_solver(ds):
    default = TfidfLinearEngine().prepare(ds).fit_predict(seed=0)
    solved = TfidfLinearEngine(TfidfLinearConfig.converged()).prepare(ds).fit_predict(seed=0)
    np.testing.assert_array_equal(default.test_logits, solved.test_logits)
    assert (default.info["solver"], default.info["stop"]) == ("saga", "converged")
    assert default.info["stop_reason"] == "converged"


@pytest.mark.parametrize("flag, stop", [(True, "validation"), (False, "epochs")])
def test_early_stopping_is_a_deprecated_alias_of_stop(flag, stop):
    with pytest.warns(DeprecationWarning, match="stop="):
        cfg = HeadConfig(early_stopping=flag)
    assert cfg.stop == stop and cfg.early_stopping is None


# --------------------------------------------------------------------------------------------
# the SAGA solver: the objective of LogisticRegression, solved to its optimum
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def converged(ds):
    return TfidfLinearEngine(TfidfLinearConfig.converged()).prepare(ds)


def test_converged_preset_trains_saga_to_its_optimum(converged):
    cfg = converged.config
    assert (cfg.optimizer, cfg.stop, cfg.C, cfg.tol_for("converged")) == (
        "saga",
        "converged",
        10.0,
        0.01,
    )
    info = converged.fit_predict(seed=0).info
    assert info["stop_reason"] == "converged" and info["solver"] == "saga"
    # no epoch is restored: the fit returns the last one, where it converged
    assert 1 <= info["best_epoch"] == info["epochs"] < cfg.max_epochs
    assert info["train_loss"] > 0 and info["validation_loss"] > 0


@pytest.mark.parametrize("alpha", [0.0, 1.0])
def test_saga_reaches_the_logistic_regression_optimum(ds, alpha):
    from sklearn.linear_model import LogisticRegression

    from weightlab.engines.tfidf import tfidf_features

    f = tfidf_features(ds)
    y = ds.labels_of("train")
    weight = weights_from_counts(ds.train_counts, alpha=alpha)
    # the same objective, C * sum(w_i CE_i) + |W|^2 / 2, solved tightly by both
    reference = LogisticRegression(
        C=1.0, tol=1e-8, max_iter=5000, class_weight=dict(enumerate(weight))
    ).fit(f.train, y)
    config = HeadConfig.converged(C=1.0, tol=1e-5, max_epochs=4000)
    out = fit_head(
        f.train, y, f.validation, ds.labels_of("validation"), f.test,
        n_classes=ds.n_classes, loss_fn=make_loss(weight if alpha else None), config=config,
        progress=False,
    )  # fmt: skip
    assert out.info["stop_reason"] == "converged"
    ours = torch.softmax(torch.from_numpy(out.test_logits), 1).numpy()
    np.testing.assert_allclose(ours, reference.predict_proba(f.test), atol=2e-3)


def test_saga_returns_uncentred_parameters_that_give_its_logits(ds, engine):
    from weightlab.engines.linear import train_head

    f = engine.features
    fit = train_head(
        ds, (f.train, f.validation, f.test), config=HeadConfig.converged(max_epochs=3),
        progress=False,
    )  # fmt: skip
    W, b = (p.numpy() for p in fit.parameters)
    np.testing.assert_allclose(f.test @ W + b, fit.test_logits, rtol=1e-4, atol=1e-4)


def test_saga_step_follows_the_weighted_curvature(ds, converged):
    plain = converged.fit_predict(seed=0).info["learning_rate"]
    weighted = converged.fit_predict(
        class_weight=weights_from_counts(ds.train_counts, alpha=1.0), seed=0
    ).info["learning_rate"]
    explicit = TfidfLinearConfig.converged(learning_rate=3.0, max_epochs=1)
    assert plain != weighted
    assert TfidfLinearEngine(explicit).prepare(ds).fit_predict(seed=0).info["learning_rate"] == 3


def test_saga_is_deterministic_and_safe_to_run_side_by_side(ds, converged):
    from weightlab.runs import train_runs

    assert converged.concurrent_fits
    a, b = converged.fit_predict(seed=2), converged.fit_predict(seed=2)
    np.testing.assert_array_equal(a.test_logits, b.test_logits)
    runs = {
        n: train_runs(ds, engine=converged, alphas=(0.0, 1.0), n_jobs=n, progress=False)
        for n in (1, 2)
    }
    for one, other in zip(runs[1], runs[2], strict=True):
        np.testing.assert_array_equal(one.test_logits, other.test_logits)


def test_saga_refuses_resampling(ds, converged):
    from weightlab.remedies import Remedy

    with pytest.raises(ValueError, match="re-sampling draws rows with replacement"):
        converged.fit_predict(remedy=Remedy("resample", 1.0), seed=0)


def test_saga_refuses_deferred_reweighting_before_any_training(ds, converged):
    from weightlab.remedies import Remedy
    from weightlab.runs import train_runs

    with pytest.raises(ValueError, match="one optimum whatever the path"):
        converged.fit_predict(class_weight=np.ones(ds.n_classes), remedy=Remedy("drw", 1.0), seed=0)
    with pytest.raises(ValueError, match=r"or 'auto'\) with the drw remedy"):
        # refused up front: no run of the sweep is trained first
        train_runs(ds, engine=converged, remedies="drw", baselines=False, progress=False)


def test_auto_trains_deferred_reweighting_with_sgd(ds):
    from weightlab.remedies import Remedy
    from weightlab.runs import train_run

    auto = TfidfLinearEngine(TfidfLinearConfig(max_epochs=3)).prepare(ds)
    assert auto.config.solver_for() == "saga"
    drw = train_run(auto, remedy=Remedy("drw", 1.0), seed=0, progress=False)
    assert (drw.info["solver"], drw.info["stop"]) == ("sgd", "validation")


def test_the_safeguard_drops_momentum_then_shrinks_the_step_on_a_real_rise():
    from weightlab.engines.saga import slow_down

    w = torch.nn.Parameter(torch.zeros(3))
    opt = torch.optim.SGD([w], lr=2.0, momentum=0.9, nesterov=True)
    slow_down(opt, 0.5, objective=1.0, lowest=0.9)  # lowest: the best epoch before this one
    assert opt.param_groups[0]["momentum"] == 0 and opt.param_groups[0]["lr"] == 2.0
    # without momentum, a wobble near the optimum keeps the step; a real rise shrinks it
    slow_down(opt, 0.5, objective=1.005, lowest=1.0)
    assert opt.param_groups[0]["lr"] == 2.0
    slow_down(opt, 0.5, objective=1.02, lowest=1.0)
    assert opt.param_groups[0]["lr"] == 1.0


# --------------------------------------------------------------------------------------------
# remedies in the head (weightlab.remedies): their defining properties
# --------------------------------------------------------------------------------------------


def test_focal_with_gamma_zero_is_the_plain_fit(engine):
    from weightlab.remedies import Remedy

    plain = engine.fit_predict(seed=0)
    focal = engine.fit_predict(remedy=Remedy("focal", 0.0), seed=0)
    np.testing.assert_array_equal(focal.test_logits, plain.test_logits)
    assert focal.info == {**plain.info, "fit_seconds": focal.info["fit_seconds"]}


def test_focal_trains_on_and_stops_on_the_focal_loss(ds, engine):
    from weightlab.remedies import Remedy

    out = engine.fit_predict(remedy=Remedy("focal", 2.0), seed=0)
    y = torch.from_numpy(ds.labels_of("validation").astype(np.int64))
    focal = float(make_loss(gamma=2.0)(torch.from_numpy(out.validation_logits), y))
    assert focal == pytest.approx(out.info["validation_loss"], rel=1e-4)
    assert not np.array_equal(out.test_logits, engine.fit_predict(seed=0).test_logits)


def test_drw_equals_the_plain_fit_before_its_switch(ds, engine):
    from weightlab.remedies import Remedy
    from weightlab.runs import train_run

    plain = engine.fit_predict(seed=0).info
    drw = train_run(engine, remedy=Remedy("drw", 1.0), seed=0, progress=False)
    before = drw.info["before_switch"]
    # stage 1 is the unweighted run itself: same epochs, same best epoch, same loss
    assert before == {
        k: plain[k] for k in ("epochs", "best_epoch", "stop_reason", "validation_loss")
    }
    assert drw.info["switch_epoch"] == plain["epochs"] < drw.info["epochs"]
    assert drw.name == "drw alpha=1" and drw.alpha == 1.0
    assert (drw.remedy, drw.knob) == ("drw", 1.0)
    # stage 2 stops on its own weighted loss, from a lower learning rate
    weight = weights_from_counts(ds.train_counts, alpha=1.0)
    assert _validation_loss(ds, drw.validation_logits, weight) == pytest.approx(
        drw.info["validation_loss"], rel=1e-4
    )
    assert drw.info["validation_loss"] <= _validation_loss(
        ds, engine.fit_predict(seed=0).validation_logits, weight
    )


def test_resampling_draws_by_class_as_asked():
    from weightlab.engines.linear import _epoch_orders
    from weightlab.remedies import resample_weights

    counts = np.array([300, 60, 12])
    y = np.repeat(np.arange(3), counts)
    n, epochs = len(y), 400
    for q in (0.0, 1.0):
        draws = _epoch_orders(n, 0, resample_weights(counts, y, q=q))
        drawn = np.bincount(np.concatenate([y[next(draws)] for _ in range(epochs)]), minlength=3)
        expected = counts ** (1 - q) / (counts ** (1 - q)).sum() * n * epochs
        # binomial standard deviations: 5 of them is far beyond chance
        sd = np.sqrt(expected * (1 - expected / (n * epochs)))
        assert np.all(np.abs(drawn - expected) < 5 * sd), (q, drawn, expected)
    # without weights: a permutation each epoch (every row exactly once)
    plain = _epoch_orders(n, 0, None)
    assert sorted(next(plain)) == list(range(n))


def test_resampling_stops_on_the_loss_it_equals_in_expectation(ds, engine):
    from weightlab.remedies import Remedy

    a = engine.fit_predict(remedy=Remedy("resample", 1.0), seed=0)
    b = engine.fit_predict(remedy=Remedy("resample", 1.0), seed=0)
    np.testing.assert_array_equal(a.test_logits, b.test_logits)  # deterministic
    implied = weights_from_counts(ds.train_counts, alpha=1.0)
    assert _validation_loss(ds, a.validation_logits, implied) == pytest.approx(
        a.info["validation_loss"], rel=1e-4
    )
    # class-balanced draws move predictions towards the rare classes
    plain = engine.fit_predict(seed=0)
    rare = np.argsort(ds.train_counts)[: ds.n_classes // 2]
    assert (
        np.isin(a.test_logits.argmax(1), rare).sum()
        > np.isin(plain.test_logits.argmax(1), rare).sum()
    )


def test_an_engine_without_a_remedy_refuses_it(ds):
    from weightlab.engines import get_engine
    from weightlab.remedies import Remedy

    logreg = get_engine("tfidf-logreg").prepare(ds)
    with pytest.raises(ValueError, match="tfidf-logreg engine has no focal remedy"):
        logreg.fit_predict(remedy=Remedy("focal", 2.0))
    with pytest.raises(ValueError, match="class weights and the logit-adjusted loss are"):
        TfidfLinearEngine().prepare(ds).fit_predict(remedy=Remedy("weights", 0.5))
