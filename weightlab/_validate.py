"""Validation shared by every module: one check, one message, wherever an input arrives.

Everything here raises ``ValueError`` with a message that names the argument, what it must
be and, where there is one, the fix. The names are public inside the package (modules import
them from here) and private to users (the module is ``_validate``).
"""

from __future__ import annotations

import math

import numpy as np

#: Example of a class-weight exponent grid, quoted by the messages about ``alphas``.
ALPHAS_EXAMPLE = "e.g. (0.0, 0.5)"


def whole_number(value, name: str, *, minimum: int = 0, what: str = "") -> int:
    """``value`` as an int, if it is a whole number (not a bool) >= ``minimum``."""
    ok = isinstance(value, int | np.integer) and not isinstance(value, bool)
    if not ok or value < minimum:
        what = f" ({what})" if what else ""
        raise ValueError(f"{name} must be a whole number >= {minimum}{what}; got {value!r}.")
    return int(value)


def workers(n_jobs) -> int:
    """Threads for ``n_jobs``: itself when >= 1, or -1 for one per CPU core this process may use."""
    import os

    if n_jobs != -1:
        return whole_number(n_jobs, "n_jobs", minimum=1, what="or -1: one job per core")
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - macOS and Windows have no affinity
        return os.cpu_count() or 1


def alpha(value, name: str = "alpha") -> float:
    """One class-weight exponent: a finite number >= 0."""
    ok = isinstance(value, int | float | np.integer | np.floating) and not isinstance(value, bool)
    if not ok or not math.isfinite(value) or value < 0:
        raise ValueError(
            f"{name} must be a finite number >= 0 (0 = unweighted, 0.5 = sqrt-inverse, "
            f"1 = inverse frequency); got {value!r}."
        )
    return float(value)


def alphas(values, *, unique: bool = False) -> list[float]:
    """A non-empty sequence of class-weight exponents (each one :func:`alpha`)."""
    if isinstance(values, str) or not hasattr(values, "__iter__"):
        raise ValueError(
            f"alphas must be a sequence of numbers >= 0, {ALPHAS_EXAMPLE}; got {values!r}."
        )
    values = list(np.asarray(values).ravel()) if isinstance(values, np.ndarray) else list(values)
    if not values:
        raise ValueError(f"alphas is empty; give at least one exponent, {ALPHAS_EXAMPLE}.")
    out = [alpha(v, "every alpha") for v in values]
    if unique and len(set(out)) != len(out):
        dupes = sorted({a for a in out if out.count(a) > 1})
        raise ValueError(f"alphas contains duplicates {dupes}; give each exponent once.")
    return out


def as_names(class_names) -> list[str]:
    if class_names is None or isinstance(class_names, str):
        raise ValueError(
            "class_names must be a list of class names in label order, e.g. dataset.class_names."
        )
    names = [str(c) for c in class_names]
    if not names:
        raise ValueError("class_names is empty; pass one name per class, in label order.")
    if len(set(names)) != len(names):
        dupes = sorted({n for n in names if names.count(n) > 1})
        raise ValueError(f"class_names contains duplicates {dupes}; class names must be unique.")
    return names


def as_labels(values, name: str, n_classes: int) -> np.ndarray:
    arr = np.asarray(values)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be a 1-D array of class indices; got shape {arr.shape}.")
    if arr.size == 0:
        raise ValueError(f"{name} is empty; there is nothing to score. Check the test split.")
    if np.issubdtype(arr.dtype, np.floating) and np.all(np.isfinite(arr)):
        if np.all(arr == np.round(arr)):
            arr = arr.astype(np.int64)
    if arr.dtype == bool or not np.issubdtype(arr.dtype, np.integer):
        raise ValueError(
            f"{name} must contain integer class indices; got dtype {arr.dtype}. Map class names "
            "to indices in the order of class_names first."
        )
    arr = arr.astype(np.int64)
    lo, hi = int(arr.min()), int(arr.max())
    if lo < 0:
        raise ValueError(
            f"{name} contains label {lo}; labels must be in [0, {n_classes}) "
            "(indices into class_names)."
        )
    if hi >= n_classes:
        raise ValueError(
            f"{name} contains label {hi} but there are only {n_classes} classes; labels must be "
            f"in [0, {n_classes}). Pass the class_names the model was trained with."
        )
    return arr


def as_train_counts(train_counts, n_classes: int) -> np.ndarray:
    counts = np.asarray(train_counts)
    if counts.ndim != 1 or counts.size != n_classes:
        raise ValueError(
            f"train_counts must have one count per class ({n_classes}); got shape "
            f"{counts.shape}. Pass dataset.train_counts() for the same class_names."
        )
    if counts.dtype == bool or not np.issubdtype(counts.dtype, np.number):
        raise ValueError(f"train_counts must contain integer counts; got dtype {counts.dtype}.")
    if not np.all(np.isfinite(counts)) or np.any(counts != np.round(counts)) or counts.min() < 0:
        raise ValueError("train_counts must contain whole numbers >= 0 (examples per class).")
    return counts.astype(np.int64)


def bands(pair) -> tuple[int, int]:
    try:
        lo, hi = pair
    except (TypeError, ValueError):
        raise ValueError(
            f"bands must be a pair (lo, hi) of training counts, e.g. (20, 100); got {pair!r}."
        ) from None
    numbers = (int, float, np.integer, np.floating)
    ok = all(isinstance(b, numbers) and not isinstance(b, bool) for b in (lo, hi))
    if not ok or not (0 <= lo <= hi):
        raise ValueError(
            f"bands must be a pair (lo, hi) with 0 <= lo <= hi, e.g. (20, 100); got {pair!r}. "
            "Tail is train_count < lo, head is train_count > hi."
        )
    return lo, hi


SPLIT_KWARGS = ("test_size", "validation_size", "seed", "duplicates")


def split_kwargs(func: str, given: dict) -> None:
    unknown = sorted(set(given) - set(SPLIT_KWARGS))
    if unknown:
        raise TypeError(
            f"{func}() got unexpected keyword argument(s) {unknown}; "
            f"the extra keywords it accepts are {list(SPLIT_KWARGS)}."
        )


def renamed(new, old, *, old_name: str, new_name: str, func: str):
    """The value of keyword ``new_name``, or of its deprecated spelling ``old_name``."""
    if old is None:
        return new
    import warnings

    if new is not None:
        raise ValueError(f"{func}: give {new_name}= only ({old_name}= is its old name).")
    warnings.warn(
        f"{func}({old_name}=...) is deprecated; pass {new_name}=... (the same axes).",
        DeprecationWarning,
        stacklevel=3,
    )
    return old
