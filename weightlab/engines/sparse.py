"""Sparse training rows for the head engines: shuffled batches and the CSR product.

:func:`weightlab.engines.linear.fit_head` multiplies scipy CSR batches of TF-IDF rows with
dense weights; no dense feature matrix is ever built. :class:`BatchStore` keeps each epoch's
shuffled batches for every fit of a sweep; :func:`sparse_matmul` is the autograd product.
"""

from __future__ import annotations

import functools
import threading

import numpy as np
import scipy.sparse as sp

__all__ = ["BatchStore", "sparse_matmul", "torch_csr"]


def torch_csr(X):
    """A torch CSR tensor over the arrays of the scipy CSR matrix ``X`` (float32 values).

    No copy for float32 input. torch flags its sparse CSR layout as beta with a warning on
    every construction; the product used here (CSR x dense on the CPU) is the one torch
    itself uses for ``torch.sparse.mm``, so that warning is silenced for this call only.
    """
    import warnings

    import torch

    data = X.data if X.data.dtype == np.float32 else X.data.astype(np.float32)
    indices = X.indices.astype(X.indptr.dtype, copy=False)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Sparse CSR tensor support", UserWarning)
        return torch.sparse_csr_tensor(
            torch.from_numpy(X.indptr),
            torch.from_numpy(indices),
            torch.from_numpy(data),
            size=X.shape,
            check_invariants=False,  # scipy's CSR arrays are valid; checking is O(nnz)
        )


@functools.cache
def sparse_matmul():
    """The autograd function ``X @ W`` for a scipy CSR batch ``X`` and a dense ``W``."""
    import torch

    class SparseMatmul(torch.autograd.Function):
        """``forward(W, X) = X @ W``; ``backward`` gives ``dW = X.T @ grad``.

        The forward product is torch's CSR x dense kernel (2.5x faster than scipy's on one
        thread); the backward one is scipy's CSC kernel on ``X.T``, a view of the same arrays
        (torch has no fast transposed product, and building ``X.T`` as CSR costs more than
        the product). Both are 2-3x faster than ``nn.EmbeddingBag`` with per-sample weights,
        whose backward dominated the fit, and deterministic.
        """

        @staticmethod
        def forward(ctx, weight, X):
            ctx.X = X
            return torch_csr(X) @ weight.detach()

        @staticmethod
        def backward(ctx, grad):
            dW = np.asarray(ctx.X.T @ grad.contiguous().numpy(), dtype=np.float32)
            return torch.from_numpy(dW), None

    return SparseMatmul


#: Shuffled batches are kept for reuse by every fit with the same seed while (stored values
#: of the training matrix) x (epochs kept) stays within this budget: about 8 bytes per value,
#: so ~320 MB.
_KEEP_BATCHES_NNZ = 40_000_000


class BatchStore:
    """Shuffled training batches of each ``(seed, epoch, batch size)``, shared by fits.

    The shuffle of an epoch depends only on the seed, so every fit of a sweep sees the same
    batches; slicing the CSR batches is a part of an epoch's time, so they are built once and
    kept while they fit in :data:`_KEEP_BATCHES_NNZ`. Fits running side by side share one
    store: an epoch is built once, by the first fit that needs it.
    """

    def __init__(self, X):
        self.X = X
        self._kept: dict = {}
        self._lock = threading.Lock()

    def epoch(self, seed: int, epoch: int, size: int, order: np.ndarray, *, sampler=None):
        """The batches ``X_b`` of one epoch, rows in the order ``order``.

        ``sampler`` names how ``order`` was drawn when it is not the seed's permutation
        (re-sampling), so that the batches of different samplers are kept apart.
        """
        X = self.X
        if not sp.issparse(X):
            return [X[order[lo : lo + size]] for lo in range(0, X.shape[0], size)]
        key = (seed, epoch, size, sampler)
        with self._lock:
            if key in self._kept:
                return self._kept[key]
            if X.nnz * (len(self._kept) + 1) > _KEEP_BATCHES_NNZ:
                # 1) too big to keep: build each batch when it is needed (memory: one batch)
                return (X[order[lo : lo + size]] for lo in range(0, X.shape[0], size))
            # 2) permute once; batches are contiguous slices of the permuted rows (same rows)
            Xp = X[order]
            batches = [Xp[lo : lo + size] for lo in range(0, X.shape[0], size)]
            self._kept[key] = batches
            return batches
