"""The real CFPB Consumer Complaint Database export: download it once, read it in chunks."""

from __future__ import annotations

import os
import tempfile
import urllib.error
import urllib.request
from pathlib import Path

import numpy as np
import pandas as pd

from weightlab import _validate
from weightlab.data import TextDataset
from weightlab.loaders._common import (
    _blank,
    _empty_file_error,
    _encoding_error,
    _existing_file,
    _make_dataset_for,
    _missing_columns_error,
    _note,
    _read_header,
    damaged_file_errors,
    logger,
)

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


def _cfpb_chunks(path: Path, columns: list[str], *, encoding: str, chunksize: int):
    """Yield chunks of only ``columns``, as strings; empty fields are missing (NaN)."""
    try:
        with (
            damaged_file_errors(path, "CSV"),
            pd.read_csv(
                path,
                usecols=columns,
                dtype=str,
                keep_default_na=False,
                na_values=[""],
                encoding=encoding,
                compression="infer",
                chunksize=chunksize,
            ) as reader,
        ):
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
    duplicates: str = "drop",
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
    duplicates : {"drop", "keep"}, default "drop"
        Repeated narratives: see :func:`weightlab.data.make_dataset`.

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
        _validate.whole_number(value, arg, minimum=1)

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
        duplicates=duplicates,
    )


# --------------------------------------------------------------------------------------------
# Any table: CSV, TSV, Parquet
# --------------------------------------------------------------------------------------------
