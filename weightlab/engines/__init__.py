"""Training engines: each trains one model per weighting and returns test logits.

=================  ==========================================================
``majority``       most frequent training class (baseline)
``tfidf-logreg``   TF-IDF + scikit-learn LogisticRegression (article baseline)
``tfidf-linear``   TF-IDF + torch softmax regression with a weighted loss (default)
``transformer``    fine-tune a Hugging Face encoder with ``transformers.Trainer``
``encoder-probe``  frozen pretrained encoder (all-MiniLM-L6-v2) + weighted head
``encoder-logreg`` LogisticRegression on the same embeddings (the probe's fit check)
=================  ==========================================================
"""

from __future__ import annotations

from weightlab.engines.base import Engine, EngineOutput
from weightlab.engines.majority import MajorityEngine
from weightlab.engines.tfidf import (
    TfidfConfig,
    TfidfLinearConfig,
    TfidfLinearEngine,
    TfidfLogRegConfig,
    TfidfLogRegEngine,
)

__all__ = [
    "ENGINE_NAMES",
    "Engine",
    "EngineOutput",
    "MajorityEngine",
    "TfidfConfig",
    "TfidfLinearConfig",
    "TfidfLinearEngine",
    "TfidfLogRegConfig",
    "TfidfLogRegEngine",
    "default_baselines",
    "engine_class",
    "get_engine",
    "is_baseline",
]

#: name -> (module, class) of every engine. Imported on first use: the transformer engine's
#: libraries take seconds to import.
_REGISTRY = {
    "majority": ("weightlab.engines.majority", "MajorityEngine"),
    "tfidf-logreg": ("weightlab.engines.tfidf", "TfidfLogRegEngine"),
    "tfidf-linear": ("weightlab.engines.tfidf", "TfidfLinearEngine"),
    "transformer": ("weightlab.engines.transformer", "TransformerEngine"),
    "encoder-probe": ("weightlab.engines.encoder", "EncoderProbeEngine"),
    "encoder-logreg": ("weightlab.engines.encoder", "EncoderLogRegEngine"),
}
ENGINE_NAMES = tuple(_REGISTRY)


def engine_class(name: str) -> type[Engine]:
    """The engine class registered as ``name`` (see :data:`ENGINE_NAMES`)."""
    import importlib

    if name not in _REGISTRY:
        raise ValueError(f"Unknown engine {name!r}; choose one of {', '.join(ENGINE_NAMES)}.")
    module, cls = _REGISTRY[name]
    return getattr(importlib.import_module(module), cls)


def get_engine(name: str, config=None) -> Engine:
    """Return a fresh engine by registry name, with ``config`` or its default config."""
    return engine_class(name)(config)


def is_baseline(name: str) -> bool:
    """Whether the engine registered as ``name`` is a baseline (False for unknown names)."""
    return name in _REGISTRY and engine_class(name).baseline


def default_baselines() -> list[str]:
    """The baselines every experiment trains (on-demand ones only as a fit reference)."""
    return [n for n in ENGINE_NAMES if is_baseline(n) and not engine_class(n).on_demand]
