import json

import numpy as np
import pytest

from weightlab.decision import (
    DECISION_METRICS,
    Constraint,
    candidate_points,
    choose_point,
    load_choice,
)
from weightlab.engines import TfidfLinearConfig, TfidfLinearEngine
from weightlab.reproduce import reproduce
from weightlab.results import load_results


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    out = tmp_path_factory.mktemp("decision") / "results"
    reproduce(
        "synthetic",
        n_documents=2500,
        n_classes=15,
        engine=TfidfLinearEngine(TfidfLinearConfig(max_epochs=8)),
        remedies="resample",
        out=out,
        n_boot=0,
        progress=False,
        cache=False,
    )
    return load_results(out)


@pytest.fixture(scope="module")
def table(saved):
    return candidate_points(saved)


def test_candidates_cover_every_run_and_post_hoc_setting(saved, table):
    assert set(table["run"]) == set(saved.run_names)
    per_run = table.groupby("run").size()
    assert (per_run == 1 + 40 + 15).all()  # as trained, 40 taus, 15 offset strengths
    for metric in DECISION_METRICS:
        assert metric in table and f"test_{metric}" in table
    # the run as trained scores as the results say, on test
    row = table[(table["run"] == "weighted") & (table["adjustment"] == "as trained")].iloc[0]
    overall = saved.run("weighted").scores.overall
    assert row["test_accuracy"] == pytest.approx(float(overall["accuracy"]))
    assert row["test_macro_f1"] == pytest.approx(float(overall["macro_f1"]))


def test_offset_points_are_scored_on_validation_rows_they_were_not_fitted_to(saved, table):
    from weightlab.offsets import _scores as offset_scores
    from weightlab.offsets import cross_fit_offsets, fit_offsets

    run = saved.run("unweighted")
    zv, yv = run.validation_logits, np.asarray(saved.y_validation)
    n = zv.shape[1]
    row = table[(table["run"] == "unweighted") & (table["point"] == "unweighted + offsets x1")]
    crossed = offset_scores((zv + cross_fit_offsets(zv, yv)).argmax(1), yv, n)
    assert row["macro_f1"].iloc[0] == pytest.approx(crossed["macro_f1"])
    # the in-sample score, which choosing used to see, is the fit's own optimum
    fit = fit_offsets(zv, yv)
    assert fit.after["macro_f1"] >= row["macro_f1"].iloc[0]
    zt, yt = run.test_logits, np.asarray(saved.y_test)
    test = offset_scores(fit.apply(zt).argmax(1), yt, n)
    assert row["test_macro_f1"].iloc[0] == pytest.approx(test["macro_f1"])


def test_the_choice_is_the_best_feasible_point_on_validation(saved, table):
    d = choose_point(saved, maximize="accuracy", subject_to=["zero_f1_classes<=3"], table=table)
    feasible = table[table["zero_f1_classes"] <= 3]
    assert d.feasible and d.chosen["validation"]["accuracy"] == feasible["accuracy"].max()
    assert d.chosen["validation"]["zero_f1_classes"] <= 3
    # the test consequence is reported with intervals that hold their estimate
    lo, hi = d.chosen["test_ci"]["accuracy"]
    assert lo <= d.chosen["test"]["accuracy"] <= hi
    (c,) = d.constraints_report
    assert c["binds"] == (table.loc[table["accuracy"].idxmax(), "zero_f1_classes"] > 3)
    assert d.unconstrained["validation"] == table["accuracy"].max()
    nb = table.set_index("point").loc[d.next_best["point"]]
    assert nb["run"] != d.chosen["run"] and nb["zero_f1_classes"] <= 3
    others = feasible[feasible["run"] != d.chosen["run"]]
    assert d.next_best["validation"] == others["accuracy"].max()


def test_relative_constraints_use_the_unweighted_run_on_validation(saved, table):
    d = choose_point(
        saved,
        maximize="macro_f1",
        subject_to=["volume_accuracy>=unweighted-0.02"],
        table=table,
        n_boot=0,
    )
    base = table[(table["run"] == "unweighted") & (table["adjustment"] == "as trained")]
    bound = float(base["volume_accuracy"].iloc[0]) - 0.02
    assert d.constraints_report[0]["bound"] == pytest.approx(bound)
    assert d.chosen["validation"]["volume_accuracy"] >= bound - 1e-9
    assert (
        d.chosen["validation"]["macro_f1"]
        == table[table["volume_accuracy"] >= bound - 1e-9]["macro_f1"].max()
    )


def test_minimising_cost(saved, table):
    d = choose_point(saved, minimize="cost", table=table, n_boot=0)
    assert d.chosen["validation"]["cost"] == table["cost"].min()
    assert "cost" in d.describe()


def test_no_feasible_point_is_said_plainly(saved, table, tmp_path):
    d = choose_point(saved, maximize="accuracy", subject_to=["accuracy>=0.999"], table=table)
    assert not d.feasible and d.chosen is None
    assert d.closest["violated"] == ["accuracy>=0.999"]
    assert "No point meets the constraints on validation" in d.describe()


def test_saved_choice_round_trips_and_names_its_results(saved, table):
    d = choose_point(saved, maximize="accuracy", table=table, n_boot=0)
    path = d.save(saved.folder)
    data = load_choice(saved.folder)
    assert data == json.loads(path.read_text())
    assert data["results_id"] == saved.summary["files"]["logits.npz"]
    path.unlink()
    assert load_choice(saved.folder) is None


def test_a_corrupt_choice_file_is_explained(tmp_path):
    (tmp_path / "choice.json").write_text("{not json")
    with pytest.raises(ValueError, match="is not valid JSON"):
        load_choice(tmp_path)


@pytest.mark.parametrize(
    ("text", "parsed"),
    [
        ("zero_f1_classes<=40", Constraint("zero_f1_classes", "<=", 40.0)),
        (" macro_f1 >= 0.2 ", Constraint("macro_f1", ">=", 0.2)),
        ("accuracy>=unweighted-0.02", Constraint("accuracy", ">=", -0.02, relative=True)),
        ("cost<=unweighted", Constraint("cost", "<=", 0.0, relative=True)),
    ],
)
def test_constraint_parse(text, parsed):
    assert Constraint.parse(text) == parsed
    assert Constraint.parse(str(parsed)) == parsed


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("accuracy>0.5", "METRIC<=VALUE or METRIC>=VALUE"),
        ("speed<=3", "Unknown metric 'speed'"),
        ("accuracy>=baseline-1", "METRIC<=VALUE"),
    ],
)
def test_bad_constraints(text, match):
    with pytest.raises(ValueError, match=match):
        Constraint.parse(text)


def test_bad_objectives(saved, table):
    with pytest.raises(ValueError, match="exactly one objective"):
        choose_point(saved, table=table)
    with pytest.raises(ValueError, match="cost is better lower: use minimize='cost'"):
        choose_point(saved, maximize="cost", table=table)


def test_costs_change_the_cost_metric(saved):
    n = len(saved.class_names)
    flat = np.ones((n, n)) - np.eye(n)  # every error costs 1: cost = 1000 x error rate
    t = candidate_points(saved, costs=flat)
    np.testing.assert_allclose(t["cost"], 1000 * (1 - t["accuracy"]))


def test_a_relative_bound_on_test_is_relative_to_the_unweighted_test_score(saved, table):
    d = choose_point(
        saved, maximize="macro_f1", subject_to=["accuracy>=unweighted-0.05"], table=table,
        n_boot=0,
    )  # fmt: skip
    (c,) = d.constraints_report
    base = table[(table["run"] == "unweighted") & (table["adjustment"] == "as trained")].iloc[0]
    assert c["bound"] == pytest.approx(base["accuracy"] - 0.05)
    assert c["test_bound"] == pytest.approx(base["test_accuracy"] - 0.05)
    assert c["holds_on_test"] == (d.chosen["test"]["accuracy"] >= c["test_bound"] - 1e-9)


def test_which_of_two_constraints_binds(saved, table):
    loose = str(Constraint.parse(f"macro_f1>={table['macro_f1'].min():.4f}"))  # all meet it
    # one fewer zero-F1 class than the most accurate points have (several can tie on accuracy):
    # that constraint must bind
    best = table["accuracy"] == table["accuracy"].max()
    most_accurate = table.loc[best, "zero_f1_classes"].min()
    tight = f"zero_f1_classes<={most_accurate - 1}"
    assert table["zero_f1_classes"].min() <= most_accurate - 1  # and it can be met
    d = choose_point(saved, maximize="accuracy", subject_to=[tight, loose], table=table, n_boot=0)
    binds = {c["constraint"]: c["binds"] for c in d.constraints_report}
    assert binds == {tight: True, loose: False}


def test_costs_go_with_the_table_and_are_recorded(saved, table):
    n = len(saved.class_names)
    with pytest.raises(ValueError, match="costs are part of the candidate table"):
        choose_point(saved, minimize="cost", table=table, costs=np.ones((n, n)))
    assert choose_point(saved, minimize="cost", table=table, n_boot=0).costs.startswith("default")
    given = candidate_points(saved, costs=np.ones((n, n)) - np.eye(n))
    assert choose_point(saved, minimize="cost", table=given, n_boot=0).to_dict()["costs"] == "given"


def test_a_choice_on_unsaved_results_is_not_saved_as_if_it_named_them(saved, table, tmp_path):
    from weightlab.results import Results

    unsaved = Results(
        dataset=None, runs=saved.runs, engine=saved.engine, seed=0,
        class_names=saved.class_names, train_counts=saved.train_counts,
        y_validation=saved.y_validation, y_test=saved.y_test,
    )  # fmt: skip
    d = choose_point(unsaved, maximize="accuracy", table=table, n_boot=0)
    with pytest.raises(ValueError, match="never saved"):
        d.save(tmp_path)
