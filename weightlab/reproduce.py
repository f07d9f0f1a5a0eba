"""The article's experiment end to end: data -> runs -> table, per-class scores, figures.

:func:`reproduce` is what ``weightlab reproduce`` runs: it loads or generates the data, trains
the runs (:func:`weightlab.runs.train_runs`) and returns a :class:`weightlab.results.Results`,
saved to ``out`` as the files of :data:`~weightlab.results.OUTPUT_FILES` (``results.json``,
``table.md``, ``per_class.csv``, the figures and ``logits.npz``, with bootstrap intervals and
paired comparisons; :mod:`weightlab.results` describes each).
"""

from __future__ import annotations

from pathlib import Path

from weightlab import _validate
from weightlab._io import check_writable
from weightlab.data import TextDataset
from weightlab.results import ARTICLE_REPORTED, OUTPUT_FILES, Results
from weightlab.runs import train_runs

__all__ = ["ARTICLE_REPORTED", "OUTPUT_FILES", "Results", "reproduce"]


def reproduce(
    data: str | TextDataset = "synthetic",
    *,
    engine="tfidf-linear",
    alphas=(0.0, 0.5),
    taus=(),
    remedies=(),
    seed: int = 0,
    out: str | Path | None = "results",
    baselines: bool = True,
    progress: bool = True,
    n_boot: int = 1000,
    seeds=None,
    cache=True,
    n_jobs: int = -1,
    **data_kwargs,
) -> Results:
    """Run the article's table: majority, TF-IDF + LR, and ``engine`` at each alpha.

    Parameters
    ----------
    data : str or TextDataset
        A :func:`weightlab.sources.load_data` spec (``"synthetic"``, ``"cfpb:PATH"``,
        ``"csv:PATH"``, ``"hf:NAME"``) or a data set.
    engine : str or Engine
        ``"tfidf-linear"`` (default), ``"transformer"``, or a configured engine.
    alphas : sequence of float
        Class-weight exponents; 0 is named ``unweighted`` and 0.5 ``weighted``.
    taus : sequence of float, default ()
        Also train the engine with the logit-adjusted loss at each tau (runs named
        ``la-loss tau=X``; see :func:`weightlab.runs.train_runs`).
    remedies : str or sequence of Remedy, default ()
        Other long-tail remedies to train beside the alphas (:mod:`weightlab.remedies`):
        names such as ``"weights,resample,focal,drw,la-loss"`` (each over its default knob
        grid) or :class:`~weightlab.remedies.Remedy` objects; every run joins the table and
        the frontier, named by its remedy and knob (``focal gamma=2``).
    seed : int
        Seed of the data generation / split and of every training run.
    out : path or None
        Folder for the result files; None writes nothing.
    baselines : bool
        Include the majority and TF-IDF + logistic regression rows.
    progress : bool
        Show progress bars.
    n_boot : int, default 1000
        Bootstrap resamples for the intervals and paired comparisons in ``results.json``
        and ``table.md`` (about a second); 0 leaves them out (``null``, no comparisons).
    seeds : sequence of int, optional
        Training seeds for :func:`weightlab.sweep.seed_variance` at every alpha (trains
        ``len(alphas) * len(seeds)`` more models); adds ``seed_variance`` to the results.
    cache : bool, path or Cache, default True
        On-disk cache (:mod:`weightlab.cache`; ``$WEIGHTLAB_CACHE`` or ``~/.cache/weightlab``
        for True): the generated corpus, TF-IDF features and every run's logits are loaded
        from there when the data and configuration match, so a repeated call only scores
        and writes. False or None: compute everything.
    n_jobs : int, default -1
        The engine's fits run side by side on this many CPU cores (-1: all) when it allows
        it (:func:`weightlab.runs.train_runs`); 1 trains one after another. The table is the
        same either way.
    **data_kwargs
        Passed to :func:`weightlab.sources.load_data` (e.g. ``n_documents`` for synthetic data,
        ``text_column`` / ``label_column`` for tables).

    Returns
    -------
    Results
    """
    from weightlab import _dist
    from weightlab._progress import status
    from weightlab.cache import as_cache
    from weightlab.sources import load_data

    # Pre-flight: every option checked, and the output folder writable, before any loading or
    # training (minutes) can be lost to a typo.
    _validate.whole_number(seed, "seed")
    _validate.whole_number(n_boot, "n_boot", minimum=0, what="0: no intervals")
    _validate.alphas(alphas)
    _validate.workers(n_jobs)
    if isinstance(remedies, str):
        from weightlab.remedies import parse_remedies

        remedies = parse_remedies(remedies)
    if out is not None and _dist.is_main_process():
        check_writable(out)
    store = as_cache(cache)
    if isinstance(data, TextDataset):
        dataset = data
    else:
        status(f"loading data {data!r} (generating it when it is not cached) ...", enabled=progress)
        dataset = load_data(data, seed=seed, cache=store, **data_kwargs)
    runs = train_runs(
        dataset,
        engine=engine,
        alphas=alphas,
        taus=taus,
        remedies=remedies,
        seed=seed,
        baselines=baselines,
        progress=progress,
        cache=store,
        n_jobs=n_jobs,
    )
    results = Results(
        dataset=dataset,
        runs=runs,
        engine=engine if isinstance(engine, str) else engine.name,
        seed=seed,
        settings={
            "alphas": [float(a) for a in alphas],
            "data": str(data) if isinstance(data, str) else data.name,
        }
        | ({"taus": [float(t) for t in taus]} if len(taus) else {})
        | ({"remedies": [r.name for r in remedies]} if len(remedies) else {})
        # Every data option applied, so results.json says how the data was made.
        | ({"data_options": dict(data_kwargs)} if data_kwargs else {}),
        n_boot=int(n_boot),
    )
    if seeds is not None:
        from weightlab.sweep import seed_variance

        results.seed_variance = seed_variance(
            dataset, engine=engine, alphas=alphas, seeds=seeds, progress=progress
        )
    if out is not None and _dist.is_main_process():  # under torchrun: rank 0 writes
        results.save(out)
    return results
