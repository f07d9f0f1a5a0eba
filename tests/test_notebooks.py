"""The committed notebooks: clean apart from their outputs, and usable in a real browser.

What a committed notebook may hold (the rest is noise, or leaks the author's machine):

- notebook metadata: ``kernelspec`` (``python3``, the same in every notebook) and
  ``language_info`` only - no ``widgets`` state (execute with
  ``--ExecutePreprocessor.store_widget_state=False``, as ``make notebooks`` does), no
  papermill or JupyterLab bookkeeping;
- cell metadata: ``tags`` (``parameters`` on the parameters cell, ``remove-cell`` on check
  cells, which ``make html`` leaves out) and, on check cells only, ``jupyter.source_hidden``
  (collapsed in JupyterLab) - no execution timings, ``scrolled``, ``collapsed``;
- outputs of one fresh top-to-bottom run: execution counts 1, 2, 3, ... with no gaps, no
  errors, nothing on stderr (warnings, progress bars), no absolute paths (``/work``,
  ``/root``, ``/tmp``, ``/home``) and no memory addresses;
- every text output (tables, printed numbers) in a cell marked ``# NBVAL_CHECK_OUTPUT``, so
  ``pytest --nbval-lax notebooks`` compares all of it with a fresh execution; figures
  (PNG, which nbval does not compare) and widgets (random model ids) are exempt.

The end-to-end browser test (``-m browser``, ``make test-browser``) needs Debian's
``chromium`` (``apt-get install -y chromium``; Playwright's own browser download is not
used) and the ``playwright`` Python package. For every notebook with a widget in its
committed outputs it starts JupyterLab on 127.0.0.1, runs a copy of the notebook in headless
Chromium, drags every slider with the mouse and checks that the numbers change to those of
the new position in the committed static tables and that the figure is the one drawn for it.
It skips without chromium, unless ``WEIGHTLAB_REQUIRE_BROWSER=1`` (CI), where that is a
failure.
"""

import ast
import json
import math
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
PATHS = sorted(NOTEBOOKS.glob("*.ipynb"))
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
ALLOWED_TAGS = {"parameters", "remove-cell"}
PARAMETERS = {"DATA", "SIZE", "ENGINE", "SEED"}
CHECK_MARK = "# NBVAL_CHECK_OUTPUT"
#: The one exemption: an output whose last digits vary between runs and CPUs (the
#: encoder-logreg fit on embeddings from multithreaded float kernels), which a hidden check asserts
#: within a stated tolerance instead. The marker must say so.
VARYING_MARK = "# last digits vary with float kernels: checked with a tolerance below"
MAX_CODE_LINES = 5  # STYLE.md: 1-5 line cells calling the library
ABSOLUTE_PATH = re.compile(r"(?<![\w.~])/(?:work|root|tmp|home|Users)/|[A-Za-z]:\\\\")
ADDRESS = re.compile(r"0x[0-9a-fA-F]{8,}")
WIDGET = "application/vnd.jupyter.widget-view+json"
IMAGES = ("image/png", "image/jpeg", "image/svg+xml")


def _ids(path):
    return path.name


@pytest.fixture(params=PATHS, ids=_ids)
def nb(request):
    return nbformat.read(request.param, as_version=4)


def _code_cells(nb):
    return [c for c in nb.cells if c.cell_type == "code"]


def _text_of(output) -> str:
    """Everything of an output that a reader sees as text (not images)."""
    if output.output_type == "stream":
        return output.text
    if output.output_type == "error":
        return "\n".join(output.traceback)
    return "\n".join(
        v if isinstance(v, str) else json.dumps(v)
        for k, v in output.get("data", {}).items()
        if k not in IMAGES
    )


def _is_text_output(output) -> bool:
    """True for outputs nbval should compare: not a figure, not a widget."""
    if output.output_type == "stream":
        return True
    data = output.get("data", {})
    if WIDGET in data or any(k in data for k in IMAGES):
        return False
    return bool(data)


def test_there_are_notebooks():
    assert [p.name for p in PATHS] == [
        "01_reproduce_table.ipynb",
        "02_per_class_f1.ipynb",
        "03_tradeoff_explorer.ipynb",
        "04_frontier_and_decision.ipynb",
        "05_real_complaints.ipynb",
        "06_remedies_and_decision.ipynb",
    ]


def test_valid_nbformat_with_one_kernelspec_and_no_stray_metadata(nb):
    nbformat.validate(nb)
    assert set(nb.metadata) <= {"kernelspec", "language_info"}, (
        f"stray notebook metadata {sorted(set(nb.metadata) - {'kernelspec', 'language_info'})}; "
        "execute with --ExecutePreprocessor.store_widget_state=False (make notebooks)"
    )
    assert dict(nb.metadata.kernelspec) == KERNELSPEC
    assert nb.metadata.get("language_info", {}).get("name", "python") == "python"
    for i, cell in enumerate(nb.cells):
        tags = cell.metadata.get("tags", [])
        assert set(tags) <= ALLOWED_TAGS, f"cell {i}: tags"
        # A check cell is collapsed in JupyterLab (and tagged, so exports drop it).
        hidden = {"jupyter": {"source_hidden": True}} if "remove-cell" in tags else {}
        stray = {k: v for k, v in cell.metadata.items() if k != "tags"}
        assert stray == hidden, f"cell {i}: metadata {dict(cell.metadata)}; expected {hidden}"


def test_executed_once_top_to_bottom_without_errors_or_stderr(nb):
    code = _code_cells(nb)
    counts = [c.execution_count for c in code]
    assert counts == list(range(1, len(code) + 1)), (
        f"execution counts {counts}: re-execute the whole notebook from a fresh kernel "
        "(make notebooks)"
    )
    for i, cell in enumerate(code):
        for out in cell.outputs:
            assert out.output_type != "error", f"code cell {i} has an error output"
            if out.output_type == "stream":
                assert out.name == "stdout", f"code cell {i} wrote to stderr: {out.text[:300]}"


def test_no_absolute_paths_or_memory_addresses(nb):
    for i, cell in enumerate(nb.cells):
        assert not ABSOLUTE_PATH.search(cell.source), f"cell {i}: absolute path in the source"
        for out in cell.get("outputs", []):
            text = _text_of(out)
            assert not ABSOLUTE_PATH.search(text), f"cell {i}: absolute path in an output"
            assert not ADDRESS.search(text), f"cell {i}: memory address in an output"


def test_markdown_has_no_control_characters(nb):
    # A backslash lost in editing turns LaTeX's \alpha into a bell and \tau into a tab.
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "markdown":
            bad = sorted({repr(ch) for ch in cell.source if ord(ch) < 32 and ch != "\n"})
            assert not bad, f"cell {i}: control characters {', '.join(bad)} in the text"


def test_every_text_output_is_checked_by_nbval(nb):
    for i, cell in enumerate(_code_cells(nb)):
        if any(_is_text_output(out) for out in cell.outputs):
            assert CHECK_MARK in cell.source or VARYING_MARK in cell.source, (
                f"code cell {i} prints text but is not marked {CHECK_MARK!r}, so nbval would "
                f"not compare it with a fresh run:\n{cell.source}"
            )


TRAINING_CALLS = ("wl.reproduce(", "wl.alpha_sweep(", "wl.weighting_sensitivity(")


def test_training_cells_show_progress_bars(nb):
    # A user waits minutes in these cells: tqdm's bars (widgets in Jupyter) say how long.
    # Their status lines depend on what is cached, so nbval must not compare these cells.
    training = [c for c in _code_cells(nb) if any(call in c.source for call in TRAINING_CALLS)]
    assert training
    for cell in training:
        assert "progress=False" not in cell.source, cell.source
        assert CHECK_MARK not in cell.source, f"a training cell is output-checked:\n{cell.source}"
        assert any(WIDGET in out.get("data", {}) for out in cell.outputs), (
            f"no progress bar in the committed outputs of:\n{cell.source}"
        )


def test_parameters_cell_comes_first_and_sets_data_size_engine_seed(nb):
    code = _code_cells(nb)
    tagged = [c for c in code if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1 and tagged[0] is code[0], "the first code cell must be `parameters`"
    names = {t.id for node in ast.parse(code[0].source).body for t in getattr(node, "targets", [])}
    assert PARAMETERS <= names, f"parameters cell sets {sorted(names)}"


def test_code_cells_are_short_calls_into_the_library(nb):
    for i, cell in enumerate(_code_cells(nb)):
        tree = ast.parse("\n".join(line for line in cell.source.splitlines() if line[:1] != "%"))
        defined = [
            n
            for n in ast.walk(tree)
            if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
        ]
        # (A lambda passed to a widget is allowed: STYLE.md's one-line callback wrapper.)
        assert not defined, f"code cell {i} defines a function or class; move it into weightlab"
        tags = cell.metadata.get("tags", [])
        if "parameters" in tags or "remove-cell" in tags:
            continue
        lines = [s for s in cell.source.splitlines() if s.strip() and not s.startswith("#")]
        statements = len(tree.body)
        assert statements <= MAX_CODE_LINES and len(lines) <= MAX_CODE_LINES + 2, (
            f"code cell {i} has {len(lines)} lines; keep cells to a few library calls"
        )


def test_says_what_is_real_and_what_is_simulated(nb):
    prose = " ".join(c.source for c in nb.cells if c.cell_type == "markdown").lower()
    assert re.search(r"\breal\b", prose) and re.search(r"\b(simulated|generated)\b", prose)


def test_html_export_leaves_the_check_cells_out():
    # What `make html` does: nbconvert with the remove-cell tag removed.
    from nbconvert import HTMLExporter
    from traitlets.config import Config

    config = Config()
    config.TagRemovePreprocessor.enabled = True
    config.TagRemovePreprocessor.remove_cell_tags = ("remove-cell",)
    path = NOTEBOOKS / "01_reproduce_table.ipynb"
    body, _ = HTMLExporter(config=config).from_filename(str(path))
    checks = [
        c
        for c in nbformat.read(path, as_version=4).cells
        if "remove-cell" in c.metadata.get("tags", [])
    ]
    assert checks
    assert "(hidden in rendered docs)" in checks[0].source
    assert "hidden in rendered docs" not in body
    assert "weightlab" in body and "jp-CodeCell" in body  # the rest is there


@pytest.mark.parametrize("path", PATHS, ids=_ids)
def test_committed_with_outputs_but_small(path):
    nb = nbformat.read(path, as_version=4)
    assert any(c.outputs for c in _code_cells(nb)), "commit the notebook with its outputs"
    assert path.stat().st_size < 2_000_000, "over 2 MB: lower figure dpi or drop widget state"


# --------------------------------------------------------------------------------------------
# Other parameters, as the README invites: papermill with a smaller corpus and another seed
# --------------------------------------------------------------------------------------------

#: Parameters other than the committed ones, per notebook (every notebook gets SIZE and SEED).
OTHER_PARAMETERS = {
    "03_tradeoff_explorer.ipynb": {"ALPHA_STEP": 0.25},
    "04_frontier_and_decision.ipynb": {"ALPHAS": [0.0, 0.5, 1.0]},
    "05_real_complaints.ipynb": {"SIZE": 4000},
    "06_remedies_and_decision.ipynb": {
        "REMEDIES": "focal,drw",
        "MAX_ZERO_F1": 70,
        "ZERO_F1_GRID": [50, 70, 113],
    },
}


@pytest.mark.parametrize("path", PATHS, ids=_ids)
def test_runs_under_papermill_with_other_parameters(path, tmp_path):
    papermill = pytest.importorskip("papermill")
    parameters = {"SIZE": 6000, "SEED": 1} | OTHER_PARAMETERS.get(path.name, {})
    shutil.copy(path, tmp_path / path.name)  # outputs it writes land beside the copy
    papermill.execute_notebook(
        str(tmp_path / path.name),
        str(tmp_path / f"out-{path.name}"),
        parameters=parameters,
        cwd=str(tmp_path),
        kernel_name="python3",
        progress_bar=False,
    )
    executed = nbformat.read(tmp_path / f"out-{path.name}", as_version=4)
    errors = [o for c in _code_cells(executed) for o in c.outputs if o.output_type == "error"]
    assert not errors


# --------------------------------------------------------------------------------------------
# End to end, as a user would: JupyterLab in headless Chromium, drag the slider
# --------------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _static_table(path: Path, last_line_has: str, key: str) -> dict[float, dict[str, float]]:
    """A committed table output (``... .round(4)``): ``key`` value -> accuracy, macro_f1."""
    nb = nbformat.read(path, as_version=4)
    cell = next(
        c
        for c in _code_cells(nb)
        if last_line_has in c.source.strip().splitlines()[-1] and c.source.strip().endswith(")")
    )
    text = next(o for o in cell.outputs if "data" in o).data["text/plain"]
    lines = [line.split() for line in text.splitlines() if line.strip()]
    header = lines[0]
    at = {name: header.index(name) + 1 for name in (key, "accuracy", "macro_f1")}  # +1: index
    return {
        float(r[at[key]]): {
            "accuracy": float(r[at["accuracy"]]),
            "macro_f1": float(r[at["macro_f1"]]),
        }
        for r in lines[1:]
    }


#: A widget output that only reports progress: a tqdm bar ("runs: 0%|", "... elapsed") or a
#: weightlab status line (weightlab._progress.status).
PROGRESS = re.compile(
    r"^\S.*: +\d+%\||: \d\d:\d\d elapsed|^HTML\(value='<span style=\"color:grey\">"
)


def _interactive(out) -> bool:
    data = out.get("data", {})
    return WIDGET in data and not PROGRESS.search(data.get("text/plain", ""))


def _widget_notebooks() -> list[Path]:
    """The notebooks whose committed outputs hold an interactive widget (not a progress bar)."""
    return [
        path
        for path in PATHS
        if any(
            _interactive(out)
            for cell in _code_cells(nbformat.read(path, as_version=4))
            for out in cell.outputs
        )
    ]


#: What each slider's numbers must show after a move to ``value``: the numbers table's row
#: and column for it, and the committed static table that holds the expected figures.
SLIDERS = {
    ("03_tradeoff_explorer.ipynb", "alpha"): dict(
        table=("sweep.table().round(4)", "alpha"),
        rows=lambda v: {"accuracy": ("accuracy", 1), "macro F1": ("macro F1", 1)},
        header=lambda v: f"alpha={v:g}",
        figure=lambda v: f"alpha={v:g}",
    ),
    ("04_frontier_and_decision.ipynb", "tau"): dict(
        table=('["unweighted"][["tau", "accuracy"', "tau"),
        rows=lambda v: {
            "accuracy": (f"unweighted + tau={v:g}", 0),
            "macro F1": (f"unweighted + tau={v:g}", 1),
        },
        header=None,
        figure=lambda v: f"tau={v:g},",
    ),
    ("04_frontier_and_decision.ipynb", "alpha"): dict(
        table=("sweep.table().round(4)", "alpha"),
        rows=lambda v: {
            "accuracy": (f"retrained alpha={v:g}", 0),
            "macro F1": (f"retrained alpha={v:g}", 1),
        },
        header=None,
        figure=lambda v: f"alpha={v:g}",
    ),
    # a constraint slider: the chosen point's test scores, as the static decision grid has them
    ("06_remedies_and_decision.ipynb", "max zero-F1"): dict(
        table=('zero_grid[["max_zero_f1"', "max_zero_f1"),
        rows=lambda v: {"accuracy": ("chosen (test)", 0), "macro F1": ("chosen (test)", 1)},
        header=None,
        figure=lambda v: f"max zero-F1={v:g}",
    ),
    ("06_remedies_and_decision.ipynb", "max volume drop"): dict(
        table=('drop_grid[["max_volume_drop"', "max_volume_drop"),
        rows=lambda v: {"accuracy": ("chosen (test)", 0), "macro F1": ("chosen (test)", 1)},
        header=None,
        figure=lambda v: f"max volume drop={v:g}",
    ),
}


def test_every_notebook_with_a_widget_has_its_sliders_listed_for_the_browser_test():
    with_widgets = {p.name for p in _widget_notebooks()}
    assert with_widgets == {name for name, _ in SLIDERS}
    assert {
        "03_tradeoff_explorer.ipynb",
        "04_frontier_and_decision.ipynb",
        "06_remedies_and_decision.ipynb",
    } <= with_widgets


def _wait_for_server(url: str, proc: subprocess.Popen, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"JupyterLab exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise TimeoutError(f"JupyterLab did not answer {url} in {timeout:.0f} s")


@pytest.mark.browser
@pytest.mark.parametrize("path", _widget_notebooks(), ids=_ids)
def test_every_slider_in_jupyterlab_updates_numbers_and_figure(path, tmp_path, chromium):
    from playwright import sync_api

    # 1) A private copy, so JupyterLab's autosave never touches the committed notebook.
    work = tmp_path / "notebooks"
    work.mkdir()
    shutil.copy(path, work / path.name)
    sliders = {
        description: dict(spec, expected=_static_table(path, *spec["table"]))
        for (name, description), spec in SLIDERS.items()
        if name == path.name
    }

    # 2) JupyterLab on loopback only, with a random token and private (default) settings.
    port, token = _free_port(), secrets.token_hex(16)
    env = dict(os.environ)
    for var in ("JUPYTER_CONFIG_DIR", "JUPYTER_RUNTIME_DIR", "IPYTHONDIR"):
        env[var] = str(tmp_path / var.lower())
    cmd = [
        sys.executable,
        "-m",
        "jupyterlab",
        "--no-browser",
        "--ip=127.0.0.1",
        f"--port={port}",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={work}",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")
    log = open(tmp_path / "jupyterlab.log", "w")  # noqa: SIM115 - closed in finally
    server = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=work)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_for_server(f"{base}/api/status?token={token}", server)
        with sync_api.sync_playwright() as pw:
            browser = pw.chromium.launch(
                executable_path=chromium,
                headless=True,
                args=["--no-sandbox", "--disable-dev-shm-usage"],
            )
            try:
                page = browser.new_page(viewport={"width": 1280, "height": 900})
                console = []  # the browser's console, written next to the log on failure
                page.on("console", lambda m: console.append(f"{m.type}: {m.text}\n"))
                try:
                    url = f"{base}/lab/tree/{path.name}?token={token}"
                    _run_notebook_and_move_every_slider(page, url, sliders)
                except Exception:
                    page.screenshot(path=str(tmp_path / "failure.png"))
                    (tmp_path / "browser-console.log").write_text("".join(console))
                    raise
            finally:
                browser.close()
    finally:
        try:  # 3) Stop the server (and its kernel) we started, by its own API, then its pid.
            req = urllib.request.Request(f"{base}/api/shutdown?token={token}", method="POST")
            urllib.request.urlopen(req, timeout=10).close()
            server.wait(timeout=30)
        except Exception:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
        log.close()


def _numbers(root) -> tuple[dict[str, list[str]], list[str]]:
    """A widget's numbers table: {first cell: the other cells}, and the column headers."""
    rows = root.locator("table.weightlab-numbers tbody tr")
    shown = {}
    for i in range(rows.count()):
        cells = [c.strip() for c in rows.nth(i).locator("td").all_inner_texts()]
        shown[cells[0]] = cells[1:]
    header = [h.strip() for h in root.locator("table.weightlab-numbers thead th").all_inner_texts()]
    return shown, header


_KERNEL_STATE = """() => ({
    prompts: [...document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')]
        .map(e => e.innerText.trim()),
    status: document.querySelector('.jp-Notebook-ExecutionIndicator')?.dataset.status,
})"""

#: The PNG a widget's <img> shows (a blob: URL), as base64.
_IMAGE_BYTES = """async img => {
    const bytes = new Uint8Array(await (await fetch(img.src)).arrayBuffer());
    let text = '';
    for (const b of bytes) text += String.fromCharCode(b);
    return btoa(text);
}"""


def _run_all_cells(page, *, timeout: float = 900) -> None:
    """Run > Run All Cells, as a user would, until a widget is there and the kernel is idle.

    Right after a notebook opens, JupyterLab can drop the queued cells (the kernel is still
    connecting, or a kernel dialog pops up): the queue stops with cells unexecuted and the
    kernel idle. A user would click Run All again; so does this, at most three times. A
    kernel dialog ("Select Kernel") can pop up at any moment, even over the menu being
    clicked: like a user, this accepts it whenever it is there and tries the menu again.
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    deadline, clicks, last_click = time.monotonic() + timeout, 0, -math.inf
    while True:
        if time.monotonic() > deadline:
            raise TimeoutError(f"notebook not done after {clicks} Run All click(s)")
        for button in page.locator(".jp-Dialog .jp-mod-accept").all():
            button.click()  # e.g. "Select Kernel": keep the notebook's python3
        state = page.evaluate(_KERNEL_STATE)
        busy = state["status"] != "idle" or any("*" in p for p in state["prompts"])
        done = page.locator("table.weightlab-numbers").count() > 0
        if done and not busy and clicks and time.monotonic() - last_click > 5:
            return
        if not busy and not done and time.monotonic() - last_click > 20:
            if clicks == 3:
                raise RuntimeError(f"Run All stalled 3 times; prompts {state['prompts']}")
            try:
                page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click(timeout=5_000)
                page.locator("li.lm-Menu-item[data-command='runmenu:run-all']").click(timeout=5_000)
            except PlaywrightTimeout:  # a dialog came up over the menu: accept it, try again
                continue
            clicks, last_click = clicks + 1, time.monotonic()
        time.sleep(1)


def _png_description(image) -> str:
    import base64
    import io

    from PIL import Image

    data = base64.b64decode(image.evaluate(_IMAGE_BYTES))
    return Image.open(io.BytesIO(data)).text.get("Description", "")


def _bring_into_view(page, locator, *, tries: int = 20) -> None:
    """Scroll ``locator`` into view and wait until it stays there, as a user would.

    JupyterLab lays out cells near the viewport lazily: once scrolled to, the cells around a
    widget take their real heights and the notebook can jump, carrying the widget away again.
    """
    for _ in range(tries):
        locator.scroll_into_view_if_needed()
        page.wait_for_timeout(500)
        first = locator.bounding_box()
        page.wait_for_timeout(500)
        box = locator.bounding_box()
        height = page.viewport_size["height"]
        if box and box == first and 0 <= box["y"] and box["y"] + box["height"] <= height:
            return
    raise AssertionError(f"the slider would not stay in view: last box {box}")


def _run_notebook_and_move_every_slider(page, url: str, sliders: dict) -> None:
    """Run the notebook, then drag every slider and check the numbers and the figure."""
    from playwright.sync_api import expect

    page.set_default_timeout(60_000)
    expect.set_options(timeout=60_000)
    page.goto(url)
    page.wait_for_selector(".jp-NotebookPanel .jp-Cell", timeout=180_000)
    page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=180_000)
    _run_all_cells(page)
    moved = set()
    # Every slider of every widget; a widget's root is the box that holds its numbers table.
    for handle in page.locator(".widget-slider").all():
        _bring_into_view(page, handle)
        labels = handle.locator(".widget-label").all_text_contents()
        description = next((text.strip() for text in labels if text.strip()), None)
        assert description in sliders, (
            f"a slider labelled {labels}; expected {list(sliders)}: "
            f"{handle.evaluate('e => e.outerHTML')[:600]}"
        )
        spec = sliders[description]
        root = handle.locator(
            "xpath=ancestor::div[contains(@class, 'widget-vbox')]"
            "[.//table[contains(@class, 'weightlab-numbers')]][1]"
        )
        readout = handle.locator(".widget-readout")
        image = root.locator(".widget-image").first
        # A cell scrolled into view is laid out lazily: until then the readout reads "" and
        # the knob's box is not where a user would grab it.
        expect(readout).to_have_text(re.compile(r"\S"))
        expect(image).to_have_attribute("src", re.compile("^blob:"))
        before = readout.inner_text().strip()
        src_before = image.get_attribute("src")

        # Drag the handle with the mouse: right, or left when it sits at the right end.
        knob = handle.locator(".noUi-handle")
        box = knob.bounding_box()
        x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        for dx in (90, -90):
            page.mouse.move(x, y)
            page.mouse.down()
            page.mouse.move(x + dx, y, steps=12)
            page.mouse.up()
            try:
                expect(readout).not_to_have_text(before, timeout=5_000)
                break
            except AssertionError:
                continue
        value = float(readout.inner_text())
        assert value != float(before), f"{description}: dragging did not move the slider"
        expected = spec["expected"][value]

        # The numbers are those of the new position in the committed static table.
        def numbers_show(value=value, spec=spec, expected=expected, root=root):
            shown, header = _numbers(root)
            if spec["header"] and spec["header"](value) not in header:
                return False
            for metric, (row, column) in spec["rows"](value).items():
                if row not in shown:
                    return False
                text = shown[row][column]
                number = float(text.rstrip("%")) / (100 if text.endswith("%") else 1)
                key = "accuracy" if metric == "accuracy" else "macro_f1"
                if abs(number - expected[key]) > 6e-4:  # shown to 0.1 point / 3 decimals
                    return False
            return True

        deadline = time.monotonic() + 60
        while not numbers_show():
            assert time.monotonic() < deadline, (
                f"{description}={value:g}: the numbers never showed {expected}; shown "
                f"{_numbers(root)}"
            )
            time.sleep(0.25)
        # The figure is the one drawn for the new position (its PNG says which state).
        expect(image).not_to_have_attribute("src", src_before)
        assert spec["figure"](value) in _png_description(image)
        moved.add(description)
    assert moved == set(sliders), f"sliders moved: {sorted(moved)}; expected {sorted(sliders)}"
