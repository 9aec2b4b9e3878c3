"""Who gets quoted: the media audit of a store, by gender, outlet and time (docs/audit.md says how gender is
read and what it means).

The statements a ``QuoteFilter`` selects are picked once into a temporary table, each group's speakers are
counted once from it, and the rest is GROUP BY over those (no Python loop over statements), so the CLI, the web
page and Python ask the same question, fast. A quoted person's gender is ``people.gender``, the store-wide one; a person whose gender is not
known is counted as unknown, never folded into either side; organisations, descriptions ('a spokesman') and
statements without a speaker are counted apart from people.
"""

from __future__ import annotations

from .queries import QuoteFilter, conditions_sql

GENDERS = ("female", "male", "unknown")
# What each grouping groups by: (column name, SQL expression over the article ``a`` and statement ``s``).
GROUPINGS = {
    "outlet": (("outlet", "a.outlet"),),
    "month": (("month", "substr(a.published, 1, 7)"),),
    "year": (("year", "substr(a.published, 1, 4)"),),
    "outlet,month": (("outlet", "a.outlet"), ("month", "substr(a.published, 1, 7)")),
    "kind": (("kind", "s.kind"),),
}
TOP_PEOPLE = 3
PICKED = "temp.audit_picked"  # the statements an audit counts, picked once
SPEAKERS = "temp.audit_speakers"  # the speakers of each group of PICKED, with their statements and words
SOURCES = ("aliases", "text", "names")  # where a person's gender came from (people.gender_source)
# A quote's words: its spaces plus one (quotes are single-spaced text).
WORDS = "(length(s.quote) - length(replace(s.quote, ' ', '')) + 1)"
SPEAKER = "coalesce(p.type, 'none')"  # person, organization, description, or none (no speaker known)
PERSON_GENDER = "CASE WHEN p.type = 'person' THEN coalesce(p.gender, 'unknown') END"


def gender_columns(prefix: str) -> tuple[str, ...]:
    return tuple(f"{prefix}_{gender}" for gender in GENDERS)


def share_columns(prefix: str) -> tuple[str, ...]:
    return (f"female_share_{prefix}", f"female_share_{prefix}_all", f"male_share_{prefix}", f"male_share_{prefix}_all")


COUNTS = ("articles", "statements", "people", *gender_columns("people"), *share_columns("people"),
          *gender_columns("statements"), *share_columns("statements"), *gender_columns("words"),
          "statements_organization", "statements_description", "statements_no_speaker", "top_people")
MENTIONED = ("people_mentioned", *gender_columns("people_mentioned"))
GENDER_SOURCES = (*(f"genders_from_{source}" for source in SOURCES), "genders_unknown")


def audit_fields(by: str) -> tuple[str, ...]:
    """The columns of an audit grouped ``by``, in order: the group's keys, then the counts and shares."""
    return (*(name for name, _ in GROUPINGS[by]), *COUNTS, *MENTIONED, *GENDER_SOURCES)


def share(part: int, whole: int) -> float | None:
    """A share rounded to 3 places; None when there is nothing to share."""
    return round(part / whole, 3) if whole else None


def with_shares(row: dict, prefix: str) -> dict:
    """Female and male shares of ``prefix``, over known genders and over all (unknown included)."""
    female, male, unknown = (row[column] for column in gender_columns(prefix))
    for gender, count in (("female", female), ("male", male)):
        row[f"{gender}_share_{prefix}"] = share(count, female + male)
        row[f"{gender}_share_{prefix}_all"] = share(count, female + male + unknown)
    return row


class Audit:
    """The audit methods of ``Store``, beside ``Queries`` (whose ``quote_conditions`` and ``rows`` they use)."""

    def audit(self, where: QuoteFilter | None = None, by: str = "outlet") -> list[dict]:
        """One row per group of the statements ``where`` selects, then a total row (its keys 'total' and None).
        The statements are picked once, into a temporary table, and counted from there per group and in all."""
        if by not in GROUPINGS:
            raise ValueError(f"cannot group by {by!r}: use one of {', '.join(GROUPINGS)}")
        keys = [name for name, _ in GROUPINGS[by]]
        self.pick(where or QuoteFilter(), GROUPINGS[by])
        try:
            total = self.audit_groups([])[0]  # with no GROUP BY, one row even when nothing is selected
            rows = self.audit_groups(keys)
        finally:
            self.db.execute(f"DROP TABLE {PICKED}")
        total.update({keys[0]: "total", **dict.fromkeys(keys[1:])})
        return [with_shares(with_shares(row, "people"), "statements") for row in [*rows, total]]

    def pick(self, where: QuoteFilter, keys: tuple[tuple[str, str], ...]) -> None:
        """The statements ``where`` selects, with their group keys, speaker, gender and words, into PICKED."""
        source, clauses, params = self.quote_conditions(where)
        selected = ", ".join([f"{sql} AS {name}" for name, sql in keys]
                             + ["s.article_id", "s.person_id", "p.name", f"{SPEAKER} AS speaker",
                                f"{PERSON_GENDER} AS gender", f"{WORDS} AS words",
                                "p.gender_source"])
        self.db.execute(f"DROP TABLE IF EXISTS {PICKED}")
        self.db.execute(f"CREATE TEMP TABLE {PICKED} AS SELECT {selected} FROM {source}"
                        f" JOIN shown_articles a ON a.id = s.article_id LEFT JOIN people p ON p.id = s.person_id"
                        f"{conditions_sql(clauses)}", params)

    def audit_groups(self, keys: list[str]) -> list[dict]:
        """The counts of each group of PICKED, by the ``keys`` (none: one row for all): from SPEAKERS, each speaker
        of each group once (and the statements without a known speaker as one)."""
        self.db.execute(f"DROP TABLE IF EXISTS {SPEAKERS}")
        self.db.execute(f"CREATE TEMP TABLE {SPEAKERS} AS SELECT {leading(keys)}person_id, name, speaker, gender,"
                        f" gender_source, count(*) AS statements, sum(words) AS words FROM {PICKED}"
                        f" GROUP BY {leading(keys)}person_id")
        try:
            order = f" ORDER BY {order_by(keys)}" if keys else ""
            counts = ", ".join(count_columns())
            rows = [dict(row) for row in self.rows(f"SELECT {leading(keys)}{counts} FROM {SPEAKERS}{grouped_by(keys)}{order}", [])]
            articles = self.by_group(f"SELECT {leading(keys)}count(DISTINCT article_id) AS articles FROM {PICKED}"
                                     f"{grouped_by(keys)}", keys)
            top = self.by_group(f"WITH ranked AS (SELECT *, row_number() OVER ({partition_by(keys)}ORDER BY statements DESC,"
                                f" name) AS rank FROM {SPEAKERS} WHERE speaker = 'person')"
                                f" SELECT {leading(keys)}group_concat(name || ' (' || statements || ')', ' | ') AS top_people"
                                f" FROM (SELECT * FROM ranked WHERE rank <= {TOP_PEOPLE} ORDER BY rank){grouped_by(keys)}", keys)
        finally:
            self.db.execute(f"DROP TABLE {SPEAKERS}")
        mentioned = self.people_mentioned(keys)
        for row in rows:
            group = tuple(row[key] for key in keys)
            row.update(articles.get(group, {"articles": 0}), **top.get(group, {"top_people": None}))
            row.update(mentioned.get(group, dict.fromkeys(MENTIONED, 0)))
        return rows

    def by_group(self, sql: str, keys: list[str]) -> dict[tuple, dict]:
        """The rows of a grouped query by their keys, each as its other columns."""
        return {tuple(row[key] for key in keys): {k: row[k] for k in row.keys() if k not in keys} for row in self.rows(sql, [])}

    def people_mentioned(self, keys: list[str]) -> dict[tuple, dict]:
        """The people the group's articles name, quoted or not (article_people), each counted once per group: one
        person in all their spellings when the store knows them (person_keys), with their store-wide gender (an
        aliases file's included); a person only mentioned by the gender the articles give them (unknown when none
        does, or when they disagree)."""
        sql = (f"WITH named AS (SELECT {leading(keys)}coalesce('#' || k.person_id, m.key) AS who,"
               f" coalesce(max(p.gender), CASE WHEN min(m.gender) = max(m.gender) THEN min(m.gender) END) AS gender"
               f" FROM (SELECT DISTINCT {leading(keys)}article_id FROM {PICKED}) g"
               f" JOIN article_people m ON m.article_id = g.article_id LEFT JOIN person_keys k ON k.key = m.key"
               f" LEFT JOIN people p ON p.id = k.person_id GROUP BY {leading(keys)}who)"
               f" SELECT {leading(keys)}count(*) AS people_mentioned, "
               + ", ".join(f"count(*) FILTER (WHERE coalesce(gender, 'unknown') = '{g}') AS people_mentioned_{g}"
                           for g in GENDERS)
               + f" FROM named{grouped_by(keys)}")
        return self.by_group(sql, keys)


def leading(keys: list[str]) -> str:
    """The keys as the first columns of a SELECT or GROUP BY: 'outlet, month, '."""
    return "".join(f"{key}, " for key in keys)


def partition_by(keys: list[str]) -> str:
    return f"PARTITION BY {', '.join(keys)} " if keys else ""


def grouped_by(keys: list[str]) -> str:
    return f" GROUP BY {', '.join(keys)}" if keys else ""


def order_by(keys: list[str]) -> str:
    """Groups in the order of their keys, an unknown key (no outlet, undated) last."""
    return ", ".join(f"{key} IS NULL, {key}" for key in keys)


def count_columns() -> list[str]:
    """The aggregate columns over ``speakers`` (one row per speaker of a group, and one for the statements without
    a known speaker): statements, people and words by gender, the other speakers, where genders came from."""
    columns = ["coalesce(sum(statements), 0) AS statements", "count(*) FILTER (WHERE speaker = 'person') AS people"]
    for gender in GENDERS:
        columns += [f"count(*) FILTER (WHERE gender = '{gender}') AS people_{gender}",
                    f"coalesce(sum(statements) FILTER (WHERE gender = '{gender}'), 0) AS statements_{gender}",
                    f"coalesce(sum(words) FILTER (WHERE gender = '{gender}'), 0) AS words_{gender}"]
    columns += [f"coalesce(sum(statements) FILTER (WHERE speaker = '{speaker}'), 0) AS statements_{speaker}"
                for speaker in ("organization", "description")]
    columns.append("coalesce(sum(statements) FILTER (WHERE speaker = 'none'), 0) AS statements_no_speaker")
    columns += [f"count(*) FILTER (WHERE gender IN ('female', 'male') AND gender_source = '{source}') AS genders_from_{source}"
                for source in SOURCES]
    columns.append("count(*) FILTER (WHERE gender = 'unknown') AS genders_unknown")
    return columns
