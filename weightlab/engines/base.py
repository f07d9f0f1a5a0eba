"""The interface every training engine implements.

An engine is used in two steps, so that a sweep over weightings pays for features once:

1. :meth:`Engine.prepare` featurises (or tokenises) a :class:`~weightlab.data.TextDataset`;
2. :meth:`Engine.fit_predict` trains one model with one weighting and returns the logits of
   the validation and test splits.

Logits are any real scores whose row-wise argmax is the prediction and whose softmax is the
model's probability estimate (log-probabilities qualify). Post-hoc logit adjustment and all
scoring start from them.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass

import numpy as np

from weightlab.data import TextDataset

__all__ = ["Engine", "EngineOutput"]


@dataclass(frozen=True)
class EngineOutput:
    """Logits of one trained model on the validation and test splits.

    Attributes
    ----------
    validation_logits : numpy.ndarray, shape (n_validation, n_classes)
    test_logits : numpy.ndarray, shape (n_test, n_classes)
    info : dict
        Engine-specific facts about the fit (epochs run, seconds, ...), JSON-serialisable.
    """

    validation_logits: np.ndarray
    test_logits: np.ndarray
    info: dict


class Engine(ABC):
    """Base class of the training engines (see the module docstring)."""

    #: Registry name of the engine, e.g. ``"tfidf-linear"``.
    name: str = ""
    #: Show progress bars inside a fit (:func:`weightlab.runs.train_runs` sets it).
    progress: bool = True
    #: True for an engine whose fit can take a while and shows no progress of its own
    #: (a scikit-learn solver): :func:`weightlab.runs.train_runs` shows the elapsed time.
    silent_fit: bool = False

    def __init__(self, config=None):
        self.config = config
        self.dataset: TextDataset | None = None

    def prepare(self, dataset: TextDataset) -> Engine:
        """Featurise ``dataset`` once; later :meth:`fit_predict` calls reuse the features."""
        self.dataset = dataset
        return self

    def _require_prepared(self) -> TextDataset:
        if self.dataset is None:
            raise RuntimeError(f"Call {type(self).__name__}.prepare(dataset) before fit_predict.")
        return self.dataset

    @abstractmethod
    def fit_predict(
        self,
        *,
        class_weight: np.ndarray | None = None,
        tau: float = 0.0,
        seed: int = 0,
    ) -> EngineOutput:
        """Train one model and return validation and test logits.

        Parameters
        ----------
        class_weight : numpy.ndarray, optional
            Per-class loss weights aligned with the data set's classes
            (from :func:`weightlab.weights.class_weights`); None means unweighted.
        tau : float
            Logit-adjusted loss strength (Menon et al. 2021); 0 is plain cross-entropy.
        seed : int
            Seed of everything random in the fit.
        """
