"""Which hits make a page: the best-scoring of a set of documents, or the newest.

Kept apart from :mod:`search.backends.whoosh`, which decides which documents a
query matches and what a page shows; this module only orders them. Keyword
queries are ranked from each term's kept scores (:mod:`search.backends.whoosh_scores`),
anything else by Whoosh's own search.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from search.backends.whoosh_scores import Scored, TermScores, best, plain_leaves, ranked
from search.engine import collectors, query
from search.schema import DEFAULT_FIELDS


def newest_hits(
    searcher: Any,
    q: Any,
    offset: int,
    size: int,
    docs: frozenset[int],
    scorer: Callable[[Any], Callable[[str, str], TermScores]] | None = None,
) -> list[Any]:
    """One page of ``docs`` by date, newest first; undated articles after them, by relevance."""
    end = offset + size
    dated = frozenset(searcher.docs_for_query(query.Every("date"))) & docs
    first = run_search(searcher, q, limit=end, filter=set(dated), sortedby="date", reverse=True)
    page = [hit for hit in first][offset:end]
    need = end - len(dated)
    if need > 0 and docs - dated:
        undated = best_hits(searcher, q, need, docs - dated, 0, scorer)
        page += undated[max(0, offset - len(dated)) : need]
    return page


def is_term_or(q: Any) -> bool:
    """A term, or an Or of terms: "word" searched in several fields."""
    return type(q) is query.Term or (
        isinstance(q, query.Or) and all(type(s) is query.Term for s in q.subqueries)
    )


def best_hits(
    searcher: Any,
    q: Any,
    count: int,
    docs: frozenset[int],
    among: int = 0,
    scorer: Callable[[Any], Callable[[str, str], TermScores]] | None = None,
) -> list[Any]:
    """The ``count`` best-scoring of ``docs`` for the query.

    A keyword query over the default fields is ranked from each term's scores,
    kept per index generation (``scorer``; :mod:`search.backends.whoosh_scores`),
    and Whoosh scores only the documents that can make the page.

    ``docs`` is usually most of the ``among`` documents ``q`` matches, so the hits
    not in it are skipped in Python, asking for as many more as are skipped on
    average, when they are few. When they are many (on a syndicated archive, nine
    copies of each story) ``docs`` is handed to Whoosh as a filter: it then reads
    every match but scores only those kept, where asking for ten times the hits
    scored ever more of them (BBC ×10 syndicated: median 47 → 19 ms)."""
    if count <= 0 or not docs:
        return []
    leaves = plain_leaves(q) if scorer is not None else None
    if (
        scorer is not None
        and leaves is not None
        and all(leaf.fieldname in DEFAULT_FIELDS for leaf in leaves)
    ):
        scores = scorer(searcher)
        # Kept scores say whether a term is in the index; asking the reader costs a
        # look-up in each segment's term table.
        terms = [(float(leaf.boost), scores(leaf.fieldname, leaf.text)) for leaf in leaves]
        terms = [(boost, term) for boost, term in terms if term.scores]
        found: list[Scored] = ranked(searcher, q, best(terms, docs, count), count)
        return found
    # Ask for as many more hits as the skipped ones (copies, other facets) make up.
    share = len(docs) / among if among > len(docs) else 1.0
    limit = math.ceil(count / share) + (8 if share < 1 else 0)
    limit = limit if limit <= 2 * count + 8 else 0
    for _ in range(2 if limit else 0):
        results = run_search(searcher, q, limit=limit)
        kept = [hit for hit in results if hit.docnum in docs]
        if len(kept) >= count or results.scored_length() < limit:
            return kept[:count]
        limit *= 4
    return [hit for hit in run_search(searcher, q, limit=count, filter=set(docs))]


def plain_words(q: Any) -> list[str]:
    """The distinct analysed words of a query of plain words (every word optional, in
    the default fields); empty for a query with syntax: phrases, fields, operators."""
    if isinstance(q, query.Term):
        subqueries = [q]
    elif isinstance(q, query.Or) and all(is_term_or(sub) for sub in q.subqueries):
        subqueries = list(q.leaves())
    else:
        return []
    if any(leaf.fieldname not in DEFAULT_FIELDS for leaf in subqueries):
        return []
    return list(dict.fromkeys(leaf.text for leaf in subqueries if leaf.fieldname == "body"))


def run_search(searcher: Any, q: Any, **options: Any) -> Any:
    """``searcher.search``, working around two Whoosh 2.7 matcher bugs that its
    top-k search (a limit, best first) meets.

    With a limit, Whoosh's collector swaps the query's matcher for a leaner one
    whenever the lowest score on the page rises (``matcher.replace``, even with
    ``optimize=False``), turning an OR whose one side cannot reach the page alone
    into an AND-MAYBE; inside an AND, ``AndMaybeMatcher.skip_to`` can leave that
    optional side a document behind, and the document, losing its share of the
    score, drops off the page (tests/test_whoosh_result_bugs.py). With the same
    cut-off it skips blocks of postings (``skip_to_quality``), where an AND-NOT
    whose positive side runs out reads past its end and raises IndexError
    (``AndNotMatcher._find_next``; tests/test_whoosh_matcher_bug.py).

    So a page is collected with every match scored, the matcher neither replaced
    nor skipping blocks: the exact top k. Whoosh's other collectors (sorted, or
    every match) skip no blocks and replace the matcher, if at all, with a cut-off
    of 0, which keeps it whole: they are used as they are.
    """
    limit = options.get("limit", 10)
    if set(options) <= {"limit", "filter"} and limit and limit < searcher.doc_count():
        # Where Searcher.collector would choose its TopCollector.
        top = collectors.TopCollector(limit, usequality=False, replace=0)
        allow = options.get("filter")
        collector = collectors.FilterCollector(top, allow) if allow else top
        searcher.search_with_collector(q, collector)
        return collector.results()
    return searcher.search(q, **options)
