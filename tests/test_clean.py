"""Scraped text: furniture lines, bylines and datelines."""

from onrecord.clean import layout, split_paragraphs

SCRAPED = """Flood Defences Finished Ahead of Winter

Posted on : 2024-10-02 09:30 CET Modified on : 2024-10-03 11:00 CET
Workers finish a barrier on the river bank on Tuesday. (City News Agency)
Workers finish a barrier on the river bank on Tuesday. (City News Agency)

Engineer Rosa Lind said the new barrier would hold back a once-in-a-century flood.

Follow Rosa Lind on Facebook, Twitter at @rosalind, or email her at

Share this article

Related stories

Most viewed articles

By Jonas Weber, staff reporter
"""


def paragraphs_of(text):
    found = layout(text)
    return [text[p.start:p.end] for p in found.paragraphs], found


def test_clean_furniture_is_not_content():
    paragraphs, _ = paragraphs_of(SCRAPED)
    assert paragraphs == ["Engineer Rosa Lind said the new barrier would hold back a once-in-a-century flood."]


def test_clean_byline_and_dateline_become_metadata():
    _, found = paragraphs_of(SCRAPED)
    assert found.author == "Jonas Weber"
    assert found.published == "2024-10-02"
    assert SCRAPED[found.headline.start:found.headline.end] == "Flood Defences Finished Ahead of Winter"


def test_clean_furniture_yields_no_statements(statements_of):
    found = statements_of(SCRAPED)
    assert [s.speaker for s in found] == ["Rosa Lind"]


def test_clean_hard_wrapped_wire_copy_keeps_paragraphs_whole():
    text = (
        "GRAIN PRICES RISE\n\n"
        "    Grain prices rose sharply on Monday after the\n"
        "agriculture ministry said the harvest would be smaller\n"
        "than expected, traders in the capital said.\n"
        "    The ministry expects a harvest of nine million\n"
        "tonnes, down from eleven million tonnes last year.\n"
    )
    spans = split_paragraphs(text)
    assert len(spans) == 3
    assert text[spans[1].start:spans[1].end].endswith("traders in the capital said.")


def test_clean_windows_line_endings_give_the_same_statements(statements_of):
    unix = SCRAPED.replace("Engineer Rosa Lind said", "“It will hold,” said engineer Rosa Lind.\n\nShe said")
    windows = unix.replace("\n", "\r\n")
    assert [s.quote for s in statements_of(unix)] == [s.quote for s in statements_of(windows)]
    assert len(statements_of(windows)) == 2


def test_clean_prose_starting_like_furniture_is_kept():
    text = ("Title\n\nRelated to the budget, the mayor said taxes would not rise.\n\n"
            "Comments by the treasurer were more cautious.\n\nComments\n\nRelated stories\n")
    paragraphs, _ = paragraphs_of(text)
    assert paragraphs == ["Related to the budget, the mayor said taxes would not rise.",
                          "Comments by the treasurer were more cautious."]


def test_clean_prose_about_social_media_is_content():
    text = "Title\n\nThen, last week, the singer posted on Twitter accusing her label of blocking her songs.\n\nFollow us on Facebook\n"
    paragraphs, _ = paragraphs_of(text)
    assert paragraphs == ["Then, last week, the singer posted on Twitter accusing her label of blocking her songs."]


WIRE = (
    "PORT STRIKE ENDS\n\n"
    "    Dock workers in the northern port returned to work on\n"
    "Monday after a six-week strike, union officials said.\n"
    "    \"We have won a fair deal for every worker on these docks\n"
    "and we are proud of it,\" said Samuel Otieno, the union's\n"
    "president.\n"
    "    The port authority said the backlog of ships would be\n"
    "cleared within ten days.\n"
)


def test_clean_wire_copy_quotations_run_over_wrapped_lines(statements_of):
    found = statements_of(WIRE)
    quote = next(s for s in found if s.kind == "direct")
    assert quote.quote.startswith("We have won") and quote.quote.endswith("proud of it,")
    assert quote.speaker == "Samuel Otieno"
    assert [s.speaker for s in found if s.kind == "indirect"] == ["union officials", "port authority"]
