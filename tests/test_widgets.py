"""The alpha slider, driven programmatically: set the value, read what is shown."""

import io
import itertools

import ipywidgets as widgets
import matplotlib
import numpy as np
import pytest

from weightlab.engines import TfidfLinearConfig, TfidfLinearEngine
from weightlab.frontier import frontier_inputs
from weightlab.sweep import alpha_sweep
from weightlab.synthetic import make_complaints
from weightlab.widgets import AlphaExplorer, FrontierExplorer, alpha_explorer, frontier_explorer

matplotlib.use("Agg")


@pytest.fixture(scope="module")
def sweep():
    ds = make_complaints(1500, 10, seed=1)
    engine = TfidfLinearEngine(TfidfLinearConfig(max_epochs=2))
    return alpha_sweep(ds, alphas=[0.0, 0.25, 0.5, 0.75, 1.0], engine=engine, progress=False)


@pytest.fixture
def explorer(sweep):
    return alpha_explorer(sweep)


def _shown(explorer, key: str, column: int) -> str:
    """The text of one cell of the numbers table (column 0: baseline, 1: alpha, 2: change)."""
    labels = {"accuracy": "accuracy", "macro_f1": "macro F1", "zero_f1_classes": "classes with"}
    row = next(
        r for r in explorer.numbers.value.split("<tr>") if r.startswith(f"<td>{labels[key]}")
    )
    cells = [c.split(">", 1)[1] for c in row.split("</td>")[1:4]]
    return cells[column]


def test_children_are_the_slider_numbers_and_image(explorer, sweep):
    assert isinstance(explorer, AlphaExplorer) and isinstance(explorer, widgets.VBox)
    row, numbers, image = explorer.children
    assert row.children == (explorer.slider, explorer.status)
    assert (numbers, image) == (explorer.numbers, explorer.image)
    assert explorer.status.value == ""  # "updating ..." only while a move is drawn
    assert isinstance(explorer.slider, widgets.FloatSlider)
    s = explorer.slider
    assert (s.min, s.max, s.step) == (0.0, 1.0, 0.25)
    assert s.value == 0.5 and explorer.alpha == 0.5  # starts at the article's weighting
    assert explorer.image.format == "png" and explorer.image.value[:4] == b"\x89PNG"


def test_moving_the_slider_updates_numbers_and_figure_together(explorer, sweep):
    before_numbers, before_image = explorer.numbers.value, explorer.image.value
    explorer.slider.value = 1.0
    assert explorer.alpha == 1.0
    t = sweep.table().set_index("alpha")
    # numbers: the alpha=1 row of the sweep, beside the unweighted one
    assert _shown(explorer, "accuracy", 1) == f"{t.loc[1.0, 'accuracy']:.1%}"
    assert _shown(explorer, "macro_f1", 1) == f"{t.loc[1.0, 'macro_f1']:.3f}"
    assert _shown(explorer, "zero_f1_classes", 1) == f"{t.loc[1.0, 'zero_f1_classes']}"
    assert _shown(explorer, "macro_f1", 0) == f"{t.loc[0.0, 'macro_f1']:.3f}"
    assert "alpha=1" in explorer.numbers.value
    assert explorer.numbers.value != before_numbers
    # figure: histogram at alpha=1 against the unweighted one, trade-off point highlighted
    hist0, hist1, trade = explorer.figure.axes[:3]
    assert hist0.get_title().startswith("unweighted (alpha=0)")
    assert hist1.get_title().startswith("class-weighted, alpha=1\n")
    assert f"macro F1 {t.loc[1.0, 'macro_f1']:.3f}" in hist1.get_title()
    highlighted = trade.collections[-1].get_offsets()[0]
    np.testing.assert_allclose(highlighted, [t.loc[1.0, "accuracy"], t.loc[1.0, "macro_f1"]])
    assert explorer.image.value != before_image
    assert _description(explorer.image.value) == "alpha=1"


def test_every_grid_point_can_be_shown(explorer, sweep):
    seen = set()
    for alpha in sweep.alphas:
        explorer.slider.value = float(alpha)
        assert explorer.alpha == alpha
        seen.add(explorer.numbers.value)
    assert len(seen) == len(sweep.alphas)


def test_float_noise_and_off_grid_values_snap_to_the_nearest_alpha(explorer):
    explorer.slider.value = 0.25000000000000006  # what 0.05-step arithmetic in JS produces
    assert explorer.alpha == 0.25
    explorer.show(0.8)  # off the grid: nearest point (the slider itself only offers the grid)
    assert explorer.alpha == 0.75


def test_baseline_and_start_value(sweep):
    e = alpha_explorer(sweep, baseline_alpha=0.25, value=1.0)
    assert e.slider.value == 1.0
    assert "baseline alpha=0.25" in e.numbers.value
    assert e.figure.axes[0].get_title().startswith("baseline (alpha=0.25)")
    with pytest.raises(ValueError, match="not on this sweep's grid"):
        alpha_explorer(sweep, baseline_alpha=0.3)


def test_uneven_or_single_point_grid_is_refused(sweep):
    ds = sweep.dataset
    engine = TfidfLinearEngine(TfidfLinearConfig(max_epochs=1))
    uneven = alpha_sweep(ds, alphas=[0.0, 0.1, 0.5], engine=engine, progress=False)
    with pytest.raises(ValueError, match="evenly spaced grid"):
        alpha_explorer(uneven)


def test_repr_is_short_and_says_how_to_use_it(explorer):
    text = repr(explorer)
    assert text.startswith("AlphaExplorer(alpha=0.5, 5 alphas from 0 to 1")
    assert len(text) < 140 and "PNG" not in text


def _description(png: bytes) -> str:
    from PIL import Image

    return Image.open(io.BytesIO(png)).text["Description"]


def _pixels(png: bytes) -> np.ndarray:
    from PIL import Image

    return np.asarray(Image.open(io.BytesIO(png)))


def test_a_move_draws_the_same_picture_as_a_fresh_explorer_at_that_alpha(explorer, sweep):
    # The move redraws only what changes; the result must be the figure drawn from scratch.
    for alpha in (1.0, 0.0, 0.25):
        explorer.slider.value = alpha
        fresh = alpha_explorer(sweep, value=alpha)
        np.testing.assert_array_equal(_pixels(explorer.image.value), _pixels(fresh.image.value))
    other = alpha_explorer(sweep, value=0.5).image.value
    assert not np.array_equal(_pixels(explorer.image.value), _pixels(other))


def test_titles_name_the_run_shown(sweep):
    e = alpha_explorer(sweep, value=0.0)
    left, right = (ax.get_title() for ax in e.figure.axes[:2])
    assert left.startswith("unweighted (alpha=0)") and "class-weighted" not in right
    e.slider.value = 0.75
    assert e.figure.axes[1].get_title().startswith("class-weighted, alpha=0.75\n")


# --------------------------------------------------------------------------------------------
# frontier_explorer: tau (post-hoc) and alpha (retrained) on the frontier figure
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def inputs(sweep):
    ds = sweep.dataset
    return frontier_inputs(
        sweep.runs,
        y_test=ds.labels_of("test"),
        train_counts=ds.train_counts,
        taus=[0.0, 0.5, 1.0, 1.5, 2.0],
        alpha_points=sweep.table(),
    )


def _rows(explorer) -> dict[str, tuple[str, str]]:
    """The numbers table: point name -> (accuracy, macro F1) as shown."""
    shown = {}
    for row in explorer.numbers.value.split("<tr>")[2:]:
        cells = [c.split(">", 1)[1] for c in row.split("</td>")[:3]]
        shown[cells[0]] = (cells[1], cells[2])
    return shown


def test_frontier_explorer_has_two_sliders_over_the_grids(inputs):
    e = frontier_explorer(inputs, tau=1.0)
    assert isinstance(e, FrontierExplorer)
    row, numbers, image = e.children
    assert row.children == (e.tau_slider, e.alpha_slider, e.status)
    assert [v for _, v in e.tau_slider.options] == [0.0, 0.5, 1.0, 1.5, 2.0]
    assert [v for _, v in e.alpha_slider.options] == [0.0, 0.25, 0.5, 0.75, 1.0]
    assert (e.tau, e.alpha) == (1.0, 0.5) and e.curve == "unweighted"
    assert image.value[:4] == b"\x89PNG"


def test_frontier_moves_update_numbers_markers_and_image(inputs, sweep):
    e = frontier_explorer(inputs)
    assert e.tau == 0.0
    curve = inputs["tau_curves"]["unweighted"].set_index("tau")
    before = e.image.value
    e.tau_slider.value = 1.5
    shown = _rows(e)
    assert shown["unweighted + tau=1.5"] == (
        f"{curve.loc[1.5, 'accuracy']:.1%}",
        f"{curve.loc[1.5, 'macro_f1']:.3f}",
    )
    assert shown["unweighted as trained (tau=0)"][0] == f"{curve.loc[0.0, 'accuracy']:.1%}"
    marker = next(c for c in e.figure.axes[0].collections if c.get_gid() == "tau-marker")
    np.testing.assert_allclose(
        marker.get_offsets()[0], [curve.loc[1.5, "accuracy"], curve.loc[1.5, "macro_f1"]]
    )
    assert e.image.value != before
    e.alpha_slider.value = 1.0
    t = sweep.table().set_index("alpha")
    assert _rows(e)["retrained alpha=1"] == (
        f"{t.loc[1.0, 'accuracy']:.1%}",
        f"{t.loc[1.0, 'macro_f1']:.3f}",
    )
    assert e.tau == 1.5 and e.alpha == 1.0
    assert _description(e.image.value) == "tau=1.5, alpha=1"
    fresh = frontier_explorer(inputs, tau=1.5, alpha=1.0)
    np.testing.assert_array_equal(_pixels(e.image.value), _pixels(fresh.image.value))


def test_frontier_explorer_without_alpha_points_has_one_slider(inputs):
    e = frontier_explorer({**inputs, "alpha_points": None}, tau=0.5)
    assert e.alpha_slider is None and e.alpha is None
    assert e.children[0].children == (e.tau_slider, e.status)
    assert repr(e) == (
        "FrontierExplorer(tau=0.5 on the unweighted curve; run the notebook in Jupyter to "
        "move the sliders)"
    )


def test_frontier_explorer_needs_a_tau_curve(inputs):
    with pytest.raises(ValueError, match="needs a tau curve"):
        frontier_explorer({**inputs, "tau_curves": {}})


def _drawn_texts(fig):
    """Every text the figure draws: tick labels inside the view, titles, labels, legends."""
    from matplotlib.text import Text

    fig.draw_without_rendering()
    ticks, shown = set(), []
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            lo, hi = sorted(axis.get_view_interval())
            for loc, label in zip(
                axis.get_majorticklocs(), axis.get_majorticklabels(), strict=True
            ):
                ticks.add(id(label))
                if lo - 1e-9 <= loc <= hi + 1e-9:
                    shown.append(label)
    others = [t for t in fig.findobj(Text) if id(t) not in ticks and t.get_visible()]
    return [t for t in shown + others if t.get_text().strip()]


def _overlapping_texts(fig) -> list[tuple[str, str]]:
    boxes = [(t.get_text(), t.get_window_extent()) for t in _drawn_texts(fig)]
    clashes = []
    for (a, box_a), (b, box_b) in itertools.combinations(boxes, 2):
        common = box_a.intersection(box_a, box_b)
        if common is not None and common.width > 0.5 and common.height > 0.5:
            clashes.append((a, b))
    edge = fig.bbox
    clashes += [
        (a, "the figure's edge")
        for a, box in boxes
        if box.x0 < edge.x0 - 1
        or box.x1 > edge.x1 + 1
        or box.y0 < edge.y0 - 1
        or box.y1 > edge.y1 + 1
    ]
    return clashes


def test_no_text_overlaps_another_or_leaves_the_figure(sweep, inputs):
    explorer = alpha_explorer(sweep)
    for alpha in sweep.alphas:
        explorer.slider.value = float(alpha)
        assert _overlapping_texts(explorer.figure) == [], alpha
    frontier = frontier_explorer(inputs)
    for tau, alpha in [(0.0, 0.0), (2.0, 1.0), (1.0, 0.5)]:
        frontier.show(tau, alpha)
        assert _overlapping_texts(frontier.figure) == [], (tau, alpha)


# --------------------------------------------------------------------------------------------
# the decision explorer: constraint sliders
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def results():
    from weightlab.reproduce import reproduce

    ds = make_complaints(1500, 10, seed=1)
    engine = TfidfLinearEngine(TfidfLinearConfig(max_epochs=4))
    return reproduce(ds, engine=engine, remedies="focal", out=None, n_boot=0, progress=False)


@pytest.fixture(scope="module")
def decision_table(results):
    from weightlab.decision import candidate_points

    return candidate_points(results)


def test_a_constraint_slider_re_chooses_and_moves_the_star(results, decision_table):
    from weightlab.decision import choose_point
    from weightlab.widgets import ConstraintSlider, decision_explorer

    spec = ConstraintSlider("max zero-F1", "zero_f1_classes<={:g}", (0, 1, 2, 4, 10))
    e = decision_explorer(results, [spec], maximize="accuracy", table=decision_table)
    assert list(e.sliders) == ["max zero-F1"] and e.sliders["max zero-F1"].value == 10
    pictures = {e.image.value}
    for bound in (2, 0, 10):
        e.sliders["max zero-F1"].value = bound
        expected = choose_point(
            results,
            maximize="accuracy",
            subject_to=[f"zero_f1_classes<={bound}"],
            table=decision_table,
            n_boot=0,
        )
        assert e.decision.to_dict() == expected.to_dict()
        test = expected.chosen["test"]
        np.testing.assert_allclose(e._star.get_offsets(), [[test["accuracy"], test["macro_f1"]]])
        assert f"{test['accuracy']:.1%}" in e.numbers.value
        assert expected.chosen["point"] in e.numbers.value
        pictures.add(e.image.value)
    assert len(pictures) >= 2  # the figure changed with the choice
    from PIL import Image

    assert Image.open(io.BytesIO(e.image.value)).text["Description"] == "max zero-F1=10"


def test_no_feasible_point_hides_the_star(results, decision_table):
    from weightlab.widgets import ConstraintSlider, decision_explorer

    spec = ConstraintSlider("min accuracy", "accuracy>={:g}", (0.0, 0.9999))
    e = decision_explorer(results, [spec], maximize="macro_f1", table=decision_table)
    e.sliders["min accuracy"].value = 0.9999
    assert not e.decision.feasible and len(e._star.get_offsets()) == 0
    assert "No point meets the constraints" in e.numbers.value


def test_two_sliders_and_relative_bounds(results, decision_table):
    from weightlab.widgets import ConstraintSlider, decision_explorer

    specs = [
        ConstraintSlider("max zero-F1", "zero_f1_classes<={:g}", (2, 10)),
        ConstraintSlider(
            "max volume drop", "volume_accuracy>=unweighted-{:g}", (0, 5, 50), start=5,
            scale=0.01,
        ),
    ]  # fmt: skip
    e = decision_explorer(results, specs, maximize="macro_f1", table=decision_table)
    assert e.decision.constraints == [
        "zero_f1_classes<=10",
        "volume_accuracy>=unweighted-0.05",
    ]
    e.sliders["max volume drop"].value = 50
    assert e.decision.constraints[1] == "volume_accuracy>=unweighted-0.5"
    assert "DecisionExplorer(maximize macro_f1" in repr(e)


def test_a_bad_constraint_template_fails_before_drawing(results, decision_table):
    from weightlab.widgets import ConstraintSlider, decision_explorer

    with pytest.raises(ValueError, match="Unknown metric 'zero'"):
        decision_explorer(
            results,
            [ConstraintSlider("z", "zero<={:g}", (1, 2))],
            maximize="accuracy",
            table=decision_table,
        )
    with pytest.raises(ValueError, match="at least one ConstraintSlider"):
        decision_explorer(results, [], maximize="accuracy", table=decision_table)


def test_a_start_between_slider_values_snaps_to_the_nearest(results, decision_table):
    from weightlab.widgets import ConstraintSlider, decision_explorer

    spec = ConstraintSlider("max zero-F1", "zero_f1_classes<={:g}", (0, 4, 10), start=5)
    e = decision_explorer(results, [spec], maximize="accuracy", table=decision_table)
    assert e.sliders["max zero-F1"].value == 4
