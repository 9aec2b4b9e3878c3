"""Who gets quoted: the media audit of a store, by gender, outlet and time (docs/audit.md says how gender is
read and what it means).

One GROUP BY over the statements a ``QuoteFilter`` selects, so the CLI, the web page and Python ask the same
question. A quoted person's gender is ``people.gender``, the store-wide one; a person whose gender is not
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
SOURCES = ("aliases", "text", "names")  # where a person's gender came from (people.gender_source, schema 6)
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


def audit_fields(by: str, mentioned: bool = False, sources: bool = False) -> tuple[str, ...]:
    """The columns of an audit grouped ``by``, in order: the group's keys, then the counts and shares."""
    return (*(name for name, _ in GROUPINGS[by]), *COUNTS, *(MENTIONED if mentioned else ()),
            *(GENDER_SOURCES if sources else ()))


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
    """The audit methods of ``Store`` (mixed into ``Queries``' class)."""

    def audit(self, where: QuoteFilter | None = None, by: str = "outlet") -> list[dict]:
        """One row per group of the statements ``where`` selects, then a total row (its keys 'total' and None)."""
        if by not in GROUPINGS:
            raise ValueError(f"cannot group by {by!r}: use one of {', '.join(GROUPINGS)}")
        where = where or QuoteFilter()
        keys = [name for name, _ in GROUPINGS[by]]
        total = self.audit_groups(where, ())[0]  # with no GROUP BY, one row even when nothing is selected
        total.update({keys[0]: "total", **dict.fromkeys(keys[1:])})
        return [with_shares(with_shares(row, "people"), "statements")
                for row in [*self.audit_groups(where, GROUPINGS[by]), total]]

    def has_column(self, table: str, column: str) -> bool:
        return any(row[1] == column for row in self.db.execute(f"PRAGMA main.table_info({table})"))

    def has_mentions(self) -> bool:
        """True when the store keeps each article's named people, quoted or not (schema 6)."""
        return self.has_column("article_people", "key")

    def has_gender_sources(self) -> bool:
        return self.has_column("people", "gender_source")

    def audit_groups(self, where: QuoteFilter, keys: tuple[tuple[str, str], ...]) -> list[dict]:
        """The counts of each group, by the ``keys`` (none: one row for all)."""
        source, clauses, params = self.quote_conditions(where)
        key_names = [name for name, _ in keys]
        selected = ", ".join([f"{sql} AS {name}" for name, sql in keys]
                             + ["s.article_id", "s.person_id", "p.name", f"{SPEAKER} AS speaker",
                                f"{PERSON_GENDER} AS gender", f"{WORDS} AS words"]
                             + (["p.gender_source AS gender_source"] if self.has_gender_sources() else []))
        picked = (f"WITH picked AS (SELECT {selected} FROM {source} JOIN shown_articles a ON a.id = s.article_id"
                  f" LEFT JOIN people p ON p.id = s.person_id{conditions_sql(clauses)})")
        group = f"{grouped_by(key_names)} ORDER BY {order_by(key_names)}" if keys else ""
        counted = self.rows(f"{picked} SELECT {', '.join([*key_names, *count_columns(self.has_gender_sources())])}"
                            f" FROM picked{group}", params)
        rows = [dict(row) for row in counted]
        top = self.top_people(picked, key_names, params)
        mentioned = self.people_mentioned(picked, key_names, params) if self.has_mentions() else None
        for row in rows:
            group_key = tuple(row[name] for name in key_names)
            row["top_people"] = top.get(group_key)
            if mentioned is not None:
                row.update(mentioned.get(group_key, dict.fromkeys(MENTIONED, 0)))
        return rows

    def top_people(self, picked: str, keys: list[str], params: list) -> dict[tuple, str]:
        """The most quoted people of each group: 'Name (n) | Name (n)'."""
        partition = f"PARTITION BY {', '.join(keys)} " if keys else ""
        sql = (f"{picked}, counted AS (SELECT {leading(keys)}name, count(*) AS n,"
               f" row_number() OVER ({partition}ORDER BY count(*) DESC, name) AS rank"
               f" FROM picked WHERE speaker = 'person' GROUP BY {leading(keys)}person_id)"
               f" SELECT {leading(keys)}group_concat(name || ' (' || n || ')', ' | ') AS top"
               f" FROM (SELECT * FROM counted WHERE rank <= {TOP_PEOPLE} ORDER BY rank){grouped_by(keys)}")
        return {tuple(row[k] for k in keys): row["top"] for row in self.rows(sql, params)}

    def people_mentioned(self, picked: str, keys: list[str], params: list) -> dict[tuple, dict]:
        """The people the group's articles name, quoted or not (article_people), each counted once per group,
        by the gender the articles give them (unknown when none does, or when they disagree)."""
        key_list = leading(keys)
        sql = (f"{picked}, named AS (SELECT {key_list}m.key,"
               f" CASE WHEN min(m.gender) = max(m.gender) THEN min(m.gender) ELSE 'unknown' END AS gender"
               f" FROM (SELECT DISTINCT {key_list}article_id FROM picked) g"
               f" JOIN article_people m ON m.article_id = g.article_id GROUP BY {key_list}m.key)"
               f" SELECT {key_list}count(*) AS people_mentioned,"
               + ", ".join(f"count(*) FILTER (WHERE coalesce(gender, 'unknown') = '{g}') AS people_mentioned_{g}"
                           for g in GENDERS)
               + f" FROM named{grouped_by(keys)}")
        return {tuple(row[k] for k in keys): {c: row[c] for c in MENTIONED} for row in self.rows(sql, params)}


def leading(keys: list[str]) -> str:
    """The keys as the first columns of a SELECT or GROUP BY: 'outlet, month, '."""
    return "".join(f"{key}, " for key in keys)


def grouped_by(keys: list[str]) -> str:
    return f" GROUP BY {', '.join(keys)}" if keys else ""


def order_by(keys: list[str]) -> str:
    """Groups in the order of their keys, an unknown key (no outlet, undated) last."""
    return ", ".join(f"{key} IS NULL, {key}" for key in keys)


def count_columns(sources: bool) -> list[str]:
    """The aggregate columns over ``picked``: articles, statements, people and words by gender, the other speakers."""
    columns = ["count(DISTINCT article_id) AS articles", "count(*) AS statements",
               "count(DISTINCT CASE WHEN speaker = 'person' THEN person_id END) AS people"]
    for gender in GENDERS:
        columns += [f"count(DISTINCT CASE WHEN gender = '{gender}' THEN person_id END) AS people_{gender}",
                    f"count(*) FILTER (WHERE gender = '{gender}') AS statements_{gender}",
                    f"coalesce(sum(words) FILTER (WHERE gender = '{gender}'), 0) AS words_{gender}"]
    columns += [f"count(*) FILTER (WHERE speaker = '{speaker}') AS statements_{speaker}"
                for speaker in ("organization", "description")]
    columns.append("count(*) FILTER (WHERE speaker = 'none') AS statements_no_speaker")
    if sources:
        columns += [f"count(DISTINCT CASE WHEN gender != 'unknown' AND gender_source = '{source}' THEN person_id END)"
                    f" AS genders_from_{source}" for source in SOURCES]
        columns.append("count(DISTINCT CASE WHEN gender = 'unknown' THEN person_id END) AS genders_unknown")
    return columns
