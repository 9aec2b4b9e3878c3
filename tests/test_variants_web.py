"""Quote variants on the web: the statement page's wordings and timeline, the altered quotes page, their API
twins and the person page's repeats, on the ferry statement of test_variants as outlets carried it."""

import re

import pytest
from fastapi.testclient import TestClient
from test_variants import FERRY, SPEAKER, WIRE, store_reports

from onrecord.serve import create_app

SCHOOL = "The school on Kellsay needs two more teachers and a new roof"
SAME_ONLY = [(SCHOOL, "direct", "2024-02-10", "Island Post"), (SCHOOL, "direct", "2024-02-11", "Coast Daily")]
EMPTY_FORM = {"q": "", "speaker": "", "since": "", "until": "", "page": "", "per_page": ""}


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    db = tmp_path_factory.mktemp("variants") / "variants.db"
    store_reports(db, WIRE + SAME_ONLY)
    return TestClient(create_app(str(db)), raise_server_exceptions=False)


def merged_id(client, quote: str) -> int:
    return client.get("/api/statements", params={"q": f'"{quote}"'}).json()["items"][0]["merged_id"]


def wording(page: str, outlet: str) -> str:
    """The HTML of the page's wording that ``outlet`` carried, from its class to the reports that carried it."""
    found = [item for item in re.findall(r'<li class="wording" (data-variant=.*?</li>)\s*</ul>', page, re.S)
             if f"· {outlet} ·" in item]
    assert len(found) == 1, found
    return found[0]


def test_the_statement_page_aligns_each_wording_with_the_first_and_marks_the_edits(client):
    page = client.get(f"/statement/{merged_id(client, FERRY)}").text
    number = wording(page, "Harbour Herald")
    assert number.startswith('data-variant="altered"')
    assert '<del class="number" title="number">twice</del> <ins class="number" title="number">three times</ins>' in number
    assert '<span class="change number">number</span>' in number
    negation = wording(page, "North Wire")
    assert negation.startswith('data-variant="altered"')
    assert '<del class="negation" title="negation">not</del>' in negation
    assert '<span class="change negation">negation</span>' in negation
    shortened = wording(page, "Coast Daily")
    assert shortened.startswith('data-variant="shortened"')
    assert '<span class="cut">and fares will not rise this year</span>' in shortened and "<del" not in shortened


def test_identical_wordings_are_shown_once_and_the_first_report_is_marked(client):
    page = client.get(f"/statement/{merged_id(client, FERRY)}").text
    assert page.count('<li class="wording"') == 6  # seven reports; the Island Post's two carry one wording
    first = wording(page, "Island Post")
    assert '<span class="origin">first</span>' in first and page.count('<span class="origin">') == 1
    assert first.count("Island Post") == 2 and '<span class="again">said again</span> (first 2024-03-01)' in first
    article = re.search(r'href="/article/([0-9a-f]+)"', first)[1]
    assert client.get(f"/article/{article}").status_code == 200


def test_the_timeline_draws_a_row_per_outlet_and_labels_the_repeat_with_both_dates(client):
    page = client.get(f"/statement/{merged_id(client, FERRY)}").text
    chart = re.search(r'<svg class="carried".*?</svg>', page, re.S)[0]
    assert chart.count("<line ") == 6 and chart.count("<circle") == 7
    assert chart.count('class="origin"') == 1 and chart.count('<circle class="again"') == 1
    assert "said again 2024-07-20 (first 2024-03-01)" in chart


def test_the_api_gives_each_report_with_its_class_edits_and_repeat(client):
    found = client.get(f"/api/merged/{merged_id(client, FERRY)}").json()
    reports = {(r["outlet"], r["published"]): r for r in found["reports"]}
    assert [r["variant"] for r in found["reports"]].count("altered") == 2
    herald = reports[("Harbour Herald", "2024-03-02")]
    assert herald["edits"] == [{"was": "twice", "now": "three times", "change": "number"}]
    assert herald["variant"] == "altered" and herald["fullest_variant"] == "same" and not herald["first"]
    first = reports[("Island Post", "2024-03-01")]
    assert first["first"] and first["reference"] and first["edits"] == [] and not first["repeat"]
    assert reports[("Island Post", "2024-07-20")]["repeat"]
    assert {"article_id", "kind", "quote"} <= set(herald)
    assert len(found["wordings"]) == 6


def test_altered_quotes_lists_statements_with_an_altered_report_and_their_edits(client):
    page = client.get("/altered").text
    assert FERRY.replace("twice", "three times") in page and SCHOOL not in page  # the fullest wording
    assert "2 altered reports · 7 articles in all" in page and SPEAKER in page
    assert '<del>twice</del> → <ins>three times</ins> <span class="change number">number</span>' in page
    assert '<del>not</del> <span class="change negation">negation</span>' in page
    assert f'href="/statement/{merged_id(client, FERRY)}"' in page
    found = client.get("/api/altered").json()
    assert [item["altered"] for item in found["items"]] == [2]
    assert found["items"][0]["edits"] == [{"was": "twice", "now": "three times", "change": "number"},
                                          {"was": "not", "now": "", "change": "negation"}]


@pytest.mark.parametrize("params, listed", [
    ({"speaker": "Marrow"}, 1), ({"speaker": "Nobody Here"}, 0), ({"q": "ferry"}, 1), ({"q": "teachers"}, 0),
    ({"since": "2024-07"}, 1), ({"until": "2024-02"}, 0),
])
def test_altered_quotes_filters_by_speaker_words_and_dates(client, params, listed):
    assert len(client.get("/api/altered", params={**EMPTY_FORM, **params}).json()["items"]) == listed


@pytest.mark.parametrize("path", ["/altered", "/api/altered"])
def test_empty_fields_on_altered_quotes_mean_not_given(client, path):
    response, unasked = client.get(path, params=EMPTY_FORM), client.get(path)
    assert response.status_code == 200
    if path.startswith("/api/"):
        assert response.json() == unasked.json()
    else:
        assert re.sub(r'value="[^"]*"', "", response.text) == re.sub(r'value="[^"]*"', "", unasked.text)


def test_a_wrong_date_on_altered_quotes_gives_the_form_back(client):
    page = client.get("/altered", params={**EMPTY_FORM, "speaker": "Marrow", "since": "2024-13"})
    assert page.status_code == 400
    assert '<li class="error">Since: use YYYY, YYYY-MM or YYYY-MM-DD</li>' in page.text
    assert 'name="since" value="2024-13"' in page.text and 'name="speaker" value="Marrow"' in page.text
    api = client.get("/api/altered", params={"until": "soon"})
    assert api.status_code == 400 and api.json()["detail"] == "until: use YYYY, YYYY-MM or YYYY-MM-DD"


def test_altered_quotes_pages_twenty_at_a_time_and_is_in_the_menu(client):
    assert '<a href="/altered">Altered quotes</a>' in client.get("/").text
    first = client.get("/api/altered", params={"per_page": "1"}).json()
    assert first["per_page"] == 1 and not first["has_next"] and first["page"] == 1
    assert client.get("/api/altered", params={"page": "2"}).json()["items"] == []


def test_the_person_page_lists_what_was_said_again_with_both_dates(client):
    statement = merged_id(client, FERRY)
    person = client.get(f"/api/merged/{statement}").json()["statement"]["person_id"]
    assert client.get(f"/api/people/{person}").json()["repeats"] == [
        {"id": statement, "quote": FERRY.replace("twice", "three times"), "first": "2024-03-01", "again": ["2024-07-20"]}]
    page = client.get(f"/person/{person}").text
    said_again = re.search(r'<ul class="repeats">(.*?)</ul>', page, re.S)[1]
    assert f'href="/statement/{statement}"' in said_again and "first 2024-03-01 · again 2024-07-20" in said_again
    school = merged_id(client, SCHOOL)
    assert f'href="/statement/{school}"' not in said_again  # reported two days apart: not a repeat


def test_the_new_pages_link_inside_a_path_prefix(tmp_path):
    db = tmp_path / "prefixed.db"
    store_reports(db, WIRE)
    behind_proxy = TestClient(create_app(str(db), root_path="/onrecord"), raise_server_exceptions=False)
    for path in ("/altered", "/statement/1", "/person/1"):
        links = re.findall(r'(?:href|src|action)="(/[^"]*)"', behind_proxy.get(path).text)
        assert links and all(link.startswith("/onrecord/") for link in links), (path, links)
