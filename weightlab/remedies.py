r"""Long-tail remedies: the common ways to train a classifier towards its rare classes.

Class weighting is one remedy among several. Each one below has a knob, and at knob 0 each
one's objective is the plain cross-entropy's, so their points on the accuracy / macro-F1
frontier (:mod:`weightlab.frontier`) all start from the ``unweighted`` run; grids therefore
leave 0 out (the unweighted run is trained anyway), and :func:`parse_remedies` refuses it.

``weights`` (knob ``alpha``)
    loss weights :math:`w_c \propto n_c^{-\alpha}` (the article's remedy).
``resample`` (knob ``q``)
    the sampler draws class :math:`c` with probability :math:`\propto n_c^{1-q}`: 0 is the
    plain sampler, 0.5 square-root and 1 class-balanced sampling (Mahajan et al. 2018;
    Kang et al. 2020, "Decoupling Representation and Classifier").
``focal`` (knob ``gamma``)
    each example's loss times :math:`(1 - p_t)^\gamma` (Lin et al. 2017, "Focal Loss").
``drw`` (knob ``alpha``)
    deferred re-weighting: plain cross-entropy first, class weights :math:`n_c^{-\alpha}` for
    the last part of training (Cao et al. 2019, "Learning Imbalanced Datasets with
    Label-Distribution-Aware Margin Loss").
``la-loss`` (knob ``tau``)
    the loss sees ``logits + tau * log prior``; tau=1 is the balanced softmax (Menon et al.
    2021, "Long-tail learning via logit adjustment"; Ren et al. 2020).

``weights`` and ``la-loss`` are options of the loss itself (``alpha`` and ``tau`` of
:func:`weightlab.runs.train_run`); ``resample``, ``focal`` and ``drw`` change how the engine
trains and reach it as a :class:`Remedy` (``Engine.remedies`` says which an engine has).
LDAM (Cao et al. 2019) is not here: its margin and logit scale assume normalised features
and need tuning per feature type, which would make its point on the frontier a statement
about that tuning rather than about the remedy.

Examples
--------
>>> Remedy("focal", 2).name
'focal gamma=2'
>>> [r.name for r in parse_remedies("resample,drw")]
['resample q=0.5', 'resample q=1', 'drw alpha=0.5', 'drw alpha=1']
>>> resample_weights([300, 100], [0, 0, 0, 1], q=1.0).round(3).tolist()
[0.167, 0.167, 0.167, 0.5]
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np

__all__ = [
    "REMEDIES",
    "KNOBS",
    "DEFAULT_GRIDS",
    "TRAINING_REMEDIES",
    "Remedy",
    "parse_remedies",
    "parse_grid",
    "resample_weights",
    "path_solver_engine",
]

#: Every remedy, in the order of the module docstring.
REMEDIES = ("weights", "resample", "focal", "drw", "la-loss")
#: The knob of each remedy.
KNOBS = {"weights": "alpha", "resample": "q", "focal": "gamma", "drw": "alpha", "la-loss": "tau"}
#: The knob values a remedy is swept over unless told otherwise (knob 0 is the unweighted
#: run, trained anyway). ``weights`` uses the experiment's alphas instead.
DEFAULT_GRIDS = {
    "weights": (0.5,),
    "resample": (0.5, 1.0),
    "focal": (1.0, 2.0),
    "drw": (0.5, 1.0),
    "la-loss": (1.0,),
}
#: The remedies that change how an engine trains (passed to ``fit_predict(remedy=...)``);
#: the other two are the loss's ``alpha`` and ``tau``.
TRAINING_REMEDIES = ("resample", "focal", "drw")


@dataclass(frozen=True)
class Remedy:
    """One remedy at one knob value, e.g. ``Remedy("focal", 2.0)``: focal loss with gamma 2.

    Parameters
    ----------
    kind : str
        One of :data:`REMEDIES`.
    value : float
        The knob (:data:`KNOBS`): ``alpha``, ``q``, ``gamma`` or ``tau``; finite and >= 0.
    """

    kind: str
    value: float

    def __post_init__(self):
        if self.kind not in REMEDIES:
            raise ValueError(f"Unknown remedy {self.kind!r}; choose from {', '.join(REMEDIES)}.")
        try:
            value = float(self.value)
        except (TypeError, ValueError):
            value = math.nan
        if not (math.isfinite(value) and value >= 0):
            raise ValueError(
                f"The {self.kind} remedy's {self.knob} must be a finite number >= 0; "
                f"got {self.value!r}."
            )
        object.__setattr__(self, "value", value)

    @property
    def knob(self) -> str:
        """Name of the knob: ``alpha``, ``q``, ``gamma`` or ``tau``."""
        return KNOBS[self.kind]

    @property
    def name(self) -> str:
        """Run name, e.g. ``resample q=0.5``."""
        return f"{self.kind} {self.knob}={self.value:g}"

    @property
    def trains(self) -> bool:
        """Whether the remedy changes how the engine trains (:data:`TRAINING_REMEDIES`)."""
        return self.kind in TRAINING_REMEDIES


def resample_weights(train_counts, y, *, q: float) -> np.ndarray:
    r"""Sampling probability of every training example for re-sampling with exponent ``q``.

    Example :math:`i` of class :math:`c` is drawn with probability
    :math:`\propto n_c^{-q}`, so class :math:`c` as a whole is drawn with probability
    :math:`\propto n_c^{1-q}`: ``q=0`` is the plain sampler (every example equally likely),
    ``q=0.5`` square-root sampling and ``q=1`` class-balanced sampling. For
    ``torch.utils.data.WeightedRandomSampler``.

    Parameters
    ----------
    train_counts : array-like of int
        Training examples per class.
    y : array-like of int
        Class index of every training example.
    q : float
        Exponent, >= 0.

    Returns
    -------
    numpy.ndarray of float64, shape (len(y),)
        Probabilities summing to 1.
    """
    counts = np.asarray(train_counts, dtype=np.float64)
    y = np.asarray(y, dtype=np.int64)
    if not (math.isfinite(q) and q >= 0):
        raise ValueError(f"q must be a finite number >= 0; got {q!r}.")
    if y.size == 0:
        raise ValueError("Re-sampling needs training examples; the training split is empty.")
    if y.min() < 0 or y.max() >= counts.size or np.any(counts[y] <= 0):
        raise ValueError(
            "y holds a class with no training count: pass the train_counts of the same "
            "training split (TextDataset.train_counts)."
        )
    p = counts[y] ** -q
    return p / p.sum()


def parse_grid(spec: str) -> tuple[str, tuple[float, ...]]:
    """``"focal=0.5,1,2"`` -> ``("focal", (0.5, 1.0, 2.0))`` (the CLI's ``--remedy-grid``)."""
    kind, sep, values = str(spec).partition("=")
    kind = kind.strip()
    if not sep or kind not in REMEDIES:
        raise ValueError(
            f"A remedy grid is REMEDY=V1,V2,... with REMEDY one of {', '.join(REMEDIES)} "
            f"(e.g. focal=0.5,1,2); got {spec!r}."
        )
    try:
        grid = tuple(float(v) for v in values.split(",") if v.strip())
    except ValueError:
        raise ValueError(f"The values of {spec!r} must be numbers, e.g. focal=0.5,1,2.") from None
    if not grid:
        raise ValueError(f"{spec!r} gives no values; e.g. {kind}=0.5,1.")
    for value in grid:
        Remedy(kind, value)  # the same check as every run
    return kind, grid


def parse_remedies(
    remedies: str | Iterable[str], *, grids: Mapping[str, Iterable[float]] | None = None
) -> list[Remedy]:
    """The runs of a list of remedies: each remedy at every value of its grid.

    Parameters
    ----------
    remedies : str or iterable of str
        Remedy names, comma-separated in a string (``"weights,resample,focal"``).
    grids : mapping, optional
        Knob values per remedy, overriding :data:`DEFAULT_GRIDS`; 0 is refused (it is the
        unweighted run, trained anyway).

    Returns
    -------
    list of Remedy
        In the order given, each remedy's values ascending, without repeats.
    """
    names = remedies.split(",") if isinstance(remedies, str) else list(remedies)
    names = [str(n).strip() for n in names if str(n).strip()]
    unknown = [n for n in names if n not in REMEDIES]
    if unknown:
        raise ValueError(
            f"Unknown remedy {unknown[0]!r}; choose from {', '.join(REMEDIES)} "
            "(comma-separated, e.g. weights,resample,focal)."
        )
    grids = dict(grids or {})
    extra = [k for k in grids if k not in names]
    if extra:
        raise ValueError(
            f"A grid is given for {extra[0]!r}, which is not among the remedies "
            f"({', '.join(names) or 'none'}): add it to the remedies or drop its grid."
        )
    out: list[Remedy] = []
    for name in dict.fromkeys(names):
        values = sorted({float(v) for v in grids.get(name, DEFAULT_GRIDS[name])})
        if 0 in values:
            raise ValueError(
                f"The {name} grid holds {KNOBS[name]}=0: that is the unweighted run, trained "
                "whenever the alphas include 0 (the default); leave 0 out of the grid."
            )
        out += [Remedy(name, v) for v in values]
    return out


def path_solver_engine(engine):
    """``engine`` set to train as its re-sampling and DRW runs do; None if it already does.

    Re-sampling and deferred re-weighting are ways of training rather than losses, and a head
    engine (``tfidf-linear``, ``encoder-probe``) trains them with SGD stopped on the validation
    loss (:meth:`~weightlab.engines.linear.HeadConfig.solver_for`), while its plain and
    weighted runs are solved to their optimum with SAGA. Their points on the frontier then
    differ from the weighted run's by solver as well as by remedy. The plain and weighted runs
    of the engine returned here are the control that tells the two apart: the same losses,
    trained the way the path remedies are.

    Parameters
    ----------
    engine : Engine
        A configured engine (e.g. ``get_engine("tfidf-linear")``).

    Returns
    -------
    Engine or None
        A new engine of the same type with the path remedies' solver, or None when the
        engine trains every run the same way (an MLP head, the transformer, an engine with
        ``optimizer`` set, which is the solver of all its runs or refuses those remedies).
    """
    config = getattr(engine, "config", None)
    solver_for = getattr(config, "solver_for", None)
    if solver_for is None:  # no choice of solver: every run trains alike
        return None
    path = solver_for(resampling=True, deferred=True) if config.optimizer == "auto" else None
    if path is None or path == solver_for():
        return None
    return type(engine)(dataclasses.replace(config, optimizer=path))
