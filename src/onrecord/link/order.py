"""The one order in which reports are merged and numbered, by the store and by the Spark job alike."""


def report_order(published: str | None, article_id: str, start: int) -> tuple:
    """Dated reports first, oldest first; then by article id and offset in the article."""
    return (published is None, published or "", article_id, start)
