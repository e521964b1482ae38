"""The website as readers get it, in a real browser (see conftest.py for the set-up).

Every page of the table of contents: loads with no console error, no failed request and no
request to another host; its math is typeset; its widgets render with their controls; its
links and anchors resolve; axe-core finds no serious or critical violation; every image has
alt text; at 390 px there is no horizontal scroll. Every chapter: launch buttons, a
screenshot, and each exercise checks answers with no kernel. Plus the search page and the
shared table of answer inputs run through the exercise front end shipped in the page.
"""

from __future__ import annotations

import html.parser
import json
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
import yaml
from backprop.exercises import check_answer
from browser_site import (
    CHAPTERS,
    HTML,
    PAGES,
    ROOT,
    PageReport,
    Recorder,
    is_exercise,
    wait_ready,
    widget_state,
)

CASES = json.loads((ROOT / "tests" / "exercise_cases.json").read_text(encoding="utf-8"))
CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))


def test_the_table_of_contents_has_pages():
    assert "intro.html" in PAGES and CHAPTERS, PAGES


@pytest.mark.parametrize("path", PAGES)
def test_page_loads_cleanly_and_only_from_this_site(visit, path):
    r = visit(path)
    assert r.foreign_requests == [], "requests to other hosts:\n" + "\n".join(r.foreign_requests)
    assert r.failed_requests == [], "failed requests:\n" + "\n".join(r.failed_requests)
    assert r.console_errors == [], "console errors:\n" + "\n".join(r.console_errors)


@pytest.mark.parametrize("path", PAGES)
def test_math_is_typeset(visit, path):
    m = visit(path).math
    assert m["untypeset"] == [], f"math left as TeX: {m['untypeset'][:5]}"
    assert m["raw"] == [], f"raw TeX in the visible text: {m['raw']}"
    assert m["containers"] >= m["elements"]


def test_the_chapters_have_math(visit):
    # Guards the test above from passing because no page had any math at all.
    assert all(visit(p).math["containers"] > 0 for p in CHAPTERS)


@pytest.mark.parametrize("path", PAGES)
def test_widgets_render_with_their_controls(visit, path):
    r = visit(path)
    bad = [w for w in r.widgets if w["problems"]]
    assert bad == [], json.dumps(bad, indent=1)


def test_the_chapters_have_widgets(visit):
    views = {v for p in CHAPTERS for w in visit(p).widgets for v in w["views"]}
    # Exercises and explorers are anywidgets; no explorer is a picture under sliders any more.
    assert "AnyView" in views, views
    assert "ImageView" not in views and "FloatSliderView" not in views, views


#: What a reader sees after each kind of try, per kind of exercise (a test on the message).
EXPECTED = {
    ("number", "right"): ("correct", lambda m: m == "Correct!"),
    ("number", "wrong"): ("wrong", lambda m: "Try again" in m),
    ("number", "nonsense"): ("invalid", lambda m: "banana" in m),
    ("formula", "right"): ("correct", lambda m: m.startswith("Correct")),
    ("formula", "factor"): ("wrong", lambda m: m.startswith("Right up to a constant factor")),
    ("formula", "wrong"): ("wrong", lambda m: "Try again" in m),
    ("formula", "nonsense"): ("invalid", lambda m: "never closed" in m),
    ("bug", "right"): ("correct", lambda m: m.startswith("Correct: line")),
    ("bug", "wrong"): ("wrong", lambda m: m.startswith(("Not line", "Line"))),
}


@pytest.mark.parametrize("path", CHAPTERS)
def test_exercises_check_answers_without_a_kernel(visit, path):
    r = visit(path)
    assert r.exercises, f"{path} has no exercise widget"
    for ex in r.exercises:
        for t in ex["tries"]:
            where = f"{ex['key']} ({t['kind']} input {t['input']!r})"
            if t["python"] is None:  # the student edition: no answer on the page
                assert t["message"] == "Answers are checked in class.", where
                continue
            # The front end and the Python check agree, word for word ...
            assert (t["verdict"], t["message"]) == (
                t["python"]["verdict"],
                t["python"]["message"],
            ), where
            # ... and say what a reader should see.
            verdict, says = EXPECTED[(ex["kind"], t["kind"])]
            assert t["verdict"] == verdict and says(t["message"]), where
            if ex["kind"] == "formula":  # the formula as it was read, or why it was not
                read = t["kind"] != "nonsense"
                assert t["preview"] == ("ok" if read else "error"), where
                assert (t["preview_math"] > 0) == read, where
        if ex["kind"] == "code":  # the task, its tests and how to run them
            code = ex["code"]
            assert "def " in code["template"] and "NotImplementedError" in code["template"]
            assert code["tests"] and "Binder or Colab" in code["how"], ex["key"]
            assert "check_code" in code["how"], ex["key"]
        if "first_hint" in ex:
            assert ex["first_hint_shown"] == [ex["first_hint"]], ex["key"]


def test_every_kind_of_exercise_is_on_the_site(visit):
    kinds = {ex["kind"] for p in CHAPTERS for ex in visit(p).exercises}
    assert kinds == {"number", "formula", "bug", "code"}, kinds


@pytest.mark.parametrize("path", CHAPTERS)
def test_exercises_show_their_question_with_math_and_a_solution_to_open(visit, path):
    r = visit(path)
    assert r.exercises, f"{path} has no exercise widget"
    for ex in r.exercises:
        q, key = ex["question"], ex["key"]
        # The whole question, in the widget, with its math as MathML (no TeX left).
        assert len(q["text"]) > 40 and "$" not in q["text"] and "\\" not in q["text"], key
        assert q["math"] >= q["expected_math"] and q["visible_math"] >= q["expected_math"], key
        # Inside the site's numbered exercise box, whose header gives the title.
        assert q["in_numbered_box"] and q["title"] and not q["title_shown"], key
        sol = ex["solution"]
        if not ex["has_answer"]:  # the student edition: no solution on the page
            assert sol is None, key
            continue
        assert sol is not None, f"{key} has no solution to open"
        assert sol["closed"] and sol["summary"] == "Show the solution", key
        assert sol["open"] and sol["shown"] and len(sol["text"]) > 10, key
        assert sol["math"] >= sol["expected_math"], key


def test_some_questions_have_math(visit):
    # Guards the test above from passing on questions that have no math at all.
    assert (
        sum(ex["question"]["expected_math"] > 0 for p in CHAPTERS for ex in visit(p).exercises)
        >= 20
    )


@pytest.mark.parametrize("path", PAGES)
def test_images_have_alt_text(visit, path):
    assert visit(path).images_without_alt == []


@pytest.mark.parametrize("path", PAGES)
def test_no_serious_accessibility_violations(visit, path):
    bad = [v for v in visit(path).axe if v.get("impact") in ("serious", "critical", None)]
    assert bad == [], json.dumps(bad, indent=1)


@pytest.mark.parametrize("path", PAGES)
def test_no_horizontal_scroll_at_phone_width(visit, path):
    p = visit(path).phone
    assert p["scrollX"] == 0 and p["scrollWidth"] <= p["clientWidth"], json.dumps(p, indent=1)


@pytest.mark.parametrize("path", CHAPTERS)
def test_chapter_screenshot_is_saved(visit, path):
    shot = visit(path).screenshot
    assert shot is not None and shot.is_file() and shot.stat().st_size > 10_000
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize("path", CHAPTERS)
def test_chapter_has_binder_and_colab_buttons(visit, path):
    url = CONFIG["repository"]["url"].rstrip("/")
    # The buttons open the reader notebooks, which CI publishes on their own branch
    # (_ext/reader_launch.py; default "notebooks").
    branch = CONFIG["sphinx"]["config"].get("reader_notebooks_branch", "notebooks")
    repo = urlsplit(url).path.strip("/")
    nb = Path(path).with_suffix(".ipynb").as_posix()
    links = visit(path).links
    binder = f"{CONFIG['launch_buttons']['binderhub_url'].rstrip('/')}/v2/gh/{repo}/{branch}?"
    colab = f"{CONFIG['launch_buttons']['colab_url'].rstrip('/')}/github/{repo}/blob/{branch}/{nb}"
    assert any(h.startswith(binder) and nb in h for h in links), (binder, links)
    assert colab in links, colab
    assert CONFIG["launch_buttons"].get("thebe") is False
    page = (HTML / path).read_text(encoding="utf-8")
    assert "thebe-launch-button" not in page  # Thebe's live-code button stays off


# ---------------------------------------------------------------- links and anchors


class _Ids(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        for k, v in attrs:
            if v and (k == "id" or (tag == "a" and k == "name")):
                self.ids.add(v)


@cache
def _static_ids(file: Path) -> frozenset[str]:
    p = _Ids()
    p.feed(file.read_text(encoding="utf-8", errors="replace"))
    return frozenset(p.ids)


@pytest.mark.parametrize("path", PAGES)
def test_internal_links_and_anchors_resolve(visit, base_url, path):
    r = visit(path)
    base = urlsplit(base_url)
    broken = []
    for href in sorted(set(r.links)):
        u = urlsplit(href)
        if u.scheme not in ("http", "https") or u.netloc != base.netloc:
            continue  # links out (launch buttons, the repository) are not followed
        rel = unquote(u.path).lstrip("/")
        target = HTML / rel
        if rel == "" or target.is_dir():
            target = target / "index.html"
        if not target.is_file():
            broken.append(f"{href}: no file {target.relative_to(HTML)}")
            continue
        if u.fragment and target.suffix == ".html":
            ids = set(_static_ids(target))
            if target == HTML / path:
                ids |= r.ids  # ids the page's scripts added
            if unquote(u.fragment) not in ids:
                broken.append(f"{href}: no anchor #{u.fragment} in {target.relative_to(HTML)}")
    assert broken == [], "\n".join(broken)


# ---------------------------------------------------------------- search


def test_search_finds_the_chain_rule(browser, base_url):
    report = PageReport(path="search.html", url=base_url + "search.html?q=chain+rule")
    context = browser.new_context()
    Recorder(context, base_url, report).attach(page := context.new_page())
    page.goto(report.url, wait_until="load")
    page.wait_for_selector("#search-results ul.search li a", timeout=15_000)
    page.wait_for_function(
        "() => !document.querySelector('#search-results h2')"
        " || !/Searching/.test(document.querySelector('#search-results h2').textContent)"
    )
    hrefs = page.eval_on_selector_all(
        "#search-results ul.search li a", "els => els.map(e => e.getAttribute('href'))"
    )
    context.close()
    assert any("chapters/01_chain_rule.html" in h for h in hrefs), hrefs
    assert report.console_errors == [] and report.failed_requests == []
    assert report.foreign_requests == []


# ---------------------------------------------------------------- the shared answer table

RUN_TABLE = """async ({esm, cases}) => {
  const url = URL.createObjectURL(new Blob([esm], {type: 'text/javascript'}));
  const mod = await import(url);
  URL.revokeObjectURL(url);
  const render = (mod.default && mod.default.render) || mod.render;
  const out = [];
  for (const c of cases) {
    const direct = mod.checkAnswer(c.input, c.answer, c.rtol, c.atol);
    const data = {key: 'table', prompt: 'answer', size: c.answer.length, answer: c.answer,
                  rtol: c.rtol, atol: c.atol, hints: [], hints_shown: 0, value: '',
                  verdict: '', message: '', checks: 0};
    const model = {get: (k) => data[k], set: (k, v) => { data[k] = v; }, save_changes() {},
                   on() {}, off() {}, send() {}};
    const el = document.createElement('div');
    document.body.append(el);
    await render({model, el});
    const input = el.querySelector('input.bp-exercise-input');
    input.value = c.input;
    el.querySelector('button.bp-exercise-check').click();
    const fb = el.querySelector('.bp-exercise-feedback');
    out.push({direct, typed: input.value, ui: {verdict: fb.dataset.verdict, message: fb.textContent}});
    el.remove();
  }
  return out;
}"""


def test_shared_answer_table_gives_the_page_the_python_verdicts(browser, base_url):
    """Run tests/exercise_cases.json through the exercise module as shipped in a page.

    Both its checkAnswer and its answer box (typing into the input, clicking Check) must
    give the table's verdict and message, which are the Python check_answer's.
    """
    context = browser.new_context()
    page = context.new_page()
    page.goto(base_url + CHAPTERS[0], wait_until="load")
    models = widget_state(page)
    esm = next(m["state"]["_esm"] for m in models.values() if is_exercise(m))
    wait_ready(page, 0)
    results = page.evaluate(RUN_TABLE, {"esm": esm, "cases": CASES})
    context.close()
    assert len(results) == len(CASES)
    for case, got in zip(CASES, results, strict=True):
        note = case.get("note", case["input"])
        fb = check_answer(case["input"], case["answer"], case["rtol"], case["atol"])
        assert (case["verdict"], case["message"]) == (fb.verdict, fb.message), note
        assert (got["direct"]["verdict"], got["direct"]["message"]) == (fb.verdict, fb.message), (
            note
        )
        # A text box drops line breaks from what is typed; the verdict is the one on what it holds.
        typed = got["typed"]
        assert typed == case["input"].replace("\r", "").replace("\n", ""), note
        want = check_answer(typed, case["answer"], case["rtol"], case["atol"])
        assert (got["ui"]["verdict"], got["ui"]["message"]) == (want.verdict, want.message), note
