"""The report page: tables with plain headers and a glossary, figures as embedded PNGs."""

from __future__ import annotations

import base64
import html
import io
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from weightlab import _validate
from weightlab._io import atomic_write_text
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
from weightlab.report.analysis import Analysis, analyse
from weightlab.report.text import comparison_ci, frontier_text, moved, view_paragraphs
from weightlab.results import Results, load_results

__all__ = ["build_report", "write_report"]


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


def _results_table(saved: Results) -> str:
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


def _comparisons_table(saved: Results) -> str:
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


_TITLE = "Class weighting: what was gained, what was traded away, and for whom"


@dataclass(eq=False)
class _Page:
    """What every section of the page reads (``used`` collects the table headers shown)."""

    saved: Results
    a: Analysis
    paragraphs: dict
    bands: tuple
    top: int
    used: set


def build_report(
    saved: Results,
    *,
    taus=None,
    volume_share: float = 0.8,
    bands=(20, 100),
    top: int = 10,
) -> str:
    """The stakeholder page for a loaded results folder, as an HTML string.

    Parameters
    ----------
    saved : Results
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
    _validate.whole_number(top, "top", minimum=1, what="rows per table")
    if not isinstance(saved, Results):
        raise ValueError(
            f"build_report needs the Results of load_results(folder) or reproduce(); got "
            f"{type(saved).__name__}."
        )
    a = analyse(saved, taus=taus, volume_share=volume_share, bands=bands)
    paragraphs = view_paragraphs(
        a.views,
        before=a.before,
        after=a.after,
        adjusted=a.adjusted,
        train_counts=saved.train_counts,
        volume_share=volume_share,
    )
    page = _Page(
        saved=saved,
        a=a,
        paragraphs=paragraphs,
        bands=bands,
        top=top,
        # Table headers shown, for the glossary; these terms are in the text whatever the tables.
        used={"accuracy", "macro_f1", "zero_f1", "head", "alpha", "tau", "volume_accuracy"},
    )
    body = "\n".join(part for section in _SECTIONS for part in section(page))
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{_esc(_TITLE)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n{body}\n"
        "</body>\n</html>\n"
    )


def _intro(page: _Page) -> list[str]:
    """The title, the simulated-data note and the data line."""
    saved = page.saved
    ds = page.saved.summary["dataset"]
    parts = [f"<h1>{_esc(_TITLE)}</h1>"]
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
    return parts


def _summary(page: _Page) -> list[str]:
    """The summary sentences, the views' paragraphs and the fit check."""
    saved = page.saved
    a = page.a
    paragraphs = page.paragraphs
    rec_b = page.saved.record(page.a.before)
    rec_a = page.saved.record(page.a.after)
    parts = []
    acc_ci = comparison_ci(saved, a.before, a.after, "accuracy")
    f1_ci = comparison_ci(saved, a.before, a.after, "macro_f1")
    summary = (
        f"Retraining with class weights ({_esc(a.after)}, alpha={rec_a['alpha']:g}) instead of "
        f"plain cross-entropy ({_esc(a.before)}): accuracy "
        f"{moved(rec_b['accuracy'], rec_a['accuracy'], 'pct', extra=acc_ci)}; macro F1 "
        f"{moved(rec_b['macro_f1'], rec_a['macro_f1'], 'f1', extra=f1_ci)}; categories with "
        f"F1 = 0 {moved(rec_b['zero_f1_classes'], rec_a['zero_f1_classes'], 'int')}, of "
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
    return parts


def _results(page: _Page) -> list[str]:
    """The results table with intervals and the paired differences."""
    saved = page.saved
    parts = []
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
    return parts


def _views(page: _Page) -> list[str]:
    """The operating views of the three models."""
    a = page.a
    parts = []
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
    return parts


def _frontier(page: _Page) -> list[str]:
    """The frontier figure, its sentence and the curve-gap table."""
    a = page.a
    used = page.used
    parts = []
    parts.append("<h2>Was retraining with weights worth it? The frontier</h2>")
    fig = _figure(figsize=(8, 5.2))
    ax = fig.subplots()
    plot_frontier(a.inputs, ax=ax)
    parts.append(
        _png(
            fig,
            "Accuracy against macro F1 of every run, with the post-hoc tau curves and the "
            "retrained weightings; up and right is better on both.",
        )
    )
    parts.append(f"<p>{_esc(frontier_text(a))}</p>")
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
    return parts


def _decision(page: _Page) -> list[str]:
    """The operating point chosen by ``weightlab choose``, when the folder holds one."""
    from weightlab.decision import CHOICE_FILE, describe, load_choice

    saved = page.saved
    choice = load_choice(saved.folder) if saved.folder is not None else None
    if choice is None:
        return []
    parts = ["<h2>The decision</h2>"]
    own = ((saved.summary or {}).get("files") or {}).get("logits.npz")
    if choice.get("results_id") != own:
        parts.append(
            f"<p><strong>{CHOICE_FILE} in this folder was made for other results</strong> "
            "(its run id differs from this folder's logits.npz), so it is not shown: run "
            "<code>weightlab choose</code> again on these results.</p>"
        )
        return parts
    lines = describe(choice).splitlines()
    parts.append(f"<p>{_esc(lines[0])}</p>")
    parts.append("<ul>" + "".join(f"<li>{_esc(x.strip())}</li>" for x in lines[1:]) + "</ul>")
    if choice["feasible"]:
        ch = choice["chosen"]
        table = pd.DataFrame([ch["validation"], ch["test"]], index=["validation", "test"])
        parts.append(
            _frame(
                table,
                pct=("accuracy", "balanced_accuracy", "volume_accuracy"),
                f3=("macro_f1",),
                used=page.used,
            )
        )
        parts.append(
            '<p class="small">Chosen on the validation split among every run and post-hoc '
            "setting; the test row is the consequence to report (bracketed above: 95% "
            "bootstrap intervals).</p>"
        )
    return parts


def _per_class(page: _Page) -> list[str]:
    """The per-class F1 histograms and changes."""
    a = page.a
    bands = page.bands
    s_before = page.a.scores[page.a.before]
    s_after = page.a.scores[page.a.after]
    parts = []
    parts.append("<h2>Per-class F1</h2>")
    fig = _figure(figsize=(8.4, 3.4))
    plot_f1_histograms(
        {a.before: s_before, a.after: s_after}, ax=fig.subplots(1, 2, sharex=True, sharey=True)
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
    return parts


def _bands(page: _Page) -> list[str]:
    """The band table and coverage."""
    a = page.a
    used = page.used
    bands = page.bands
    s_before = page.a.scores[page.a.before]
    s_after = page.a.scores[page.a.after]
    parts = []
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
    return parts


def _absorption(page: _Page) -> list[str]:
    """Absorption and losses tables and the confusion matrices."""
    a = page.a
    used = page.used
    bands = page.bands
    top = page.top
    s_before = page.a.scores[page.a.before]
    s_after = page.a.scores[page.a.after]
    parts = []
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
    return parts


def _footer(page: _Page) -> list[str]:
    """The glossary and where the numbers come from."""
    saved = page.saved
    used = page.used
    parts = []
    parts.append("<h2>Glossary</h2>")
    parts.append(_glossary(used))
    source = (
        "the runs in memory (not saved)"
        if saved.folder is None
        else f"the results folder {_esc(saved.folder.name)}/ (results.json, per_class.csv, "
        "logits.npz)"
    )
    parts.append(
        f'<p class="small">Generated by weightlab from {source}. Every number in the text is '
        "computed from them.</p>"
    )
    return parts


#: The page's sections, top to bottom.
_SECTIONS = (
    _intro,
    _summary,
    _results,
    _views,
    _frontier,
    _decision,
    _per_class,
    _bands,
    _absorption,
    _footer,
)


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
