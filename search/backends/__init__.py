"""The seam between our search and the engine under it.

Two engines meet the same small interface: Whoosh (embedded, an index folder: the
default) and Typesense (a server or a Raft cluster, named by a URL). Everything a
reader sees — extraction, query rules, facets' meaning, snippets, and the
``Results``/``Hit``/``Article`` types — is ours and the same on both; a backend
only stores, matches, counts and ranks.

- :class:`SearchIndex` is the read side (what ``open_index`` returns).
- :class:`ArticleStore` is the write side the indexer uses for an engine other
  than Whoosh (add or replace an article by id with its content hash, delete by
  id, commit); Whoosh keeps its own writer in :mod:`search.indexer`.

A location of the form ``typesense://API_KEY@HOST:PORT[,HOST:PORT…]/COLLECTION``
selects Typesense; anything else is a folder and means Whoosh.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import quote, unquote

from search.errors import SearchError

if TYPE_CHECKING:
    from search.articles import Article
    from search.quotecheck import QuoteCheck
    from search.results import Hit, Results
    from search.snippets import Highlight

__all__ = [
    "ArticleStore",
    "SearchIndex",
    "TypesenseLocation",
    "open_backend",
    "typesense_location",
]

SCHEME = "typesense://"


@dataclass(frozen=True)
class TypesenseLocation:
    """Where a Typesense collection is: every node of the cluster (the client fails
    over between them), the API key and the collection's name."""

    api_key: str
    nodes: tuple[tuple[str, int], ...]
    collection: str

    def __str__(self) -> str:  # never print the key
        hosts = ",".join(f"{host}:{port}" for host, port in self.nodes)
        return f"typesense://…@{hosts}/{self.collection}"

    @property
    def url(self) -> str:
        """The location as it was given, key included: to hand back to build_index."""
        hosts = ",".join(f"{host}:{port}" for host, port in self.nodes)
        return f"{SCHEME}{quote(self.api_key, safe='')}@{hosts}/{self.collection}"


def typesense_location(location: str | Path) -> TypesenseLocation | None:
    """The Typesense collection a location names, or None for a folder."""
    text = str(location)
    if not text.startswith(SCHEME):
        return None
    rest = text[len(SCHEME) :]
    key, at, rest = rest.rpartition("@")
    hosts, slash, collection = rest.partition("/")
    nodes: list[tuple[str, int]] = []
    for part in filter(None, hosts.split(",")):
        host, colon, port = part.rpartition(":")
        if not colon or not host or not port.isdigit():
            nodes = []
            break
        nodes.append((host, int(port)))
    if not at or not key or not slash or not collection or "/" in collection or not nodes:
        raise SearchError(
            f"Cannot read the index location {text.split('@')[-1]!r}: write it as "
            "typesense://API_KEY@HOST:PORT[,HOST:PORT…]/COLLECTION, or give a folder"
        )
    return TypesenseLocation(unquote(key), tuple(nodes), collection)


class SearchIndex(Protocol):
    """An open index, whichever engine holds it. Safe to share between threads."""

    @property
    def index_location(self) -> str | Path:
        """Where the index is, as build_index and ``--index`` take it (a folder or a
        URL, key included: never print it)."""
        ...

    def warm(self) -> None:
        """Read ahead what every query needs, so the first readers do not wait."""
        ...

    def __enter__(self) -> SearchIndex: ...
    def __exit__(self, *exc: object) -> None: ...
    def close(self) -> None: ...
    def __len__(self) -> int: ...
    def search(
        self,
        query_text: str,
        *,
        page: int = 1,
        page_size: int = 10,
        explain: bool = False,
        filters: Mapping[str, Iterable[str]] | None = None,
        sort: str = "relevance",
        since: str | None = None,
        until: str | None = None,
        view: str = "articles",
    ) -> Results: ...
    def article(self, article_id: str) -> Article: ...
    def original(self, article_id: str) -> Article | None: ...
    def related(self, article_id: str, *, limit: int = 5) -> list[Hit]: ...
    def quoted(self, text: str, *, limit: int = 40) -> list[Article]: ...
    def check_quote(
        self, text: str, *, speaker: str | None = None, limit: int = 10
    ) -> QuoteCheck: ...
    def highlight(self, query_text: str) -> Highlight: ...


class ArticleStore(Protocol):
    """The write side of an engine, as the indexer drives it."""

    def indexed(self) -> dict[str, str]:
        """Article id → content hash (with corrections) of every article held."""
        ...

    def group_for(self, article_id: str, sketch: tuple[int, ...]) -> str:
        """The near-duplicate group a new or changed article joins."""
        ...

    def put(self, article: Article, content_hash: str, sketch: tuple[int, ...], group: str) -> None:
        """Add the article, or replace the one with its id."""
        ...

    def delete(self, article_id: str) -> None: ...

    def commit(self) -> None:
        """Make every put and delete visible and durable (acknowledged by the engine)."""
        ...

    def count(self, expected: int | None = None, *, wait: float = 10.0) -> int:
        """Articles held; given the count expected, wait up to ``wait`` s for replicas
        that have not applied the last writes yet to report it."""
        ...


def open_backend(location: str | Path) -> Any:
    """Open the index at ``location``: Typesense for a ``typesense://`` URL, else Whoosh."""
    remote = typesense_location(location)
    if remote is not None:
        from search.backends.typesense import TypesenseIndex

        return TypesenseIndex(remote)
    from search.backends.whoosh import Index

    return Index(location)
