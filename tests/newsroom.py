"""A small newsroom of articles written for these tests: one statement carried by dated, undated and
outlet-less reports, two people who share a surname, and a wire story whose byline is its outlet."""

import json

from conftest import run_cli

CLINIC = "The clinic will reopen in May, and nobody will pay for a visit"
BUDGET = "We have found the money for twelve new nurses without raising a single tax"
BRIDGE = "The bridge has been closed for too long and the families on the hill deserve better"
FERRY = "Nobody should wait two hours for a ferry that runs half empty"

ARTICLES = [
    {"id": "gazette-1", "outlet": "Valley Gazette", "date": "2024-03-02", "title": "Clinic to reopen in spring",
     "text": f"Clinic to reopen in spring\n\n“{CLINIC},” said Priya Raman, the health minister, on Friday.\n\n"
             "The clinic closed two years ago after a fire in its kitchen."},
    {"id": "post-1", "outlet": "Northern Post", "date": "2024-03-03", "title": "Minister promises free clinic visits",
     "text": f"Minister promises free clinic visits\n\n“{CLINIC},” Priya Raman told reporters in the capital.\n\n"
             f"“{BRIDGE},” said Tomas Raman, the opposition leader."},
    {"id": "blog-1", "title": "What the minister said",
     "text": f"What the minister said\n\n“{CLINIC},” said Priya Raman.\n\nThe post gave no date and no publisher."},
    {"id": "gazette-2", "outlet": "Valley Gazette", "date": "2024-05-10", "title": "Nurses hired",
     "text": f"Nurses hired\n\n“{BUDGET},” said Priya Raman, the health minister.\n\n"
             "The hospital board welcomed the news on Thursday."},
    {"id": "post-2", "outlet": "Northern Post", "title": "Ferry users complain",
     "text": f"Ferry users complain\n\n“{FERRY},” said Lena Okoro, who leads the ferry users’ group.\n\n"
             "The operator did not answer questions."},
    {"id": "herald-1", "outlet": "Harbour Herald", "title": "Ferry anger grows",
     "text": f"Ferry anger grows\n\n“{FERRY},” said Lena Okoro, the head of a group of passengers.\n\n"
             "The harbour office said timetables would be reviewed."},
    {"id": "wire-1", "outlet": "The Associated Press", "author": "The Associated Press", "date": "2024-03-04",
     "title": "Opposition calls for bridge repairs",
     "text": f"Opposition calls for bridge repairs\n\n“{BRIDGE},” said Tomas Raman, the opposition leader, on Monday.\n\n"
             "He said the works could start in June."},
]


def build_newsroom(folder):
    return ingested(folder / "newsroom.db", ARTICLES)


def ingested(db, articles: list[dict]):
    """A store of ``articles`` (JSONL records) made by `onrecord ingest`, as a user makes one."""
    result = run_cli("ingest", "--db", db, "-", stdin="".join(json.dumps(a) + "\n" for a in articles))
    assert result.returncode == 0, result.stderr
    return db
