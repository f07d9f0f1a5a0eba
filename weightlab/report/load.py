"""Loading a results folder for the report: every file read, checked against the others."""

from __future__ import annotations

import json
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from weightlab.metrics import scores_from_logits
from weightlab.runs import Run

__all__ = ["REQUIRED_FILES", "SavedResults", "load_results"]

#: Files :func:`load_results` reads from a results folder.
REQUIRED_FILES = ("results.json", "per_class.csv", "logits.npz")


# ---------------------------------------------------------------------------------------------
# loading
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class SavedResults:
    """A results folder written by ``weightlab reproduce``, loaded and checked.

    Attributes
    ----------
    folder : pathlib.Path
    summary : dict
        ``results.json``.
    per_class : pandas.DataFrame
        ``per_class.csv``.
    class_names : list of str
    train_counts, y_test, y_validation : numpy.ndarray of int64
    runs : list of Run
        Every run of ``results.json``, in its order, rebuilt from ``logits.npz``: validation
        and test logits, and test scores recomputed from the logits (and checked against
        ``results.json``).
    """

    folder: Path
    summary: dict
    per_class: pd.DataFrame
    class_names: list[str]
    train_counts: np.ndarray
    y_test: np.ndarray
    y_validation: np.ndarray
    runs: list

    @property
    def run_names(self) -> list[str]:
        """Run names, in the order of ``results.json``."""
        return [r.name for r in self.runs]

    def run(self, name: str) -> Run:
        """The run called ``name``, with its logits and scores."""
        for r in self.runs:
            if r.name == name:
                return r
        raise KeyError(f"No run named {name!r}; runs are {self.run_names}.")

    def record(self, name: str) -> dict:
        """The ``results.json`` record of run ``name``."""
        for r in self.summary["runs"]:
            if r["name"] == name:
                return r
        raise KeyError(f"No run named {name!r}; runs are {self.run_names}.")


def _corrupt(path: Path, what: str) -> ValueError:
    return ValueError(
        f"{path} is {what}; the results folder is damaged. Re-run `weightlab reproduce "
        f"--out {path.parent}` to write it again."
    )


def load_results(folder) -> SavedResults:
    """Read and check a results folder written by ``weightlab reproduce``.

    Parameters
    ----------
    folder : path
        Holds ``results.json``, ``per_class.csv`` and ``logits.npz``.

    Returns
    -------
    SavedResults

    Raises
    ------
    ValueError
        If the folder or a file is missing, a file cannot be parsed, or the logits do not
        reproduce the accuracy and macro F1 in ``results.json`` (files from different runs).
    """
    folder = Path(folder)
    if not folder.exists():
        raise ValueError(
            f"Results folder {folder} does not exist; run `weightlab reproduce --out {folder}` "
            "first."
        )
    if not folder.is_dir():
        raise ValueError(f"{folder} is not a folder; pass the folder `weightlab reproduce` wrote.")
    missing = [f for f in REQUIRED_FILES if not (folder / f).is_file()]
    if missing:
        hint = (
            " (logits.npz is written by weightlab reproduce since the report was added)"
            if missing == ["logits.npz"]
            else ""
        )
        raise ValueError(
            f"Results folder {folder} lacks {', '.join(missing)}{hint}; run `weightlab "
            f"reproduce --out {folder}` to write a complete folder."
        )
    path = folder / "results.json"
    try:
        summary = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise _corrupt(path, f"not valid JSON ({err})") from None
    if not isinstance(summary, dict) or not isinstance(summary.get("runs"), list):
        raise _corrupt(path, "not a weightlab results.json (no list of runs)")
    for key in ("dataset", "engine"):
        if key not in summary:
            raise _corrupt(path, f"not a weightlab results.json (no {key!r})")
    path = folder / "per_class.csv"
    try:
        per_class = pd.read_csv(path)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as err:
        raise _corrupt(path, f"not a readable CSV ({err})") from None
    path = folder / "logits.npz"
    try:
        with np.load(path, allow_pickle=False) as npz:
            arrays = {k: npz[k] for k in npz.files}
    except (zipfile.BadZipFile, ValueError, OSError, EOFError) as err:
        raise _corrupt(path, f"not a readable npz archive ({err})") from None
    return _check_saved(folder, summary, per_class, arrays)


def _check_saved(folder: Path, summary: dict, per_class, arrays: dict) -> SavedResults:
    path = folder / "logits.npz"
    needed = ["run_names", "class_names", "train_counts", "y_test", "y_validation"]
    lacking = [k for k in needed if k not in arrays]
    if lacking:
        raise _corrupt(path, f"missing {', '.join(lacking)}")
    names = [str(n) for n in arrays["run_names"]]
    in_json = [r.get("name") for r in summary["runs"]]
    if names != in_json:
        raise ValueError(
            f"logits.npz holds runs {names} but results.json lists {in_json}; the folder mixes "
            "files of different runs. Re-run `weightlab reproduce`."
        )
    class_names = [str(c) for c in arrays["class_names"]]
    counts = arrays["train_counts"].astype(np.int64)
    y_test = arrays["y_test"].astype(np.int64)
    runs = []
    for i, name in enumerate(names):
        for key in (f"test_logits_{i}", f"validation_logits_{i}"):
            if key not in arrays:
                raise _corrupt(path, f"missing {key} (run {name!r})")
        test = arrays[f"test_logits_{i}"]
        s = scores_from_logits(test, y_test, class_names=class_names, train_counts=counts)
        rec = summary["runs"][i]
        for metric in ("accuracy", "macro_f1"):
            if not np.isclose(float(s.overall[metric]), float(rec.get(metric, np.nan)), atol=1e-9):
                raise ValueError(
                    f"logits.npz does not reproduce results.json: run {name!r} has {metric} "
                    f"{float(s.overall[metric]):.6f} from its logits but {rec.get(metric)} in "
                    "results.json. The folder mixes files of different runs; re-run "
                    "`weightlab reproduce`."
                )
        alpha = rec.get("alpha")
        runs.append(
            Run(
                name=name,
                engine=str(rec.get("engine", "")),
                alpha=None if alpha is None else float(alpha),
                tau=float(rec.get("tau") or 0.0),
                seed=int(rec.get("seed", summary.get("seed", 0)) or 0),
                validation_logits=arrays[f"validation_logits_{i}"],
                test_logits=test,
                scores=s,
                info=dict(rec.get("info") or {}),
            )
        )
    return SavedResults(
        folder=folder,
        summary=summary,
        per_class=per_class,
        class_names=class_names,
        train_counts=counts,
        y_test=y_test,
        y_validation=arrays["y_validation"].astype(np.int64),
        runs=runs,
    )


# ---------------------------------------------------------------------------------------------
# the analysis behind the page
