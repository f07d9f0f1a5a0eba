"""weightlab: class weighting for long-tailed text classification.

The flow is ``data -> weights -> engines -> runs -> metrics -> plots / widgets / report``::

    import weightlab as wl

    ds = wl.make_complaints(seed=0)                  # generated long-tailed corpus
    w = wl.class_weights(ds.labels_of("train"), n_classes=ds.n_classes, alpha=0.5)
    results = wl.reproduce(ds, alphas=(0, 0.5))      # the article's table
    print(results.markdown())
"""

from weightlab.data import (
    TextDataset,
    download_cfpb,
    load_cfpb,
    load_data,
    load_hf,
    load_table,
    make_dataset,
)
from weightlab.engines import get_engine
from weightlab.metrics import Scores, band_summary, score, scores_from_logits
from weightlab.plots import plot_class_sizes, plot_f1_histograms, plot_f1_vs_train_count
from weightlab.reproduce import ARTICLE_REPORTED, Results, reproduce
from weightlab.runs import Run, train_run, train_runs
from weightlab.synthetic import make_complaints
from weightlab.weights import (
    class_weights,
    describe_weights,
    log_prior,
    make_loss,
    weights_from_counts,
)

__version__ = "0.1.0"

__all__ = [
    "ARTICLE_REPORTED",
    "Results",
    "Run",
    "Scores",
    "TextDataset",
    "band_summary",
    "class_weights",
    "describe_weights",
    "download_cfpb",
    "get_engine",
    "load_cfpb",
    "load_data",
    "load_hf",
    "load_table",
    "log_prior",
    "make_complaints",
    "make_dataset",
    "make_loss",
    "plot_class_sizes",
    "plot_f1_histograms",
    "plot_f1_vs_train_count",
    "reproduce",
    "score",
    "scores_from_logits",
    "train_run",
    "train_runs",
    "weights_from_counts",
]
