import json

import numpy as np
import pytest

import weightlab as wl
from weightlab.report import build_report
from weightlab.results import Results, load_results


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
    assert made.summary == loaded.summary  # computed and read back: the same record
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
