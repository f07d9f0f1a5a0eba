r"""A sweep over the weighting exponent: one trained model per ``alpha`` on a grid.

The article compares two points, unweighted (``alpha = 0``) and sqrt-inverse weights
(``alpha = 0.5``), with :math:`w_c \propto n_c^{-\alpha}`. :func:`alpha_sweep` trains the
same engine at every ``alpha`` of a grid (by default ``0, 0.05, ..., 1``) so that the whole
accuracy vs macro-F1 trade-off can be read off, tabulated (:meth:`AlphaSweep.table`) and
drawn (:func:`weightlab.plots.plot_tradeoff`); the slider of
:func:`weightlab.widgets.alpha_explorer` reads from it instead of retraining.

Cost: featurising once, then one fit per ``alpha``. With the default ``tfidf-linear`` engine
on the default 58,000 generated narratives, measured on 2 busy CPU cores: about 6 s of
featurising and 1-1.5 s per fit, so about 30 s for the 21-point grid; with ``cache=True`` a
repeated sweep loads in under a second. A slider that re-trained on every move would wait a
fit (1-1.5 s) before redrawing; reading the precomputed sweep costs only the redraw
(about 0.4 s), and the sweep is needed anyway to draw the curve of all alphas.

Examples
--------
>>> import weightlab as wl
>>> ds = wl.make_complaints(n_documents=3_000, n_classes=20, seed=0)  # doctest: +SKIP
>>> sweep = wl.alpha_sweep(ds, alphas=[0, 0.5, 1])  # doctest: +SKIP
>>> sweep.table().columns.tolist()  # doctest: +SKIP
['alpha', 'accuracy', 'macro_f1', 'zero_f1_classes', 'n_classes_predicted']
>>> sweep.scores(0.5).overall["macro_f1"]  # doctest: +SKIP
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from weightlab import _validate
from weightlab.data import TextDataset
from weightlab.engines import Engine
from weightlab.metrics import Scores
from weightlab.runs import Run, train_runs

if TYPE_CHECKING:
    from weightlab.results import Results

__all__ = ["DEFAULT_ALPHAS", "AlphaSweep", "alpha_grid", "alpha_sweep", "seed_variance"]


def alpha_grid(step: float = 0.05, *, stop: float = 1.0) -> tuple[float, ...]:
    """The evenly spaced grid ``0, step, 2 * step, ..., stop``, rounded to 6 decimals.

    Rounding makes the values exact decimals (``0.15``, not ``0.15000000000000002``), so
    ``sweep.run(0.15)`` finds them. ``stop`` must be a whole number of steps.

    Examples
    --------
    >>> alpha_grid(0.25)
    (0.0, 0.25, 0.5, 0.75, 1.0)
    """
    ok = all(
        isinstance(v, int | float | np.integer | np.floating) and not isinstance(v, bool)
        for v in (step, stop)
    )
    if not ok or not math.isfinite(stop) or not 0 < step <= stop:
        raise ValueError(
            f"step and stop must be numbers with 0 < step <= stop, e.g. alpha_grid(0.05); got "
            f"step={step!r}, stop={stop!r}."
        )
    n = round(stop / step)
    if not math.isclose(n * step, stop, rel_tol=0, abs_tol=1e-9):
        raise ValueError(f"stop={stop:g} is not a whole number of steps of {step:g}.")
    return tuple(float(round(i * step, 6)) for i in range(n + 1))


#: The default grid: 0, 0.05, ..., 1 (21 points).
DEFAULT_ALPHAS = alpha_grid(0.05)

_TABLE_COLUMNS = ["alpha", "accuracy", "macro_f1", "zero_f1_classes", "n_classes_predicted"]


@dataclass(frozen=True, eq=False)
class AlphaSweep:
    """Runs of one engine at every weighting exponent of a grid (made by :func:`alpha_sweep`).

    Attributes
    ----------
    runs : tuple of Run
        One run per ``alpha``, in increasing ``alpha``.
    dataset : TextDataset
        The data set the runs were trained and scored on.
    engine : str
        Engine name, e.g. ``"tfidf-linear"``.
    seed : int
        Training seed of every run.
    """

    runs: tuple[Run, ...]
    dataset: TextDataset
    engine: str
    seed: int

    def __post_init__(self):
        if not self.runs:
            raise ValueError("An AlphaSweep needs at least one run.")
        alphas = [r.alpha for r in self.runs]
        if any(a is None for a in alphas) or list(alphas) != sorted(set(alphas)):
            raise ValueError(
                f"AlphaSweep runs must have distinct alphas in increasing order; got {alphas}."
            )

    def results(self, *, n_boot: int = 1000) -> Results:
        """The sweep as :class:`weightlab.results.Results`: to save, load back or report.

        ``n_boot`` bootstrap resamples give its intervals (0: none).
        """
        from weightlab.results import Results

        return Results(
            dataset=self.dataset,
            runs=list(self.runs),
            engine=self.engine,
            seed=self.seed,
            settings={"alphas": [float(a) for a in self.alphas], "data": self.dataset.name},
            n_boot=n_boot,
        )

    @property
    def alphas(self) -> np.ndarray:
        """The grid, in increasing order (float64)."""
        return np.array([r.alpha for r in self.runs], dtype=np.float64)

    def _index(self, alpha: float, atol: float) -> int:
        if isinstance(alpha, bool) or not isinstance(alpha, int | float | np.integer | np.floating):
            raise ValueError(f"alpha must be a number; got {alpha!r}.")
        if not math.isfinite(alpha):
            raise ValueError(f"alpha must be finite; got {alpha}.")
        grid = self.alphas
        i = int(np.argmin(np.abs(grid - alpha)))
        if abs(grid[i] - alpha) > atol:
            shown = ", ".join(f"{a:g}" for a in grid)
            raise ValueError(
                f"alpha={alpha:g} is not on this sweep's grid (nearest: {grid[i]:g}); the sweep "
                f"has alpha in [{shown}]. Pick one of those, or run alpha_sweep(..., alphas=[...]) "
                "with the values you need."
            )
        return i

    def run(self, alpha: float, *, atol: float = 1e-6) -> Run:
        """The run at the grid point within ``atol`` of ``alpha``.

        Raises
        ------
        ValueError
            If no grid point lies within ``atol`` of ``alpha`` (the message lists the grid).
        """
        return self.runs[self._index(alpha, atol)]

    def scores(self, alpha: float, *, atol: float = 1e-6) -> Scores:
        """Scores of the run at ``alpha`` (see :meth:`run`)."""
        return self.run(alpha, atol=atol).scores

    def table(self) -> pd.DataFrame:
        """One row per ``alpha``: accuracy, macro F1, zero-F1 classes, classes predicted.

        Returns
        -------
        pandas.DataFrame
            Columns ``alpha``, ``accuracy``, ``macro_f1``, ``zero_f1_classes``,
            ``n_classes_predicted``, in increasing ``alpha``, with a default integer index.
        """
        rows = []
        for r in self.runs:
            o = r.scores.overall
            rows.append(
                {
                    "alpha": float(r.alpha),
                    "accuracy": float(o["accuracy"]),
                    "macro_f1": float(o["macro_f1"]),
                    "zero_f1_classes": int(o["zero_f1_classes"]),
                    "n_classes_predicted": int(o["n_classes_predicted"]),
                }
            )
        return pd.DataFrame(rows, columns=_TABLE_COLUMNS)

    def compare(self, alpha: float, *, baseline_alpha: float = 0.0) -> pd.DataFrame:
        """The numbers at ``alpha`` beside those at ``baseline_alpha``, and the change.

        Returns
        -------
        pandas.DataFrame
            Rows ``baseline alpha=B``, ``alpha=A`` and ``change`` (``alpha=A`` minus
            baseline); columns ``accuracy``, ``macro_f1`` (float64), ``zero_f1_classes`` and
            ``n_classes_predicted`` (int64: counts stay whole numbers).

        Raises
        ------
        ValueError
            If either ``alpha`` is off the grid.
        """
        base, new = self.run(baseline_alpha), self.run(alpha)
        rows = [f"baseline alpha={base.alpha:g}", f"alpha={new.alpha:g}", "change"]
        columns = {}
        for key in _TABLE_COLUMNS[1:]:
            b, a = base.scores.overall[key], new.scores.overall[key]
            kind = np.float64 if key in ("accuracy", "macro_f1") else np.int64
            columns[key] = np.array([b, a, a - b]).astype(kind)
        return pd.DataFrame(columns, index=pd.Index(rows, name="model"))

    def best(self, metric: str = "macro_f1") -> float:
        """The ``alpha`` with the highest ``metric`` (``"accuracy"`` or ``"macro_f1"``).

        Ties go to the smallest ``alpha``.
        """
        if metric not in ("accuracy", "macro_f1"):
            raise ValueError(f"metric must be 'accuracy' or 'macro_f1'; got {metric!r}.")
        t = self.table()
        return float(t.loc[t[metric].idxmax(), "alpha"])

    def __repr__(self) -> str:
        return (
            f"AlphaSweep(engine={self.engine!r}, data={self.dataset.name!r}, "
            f"{len(self.runs)} alphas from {self.alphas[0]:g} to {self.alphas[-1]:g}, "
            f"seed={self.seed})"
        )


def _check_alphas(alphas) -> list[float]:
    return sorted(_validate.alphas(alphas, unique=True))


def alpha_sweep(
    dataset: TextDataset | str,
    *,
    alphas=DEFAULT_ALPHAS,
    engine: str | Engine = "tfidf-linear",
    seed: int = 0,
    progress: bool = True,
    cache=None,
    n_jobs: int = -1,
) -> AlphaSweep:
    r"""Train ``engine`` once per weighting exponent ``alpha`` and score each run.

    Every run uses the class weights :math:`w_c \propto n_c^{-\alpha}` of
    :func:`weightlab.weights.weights_from_counts` (``alpha = 0`` is unweighted, ``0.5`` the
    article's sqrt-inverse weighting, ``1`` inverse frequency), the same features and the
    same training seed, so the runs differ only in the weighting.

    Parameters
    ----------
    dataset : TextDataset or str
        A split data set, or a :func:`weightlab.sources.load_data` spec such as
        ``"synthetic"`` (loaded with ``seed``).
    alphas : sequence of float, default 0, 0.05, ..., 1
        The grid; any order, no duplicates, all ``>= 0``. Runs are stored in increasing order.
    engine : str or Engine
        Registry name (``"tfidf-linear"``, ``"transformer"``, ...) or a configured engine.
    seed : int
        Training seed of every run.
    progress : bool
        Show a progress bar over the runs (a widget in Jupyter, on stderr elsewhere).
    cache : Cache, path, bool or None
        On-disk cache of features and run logits, as in :func:`weightlab.runs.train_runs`
        (True: ``$WEIGHTLAB_CACHE`` or ``~/.cache/weightlab``). A cached run is loaded, not
        retrained; the numbers are the same either way. None (default): compute everything.
    n_jobs : int, default -1
        Fits run side by side on this many CPU cores (-1: all), as in
        :func:`~weightlab.runs.train_runs`; 1 trains one after another. Same runs either way.

    Returns
    -------
    AlphaSweep

    Raises
    ------
    ValueError
        If ``alphas`` is empty, has duplicates, or holds a negative or non-finite value.
    """
    grid = _check_alphas(alphas)
    if isinstance(dataset, str):
        from weightlab.sources import load_data

        dataset = load_data(dataset, seed=seed)
    if not isinstance(dataset, TextDataset):
        raise ValueError(
            f"dataset must be a TextDataset or a data spec such as 'synthetic'; got "
            f"{type(dataset).__name__}."
        )
    runs = train_runs(
        dataset,
        engine=engine,
        alphas=grid,
        seed=seed,
        baselines=False,
        progress=progress,
        cache=cache,
        n_jobs=n_jobs,
    )
    return AlphaSweep(
        runs=tuple(runs),
        dataset=dataset,
        engine=engine if isinstance(engine, str) else engine.name,
        seed=seed,
    )


def seed_variance(
    dataset,
    *,
    engine="tfidf-linear",
    alphas=(0.0, 0.5),
    seeds=(0, 1, 2),
    progress: bool = False,
) -> pd.DataFrame:
    """Spread of the test scores over training seeds, per class-weight exponent.

    The split stays fixed (it belongs to ``dataset``); only the training seed varies
    (initialisation, batch order, dropout). The engine featurises once.

    Parameters
    ----------
    dataset : TextDataset
        Split data set.
    engine : str or Engine, default "tfidf-linear"
        Registry name or a configured engine (reused as is if already prepared on
        ``dataset``).
    alphas : sequence of float, default (0.0, 0.5)
        Class-weight exponents.
    seeds : sequence of int, default (0, 1, 2)
        Training seeds; at least two distinct ones.
    progress : bool, default False
        Show a progress bar over the trainings.

    Returns
    -------
    pandas.DataFrame
        Index ``alpha``; columns ``run`` (run name), ``n_seeds`` and, for ``accuracy``,
        ``macro_f1`` and ``zero_f1_classes``, the ``_mean``, ``_std`` (sample standard
        deviation, ``ddof=1``), ``_min`` and ``_max`` over seeds.

    Raises
    ------
    ValueError
        If fewer than two distinct seeds are given, a seed is not a whole number >= 0, or
        ``alphas`` is empty or holds a negative or non-finite value.
    """
    from tqdm.auto import tqdm

    from weightlab.engines import get_engine
    from weightlab.runs import train_run
    from weightlab.uncertainty import CI_METRICS  # the metrics every interval covers

    seeds = list(seeds)
    for s in seeds:
        _validate.whole_number(s, "every seed")
    if len(set(seeds)) < 2 or len(set(seeds)) != len(seeds):
        raise ValueError(
            f"seeds must hold at least two distinct seeds, none repeated; got {seeds}. "
            "A spread needs several trainings, e.g. seeds=(0, 1, 2)."
        )
    alphas = _validate.alphas(alphas)
    eng = get_engine(engine) if isinstance(engine, str) else engine
    if eng.dataset is not dataset:
        eng.prepare(dataset)
    rows = []
    jobs = [(a, s) for a in alphas for s in seeds]
    for alpha, seed in tqdm(jobs, desc="seeds", disable=not progress):
        rows.append(train_run(eng, alpha=alpha, seed=int(seed), progress=False).record())
    grouped = pd.DataFrame(rows).groupby("alpha", sort=False)
    out = pd.DataFrame({"run": grouped["name"].first(), "n_seeds": grouped.size()})
    for m in CI_METRICS:
        g = grouped[m]
        out[f"{m}_mean"] = g.mean()
        out[f"{m}_std"] = g.std(ddof=1)
        out[f"{m}_min"] = g.min()
        out[f"{m}_max"] = g.max()
    out.index.name = "alpha"
    return out
