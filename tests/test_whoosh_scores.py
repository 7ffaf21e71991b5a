"""Ranking from kept term scores (search/backends/whoosh_scores.py) gives Whoosh's
own order and scores, over several segments and with deleted documents."""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import search
from search.backends import whoosh_scores
from search.backends.whoosh_scores import best, plain_leaves, ranked, term_scores
from search.engine import index, qparser
from search.queries import parser
from search.schema import build_schema

QUERIES = ["w1", "w3 w7", "w0 w2", "w5 w11 w2", "w20", "w4 w4", "headline:w9^3 w1"]


@pytest.fixture(scope="module")
def two_segments(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """600 short documents over a skewed 30-word vocabulary, in two segments, some deleted."""
    path = tmp_path_factory.mktemp("scores")
    ix = index.create_in(str(path), build_schema())
    rng = random.Random(7)
    for batch in range(2):
        writer = ix.writer()
        for number in range(batch * 300, batch * 300 + 300):
            words = [f"w{min(int(rng.expovariate(0.2)), 29)}" for _ in range(rng.randint(1, 15))]
            headline, body = " ".join(words[:3]), " ".join(words)
            article = search.Article(str(number), f"{number}.txt", headline, (body,), str(number))
            quotes = " ".join(words[-2:]) if number % 3 == 0 else ""
            writer.add_document(
                id=str(number),
                headline=headline,
                body=body,
                quotes=quotes,
                article=json.dumps(article.to_dict()),
            )
        writer.commit(merge=False)
    writer = ix.writer()
    for number in range(0, 600, 17):
        writer.delete_by_term("id", str(number))
    writer.commit(merge=False)
    return path


@pytest.fixture(scope="module")
def searcher(two_segments: Path) -> Iterator[Any]:
    ix = index.open_dir(str(two_segments))
    with ix.searcher() as opened:
        assert len(opened.leaf_searchers()) >= 2
        yield opened


def whoosh_order(searcher: Any, q: Any, docs: set[int], count: int) -> list[tuple[int, float]]:
    """Whoosh's scores for every match, in its order (score, then document number)."""
    hits = [(h.docnum, h.score) for h in searcher.search(q, limit=None) if h.docnum in docs]
    return sorted(hits, key=lambda hit: (-hit[1], hit[0]))[:count]


def ours(searcher: Any, q: Any, docs: frozenset[int], count: int) -> list[tuple[int, float]]:
    leaves = plain_leaves(q)
    assert leaves is not None
    reader = searcher.reader()
    lengths: dict[tuple[int, str], Any] = {}
    terms = [
        (leaf.boost, term_scores(searcher, lengths, leaf.fieldname, leaf.text))
        for leaf in leaves
        if (leaf.fieldname, leaf.text) in reader
    ]
    return [(hit.docnum, hit.score) for hit in ranked(searcher, q, best(terms, docs, count), count)]


@pytest.mark.parametrize("text", QUERIES)
@pytest.mark.parametrize("group", ["and", "or"])
def test_kept_scores_rank_as_whoosh_does(searcher: Any, text: str, group: str) -> None:
    grouping = qparser.AndGroup if group == "and" else qparser.OrGroup
    q = parser(searcher.schema, grouping).parse(text)
    docs = frozenset(searcher.docs_for_query(q))
    for count in (1, 10, 40):
        expected = whoosh_order(searcher, q, set(docs), count)
        found = ours(searcher, q, docs, count)
        assert [d for d, _ in found] == [d for d, _ in expected]
        assert all(
            abs(a - b) <= 1e-9 * max(1.0, b) for (_, a), (_, b) in zip(found, expected, strict=True)
        )


def test_a_subset_is_ranked_within_itself(searcher: Any) -> None:
    q = parser(searcher.schema, qparser.OrGroup).parse("w0 w1 w2")
    matches = sorted(searcher.docs_for_query(q))
    kept = frozenset(matches[::3])
    assert [d for d, _ in ours(searcher, q, kept, 10)] == [
        d for d, _ in whoosh_order(searcher, q, set(kept), 10)
    ]


def test_the_threshold_walk_finds_the_same_page(
    searcher: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(whoosh_scores, "_DIRECT", 0)  # never score every document
    for text in QUERIES:
        q = parser(searcher.schema, qparser.OrGroup).parse(text)
        docs = frozenset(searcher.docs_for_query(q))
        assert [d for d, _ in ours(searcher, q, docs, 10)] == [
            d for d, _ in whoosh_order(searcher, q, set(docs), 10)
        ], text


def test_deleted_documents_are_never_scored(searcher: Any) -> None:
    reader = searcher.reader()
    scores = term_scores(searcher, {}, "body", "w0").scores
    live = set(searcher.docs_for_query(parser(searcher.schema, qparser.OrGroup).parse("body:w0")))
    assert set(scores) == live
    assert reader.has_deletions()


@pytest.mark.parametrize(
    "text", ['"w1 w2"', "w1*", "w1 NOT w2", "country:france", "w1 OR (w2 AND w3)^2", "w9^3 w1"]
)
def test_queries_with_syntax_are_left_to_whoosh(searcher: Any, text: str) -> None:
    q = parser(searcher.schema, qparser.AndGroup).parse(text)
    assert plain_leaves(q) is None or any(
        leaf.fieldname not in ("headline", "body", "quotes", "locations")
        for leaf in plain_leaves(q) or []
    )
