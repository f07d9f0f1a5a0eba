import numpy as np
import pandas as pd
import pytest

from weightlab.costs import check_costs, default_costs, expected_cost, load_costs
from weightlab.synthetic import taxonomy

NAMES = ["Managing an account", "Closing an account", "Closing on a mortgage", "Other"]


def test_default_costs_by_product():
    costs = default_costs(NAMES)
    assert costs.index.tolist() == costs.columns.tolist() == NAMES
    np.testing.assert_array_equal(np.diag(costs), 0)
    assert costs.loc["Managing an account", "Closing an account"] == 0.5  # same product
    assert costs.loc["Managing an account", "Closing on a mortgage"] == 1.0  # another product
    assert costs.loc["Other", "Managing an account"] == 1.0  # not in the taxonomy: own group
    assert costs.loc["Managing an account", "Other"] == 1.0


def test_every_generated_class_has_its_product():
    pairs = taxonomy()
    costs = default_costs([issue for _, issue in pairs])
    product = np.array([p for p, _ in pairs], dtype=object)
    same = product[:, None] == product[None, :]
    off = ~np.eye(len(pairs), dtype=bool)
    assert set(costs.to_numpy()[same & off]) == {0.5}
    assert set(costs.to_numpy()[~same]) == {1.0}


def test_expected_cost_per_thousand():
    costs = default_costs(NAMES)
    assert expected_cost(costs, [0, 1, 2, 3], [0, 1, 2, 3]) == 0
    assert expected_cost(costs, [0, 0], [1, 2]) == 750.0
    assert expected_cost(costs.to_numpy(), [0, 0], [1, 2], per=1) == 0.75
    with pytest.raises(ValueError, match="same length"):
        expected_cost(costs, [0], [0, 1])


def test_a_user_csv_in_any_order(tmp_path):
    matrix = np.arange(16, dtype=float).reshape(4, 4)
    frame = pd.DataFrame(matrix, index=NAMES, columns=NAMES)
    path = tmp_path / "costs.csv"
    frame.iloc[::-1, ::-1].to_csv(path)  # rows and columns reversed
    loaded = load_costs(path, NAMES)
    np.testing.assert_array_equal(loaded.to_numpy(), matrix)


@pytest.mark.parametrize(
    ("change", "match"),
    [
        (lambda f: f.drop(columns="Other"), r"columns \(predicted classes\) must name each"),
        (lambda f: f.rename(index={"Other": "Typo"}), r"missing \['Other'\]"),
        (lambda f: f.assign(Other=-1.0), "finite numbers >= 0"),
        (lambda f: f.assign(Other="x"), "numbers only"),
    ],
)
def test_bad_cost_files_are_explained(tmp_path, change, match):
    frame = default_costs(NAMES)
    path = tmp_path / "costs.csv"
    change(frame).to_csv(path)
    with pytest.raises(ValueError, match=match):
        load_costs(path, NAMES)


def test_missing_file_and_bad_shape(tmp_path):
    with pytest.raises(ValueError, match="No cost file at"):
        load_costs(tmp_path / "nope.csv", NAMES)
    with pytest.raises(ValueError, match="must be a 4 x 4 matrix"):
        check_costs(np.zeros((3, 3)), NAMES)
    with pytest.raises(ValueError, match="sibling <= other"):
        default_costs(NAMES, sibling=2.0)
