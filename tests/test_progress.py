from weightlab import _progress


def test_status_goes_to_stderr_in_a_terminal(capsys):
    _progress.status("featurising ...")
    out, err = capsys.readouterr()
    assert (out, err.strip()) == ("", "featurising ...")


def test_status_is_a_widget_line_in_a_notebook(capsys, monkeypatch):
    # In a notebook stderr reads as a warning, and printed text is output nbval compares.
    import IPython.display

    shown = []
    monkeypatch.setattr(_progress, "in_notebook", lambda: True)
    monkeypatch.setattr(IPython.display, "display", shown.append)
    _progress.status("featurising 1,000 documents <TF-IDF> ...")
    assert capsys.readouterr() == ("", "")
    assert len(shown) == 1 and "featurising 1,000 documents &lt;TF-IDF&gt; ..." in shown[0].value


def test_status_and_elapsed_are_silent_when_disabled(capsys):
    _progress.status("featurising ...", enabled=False)
    with _progress.elapsed("training", enabled=False):
        pass
    assert capsys.readouterr() == ("", "")


def test_elapsed_counts_up_on_stderr_and_clears_its_line(capsys):
    import time

    with _progress.elapsed("training tfidf-logreg"):
        time.sleep(1.2)
    err = capsys.readouterr().err
    assert "training tfidf-logreg: 00:01 elapsed" in err
