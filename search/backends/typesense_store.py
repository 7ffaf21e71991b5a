"""The Typesense backend's write side and layout: the collection's schema, the client
(given every node of the cluster), the document for an article, and the store the
indexer drives (:class:`search.backends.ArticleStore`).

Typesense (0.24) has no stemming, so each text field is stored as our analyser's
terms (``*_t``); the article itself is stored as JSON beside them, so hits,
snippets and the article page are built by our own code exactly as on Whoosh.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import time
from collections import Counter
from datetime import datetime
from typing import Any

import httpx
import typesense
from typesense import exceptions as ts_errors

from search.articles import Article
from search.backends import TypesenseLocation
from search.backends.typesense_query import TEXT_FIELDS, escape
from search.duplicates import MIN_SHARED, THRESHOLD, keys, resemblance
from search.errors import IndexWriteError, SearchError
from search.schema import FACETS, name_analyzer, text_analyzer

_BATCH = 200
#: What a request to a cluster can raise: Typesense's answers, and (client 2.x, on httpx)
#: a node that does not answer at all once every node has been tried.
CONNECTION_ERRORS = (ts_errors.TypesenseClientError, httpx.HTTPError, OSError)

#: The collection's fields. ``article`` (the extracted Article as JSON) and ``sketch``
#: are stored without being indexed: Typesense keeps fields the schema does not name.
SCHEMA_FIELDS: list[dict[str, Any]] = [
    {"name": "article_id", "type": "string"},
    {"name": "content_hash", "type": "string", "optional": True},
    *({"name": name, "type": "string"} for name in TEXT_FIELDS),
    {"name": "speaker_k", "type": "string[]", "optional": True},
    {"name": "outlet_k", "type": "string[]", "optional": True},
    {"name": "author_k", "type": "string[]", "optional": True},
    {"name": "place_k", "type": "string[]", "optional": True},
    {"name": "country_k", "type": "string[]", "optional": True},
    *(
        {"name": field, "type": "string[]", "facet": True, "optional": True}
        for field in FACETS.values()
    ),
    # YYYYMMDDhhmmss, 0 when undated: sorts and ranges like the date, undated last.
    {"name": "date", "type": "int64", "sort": True},
    {"name": "dupe_group", "type": "string", "facet": True},
    {"name": "dupe_keys", "type": "string[]", "optional": True},
    # When the article was first put: the earliest of a group of copies stands for it.
    {"name": "seq", "type": "int64", "sort": True},
]


def client(location: TypesenseLocation, *, timeout: float = 2.0, retries: int = 3) -> Any:
    """A client that knows every node: a request to a node that is down or not the
    leader's equal is retried on the next one."""
    config: Any = {
        "api_key": location.api_key,
        "nodes": [
            {"host": host, "port": str(port), "protocol": "http"} for host, port in location.nodes
        ],
        "connection_timeout_seconds": timeout,
        "num_retries": max(retries, len(location.nodes)),
        "retry_interval_seconds": 0.1,
        "healthcheck_interval_seconds": 2,
    }
    return typesense.Client(config)


def doc_id(article_id: str) -> str:
    """Typesense's id for an article: ours hold slashes, which its URLs cannot."""
    return hashlib.sha1(article_id.encode("utf-8")).hexdigest()


def unreachable(location: TypesenseLocation, error: Exception) -> SearchError:
    return SearchError(
        f"Cannot reach Typesense at {location} ({type(error).__name__}: {error}): "
        "check the servers are up and the API key is right"
    )


#: How long the store retries a write a cluster refuses for a while (an election,
#: a lagging follower): upserts and deletes by id are safe to repeat.
_WRITE_PATIENCE = 30.0


def _patiently(call: Any, *args: Any) -> Any:
    """``call(*args)``, retried while the cluster answers with a transient error."""
    deadline = time.monotonic() + _WRITE_PATIENCE
    while True:
        try:
            return call(*args)
        except (
            ts_errors.ObjectNotFound,
            ts_errors.RequestMalformed,
            ts_errors.RequestUnauthorized,
        ):
            raise
        except CONNECTION_ERRORS:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.25)


class TypesenseStore:
    """The write side: puts and deletes articles in the collection, in batches.

    Every write Typesense acknowledges is replicated to a quorum and kept; there is
    no all-or-nothing commit across a run as on Whoosh (a run stopped half way has
    written half its articles, and the next run finishes the job)."""

    def __init__(self, location: TypesenseLocation, *, rebuild: bool = False) -> None:
        self.location = location
        self._client = client(location, timeout=10.0)
        self._collection = self._client.collections[location.collection]
        self._pending: list[dict[str, Any]] = []
        self._this_run: dict[str, list[tuple[str, tuple[int, ...], str]]] = {}
        self.rebuilt: str | None = None
        # A follower may not have applied the collection's creation yet when asked
        # next (reads go to any node): a new collection is known to be empty.
        self._created = False
        try:
            if rebuild:
                with contextlib.suppress(ts_errors.ObjectNotFound):
                    self._collection.delete()
                self.rebuilt = "rebuilt as asked"
            try:
                self._collection.retrieve()
            except ts_errors.ObjectNotFound:
                self._client.collections.create(
                    {"name": location.collection, "fields": SCHEMA_FIELDS}
                )
                self._created = True
        except CONNECTION_ERRORS as error:
            if isinstance(error, ts_errors.ObjectAlreadyExists):
                return  # another indexer created it first
            raise unreachable(location, error) from error

    def indexed(self) -> dict[str, str]:
        if self._created:
            return {}
        lines = _patiently(
            self._collection.documents.export, {"include_fields": "article_id,content_hash"}
        )
        found = {}
        for line in filter(None, lines.splitlines()):
            doc = json.loads(line)
            found[doc["article_id"]] = doc.get("content_hash", "")
        return found

    def group_for(self, article_id: str, sketch: tuple[int, ...]) -> str:
        """The group of the indexed or just-put article it resembles most, else its own."""
        terms = keys(sketch)
        if not terms:
            return article_id
        shared: Counter[str] = Counter()
        others: dict[str, tuple[tuple[int, ...], str]] = {}
        try:
            found = _patiently(
                self._collection.documents.search,
                {
                    "q": "*",
                    "filter_by": f"dupe_keys:=[{','.join(escape(t) for t in terms)}]",
                    "per_page": 50,
                    "include_fields": "article_id,sketch,dupe_group,dupe_keys",
                },
            )
        except ts_errors.ObjectNotFound:
            if not self._created:
                raise
            found = {"hits": []}  # a follower still catching up with the new collection
        for hit in found["hits"]:
            doc = hit["document"]
            if doc["article_id"] == article_id:
                continue  # its own previous version
            shared[doc["article_id"]] += len(set(terms) & set(doc.get("dupe_keys", ())))
            others[doc["article_id"]] = (tuple(doc.get("sketch") or ()), doc["dupe_group"])
        for term in terms:
            for other_id, values, group in self._this_run.get(term, ()):
                shared[other_id] += 1
                others[other_id] = (values, group)
        best: tuple[float, str] | None = None
        for other_id, count in shared.items():
            if count < MIN_SHARED:
                continue
            values, group = others[other_id]
            score = resemblance(sketch, values)
            if score >= THRESHOLD and (best is None or score > best[0]):
                best = (score, group)
        group = best[1] if best else article_id
        for term in terms:
            self._this_run.setdefault(term, []).append((article_id, sketch, group))
        return group

    def put(self, article: Article, content_hash: str, sketch: tuple[int, ...], group: str) -> None:
        self._pending.append(document(article, content_hash, sketch, group))
        if len(self._pending) >= _BATCH:
            self._flush()

    def delete(self, article_id: str) -> None:
        self._flush()
        with contextlib.suppress(ts_errors.ObjectNotFound):
            _patiently(self._collection.documents[doc_id(article_id)].delete)

    def commit(self) -> None:
        self._flush()

    def count(self, expected: int | None = None, *, wait: float = 10.0) -> int:
        """Articles in the collection. Reads may go to a follower that has not applied
        the last writes yet: given the count expected, wait up to ``wait`` s for it."""
        deadline = time.monotonic() + wait
        while True:
            found = int(_patiently(self._collection.retrieve)["num_documents"])
            if expected is None or found == expected or time.monotonic() > deadline:
                return found
            time.sleep(0.1)

    def _flush(self) -> None:
        if not self._pending:
            return
        batch, self._pending = self._pending, []
        answers = _patiently(self._collection.documents.import_, batch, {"action": "upsert"})
        failed = [a for a in answers if not a.get("success")]
        if failed:
            raise IndexWriteError(
                f"Typesense refused {len(failed)} of {len(batch)} articles "
                f"({failed[0].get('error')}): the others are written; fix the cause and "
                "run the same command again"
            )


def document(
    article: Article, content_hash: str, sketch: tuple[int, ...], group: str
) -> dict[str, Any]:
    """The collection's document for one article."""
    from search.indexer import document as fields_of  # the Whoosh fields, as text

    fields = fields_of(article)
    # Every spelling of every place, from the article itself (not the Whoosh field,
    # whose layout is Whoosh's business).
    names = "\n".join(
        dict.fromkeys(
            name
            for place in article.locations
            for name in (place.name, place.canonical, *place.alternate_names)
        )
    )

    def stems(text: str) -> str:
        return " ".join(token.text for token in text_analyzer()(text))

    def words(text: str) -> list[str]:
        return list(dict.fromkeys(token.text for token in name_analyzer()(text)))

    def listed(value: str) -> list[str]:
        return [v for v in value.split(",") if v]

    date = fields.get("date")
    return {
        "id": doc_id(article.id),
        "article_id": article.id,
        "content_hash": content_hash,
        "headline_t": stems(article.headline),
        "body_t": stems(article.body),
        "quotes_t": stems(fields["quotes"]),
        # Place names analysed as text, so a query's (stemmed) words meet them.
        "locations_t": stems(names),
        "speaker_k": words(fields["speaker"]),
        "outlet_k": words(fields["outlet"]),
        "author_k": words(fields["author"]),
        "place_k": [v.lower() for v in listed(fields["place"])],
        "country_k": [v.lower() for v in listed(fields["country"])],
        **{field: listed(fields[field]) for field in FACETS.values()},
        "date": date_key(date) if isinstance(date, datetime) else 0,
        "dupe_group": group,
        "dupe_keys": keys(sketch),
        "sketch": list(sketch),
        "seq": time.time_ns(),
        "article": fields["article"],
    }


def date_key(when: datetime) -> int:
    return int(when.strftime("%Y%m%d%H%M%S"))
