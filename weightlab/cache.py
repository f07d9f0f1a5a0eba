"""On-disk cache: features, per-run logits and generated data, keyed by data and config.

Exploring the trade-off means training the same features at many weightings, and re-running
an experiment means computing the same things again. :class:`Cache` keeps the expensive
intermediate results on disk so that a second ``weightlab reproduce`` with the same arguments
loads them instead:

=============  ===================================================  ============================
kind           what                                                 written by
=============  ===================================================  ============================
``tfidf``      TF-IDF matrices of the three splits (sparse)         ``tfidf-*`` engines' prepare
``run``        validation and test logits of one trained model      :func:`weightlab.train_run`
``synthetic``  the generated corpus (texts, labels, split)          :func:`cached_synthetic`
=============  ===================================================  ============================

Keys
----
A key is the SHA-256 of a JSON document (sorted keys) holding the kind, the cache
:data:`FORMAT_VERSION`, and the parts the caller passes: the data's
:meth:`~weightlab.data.TextDataset.fingerprint` (a hash of texts, labels, split and class
names), the featuriser / engine configuration (``dataclasses.asdict``), the seed, alpha, tau,
and the library versions that change the numbers. Change any of them and the key changes: the
old entry is simply never read again (delete the folder to reclaim the space).

Files
-----
One ``.npz`` per entry (``numpy.savez``, read with ``allow_pickle=False``: plain numeric
arrays only, never pickled objects), under ``ROOT/KIND/KEY[:2]/KEY.npz``. Every file carries a
manifest with its kind, key and the SHA-256, dtype and shape of every array. A file is written
to a temporary name and renamed into place, so a crash leaves no half-written entry; a file
that is nevertheless truncated or altered fails the manifest check on reading, is logged
(``WARNING`` on the ``"weightlab"`` logger), deleted and recomputed - never trusted.

The root is ``$WEIGHTLAB_CACHE`` when set, else ``~/.cache/weightlab``.

Examples
--------
>>> import weightlab as wl
>>> ds = wl.make_complaints(3_000, 12, seed=0)  # doctest: +SKIP
>>> runs = wl.train_runs(ds, alphas=[0, 0.5], cache=True)  # doctest: +SKIP
>>> runs = wl.train_runs(ds, alphas=[0, 0.5], cache=True)  # doctest: +SKIP  (loaded, ~0 s)
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import json
import logging
import os
from pathlib import Path

import numpy as np

from weightlab._io import atomic_write_bytes

__all__ = [
    "ENV_VAR",
    "FORMAT_VERSION",
    "Cache",
    "as_cache",
    "cached_synthetic",
    "config_dict",
    "default_cache_dir",
]

logger = logging.getLogger("weightlab")

#: Environment variable naming the cache root.
ENV_VAR = "WEIGHTLAB_CACHE"
#: Bumped whenever the layout of an entry changes: older entries are then never read.
FORMAT_VERSION = 1
_MANIFEST = "__manifest__"


def default_cache_dir() -> Path:
    """The cache root: ``$WEIGHTLAB_CACHE`` if set, else ``~/.cache/weightlab``."""
    env = os.environ.get(ENV_VAR, "").strip()
    return Path(env).expanduser() if env else Path.home() / ".cache" / "weightlab"


def _json_default(value):
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    raise TypeError(f"cannot put a {type(value).__name__} in a cache key: {value!r}")


def config_dict(config) -> dict | None:
    """A configuration as a JSON-ready dict for a cache key, or None if it has no stable form.

    Dataclasses (every engine's config) become ``dataclasses.asdict(config)``; ``None``
    becomes ``{}``. Anything else returns None: the caller must then not cache.
    """
    if config is None:
        return {}
    if dataclasses.is_dataclass(config) and not isinstance(config, type):
        return dataclasses.asdict(config)
    return None


def _digest(array: np.ndarray) -> str:
    flat = np.ascontiguousarray(array).reshape(-1)
    return hashlib.sha256(flat.view(np.uint8)).hexdigest()


class Cache:
    """A folder of checksummed ``.npz`` entries (see the module docstring).

    Parameters
    ----------
    root : str or os.PathLike, optional
        Cache folder; default :func:`default_cache_dir`. Created on the first write.

    Attributes
    ----------
    hits, misses, rebuilt : int
        Entries found, not found, and found corrupt (deleted; the caller recomputes them),
        since this object was created.
    """

    def __init__(self, root=None):
        self.root = Path(root).expanduser() if root is not None else default_cache_dir()
        self.hits = 0
        self.misses = 0
        self.rebuilt = 0

    def __repr__(self) -> str:
        return f"Cache({str(self.root)!r})"

    @staticmethod
    def key(kind: str, **parts) -> str:
        """SHA-256 hex key of ``kind``, :data:`FORMAT_VERSION` and the JSON of ``parts``."""
        doc = {"kind": kind, "format": FORMAT_VERSION, "parts": parts}
        text = json.dumps(doc, sort_keys=True, default=_json_default, separators=(",", ":"))
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def path(self, kind: str, key: str) -> Path:
        """Where the entry ``key`` of ``kind`` lives (it may not exist)."""
        return self.root / kind / key[:2] / f"{key}.npz"

    def load(self, kind: str, key: str) -> tuple[dict[str, np.ndarray], dict] | None:
        """Return ``(arrays, meta)`` of a valid entry, or None on a miss.

        A file that fails the manifest check (truncated, altered, another key) is logged,
        deleted and reported as a miss, so the caller recomputes and rewrites it.
        """
        path = self.path(kind, key)
        if not path.is_file():
            self.misses += 1
            return None
        try:
            arrays, meta = self._read(path, kind, key)
        except Exception as err:  # any failure to read back means "do not trust it"
            logger.warning(
                "weightlab cache: %s is corrupt or incomplete (%s: %s); deleting it and "
                "recomputing.",
                path,
                type(err).__name__,
                err,
            )
            path.unlink(missing_ok=True)
            self.rebuilt += 1
            self.misses += 1
            return None
        self.hits += 1
        return arrays, meta

    @staticmethod
    def _read(path: Path, kind: str, key: str) -> tuple[dict[str, np.ndarray], dict]:
        # Our own handle: np.load can leave its file open when the zip is damaged.
        with open(path, "rb") as fh, np.load(fh, allow_pickle=False) as z:
            manifest = json.loads(z[_MANIFEST].tobytes().decode("utf-8"))
            if (manifest.get("format"), manifest.get("kind"), manifest.get("key")) != (
                FORMAT_VERSION,
                kind,
                key,
            ):
                raise ValueError("manifest names another entry or format")
            expected = manifest["arrays"]
            names = set(z.files) - {_MANIFEST}
            if names != set(expected):
                raise ValueError(f"arrays {sorted(names)} differ from the manifest")
            arrays = {}
            for name, spec in expected.items():
                a = z[name]
                if str(a.dtype) != spec["dtype"] or list(a.shape) != spec["shape"]:
                    raise ValueError(f"array {name!r} has the wrong dtype or shape")
                if _digest(a) != spec["sha256"]:
                    raise ValueError(f"checksum mismatch in array {name!r}")
                arrays[name] = a
        return arrays, manifest.get("meta", {})

    def save(self, kind: str, key: str, arrays: dict, meta: dict | None = None) -> Path:
        """Write an entry atomically: numeric ``arrays`` plus JSON-ready ``meta``.

        Raises
        ------
        ValueError
            If an array is not numeric (object arrays would need pickle), or an array is
            named ``__manifest__``.
        """
        clean = {}
        for name, value in arrays.items():
            a = np.asarray(value)
            if name == _MANIFEST or a.dtype.kind not in "biufc":
                raise ValueError(
                    f"cache entries hold numeric arrays only; {name!r} has dtype {a.dtype}."
                )
            clean[name] = a
        manifest = {
            "format": FORMAT_VERSION,
            "kind": kind,
            "key": key,
            "meta": meta or {},
            "arrays": {
                n: {"dtype": str(a.dtype), "shape": list(a.shape), "sha256": _digest(a)}
                for n, a in clean.items()
            },
        }
        text = json.dumps(manifest, default=_json_default)
        clean[_MANIFEST] = np.frombuffer(text.encode("utf-8"), dtype=np.uint8)
        buf = io.BytesIO()
        np.savez(buf, **clean)
        return atomic_write_bytes(self.path(kind, key), buf.getvalue())

    def put(self, kind: str, key: str, arrays: dict, meta: dict | None = None) -> bool:
        """:meth:`save`, tolerant: only on the main process, and a write error is a warning.

        Under ``torchrun`` every process computes the same results and rank 0 writes them;
        a full disk or a read-only folder must not fail the experiment. Returns whether the
        entry was written.
        """
        from weightlab import _dist

        if not _dist.is_main_process():
            return False
        try:
            self.save(kind, key, arrays, meta)
        except OSError as err:
            logger.warning(
                "weightlab cache: could not write to %s (%s); continuing.", self.root, err
            )
            return False
        return True

    def clear(self) -> int:
        """Delete every entry (and stray temporary file) under the root; return how many."""
        if not self.root.is_dir():
            return 0
        n = 0
        for kind_dir in self.root.iterdir():
            if not kind_dir.is_dir():
                continue
            for pattern in ("*/*.npz", "*/.*.tmp"):
                for f in kind_dir.glob(pattern):
                    f.unlink(missing_ok=True)
                    n += 1
        return n


def as_cache(cache) -> Cache | None:
    """Normalise a ``cache=`` argument: None/False: off; True: default root; path; Cache."""
    if cache is None or cache is False:
        return None
    if cache is True:
        return Cache()
    if isinstance(cache, Cache):
        return cache
    if isinstance(cache, (str, os.PathLike)):
        return Cache(cache)
    raise ValueError(
        f"cache must be None/False (off), True (default folder), a folder path or a "
        f"weightlab.cache.Cache; got {cache!r}."
    )


# --------------------------------------------------------------------------------------------
# sparse matrices and data sets as plain arrays
# --------------------------------------------------------------------------------------------


def pack_csr(prefix: str, matrix) -> dict[str, np.ndarray]:
    """A ``scipy.sparse`` CSR matrix as four plain arrays named ``prefix.data`` etc."""
    m = matrix.tocsr()
    return {
        f"{prefix}.data": m.data,
        f"{prefix}.indices": m.indices,
        f"{prefix}.indptr": m.indptr,
        f"{prefix}.shape": np.asarray(m.shape, dtype=np.int64),
    }


def unpack_csr(prefix: str, arrays: dict[str, np.ndarray]):
    """Inverse of :func:`pack_csr`."""
    import scipy.sparse as sp

    shape = tuple(int(s) for s in arrays[f"{prefix}.shape"])
    return sp.csr_matrix(
        (arrays[f"{prefix}.data"], arrays[f"{prefix}.indices"], arrays[f"{prefix}.indptr"]),
        shape=shape,
    )


def _dataset_arrays(dataset) -> tuple[dict[str, np.ndarray], dict]:
    texts = list(dataset.texts)
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    blob = "".join(texts).encode("utf-8", "surrogatepass")
    arrays = {
        "texts": np.frombuffer(blob, dtype=np.uint8),
        "offsets": np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64),
        "labels": np.asarray(dataset.labels, dtype=np.int64),
        "split": np.asarray(dataset.split, dtype=np.int8),
    }
    meta = {
        "class_names": list(dataset.class_names),
        "name": dataset.name,
        "notes": list(dataset.notes),
        "fingerprint": dataset.fingerprint(),
    }
    return arrays, meta


def _dataset_from_arrays(arrays: dict[str, np.ndarray], meta: dict):
    from weightlab.data import TextDataset

    joined = arrays["texts"].tobytes().decode("utf-8", "surrogatepass")
    offsets = arrays["offsets"].tolist()
    texts = np.empty(len(offsets) - 1, dtype=object)
    texts[:] = [joined[a:b] for a, b in zip(offsets[:-1], offsets[1:], strict=True)]
    ds = TextDataset(
        texts=texts,
        labels=arrays["labels"].astype(np.int64),
        class_names=list(meta["class_names"]),
        split=arrays["split"].astype(np.int8),
        name=meta["name"],
        notes=list(meta["notes"]),
    )
    ds.__dict__["_fingerprint"] = meta["fingerprint"]  # checksummed file: no need to rehash
    return ds


def _source_digest(*sources) -> str:
    """SHA-256 of the files behind ``sources``: modules (their ``.py``) or resource paths."""
    h = hashlib.sha256()
    for source in sources:
        path = source if hasattr(source, "read_bytes") else Path(source.__file__)
        h.update(path.read_bytes())
    return h.hexdigest()


def cached_synthetic(cache, *, seed: int = 0, **kwargs):
    """:func:`weightlab.synthetic.make_complaints`, loaded from ``cache`` when possible.

    The key holds the arguments, the seed and a hash of the generator's source code
    (``synthetic.py``, ``_taxonomy.py`` with ``taxonomy.json``, and ``data.py``, which
    splits), so editing the
    generator regenerates the corpus.

    Parameters
    ----------
    cache : Cache, path, bool or None
        See :func:`as_cache`; None or False just generates.
    seed : int
        Seed of the generator and the split.
    **kwargs
        Passed to :func:`~weightlab.synthetic.make_complaints`.

    Returns
    -------
    TextDataset
    """
    from weightlab import _taxonomy, data, synthetic

    store = as_cache(cache)
    if store is None:
        return synthetic.make_complaints(seed=seed, **kwargs)
    key = store.key(
        "synthetic",
        seed=seed,
        kwargs=kwargs,
        source=_source_digest(synthetic, _taxonomy, _taxonomy.PATH, data),
    )
    hit = store.load("synthetic", key)
    if hit is not None:
        return _dataset_from_arrays(*hit)
    ds = synthetic.make_complaints(seed=seed, **kwargs)
    store.put("synthetic", key, *_dataset_arrays(ds))
    return ds
