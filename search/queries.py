"""Building Whoosh queries: the parser, wildcard limits, date ranges.

Kept apart from running them (:mod:`search.searcher`) so the rules for what a
query may ask are in one place.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

from search.engine import fields, matching, qparser, query
from search.errors import InvalidRequestError
from search.options import MAX_QUERY_CHARS
from search.schema import DEFAULT_FIELDS, text_analyzer

#: Letters a pattern needs before its first wildcard ("pr*" yes, "?*" no).
MIN_PATTERN_PREFIX = 2
#: A "+" or "-" is an operator only at the start of a word, before a word or a group.
_OPERATOR_SIGN = r"(?<![^\s(])%s(?=[\w\"(])"


#: Fields a query may name. The rest (dupe_keys, content_hash, sketch, article,
#: dupe_group, id, facet_*) are the index's own bookkeeping and are not searchable.
QUERYABLE_FIELDS = (
    "headline",
    "body",
    "quotes",
    "speaker",
    "locations",
    "place",
    "country",
    "outlet",
    "author",
    "date",
)
#: A fuzzy term ("kyiv~2") may differ by at most this many edits.
MAX_FUZZY_EDITS = 2
_FIELD_NAME = re.compile(r"(?<![\w:.])([A-Za-z_]\w*):(?=[^\s:])")


def parser(schema: Any, group: Any) -> Any:
    public = fields.Schema(**{name: schema[name] for name in QUERYABLE_FIELDS if name in schema})
    parser = qparser.MultifieldParser(
        list(DEFAULT_FIELDS), public, fieldboosts=DEFAULT_FIELDS, group=group
    )
    # "+word" and "-word" only where a word starts: Whoosh's defaults also take the
    # hyphen inside "c-Myc" or "tubule-specific" as a NOT, dropping a word the
    # query is about (and "(+)-" as an operator it cannot parse).
    parser.add_plugin(
        qparser.PlusMinusPlugin(plusexpr=_OPERATOR_SIGN % r"\+", minusexpr=_OPERATOR_SIGN % "-")
    )
    return parser


#: What else than the default group can read differently as all words or any word:
#: operators, groups, and "+"/"-" signs.
_EXPLICIT = re.compile(r"[()]|\b(?:AND|OR|NOT|ANDNOT|ANDMAYBE)\b|" + _OPERATOR_SIGN % "[+-]")


class AndNot(query.AndNot):
    """Whoosh's AND-NOT ("word -other"), not matching a document the excluded side
    holds when that side's first posting comes before the kept side's first.

    ``AndNotMatcher`` checks its first document against the excluded side only
    when both start on it: if the excluded side starts earlier, that document is
    matched even if it is excluded (BBC: "highly persuasions -therapy" matched an
    article on therapy, "single radio -song" one about a song). Moving the
    excluded side up to it first lets the matcher see it."""

    def matcher(self, searcher: Any, context: Any = None) -> Any:
        kept = self.a.matcher(searcher, context)
        excluded = self.b.matcher(searcher, searcher.boolean_context())
        if kept.is_active() and excluded.is_active():
            excluded.skip_to(kept.id())
        return matching.AndNotMatcher(kept, excluded)


class AndMaybeMatcher(matching.AndMaybeMatcher):
    """Whoosh's AND-MAYBE matcher, its optional side never left behind its required one.

    ``skip_to(id)`` moves the optional side to ``id``, not to where the required
    side landed, which can be past ``id``: inside an AND the optional side is then
    a document behind, and the document loses the optional side's share of its
    score (tests/test_whoosh_result_bugs.py)."""

    def skip_to(self, id: int) -> Any:
        moved = super().skip_to(id)
        if self.a.is_active() and self.b.is_active() and self.b.id() < self.a.id():
            moved = self.b.skip_to(self.a.id()) or moved
        return moved


class AndMaybe(query.AndMaybe):
    """Whoosh's AND-MAYBE ("+word other", "word ANDMAYBE other") with
    :class:`AndMaybeMatcher`."""

    matcherclass = AndMaybeMatcher


def mended(q: Any) -> Any:
    """``q`` with Whoosh's AND-NOTs and AND-MAYBEs made our :class:`AndNot` and
    :class:`AndMaybe`, which match and score what the query says."""

    def mend(node: Any) -> Any:
        if type(node) is query.AndNot:
            return AndNot(node.a, node.b)
        if type(node) is query.AndMaybe:
            return AndMaybe(node.a, node.b)
        return node

    return q.accept(mend)


def readings(text: str, all_words: Any, any_word: Any) -> tuple[Any, Any]:
    """``text`` parsed by the all-words and the any-word parser, parsing it once
    where that is enough (parsing twice was a fifth of a new query's time).

    Without operators, groups or signs, every And in the all-word parse, before it
    is normalized, comes from the default group (between words, and between the
    parts of a word the analyzer splits, "well-known"), so turning each into an Or
    is what the any-word parser builds; each is normalized after (normalizing
    merges ranges and nested groups differently for And and Or)."""
    parsed = all_words.parse(text, normalize=False)
    if _EXPLICIT.search(text):
        return mended(parsed.normalize()), mended(any_word.parse(text))

    def either(node: Any) -> Any:
        return query.Or(node.subqueries, boost=node.boost) if type(node) is query.And else node

    return parsed.normalize(), parsed.accept(either).normalize()


def query_words(query_text: str) -> tuple[str, str | None]:
    """The query as searched (spaces collapsed, cut to MAX_QUERY_CHARS, fields that
    cannot be searched turned into words) and the notice saying what was changed."""
    text = " ".join(query_text.split())
    notice = None
    if len(text) > MAX_QUERY_CHARS:
        text = text[:MAX_QUERY_CHARS]
        notice = f"The query was cut to its first {MAX_QUERY_CHARS} characters."
    text, unknown = unknown_fields(text)
    if unknown:
        names = ", ".join(f"{name}:" for name in unknown)
        notice = (
            f"{names} is not a field you can search, so it was searched as a word "
            "(the fields are listed in the help)."
        )
    return text, notice


def unknown_fields(text: str) -> tuple[str, list[str]]:
    """The query with each ``name:`` that is not a searchable field turned into the
    plain word ``name`` (so ``dupe_keys:"the month"`` searches its words), and those names."""
    unknown: list[str] = []

    def plain(match: re.Match[str]) -> str:
        if match.group(1) in QUERYABLE_FIELDS:
            return match.group()
        unknown.append(match.group(1))
        return match.group(1) + " "

    return _FIELD_NAME.sub(plain, text), list(dict.fromkeys(unknown))


def tame(q: Any, schema: Any = None) -> Any:
    """Make a parsed query affordable and answerable.

    A bare "*" is every document (Whoosh's per-field Every() reads every posting);
    a pattern needs two letters before its first wildcard ("?*" or "a*" would expand
    to most of the lexicon: seconds per query); a fuzzy term allows two edits at most
    and keeps its first letter; a range is only for dates (on text, ``[a TO z]``
    expands to the whole lexicon: seconds and hundreds of MB); a phrase on a field
    without positions (``place:"new york"``) asks for its words."""

    def visit(node: Any) -> Any:
        if isinstance(node, query.Every):
            return query.Every()
        pattern = isinstance(node, query.Prefix | query.Wildcard)
        if pattern and len(re.split(r"[*?]", node.text, maxsplit=1)[0]) < MIN_PATTERN_PREFIX:
            return query.NullQuery
        if pattern:
            # Scored by the words it expands to, as any word is, not a flat 1.0 each.
            node.constantscore = False
            return node
        if isinstance(node, query.Term) and node.fieldname == "place":
            return about_place(node)
        if isinstance(node, query.FuzzyTerm):
            node.maxdist = min(int(node.maxdist), MAX_FUZZY_EDITS)
            node.prefixlength = max(int(node.prefixlength), 1)
            return node
        if isinstance(node, query.TermRange | query.NumericRange) and node.fieldname != "date":
            return query.NullQuery
        if (
            isinstance(node, query.Phrase)
            and schema is not None
            and node.fieldname in schema
            and not schema[node.fieldname].format.supports("positions")
        ):
            return query.And([query.Term(node.fieldname, w) for w in node.words])
        return node

    return visit(q) if q.is_leaf() else q.accept(visit).normalize()


def about_place(node: Any) -> Any:
    """``place:kyiv`` matches as it is (the place or a place in it), ranked by how
    often the text names it: a keyword field alone scores every article alike."""
    words = [token.text for token in text_analyzer()(str(node.text))]
    if not words:
        return node
    named = query.Term("body", words[0]) if len(words) == 1 else query.Phrase("body", words)
    headline = (
        query.Term("headline", words[0]) if len(words) == 1 else query.Phrase("headline", words)
    )
    return query.AndMaybe(node, query.Or([named, headline]))


def usable(q: Any) -> bool:
    return (
        q is not None
        and q is not query.NullQuery
        and any(leaf is not query.NullQuery for leaf in q.leaves())
    )


def day(text: str | None, name: str, *, end: bool = False) -> datetime | None:
    """ "2005", "2005-03" or "2005-03-14" as the first (or, with ``end``, last) moment."""
    if text is None or not text.strip():
        return None
    parts = text.strip().split("-")
    try:
        numbers = [int(p) for p in parts]
        if len(numbers) > 3 or not 1 <= numbers[0] <= 9999:
            raise ValueError
        year, month, dom = [*numbers, 0, 0][:3]
        if not end:
            return datetime(year, month or 1, dom or 1)
        if dom:
            return datetime(year, month, dom, 23, 59, 59)
        if month:
            following = datetime(year + month // 12, month % 12 + 1, 1)
            return following - timedelta(seconds=1)
        return datetime(year, 12, 31, 23, 59, 59)
    except ValueError:
        raise InvalidRequestError(
            f"{name} must be a date like 2005, 2005-03 or 2005-03-14, not {text[:40]!r}"
        ) from None


def date_range(start: datetime | None, end: datetime | None) -> Any:
    if start is None and end is None:
        return None
    return query.DateRange("date", start, end)


def all_of(*parts: Any) -> Any:
    present = [p for p in parts if p is not None]
    if not present:
        return None
    return present[0] if len(present) == 1 else query.And(present)
