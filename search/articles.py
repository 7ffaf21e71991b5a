"""The Article type and the readers that turn a file into one.

Pipeline position: files → **articles** → extract → indexer. A reader only
splits a file into headline, paragraphs and metadata; cleaning (boilerplate),
quotes and places are added afterwards by :func:`search.extract.extract`, so
``search parse``, the indexer and library callers share one path.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from search.dates import find_date
from search.errors import ArticleError
from search.folder import printable
from search.plain import plain
from search.textfiles import read_text

#: Suffixes read as HTML; anything else that is text is read as plain text.
HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml"})


@dataclass(frozen=True)
class Quote:
    """A direct quotation: its words, who said them and where they stand.

    ``start``/``end`` are character offsets into :attr:`Article.body`.
    """

    text: str
    speaker: str | None
    paragraph: int
    start: int
    end: int
    #: The speaker (or the quote itself) comes from the newsroom's corrections file.
    corrected: bool = False
    #: What the attribution says the speaker is ("the Tory leader", "a spokesman for
    #: Dell"): shown beside the speaker, never a speaker facet value itself.
    role: str | None = None


@dataclass(frozen=True)
class Place:
    """A place named in the article, resolved to a gazetteer entry where possible."""

    name: str  # as first written in the article
    canonical: str  # the gazetteer's name, or ``name`` when unresolved
    kind: str  # country, city, region, street, landmark, other
    country: str | None = None  # ISO 3166 alpha-2
    geonameid: int | None = None
    latitude: float | None = None
    longitude: float | None = None
    alternate_names: tuple[str, ...] = ()
    #: The resolution (or the place itself) comes from the newsroom's corrections file.
    corrected: bool = False


@dataclass(frozen=True)
class RemovedLine:
    """A line dropped from the body as boilerplate, and the rule that dropped it."""

    text: str
    reason: str


@dataclass(frozen=True)
class Article:
    """One news article, as parsed and extracted. Turns into JSON with :meth:`to_dict`."""

    id: str
    path: str
    headline: str
    paragraphs: tuple[str, ...]
    content_hash: str
    format: str = "text"  # "text" or "html"
    encoding: str = "utf-8"
    date: str | None = None  # ISO 8601, as given by the page
    author: str | None = None
    outlet: str | None = None
    url: str | None = None
    quotes: tuple[Quote, ...] = ()
    locations: tuple[Place, ...] = ()
    removed: tuple[RemovedLine, ...] = ()
    #: Values set by the newsroom's corrections file rather than by extraction.
    corrected: tuple[str, ...] = ()
    #: Paragraphs (by number) that boilerplate removal dropped and a correction put back.
    restored: tuple[int, ...] = ()

    @property
    def body(self) -> str:
        """The paragraphs joined by blank lines; quote offsets point into this."""
        return "\n\n".join(self.paragraphs)

    @property
    def speakers(self) -> list[str]:
        """Distinct speakers of the article's quotes, in order of first appearance."""
        return list(dict.fromkeys(q.speaker for q in self.quotes if q.speaker))

    def to_dict(self) -> dict[str, Any]:
        return plain(self)  # type: ignore[no-any-return]

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Article:
        known = {f.name for f in dataclasses.fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        values["paragraphs"] = tuple(values.get("paragraphs", ()))
        values["quotes"] = tuple(Quote(**q) for q in values.get("quotes", ()))
        values["locations"] = tuple(
            Place(**{**p, "alternate_names": tuple(p.get("alternate_names", ()))})
            for p in values.get("locations", ())
        )
        values["removed"] = tuple(RemovedLine(**r) for r in values.get("removed", ()))
        values["corrected"] = tuple(values.get("corrected", ()))
        values["restored"] = tuple(values.get("restored", ()))
        return cls(**values)


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class Page:
    """What a reader found in a file: headline, paragraphs and any metadata."""

    headline: str
    paragraphs: list[str]
    date: str | None = None
    author: str | None = None
    outlet: str | None = None
    url: str | None = None


def read_article(
    path: str | Path,
    *,
    article_id: str | None = None,
    data: bytes | None = None,
    max_bytes: int | None = None,
) -> Article:
    """Read one file into an :class:`Article`, without extraction.

    ``data`` lets the indexer pass bytes it already read for hashing.
    Raises :class:`search.errors.ArticleError` for files that are not articles.
    """
    path = Path(path)
    text, encoding, data = read_text(path, data=data, max_bytes=max_bytes)
    digest = content_hash(data)
    is_html = path.suffix.lower() in HTML_SUFFIXES or _looks_like_html(text)
    if is_html:
        # Imported here: trafilatura and BeautifulSoup take a quarter of a second to
        # import, which every command paid, plain-text folders and searches included.
        from search.html import read_html

        page = read_html(text)
    else:
        headline, paragraphs = split_plain_text(text)
        page = Page(headline=headline, paragraphs=paragraphs)
    if not page.headline and not page.paragraphs:
        raise ArticleError(path, "no text found")
    return Article(
        id=article_id or printable(path.name),
        path=printable(path),
        headline=page.headline or page.paragraphs[0][:120],
        paragraphs=tuple(page.paragraphs),
        content_hash=digest,
        format="html" if is_html else "text",
        encoding=encoding,
        date=page.date or find_date(page.paragraphs, article_id or path.name),
        author=page.author,
        outlet=page.outlet,
        url=page.url,
    )


def _looks_like_html(text: str) -> bool:
    head = text.lstrip()[:200].lower()
    return head.startswith(("<!doctype html", "<html"))


_SENTENCE_END = re.compile(r"[.!?:;…\"'”’)\]]\s*$")


def split_plain_text(text: str) -> tuple[str, list[str]]:
    """Split plain text into a headline (first non-blank line) and paragraphs.

    Scraped text puts one paragraph on each line, with or without blank lines
    between them, so each line is a paragraph, except that a line broken in the
    middle of a sentence (no closing punctuation, next line starting in lower
    case) is joined to the next: that is hard-wrapped prose, not two paragraphs.
    """
    lines = [" ".join(line.split()) for line in text.splitlines()]
    lines = [line for line in lines if line]
    if not lines:
        return "", []
    headline, rest = lines[0], lines[1:]
    paragraphs: list[str] = []
    for line in rest:
        if paragraphs and not _SENTENCE_END.search(paragraphs[-1]) and line[0].islower():
            paragraphs[-1] = f"{paragraphs[-1]} {line}"
        else:
            paragraphs.append(line)
    return headline, paragraphs
