"""Facets: counts over the whole result set, OR within a facet, AND across facets."""

from __future__ import annotations

import random
from collections import Counter

import search
from search.facets import SHOWN, FacetValue, Postings, count

QUERY = "the OR in OR said"  # every fixture article


def _counts(results: search.Results, name: str) -> dict[str, int]:
    return {v.value: v.count for v in results.facets[name]}


def test_places_are_counted_by_country(ix: search.Index) -> None:
    results = ix.search(QUERY)
    assert _counts(results, "country") == {
        "Ukraine": 2,
        "Poland": 1,
        "Portugal": 1,
        "Switzerland": 1,
    }
    assert _counts(results, "speaker") == {"Ana Costa": 1, "Olena Marchenko": 1, "Tomasz Nowak": 1}
    assert _counts(results, "outlet") == {"The Daily Example": 1}
    assert _counts(results, "year") == {"2024": 1}


def test_values_of_one_facet_combine_with_or_and_keep_their_counts(ix: search.Index) -> None:
    one = ix.search(QUERY, filters={"country": ["Ukraine"]})
    assert one.total == 2
    two = ix.search(QUERY, filters={"country": ["Ukraine", "Poland"]})
    assert two.total == 3
    counts = _counts(two, "country")
    assert counts["Ukraine"] + counts["Poland"] == two.total
    assert [v.value for v in two.facets["country"] if v.selected] == ["Ukraine", "Poland"]


def test_facets_combine_with_and(ix: search.Index) -> None:
    results = ix.search(QUERY, filters={"country": ["Ukraine"], "speaker": ["Olena Marchenko"]})
    assert [h.id for h in results.hits] == ["world/kyiv-rally.txt"]
    # The place counts are over the articles quoting her: her story names Geneva too.
    assert _counts(results, "country") == {"Ukraine": 1, "Switzerland": 1}


def test_unknown_facets_and_empty_values_are_ignored(ix: search.Index) -> None:
    results = ix.search(QUERY, filters={"colour": ["red"], "country": ["", "  "]})
    assert results.filters == {} and results.total == 4


def test_a_selected_value_stays_listed_even_with_no_count() -> None:
    postings = Postings(
        docs={"country": {"Chad": frozenset({1}), "Peru": frozenset({2})}},
        values={"country": {1: ("Chad",), 2: ("Peru",)}},
        copies={},
    )
    assert count(postings, {2}, {"country": ["Chad"]})["country"] == [
        FacetValue("Peru", 1, selected=False),
        FacetValue("Chad", 0, selected=True),
    ]


def test_large_result_sets_get_the_same_counts_as_counting_document_by_document() -> None:
    rng = random.Random(7)
    names = [f"Speaker {n}" for n in range(400)]
    values = {
        docnum: tuple(rng.sample(names, rng.choice((0, 1, 2))))
        for docnum in range(9000)
        if rng.random() < 0.97
    }
    docs: dict[str, set[int]] = {}
    for docnum, held in values.items():
        for value in held:
            docs.setdefault(value, set()).add(docnum)
    postings = Postings(
        docs={"speaker": {v: frozenset(d) for v, d in docs.items()}},
        values={"speaker": values},
        copies={},
    )
    matched = frozenset(d for d in range(9000) if rng.random() < 0.6)  # > the by-value limit
    rare = min(docs, key=lambda v: len(docs[v]))
    for filters in ({}, {"speaker": [rare]}):
        expected = Counter(v for d in matched for v in values.get(d, ()))
        shown = count(postings, matched, filters)["speaker"]
        top = sorted(expected.items(), key=lambda item: (-item[1], item[0]))[:SHOWN]
        assert [(v.value, v.count) for v in shown[:SHOWN]] == top
        if filters:
            assert FacetValue(rare, expected[rare], selected=True) in shown
