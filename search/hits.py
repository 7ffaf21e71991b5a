"""Turning Whoosh hits into our own :class:`~search.results.Hit`: snippets, marked
headlines, matched quotes, other spellings of places, per-field scores.
"""

from __future__ import annotations

import json
from dataclasses import replace
from functools import lru_cache
from html import escape
from itertools import islice
from typing import Any

from search.articles import Article, Place
from search.engine import query
from search.results import Hit, QuoteCard
from search.schema import name_analyzer, text_analyzer
from search.snippets import MARK_STOP_WORDS, Highlight, Marked, mark, typed_words

#: Fields analysed like the body, whose matched terms are marked in snippets.
HIGHLIGHT_FIELDS = frozenset({"headline", "body", "quotes", "locations"})
#: A bare pattern expands to much of the lexicon: mark the first words only.
MAX_MARKED = 256


def highlight_for(searcher: Any, q: Any, typed: str = "") -> Highlight:
    """What to mark for a query: its words (prefixes expanded) and its phrases, never
    a stop word; ``typed``, the query as typed, keeps "protests" from marking "Protestant"."""
    reader = searcher.reader()
    words: set[str] = set()
    phrases: set[tuple[tuple[str, ...], int]] = set()
    for leaf in q.leaves():
        if leaf.field() not in HIGHLIGHT_FIELDS:
            continue
        if isinstance(leaf, query.Phrase):
            phrases.add((tuple(leaf.words), max(1, int(leaf.slop))))
            continue
        # Not Query.existing_terms(): in Whoosh 2.7 its loop variable shadows its
        # ``fieldname`` argument, so it drops every leaf after a missing term. A bare
        # pattern expands to much of the lexicon: mark the first words only.
        for fieldname, text in islice(leaf.expanded_terms(reader), MAX_MARKED):
            word = text.decode("utf-8") if isinstance(text, bytes) else str(text)
            if (fieldname, word) in reader and word not in _stop_stems():
                words.add(word)
    return Highlight(frozenset(words), tuple(sorted(phrases)), typed_words(typed))


@lru_cache(maxsize=1)
def _stop_stems() -> frozenset[str]:
    return frozenset(t.text for word in MARK_STOP_WORDS for t in text_analyzer()(word))


def explain_scores(searcher: Any, q: Any, docnum: int) -> dict[str, float]:
    """The score of each field's part of the query for one document (BM25F, boosts in)."""
    scores: dict[str, float] = {}
    for field in sorted({leaf.field() for leaf in q.leaves() if leaf.field()}):
        matcher = query.Or([leaf for leaf in q.leaves() if leaf.field() == field]).matcher(searcher)
        if matcher.is_active():
            matcher.skip_to(docnum)
            if matcher.is_active() and matcher.id() == docnum:
                scores[field] = round(float(matcher.score()), 4)
    return scores


def field_words(q: Any, field: str) -> frozenset[str]:
    """The query's words as searched in one field (for names: folded, not stemmed)."""
    words: set[str] = set()
    for leaf in q.leaves():
        if leaf.field() == field:
            words.update(getattr(leaf, "words", None) or [str(getattr(leaf, "text", ""))])
    return frozenset(words)


def _other_spellings(places: list[Place], place_words: frozenset[str]) -> list[str]:
    """Places the query named by another spelling, as this article writes them:
    "Kiev" for a search for Kyiv."""
    found = []
    for place in places:
        if place_words.isdisjoint(_all_name_words(place)):
            continue  # no spelling of it shares a word with the query
        written = _name_words(place.name)
        if written and written <= place_words:
            continue  # the query spelt it as the article does
        names = (place.canonical, *place.alternate_names)
        if any(words and words <= place_words for words in map(_name_words, names)):
            found.append(place.name)
    return found


@lru_cache(maxsize=65536)
def _name_words(name: str) -> frozenset[str]:
    return frozenset(t.text for t in name_analyzer()(name))


@lru_cache(maxsize=4096)  # a few MB: most are a few words, London's a hundred
def _all_name_words(place: Place) -> frozenset[str]:
    """Every word of every spelling of a place (London has 70): most places of a hit
    share none with the query, and are passed over on that alone."""
    return frozenset().union(*map(_name_words, (place.canonical, *place.alternate_names)))


def load_stored(searcher: Any, docnum: int) -> Article:
    """The article stored with a document: what hits and Index.article() return."""
    return Article.from_dict(json.loads(searcher.stored_fields(docnum)["article"]))


def quote_cards(doc: Article, terms: Highlight, speaker_words: frozenset[str]) -> list[QuoteCard]:
    """The article's quotations that the query matched (by their words or their
    speaker), with the matched words marked."""
    body = Marked(doc.body, terms)
    return [
        QuoteCard(
            text_html=body.html(q.start, q.end),
            speaker=q.speaker,
            article_id=doc.id,
            headline=doc.headline,
            paragraph=q.paragraph,
            date=doc.date,
            text=q.text,
            role=q.role,
        )
        for q in doc.quotes
        if body.any_within(q.start, q.end)
        or (speaker_words and _name_words(q.speaker or "") & speaker_words)
    ]


def make_hit(
    doc: Article,
    score: float,
    terms: Highlight,
    rank: int,
    explain: dict[str, float] | None,
    place_words: frozenset[str],
    speaker_words: frozenset[str],
) -> Hit:
    places = list(doc.locations)
    also = _other_spellings(places, place_words) if place_words else []
    if also:  # mark "Kiev" in the snippet of a search for Kyiv
        variants = [tuple(t.text for t in text_analyzer()(name)) for name in also]
        terms = replace(terms, phrases=terms.phrases + tuple((v, 1) for v in variants if v))
    body = Marked(doc.body, terms)  # analysed once for snippet and quotes alike
    quotes = list(doc.quotes)
    by_words = [q for q in quotes if body.any_within(q.start, q.end)]
    by_speaker = [
        q for q in quotes if speaker_words and _name_words(q.speaker or "") & speaker_words
    ]
    matched_quotes = [q for q in quotes if q in by_words or q in by_speaker]
    shown = (by_words or by_speaker)[:1]  # a quote that matched is the best snippet
    if shown:
        quote = shown[0]
        said = f" — {escape(quote.speaker, quote=False)}" if quote.speaker else ""
        parts = [
            f"“{body.html(quote.start, quote.end)}”{said}",
            body.snippet(sentences=1, outside=(quote.start, quote.end)),
        ]
        body_snippet = " … ".join(part for part in parts if part)
    else:
        body_snippet = body.snippet()
    return Hit(
        id=doc.id,
        headline=doc.headline,
        headline_html=mark(doc.headline, terms),
        snippet=body_snippet,
        score=round(float(score or 0.0), 4),
        rank=rank,
        quotes=quotes,
        locations=places,
        date=doc.date,
        outlet=doc.outlet,
        url=doc.url,
        explain=explain,
        also_matched=also,
        matched_quotes=matched_quotes,
    )
