"""The index schema and its analyzers, in one place.

Text fields share one analyzer (lowercase, accent folding, stop words,
English stemming) so "protests" finds "protesting" and "Kyiv" finds "Kyív",
and so that query terms from one field highlight words in another. Names
(speakers, outlets, authors) are folded but not stemmed: "Jones" is not "Jone".
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

from search.engine import accent_map, analysis, fields, formats

#: Schema version, kept beside the index so an index from an older schema is rebuilt, not
#: misread (a changed analyzer keeps the field names but changes every term).
SCHEMA_VERSION = 12
_MARKER = "news-search.json"

#: Facets: URL/API name → index field. Places are rolled up to their country.
FACETS = {
    "country": "facet_country",
    "speaker": "facet_speaker",
    "outlet": "facet_outlet",
    "year": "facet_year",
}

#: Fields searched when a query names none, with their weights. Whoosh scores each field
#: on its own and adds them up, so a headline word, nearly always in the body too, already
#: counts twice; on SciFact (bench/ranking.py) headline weight 3.0 gave nDCG@10 0.59,
#: 1.0 gave 0.68 and 0.5 gave 0.70.
DEFAULT_FIELDS = {"headline": 0.5, "body": 1.0, "quotes": 1.2, "locations": 1.0}


#: Words stemmed so far (a plain dict: StemFilter's own cache costs a call per word).
_STEMS: dict[str, str] = {}
_MAX_STEMS = 200_000


class NewsAnalyzer(analysis.CompositeAnalyzer):
    """Tokenize, lowercase, fold accents, drop stop words and (for text) stem: Whoosh's
    chain of those filters, run as one loop when called the usual way.

    The chain passes each token through five generators; that was most of the time
    ``add_document`` spent (BBC: 4.1 s of analysis against 2.3 s as one loop). The
    loop does what each filter does, in the same order, so the tokens are the same
    (tests/test_schema.py compares them); other calls (no tokenizing, stop words kept,
    originals kept, no stemming) go through the chain."""

    def __init__(self, *, stem: bool) -> None:
        parts = [
            analysis.RegexTokenizer(),
            analysis.LowercaseFilter(),
            analysis.CharsetFilter(accent_map),
            analysis.StopFilter(),
        ]
        super().__init__(*parts, *([analysis.StemFilter()] if stem else []))

    def __call__(  # type: ignore[override]
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        no_morph: bool = False,
        **kwargs: Any,
    ) -> Iterator[analysis.Token]:
        if not tokenize or keeporiginal or not removestops or no_morph:
            return super().__call__(  # type: ignore[no-any-return]
                value,
                no_morph=no_morph,
                positions=positions,
                chars=chars,
                keeporiginal=keeporiginal,
                removestops=removestops,
                start_pos=start_pos,
                start_char=start_char,
                tokenize=tokenize,
                mode=mode,
                **kwargs,
            )
        return self._tokens(value, positions, chars, start_pos, start_char, mode, kwargs)

    def words(self, value: str, start_pos: int = 0) -> Iterator[tuple[str, int, re.Match[str]]]:
        """Each word kept, as indexed, with its position and where it stands in ``value``."""
        tokenizer, _, charset, stop, *stemmer = self.items
        charmap, stops, shortest, longest = charset.charmap, stop.stops, stop.min, stop.max
        stem, ignore = (stemmer[0].stemfn, stemmer[0].ignore) if stemmer else (None, ())
        stems = _STEMS
        pos = None
        for number, match in enumerate(tokenizer.expression.finditer(value)):
            text = match.group(0).lower()
            if not text.isascii():  # the accent map leaves lowercase ASCII as it is
                text = text.translate(charmap)
            if len(text) < shortest or (longest is not None and len(text) > longest):
                continue
            if text in stops:
                continue
            # StopFilter's renumbering: the first word kept keeps its place, the ones
            # after it follow on as if no stop word stood between them.
            pos = start_pos + number if pos is None or not stop.renumber else pos + 1
            if stem is not None and text not in ignore:
                stemmed = stems.get(text)
                if stemmed is None:
                    if len(stems) >= _MAX_STEMS:
                        stems.clear()
                    stemmed = stems[text] = stem(text)
                text = stemmed
            yield text, pos, match

    def _tokens(
        self,
        value: str,
        positions: bool,
        chars: bool,
        start_pos: int,
        start_char: int,
        mode: str,
        kwargs: dict[str, Any],
    ) -> Iterator[analysis.Token]:
        token = analysis.Token(positions, chars, removestops=True, mode=mode, **kwargs)
        for text, pos, match in self.words(value, start_pos):
            token.text = text
            token.boost = 1.0
            token.stopped = False
            if positions:
                token.pos = pos
            if chars:
                token.startchar = start_char + match.start()
                token.endchar = start_char + match.end()
            yield token


class NewsPositions(formats.Positions):
    """Whoosh's Positions format (the same postings, byte for byte), taking
    :class:`NewsAnalyzer`'s words without a Token each: with the analysis itself,
    building postings from Tokens was most of indexing's ``add_document``."""

    def word_values(
        self, value: Any, analyzer: Any, **kwargs: Any
    ) -> Iterator[tuple[str, int, float, bytes]]:
        if (
            not isinstance(analyzer, NewsAnalyzer)
            or not isinstance(value, str)
            or set(kwargs) - {"mode"}
        ):
            yield from super().word_values(value, analyzer, **kwargs)
            return
        positions: dict[str, list[int]] = defaultdict(list)
        for text, pos, _ in analyzer.words(value):
            positions[text].append(pos)
        for text, found in positions.items():
            # Every word weighs 1.0 (no boosts): the chain's sum of boosts is the count.
            yield text, len(found), float(len(found)) * self.field_boost, self.encode(found)


@cache
def text_analyzer() -> analysis.Analyzer:
    return NewsAnalyzer(stem=True)


@cache
def name_analyzer() -> analysis.Analyzer:
    # Stop words go here too: "the States" or "Bank of England" must not make
    # "the" or "of" match every article that names them.
    return NewsAnalyzer(stem=False)


def _text(analyzer: analysis.Analyzer, *, stored: bool = False) -> fields.TEXT:
    field = fields.TEXT(analyzer=analyzer, stored=stored)
    field.format = NewsPositions(field_boost=field.format.field_boost)
    return field


def build_schema() -> fields.Schema:
    text = text_analyzer()
    names = name_analyzer()
    return fields.Schema(
        id=fields.ID(stored=True, unique=True),
        content_hash=fields.STORED(),
        headline=_text(text, stored=True),  # for "+N similar" (no JSON read)
        body=_text(text),
        quotes=_text(text),
        speaker=_text(names),
        # One id term per resolved place (the names of unresolved ones): queries
        # reach it from any spelling through the index's spelling map (spellings.py).
        locations=_text(names),
        place=fields.KEYWORD(commas=True, lowercase=True),
        country=fields.KEYWORD(commas=True, lowercase=True),
        outlet=_text(names),
        author=_text(names),
        date=fields.DATETIME(stored=True, sortable=True),
        # The whole extracted Article as JSON: what Index.article() and hits return.
        # The text fields are not stored beside it (a second copy of every body cost
        # indexing time and disk), but for the headline: listing a hit's copies needs
        # only their ids and headlines, and decoding their whole JSON was a fifth of a
        # query's time on a syndicated archive.
        article=fields.STORED(),
        # Near-duplicates (search/duplicates.py): the sketch, and the group an article
        # was put in. Which articles hold a sketch value is kept beside the index, in
        # search/sketches.py's table: as terms here it cost a quarter of each commit.
        sketch=fields.STORED(),
        dupe_group=fields.ID(stored=True),
        # Facet values as shown to readers (case kept): one term per value.
        **{field: fields.KEYWORD(commas=True) for field in FACETS.values()},
    )


def schema_is_current(index_dir: Path) -> bool:
    """Was the index in ``index_dir`` written with this schema version?"""
    try:
        marker = json.loads((index_dir / _MARKER).read_text())
    except (OSError, ValueError):
        return False
    return isinstance(marker, dict) and marker.get("schema_version") == SCHEMA_VERSION


def mark_schema(index_dir: Path) -> None:
    (index_dir / _MARKER).write_text(json.dumps({"schema_version": SCHEMA_VERSION}) + "\n")
