"""Results, articles and quote checks turn into plain JSON-ready values."""

from __future__ import annotations

import dataclasses
import json

from search.articles import Article, Place, Quote
from search.facets import FacetValue
from search.results import Hit, Results

QUOTE = Quote("We will rebuild.", "Olena Petrenko", 1, 10, 26, role="the mayor")
PLACE = Place("Kiev", "Kyiv", "city", "UA", 703448, 50.45, 30.52, ("Kyiv", "Kiev", "Kyjiw"))


def _results() -> Results:
    hit = Hit("a.txt", "Rebuilding", "Rebuilding", "<mark>rebuild</mark>", 1.5, 1, [QUOTE], [PLACE])
    facets = {"country": [FacetValue("Ukraine", 3, selected=True)]}
    return Results("rebuild", 1, 1, 10, 0.01, [hit], facets=facets, histogram={"2022": 1})


def test_results_to_dict_holds_every_field_as_json_would() -> None:
    results = _results()
    wanted = {**dataclasses.asdict(results), "pages": 1}
    assert json.dumps(results.to_dict(), sort_keys=True) == json.dumps(wanted, sort_keys=True)


def test_changing_a_to_dict_leaves_the_results_as_they_were() -> None:
    results = _results()
    data = results.to_dict()
    data["hits"][0]["locations"][0]["alternate_names"].append("Kyyiv")
    data["facets"]["country"].clear()
    assert results.hits[0].locations[0].alternate_names == ("Kyiv", "Kiev", "Kyjiw")
    assert results.facets["country"] == [FacetValue("Ukraine", 3, selected=True)]


def test_article_to_dict_gives_lists_for_its_tuples() -> None:
    article = Article("a.txt", "a.txt", "Rebuilding", ("One.", "Two."), "hash", quotes=(QUOTE,))
    data = article.to_dict()
    assert data["paragraphs"] == ["One.", "Two."]
    assert data["quotes"] == [dataclasses.asdict(QUOTE)]
