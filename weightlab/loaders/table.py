"""Any CSV / TSV / Parquet file with a text and a label column."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from weightlab import _validate
from weightlab.data import TextDataset
from weightlab.loaders._common import (
    _empty_file_error,
    _encoding_error,
    _existing_file,
    _label_codes,
    _make_dataset_for,
    _missing_columns_error,
    _read_header,
    damaged_file_errors,
    logger,
)

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
    _validate.split_kwargs("load_table", split_kwargs)
    path = _existing_file(path)
    fmt, name = _table_format(path)
    wanted = list(dict.fromkeys([text_column, label_column]))
    if fmt == "parquet":
        import pyarrow as pa
        import pyarrow.parquet as pq

        if path.stat().st_size == 0:
            raise _empty_file_error(path)
        try:
            with damaged_file_errors(path, "Parquet"):
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
        with damaged_file_errors(path, "Parquet"):
            df = pd.read_parquet(path, columns=wanted)
    else:
        try:
            with damaged_file_errors(path, "CSV"):
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
