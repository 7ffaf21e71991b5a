"""Our query syntax, read for Typesense: words, phrases, ``-word``, ``prefix*``,
``word~2``, ``OR``, and the fields a reader may name.

Typesense matches tokens as they are, with no stemming in 0.24: the indexer stores
each text field as our analyser's terms (stemmed, accents folded, stop words
out), and a query's words go through the same analyser here, so "protests"
finds "protesting" as on Whoosh. Name fields (``speaker:``, ``outlet:``,
``author:``, ``place:``, ``country:``) become exact filters on their terms.
Typesense has one ``q`` per search, so a word cannot be tied to one field there:
``headline:budget`` searches the headline only when the whole query names the
same text field; mixed with other words it is searched as a word.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from search.schema import name_analyzer, text_analyzer
from search.snippets import MARK_STOP_WORDS, Highlight, typed_words

#: Text fields and their weights (``query_by_weights``), as DEFAULT_FIELDS orders them.
TEXT_FIELDS = {"headline_t": 1, "body_t": 2, "quotes_t": 2, "locations_t": 2}
_TEXT_NAMES = {"headline": "headline_t", "body": "body_t", "quotes": "quotes_t"}
_TEXT_NAMES["locations"] = "locations_t"
#: Name fields: filters on the folded terms of the name.
NAME_FIELDS = {"speaker": "speaker_k", "outlet": "outlet_k", "author": "author_k"}
#: Keyword fields: filters on the whole value, lower-cased.
KEYWORD_FIELDS = {"place": "place_k", "country": "country_k"}
MIN_PATTERN_PREFIX = 2
MAX_FUZZY_EDITS = 2
_TOKEN = re.compile(
    r'(?P<sign>[-+])?(?:(?P<field>[A-Za-z_]\w*):)?(?:"(?P<phrase>[^"]*)"?(?:~\d+)?|(?P<word>[^\s()"]+))'
)
_OPERATORS = {"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE"}


@dataclass
class TypesenseQuery:
    """A query as Typesense parameters, with what our snippets need to mark."""

    q: str = ""
    query_by: dict[str, int] = field(default_factory=lambda: dict(TEXT_FIELDS))
    filters: list[str] = field(default_factory=list)
    prefix: bool = False
    #: Any word may match (an OR query, or a long natural-language one).
    any_word: bool = False
    num_typos: int = 0
    stems: list[str] = field(default_factory=list)
    phrases: list[tuple[str, ...]] = field(default_factory=list)
    place_words: frozenset[str] = frozenset()
    speaker_words: frozenset[str] = frozenset()
    #: The plain words searched, when the query had no usable syntax.
    words: list[str] = field(default_factory=list)

    @property
    def phrase_words(self) -> frozenset[str]:
        """Words searched only as part of a phrase: marked there, not on their own."""
        return frozenset(w for phrase in self.phrases for w in phrase) - set(self.stems)

    @property
    def everything(self) -> bool:
        return self.q == "*"

    def highlight(self, typed: str) -> Highlight:
        stop = _stop_stems()
        return Highlight(
            frozenset(s for s in self.stems if s not in stop),
            tuple(sorted((phrase, 1) for phrase in self.phrases)),
            typed_words(typed),
        )


def parse(text: str, *, long_query_words: int) -> TypesenseQuery | None:
    """The query as Typesense parameters, or None when nothing is left to search for."""
    found = TypesenseQuery()
    terms: list[str] = []
    excluded: list[str] = []
    pattern: str | None = None
    scoped: set[str] = set()
    plain = 0
    place_words: set[str] = set()
    speaker_words: set[str] = set()
    negate = False
    for match in _TOKEN.finditer(text):
        sign, name, phrase, word = match.group("sign", "field", "phrase", "word")
        if word in _OPERATORS and not name:
            found.any_word |= word == "OR"
            negate = word in ("NOT", "ANDNOT")
            continue
        if negate:
            sign, negate = "-", False
        if name in NAME_FIELDS or name in KEYWORD_FIELDS:
            value = phrase if phrase is not None else word or ""
            clause = _name_filter(name, value)
            if clause:
                found.filters.append(clause)
                if name == "speaker":
                    speaker_words.update(_names(value))
                if name == "place":
                    place_words.update(_names(value))
            continue
        if name in _TEXT_NAMES:
            scoped.add(_TEXT_NAMES[name])
        else:
            plain += 1
        if phrase is not None:
            in_phrase = tuple(_stems(phrase))
            if len(in_phrase) > 1:
                found.phrases.append(in_phrase)
                terms.append('"' + " ".join(in_phrase) + '"')
            elif in_phrase:
                terms.append(in_phrase[0])
                found.stems.append(in_phrase[0])
            continue
        word = (word or "").strip("^")
        if word == "*":
            found.q = "*"
            continue
        fuzzy = re.fullmatch(r"(.+?)~(\d*)", word)
        if fuzzy:
            word = fuzzy.group(1)
            found.num_typos = min(int(fuzzy.group(2) or 1), MAX_FUZZY_EDITS)
        if "*" in word or "?" in word:
            head = re.split(r"[*?]", word, maxsplit=1)[0].lower()
            if len(head) >= MIN_PATTERN_PREFIX and re.fullmatch(r"\w+", head):
                pattern = head
            continue
        stems = _stems(word)
        if sign == "-":
            excluded.extend(stems)
            continue
        terms.extend(stems)
        found.stems.extend(stems)
        if name is None or name == "locations":
            place_words.update(_names(word))
    if found.q == "*" and not terms and pattern is None:
        pass  # every article, filtered
    elif terms or pattern:
        if pattern:
            terms.append(pattern)
            found.prefix = True
            found.stems.append(pattern)
        found.q = " ".join([*terms, *(f"-{word}" for word in excluded)])
    elif found.filters:
        found.q = "*"
    else:
        return None
    if scoped and not plain:
        found.query_by = {name: TEXT_FIELDS[name] for name in TEXT_FIELDS if name in scoped}
    if len([t for t in terms if not t.startswith('"')]) >= long_query_words:
        found.any_word = True
    found.place_words = frozenset(place_words)
    found.speaker_words = frozenset(speaker_words)
    return found


def words_only(text: str, *, long_query_words: int) -> TypesenseQuery | None:
    """The query as its plain words, for one that cannot be read as syntax."""
    words = " ".join(re.findall(r"\w+", text))
    found = parse(words, long_query_words=long_query_words) if words else None
    if found is not None:
        found.words = words.split()
    return found


def escape(value: str) -> str:
    """A value in a Typesense filter, backtick-quoted (commas and colons are syntax)."""
    return "`" + value.replace("`", "") + "`"


def _name_filter(name: str, value: str) -> str | None:
    if name in NAME_FIELDS:
        words = _names(value)
        return " && ".join(f"{NAME_FIELDS[name]}:=[{escape(w)}]" for w in words) or None
    value = value.strip().lower()
    return f"{KEYWORD_FIELDS[name]}:=[{escape(value)}]" if value else None


def _stems(text: str) -> list[str]:
    return [token.text for token in text_analyzer()(text)]


def _names(text: str) -> list[str]:
    return [token.text for token in name_analyzer()(text)]


@cache
def _stop_stems() -> frozenset[str]:
    return frozenset(s for word in MARK_STOP_WORDS for s in _stems(word))
