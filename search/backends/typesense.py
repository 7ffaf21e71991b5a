"""The Typesense backend's read side: one collection per index, on a server or a Raft
cluster (its layout and writes: :mod:`.typesense_store`).

Queries are analysed as the text was (:mod:`.typesense_query`) and hits are built
from the stored article by our own code, exactly as on Whoosh. Typesense does
the matching, ranking, facet counts (disjunctive ones through one
``multi_search``), near-duplicate grouping (``group_by``) and typo-tolerant
spelling help; the client is given every node and fails over between them.
"""

from __future__ import annotations

import json
import math
import re
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import replace
from datetime import datetime
from typing import Any

from typesense import exceptions as ts_errors

from search.articles import Article
from search.backends import TypesenseLocation
from search.backends.typesense_query import (
    TEXT_FIELDS,
    TypesenseQuery,
    escape,
    parse,
    words_only,
)
from search.backends.typesense_store import (
    CONNECTION_ERRORS,
    client,
    date_key,
    doc_id,
    unreachable,
)
from search.errors import (
    ArticleNotFoundError,
    InvalidRequestError,
    NoIndexError,
)
from search.facets import FacetValue, clean_filters, shown
from search.hits import make_hit, quote_cards
from search.options import (
    FEW_RESULTS,
    LONG_QUERY_WORDS,
    MAX_PAGE_SIZE,
    MAX_QUERY_CHARS,
    QUOTE_ARTICLES,
    RELATED_TERMS,
    SORTS,
    UNDATED_NOTICE,
    VIEWS,
)
from search.queries import day, query_words
from search.quotecheck import QuoteCheck, check_quote
from search.results import Hit, Results
from search.schema import FACETS, text_analyzer
from search.snippets import Highlight
from search.spelling import edit_distance

#: A query whose words may be dropped (OR, long queries) keeps dropping until this many match.
_DROP_ALL = 1_000_000
_PER_PAGE_MAX = 250
#: Members of a near-duplicate group fetched with its first hit ("+N similar").
_GROUP_LIMIT = 4


class TypesenseIndex:
    """An open Typesense collection, meeting :class:`search.backends.SearchIndex`."""

    def __init__(self, location: TypesenseLocation) -> None:
        self.location = location
        self._client = client(location)
        self._collection = self._client.collections[location.collection]
        try:
            self._collection.retrieve()
        except ts_errors.ObjectNotFound as error:
            raise NoIndexError(str(location)) from error
        except CONNECTION_ERRORS as error:
            raise unreachable(location, error) from error

    @property
    def index_location(self) -> str:
        return self.location.url

    def warm(self) -> None:
        """Nothing to read ahead: the server holds the index."""

    def __enter__(self) -> TypesenseIndex:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Nothing to release: the client opens a connection per request."""

    def __len__(self) -> int:
        return int(self._request(self._collection.retrieve)["num_documents"])

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
    ) -> Results:
        """As :meth:`search.backends.whoosh.Index.search`; ``explain`` gives nothing here
        (Typesense does not split its score by field) and nothing is cached."""
        chosen = clean_filters(filters)
        if sort not in SORTS:
            raise InvalidRequestError(f"sort must be one of {', '.join(SORTS)}, not {sort!r}")
        if view not in VIEWS:
            raise InvalidRequestError(f"view must be one of {', '.join(VIEWS)}, not {view!r}")
        dates = (day(since, "since"), day(until, "until", end=True))
        page = max(1, int(page))
        page_size = min(max(1, int(page_size)), MAX_PAGE_SIZE)
        started = time.perf_counter()
        results = self._search(query_text, page, page_size, chosen, sort, dates, started)
        if view == "quotes":
            articles = self._search(query_text, 1, QUOTE_ARTICLES, chosen, sort, dates, started)
            terms = self.highlight(query_text)
            parsed = self._parse(" ".join(query_text.split())[:MAX_QUERY_CHARS])
            speakers = parsed.speaker_words if parsed else frozenset()
            cards = [
                card
                for hit in articles.hits
                for card in quote_cards(self.article(hit.id), terms, speakers)
            ]
            offset = (page - 1) * page_size
            results = replace(
                results,
                view="quotes",
                quotes=cards[offset : offset + page_size],
                quotes_total=len(cards),
            )
        return results

    def _search(
        self,
        query_text: str,
        page: int,
        page_size: int,
        filters: dict[str, list[str]],
        sort: str,
        dates: tuple[datetime | None, datetime | None],
        started: float,
    ) -> Results:
        text, notice = query_words(query_text)
        parsed = self._parse(text)
        empty = Results(
            query=query_text,
            total=0,
            page=page,
            page_size=page_size,
            elapsed=0.0,
            hits=[],
            filters=filters,
            sort=sort,
        )
        if parsed is None:
            return replace(
                empty,
                elapsed=time.perf_counter() - started,
                notice="Type some words to search for."
                if not text
                else "Nothing to search for: the query holds only very common words or symbols.",
            )
        base = list(parsed.filters)
        if dates != (None, None) or sort == "newest":
            if not self._any_dated():
                dates, sort = (None, None), "relevance"
                notice = " ".join(filter(None, [notice, UNDATED_NOTICE]))
            elif dates != (None, None):
                low = date_key(dates[0]) if dates[0] else 1
                high = date_key(dates[1]) if dates[1] else 99_991_231_235_959
                base.append(f"date:[{low}..{high}]")
        chosen = {
            name: f"{FACETS[name]}:=[{','.join(escape(v) for v in values)}]"
            for name, values in filters.items()
        }
        searches = [
            self._params(parsed, [*base, *chosen.values()], sort, page, page_size, facets=True)
        ]
        # Disjunctive counts: a selected facet is counted over the results filtered by
        # the other facets' selections only, in the same round trip.
        for name in chosen:
            others = [clause for other, clause in chosen.items() if other != name]
            searches.append(
                {
                    **self._params(parsed, [*base, *others], sort, 1, 1, facets=False),
                    "facet_by": FACETS[name],
                    "max_facet_values": 100,
                    "group_by": "",
                }
            )
        answers = self._multi(searches)
        main = answers[0]
        total = int(main.get("found", 0))
        facets = _facets(main, answers[1:], filters)
        histogram = {
            value.value: value.count
            for value in sorted(_counts(main, "year"), key=lambda v: v.value)
        }
        terms = parsed.highlight(text)
        offset = (page - 1) * page_size
        # During a leader's failover a node answered a group with no hits in it (seen
        # in tests/test_typesense_cluster.py).
        groups = [group for group in main.get("grouped_hits", []) if group.get("hits")]
        hits = [
            self._hit(group, offset + rank, terms, parsed) for rank, group in enumerate(groups, 1)
        ]
        more_hits: list[Hit] = []
        more_total = 0
        if not parsed.any_word and not parsed.everything and len(parsed.stems) > 1:
            room = page_size - len(hits) if offset + page_size >= total else 0
            more_hits, more_total = self._some_words(parsed, [*base, *chosen.values()], total, room)
        suggestion = self._suggest(text, total) if total < FEW_RESULTS else None
        if parsed.words and " ".join(parsed.words) != text:
            read_as = (
                "Your query could not be read as search syntax, "
                f"so we searched for its words: {' '.join(parsed.words)}"
            )
            notice = " ".join(filter(None, [read_as, notice]))
        return replace(
            empty,
            total=total,
            elapsed=time.perf_counter() - started,
            hits=hits,
            interpreted=" ".join(parsed.words) if parsed.words else None,
            notice=notice,
            suggestion=suggestion,
            also_matched=list(dict.fromkeys(n for hit in hits for n in hit.also_matched)),
            facets=facets,
            histogram=histogram,
            more_hits=more_hits,
            more_total=more_total,
        )

    def _some_words(
        self, parsed: TypesenseQuery, filters: list[str], total: int, room: int
    ) -> tuple[list[Hit], int]:
        """(the first ``room`` articles holding only some of the words, how many there
        are): Typesense drops words from the query until enough match."""
        loose = replace(parsed, any_word=True)
        per_page = min(_PER_PAGE_MAX, total + room) if room else 0
        params = self._params(loose, filters, "relevance", 1, per_page, facets=False)
        answer = self._multi([{**params, "group_by": ""}])[0]
        rest = [h for h in answer.get("hits", []) if not _holds_all(h, parsed)]
        terms = parsed.highlight(" ".join(parsed.stems))
        hits = [
            self._hit({"hits": [h]}, rank, terms, parsed) for rank, h in enumerate(rest[:room], 1)
        ]
        return hits, max(0, int(answer.get("found", 0)) - total)

    def _params(
        self,
        parsed: TypesenseQuery,
        filters: list[str],
        sort: str,
        page: int,
        per_page: int,
        *,
        facets: bool = True,
    ) -> dict[str, Any]:
        fields = list(parsed.query_by)
        params: dict[str, Any] = {
            "collection": self.location.collection,
            "q": parsed.q,
            "query_by": ",".join(fields),
            "query_by_weights": ",".join(str(parsed.query_by[f]) for f in fields),
            "prefix": ",".join("true" if parsed.prefix else "false" for _ in fields),
            "num_typos": ",".join(str(parsed.num_typos) for _ in fields),
            "typo_tokens_threshold": 1 if parsed.num_typos else 0,
            "drop_tokens_threshold": _DROP_ALL if parsed.any_word else 0,
            "page": page,
            "per_page": per_page,
            "group_by": "dupe_group",
            "group_limit": _GROUP_LIMIT,
            "highlight_fields": ",".join(fields),
            "highlight_full_fields": "",
            "snippet_threshold": 0,
            "exclude_fields": ",".join([*TEXT_FIELDS, "dupe_keys", "sketch"]),
        }
        if facets:
            params["facet_by"] = ",".join(FACETS.values())
            params["max_facet_values"] = 100
        if filters:
            params["filter_by"] = " && ".join(f"({clause})" for clause in filters)
        if sort == "newest":
            params["sort_by"] = "date:desc,_text_match:desc"
        elif parsed.everything:
            params["sort_by"] = "seq:asc"
        return params

    def _hit(
        self, group: dict[str, Any], rank: int, terms: Highlight, parsed: TypesenseQuery
    ) -> Hit:
        first, *copies = group["hits"]
        matched = {
            token.lower()
            for found in first.get("highlights", [])
            for token in found.get("matched_tokens", [])
            if isinstance(token, str)
        }
        # The words Typesense matched (a prefix's or a typo's words too), marked by our snippets.
        matched -= parsed.phrase_words
        marked = replace(terms, words=terms.words | matched) if not parsed.everything else terms
        article = _article(first["document"])
        hit = make_hit(
            article,
            float(first.get("text_match") or 0),
            marked,
            rank,
            None,
            parsed.place_words,
            parsed.speaker_words,
        )
        others = [_article(h["document"]) for h in copies]
        return replace(
            hit,
            similar=[doc.id for doc in others],
            similar_headlines=[doc.headline for doc in others],
        )

    def article(self, article_id: str) -> Article:
        try:
            doc = self._request(self._collection.documents[doc_id(article_id)].retrieve)
        except ts_errors.ObjectNotFound:
            raise ArticleNotFoundError(article_id) from None
        return _article(doc)

    def original(self, article_id: str) -> Article | None:
        try:
            doc = self._request(self._collection.documents[doc_id(article_id)].retrieve)
        except ts_errors.ObjectNotFound:
            raise ArticleNotFoundError(article_id) from None
        first = self._multi(
            [
                {
                    "collection": self.location.collection,
                    "q": "*",
                    "filter_by": f"dupe_group:={escape(doc['dupe_group'])}",
                    "sort_by": "seq:asc",
                    "per_page": 1,
                }
            ]
        )[0].get("hits", [])
        if not first or first[0]["document"]["article_id"] == article_id:
            return None
        return _article(first[0]["document"])

    def related(self, article_id: str, *, limit: int = 5) -> list[Hit]:
        """Articles sharing this one's distinctive body words, each word counting by its
        rarity (log N/n), as "more like this" does; copies of it are left out."""
        source = self.article(article_id)
        stems = Counter(token.text for token in text_analyzer()(source.body) if len(token.text) > 2)
        words = [word for word, _ in stems.most_common(RELATED_TERMS * 2)][:RELATED_TERMS]
        if not words:
            return []
        me = self._request(self._collection.documents[doc_id(article_id)].retrieve)
        size = len(self)
        answers = self._multi(
            [
                {
                    "collection": self.location.collection,
                    "q": word,
                    "query_by": "body_t",
                    "num_typos": 0,
                    "prefix": "false",
                    "per_page": 50,
                    "filter_by": f"dupe_group:!={escape(me['dupe_group'])}",
                    "include_fields": "article_id",
                }
                for word in words
            ]
        )
        scores: dict[str, float] = defaultdict(float)
        for word, answer in zip(words, answers, strict=True):
            found = int(answer.get("found", 0))
            if not found:
                continue
            weight = math.log((size + 1) / found) * stems[word]
            for hit in answer.get("hits", []):
                scores[hit["document"]["article_id"]] += weight
        return [
            make_hit(self.article(other), score, Highlight(), rank, None, frozenset(), frozenset())
            for rank, (other, score) in enumerate(
                sorted(scores.items(), key=lambda item: -item[1])[:limit], 1
            )
        ]

    def quoted(self, text: str, *, limit: int = 40) -> list[Article]:
        """Articles whose quotes hold the most words of ``text`` (any of them)."""
        words = list(dict.fromkeys(token.text for token in text_analyzer()(text)))
        if not words:
            return []
        answer = self._multi(
            [
                {
                    "collection": self.location.collection,
                    "q": " ".join(words),
                    "query_by": "quotes_t",
                    "num_typos": 0,
                    "prefix": "false",
                    "drop_tokens_threshold": _DROP_ALL,
                    "per_page": min(limit, _PER_PAGE_MAX),
                    "exclude_fields": ",".join([*TEXT_FIELDS, "dupe_keys", "sketch"]),
                }
            ]
        )[0]
        return [_article(hit["document"]) for hit in answer.get("hits", [])]

    def check_quote(self, text: str, *, speaker: str | None = None, limit: int = 10) -> QuoteCheck:
        return check_quote(self, text, speaker=speaker, limit=limit)

    def highlight(self, query_text: str) -> Highlight:
        parsed = self._parse(" ".join(query_text.split())[:MAX_QUERY_CHARS])
        return parsed.highlight(query_text) if parsed else Highlight()

    def _parse(self, text: str) -> TypesenseQuery | None:
        parsed = parse(text, long_query_words=LONG_QUERY_WORDS) if text else None
        if parsed is None and text:
            return words_only(text, long_query_words=LONG_QUERY_WORDS)
        return parsed

    def _suggest(self, text: str, matched: int) -> str | None:
        """Misspelt words replaced by the words Typesense's typo tolerance finds in the
        index, as the articles write them, if the corrected query finds more."""
        corrected = text
        for word in dict.fromkeys(re.findall(r"(?<![\w:])[^\W\d_]{4,}(?![\w*?:])", text)):
            stems = [t.text for t in text_analyzer()(word)]
            if not stems:
                continue
            exact, fuzzy = self._multi(
                [
                    self._params(TypesenseQuery(q=stems[0]), [], "relevance", 1, 0, facets=False),
                    {
                        **self._params(
                            TypesenseQuery(q=stems[0], num_typos=2),
                            [],
                            "relevance",
                            1,
                            3,
                            facets=False,
                        ),
                        "group_by": "",
                    },
                ]
            )
            if int(exact.get("found", 0)) or not fuzzy.get("hits"):
                continue
            best = _written(fuzzy["hits"][0], word)
            if best is not None:
                corrected = re.sub(rf"\b{re.escape(word)}\b", best, corrected)
        if corrected == text:
            return None
        again = self._parse(corrected)
        if again is None:
            return None
        params = self._params(again, again.filters, "relevance", 1, 0, facets=False)
        found = int(self._multi([{**params, "group_by": ""}])[0].get("found", 0))
        return corrected if found > matched else None

    def _any_dated(self) -> bool:
        answer = self._multi(
            [{"collection": self.location.collection, "q": "*", "filter_by": "date:>0"}]
        )[0]
        return int(answer.get("found", 0)) > 0

    def _multi(self, searches: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Run searches in one round trip; a refused one raises InvalidRequestError."""
        answer = self._request(self._client.multi_search.perform, {"searches": searches}, {})
        results: list[dict[str, Any]] = answer["results"]
        for result in results:
            if "error" in result:
                raise InvalidRequestError(f"Typesense refused the search: {result['error']}")
        return results

    def _request(self, call: Any, *args: Any) -> Any:
        try:
            return call(*args)
        except ts_errors.ObjectNotFound:
            raise
        except CONNECTION_ERRORS as error:
            if isinstance(error, ts_errors.RequestMalformed):
                raise InvalidRequestError(str(error)) from error
            raise unreachable(self.location, error) from error


def _holds_all(hit: dict[str, Any], parsed: TypesenseQuery) -> bool:
    matched = {
        token.lower()
        for found in hit.get("highlights", [])
        for token in found.get("matched_tokens", [])
        if isinstance(token, str)
    }
    return all(stem in matched for stem in [*parsed.stems, *parsed.phrase_words])


def _article(doc: dict[str, Any]) -> Article:
    return Article.from_dict(json.loads(doc["article"]))


def _written(hit: dict[str, Any], word: str) -> str | None:
    """The word of the hit's article nearest to ``word``, as the article writes it."""
    matched = {
        token.lower()
        for found in hit.get("highlights", [])
        for token in found.get("matched_tokens", [])
        if isinstance(token, str)
    }
    article = _article(hit["document"])
    text = " ".join([article.headline, article.body, *article.speakers])
    candidates = {
        str(text[t.startchar : t.endchar]).lower()
        for t in text_analyzer()(text, chars=True, removestops=False)
        if t.text in matched
    }
    scored = sorted((edit_distance(word.lower(), c), c) for c in candidates)
    limit = max(1, len(word) // 4)
    return next((c for d, c in scored if 0 < d <= limit), None)


def _counts(answer: dict[str, Any], name: str) -> list[FacetValue]:
    for facet in answer.get("facet_counts", []):
        if facet["field_name"] == FACETS[name]:
            return [FacetValue(c["value"], int(c["count"])) for c in facet["counts"]]
    return []


def _facets(
    main: dict[str, Any], disjunctive: list[dict[str, Any]], filters: dict[str, list[str]]
) -> dict[str, list[FacetValue]]:
    """Facet values as Whoosh's backend shows them: the SHOWN most common, the selected
    ones always (with their count, 0 if none), years newest first."""
    own = dict(zip(list(filters), disjunctive, strict=True))
    facets: dict[str, list[FacetValue]] = {}
    for name in FACETS:
        tally = {v.value: v.count for v in _counts(own.get(name, main), name)}
        facets[name] = shown(name, tally, set(filters.get(name, ())))
    return facets
