"""Which process am I? Rank helpers for runs under ``torchrun`` / ``accelerate launch``.

The launchers set ``RANK`` and ``WORLD_SIZE`` in every process's environment before Python
starts, so these work before and after ``torch.distributed`` is initialised (the
``transformers.Trainer`` initialises it on first use). Every process computes the same
results; only the main process writes files.
"""

from __future__ import annotations

import os

__all__ = ["rank", "world_size", "is_main_process", "finish"]


def rank() -> int:
    """Global rank of this process (0 when not launched by a distributed launcher)."""
    return int(os.environ.get("RANK", "0") or 0)


def world_size() -> int:
    """Number of processes of the run (1 when not launched by a distributed launcher)."""
    return int(os.environ.get("WORLD_SIZE", "1") or 1)


def is_main_process() -> bool:
    """True on rank 0: the process that writes results, caches and prints the table."""
    return rank() == 0


def finish() -> None:
    """Wait for every process, then tear the process group down (no-op when not distributed).

    Call at the end of a command so that rank 0 finishes writing before the others exit and
    torch does not warn about a process group left open.
    """
    try:
        import torch.distributed as dist
    except ImportError:  # pragma: no cover - torch is a dependency
        return
    if dist.is_available() and dist.is_initialized():
        dist.barrier()
        dist.destroy_process_group()
