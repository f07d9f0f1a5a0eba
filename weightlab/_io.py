"""Atomic file writes: a result file is either the old one or the complete new one."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path


def _umask() -> int:
    mask = os.umask(0)  # the only portable way to read it is to set it
    os.umask(mask)
    return mask


#: Mode of a new file as ``open(path, "w")`` would create it (``mkstemp`` uses 0o600).
_FILE_MODE = 0o666 & ~_umask()


def check_writable(folder) -> Path:
    """Prove, before long work, that files can be written into ``folder`` (made later).

    Nothing is created: an existing folder gets a temporary file written and removed; for a
    new one, its nearest existing parent must be a folder the process may write to.

    Raises
    ------
    ValueError
        Naming the folder and what stands in the way (a file, no permission, ...).
    """
    folder = Path(folder)
    probe = folder
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    fix = "Choose another output folder (--out) that you can write to."
    if not probe.is_dir():
        raise ValueError(
            f"Cannot write results to {folder}: {probe} is a file, not a folder. {fix}"
        )
    if probe == folder:
        try:
            with tempfile.TemporaryFile(dir=folder):
                pass
        except OSError as err:
            raise ValueError(f"Cannot write results to {folder}: {err.strerror}. {fix}") from None
    elif not os.access(probe, os.W_OK | os.X_OK):
        raise ValueError(f"Cannot write results to {folder}: {probe} is not writable. {fix}")
    return folder


def atomic_write_bytes(path, data: bytes) -> Path:
    """Write ``data`` to a temporary file beside ``path``, then ``os.replace`` it."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            os.chmod(tmp, _FILE_MODE)  # readable like any other result file
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def atomic_write_text(path, text: str) -> Path:
    """Write UTF-8 text atomically (see :func:`atomic_write_bytes`)."""
    return atomic_write_bytes(path, text.encode("utf-8"))


def atomic_write_json(path, obj) -> Path:
    """Write ``obj`` as indented JSON atomically."""
    return atomic_write_text(path, json.dumps(obj, indent=2, sort_keys=False) + "\n")


def atomic_savefig(fig, path, **kwargs) -> Path:
    """Save a matplotlib figure atomically (format from the suffix of ``path``)."""
    import io

    path = Path(path)
    buf = io.BytesIO()
    fig.savefig(buf, format=path.suffix.lstrip(".") or "png", **kwargs)
    return atomic_write_bytes(path, buf.getvalue())
