"""Status lines and an elapsed-time line for long steps, on stderr beside tqdm's bars."""

from __future__ import annotations

import contextlib
import sys
import threading


def in_notebook() -> bool:
    """True in a Jupyter kernel, where ``tqdm.auto`` draws its bars as widgets."""
    from tqdm.autonotebook import tqdm  # what tqdm.auto builds on: the notebook bar or not

    return tqdm.__module__ == "tqdm.notebook"


def status(message: str, *, enabled: bool = True) -> None:
    """Print ``message`` on stderr without breaking a progress bar that is on screen.

    In a notebook it is a line of grey text among the bars, which are widgets there: stderr
    would read as a warning, and a printed line would be cell output for nbval to compare.
    """
    if not enabled:
        return
    if in_notebook():
        import html

        import ipywidgets
        from IPython.display import display

        display(ipywidgets.HTML(f'<span style="color:grey">{html.escape(message)}</span>'))
        return
    from tqdm.auto import tqdm

    tqdm.write(message, file=sys.stderr)


@contextlib.contextmanager
def elapsed(desc: str, *, enabled: bool = True):
    """A line ``desc: 0:12 elapsed`` that counts up once a second while the block runs.

    For steps that report no progress of their own (scikit-learn's solvers). Why a thread:
    tqdm redraws only when it is updated, and the step blocks the caller.
    """
    if not enabled:
        yield
        return
    from tqdm.auto import tqdm

    bar = tqdm(desc=desc, bar_format="{desc}: {elapsed} elapsed", file=sys.stderr, leave=False)
    done = threading.Event()

    def tick():
        while not done.wait(1.0):
            bar.refresh()

    ticker = threading.Thread(target=tick, daemon=True)
    ticker.start()
    try:
        yield
    finally:
        done.set()
        ticker.join()
        bar.close()
