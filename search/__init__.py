"""Full-text search for a folder of news articles.

Quickstart::

    import search

    stats = search.build_index("seeds", "index")      # incremental: run it again any time
    with search.open_index("index") as ix:
        results = ix.search("kherson protests")
        for hit in results.hits:
            print(hit.rank, hit.headline, hit.snippet)
        article = ix.article(results.hits[0].id)

    article = search.parse_article("seeds/story.txt")   # parse and extract, no index

The command line (``python -m search``) and the web app call these functions
and nothing else.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from search import corrections
from search.articles import Article, Place, Quote, RemovedLine, read_article
from search.errors import (
    ArticleError,
    ArticleNotFoundError,
    CorruptIndexError,
    IndexBusyError,
    IndexLockedError,
    IndexWriteError,
    InvalidRequestError,
    NoIndexError,
    SearchError,
)
from search.extract import extract
from search.indexer import FileProblem, IndexStats, build_index
from search.quotecheck import QuoteCheck, QuoteMatch, WordChange, check_quote
from search.results import Hit, Results
from search.searcher import Index, open_index

__all__ = [
    "Article",
    "ArticleError",
    "ArticleNotFoundError",
    "CorruptIndexError",
    "FileProblem",
    "Hit",
    "Index",
    "IndexBusyError",
    "IndexLockedError",
    "IndexStats",
    "IndexWriteError",
    "InvalidRequestError",
    "NoIndexError",
    "Place",
    "Quote",
    "QuoteCheck",
    "QuoteMatch",
    "RemovedLine",
    "Results",
    "SearchError",
    "WordChange",
    "build_index",
    "check_quote",
    "open_index",
    "parse_article",
]


def parse_article(path: str | Path) -> Article:
    """Read and extract one article file (boilerplate removed, quotes and places found),
    with the corrections of the folder it is in (a ``corrections.jsonl`` above it)."""
    path = Path(path)
    read = read_article(path)
    where = path.resolve()
    for folder in where.parents:
        if (folder / corrections.FILENAME).is_file():
            article_id = where.relative_to(folder).as_posix()
            entries = corrections.load(folder)[0].get(article_id, [])
            read = dataclasses.replace(read, id=article_id)
            corrected, _ = corrections.correct(read, extract, entries)
            return corrected
    return extract(read)
