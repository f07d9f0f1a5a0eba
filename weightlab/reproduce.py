"""The article's experiment end to end: data -> runs -> table, per-class scores, figure.

:func:`reproduce` is what ``weightlab reproduce`` runs. Its :class:`Results` holds the
runs and writes, atomically, to an output folder:

- ``results.json`` - ``dataset`` (name, sizes, ``n_classes``, ``head_share``) and ``runs``
  (one object per run: ``name``, ``engine``, ``alpha``, ``accuracy``, ``macro_f1``,
  ``zero_f1_classes``, ``n_classes_predicted``, ...), plus the article's reported figures
  under ``article_reported``, kept apart from the computed ones;
- ``table.md`` - the results table, computed rows and the reported rows marked as such;
- ``per_class.csv`` - precision, recall, F1, support and training count per class and run;
- ``f1_histograms.png`` - per-class F1 histograms, unweighted vs weighted.
"""

from __future__ import annotations

import io
import platform
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from weightlab._io import atomic_savefig, atomic_write_json, atomic_write_text
from weightlab.data import TextDataset
from weightlab.runs import Run, train_runs

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


@dataclass(eq=False)
class Results:
    """Runs of one experiment and the data set they were trained on."""

    dataset: TextDataset
    runs: list[Run]
    engine: str
    seed: int
    settings: dict = field(default_factory=dict)

    def run(self, name: str) -> Run:
        """The run called ``name`` (``"unweighted"``, ``"weighted"``, ``"alpha=0.25"`` ...)."""
        for r in self.runs:
            if r.name == name:
                return r
        raise KeyError(f"No run named {name!r}; runs are {[r.name for r in self.runs]}.")

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
            if r.engine not in ("majority", "tfidf-logreg"):
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
        return "\n".join(lines) + "\n"

    def to_dict(self) -> dict:
        """Everything ``results.json`` holds."""
        return {
            "dataset": self.dataset.summary(),
            "dataset_notes": list(self.dataset.notes),
            "engine": self.engine,
            "seed": self.seed,
            "settings": self.settings,
            "runs": [r.record() for r in self.runs],
            "article_reported": ARTICLE_REPORTED,
            "environment": {"python": platform.python_version()},
        }

    def histogram_runs(self) -> dict:
        """Scores to draw in the histogram figure: unweighted and weighted when present."""
        names = [r.name for r in self.runs if r.engine not in ("majority", "tfidf-logreg")]
        pick = [n for n in ("unweighted", "weighted") if n in names] or names[:2]
        return {n: self.run(n).scores for n in pick}

    def save(self, out_dir="results") -> dict[str, Path]:
        """Write the result files atomically into ``out_dir``; return their paths."""
        import matplotlib

        matplotlib.use("Agg", force=False)
        import matplotlib.pyplot as plt

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
        axes = plot_f1_histograms(self.histogram_runs())
        fig = np.asarray(axes).ravel()[0].figure
        fig.suptitle(f"Per-class F1 on {self.dataset.name} data ({self.engine})", fontsize=11)
        fig.tight_layout()
        paths["f1_histograms.png"] = atomic_savefig(fig, out / "f1_histograms.png", dpi=120)
        plt.close(fig)
        return paths


def _fmt(value, spec: str) -> str:
    return "" if value is None else format(value, spec)


def reproduce(
    data: str | TextDataset = "synthetic",
    *,
    engine="tfidf-linear",
    alphas=(0.0, 0.5),
    seed: int = 0,
    out: str | Path | None = "results",
    baselines: bool = True,
    progress: bool = True,
    **data_kwargs,
) -> Results:
    """Run the article's table: majority, TF-IDF + LR, and ``engine`` at each alpha.

    Parameters
    ----------
    data : str or TextDataset
        A :func:`weightlab.data.load_data` spec (``"synthetic"``, ``"cfpb:PATH"``,
        ``"csv:PATH"``, ``"hf:NAME"``) or a data set.
    engine : str or Engine
        ``"tfidf-linear"`` (default), ``"transformer"``, or a configured engine.
    alphas : sequence of float
        Class-weight exponents; 0 is named ``unweighted`` and 0.5 ``weighted``.
    seed : int
        Seed of the data generation / split and of every training run.
    out : path or None
        Folder for the result files; None writes nothing.
    baselines : bool
        Include the majority and TF-IDF + logistic regression rows.
    progress : bool
        Show progress bars.
    **data_kwargs
        Passed to :func:`weightlab.data.load_data` (e.g. ``n_documents`` for synthetic data,
        ``text_column`` / ``label_column`` for tables).

    Returns
    -------
    Results
    """
    from weightlab.data import load_data

    dataset = data if isinstance(data, TextDataset) else load_data(data, seed=seed, **data_kwargs)
    runs = train_runs(
        dataset, engine=engine, alphas=alphas, seed=seed, baselines=baselines, progress=progress
    )
    results = Results(
        dataset=dataset,
        runs=runs,
        engine=engine if isinstance(engine, str) else engine.name,
        seed=seed,
        settings={
            "alphas": [float(a) for a in alphas],
            "data": str(data) if isinstance(data, str) else data.name,
        },
    )
    if out is not None:
        results.save(out)
    return results
