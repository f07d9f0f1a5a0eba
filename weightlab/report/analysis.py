"""What the report computes from a loaded folder: the pair compared, the post-hoc model, views."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from weightlab.metrics import scores_from_logits
from weightlab.results import Results

# ---------------------------------------------------------------------------------------------


def _pick_pair(saved: Results) -> tuple[str, str]:
    plain = [r for r in saved.runs if r.remedy == "weights"]
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
class Analysis:
    """Everything the page shows beyond the saved numbers, computed once."""

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


def analyse(saved: Results, *, taus, volume_share, bands) -> Analysis:
    """The pair compared, the post-hoc model (tau chosen on validation), views and frontier."""
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
    return Analysis(
        before=before,
        after=after,
        adjusted=adjusted,
        tau=choice.value,
        scores=scores,
        views=views,
        inputs=inputs,
        frontier=frontier_table(inputs),
        gap=gap,
        adjusted_vs_after=paired,
    )


# ---------------------------------------------------------------------------------------------
# words
