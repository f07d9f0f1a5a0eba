"""Data: a labelled text corpus with a seeded, stratified train / validation / test split.

Everything downstream (class weights, engines, scores) reads a :class:`TextDataset`.
Datasets come from

- :func:`weightlab.synthetic.make_complaints` - the embedded, generated long-tailed
  complaint corpus (the default);
- :func:`load_cfpb` - the real Consumer Complaint Database export (CSV or zipped CSV),
  fetched once with :func:`download_cfpb`;
- :func:`load_table` - any CSV / TSV / Parquet file with a text and a label column;
- :func:`load_hf` - a Hugging Face ``datasets`` dataset (hub id, ``save_to_disk`` folder,
  or a builder such as ``"json"`` with ``data_files``);
- :func:`load_data` - one string spec for all of the above, as the CLI takes it::

      load_data("synthetic")                   # the default
      load_data("cfpb:complaints.csv.zip", label=("Product", "Issue"), sample=58_000)
      load_data("csv:reviews.csv", text_column="review", label_column="stars")
      load_data("hf:path/to/saved_dataset")

Loaders never touch the network except :func:`download_cfpb` and :func:`load_hf` with a hub id;
what they dropped or combined is written to :attr:`TextDataset.notes` and logged at INFO on
the ``"weightlab"`` logger.

Split policy for small classes
------------------------------
scikit-learn's stratified splitters refuse classes with fewer members than splits, but a
long tail is exactly the case this package is about, so :func:`split_indices` splits each
class by hand: every class keeps at least one **training** example first, then at least one
**test** example if it has two or more, then at least one **validation** example if it has
three or more; larger classes are split in the requested proportions. What happened to the
small classes is recorded in :attr:`TextDataset.notes`.
"""

from __future__ import annotations

import logging
import unicodedata
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from weightlab import _validate
from weightlab._compat import moved

__all__ = [
    "SPLITS",
    "TextDataset",
    "split_indices",
    "make_dataset",
    "long_tail_subsample",
]

#: Names that moved to :mod:`weightlab.loaders` / :mod:`weightlab.sources` -> their module.
_MOVED = {
    "CFPB_EXPORT_URL": "weightlab.loaders",
    "COMPLAINT_CLASSIFY_PIP": "weightlab.loaders",
    "download_cfpb": "weightlab.loaders",
    "load_cfpb": "weightlab.loaders",
    "load_table": "weightlab.loaders",
    "load_hf": "weightlab.loaders",
    "load_complaint_classify": "weightlab.loaders",
    "load_data": "weightlab.sources",
}


def __getattr__(name: str):
    # Deprecation shim: the loaders live in their own modules now.
    return moved(__name__, name, _MOVED)


logger = logging.getLogger("weightlab")

#: Split names, in the order of the integer codes stored in :attr:`TextDataset.split`.
SPLITS = ("train", "validation", "test")


@dataclass(frozen=True, eq=False)
class TextDataset:
    """Texts, integer labels, class names and a train / validation / test split.

    Parameters
    ----------
    texts : numpy.ndarray of str, shape (n,)
        The documents.
    labels : numpy.ndarray of int, shape (n,)
        Index of each document's class in ``class_names``.
    class_names : list of str
        Class names, in label order.
    split : numpy.ndarray of int, shape (n,)
        0 = train, 1 = validation, 2 = test (see :data:`SPLITS`).
    name : str
        Short name used in results (``"synthetic"``, ``"cfpb"``, ...).
    notes : list of str
        Human-readable log of what loading and splitting did (rows dropped, small classes).
    """

    texts: np.ndarray
    labels: np.ndarray
    class_names: list[str]
    split: np.ndarray
    name: str = "dataset"
    notes: list[str] = field(default_factory=list)

    def __post_init__(self):
        n = len(self.texts)
        if len(self.labels) != n or len(self.split) != n:
            raise ValueError(
                f"texts ({n}), labels ({len(self.labels)}) and split ({len(self.split)}) "
                "must have the same length."
            )

    @property
    def n_classes(self) -> int:
        """Number of classes (length of ``class_names``)."""
        return len(self.class_names)

    def _mask(self, part: str) -> np.ndarray:
        if part not in SPLITS:
            raise ValueError(f"Unknown split {part!r}; choose one of {SPLITS}.")
        return self.split == SPLITS.index(part)

    def texts_of(self, part: str) -> list[str]:
        """Texts of one split (``"train"``, ``"validation"`` or ``"test"``)."""
        return self.texts[self._mask(part)].tolist()

    def labels_of(self, part: str) -> np.ndarray:
        """Integer labels of one split."""
        return self.labels[self._mask(part)]

    def counts(self, part: str = "train") -> np.ndarray:
        """Examples per class in one split, aligned with ``class_names``."""
        return np.bincount(self.labels_of(part), minlength=self.n_classes)

    @property
    def train_counts(self) -> np.ndarray:
        """Training examples per class, aligned with ``class_names``."""
        return self.counts("train")

    def fingerprint(self) -> str:
        """SHA-256 (hex) of the texts, labels, split and class names: the data's identity.

        Two data sets with the same fingerprint train the same models, so the on-disk cache
        (:mod:`weightlab.cache`) keys features and logits by it. ``name`` and ``notes`` are
        not part of it. It is computed once per object (about 0.1 s for 58,000 narratives):
        treat a :class:`TextDataset` as immutable.

        Returns
        -------
        str
            64 hexadecimal characters.
        """
        cached = self.__dict__.get("_fingerprint")
        if cached is None:
            import hashlib
            import json

            h = hashlib.sha256(b"weightlab.TextDataset/1\0")
            # Why the lengths: they make the joined texts unambiguous (a text may hold "\0").
            lengths = np.fromiter(map(len, self.texts), dtype=np.int64, count=len(self.texts))
            h.update(lengths.tobytes())
            h.update("\0".join(self.texts).encode("utf-8", "surrogatepass"))
            h.update(np.ascontiguousarray(self.labels, dtype=np.int64).tobytes())
            h.update(np.ascontiguousarray(self.split, dtype=np.int8).tobytes())
            h.update(json.dumps(list(self.class_names)).encode("utf-8"))
            cached = h.hexdigest()
            # A frozen dataclass: memoise through __dict__, as functools.cached_property does.
            self.__dict__["_fingerprint"] = cached
        return cached

    def check_trainable(self) -> None:
        """Refuse, before any training, a data set with an empty split, and say why.

        Every engine trains on train, stops or is checked on validation and is scored on test.

        Raises
        ------
        ValueError
            Naming the empty split and the likely cause (tiny classes; swapped columns).
        """
        sizes = {part: int(self._mask(part).sum()) for part in SPLITS}
        empty = [part for part, n in sizes.items() if n == 0]
        if not empty:
            return
        counts = np.bincount(self.labels, minlength=self.n_classes)
        why = (
            f"{len(self.texts):,} documents in {self.n_classes:,} classes, the largest with "
            f"{counts.max():,}; the split keeps a class's first example for train, its second "
            "for test and its third for validation"
        )
        hint = (
            " So many classes for so few documents suggests the text and label columns are "
            "swapped (text_column= / label_column=, --text-column / --label-column)."
            if self.n_classes > len(self.texts) / 2
            else " Merge or drop the smallest classes, or load more data."
        )
        raise ValueError(
            f"The {' and '.join(empty)} split(s) of {self.name!r} are empty ({why}).{hint}"
        )

    def summary(self) -> dict:
        """Size and shape of the data set, as written to ``results.json``."""
        counts = np.bincount(self.labels, minlength=self.n_classes)
        train = self.train_counts
        return {
            "name": self.name,
            "n_documents": int(len(self.texts)),
            "n_train": int(train.sum()),
            "n_validation": int(self._mask("validation").sum()),
            "n_test": int(self._mask("test").sum()),
            "n_classes": int(self.n_classes),
            "head_share": float(counts.max() / counts.sum()),
            "min_train_count": int(train.min()),
            "classes_under_20_train": int((train < 20).sum()),
        }


def split_indices(
    labels: np.ndarray,
    *,
    test_size: float = 0.2,
    validation_size: float = 0.1,
    seed: int = 0,
) -> tuple[np.ndarray, list[str]]:
    """Assign every example to train (0), validation (1) or test (2), stratified by class.

    Parameters
    ----------
    labels : array-like of int
        Class index of every example.
    test_size, validation_size : float
        Fractions of each class sent to test and validation (rounded per class).
    seed : int
        Seed of the per-class shuffle.

    Returns
    -------
    split : numpy.ndarray of int8
        Split code of every example (see :data:`SPLITS`).
    notes : list of str
        What the small-class policy did (see the module docstring).
    """
    labels = np.asarray(labels)
    if not 0 < test_size < 1 or not 0 <= validation_size < 1 or test_size + validation_size >= 1:
        raise ValueError(
            f"test_size={test_size} and validation_size={validation_size} must be fractions "
            "with test_size > 0 and test_size + validation_size < 1."
        )
    rng = np.random.default_rng(seed)
    split = np.zeros(len(labels), dtype=np.int8)
    no_test, no_val = [], []
    for c in np.unique(labels):
        idx = np.flatnonzero(labels == c)
        rng.shuffle(idx)
        n = len(idx)
        # Why by hand: train first, then test, then validation, so no class is lost.
        n_test = max(1, round(n * test_size)) if n >= 2 else 0
        n_val = max(1, round(n * validation_size)) if n >= 3 else 0
        while n - n_test - n_val < 1:
            if n_val > (1 if n >= 3 else 0):
                n_val -= 1
            else:
                n_test -= 1
        split[idx[:n_test]] = 2
        split[idx[n_test : n_test + n_val]] = 1
        if n_test == 0:
            no_test.append(int(c))
        if n_val == 0:
            no_val.append(int(c))
    notes = []
    if no_test:
        notes.append(
            f"{len(no_test)} class(es) have a single example and appear in train only "
            f"(label ids {no_test[:10]}{'...' if len(no_test) > 10 else ''})."
        )
    if no_val:
        notes.append(f"{len(no_val)} class(es) have under 3 examples and no validation example.")
    return split, notes


def make_dataset(
    texts,
    labels,
    *,
    class_names=None,
    name: str = "dataset",
    test_size: float = 0.2,
    validation_size: float = 0.1,
    seed: int = 0,
    notes=None,
    duplicates: str = "drop",
) -> TextDataset:
    """Validate texts and labels and split them into a :class:`TextDataset`.

    Parameters
    ----------
    texts : sequence of str
        The documents. Empty or whitespace-only texts, and anything but a string, are an
        error.
    labels : sequence
        Class of every document: strings (names) or integers. NaN / None is an error. Names
        are normalised (Unicode NFC, surrounding whitespace removed), so ``"Fraud "`` and
        ``"Fraud"`` are one class; the notes say when that merged labels.
    class_names : list of str, optional
        Class names in label order when ``labels`` are integers (whole numbers; ``2.5`` is
        an error, never truncated). With string labels the classes are sorted by name.
    name : str
        Data set name for results.
    test_size, validation_size, seed
        Passed to :func:`split_indices`.
    notes : list of str, optional
        Loading notes to keep with the data set.
    duplicates : {"drop", "keep"}, default "drop"
        Documents whose text is the same after collapsing whitespace and case (common in
        complaint exports): ``"drop"`` keeps the first of each before splitting, so no text
        is scored in test after being trained on; ``"keep"`` keeps them all. Either way the
        notes give the counts.

    Raises
    ------
    ValueError
        For empty input, empty texts, missing labels, a single class, or mismatched lengths.
    """
    for arg, value in (("texts", texts), ("labels", labels)):
        if isinstance(value, str | bytes):
            raise ValueError(
                f"{arg} must be a sequence with one entry per document, not one string; "
                f"got {value[:40]!r}. Wrap a single document in a list."
            )
    texts = np.asarray([t for t in texts], dtype=object)
    labels = list(labels)
    if len(texts) == 0:
        raise ValueError("No documents: the data set is empty. Check the file or the filters.")
    if len(labels) != len(texts):
        raise ValueError(f"Got {len(texts)} texts but {len(labels)} labels; they must match.")
    not_text = [i for i, t in enumerate(texts) if not isinstance(t, str) and not _missing_label(t)]
    if not_text:
        i = not_text[0]
        raise ValueError(
            f"{len(not_text)} document(s) are not text (first rows: {not_text[:5]}; row {i} "
            f"holds {type(texts[i]).__name__} {texts[i]!r}). Pass the text column, or convert "
            "it with .astype(str) if numbers are meant as text."
        )
    bad_text = [i for i, t in enumerate(texts) if not isinstance(t, str) or not t.strip()]
    if bad_text:
        raise ValueError(
            f"{len(bad_text)} document(s) have empty or missing text (first rows: "
            f"{bad_text[:5]}). Drop them before loading, e.g. df.dropna(subset=[text_column])."
        )
    missing = [i for i, y in enumerate(labels) if _missing_label(y)]
    if missing:
        raise ValueError(
            f"{len(missing)} label(s) are missing (NaN/None/blank, or 'nan'/'None' text left by "
            f"a conversion to strings; first rows: {missing[:5]}). Drop those rows or fill the "
            "label column."
        )
    if duplicates not in ("drop", "keep"):
        raise ValueError(f"duplicates must be 'drop' or 'keep'; got {duplicates!r}.")
    keys = [" ".join(unicodedata.normalize("NFC", t).casefold().split()) for t in texts]
    first = {}
    for i, key in enumerate(keys):
        first.setdefault(key, i)
    n_dup = len(keys) - len(first)
    dup_notes = []
    if n_dup and duplicates == "drop":
        keep = np.array(sorted(first.values()), dtype=np.int64)
        conflicting = sum(
            1 for i, key in enumerate(keys) if first[key] != i and labels[first[key]] != labels[i]
        )
        dup_notes.append(
            f"Dropped {n_dup:,} duplicate document(s) (the same text after collapsing "
            f"whitespace and case; {conflicting:,} with another label than the copy kept) "
            "before splitting, so no text is in two splits. duplicates='keep' keeps them."
        )
        texts, labels, keys = texts[keep], [labels[i] for i in keep], [keys[i] for i in keep]
    merged = []
    if class_names is None:
        raw = [str(v) for v in labels]
        clean = [_label_name(v) for v in raw]
        names = sorted(set(clean))
        index = {n: i for i, n in enumerate(names)}
        y = np.array([index[v] for v in clean], dtype=np.int64)
        merged = _merged_labels(raw, clean)
    else:
        names = [_label_name(str(n)) for n in class_names]
        if len(set(names)) != len(names):
            dupes = sorted({n for n in names if names.count(n) > 1})
            raise ValueError(f"class_names repeat {dupes} (after trimming); names must be unique.")
        y = _integer_labels(labels)
        if y.min() < 0 or y.max() >= len(names):
            raise ValueError(
                f"Integer labels must lie in [0, {len(names) - 1}] to index class_names; "
                f"got range [{y.min()}, {y.max()}]."
            )
    if len(np.unique(y)) < 2:
        swapped = (
            f" {n_dup:,} of {n_dup + len(y):,} documents repeated another's text: are the text "
            "and label columns swapped?"
            if n_dup > len(y)
            else ""
        )
        raise ValueError(
            f"Only one class ({names[int(y[0])]!r}) in the data: a classifier needs at least "
            f"two.{swapped}"
        )
    split, split_notes = split_indices(
        y, test_size=test_size, validation_size=validation_size, seed=seed
    )
    if n_dup and duplicates == "keep":
        splits_of: dict[str, set] = {}
        for key, part in zip(keys, split.tolist(), strict=True):
            splits_of.setdefault(key, set()).add(part)
        crossing = sum(1 for parts in splits_of.values() if len(parts) > 1)
        dup_notes.append(
            f"Kept {n_dup:,} duplicate document(s) (duplicates='keep'); {crossing:,} text(s) "
            "are in more than one split, so test scores may be optimistic."
        )
    return TextDataset(
        texts=texts,
        labels=y,
        class_names=names,
        split=split,
        name=name,
        notes=list(notes or []) + dup_notes + merged + split_notes,
    )


#: How a missing value reads once something turned it into text (``astype(str)``, a NumPy
#: string array): refused as labels rather than becoming a class called "nan".
_MISSING_AS_TEXT = {"nan", "none", "<na>", "nat", "null"}


def _missing_label(value) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, float | np.floating) and value != value:
        return True
    return isinstance(value, str) and (
        not value.strip() or value.strip().lower() in _MISSING_AS_TEXT
    )


def _label_name(value: str) -> str:
    """One spelling per class name: Unicode NFC, surrounding whitespace removed."""
    return unicodedata.normalize("NFC", value).strip()


def _merged_labels(raw: list[str], clean: list[str]) -> list[str]:
    """Notes on labels that normalising merged into another spelling of the same class."""
    spellings: dict[str, dict[str, int]] = {}
    for r, c in zip(raw, clean, strict=True):
        counts = spellings.setdefault(c, {})
        counts[r] = counts.get(r, 0) + 1
    notes = []
    for name, forms in sorted(spellings.items()):
        if len(forms) > 1:
            shown = ", ".join(f"{form!r} ({n} rows)" for form, n in sorted(forms.items()))
            notes.append(
                f"Labels that differ only by surrounding whitespace or Unicode form were merged "
                f"into {name!r}: {shown}."
            )
    return notes


def _integer_labels(labels: list) -> np.ndarray:
    """Integer labels (indices into class_names); a fractional one is an error, not truncated."""
    try:
        values = np.asarray(labels, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(
            "With class_names, labels must be integer indices into class_names; got "
            f"{labels[:3]!r}... Pass string labels without class_names instead."
        ) from None
    if not np.all(values == np.round(values)):
        bad = [v for v in labels if float(v) != round(float(v))][:3]
        raise ValueError(
            f"With class_names, labels must be whole numbers (indices); got {bad}. Fractional "
            "labels are never truncated: map them to class indices first."
        )
    return values.astype(np.int64)


def long_tail_subsample(
    dataset: TextDataset, *, min_count: int = 20, seed: int = 0, name: str | None = None
) -> TextDataset:
    """Sub-sample a data set so that its class sizes follow a Zipf curve, and split it again.

    This is how long-tail benchmarks are built from balanced sets (CIFAR-LT, ImageNet-LT):
    the classes, ranked by size, keep ``n_k = n_1 * k ** -s`` documents, where ``n_1`` is the
    largest class's size and ``s`` is chosen so that the smallest keeps ``min_count``. The
    documents kept of each class are drawn at random (seeded), and the result is split again
    with :func:`split_indices`.

    Parameters
    ----------
    dataset : TextDataset
        The source, all splits pooled.
    min_count : int, default 20
        Documents kept of the smallest class (at most its size).
    seed : int
        Seed of the draw and of the new split.
    name : str, optional
        Name of the result; default ``"<name>-long-tail"``.

    Returns
    -------
    TextDataset
    """
    _validate.whole_number(min_count, "min_count", minimum=1)
    y = np.asarray(dataset.labels)
    counts = np.bincount(y, minlength=dataset.n_classes)
    order = [int(c) for c in np.argsort(-counts, kind="stable") if counts[c] > 0]
    if len(order) < 2:
        raise ValueError("long_tail_subsample needs at least two classes with documents.")
    n_1 = int(counts[order[0]])
    s = np.log(n_1 / min(min_count, n_1)) / np.log(len(order))
    rng = np.random.default_rng(seed)
    keep = []
    for rank, c in enumerate(order, start=1):
        idx = np.flatnonzero(y == c)
        rng.shuffle(idx)
        keep.append(idx[: max(1, min(len(idx), round(n_1 * rank**-s)))])
    rows = np.sort(np.concatenate(keep))
    notes = list(dataset.notes) + [
        f"Sub-sampled to a Zipf long tail (exponent {s:.2f}): {len(rows):,} of "
        f"{len(y):,} documents, largest class {n_1:,}, smallest {min(min_count, n_1):,} "
        f"(seed {seed}); split again."
    ]
    return make_dataset(
        [dataset.texts[i] for i in rows],
        y[rows],
        class_names=dataset.class_names,
        name=name or f"{dataset.name}-long-tail",
        seed=seed,
        notes=notes,
    )


# --------------------------------------------------------------------------------------------
# One string spec
# --------------------------------------------------------------------------------------------
