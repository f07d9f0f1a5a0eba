import json
import os
import stat

import pandas as pd
import pytest

from weightlab.reproduce import ARTICLE_REPORTED, OUTPUT_FILES, Results, reproduce
from weightlab.synthetic import make_complaints

RUN_NAMES = ["majority", "tfidf-logreg", "unweighted", "weighted"]


@pytest.fixture(scope="module")
def ds():
    return make_complaints(3000, 12, seed=1)


@pytest.fixture(scope="module")
def out(ds, tmp_path_factory):
    path = tmp_path_factory.mktemp("results")
    results = reproduce(ds, out=path, progress=False)
    return path, results


def test_writes_the_four_files_and_no_temp_files(out):
    path, _ = out
    assert sorted(p.name for p in path.iterdir()) == sorted(OUTPUT_FILES)


def test_result_files_are_readable_like_plain_files(out, tmp_path):
    path, _ = out
    (tmp_path / "plain.txt").write_text("x")
    plain_mode = stat.S_IMODE(os.stat(tmp_path / "plain.txt").st_mode)
    for name in OUTPUT_FILES:
        assert stat.S_IMODE(os.stat(path / name).st_mode) == plain_mode, name


def test_results_json(out, ds):
    path, results = out
    data = json.loads((path / "results.json").read_text())
    s = data["dataset"]
    assert s["name"] == "synthetic"
    assert (s["n_train"], s["n_test"], s["n_classes"]) == (
        len(ds.labels_of("train")),
        len(ds.labels_of("test")),
        12,
    )
    assert s["head_share"] == pytest.approx(0.23, abs=0.005)
    assert [r["name"] for r in data["runs"]] == RUN_NAMES
    for rec in data["runs"]:
        for key in ("name", "engine", "alpha", "accuracy", "macro_f1"):
            assert key in rec
        assert 0 <= rec["accuracy"] <= 1 and 0 <= rec["macro_f1"] <= 1
        assert isinstance(rec["zero_f1_classes"], int)
        assert isinstance(rec["n_classes_predicted"], int)
    by = {r["name"]: r for r in data["runs"]}
    assert by["majority"]["alpha"] is None and by["majority"]["n_classes_predicted"] == 1
    assert (by["unweighted"]["alpha"], by["weighted"]["alpha"]) == (0.0, 0.5)
    assert by["unweighted"]["accuracy"] == pytest.approx(
        results.run("unweighted").scores.overall["accuracy"]
    )
    # Reported figures are kept apart from the computed ones.
    assert data["article_reported"] == ARTICLE_REPORTED
    assert data["settings"]["alphas"] == [0.0, 0.5]
    assert "simulated" in " ".join(data["dataset_notes"])
    assert [t["name"] for t in data["timings"]] == RUN_NAMES
    assert all(t["seconds"] >= 0 for t in data["timings"])


def test_table_md_marks_reported_figures(out):
    path, results = out
    text = (path / "table.md").read_text()
    assert text == results.markdown()
    lines = text.splitlines()
    rows = [line for line in lines if line.startswith("| ") and not line.startswith("| run")]
    assert len(rows) == 4
    assert rows[0].startswith("| Majority class |")
    assert rows[1].startswith("| TF-IDF + logistic regression |")
    assert "Unweighted (tfidf-linear, alpha=0)" in rows[2]
    assert "Sqrt-inverse class weights (tfidf-linear, alpha=0.5)" in rows[3]
    header = lines[2]
    assert "article: accuracy" in header and "article: macro F1" in header
    # The computed accuracy, then the article's reported one, in the unweighted row.
    acc = results.run("unweighted").record()["accuracy"]
    assert f"| {acc:.1%} |" in rows[2]
    assert "| 55.4% | 0.199 | 49 |" in rows[2]
    assert "| 50.2% | 0.216 | 39 |" in rows[3]
    assert "REPORTED in the article" in text
    assert "synthetic" in lines[0] and "12 classes" in lines[0]


def test_per_class_csv(out, ds):
    path, results = out
    df = pd.read_csv(path / "per_class.csv")
    n_scored = len(set(ds.labels_of("test")))
    assert len(df) == len(results.runs) * n_scored
    assert df["run"].unique().tolist() == RUN_NAMES
    for col in ("precision", "recall", "f1", "support", "train_count"):
        assert col in df.columns
    assert df.groupby("run")["support"].sum().eq(len(ds.labels_of("test"))).all()
    unweighted = df[df["run"] == "unweighted"]["f1"].mean()
    assert unweighted == pytest.approx(results.run("unweighted").record()["macro_f1"], abs=1e-5)


def test_f1_histograms_png(out):
    path, _ = out
    data = (path / "f1_histograms.png").read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(data) > 5_000


def test_same_input_twice_gives_identical_results(out, ds, tmp_path):
    path, _ = out
    reproduce(ds, out=tmp_path, progress=False)
    first = json.loads((path / "results.json").read_text())
    second = json.loads((tmp_path / "results.json").read_text())
    assert second["runs"] == first["runs"]
    assert second["dataset"] == first["dataset"]
    assert (tmp_path / "table.md").read_text() == (path / "table.md").read_text()
    assert (tmp_path / "per_class.csv").read_text() == (path / "per_class.csv").read_text()


def test_results_api(out):
    _, results = out
    assert isinstance(results, Results)
    assert results.engine == "tfidf-linear" and results.seed == 0
    assert results.table().index.tolist() == RUN_NAMES
    assert list(results.histogram_runs()) == ["unweighted", "weighted"]
    with pytest.raises(KeyError, match="No run named 'nope'"):
        results.run("nope")


def test_out_none_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    small = make_complaints(600, 5, seed=2)
    results = reproduce(small, out=None, baselines=False, alphas=(0.0,), progress=False)
    assert [r.name for r in results.runs] == ["unweighted"]
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("cache", [True, False])
def test_a_data_spec_with_size_works_with_and_without_the_cache(cache, tmp_path):
    # One dispatcher (load_data) reads the spec, cached or not: size= is its keyword.
    kwargs = dict(size=1500, n_classes=8, out=None, n_boot=0, baselines=False, progress=False)
    results = reproduce("synthetic", alphas=(0.0,), cache=cache, **kwargs)
    assert results.dataset.n_classes == 8
    assert len(results.dataset.texts) == 1500
    again = reproduce("synthetic", alphas=(0.0,), cache=cache, **kwargs)
    assert (again.dataset.texts == results.dataset.texts).all()
