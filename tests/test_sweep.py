import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.axes import Axes

from weightlab.engines import TfidfLinearConfig, TfidfLinearEngine
from weightlab.plots import plot_alpha_view, plot_tradeoff, plot_tradeoffs
from weightlab.runs import train_run
from weightlab.sweep import DEFAULT_ALPHAS, AlphaSweep, alpha_grid, alpha_sweep, seed_variance
from weightlab.synthetic import make_complaints
from weightlab.uncertainty import CI_METRICS

matplotlib.use("Agg")

GRID = (0.0, 0.25, 0.5, 0.75, 1.0)


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def ds():
    return make_complaints(1500, 10, seed=1)


def _engine():
    return TfidfLinearEngine(TfidfLinearConfig(max_epochs=2))


@pytest.fixture(scope="module")
def sweep(ds):
    # Unsorted on purpose: the sweep stores runs in increasing alpha.
    return alpha_sweep(ds, alphas=[0.5, 0.0, 1.0, 0.25, 0.75], engine=_engine(), progress=False)


def test_default_grid_is_0_to_1_in_steps_of_0_05():
    assert len(DEFAULT_ALPHAS) == 21
    assert DEFAULT_ALPHAS[0] == 0.0 and DEFAULT_ALPHAS[-1] == 1.0
    assert np.allclose(np.diff(DEFAULT_ALPHAS), 0.05)
    assert 0.15 in DEFAULT_ALPHAS  # rounded, so exact lookups of "nice" values work


def test_alpha_grid_is_exact_and_validated():
    assert alpha_grid(0.25) == GRID
    assert alpha_grid(0.1, stop=2.0)[-2:] == (1.9, 2.0)
    assert alpha_grid() == DEFAULT_ALPHAS
    with pytest.raises(ValueError, match="not a whole number of steps of 0.3"):
        alpha_grid(0.3)
    for bad in (0, -0.1, "0.1", True):
        with pytest.raises(ValueError, match="0 < step <= stop"):
            alpha_grid(bad)


def test_runs_are_sorted_and_named(sweep):
    assert isinstance(sweep, AlphaSweep)
    assert sweep.alphas.tolist() == list(GRID)
    assert [r.name for r in sweep.runs][:3] == ["unweighted", "alpha=0.25", "weighted"]
    assert sweep.engine == "tfidf-linear" and sweep.seed == 0
    assert "5 alphas from 0 to 1" in repr(sweep)


def test_table_has_one_row_per_alpha_with_the_run_scores(sweep):
    t = sweep.table()
    assert t.columns.tolist() == [
        "alpha",
        "accuracy",
        "macro_f1",
        "zero_f1_classes",
        "n_classes_predicted",
    ]
    assert t["alpha"].tolist() == list(GRID)
    for row, run in zip(t.itertuples(), sweep.runs, strict=True):
        assert row.accuracy == run.scores.overall["accuracy"]
        assert row.macro_f1 == run.scores.overall["macro_f1"]
        assert row.zero_f1_classes == run.scores.overall["zero_f1_classes"]
    assert t["zero_f1_classes"].dtype == np.int64


def test_weighting_changes_the_model(sweep):
    t = sweep.table()
    # Same data, same seed: the runs differ only in the weights, and the weights matter.
    assert t["macro_f1"].nunique() > 1
    assert not np.array_equal(sweep.runs[0].test_logits, sweep.runs[-1].test_logits)


def test_same_seed_gives_the_same_sweep(ds, sweep):
    again = alpha_sweep(ds, alphas=[0.0, 1.0], engine=_engine(), progress=False)
    np.testing.assert_array_equal(again.run(1.0).test_logits, sweep.run(1.0).test_logits)


def test_lookup_snaps_to_the_grid_within_atol(sweep):
    assert sweep.run(0.25).alpha == 0.25
    assert sweep.run(0.25 + 1e-9) is sweep.run(0.25)  # slider float noise
    assert sweep.run(np.float32(0.75)).alpha == 0.75
    assert sweep.scores(0.5) is sweep.run(0.5).scores
    assert sweep.run(0.3, atol=0.1).alpha == 0.25  # nearest, when allowed


def test_off_grid_alpha_is_a_clear_error(sweep):
    with pytest.raises(
        ValueError, match=r"alpha=0.3 is not on this sweep's grid \(nearest: 0.25\)"
    ):
        sweep.run(0.3)
    with pytest.raises(ValueError, match=r"\[0, 0.25, 0.5, 0.75, 1\]"):
        sweep.scores(2.0)
    with pytest.raises(ValueError, match="must be a number"):
        sweep.run("0.5")
    with pytest.raises(ValueError, match="finite"):
        sweep.run(float("nan"))


def test_compare_puts_baseline_and_alpha_side_by_side(sweep):
    c = sweep.compare(1.0)
    assert c.columns.tolist() == ["accuracy", "macro_f1", "zero_f1_classes", "n_classes_predicted"]
    assert c.index.tolist() == ["baseline alpha=0", "alpha=1", "change"]
    assert c["zero_f1_classes"].dtype == np.int64 and c["accuracy"].dtype == np.float64
    t = sweep.table().set_index("alpha")
    assert c.loc["alpha=1", "accuracy"] == t.loc[1.0, "accuracy"]
    assert c.loc["baseline alpha=0", "macro_f1"] == t.loc[0.0, "macro_f1"]
    assert c.loc["alpha=1", "zero_f1_classes"] == t.loc[1.0, "zero_f1_classes"]
    np.testing.assert_allclose(c.loc["change"], c.loc["alpha=1"] - c.loc["baseline alpha=0"])
    assert sweep.compare(0.5, baseline_alpha=0.25).index[0] == "baseline alpha=0.25"


def test_best_picks_the_argmax(sweep):
    t = sweep.table()
    assert sweep.best("macro_f1") == t.loc[t["macro_f1"].idxmax(), "alpha"]
    assert sweep.best("accuracy") == t.loc[t["accuracy"].idxmax(), "alpha"]
    with pytest.raises(ValueError, match="'accuracy' or 'macro_f1'"):
        sweep.best("f1")


@pytest.mark.parametrize(
    ("alphas", "message"),
    [
        ([], "alphas is empty"),
        ([0.0, 0.5, 0.5], r"duplicates \[0.5\]"),
        ([0.0, -0.5], "every alpha must be a finite number >= 0"),
        ([0.0, float("nan")], "every alpha must be a finite number >= 0"),
        (["a"], "every alpha must be a finite number >= 0 .*; got 'a'"),
        (0.5, "alphas must be a sequence of numbers >= 0"),
    ],
)
def test_bad_alphas_are_rejected_before_training(ds, alphas, message):
    with pytest.raises(ValueError, match=message):
        alpha_sweep(ds, alphas=alphas, progress=False)


def test_dataset_must_be_a_dataset_or_spec():
    with pytest.raises(ValueError, match="TextDataset or a data spec"):
        alpha_sweep(42, alphas=[0.0], progress=False)


def test_sweep_rejects_unsorted_runs(sweep):
    with pytest.raises(ValueError, match="increasing order"):
        AlphaSweep(runs=sweep.runs[::-1], dataset=sweep.dataset, engine="x", seed=0)
    with pytest.raises(ValueError, match="at least one run"):
        AlphaSweep(runs=(), dataset=sweep.dataset, engine="x", seed=0)


# --------------------------------------------------------------------------------------------
# plot_tradeoff / plot_alpha_view
# --------------------------------------------------------------------------------------------


def test_plot_tradeoff_draws_every_alpha_in_order(sweep):
    ax = plot_tradeoff(sweep)
    assert isinstance(ax, Axes)
    t = sweep.table()
    x, y = ax.lines[0].get_data()
    np.testing.assert_allclose(x, t["accuracy"])
    np.testing.assert_allclose(y, t["macro_f1"])
    labels = [text.get_text() for text in ax.texts]
    assert "alpha=0 (unweighted)" in labels and "alpha=0.5 (sqrt-inverse)" in labels
    assert "accuracy" in ax.get_xlabel() and "macro F1" in ax.get_ylabel()
    assert "5 weightings" in ax.get_title()
    assert ax.get_legend() is None  # nothing highlighted


def test_plot_tradeoff_highlights_one_alpha(sweep):
    fig, ax = plt.subplots()
    assert plot_tradeoff(sweep, highlight=0.75, ax=ax) is ax
    row = sweep.table().set_index("alpha").loc[0.75]
    marker = ax.collections[-1]
    np.testing.assert_allclose(marker.get_offsets()[0], [row["accuracy"], row["macro_f1"]])
    legend = ax.get_legend().get_texts()[0].get_text()
    assert legend.startswith("alpha=0.75: accuracy") and f"{row['macro_f1']:.3f}" in legend
    with pytest.raises(ValueError, match="not on this sweep's grid"):
        plot_tradeoff(sweep, highlight=0.6)


def test_plot_tradeoffs_draws_one_line_per_engine(sweep, ds):
    short = TfidfLinearEngine(TfidfLinearConfig(max_epochs=1))
    other = alpha_sweep(ds, alphas=[0.0, 0.5, 1.0], engine=short, progress=False)
    ax = plot_tradeoffs({"TF-IDF": sweep, "short fits": other})
    assert [line.get_label() for line in ax.lines] == ["TF-IDF", "short fits"]
    for line, sw in zip(ax.lines, (sweep, other), strict=True):
        x, y = line.get_data()
        np.testing.assert_allclose(x, sw.table()["accuracy"])
        np.testing.assert_allclose(y, sw.table()["macro_f1"])
    with pytest.raises(ValueError, match="sweeps is empty"):
        plot_tradeoffs({})


def test_plot_tradeoffs_refuses_sweeps_on_different_data(sweep):
    import dataclasses

    from weightlab.synthetic import make_complaints

    small = dataclasses.replace(make_complaints(400, 5, seed=3, min_class_size=10), name="other")
    other = alpha_sweep(small, alphas=[0.0, 1.0], engine=_engine(), progress=False)
    with pytest.raises(ValueError, match="different data sets"):
        plot_tradeoffs({"a": sweep, "b": other})


def test_plot_alpha_view_shows_baseline_and_alpha(sweep):
    axes = plot_alpha_view(sweep, 1.0)
    assert len(axes) == 3
    assert axes[0].get_title().startswith("unweighted (alpha=0)")
    assert axes[1].get_title().startswith("class-weighted, alpha=1")
    assert f"{sweep.table()['macro_f1'].iloc[-1]:.3f}" in axes[1].get_title()
    assert axes[0].get_ylim() == axes[1].get_ylim()  # same y axis: bars comparable
    with pytest.raises(ValueError, match="three axes"):
        plot_alpha_view(sweep, 1.0, ax=[axes[0]])


# --------------------------------------------------------------------------------------------
# seed_variance (trains models: tiny data, one epoch)
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def small():
    return make_complaints(600, 5, seed=2)


def test_seed_variance_is_the_spread_of_runs_at_each_seed(small):
    config = TfidfLinearConfig(max_epochs=1)
    table = seed_variance(small, engine=TfidfLinearEngine(config), alphas=(0.0, 0.5), seeds=(0, 1))
    assert table.index.name == "alpha" and table.index.tolist() == [0.0, 0.5]
    assert table["run"].tolist() == ["unweighted", "weighted"]
    assert table["n_seeds"].tolist() == [2, 2]
    # The same two trainings by hand: the seed changes the model, the table summarises them.
    engine = TfidfLinearEngine(config).prepare(small)
    runs = [train_run(engine, alpha=0.5, seed=s, progress=False) for s in (0, 1)]
    assert not np.array_equal(runs[0].test_logits, runs[1].test_logits)
    for m in CI_METRICS:
        values = [float(r.scores.overall[m]) for r in runs]
        assert table.loc[0.5, f"{m}_mean"] == pytest.approx(np.mean(values))
        assert table.loc[0.5, f"{m}_std"] == pytest.approx(np.std(values, ddof=1))
        assert (table.loc[0.5, f"{m}_min"], table.loc[0.5, f"{m}_max"]) == (
            min(values),
            max(values),
        )


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"seeds": (0,)}, "at least two distinct seeds"),
        ({"seeds": (0, 0, 1)}, "at least two distinct seeds, none repeated"),
        ({"seeds": (0, -1)}, "every seed must be a whole number >= 0; got -1"),
        ({"alphas": ()}, "alphas is empty"),
        ({"alphas": (-1,)}, "every alpha must be a finite number >= 0"),
    ],
)
def test_seed_variance_rejects_bad_options(small, kwargs, match):
    with pytest.raises(ValueError, match=match):
        seed_variance(small, **kwargs)


def test_a_sweep_is_results_to_save_load_and_report(sweep, tmp_path):
    from weightlab.results import Results

    results = sweep.results(n_boot=0)
    assert isinstance(results, Results) and results.run_names == [r.name for r in sweep.runs]
    results.save(tmp_path)
    loaded = Results.load(tmp_path)
    assert loaded.summary["settings"]["alphas"] == [float(a) for a in sweep.alphas]
    assert loaded.table()["accuracy"].tolist() == sweep.table()["accuracy"].tolist()
