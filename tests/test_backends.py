"""The contract every backend meets: the same search behaviour on Whoosh (a folder) and on
a real Typesense server (a ``typesense://`` URL). Each test runs once per backend."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

import search
from search.backends import typesense_location
from search.snippets import mark
from search.web import make_app
from tests import typesense_nodes
from tests.conftest import ARTICLES

QUERY = "the OR in OR said"  # every fixture article
_PAGE = """<html><head><title>{title}</title>
<meta property="article:published_time" content="{date}"></head>
<body><article><p>{body}</p></article></body></html>"""
_DATED = {
    "old.html": ("Harbour plans approved", "2003-02-10", "The harbour plan was approved."),
    "mid.html": ("Harbour opens", "2004-07-01", "The harbour opened after years of harbour works."),
    "new.html": ("Harbour busy", "2005-03-14", "The harbour was busy all week with boats."),
    "undated.txt": ("Harbour notes", "", "A harbour story without a date."),
}


def _counts(results: search.Results, name: str) -> dict[str, int]:
    return {v.value: v.count for v in results.facets[name]}


def test_clear_cut_ranking_puts_the_article_about_it_first(any_ix: search.Index) -> None:
    assert [h.id for h in any_ix.search("protests").hits] == ["world/kyiv-rally.txt"]
    assert any_ix.search("budget borrowing").hits[0].id == "world/budget-vote.txt"
    assert any_ix.search("kyiv").total == 2


def test_stemming_and_accent_folding_find_other_forms(any_ix: search.Index) -> None:
    hit = any_ix.search("protests").hits[0]
    assert "<mark>protesting</mark>" in hit.snippet
    assert [h.id for h in any_ix.search("Kyív").hits][:1] == ["world/kyiv-rally.txt"]


def test_snippets_and_headlines_are_marked_the_same_way(any_ix: search.Index) -> None:
    hit = any_ix.search("budget borrowing").hits[0]
    assert "<mark>borrowing</mark>" in hit.snippet and "<mark>budget</mark>" in hit.snippet
    assert hit.headline_html == "Finance minister defends <mark>budget</mark> plan"
    honest = any_ix.search("honest").hits[0]
    assert (
        honest.snippet == "“This budget is <mark>honest</mark> about what we owe,” — Tomasz Nowak"
    )


def test_phrases_match_in_order_and_are_marked_as_one_unit(any_ix: search.Index) -> None:
    hit = any_ix.search('"peaceful pressure"').hits[0]
    assert hit.id == "world/kyiv-rally.txt"
    assert "<mark>Peaceful pressure</mark>" in hit.snippet
    assert any_ix.search('"pressure peaceful"').total == 0
    body = mark(any_ix.article(hit.id).body, any_ix.highlight('"peaceful pressure"'))
    assert body.count("<mark>") == 1


def test_field_searches_speaker_place_quotes_and_headline(any_ix: search.Index) -> None:
    hit = any_ix.search("speaker:nowak").hits[0]
    assert hit.id == "world/budget-vote.txt" and hit.snippet.endswith("— Tomasz Nowak")
    assert [q.speaker for q in hit.matched_quotes] == ["Tomasz Nowak"]
    assert {h.id for h in any_ix.search("place:ukraine").hits} == {
        "world/kyiv-rally.txt",
        "world/kiev-archive.txt",
    }
    assert {h.id for h in any_ix.search("place:lisbon").hits} == {"energy-page.html"}
    assert any_ix.search("quotes:honest").hits[0].id == "world/budget-vote.txt"
    assert [h.id for h in any_ix.search("headline:budget").hits] == ["world/budget-vote.txt"]
    assert {h.id for h in any_ix.search("borrow*").hits} == {"world/budget-vote.txt"}


def test_other_spellings_of_a_place_find_and_name_the_article(any_ix: search.Index) -> None:
    results = any_ix.search("Kyiv")
    archive = next(h for h in results.hits if h.id == "world/kiev-archive.txt")
    assert "<mark>Kiev</mark>" in archive.snippet
    assert archive.also_matched == ["Kiev"] and results.also_matched == ["Kiev"]


def test_facets_count_the_whole_result_set(any_ix: search.Index) -> None:
    results = any_ix.search(QUERY)
    assert _counts(results, "country") == {
        "Ukraine": 2,
        "Poland": 1,
        "Portugal": 1,
        "Switzerland": 1,
    }
    assert _counts(results, "speaker") == {"Ana Costa": 1, "Olena Marchenko": 1, "Tomasz Nowak": 1}
    assert _counts(results, "year") == {"2024": 1}


def test_values_of_one_facet_are_disjunctive_and_facets_combine_with_and(
    any_ix: search.Index,
) -> None:
    two = any_ix.search(QUERY, filters={"country": ["Ukraine", "Poland"]})
    assert two.total == 3
    counts = _counts(two, "country")
    assert counts["Ukraine"] == 2 and counts["Poland"] == 1 and counts["Portugal"] == 1
    both = any_ix.search(QUERY, filters={"country": ["Ukraine"], "speaker": ["Olena Marchenko"]})
    assert [h.id for h in both.hits] == ["world/kyiv-rally.txt"]
    assert _counts(both, "country") == {"Ukraine": 1, "Switzerland": 1}
    absent = any_ix.search(QUERY, filters={"country": ["Chad"]})
    assert absent.total == 0 and [v.value for v in absent.facets["country"] if v.selected] == [
        "Chad"
    ]


def test_misspelt_query_gets_a_suggestion_that_finds_more(any_ix: search.Index) -> None:
    results = any_ix.search("marchenco rally")
    assert results.total == 0 and results.suggestion == "marchenko rally"
    assert any_ix.search("marchenco").suggestion == "marchenko"
    assert any_ix.search("kyiv").suggestion is None
    assert any_ix.search("budg3t").suggestion is None


def test_articles_with_only_some_words_come_after_full_matches(any_ix: search.Index) -> None:
    results = any_ix.search("marchenko budget")
    assert results.total == 0
    assert {h.id for h in results.more_hits} == {"world/kyiv-rally.txt", "world/budget-vote.txt"}
    assert results.more_total == 2


def test_pages_split_the_results(any_ix: search.Index) -> None:
    first = any_ix.search(QUERY, page_size=2)
    assert first.total == 4 and first.pages == 2 and len(first.hits) == 2
    second = any_ix.search(QUERY, page=2, page_size=2)
    assert [h.rank for h in second.hits] == [3, 4]
    assert {h.id for h in first.hits}.isdisjoint(h.id for h in second.hits)
    assert any_ix.search(QUERY, page=9, page_size=2).hits == []


@pytest.mark.parametrize(
    "query",
    ["((", '"unclosed phrase', "headline:", "[a TO", "*", "AND", "OR OR NOT", "a" * 2000, "\0",
     "speaker:(", "~2", "budget~", "date:[2024 TO", "<script>", "?*"],
)  # fmt: skip
def test_bad_queries_never_raise(any_ix: search.Index, query: str) -> None:
    results = any_ix.search(query)
    assert results.total >= 0 and results.page == 1


def test_bare_star_is_every_article_and_bad_values_are_refused(any_ix: search.Index) -> None:
    assert any_ix.search("*").total == 4
    assert any_ix.search("budget))((").hits[0].id == "world/budget-vote.txt"
    for without in ("kyiv NOT song", "kyiv -song"):
        assert [h.id for h in any_ix.search(without).hits] == ["world/kyiv-rally.txt"]
    with pytest.raises(search.InvalidRequestError):
        any_ix.search("kyiv", sort="oldest")
    with pytest.raises(search.InvalidRequestError):
        any_ix.search("kyiv", since="last week")


def test_articles_related_and_fetched(any_ix: search.Index) -> None:
    related = [h.id for h in any_ix.related("world/kyiv-rally.txt")]
    assert "world/kiev-archive.txt" in related and "world/kyiv-rally.txt" not in related
    assert (
        any_ix.article("world/budget-vote.txt").headline == "Finance minister defends budget plan"
    )
    with pytest.raises(search.ArticleNotFoundError):
        any_ix.article("no/such.txt")
    assert len(any_ix) == 4


def test_quotes_view_and_quote_check(any_ix: search.Index) -> None:
    results = any_ix.search("honest", view="quotes")
    assert [card.speaker for card in results.quotes] == ["Tomasz Nowak"]
    check = any_ix.check_quote("This budget is honest about what we owe")
    assert check.matches and check.matches[0].article_id == "world/budget-vote.txt"


def test_dates_filter_and_sort_newest_first(
    new_location: Callable[[], str], tmp_path: Path
) -> None:
    folder = tmp_path / "dated"
    folder.mkdir()
    for name, (title, date, body) in _DATED.items():
        if name.endswith(".html"):
            (folder / name).write_text(_PAGE.format(title=title, date=date, body=body))
        else:
            (folder / name).write_text(f"{title}\n\n{body}\n")
    location = new_location()
    search.build_index(folder, location)
    with search.open_index(location) as ix:
        assert [h.id for h in ix.search("harbour", sort="newest").hits] == [
            "new.html",
            "mid.html",
            "old.html",
            "undated.txt",
        ]
        assert {h.id for h in ix.search("harbour", since="2004").hits} == {"mid.html", "new.html"}
        assert [h.id for h in ix.search("harbour", until="2003-02-10").hits] == ["old.html"]
        assert ix.search("harbour").histogram == {"2003": 1, "2004": 1, "2005": 1}


def test_incremental_updates_and_deletions(new_location: Callable[[], str], tmp_path: Path) -> None:
    import shutil

    folder = tmp_path / "articles"
    shutil.copytree(ARTICLES, folder)
    location = new_location()
    first = search.build_index(folder, location)
    assert (first.added, first.documents) == (4, 4)
    with search.open_index(location) as ix:
        assert ix.search("kyiv").total == 2
        (folder / "world" / "kiev-archive.txt").unlink()
        budget = folder / "world" / "budget-vote.txt"
        budget.write_text(budget.read_text() + "\nKyiv was mentioned in the debate.\n")
        (folder / "late.txt").write_text("Late news\n\nA lighthouse was sold.\n")
        again = search.build_index(folder, location)
        assert (again.added, again.updated, again.removed, again.unchanged) == (1, 1, 1, 2)
        assert {h.id for h in ix.search("kyiv").hits} == {
            "world/kyiv-rally.txt",
            "world/budget-vote.txt",
        }
        assert ix.search("song OR contest").total == 0
        assert ix.search("lighthouse").total == 1
        assert search.build_index(folder, location).unchanged == 4


def test_near_duplicates_are_shown_once(new_location: Callable[[], str], tmp_path: Path) -> None:
    folder = tmp_path / "dupes"
    folder.mkdir()
    story = "The harbour crane collapsed on Monday after a storm hit the coast at night. " * 4
    (folder / "a.txt").write_text(f"Crane collapses\n\n{story}\n")
    (folder / "b.txt").write_text(f"Crane collapses in storm\n\n{story} Reuters.\n")
    (folder / "c.txt").write_text("Other harbour news\n\nThe harbour ferry was late again.\n")
    location = new_location()
    search.build_index(folder, location)
    with search.open_index(location) as ix:
        results = ix.search("harbour")
        shown = {h.id: h.similar for h in results.hits}
        assert len(shown) == 2 and "c.txt" in shown
        (first,) = (h for h in results.hits if h.id != "c.txt")
        assert first.similar == [({"a.txt", "b.txt"} - {first.id}).pop()]
        assert ix.original("b.txt") is not None and ix.original("a.txt") is None


def test_web_app_serves_the_same_pages(any_ix: search.Index) -> None:
    transport = httpx.WSGITransport(app=make_app(any_ix))
    with httpx.Client(transport=transport, base_url="http://testserver") as http:
        page = http.get("/search", params={"q": "budget"})
        assert page.status_code == 200 and "Finance minister defends" in page.text
        data = http.get("/api/search", params={"q": "kyiv"}).json()
        assert data["total"] == 2
        assert http.get("/article/world/budget-vote.txt").status_code == 200


def test_cli_takes_the_location_as_index(new_location: Callable[[], str]) -> None:
    location = new_location()
    run = [sys.executable, "-m", "search"]
    built = subprocess.run(
        [*run, "index", str(ARTICLES), "--index", location, "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(built.stdout)["documents"] == 4
    found = subprocess.run(
        [*run, "query", "protests"],
        capture_output=True,
        text=True,
        check=True,
        env={**__import__("os").environ, "SEARCH_INDEX": location},
    )
    assert "world/kyiv-rally.txt" in found.stdout


@pytest.mark.parametrize(
    ("location", "nodes", "collection"),
    [
        ("typesense://k@127.0.0.1:8108/news", (("127.0.0.1", 8108),), "news"),
        ("typesense://k@a:1,b:2,c:3/news", (("a", 1), ("b", 2), ("c", 3)), "news"),
    ],
)
def test_a_typesense_url_names_every_node(
    location: str, nodes: tuple[tuple[str, int], ...], collection: str
) -> None:
    found = typesense_location(location)
    assert found is not None and found.nodes == nodes and found.collection == collection
    assert "k@" not in str(found)  # the key is never printed


@pytest.mark.parametrize(
    "location", ["typesense://127.0.0.1:8108/news", "typesense://k@host/news", "typesense://k@h:1/"]
)
def test_a_bad_typesense_url_says_how_to_write_one(location: str) -> None:
    with pytest.raises(search.SearchError, match="typesense://API_KEY@HOST:PORT"):
        typesense_location(location)


def test_a_folder_still_means_whoosh(tmp_path: Path) -> None:
    assert typesense_location(tmp_path) is None
    with pytest.raises(search.NoIndexError):
        search.open_index(tmp_path / "nothing")


def test_an_unreachable_typesense_says_what_to_check(tmp_path: Path) -> None:
    port = typesense_nodes.free_port()  # nothing listens there
    with pytest.raises(search.SearchError, match="Cannot reach Typesense"):
        search.open_index(f"typesense://k@127.0.0.1:{port}/news")
    (tmp_path / "a.txt").write_text("Headline\n\nSome text.\n")
    with pytest.raises(search.SearchError, match="Cannot reach Typesense"):
        search.build_index(tmp_path, f"typesense://k@127.0.0.1:{port}/news")
