"""Loading a results folder for the report (:func:`weightlab.results.load_results`).

``SavedResults`` is the old name of :class:`weightlab.results.Results`, the one results type.
"""

from weightlab.results import REQUIRED_FILES, Results, load_results

SavedResults = Results

__all__ = ["REQUIRED_FILES", "SavedResults", "load_results"]
