import json

import numpy as np
import pytest

import weightlab as wl
from weightlab.report import build_report
from weightlab.results import OUTPUT_FILES, Results, load_results


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    out = tmp_path_factory.mktemp("results")
    ds = wl.make_complaints(1500, 8, seed=3)
    results = wl.reproduce(ds, out=out, progress=False, n_boot=100, cache=False)
    return results, out


def test_one_type_made_saved_and_loaded(saved):
    made, out = saved
    loaded = Results.load(out)
    assert type(made) is type(loaded) is Results
    assert made.folder is None and loaded.folder == out
    assert made.dataset is not None and loaded.dataset is None  # texts are not saved
    assert loaded.run_names == made.run_names
    assert loaded.table().equals(made.table())
    assert loaded.summary == json.loads((out / "results.json").read_text())
    files = loaded.summary["files"]  # what save adds: the digest of every other file
    assert set(files) == set(OUTPUT_FILES) - {"results.json"}
    assert made.summary == {k: v for k, v in loaded.summary.items() if k != "files"}
    for name in ("class_names", "train_counts", "y_validation", "y_test"):
        np.testing.assert_array_equal(getattr(loaded, name), getattr(made, name))
    # Recomputed from the loaded runs and labels: the same table.md, intervals included.
    assert loaded.markdown() == (out / "table.md").read_text()
    assert loaded.record("weighted") == made.record("weighted")


def test_load_results_is_results_load(saved):
    _, out = saved
    assert load_results(out).summary == Results.load(out).summary
    assert wl.SavedResults is Results  # the report's old name


def test_the_report_reads_results_made_in_memory_too(saved):
    made, out = saved
    page = build_report(made)
    assert "the runs in memory (not saved)" in page
    assert f"{made.run('weighted').scores.overall['accuracy']:.1%}" in page
    assert f"the results folder {out.name}/" in build_report(Results.load(out))


def test_results_need_their_labels():
    with pytest.raises(ValueError, match="needs the dataset the runs were trained on"):
        Results(dataset=None, runs=[], engine="tfidf-linear", seed=0)


@pytest.fixture
def copy(saved, tmp_path):
    import shutil

    _, out = saved
    return shutil.copytree(out, tmp_path / "copy")


def test_a_file_from_another_save_is_refused(copy, tmp_path):
    other = wl.reproduce(wl.make_complaints(1500, 8, seed=4), out=None, progress=False, n_boot=0)
    other.save(tmp_path / "other")
    for name in ("per_class.csv", "table.md", "logits.npz"):
        original = (copy / name).read_bytes()
        (copy / name).write_bytes((tmp_path / "other" / name).read_bytes())
        with pytest.raises(ValueError, match=f"{name} is not the file results.json was saved"):
            load_results(copy)
        (copy / name).write_bytes(original)
    load_results(copy)  # whole again


def test_hand_edited_numbers_in_results_json_are_refused(copy):
    path = copy / "results.json"
    original = json.loads(path.read_text())
    for edit, match in (
        (lambda d: d["runs"][2].__setitem__("accuracy_ci", [0.1, 0.9]), "accuracy interval"),
        (lambda d: d["runs"][2].__setitem__("zero_f1_classes", 99), "zero_f1_classes"),
        (lambda d: d["comparisons"][0].__setitem__("difference", 0.5), "paired comparisons"),
        (lambda d: d["dataset"].__setitem__("n_test", 10_000), "says n_test = 10000"),
    ):
        data = json.loads(json.dumps(original))
        edit(data)
        path.write_text(json.dumps(data))
        with pytest.raises(ValueError, match=match):
            load_results(copy)
    path.write_text(json.dumps(original))


def test_table_md_carries_the_run_id_of_its_save(saved, tmp_path):
    made, out = saved
    digest = json.loads((out / "results.json").read_text())["files"]["logits.npz"]
    assert f"Run id {digest[:16]} " in (out / "table.md").read_text()
    other = wl.reproduce(wl.make_complaints(1500, 8, seed=4), out=None, progress=False, n_boot=0)
    other.save(tmp_path / "other")
    assert f"Run id {digest[:16]} " not in (tmp_path / "other" / "table.md").read_text()
