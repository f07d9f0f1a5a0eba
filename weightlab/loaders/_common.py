"""What every loader shares: file checks, clear errors, label codes, notes."""

from __future__ import annotations

import contextlib
import difflib
import logging
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from weightlab.data import TextDataset, make_dataset

logger = logging.getLogger("weightlab")


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


def _read_header(path: Path, *, encoding: str, sep: str = ",") -> list[str]:
    if path.stat().st_size == 0:
        raise _empty_file_error(path)
    try:
        with damaged_file_errors(path, "CSV"):
            header = pd.read_csv(path, sep=sep, nrows=0, encoding=encoding, compression="infer")
    except pd.errors.EmptyDataError as err:
        raise _empty_file_error(path, " (no header row)") from err
    except UnicodeDecodeError as err:
        raise _encoding_error(path, encoding, err) from err
    return [str(c) for c in header.columns]


@contextlib.contextmanager
def damaged_file_errors(path: Path, kind: str):
    """Turn the decompressors' and readers' low-level errors into one that names the file.

    A truncated or corrupted gzip, zip, xz or Parquet file surfaces as ``EOFError``,
    ``zlib.error``, ``BadZipFile``, ``LZMAError`` or an ``OSError`` from deep inside pandas or
    pyarrow; the user needs the file's name and the fix, not the codec's words alone.
    """
    import lzma
    import zipfile
    import zlib

    try:
        yield
    except PermissionError as err:
        raise ValueError(
            f"'{path}' cannot be read ({err.strerror}); check its permissions."
        ) from None
    except (EOFError, zlib.error, zipfile.BadZipFile, lzma.LZMAError, OSError) as err:
        raise ValueError(
            f"'{path}' is damaged or not a {kind} file ({type(err).__name__}: {err}). Download "
            "or export it again; a partial download is the usual cause."
        ) from None
