"""One article file read, extracted and laid out as the index's fields.

This is the per-file work of an indexing run, done wherever the run puts it (a
worker process or the indexer's own): nothing here writes to the index.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from search import corrections as corrections_file
from search import spellings as place_spellings
from search.articles import Article, read_article
from search.corrections import Correction
from search.duplicates import sketch
from search.errors import ArticleError
from search.extract.gazetteer import gazetteer
from search.folder import ArticleFile, printable
from search.schema import FACETS
from search.textfiles import read_bytes


@dataclass(frozen=True)
class Todo:
    """A file to (re-)index: where it is and the corrections that apply to it.

    Its bytes are not kept: a run over 222,000 files held 514 MB of them between
    hashing and extraction, so the file is read again where it is extracted."""

    file: ArticleFile
    corrections: tuple[Correction, ...] = ()


@dataclass(frozen=True)
class Prepared:
    """A file read and extracted, ready to write; or the reason it cannot be."""

    path: str
    article_id: str
    fields: dict[str, Any]
    sketch: tuple[int, ...] = ()
    encoding: str = "utf-8"
    problem: str | None = None
    notes: tuple[str, ...] = ()  # corrections not applied, and why
    places: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)  # for the spelling map

    def summary(self) -> Prepared:
        """This without its fields: what the indexer needs to know of a file that a
        worker process writes itself (its fields stay in the worker)."""
        return replace(self, fields={})


def prepare(todo: Todo, *, extractor: Callable[[Article], Article], max_bytes: int) -> Prepared:
    """Read, extract, correct and lay out one article."""
    file = todo.file
    path = printable(file.path)
    try:
        # Not following a link: the indexer read the targets it checked, and a link
        # swapped in since must not lead outside the folder.
        data = read_bytes(file.path, max_bytes, follow_links=False)
        read = read_article(file.path, article_id=file.id, data=data, max_bytes=max_bytes)
        article, notes = corrections_file.correct(read, extractor, todo.corrections)
    except ArticleError as error:
        return Prepared(path, file.id, {}, problem=error.reason)
    except Exception as error:  # a parser bug must not cost the rest of the folder
        return Prepared(path, file.id, {}, problem=f"could not be parsed ({error!r})")
    fields = document(article)
    # The version recorded includes the corrections, so changing one re-indexes the file.
    fields["content_hash"] = corrections_file.version(article.content_hash, todo.corrections)
    return Prepared(
        path,
        file.id,
        fields,
        sketch(article.body),
        article.encoding,
        notes=tuple(notes),
        places=place_spellings.keys_of(article.locations),
    )


def document(article: Article) -> dict[str, Any]:
    """The index fields for one article."""
    fields: dict[str, Any] = {
        "id": article.id,
        "content_hash": article.content_hash,
        "headline": article.headline,
        "body": article.body,
        "quotes": "\n".join(q.text for q in article.quotes),
        "speaker": "\n".join(article.speakers),
        "locations": place_spellings.location_text(article.locations),
        "place": ",".join(p.replace(",", " ") for p in _places_with_parents(article)),
        "country": ",".join(dict.fromkeys(p.country for p in article.locations if p.country)),
        "outlet": article.outlet or "",
        "author": article.author or "",
        "article": json.dumps(article.to_dict(), ensure_ascii=False),
    }
    date = _parse_date(article.date)
    if date is not None:
        fields["date"] = date
    facets = {
        "country": _countries(article),
        "speaker": article.speakers,
        "outlet": [article.outlet] if article.outlet else [],
        "year": [str(date.year)] if date is not None else [],
    }
    for name, values in facets.items():
        fields[FACETS[name]] = ",".join(v.replace(",", " ") for v in values)
    return fields


def _countries(article: Article) -> list[str]:
    names = (gazetteer().country(p.country) for p in article.locations if p.country)
    return list(dict.fromkeys(c.name for c in names if c is not None))


def _places_with_parents(article: Article) -> list[str]:
    """Canonical names of the article's places and of the countries that hold them,
    so that ``place:ukraine`` also finds an article that names only Kyiv."""
    names = [p.canonical for p in article.locations]
    for place in article.locations:
        country = gazetteer().country(place.country)
        if country is not None:
            names.append(country.name)
    return list(dict.fromkeys(names))


def _parse_date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed.replace(tzinfo=None)
