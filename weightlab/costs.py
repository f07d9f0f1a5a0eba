"""What misrouting costs: a class x class cost matrix and the expected cost per 1,000 complaints.

Accuracy counts every error alike. A complaints team does not: a complaint sent to a sibling
issue of the right product is re-routed in minutes, one sent to another product's team is
lost for days. :func:`default_costs` encodes that (0 for a right answer, ``sibling`` for
another issue of the same product, ``other`` for another product), with the products of
weightlab's CFPB taxonomy (:mod:`weightlab._taxonomy`); a class it does not know is a product
of its own, so on other data every error costs ``other`` unless the user says otherwise with
a CSV (:func:`load_costs`): one row per true class, one column per predicted class, class
names in the first column and the header.

:func:`expected_cost` is the mean cost of the predictions, per 1,000 documents.

Examples
--------
>>> costs = default_costs(["Managing an account", "Closing an account", "Closing on a mortgage"])
>>> costs.loc["Managing an account"].tolist()
[0.0, 0.5, 1.0]
>>> expected_cost(costs, [0, 1, 2, 2], [0, 0, 2, 1])
375.0
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["default_costs", "load_costs", "check_costs", "expected_cost"]


def _product_of() -> dict[str, str]:
    from weightlab._taxonomy import PRODUCTS

    return {issue: product for product, spec in PRODUCTS.items() for issue in spec["issues"]}


def default_costs(class_names, *, sibling: float = 0.5, other: float = 1.0) -> pd.DataFrame:
    """The default cost matrix: 0 right, ``sibling`` within a product, ``other`` across.

    Parameters
    ----------
    class_names : sequence of str
        The classes, in label order.
    sibling : float, default 0.5
        Cost of predicting another issue of the true class's product.
    other : float, default 1.0
        Cost of predicting a class of another product (or any class, for a class not in the
        CFPB taxonomy).

    Returns
    -------
    pandas.DataFrame
        Index: true class; columns: predicted class; both ``class_names`` in order.
    """
    names = [str(n) for n in class_names]
    if not (0 <= sibling <= other) or not np.isfinite(other):
        raise ValueError(
            f"Need 0 <= sibling <= other < inf (a sibling costs no more than another product); "
            f"got sibling={sibling}, other={other}."
        )
    product = _product_of()
    group = np.array([product.get(n, f"class:{n}") for n in names], dtype=object)
    matrix = np.where(group[:, None] == group[None, :], float(sibling), float(other))
    np.fill_diagonal(matrix, 0.0)
    return pd.DataFrame(matrix, index=pd.Index(names, name="true"), columns=names)


def check_costs(costs, class_names) -> pd.DataFrame:
    """``costs`` as a DataFrame in the order of ``class_names``, or a clear error."""
    names = [str(n) for n in class_names]
    if not isinstance(costs, pd.DataFrame):
        costs = np.asarray(costs, dtype=np.float64)
        if costs.shape != (len(names), len(names)):
            raise ValueError(
                f"costs must be a {len(names)} x {len(names)} matrix (true x predicted class); "
                f"got shape {costs.shape}."
            )
        costs = pd.DataFrame(costs, index=names, columns=names)
    rows, cols = [str(i) for i in costs.index], [str(c) for c in costs.columns]
    for what, got in (("rows (true classes)", rows), ("columns (predicted classes)", cols)):
        missing = [n for n in names if n not in got]
        extra = [n for n in got if n not in names]
        if missing or extra or len(set(got)) != len(got):
            detail = (
                f"missing {missing[:3]}" if missing else f"unknown {extra[:3]}" if extra else ""
            )
            raise ValueError(
                f"The cost matrix's {what} must name each of the {len(names)} classes once; "
                f"{detail or 'some are repeated'}."
            )
    frame = costs.copy()
    frame.index, frame.columns = rows, cols
    frame = frame.loc[names, names]
    try:
        values = frame.to_numpy(dtype=np.float64)
    except ValueError:
        raise ValueError("The cost matrix must hold numbers only.") from None
    if not np.all(np.isfinite(values)) or np.any(values < 0):
        raise ValueError("Costs must be finite numbers >= 0.")
    out = pd.DataFrame(values, index=pd.Index(names, name="true"), columns=names)
    return out


def load_costs(path, class_names) -> pd.DataFrame:
    """Read a cost matrix CSV: true classes down the first column, predicted across the header."""
    path = Path(path)
    if not path.is_file():
        raise ValueError(
            f"No cost file at {path}. Give a CSV with one row per true class and one column "
            "per predicted class, class names in the first column and the header."
        )
    try:
        frame = pd.read_csv(path, index_col=0)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as err:
        raise ValueError(f"{path} is not a readable CSV cost matrix: {err}") from None
    try:
        return check_costs(frame, class_names)
    except ValueError as err:
        raise ValueError(f"{path}: {err}") from None


def expected_cost(costs, y_true, y_pred, *, per: int = 1000) -> float:
    """Mean cost of the predictions ``y_pred`` for the truth ``y_true``, per ``per`` documents."""
    matrix = costs.to_numpy(np.float64) if isinstance(costs, pd.DataFrame) else np.asarray(costs)
    yt, yp = np.asarray(y_true, dtype=np.int64), np.asarray(y_pred, dtype=np.int64)
    if yt.shape != yp.shape or yt.size == 0:
        raise ValueError("y_true and y_pred must be non-empty and of the same length.")
    return float(matrix[yt, yp].mean() * per)
