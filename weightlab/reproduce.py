"""The article's experiment end to end: data -> runs -> table, per-class scores, figure.

:func:`reproduce` is what ``weightlab reproduce`` runs. Its :class:`Results` holds the
runs and writes, atomically, to an output folder:

- ``results.json`` - ``dataset`` (name, sizes, ``n_classes``, ``head_share``) and ``runs``
  (one object per run: ``name``, ``engine``, ``alpha``, ``accuracy``, ``macro_f1``,
  ``zero_f1_classes``, ``n_classes_predicted``, ...; the same for the same command), wall-clock
  times under ``timings``, and the article's reported figures under ``article_reported``, kept
  apart from the computed ones;
- ``table.md`` - the results table, computed rows and the reported rows marked as such;
- ``per_class.csv`` - precision, recall, F1, support and training count per class and run;
- ``f1_histograms.png`` - per-class F1 histograms, unweighted vs weighted;
- ``frontier.png`` - accuracy against macro F1 of every run, with the post-hoc tau curves of
  the unweighted model and the logistic regression (:func:`weightlab.frontier.plot_frontier`);
- ``logits.npz`` - what post-hoc analysis and ``weightlab report`` need: ``run_names``,
  ``test_logits_<i>`` and ``validation_logits_<i>`` for the i-th run, ``y_test``,
  ``y_validation``, ``train_counts`` and ``class_names`` (read it with
  :func:`weightlab.report.load_results`).

Uncertainty (:mod:`weightlab.uncertainty`): every run in ``results.json`` also has
``accuracy_ci``, ``macro_f1_ci`` and ``zero_f1_classes_ci`` (``[low, high]``, 95% percentile
intervals - bias-corrected for the zero-F1 count - over ``n_boot`` stratified bootstrap
resamples of the test set, seeded with ``seed``), and ``comparisons`` lists paired
differences ``b - a`` on the same resamples (``a`` the unweighted run, ``b`` each other run
of the engine): ``a``, ``b``, ``metric``, ``difference``, ``ci``, ``p_b_better``.
``bootstrap`` records the scheme. With ``seeds=...``, ``seed_variance`` holds the spread of
the scores over training seeds.
"""

from __future__ import annotations

import io
import json
import platform
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from weightlab import _validate
from weightlab._io import (
    atomic_savefig,
    atomic_write_bytes,
    atomic_write_json,
    atomic_write_text,
)
from weightlab.data import TextDataset
from weightlab.fitcheck import FitCheck, fit_check
from weightlab.runs import Run, train_runs
from weightlab.uncertainty import RunUncertainty, run_uncertainty

__all__ = ["ARTICLE_REPORTED", "Results", "reproduce"]

#: Figures reported in the article (ModernBERT-base fine-tuned on 58K real CFPB narratives,
#: 113 classes). Reference values only: never mixed into computed results.
ARTICLE_REPORTED = {
    "majority": {"accuracy": 0.23},
    "tfidf-logreg": {"accuracy": 0.542},
    "unweighted": {"accuracy": 0.554, "macro_f1": 0.199, "zero_f1_classes": 49},
    "weighted": {"accuracy": 0.502, "macro_f1": 0.216, "zero_f1_classes": 39},
}

_LABELS = {
    "majority": "Majority class",
    "tfidf-logreg": "TF-IDF + logistic regression",
    "unweighted": "Unweighted",
    "weighted": "Sqrt-inverse class weights",
}


#: The files :meth:`Results.save` (and ``weightlab reproduce``) writes to the output folder.
OUTPUT_FILES = (
    "results.json",
    "table.md",
    "per_class.csv",
    "f1_histograms.png",
    "frontier.png",
    "logits.npz",
)


@dataclass(eq=False)
class Results:
    """Runs of one experiment and the data set they were trained on.

    ``n_boot`` bootstrap resamples (seeded with ``seed``; 0 turns them off) give the intervals
    and paired comparisons of :meth:`uncertainty`; ``seed_variance`` is the optional
    :func:`weightlab.sweep.seed_variance` table.
    """

    dataset: TextDataset
    runs: list[Run]
    engine: str
    seed: int
    settings: dict = field(default_factory=dict)
    n_boot: int = 1000
    seed_variance: pd.DataFrame | None = None
    _uncertainty: RunUncertainty | None = field(default=None, init=False, repr=False)

    def run(self, name: str) -> Run:
        """The run called ``name`` (``"unweighted"``, ``"weighted"``, ``"alpha=0.25"`` ...)."""
        for r in self.runs:
            if r.name == name:
                return r
        raise KeyError(f"No run named {name!r}; runs are {[r.name for r in self.runs]}.")

    def uncertainty(self) -> RunUncertainty | None:
        """Bootstrap intervals of every run and paired differences from ``unweighted``.

        Computed once (about a second for 1000 resamples of 11.6K test documents), on the
        same stratified resamples for every run; None when ``n_boot`` is 0.
        """
        if self.n_boot and self._uncertainty is None:
            self._uncertainty = run_uncertainty(
                self.runs,
                self.dataset.labels_of("test"),
                class_names=self.dataset.class_names,
                n_boot=self.n_boot,
                seed=self.seed,
            )
        return self._uncertainty

    def fit_check(self) -> FitCheck | None:
        """The unweighted engine against TF-IDF + LR on validation (:mod:`weightlab.fitcheck`).

        None without a ``tfidf-logreg`` run (``baselines=False``) or a validation split.
        """
        return fit_check(
            self.runs, self.dataset.labels_of("validation"), class_names=self.dataset.class_names
        )

    def table(self) -> pd.DataFrame:
        """One row per run: accuracy, macro F1, zero-F1 classes, classes predicted."""
        rows = []
        for r in self.runs:
            rec = r.record()
            rows.append(
                {
                    "run": r.name,
                    "engine": r.engine,
                    "alpha": r.alpha,
                    "accuracy": rec["accuracy"],
                    "macro_f1": rec["macro_f1"],
                    "zero_f1_classes": rec["zero_f1_classes"],
                    "n_classes_predicted": rec["n_classes_predicted"],
                }
            )
        return pd.DataFrame(rows).set_index("run")

    def per_class(self) -> pd.DataFrame:
        """Per-class scores of every run, long format (one row per run and class)."""
        frames = []
        for r in self.runs:
            bc = r.scores.by_class.reset_index()
            bc.insert(0, "run", r.name)
            frames.append(bc)
        return pd.concat(frames, ignore_index=True)

    def markdown(self) -> str:
        """The results table in the article's layout, reported figures beside computed ones."""
        s = self.dataset.summary()
        lines = [
            f"Data: {s['name']} - {s['n_train']:,} train / {s['n_test']:,} test documents, "
            f"{s['n_classes']} classes, largest class {s['head_share']:.1%}. "
            f"Engine: {self.engine}, seed {self.seed}.",
            "",
            "| run | accuracy | macro F1 | zero-F1 classes | classes predicted "
            "| article: accuracy | article: macro F1 | article: zero-F1 |",
            "|---|---|---|---|---|---|---|---|",
        ]
        n_scored = None
        for r in self.runs:
            rec = r.record()
            n_scored = rec["n_classes_scored"]
            ref = ARTICLE_REPORTED.get(r.name, {})
            label = _LABELS.get(r.name, r.name)
            if not r.baseline:
                label += f" ({r.engine}, alpha={r.alpha:g})"
            lines.append(
                f"| {label} | {rec['accuracy']:.1%} | {rec['macro_f1']:.3f} "
                f"| {rec['zero_f1_classes']} | {rec['n_classes_predicted']} "
                f"| {_fmt(ref.get('accuracy'), '.1%')} | {_fmt(ref.get('macro_f1'), '.3f')} "
                f"| {_fmt(ref.get('zero_f1_classes'), 'd')} |"
            )
        lines += [
            "",
            f"Computed columns: this run, on {s['name']} data; macro F1 and zero-F1 count over "
            f"the {n_scored} classes present in the test split. 'article:' columns are the "
            "figures REPORTED in the article (ModernBERT-base on 58K real CFPB narratives, "
            "113 classes), for reference only.",
        ]
        check = self.fit_check()
        if check is not None:
            lines += ["", check.message]
        lines += _uncertainty_lines(self.uncertainty(), self.runs)
        if self.seed_variance is not None:
            lines += _seed_variance_lines(self.seed_variance)
        return "\n".join(lines) + "\n"

    def to_dict(self) -> dict:
        """Everything ``results.json`` holds."""
        unc, sv = self.uncertainty(), self.seed_variance
        return {
            "dataset": self.dataset.summary(),
            "dataset_notes": list(self.dataset.notes),
            "engine": self.engine,
            "seed": self.seed,
            "settings": self.settings,
            "fit_check": None if (check := self.fit_check()) is None else check.to_dict(),
            "runs": [_with_ci(_reproducible_record(r), unc) for r in self.runs],
            "timings": [{"name": r.name, **_timings(r.info)} for r in self.runs],
            "article_reported": ARTICLE_REPORTED,
            "environment": {"python": platform.python_version()},
            "comparisons": [] if unc is None else unc.records(),
            "bootstrap": {
                "n_boot": self.n_boot,
                "seed": self.seed,
                "level": 0.95,
                "scheme": "stratified: test documents resampled with replacement within each "
                "true class; percentile intervals",
            },
        } | ({} if sv is None else {"seed_variance": _seed_variance_records(sv)})

    def histogram_runs(self) -> dict:
        """Scores to draw in the histogram figure: unweighted and weighted when present."""
        names = [r.name for r in self.runs if not r.baseline]
        pick = [n for n in ("unweighted", "weighted") if n in names] or names[:2]
        return {n: self.run(n).scores for n in pick}

    def frontier_figure(self):
        """:func:`weightlab.frontier.plot_frontier` of these runs, on a new Figure."""
        from matplotlib.figure import Figure

        from weightlab.frontier import frontier_inputs, plot_frontier

        ds = self.dataset
        inputs = frontier_inputs(
            self.runs, y_test=ds.labels_of("test"), train_counts=ds.train_counts
        )
        fig = Figure(figsize=(8.5, 5.6), layout="constrained")
        plot_frontier(**inputs, ax=fig.subplots())
        return fig

    def save(self, out_dir="results") -> dict[str, Path]:
        """Write the result files atomically into ``out_dir``; return their paths."""
        # Why a bare Figure, not pyplot + matplotlib.use("Agg"): switching the backend here
        # stopped a notebook that saves results from showing any later figure.
        from matplotlib.figure import Figure

        from weightlab.plots import plot_f1_histograms

        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        paths = {
            "results.json": atomic_write_json(out / "results.json", self.to_dict()),
            "table.md": atomic_write_text(out / "table.md", self.markdown()),
        }
        buf = io.StringIO()
        self.per_class().to_csv(buf, index=False, float_format="%.6g")
        paths["per_class.csv"] = atomic_write_text(out / "per_class.csv", buf.getvalue())
        runs = self.histogram_runs()
        fig = Figure(figsize=(4.2 * len(runs), 3.4))
        plot_f1_histograms(runs, ax=fig.subplots(1, len(runs), sharex=True, sharey=True))
        fig.suptitle(f"Per-class F1 on {self.dataset.name} data ({self.engine})", fontsize=11)
        fig.tight_layout()
        paths["f1_histograms.png"] = atomic_savefig(fig, out / "f1_histograms.png", dpi=120)
        paths["frontier.png"] = atomic_savefig(
            self.frontier_figure(), out / "frontier.png", dpi=120
        )
        paths["logits.npz"] = atomic_write_bytes(out / "logits.npz", _logits_npz(self))
        return paths


def _logits_npz(results: Results) -> bytes:
    # Why positional keys: run names ("la-loss tau=1") are not safe npz member names.
    ds = results.dataset
    arrays = {
        "run_names": np.array([r.name for r in results.runs], dtype=str),
        "class_names": np.array(ds.class_names, dtype=str),
        "train_counts": ds.train_counts.astype(np.int64),
        "y_test": ds.labels_of("test").astype(np.int64),
        "y_validation": ds.labels_of("validation").astype(np.int64),
    }
    for i, r in enumerate(results.runs):
        arrays[f"test_logits_{i}"] = np.asarray(r.test_logits)
        arrays[f"validation_logits_{i}"] = np.asarray(r.validation_logits)
    buf = io.BytesIO()
    np.savez_compressed(buf, **arrays)
    return buf.getvalue()


def _is_timing(key: str) -> bool:
    return key == "seconds" or key.endswith(("_seconds", "_per_second"))


def _timings(info: dict) -> dict:
    return {k: v for k, v in info.items() if _is_timing(k)}


def _reproducible_record(run: Run) -> dict:
    # Why: wall-clock times differ between two identical runs; "runs" keeps what the same
    # command reproduces exactly, and the times go under "timings".
    rec = run.record()
    rec["info"] = {k: v for k, v in rec["info"].items() if not _is_timing(k)}
    return rec


def _fmt(value, spec: str) -> str:
    return "" if value is None else format(value, spec)


def _with_ci(rec: dict, unc: RunUncertainty | None) -> dict:
    ci = None if unc is None else unc.intervals[rec["name"]]
    for metric in ("accuracy", "macro_f1", "zero_f1_classes"):
        rec[f"{metric}_ci"] = None if ci is None else list(ci.ci(metric))
    return rec


def _uncertainty_lines(unc: RunUncertainty | None, runs: list[Run]) -> list[str]:
    # Why bullets, not table rows: the results table above stays exactly the article's.
    if unc is None:
        return []
    first = next(iter(unc.intervals.values()))
    lines = [
        "",
        f"{first.level:.0%} bootstrap intervals ({first.n_boot} stratified resamples of the "
        f"{first.n_test:,} test documents, seed {first.seed}):",
        "",
    ]
    for r in runs:
        label = _LABELS.get(r.name, r.name)
        lines.append(f"- {label}: {unc.intervals[r.name].describe()}")
    lines += [
        "",
        "Resampling keeps every class's test support, so a class with no correct prediction "
        "stays at zero in every resample and the resampled zero-F1 count runs high; its "
        "interval is shifted down by that bias (bias-corrected percentile interval). Compare "
        "runs with the paired differences below.",
    ]
    if unc.comparisons:
        ref = unc.comparisons[0].names[0]
        lines += ["", f"Paired differences from {ref} (b - a on the same resamples):", ""]
        for c in unc.comparisons:
            lines.append(f"- {c.names[1]} vs {ref}:")
            lines += [f"  - {c.line(m)}" for m in ("accuracy", "macro_f1", "zero_f1_classes")]
    return lines


def _seed_variance_records(sv: pd.DataFrame) -> list[dict]:
    # Why json round trip: numpy scalars -> plain floats / ints, NaN std of one seed -> null.
    return json.loads(sv.reset_index().to_json(orient="records"))


def _seed_variance_lines(sv: pd.DataFrame) -> list[str]:
    lines = ["", "Spread over training seeds (same split; mean +- std, min to max):", ""]
    for alpha, row in sv.iterrows():
        lines.append(
            f"- {row['run']} (alpha={alpha:g}, {row['n_seeds']} seeds): "
            f"accuracy {row['accuracy_mean']:.1%} +- {100 * row['accuracy_std']:.1f} pp "
            f"({row['accuracy_min']:.1%} to {row['accuracy_max']:.1%}); "
            f"macro F1 {row['macro_f1_mean']:.3f} +- {row['macro_f1_std']:.3f} "
            f"({row['macro_f1_min']:.3f} to {row['macro_f1_max']:.3f}); "
            f"zero-F1 classes {row['zero_f1_classes_mean']:.1f} +- "
            f"{row['zero_f1_classes_std']:.1f}"
        )
    return lines


def reproduce(
    data: str | TextDataset = "synthetic",
    *,
    engine="tfidf-linear",
    alphas=(0.0, 0.5),
    taus=(),
    seed: int = 0,
    out: str | Path | None = "results",
    baselines: bool = True,
    progress: bool = True,
    n_boot: int = 1000,
    seeds=None,
    cache=True,
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

    store = as_cache(cache)
    if isinstance(data, TextDataset):
        dataset = data
    else:
        status(f"loading data {data!r} (generating it when it is not cached) ...", enabled=progress)
        dataset = load_data(data, seed=seed, cache=store, **data_kwargs)
    _validate.whole_number(n_boot, "n_boot", minimum=0, what="0: no intervals")
    runs = train_runs(
        dataset,
        engine=engine,
        alphas=alphas,
        taus=taus,
        seed=seed,
        baselines=baselines,
        progress=progress,
        cache=store,
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
        | ({"taus": [float(t) for t in taus]} if len(taus) else {}),
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
