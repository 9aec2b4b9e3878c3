"""Stories: articles about the same event. Two articles are in one story when they are copies, or report
the same statement, and are dated within STORY_DAYS of each other (undated articles are close to all). A
story is the connected group of such links, named by its smallest article id: an article more than
STORY_DAYS from every other member starts a story of its own."""

from collections.abc import Iterable
from datetime import date

STORY_DAYS = 7


def report_day(published: str | None) -> str:
    """The day an article is dated ('2024-05-01'), the unit of the story window; '' when undated or not a date."""
    try:
        return date.fromisoformat((published or "")[:10]).isoformat()
    except ValueError:
        return ""


def story_window(day: str) -> tuple[str, str]:
    """The first and last day of articles about the same event as one of ``day`` (at the calendar's ends, its ends)."""
    around = date.fromisoformat(day).toordinal()
    first, last = max(around - STORY_DAYS, 1), min(around + STORY_DAYS, date.max.toordinal())
    return date.fromordinal(first).isoformat(), date.fromordinal(last).isoformat()


def close_in_time(first: str | None, second: str | None) -> bool:
    """Undated articles are close to all."""
    first_day, second_day = report_day(first), report_day(second)
    if not first_day or not second_day:
        return True
    low, high = story_window(first_day)
    return low <= second_day <= high


def report_links(reports: Iterable[tuple[str, str | None]]) -> list[tuple[str, str]]:
    """Links that put the articles reporting one statement (article id, date) into stories: each dated
    article to the next one within the window, and undated ones to all (linked pairwise, the same groups)."""
    dated = sorted((report_day(published), article) for article, published in reports)
    undated = [article for day, article in dated if not day]
    dated = [(day, article) for day, article in dated if day]
    links = [(a, b) for (day_a, a), (day_b, b) in zip(dated, dated[1:]) if close_in_time(day_a, day_b)]
    anchor = undated[0] if undated else None
    links += [(anchor, article) for article in undated[1:]]
    if anchor is not None:
        links += [(anchor, article) for _, article in dated]
    return links


def components(nodes: Iterable[str], links: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Each node's group, named by its smallest member."""
    parent = {n: n for n in nodes}

    def root(n: str) -> str:
        while parent[n] != n:
            parent[n] = parent[parent[n]]
            n = parent[n]
        return n

    for a, b in links:
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    return {n: root(n) for n in parent}
