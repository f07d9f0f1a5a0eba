"""Training engines: each trains one model per weighting and returns test logits.

=================  ==========================================================
``majority``       most frequent training class (baseline)
``tfidf-logreg``   TF-IDF + scikit-learn LogisticRegression (article baseline)
``tfidf-linear``   TF-IDF + torch softmax regression with a weighted loss (default)
``transformer``    fine-tune a Hugging Face encoder with ``transformers.Trainer``
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
    "get_engine",
]

ENGINE_NAMES = ("majority", "tfidf-logreg", "tfidf-linear", "transformer")


def get_engine(name: str, config=None) -> Engine:
    """Return a fresh engine by registry name, with ``config`` or its default config."""
    if name == "majority":
        return MajorityEngine(config)
    if name == "tfidf-logreg":
        return TfidfLogRegEngine(config)
    if name == "tfidf-linear":
        return TfidfLinearEngine(config)
    if name == "transformer":
        # Imported on demand: transformers takes seconds to import.
        from weightlab.engines.transformer import TransformerEngine

        return TransformerEngine(config)
    raise ValueError(f"Unknown engine {name!r}; choose one of {', '.join(ENGINE_NAMES)}.")
