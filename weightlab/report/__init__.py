r"""One self-contained HTML page for a stakeholder, from a ``weightlab reproduce`` folder.

``weightlab report --results results/ --out results/report.html`` (or :func:`write_report`)
reads the folder (:func:`load_results`: ``results.json``, ``per_class.csv``, ``logits.npz``)
and writes one HTML file with every figure embedded as a base64 PNG (no external asset, no
script): the results table with bootstrap intervals and paired differences, the accuracy vs
macro-F1 frontier, the per-class F1 histograms and changes, the band table, coverage, the
absorption and losses tables, and a plain-language paragraph per operating view
(:mod:`weightlab.views`): what was gained, what was traded away, and for whom.

Every number in the text is computed from the folder; the article's figures appear only in
columns and sentences labelled as reported by the article.

Which runs are compared
-----------------------
``before`` is the engine's run at ``alpha = 0`` (``unweighted``), ``after`` the run at
``alpha = 0.5`` (``weighted``) - else the smallest and the largest ``alpha`` of the engine's
plain cross-entropy runs. The third model is the post-hoc alternative: ``before``'s logits
adjusted with the ``tau`` that maximises macro F1 on the **validation** split
(:func:`weightlab.adjust.choose_tau`), scored once on test.
"""

from weightlab.report.html import build_report, write_report
from weightlab.report.load import REQUIRED_FILES, SavedResults, load_results
from weightlab.report.text import view_paragraphs

__all__ = [
    "REQUIRED_FILES",
    "SavedResults",
    "load_results",
    "view_paragraphs",
    "build_report",
    "write_report",
]
