"""Interactive views for Jupyter: a slider over the weighting exponent ``alpha``.

:func:`alpha_explorer` reads from a precomputed :class:`~weightlab.sweep.AlphaSweep`, so a
slider move only looks up a trained run and redraws (a fraction of a second); retraining the
default engine on 58,000 documents would take seconds per move.

Every widget here has a static counterpart for readers without a kernel (on GitHub, say):
:meth:`AlphaSweep.table() <weightlab.sweep.AlphaSweep.table>` and
:func:`weightlab.plots.plot_tradeoff` for the whole grid, and
:func:`weightlab.plots.plot_alpha_view` for the figure at one ``alpha``.

Examples
--------
>>> sweep = wl.alpha_sweep(ds, progress=False)  # doctest: +SKIP
>>> explorer = wl.alpha_explorer(sweep)  # doctest: +SKIP
>>> explorer  # in a notebook: the slider, the numbers and the figure  # doctest: +SKIP
>>> explorer.slider.value = 0.5  # what a user's drag does  # doctest: +SKIP
>>> explorer.numbers.value  # the HTML table now shows alpha = 0.5  # doctest: +SKIP
"""

from __future__ import annotations

import html
import io

import ipywidgets as widgets
import numpy as np

__all__ = ["AlphaExplorer", "alpha_explorer"]

_LABELS = {
    "accuracy": "accuracy",
    "macro_f1": "macro F1",
    "zero_f1_classes": "classes with F1 = 0",
    "n_classes_predicted": "classes ever predicted",
}


def _numbers_html(frame, n_scored: int) -> str:
    """The compare() table as a small HTML table (accuracy in %, change in points)."""
    base_col, new_col = frame.columns[0], frame.columns[1]
    rows = []
    for key, (b, a, d) in frame.iterrows():
        if key == "accuracy":
            cells = (f"{b:.1%}", f"{a:.1%}", f"{100 * d:+.1f} pts")
        elif key == "macro_f1":
            cells = (f"{b:.3f}", f"{a:.3f}", f"{d:+.3f}")
        else:
            cells = (f"{b:.0f}", f"{a:.0f}", f"{d:+.0f}")
        tds = "".join(f'<td style="text-align:right;padding:0 12px">{c}</td>' for c in cells)
        rows.append(f"<tr><td>{html.escape(_LABELS[key])}</td>{tds}</tr>")
    head = "".join(
        f'<th style="text-align:right;padding:0 12px">{html.escape(c)}</th>'
        for c in (base_col, new_col, "change")
    )
    return (
        '<table class="weightlab-numbers"><thead><tr><th></th>'
        f"{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
        f'<div style="font-size:smaller;color:grey">Test split; macro F1 and the zero-F1 '
        f"count over the {n_scored} classes present in it.</div>"
    )


def _png(fig, dpi: int) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight")
    return buf.getvalue()


class AlphaExplorer(widgets.VBox):
    """A slider over ``alpha`` with the numbers and the figure at that ``alpha``.

    Made by :func:`alpha_explorer`. Children, exposed as attributes:

    Attributes
    ----------
    slider : ipywidgets.FloatSlider
        The weighting exponent; moving it (or setting ``slider.value``) updates the rest.
    numbers : ipywidgets.HTML
        Accuracy, macro F1, zero-F1 classes and classes predicted at the baseline, at
        the slider's ``alpha``, and the change.
    image : ipywidgets.Image
        PNG of :func:`weightlab.plots.plot_alpha_view` at the slider's ``alpha``.
    figure : matplotlib.figure.Figure
        The figure behind ``image`` (its axes titles name the ``alpha`` drawn).
    alpha : float
        The grid ``alpha`` currently shown.
    """

    def __init__(self, sweep, *, baseline_alpha: float = 0.0, value=None, dpi: int = 72):
        from matplotlib.figure import Figure

        self.sweep = sweep
        self.baseline_alpha = sweep.run(baseline_alpha).alpha
        self.dpi = dpi
        grid = sweep.alphas
        steps = np.diff(grid)
        if len(grid) < 2 or not np.allclose(steps, steps[0], atol=1e-9):
            raise ValueError(
                "alpha_explorer needs an evenly spaced grid of at least two alphas (a "
                f"slider has one step); this sweep has alpha in {grid.tolist()}. Run "
                "alpha_sweep(..., alphas=alpha_grid(0.05))."
            )
        start = 0.5 if value is None and np.isclose(grid, 0.5).any() else value
        start = sweep.run(grid[-1] if start is None else start).alpha
        self.slider = widgets.FloatSlider(
            value=start,
            min=float(grid[0]),
            max=float(grid[-1]),
            step=float(steps[0]),
            description="alpha",
            readout_format=".2f",
            continuous_update=False,
            layout=widgets.Layout(width="420px"),
        )
        self.numbers = widgets.HTML()
        self.image = widgets.Image(format="png", layout=widgets.Layout(max_width="100%"))
        self.figure = Figure(figsize=(14, 3.9), layout="constrained")
        self.alpha = None
        super().__init__([self.slider, self.numbers, self.image])
        self.slider.observe(self._on_slider, names="value")
        self.show(start)

    def _on_slider(self, change) -> None:
        self.show(change["new"])

    def show(self, alpha: float) -> None:
        """Show the run at the grid ``alpha`` nearest to ``alpha``: numbers and figure together."""
        from weightlab.plots import plot_alpha_view

        run = self.sweep.run(alpha, atol=self.slider.step / 2)  # nearest grid point
        frame = self.sweep.compare(run.alpha, baseline_alpha=self.baseline_alpha)
        n_scored = int(run.scores.overall["n_classes_scored"])
        self.figure.clear()
        axes = self.figure.subplots(1, 3, gridspec_kw={"width_ratios": [1, 1, 1.35]})
        plot_alpha_view(self.sweep, run.alpha, baseline_alpha=self.baseline_alpha, axes=axes)
        self.alpha = run.alpha
        self.numbers.value = _numbers_html(frame, n_scored)
        self.image.value = _png(self.figure, self.dpi)

    def __repr__(self) -> str:
        return (
            f"AlphaExplorer(alpha={self.alpha:g}, {len(self.sweep.alphas)} alphas from "
            f"{self.sweep.alphas[0]:g} to {self.sweep.alphas[-1]:g}; run the notebook "
            "in Jupyter to move the slider)"
        )


def alpha_explorer(sweep, *, baseline_alpha: float = 0.0, value: float | None = None):
    """A slider over the weighting exponent that updates the numbers and the figure together.

    Moving the slider looks up the sweep's run at that ``alpha`` and shows, at once:

    - accuracy, macro F1, zero-F1 classes and classes predicted, beside those at
      ``baseline_alpha`` and the change (:meth:`~weightlab.sweep.AlphaSweep.compare`);
    - the per-class F1 histogram against the baseline's, and the position of this ``alpha``
      on the accuracy-vs-macro-F1 curve of all alphas (:func:`weightlab.plots.plot_alpha_view`).

    Parameters
    ----------
    sweep : weightlab.sweep.AlphaSweep
        An evenly spaced sweep (the slider step is its spacing), from
        :func:`weightlab.sweep.alpha_sweep`.
    baseline_alpha : float, default 0.0
        The ``alpha`` to compare against (0 = unweighted).
    value : float, optional
        Initial ``alpha``; default 0.5 (the article's weighting) when on the grid, else the
        largest ``alpha``.

    Returns
    -------
    AlphaExplorer
        An ``ipywidgets.VBox`` with ``.slider``, ``.numbers``, ``.image`` and ``.figure``.

    Raises
    ------
    ValueError
        If the grid is not evenly spaced, or ``baseline_alpha`` / ``value`` is off the grid.
    """
    return AlphaExplorer(sweep, baseline_alpha=baseline_alpha, value=value)
