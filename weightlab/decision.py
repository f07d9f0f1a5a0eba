r"""The decision: the operating point that meets the user's constraints, chosen on validation.

"You pick which errors your system can tolerate. Then you optimize for that, report the other
metric honestly." :func:`choose_point` does that over every **candidate operating point** of a set
of results:

- every run (baselines, every alpha, every remedy) as trained;
- every run post-hoc adjusted along its tau curve (:mod:`weightlab.adjust`, tau 0.05 ... 2);
- every run with per-class offsets fitted on validation (:mod:`weightlab.offsets`), at
  strengths 0.1 ... 1.5.

Each candidate is scored on the **validation** split, where the choice is made, and on the
test split, which only reports the consequence (with bootstrap intervals). Choosing on test
would report the best of hundreds of tries as if it were one. Offsets fitted on the whole
validation split would be scored on the rows they were fitted to; so an offset point's
validation scores are **cross-fitted** (:func:`weightlab.offsets.cross_fit_offsets`: each
half of the split is scored with the offsets fitted on the other half), while its test scores
use the offsets fitted on all of validation - the ones a user would deploy.

Metrics (:data:`DECISION_METRICS`): ``accuracy``, ``macro_f1``, ``balanced_accuracy``,
``zero_f1_classes``, ``volume_accuracy`` (accuracy on the documents of the volume classes,
the largest classes holding 80% of the training examples, :func:`weightlab.views.volume_classes`)
and ``cost`` (expected cost per 1,000 documents, :mod:`weightlab.costs`).

Constraints are written ``METRIC<=VALUE`` or ``METRIC>=VALUE``; ``VALUE`` is a number or
relative to the unweighted run as trained on validation: ``accuracy>=unweighted-0.02``.

Examples
--------
>>> Constraint.parse("zero_f1_classes<=40")
Constraint(metric='zero_f1_classes', op='<=', value=40.0, relative=False)
>>> str(Constraint.parse("volume_accuracy >= unweighted - 0.02"))
'volume_accuracy>=unweighted-0.02'
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from weightlab.adjust import DEFAULT_TAUS
from weightlab.costs import check_costs, default_costs, expected_cost
from weightlab.metrics import metrics_from_counts
from weightlab.offsets import DEFAULT_STRENGTHS, cross_fit_offsets, fit_offsets
from weightlab.results import Results
from weightlab.views import volume_classes
from weightlab.weights import log_prior

__all__ = [
    "decision_grid",
    "DECISION_METRICS",
    "Constraint",
    "Decision",
    "candidate_points",
    "choose_point",
    "load_choice",
]

#: What a decision can optimise or constrain, and which way is better.
DECISION_METRICS = {
    "accuracy": "higher",
    "macro_f1": "higher",
    "balanced_accuracy": "higher",
    "zero_f1_classes": "lower",
    "volume_accuracy": "higher",
    "cost": "lower",
}
#: The file :meth:`Decision.save` writes into the results folder.
CHOICE_FILE = "choice.json"
_REFERENCE = "unweighted"
_PATTERN = re.compile(
    r"^\s*([a-z_0-9]+)\s*(<=|>=)\s*(?:(unweighted)\s*(?:([+-])\s*([0-9.eE+-]+))?|([0-9.eE+-]+))\s*$"
)


@dataclass(frozen=True)
class Constraint:
    """``metric op value``, where ``value`` is absolute or added to the unweighted run's."""

    metric: str
    op: str  # "<=" or ">="
    value: float
    relative: bool = False  # value is added to the unweighted run's validation score

    @classmethod
    def parse(cls, text: str) -> Constraint:
        """``"zero_f1_classes<=40"``, ``"accuracy>=unweighted-0.02"`` -> a Constraint."""
        match = _PATTERN.match(str(text))
        if not match:
            raise ValueError(
                f"A constraint is METRIC<=VALUE or METRIC>=VALUE, VALUE a number or "
                f"unweighted[+-]number (e.g. zero_f1_classes<=40, accuracy>=unweighted-0.02); "
                f"got {text!r}."
            )
        metric, op, ref, sign, delta, number = match.groups()
        _check_metric(metric)
        try:
            if ref:
                value = float(delta or 0.0) * (-1 if sign == "-" else 1)
            else:
                value = float(number)
        except ValueError:
            raise ValueError(f"{text!r}: the bound must be a number.") from None
        if not math.isfinite(value):
            raise ValueError(f"{text!r}: the bound must be finite.")
        return cls(metric, op, value, relative=bool(ref))

    def __str__(self) -> str:
        if not self.relative:
            return f"{self.metric}{self.op}{self.value:g}"
        sign = "-" if self.value < 0 else "+"
        return f"{self.metric}{self.op}{_REFERENCE}{sign}{abs(self.value):g}"

    def bound(self, reference: dict) -> float:
        """The bound, given the unweighted run's scores ``reference`` (on the split checked)."""
        return self.value + (reference[self.metric] if self.relative else 0.0)

    def holds(self, values: np.ndarray, reference: dict) -> np.ndarray:
        """Which ``values`` of :attr:`metric` meet the constraint (1e-9 tolerance)."""
        b = self.bound(reference)
        return values <= b + 1e-9 if self.op == "<=" else values >= b - 1e-9


def _check_metric(metric: str) -> str:
    if metric not in DECISION_METRICS:
        raise ValueError(f"Unknown metric {metric!r}; choose from {', '.join(DECISION_METRICS)}.")
    return metric


# ---------------------------------------------------------------------------------------------
# candidates
# ---------------------------------------------------------------------------------------------


def _scores(pred, y, n_classes, volume, costs) -> dict:
    support = np.bincount(y, minlength=n_classes)
    tp = np.bincount(y[pred == y], minlength=n_classes)
    m = metrics_from_counts(tp, np.bincount(pred, minlength=n_classes), support)
    in_volume = np.isin(y, volume)
    return {
        "accuracy": float(m["accuracy"]),
        "macro_f1": float(m["macro_f1"]),
        "balanced_accuracy": float(m["balanced_accuracy"]),
        "zero_f1_classes": int(m["zero_f1_classes"]),
        "volume_accuracy": float((pred[in_volume] == y[in_volume]).mean())
        if in_volume.any()
        else math.nan,
        "cost": expected_cost(costs, y, pred),
    }


def _settings(run, results: Results, *, taus, strengths):
    """``(adjustment, setting, validation logits, test logits)`` of each of one run's points."""
    prior = log_prior(results.train_counts)
    yield "as trained", 0.0, run.validation_logits, run.test_logits
    for tau in taus:
        if tau:
            yield (
                "tau",
                float(tau),
                run.validation_logits - tau * prior,
                run.test_logits - tau * prior,
            )
    if not any(strengths):
        return
    fit = fit_offsets(run.validation_logits, results.y_validation)
    # validation rows scored with offsets fitted without them (choosing on the rows the
    # offsets were fitted to would favour them); test with the offsets of all of validation
    held_out = cross_fit_offsets(run.validation_logits, results.y_validation)
    for s in strengths:
        if s:
            yield (
                "offsets",
                float(s),
                run.validation_logits + s * held_out,
                fit.apply(run.test_logits, strength=s),
            )


def _point_name(run: str, adjustment: str, setting: float) -> str:
    if adjustment == "tau":
        return f"{run} + tau={setting:g}"
    if adjustment == "offsets":
        return f"{run} + offsets x{setting:g}"
    return run


def candidate_points(
    results: Results,
    *,
    costs=None,
    taus=DEFAULT_TAUS,
    strengths=DEFAULT_STRENGTHS,
    volume_share: float = 0.8,
) -> pd.DataFrame:
    """Every candidate operating point, scored on validation and on test.

    Parameters
    ----------
    results : Results
        From :func:`weightlab.reproduce` or :func:`weightlab.results.load_results`.
    costs : DataFrame or array, optional
        Cost matrix (true x predicted); default :func:`weightlab.costs.default_costs`.
    taus, strengths : sequence of float
        The post-hoc grids (0 is the run as trained, listed once).
    volume_share : float, default 0.8
        Share of the training examples held by the volume classes (``volume_accuracy``).

    Returns
    -------
    pandas.DataFrame
        One row per point: ``point``, ``run``, ``adjustment`` (``"as trained"``, ``"tau"``,
        ``"offsets"``), ``setting``, then every metric of :data:`DECISION_METRICS` on
        validation and the same with a ``test_`` prefix.
    """
    if results.y_validation is None or len(results.y_validation) == 0:
        raise ValueError(
            "A decision is made on the validation split, and these results have none; "
            "re-run `weightlab reproduce` on data with a validation split."
        )
    names, n = results.class_names, len(results.class_names)
    given = costs
    costs = default_costs(names) if costs is None else check_costs(costs, names)
    volume = volume_classes(results.train_counts, volume_share=volume_share)
    y_val = np.asarray(results.y_validation, dtype=np.int64)
    y_test = np.asarray(results.y_test, dtype=np.int64)
    rows = []
    source = "default (sibling issue 0.5, other product 1)" if given is None else "given"
    for run in results.runs:
        for adjustment, setting, zv, zt in _settings(run, results, taus=taus, strengths=strengths):
            val = _scores(zv.argmax(1), y_val, n, volume, costs)
            test = _scores(zt.argmax(1), y_test, n, volume, costs)
            rows.append(
                {
                    "point": _point_name(run.name, adjustment, setting),
                    "run": run.name,
                    "adjustment": adjustment,
                    "setting": setting,
                    **val,
                    **{f"test_{k}": v for k, v in test.items()},
                }
            )
    table = pd.DataFrame(rows)
    table.attrs["costs"] = source  # which cost matrix the cost columns use
    return table


# ---------------------------------------------------------------------------------------------
# the choice
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Decision:
    """A chosen operating point (or the lack of one), and what the choice rested on.

    Attributes
    ----------
    objective : str
        ``"maximize accuracy"``, ``"minimize cost"``, ...
    constraints : list of str
    feasible : bool
        Whether any candidate meets every constraint on validation.
    chosen : dict or None
        The chosen point: its validation and test scores and test intervals.
    constraints_report : list of dict
        Per constraint: bound, validation value at the chosen point, slack, and whether it
        binds (the choice changes without it).
    unconstrained : dict
        The point the objective alone would choose, and what the constraints cost.
    next_best : dict or None
        The best feasible point of another run, and how far behind it is.
    closest : dict or None
        When nothing is feasible: the point that violates the constraints least.
    n_candidates : int
    """

    objective: str
    constraints: list
    feasible: bool
    chosen: dict | None
    constraints_report: list
    unconstrained: dict
    next_best: dict | None
    closest: dict | None
    n_candidates: int
    notes: list = field(default_factory=list)
    results_id: str | None = None  # SHA-256 of the results' logits.npz (their run id)
    costs: str = "default (sibling issue 0.5, other product 1)"  # the cost matrix used

    def to_dict(self) -> dict:
        """The decision as JSON-ready data (what ``choice.json`` holds)."""
        return {
            "objective": self.objective,
            "constraints": list(self.constraints),
            "feasible": self.feasible,
            "chosen": self.chosen,
            "constraints_report": self.constraints_report,
            "unconstrained": self.unconstrained,
            "next_best": self.next_best,
            "closest": self.closest,
            "n_candidates": self.n_candidates,
            "notes": list(self.notes),
            "results_id": self.results_id,
            "costs": self.costs,
        }

    def row(self) -> dict:
        """One flat row: the chosen point and its test and validation scores (NaN if none)."""
        ch = self.chosen or {}
        test, val = ch.get("test", {}), ch.get("validation", {})
        return {
            "accuracy": test.get("accuracy", math.nan),
            "macro_f1": test.get("macro_f1", math.nan),
            "zero_f1_classes": test.get("zero_f1_classes", math.nan),
            "validation_accuracy": val.get("accuracy", math.nan),
            "validation_macro_f1": val.get("macro_f1", math.nan),
            "point": ch.get("point", "no feasible point"),
        }

    def save(self, folder) -> Path:
        """Write ``choice.json`` into ``folder`` (atomically)."""
        from weightlab._io import atomic_write_json

        folder = Path(folder)
        if not folder.is_dir():
            raise ValueError(f"No results folder at {folder}; save the results there first.")
        if self.results_id is None:
            raise ValueError(
                "This decision was made on results that were never saved, so choice.json could "
                "not say which results it belongs to: save them (Results.save) and choose on "
                "the saved results (load_results), or run `weightlab choose`."
            )
        return atomic_write_json(folder / CHOICE_FILE, self.to_dict())

    def describe(self) -> str:
        """The decision in plain sentences (what ``weightlab choose`` prints)."""
        return describe(self.to_dict())


def describe(d: dict) -> str:
    """Sentences for a decision's ``to_dict()`` (also read back from ``choice.json``)."""
    metric = d["objective"].split()[-1]
    head = f"Objective: {d['objective']}"
    if d["constraints"]:
        head += f", subject to {', '.join(d['constraints'])}"
    lines = [head + f" ({d['n_candidates']} candidate points, chosen on validation)."]
    if not d["feasible"]:
        c = d["closest"]
        lines.append(
            f"No point meets the constraints on validation. Closest: {c['point']} "
            f"(violates {', '.join(c['violated'])})."
        )
        return "\n".join(lines)
    ch = d["chosen"]
    lines.append(f"Chosen: {ch['point']}.")
    lines.append(
        "  validation: "
        + _fmt_scores(ch["validation"])
        + "\n  test:       "
        + _fmt_scores(ch["test"], ch.get("test_ci"))
    )
    for c in d["constraints_report"]:
        state = "binds" if c["binds"] else "does not bind"
        test = "holds" if c["holds_on_test"] else "FAILS"
        lines.append(
            f"  constraint {c['constraint']}: bound {_fmt(c['metric'], c['bound'])}; chosen "
            f"point {_fmt(c['metric'], c['validation'])} on validation ({state}), "
            f"{_fmt(c['metric'], c['test'])} on test ({test} there"
            + (
                f", against {_fmt(c['metric'], c['test_bound'])}"
                if c.get("test_bound") is not None and c["test_bound"] != c["bound"]
                else ""
            )
            + ")."
        )
    u = d["unconstrained"]
    if u["point"] != ch["point"]:
        lines.append(
            f"  Without the constraints: {u['point']}, {metric} "
            f"{_fmt(metric, u['validation'])} on validation ({_fmt_delta(metric, u['cost'])} "
            "is what the constraints cost)."
        )
    nb = d["next_best"]
    lines += [f"  Note: {n}" for n in d.get("notes", [])]
    if nb:
        lines.append(
            f"  Next-best alternative: {nb['point']}, {metric} {_fmt(metric, nb['validation'])} "
            f"on validation, {_fmt(metric, nb['test'])} on test "
            f"({_fmt_delta(metric, nb['behind'])} behind on validation)."
        )
    return "\n".join(lines)


def _fmt(metric: str, value) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    if metric in ("accuracy", "balanced_accuracy", "volume_accuracy"):
        return f"{value:.1%}"
    if metric == "zero_f1_classes":
        return f"{int(round(value))}"
    if metric == "cost":
        return f"{value:.0f} per 1,000"
    return f"{value:.3f}"


def _fmt_delta(metric: str, value: float) -> str:
    if metric in ("accuracy", "balanced_accuracy", "volume_accuracy"):
        return f"{100 * value:.1f} points"
    return _fmt(metric, value)


def _fmt_scores(s: dict, ci: dict | None = None) -> str:
    parts = []
    for k in DECISION_METRICS:
        text = f"{k} {_fmt(k, s[k])}"
        if ci and k in ci:
            text += f" [{_fmt(k, ci[k][0])}, {_fmt(k, ci[k][1])}]"
        parts.append(text)
    return "; ".join(parts)


def _row_scores(row: pd.Series, prefix: str = "") -> dict:
    out = {}
    for k in DECISION_METRICS:
        v = row[prefix + k]
        out[k] = int(v) if k == "zero_f1_classes" else (None if pd.isna(v) else float(v))
    return out


def _best(table: pd.DataFrame, metric: str, sense: str) -> int | None:
    """Row label of the best candidate: the objective, then the other headline metric."""
    if table.empty:
        return None
    second = "accuracy" if metric != "accuracy" else "macro_f1"
    sign = 1 if sense == "higher" else -1
    ranked = table.assign(_o=sign * table[metric], _s=table[second], _a=table["_order"])
    ranked = ranked.sort_values(["_o", "_s", "_a"], ascending=[False, False, True], kind="stable")
    return ranked.index[0]


def choose_point(
    results: Results,
    *,
    maximize: str | None = None,
    minimize: str | None = None,
    subject_to=(),
    costs=None,
    n_boot: int = 1000,
    table: pd.DataFrame | None = None,
) -> Decision:
    """Choose the operating point that optimises one metric subject to constraints.

    Parameters
    ----------
    results : Results
        The runs to choose among (with their validation and test logits).
    maximize, minimize : str
        The objective: one of :data:`DECISION_METRICS` (give exactly one of the two).
    subject_to : sequence of str or Constraint
        Constraints such as ``"zero_f1_classes<=40"`` or ``"accuracy>=unweighted-0.02"``,
        checked on validation.
    costs : DataFrame or array, optional
        Cost matrix for the ``cost`` metric (default :func:`weightlab.costs.default_costs`).
    n_boot : int, default 1000
        Bootstrap resamples of the test intervals of the chosen point (0: none).
    table : DataFrame, optional
        :func:`candidate_points` computed already (it is the slow part; sliders reuse it).

    Returns
    -------
    Decision
    """
    if (maximize is None) == (minimize is None):
        raise ValueError("Give exactly one objective: maximize=METRIC or minimize=METRIC.")
    metric = _check_metric(maximize or minimize)
    sense = "higher" if maximize else "lower"
    if DECISION_METRICS[metric] != sense:
        raise ValueError(
            f"{metric} is better {DECISION_METRICS[metric]}: use "
            f"{'maximize' if DECISION_METRICS[metric] == 'higher' else 'minimize'}={metric!r}."
        )
    if isinstance(subject_to, str | Constraint):
        subject_to = [subject_to]
    cons = [c if isinstance(c, Constraint) else Constraint.parse(c) for c in subject_to]
    if table is not None and costs is not None:
        raise ValueError(
            "The costs are part of the candidate table: pass costs= to candidate_points(...) "
            "and give that table, or leave table= out."
        )
    table = candidate_points(results, costs=costs) if table is None else table
    table = table.assign(_order=np.arange(len(table)))
    ref_rows = table[(table["run"] == _REFERENCE) & (table["adjustment"] == "as trained")]
    if any(c.relative for c in cons) and ref_rows.empty:
        raise ValueError(
            "A constraint relative to 'unweighted' needs the unweighted run in the results "
            "(train alpha 0)."
        )
    reference = _row_scores(ref_rows.iloc[0]) if len(ref_rows) else {}
    # the same bound on test is relative to the unweighted run's test scores
    test_reference = _row_scores(ref_rows.iloc[0], "test_") if len(ref_rows) else {}
    objective = f"{'maximize' if maximize else 'minimize'} {metric}"
    notes = []
    if table[metric].isna().all():
        raise ValueError(f"No candidate has a {metric} score on validation.")

    def feasible_mask(active):
        mask = np.ones(len(table), dtype=bool)
        for c in active:
            mask &= c.holds(table[c.metric].to_numpy(np.float64), reference)
        return mask

    mask = feasible_mask(cons)
    free = _best(table, metric, sense)
    u_row = table.loc[free]
    if not mask.any():
        violation = np.zeros(len(table))
        for c in cons:
            values = table[c.metric].to_numpy(np.float64)
            v = values - c.bound(reference)
            # each constraint's shortfall in units of its metric's spread over the candidates
            spread = np.nanmax(values) - np.nanmin(values) if np.isfinite(values).any() else 0
            violation += np.maximum(0, v if c.op == "<=" else -v) / (spread or 1.0)
        row = table.iloc[int(np.nanargmin(np.where(np.isnan(violation), np.inf, violation)))]
        violated = [str(c) for c in cons if not c.holds(np.array([row[c.metric]]), reference)[0]]
        return Decision(
            objective=objective,
            constraints=[str(c) for c in cons],
            feasible=False,
            chosen=None,
            constraints_report=[],
            unconstrained={"point": u_row["point"], "validation": float(u_row[metric])},
            next_best=None,
            closest={"point": row["point"], "violated": violated, "validation": _row_scores(row)},
            n_candidates=len(table),
            notes=notes,
            results_id=_results_id(results),
            costs=table.attrs.get("costs", "given"),
        )
    best = _best(table[mask], metric, sense)
    row = table.loc[best]
    report = []
    for i, c in enumerate(cons):
        others = feasible_mask(cons[:i] + cons[i + 1 :])
        report.append(
            {
                "constraint": str(c),
                "metric": c.metric,
                "bound": c.bound(reference),
                "validation": float(row[c.metric]),
                "test": float(row["test_" + c.metric]),
                "slack": abs(float(row[c.metric]) - c.bound(reference)),
                "binds": bool(_best(table[others], metric, sense) != best),
                "test_bound": c.bound(test_reference),
                "holds_on_test": bool(
                    c.holds(np.array([row["test_" + c.metric]], np.float64), test_reference)[0]
                ),
            }
        )
    others = table[mask & (table["run"] != row["run"]).to_numpy()]
    nb = _best(others, metric, sense)
    next_best = None
    if nb is not None:
        o = table.loc[nb]
        next_best = {
            "point": o["point"],
            "validation": float(o[metric]),
            "test": float(o["test_" + metric]),
            "behind": abs(float(row[metric]) - float(o[metric])),
        }
    chosen = {
        "point": row["point"],
        "run": row["run"],
        "adjustment": row["adjustment"],
        "setting": float(row["setting"]),
        "validation": _row_scores(row),
        "test": _row_scores(row, "test_"),
    }
    if n_boot:
        chosen["test_ci"] = _test_intervals(results, row, n_boot)
    if row["adjustment"] == "offsets":
        notes.append(
            "The chosen offsets were fitted on all of validation; their validation scores are "
            "cross-fitted (each half scored with offsets fitted on the other half)."
        )
    failed = [c["constraint"] for c in report if not c["holds_on_test"]]
    if failed:
        notes.append(
            f"Met on validation but not on test: {', '.join(failed)}. The margin was within "
            "the split-to-split noise; tighten the bound to keep it on new data."
        )
    return Decision(
        objective=objective,
        constraints=[str(c) for c in cons],
        feasible=True,
        chosen=chosen,
        constraints_report=report,
        unconstrained={
            "point": u_row["point"],
            "validation": float(u_row[metric]),
            "cost": abs(float(u_row[metric]) - float(row[metric])),
        },
        next_best=next_best,
        closest=None,
        n_candidates=len(table),
        notes=notes,
        results_id=_results_id(results),
        costs=table.attrs.get("costs", "given"),
    )


def _results_id(results: Results) -> str | None:
    return results._run_id or ((results._saved or {}).get("files") or {}).get("logits.npz")


def decision_grid(
    results: Results,
    constraint: str,
    values,
    *,
    key: str = "bound",
    scale: float = 1.0,
    maximize: str | None = None,
    minimize: str | None = None,
    table: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The choice at every bound of one constraint: a decision widget's static counterpart.

    ``constraint`` is a template such as ``"zero_f1_classes<={:g}"``, filled with each of
    ``values`` times ``scale`` (as :class:`weightlab.widgets.ConstraintSlider` does). Returns
    one row per value: ``key`` (the value), then :meth:`Decision.row` (test accuracy and macro
    F1, zero-F1 classes, the validation scores, and the point).
    """
    table = candidate_points(results) if table is None else table
    rows = []
    for v in values:
        d = choose_point(
            results,
            maximize=maximize,
            minimize=minimize,
            subject_to=[constraint.format(round(float(v) * scale, 10))],
            table=table,
            n_boot=0,
        )
        rows.append({key: v, **d.row()})
    return pd.DataFrame(rows)


def _test_intervals(results: Results, row: pd.Series, n_boot: int) -> dict:
    """95% bootstrap intervals of the chosen point's test accuracy, macro F1, zero-F1 count."""
    from weightlab.uncertainty import bootstrap_ci

    run = results.run(row["run"])
    z = run.test_logits
    if row["adjustment"] == "tau":
        z = z - row["setting"] * log_prior(results.train_counts)
    elif row["adjustment"] == "offsets":
        fit = fit_offsets(run.validation_logits, results.y_validation)
        z = fit.apply(z, strength=row["setting"])
    ci = bootstrap_ci(results.y_test, z.argmax(1), class_names=results.class_names, n_boot=n_boot)
    return {m: [float(v) for v in ci.ci(m)] for m in ("accuracy", "macro_f1", "zero_f1_classes")}


def load_choice(folder) -> dict | None:
    """The ``choice.json`` of a results folder, or None when no choice was made there."""
    import json

    path = Path(folder) / CHOICE_FILE
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise ValueError(
            f"{path} is not valid JSON ({err}); delete it or run `weightlab choose` again."
        ) from None
    if not isinstance(data, dict) or "feasible" not in data or "objective" not in data:
        raise ValueError(f"{path} is not a weightlab choice; run `weightlab choose` again.")
    return data
