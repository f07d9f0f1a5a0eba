r"""One self-contained HTML page for a stakeholder, from a ``weightlab reproduce`` folder.

``weightlab report --results results/ --out results/report.html`` (or :func:`write_report`)
reads the folder (:func:`load_results`: ``results.json``, ``per_class.csv``, ``logits.npz``)
and writes one HTML file with every figure embedded as a base64 PNG (no external asset, no
script): the results table with bootstrap intervals and paired differences, the accuracy vs
macro-F1 frontier, the per-class F1 histograms and changes, the band table, coverage, the
absorption and losses tables, and a plain-language paragraph per operating view
(:mod:`weightlab.views`): what was gained, what was traded away, and for whom.

Every number in the text is computed from the folder; the article's figures appear only in
columns and sentences labelled as reported by the article.

Which runs are compared
-----------------------
``before`` is the engine's run at ``alpha = 0`` (``unweighted``), ``after`` the run at
``alpha = 0.5`` (``weighted``) - else the smallest and the largest ``alpha`` of the engine's
plain cross-entropy runs. The third model is the post-hoc alternative: ``before``'s logits
adjusted with the ``tau`` that maximises macro F1 on the **validation** split
(:func:`weightlab.adjust.choose_tau`), scored once on test.
"""

from __future__ import annotations

import base64
import html
import io
import json
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from weightlab import _validate
from weightlab._io import atomic_write_text
from weightlab.metrics import scores_from_logits
from weightlab.runs import Run

__all__ = ["SavedResults", "load_results", "view_paragraphs", "build_report", "write_report"]

#: Files :func:`load_results` reads from a results folder.
REQUIRED_FILES = ("results.json", "per_class.csv", "logits.npz")


# ---------------------------------------------------------------------------------------------
# loading
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class SavedResults:
    """A results folder written by ``weightlab reproduce``, loaded and checked.

    Attributes
    ----------
    folder : pathlib.Path
    summary : dict
        ``results.json``.
    per_class : pandas.DataFrame
        ``per_class.csv``.
    class_names : list of str
    train_counts, y_test, y_validation : numpy.ndarray of int64
    runs : list of Run
        Every run of ``results.json``, in its order, rebuilt from ``logits.npz``: validation
        and test logits, and test scores recomputed from the logits (and checked against
        ``results.json``).
    """

    folder: Path
    summary: dict
    per_class: pd.DataFrame
    class_names: list[str]
    train_counts: np.ndarray
    y_test: np.ndarray
    y_validation: np.ndarray
    runs: list

    @property
    def run_names(self) -> list[str]:
        """Run names, in the order of ``results.json``."""
        return [r.name for r in self.runs]

    def run(self, name: str) -> Run:
        """The run called ``name``, with its logits and scores."""
        for r in self.runs:
            if r.name == name:
                return r
        raise KeyError(f"No run named {name!r}; runs are {self.run_names}.")

    def record(self, name: str) -> dict:
        """The ``results.json`` record of run ``name``."""
        for r in self.summary["runs"]:
            if r["name"] == name:
                return r
        raise KeyError(f"No run named {name!r}; runs are {self.run_names}.")


def _corrupt(path: Path, what: str) -> ValueError:
    return ValueError(
        f"{path} is {what}; the results folder is damaged. Re-run `weightlab reproduce "
        f"--out {path.parent}` to write it again."
    )


def load_results(folder) -> SavedResults:
    """Read and check a results folder written by ``weightlab reproduce``.

    Parameters
    ----------
    folder : path
        Holds ``results.json``, ``per_class.csv`` and ``logits.npz``.

    Returns
    -------
    SavedResults

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
    return _check_saved(folder, summary, per_class, arrays)


def _check_saved(folder: Path, summary: dict, per_class, arrays: dict) -> SavedResults:
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
    runs = []
    for i, name in enumerate(names):
        for key in (f"test_logits_{i}", f"validation_logits_{i}"):
            if key not in arrays:
                raise _corrupt(path, f"missing {key} (run {name!r})")
        test = arrays[f"test_logits_{i}"]
        s = scores_from_logits(test, y_test, class_names=class_names, train_counts=counts)
        rec = summary["runs"][i]
        for metric in ("accuracy", "macro_f1"):
            if not np.isclose(float(s.overall[metric]), float(rec.get(metric, np.nan)), atol=1e-9):
                raise ValueError(
                    f"logits.npz does not reproduce results.json: run {name!r} has {metric} "
                    f"{float(s.overall[metric]):.6f} from its logits but {rec.get(metric)} in "
                    "results.json. The folder mixes files of different runs; re-run "
                    "`weightlab reproduce`."
                )
        alpha = rec.get("alpha")
        runs.append(
            Run(
                name=name,
                engine=str(rec.get("engine", "")),
                alpha=None if alpha is None else float(alpha),
                tau=float(rec.get("tau") or 0.0),
                seed=int(rec.get("seed", summary.get("seed", 0)) or 0),
                validation_logits=arrays[f"validation_logits_{i}"],
                test_logits=test,
                scores=s,
                info=dict(rec.get("info") or {}),
            )
        )
    return SavedResults(
        folder=folder,
        summary=summary,
        per_class=per_class,
        class_names=class_names,
        train_counts=counts,
        y_test=y_test,
        y_validation=arrays["y_validation"].astype(np.int64),
        runs=runs,
    )


# ---------------------------------------------------------------------------------------------
# the analysis behind the page
# ---------------------------------------------------------------------------------------------


def _pick_pair(saved: SavedResults) -> tuple[str, str]:
    plain = [r for r in saved.runs if not r.baseline and r.alpha is not None]
    plain = [r for r in plain if not r.tau]
    if len(plain) < 2:
        raise ValueError(
            "The report compares an unweighted and a weighted run of one engine, but the "
            f"results hold {[r.name for r in plain]}; run `weightlab reproduce --alphas 0,0.5`."
        )
    by_alpha = {r.alpha: r.name for r in plain}
    before = by_alpha.get(0.0, by_alpha[min(by_alpha)])
    after = by_alpha.get(0.5, by_alpha[max(by_alpha)])
    if after == before:
        after = by_alpha[max(by_alpha)]
    return before, after


@dataclass(frozen=True, eq=False)
class _Analysis:
    before: str
    after: str
    adjusted: str
    tau: float
    scores: dict  # before, after, adjusted -> Scores
    views: pd.DataFrame
    inputs: dict  # frontier_inputs
    frontier: pd.DataFrame
    gap: pd.DataFrame
    adjusted_vs_after: object  # PairedBootstrap or None


def _analyse(saved: SavedResults, *, taus, volume_share, bands) -> _Analysis:
    from weightlab.adjust import DEFAULT_TAUS, adjust_logits, choose_tau
    from weightlab.frontier import curve_gap, frontier_inputs, frontier_table
    from weightlab.views import compare_views
    from weightlab.weights import log_prior

    taus = DEFAULT_TAUS if taus is None else taus
    before, after = _pick_pair(saved)
    prior = log_prior(saved.train_counts)
    run_before = saved.run(before)
    choice = choose_tau(
        run_before.validation_logits, saved.y_validation, log_prior=prior, taus=taus
    )
    adjusted = f"{before} + tau={choice.value:g}"
    adjusted_scores = scores_from_logits(
        adjust_logits(run_before.test_logits, prior, tau=choice.value),
        saved.y_test,
        class_names=saved.class_names,
        train_counts=saved.train_counts,
    )
    scores = {
        before: run_before.scores,
        after: saved.run(after).scores,
        adjusted: adjusted_scores,
    }
    views = compare_views(
        scores, train_counts=saved.train_counts, volume_share=volume_share, bands=bands
    )
    inputs = frontier_inputs(
        saved.runs,
        y_test=saved.y_test,
        train_counts=saved.train_counts,
        curves=(before, "tfidf-logreg"),
        taus=taus,
    )
    gap = curve_gap(inputs["alpha_points"], inputs["tau_curves"][before])

    paired = None
    boot = saved.summary.get("bootstrap") or {}
    if boot.get("n_boot"):
        from weightlab.uncertainty import paired_bootstrap

        paired = paired_bootstrap(
            saved.y_test,
            scores[after].y_pred,
            adjusted_scores.y_pred,
            class_names=saved.class_names,
            names=(after, adjusted),
            n_boot=int(boot["n_boot"]),
            seed=int(boot.get("seed", 0)),
        )
    return _Analysis(
        before=before,
        after=after,
        adjusted=adjusted,
        tau=choice.value,
        scores=scores,
        views=views,
        inputs=inputs,
        frontier=frontier_table(**inputs),
        gap=gap,
        adjusted_vs_after=paired,
    )


# ---------------------------------------------------------------------------------------------
# words
# ---------------------------------------------------------------------------------------------


def _moved(b: float, a: float, fmt: str, unit: str = "", extra: str = "") -> str:
    """``rose from 50.0% to 55.0% (+5.0 points)`` / ``fell ...`` / ``stayed at ...``.

    ``extra`` (e.g. a confidence interval) goes inside the parentheses.
    """
    if fmt == "pct":
        show = lambda v: f"{v:.1%}"  # noqa: E731
        delta = f"{100 * (a - b):+.1f} points"
        same = round(100 * a, 1) == round(100 * b, 1)
    elif fmt == "int":
        show = lambda v: f"{v:.0f}"  # noqa: E731
        delta = f"{a - b:+.0f}{unit}"
        same = round(a) == round(b)
    else:
        show = lambda v: f"{v:.3f}"  # noqa: E731
        delta = f"{a - b:+.3f}"
        same = round(a, 3) == round(b, 3)
    if same:
        return f"stayed at {show(a)}" + (f" ({extra.lstrip('; ')})" if extra else "")
    verb = "rose" if a > b else "fell"
    return f"{verb} from {show(b)} to {show(a)} ({delta}{extra})"


def view_paragraphs(
    views: pd.DataFrame,
    *,
    before: str,
    after: str,
    adjusted: str | None = None,
    train_counts=None,
    volume_share: float = 0.8,
) -> dict[str, str]:
    """Plain-language paragraphs, one per operating view, from a :func:`compare_views` table.

    Every number comes from ``views``; nothing is hand-written.

    Parameters
    ----------
    views : pandas.DataFrame
        :func:`weightlab.views.compare_views` of at least the ``before`` and ``after`` models.
    before, after : str
        Column names of the reference (e.g. ``"unweighted"``) and the changed model
        (e.g. ``"weighted"``).
    adjusted : str, optional
        Column name of a third model (e.g. the post-hoc adjusted ``before``) to mention.
    train_counts : array-like of int, optional
        To state how many classes the routing view's volume classes are.
    volume_share : float
        The ``volume_share`` ``views`` was computed with.

    Returns
    -------
    dict
        ``{"routing": str, "audit": str, "trade": str}`` (plain text).

    Raises
    ------
    ValueError
        If a named column is not in ``views``.
    """
    for name in (before, after) + ((adjusted,) if adjusted else ()):
        if name not in views.columns:
            raise ValueError(
                f"{name!r} is not a model column of views (columns: {list(views.columns)})."
            )

    def v(model, view, metric):
        return float(views.loc[(view, metric), model])

    def n(view, metric):
        return int(views.loc[(view, metric), "n"])

    volume_b, volume_a = (
        v(before, "routing", "volume_accuracy"),
        v(after, "routing", "volume_accuracy"),
    )
    acc_b, acc_a = v(before, "routing", "accuracy"), v(after, "routing", "accuracy")
    n_volume, n_test = n("routing", "volume_accuracy"), n("routing", "accuracy")
    if train_counts is not None:
        from weightlab.views import volume_classes

        counts = np.asarray(train_counts)
        volume = volume_classes(counts, volume_share=volume_share)
        held = counts[volume].sum() / counts.sum()
        who = f"The {volume.size} largest categories hold {held:.0%} of the training complaints"
    else:
        who = f"The largest categories hold {volume_share:.0%} of the training complaints"
    routed = round((volume_a - volume_b) * n_volume)
    routing = (
        f"Routing - a team that sends the bulk of incoming complaints to the right desk. "
        f"{who} and {n_volume:,} of the {n_test:,} test complaints. On them, accuracy "
        f"{_moved(volume_b, volume_a, 'pct')} from {before} to {after}: "
        f"{abs(routed):,} {'more' if routed >= 0 else 'fewer'} of those {n_volume:,} complaints "
        f"routed correctly. Overall accuracy {_moved(acc_b, acc_a, 'pct')}."
    )
    if adjusted:
        routing += (
            f" The post-hoc alternative ({adjusted}) reaches "
            f"{v(adjusted, 'routing', 'volume_accuracy'):.1%} on the high-volume categories and "
            f"{v(adjusted, 'routing', 'accuracy'):.1%} overall."
        )

    id_b, id_a = v(before, "audit", "classes_identified"), v(after, "audit", "classes_identified")
    n_classes = n("audit", "classes_identified")
    f1_b, f1_a = v(before, "audit", "macro_f1"), v(after, "audit", "macro_f1")
    tail_b, tail_a = v(before, "audit", "tail_recall"), v(after, "audit", "tail_recall")
    n_tail = n("audit", "tail_recall")
    audit = (
        f"Audit - a compliance team that needs every category recognised at all. Of the "
        f"{n_classes} categories in the test split, {before} identifies {id_b:.0f} (F1 > 0) "
        f"and {after} {id_a:.0f} ({id_a - id_b:+.0f}); {n_classes - id_a:.0f} "
        f"{'category is' if n_classes - id_a == 1 else 'categories are'} still never "
        f"identified. Macro F1 {_moved(f1_b, f1_a, 'f1')}."
    )
    if n_tail:
        audit += (
            f" On the {n_tail:,} test complaints of the tail categories, recall "
            f"{_moved(tail_b, tail_a, 'pct')}."
        )
    else:
        audit += " The test split has no tail-category complaint, so tail recall is undefined."
    if adjusted:
        audit += (
            f" The post-hoc alternative ({adjusted}) identifies "
            f"{v(adjusted, 'audit', 'classes_identified'):.0f} categories with macro F1 "
            f"{v(adjusted, 'audit', 'macro_f1'):.3f}."
        )

    gained, lost = [], []
    d_f1, d_id, d_acc, d_volume = f1_a - f1_b, id_a - id_b, acc_a - acc_b, volume_a - volume_b
    if d_f1:
        (gained if d_f1 > 0 else lost).append(f"{abs(d_f1):.3f} macro F1")
    if d_id:
        (gained if d_id > 0 else lost).append(f"{abs(d_id):.0f} identified categories")
    if d_acc:
        (gained if d_acc > 0 else lost).append(f"{100 * abs(d_acc):.1f} points of accuracy")
    if d_volume:
        (gained if d_volume > 0 else lost).append(
            f"{100 * abs(d_volume):.1f} points on the high-volume categories"
        )
    trade = (
        f"Going from {before} to {after} gained {_join(gained) or 'nothing measured here'} "
        f"and gave up {_join(lost) or 'nothing measured here'}."
    )
    if d_f1 > 0 and d_volume < 0:
        trade += (
            " The audit view gains and the routing view pays: pick the errors your system "
            "can tolerate, and report the other metric beside it."
        )
    return {"routing": routing, "audit": audit, "trade": trade}


def _join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


# ---------------------------------------------------------------------------------------------
# HTML
# ---------------------------------------------------------------------------------------------

_CSS = """
body { font-family: -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; max-width: 76em;
       margin: 2em auto; padding: 0 1em; color: #222; line-height: 1.45; }
p, ul, dl, h1, h2 { max-width: 60em; }
h1 { font-size: 1.6em; } h2 { font-size: 1.25em; margin-top: 2em; border-bottom: 1px solid #ddd; }
table { border-collapse: collapse; margin: 0.8em 0; font-size: 0.88em; }
th, td { border: 1px solid #ddd; padding: 0.25em 0.6em; text-align: right; }
th { background: #f4f4f4; } td:first-child, th:first-child { text-align: left; }
.note { background: #fff4d6; border-left: 4px solid #e0a800; padding: 0.6em 1em; }
.reported { color: #666; font-style: italic; }
.warning { color: #8a1c1c; font-weight: bold; }
.small { font-size: 0.85em; color: #555; }
img { max-width: 100%; height: auto; }
h1, h2, h3, p, li, dd { overflow-wrap: anywhere; }
.table { overflow-x: auto; max-width: 100%; }
dt { font-weight: bold; margin-top: 0.4em; } dd { margin-left: 1.2em; }
@media (max-width: 600px) {
  body { margin: 0.5em auto; padding: 0 0.5em; } table { font-size: 0.8em; }
}
"""

#: Column identifiers of the tables -> (header shown in the report, glossary entry).
_LABELS = {
    "accuracy": ("accuracy", "Share of test documents whose predicted category is right."),
    "macro_f1": (
        "macro F1",
        "Mean of the per-category F1 over the categories in the test "
        "split; every category counts the same, however small.",
    ),
    "mean_f1": ("mean F1", "Mean per-category F1 over the categories of the band."),
    "zero_f1": (
        "zero-F1",
        "A category whose F1 is 0: the model never gets one of its test documents right.",
    ),
    "head": (
        "head / medium / tail",
        "Frequency bands by training examples per category "
        "(the thresholds are under the band table). 'Volume categories' (routing view) "
        "are another set: the largest categories that hold most of the training volume.",
    ),
    "size": ("size", "Categories in the band and their test documents."),
    "n_classes": ("categories", ""),
    "n_test": ("test documents", ""),
    "change": ("change", "After minus before."),
    "n_classes_scored": ("in test split", "Categories with at least one test document."),
    "n_classes_predicted": ("ever predicted", "Categories the model predicts at least once."),
    "n_classes_correct": (
        "ever right",
        "Categories with at least one correctly classified test document (F1 > 0).",
    ),
    "n_scored_never_predicted": (
        "never predicted",
        "Categories in the test split that the model never predicts.",
    ),
    "n_predicted_never_correct": (
        "predicted, never right",
        "Categories the model predicts, but never for one of their own documents.",
    ),
    "class": ("category", ""),
    "train_count": ("training examples", ""),
    "band": ("band", ""),
    "support": ("test documents", ""),
    "n_predicted": ("predicted", "Test documents predicted as this category."),
    "absorbed_by": (
        "absorbed by",
        "The category that received most of this category's test documents.",
    ),
    "absorbed_n": ("documents absorbed", ""),
    "absorbed_share": (
        "share absorbed",
        "Share of the category's test documents that went to the absorbing category.",
    ),
    "absorber_train_count": ("absorber's training examples", ""),
    "n_targets": ("categories receiving", "How many categories its test documents went to."),
    "f1_before": ("F1 before", ""),
    "f1_after": ("F1 after", ""),
    "f1_change": ("F1 change", ""),
    "recall_before": ("recall before", ""),
    "recall_after": ("recall after", ""),
    "precision_before": ("precision before", ""),
    "precision_after": ("precision after", ""),
    "n_lost": ("documents lost", "Test documents it got right before and wrong after."),
    "taken_n": ("documents taken", "How many of the lost documents went to that category."),
    "taken_by": (
        "taken by",
        "The category most of those lost documents now go to; empty when "
        "none were lost (F1 fell through precision).",
    ),
    "point": ("model", ""),
    "alpha": (
        "alpha",
        "Class-weight exponent: weights proportional to (1 / class count) ** "
        "alpha; 0 is unweighted, 0.5 square-root inverse, 1 inverse frequency.",
    ),
    "tau": (
        "tau",
        "Strength of post-hoc logit adjustment: logits minus tau * log(class "
        "prior), after training; 0 leaves the model as trained.",
    ),
    "macro_f1_gap": (
        "macro F1 gap",
        "Macro F1 of the retrained model minus the best macro F1 "
        "the tau curve reaches at that accuracy or higher; at or below 0, post-hoc "
        "adjustment did as well without retraining.",
    ),
    "dominated": (
        "matched by tau",
        "Whether the tau curve reaches the model on both metrics (macro F1 gap <= 0).",
    ),
    "zero_f1_classes": ("zero-F1 categories", ""),
    "volume_accuracy": (
        "accuracy on volume categories",
        "Routing view: accuracy on the test documents of the volume categories.",
    ),
    "classes_identified": ("categories identified", "Audit view: categories with F1 > 0."),
    "tail_recall": (
        "tail recall",
        "Audit view: share of the tail band's test documents classified correctly.",
    ),
    "label": ("label", ""),
    "kind": ("kind", ""),
    "series": ("series", ""),
}


def _label(key) -> str:
    return _LABELS.get(key, (str(key), ""))[0] if isinstance(key, str) else str(key)


def _glossary(used) -> str:
    """The glossary of the table headers ``used`` that need a word of explanation."""
    items = []
    for key in _LABELS:
        text = _LABELS[key][1]
        if key in used and text:
            items.append(f"<dt>{_esc(_LABELS[key][0])}</dt><dd>{_esc(text)}</dd>")
    return f"<dl>{''.join(items)}</dl>"


def _esc(text) -> str:
    return html.escape(str(text))


def _figure(**kwargs):
    # Why not pyplot: no global figure to close, and no backend switch (matplotlib.use) that
    # would stop a notebook that calls the report from showing its own figures.
    from matplotlib.figure import Figure

    return Figure(**kwargs)


def _png(fig, alt: str) -> str:
    """``fig`` as an embedded <img>, with ``alt`` saying what it shows (for screen readers)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100, bbox_inches="tight", metadata={"Software": None})
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    return f'<img alt="{_esc(alt)}" src="data:image/png;base64,{data}">'


def _ci(values, spec: str) -> str:
    if not values or any(v is None for v in values):
        return ""
    lo, hi = values
    if spec == "pct":
        return f" [{100 * lo:.1f}, {100 * hi:.1f}]"
    if spec == "int":
        return f" [{lo:.0f}, {hi:.0f}]"
    return f" [{lo:.3f}, {hi:.3f}]"


def _results_table(saved: SavedResults) -> str:
    reported = saved.summary.get("article_reported") or {}
    head = (
        "<tr><th>run</th><th>engine</th><th>alpha</th><th>accuracy [95% CI]</th>"
        "<th>macro F1 [95% CI]</th><th>zero-F1 classes [95% CI]</th><th>classes predicted</th>"
        '<th class="reported">reported in the article: accuracy</th>'
        '<th class="reported">reported: macro F1</th><th class="reported">reported: zero-F1</th>'
        "</tr>"
    )
    rows = []
    for r in saved.summary["runs"]:
        ref = reported.get(r["name"], {})
        alpha = "" if r.get("alpha") is None else f"{r['alpha']:g}"
        cells = [
            _esc(r["name"]),
            _esc(r.get("engine", "")),
            alpha,
            f"{r['accuracy']:.1%}{_ci(r.get('accuracy_ci'), 'pct')}",
            f"{r['macro_f1']:.3f}{_ci(r.get('macro_f1_ci'), 'f1')}",
            f"{r['zero_f1_classes']}{_ci(r.get('zero_f1_classes_ci'), 'int')}",
            f"{r['n_classes_predicted']}",
            f"{ref['accuracy']:.1%}" if "accuracy" in ref else "",
            f"{ref['macro_f1']:.3f}" if "macro_f1" in ref else "",
            f"{ref['zero_f1_classes']}" if "zero_f1_classes" in ref else "",
        ]
        tds = "".join(
            f'<td class="reported">{c}</td>' if i >= 7 else f"<td>{c}</td>"
            for i, c in enumerate(cells)
        )
        rows.append(f"<tr>{tds}</tr>")
    return _scroll(f"<table>{head}{''.join(rows)}</table>")


def _comparisons_table(saved: SavedResults) -> str:
    rows = saved.summary.get("comparisons") or []
    if not rows:
        return '<p class="small">No paired bootstrap comparisons in results.json (n_boot = 0).</p>'
    out = []
    for c in rows:
        metric, d, (lo, hi) = c["metric"], c["difference"], c["ci"]
        if metric == "accuracy":
            diff, ci = f"{100 * d:+.1f} points", f"[{100 * lo:+.1f}, {100 * hi:+.1f}]"
        elif metric == "macro_f1":
            diff, ci = f"{d:+.3f}", f"[{lo:+.3f}, {hi:+.3f}]"
        else:
            diff, ci = f"{d:+.0f}", f"[{lo:+.0f}, {hi:+.0f}]"
        out.append(
            f"<tr><td>{_esc(c['b'])} - {_esc(c['a'])}</td><td>{_esc(_label(metric))}</td>"
            f"<td>{diff}</td><td>{ci}</td><td>{c['p_b_better']:.1%}</td></tr>"
        )
    head = (
        "<tr><th>models (second minus first)</th><th>metric</th><th>difference</th>"
        "<th>95% CI</th><th>resamples where the second is better</th></tr>"
    )
    return _scroll(f"<table>{head}{''.join(out)}</table>")


def _scroll(table_html: str) -> str:
    """A table in a box that scrolls sideways itself, so the page never does."""
    return f'<div class="table">{table_html}</div>'


def _frame(df: pd.DataFrame, *, pct=(), f3=(), index=True, used=None) -> str:
    """``df`` as an HTML table with human headers (``_LABELS``); keys go into ``used``."""
    if index and not isinstance(df.columns, pd.MultiIndex):
        # Why: the index name would get a header row of its own.
        df, index = df.reset_index(), False
    formatters = {}
    for col in df.columns:
        key = col[0] if isinstance(col, tuple) else col
        if key in pct:
            formatters[col] = lambda v: "" if pd.isna(v) else f"{v:.1%}"
        elif key in f3:
            formatters[col] = lambda v: "" if pd.isna(v) else f"{v:.3f}"
        elif pd.api.types.is_float_dtype(df[col]) and df[col].dropna().mod(1).eq(0).all():
            formatters[col] = lambda v: "" if pd.isna(v) else f"{v:.0f}"  # counts as integers
    keys = [k for col in df.columns for k in (col if isinstance(col, tuple) else (col,))]
    if used is not None:
        used.update(k for k in keys if isinstance(k, str))
    if isinstance(df.columns, pd.MultiIndex):
        columns = pd.MultiIndex.from_tuples([tuple(_label(k) for k in c) for c in df.columns])
    else:
        columns = [_label(c) for c in df.columns]
    formatters = {columns[list(df.columns).index(c)]: f for c, f in formatters.items()}
    df = df.set_axis(columns, axis=1)
    if df.index.name is not None:
        df.index.name = _label(df.index.name)
    return _scroll(df.to_html(formatters=formatters, index=index, border=0, na_rep=""))


def _views_frame(views: pd.DataFrame, models: list[str]) -> str:
    rows = []
    for (view, metric), row in views.iterrows():
        cells = []
        for m in models:
            val = row[m]
            if metric == "classes_identified":
                cells.append(f"{val:.0f} of {row['n']}")
            elif metric == "macro_f1":
                cells.append(f"{val:.3f}")
            else:
                cells.append("" if pd.isna(val) else f"{val:.1%}")
        tds = "".join(f"<td>{c}</td>" for c in cells)
        rows.append(
            f"<tr><td>{_esc(view)}</td><td>{_esc(_label(metric))}</td>{tds}"
            f'<td class="small">{_esc(row["definition"])}</td></tr>'
        )
    head = "".join(f"<th>{_esc(m)}</th>" for m in models)
    return _scroll(
        f"<table><tr><th>view</th><th>metric</th>{head}<th>definition</th></tr>"
        f"{''.join(rows)}</table>"
    )


def build_report(
    saved: SavedResults,
    *,
    taus=None,
    volume_share: float = 0.8,
    bands=(20, 100),
    top: int = 10,
) -> str:
    """The stakeholder page for a loaded results folder, as an HTML string.

    Parameters
    ----------
    saved : SavedResults
        From :func:`load_results`.
    taus : sequence of float, optional
        Grid of the post-hoc tau curves and of the validation choice (default
        ``weightlab.adjust.DEFAULT_TAUS``: 0, 0.05, ..., 2).
    volume_share : float, default 0.8
        Share of training volume behind the routing view's high-volume categories.
    bands : (int, int), default (20, 100)
        Frequency band edges (tail: fewer than ``bands[0]`` training examples).
    top : int, default 10
        Rows shown of the absorption and losses tables.

    Returns
    -------
    str
        A complete HTML document with every figure embedded (no external resource).

    Raises
    ------
    ValueError
        If the results hold no pair of runs to compare, or ``top`` is not a whole number
        >= 1.
    """
    from weightlab.diagnostics import (
        absorption_table,
        band_table,
        coverage,
        losses_table,
        plot_confusion,
        plot_f1_delta,
    )
    from weightlab.fitcheck import fit_check
    from weightlab.frontier import plot_frontier
    from weightlab.plots import plot_f1_histograms

    _validate.whole_number(top, "top", minimum=1, what="rows per table")
    if not isinstance(saved, SavedResults):
        raise ValueError(
            f"build_report needs the SavedResults of load_results(folder); got "
            f"{type(saved).__name__}."
        )
    a = _analyse(saved, taus=taus, volume_share=volume_share, bands=bands)
    s_before, s_after = a.scores[a.before], a.scores[a.after]
    ds = saved.summary["dataset"]
    rec_b, rec_a = saved.record(a.before), saved.record(a.after)
    paragraphs = view_paragraphs(
        a.views,
        before=a.before,
        after=a.after,
        adjusted=a.adjusted,
        train_counts=saved.train_counts,
        volume_share=volume_share,
    )
    parts = []
    # Table headers shown, for the glossary; these terms are in the text whatever the tables.
    used = {"accuracy", "macro_f1", "zero_f1", "head", "alpha", "tau", "volume_accuracy"}
    title = "Class weighting: what was gained, what was traded away, and for whom"
    parts.append(f"<h1>{_esc(title)}</h1>")
    data_line = (
        f"Data: {_esc(ds.get('name'))} - {ds.get('n_train', 0):,} training / "
        f"{ds.get('n_test', 0):,} test documents in {ds.get('n_classes')} categories "
        f"(largest {ds.get('head_share', float('nan')):.1%} of all documents). Engine: "
        f"{_esc(saved.summary.get('engine'))}, seed {_esc(saved.summary.get('seed'))}."
    )
    if ds.get("name") == "synthetic":
        parts.append(
            '<p class="note"><b>SIMULATED data.</b> These results come from generated '
            "complaint-like narratives, not the real CFPB complaints of the article: the "
            "numbers below are this simulation's, not the article's. The article's figures "
            "appear only where labelled as reported.</p>"
        )
    parts.append(f"<p>{data_line}</p>")

    # -- summary
    acc_ci = _comparison(saved, a.before, a.after, "accuracy")
    f1_ci = _comparison(saved, a.before, a.after, "macro_f1")
    summary = (
        f"Retraining with class weights ({_esc(a.after)}, alpha={rec_a['alpha']:g}) instead of "
        f"plain cross-entropy ({_esc(a.before)}): accuracy "
        f"{_moved(rec_b['accuracy'], rec_a['accuracy'], 'pct', extra=acc_ci)}; macro F1 "
        f"{_moved(rec_b['macro_f1'], rec_a['macro_f1'], 'f1', extra=f1_ci)}; categories with "
        f"F1 = 0 {_moved(rec_b['zero_f1_classes'], rec_a['zero_f1_classes'], 'int')}, of "
        f"{rec_b['n_classes_scored']} categories in the test split."
    )
    reported = (saved.summary.get("article_reported") or {}).get("weighted")
    reported_b = (saved.summary.get("article_reported") or {}).get("unweighted")
    parts.append("<h2>Summary</h2>")
    parts.append(f"<p>{summary}</p>")
    if reported and reported_b:
        parts.append(
            '<p class="reported">Reported in the article (ModernBERT-base on 58K real CFPB '
            f"narratives): accuracy {reported_b['accuracy']:.1%} to {reported['accuracy']:.1%}, "
            f"macro F1 {reported_b['macro_f1']:.3f} to {reported['macro_f1']:.3f}, zero-F1 "
            f"classes {reported_b['zero_f1_classes']} to {reported['zero_f1_classes']}.</p>"
        )
    for key in ("routing", "audit", "trade"):
        parts.append(f"<p>{_esc(paragraphs[key])}</p>")
    # Recomputed from the saved validation logits, not read from results.json.
    check = fit_check(saved.runs, saved.y_validation, class_names=saved.class_names)
    if check is not None:
        css = "" if check.passed else ' class="warning"'
        parts.append(f"<h3>Fit check</h3><p{css}>{_esc(check.message)}</p>")

    # -- results
    parts.append("<h2>Results table</h2>")
    parts.append(_results_table(saved))
    boot = saved.summary.get("bootstrap") or {}
    if boot.get("n_boot"):
        parts.append(
            f'<p class="small">Intervals: 95% percentile intervals over {boot["n_boot"]} '
            f"stratified bootstrap resamples of the test set (seed {boot.get('seed')}); for the "
            "zero-F1 count, bias-corrected (its resampled values run high). "
            "Reported columns are the article's published figures, for reference only.</p>"
        )
    parts.append("<h3>Paired differences (same resamples)</h3>")
    parts.append(_comparisons_table(saved))

    # -- operating views
    parts.append("<h2>Operating views</h2>")
    parts.append(
        f"<p>Three models: {_esc(a.before)}, {_esc(a.after)}, and {_esc(a.adjusted)} - "
        f"the logits of {_esc(a.before)} adjusted after training with tau = {a.tau:g}, "
        "chosen to maximise macro F1 on the validation split (no retraining).</p>"
    )
    parts.append(_views_frame(a.views, [a.before, a.after, a.adjusted]))
    if a.adjusted_vs_after is not None:
        lines = "".join(
            f"<li>{_esc(a.adjusted_vs_after.line(m))}</li>"
            for m in ("accuracy", "macro_f1", "zero_f1_classes")
        )
        parts.append(
            f"<p>Post-hoc adjustment vs retraining, paired on the same resamples "
            f"({_esc(a.adjusted)} - {_esc(a.after)}):</p><ul>{lines}</ul>"
        )

    # -- frontier
    parts.append("<h2>Was retraining with weights worth it? The frontier</h2>")
    fig = _figure(figsize=(8, 5.2))
    ax = fig.subplots()
    plot_frontier(**a.inputs, ax=ax)
    parts.append(
        _png(
            fig,
            "Accuracy against macro F1 of every run, with the post-hoc tau curves and the "
            "retrained weightings; up and right is better on both.",
        )
    )
    parts.append(f"<p>{_esc(_frontier_text(a))}</p>")
    parts.append(
        _frame(
            a.gap.rename(columns={"curve_macro_f1": f"best macro F1 of {a.before} + tau"}),
            pct=("accuracy",),
            f3=("macro_f1", f"best macro F1 of {a.before} + tau", "macro_f1_gap"),
            index=False,
            used=used,
        )
    )
    parts.append(
        '<p class="small">All frontier points are test-set scores; the best point of a '
        "test-set curve is an optimistic pick. The operating point above (tau = "
        f"{a.tau:g}) was chosen on validation.</p>"
    )

    # -- per-class
    parts.append("<h2>Per-class F1</h2>")
    fig = _figure(figsize=(8.4, 3.4))
    plot_f1_histograms(
        {a.before: s_before, a.after: s_after}, axes=fig.subplots(1, 2, sharex=True, sharey=True)
    )
    parts.append(
        _png(
            fig,
            f"Histograms of per-class F1, {a.before} and {a.after}, with the categories at "
            "F1 = 0 as a separate red bar.",
        )
    )
    fig = _figure(figsize=(8, 3.4))
    ax = fig.subplots()
    plot_f1_delta(s_before, s_after, ax=ax, bands=bands)
    parts.append(
        _png(
            fig,
            f"Change in F1 per category from {a.before} to {a.after}, categories ordered by "
            "training size (largest first).",
        )
    )

    parts.append("<h2>Frequency bands</h2>")
    bt = band_table(
        {a.before: s_before, a.after: s_after, a.adjusted: a.scores[a.adjusted]}, bands=bands
    )
    parts.append(_frame(bt, pct=("accuracy",), f3=("mean_f1",), used=used))
    parts.append(
        f'<p class="small">Head: more than {bands[1]} training examples; medium: {bands[0]} to '
        f"{bands[1]}; tail: fewer than {bands[0]}. Accuracy: correctly classified test "
        "documents of the band's categories.</p>"
    )
    cov = pd.DataFrame({name: coverage(s) for name, s in a.scores.items()}).T
    cov.index.name = "model"
    parts.append("<h3>Coverage</h3>")
    parts.append(_frame(cov, used=used))

    parts.append("<h2>Where the documents of unidentified categories went</h2>")
    for name in (a.before, a.after):
        table = absorption_table(a.scores[name])
        parts.append(
            f"<h3>{_esc(name)}: {len(table)} categories with F1 = 0 (largest {min(top, len(table))}"
            " shown)</h3>"
        )
        parts.append(_frame(table.head(top), pct=("absorbed_share",), used=used))
    losses = losses_table(s_before, s_after)
    parts.append(
        f"<h3>Categories whose F1 fell from {_esc(a.before)} to {_esc(a.after)}: {len(losses)} "
        f"(largest {min(top, len(losses))} drops shown)</h3>"
    )
    parts.append(
        _frame(
            losses.head(top),
            f3=("f1_before", "f1_after", "f1_change"),
            pct=("recall_before", "recall_after", "precision_before", "precision_after"),
            used=used,
        )
    )
    fig = _figure(figsize=(13, 5.4))
    axes = fig.subplots(1, 2)
    plot_confusion(s_before, ax=axes[0], bands=bands)
    plot_confusion(s_after, ax=axes[1], bands=bands)
    axes[0].set_title(f"{a.before}: " + axes[0].get_title(), fontsize=9)
    axes[1].set_title(f"{a.after}: " + axes[1].get_title(), fontsize=9)
    parts.append(
        _png(
            fig,
            f"Confusion matrices of {a.before} and {a.after}, categories ordered by "
            "training size (largest first), counts on a log colour scale.",
        )
    )

    parts.append("<h2>Glossary</h2>")
    parts.append(_glossary(used))
    parts.append(
        '<p class="small">Generated by weightlab from the results folder '
        f"{_esc(saved.folder.name)}/ (results.json, per_class.csv, logits.npz). Every number "
        "in the text is computed from those files.</p>"
    )
    body = "\n".join(parts)
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{_esc(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n{body}\n"
        "</body>\n</html>\n"
    )


def _comparison(saved: SavedResults, a: str, b: str, metric: str) -> str:
    for c in saved.summary.get("comparisons") or []:
        if c.get("a") == a and c.get("b") == b and c.get("metric") == metric:
            lo, hi = c["ci"]
            if metric == "accuracy":
                return f"; 95% CI [{100 * lo:+.1f}, {100 * hi:+.1f}]"
            return f"; 95% CI [{lo:+.3f}, {hi:+.3f}]"
    return ""


def _frontier_text(a: _Analysis) -> str:
    t = a.frontier
    best_acc = t[t["best_accuracy"]].iloc[0]
    best_f1 = t[t["best_macro_f1"]].iloc[0]

    text = (
        f"Most accurate point: {best_acc['point']} ({best_acc['accuracy']:.1%}, macro F1 "
        f"{best_acc['macro_f1']:.3f}). Highest macro F1: {best_f1['point']} "
        f"({best_f1['accuracy']:.1%}, macro F1 {best_f1['macro_f1']:.3f})."
    )
    retrained = a.gap[a.gap["alpha"] > 0]
    if len(retrained):
        n_dom, n = int(retrained["dominated"].sum()), len(retrained)
        if n == 1:
            verdict = "is" if n_dom else "is not"
            text += f" The class-weighted retrained model {verdict}"
        else:
            which = {0: "none", n: f"all {n}"}.get(n_dom, f"{n_dom}")
            verb = "is" if n_dom == 1 else "are"
            text += f" Of the {n} class-weighted retrained models, {which} {verb}"
        text += (
            f" matched or beaten on both metrics by adjusting the {a.before} model's logits "
            "after training (its tau curve)."
        )
        row = retrained.iloc[(retrained["alpha"] - 0.5).abs().argmin()]
        if np.isnan(row["curve_macro_f1"]):
            text += (
                f" At alpha={row['alpha']:g} (accuracy {row['accuracy']:.1%}) no point of the "
                "tau curve is that accurate."
            )
        else:
            verdict = (
                "so retraining bought nothing that post-hoc adjustment does not give"
                if row["dominated"]
                else "so retraining reached a macro F1 that post-hoc adjustment does not at "
                "that accuracy"
            )
            text += (
                f" At alpha={row['alpha']:g} the retrained model has macro F1 "
                f"{row['macro_f1']:.3f} at accuracy {row['accuracy']:.1%}; the tau curve "
                f"reaches {row['curve_macro_f1']:.3f} at that accuracy or higher "
                f"(gap {row['macro_f1_gap']:+.3f}), {verdict}."
            )
    return text


def write_report(results_dir, out=None, **options) -> Path:
    """Load a results folder and write its HTML report atomically.

    Parameters
    ----------
    results_dir : path
        Folder written by ``weightlab reproduce``.
    out : path, optional
        Output file; default ``results_dir / "report.html"``.
    **options
        Passed to :func:`build_report` (``taus``, ``volume_share``, ``bands``, ``top``).

    Returns
    -------
    pathlib.Path
        The written file.

    Raises
    ------
    ValueError
        As :func:`load_results` and :func:`build_report`.
    """
    saved = load_results(results_dir)
    page = build_report(saved, **options)
    out = Path(results_dir) / "report.html" if out is None else Path(out)
    return atomic_write_text(out, page)
