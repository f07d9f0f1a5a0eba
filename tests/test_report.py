import base64
import json
import re
import shutil

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

import weightlab as wl  # noqa: E402
from weightlab.cli import main  # noqa: E402
from weightlab.metrics import score  # noqa: E402
from weightlab.report import build_report, load_results, view_paragraphs, write_report  # noqa: E402
from weightlab.views import compare_views  # noqa: E402


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    out = tmp_path_factory.mktemp("results")
    # 25 classes: 11 of them have fewer than 20 training examples (a tail to report on).
    ds = wl.make_complaints(3000, 25, seed=1)
    wl.reproduce(ds, out=out, progress=False, n_boot=200)
    return out


@pytest.fixture(scope="module")
def page(folder):
    return build_report(load_results(folder))


@pytest.fixture
def copy(folder, tmp_path):
    dest = tmp_path / "copy"
    shutil.copytree(folder, dest)
    return dest


def _text(page: str) -> str:
    text = re.sub(r"<[^>]+>", " ", page)
    return re.sub(r"\s+", " ", text).replace("&#x27;", "'").replace("&amp;", "&")


def test_load_results_recomputes_the_scores(folder):
    saved = load_results(folder)
    summary = json.loads((folder / "results.json").read_text())
    assert saved.run_names == [r["name"] for r in summary["runs"]]
    for r in summary["runs"]:
        o = saved.run(r["name"]).scores.overall
        assert o["accuracy"] == pytest.approx(r["accuracy"], abs=1e-12)
        assert o["macro_f1"] == pytest.approx(r["macro_f1"], abs=1e-12)
        assert o["zero_f1_classes"] == r["zero_f1_classes"]
    assert saved.record("weighted")["alpha"] == 0.5
    run = saved.run("weighted")
    assert (run.alpha, run.tau, run.engine) == (0.5, 0.0, "tfidf-linear")
    assert saved.run("majority").alpha is None
    assert run.validation_logits.shape == (saved.y_validation.size, len(saved.class_names))
    with pytest.raises(KeyError, match="No run named"):
        saved.record("nope")
    with pytest.raises(KeyError, match="No run named"):
        saved.run("nope")


def test_results_table_numbers_match_results_json(folder, page):
    summary = json.loads((folder / "results.json").read_text())
    for r in summary["runs"]:
        row = re.search(rf"<tr><td>{re.escape(r['name'])}</td>(.*?)</tr>", page).group(1)
        lo, hi = r["accuracy_ci"]
        assert f"{r['accuracy']:.1%} [{100 * lo:.1f}, {100 * hi:.1f}]" in row
        assert f"{r['macro_f1']:.3f}" in row
        assert f"<td>{r['n_classes_predicted']}</td>" in row
    for c in summary["comparisons"]:
        if c["metric"] == "macro_f1":
            assert f"{c['difference']:+.3f}" in page


def test_summary_and_views_text_are_computed(folder, page):
    saved = load_results(folder)
    b, a = saved.record("unweighted"), saved.record("weighted")
    text = _text(page)
    assert f"from {b['accuracy']:.1%} to {a['accuracy']:.1%}" in text
    assert f"from {b['macro_f1']:.3f} to {a['macro_f1']:.3f}" in text
    views = compare_views(
        {"unweighted": saved.run("unweighted").scores, "weighted": saved.run("weighted").scores},
        train_counts=saved.train_counts,
    )
    head_b = views.loc[("routing", "volume_accuracy"), "unweighted"]
    head_a = views.loc[("routing", "volume_accuracy"), "weighted"]
    assert f"{head_b:.1%} to {head_a:.1%}" in text or f"stayed at {head_a:.1%}" in text
    tail_b = views.loc[("audit", "tail_recall"), "unweighted"]
    tail_a = views.loc[("audit", "tail_recall"), "weighted"]
    n_tail = int(views.loc[("audit", "tail_recall"), "n"])
    assert f"On the {n_tail:,} test complaints of the tail categories" in text
    assert f"{tail_b:.1%} to {tail_a:.1%}" in text or f"stayed at {tail_a:.1%}" in text
    identified = int(views.loc[("audit", "classes_identified"), "weighted"])
    assert f"weighted {identified} (" in text


def test_page_is_self_contained(page):
    assert page.startswith("<!DOCTYPE html>")
    assert not re.search(r"(src|href)\s*=\s*[\"']?\s*(https?:|//)", page, re.I)
    assert "<script" not in page.lower() and "<link" not in page.lower()
    images = re.findall(r'<img [^>]*src="([^"]+)"', page)
    alt_of = dict(re.findall(r'<img alt="([^"]*)" src="([^"]+)"', page))
    for figure in (  # each figure the page promises, by the start of its description
        "Accuracy against macro F1 of every run",
        "Histograms of per-class F1",
        "Change in F1 per category",
        "Confusion matrices of",
    ):
        shown = [alt for alt in alt_of if alt.startswith(figure)]
        assert len(shown) == 1, f"{figure!r}: {len(shown)} images"
    for src in images:
        assert src.startswith("data:image/png;base64,")
        assert base64.b64decode(src.split(",", 1)[1])[:8] == b"\x89PNG\r\n\x1a\n"
    alts = re.findall(r'<img alt="([^"]*)"', page)
    assert len(alts) == len(images) and len(set(alts)) == len(alts)  # one description each
    assert all(len(alt.split()) >= 8 for alt in alts), alts


def test_simulated_data_and_reported_figures_are_labelled(folder, page):
    assert "SIMULATED data" in page
    summary = json.loads((folder / "results.json").read_text())
    reported = summary["article_reported"]["unweighted"]
    shown = f"{reported['macro_f1']:.3f}"
    for match in re.finditer(re.escape(shown), page):
        before = page[: match.start()]
        # every occurrence of a reported figure sits in an element of class "reported"
        assert before.rfind('class="reported"') > before.rfind("</p>")
        assert before.rfind('class="reported"') > before.rfind("<td>")


def test_write_report_and_cli(copy, capsys):
    path = write_report(copy, top=3)
    assert path == copy / "report.html"
    assert path.read_text().endswith("</html>\n")
    out = copy / "sub" / "page.html"
    assert main(["report", "--results", str(copy), "--out", str(out), "--top", "2"]) == 0
    assert f"Wrote {out}" in capsys.readouterr().err  # a status line: stderr
    assert "largest 2 shown" in out.read_text()


def _cli_error(capsys, folder) -> str:
    assert main(["report", "--results", str(folder)]) == 1  # 2: usage errors
    return capsys.readouterr().err


def test_cli_missing_folder(tmp_path, capsys):
    err = _cli_error(capsys, tmp_path / "nowhere")
    assert "does not exist" in err and "weightlab reproduce" in err


def test_cli_folder_without_logits(copy, capsys):
    (copy / "logits.npz").unlink()
    err = _cli_error(capsys, copy)
    assert "lacks logits.npz" in err


def test_cli_corrupt_results_json(copy, capsys):
    (copy / "results.json").write_text('{"runs": [')
    assert "not valid JSON" in _cli_error(capsys, copy)
    (copy / "results.json").write_text("[1, 2]")
    assert "not a weightlab results.json" in _cli_error(capsys, copy)


def test_cli_corrupt_logits(copy, capsys):
    (copy / "logits.npz").write_bytes(b"not a zip file")
    assert "not a readable npz archive" in _cli_error(capsys, copy)


def test_cli_logits_from_another_run(copy, capsys):
    summary = json.loads((copy / "results.json").read_text())
    summary["runs"][2]["accuracy"] += 0.01
    (copy / "results.json").write_text(json.dumps(summary))
    err = _cli_error(capsys, copy)
    assert "logits.npz does not reproduce results.json" in err


def test_cli_results_is_a_file(copy, capsys):
    assert "is not a folder" in _cli_error(capsys, copy / "results.json")


def test_report_needs_two_engine_runs(tmp_path):
    ds = wl.make_complaints(600, 5, seed=2)
    wl.reproduce(ds, alphas=[0.0], out=tmp_path, progress=False, n_boot=0, baselines=False)
    with pytest.raises(ValueError, match="compares an unweighted and a weighted run"):
        write_report(tmp_path)


def test_build_report_checks_options(folder):
    with pytest.raises(ValueError, match="top must be a whole number"):
        build_report(load_results(folder), top=0)
    with pytest.raises(ValueError, match="needs the Results of load_results"):
        build_report(str(folder))


def test_view_paragraphs_hand_case():
    names = ["big", "other", "mid", "small", "tiny"]
    train = np.array([200, 150, 50, 5, 3])
    y = np.array([0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4])
    s0 = score(y, [0, 0, 0, 0, 1, 1, 2, 0, 0, 0, 0], class_names=names, train_counts=train)
    s1 = score(y, [0, 0, 3, 2, 1, 1, 2, 2, 3, 1, 0], class_names=names, train_counts=train)
    views = compare_views({"u": s0, "w": s1}, train_counts=train)
    p = view_paragraphs(views, before="u", after="w", train_counts=train)
    assert (
        "The 2 largest categories hold 86% of the training complaints and 6 of the 11"
        in (p["routing"])
    )
    assert "accuracy fell from 100.0% to 66.7% (-33.3 points)" in p["routing"]
    assert "2 fewer of those 6 complaints routed correctly" in p["routing"]
    assert "Overall accuracy stayed at 63.6%" in p["routing"]
    assert "u identifies 3 (F1 > 0) and w 4 (+1); 1 category is still" in p["audit"]
    assert "recall rose from 0.0% to 33.3% (+33.3 points)" in p["audit"]
    assert "gave up 33.3 points on the high-volume categories" in p["trade"]
    with pytest.raises(ValueError, match="not a model column"):
        view_paragraphs(views, before="u", after="x")


def test_generated_sentences_are_grammatical(page):
    assert "(s)" not in page
    assert re.search(r"The class-weighted retrained model is (not )?matched or beaten", page)


def test_glossary_explains_the_headers_and_no_raw_identifier_is_a_header(page):
    headers = set(re.findall(r"<th[^>]*>([^<]*)</th>", page))
    raw = {h for h in headers if re.fullmatch(r"[a-z]+(_[a-z0-9]+)+", h)}
    assert not raw, f"raw identifiers as column headers: {sorted(raw)}"
    assert "<h2>Glossary</h2>" in page
    glossary = page.split("<h2>Glossary</h2>")[1]
    for term in ("macro F1", "never predicted", "taken by", "head / medium / tail", "tau"):
        assert f"<dt>{term}</dt>" in glossary
    assert "b - a" not in page


@pytest.mark.browser
@pytest.mark.parametrize("width", [1280, 400])
def test_report_never_scrolls_sideways_in_chromium(folder, page, chromium, tmp_path, width):
    from playwright.sync_api import sync_playwright

    html = tmp_path / "report.html"
    html.write_text(page, encoding="utf-8")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        try:
            tab = browser.new_page(viewport={"width": width, "height": 900})
            tab.goto(html.as_uri())
            sizes = tab.evaluate(
                """() => ({
                    page: document.documentElement.scrollWidth,
                    viewport: document.documentElement.clientWidth,
                    tables: [...document.querySelectorAll('.table')]
                        .map(t => [t.scrollWidth, t.clientWidth]),
                    images: [...document.querySelectorAll('img')]
                        .map(i => [i.getBoundingClientRect().right, i.naturalWidth]),
                })"""
            )
        finally:
            browser.close()
    assert sizes["page"] <= sizes["viewport"], sizes
    assert len(sizes["tables"]) >= 6 and len(sizes["images"]) >= 4
    assert all(right <= sizes["viewport"] and natural > 0 for right, natural in sizes["images"])
    if width >= 1280:  # wide enough for every table without a scroll bar of its own
        assert all(inner <= box for inner, box in sizes["tables"]), sizes["tables"]


def test_the_decision_section_shows_the_choice_made_for_these_results(copy, capsys):
    assert "The decision" not in _text(write_report(copy).read_text())
    argv = ["choose", "--results", str(copy), "--maximize", "accuracy", "--n-boot", "100"]
    assert main([*argv, "--subject-to", "zero_f1_classes<=8", "-q"]) == 0
    printed = capsys.readouterr().out
    assert printed.startswith("Objective: maximize accuracy, subject to zero_f1_classes<=8")
    text = _text(write_report(copy).read_text())
    assert "The decision" in text and "Chosen:" in text
    assert "subject to zero_f1_classes&lt;=8" in text
    # a choice left from other results is not shown as if it were these results'
    choice = json.loads((copy / "choice.json").read_text())
    (copy / "choice.json").write_text(json.dumps(choice | {"results_id": "0" * 64}))
    text = _text(write_report(copy).read_text())
    assert "was made for other results" in text and "Chosen:" not in text


def test_choose_cli_errors(copy, capsys):
    base = ["choose", "--results", str(copy)]
    assert main([*base, "--maximize", "accuracy", "--subject-to", "accuracy>=0.9999"]) == 3
    assert "No point meets the constraints" in capsys.readouterr().out
    for argv, message in [
        (["--maximize", "cost"], "cost is better lower: use --minimize cost"),
        (["--maximize", "speed"], "Unknown metric 'speed'"),
        (["--maximize", "accuracy", "--subject-to", "acc>1"], "METRIC<=VALUE"),
    ]:
        assert main([*base, *argv]) == 2
        assert message in capsys.readouterr().err
    assert main([*base, "--minimize", "cost", "--costs", str(copy / "none.csv")]) == 1
    assert "No cost file at" in capsys.readouterr().err
