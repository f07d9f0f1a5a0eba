"""Targets 2, 4 and 5: ``weightlab reproduce`` and the scale points, each in a fresh process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from weightlab.bench.figures import _GB, SCALE_SIZES, Figure, _peak_bytes, _peak_gb


def _run_measured(
    cmd: list[str], log_path: Path, *, peak_json: Path, timeout: float, env=None
) -> dict:
    """Run ``cmd``, a process that writes ``{"peak_bytes": ...}`` to ``peak_json`` at exit.

    Returns the wall time (process start to exit, imports included), the peak resident
    memory the process reported, and the exit code.
    """
    peak_json.unlink(missing_ok=True)
    with open(log_path, "wb") as log:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=env)
        timer = threading.Timer(timeout, proc.kill)
        timer.start()
        try:
            proc.wait()
        finally:
            timer.cancel()
        seconds = time.perf_counter() - start
    peak = float("nan")
    if peak_json.is_file():
        peak = float(json.loads(peak_json.read_text())["peak_bytes"])
    return {"seconds": seconds, "peak_bytes": peak, "returncode": proc.returncode}


#: The child process of a measured ``weightlab`` command: the CLI, then its peak memory
#: written to the JSON file named first. Why a program text: the benchmarks start the CLI
#: as a user would, in a process of its own, and do not import it.
_MEASURED_CHILD = """
import json, sys
from weightlab.bench.figures import _peak_bytes
from weightlab.cli import main
try:
    code = main(sys.argv[2:])
finally:
    with open(sys.argv[1], "w") as f:
        json.dump({"peak_bytes": _peak_bytes()}, f)
sys.exit(code)
"""


def _measured_cmd(peak_json: Path, *argv: str) -> list[str]:
    return [sys.executable, "-c", _MEASURED_CHILD, str(peak_json), *argv]


def _table_of(results_json: Path) -> list:
    runs = json.loads(results_json.read_text())["runs"]
    return [(r["name"], r["accuracy"], r["macro_f1"], r["zero_f1_classes"]) for r in runs]


def bench_reproduce(
    *, data_args=(), workdir=None, timeout: float = 1800, n_classes_default: bool = True
) -> list[Figure]:
    """Targets 2 and 4: ``weightlab reproduce`` twice, in fresh processes, one cache folder.

    The first run starts from an empty cache folder (target 4: wall time and peak memory
    on the defaults); the second, with the same arguments, loads the generated data,
    features and logits from it (target 2: speed-up, and the same results table).

    Parameters
    ----------
    data_args : sequence of str
        Extra ``reproduce`` arguments (e.g. ``["--n-documents", "3000"]``); none: defaults.
    workdir : path, optional
        Folder for the cache, outputs and logs; default a temporary folder, deleted after.
    timeout : float
        Seconds after which a run is killed.
    n_classes_default : bool
        Whether the arguments are the defaults (target 4 applies to the defaults only).
    """
    import shutil

    tmp = None
    if workdir is None:
        tmp = tempfile.mkdtemp(prefix="weightlab-bench-")
        workdir = tmp
    work = Path(workdir)
    work.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, MPLBACKEND="Agg")
    try:
        measured = {}
        for which in ("cold", "warm"):
            peak_json = work / f"{which}.peak.json"
            cmd = _measured_cmd(peak_json, "reproduce", "-q")
            cmd += ["--out", str(work / f"out-{which}"), "--cache-dir", str(work / "cache")]
            cmd += list(data_args)
            measured[which] = m = _run_measured(
                cmd, work / f"{which}.log", peak_json=peak_json, timeout=timeout, env=env
            )
            if m["returncode"] != 0:
                tail = (work / f"{which}.log").read_text(errors="replace")[-2000:]
                raise RuntimeError(f"`{' '.join(cmd)}` failed (exit {m['returncode']}):\n{tail}")
        same = _table_of(work / "out-cold" / "results.json") == _table_of(
            work / "out-warm" / "results.json"
        )
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
    cold, warm = measured["cold"], measured["warm"]
    args = " ".join(data_args) or "(defaults)"
    return [
        Figure(
            2,
            "second `weightlab reproduce`, same arguments: speed-up over the first",
            cold["seconds"] / warm["seconds"],
            5.0,
            "x",
            better="higher",
            note=f"{cold['seconds']:.1f} s, then {warm['seconds']:.1f} s; arguments {args}",
        ),
        Figure(
            2,
            "second `weightlab reproduce`: same results table as the first (1 = yes)",
            1.0 if same else 0.0,
            1.0,
            "",
            better="higher",
        ),
        Figure(
            4,
            "`weightlab reproduce`, empty cache: wall time",
            cold["seconds"],
            180.0 if n_classes_default else None,
            "s",
            note=f"arguments {args}; fresh process, imports included",
        ),
        Figure(
            4,
            "`weightlab reproduce`, empty cache: peak memory (max RSS)",
            cold["peak_bytes"] / _GB,
            3.0 if n_classes_default else None,
            "GB",
        ),
    ]


# --------------------------------------------------------------------------------------------
# target 5: scale
# --------------------------------------------------------------------------------------------


def _scale_worker(n_documents: int, out_json: str, seed: int = 0) -> dict:
    """One scale point, run in its own process by :func:`bench_scale`."""
    import sklearn.feature_extraction.text  # noqa: F401 - imported now: start-up memory
    import torch  # noqa: F401

    import weightlab.engines.sparse as sparse
    import weightlab.engines.tfidf as tfidf
    from weightlab.runs import train_run
    from weightlab.synthetic import make_complaints

    # One fit: keeping shuffled batches for a next fit (a sweep) would only add memory.
    sparse._KEEP_BATCHES_NNZ = 0
    startup_gb = _peak_gb()
    stages = {}
    start = time.perf_counter()
    ds = make_complaints(n_documents, seed=seed)
    stages["generate"] = (time.perf_counter() - start, _peak_gb())
    t = time.perf_counter()
    config = tfidf.TfidfLinearConfig(features=tfidf.TfidfConfig(hashing=True))
    engine = tfidf.TfidfLinearEngine(config)
    engine.prepare(ds)
    stages["featurise"] = (time.perf_counter() - t, _peak_gb())
    t = time.perf_counter()
    run = train_run(engine, alpha=0.5, seed=seed, progress=False)
    stages["train+score"] = (time.perf_counter() - t, _peak_gb())
    result = {
        "n_documents": n_documents,
        "n_train": int(ds.train_counts.sum()),
        "n_features": int(engine.features.n_features),
        "nnz_train": int(engine.features.train.nnz),
        "accuracy": float(run.scores.overall["accuracy"]),
        "macro_f1": float(run.scores.overall["macro_f1"]),
        "startup_gb": startup_gb,
        "peak_bytes": _peak_bytes(),
        "stages": {k: {"seconds": s, "peak_gb": g} for k, (s, g) in stages.items()},
        "work_seconds": time.perf_counter() - start,
    }
    Path(out_json).write_text(json.dumps(result, indent=2))
    return result


def bench_scale(
    sizes=SCALE_SIZES, *, workdir=None, timeout: float = 3600, log=None
) -> list[Figure]:
    """Target 5: cost at growing corpus sizes, each size in a fresh process.

    Each process generates ``n`` documents (:func:`~weightlab.synthetic.make_complaints`),
    featurises them with hashing TF-IDF (``TfidfConfig(hashing=True)``: no vocabulary) and
    trains and scores one sqrt-inverse weighted ``tfidf-linear`` model (minibatches).
    Reported per size: wall time (process start to exit) and peak memory; then how the cost
    (time, and memory above the start-up imports)
    per document changes from the smallest to the largest size (linear growth: about 1).

    Parameters
    ----------
    sizes : sequence of int
        Corpus sizes, increasing.
    workdir : path, optional
        Folder for logs and per-size JSON; default a temporary folder.
    timeout : float
        Seconds after which a size is killed.
    log : callable, optional
        Called with a line of progress text after each size.
    """
    sizes = sorted(int(n) for n in sizes)
    work = Path(workdir or tempfile.mkdtemp(prefix="weightlab-scale-"))
    work.mkdir(parents=True, exist_ok=True)
    points = []
    figures = []
    for n in sizes:
        out_json = work / f"scale-{n}.json"
        cmd = [
            sys.executable,
            "-m",
            "weightlab.bench.processes",
            "--scale-worker",
            str(n),
            str(out_json),
        ]
        m = _run_measured(cmd, work / f"scale-{n}.log", peak_json=out_json, timeout=timeout)
        if m["returncode"] != 0 or not out_json.is_file():
            tail = (work / f"scale-{n}.log").read_text(errors="replace")[-1500:]
            figures.append(
                Figure(5, f"{n:,} documents", float("nan"), None, "s", note=f"failed: {tail}")
            )
            continue
        detail = json.loads(out_json.read_text())
        points.append((n, m["seconds"], m["peak_bytes"] / _GB, detail))
        stages = ", ".join(f"{k} {v['seconds']:.0f} s" for k, v in detail["stages"].items())
        figures.append(
            Figure(
                5,
                f"{n:,} documents: wall time",
                m["seconds"],
                None,
                "s",
                note=f"{stages}; {detail['n_features']:,} hashed features kept, "
                f"{detail['nnz_train'] / detail['n_train']:.0f} per document; "
                f"accuracy {detail['accuracy']:.1%}",
            )
        )
        figures.append(
            Figure(
                5,
                f"{n:,} documents: peak memory (max RSS)",
                m["peak_bytes"] / _GB,
                8.0 if n >= 1_000_000 else None,
                "GB",
            )
        )
        if log:
            log(f"  scale {n:,}: {m['seconds']:.0f} s, {m['peak_bytes'] / _GB:.2f} GB")
    if len(points) >= 2:
        (n0, s0, g0, _), (n1, s1, g1, _) = points[0], points[-1]
        figures.append(
            Figure(
                5,
                f"time per document at {n1:,} / at {n0:,} (1 = linear)",
                (s1 / n1) / (s0 / n0),
                1.5,
                "x",
                note=f"{1000 * s0 / n0:.2f} ms vs {1000 * s1 / n1:.2f} ms per document",
            )
        )
        # memory above the process's start-up (imports), per document
        kb0 = (g0 - points[0][3]["startup_gb"]) * 1024**2 / n0
        kb1 = (g1 - points[-1][3]["startup_gb"]) * 1024**2 / n1
        figures.append(
            Figure(
                5,
                f"memory per document at {n1:,} / at {n0:,}, above start-up (1 = linear)",
                kb1 / kb0 if kb0 > 0 else float("nan"),
                1.5,
                "x",
                note=f"{kb0:.1f} KB vs {kb1:.1f} KB per document; start-up "
                f"{points[0][3]['startup_gb']:.2f} GB",
            )
        )
    return figures


if __name__ == "__main__":  # the worker processes of bench_scale
    if len(sys.argv) == 4 and sys.argv[1] == "--scale-worker":
        _scale_worker(int(sys.argv[2]), sys.argv[3])
    else:
        sys.exit("usage: python -m weightlab.bench.processes --scale-worker N_DOCUMENTS OUT_JSON")
