"""Interactive views for Jupyter: sliders over ``alpha``, ``tau`` and the user's constraints.

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

import contextlib
import html
import io
from dataclasses import dataclass

import ipywidgets as widgets
import numpy as np

__all__ = [
    "AlphaExplorer",
    "ConstraintSlider",
    "DecisionExplorer",
    "FrontierExplorer",
    "alpha_explorer",
    "decision_explorer",
    "frontier_explorer",
]

_LABELS = {
    "accuracy": "accuracy",
    "macro_f1": "macro F1",
    "zero_f1_classes": "classes with F1 = 0",
    "n_classes_predicted": "classes ever predicted",
}


def _numbers_html(frame, n_scored: int) -> str:
    """The compare() table as a small HTML table (accuracy in %, change in points)."""
    base_col, new_col = frame.index[0], frame.index[1]
    rows = []
    for key, (b, a, d) in frame.items():
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


class _Frame:
    """A figure drawn in full once; after that only its moving artists are drawn again.

    Why by hand: matplotlib's blitting calls (``copy_from_bbox`` / ``restore_region`` /
    ``draw_artist``) serve GUI canvases; here they feed the PNG of an ``ipywidgets.Image``,
    which the widget owns whatever the matplotlib backend is. A full draw of the explorer's
    figure with its layout is ~300 ms; restoring the static background and drawing the few
    artists a slider moves is a few milliseconds, and a fast PNG encoding (Pillow,
    ``compress_level=1``) a few more.
    """

    def __init__(self, figure, moving, *, dpi: int):
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        self.figure = figure
        self.moving = list(moving)
        figure.set_dpi(dpi)
        self.canvas = FigureCanvasAgg(figure)
        for artist in self.moving:
            artist.set_animated(True)  # left out of the full draw: the background
        self.canvas.draw()
        self._background = self.canvas.copy_from_bbox(figure.bbox)

    def png(self, description: str) -> bytes:
        """The figure with the moving artists in their current state, as PNG bytes.

        ``description`` (what the picture shows, e.g. ``"alpha=0.5"``) goes into the PNG's
        ``Description`` text chunk, so a browser test can tell which state it displays.
        """
        from PIL import Image, PngImagePlugin

        self.canvas.restore_region(self._background)
        for artist in self.moving:
            self.figure.draw_artist(artist)
        width, height = self.canvas.get_width_height()
        image = Image.frombuffer("RGBA", (width, height), self.canvas.buffer_rgba())
        info = PngImagePlugin.PngInfo()
        info.add_text("Description", description)
        buf = io.BytesIO()
        image.convert("RGB").save(buf, format="png", compress_level=1, pnginfo=info)
        return buf.getvalue()


@contextlib.contextmanager
def _updating(status: widgets.HTML):
    """Beside the slider: "updating ..." until the numbers and the figure are in place."""
    status.value = '<span style="color:grey">updating ...</span>'
    try:
        yield
    finally:
        status.value = ""


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

    def __init__(self, sweep, *, baseline_alpha: float = 0.0, value=None, dpi: int = 100):
        from matplotlib.figure import Figure

        from weightlab.plots import f1_bar_heights, plot_alpha_view

        self.sweep = sweep
        self.baseline_alpha = sweep.run(baseline_alpha).alpha
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
        self.status = widgets.HTML()
        self.numbers = widgets.HTML()
        self.image = widgets.Image(format="png", layout=widgets.Layout(max_width="100%"))
        # 1) The whole figure once, laid out at the first alpha whatever the start (so a
        #    move gives the very picture a new explorer would), with a y axis that fits every
        #    alpha: a move changes bars, titles and the marked point, never the axes.
        self.figure = Figure(figsize=(11, 3.6), layout="constrained", facecolor="white")
        axes = self.figure.subplots(1, 3, gridspec_kw={"width_ratios": [1, 1, 1.35]})
        plot_alpha_view(sweep, grid[0], baseline_alpha=self.baseline_alpha, ax=axes)
        bins = len(axes[1].patches) - 1  # the bar at F1 = 0, then the histogram
        self._edges = np.linspace(0, 1, bins + 1)
        top = 0
        for r in sweep.runs:
            n_zero, heights = f1_bar_heights(r.scores, self._edges)
            top = max(top, n_zero, heights.max())
        for ax in axes[:2]:
            ax.set_ylim(0, top * 1.1)
        self._table = sweep.table().set_index("alpha", drop=False)
        hist, trade = axes[1], axes[2]
        self._bars = list(hist.patches)
        self._marker = next(c for c in trade.collections if c.get_gid() == "highlight")
        moving = [*self._bars, hist.title, hist.get_legend(), self._marker, trade.get_legend()]
        self._frame = _Frame(self.figure, moving, dpi=dpi)
        self.alpha = None
        super().__init__([widgets.HBox([self.slider, self.status]), self.numbers, self.image])
        self.slider.observe(self._on_slider, names="value")
        self.show(start)

    def _on_slider(self, change) -> None:
        self.show(change["new"])

    def show(self, alpha: float) -> None:
        """Show the run at the grid ``alpha`` nearest to ``alpha``: numbers and figure together."""
        from weightlab.plots import (
            alpha_view_titles,
            f1_bar_heights,
            f1_histogram_title,
            f1_legend_labels,
            tradeoff_label,
        )

        with _updating(self.status):
            run = self.sweep.run(alpha, atol=self.slider.step / 2)  # nearest grid point
            frame = self.sweep.compare(run.alpha, baseline_alpha=self.baseline_alpha)
            n_scored = int(run.scores.overall["n_classes_scored"])
            # 2) Only what the move changes: the right histogram, its title and legend, the
            #    marked point of the trade-off and its legend entry.
            hist, trade = self.figure.axes[1], self.figure.axes[2]
            n_zero, heights = f1_bar_heights(run.scores, self._edges)
            for bar, height in zip(self._bars, [n_zero, *heights], strict=True):
                bar.set_height(height)
            title = alpha_view_titles(self.baseline_alpha, run.alpha)[1]
            hist.title.set_text(f1_histogram_title(title, run.scores))
            for text, label in zip(
                hist.get_legend().texts, f1_legend_labels(n_zero, heights), strict=True
            ):
                text.set_text(label)
            row = self._table.loc[run.alpha]
            self._marker.set_offsets([[row["accuracy"], row["macro_f1"]]])
            trade.get_legend().texts[0].set_text(tradeoff_label(row))
            self.alpha = run.alpha
            self.numbers.value = _numbers_html(frame, n_scored)
            self.image.value = self._frame.png(f"alpha={run.alpha:g}")

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


def _frontier_html(rows) -> str:
    """The frontier explorer's numbers: one row per point (name, accuracy, macro F1)."""
    cell = '<td style="text-align:right;padding:0 12px">{}</td>'
    body = "".join(
        f"<tr><td>{html.escape(name)}</td>{cell.format(f'{acc:.1%}')}"
        f"{cell.format(f'{f1:.3f}')}</tr>"
        for name, acc, f1 in rows
    )
    head = "".join(
        f'<th style="text-align:right;padding:0 12px">{c}</th>' for c in ("accuracy", "macro F1")
    )
    return (
        f'<table class="weightlab-numbers"><thead><tr><th></th>{head}</tr></thead>'
        f"<tbody>{body}</tbody></table>"
        '<div style="font-size:smaller;color:grey">Test split. Red dot: the tau slider on the '
        "trained model's tau curve; magenta square: the alpha slider's retrained model.</div>"
    )


def _nearest(frame, key: str, value: float):
    """The row of ``frame`` whose ``key`` is nearest to ``value`` (a slider snaps to it)."""
    return frame.iloc[int(np.argmin(np.abs(frame[key].to_numpy(dtype=np.float64) - value)))]


def _grid_slider(values, value, description: str) -> widgets.SelectionSlider:
    """A slider over exactly the points that exist (any spacing), labelled like ``0.75``."""
    return widgets.SelectionSlider(
        options=[(f"{v:g}", float(v)) for v in values],
        value=float(value),
        description=description,
        continuous_update=False,
        layout=widgets.Layout(width="420px"),
    )


class FrontierExplorer(widgets.VBox):
    """Two sliders on the accuracy / macro-F1 frontier: ``tau`` after training, ``alpha`` before.

    Made by :func:`frontier_explorer`. The ``tau`` slider walks the first tau curve (post-hoc
    logit adjustment of one trained model), the ``alpha`` slider the retrained class-weighted
    models; both move their marker on :func:`weightlab.frontier.plot_frontier`.

    Attributes
    ----------
    tau_slider, alpha_slider : ipywidgets.SelectionSlider
        The two knobs (``alpha_slider`` is None without retrained alpha points).
    numbers : ipywidgets.HTML
        Accuracy and macro F1 of the curve's model as trained, at the slider's tau, and of the
        retrained model at the slider's alpha.
    image : ipywidgets.Image
        PNG of the frontier with both points marked.
    figure : matplotlib.figure.Figure
        The figure behind ``image``.
    tau, alpha : float
        The grid values currently shown.
    """

    def __init__(self, inputs, *, tau=None, alpha=None, dpi: int = 100):
        from matplotlib.figure import Figure

        from weightlab.frontier import frontier_table, plot_frontier

        table = frontier_table(**inputs)
        curves = table[table["kind"] == "tau"]
        if curves.empty:
            raise ValueError(
                "frontier_explorer needs a tau curve to slide along: inputs['tau_curves'] is "
                "empty (frontier_inputs(..., curves=('unweighted',)) makes one)."
            )
        self.curve = curves["series"].iloc[0]
        self._taus = curves[curves["series"] == self.curve].set_index("tau", drop=False)
        self._alphas = table[table["kind"] == "alpha"].set_index("alpha", drop=False)
        tau0 = float(_nearest(self._taus, "tau", 0.0 if tau is None else tau)["tau"])
        self.tau_slider = _grid_slider(self._taus["tau"], tau0, "tau")
        self.alpha_slider = None
        alpha0 = None
        if len(self._alphas):
            has_half = np.isclose(self._alphas["alpha"], 0.5).any()
            start = alpha if alpha is not None else 0.5 if has_half else 0.0
            alpha0 = float(_nearest(self._alphas, "alpha", start)["alpha"])
            self.alpha_slider = _grid_slider(self._alphas["alpha"], alpha0, "alpha")
        self.status = widgets.HTML()
        self.numbers = widgets.HTML()
        self.image = widgets.Image(format="png", layout=widgets.Layout(max_width="100%"))
        # 1) The whole figure once, laid out with the markers at the first grid points; a
        #    move redraws only the two markers and the legend that names them.
        self.figure = Figure(figsize=(8.5, 5.6), layout="constrained", facecolor="white")
        ax = self.figure.subplots()
        first_alpha = None if alpha0 is None else float(self._alphas["alpha"].iloc[0])
        plot_frontier(**inputs, tau=float(self._taus["tau"].iloc[0]), alpha=first_alpha, ax=ax)
        markers = {c.get_gid(): c for c in ax.collections if c.get_gid()}
        self._markers = {k: markers.get(f"{k}-marker") for k in ("tau", "alpha")}
        legend = ax.get_legend()
        labels = [t.get_text() for t in legend.texts]
        self._legend_texts = {
            k: legend.texts[labels.index(m.get_label())]
            for k, m in self._markers.items()
            if m is not None
        }
        moving = [m for m in self._markers.values() if m is not None] + [legend]
        self._frame = _Frame(self.figure, moving, dpi=dpi)
        self.tau = self.alpha = None
        sliders = [s for s in (self.tau_slider, self.alpha_slider) if s is not None]
        super().__init__([widgets.HBox([*sliders, self.status]), self.numbers, self.image])
        for slider in sliders:
            slider.observe(self._on_slider, names="value")
        self.show(tau0, alpha0)

    def _on_slider(self, change) -> None:
        alpha = None if self.alpha_slider is None else self.alpha_slider.value
        self.show(self.tau_slider.value, alpha)

    def show(self, tau: float, alpha: float | None = None) -> None:
        """Mark the curve's point nearest to ``tau`` and the retrained one nearest ``alpha``."""
        from weightlab.frontier import marker_label

        with _updating(self.status):
            points = {"tau": _nearest(self._taus, "tau", tau)}
            if alpha is not None and len(self._alphas):
                points["alpha"] = _nearest(self._alphas, "alpha", alpha)
            for key, row in points.items():
                self._markers[key].set_offsets([[row["accuracy"], row["macro_f1"]]])
                self._legend_texts[key].set_text(marker_label(row))
            self.tau = float(points["tau"]["tau"])
            self.alpha = float(points["alpha"]["alpha"]) if "alpha" in points else None
            trained = self._taus.iloc[int(np.argmin(np.abs(self._taus["tau"].to_numpy())))]
            rows = [
                (
                    f"{self.curve} as trained ({trained['label']})",
                    trained["accuracy"],
                    trained["macro_f1"],
                )
            ]
            rows += [(row["point"], row["accuracy"], row["macro_f1"]) for row in points.values()]
            self.numbers.value = _frontier_html(rows)
            drawn = [f"{key}={float(row[key]):g}" for key, row in points.items()]
            self.image.value = self._frame.png(", ".join(drawn))

    def __repr__(self) -> str:
        alpha = "" if self.alpha is None else f", alpha={self.alpha:g}"
        return (
            f"FrontierExplorer(tau={self.tau:g} on the {self.curve} curve{alpha}; run the "
            "notebook in Jupyter to move the sliders)"
        )


def frontier_explorer(inputs, *, tau: float | None = None, alpha: float | None = None):
    """Sliders for ``tau`` (post-hoc) and ``alpha`` (retrained) on the frontier figure.

    Moving either slider moves its point on :func:`weightlab.frontier.plot_frontier` (red
    dot: the first tau curve at that tau; magenta square: the class-weighted model retrained
    at that alpha) and updates the numbers beside the curve's model as trained.

    Parameters
    ----------
    inputs : dict
        From :func:`weightlab.frontier.frontier_inputs` (the arguments of ``plot_frontier``).
    tau : float, optional
        Initial tau (nearest grid point; default 0, the model as trained).
    alpha : float, optional
        Initial alpha (nearest retrained point; default 0.5 when there is one, else 0).

    Returns
    -------
    FrontierExplorer
        An ``ipywidgets.VBox`` with ``.tau_slider``, ``.alpha_slider``, ``.numbers``,
        ``.image`` and ``.figure``.

    Raises
    ------
    ValueError
        If ``inputs`` has no tau curve, or is not valid for ``frontier_table``.
    """
    return FrontierExplorer(inputs, tau=tau, alpha=alpha)


@dataclass(frozen=True)
class ConstraintSlider:
    """One constraint of a :class:`DecisionExplorer`, set with a slider.

    The constraint is ``template.format(value * scale)`` for the slider's ``value``, e.g.
    ``ConstraintSlider("max zero-F1", "zero_f1_classes<={:g}", range(0, 114, 10))`` or, in
    accuracy points, ``ConstraintSlider("max volume drop", "volume_accuracy>=unweighted-{:g}",
    (0, 1, 2, 5), scale=0.01)``.
    """

    description: str
    template: str
    values: tuple
    start: float | None = None  # default: the last value; else the nearest value to it
    scale: float = 1.0

    def constraint(self, value: float) -> str:
        """The constraint text at slider ``value``."""
        return self.template.format(round(float(value) * self.scale, 10))


def _decision_html(decision) -> str:
    """The decision explorer's numbers: the chosen point on test and validation, and more."""
    from weightlab.decision import _fmt

    cell = '<td style="text-align:right;padding:0 12px">{}</td>'
    metrics = ("accuracy", "macro_f1", "zero_f1_classes", "volume_accuracy", "cost")
    d = decision.to_dict()
    rows = []
    if d["feasible"]:
        ch = d["chosen"]
        rows += [("chosen (test)", ch["test"]), ("chosen (validation)", ch["validation"])]
    body = "".join(
        f"<tr><td>{html.escape(name)}</td>"
        + "".join(cell.format(html.escape(_fmt(m, scores[m]))) for m in metrics)
        + "</tr>"
        for name, scores in rows
    )
    head = "".join(
        f'<th style="text-align:right;padding:0 12px">{c}</th>'
        for c in ("accuracy", "macro F1", "zero-F1 classes", "volume accuracy", "cost")
    )
    lines = decision.describe().splitlines()
    text = "<br>".join(html.escape(x.strip()) for x in lines)
    return (
        f'<table class="weightlab-numbers"><thead><tr><th></th>{head}</tr></thead>'
        f"<tbody>{body}</tbody></table>"
        f'<div style="font-size:smaller;color:grey">{text}<br>The red star is the chosen '
        "point's test scores; it can sit off the drawn curves (each run has its own tau and "
        "offsets curves, only the unweighted ones are drawn).</div>"
    )


class DecisionExplorer(widgets.VBox):
    """Constraint sliders that re-choose the operating point and move it on the frontier.

    Made by :func:`decision_explorer`. Every move calls
    :func:`weightlab.decision.choose_point` on the candidate points computed once (so a move
    is a filter and a sort, not a refit) and moves the red star to the chosen point's test
    scores on :func:`weightlab.frontier.plot_frontier`.

    Attributes
    ----------
    sliders : dict of str to ipywidgets.SelectionSlider
        One per :class:`ConstraintSlider`, by description.
    numbers : ipywidgets.HTML
        The chosen point on test and on validation, and the decision in sentences.
    image : ipywidgets.Image
        PNG of the frontier with the chosen point starred.
    decision : weightlab.decision.Decision
        The decision shown.
    """

    def __init__(
        self,
        results,
        sliders,
        *,
        maximize=None,
        minimize=None,
        table=None,
        inputs=None,
        dpi: int = 100,
    ):
        from matplotlib.figure import Figure

        from weightlab.decision import candidate_points, choose_point
        from weightlab.frontier import frontier_inputs, plot_frontier

        self.results = results
        self.specs = list(sliders)
        if not self.specs:
            raise ValueError("decision_explorer needs at least one ConstraintSlider.")
        self.objective = {"maximize": maximize, "minimize": minimize}
        self.table = candidate_points(results) if table is None else table
        if inputs is None:
            inputs = frontier_inputs(
                results.runs,
                y_test=results.y_test,
                train_counts=results.train_counts,
                y_validation=results.y_validation,
            )
        self.sliders = {}
        for spec in self.specs:
            values = [float(v) for v in spec.values]
            if not values:
                raise ValueError(f"The slider {spec.description!r} has no values.")
            # a start between grid values snaps to the nearest, as a slider would
            start = values[-1] if spec.start is None else float(spec.start)
            start = min(values, key=lambda v, s=start: abs(v - s))
            self.sliders[spec.description] = _grid_slider(values, start, spec.description)
        # check every constraint once, before any drawing: a typo fails here, not on a move
        choose_point(results, **self.objective, subject_to=self._constraints(), table=self.table,
                     n_boot=0)  # fmt: skip
        self.status = widgets.HTML()
        self.numbers = widgets.HTML()
        self.image = widgets.Image(format="png", layout=widgets.Layout(max_width="100%"))
        # 1) The frontier once, with the star placed; a move redraws the star and its legend.
        self.figure = Figure(figsize=(8.5, 5.6), layout="constrained", facecolor="white")
        ax = self.figure.subplots()
        points = self.table[["test_accuracy", "test_macro_f1"]].to_numpy(np.float64)
        plot_frontier(inputs, mark=(*points[0], "chosen point"), ax=ax)
        # 2) axes that hold every candidate: the star never leaves the picture
        ax.update_datalim(points[np.isfinite(points).all(axis=1)])
        ax.autoscale_view()
        self._star = next(c for c in ax.collections if c.get_gid() == "mark")
        legend = ax.get_legend()
        labels = [t.get_text() for t in legend.texts]
        self._legend_text = legend.texts[labels.index("chosen point")]
        self._frame = _Frame(self.figure, [self._star, legend], dpi=dpi)
        self.decision = None
        super().__init__(
            [widgets.HBox([*self.sliders.values(), self.status]), self.numbers, self.image]
        )
        for slider in self.sliders.values():
            slider.observe(self._on_slider, names="value")
        self.show()

    def _constraints(self) -> list[str]:
        return [spec.constraint(self.sliders[spec.description].value) for spec in self.specs]

    def _on_slider(self, change) -> None:
        self.show()

    def show(self) -> None:
        """Choose with the sliders' constraints; update the star, the numbers and the figure."""
        from weightlab.decision import choose_point

        with _updating(self.status):
            self.decision = choose_point(
                self.results,
                **self.objective,
                subject_to=self._constraints(),
                table=self.table,
                n_boot=0,
            )
            if self.decision.feasible:
                test = self.decision.chosen["test"]
                self._star.set_offsets([[test["accuracy"], test["macro_f1"]]])
                self._legend_text.set_text(f"chosen: {self.decision.chosen['point']}")
            else:
                self._star.set_offsets(np.empty((0, 2)))
                self._legend_text.set_text("chosen: no point meets the constraints")
            self.numbers.value = _decision_html(self.decision)
            drawn = ", ".join(
                f"{spec.description}={self.sliders[spec.description].value:g}"
                for spec in self.specs
            )
            self.image.value = self._frame.png(drawn)

    def __repr__(self) -> str:
        point = self.decision.chosen["point"] if self.decision.feasible else "none feasible"
        return (
            f"DecisionExplorer({self.decision.objective}, subject to "
            f"{', '.join(self.decision.constraints)}: {point}; run the notebook in Jupyter to "
            "move the sliders)"
        )


def decision_explorer(
    results, sliders, *, maximize=None, minimize=None, table=None, inputs=None
) -> DecisionExplorer:
    """Sliders that set constraints and show the operating point they choose, on the frontier.

    Parameters
    ----------
    results : Results
        The runs to choose among (:func:`weightlab.reproduce` or ``load_results``).
    sliders : sequence of ConstraintSlider
        One slider per constraint.
    maximize, minimize : str
        The objective (one of :data:`weightlab.decision.DECISION_METRICS`).
    table : DataFrame, optional
        :func:`weightlab.decision.candidate_points` of ``results``, if computed already.
    inputs : FrontierInputs, optional
        The frontier to draw (default: :func:`~weightlab.frontier.frontier_inputs` of
        ``results`` with per-class offsets).

    Returns
    -------
    DecisionExplorer
        An ``ipywidgets.VBox`` with ``.sliders``, ``.numbers``, ``.image``, ``.decision``.

    Examples
    --------
    >>> wl.decision_explorer(results, [ConstraintSlider(  # doctest: +SKIP
    ...     "max zero-F1", "zero_f1_classes<={:g}", (10, 20, 40, 60))], maximize="accuracy")
    """
    return DecisionExplorer(
        results, sliders, maximize=maximize, minimize=minimize, table=table, inputs=inputs
    )
