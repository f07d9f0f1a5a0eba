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

import warnings
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
    #: A reference row of the results table (majority class, TF-IDF + logistic regression):
    #: trained once, unweighted, beside the engine whose weighting is studied.
    baseline: bool = False
    #: :meth:`fit_predict` applies ``class_weight``.
    supports_class_weights: bool = True
    #: :meth:`fit_predict` trains with the logit-adjusted loss when ``tau != 0``.
    supports_tau: bool = False
    #: The training remedies :meth:`fit_predict` applies (``remedy=``): any of ``"resample"``,
    #: ``"focal"``, ``"drw"`` (:mod:`weightlab.remedies`).
    remedies: frozenset[str] = frozenset()
    #: What :meth:`prepare` does when it takes a while (``"featurising"``, ``"tokenising"``),
    #: for the status line before it; empty when it is instant.
    prepare_step: str = ""
    #: True for an engine whose fit can take a while and shows no progress of its own
    #: (a scikit-learn solver): :func:`weightlab.runs.train_runs` shows the elapsed time.
    silent_fit: bool = False
    #: The baseline run the fit check compares this engine's unweighted run with: a
    #: logistic regression on the same features (:mod:`weightlab.fitcheck`).
    fit_reference: str = "tfidf-logreg"
    #: A baseline trained only as another engine's fit reference, never by default.
    on_demand: bool = False
    #: :meth:`fit_predict` calls on one prepared engine may run side by side in threads
    #: (:func:`weightlab.runs.train_runs` with ``n_jobs``): each fit owns all of its state,
    #: draws no random numbers from a shared generator, and spends its time in kernels that
    #: release the GIL, so the results are those of fits one after another.
    concurrent_fits: bool = False

    _progress: bool = True

    def __init__(self, config=None):
        self.config = config
        self.dataset: TextDataset | None = None

    @property
    def progress(self) -> bool:
        """Deprecated: pass ``progress=`` to :meth:`fit_predict` (or ``train_run``)."""
        return self._progress

    @progress.setter
    def progress(self, value: bool) -> None:
        warnings.warn(
            "Engine.progress is deprecated: pass progress= to fit_predict, train_run or "
            "train_runs instead.",
            DeprecationWarning,
            stacklevel=2,
        )
        self._progress = bool(value)

    def _show_progress(self, progress: bool | None) -> bool:
        return self._progress if progress is None else bool(progress)

    def prepare(self, dataset: TextDataset, *, cache=None, progress=None) -> Engine:
        """Featurise ``dataset`` once; later :meth:`fit_predict` calls reuse the features.

        ``cache`` (see :func:`weightlab.cache.as_cache`) holds features that are worth
        keeping on disk; engines without such features ignore it. ``progress`` shows a bar
        where preparing takes a while (embedding); engines that prepare quickly ignore it.
        """
        self.dataset = dataset
        return self

    def reference_engine(self) -> Engine | None:
        """A configured engine for :attr:`fit_reference` when no default baseline is it.

        None (the default) when the reference is one of the baselines every experiment trains
        (``tfidf-logreg``); an engine on other features returns a baseline on those features.
        """
        return None

    def cache_parts(self) -> dict:
        """What else identifies this engine's results beyond its config, for the run cache.

        Empty by default; an engine whose inputs live outside its config (a model directory
        that may change in place) returns their identity here.
        """
        return {}

    def _check_remedy(self, remedy) -> None:
        """Refuse a remedy that is not a training remedy of this engine."""
        if not getattr(remedy, "trains", False):
            raise ValueError(
                f"remedy must be a weightlab.remedies.Remedy of kind resample, focal or drw "
                f"(class weights and the logit-adjusted loss are class_weight= and tau=); "
                f"got {remedy!r}."
            )
        if remedy.kind not in self.remedies:
            has = ", ".join(sorted(self.remedies)) or "none"
            raise ValueError(
                f"The {self.name} engine has no {remedy.kind} remedy (it has: {has}); "
                "use tfidf-linear, encoder-probe or transformer (Engine.remedies)."
            )
        # a head engine's solver may refuse it (optimizer='saga': no re-sampling, no drw):
        # said before any training, not after the other runs' minutes
        solver_for = getattr(self.config, "solver_for", None)
        if solver_for is not None:
            solver_for(resampling=remedy.kind == "resample", deferred=remedy.kind == "drw")

    def _check_fit_options(self, class_weight, tau, remedy=None) -> None:
        """Refuse an option this engine cannot apply, instead of ignoring it."""
        if remedy is not None:
            self._check_remedy(remedy)
            if remedy.kind == "drw" and class_weight is None:
                raise ValueError(
                    "The drw remedy switches to class weights after plain training: pass the "
                    "class_weight of its second stage (train_run builds it from the knob)."
                )
        if class_weight is not None and not self.supports_class_weights:
            raise ValueError(
                f"The {self.name} engine takes no class weights; pass class_weight=None."
            )
        if tau and not self.supports_tau:
            raise ValueError(
                f"The {self.name} engine has no logit-adjusted loss; use tau=0, or an engine "
                "that has one (tfidf-linear, transformer: Engine.supports_tau)."
            )

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
        remedy=None,
        seed: int = 0,
        progress: bool | None = None,
    ) -> EngineOutput:
        """Train one model and return validation and test logits.

        Parameters
        ----------
        class_weight : numpy.ndarray, optional
            Per-class loss weights aligned with the data set's classes
            (from :func:`weightlab.weights.class_weights`); None means unweighted.
        tau : float
            Logit-adjusted loss strength (Menon et al. 2021); 0 is plain cross-entropy.
        remedy : weightlab.remedies.Remedy, optional
            A training remedy among :attr:`remedies` (re-sampling, focal loss, deferred
            re-weighting); None trains plainly.
        seed : int
            Seed of everything random in the fit.
        progress : bool, optional
            Show a progress bar during the fit, where the engine has one (default: yes).

        Raises
        ------
        ValueError
            For ``class_weight``, ``tau`` or ``remedy`` on an engine that does not support them.
        """
