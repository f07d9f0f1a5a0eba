"""How the weighting effect depends on the generated corpus: a sensitivity table.

The default data set is generated (:mod:`weightlab.synthetic`), and a few of its parameters
set how hard it is. :func:`weighting_sensitivity` regenerates the corpus at other values of
one parameter at a time (``label_noise``, ``cue_rate``, ``n_documents``), trains the
unweighted and the alpha-weighted model on each, and tabulates the weighting effect: the
change in accuracy, macro F1 and zero-F1 classes. It answers "where does weighting cost
accuracy, and where not?" for this simulation, so that nobody reads one setting's effect as
a law.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from weightlab import _validate

__all__ = ["DEFAULT_GRID", "weighting_sensitivity", "plot_sensitivity"]

#: One parameter varied at a time around the defaults of :func:`make_complaints`.
DEFAULT_GRID = {
    "label_noise": (0.1, 0.3, 0.5),
    "cue_rate": (1.0, 2.0, 3.0, 4.0),
    "n_documents": (5_000, 10_000, 20_000),
}


def weighting_sensitivity(
    grid=None,
    *,
    n_documents: int = 10_000,
    alpha: float = 0.5,
    seed: int = 0,
    engine="tfidf-linear",
    base=None,
    cache=None,
    progress: bool = True,
) -> pd.DataFrame:
    """Train unweighted and weighted on corpora generated at other settings.

    Parameters
    ----------
    grid : dict of str to sequence, optional
        Generator parameter -> values, varied one at a time (default :data:`DEFAULT_GRID`).
        ``n_documents`` varies the size; any other key is a
        :class:`~weightlab.synthetic.SyntheticConfig` field.
    n_documents : int, default 10,000
        Corpus size when the size is not the parameter varied (smaller than the default
        58,000 so that a grid takes minutes).
    alpha : float, default 0.5
        Weighting exponent of the weighted run.
    seed : int
        Seed of every corpus and fit.
    engine : str
        Engine of both runs.
    base : dict, optional
        Generator parameters held fixed (default: the generator's defaults).
    cache : Cache, path, bool or None
        Passed to :func:`weightlab.runs.train_runs`.
    progress : bool
        A progress bar over the settings.

    Returns
    -------
    pandas.DataFrame
        One row per setting: ``parameter``, ``value`` (object dtype: each parameter's value as
        given, so whole numbers print as such), ``n_documents``, the unweighted
        ``accuracy`` / ``macro_f1`` / ``zero_f1_classes``, and their changes under weighting
        (``accuracy_change``, ``macro_f1_change``, ``zero_f1_change``).
    """
    from tqdm.auto import tqdm

    from weightlab.runs import train_runs
    from weightlab.synthetic import SyntheticConfig, make_complaints

    grid = DEFAULT_GRID if grid is None else grid
    base = dict(base or {})
    fields = set(SyntheticConfig.__dataclass_fields__)
    for name in grid:
        if name not in fields:
            raise ValueError(
                f"Cannot vary {name!r}: not a generator parameter. Choose from "
                f"{', '.join(sorted(fields))}."
            )
    settings = [(name, value) for name, values in grid.items() for value in values]
    rows, trained = [], {}
    for name, value in tqdm(settings, desc="settings", disable=not progress):
        params = base | {"n_documents": n_documents} | {name: value}
        key = tuple(sorted(params.items()))
        if key in trained:  # the defaults recur in every parameter's row
            rows.append(trained[key] | {"parameter": name, "value": value})
            continue
        ds = make_complaints(seed=seed, **params)
        before, after = train_runs(
            ds,
            engine=engine,
            alphas=(0.0, alpha),  # train_runs validates alpha
            seed=seed,
            baselines=False,
            progress=False,
            cache=cache,
        )
        b, a = before.scores.overall, after.scores.overall
        rows.append(
            {
                "parameter": name,
                "value": value,
                "n_documents": params["n_documents"],
                "accuracy": float(b["accuracy"]),
                "macro_f1": float(b["macro_f1"]),
                "zero_f1_classes": int(b["zero_f1_classes"]),
                "accuracy_change": float(a["accuracy"] - b["accuracy"]),
                "macro_f1_change": float(a["macro_f1"] - b["macro_f1"]),
                "zero_f1_change": int(a["zero_f1_classes"] - b["zero_f1_classes"]),
            }
        )
        trained[key] = rows[-1]
    table = pd.DataFrame(rows)
    # Why object: one column holds every parameter's values; as float64 the whole-number ones
    # (n_documents = 10000) would print as 10000.0.
    table["value"] = pd.Series([row["value"] for row in rows], dtype=object)
    return table


def plot_sensitivity(table: pd.DataFrame, *, ax=None, axes=None) -> np.ndarray:
    """Accuracy and macro-F1 change under weighting against each varied parameter.

    Parameters
    ----------
    table : pandas.DataFrame
        From :func:`weighting_sensitivity`.
    ax : sequence of matplotlib Axes, optional
        One per parameter; a new figure otherwise. (``axes=`` is its deprecated name.)

    Returns
    -------
    numpy.ndarray of Axes
    """
    import matplotlib.pyplot as plt

    axes = _validate.renamed(ax, axes, old_name="axes", new_name="ax", func="plot_sensitivity")
    names = list(dict.fromkeys(table["parameter"]))
    if axes is None:
        _, axes = plt.subplots(1, len(names), figsize=(3.6 * len(names), 3.2), sharey=True)
    axes = np.atleast_1d(axes)
    for ax, name in zip(axes, names, strict=True):
        part = table[table["parameter"] == name]
        ax.axhline(0, color="0.6", lw=0.8)
        x = part["value"].astype(np.float64)
        ax.plot(x, 100 * part["accuracy_change"], "o-", label="accuracy (points)")
        ax.plot(x, 100 * part["macro_f1_change"], "s-", label="macro F1 (x100)")
        ax.set_xlabel(name)
        ax.set_title(f"varying {name}", fontsize=10)
    axes[0].set_ylabel("change with weighting")
    axes[0].legend(fontsize=8)
    return axes
