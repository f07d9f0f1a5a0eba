"""The majority-class baseline: always predicts the most frequent training class."""

from __future__ import annotations

import numpy as np

from weightlab.engines.base import Engine, EngineOutput
from weightlab.weights import log_prior

__all__ = ["MajorityEngine"]


class MajorityEngine(Engine):
    """Predict the most frequent training class for every document.

    Its logits are the log class priors of the training split, so the argmax is the
    majority class and post-hoc adjustment of them behaves like any other engine's.
    Class weights and the logit-adjusted loss do not apply: passing them is an error.
    """

    name = "majority"
    baseline = True
    supports_class_weights = False

    def fit_predict(
        self, *, class_weight=None, tau=0.0, remedy=None, seed=0, progress=None
    ) -> EngineOutput:
        """Return the training log-priors as the logits of every document."""
        self._check_fit_options(class_weight, tau, remedy)
        ds = self._require_prepared()
        prior = log_prior(ds.train_counts)
        n_val, n_test = len(ds.labels_of("validation")), len(ds.labels_of("test"))
        return EngineOutput(
            validation_logits=np.tile(prior, (n_val, 1)),
            test_logits=np.tile(prior, (n_test, 1)),
            info={},
        )
