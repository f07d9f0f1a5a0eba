"""What a benchmark reports: figures against targets, the machine, peak memory."""

from __future__ import annotations

import math
import os
import platform
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path

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
