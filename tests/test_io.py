import json
import os
import stat

import matplotlib
import matplotlib.pyplot as plt
import pytest

from weightlab import _io
from weightlab._io import (
    atomic_savefig,
    atomic_write_bytes,
    atomic_write_json,
    atomic_write_text,
)

matplotlib.use("Agg")


def _names(folder):
    return sorted(p.name for p in folder.iterdir())


def test_write_bytes_creates_the_file_and_its_folder(tmp_path):
    path = tmp_path / "sub" / "dir" / "out.bin"
    assert atomic_write_bytes(path, b"\x00\x01data") == path
    assert path.read_bytes() == b"\x00\x01data"
    assert _names(path.parent) == ["out.bin"]  # no temporary file left behind


def test_write_text_and_json(tmp_path):
    atomic_write_text(tmp_path / "a.md", "caf\u00e9\n")
    assert (tmp_path / "a.md").read_bytes() == "caf\u00e9\n".encode()
    obj = {"runs": [{"name": "weighted", "macro_f1": 0.216}], "alpha": None}
    atomic_write_json(tmp_path / "r.json", obj)
    text = (tmp_path / "r.json").read_text()
    assert json.loads(text) == obj
    assert text.endswith("\n") and '\n  "runs"' in text  # indented
    assert _names(tmp_path) == ["a.md", "r.json"]


def test_overwrite_replaces_the_whole_file(tmp_path):
    path = tmp_path / "table.md"
    atomic_write_text(path, "a much longer old table\n" * 10)
    atomic_write_text(path, "new\n")
    assert path.read_text() == "new\n"
    assert _names(tmp_path) == ["table.md"]


def test_new_file_has_the_mode_of_a_plain_file(tmp_path):
    (tmp_path / "plain").write_text("x")
    atomic_write_text(tmp_path / "atomic", "x")
    mode = stat.S_IMODE(os.stat(tmp_path / "plain").st_mode)
    assert stat.S_IMODE(os.stat(tmp_path / "atomic").st_mode) == mode


def test_failed_replace_keeps_the_old_file(tmp_path, monkeypatch):
    path = tmp_path / "results.json"
    atomic_write_json(path, {"old": True})

    def fail(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(_io.os, "replace", fail)
    with pytest.raises(OSError, match="disk full"):
        atomic_write_json(path, {"new": True})
    assert json.loads(path.read_text()) == {"old": True}
    assert _names(tmp_path) == ["results.json"]


def test_failed_write_keeps_the_old_file(tmp_path, monkeypatch):
    path = tmp_path / "table.md"
    atomic_write_text(path, "old\n")

    def fail(fd):
        raise OSError("I/O error")

    monkeypatch.setattr(_io.os, "fsync", fail)
    with pytest.raises(OSError, match="I/O error"):
        atomic_write_text(path, "new\n")
    assert path.read_text() == "old\n"
    assert _names(tmp_path) == ["table.md"]


def test_interrupt_while_writing_leaves_no_temp_file(tmp_path, monkeypatch):
    def interrupt(fd):
        raise KeyboardInterrupt

    monkeypatch.setattr(_io.os, "fsync", interrupt)
    with pytest.raises(KeyboardInterrupt):
        atomic_write_text(tmp_path / "new.md", "text")
    assert _names(tmp_path) == []


def test_savefig_writes_a_png(tmp_path):
    fig, _ = plt.subplots()
    try:
        atomic_savefig(fig, tmp_path / "f1_histograms.png", dpi=20)
    finally:
        plt.close(fig)
    assert (tmp_path / "f1_histograms.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert _names(tmp_path) == ["f1_histograms.png"]


def test_failed_figure_keeps_the_old_file(tmp_path, monkeypatch):
    path = tmp_path / "f1_histograms.png"
    atomic_write_bytes(path, b"old png")
    fig, _ = plt.subplots()

    def fail(*args, **kwargs):
        raise RuntimeError("renderer crashed")

    monkeypatch.setattr(fig, "savefig", fail)
    try:
        with pytest.raises(RuntimeError, match="renderer crashed"):
            atomic_savefig(fig, path)
    finally:
        plt.close(fig)
    assert path.read_bytes() == b"old png"
    assert _names(tmp_path) == ["f1_histograms.png"]


def test_check_writable_creates_nothing_and_names_what_is_in_the_way(tmp_path):
    from weightlab._io import check_writable

    assert check_writable(tmp_path) == tmp_path and list(tmp_path.iterdir()) == []
    new = tmp_path / "a" / "b"
    assert check_writable(new) == new and not (tmp_path / "a").exists()
    (tmp_path / "f").write_text("x")
    with pytest.raises(ValueError, match=r"Cannot write results to .*f[/\\]out: .*f is a file"):
        check_writable(tmp_path / "f" / "out")
