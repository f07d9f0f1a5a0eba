"""The report's sentences: generated from the numbers, grammatical, with no hand-kept figure."""

from __future__ import annotations

import numpy as np
import pandas as pd

from weightlab.report.analysis import Analysis
from weightlab.results import Results

__all__ = ["view_paragraphs"]


# ---------------------------------------------------------------------------------------------


def moved(b: float, a: float, fmt: str, unit: str = "", extra: str = "") -> str:
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
        f"{moved(volume_b, volume_a, 'pct')} from {before} to {after}: "
        f"{abs(routed):,} {'more' if routed >= 0 else 'fewer'} of those {n_volume:,} complaints "
        f"routed correctly. Overall accuracy {moved(acc_b, acc_a, 'pct')}."
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
        f"identified. Macro F1 {moved(f1_b, f1_a, 'f1')}."
    )
    if n_tail:
        audit += (
            f" On the {n_tail:,} test complaints of the tail categories, recall "
            f"{moved(tail_b, tail_a, 'pct')}."
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
        f"Going from {before} to {after} gained {join_words(gained) or 'nothing measured here'} "
        f"and gave up {join_words(lost) or 'nothing measured here'}."
    )
    if d_f1 > 0 and d_volume < 0:
        trade += (
            " The audit view gains and the routing view pays: pick the errors your system "
            "can tolerate, and report the other metric beside it."
        )
    return {"routing": routing, "audit": audit, "trade": trade}


def join_words(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


# ---------------------------------------------------------------------------------------------
def comparison_ci(saved: Results, a: str, b: str, metric: str) -> str:
    for c in saved.summary.get("comparisons") or []:
        if c.get("a") == a and c.get("b") == b and c.get("metric") == metric:
            lo, hi = c["ci"]
            if metric == "accuracy":
                return f"; 95% CI [{100 * lo:+.1f}, {100 * hi:+.1f}]"
            return f"; 95% CI [{lo:+.3f}, {hi:+.3f}]"
    return ""


def frontier_text(a: Analysis) -> str:
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
