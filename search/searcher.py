"""Queries, ranking and paging over an open index, returning our own types.

Ranking is BM25F over headline (weighted most), body, quotes, places and
speakers, in two tiers: articles holding every word of the query come first,
then articles holding only some of them. A query in Whoosh's syntax (phrases,
AND/OR/NOT, ``field:term``, ``prefix*``) is run as written; one that cannot
be parsed is run as its plain words, with a notice, never an error.
"""

from __future__ import annotations

import functools
import pickle
import re
import struct
import threading
import time
import zlib
from collections import Counter, OrderedDict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

from search.articles import Article
from search.engine import EmptyIndexError, index, qparser, query
from search.errors import (
    ArticleNotFoundError,
    CorruptIndexError,
    InvalidRequestError,
    NoIndexError,
    SearchError,
)
from search.facets import (
    Postings,
    allowed,
    clean_filters,
    filter_query,
    hidden_copies,
    read_postings,
)
from search.facets import count as count_facets
from search.hits import (
    explain_scores,
    field_words,
    highlight_for,
    load_stored,
    make_hit,
)
from search.queries import all_of, date_range, day, parser, tame, usable
from search.results import Hit, Results
from search.schema import schema_is_current, text_analyzer
from search.snippets import Highlight
from search.spelling import SPELLING_FIELDS, closest, count_docs

MAX_QUERY_CHARS = 500
_CACHE_SIZE = 512
_TERM_CACHE_SIZE = 4096
_RELATED_TERMS = 20
#: Queries finding fewer articles than this get a spelling suggestion, if one finds more.
_FEW = 3
MAX_PAGE_SIZE = 100
_OPERATORS = re.compile(r"\b(AND|OR|NOT|ANDNOT|ANDMAYBE)\b")


_DAMAGE = (EOFError, OSError, zlib.error, struct.error, pickle.UnpicklingError)
Method = TypeVar("Method", bound=Callable[..., Any])


def _reads_index(method: Method) -> Method:
    """Turn the errors of a damaged index file (a truncated segment is only noticed
    when read) into CorruptIndexError, which says to rebuild."""

    @functools.wraps(method)
    def wrapper(self: Index, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except _DAMAGE as error:
            raise CorruptIndexError(str(self.index_dir), repr(error)) from error

    return wrapper  # type: ignore[return-value]


class Index:
    """An open index. Safe to share between threads; follows new commits on disk.

    Use as a context manager, or call :meth:`close`, to release file handles.
    """

    def __init__(self, index_dir: str | Path) -> None:
        self.index_dir = Path(index_dir)
        if not index.exists_in(str(self.index_dir)):
            raise NoIndexError(str(self.index_dir))
        if not schema_is_current(self.index_dir):
            raise SearchError(
                f"The index at {self.index_dir} was built by an older version: "
                f"run `python -m search index SEEDS_DIR --index {self.index_dir}` to rebuild it"
            )
        try:
            self._ix = index.open_dir(str(self.index_dir))
        except (EmptyIndexError, EOFError, OSError, ValueError) as error:
            raise CorruptIndexError(str(self.index_dir), str(error)) from error
        self._local = threading.local()
        self._cache: OrderedDict[tuple[Any, ...], Results] = OrderedDict()
        self._facet_postings: tuple[Any, Postings] | None = None
        self._term_docs: OrderedDict[tuple[Any, str, str], frozenset[int]] = OrderedDict()
        self._docs: OrderedDict[tuple[Any, int], Article] = OrderedDict()
        self._open: list[Any] = []
        self._lock = threading.Lock()
        schema = self._ix.schema
        self._parsers = {
            group: parser(schema, group) for group in (qparser.AndGroup, qparser.OrGroup)
        }

    def __enter__(self) -> Index:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        with self._lock:
            for searcher in self._open:
                searcher.close()
            self._open.clear()

    @_reads_index
    def __len__(self) -> int:
        return int(self._searcher().doc_count())

    @_reads_index
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
    ) -> Results:
        """Run a query and return one page of ranked, highlighted hits, with facets.

        ``filters`` maps a facet ("country", "speaker", "outlet", "year") to the
        values to keep: OR within a facet, AND across facets. ``sort`` is
        "relevance" or "newest"; ``since``/``until`` ("2005", "2005-03",
        "2005-03-14") keep articles dated in that range. ``explain`` adds each
        hit's score per field. Recent results are cached per index generation, so
        a repeated query is answered from memory until the index on disk changes.
        """
        chosen = clean_filters(filters)
        if sort not in SORTS:
            raise InvalidRequestError(f"sort must be one of {', '.join(SORTS)}, not {sort!r}")
        dates = (day(since, "since"), day(until, "until", end=True))
        started = time.perf_counter()
        page = max(1, int(page))
        page_size = min(max(1, int(page_size)), MAX_PAGE_SIZE)
        key = (
            self._searcher().reader().generation(),
            query_text,
            page,
            page_size,
            explain,
            tuple((name, tuple(values)) for name, values in chosen.items()),
            sort,
            dates,
        )
        with self._lock:
            cached = self._cache.get(key)
            if cached is not None:
                self._cache.move_to_end(key)
        if cached is not None:
            return replace(cached, elapsed=time.perf_counter() - started, cached=True)
        results = self._search(query_text, page, page_size, explain, chosen, sort, dates, started)
        with self._lock:
            self._cache[key] = results
            while len(self._cache) > _CACHE_SIZE:
                self._cache.popitem(last=False)
        return results

    def _search(
        self,
        query_text: str,
        page: int,
        page_size: int,
        explain: bool,
        filters: dict[str, list[str]],
        sort: str,
        dates: tuple[datetime | None, datetime | None],
        started: float,
    ) -> Results:
        text = " ".join(query_text.split())
        notice = None
        if len(text) > MAX_QUERY_CHARS:
            text = text[:MAX_QUERY_CHARS]
            notice = f"The query was cut to its first {MAX_QUERY_CHARS} characters."
        parsed = self._parse(text)
        if parsed is None:
            return Results(
                query=query_text,
                total=0,
                page=page,
                page_size=page_size,
                elapsed=time.perf_counter() - started,
                hits=[],
                filters=filters,
                notice="Type some words to search for."
                if not text
                else "Nothing to search for: the query holds only very common words or symbols.",
            )
        all_words, any_words, fallback = parsed
        searcher = self._searcher()
        postings = self._postings(searcher)
        matching = self._matching(searcher, any_words)
        in_range = date_range(*dates)
        if in_range is not None:
            matching &= frozenset(searcher.docs_for_query(in_range))
        copies = hidden_copies(postings, matching)
        matching -= copies
        visible = matching & allowed(postings, filters) if filters else matching
        only = all_of(filter_query(filters), in_range)
        offset = (page - 1) * page_size
        if sort == "newest":
            found = _newest(searcher, any_words, offset, page_size, only, copies)
            total = matched_all = len(visible)
        else:
            found, total, matched_all = _collect(
                searcher, all_words, any_words, offset, page_size, only, visible, copies
            )
        facets = count_facets(postings, matching, filters)
        histogram = _histogram(postings, visible)
        terms = highlight_for(searcher, any_words)
        place_words = field_words(any_words, "locations")
        speaker_words = field_words(any_words, "speaker")
        hits = [
            replace(
                make_hit(
                    self._stored(searcher, h.docnum),
                    h.score,
                    terms,
                    (page - 1) * page_size + i + 1,
                    explain_scores(searcher, any_words, h.docnum) if explain else None,
                    place_words,
                    speaker_words,
                ),
                similar=sorted(
                    searcher.stored_fields(d)["id"]
                    for d in postings.copies.get(h.docnum, frozenset()) & copies
                ),
            )
            for i, h in enumerate(found)
        ]
        # "Finds little": few articles, or none holding every word ("kherzon protests").
        few = matched_all < _FEW
        suggestion = self._suggest(searcher, text, matched_all) if few else None
        if fallback:
            notice = (
                "Your query could not be read as search syntax, "
                f"so we searched for its words: {fallback}"
            )
        return Results(
            query=query_text,
            total=total,
            page=page,
            page_size=page_size,
            elapsed=time.perf_counter() - started,
            hits=hits,
            interpreted=fallback,
            notice=notice,
            suggestion=suggestion,
            also_matched=list(dict.fromkeys(name for hit in hits for name in hit.also_matched)),
            facets=facets,
            filters=filters,
            sort=sort,
            histogram=histogram,
        )

    @_reads_index
    def article(self, article_id: str) -> Article:
        """The stored article with this id."""
        searcher = self._searcher()
        docnum = searcher.document_number(id=article_id)
        if docnum is None:
            raise ArticleNotFoundError(article_id)
        return self._stored(searcher, docnum)

    @_reads_index
    def related(self, article_id: str, *, limit: int = 5) -> list[Hit]:
        """Articles most like this one ("more like this"), by the body's distinctive words."""
        searcher = self._searcher()
        docnum = searcher.document_number(id=article_id)
        if docnum is None:
            raise ArticleNotFoundError(article_id)
        # Whoosh's default of 5 terms often finds nothing on real text.
        similar = searcher.more_like(docnum, "body", numterms=_RELATED_TERMS, top=limit * 3)
        copies = self._postings(searcher).copies
        shown: list[Any] = []
        for hit in similar:
            taken = {docnum, *(h.docnum for h in shown)}
            if not taken & (copies.get(hit.docnum, frozenset()) | {hit.docnum}):
                shown.append(hit)  # not the article again, nor a copy of one listed
        return [
            make_hit(
                self._stored(searcher, hit.docnum),
                hit.score,
                Highlight(),
                rank,
                None,
                frozenset(),
                frozenset(),
            )
            for rank, hit in enumerate(shown[:limit], 1)
        ]

    @_reads_index
    def highlight(self, query_text: str) -> Highlight:
        """What highlighting marks for a query: its words (prefixes expanded) and phrases."""
        parsed = self._parse(" ".join(query_text.split())[:MAX_QUERY_CHARS])
        return highlight_for(self._searcher(), parsed[1]) if parsed else Highlight()

    def _suggest(self, searcher: Any, text: str, matched_all: int) -> str | None:
        """The query with misspelt words replaced by the index's own words, if that
        finds more. Words with digits are never changed: "2005" is not a typo of "2004"."""
        reader = searcher.reader()
        corrected = text
        for word in dict.fromkeys(re.findall(r"(?<![\w:])[^\W\d_]{4,}(?![\w*?:])", text)):
            stems = [t.text for t in text_analyzer()(word)]
            if not stems or any((f, stems[0]) in reader for f in SPELLING_FIELDS):
                continue  # a stop word, or a word the index knows
            best = closest(searcher, word, stems[0])
            if best is not None:
                corrected = re.sub(rf"\b{re.escape(word)}\b", best, corrected)
        if corrected == text:
            return None
        parsed = self._parse(corrected)
        if parsed is None or count_docs(searcher, parsed[0]) <= matched_all:
            return None
        return corrected

    def _matching(self, searcher: Any, q: Any) -> frozenset[int]:
        """Every document a query matches. A query of plain terms (most are) is the
        union of their posting lists, each kept per index generation: common words
        recur from query to query, and reading a long list costs more than the search."""
        leaves = list(q.leaves())
        if (
            not all(type(leaf) is query.Term for leaf in leaves)
            or not isinstance(q, query.Or | query.Term)
            or (isinstance(q, query.Or) and any(not _is_term_or(sub) for sub in q.subqueries))
        ):
            return frozenset(searcher.docs_for_query(q))
        reader = searcher.reader()
        generation = reader.generation()
        docs: set[int] = set()
        for leaf in leaves:
            key = (generation, leaf.fieldname, leaf.text)
            with self._lock:
                found = self._term_docs.get(key)
            if found is None:
                found = (
                    frozenset(reader.postings(leaf.fieldname, leaf.text).all_ids())
                    if (leaf.fieldname, leaf.text) in reader
                    else frozenset()
                )
                with self._lock:
                    self._term_docs[key] = found
                    while len(self._term_docs) > _TERM_CACHE_SIZE:
                        self._term_docs.popitem(last=False)
            docs |= found
        return frozenset(docs)

    def _stored(self, searcher: Any, docnum: int) -> Article:
        """A hit's stored article, unpacked once per index generation (popular articles
        turn up in query after query)."""
        key = (searcher.reader().generation(), docnum)
        with self._lock:
            doc = self._docs.get(key)
        if doc is None:
            doc = load_stored(searcher, docnum)
            with self._lock:
                self._docs[key] = doc
                while len(self._docs) > _TERM_CACHE_SIZE:
                    self._docs.popitem(last=False)
        return doc

    def _postings(self, searcher: Any) -> Postings:
        """Facet postings for the searcher's generation, read once and kept."""
        generation = searcher.reader().generation()
        with self._lock:
            if self._facet_postings is not None and self._facet_postings[0] == generation:
                return self._facet_postings[1]
        postings = read_postings(searcher.reader())
        with self._lock:
            self._facet_postings = (generation, postings)
        return postings

    def _searcher(self) -> Any:
        searcher = getattr(self._local, "searcher", None)
        if searcher is None:
            searcher = self._ix.searcher()
            with self._lock:
                self._open.append(searcher)
        elif not searcher.up_to_date():
            # Not searcher.refresh(): it reuses the readers of unchanged segments,
            # deletions and all, so an article removed from a segment kept turning up.
            fresh = self._ix.searcher()
            with self._lock:
                self._open = [fresh if s is searcher else s for s in self._open]
            searcher.close()
            searcher = fresh
        self._local.searcher = searcher
        return searcher

    def _parse(self, text: str) -> tuple[Any, Any, str | None] | None:
        """(all-words query, any-word query, the words searched if syntax failed) or None."""
        if text:
            try:
                all_words = tame(self._parsers[qparser.AndGroup].parse(text))
                any_words = tame(self._parsers[qparser.OrGroup].parse(text))
                if usable(all_words) and usable(any_words):
                    return all_words, any_words, None
            except Exception:
                pass
        words = " ".join(re.findall(r"\w+", _OPERATORS.sub(lambda m: m.group().lower(), text)))
        if not words:
            return None
        all_words = self._parsers[qparser.AndGroup].parse(words)
        any_words = self._parsers[qparser.OrGroup].parse(words)
        if not usable(all_words):
            return None
        return all_words, any_words, (words if words != text else None)


SORTS = ("relevance", "newest")


def _newest(
    searcher: Any, q: Any, offset: int, size: int, only: Any, copies: frozenset[int]
) -> list[Any]:
    """One page by date, newest first; undated articles after them, by relevance."""
    end = offset + size
    dated = query.Every("date")
    first = run_search(
        searcher,
        q,
        limit=end,
        filter=all_of(only, dated),
        sortedby="date",
        reverse=True,
        mask=set(copies) or None,
    )
    page = list(first[offset:end])
    need = end - first.scored_length()
    if need > 0:
        hide = set(copies) | set(searcher.docs_for_query(dated))
        undated = run_search(searcher, q, limit=need, filter=only, mask=hide)
        page += list(undated[max(0, offset - first.scored_length()) : need])
    return page


def _histogram(postings: Postings, docs: frozenset[int]) -> dict[str, int]:
    """Results per year, oldest first, over every result (empty when none is dated)."""
    years = postings.values.get("year", {})
    counts = Counter(year for docnum in docs for year in years.get(docnum, ()))
    return dict(sorted(counts.items()))


def _is_term_or(q: Any) -> bool:
    """A term, or an Or of terms: "word" searched in several fields."""
    return type(q) is query.Term or (
        isinstance(q, query.Or) and all(type(s) is query.Term for s in q.subqueries)
    )


def _collect(
    searcher: Any,
    all_words: Any,
    any_words: Any,
    offset: int,
    size: int,
    only: Any,
    visible: frozenset[int],
    copies: frozenset[int],
) -> tuple[list[Any], int, int]:
    """One page of hits, all-word matches first; the total, and how many hold every word.

    ``only`` is a query the hits must also match (the facet filters), or None;
    ``visible`` the documents that match the query and the filters, which gives the
    counts without running the query again; ``copies`` near-duplicates to leave out."""
    end = offset + size
    first = _top(searcher, all_words, end, only, copies)
    page = first[offset:end]
    if all_words == any_words:
        return page, len(visible), len(visible)
    # Fewer all-word hits than asked for means that is all of them; a full page
    # means at least that many, which is all the paging and "few" test need.
    matched_all = len(first)
    need = end - matched_all
    if need > 0:
        rest = _top(searcher, any_words, need, only, copies | {hit.docnum for hit in first})
        page += rest[max(0, offset - matched_all) : need]
    return page, len(visible), matched_all


def _top(
    searcher: Any, q: Any, count: int, only: Any, skip: frozenset[int] | set[int]
) -> list[Any]:
    """The ``count`` best hits that are not in ``skip``.

    Skipped in Python, asking for a few more and more again if need be: a mask
    stops Whoosh from passing over low-scoring blocks, and a large limit from
    pruning, and the skipped documents are rarely near the top."""
    limit = count + 8
    while True:
        results = run_search(searcher, q, limit=limit, filter=only)
        kept = [hit for hit in results if hit.docnum not in skip]
        if len(kept) >= count or results.scored_length() < limit:
            return kept[:count]
        limit *= 4


def run_search(searcher: Any, q: Any, **options: Any) -> Any:
    """``searcher.search``, working around a Whoosh 2.7 matcher bug.

    With a score cut-off, Whoosh skips blocks of postings that cannot reach it
    (``skip_to_quality``); an AND-NOT whose positive side runs out while skipping
    then reads past its end and raises IndexError (``AndNotMatcher._find_next``
    in ``matching/binary.py``). Searching again without the block-skipping
    optimisation gives the same hits, a little slower, and only for those queries.
    """
    try:
        return searcher.search(q, **options)
    except IndexError:
        return searcher.search(q, optimize=False, **options)


def open_index(index_dir: str | Path) -> Index:
    """Open the index at ``index_dir`` for searching."""
    return Index(index_dir)
