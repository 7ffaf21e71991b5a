"""Article understanding: boilerplate removal, quotes with speakers, places.

Each extractor is a pure function over text in its own module, with no Whoosh
and no I/O; :func:`extract` runs them in order on a freshly read article, so
the indexer, ``search parse`` and library callers all get the same result.
"""

from __future__ import annotations

import dataclasses

from search.articles import Article
from search.extract.boilerplate import split_boilerplate
from search.extract.places import find_places
from search.extract.quotes import find_quotes

__all__ = ["extract"]


def extract(article: Article) -> Article:
    """Return ``article`` with boilerplate removed and quotes and places found."""
    kept, removed = split_boilerplate(article.paragraphs)
    return dataclasses.replace(
        article,
        paragraphs=tuple(kept),
        removed=(*article.removed, *removed),
        quotes=tuple(find_quotes(kept, article.headline)),
        locations=tuple(find_places(article.headline, kept)),
    )
