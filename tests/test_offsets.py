import numpy as np
import pytest

from weightlab.metrics import score
from weightlab.offsets import OffsetFit, _default_span, _scores, cross_fit_offsets, fit_offsets


def _biased(n=3000, n_classes=12, seed=0):
    """Logits of a model that learned the prior: accurate on the head, blind to the tail."""
    rng = np.random.default_rng(seed)
    prior = np.exp(-0.35 * np.arange(n_classes))
    prior /= prior.sum()
    y = rng.choice(n_classes, size=n, p=prior)
    z = rng.normal(size=(n, n_classes))
    z[np.arange(n), y] += 1.6
    return z + 1.5 * np.log(prior), y


@pytest.fixture(scope="module")
def fitted():
    z, y = _biased()
    return fit_offsets(z[:1500], y[:1500]), z, y


def test_scores_match_weightlab_score():
    rng = np.random.default_rng(3)
    y, pred = rng.integers(0, 7, 400), rng.integers(0, 7, 400)
    pred[pred == 6] = 0  # a class never predicted
    names = [str(i) for i in range(8)]  # and one never present
    expected = score(y, pred, class_names=names).overall
    got = _scores(pred, y, 8)
    for key, value in got.items():
        assert value == pytest.approx(float(expected[key]))


def test_the_fit_raises_its_metric_on_validation_and_never_lowers_it(fitted):
    fit, z, y = fitted
    assert isinstance(fit, OffsetFit) and fit.offsets.shape == (12,)
    assert fit.after["macro_f1"] > fit.before["macro_f1"] + 0.05
    assert fit.before == _scores(z[:1500].argmax(1), y[:1500], 12)
    assert fit.after == _scores(fit.apply(z[:1500]).argmax(1), y[:1500], 12)
    # the tail is pushed up, the head down
    assert fit.offsets[-3:].mean() > fit.offsets[:3].mean()
    assert 1 <= fit.rounds <= 10


def test_it_generalises_here_and_the_gap_says_how_much(fitted):
    fit, z, y = fitted
    gap = fit.gap(z[1500:], y[1500:])
    assert gap.index.tolist() == ["validation", "test"]
    assert gap.loc["validation", "gain"] == pytest.approx(
        fit.after["macro_f1"] - fit.before["macro_f1"]
    )
    assert 0 < gap.loc["test", "gain"] <= gap.loc["validation", "gain"] + 0.02


def test_over_fitting_a_tiny_validation_split_shows_in_the_gap():
    z, y = _biased(n=4000, n_classes=30, seed=1)
    fit = fit_offsets(z[:150], y[:150])  # a handful of examples per tail class
    gap = fit.gap(z[150:], y[150:])
    assert gap.loc["validation", "gain"] > gap.loc["test", "gain"] + 0.05


def test_curve_runs_from_the_model_as_trained_to_the_offsets(fitted):
    fit, z, y = fitted
    curve = fit.curve(z[:1500], y[:1500], strengths=[0.0, 0.5, 1.0])
    assert curve["strength"].tolist() == [0.0, 0.5, 1.0]
    assert curve.iloc[0][["macro_f1", "accuracy"]].tolist() == [
        fit.before["macro_f1"],
        fit.before["accuracy"],
    ]
    assert curve.iloc[2]["macro_f1"] == fit.after["macro_f1"]
    np.testing.assert_array_equal(fit.apply(z, strength=0.0), z)


def test_deterministic_and_json_ready(fitted):
    import json

    fit, z, y = fitted
    again = fit_offsets(z[:1500], y[:1500])
    np.testing.assert_array_equal(again.offsets, fit.offsets)
    d = fit.to_dict()
    assert json.loads(json.dumps(d)) == d and len(d["offsets"]) == 12


def test_balanced_accuracy_can_be_the_target(fitted):
    _, z, y = fitted
    fit = fit_offsets(z[:1500], y[:1500], metric="balanced_accuracy")
    assert fit.after["balanced_accuracy"] > fit.before["balanced_accuracy"]


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"metric": "accuracy"}, "metric must be one of macro_f1, balanced_accuracy"),
        ({"span": -1.0}, "span must be a finite number > 0"),
        ({"steps": 2}, "steps must be a whole number >= 3"),
    ],
)
def test_bad_options(fitted, kwargs, match):
    _, z, y = fitted
    with pytest.raises(ValueError, match=match):
        fit_offsets(z[:100], y[:100], **kwargs)


def test_bad_inputs(fitted):
    fit, z, y = fitted
    with pytest.raises(ValueError, match="validation_logits has 100 rows and y_validation 99"):
        fit_offsets(z[:100], y[:99])
    with pytest.raises(ValueError, match="NaN or infinite"):
        fit_offsets(np.full((3, 2), np.nan), [0, 1, 0])
    with pytest.raises(ValueError, match="fitted for 12 classes"):
        fit.apply(z[:, :5])


def test_ties_go_to_the_lower_class_as_argmax_gives_them():
    # every row ties between classes 0 and 1: the search must score what argmax will predict
    z = np.zeros((6, 3))
    z[:, 2] = -5.0
    y = np.array([0, 1, 0, 1, 1, 1])
    fit = fit_offsets(z, y, span=1.0, steps=5)
    assert fit.after == _scores(fit.apply(z).argmax(1), y, 3)
    assert fit.after["macro_f1"] >= fit.before["macro_f1"]


def test_cross_fitted_offsets_score_rows_they_were_not_fitted_to():
    # On a small validation split the in-sample gain is optimistic; the cross-fitted one
    # must be near what the offsets do on new data, not near the in-sample figure.
    z, y = _biased(n=6000, n_classes=30, seed=1)
    zv, yv, zt, yt = z[:600], y[:600], z[600:], y[600:]
    held_out = cross_fit_offsets(zv, yv)
    assert held_out.shape == zv.shape
    fit = fit_offsets(zv, yv)
    before = _scores(zv.argmax(1), yv, 30)["macro_f1"]
    in_sample = fit.after["macro_f1"] - before
    crossed = _scores((zv + held_out).argmax(1), yv, 30)["macro_f1"] - before
    on_test = fit.gap(zt, yt).loc["test", "gain"]
    assert in_sample > crossed + 0.03  # the optimism it removes
    assert abs(crossed - on_test) < abs(in_sample - on_test)
    # each row's offsets come from the other half: two distinct offset vectors, each the fit
    # of the rows that do not use it
    vectors = np.unique(held_out, axis=0)
    assert len(vectors) == 2
    for b in vectors:
        uses = np.all(held_out == b, axis=1)
        np.testing.assert_array_equal(
            fit_offsets(zv[~uses], yv[~uses], span=_default_span(zv)).offsets,
            b,
        )


def test_cross_fitting_is_seeded_and_checks_its_input():
    z, y = _biased(n=800, n_classes=10, seed=2)
    np.testing.assert_array_equal(cross_fit_offsets(z, y, seed=3), cross_fit_offsets(z, y, seed=3))
    with pytest.raises(ValueError, match="cross-fitting needs one validation split"):
        cross_fit_offsets(z[:1], y[:1])
    with pytest.raises(ValueError, match="n_folds must be a whole number >= 2"):
        cross_fit_offsets(z, y, n_folds=1)
