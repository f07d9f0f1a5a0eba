"""Product to issue taxonomy for the synthetic complaint generator.

The taxonomy is data: ``taxonomy.json`` beside this module (a package resource), read once
here. Product and issue names are modelled on the public ``Product`` and ``Issue`` values of
the US CFPB Consumer Complaint Database, while every noun, shared product phrase and issue
cue phrase is invented for this package and contains no real company names or personal data.
Products are listed in descending order of real-world complaint volume and, within each
product, issues are listed from most to least common, because the generator derives a global
frequency rank from this order.
"""

from __future__ import annotations

import json
from importlib import resources

#: The data file. Its bytes are part of the generated corpus's cache key
#: (:func:`weightlab.cache.cached_synthetic`).
PATH = resources.files("weightlab") / "taxonomy.json"

#: Product -> {"nouns": [...], "phrases": [...], "issues": {issue: [cue phrases]}}.
PRODUCTS: dict[str, dict] = json.loads(PATH.read_text(encoding="utf-8"))
