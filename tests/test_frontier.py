import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from weightlab.frontier import (  # noqa: E402
    FrontierInputs,
    curve_gap,
    frontier_inputs,
    frontier_table,
    plot_frontier,
)
from weightlab.metrics import scores_from_logits  # noqa: E402
from weightlab.runs import Run  # noqa: E402

CURVE = pd.DataFrame(
    {"tau": [0.0, 0.5, 1.0], "accuracy": [0.60, 0.58, 0.50], "macro_f1": [0.20, 0.24, 0.26]}
)
ALPHAS = pd.DataFrame(
    {"alpha": [0.0, 0.5, 1.0], "accuracy": [0.60, 0.55, 0.45], "macro_f1": [0.20, 0.25, 0.24]}
)
LA = pd.DataFrame({"tau": [1.0], "accuracy": [0.59], "macro_f1": [0.21]})
BASELINES = {"majority": (0.23, 0.004), "tfidf-logreg": (0.61, 0.15)}


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _table():
    return frontier_table(
        tau_curves={"unweighted": CURVE},
        alpha_points=ALPHAS,
        la_points=LA,
        baselines=BASELINES,
    )


def test_frontier_table_rows_and_flags():
    t = _table()
    assert t["kind"].tolist() == ["tau"] * 3 + ["alpha"] * 3 + ["la-loss", "baseline", "baseline"]
    assert t["label"].tolist()[:4] == ["tau=0", "tau=0.5", "tau=1", "alpha=0"]
    assert t["series"].tolist()[-3:] == ["logit-adjusted loss", "majority", "tfidf-logreg"]
    assert t["point"].tolist()[2:5] == [
        "unweighted + tau=1",
        "retrained alpha=0",
        "retrained alpha=0.5",
    ]
    assert t["point"].tolist()[-3:] == ["logit-adjusted loss tau=1", "majority", "tfidf-logreg"]
    assert t["best_accuracy"].sum() == 1 and t["best_macro_f1"].sum() == 1
    assert t.loc[t["best_accuracy"], "series"].item() == "tfidf-logreg"
    assert t.loc[t["best_macro_f1"], "label"].item() == "tau=1"
    assert np.isnan(t.loc[t["kind"] == "alpha", "tau"]).all()
    assert t.loc[t["kind"] == "alpha", "alpha"].tolist() == [0.0, 0.5, 1.0]
    pareto = t.loc[t["pareto"], "label"].tolist()
    # alpha=0 equals tau=0 (equal points do not dominate each other); alpha=1 (0.45, 0.24) is
    # dominated by tau=1 (0.50, 0.26); the majority baseline by everything.
    assert pareto == ["tau=0", "tau=0.5", "tau=1", "alpha=0", "alpha=0.5", "tau=1", "tfidf-logreg"]


def test_frontier_table_accepts_tau_as_index_and_only_baselines():
    t = frontier_table(tau_curves={"m": CURVE.set_index("tau")})
    assert t["tau"].tolist() == [0.0, 0.5, 1.0]
    only = frontier_table(tau_curves={}, baselines={"majority": (0.2, 0.01)})
    assert only["best_accuracy"].item() and only["pareto"].item()


def test_frontier_table_ties_go_to_first_row():
    same = pd.DataFrame({"tau": [0.0, 1.0], "accuracy": [0.5, 0.5], "macro_f1": [0.1, 0.1]})
    t = frontier_table(tau_curves={"m": same})
    assert t["best_accuracy"].tolist() == [True, False]
    assert t["pareto"].tolist() == [True, True]  # equal points do not dominate each other


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"tau_curves": {}}, "Nothing to put on the frontier"),
        ({"tau_curves": [CURVE]}, "tau_curves must be a mapping"),
        ({"tau_curves": {"m": CURVE.drop(columns="macro_f1")}}, r"lacks the column\(s\)"),
        ({"tau_curves": {"m": CURVE.iloc[:0]}}, "has no rows"),
        ({"tau_curves": {"m": CURVE.assign(accuracy=np.nan)}}, "NaN or infinite"),
        ({"tau_curves": {}, "alpha_points": [0.5]}, "must be a pandas DataFrame"),
        ({"tau_curves": {}, "baselines": {"x": 0.5}}, r"must be a pair \(accuracy, macro_f1\)"),
        ({"tau_curves": {}, "baselines": {"x": (0.5, np.nan)}}, "must be finite"),
    ],
)
def test_frontier_table_errors(kwargs, message):
    with pytest.raises(ValueError, match=message):
        frontier_table(**kwargs)


def test_curve_gap():
    g = curve_gap(ALPHAS, CURVE)
    assert list(g.columns[:3]) == ["alpha", "accuracy", "macro_f1"]
    # alpha=0 (0.60): only tau=0 is that accurate -> 0.20, gap 0, dominated
    # alpha=0.5 (0.55): tau=0, 0.5 -> best 0.24, gap +0.01, not dominated
    # alpha=1 (0.45): all -> 0.26, gap -0.02
    np.testing.assert_allclose(g["curve_macro_f1"], [0.20, 0.24, 0.26])
    np.testing.assert_allclose(g["macro_f1_gap"], [0.0, 0.01, -0.02], atol=1e-12)
    assert g["dominated"].tolist() == [True, False, True]
    far = curve_gap(pd.DataFrame({"accuracy": [0.9], "macro_f1": [0.1]}), CURVE)
    assert np.isnan(far["curve_macro_f1"].item()) and not far["dominated"].item()


def test_plot_frontier_draws_everything():
    ax = plot_frontier(
        tau_curves={
            "unweighted": CURVE,
            "tfidf-logreg": CURVE.assign(accuracy=CURVE.accuracy + 0.01),
        },
        alpha_points=ALPHAS,
        la_points=LA,
        baselines=BASELINES,
        tau=0.45,
        alpha=0.6,
    )
    assert isinstance(ax, matplotlib.axes.Axes)
    labels = ax.get_legend_handles_labels()[1]
    assert "unweighted: post-hoc tau curve (tau=0 at its right end)" in labels
    assert "tfidf-logreg: post-hoc tau curve (tau=0 at its right end)" in labels
    assert "best accuracy: tfidf-logreg + tau=0" in labels
    assert "best macro F1: unweighted + tau=1" in labels
    assert "unweighted + tau=0.5: 58.0%, macro F1 0.240" in labels  # nearest tau to 0.45
    assert "retrained alpha=0.5: 55.0%, macro F1 0.250" in labels
    assert len(ax.lines) == 2


def test_plot_frontier_given_ax_and_minimal():
    _, ax = plt.subplots()
    assert plot_frontier(tau_curves={"m": CURVE}, ax=ax) is ax
    with pytest.raises(ValueError, match="Nothing to put"):
        plot_frontier(tau_curves={})


def _run(name, engine, alpha, tau, logits, y):
    scores = scores_from_logits(logits, y, class_names=["a", "b"], train_counts=[90, 10])
    return Run(name, engine, alpha, tau, 0, logits, logits, scores)


def test_frontier_inputs_from_runs():
    y = np.array([0, 1, 1])
    z = np.array([[2.0, 0.0], [2.0, 1.5], [0.0, 1.0]])
    runs = [
        _run("majority", "majority", None, 0.0, np.log([[0.9, 0.1]] * 3), y),
        _run("weighted", "tfidf-linear", 0.5, 0.0, z + [0, 1], y),
        _run("unweighted", "tfidf-linear", 0.0, 0.0, z, y),
        _run("la-loss tau=1", "tfidf-linear", 0.0, 1.0, z + [0, 2], y),
    ]
    inputs = frontier_inputs(runs, y_test=y, train_counts=[90, 10], taus=[0, 1])
    assert list(inputs["tau_curves"]) == ["unweighted"]  # no tfidf-logreg run: skipped
    assert inputs["tau_curves"]["unweighted"]["macro_f1"].round(4).tolist() == [0.6667, 0.4]
    assert inputs["alpha_points"]["alpha"].tolist() == [0.0, 0.5]  # sorted, la-loss left out
    assert inputs["alpha_points"]["run"].tolist() == ["unweighted", "weighted"]
    assert inputs["la_points"]["tau"].tolist() == [1.0]
    assert inputs["baselines"] == {"majority": (pytest.approx(1 / 3), pytest.approx(0.25))}
    table = frontier_table(**inputs)
    assert set(table["kind"]) == {"tau", "alpha", "la-loss", "baseline"}
    # A small dataclass, also a mapping: positional, keywords and attributes agree.
    assert isinstance(inputs, FrontierInputs) and inputs.la_points is inputs["la_points"]
    pd.testing.assert_frame_equal(frontier_table(inputs), table)
    with pytest.raises(ValueError, match="not both"):
        frontier_table(inputs, tau_curves=inputs.tau_curves)
    with pytest.raises(ValueError, match=r"Pass a dict as keywords: \*\*inputs"):
        frontier_table(dict(inputs))
    with pytest.raises(KeyError, match="FrontierInputs holds tau_curves"):
        inputs["curves"]
    sweep = pd.DataFrame({"alpha": [1.0], "accuracy": [0.5], "macro_f1": [0.5]})
    assert (
        frontier_inputs(runs, y_test=y, train_counts=[90, 10], alpha_points=sweep)["alpha_points"]
        is sweep
    )
    none = frontier_inputs(runs[:1], y_test=y, train_counts=[90, 10])
    assert none["alpha_points"] is None and none["la_points"] is None


def test_other_remedies_are_points_of_their_own_series():
    y = np.array([0, 1, 1])
    z = np.array([[2.0, 0.0], [2.0, 1.5], [0.0, 1.0]])
    focal = [
        Run(f"focal gamma={g}", "tfidf-linear", 0.0, 0.0, 0, z + [0, g], z + [0, g],
            scores_from_logits(z + [0, g], y, class_names=["a", "b"], train_counts=[90, 10]),
            remedy="focal", knob=float(g))
        for g in (2, 1)
    ]  # fmt: skip
    runs = [_run("unweighted", "tfidf-linear", 0.0, 0.0, z, y), *focal]
    inputs = frontier_inputs(runs, y_test=y, train_counts=[90, 10], taus=[0, 1])
    assert inputs.alpha_points["run"].tolist() == ["unweighted"]  # focal runs are not alphas
    assert inputs.remedy_points["run"].tolist() == ["focal gamma=2", "focal gamma=1"]
    table = frontier_table(inputs)
    rows = table[table["kind"] == "remedy"]
    assert rows["label"].tolist() == ["gamma=1", "gamma=2"]  # knob order
    assert rows["point"].tolist() == ["focal gamma=1", "focal gamma=2"]
    assert set(rows["series"]) == {"focal"}
    ax = plot_frontier(inputs)
    assert "retrained with focal loss (gamma)" in ax.get_legend_handles_labels()[1]
    with pytest.raises(ValueError, match=r"remedy_points lacks the column\(s\) \['knob'\]"):
        frontier_table(tau_curves={}, remedy_points=inputs.remedy_points.drop(columns="knob"))


def test_offsets_fitted_on_validation_are_a_second_post_hoc_curve():
    rng = np.random.default_rng(0)
    n, k = 600, 5
    prior = np.array([0.5, 0.2, 0.15, 0.1, 0.05])
    y = rng.choice(k, size=n, p=prior)
    z = rng.normal(size=(n, k))
    z[np.arange(n), y] += 1.5
    z += 2 * np.log(prior)
    names = [str(i) for i in range(k)]
    scores = scores_from_logits(z[300:], y[300:], class_names=names, train_counts=prior * 1000)
    run = Run("unweighted", "tfidf-linear", 0.0, 0.0, 0, z[:300], z[300:], scores)
    inputs = frontier_inputs([run], y_test=y[300:], train_counts=prior * 1000, y_validation=y[:300])
    curve = inputs.offset_curves["unweighted"]
    assert curve["strength"].iloc[0] == 0 and curve["strength"].iloc[-1] == 1.5
    # strength 0 is the model as trained; the fitted offsets raise test macro F1 here
    assert curve["macro_f1"].iloc[0] == pytest.approx(float(scores.overall["macro_f1"]))
    at_one = curve.loc[curve["strength"] == 1.0, "macro_f1"].item()
    assert at_one > curve["macro_f1"].iloc[0]
    table = frontier_table(inputs)
    offsets = table[table["kind"] == "offsets"]
    assert offsets["point"].iloc[10] == "unweighted + offsets x1"
    labels = plot_frontier(inputs).get_legend_handles_labels()[1]
    assert "unweighted: per-class offsets fitted on validation (x0 to x1.5)" in labels
    assert frontier_inputs([run], y_test=y[300:], train_counts=prior * 1000).offset_curves is None
