"""Deprecated names that moved: one shim for every module's ``__getattr__`` (PEP 562)."""

from __future__ import annotations

import importlib
import warnings


def moved(module: str, name: str, moves: dict[str, str]):
    """The object ``name`` of ``module``, now in ``moves[name]``, with a DeprecationWarning.

    Raises ``AttributeError`` for any other name, as a module without the shim would.
    """
    if name not in moves:
        raise AttributeError(f"module {module!r} has no attribute {name!r}")
    warnings.warn(
        f"{module}.{name} moved to {moves[name]}.{name}", DeprecationWarning, stacklevel=3
    )
    return getattr(importlib.import_module(moves[name]), name)
