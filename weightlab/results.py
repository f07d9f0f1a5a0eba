"""The one results type: runs, the labels they are scored on, and the folder they are saved in.

:class:`Results` is what :func:`weightlab.reproduce` returns; :meth:`Results.save` writes it,
atomically, to an output folder and :func:`load_results` (``Results.load``) reads it back:

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
  ``y_validation``, ``train_counts`` and ``class_names`` (read it with :func:`load_results`).

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
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from weightlab._io import (
    atomic_savefig,
    atomic_write_bytes,
    atomic_write_json,
    atomic_write_text,
)
from weightlab.data import TextDataset
from weightlab.fitcheck import FitCheck, fit_check
from weightlab.metrics import scores_from_logits
from weightlab.runs import Run, remedy_of
from weightlab.uncertainty import RunUncertainty, run_uncertainty

__all__ = ["ARTICLE_REPORTED", "OUTPUT_FILES", "REQUIRED_FILES", "Results", "load_results"]

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
    "encoder-logreg": "Embeddings + logistic regression",
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


#: Files :func:`load_results` reads from a results folder.
REQUIRED_FILES = ("results.json", "per_class.csv", "logits.npz")


@dataclass(eq=False)
class Results:
    """Runs of one experiment, with the labels they are scored on: made or loaded.

    The one results type: :func:`weightlab.reproduce` returns it, :meth:`save` writes it as a
    folder (:data:`OUTPUT_FILES`), :meth:`load` reads such a folder back (the report does),
    and the frontier reads its runs. A freshly trained one holds its ``dataset``; a loaded
    one has ``dataset=None`` (the texts are not saved) and the labels from ``logits.npz``.

    ``n_boot`` bootstrap resamples (seeded with ``seed``; 0 turns them off) give the intervals
    and paired comparisons of :meth:`uncertainty`; ``seed_variance`` is the optional
    :func:`weightlab.sweep.seed_variance` table.

    Attributes
    ----------
    class_names : list of str
    train_counts, y_validation, y_test : numpy.ndarray of int64
        Taken from ``dataset`` when it is given.
    folder : pathlib.Path or None
        Where :meth:`load` read it from.
    """

    dataset: TextDataset | None
    runs: list[Run]
    engine: str
    seed: int
    settings: dict = field(default_factory=dict)
    n_boot: int = 1000
    seed_variance: pd.DataFrame | None = None
    class_names: list[str] | None = None
    train_counts: np.ndarray | None = None
    y_validation: np.ndarray | None = None
    y_test: np.ndarray | None = None
    folder: Path | None = None
    _saved: dict | None = field(default=None, repr=False)
    _run_id: str | None = field(default=None, init=False, repr=False)
    _uncertainty: RunUncertainty | None = field(default=None, init=False, repr=False)

    def __post_init__(self):
        ds = self.dataset
        if ds is not None:
            self.class_names = (
                list(ds.class_names) if self.class_names is None else self.class_names
            )
            if self.train_counts is None:
                self.train_counts = ds.train_counts.astype(np.int64)
            if self.y_validation is None:
                self.y_validation = ds.labels_of("validation").astype(np.int64)
            if self.y_test is None:
                self.y_test = ds.labels_of("test").astype(np.int64)
        labels = (self.class_names, self.train_counts, self.y_validation, self.y_test)
        if any(x is None for x in labels):
            raise ValueError(
                "Results needs the dataset the runs were trained on, or its class_names, "
                "train_counts, y_validation and y_test (Results.load reads them from a folder)."
            )

    @classmethod
    def load(cls, folder) -> Results:
        """Read and check a results folder written by :meth:`save` (see :func:`load_results`)."""
        return load_results(folder)

    @property
    def run_names(self) -> list[str]:
        """Run names, in order."""
        return [r.name for r in self.runs]

    @property
    def summary(self) -> dict:
        """What ``results.json`` holds: as read by :meth:`load`, else computed (:meth:`to_dict`)."""
        return self._saved if self._saved is not None else self.to_dict()

    def record(self, name: str) -> dict:
        """The ``results.json`` record of run ``name``."""
        for r in self.summary["runs"]:
            if r["name"] == name:
                return r
        raise KeyError(f"No run named {name!r}; runs are {self.run_names}.")

    def data_summary(self) -> dict:
        """Name, sizes, class count and largest-class share of the data (``results.json``)."""
        if self.dataset is not None:
            return self.dataset.summary()
        return dict(self.summary["dataset"])

    def data_notes(self) -> list[str]:
        """What loading and splitting did to the data."""
        if self.dataset is not None:
            return list(self.dataset.notes)
        return list(self.summary.get("dataset_notes") or [])

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
                self.y_test,
                class_names=self.class_names,
                n_boot=self.n_boot,
                seed=self.seed,
            )
        return self._uncertainty

    def fit_check(self) -> FitCheck | None:
        """The unweighted engine against its logistic regression on validation.

        The reference is the engine's ``fit_reference`` (``tfidf-logreg``, or
        ``encoder-logreg`` for ``encoder-probe``; :mod:`weightlab.fitcheck`). None without that
        run (``baselines=False``) or a validation split.
        """
        return fit_check(self.runs, self.y_validation, class_names=self.class_names)

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
        s = self.data_summary()
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
            if r.remedy in ("weights", "la-loss"):
                label += f" ({r.engine}, alpha={r.alpha:g})"
            elif not r.baseline:
                label += f" ({r.engine})"
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
        run_id = self._run_id or ((self._saved or {}).get("files") or {}).get("logits.npz")
        if run_id:
            lines += [
                "",
                f"Run id {run_id[:16]} (the start of the SHA-256 of logits.npz, which "
                "results.json lists under files): a table.md with another id belongs to "
                "another save.",
            ]
        return "\n".join(lines) + "\n"

    def to_dict(self) -> dict:
        """Everything ``results.json`` holds."""
        unc, sv = self.uncertainty(), self.seed_variance
        return {
            "dataset": self.data_summary(),
            "dataset_notes": self.data_notes(),
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

        inputs = frontier_inputs(
            self.runs,
            y_test=self.y_test,
            train_counts=self.train_counts,
            y_validation=self.y_validation if len(self.y_validation) else None,
        )
        fig = Figure(figsize=(8.5, 5.6), layout="constrained")
        plot_frontier(inputs, ax=fig.subplots())
        return fig

    def save(self, out_dir="results") -> dict[str, Path]:
        """Write the result files into ``out_dir`` as one unit; return their paths.

        Each file is written atomically, and ``results.json`` last: it lists the SHA-256 of
        every other file (``files``), so a reader (:func:`load_results`) knows when a folder
        mixes files of two saves (an interrupted one, or a file copied from elsewhere).
        """
        # Why a bare Figure, not pyplot + matplotlib.use("Agg"): switching the backend here
        # stopped a notebook that saves results from showing any later figure.
        from matplotlib.figure import Figure

        from weightlab.plots import plot_f1_histograms

        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        # logits.npz first: its digest is the run id that table.md and results.json carry.
        paths = {"logits.npz": atomic_write_bytes(out / "logits.npz", _logits_npz(self))}
        self._run_id = _sha256(paths["logits.npz"])
        paths["table.md"] = atomic_write_text(out / "table.md", self.markdown())
        buf = io.StringIO()
        self.per_class().to_csv(buf, index=False, float_format="%.6g")
        paths["per_class.csv"] = atomic_write_text(out / "per_class.csv", buf.getvalue())
        runs = self.histogram_runs()
        fig = Figure(figsize=(4.2 * len(runs), 3.4))
        plot_f1_histograms(runs, ax=fig.subplots(1, len(runs), sharex=True, sharey=True))
        fig.suptitle(
            f"Per-class F1 on {self.data_summary()['name']} data ({self.engine})", fontsize=11
        )
        fig.tight_layout()
        paths["f1_histograms.png"] = atomic_savefig(fig, out / "f1_histograms.png", dpi=120)
        paths["frontier.png"] = atomic_savefig(
            self.frontier_figure(), out / "frontier.png", dpi=120
        )
        files = {name: _sha256(path) for name, path in sorted(paths.items())}
        summary = self.to_dict() | {"files": files}
        paths["results.json"] = atomic_write_json(out / "results.json", summary)
        return {name: paths[name] for name in OUTPUT_FILES}


def _sha256(path: Path) -> str:
    import hashlib

    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def _logits_npz(results: Results) -> bytes:
    # Why positional keys: run names ("la-loss tau=1") are not safe npz member names.
    arrays = {
        "run_names": np.array([r.name for r in results.runs], dtype=str),
        "class_names": np.array(results.class_names, dtype=str),
        "train_counts": np.asarray(results.train_counts, dtype=np.int64),
        "y_test": np.asarray(results.y_test, dtype=np.int64),
        "y_validation": np.asarray(results.y_validation, dtype=np.int64),
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


def _corrupt(path: Path, what: str) -> ValueError:
    return ValueError(
        f"{path} is {what}; the results folder is damaged. Re-run `weightlab reproduce "
        f"--out {path.parent}` to write it again."
    )


def load_results(folder) -> Results:
    """Read and check a results folder written by ``weightlab reproduce``.

    Parameters
    ----------
    folder : path
        Holds ``results.json``, ``per_class.csv`` and ``logits.npz``.

    Returns
    -------
    Results
        With ``dataset=None``; runs rebuilt from ``logits.npz``, test scores recomputed
        from the logits and checked against ``results.json``.

    Raises
    ------
    ValueError
        If the folder or a file is missing, a file cannot be parsed, or the logits do not
        reproduce the accuracy and macro F1 in ``results.json`` (files from different runs).
    """
    folder = Path(folder)
    if not folder.exists():
        raise ValueError(
            f"Results folder {folder} does not exist; run `weightlab reproduce --out {folder}` "
            "first."
        )
    if not folder.is_dir():
        raise ValueError(f"{folder} is not a folder; pass the folder `weightlab reproduce` wrote.")
    missing = [f for f in REQUIRED_FILES if not (folder / f).is_file()]
    if missing:
        hint = (
            " (logits.npz is written by weightlab reproduce since the report was added)"
            if missing == ["logits.npz"]
            else ""
        )
        raise ValueError(
            f"Results folder {folder} lacks {', '.join(missing)}{hint}; run `weightlab "
            f"reproduce --out {folder}` to write a complete folder."
        )
    path = folder / "results.json"
    try:
        summary = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise _corrupt(path, f"not valid JSON ({err})") from None
    if not isinstance(summary, dict) or not isinstance(summary.get("runs"), list):
        raise _corrupt(path, "not a weightlab results.json (no list of runs)")
    for key in ("dataset", "engine"):
        if key not in summary:
            raise _corrupt(path, f"not a weightlab results.json (no {key!r})")
    path = folder / "per_class.csv"
    try:
        per_class = pd.read_csv(path)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as err:
        raise _corrupt(path, f"not a readable CSV ({err})") from None
    path = folder / "logits.npz"
    try:
        with np.load(path, allow_pickle=False) as npz:
            arrays = {k: npz[k] for k in npz.files}
    except (zipfile.BadZipFile, ValueError, OSError, EOFError) as err:
        raise _corrupt(path, f"not a readable npz archive ({err})") from None
    _check_files(folder, summary)
    return _check_saved(folder, summary, per_class, arrays)


def _check_files(folder: Path, summary: dict) -> None:
    """Every file ``results.json`` lists has the bytes it was saved with."""
    for name, digest in (summary.get("files") or {}).items():
        path = folder / name
        if path.is_file() and _sha256(path) != digest:
            raise ValueError(
                f"{path} is not the file results.json was saved with: the folder mixes files "
                f"of two saves (an interrupted run, or a copied file). Re-run `weightlab "
                f"reproduce --out {folder}`."
            )


def _check_intervals(results: Results, folder: Path) -> None:
    """The intervals and comparisons in results.json are those of the saved logits."""
    saved = results.summary
    unc = results.uncertainty()
    if unc is None:
        return
    for rec in saved["runs"]:
        for metric in ("accuracy", "macro_f1", "zero_f1_classes"):
            key = f"{metric}_ci"
            mine = list(unc.intervals[rec["name"]].ci(metric))
            if rec.get(key) is None or not np.allclose(rec[key], mine, rtol=0, atol=1e-9):
                raise ValueError(
                    f"results.json in {folder} gives run {rec['name']!r} a {metric} interval "
                    f"{rec.get(key)} but its logits give {[round(v, 6) for v in mine]} "
                    "(same resamples): the file was edited or mixes two saves. Re-run `weightlab "
                    f"reproduce --out {folder}`."
                )
    comparisons = unc.records()
    if len(comparisons) != len(saved.get("comparisons") or []) or any(
        not np.allclose([a["difference"], *a["ci"]], [b["difference"], *b["ci"]], atol=1e-9)
        for a, b in zip(comparisons, saved["comparisons"], strict=True)
    ):
        raise ValueError(
            f"results.json in {folder} holds paired comparisons that its logits do not give: "
            f"the file was edited or mixes two saves. Re-run `weightlab reproduce --out {folder}`."
        )


def _check_data_summary(folder, summary, train_counts, y_validation, y_test) -> None:
    """The data set's sizes in results.json are those of the saved labels."""
    n = len(train_counts)
    everything = (
        train_counts + np.bincount(y_validation, minlength=n) + np.bincount(y_test, minlength=n)
    )
    derived = {
        "n_documents": int(everything.sum()),
        "n_train": int(train_counts.sum()),
        "n_validation": len(y_validation),
        "n_test": len(y_test),
        "n_classes": n,
        "head_share": float(everything.max() / everything.sum()),
        "min_train_count": int(train_counts.min()),
        "classes_under_20_train": int((train_counts < 20).sum()),
    }
    data = summary["dataset"]
    for key, value in derived.items():
        if key in data and not np.isclose(float(data[key]), value, rtol=0, atol=1e-12):
            raise ValueError(
                f"results.json in {folder} says {key} = {data[key]} but the saved labels give "
                f"{value}: the file was edited or mixes two saves. Re-run `weightlab reproduce "
                f"--out {folder}`."
            )


def _check_saved(folder: Path, summary: dict, per_class, arrays: dict) -> Results:
    path = folder / "logits.npz"
    needed = ["run_names", "class_names", "train_counts", "y_test", "y_validation"]
    lacking = [k for k in needed if k not in arrays]
    if lacking:
        raise _corrupt(path, f"missing {', '.join(lacking)}")
    names = [str(n) for n in arrays["run_names"]]
    in_json = [r.get("name") for r in summary["runs"]]
    if names != in_json:
        raise ValueError(
            f"logits.npz holds runs {names} but results.json lists {in_json}; the folder mixes "
            "files of different runs. Re-run `weightlab reproduce`."
        )
    class_names = [str(c) for c in arrays["class_names"]]
    counts = arrays["train_counts"].astype(np.int64)
    y_test = arrays["y_test"].astype(np.int64)
    _check_data_summary(folder, summary, counts, arrays["y_validation"], y_test)
    runs = []
    for i, name in enumerate(names):
        for key in (f"test_logits_{i}", f"validation_logits_{i}"):
            if key not in arrays:
                raise _corrupt(path, f"missing {key} (run {name!r})")
        test = arrays[f"test_logits_{i}"]
        s = scores_from_logits(test, y_test, class_names=class_names, train_counts=counts)
        rec = summary["runs"][i]
        for metric in ("accuracy", "macro_f1", "zero_f1_classes", "n_classes_predicted"):
            if not np.isclose(float(s.overall[metric]), float(rec.get(metric, np.nan)), atol=1e-9):
                raise ValueError(
                    f"logits.npz does not reproduce results.json: run {name!r} has {metric} "
                    f"{float(s.overall[metric]):.6f} from its logits but {rec.get(metric)} in "
                    "results.json. The folder mixes files of different runs; re-run "
                    "`weightlab reproduce`."
                )
        alpha = rec.get("alpha")
        tau = float(rec.get("tau") or 0.0)
        remedy, knob = rec.get("remedy"), rec.get("knob")
        if "remedy" not in rec and alpha is not None:  # written before remedies were recorded
            remedy, knob = remedy_of(alpha, tau)
        runs.append(
            Run(
                name=name,
                engine=str(rec.get("engine", "")),
                alpha=None if alpha is None else float(alpha),
                tau=tau,
                seed=int(rec.get("seed", summary.get("seed", 0)) or 0),
                validation_logits=arrays[f"validation_logits_{i}"],
                test_logits=test,
                scores=s,
                info=dict(rec.get("info") or {}),
                remedy=None if remedy is None else str(remedy),
                knob=None if knob is None else float(knob),
            )
        )
    sv = summary.get("seed_variance")
    boot = summary.get("bootstrap") or {}
    results = Results(
        dataset=None,
        runs=runs,
        engine=str(summary.get("engine", "")),
        seed=int(summary.get("seed", 0) or 0),
        settings=dict(summary.get("settings") or {}),
        n_boot=int(boot.get("n_boot") or 0),
        seed_variance=None if not sv else pd.DataFrame(sv).set_index("alpha"),
        class_names=class_names,
        train_counts=counts,
        y_validation=arrays["y_validation"].astype(np.int64),
        y_test=y_test,
        folder=folder,
        _saved=summary,
    )
    _check_intervals(results, folder)
    return results
