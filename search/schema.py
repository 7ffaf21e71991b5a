"""The index schema and its analyzers, in one place.

Text fields share one analyzer (lowercase, accent folding, stop words,
English stemming) so "protests" finds "protesting" and "Kyiv" finds "Kyív",
and so that query terms from one field highlight words in another. Names
(speakers, outlets, authors) are folded but not stemmed: "Jones" is not "Jone".
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from search.engine import accent_map, analysis, fields

#: Schema version, kept beside the index so an index from an older schema is rebuilt, not
#: misread (a changed analyzer keeps the field names but changes every term).
SCHEMA_VERSION = 11
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


@cache
def text_analyzer() -> analysis.Analyzer:
    return (
        analysis.RegexTokenizer()
        | analysis.LowercaseFilter()
        | analysis.CharsetFilter(accent_map)
        | analysis.StopFilter()
        | analysis.StemFilter()
    )


@cache
def name_analyzer() -> analysis.Analyzer:
    # Stop words go here too: "the States" or "Bank of England" must not make
    # "the" or "of" match every article that names them.
    return (
        analysis.RegexTokenizer()
        | analysis.LowercaseFilter()
        | analysis.CharsetFilter(accent_map)
        | analysis.StopFilter()
    )


def build_schema() -> fields.Schema:
    text = text_analyzer()
    names = name_analyzer()
    return fields.Schema(
        id=fields.ID(stored=True, unique=True),
        content_hash=fields.ID(stored=True),
        headline=fields.TEXT(analyzer=text, stored=True),  # for "+N similar" (no JSON read)
        body=fields.TEXT(analyzer=text),
        quotes=fields.TEXT(analyzer=text),
        speaker=fields.TEXT(analyzer=names),
        # One id term per resolved place (the names of unresolved ones): queries
        # reach it from any spelling through the index's spelling map (spellings.py).
        locations=fields.TEXT(analyzer=names),
        place=fields.KEYWORD(commas=True, lowercase=True),
        country=fields.KEYWORD(commas=True, lowercase=True),
        outlet=fields.TEXT(analyzer=names),
        author=fields.TEXT(analyzer=names),
        date=fields.DATETIME(stored=True, sortable=True),
        # The whole extracted Article as JSON: what Index.article() and hits return.
        # The text fields are not stored beside it (a second copy of every body cost
        # indexing time and disk), but for the headline: listing a hit's copies needs
        # only their ids and headlines, and decoding their whole JSON was a fifth of a
        # query's time on a syndicated archive.
        article=fields.STORED(),
        # Near-duplicates (search/duplicates.py): sketch values to find candidates,
        # the sketch itself, and the group an article was put in.
        dupe_keys=fields.KEYWORD(),
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
