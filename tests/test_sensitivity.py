import matplotlib
import pytest

from weightlab.runs import train_runs
from weightlab.sensitivity import plot_sensitivity, weighting_sensitivity
from weightlab.synthetic import make_complaints

matplotlib.use("Agg")


@pytest.fixture(scope="module")
def table():
    return weighting_sensitivity(
        {"label_noise": (0.0, 0.5), "n_documents": (1_000,)},
        n_documents=1_500,
        base={"n_classes": 8},
        seed=2,
        progress=False,
    )


def test_one_row_per_setting_with_the_effect_of_weighting(table):
    assert list(zip(table["parameter"], table["value"], strict=True)) == [
        ("label_noise", 0.0),
        ("label_noise", 0.5),
        ("n_documents", 1_000),
    ]
    assert table["n_documents"].tolist() == [1_500, 1_500, 1_000]
    assert "1000.0" not in table.round(3).to_string()  # a count prints as a count
    # the row is what training the same corpus gives
    ds = make_complaints(1_500, 8, seed=2, label_noise=0.5)
    before, after = train_runs(ds, alphas=(0.0, 0.5), seed=2, baselines=False, progress=False)
    row = table.iloc[1]
    assert row["accuracy"] == before.scores.overall["accuracy"]
    assert row["macro_f1_change"] == pytest.approx(
        after.scores.overall["macro_f1"] - before.scores.overall["macro_f1"]
    )
    assert row["zero_f1_change"] == (
        after.scores.overall["zero_f1_classes"] - before.scores.overall["zero_f1_classes"]
    )
    # cleaner labels are easier
    assert table.iloc[0]["accuracy"] > table.iloc[1]["accuracy"]


def test_unknown_parameter_is_named():
    with pytest.raises(ValueError, match="Cannot vary 'noise': not a generator parameter"):
        weighting_sensitivity({"noise": (0.1,)}, progress=False)


def test_plot_has_one_panel_per_parameter(table):
    import matplotlib.pyplot as plt

    axes = plot_sensitivity(table)
    assert [ax.get_xlabel() for ax in axes] == ["label_noise", "n_documents"]
    assert len(axes[0].lines) == 3  # zero line, accuracy, macro F1
    plt.close("all")
