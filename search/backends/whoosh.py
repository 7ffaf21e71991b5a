"""The Whoosh backend's searcher: queries, ranking and paging over an index folder,
returning our own types (moved here whole from ``search/searcher.py``).

Ranking is BM25F over headline (weighted most), body, quotes, places and
speakers, in two tiers: articles holding every word of the query come first,
then articles holding only some of them. A query in Whoosh's syntax (phrases,
AND/OR/NOT, ``field:term``, ``prefix*``) is run as written; one that cannot
be parsed is run as its plain words, with a notice, never an error.
"""

from __future__ import annotations

import functools
import math
import pickle
import re
import struct
import threading
import time
import zlib
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

from search.articles import Article
from search.backends.whoosh_ranking import best_hits, is_term_or, newest_hits, plain_words
from search.backends.whoosh_scores import TermScores, term_scores
from search.cache import ByteLRU
from search.engine import EmptyIndexError, has_index, index, qparser, query
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
    quote_cards,
)
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
from search.queries import date_range, day, parser, query_words, readings, tame, usable
from search.quotecheck import QuoteCheck, check_quote
from search.results import Hit, Results
from search.schema import DEFAULT_FIELDS, schema_is_current, text_analyzer
from search.snippets import Highlight
from search.spelling import SPELLING_FIELDS, closest, count_docs
from search.spellings import Reader as SpellingReader
from search.spellings import expand as expand_places

#: Byte budgets of the caches, per process (a server worker holds one of each).
RESULTS_CACHE_BYTES = 16 * 2**20
POSTINGS_CACHE_BYTES = 48 * 2**20
SCORES_CACHE_BYTES = 64 * 2**20
ARTICLES_CACHE_BYTES = 32 * 2**20
#: Words of a pasted quote searched for its candidates (the rarest ones).
_QUOTE_TERMS = 6
#: A long query matches the articles whose words carry this share of its weight (IDF).
WEIGHT_SHARE = 0.2
#: Fields a word of a long query is looked for in (places are in the body already).
_WORD_FIELDS = ("headline", "body", "quotes")
_OPERATORS = re.compile(r"\b(AND|OR|NOT|ANDNOT|ANDMAYBE)\b")


#: What reading a damaged index raises; EmptyIndexError: its table of contents is gone.
_DAMAGE = (EOFError, OSError, zlib.error, struct.error, pickle.UnpicklingError, EmptyIndexError)
Method = TypeVar("Method", bound=Callable[..., Any])


def _reads_index(method: Method) -> Method:
    """Turn the errors of a damaged index file (a truncated segment is only noticed
    when read) into CorruptIndexError, which says to rebuild.

    A segment file gone is damage only if it stays gone: a commit that merged
    segments deletes the old files, and a searcher of the commit before that had
    not opened them yet; the same call with a searcher of the new commit succeeds.
    Whoosh reports a gone stored-fields or column file as a TypeError (it reads
    from None), so any failure is tried again when a newer commit has appeared."""

    @functools.wraps(method)
    def wrapper(self: Index, *args: Any, **kwargs: Any) -> Any:
        try:
            try:
                return method(self, *args, **kwargs)
            except SearchError:
                raise
            except Exception as error:
                if not isinstance(error, FileNotFoundError) and self._searcher_is_newest():
                    raise
                self._drop_searcher()  # the next call opens the newest commit
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
        if not has_index(self.index_dir):
            raise NoIndexError(str(self.index_dir))
        if not schema_is_current(self.index_dir):
            raise SearchError(
                f"The index at {self.index_dir} was built by an older version: "
                f"run `python -m search index SEEDS_DIR --index {self.index_dir}` to rebuild it"
            )
        try:
            self._ix = index.open_dir(str(self.index_dir))
        except Exception as error:  # a damaged TOC raises anything from struct to pickle
            raise CorruptIndexError(str(self.index_dir), repr(error)) from error
        self._local = threading.local()
        # Pickled (0.5 ms to store, 0.3 ms to load): a results page is a hundred
        # objects or so, which every full garbage collection walked; with the term
        # scores' ranked lists, a pause of 100 ms every few hundred queries on BBC,
        # stalling every request in flight. The budget is then exact.
        self._cache = ByteLRU[bytes](RESULTS_CACHE_BYTES, len)
        self._facet_postings: tuple[Any, Postings] | None = None
        self._term_docs = ByteLRU[frozenset[int]](POSTINGS_CACHE_BYTES, _set_bytes)
        self._scores = ByteLRU[TermScores](SCORES_CACHE_BYTES, TermScores.nbytes)
        # Field lengths of the documents scored so far, per index generation.
        self._lengths: tuple[Any, dict[tuple[int, str], Any]] | None = None
        self._docs = ByteLRU[Article](ARTICLES_CACHE_BYTES, _article_bytes)
        self._open: list[Any] = []
        self._lock = threading.Lock()
        self._postings_lock = threading.Lock()
        self._spellings = SpellingReader(self.index_dir)
        schema = self._ix.schema
        #: The all-words and the any-word query parsers.
        self._readers = (parser(schema, qparser.AndGroup), parser(schema, qparser.OrGroup))

    @property
    def index_location(self) -> Path:
        return self.index_dir

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
        view: str = "articles",
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
        if view not in VIEWS:
            raise InvalidRequestError(f"view must be one of {', '.join(VIEWS)}, not {view!r}")
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
            view,
        )
        cached = self._cache.get(key)
        if cached is not None:
            return replace(pickle.loads(cached), elapsed=time.perf_counter() - started, cached=True)
        results = self._search(query_text, page, page_size, explain, chosen, sort, dates, started)
        if view == "quotes":
            results = self._quotes(results, query_text, chosen, sort, dates)
        self._cache.put(key, pickle.dumps(results, protocol=pickle.HIGHEST_PROTOCOL))
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
        text, notice = query_words(query_text)
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
        rest = (explain, filters, sort, dates, started)
        try:
            return self._answer(query_text, text, parsed, notice, page, page_size, *rest)
        except _DAMAGE:
            raise
        except Exception:
            # Whoosh refuses some queries only when running them ('date:"x"', a
            # phrase on a field without positions): search their plain words instead.
            words = self._words_only(text)
            if words is None or words[0] == parsed[0]:
                raise
            return self._answer(query_text, text, words, notice, page, page_size, *rest)

    def _answer(
        self,
        query_text: str,
        text: str,
        parsed: tuple[Any, Any, str | None],
        notice: str | None,
        page: int,
        page_size: int,
        explain: bool,
        filters: dict[str, list[str]],
        sort: str,
        dates: tuple[datetime | None, datetime | None],
        started: float,
    ) -> Results:
        all_words, any_words, fallback = parsed
        searcher = self._searcher()
        postings = self._postings(searcher)
        words = plain_words(any_words)
        long_query = len(words) >= LONG_QUERY_WORDS
        if long_query:
            # Natural-language queries: every word is optional, ranked by BM25F; the
            # result set is the articles holding the words that carry most weight.
            matching, some = self._weighty(searcher, words)
            rank_by = any_words
        else:
            matching = self._matching(searcher, all_words)
            some = None  # read only when a page has room for articles holding some words
            rank_by = all_words
        in_range = date_range(*dates)
        if (in_range is not None or sort == "newest") and not postings.values.get("year"):
            # Nothing is dated: a date range would find nothing and "newest" would
            # be the relevance order, so say so rather than pretend.
            in_range, sort = None, "relevance"
            notice = " ".join(filter(None, [notice, UNDATED_NOTICE]))
        dated = None if in_range is None else frozenset(searcher.docs_for_query(in_range))
        if dated is not None:
            matching &= dated
        copies = hidden_copies(postings, matching)
        matching -= copies
        visible = matching & allowed(postings, filters) if filters else matching
        offset = (page - 1) * page_size
        total = len(visible)
        if sort == "newest":
            found = newest_hits(searcher, any_words, offset, page_size, visible, self._scorer)
        else:
            among = len(matching) + len(copies)
            found = best_hits(searcher, rank_by, offset + page_size, visible, among, self._scorer)[
                offset:
            ]
        # Articles holding only some of the words: a group of their own, after the
        # last full page, never in the count or the facets.
        room = page_size - len(found) if offset + page_size >= total else 0
        partial: frozenset[int] = frozenset()
        if room > 0:
            if some is None and all_words == any_words:
                some = frozenset()
            elif some is None:
                some = self._matching(searcher, any_words)
            if dated is not None:
                some &= dated
            partial = some - matching - hidden_copies(postings, some)
            if filters:
                partial &= allowed(postings, filters)
        more = (
            best_hits(searcher, any_words, room, partial, len(some or ()), self._scorer)
            if partial
            else []
        )
        facets = count_facets(postings, matching, filters)
        histogram = _histogram(postings, visible)
        terms = highlight_for(searcher, any_words, text)
        place_words = field_words(any_words, "locations")
        speaker_words = field_words(any_words, "speaker")

        def hit(h: Any, rank: int, shown_copies: frozenset[int]) -> Hit:
            copies_shown = sorted(
                (
                    searcher.stored_fields(d)
                    for d in postings.copies.get(h.docnum, frozenset()) & shown_copies
                ),
                key=lambda doc: doc["id"],
            )
            return replace(
                make_hit(
                    self._stored(searcher, h.docnum),
                    h.score,
                    terms,
                    rank,
                    explain_scores(searcher, any_words, h.docnum) if explain else None,
                    place_words,
                    speaker_words,
                ),
                similar=[doc["id"] for doc in copies_shown],
                similar_headlines=[doc.get("headline", "") for doc in copies_shown],
            )

        hits = [hit(h, offset + i + 1, copies) for i, h in enumerate(found)]
        more_hits = [hit(h, i + 1, frozenset()) for i, h in enumerate(more)]
        # "Finds little": few articles, or none holding every word ("kherzon protests").
        suggestion = self._suggest(searcher, text, total) if total < FEW_RESULTS else None
        if fallback:
            read_as = (
                "Your query could not be read as search syntax, "
                f"so we searched for its words: {fallback}"
            )
            notice = " ".join(filter(None, [read_as, notice]))
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
            more_hits=more_hits,
            more_total=len(partial),
        )

    def _quotes(
        self,
        results: Results,
        query_text: str,
        filters: dict[str, list[str]],
        sort: str,
        dates: tuple[datetime | None, datetime | None],
    ) -> Results:
        """The page of matching quotations, in the order of their articles' ranks,
        over the first QUOTE_ARTICLES articles the query matches."""
        searcher = self._searcher()
        started = time.perf_counter()
        articles = self._search(query_text, 1, QUOTE_ARTICLES, False, filters, sort, dates, started)
        parsed = self._parse(" ".join(query_text.split())[:MAX_QUERY_CHARS])
        terms = highlight_for(searcher, parsed[1], query_text) if parsed else Highlight()
        speaker_words = field_words(parsed[1], "speaker") if parsed else frozenset()
        cards = [
            card
            for hit in articles.hits
            for card in quote_cards(self.article(hit.id), terms, speaker_words)
        ]
        offset = (results.page - 1) * results.page_size
        return replace(
            results,
            view="quotes",
            quotes=cards[offset : offset + results.page_size],
            quotes_total=len(cards),
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
    def original(self, article_id: str) -> Article | None:
        """The article this one repeats (a near-duplicate indexed before it), or None."""
        searcher = self._searcher()
        docnum = searcher.document_number(id=article_id)
        if docnum is None:
            raise ArticleNotFoundError(article_id)
        group = self._postings(searcher).copies.get(docnum, frozenset())
        first = min(group, default=docnum)
        return self._stored(searcher, first) if first < docnum else None

    @_reads_index
    def related(self, article_id: str, *, limit: int = 5) -> list[Hit]:
        """Articles most like this one ("more like this"), by the body's distinctive words."""
        searcher = self._searcher()
        docnum = searcher.document_number(id=article_id)
        if docnum is None:
            raise ArticleNotFoundError(article_id)
        # Whoosh's default of 5 terms often finds nothing on real text.
        body = self._stored(searcher, docnum).body
        similar = searcher.more_like(
            docnum, "body", text=body, numterms=RELATED_TERMS, top=limit * 3
        )
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
    def quoted(self, text: str, *, limit: int = 40) -> list[Article]:
        """The articles whose quotes hold most of the words of ``text`` (the rarest
        words weigh most), each followed by its near-duplicate copies: the quote
        check's candidates, without the snippets, facets and counts of a search.

        Only the rarest words are looked up: they single out a quote, survive a
        misremembering best, and their posting lists are short however large the
        index. Articles are ranked by the IDF of the words they hold (the same
        words in a longer article count the same: a quote is in it or not), from
        the posting lists as sets, which are kept per index generation; BM25
        scoring every posting in Whoosh's matchers was most of a check's time."""
        searcher = self._searcher()
        reader = searcher.reader()
        terms = dict.fromkeys(token.text for token in text_analyzer()(text))
        counts = {term: searcher.doc_frequency("quotes", term) for term in terms}
        rarest = sorted((term for term, n in counts.items() if n), key=counts.__getitem__)
        if not rarest:
            return []
        total = reader.doc_count_all()
        weight: defaultdict[int, float] = defaultdict(float)
        for term in rarest[:_QUOTE_TERMS]:
            idf = math.log(1 + total / counts[term])
            for docnum in self._term_postings(searcher, "quotes", term):
                weight[docnum] += idf
        # Posting lists leave deleted documents out already.
        found = sorted(weight, key=weight.__getitem__, reverse=True)[:limit]
        copies = self._postings(searcher).copies
        docs = [d for docnum in found for d in (docnum, *sorted(copies.get(docnum, ())))]
        return [self._stored(searcher, docnum) for docnum in dict.fromkeys(docs)]

    def check_quote(self, text: str, *, speaker: str | None = None, limit: int = 10) -> QuoteCheck:
        """Who said ``text``, where first, and how faithfully it is quoted
        (:func:`search.quotecheck.check_quote`)."""
        return check_quote(self, text, speaker=speaker, limit=limit)

    @_reads_index
    def highlight(self, query_text: str) -> Highlight:
        """What highlighting marks for a query: its words (prefixes expanded) and phrases."""
        parsed = self._parse(" ".join(query_text.split())[:MAX_QUERY_CHARS])
        return highlight_for(self._searcher(), parsed[1], query_text) if parsed else Highlight()

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

    def _weighty(self, searcher: Any, words: list[str]) -> tuple[frozenset[int], frozenset[int]]:
        """(the articles whose matched words carry at least WEIGHT_SHARE of the query's
        weight, the articles holding any of its words). A word's weight is its IDF, so
        the rare words that say what the query is about decide, as they do in BM25."""
        reader = searcher.reader()
        count = reader.doc_count_all()
        holding = {
            word: frozenset().union(*(self._term_postings(searcher, f, word) for f in _WORD_FIELDS))
            for word in words
        }
        weights = {word: math.log(count / (len(docs) + 1)) + 1 for word, docs in holding.items()}
        total = sum(weights.values()) or 1.0
        mass: dict[int, float] = defaultdict(float)
        for word, docs in holding.items():
            share = weights[word] / total
            for docnum in docs:
                mass[docnum] += share
        enough = frozenset(d for d, m in mass.items() if m >= WEIGHT_SHARE - 1e-9)
        return enough, frozenset(mass)

    def _term_postings(self, searcher: Any, field: str, text: str) -> frozenset[int]:
        """The documents holding a term, kept per index generation (a ranked field's
        are read with their scores, which ranking needs next)."""
        if field in DEFAULT_FIELDS:
            return self._term_scores(searcher, field, text).docs
        reader = searcher.reader()
        key = (reader.generation(), field, text)
        found = self._term_docs.get(key)
        if found is None:
            found = (
                frozenset(reader.postings(field, text).all_ids())
                if (field, text) in reader
                else frozenset()
            )
            self._term_docs.put(key, found)
        return found

    def _term_scores(self, searcher: Any, field: str, text: str) -> TermScores:
        """Each document's BM25F score for a term, kept per index generation."""
        generation = searcher.reader().generation()
        key = (generation, field, text)
        found = self._scores.get(key)
        if found is None:
            with self._lock:
                if self._lengths is None or self._lengths[0] != generation:
                    self._lengths = (generation, {})
                lengths = self._lengths[1]
            found = term_scores(searcher, lengths, field, text)
            self._scores.put(key, found)
        return found

    def _scorer(self, searcher: Any) -> Callable[[str, str], TermScores]:
        return lambda field, text: self._term_scores(searcher, field, text)

    def _matching(self, searcher: Any, q: Any) -> frozenset[int]:
        """Every document a query matches. A query of plain terms (most are) is the
        union of their posting lists, each kept per index generation: common words
        recur from query to query, and reading a long list costs more than the search.
        An AND of such words (a keyword query) is the intersection of their unions."""
        if isinstance(q, query.And) and all(is_term_or(sub) for sub in q.subqueries):
            parts = sorted((self._matching(searcher, sub) for sub in q.subqueries), key=len)
            return frozenset(parts[0].intersection(*parts[1:]))
        leaves = list(q.leaves())
        if (
            not all(type(leaf) is query.Term for leaf in leaves)
            or not isinstance(q, query.Or | query.Term)
            or (isinstance(q, query.Or) and any(not is_term_or(sub) for sub in q.subqueries))
        ):
            return frozenset(searcher.docs_for_query(q))
        reader = searcher.reader()
        # A quote is a passage of the body, so a word's quotes postings are within its
        # body postings: reading them for the match set adds nothing.
        in_body = {leaf.text for leaf in leaves if leaf.fieldname == "body"}
        leaves = [leaf for leaf in leaves if leaf.fieldname != "quotes" or leaf.text not in in_body]
        if len(leaves) == 1:
            return self._term_postings(searcher, leaves[0].fieldname, leaves[0].text)
        # A word searched in several fields: the union is kept too, as words recur.
        key = (reader.generation(), "|", *((leaf.fieldname, leaf.text) for leaf in leaves))
        found = self._term_docs.get(key)
        if found is None:
            found = frozenset().union(
                *(self._term_postings(searcher, leaf.fieldname, leaf.text) for leaf in leaves)
            )
            self._term_docs.put(key, found)
        return found

    def _stored(self, searcher: Any, docnum: int) -> Article:
        """A hit's stored article, unpacked once per index generation (popular articles
        turn up in query after query)."""
        key = (searcher.reader().generation(), docnum)
        doc = self._docs.get(key)
        if doc is None:
            doc = load_stored(searcher, docnum)
            self._docs.put(key, doc)
        return doc

    def _postings(self, searcher: Any) -> Postings:
        """Facet postings for the searcher's generation, read once and kept."""
        generation = searcher.reader().generation()
        with self._lock:
            if self._facet_postings is not None and self._facet_postings[0] == generation:
                return self._facet_postings[1]
        # One thread reads them while the others wait: 16 clients arriving after a
        # commit each read them at once (GIL-bound), and waited a second for it.
        with self._postings_lock:
            with self._lock:
                kept = self._facet_postings
            if kept is not None and kept[0] == generation:
                return kept[1]
            postings = read_postings(searcher.reader())
            with self._lock:
                self._facet_postings = (generation, postings)
            return postings

    @_reads_index
    def warm(self) -> None:
        """Read what every query needs (facet postings, the spelling map) now, so the
        first readers do not wait for it (a server worker calls this as it starts)."""
        self._postings(self._searcher())
        self._spellings.current()

    def _searcher_is_newest(self) -> bool:
        """Is this thread's searcher on the newest commit (True when it has none)?"""
        searcher = getattr(self._local, "searcher", None)
        return searcher is None or bool(searcher.up_to_date())

    def _drop_searcher(self) -> None:
        searcher = getattr(self._local, "searcher", None)
        self._local.searcher = None
        if searcher is not None:
            with self._lock:
                self._open = [s for s in self._open if s is not searcher]
            searcher.close()

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
            # The searcher's: Index.schema reads the table of contents from disk.
            schema = self._searcher().schema
            try:
                places = self._spellings.current()
                parsed, either = readings(text, *self._readers)
                all_words = expand_places(tame(parsed, schema), places)
                any_words = expand_places(tame(either, schema), places)
                if usable(all_words) and usable(any_words):
                    return all_words, any_words, None
            except Exception:
                pass
        return self._words_only(text)

    def _words_only(self, text: str) -> tuple[Any, Any, str | None] | None:
        """The query as its plain words, for one that cannot be read as syntax."""
        words = " ".join(re.findall(r"\w+", _OPERATORS.sub(lambda m: m.group().lower(), text)))
        if not words:
            return None
        places = self._spellings.current()
        parsed, either = readings(words, *self._readers)
        all_words = expand_places(parsed, places)
        any_words = expand_places(either, places)
        if not usable(all_words):
            return None
        return all_words, any_words, (words if words != text else None)


def _histogram(postings: Postings, docs: frozenset[int]) -> dict[str, int]:
    """Results per year, oldest first, over every result (empty when none is dated)."""
    years = postings.values.get("year", {})
    counts = Counter(year for docnum in docs for year in years.get(docnum, ()))
    return dict(sorted(counts.items()))


def _set_bytes(docs: frozenset[int]) -> int:
    # A set slot and an int object per document, as CPython lays them out.
    return 256 + 64 * len(docs)


def _article_bytes(article: Article) -> int:
    text = sum(map(len, article.paragraphs)) + sum(len(q.text) for q in article.quotes)
    names = sum(1 + len(p.alternate_names) for p in article.locations)
    return 2048 + 2 * text + 120 * names + 200 * len(article.quotes)
