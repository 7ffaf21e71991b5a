"""Sorting by date, date ranges and the histogram, on dated HTML pages."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

import search
from search import build_index, open_index
from search.web import make_app

_PAGE = """<html><head><title>{title}</title>
<meta property="article:published_time" content="{date}"></head>
<body><article><p>{body}</p></article></body></html>"""
_STORIES = {
    "old.html": (
        "Harbour plans approved",
        "2003-02-10",
        "The harbour plan was approved by the council.",
    ),
    "mid.html": ("Harbour opens", "2004-07-01", "The harbour opened after years of harbour works."),
    "new.html": ("Harbour busy", "2005-03-14", "The harbour was busy all week with boats."),
    "undated.txt": ("Harbour notes", "", "A harbour story without a date."),
}


@pytest.fixture(scope="module")
def dated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[search.Index]:
    folder = tmp_path_factory.mktemp("dated")
    for name, (title, date, body) in _STORIES.items():
        if name.endswith(".html"):
            (folder / name).write_text(_PAGE.format(title=title, date=date, body=body))
        else:
            (folder / name).write_text(f"{title}\n\n{body}\n")
    index_dir = tmp_path_factory.mktemp("dated-ix")
    build_index(folder, index_dir)
    with open_index(index_dir) as ix:
        yield ix


def test_newest_first_puts_undated_articles_last(dated: search.Index) -> None:
    ids = [h.id for h in dated.search("harbour", sort="newest").hits]
    assert ids == ["new.html", "mid.html", "old.html", "undated.txt"]


def test_date_range_keeps_articles_dated_inside_it(dated: search.Index) -> None:
    assert {h.id for h in dated.search("harbour", since="2004").hits} == {"mid.html", "new.html"}
    assert [h.id for h in dated.search("harbour", since="2004-01", until="2004-12").hits] == [
        "mid.html"
    ]
    assert [h.id for h in dated.search("harbour", until="2003-02-10").hits] == ["old.html"]
    assert dated.search("harbour", since="2004").total == 2


def test_histogram_counts_results_per_year(dated: search.Index) -> None:
    assert dated.search("harbour").histogram == {"2003": 1, "2004": 1, "2005": 1}
    assert dated.search("approved").histogram == {"2003": 1}


@pytest.mark.parametrize("bad", ["yesterday", "2005-13", "05/03/2005", "2005-02-30"])
def test_a_date_that_is_not_a_date_is_refused_with_the_form_to_use(
    dated: search.Index, bad: str
) -> None:
    with pytest.raises(search.SearchError, match="like 2005, 2005-03 or 2005-03-14"):
        dated.search("harbour", since=bad)


def test_web_sorts_filters_by_date_and_draws_the_histogram(dated: search.Index) -> None:
    http = httpx.Client(transport=httpx.WSGITransport(app=make_app(dated)), base_url="http://t")
    page = http.get("/search", params={"q": "harbour", "sort": "newest", "since": "2004"})
    assert page.status_code == 200
    assert '<a href="/article/new.html?q=harbour">' in page.text
    assert page.text.index("new.html") < page.text.index("mid.html")
    assert page.text.count('class="bar ') == 2
    api = http.get("/api/search", params={"q": "harbour", "sort": "newest"}).json()
    assert api["hits"][0]["id"] == "new.html" and api["sort"] == "newest"
    for params in ({"since": "soon"}, {"sort": "oldest"}):
        assert http.get("/search", params={"q": "harbour", **params}).status_code == 400
        assert http.get("/api/search", params={"q": "harbour", **params}).status_code == 400


def test_undated_index_has_no_histogram(ix: search.Index, tmp_path: Path) -> None:
    assert ix.search("kyiv").histogram == {}
