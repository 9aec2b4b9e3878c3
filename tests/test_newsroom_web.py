"""The web pages and API as a newsroom uses them: forms sent as browsers send them, search that ranks,
counts and highlights, people search, the person page and honest provenance, on articles written for this."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient
from newsroom import BRIDGE, BUDGET, CLINIC, FERRY, build_newsroom

from onrecord.serve import create_app

pytestmark = pytest.mark.processes  # the store is built by `onrecord ingest` in another process

EMPTY_FORM = {"q": "", "speaker": "", "outlet": "", "since": "", "until": "", "kind": "", "order": "", "page": "", "per_page": ""}


@pytest.fixture(scope="module")
def newsroom(tmp_path_factory):
    return build_newsroom(tmp_path_factory.mktemp("newsroom"))


@pytest.fixture(scope="module")
def client(newsroom):
    return TestClient(create_app(str(newsroom)), raise_server_exceptions=False)


def words(item: dict) -> str:
    """A quote without the comma the article put before 'said'."""
    return item["quote"].rstrip(",")


def people_named(client, name: str) -> dict:
    return {p["name"]: p for p in client.get("/api/people", params={"q": name}).json()["items"]}


@pytest.mark.parametrize("path", ["/search", "/api/statements", "/people", "/api/people", "/stories", "/api/stories",
                                  "/person/1", "/api/people/1"])
def test_every_empty_field_means_not_given(client, path):
    response, unasked = client.get(path, params=EMPTY_FORM), client.get(path)
    assert response.status_code == 200, response.text
    if path.startswith("/api/"):
        assert response.json() == unasked.json()
    else:  # the same page, but for the (empty) values the form writes back
        assert re.sub(r'value="[^"]*"', "", response.text) == re.sub(r'value="[^"]*"', "", unasked.text)


@pytest.mark.parametrize("field, value, sentence", [
    ("since", "2024-13", "Since: use YYYY, YYYY-MM or YYYY-MM-DD"),
    ("until", "last week", "Until: use YYYY, YYYY-MM or YYYY-MM-DD"),
    ("kind", "rumour", "Kind: use direct, indirect or mixed"),
    ("page", "0", "Page: use a whole number from 1 to 10000"),
    ("order", "random", "Order: use relevance or newest"),
])
def test_a_wrong_field_gives_the_form_back_with_a_sentence_and_the_values_kept(client, field, value, sentence):
    response = client.get("/search", params={**EMPTY_FORM, "q": "clinic", "speaker": "Raman", field: value})
    assert response.status_code == 400
    assert f'<li class="error">{sentence}</li>' in response.text
    assert 'name="speaker" value="Raman"' in response.text and 'name="q" value="clinic"' in response.text
    if field in ("since", "until"):
        assert f'name="{field}" value="{value}"' in response.text
    api = client.get("/api/statements", params={field: value})
    assert api.status_code == 400 and api.json()["detail"].startswith(f"{field}: use ")


def test_search_ranks_by_relevance_counts_and_marks_the_words(client):
    found = client.get("/api/statements", params={"q": "clinic OR bridge"}).json()
    assert found["total"] == 5 == len(found["items"])
    assert {words(s) for s in found["items"]} == {CLINIC, BRIDGE}
    newest = client.get("/api/statements", params={"q": "clinic OR bridge", "order": "newest"}).json()["items"]
    dated = [s["published"] for s in newest if s["published"]]
    assert dated == sorted(dated, reverse=True) and newest[-1]["published"] is None
    clinic = next(s for s in found["items"] if words(s) == CLINIC)
    assert [p for p in clinic["context"]["quote"] if p["match"]] == [{"text": "clinic", "match": True}]
    assert clinic["context"]["after"].startswith("”") and clinic["cue"] in ("said", "told")
    page = client.get("/search", params={"q": "clinic"}).text
    assert '<mark class="hit">clinic</mark>' in page and "3 statements, best match first" in page


def test_relevance_puts_the_statement_that_matches_more_words_first(client):
    query = {"q": "nurses OR clinic OR reopen OR visit"}  # the newest statement matches one word, the clinic's three
    ranked = [words(s) for s in client.get("/api/statements", params=query).json()["items"]]
    assert ranked == [CLINIC] * 3 + [BUDGET]
    newest = [words(s) for s in client.get("/api/statements", params={**query, "order": "newest"}).json()["items"]]
    assert newest[0] == BUDGET


def test_facets_count_people_and_outlets_and_a_facet_link_filters(client):
    found = client.get("/api/statements", params={"q": "clinic OR bridge"}).json()
    people = {p["name"]: p["statements"] for p in found["facets"]["people"]}
    assert people == {"Priya Raman": 3, "Tomas Raman": 2}
    outlets = {o["outlet"]: o["statements"] for o in found["facets"]["outlets"]}
    assert outlets == {"Valley Gazette": 1, "Northern Post": 2, "The Associated Press": 1}  # the unknown one not counted
    page = client.get("/search", params={"q": "clinic OR bridge"}).text
    link = re.search(r'href="(/search\?[^"]*outlet=Northern[^"]*)"', page)[1].replace("&amp;", "&")
    assert parse_qs(urlsplit(link).query) == {"q": ["clinic OR bridge"], "outlet": ["Northern Post"]}
    filtered = client.get(link)
    assert filtered.status_code == 200 and "2 statements" in filtered.text


def test_the_pager_keeps_the_filters_and_leaves_out_empty_fields(client):
    first = client.get("/search", params={**EMPTY_FORM, "speaker": "Priya Raman", "per_page": "1"})
    assert first.status_code == 200
    link = re.search(r'<a rel="next" href="([^"]+)"', first.text)[1].replace("&amp;", "&")
    assert parse_qs(urlsplit(link).query) == {"speaker": ["Priya Raman"], "per_page": ["1"], "page": ["2"]}
    second = client.get(link)
    assert second.status_code == 200 and 'rel="prev"' in second.text


def test_people_search_by_surname_lists_the_candidates(client):
    assert set(people_named(client, "Raman")) == {"Priya Raman", "Tomas Raman"}
    assert set(people_named(client, "okoro")) == {"Lena Okoro"}
    assert people_named(client, "Nobody Here") == {}
    page = client.get("/people", params={"q": "Raman", "page": ""}).text
    assert page.count('href="/person/') == 2 and "No one by that name" not in page


def test_person_page_groups_statements_and_filters_by_words_and_month(client):
    priya = people_named(client, "Priya Raman")["Priya Raman"]
    data = client.get(f"/api/people/{priya['id']}").json()
    clinic = next(s for s in data["statements"]["items"] if words(s) == CLINIC)
    assert clinic["articles"] == 3 and clinic["outlets"] == 2 and clinic["kinds"] == "direct" and clinic["cue"] == "said"
    assert clinic["first_outlet"] == "Valley Gazette" and clinic["first_seen"] == "2024-03-02"
    assert {o["outlet"]: o["statements"] for o in data["outlets"]} == {"Valley Gazette": 2, "Northern Post": 1}
    may = client.get(f"/api/people/{priya['id']}", params={"since": "2024-05", "until": "2024-05"}).json()
    assert [words(s) for s in may["statements"]["items"]] == ["We have found the money for twelve new nurses without raising a single tax"]
    nurses = client.get(f"/api/people/{priya['id']}", params={"q": "nurses"}).json()
    assert len(nurses["statements"]["items"]) == 1
    page = client.get(f"/person/{priya['id']}").text
    months = re.findall(r'<a href="(/person/\d+\?since=[^"]+)"><rect', page)
    assert len(months) == 2
    march = client.get(months[0].replace("&amp;", "&")).text
    assert CLINIC in march and "twelve new nurses" not in march


def test_first_only_when_the_dates_establish_it(client):
    reports_of = {}
    for quote in (CLINIC, FERRY):
        merged_id = client.get("/api/statements", params={"q": f'"{quote}"'}).json()["items"][0]["merged_id"]
        reports_of[quote] = (merged_id, client.get(f"/api/merged/{merged_id}").json())
    clinic_id, clinic = reports_of[CLINIC]
    # an undated report may be the earliest: the earliest dated one is not called first
    assert [(r["outlet"], r["label"]) for r in clinic["reports"]] == [
        ("Valley Gazette", "earliest dated"), ("Northern Post", None), (None, None)]
    assert not any(r["first"] for r in clinic["reports"]) and not clinic["first_known"]
    assert clinic["statement"]["outlets"] == 2  # the report with no outlet is not an outlet
    page = client.get(f"/statement/{clinic_id}").text
    assert page.count('class="first"') == 1 and "unknown outlet" in page and "earliest dated report 2024-03-02" in page
    bridge_id = client.get("/api/statements", params={"q": f'"{BRIDGE}"'}).json()["items"][0]["merged_id"]
    bridge = client.get(f"/api/merged/{bridge_id}").json()  # every report dated, one the earliest
    assert [(r["outlet"], r["label"]) for r in bridge["reports"]] == [("Northern Post", "first"), ("The Associated Press", None)]
    assert "first seen 2024-03-03" in client.get(f"/statement/{bridge_id}").text
    ferry_id, ferry = reports_of[FERRY]
    assert not any(r["first"] for r in ferry["reports"]) and not ferry["first_known"]
    page = client.get(f"/statement/{ferry_id}").text
    assert 'class="first"' not in page and "earliest known: undated" in page


def test_an_article_byline_that_is_its_outlet_is_shown_once(client, newsroom):
    wire = next(s for s in client.get("/api/statements", params={"outlet": "The Associated Press"}).json()["items"])
    header = re.search(r'<p class="meta">(.*?)</p>', client.get(f"/article/{wire['article_id']}").text, re.S)[1]
    assert header.count("The Associated Press") == 1


@pytest.mark.parametrize("path", ["/", "/search?q=clinic", "/people?q=raman", "/person/1", "/statement/1", "/stories",
                                  "/article/" + "0" * 16, "/docs"])
def test_pages_under_a_path_prefix_link_inside_it(newsroom, path):
    behind_proxy = TestClient(create_app(str(newsroom), root_path="/onrecord"), raise_server_exceptions=False)
    page = behind_proxy.get(path)
    assert page.status_code in (200, 404)  # the made-up article id: its 404 page links inside the prefix too
    links = re.findall(r'(?:href|src|action)="(/[^"]*)"', page.text)
    assert links and all(link.startswith("/onrecord/") for link in links), links
    assert behind_proxy.get("/onrecord/api/people").status_code == 200  # a proxy that does not strip the prefix


@pytest.mark.parametrize("words", ["covid-19", "U.S. clinic", "don't", "visit,"])
def test_words_with_punctuation_are_searched_not_refused(client, words):
    assert client.get("/api/statements", params={"q": words}).status_code == 200
    page = client.get("/search", params={"q": words})
    assert page.status_code == 200 and 'class="problems"' not in page.text
    assert client.get("/api/statements", params={"q": "visit,"}).json()["total"] == 3


def test_an_unclosed_quotation_mark_gives_the_form_back_with_a_sentence(client):
    page = client.get("/search", params={"q": '"clinic visit'})
    assert page.status_code == 400 and 'name="q" value="&#34;clinic visit"' in page.text
    assert '<li class="error">Words: close its quotation marks, or put a phrase in double quotes: &#34;tax cuts&#34;</li>' in page.text


def test_a_person_facet_keeps_to_that_person_when_a_name_is_shared(client):
    found = client.get("/search", params={"q": "clinic OR bridge", "speaker": "Raman"}).text
    links = dict(re.findall(r'<li><a href="(/search\?[^"]*person=\d+[^"]*)">([^<]+)</a> <span class="count">', found))
    tomas = next(link for link, name in links.items() if name == "Tomas Raman").replace("&amp;", "&")
    assert "speaker=" not in tomas
    items = client.get("/api/statements", params=dict(parse_qs(urlsplit(tomas).query, keep_blank_values=True))).json()
    assert {s["speaker"] for s in items["items"]} == {"Tomas Raman"} and items["total"] == 2
    assert "Only the statements of" in client.get(tomas).text


def test_speaker_unknown_means_no_speaker_and_empty_filters_are_no_filters(newsroom):
    from onrecord.store import QuoteFilter, Store

    with Store(newsroom, readonly=True) as store:
        everyone = store.count_quotes(QuoteFilter())
        assert store.count_quotes(QuoteFilter(speaker="", kind="", until="", outlet="")) == everyone
        assert store.count_quotes(QuoteFilter(speaker="Unknown")) == store.count_quotes(QuoteFilter(no_speaker=True))


def test_a_wrong_field_on_the_person_page_keeps_its_timeline_and_says_what_is_wrong(client):
    page = client.get("/person/1", params={"since": "bad"})
    assert page.status_code == 400 and "<svg class=\"timeline\"" in page.text and "No dated statements" not in page.text
    assert "Since: use YYYY, YYYY-MM or YYYY-MM-DD" in page.text and "(bad to" not in page.text


def test_people_search_counts_every_candidate(client):
    found = client.get("/api/people", params={"q": "raman", "per_page": 1}).json()
    assert found["total"] == 2 and len(found["items"]) == 1 and found["has_next"]
    assert "2 named “raman”" in client.get("/people", params={"q": "raman"}).text
