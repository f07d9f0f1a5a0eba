"""The SAGA solver of the head engines: a softmax regression solved to its optimum.

:func:`weightlab.engines.linear.fit_head` runs it with ``optimizer="saga"``
(:meth:`~weightlab.engines.linear.HeadConfig.converged`); this module holds what is its own:
the table of per-example gradients, the step from the data's curvature and the safeguard.

Mini-batch SAGA (Defazio et al. 2014), the variance-reduced gradient that scikit-learn's
``saga`` solver uses one example at a time: every example's gradient with respect to its
logits is kept in a table, and each step uses the batch's new gradients minus their stored
ones plus the table's average. Its steps need not shrink to zero as SGD's must, so it
converges on the penalised objective itself, at about SGD's cost per epoch. Three choices
make it fast and stable on every set of the fit suite, not only the one it was tried on:

1. **Centred features.** TF-IDF rows are all non-negative: their mean is the largest direction
   of the data (on the 58K corpus the top eigenvalue of ``X^T X / n`` is nearly 4x that of
   the centred rows), and the step must be small enough for it. The model is fitted as
   ``(x - mean) W + b`` (a rank-one correction; no dense copy) and returned as
   ``x W + (b - mean W)``: the same objective and predictions, better-conditioned steps.
2. **A step from the data's curvature**, not a learning rate tuned on one corpus:
   ``2 / lambda``, ``lambda`` the largest eigenvalue of the centred, weighted second moment
   ``X^T diag(w) X / n`` (``scipy.sparse.linalg.eigsh``, per fit, so it follows the class
   weights) plus the largest single example's share of a batch (:func:`curvature`). The
   bias steps as a constant feature. Nesterov momentum 0.9 (torch's fused SGD applies it).
3. **A safeguard.** After an epoch whose objective (the epoch's weighted mean loss plus the
   penalty) did not go down, the momentum is dropped, and after any later one that rises more
   than 1% above the lowest the step is halved (``lr_decay``). On the 58K corpora it never
   fires; on 2K documents (batches of 70) and on small data weighted with alpha 1, SAGA with
   momentum oscillated without it.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

__all__ = ["RISE", "SAGA_STEP", "GradientTable", "curvature", "example_weights", "slow_down"]


#: SAGA's step times the curvature of :func:`curvature` (with momentum 0.9, dropped after an
#: epoch that did not lower the objective, and the step halved after a later rise of over
#: :data:`RISE`; see the module docstring).
SAGA_STEP = 2.0

#: How far (relative) an epoch's objective must rise above the lowest so far, once the momentum
#: is dropped, for the step to be shrunk (:func:`slow_down`).
RISE = 0.01


def curvature(X, shift: np.ndarray, omega: np.ndarray, batch: int) -> float:
    """The curvature SAGA's step is set from, for batches of ``batch`` rows.

    ``lambda + (n - b) / (b (n - 1)) * max_i omega_i |x_i - shift|^2``: the largest
    eigenvalue of ``(X - shift)^T diag(omega) (X - shift) / n`` (the weighted mean loss of a
    softmax regression curves at most half as much along its steepest direction) plus the
    largest single example's, shrunk by the batch (Gazagnadou et al. 2019, "Optimal mini-batch
    and step sizes for SAGA"): on small data sets the batch is small and one heavy example
    moves a step. ``eigsh`` (ARPACK) from a fixed start vector: deterministic, about 20
    products with ``X`` and ``X^T``.
    """
    from scipy.sparse.linalg import LinearOperator, eigsh

    n, d = X.shape
    # float32 like X: a float64 vector would make scipy copy X to float64 at every product
    shift = shift.astype(np.float32)
    omega = np.asarray(omega, dtype=np.float32)

    def gram(v):
        v = np.asarray(v, dtype=np.float32).ravel()
        u = omega * (X @ v - shift @ v)
        return (X.T @ u - shift * u.sum()) / n

    if d == 1:
        top = float(gram(np.ones(1))[0])
    else:
        op = LinearOperator((d, d), matvec=gram, dtype=np.float32)
        v0 = np.ones(d, np.float32)
        top = float(eigsh(op, k=1, which="LA", tol=1e-2, v0=v0, return_eigenvectors=False)[0])
    squares = X.multiply(X).sum(axis=1) if sp.issparse(X) else np.square(X).sum(axis=1)
    norms = np.asarray(squares).ravel() - 2 * (X @ shift) + shift @ shift
    single = float(np.max(omega * norms)) if n else 0.0
    batch = min(batch, n)
    noise = (n - batch) / (batch * max(n - 1, 1)) * single
    return max(top + noise, 1e-12)


class GradientTable:
    """Mini-batch SAGA's table of per-example gradients and its average.

    Written here because neither torch nor scikit-learn has a mini-batch SAGA over a torch
    loss (scikit-learn's ``saga`` is per example and cross-entropy only). The loss of example
    ``i`` is ``f_i = scale * w_i * loss_i`` (``scale`` = n / total weight, so that the mean of
    the ``f_i`` is the run's weighted mean loss); the table keeps ``d f_i / d logits_i``.
    A step's gradient is the batch's new gradients minus their stored ones (mean over the
    batch) plus the table's average, in the centred coordinates of ``_fit_head``. The table
    holds training rows x classes float32 numbers: 26 MB for 58K documents and 113 classes.
    """

    def __init__(self, X, y, loss_fn, scale: float, shift):
        self.X, self.loss_fn, self.scale, self.shift = X, loss_fn, scale, shift
        self.y = np.asarray(y, dtype=np.int64)
        self.n = X.shape[0]

    def _per_example(self, logits, y):
        import torch

        logits = logits.detach().requires_grad_(True)
        loss = self.loss_fn(logits, y)
        # the mean loss divides by the batch's weight: undo it to get each f_i's gradient
        total = float(example_weights(self.loss_fn, y.numpy()).sum())
        (grad,) = torch.autograd.grad(loss * (total * self.scale), logits)
        return grad, loss.detach()

    def _product(self, Xb, grad):
        import torch

        return torch.from_numpy(np.asarray(Xb.T @ grad.numpy(), dtype=np.float32))

    def start(self, forward):
        """Fill the table at the starting parameters (one pass over the training rows)."""
        import torch

        with torch.no_grad():
            logits = forward(self.X)
        self.table, _ = self._per_example(logits, torch.from_numpy(self.y))
        self.mean_W = self._product(self.X, self.table) / self.n  # uncentred
        self.mean_b = self.table.sum(0) / self.n

    def gradient(self, logits, y, rows, Xb, weight, bias):
        """Set ``weight.grad`` and ``bias.grad`` for the batch ``rows``; return its mean loss."""
        import torch

        rows = torch.from_numpy(np.asarray(rows))
        grad, loss = self._per_example(logits, y)
        delta = grad - self.table[rows]
        delta_b = delta.sum(0)
        raw = self._product(Xb, delta)
        m = Xb.shape[0]
        step_b = delta_b / m + self.mean_b
        # (X_b - shift)^T delta / m + mean, centred with one rank-one correction
        grad_W = torch.add(self.mean_W, raw, alpha=1.0 / m)
        weight.grad = grad_W.addr_(self.shift, step_b, alpha=-1.0)
        bias.grad = step_b
        self.mean_W.add_(raw, alpha=1.0 / self.n)
        self.mean_b.add_(delta_b, alpha=1.0 / self.n)
        self.table[rows] = grad
        return loss


def slow_down(opt, decay: float, objective: float, lowest: float) -> None:
    """After an epoch that did not lower the objective: drop the momentum, then shrink the step.

    Written here because torch's ``ReduceLROnPlateau`` only scales the learning rate. With
    SAGA, momentum is what goes unstable first (heavily weighted examples in small batches):
    plain SAGA at the same step converged where halving the step with momentum kept stalled
    short of the optimum. So the first epoch whose ``objective`` is not below ``lowest`` drops
    the momentum; after that the step is multiplied by ``decay`` only when an epoch's objective
    rises more than :data:`RISE` above the lowest. Near the optimum an epoch's mean loss
    (taken while the coefficients move) wobbles by less than that, and halving on every wobble
    shrank the step until the coefficients stopped moving short of the optimum (0.007 in
    probability from ``LogisticRegression``'s on 3,000 documents, 0.0009 without it).
    """
    groups = opt.param_groups
    if any(g.get("momentum", 0) for g in groups):
        if objective >= lowest:
            for g in groups:
                g["momentum"], g["nesterov"] = 0.0, False
            opt.state.clear()
        return
    if objective > lowest * (1 + RISE):
        for g in groups:
            g["lr"] *= decay


def example_weights(loss_fn, y) -> np.ndarray:
    """Weight of every training example under ``loss_fn`` (1 each when unweighted)."""
    w = getattr(loss_fn, "weight", None)
    if w is None:
        return np.ones(len(y))
    return w.detach().numpy()[np.asarray(y)]
