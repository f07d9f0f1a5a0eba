"""Is the unweighted model well fitted? A check against a logistic regression.

"What did class weighting change?" is only the accuracy / macro-F1 trade-off when the
unweighted model is well fitted. A model that under-fits under-predicts the rare classes, and
weighting then seems to "improve accuracy too" for reasons that have nothing to do with the
trade-off. :func:`fit_check` compares the engine's unweighted run with scikit-learn's logistic
regression on the same features (``tfidf-logreg`` on TF-IDF, ``encoder-logreg`` on an
encoder's embeddings: the engine's ``fit_reference``; a well-understood convex fit) on the
**validation** split, never the test split: when the engine is more than ``max_accuracy_gap``
below in accuracy or ``max_macro_f1_gap`` below in macro F1, the check fails and says so.

It also reports whether the logistic regression itself converged (scikit-learn's own test,
``info["converged"]``); a baseline stopped at ``max_iter`` is named in the message.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from weightlab.metrics import scores_from_logits

__all__ = ["FitCheck", "fit_check"]

#: How a reference run is named in the message.
_REFERENCE_NAMES = {
    "tfidf-logreg": "TF-IDF + logistic regression",
    "encoder-logreg": "logistic regression",
}

#: Largest accuracy shortfall (fraction) of the unweighted engine that still counts as fitted.
MAX_ACCURACY_GAP = 0.02
#: Largest macro-F1 shortfall of the unweighted engine that still counts as fitted.
MAX_MACRO_F1_GAP = 0.02


@dataclass(frozen=True)
class FitCheck:
    """The unweighted engine against the logistic regression, on the validation split.

    Attributes
    ----------
    engine : str
        The engine checked (its unweighted run).
    accuracy, macro_f1 : float
        Validation scores of the unweighted run.
    baseline_accuracy, baseline_macro_f1 : float
        Validation scores of ``tfidf-logreg``.
    accuracy_gap, macro_f1_gap : float
        Engine minus baseline (negative: the engine is below).
    passed : bool
        Both gaps within their tolerances.
    baseline_converged : bool or None
        Whether the logistic regression met its tolerance (None when not recorded).
    n_validation : int
        Validation documents scored.
    """

    engine: str
    accuracy: float
    macro_f1: float
    baseline_accuracy: float
    baseline_macro_f1: float
    accuracy_gap: float
    macro_f1_gap: float
    passed: bool
    baseline_converged: bool | None
    n_validation: int
    max_accuracy_gap: float = MAX_ACCURACY_GAP
    max_macro_f1_gap: float = MAX_MACRO_F1_GAP
    baseline: str = "tfidf-logreg"  # the reference run (the engine's ``fit_reference``)

    @property
    def message(self) -> str:
        """One paragraph for tables, reports and notebooks."""
        reference = _REFERENCE_NAMES.get(self.baseline, self.baseline)
        scores = (
            f"Unweighted {self.engine}: validation accuracy {self.accuracy:.1%}, macro F1 "
            f"{self.macro_f1:.3f}; {reference} on the same features: "
            f"{self.baseline_accuracy:.1%}, {self.baseline_macro_f1:.3f} "
            f"({self.n_validation:,} validation documents)."
        )
        if self.passed:
            verdict = (
                f"Fit check passed: the unweighted model is within {100 * self.max_accuracy_gap:g} "
                f"accuracy points and {self.max_macro_f1_gap:g} macro F1 of the baseline, so the "
                "weighting effect reported here is measured on a well-fitted model."
            )
        else:
            gaps = []
            if self.accuracy_gap < -self.max_accuracy_gap:
                gaps.append(f"{-100 * self.accuracy_gap:.1f} accuracy points")
            if self.macro_f1_gap < -self.max_macro_f1_gap:
                gaps.append(f"{-self.macro_f1_gap:.3f} macro F1")
            verdict = (
                f"FIT CHECK FAILED: the unweighted model is {' and '.join(gaps)} below the "
                "baseline. It looks under-fitted: it under-predicts rare classes, so a weighting "
                "effect measured on it is not the accuracy / macro-F1 trade-off. Train it longer "
                "or with other settings before reading the comparison: a head engine "
                "(tfidf-linear, encoder-probe) solves the baseline's own objective to its "
                "optimum with its default config (or .converged(); --stop converged), so if "
                "it stopped at its cap (info stop_reason 'cap') raise max_epochs; any engine "
                "with its config (max_epochs, learning_rate, C, ...)."
            )
        if self.baseline_converged is False:
            verdict += (
                " (The logistic regression stopped at its iteration cap before scikit-learn's "
                "tolerance; its scores are those of that capped fit.)"
            )
        return f"{scores} {verdict}"

    def to_dict(self) -> dict:
        """JSON-ready fields, with the message."""
        return asdict(self) | {"message": self.message}


def fit_check(
    runs,
    y_validation,
    *,
    class_names,
    max_accuracy_gap: float = MAX_ACCURACY_GAP,
    max_macro_f1_gap: float = MAX_MACRO_F1_GAP,
) -> FitCheck | None:
    """Compare the unweighted engine run with its fit reference on the validation split.

    Parameters
    ----------
    runs : sequence of Run
        Runs of one experiment (:func:`weightlab.runs.train_runs`); the checked run is the
        first one trained unweighted (alpha 0, tau 0) by an engine other than the baselines.
    y_validation : array-like of int
        True validation labels.
    class_names : sequence of str
        All class names.
    max_accuracy_gap, max_macro_f1_gap : float
        Tolerances: how far below the baseline the engine may be.

    Returns
    -------
    FitCheck or None
        None when there is nothing to compare: no ``tfidf-logreg`` run, no unweighted
        engine run, or an empty validation split.
    """
    y_validation = np.asarray(y_validation)
    checked = next(
        (r for r in runs if r.remedy == "weights" and not r.alpha),
        None,
    )
    if checked is None:
        return None
    # the engine's own reference: a logistic regression on the features it trains on
    reference = getattr(checked, "fit_reference", "tfidf-logreg")
    baseline = next((r for r in runs if r.engine == reference), None)
    if baseline is None or y_validation.size == 0:
        return None

    def validation_scores(run):
        o = scores_from_logits(run.validation_logits, y_validation, class_names=class_names).overall
        return float(o["accuracy"]), float(o["macro_f1"])

    acc, mf1 = validation_scores(checked)
    base_acc, base_mf1 = validation_scores(baseline)
    converged = baseline.info.get("converged")
    return FitCheck(
        engine=checked.engine,
        accuracy=acc,
        macro_f1=mf1,
        baseline_accuracy=base_acc,
        baseline_macro_f1=base_mf1,
        accuracy_gap=acc - base_acc,
        macro_f1_gap=mf1 - base_mf1,
        passed=acc - base_acc >= -max_accuracy_gap and mf1 - base_mf1 >= -max_macro_f1_gap,
        baseline_converged=None if converged is None else bool(converged),
        n_validation=int(y_validation.size),
        max_accuracy_gap=max_accuracy_gap,
        max_macro_f1_gap=max_macro_f1_gap,
        baseline=reference,
    )
