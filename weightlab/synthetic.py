"""The embedded default data: a generated, long-tailed consumer-complaint corpus.

No installable package ships a many-class complaint data set, so weightlab simulates the
article's setting: 58,000 complaint narratives in 113 issue categories whose sizes follow a
Zipf-Mandelbrot rank-size curve, ``n_k ∝ (k + b) ** -s`` for rank ``k = 1..K``, with ``s``
and ``b`` solved so that the largest class holds ``head_share`` of the documents (23%) and
the smallest ``min_class_size`` (15, i.e. 10 training examples); 32 of the 113 classes then
have under 20 training examples.

How a narrative is written
--------------------------
Classes are CFPB-style issues grouped under products (:mod:`weightlab._taxonomy`). A
narrative of an issue under a product mixes four kinds of sentence:

- **issue cues** - sentences specific to the issue (the only real signal); their number
  per document is Poisson with mean ``cue_rate``, so some documents carry none and can
  only be placed at product level;
- **sibling cues** - cues of another issue of the same product (Poisson, mean
  ``sibling_rate``): sibling issues share vocabulary and are genuinely confusable;
- **product sentences** - shared by every issue of the product;
- **filler** - generic complaint prose shared by all classes.

A fraction ``label_noise`` of documents is labelled with a sibling issue of the one the
text was written from (consumers pick the wrong category). Amounts, dates and names are
masked the way the CFPB masks them (``XXXX``, ``XX/XX/XXXX``, ``{$120.00}``).

These parameters set the difficulty. The defaults were recalibrated for the default engine
(the softmax regression solved to its optimum): unweighted accuracy ~57% (the article: 55%),
59 classes with zero F1 (the article: 49), TF-IDF + logistic regression within a point.
Accuracy is set mostly by how much of each product its main issue holds (``issue_skew``): a
model that finds the product and names its main issue gets most of the head right, so label
noise, borrowed cues and fewer cues move accuracy little and mostly add classes at zero F1.
See ``weightlab.weighting_sensitivity`` for how the weighting effect moves with these parameters.
Whether class weighting helps macro F1 is *not* built in: it emerges from training.
Generation is deterministic for a seed and takes seconds for 58,000 documents.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass

import numpy as np
from scipy.optimize import brentq

from weightlab._taxonomy import PRODUCTS
from weightlab.data import TextDataset, make_dataset

__all__ = ["SyntheticConfig", "class_sizes", "taxonomy", "make_complaints"]

_FILLER = [
    "i have called them many times and nobody has been able to help me",
    "this has caused me a great deal of stress and lost sleep",
    "i am asking for help because i do not know what else to do",
    "they told me it would be resolved within thirty days and it was not",
    "i have kept copies of every letter and the notes from every call",
    "the representative was rude and hung up on me",
    "i was transferred to three different departments and had to explain it again each time",
    "i sent a written complaint by certified mail on XX/XX/XXXX",
    "no one ever called me back as they promised",
    "i feel that i am being treated unfairly",
    "i want this corrected as soon as possible",
    "this is affecting my ability to take care of my family",
    "i have been a loyal customer for many years",
    "i asked to speak with a supervisor and was told none was available",
    "the company keeps giving me different answers",
    "i filed a complaint with the company first but got a form letter back",
    "i am a single parent and cannot afford this",
    "their website says one thing and the agents say another",
    "i waited on hold for over an hour",
    "i believe this violates my rights as a consumer",
    "please investigate this matter",
    "i have attached the documents that show what happened",
    "they refused to put anything in writing",
    "it has now been several months and nothing has changed",
    "i am disabled and on a fixed income",
    "my spouse and i have tried everything we can think of",
    "i never received a clear explanation",
    "the situation has damaged my finances",
    "i followed every instruction they gave me",
    "i would like the company to be held accountable",
    "on XX/XX/XXXX i spoke with an agent named XXXX",
    "they said the matter was closed without telling me why",
    "i can provide bank statements if needed",
    "i am tired of being passed around",
    "this is the third time i am reporting this",
    "they blamed a system error but did nothing to fix it",
    "they took $AMOUNT from me without any warning",
    "the total they are asking for is $AMOUNT",
    "i was told to pay $AMOUNT to make it go away",
]

_OPENERS = ["", "", "", "then ", "also ", "on XX/XX/XXXX ", "later ", "again ", "in XXXX "]
_PRONOUN_I = re.compile(r"\bi\b")
_AMOUNT = re.compile(r"\$AMOUNT")
# Words in the longest sentence a narrative can hold, opener included: a narrative cut at a
# sentence boundary below max_words keeps min_words only if max_words - min_words >= this.
_LONGEST_SENTENCE = max(
    len(s.split())
    for s in [
        *_FILLER,
        *(x for p in PRODUCTS.values() for x in p["phrases"]),
        *(x for p in PRODUCTS.values() for cues in p["issues"].values() for x in cues),
    ]
) + max(len(o.split()) for o in _OPENERS)


@dataclass(frozen=True)
class SyntheticConfig:
    """Parameters of the generated corpus (see the module docstring)."""

    n_documents: int = 58_000
    n_classes: int = 113  # at most the taxonomy's 113 issues
    head_share: float = 0.23  # share of the largest class
    min_class_size: int = 15  # documents in the smallest class (~10 in training)
    cue_rate: float = 2.0  # mean issue-cue sentences per narrative (Poisson)
    sibling_rate: float = 2.0  # mean cue sentences borrowed from a sibling issue
    product_rate: float = 3.0  # mean product-level sentences
    filler_rate: float = 6.0  # mean generic sentences
    label_noise: float = 0.3  # share of narratives labelled with a sibling issue
    # How fast a product's issues shrink from its main issue: an issue's rank is
    # (product rank) x (issue rank) ** issue_skew. Larger: each product's main issue holds
    # more of its documents (a model that finds the product and names its main issue scores
    # higher); smaller: more of each product sits in issues that are hard to tell apart.
    issue_skew: float = 1.2
    min_words: int = 80  # narratives are padded with filler up to this length
    max_words: int = 250  # ... and cut at a sentence boundary below this

    def __post_init__(self):
        n_issues = sum(len(p["issues"]) for p in PRODUCTS.values())
        if not 2 <= self.n_classes <= n_issues:
            raise ValueError(f"n_classes must be in [2, {n_issues}]; got {self.n_classes}.")
        if self.n_documents < self.n_classes * self.min_class_size:
            raise ValueError(
                f"n_documents={self.n_documents} is too small for {self.n_classes} classes of "
                f"at least {self.min_class_size}; raise n_documents or lower min_class_size."
            )
        if not 1 / self.n_classes < self.head_share < 1:
            raise ValueError(f"head_share must lie in (1/n_classes, 1); got {self.head_share}.")
        if self.min_class_size < 1:
            raise ValueError(f"min_class_size must be >= 1; got {self.min_class_size}.")
        for name in ("cue_rate", "sibling_rate", "product_rate", "filler_rate"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must be >= 0; got {getattr(self, name)}.")
        if not 0 < self.issue_skew <= 10:
            raise ValueError(f"issue_skew must be in (0, 10]; got {self.issue_skew}.")
        if not 0 <= self.label_noise < 1:
            raise ValueError(f"label_noise must be in [0, 1); got {self.label_noise}.")
        if not 10 <= self.min_words <= self.max_words - _LONGEST_SENTENCE:
            raise ValueError(
                f"Need min_words >= 10 and max_words >= min_words + {_LONGEST_SENTENCE} (room "
                "for the longest sentence, so a narrative cut below max_words keeps min_words); "
                f"got min_words={self.min_words}, max_words={self.max_words}."
            )


def taxonomy(issue_skew: float = SyntheticConfig.issue_skew) -> list[tuple[str, str]]:
    """``(product, issue)`` pairs ordered from the most to the least frequent class.

    Products and their issues are listed in order of real-world volume in
    :mod:`weightlab._taxonomy`; the global rank ``(product rank) x (issue rank) **
    issue_skew`` interleaves them so that the head is dominated by the large products and
    every product has a tail.
    """
    scored = []
    for p_rank, (product, spec) in enumerate(PRODUCTS.items()):
        for i_rank, issue in enumerate(spec["issues"]):
            rank = (p_rank + 1) * (i_rank + 1) ** issue_skew
            scored.append((rank, p_rank, i_rank, product, issue))
    scored.sort()
    return [(product, issue) for *_, product, issue in scored]


def class_sizes(
    n_documents: int, n_classes: int, *, head_share: float = 0.23, min_class_size: int = 15
) -> np.ndarray:
    """Class sizes from a Zipf-Mandelbrot curve ``n_k ∝ (k + b) ** -s``, largest first.

    ``s`` and ``b`` are solved numerically (``scipy.optimize.brentq``) so that the largest
    class is ``head_share * n_documents`` and the smallest about ``min_class_size``; the
    sizes are rounded, floored at ``min_class_size`` and the head absorbs the rounding.
    """
    k = np.arange(1, n_classes + 1, dtype=float)

    def shares(s, b):
        logp = -s * np.log(k + b)  # in logs: large s would underflow
        p = np.exp(logp - logp.max())
        return p / p.sum()

    def s_for(b):
        return brentq(lambda s: shares(s, b)[0] - head_share, 1e-6, 500.0)

    def tail_gap(b):
        return shares(s_for(b), b)[-1] * n_documents - min_class_size

    try:
        # Few classes cannot always reach both targets: keep the head share, get as close
        # to the tail target as the curve allows (the floor below does the rest).
        if tail_gap(0.0) <= 0:
            b = 0.0
        elif tail_gap(200.0) >= 0:
            b = 200.0
        else:
            b = brentq(tail_gap, 0.0, 200.0)
        p = shares(s_for(b), b)
    except ValueError as err:  # no curve through both constraints
        raise ValueError(
            f"No Zipf-Mandelbrot curve gives head_share={head_share} and min_class_size="
            f"{min_class_size} for {n_classes} classes and {n_documents} documents."
        ) from err
    target = p * n_documents
    rest, budget = target[1:], n_documents - target[0]
    if np.maximum(rest, min_class_size).sum() > budget + 0.5:
        # Why: the floor adds documents to the tail; taking them from the head (as the
        # rounding residual below is) would break head_share or even make it negative, so
        # the middle classes give them back: ranks 2..K are scaled by c < 1.
        if (n_classes - 1) * min_class_size > budget:
            raise ValueError(
                f"n_documents={n_documents} is too small: beside the largest class "
                f"(head_share={head_share}) it leaves {budget:.0f} documents for "
                f"{n_classes - 1} classes of at least {min_class_size}; raise n_documents "
                "or lower min_class_size or n_classes."
            )
        c = brentq(lambda c: np.maximum(c * rest, min_class_size).sum() - budget, 0.0, 1.0)
        target[1:] = np.maximum(c * rest, min_class_size)
    sizes = np.maximum(np.round(target).astype(int), min_class_size)
    sizes[0] += n_documents - sizes.sum()  # rounding residual only
    return sizes


def _sentences(rng, pool, n):
    return [pool[i] for i in rng.integers(0, len(pool), size=n)] if n else []


def _pick_sibling(rng, family, sizes, c):
    """Another class of the same product, drawn in proportion to its size."""
    others = [s for s in family if s != c]
    p = sizes[others] / sizes[others].sum()
    return others[rng.choice(len(others), p=p)]


def _narrative(rng, cfg, issue_cues, sibling_cues, product):
    nouns = product["nouns"]
    parts = (
        _sentences(rng, issue_cues, rng.poisson(cfg.cue_rate))
        + _sentences(rng, sibling_cues, rng.poisson(cfg.sibling_rate) if sibling_cues else 0)
        + _sentences(rng, product["phrases"], rng.poisson(cfg.product_rate))
        + _sentences(rng, _FILLER, rng.poisson(cfg.filler_rate))
    )
    order = rng.permutation(len(parts))
    parts = [parts[i] for i in order]
    # 1) every narrative names the product in its first sentence, as real ones do
    noun = nouns[rng.integers(len(nouns))]
    parts.insert(0, f"i am writing about my {noun} with XXXX")
    words = sum(len(p.split()) for p in parts)
    while words < cfg.min_words:
        extra = _FILLER[rng.integers(len(_FILLER))]
        parts.insert(int(rng.integers(1, len(parts) + 1)), extra)
        words += len(extra.split())
    out, words = [], 0
    for part in parts:
        opener = _OPENERS[rng.integers(len(_OPENERS))] if out else ""
        text = _PRONOUN_I.sub("I", opener + part)
        n = len(text.split())
        if words + n > cfg.max_words and out:
            break
        out.append(text[0].upper() + text[1:] + ".")
        words += n
    text = " ".join(out)
    return _AMOUNT.sub(lambda _: f"{{${rng.integers(20, 5000)}.00}}", text)


def make_complaints(
    n_documents: int = 58_000,
    n_classes: int = 113,
    *,
    seed: int = 0,
    test_size: float = 0.2,
    validation_size: float = 0.1,
    **params,
) -> TextDataset:
    """Generate the long-tailed complaint corpus and split it.

    Parameters
    ----------
    n_documents, n_classes : int
        Corpus size and number of issue classes (defaults: the article's 58,000 and 113).
    seed : int
        Seed of the generator and of the split; the same seed gives the same corpus.
    test_size, validation_size : float
        Split fractions (see :func:`weightlab.data.split_indices`).
    **params
        Any other field of :class:`SyntheticConfig` (``cue_rate``, ``label_noise``, ...).

    Returns
    -------
    TextDataset
        Named ``"synthetic"``; class names are the issue names, ordered by size.

    Examples
    --------
    >>> ds = make_complaints(2_000, 20, seed=1, min_class_size=6)
    >>> ds.n_classes, len(ds.texts)
    (20, 2000)
    """
    cfg = SyntheticConfig(n_documents=n_documents, n_classes=n_classes, **params)
    rng = np.random.default_rng(seed)
    classes = taxonomy(cfg.issue_skew)[: cfg.n_classes]
    sizes = class_sizes(
        cfg.n_documents,
        cfg.n_classes,
        head_share=cfg.head_share,
        min_class_size=cfg.min_class_size,
    )
    by_product: dict[str, list[int]] = {}
    for c, (product, _) in enumerate(classes):
        by_product.setdefault(product, []).append(c)

    texts, labels = [], []
    for c, (product, _) in enumerate(classes):
        spec = PRODUCTS[product]
        family = by_product[product]
        for _ in range(sizes[c]):
            source = c
            if len(family) > 1 and rng.random() < cfg.label_noise:
                # 2) noisy label: the text is written from a sibling issue, labelled c
                source = _pick_sibling(rng, family, sizes, c)
            own = spec["issues"][classes[source][1]]
            # 3) borrowed cues come from a sibling in proportion to its volume: the
            #    frequent issues of a product are the ones that blur into each other
            sib = (
                spec["issues"][classes[_pick_sibling(rng, family, sizes, source)][1]]
                if len(family) > 1
                else []
            )
            texts.append(_narrative(rng, cfg, own, sib, spec))
            labels.append(c)
    order = rng.permutation(len(texts))
    texts = [texts[i] for i in order]
    labels = np.asarray(labels)[order]
    notes = [
        f"Generated {cfg.n_documents:,} synthetic complaint narratives in {cfg.n_classes} "
        f"classes (seed {seed}); simulated, not real complaints.",
        "Generator parameters: "
        + ", ".join(
            f"{k}={v}" for k, v in asdict(cfg).items() if k not in ("n_documents", "n_classes")
        ),
    ]
    return make_dataset(
        texts,
        labels,
        class_names=[issue for _, issue in classes],
        name="synthetic",
        test_size=test_size,
        validation_size=validation_size,
        seed=seed,
        notes=notes,
    )
