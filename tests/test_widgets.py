"""The alpha slider, driven programmatically: set the value, read what is shown."""

import ipywidgets as widgets
import matplotlib
import numpy as np
import pytest

from weightlab.engines import TfidfLinearConfig, TfidfLinearEngine
from weightlab.sweep import alpha_sweep
from weightlab.synthetic import make_complaints
from weightlab.widgets import AlphaExplorer, alpha_explorer

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
    assert explorer.children == (explorer.slider, explorer.numbers, explorer.image)
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
