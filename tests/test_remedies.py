import numpy as np
import pytest

from weightlab.remedies import (
    DEFAULT_GRIDS,
    KNOBS,
    REMEDIES,
    Remedy,
    parse_grid,
    parse_remedies,
    resample_weights,
)

COUNTS = np.array([400, 100, 25, 4])


def _labels(counts):
    return np.repeat(np.arange(len(counts)), counts)


def test_every_remedy_has_a_knob_and_a_default_grid_without_zero():
    assert set(KNOBS) == set(DEFAULT_GRIDS) == set(REMEDIES)
    assert all(0 not in grid for grid in DEFAULT_GRIDS.values())


@pytest.mark.parametrize(
    ("remedy", "name"),
    [
        (Remedy("resample", 0.5), "resample q=0.5"),
        (Remedy("focal", 2), "focal gamma=2"),
        (Remedy("drw", 1.0), "drw alpha=1"),
        (Remedy("la-loss", 1), "la-loss tau=1"),
    ],
)
def test_names_say_the_remedy_and_its_knob(remedy, name):
    assert remedy.name == name
    assert isinstance(remedy.value, float)


@pytest.mark.parametrize(
    ("args", "match"),
    [
        (("smote", 1.0), "Unknown remedy 'smote'; choose from weights, resample"),
        (("focal", -1.0), "focal remedy's gamma must be a finite number >= 0; got -1.0"),
        (("resample", float("nan")), "resample remedy's q must be a finite number"),
        (("drw", "x"), "drw remedy's alpha must be a finite number"),
    ],
)
def test_bad_remedies_are_refused(args, match):
    with pytest.raises(ValueError, match=match):
        Remedy(*args)


def test_q_zero_draws_every_example_alike_like_the_plain_sampler():
    # expectation of a draw of n examples: n_c per class, as a permutation gives
    p = resample_weights(COUNTS, _labels(COUNTS), q=0.0)
    np.testing.assert_allclose(p, 1 / COUNTS.sum())


@pytest.mark.parametrize("q", [0.0, 0.5, 1.0, 1.5])
def test_class_probability_is_proportional_to_n_to_the_one_minus_q(q):
    y = _labels(COUNTS)
    p = resample_weights(COUNTS, y, q=q)
    per_class = np.bincount(y, weights=p)
    expected = COUNTS ** (1 - q) / (COUNTS ** (1 - q)).sum()
    np.testing.assert_allclose(per_class, expected)
    if q == 1.0:  # class-balanced
        np.testing.assert_allclose(per_class, 1 / len(COUNTS))


def test_resample_weights_refuse_labels_outside_the_counts():
    with pytest.raises(ValueError, match="no training count"):
        resample_weights([3, 0], [0, 1], q=0.5)
    with pytest.raises(ValueError, match="training split is empty"):
        resample_weights([3, 1], [], q=0.5)


def test_parse_remedies_sweeps_each_default_grid_in_the_order_given():
    got = parse_remedies("focal, resample,focal")
    assert [r.name for r in got] == [
        "focal gamma=1",
        "focal gamma=2",
        "resample q=0.5",
        "resample q=1",
    ]
    assert parse_remedies(["drw"], grids={"drw": [1, 0.25, 1]}) == [
        Remedy("drw", 0.25),
        Remedy("drw", 1.0),
    ]


@pytest.mark.parametrize(
    ("spec", "grids", "match"),
    [
        ("weights,smote", None, "Unknown remedy 'smote'"),
        ("focal", {"drw": [1]}, "grid is given for 'drw', which is not among the remedies"),
        ("focal", {"focal": [-2]}, "gamma must be a finite number >= 0"),
        ("focal", {"focal": [0, 1]}, "holds gamma=0: that is the unweighted run"),
    ],
)
def test_parse_remedies_errors(spec, grids, match):
    with pytest.raises(ValueError, match=match):
        parse_remedies(spec, grids=grids)


def test_parse_grid():
    assert parse_grid("focal=0.5,1, 2") == ("focal", (0.5, 1.0, 2.0))
    for bad, match in [
        ("focal", "REMEDY=V1,V2"),
        ("smote=1", "REMEDY=V1,V2"),
        ("focal=a", "must be numbers"),
        ("focal=", "gives no values"),
        ("resample=-1", "q must be a finite number >= 0"),
    ]:
        with pytest.raises(ValueError, match=match):
            parse_grid(bad)


def test_path_solver_engine_is_the_control_of_the_path_remedies():
    from weightlab.engines import TfidfLinearConfig, get_engine
    from weightlab.remedies import path_solver_engine

    control = path_solver_engine(get_engine("tfidf-linear"))
    assert control.name == "tfidf-linear"
    assert control.config == TfidfLinearConfig(optimizer="sgd")
    assert control.config.stop_for(control.config.solver_for()) == "validation"
    # engines that train every run alike have no control
    assert path_solver_engine(control) is None
    assert path_solver_engine(get_engine("tfidf-linear", TfidfLinearConfig(hidden=8))) is None
    assert path_solver_engine(get_engine("tfidf-logreg")) is None
