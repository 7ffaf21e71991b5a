"""Ranking a known set of documents by BM25F from cached per-term scores, with
Whoosh's own scores for the few that can make the page.

Whoosh ranks by walking every posting of every query term through a tree of
matchers (union per word, intersection across words), in Python, for each query:
at BBC ×10 that walk was most of a query's time, though the searcher already knows
which documents match (from cached posting sets). Here each term's postings are
scored once per index generation (Whoosh's BM25F formula, its IDF and average
field length) and kept; a query then adds up its terms' scores over the documents
it may show, or, when they are many, walks the terms' best-first lists until no
unseen document can reach the page (the threshold algorithm). Our sums add the
same terms as Whoosh's matchers in another order, so they may differ from its
scores in the last bits: where two documents that can make the page score within
that noise of each other, Whoosh's matchers score them again and settle the order.
"""

from __future__ import annotations

import heapq
from array import array
from dataclasses import dataclass
from functools import cached_property
from itertools import pairwise
from typing import Any

from search.engine import query

#: Relative slack below the last place's score within which a document is still
#: scored by Whoosh: our sums add the same terms in another order.
_SLACK = 1e-9
#: Score every document directly when there are at most this many document-term pairs.
_DIRECT = 30000


@dataclass(frozen=True)
class Scored:
    """A ranked document: what the searcher reads from a Whoosh hit."""

    docnum: int
    score: float


class TermScores:
    """One term of one field: each document's BM25F score for it (unboosted)."""

    def __init__(self, scores: dict[int, float]) -> None:
        self.scores = scores

    @cached_property
    def docs(self) -> frozenset[int]:
        return frozenset(self.scores)

    @cached_property
    def ranked(self) -> array:
        """Documents, best score first."""
        return array("l", sorted(self.scores, key=self.scores.__getitem__, reverse=True))

    def nbytes(self) -> int:
        # dict slot, float and int objects, a list slot and a frozenset slot per document
        return 512 + 200 * len(self.scores)


def plain_leaves(q: Any) -> list[Any] | None:
    """The term leaves of a query made only of terms, ORs of terms, and an AND or
    OR of those (a keyword query over the default fields), with no boost but on its
    terms; None for any other query (phrases, patterns, NOT, …)."""

    def flat(node: Any, depth: int) -> list[Any] | None:
        if type(node) is query.Term:
            # A negative boost ("word^-1") would break the threshold walk's bound.
            return [node] if node.boost >= 0 else None
        if depth >= 2 or type(node) not in (query.And, query.Or) or node.boost != 1.0:
            return None
        if type(node) is query.Or and (node.scale or node.minmatch):
            return None
        leaves: list[Any] = []
        for sub in node.subqueries:
            found = flat(sub, depth + 1)
            if found is None:
                return None
            leaves += found
        return leaves

    return flat(q, 0)


def term_scores(
    searcher: Any, lengths: dict[tuple[int, str], array], field: str, text: str
) -> TermScores:
    """Every live document's BM25F score for one term (as Whoosh's scorer computes
    it for a posting), over all segments. ``lengths`` keeps each segment's field
    lengths as they are read (per index generation, like the scores)."""
    scores: dict[int, float] = {}
    weighting = searcher.weighting
    term = (field, text)
    for number, (subsearcher, offset) in enumerate(searcher.leaf_searchers()):
        reader = subsearcher.reader()
        if term not in reader:
            continue
        scorer = weighting.scorer(subsearcher, field, text)
        idf, avgfl, b, k1 = scorer.idf, scorer.avgfl, scorer.B, scorer.K1
        known = lengths.get((number, field))
        if known is None:
            known = lengths[(number, field)] = array("I", bytes(4 * reader.doc_count_all()))
        ids, weights = _postings(reader, field, text)
        for docnum, weight in zip(ids, weights, strict=True):
            length = known[docnum]
            if not length:
                length = known[docnum] = reader.doc_field_length(docnum, field, 1) or 1
            # whoosh.scoring.bm25, term for term, so the value is the one Whoosh gets
            scores[offset + docnum] = idf * (
                (weight * (k1 + 1)) / (weight + k1 * ((1 - b) + b * length / avgfl))
            )
    return TermScores(scores)


#: What reading posting blocks directly relies on (whoosh.codec.whoosh3.W3LeafMatcher).
_BLOCKS = ("_read_ids", "_read_weights", "_ids", "_weights", "_next_block")


def _postings(reader: Any, field: str, text: str) -> tuple[list[int], list[float]]:
    """A term's live documents and their weights (term frequencies) in one segment."""
    ids: list[int] = []
    weights: list[float] = []
    matcher = reader.postings(field, text)
    if not reader.has_deletions() and all(hasattr(matcher, name) for name in _BLOCKS):
        # Whoosh 2.7's on-disk posting lists a block at a time: a posting at a time
        # (three method calls each) was most of a first read.
        while matcher.is_active():
            matcher._read_ids()
            matcher._read_weights()
            ids.extend(matcher._ids)
            weights.extend(matcher._weights)
            matcher._next_block()
        return ids, weights
    while matcher.is_active():  # the matcher leaves deleted documents out
        ids.append(matcher.id())
        weights.append(matcher.weight())
        matcher.next()
    return ids, weights


def best(
    terms: list[tuple[float, TermScores]], docs: frozenset[int], count: int
) -> dict[int, float]:
    """The documents of ``docs`` that can be among the ``count`` best by the sum of
    ``boost × score`` over ``terms``, with those sums: the best ``count`` and any
    within float noise of the last of them."""
    if count <= 0 or not docs:
        return {}
    pairs = [(boost, t.scores) for boost, t in terms]
    if len(docs) * len(pairs) <= _DIRECT:
        return _within({d: _sum(pairs, d) for d in docs}, count)
    # Threshold algorithm: read each term's documents best first, in growing
    # steps, scoring each new one fully; stop when the last place beats the most
    # any unseen document could score.
    total: dict[int, float] = {}
    position, step = 0, max(64, 4 * count)
    longest = max(len(t.scores) for _, t in terms)
    while position < longest:
        end = position + step
        fresh: set[int] = set()
        for _, t in terms:
            fresh.update(t.ranked[position:end])
        fresh.intersection_update(docs)
        fresh.difference_update(total)
        for d in fresh:
            total[d] = _sum(pairs, d)
        if len(total) >= len(docs):
            break
        bound = sum(boost * t.scores[t.ranked[end]] for boost, t in terms if end < len(t.ranked))
        if len(total) >= count:
            last = heapq.nlargest(count, total.values())[-1]
            if last > bound + _SLACK * max(1.0, abs(bound)):
                break
        position, step = end, step * 2
    return _within(total, count)


def _sum(pairs: list[tuple[float, dict[int, float]]], docnum: int) -> float:
    return sum(boost * scores.get(docnum, 0.0) for boost, scores in pairs)


def _within(total: dict[int, float], count: int) -> dict[int, float]:
    if len(total) <= count:
        return total
    last = heapq.nlargest(count, total.values())[-1]
    floor = last - _SLACK * max(1.0, abs(last))
    return {d: score for d, score in total.items() if score >= floor}


def ranked(searcher: Any, q: Any, candidates: dict[int, float], count: int) -> list[Scored]:
    """The ``count`` best of ``candidates`` (document → our sum), best first, ties by
    document number as Whoosh orders them. Candidates scoring within float noise of
    one another are scored by Whoosh's matchers, whose sums settle their order."""
    order = sorted(candidates.items(), key=lambda item: (-item[1], item[0]))
    close = {
        docnum
        for (d, score), (e, other) in pairwise(order)
        if score - other <= _SLACK * max(1.0, abs(score))
        for docnum in (d, e)
    }
    if not close:
        return [Scored(d, score) for d, score in order[:count]]
    settled = {hit.docnum: hit.score for hit in exact(searcher, q, sorted(close))}
    found = [Scored(d, settled.get(d, score)) for d, score in order]
    found.sort(key=lambda hit: (-hit.score, hit.docnum))
    return found[:count]


def exact(searcher: Any, q: Any, wanted: list[int]) -> list[Scored]:
    """Whoosh's scores for documents the query matches (``wanted`` in order), from
    the matchers its collector would use, segment by segment."""
    found: list[Scored] = []
    context = searcher.context()
    subsearchers = list(searcher.leaf_searchers())
    for number, (subsearcher, offset) in enumerate(subsearchers):
        end = subsearchers[number + 1][1] if number + 1 < len(subsearchers) else None
        inside = [d - offset for d in wanted if d >= offset and (end is None or d < end)]
        if not inside:
            continue
        matcher = q.matcher(subsearcher, context)
        for docnum in inside:
            if not matcher.is_active():
                break
            matcher.skip_to(docnum)
            if matcher.is_active() and matcher.id() == docnum:
                found.append(Scored(offset + docnum, matcher.score()))
    return found
