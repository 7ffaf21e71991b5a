"""Highlighting: sentence-bounded snippets and whole texts with matches in <mark>.

Words are matched after analysis (stemming, accent folding), so a query for
"protests" marks "protesting". A phrase is marked as one unit ("<mark>peaceful
pressure</mark>"), and only where its words stand together (within its slop);
its words elsewhere are not marked. Everything that is not a <mark> tag is
HTML-escaped here, which is what makes snippets safe to render as they are.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from html import escape

from search.engine import accent_map, analysis
from search.schema import text_analyzer

SNIPPET_CHARS = 320
_LEAD_CHARS = 240
# A sentence ends at . ! or ? before a space, a closing quote or the end: never
# inside "$1.6bn" or "U.S.".
_SENTENCE = re.compile(r"(?:[^.!?\n]|[.!?]+(?=[^\s\"”’).!?]))*(?:[.!?]+[\"”’)]*|\n+|$)")


#: Words never marked, even when a query holds them: the question words and function
#: words of "what did Blair say about Iraq" (the analyzer's own stop list is shorter).
MARK_STOP_WORDS = frozenset(
    """a about above after again against all am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for
    from further had has have having he her here hers herself him himself his how i if in
    into is it its itself just me more most my myself no nor not now of off on once only or
    other our ours ourselves out over own same she should so some such than that the their
    theirs them themselves then there these they this those through to too under until up
    very was we were what when where which while who whom why will with would you your
    yours yourself yourselves""".split()  # noqa: SIM905
)
#: Endings a text word may add to a typed word's stem and still be marked for it:
#: inflections ("protests", "protesting"), not other words ("Protestant", "protestation").
INFLECTIONS = frozenset(
    {"", "s", "es", "ed", "d", "ing", "e", "er", "ers", "est", "y", "ies", "ied", "ly", "'s"}
)


@dataclass(frozen=True)
class Highlight:
    """What to mark: analysed words anywhere, and phrases (words, slop) as units.

    ``typed`` pairs a stem with a word the query typed for it: a text word with that
    stem is marked only when its ending is an inflection or the typed word's own."""

    words: frozenset[str] = frozenset()
    phrases: tuple[tuple[tuple[str, ...], int], ...] = field(default=())
    typed: frozenset[tuple[str, str]] = frozenset()

    def __bool__(self) -> bool:
        return bool(self.words or self.phrases)


Span = tuple[int, int, bool]  # start, end, is a phrase


class Marked:
    """One text analysed once for a highlight: its snippet, its marked parts."""

    def __init__(self, text: str, highlight: Highlight) -> None:
        self.text = text
        self.spans = spans(text, highlight) if highlight else []

    def any_within(self, start: int, end: int) -> bool:
        return any(start <= s[0] and s[1] <= end for s in self.spans)

    def html(self, start: int = 0, end: int | None = None) -> str:
        """``text[start:end]``, escaped, with its matches in <mark>."""
        return _render(self.text, start, len(self.text) if end is None else end, self.spans)

    def snippet(self, *, sentences: int = 2, outside: tuple[int, int] | None = None) -> str:
        """The best sentences for the highlight, in document order, or the lead.
        With ``outside``, only matches beyond that span count (and no lead is given)."""
        found = self.spans
        if outside is not None:
            found = [s for s in found if s[1] <= outside[0] or s[0] >= outside[1]]
            if not found:
                return ""
        scored = []
        at = 0  # the first match not before this sentence (both run in text order)
        for match in _SENTENCE.finditer(self.text):
            if at == len(found):
                break  # no match left for the sentences after
            start, end = match.span()
            while at < len(found) and found[at][0] < start:
                at += 1
            past = at
            while past < len(found) and found[past][1] <= end:
                past += 1
            inside = found[at:past]
            if inside and match.group().strip():
                weight = sum(2 if phrase else 1 for _, _, phrase in inside)
                scored.append((-weight, start, end, inside))
        best = sorted(sorted(scored)[:sentences], key=lambda item: item[1])
        if not best:
            return escape(lead(self.text), quote=False)
        parts = [
            _render(self.text, *_window(self.text, start, end, inside), inside)
            for _, start, end, inside in best
        ]
        return " … ".join(" ".join(p.split()) for p in parts)


def snippet(body: str, highlight: Highlight, *, sentences: int = 2) -> str:
    """The body's best sentences for ``highlight`` in document order, or its lead."""
    return Marked(body, highlight).snippet(sentences=sentences)


def mark(text: str, highlight: Highlight) -> str:
    """All of ``text``, escaped, with every match in <mark>."""
    return Marked(text, highlight).html()


def lead(body: str) -> str:
    """The opening of the body, cut at a sentence or word boundary."""
    first = body.split("\n\n", 1)[0]
    if len(first) <= _LEAD_CHARS:
        return first
    cut = first.rfind(". ", 0, _LEAD_CHARS)
    if cut > _LEAD_CHARS // 2:
        return first[: cut + 1]
    return first[:_LEAD_CHARS].rsplit(" ", 1)[0] + " …"


def _window(body: str, start: int, end: int, inside: list[Span]) -> tuple[int, int]:
    """At most SNIPPET_CHARS of a long sentence, around its first match, cut between words."""
    if end - start <= SNIPPET_CHARS:
        return start, end
    first = inside[0][0]
    if first - start > SNIPPET_CHARS // 3:
        start = body.find(" ", first - SNIPPET_CHARS // 3, first) + 1 or first
    if end - start > SNIPPET_CHARS:
        cut = body.rfind(" ", start, start + SNIPPET_CHARS)
        end = max(cut, inside[0][1])
    return start, end


def spans(text: str, highlight: Highlight) -> list[Span]:
    """Non-overlapping (start, end, is_phrase) character spans to mark, in order."""
    initials = frozenset(w[:2] for w in highlight.words) | frozenset(
        w[:2] for words, _ in highlight.phrases for w in words
    )
    # Without phrases, positions do not matter: find just the words that could match.
    tokens = _tokens(text, initials) if highlight.phrases else _candidates(text, initials)
    endings: dict[str, set[str]] = {}
    for stem, word in highlight.typed:
        endings.setdefault(stem, set(INFLECTIONS)).add(_ending(word, stem))
    found: list[tuple[int, int, bool]] = [
        (start, end, False)
        for word, _, start, end in tokens
        if word in highlight.words
        and (word not in endings or _ending(text[start:end], word) in endings[word])
    ]
    for words, slop in highlight.phrases:
        for index, (word, pos, start, _) in enumerate(tokens):
            if word != words[0]:
                continue
            if len(words) == 1:
                found.append((start, tokens[index][3], True))
                continue
            last_pos, last_end, matched = pos, 0, 1
            for later_word, later_pos, _, later_end in tokens[index + 1 :]:
                if later_pos - last_pos > slop:
                    break
                if later_word == words[matched]:
                    last_pos, last_end, matched = later_pos, later_end, matched + 1
                    if matched == len(words):
                        break
            if matched == len(words):
                found.append((start, last_end, True))
    found.sort(key=lambda s: (s[0], -s[1]))
    merged: list[tuple[int, int, bool]] = []
    for span in found:
        if merged and span[0] < merged[-1][1]:
            continue  # inside a longer match already marked
        merged.append(span)
    return merged


# The index analyzer's tokenizer pattern: RegexTokenizer's default, imported so the
# two cannot drift apart.
_TOKEN = analysis.tokenizers.default_pattern
STOP_WORDS = analysis.filters.STOP_WORDS


def _tokens(text: str, initials: frozenset[str] | None = None) -> list[tuple[str, int, int, int]]:
    """(term, position, start, end) for each token, as the index analyzer makes them.

    Each distinct word goes through the analyzer once (cached): running the
    analyzer's generator chain over every token of every hit's body was most of
    a query's time. With ``initials`` (first two letters of the terms sought),
    other words are only counted, not analysed. Positions follow Whoosh's
    StopFilter: the first kept word keeps its place, the ones after it are
    numbered on without the stop words.
    """
    tokens: list[tuple[str, int, int, int]] = []
    first: int | None = None
    kept = 0
    for index, match in enumerate(_TOKEN.finditer(text)):
        word = match.group().lower()
        if initials is not None and word[:3].translate(accent_map)[:2] not in initials:
            if _kept(word):
                first = index if first is None else first
                kept += 1
            continue
        term = _term(word)
        if term is not None:
            first = index if first is None else first
            tokens.append((term, first + kept, match.start(), match.end()))
            kept += 1
    return tokens


def _candidates(text: str, initials: frozenset[str]) -> list[tuple[str, int, int, int]]:
    """(term, -1, start, end) for the tokens starting with one of ``initials``, in order."""
    tokens = []
    for initial in initials:
        for match in _initial_pattern(initial).finditer(text):
            term = _term(match.group().lower())
            if term is not None:
                tokens.append((term, -1, match.start(), match.end()))
    if len(initials) > 1:
        tokens.sort(key=lambda token: token[2])
    return tokens


@lru_cache(maxsize=4096)
def _initial_pattern(initial: str) -> re.Pattern[str]:
    """Tokens (as the tokenizer cuts them) whose first two letters fold to ``initial``.

    One pattern per initial, not one per query's set of them: compiling the
    character classes of every accented form took 2 ms, and each new query paid
    it; there are few initials, so theirs stay compiled."""
    start = "".join(
        f"[{re.escape(''.join(sorted(_FOLDS_TO.get(c, {c}) | {c, c.upper()})))}]" for c in initial
    )
    # Not inside a token: after neither a word character nor "x." of a dotted token.
    # Checked once the two letters are found (".." stands for them): a pattern that
    # starts with a character class is searched for by that class, far faster than
    # trying a lookbehind at every character.
    return re.compile(rf"{start}(?<![\w*]..)(?<![\w*]\...)[\w*]*(?:\.?[\w*]+)*")


def _folds_to() -> dict[str, set[str]]:
    table: dict[str, set[str]] = {}
    for code, folded in accent_map.items():
        if isinstance(folded, str) and len(folded) == 1:
            table.setdefault(folded.lower(), set()).add(chr(code))
    return table


_FOLDS_TO = _folds_to()


def _kept(word: str) -> bool:
    """Would the analyzer keep this word (not a stop word, not too short)?"""
    if word.isascii():
        return len(word) >= 2 and word not in STOP_WORDS
    return _term(word) is not None


@lru_cache(maxsize=131072)
def _term(word: str) -> str | None:
    analysed = [t.text for t in text_analyzer()(word)]
    return analysed[0] if len(analysed) == 1 else None


def _ending(surface: str, stem: str) -> str:
    """What a word adds to its stem ("protestant" → "ant"); "" when the stemmer
    changed the word's letters ("cities" → "citi")."""
    folded = surface.lower().translate(accent_map)
    return folded[len(stem) :] if folded.startswith(stem) else ""


def typed_words(text: str) -> frozenset[tuple[str, str]]:
    """(stem, word) for each plain word typed in a query (not patterns like ``protest*``)."""
    pairs = set()
    for word in re.findall(r"(?<![\w*?])\w+(?![\w*?~])", text):
        stem = _term(word.lower())
        if stem is not None:
            pairs.add((stem, word.lower().translate(accent_map)))
    return frozenset(pairs)


def _render(text: str, start: int, end: int, found: list[Span]) -> str:
    out, at = [], start
    for span_start, span_end, _ in found:
        if span_start < start or span_end > end:
            continue
        out.append(escape(text[at:span_start], quote=False))
        out.append(f"<mark>{escape(text[span_start:span_end], quote=False)}</mark>")
        at = span_end
    out.append(escape(text[at:end], quote=False))
    return "".join(out)
