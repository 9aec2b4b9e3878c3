"""Quotes stage: find what was said (direct, indirect and mixed statements) and its cue.

Quotation marks are paired on the raw text, paragraph by paragraph, so a stray mark can
never swallow the rest of an article. Reporting cues and their reported clauses come from
the dependency parse of the sentences the parse stage selected.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass

from spacy.tokens import Token

from .lexicon import (
    CUE_FORMS,
    CUE_LEMMA_OF,
    DOCUMENT_NOUNS,
    INFINITIVE_CONTENT_VERBS,
    OBJECT_CONTENT_VERBS,
    ORG_NOUNS,
    PERSON_NOUNS,
    QUOTE_CHARS,
    singular,
)
from .model import DisjointSpans, Kind, Layout, Span
from .parse import Sentence, is_introducing_colon, is_proper_noun, is_verb

# Scraped text mixes marks: a straight opening mark may be closed by a curly one, and a curly one
# by a straight one unless a curly closing mark comes before the next curly opening one; straight
# marks nested in a curly quotation ('“He said "no" twice”') stay inside.
CURLY_MARK = re.compile("[“”]")
CLOSERS = {"“": "”", "„": "“”", "«": "»", "\"": "\"”", "‘": "’"}
SUBJECT_DEPS = {"nsubj", "nsubjpass"}
# A cue without a subject of its own takes the subject of the clause it hangs from.
CLIMB_DEPS = {"conj", "advcl", "xcomp", "ccomp", "pcomp", "prep", "acl"}
MIN_OBJECT_CONTENT_WORDS = 4
SCARE_QUOTE_MAX_WORDS = 5


@dataclass(frozen=True)
class Quotation:
    """Text between quotation marks within one paragraph."""

    content: Span  # inside the marks, whitespace stripped
    outer: Span  # with the marks (an unclosed quotation ends with its paragraph)
    paragraph: int
    closed: bool
    continues: bool = False  # left open where the next paragraph opens a quotation again


@dataclass(frozen=True)
class Cue:
    """A reporting verb (or 'according to') with the head of its speaker phrase and its reported clause."""

    sentence: Sentence
    token: Token
    text: str
    span: Span
    subject: Token | None
    content: Span | None


@dataclass
class Draft:
    """A statement before its speaker is resolved."""

    content: Span
    kind: Kind
    cue: Cue | None
    paragraph: int
    confidence: float
    quotation: Quotation | None = None
    same_speaker_as: int | None = None  # index of an earlier draft whose speaker this one shares


# --- quotation marks ---------------------------------------------------------------------


def find_quotations(text: str, layout: Layout) -> list[Quotation]:
    found: list[Quotation] = []
    for index, paragraph in enumerate(layout.paragraphs):
        found.extend(paragraph_quotations(text, paragraph, index))
    return mark_continuations(text, layout, found)


def paragraph_quotations(text: str, paragraph: Span, index: int) -> list[Quotation]:
    chunk = text[paragraph.start:paragraph.end]
    singles_allowed = not any(mark in chunk for mark in QUOTE_CHARS)
    found: list[Quotation] = []
    curly_marks = [(m.start(), m.group()) for m in CURLY_MARK.finditer(chunk)]
    opened_at, closer, nested = None, "", False  # nested: a straight-quoted phrase inside a curly quotation
    for i, char in enumerate(chunk):
        if opened_at is None:
            if opens_quotation(chunk, i, singles_allowed):
                opened_at, closer = i, CLOSERS[char]
        elif char == '"' and closer == "”" and (nested or opens_quotation(chunk, i, singles_allowed)):
            nested = not nested
        elif (char in closer or char == '"' and closer == "”" and straight_may_close_curly(curly_marks, i)) and closes_quotation(chunk, i):
            found.append(make_quotation(text, paragraph.start, opened_at, i + 1, index, closed=True))
            opened_at, nested = None, False
    if opened_at is not None and len(chunk) - opened_at > 1:
        found.append(make_quotation(text, paragraph.start, opened_at, len(chunk), index, closed=False))
    return found


def straight_may_close_curly(curly_marks: list[tuple[int, str]], i: int) -> bool:
    """A straight mark at ``i`` closes a quotation opened with a curly one (mixed marks in one article)
    unless a curly close follows before the next curly open: then the straight marks are a quotation
    inside it. ``curly_marks`` are the paragraph's curly marks, found once, in order."""
    following = bisect_left(curly_marks, (i, ""))
    return following == len(curly_marks) or curly_marks[following][1] == "“"


def opens_quotation(chunk: str, i: int, singles_allowed: bool) -> bool:
    char = chunk[i]
    after = chunk[i + 1] if i + 1 < len(chunk) else " "
    before = chunk[i - 1] if i else " "
    if char in "“„«":
        return not after.isspace() or after == " " and char == "«"
    if char == "\"":
        return (before.isspace() or before in "([{—–-/:") and not after.isspace()
    if char == "‘":
        return singles_allowed and (before.isspace() or before in "([{—–-") and after.isalpha()
    return False


def closes_quotation(chunk: str, i: int) -> bool:
    """A closing mark, not an apostrophe ("don’t", "Britain’s") nor a straight mark opening a word."""
    if chunk[i] == '"':
        return i > 0 and not chunk[i - 1].isspace()
    if chunk[i] != "’":
        return True
    after = chunk[i + 1] if i + 1 < len(chunk) else " "
    return not after.isalnum()


def make_quotation(text: str, base: int, open_at: int, end_at: int, index: int, closed: bool) -> Quotation:
    inner_start, inner_end = base + open_at + 1, base + end_at - (1 if closed else 0)
    inner = text[inner_start:inner_end]
    start = inner_start + len(inner) - len(inner.lstrip())
    end = inner_start + len(inner.rstrip())
    return Quotation(Span(start, max(start, end)), Span(base + open_at, base + end_at), index, closed)


def mark_continuations(text: str, layout: Layout, found: list[Quotation]) -> list[Quotation]:
    """An unclosed quotation runs on when the next paragraph opens with a quotation mark."""
    marked = []
    for quotation in found:
        following = quotation.paragraph + 1
        if not quotation.closed and following < len(layout.paragraphs):
            opening = text[layout.paragraphs[following].start]
            if opening in "“„«\"‘":
                quotation = Quotation(quotation.content, quotation.outer, quotation.paragraph, False, continues=True)
        marked.append(quotation)
    return marked


# --- cues from the parse -----------------------------------------------------------------


def quoted_spans(quotations: list[Quotation]) -> DisjointSpans:
    return DisjointSpans([q.outer for q in quotations])


def find_cues(sentences: list[Sentence], inside: DisjointSpans) -> list[Cue]:
    """Reporting cues outside the quotations ``inside``, with their subjects and clauses."""
    cues: list[Cue] = []
    for sentence in sentences:
        if sentence.tokens is None:
            continue
        found = [cue for token in sentence.tokens if token.lower_ in CUE_FORMS  # what make_cue reads, and far fewer
                 and sentence.char(token) not in inside  # speech inside a quotation is the quotation's
                 and (cue := make_cue(sentence, token, inside)) is not None]
        cues.extend(found or filter(None, [colon_cue(sentence, inside)]))
    return cues


def colon_cue(sentence: Sentence, inside: DisjointSpans) -> Cue | None:
    """'Sanders made the following comment:' or 'Obama is rolling out a new message: “It's about me.”':
    a named speaker's clause that ends in a colon before a quotation introduces it, reporting verb or not."""
    tokens = sentence.tokens
    colon = next((t for t in tokens if (is_introducing_colon(t) or t.text == ":" and t.i == tokens[-1].i)
                  and sentence.char(t) not in inside), None)
    if colon is None:
        return None
    root = next((t for t in tokens if t.dep_ == "ROOT" and t.i < colon.i and is_verb(t)), None)
    subject = subject_of(root, lambda t: sentence.char(t) in inside) if root is not None else None
    named = subject is not None and (is_proper_noun(subject) or subject.ent_type_ == "PERSON" or subject.lower_ in ("he", "she"))
    return Cue(sentence, root, root.text, sentence.token_span(colon, colon), subject, None) if named else None


def make_cue(sentence: Sentence, token: Token, inside: DisjointSpans) -> Cue | None:
    quoted = lambda t: sentence.char(t) in inside  # noqa: E731
    if token.lower_ == "according":
        followed_by_to = token.i + 1 < len(token.doc) and token.nbor(1).lower_ == "to"
        return according_to_cue(sentence, token) if followed_by_to else None
    lemma = CUE_LEMMA_OF.get(token.lower_)
    if lemma is None or not is_verb(token):
        return None
    subject = subject_of(token, quoted) or name_after_quotation(sentence, token, quoted)
    if lemma in INFINITIVE_CONTENT_VERBS and subject is not None and not can_speak(subject):
        return None  # 'retirements promise to swell': a forecast, not a promise anyone made
    if lemma == "call":
        return call_for_cue(sentence, token, subject) or naming_cue(sentence, token, subject, quoted)
    if lemma == "describe":
        return naming_cue(sentence, token, subject, quoted)
    return Cue(sentence, token, token.text, sentence.token_span(token, token), subject, reported_clause(sentence, token))


def call_for_cue(sentence: Sentence, token: Token, subject: Token | None) -> Cue | None:
    """'She called for tighter rules': the content is what was called for."""
    for_ = next((c for c in token.children if c.dep_ == "prep" and c.lower_ == "for"), None)
    wanted = next((c for c in for_.children if c.dep_ == "pobj"), None) if for_ is not None else None
    if wanted is None or len(list(wanted.subtree)) < MIN_OBJECT_CONTENT_WORDS:
        return None
    content = clause_span(sentence, list(wanted.subtree), token)
    return Cue(sentence, token, f"{token.text} for", sentence.token_span(token, for_), subject, content)


def naming_cue(sentence: Sentence, token: Token, subject: Token | None, quoted) -> Cue | None:
    """'He called the decision “panic in disguise”': a quoted verdict is a statement; a single
    quoted word ('called it a “giveaway”') is a label, not a statement."""
    joined = {t.i for c in token.rights if c.dep_ in ("conj", "cc") for t in c.subtree}  # '..., and said “...”'
    verdict = [t for t in token.subtree if t.i > token.i and t.i not in joined]
    if sum(quoted(t) and not t.is_punct for t in verdict) < 2:
        return None
    content = clause_span(sentence, verdict, token)
    return Cue(sentence, token, token.text, sentence.token_span(token, token), subject, content) if content else None


def subject_of(verb: Token, quoted=lambda token: False) -> Token | None:
    """The verb's subject, climbing through 'adding', 'and said', 'before adding', 'who said' to a clause that has one.

    A subject inside a quotation is the parser's mistake ('“... nothing you can do,” Trump said').
    """
    for _ in range(4):
        subject = next((c for c in verb.children if c.dep_ in SUBJECT_DEPS and not quoted(c)), None)
        if subject is not None:
            if subject.tag_ in ("WP", "WDT") and verb.dep_ == "relcl":
                return verb.head
            return subject
        if verb.dep_ == "relcl" or verb.dep_ == "acl" and is_proper_noun(verb.head):
            return verb.head  # 'Smith, who said ...', 'footage of Smith saying ...'
        if verb.dep_ == "acl" and singular(verb.head.lower_) in DOCUMENT_NOUNS:
            verb = next((a for a in verb.head.ancestors if is_verb(a)), verb)  # 'the council issued a statement calling ...'
            continue
        if verb.dep_ not in CLIMB_DEPS or verb.head is verb:
            return None
        controller = next((c for c in verb.head.children if c.dep_ == "dobj"), None)
        if verb.dep_ == "xcomp" and controller is not None:
            return controller  # 'the win led her to declare': she declared
        verb = verb.head
    return None


def can_speak(subject: Token) -> bool:
    """A person, an organisation or a pronoun: who can vow, promise or threaten."""
    noun = singular(subject.lower_)
    return (subject.tag_ in ("PRP", "NNP", "NNPS") or subject.ent_type_ in ("PERSON", "ORG", "NORP", "GPE")
            or noun in PERSON_NOUNS or noun in ORG_NOUNS)


def name_after_quotation(sentence: Sentence, verb: Token, quoted) -> Token | None:
    """'“...,” Flynn, a top surrogate, said': when the parser took a quoted word for the subject, the
    name (or he, she) between the quotation and the cue is the speaker."""
    before = [t for t in sentence.tokens if t.i < verb.i]  # token indices count from the Doc, which may hold more
    last_quoted = max((t.i for t in before if quoted(t)), default=None)
    if last_quoted is None:
        return None
    between = [t for t in before if t.i > last_quoted and not t.is_punct]
    return next((t for t in between if is_proper_noun(t) or t.lower_ in ("he", "she")), None)


def reported_clause(sentence: Sentence, verb: Token) -> Span | None:
    """The clause the verb reports: its complement clause, or for 'suggest'-verbs a long object."""
    lemma = CUE_LEMMA_OF[verb.lower_]
    clause = next((c for c in verb.children if c.dep_ in ("ccomp", "parataxis") and is_verb(c)), None)
    if clause is None and lemma in INFINITIVE_CONTENT_VERBS:
        clause = next((c for c in verb.children if c.dep_ == "xcomp"), None)
    if clause is None and is_aside(verb):
        return parenthetical_clause(sentence, verb)
    if clause is None and lemma in OBJECT_CONTENT_VERBS:
        obj = next((c for c in verb.children if c.dep_ == "dobj"), None)
        if obj is not None and len(list(obj.subtree)) >= MIN_OBJECT_CONTENT_WORDS:
            clause = obj
    if clause is None:
        return None
    tokens = [t for t in clause.subtree if t.i != verb.i]
    while tokens and (tokens[0].dep_ == "mark" and tokens[0].lower_ in ("that", "if", "whether") or tokens[0].is_punct):
        tokens.pop(0)
    if len(tokens) > 2 and tokens[0].lower_ == "that" and tokens[0].i - 1 in attachment_ends(verb):
        tokens.pop(0)  # 'told lawmakers that time ...' parsed with 'that' as a determiner
    before = [t for t in tokens if t.i < verb.i]
    if before and tokens[-1].i > verb.i and all(t.tag_ in ("WDT", "WP", "IN") for t in before):
        tokens = [t for t in tokens if t.i > verb.i]  # 'the tax, which he says is needed ...'

    if not tokens:
        return None
    return clause_span(sentence, tokens, verb)


def is_aside(verb: Token) -> bool:
    """'as he explained' or 'Trump said,' set inside the clause it reports."""
    marked_as = verb.dep_ == "advcl" and any(c.dep_ == "mark" and c.lower_ == "as" for c in verb.children)
    return marked_as or verb.dep_ == "parataxis" and any(c.dep_ in SUBJECT_DEPS for c in verb.children)


def attachment_ends(verb: Token) -> set[int]:
    """Where the cue's own words end: the verb, its object, a time or place ('said on Monday')."""
    return {verb.i} | {c.right_edge.i for c in verb.children if c.dep_ in ("dobj", "npadvmod", "prep", "advmod") and c.i > verb.i}


def parenthetical_clause(sentence: Sentence, verb: Token) -> Span | None:
    """'The result, as he explained, was a bubble': the content is the clause the aside interrupts."""
    aside = {t.i for t in verb.subtree}
    tokens = [t for t in verb.head.subtree if t.i not in aside]
    subject_before = any(c.dep_ in SUBJECT_DEPS and c.i < verb.i for c in verb.head.children)
    if not subject_before:  # 'In both cases, Trump said, the money ...': the content follows the aside
        tokens = [t for t in tokens if t.i > verb.right_edge.i]
    while tokens and tokens[0].is_punct:
        tokens.pop(0)
    if len(tokens) < MIN_OBJECT_CONTENT_WORDS:
        return None
    return clause_span(sentence, tokens, tokens[0])


def clause_span(sentence: Sentence, tokens: list[Token], verb: Token) -> Span | None:
    """Character span of a clause, within its sentence; one that ends on a quotation keeps the closing mark."""
    low, high = sentence.tokens[0].i, sentence.tokens[-1].i
    tokens = [t for t in tokens if low <= t.i <= high]  # a parse of a whole Doc may cross paragraphs
    if not tokens:
        return None
    first, last = tokens[0], tokens[-1]
    after = [t for t in sentence.tokens if t.i > last.i]
    if first.i > verb.i and all(t.is_punct for t in after):
        last = after[-1] if after else last
    while last.i > first.i and last.is_punct and not is_closing_quote(last):
        last = last.doc[last.i - 1]
    span = sentence.token_span(first, last)
    if last.text.endswith(".") and last.text.count(".") == 1 and len(last.text) > 1:
        return Span(span.start, span.end - 1)  # 'km/h.' ends the sentence, 'U.S.' is a word
    return span


def is_closing_quote(token: Token) -> bool:
    return token.text in ("”", "»", "’") or token.text == '"' and token.i > 0 and not token.nbor(-1).is_space


def according_to_cue(sentence: Sentence, token: Token) -> Cue | None:
    to = token.nbor(1)
    source = next((c for c in to.children if c.dep_ == "pobj"), None)
    if source is None:
        return None
    phrase = {t.i for t in token.subtree} | {t.i for t in to.subtree}
    rest = [t for t in sentence.tokens if t.i not in phrase]
    while rest and rest[0].is_punct:
        rest.pop(0)
    while rest and rest[-1].is_punct and not is_closing_quote(rest[-1]):
        rest.pop()
    content = sentence.token_span(rest[0], rest[-1]) if len(rest) >= 3 else None
    return Cue(sentence, token, "according to", sentence.token_span(token, to), source, content)


# --- statements --------------------------------------------------------------------------


class Context:
    """The sentences, quotations and cues of one article, looked up by paragraph and position.

    Lookups use sorted positions, so an article of thousands of quotations stays fast.
    """

    def __init__(self, text: str, sentences: list[Sentence], quotations: list[Quotation], cues: list[Cue]):
        self.text = text
        self.sentences = group(sentences, lambda s: s.paragraph)
        self.quotations = group(quotations, lambda q: q.paragraph)
        self.cues = group(cues, lambda c: c.sentence.paragraph)
        self.quotation_starts = {p: [q.outer.start for q in qs] for p, qs in self.quotations.items()}
        self.quotation_ends = {p: [q.outer.end for q in qs] for p, qs in self.quotations.items()}
        self.cue_starts = {p: [c.span.start for c in cs] for p, cs in self.cues.items()}
        self.sentence_starts = {p: [s.span.start for s in ss] for p, ss in self.sentences.items()}
        self.sentence_ends = {p: [s.span.end for s in ss] for p, ss in self.sentences.items()}

    def sentence_start_before(self, at: int, paragraph: int) -> int:
        starts = self.sentence_starts.get(paragraph, [])
        index = bisect_right(starts, at) - 1
        return starts[index] if index >= 0 else at

    def sentence_end_after(self, at: int, paragraph: int) -> int:
        """End of the sentence that holds the text right after ``at``."""
        ends = self.sentence_ends.get(paragraph, [])
        index = bisect_right(ends, at)
        return ends[index] if index < len(ends) else at

    def overlapping_quotations(self, span: Span, paragraph: int) -> list[Quotation]:
        # Quotations never overlap each other, so their starts and ends are both in order.
        first = bisect_right(self.quotation_ends.get(paragraph, []), span.start)
        last = bisect_left(self.quotation_starts.get(paragraph, []), span.end)
        return self.quotations.get(paragraph, [])[first:last]

    def cues_between(self, paragraph: int, start: int, end: int) -> list[Cue]:
        starts = self.cue_starts.get(paragraph, [])
        return self.cues.get(paragraph, [])[bisect_left(starts, start):bisect_left(starts, end)]

    def neighbours(self, quotation: Quotation) -> tuple[Quotation | None, Quotation | None]:
        same = self.quotations[quotation.paragraph]
        index = bisect_left(self.quotation_starts[quotation.paragraph], quotation.outer.start)
        return (same[index - 1] if index > 0 else None), (same[index + 1] if index + 1 < len(same) else None)


def group(items: list, key) -> dict[int, list]:
    grouped: dict[int, list] = {}
    for item in items:
        grouped.setdefault(key(item), []).append(item)
    return grouped


def draft_statements(text: str, sentences: list[Sentence], quotations: list[Quotation], cues: list[Cue]) -> list[Draft]:
    """Pair quotations and reported clauses with their cues, in text order."""
    context = Context(text, sentences, quotations, cues)
    drafts: list[Draft] = []
    absorbed: set[Quotation] = set()
    attributed: dict[Quotation, Cue] = {}
    for cue in cues:
        if cue.content is None:
            continue
        paragraph = cue.sentence.paragraph
        reach = Span(cue.content.start, max(cue.content.end, cue.sentence.span.end))
        holding = [q for q in context.overlapping_quotations(reach, paragraph) if q.outer.overlaps(cue.content) or runs_on_to(q, cue)]
        inner = [q for q in holding if covers(q, cue.content) or introduces(text, cue, q) or is_followed_by(text, cue, q)]
        if inner:
            attributed.setdefault(inner[0], cue)  # 'Lee said, “...”': the clause is the quotation
            continue
        content = cue.content
        for q in holding:
            content = Span(min(content.start, q.outer.start), max(content.end, q.outer.end if q.closed else q.content.end))
            absorbed.add(q)
        kind = "mixed" if holding else "indirect"
        drafts.append(Draft(content, kind, cue, paragraph, 0.8 if holding else 0.7))
    for quotation in quotations:
        if quotation in absorbed:
            continue
        cue = attributed.get(quotation) or framing_cue(context, quotation)
        if is_scare_quote(context, quotation) and (cue is None or is_embedded(context, quotation)):
            continue
        drafts.append(Draft(quotation.content, "direct", cue, quotation.paragraph, 0.9 if cue else 0.6, quotation))
    drafts.sort(key=lambda d: d.content.start)
    return drop_reports_of_reports(link_uncued(drafts))


def runs_on_to(quotation: Quotation, cue: Cue) -> bool:
    """'He said he intends to win, so he'll have “the strongest hand”': a quotation later in the
    sentence that a cue before its clause introduces belongs to the clause."""
    content, sentence = cue.content, cue.sentence.span
    return cue.span.end <= content.start and content.end <= quotation.outer.start < sentence.end


def introduces(text: str, cue: Cue, quotation: Quotation) -> bool:
    """'Trump boasted, “That makes me smart.”': only a comma or colon between the cue and the quotation."""
    between = text[cue.span.end:quotation.outer.start]
    return cue.span.end <= quotation.outer.start and not between.strip(" ,:—–\n")


def is_followed_by(text: str, cue: Cue, quotation: Quotation) -> bool:
    """'... once — “I now do recall,” he said': the attribution comes straight after the quotation."""
    start = cue.span.start if cue.subject is None else min(cue.span.start, cue.sentence.char(cue.subject.left_edge))
    lead = text[cue.content.start:quotation.outer.start].rstrip()
    set_apart = not lead or lead.endswith((":", "—", "–"))  # not 'The plan “will fail,” he said' (mixed)
    return set_apart and quotation.closed and quotation.outer.end <= start and not text[quotation.outer.end:start].strip(" ,")


def covers(quotation: Quotation, clause: Span) -> bool:
    """The reported clause is the quotation itself ('Lee said, “...”'), not a clause quoting part of it."""
    return clause.start >= quotation.outer.start


def framing_cue(context: Context, quotation: Quotation) -> Cue | None:
    """The cue in the sentence around a quotation: '“...,” he said.' or 'He said: “...”'."""
    paragraph = quotation.paragraph
    previous, following = context.neighbours(quotation)
    frame_end = context.sentence_end_after(quotation.outer.end, paragraph)
    frame_start = context.sentence_start_before(quotation.outer.start, paragraph)
    if following is not None:
        frame_end = min(frame_end, following.outer.start)
    if previous is not None:
        frame_start = max(frame_start, previous.outer.end)
    after = [c for c in context.cues_between(paragraph, quotation.outer.end, frame_end) if frames(context, c)]
    if after:
        return after[0]
    before = [c for c in context.cues_between(paragraph, frame_start, quotation.outer.start)
              if c.span.end <= quotation.outer.start and frames(context, c)]
    if before:
        cue = before[-1]
        between = context.text[cue.span.end:quotation.outer.start].strip()
        if not between or between.endswith((",", ":", "—", "–")) and len(between.split()) <= 5:
            return cue
    return introducing_cue(context, quotation)


def frames(context: Context, cue: Cue) -> bool:
    """A cue can frame a quotation unless it reports a clause of its own; one reporting another
    quotation frames this one too: '“A,” he said, adding: “B”'."""
    return cue.content is None or bool(context.overlapping_quotations(cue.content, cue.sentence.paragraph))


def introducing_cue(context: Context, quotation: Quotation) -> Cue | None:
    """'... and said:' closing the paragraph before one that opens with a quotation."""
    own = context.sentences.get(quotation.paragraph, [])
    previous = context.sentences.get(quotation.paragraph - 1, [])
    if not own or quotation.outer.start != own[0].span.start or not previous:
        return None
    last = previous[-1].span
    if not context.text[last.start:last.end].rstrip().endswith(":"):
        return None
    inside = [c for c in context.cues_between(quotation.paragraph - 1, last.start, last.end) if c.content is None]
    return inside[-1] if inside else None


def is_scare_quote(context: Context, quotation: Quotation) -> bool:
    """A short quoted phrase inside a sentence ('a desire to “revitalize” the economy') or a title."""
    words = context.text[quotation.content.start:quotation.content.end].split()
    if not words:
        return True
    if len(words) <= SCARE_QUOTE_MAX_WORDS and (is_embedded(context, quotation) or not quotation.closed or len(words) <= 2):
        return True
    return all(w[:1].isupper() or not w[:1].isalpha() for w in words) and not re.search(r"[.!?,]$", words[-1])


def is_embedded(context: Context, quotation: Quotation) -> bool:
    """Words run into the quotation ('a desire to “revitalize”'), rather than a cue or a comma introducing it."""
    start = context.sentence_start_before(quotation.outer.start, quotation.paragraph)
    lead = context.text[start:quotation.outer.start].strip()
    last_word = lead.split()[-1].lower() if lead else ""
    return bool(lead) and not lead.endswith((",", ":", "—", "–")) and last_word not in CUE_FORMS


def link_uncued(drafts: list[Draft]) -> list[Draft]:
    """A quotation without its own cue shares the speaker of the quotation beside it or before it."""
    for i, draft in enumerate(drafts):
        if draft.cue is None:
            draft.same_speaker_as = uncued_source(drafts, i)
            if draft.same_speaker_as is not None:
                draft.confidence = 0.8
    return drafts


def uncued_source(drafts: list[Draft], i: int) -> int | None:
    """The nearest draft with a speaker: earlier in the paragraph, later in it, then up to two paragraphs back."""
    paragraph = drafts[i].paragraph
    quotation = drafts[i].quotation
    has_speaker = lambda j: drafts[j].cue is not None or drafts[j].same_speaker_as is not None
    following = range(i + 1, len(drafts))
    if quotation is not None and quotation.continues:
        carried_on = next((j for j in following if drafts[j].paragraph > paragraph), None)
        if carried_on is not None and drafts[carried_on].paragraph == paragraph + 1 and drafts[carried_on].cue:
            return carried_on
    earlier = next((j for j in range(i - 1, -1, -1) if drafts[j].paragraph < paragraph or has_speaker(j)), None)
    if earlier is not None and drafts[earlier].paragraph == paragraph:
        return earlier
    later = next((j for j in following if drafts[j].paragraph != paragraph or drafts[j].cue is not None), None)
    if later is not None and drafts[later].paragraph == paragraph:
        return later
    back = next((j for j in range(i - 1, -1, -1) if paragraph - drafts[j].paragraph > 2 or has_speaker(j)), None)
    if back is not None and paragraph - drafts[back].paragraph <= 2:
        return back
    return None


def opens_with_report(outer: Draft, inner: Draft) -> bool:
    """The outer statement's content is the inner report itself: 'that Kim told Xi that ...'."""
    subject = inner.cue.subject
    if subject is None:
        return False
    return inner.cue.sentence.char(subject.left_edge) <= outer.content.start + 1


def drop_reports_of_reports(drafts: list[Draft]) -> list[Draft]:
    """'Media reported that Kim told Xi that ...': keep Kim's statement, not the report of it. A cue
    without a subject inside a report ('he went to tell him that ...') is part of that report."""
    starts = [d.content.start for d in drafts]  # drafts are in text order
    dropped = set()
    for outer in drafts:
        within = [d for d in drafts[bisect_left(starts, outer.content.start):bisect_left(starts, outer.content.end)]
                  if d is not outer and d.kind != "direct" and outer.content.contains(d.content)]
        if any(opens_with_report(outer, inner) for inner in within):
            dropped.add(id(outer))
        dropped.update(id(inner) for inner in within if inner.cue.subject is None)
    kept = [d for d in drafts if id(d) not in dropped]
    new_index = {id(d): i for i, d in enumerate(kept)}
    for draft in kept:
        if draft.same_speaker_as is not None:
            source = drafts[draft.same_speaker_as]
            # a report dropped for being inside another: its speaker is still the one of the report holding it
            holder = next((d for d in kept if d.content.contains(source.content)), source)
            draft.same_speaker_as = new_index.get(id(holder)) if id(source) in dropped else new_index.get(id(source))
    return kept
