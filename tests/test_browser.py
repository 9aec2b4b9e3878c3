"""A real headless Chromium, driven by Playwright, through the pages of ``onrecord serve``.

The set-up installs Debian's chromium when it is missing (it needs root and apt) and skips, saying
why, only where that cannot be done. Screenshots of the home, person and article pages are saved
under docs/screenshots/ for the README.
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
    page.screenshot(path=SCREENSHOTS / "person.png", full_page=True)

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
