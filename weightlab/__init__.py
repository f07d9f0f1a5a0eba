"""weightlab: class weighting for long-tailed text classification.

The flow is ``data -> weights -> engines -> runs -> metrics -> plots / widgets / report``::

    import weightlab as wl

    ds = wl.make_complaints(seed=0)                  # generated long-tailed corpus
    w = wl.class_weights(ds.labels_of("train"), n_classes=ds.n_classes, alpha=0.5)
    results = wl.reproduce(ds, alphas=(0, 0.5))      # the article's table
    print(results.markdown())
"""

from weightlab._version import __version__ as __version__
from weightlab.adjust import Choice, adjust_logits, choose_alpha, choose_tau, tau_sweep
from weightlab.costs import default_costs, expected_cost, load_costs
from weightlab.data import TextDataset, long_tail_subsample, make_dataset
from weightlab.decision import (
    Constraint,
    Decision,
    candidate_points,
    choose_point,
    decision_grid,
)
from weightlab.diagnostics import (
    absorption_table,
    band_table,
    coverage,
    f1_changes,
    losses_table,
    plot_confusion,
    plot_f1_delta,
)
from weightlab.engines import TfidfLinearConfig, get_engine
from weightlab.fitcheck import FitCheck, fit_check
from weightlab.frontier import (
    FrontierInputs,
    curve_gap,
    frontier_inputs,
    frontier_table,
    plot_frontier,
)
from weightlab.loaders import (
    download_cfpb,
    load_cfpb,
    load_complaint_classify,
    load_hf,
    load_table,
)
from weightlab.metrics import Scores, band_summary, score, scores_from_logits
from weightlab.offsets import OffsetFit, cross_fit_offsets, fit_offsets
from weightlab.plots import (
    plot_alpha_view,
    plot_class_sizes,
    plot_f1_histograms,
    plot_f1_vs_train_count,
    plot_tradeoff,
    plot_tradeoffs,
)
from weightlab.remedies import Remedy, parse_remedies, path_solver_engine
from weightlab.report import SavedResults, build_report, view_paragraphs, write_report
from weightlab.reproduce import reproduce
from weightlab.results import ARTICLE_REPORTED, Results, load_results
from weightlab.runs import Run, train_run, train_runs
from weightlab.sensitivity import plot_sensitivity, weighting_sensitivity
from weightlab.sources import load_data
from weightlab.sweep import AlphaSweep, alpha_grid, alpha_sweep, seed_variance
from weightlab.synthetic import make_complaints
from weightlab.uncertainty import bootstrap_ci, paired_bootstrap
from weightlab.views import compare_views, operating_views, views_by_tau, volume_classes
from weightlab.weights import (
    class_weights,
    describe_weights,
    log_prior,
    make_loss,
    weights_from_counts,
)
from weightlab.widgets import (
    AlphaExplorer,
    ConstraintSlider,
    DecisionExplorer,
    FrontierExplorer,
    alpha_explorer,
    decision_explorer,
    frontier_explorer,
)

__all__ = [
    "ARTICLE_REPORTED",
    "AlphaExplorer",
    "FrontierExplorer",
    "FrontierInputs",
    "AlphaSweep",
    "Choice",
    "Constraint",
    "ConstraintSlider",
    "DecisionExplorer",
    "Decision",
    "OffsetFit",
    "Remedy",
    "Results",
    "Run",
    "SavedResults",
    "Scores",
    "TextDataset",
    "absorption_table",
    "adjust_logits",
    "alpha_explorer",
    "frontier_explorer",
    "alpha_grid",
    "alpha_sweep",
    "band_summary",
    "band_table",
    "bootstrap_ci",
    "build_report",
    "candidate_points",
    "choose_point",
    "decision_explorer",
    "decision_grid",
    "choose_alpha",
    "choose_tau",
    "class_weights",
    "compare_views",
    "coverage",
    "cross_fit_offsets",
    "curve_gap",
    "default_costs",
    "expected_cost",
    "fit_offsets",
    "load_costs",
    "parse_remedies",
    "describe_weights",
    "download_cfpb",
    "f1_changes",
    "frontier_inputs",
    "frontier_table",
    "get_engine",
    "TfidfLinearConfig",
    "FitCheck",
    "fit_check",
    "load_cfpb",
    "load_complaint_classify",
    "long_tail_subsample",
    "load_data",
    "load_hf",
    "load_results",
    "load_table",
    "log_prior",
    "losses_table",
    "make_complaints",
    "weighting_sensitivity",
    "plot_sensitivity",
    "make_dataset",
    "make_loss",
    "operating_views",
    "paired_bootstrap",
    "path_solver_engine",
    "plot_alpha_view",
    "plot_class_sizes",
    "plot_confusion",
    "plot_f1_delta",
    "plot_f1_histograms",
    "plot_f1_vs_train_count",
    "plot_frontier",
    "plot_tradeoff",
    "plot_tradeoffs",
    "reproduce",
    "score",
    "scores_from_logits",
    "seed_variance",
    "tau_sweep",
    "train_run",
    "train_runs",
    "view_paragraphs",
    "views_by_tau",
    "volume_classes",
    "weights_from_counts",
    "write_report",
]
