"""A real headless Chromium, driven by Playwright, through the pages of ``onrecord serve``.

The set-up installs Debian's chromium when it is missing (it needs root and apt) and skips, saying
why, only where that cannot be done. Screenshots of the home, search, person, article, audit and
statement pages are saved under docs/screenshots/ for the README.
"""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import SEEDS, running_server
from test_serve import build_store

pytestmark = pytest.mark.processes  # starts onrecord in other processes: slow to repeat per mutant (docs/mutation.md)

CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).resolve().parents[1] / "docs" / "screenshots"
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync"]


def install_chromium() -> str | None:
    """None when Chromium is there (installed now if need be), else the reason it cannot be."""
    if Path(CHROMIUM).exists():
        return None
    if not shutil.which("apt-get") or os.geteuid() != 0:
        return "Chromium is not installed and apt-get as root is not available to install it"
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (["apt-get", "update", "-q"], ["apt-get", "install", "-y", "-q", "chromium"]):
        done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=900)
        if done.returncode != 0:
            return f"could not install Chromium: {' '.join(command)} failed: {done.stderr.strip()[-300:]}"
    return None if Path(CHROMIUM).exists() else "apt-get installed chromium but /usr/bin/chromium is missing"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    reason = install_chromium()
    if reason:
        pytest.skip(reason)
    db = build_store(tmp_path_factory.mktemp("browser"))
    with running_server(db) as port:
        yield f"http://127.0.0.1:{port}"


@pytest.fixture(scope="module")
def browser(site):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS)
        yield launched
        launched.close()


def gold_quote() -> dict:
    gold = [json.loads(line) for line in open(SEEDS / "gold.jsonl", encoding="utf-8")]
    return next(g for g in gold if sum(o["quote"] == g["quote"] for o in gold) == 2 and g["kind"] == "direct")


def test_search_then_person_then_article(site, browser):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    quote = gold_quote()
    phrase = " ".join(quote["quote"].split()[:5])
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(site + "/")
    assert page.locator(".counts").inner_text().count("articles") >= 1
    page.screenshot(path=SCREENSHOTS / "home.png", full_page=True)

    page.fill("#q", f'"{phrase}"')
    page.press("#q", "Enter")
    page.wait_for_url("**/search?**")
    results = page.locator("li.statement")
    assert results.count() == 2
    assert phrase in results.first.locator("blockquote").inner_text()

    results.first.locator("a.speaker").click()
    page.wait_for_url("**/person/**")
    assert page.locator("h1.person-name").inner_text() == quote["speaker"]
    assert page.locator("svg.timeline rect").count() >= 1 or "No dated statements" in page.content()

    page.go_back()
    results.first.locator("a", has_text="article").click()
    page.wait_for_url("**/article/**")
    mark = page.locator("article.text mark", has_text=phrase)
    assert mark.count() == 1
    speaker_shown = mark.locator("xpath=following-sibling::sup[1]").inner_text()
    assert speaker_shown == quote["speaker"]
    page.screenshot(path=SCREENSHOTS / "article.png", full_page=True)


def test_pages_fit_a_phone_screen(site, browser):
    page = browser.new_page(viewport={"width": 390, "height": 844})
    for path in ("/", "/people", "/stories", "/search?q=sanctions"):
        page.goto(site + path)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, path


def test_script_in_an_article_is_shown_not_run(site, browser):
    page = browser.new_page()
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(site + "/search?q=budget")
    page.locator("a", has_text="article").first.click()
    page.wait_for_url("**/article/**")
    assert "<script>window.__pwned = 2" in page.locator("article.text").inner_text()
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert dialogs == []


def test_pages_keep_their_style_and_script_under_the_content_security_policy(site, browser):
    """The CSP allows only this origin and no inline code: the stylesheet and app.js must still load and run."""
    page = browser.new_page()
    refused = []
    page.on("console", lambda message: refused.append(message.text) if "Content Security Policy" in message.text else None)
    for path in ("/", "/people", "/stories", "/search?q=sanctions"):
        response = page.goto(site + path)
        assert "default-src 'self'" in response.headers["content-security-policy"], path
        assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(250, 250, 250)", path
        page.keyboard.press("/")  # app.js puts the cursor in the search box
        assert page.evaluate("document.activeElement.id") == "q", path
    assert refused == []


@pytest.fixture(scope="module")
def newsroom_site(tmp_path_factory, site):
    from newsroom import build_newsroom

    with running_server(build_newsroom(tmp_path_factory.mktemp("newsroom"))) as port:
        yield f"http://127.0.0.1:{port}"


def test_the_filter_form_with_empty_fields_then_page_two_then_a_facet(site, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(site + "/search")
    page.fill("form.filters input[name=q]", "the OR we")
    page.click("form.filters button")  # every other field left empty, as a user does
    page.wait_for_url("**/search?**")
    assert "speaker=&" in page.url and "since=&" in page.url  # the browser sent the empty fields
    total = int(page.locator("p.total").inner_text().split()[0])
    assert total > 20 and page.locator("li.statement").count() == 20
    assert page.locator("li.statement mark.hit").count() >= 20
    page.screenshot(path=SCREENSHOTS / "search.png", full_page=True)
    first_page = page.locator("li.statement blockquote").all_inner_texts()
    page.click("a[rel=next]")
    page.wait_for_url("**page=2**")
    assert page.locator("h1").inner_text().startswith("Statements matching")
    assert set(page.locator("li.statement blockquote").all_inner_texts()).isdisjoint(first_page)
    facet = page.locator("aside.facets ul.outlets li").first
    outlet, count = facet.locator("a").inner_text(), int(facet.locator(".count").inner_text())
    facet.locator("a").click()
    page.wait_for_url("**outlet=**")
    assert int(page.locator("p.total").inner_text().split()[0]) == count
    assert page.locator("form.filters input[name=outlet]").input_value() == outlet
    assert "page=" not in page.url  # a new filter starts again at page 1


def test_a_wrong_date_gives_the_form_back_with_what_was_typed(site, browser):
    page = browser.new_page()
    page.goto(site + "/search")
    page.fill("form.filters input[name=q]", "budget")
    page.fill("form.filters input[name=since]", "2021-13")
    page.click("form.filters button")
    page.wait_for_url("**/search?**")
    assert page.locator("ul.problems").inner_text() == "Since: use YYYY, YYYY-MM or YYYY-MM-DD"
    assert page.locator("form.filters input[name=since]").input_value() == "2021-13"
    assert page.locator("form.filters input[name=q]").input_value() == "budget"


def test_people_search_then_the_person_page_then_a_month(newsroom_site, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(newsroom_site + "/people")
    page.fill("#people-q", "raman")
    page.click("form.filters button")
    page.wait_for_url("**/people?q=raman**")
    names = page.locator("table.list td:first-child a").all_inner_texts()
    assert sorted(names) == ["Priya Raman", "Tomas Raman"]
    page.click("text=Priya Raman")
    page.wait_for_url("**/person/**")
    assert page.locator("dd.outlets").inner_text().startswith("Valley Gazette (2)")
    page.screenshot(path=SCREENSHOTS / "person.png", full_page=True)
    page.locator("svg.timeline a").first.click()
    page.wait_for_url("**since=2024-03**")
    assert page.locator("li.statement").count() == 1
    assert "Valley Gazette, Northern Post (2 outlets, 3 articles)" in page.locator("li.statement .meta").inner_text()


def test_the_statement_page_marks_first_only_when_dated(newsroom_site, browser):
    page = browser.new_page()
    page.goto(newsroom_site + "/search?q=clinic")
    page.locator("a", has_text="all reports").first.click()
    page.wait_for_url("**/statement/**")
    reports = page.locator("ol.reports li").all_inner_texts()
    assert reports[0].startswith("earliest dated 2024-03-02 · Valley Gazette") and "unknown outlet" in reports[2]
    assert page.locator(".first").count() == 1
    page.goto(newsroom_site + "/search?q=ferry")
    page.locator("a", has_text="all reports").first.click()
    page.wait_for_url("**/statement/**")
    assert page.locator(".first").count() == 0
    assert page.locator(".first-seen").inner_text() == "earliest known: undated"


def test_the_audit_page_from_the_menu_then_by_month_then_its_csv(newsroom_site, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(newsroom_site + "/")
    page.click("header nav a:text('Audit')")
    page.wait_for_url("**/audit")
    bars = page.locator("svg.audit-bars g.bar")
    outlets = bars.evaluate_all("bars => bars.map(b => b.dataset.outlet)")
    assert "Valley Gazette" in outlets and "unknown outlet" in outlets  # the blog post with no outlet is its own row
    assert page.locator("svg.audit-bars rect").count() >= len(outlets)
    assert page.locator("svg.audit-lines polyline").count() >= 1
    assert page.locator("table.audit tr.total td").first.inner_text() == "total"
    page.screenshot(path=SCREENSHOTS / "audit.png", full_page=True)
    csv_link = page.locator("a.download").get_attribute("href")
    download = page.request.get(newsroom_site + csv_link)
    assert download.ok and download.text().startswith("outlet,articles,statements,people,")

    page.select_option("form.filters select[name=by]", "month")
    page.click("form.filters button")  # the other fields left empty, as a user does
    page.wait_for_url("**by=month**")
    assert "since=&" in page.url
    months = page.locator("table.audit tr td:first-child").all_inner_texts()
    assert months == ["2024-03", "2024-05", "undated", "total"]
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


@pytest.fixture(scope="module")
def variants_site(tmp_path_factory, site):
    from test_variants import WIRE, store_reports

    db = tmp_path_factory.mktemp("variants") / "variants.db"
    store_reports(db, WIRE)
    with running_server(db) as port:
        yield f"http://127.0.0.1:{port}"


def test_altered_quotes_from_the_menu_then_the_statement_with_its_wordings_marked(variants_site, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(variants_site + "/")
    page.click("header nav a:text('Altered quotes')")
    page.wait_for_url("**/altered")
    rows = page.locator("ul.altered li.statement")
    assert rows.count() == 1 and "2 altered reports · 7 articles in all" in rows.first.inner_text()
    assert rows.first.locator("ul.edits li").all_inner_texts() == ["twice → three times number", "not negation"]
    rows.first.locator("a", has_text="every wording").click()
    page.wait_for_url("**/statement/**")
    dropped, changed = page.locator("li.wording del.negation", has_text="not"), page.locator("li.wording ins.number")
    assert dropped.is_visible() and changed.is_visible() and changed.inner_text() == "three times"
    assert "line-through" in dropped.evaluate("d => getComputedStyle(d).textDecorationLine")
    assert page.locator("li.wording .origin").inner_text() == "first"
    assert page.locator("svg.carried circle.origin").count() == 1
    assert page.locator("svg.carried text.again").text_content() == "said again 2024-07-20 (first 2024-03-01)"
    page.screenshot(path=SCREENSHOTS / "variants.png", full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
