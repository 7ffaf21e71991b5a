"""Queries, ranking and paging over an open index, returning our own types.

Ranking is BM25F over headline (weighted most), body, quotes, places and
speakers, in two tiers: articles holding every word of the query come first,
then articles holding only some of them. A query in Whoosh's syntax (phrases,
AND/OR/NOT, ``field:term``, ``prefix*``) is run as written; one that cannot
be parsed is run as its plain words, with a notice, never an error.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections import Counter, OrderedDict
from collections.abc import Iterable, Mapping
from dataclasses import replace
from datetime import datetime, timedelta
from functools import lru_cache
from html import escape
from itertools import islice
from pathlib import Path
from typing import Any

from search.articles import Article, Place, Quote
from search.engine import EmptyIndexError, index, qparser, query
from search.errors import ArticleNotFoundError, CorruptIndexError, NoIndexError, SearchError
from search.facets import (
    Postings,
    allowed,
    clean_filters,
    filter_query,
    hidden_copies,
    read_postings,
)
from search.facets import count as count_facets
from search.results import Hit, Results
from search.schema import DEFAULT_FIELDS, name_analyzer, schema_is_current, text_analyzer
from search.snippets import Highlight, Marked, mark

MAX_QUERY_CHARS = 500
_MAX_MARKED = 256
_CACHE_SIZE = 512
_RELATED_TERMS = 20
_MIN_PATTERN_PREFIX = 2
#: Queries finding fewer articles than this get a spelling suggestion, if one finds more.
_FEW = 3
_SPELLING_FIELDS = ("locations", "speaker", "headline", "body")
MAX_PAGE_SIZE = 100
#: Fields analysed like the body, whose matched terms are marked in snippets.
_HIGHLIGHT_FIELDS = frozenset({"headline", "body", "quotes", "locations"})
_OPERATORS = re.compile(r"\b(AND|OR|NOT|ANDNOT|ANDMAYBE)\b")


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
        self._open: list[Any] = []
        self._lock = threading.Lock()
        schema = self._ix.schema
        self._parsers = {
            group: _parser(schema, group) for group in (qparser.AndGroup, qparser.OrGroup)
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

    def __len__(self) -> int:
        return int(self._searcher().doc_count())

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
            raise SearchError(f"sort must be one of {', '.join(SORTS)}, not {sort!r}")
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
        try:
            postings = self._postings(searcher)
            matching = frozenset(searcher.docs_for_query(any_words))
            in_range = _date_range(*dates)
            if in_range is not None:
                matching &= frozenset(searcher.docs_for_query(in_range))
            copies = hidden_copies(postings, matching)
            matching -= copies
            visible = matching & allowed(postings, filters) if filters else matching
            only = _all_of(filter_query(filters), in_range)
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
        except (EOFError, OSError) as error:
            raise CorruptIndexError(str(self.index_dir), repr(error)) from error
        terms = _highlight(searcher, any_words)
        place_words = _field_words(any_words, "locations")
        speaker_words = _field_words(any_words, "speaker")
        hits = [
            replace(
                _hit(
                    h,
                    terms,
                    (page - 1) * page_size + i + 1,
                    _explain(searcher, any_words, h.docnum) if explain else None,
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

    def article(self, article_id: str) -> Article:
        """The stored article with this id."""
        stored = self._searcher().document(id=article_id)
        if stored is None:
            raise ArticleNotFoundError(article_id)
        return Article.from_dict(json.loads(stored["article"]))

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
            _hit(hit, Highlight(), rank, None, frozenset(), frozenset())
            for rank, hit in enumerate(shown[:limit], 1)
        ]

    def highlight(self, query_text: str) -> Highlight:
        """What highlighting marks for a query: its words (prefixes expanded) and phrases."""
        parsed = self._parse(" ".join(query_text.split())[:MAX_QUERY_CHARS])
        return _highlight(self._searcher(), parsed[1]) if parsed else Highlight()

    def _suggest(self, searcher: Any, text: str, matched_all: int) -> str | None:
        """The query with misspelt words replaced by the index's own words, if that
        finds more. Words with digits are never changed: "2005" is not a typo of "2004"."""
        reader = searcher.reader()
        corrected = text
        for word in dict.fromkeys(re.findall(r"(?<![\w:])[^\W\d_]{4,}(?![\w*?:])", text)):
            stems = [t.text for t in text_analyzer()(word)]
            if not stems or any((f, stems[0]) in reader for f in _SPELLING_FIELDS):
                continue  # a stop word, or a word the index knows
            best = _closest(searcher, word, stems[0])
            if best is not None:
                corrected = re.sub(rf"\b{re.escape(word)}\b", best, corrected)
        if corrected == text:
            return None
        parsed = self._parse(corrected)
        if parsed is None or _count(searcher, parsed[0]) <= matched_all:
            return None
        return corrected

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
            fresh = searcher.refresh()
            with self._lock:
                self._open = [fresh if s is searcher else s for s in self._open]
            searcher = fresh
        self._local.searcher = searcher
        return searcher

    def _parse(self, text: str) -> tuple[Any, Any, str | None] | None:
        """(all-words query, any-word query, the words searched if syntax failed) or None."""
        if text:
            try:
                all_words = _tame(self._parsers[qparser.AndGroup].parse(text))
                any_words = _tame(self._parsers[qparser.OrGroup].parse(text))
                if _usable(all_words) and _usable(any_words):
                    return all_words, any_words, None
            except Exception:
                pass
        words = " ".join(re.findall(r"\w+", _OPERATORS.sub(lambda m: m.group().lower(), text)))
        if not words:
            return None
        all_words = self._parsers[qparser.AndGroup].parse(words)
        any_words = self._parsers[qparser.OrGroup].parse(words)
        if not _usable(all_words):
            return None
        return all_words, any_words, (words if words != text else None)


def _closest(searcher: Any, word: str, stem: str) -> str | None:
    """The index word nearest to ``word`` as written (edit distance, then how common).

    Candidates are index terms near the stem, and terms sharing the word's first
    four letters (so "borrowinng" reaches "borrow"); each is compared as the text
    writes it ("borrowing"), since stems of a typo and of the word differ."""
    reader = searcher.reader()
    word = word.lower()
    terms: dict[tuple[str, str], int] = {}
    for field in _SPELLING_FIELDS:
        for candidate in searcher.suggest(field, stem, limit=8, maxdist=2, prefix=1):
            terms[(field, candidate)] = reader.doc_frequency(field, candidate)
        if field in ("headline", "body") and len(word) >= 5:
            nearby = [
                t.decode() if isinstance(t, bytes) else t
                for t in reader.expand_prefix(field, word[:4])
            ]
            for candidate in sorted(nearby, key=lambda t: -reader.doc_frequency(field, t))[:20]:
                terms[(field, candidate)] = reader.doc_frequency(field, candidate)
    scored = []
    for (field, term), frequency in terms.items():
        written = _surface(searcher, field, term)
        distance = _edit_distance(word, written)
        if 0 < distance <= max(1, len(word) // 4):
            scored.append((distance, -frequency, written))
    return min(scored)[2] if scored else None


def _surface(searcher: Any, field: str, term: str) -> str:
    """How a stemmed index term is written in the text: "privatis" → "privatisation"."""
    if field not in ("body", "headline"):
        return term
    docnum = next(iter(searcher.reader().postings(field, term).all_ids()), None)
    text = searcher.stored_fields(docnum).get(field, "") if docnum is not None else ""
    for token in text_analyzer()(text, chars=True, removestops=False):
        if token.text == term:
            return str(text[token.startchar : token.endchar]).lower()
    return term


def _edit_distance(a: str, b: str) -> int:
    """Edits from ``a`` to ``b``, a swap of two neighbours counting as one ("chelsae")."""
    rows = [list(range(len(b) + 1))]
    for i in range(1, len(a) + 1):
        row = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            row[j] = min(rows[-1][j] + 1, row[j - 1] + 1, rows[-1][j - 1] + (a[i - 1] != b[j - 1]))
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                row[j] = min(row[j], rows[-2][j - 2] + 1)
        rows.append(row)
    return rows[-1][-1]


def _count(searcher: Any, q: Any) -> int:
    return sum(1 for _ in searcher.docs_for_query(q))


def _parser(schema: Any, group: Any) -> Any:
    parser = qparser.MultifieldParser(
        list(DEFAULT_FIELDS), schema, fieldboosts=DEFAULT_FIELDS, group=group
    )
    parser.add_plugin(qparser.PlusMinusPlugin())
    return parser


def _tame(q: Any) -> Any:
    """Make wildcards affordable: a bare "*" is every document (Whoosh's per-field
    Every() reads every posting), and a pattern needs two letters before its first
    wildcard ("?*" or "a*" would expand to most of the lexicon: seconds per query)."""

    def visit(node: Any) -> Any:
        if isinstance(node, query.Every):
            return query.Every()
        pattern = isinstance(node, query.Prefix | query.Wildcard)
        if pattern and len(re.split(r"[*?]", node.text, maxsplit=1)[0]) < _MIN_PATTERN_PREFIX:
            return query.NullQuery
        return node

    return visit(q) if q.is_leaf() else q.accept(visit).normalize()


def _usable(q: Any) -> bool:
    return (
        q is not None
        and q is not query.NullQuery
        and any(leaf is not query.NullQuery for leaf in q.leaves())
    )


SORTS = ("relevance", "newest")


def day(text: str | None, name: str, *, end: bool = False) -> datetime | None:
    """ "2005", "2005-03" or "2005-03-14" as the first (or, with ``end``, last) moment."""
    if text is None or not text.strip():
        return None
    parts = text.strip().split("-")
    try:
        numbers = [int(p) for p in parts]
        if len(numbers) > 3 or not 1 <= numbers[0] <= 9999:
            raise ValueError
        year, month, dom = [*numbers, 0, 0][:3]
        if not end:
            return datetime(year, month or 1, dom or 1)
        if dom:
            return datetime(year, month, dom, 23, 59, 59)
        if month:
            following = datetime(year + month // 12, month % 12 + 1, 1)
            return following - timedelta(seconds=1)
        return datetime(year, 12, 31, 23, 59, 59)
    except ValueError:
        raise SearchError(
            f"{name} must be a date like 2005, 2005-03 or 2005-03-14, not {text[:40]!r}"
        ) from None


def _newest(
    searcher: Any, q: Any, offset: int, size: int, only: Any, copies: frozenset[int]
) -> list[Any]:
    """One page by date, newest first; undated articles after them, by relevance."""
    end = offset + size
    dated = query.Every("date")
    first = searcher.search(
        q,
        limit=end,
        filter=_all_of(only, dated),
        sortedby="date",
        reverse=True,
        mask=set(copies) or None,
    )
    page = list(first[offset:end])
    need = end - first.scored_length()
    if need > 0:
        hide = set(copies) | set(searcher.docs_for_query(dated))
        undated = searcher.search(q, limit=need, filter=only, mask=hide)
        page += list(undated[max(0, offset - first.scored_length()) : need])
    return page


def _date_range(start: datetime | None, end: datetime | None) -> Any:
    if start is None and end is None:
        return None
    return query.DateRange("date", start, end)


def _all_of(*parts: Any) -> Any:
    present = [p for p in parts if p is not None]
    if not present:
        return None
    return present[0] if len(present) == 1 else query.And(present)


def _histogram(postings: Postings, docs: frozenset[int]) -> dict[str, int]:
    """Results per year, oldest first, over every result (empty when none is dated)."""
    years = postings.values.get("year", {})
    counts = Counter(year for docnum in docs for year in years.get(docnum, ()))
    return dict(sorted(counts.items()))


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
        results = searcher.search(q, limit=limit, filter=only)
        kept = [hit for hit in results if hit.docnum not in skip]
        if len(kept) >= count or results.scored_length() < limit:
            return kept[:count]
        limit *= 4


def _highlight(searcher: Any, q: Any) -> Highlight:
    """What to mark for a query: its words (prefixes expanded) and its phrases."""
    reader = searcher.reader()
    words: set[str] = set()
    phrases: set[tuple[tuple[str, ...], int]] = set()
    for leaf in q.leaves():
        if leaf.field() not in _HIGHLIGHT_FIELDS:
            continue
        if isinstance(leaf, query.Phrase):
            phrases.add((tuple(leaf.words), max(1, int(leaf.slop))))
            continue
        # Not Query.existing_terms(): in Whoosh 2.7 its loop variable shadows its
        # ``fieldname`` argument, so it drops every leaf after a missing term. A bare
        # pattern expands to much of the lexicon: mark the first words only.
        for fieldname, text in islice(leaf.expanded_terms(reader), _MAX_MARKED):
            word = text.decode("utf-8") if isinstance(text, bytes) else str(text)
            if (fieldname, word) in reader:
                words.add(word)
    return Highlight(frozenset(words), tuple(sorted(phrases)))


def _explain(searcher: Any, q: Any, docnum: int) -> dict[str, float]:
    """The score of each field's part of the query for one document (BM25F, boosts in)."""
    scores: dict[str, float] = {}
    for field in sorted({leaf.field() for leaf in q.leaves() if leaf.field()}):
        matcher = query.Or([leaf for leaf in q.leaves() if leaf.field() == field]).matcher(searcher)
        if matcher.is_active():
            matcher.skip_to(docnum)
            if matcher.is_active() and matcher.id() == docnum:
                scores[field] = round(float(matcher.score()), 4)
    return scores


def _field_words(q: Any, field: str) -> frozenset[str]:
    """The query's words as searched in one field (for names: folded, not stemmed)."""
    words: set[str] = set()
    for leaf in q.leaves():
        if leaf.field() == field:
            words.update(getattr(leaf, "words", None) or [str(getattr(leaf, "text", ""))])
    return frozenset(words)


def _other_spellings(places: list[Place], place_words: frozenset[str]) -> list[str]:
    """Places the query named by another spelling, as this article writes them:
    "Kiev" for a search for Kyiv."""
    found = []
    for place in places:
        written = _name_words(place.name)
        if written and written <= place_words:
            continue  # the query spelt it as the article does
        names = (place.canonical, *place.alternate_names)
        if any(words and words <= place_words for words in map(_name_words, names)):
            found.append(place.name)
    return found


@lru_cache(maxsize=65536)
def _name_words(name: str) -> frozenset[str]:
    return frozenset(t.text for t in name_analyzer()(name))


def _hit(
    hit: Any,
    terms: Highlight,
    rank: int,
    explain: dict[str, float] | None,
    place_words: frozenset[str],
    speaker_words: frozenset[str],
) -> Hit:
    stored = hit.fields()
    article = json.loads(stored["article"])
    places = [
        Place(**{**p, "alternate_names": tuple(p.get("alternate_names", ()))})
        for p in article.get("locations", ())
    ]
    also = _other_spellings(places, place_words) if place_words else []
    if also:  # mark "Kiev" in the snippet of a search for Kyiv
        variants = [tuple(t.text for t in text_analyzer()(name)) for name in also]
        terms = Highlight(terms.words, terms.phrases + tuple((v, 1) for v in variants if v))
    body = Marked(stored["body"], terms)  # analysed once for snippet and quotes alike
    quotes = [Quote(**q) for q in article.get("quotes", ())]
    by_words = [q for q in quotes if body.any_within(q.start, q.end)]
    by_speaker = [
        q for q in quotes if speaker_words and _name_words(q.speaker or "") & speaker_words
    ]
    matched_quotes = [q for q in quotes if q in by_words or q in by_speaker]
    shown = (by_words or by_speaker)[:1]  # a quote that matched is the best snippet
    if shown:
        quote = shown[0]
        said = f" — {escape(quote.speaker, quote=False)}" if quote.speaker else ""
        parts = [
            f"“{body.html(quote.start, quote.end)}”{said}",
            body.snippet(sentences=1, outside=(quote.start, quote.end)),
        ]
        body_snippet = " … ".join(part for part in parts if part)
    else:
        body_snippet = body.snippet()
    return Hit(
        id=stored["id"],
        headline=stored["headline"],
        headline_html=mark(stored["headline"], terms),
        snippet=body_snippet,
        score=round(float(hit.score or 0.0), 4),
        rank=rank,
        quotes=quotes,
        locations=places,
        date=article.get("date"),
        outlet=article.get("outlet"),
        url=article.get("url"),
        explain=explain,
        also_matched=also,
        matched_quotes=matched_quotes,
    )


def open_index(index_dir: str | Path) -> Index:
    """Open the index at ``index_dir`` for searching."""
    return Index(index_dir)
