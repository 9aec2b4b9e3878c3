"""Articles written for the audit tests: women and men the articles name by 'she' and 'he', a speaker known by
an initial alone, an organisation and a description, over two outlets, two months and an undated post."""

from newsroom import ingested

ARTICLES = [
    {"id": "gazette-march", "outlet": "Valley Gazette", "date": "2024-03-05", "title": "Library opens",
     "text": "Library opens\n\nMaria Lindqvist, the mayor, opened the new library on Tuesday.\n\n"
             "“Reading is the cheapest way to travel,” she said.\n\n"
             "Anton Berg, who runs the bookshop on the square, was less sure.\n\n"
             "“Nobody buys books any more, and the library will not change that,” he said.\n\n"
             "The city council said in a statement that the building cost four million. "
             "The library was designed by the architect Ingrid Sol."},
    {"id": "gazette-april", "outlet": "Valley Gazette", "date": "2024-04-02", "title": "Tram line delayed",
     "text": "Tram line delayed\n\n“The tracks will be ready in the autumn, not before,” said K. Osei, an engineer.\n\n"
             "Maria Lindqvist said the line was long overdue.\n\n"
             "“We have waited ten years for this tram,” she said."},
    {"id": "post-march", "outlet": "Northern Post", "date": "2024-03-20", "title": "Ferry timetable",
     "text": "Ferry timetable\n\nAnton Berg said the ferry was always late on Sundays.\n\n"
             "“I have missed my train three times this month,” he said.\n\n"
             "A spokeswoman for the port said the ferries would keep to the new timetable."},
    {"id": "blog-undated", "title": "Notes from the market",
     "text": "Notes from the market\n\nHelga Moor sells cheese at the Saturday market.\n\n"
             "“People come for the cheese and stay for the gossip,” she said."},
]


def build_audit_newsroom(folder):
    return ingested(folder / "audit.db", ARTICLES)
